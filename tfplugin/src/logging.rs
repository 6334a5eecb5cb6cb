//! hclog-compatible JSON logging on stderr.
//!
//! go-plugin reads the plugin's stderr and re-logs each JSON line through
//! Terraform's logger, so `TF_LOG=debug` shows these lines. The level comes
//! from `TF_LOG_PROVIDER`, else `TF_LOG`, else `info`. Log through the `log`
//! crate's macros (`log::debug!(...)`); never log secret values.

use std::io::Write;
use std::sync::OnceLock;

struct HclogLogger {
    level: log::LevelFilter,
    module: String,
}

/// Parses a Terraform log level name (`trace`, `debug`, `info`, `warn`, `error`, `off`, `json`).
pub fn parse_level(s: &str) -> Option<log::LevelFilter> {
    match s.trim().to_ascii_lowercase().as_str() {
        "trace" | "json" => Some(log::LevelFilter::Trace),
        "debug" => Some(log::LevelFilter::Debug),
        "info" => Some(log::LevelFilter::Info),
        "warn" => Some(log::LevelFilter::Warn),
        "error" => Some(log::LevelFilter::Error),
        "off" => Some(log::LevelFilter::Off),
        _ => None,
    }
}

/// The level configured by the environment.
pub fn level_from_env() -> log::LevelFilter {
    ["TF_LOG_PROVIDER", "TF_LOG"]
        .iter()
        .filter_map(|k| std::env::var(k).ok())
        .find_map(|v| parse_level(&v))
        .unwrap_or(log::LevelFilter::Info)
}

/// Formats one hclog JSON line (without the trailing newline).
pub fn format_line(level: log::Level, module: &str, message: &str, unix_nanos: u128) -> String {
    let lvl = match level {
        log::Level::Error => "error",
        log::Level::Warn => "warn",
        log::Level::Info => "info",
        log::Level::Debug => "debug",
        log::Level::Trace => "trace",
    };
    let mut m = serde_json::Map::new();
    m.insert("@level".into(), lvl.into());
    m.insert("@message".into(), message.into());
    m.insert("@module".into(), module.into());
    m.insert("@timestamp".into(), rfc3339(unix_nanos).into());
    serde_json::Value::Object(m).to_string()
}

/// RFC 3339 UTC timestamp with microseconds, as hclog writes it.
fn rfc3339(unix_nanos: u128) -> String {
    let secs = (unix_nanos / 1_000_000_000) as i64;
    let micros = (unix_nanos % 1_000_000_000) / 1000;
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400);
    // civil-from-days (proleptic Gregorian)
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{micros:06}Z",
        sod / 3600,
        (sod / 60) % 60,
        sod % 60
    )
}

impl log::Log for HclogLogger {
    fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
        metadata.level() <= self.level
    }

    fn log(&self, record: &log::Record<'_>) {
        if !self.enabled(record.metadata()) {
            return;
        }
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let line = format_line(
            record.level(),
            &self.module,
            &record.args().to_string(),
            now,
        );
        let mut err = std::io::stderr().lock();
        let _ = writeln!(err, "{line}");
    }

    fn flush(&self) {
        let _ = std::io::stderr().flush();
    }
}

static LOGGER: OnceLock<HclogLogger> = OnceLock::new();

/// Installs the hclog logger (module name `module`) at the level from the
/// environment. Does nothing if a logger is already installed.
pub fn init(module: &str) {
    let logger = LOGGER.get_or_init(|| HclogLogger {
        level: level_from_env(),
        module: module.to_string(),
    });
    if log::set_logger(logger).is_ok() {
        log::set_max_level(logger.level);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_format() {
        // 2026-11-28T07:52:18.123456Z
        let nanos = 1_795_852_338_123_456_789u128;
        let l = format_line(log::Level::Debug, "provider", "hello \"x\"", nanos);
        let v: serde_json::Value = serde_json::from_str(&l).unwrap();
        assert_eq!(v["@level"], "debug");
        assert_eq!(v["@message"], "hello \"x\"");
        assert_eq!(v["@module"], "provider");
        assert_eq!(v["@timestamp"], "2026-11-28T07:52:18.123456Z");
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00.000000Z");
        assert_eq!(
            rfc3339(951_782_400_000_000_000),
            "2000-02-29T00:00:00.000000Z"
        );
    }

    #[test]
    fn levels() {
        assert_eq!(parse_level("DEBUG"), Some(log::LevelFilter::Debug));
        assert_eq!(parse_level("json"), Some(log::LevelFilter::Trace));
        assert_eq!(parse_level("nope"), None);
    }
}
