//! `terraform-provider-cilium template RELEASE CHART [flags]`: `helm template` (Helm v4)
//! with the native renderer. Same flags, same output bytes, same error text.

use std::path::PathBuf;
use std::sync::Arc;

use helm::{Chart, RenderOptions, ValuesBuilder};

#[derive(clap::Args)]
pub struct TemplateArgs {
    /// Release name.
    release: String,
    /// Chart directory or .tgz, or a chart name with --repo.
    chart: String,
    /// Namespace of the release (`.Release.Namespace`).
    #[arg(short = 'n', long, default_value = "default")]
    namespace: String,
    /// Values files, merged in order (later wins).
    #[arg(short = 'f', long = "values", value_delimiter = ',')]
    values: Vec<PathBuf>,
    /// Values on the command line (`a.b=1,c={x,y}`).
    #[arg(long)]
    set: Vec<String>,
    /// Like --set, every value a string.
    #[arg(long = "set-string")]
    set_string: Vec<String>,
    /// Values as JSON (`a.b=[1,2]` or a whole `{...}` object).
    #[arg(long = "set-json")]
    set_json: Vec<String>,
    /// Values read from files (`key=path`).
    #[arg(long = "set-file")]
    set_file: Vec<String>,
    /// A literal string value, no parsing (`key=value`).
    #[arg(long = "set-literal")]
    set_literal: Vec<String>,
    /// Kubernetes version for `.Capabilities.KubeVersion` (default v1.36.0).
    #[arg(long = "kube-version")]
    kube_version: Option<String>,
    /// Extra API versions for `.Capabilities.APIVersions` (`group/version` or `group/version/Kind`).
    #[arg(short = 'a', long = "api-versions", value_delimiter = ',')]
    api_versions: Vec<String>,
    /// Chart version (with --repo).
    #[arg(long = "version")]
    chart_version: Option<String>,
    /// Chart repository URL; CHART is then a chart name.
    #[arg(long)]
    repo: Option<String>,
    /// Print the chart's crds/ first.
    #[arg(long = "include-crds")]
    include_crds: bool,
    /// Leave hooks out.
    #[arg(long = "no-hooks")]
    no_hooks: bool,
    /// Leave test hooks out.
    #[arg(long = "skip-tests")]
    skip_tests: bool,
    /// Render as an upgrade (`.Release.IsUpgrade`).
    #[arg(long = "is-upgrade")]
    is_upgrade: bool,
    /// Do not validate values against values.schema.json.
    #[arg(long = "skip-schema-validation")]
    skip_schema_validation: bool,
    /// Print only the documents of these templates (`templates/x.yaml`, globs allowed).
    #[arg(short = 's', long = "show-only")]
    show_only: Vec<String>,
}

/// Renders and returns the output; the error is Helm's text without `Error: `.
pub fn run(args: &TemplateArgs) -> Result<String, String> {
    // One render per process: nothing gains from keeping the parsed values schema.
    helm::schema::keep_parsed_schemas(false);
    single_malloc_arena();
    let chart = load_chart(args)?;
    // Certificate keys are generated while the values are read and the templates render.
    let mut generator =
        sprig::DefaultGenerator::new(Arc::new(sprig::OsSource), Arc::new(sprig::SystemClock));
    generator.prefetch_cert_keys(cert_key_sites(&chart).min(MAX_PREFETCHED_KEYS));
    let mut vb = ValuesBuilder::new();
    for f in &args.values {
        let text = if f.as_os_str() == "-" {
            std::io::read_to_string(std::io::stdin()).map_err(|e| format!("reading stdin: {e}"))?
        } else {
            std::fs::read_to_string(f)
                .map_err(|e| format!("open {}: {}", f.display(), io_text(&e)))?
        };
        vb = vb.file(f.display().to_string(), text);
    }
    for s in &args.set_json {
        vb = vb.set_json(s.clone());
    }
    for s in &args.set {
        vb = vb.set(s.clone());
    }
    for s in &args.set_string {
        vb = vb.set_string(s.clone());
    }
    for s in &args.set_file {
        vb = vb.set_file(s.clone());
    }
    for s in &args.set_literal {
        vb = vb.set_literal(s.clone());
    }
    let user = vb.build(&mut |p| {
        std::fs::read_to_string(p).map_err(|e| format!("open {p}: {}", io_text(&e)))
    })?;
    let opts = RenderOptions {
        release_name: args.release.clone(),
        namespace: args.namespace.clone(),
        kube_version: args.kube_version.clone(),
        api_versions: args.api_versions.clone(),
        include_crds: args.include_crds,
        no_hooks: args.no_hooks,
        skip_tests: args.skip_tests,
        show_only: args.show_only.clone(),
        is_upgrade: args.is_upgrade,
        skip_schema_validation: args.skip_schema_validation,
    };
    helm::render(&chart, user, &opts, Arc::new(generator)).map(|r| r.manifest)
}

/// glibc gives threads that allocate their own malloc arena, whose pages stay resident
/// after the thread ends. The key, schema and document-parsing threads of one render are
/// short-lived and allocate little, so one shared arena costs them nothing measurable and
/// keeps peak RSS about 1.5 MB lower (`scripts/bench-template.sh`).
fn single_malloc_arena() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes allocator tuning; M_ARENA_MAX takes any positive count.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
    }
}

/// At most this many certificate keys are generated ahead of the render: enough for a CA
/// and two leaf certificates (the Cilium chart with Hubble and Hubble Relay), few enough
/// that keys a render does not use take little CPU from it.
const MAX_PREFETCHED_KEYS: usize = 3;

/// Call sites of the functions that generate a certificate key (`genCA`,
/// `genSelfSignedCert`, `genSignedCert`; not their `...WithKey` forms) in the templates of
/// the chart and its subcharts. An estimate: a site may run any number of times.
fn cert_key_sites(chart: &Chart) -> usize {
    const FUNCS: [&str; 3] = ["genCA", "genSelfSignedCert", "genSignedCert"];
    let in_file = |data: &[u8]| -> usize {
        let text = String::from_utf8_lossy(data);
        FUNCS
            .iter()
            .map(|f| {
                text.match_indices(f)
                    .filter(|(i, _)| {
                        let next = text[i + f.len()..].chars().next();
                        !next.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
                    })
                    .count()
            })
            .sum()
    };
    chart
        .templates
        .iter()
        .map(|f| in_file(&f.data))
        .sum::<usize>()
        + chart.dependencies.iter().map(cert_key_sites).sum::<usize>()
}

fn load_chart(args: &TemplateArgs) -> Result<Chart, String> {
    if let Some(repo) = &args.repo {
        // Same cache and offline switch as the provider (CILIUM_CACHE_DIR, CILIUM_OFFLINE).
        let cfg = crate::provider::ProviderConfig::from_env();
        let mut rc = helm::repo::RepoConfig::new(cfg.cache_dir);
        rc.offline = cfg.offline;
        let client = helm::repo::RepoClient::new(rc).map_err(|e| e.to_string())?;
        let version = args.chart_version.as_deref().unwrap_or("");
        let fetched = client
            .fetch(repo, &args.chart, version)
            .map_err(|e| e.to_string())?;
        return Chart::load(&fetched.path).map_err(|e| e.to_string());
    }
    Chart::load(&args.chart).map_err(|e| e.to_string())
}

fn io_text(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_key_generating_call_sites() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../acceptance-tests/charts/secrets");
        let mut chart = Chart::load(&dir).expect("test chart");
        // _ca.tpl: genCA; tls-secret.yaml: genSignedCert.
        assert_eq!(cert_key_sites(&chart), 2);
        chart.templates.push(helm::chart::File {
            name: "templates/more.yaml".into(),
            data: b"{{ genCAWithKey \"x\" 1 $k }}{{ genSelfSignedCert \"y\" nil nil 1 }}\
                    {{ genSignedCertWithKey 1 2 }}{{ genPrivateKey \"rsa\" }}"
                .as_slice()
                .into(),
        });
        assert_eq!(cert_key_sites(&chart), 3);
        let sub = chart.clone();
        chart.dependencies.push(sub);
        assert_eq!(cert_key_sites(&chart), 6);
    }
}
