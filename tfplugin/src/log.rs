//! Logging in go-hclog's JSON line format on stderr. go-plugin reads these
//! lines from the plugin's stderr and re-emits them in Terraform's own log, so
//! `TF_LOG=debug terraform plan` shows them.
//!
//! The level comes from `TF_LOG_PROVIDER`, else `TF_LOG` (Terraform passes its
//! environment to the plugin); nothing is written when neither is set.

use std::io::Write;
use std::sync::OnceLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Trace = 0,
    Debug = 1,
    Info = 2,
    Warn = 3,
    Error = 4,
    Off = 5,
}

impl Level {
    fn name(self) -> &'static str {
        match self {
            Level::Trace => "trace",
            Level::Debug => "debug",
            Level::Info => "info",
            Level::Warn => "warn",
            Level::Error => "error",
            Level::Off => "off",
        }
    }
    /// Parses a TF_LOG-style level; anything unrecognised but non-empty means trace (as Terraform does).
    pub fn parse(s: &str) -> Level {
        match s.trim().to_ascii_lowercase().as_str() {
            "" | "off" => Level::Off,
            "error" => Level::Error,
            "warn" => Level::Warn,
            "info" => Level::Info,
            "debug" => Level::Debug,
            _ => Level::Trace,
        }
    }
}

fn threshold() -> Level {
    static LEVEL: OnceLock<Level> = OnceLock::new();
    *LEVEL.get_or_init(|| {
        let v = std::env::var("TF_LOG_PROVIDER")
            .or_else(|_| std::env::var("TF_LOG"))
            .unwrap_or_default();
        Level::parse(&v)
    })
}

/// True when messages at `level` are written.
pub fn enabled(level: Level) -> bool {
    level >= threshold() && threshold() != Level::Off
}

/// One hclog JSON line (without the trailing newline).
pub fn format_line(level: Level, message: &str, fields: &[(&str, &str)]) -> String {
    let mut obj = serde_json::Map::new();
    obj.insert("@level".into(), level.name().into());
    obj.insert("@message".into(), message.into());
    obj.insert("@module".into(), "provider".into());
    obj.insert(
        "@timestamp".into(),
        chrono::Utc::now()
            .format("%Y-%m-%dT%H:%M:%S%.6fZ")
            .to_string()
            .into(),
    );
    for (k, v) in fields {
        obj.insert((*k).into(), (*v).into());
    }
    serde_json::Value::Object(obj).to_string()
}

/// Writes a log line at `level` if enabled. Never pass secret values.
pub fn log(level: Level, message: &str, fields: &[(&str, &str)]) {
    if !enabled(level) {
        return;
    }
    let line = format_line(level, message, fields);
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{line}");
}

pub fn debug(message: &str, fields: &[(&str, &str)]) {
    log(Level::Debug, message, fields)
}
pub fn trace(message: &str, fields: &[(&str, &str)]) {
    log(Level::Trace, message, fields)
}
pub fn error(message: &str, fields: &[(&str, &str)]) {
    log(Level::Error, message, fields)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_hclog_json() {
        let l = format_line(
            Level::Debug,
            "planned \"x\"",
            &[("rpc", "PlanResourceChange")],
        );
        let v: serde_json::Value = serde_json::from_str(&l).unwrap();
        assert_eq!(v["@level"], "debug");
        assert_eq!(v["@message"], "planned \"x\"");
        assert_eq!(v["rpc"], "PlanResourceChange");
        let ts = v["@timestamp"].as_str().unwrap();
        assert!(chrono::DateTime::parse_from_rfc3339(ts).is_ok(), "{ts}");
    }

    #[test]
    fn levels_parse_like_terraform() {
        assert_eq!(Level::parse("DEBUG"), Level::Debug);
        assert_eq!(Level::parse(""), Level::Off);
        assert_eq!(Level::parse("json"), Level::Trace);
    }
}
