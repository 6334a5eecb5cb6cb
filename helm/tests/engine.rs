//! Template execution compared with the reference Helm library: each case renders one of
//! the charts in `tests/charts/` with the flags `tests/regen_golden.sh` gave the reference,
//! and the output (or the error, with Helm's `Error: ` prefix) must be byte-identical to
//! the golden files it wrote. (`--set` integers are avoided: the reference receives values
//! as JSON, so it would see a float64 where Helm's CLI and this renderer see an int64.)

use std::path::PathBuf;
use std::sync::Arc;

use helm::{Chart, RenderOptions, ValuesBuilder, render};
use sprig::{DefaultGenerator, Timestamp};

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests")
}

struct Case<'a> {
    golden: &'a str,
    chart: &'a str,
    release: &'a str,
    namespace: &'a str,
    set: &'a [&'a str],
    set_string: &'a [&'a str],
    set_json: &'a [&'a str],
    kube_version: Option<&'a str>,
    api_versions: &'a [&'a str],
}

const BASE: Case<'static> = Case {
    golden: "",
    chart: "",
    release: "rel",
    namespace: "default",
    set: &[],
    set_string: &[],
    set_json: &[],
    kube_version: None,
    api_versions: &[],
};

fn run(case: &Case) -> Result<String, String> {
    let chart = Chart::load(dir().join("charts").join(case.chart)).map_err(|e| e.to_string())?;
    let mut vb = ValuesBuilder::new();
    for s in case.set {
        vb = vb.set(*s);
    }
    for s in case.set_json {
        vb = vb.set_json(*s);
    }
    for s in case.set_string {
        vb = vb.set_string(*s);
    }
    let user = vb.build(&mut |p| Err(format!("no file {p}")))?;
    let opts = RenderOptions {
        release_name: case.release.into(),
        namespace: case.namespace.into(),
        kube_version: case.kube_version.map(str::to_string),
        api_versions: case.api_versions.iter().map(|s| s.to_string()).collect(),
        ..RenderOptions::default()
    };
    let generator = Arc::new(DefaultGenerator::seeded([7; 32], Timestamp::default()));
    render(&chart, user, &opts, generator).map(|r| r.manifest)
}

fn check(case: Case) {
    let out = std::fs::read_to_string(dir().join(format!("golden/{}.out", case.golden))).unwrap();
    let err = std::fs::read_to_string(dir().join(format!("golden/{}.err", case.golden))).unwrap();
    match run(&case) {
        Ok(s) => {
            assert!(
                err.is_empty(),
                "{}: Helm failed with {err}, we rendered:\n{s}",
                case.golden
            );
            assert_eq!(s, out, "{}", case.golden);
        }
        Err(e) => assert_eq!(format!("Error: {e}\n"), err, "{}", case.golden),
    }
}

#[test]
fn objects_functions_and_order() {
    check(Case {
        golden: "engine",
        chart: "engine",
        namespace: "kube-system",
        api_versions: &["gateway.networking.k8s.io/v1/GatewayClass"],
        ..BASE
    });
}

#[test]
fn defaults_without_gateway_api() {
    check(Case {
        golden: "engine-defaults",
        chart: "engine",
        release: "release-name",
        ..BASE
    });
}

#[test]
fn set_values_and_kube_version() {
    check(Case {
        golden: "engine-set",
        chart: "engine",
        set: &["name=other"],
        set_json: &["port=9090"],
        set_string: &["big=7"],
        kube_version: Some("v1.30.2"),
        ..BASE
    });
}

/// `toToml` (BurntSushi/toml's layout, quoting, float format and errors), `fromToml`, and
/// `toYamlPretty` (yaml.v3 layout: indented sequences, no folding).
#[test]
fn toml_functions() {
    check(Case {
        golden: "toml",
        chart: "toml",
        ..BASE
    });
}

/// Subcharts: defaults coalesced under the parent's key, `global` passed down and merged
/// (scalars from the parent win, tables fill in), two levels deep, with user values.
#[test]
fn subchart_values_and_globals() {
    check(Case {
        golden: "subcharts",
        chart: "subcharts",
        ..BASE
    });
    check(Case {
        golden: "subcharts-set",
        chart: "subcharts",
        set: &["global.g=user", "sub.x=7"],
        set_json: &[r#"second={"z":null}"#],
        ..BASE
    });
}

/// Dependencies switched by `condition` (first boolean path wins, nested paths under the
/// parent's key) and `tags`; unlisted charts always render.
#[test]
fn dependency_conditions_and_tags() {
    check(Case {
        golden: "conditions",
        chart: "conditions",
        ..BASE
    });
    check(Case {
        golden: "conditions-off",
        chart: "conditions",
        set: &["a.enabled=false", "tags.extra=false"],
        ..BASE
    });
    check(Case {
        golden: "conditions-on",
        chart: "conditions",
        set: &["tags.extra=true", "c.on=true", "a.aa.enabled=true"],
        ..BASE
    });
}

/// `alias`: one chart listed twice under two names (values, template paths, `.Chart.Name`),
/// a condition on an alias, and a listed version the chart does not satisfy.
#[test]
fn dependency_aliases() {
    check(Case {
        golden: "aliases",
        chart: "aliases",
        ..BASE
    });
    check(Case {
        golden: "aliases-off",
        chart: "aliases",
        set: &["second.enabled=false"],
        ..BASE
    });
}

/// `import-values`: exports by name and child/parent paths, two levels deep, a missing
/// child table skipped, the parent's own values and user values winning.
#[test]
fn dependency_import_values() {
    check(Case {
        golden: "imports",
        chart: "imports",
        ..BASE
    });
    check(Case {
        golden: "imports-set",
        chart: "imports",
        set: &["database.host=user", "level=top"],
        ..BASE
    });
}

#[test]
fn errors_worded_as_helm() {
    for c in [
        "err-required",
        "err-fail",
        "err-nilptr",
        "err-parse",
        "err-include",
        "err-tpl",
        "err-undefined-fn",
        "err-badyaml",
        "err-missing-dep",
    ] {
        check(Case {
            golden: c,
            chart: c,
            ..BASE
        });
    }
}

/// With the reference installed (`HELM_ORACLE_PYTHON`, and `HELM_ORACLE_SCRIPT` or
/// ../shared/tools/helm-oracle/helm_oracle.py), the goldens are regenerated into a temporary
/// directory and must equal the committed ones: a stale golden cannot hide a difference.
#[test]
fn goldens_are_what_the_reference_renders_now() {
    let Ok(py) = std::env::var("HELM_ORACLE_PYTHON") else {
        eprintln!("skipped: HELM_ORACLE_PYTHON not set (scripts/test.sh sets it up)");
        return;
    };
    let script = std::env::var("HELM_ORACLE_SCRIPT").unwrap_or_else(|_| {
        dir()
            .join("../../../shared/tools/helm-oracle/helm_oracle.py")
            .to_string_lossy()
            .into_owned()
    });
    let tmp = tempfile_dir();
    let status = std::process::Command::new("bash")
        .arg(dir().join("regen_golden.sh"))
        .arg(
            std::path::Path::new(&py)
                .parent()
                .unwrap()
                .parent()
                .unwrap(),
        )
        .env("HELM_ORACLE", &script)
        .env("GOLDEN_DIR", &tmp)
        .status()
        .expect("run regen_golden.sh");
    assert!(status.success());
    let mut compared = 0;
    for entry in std::fs::read_dir(dir().join("golden")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let fresh = std::fs::read_to_string(tmp.join(&name))
            .unwrap_or_else(|_| panic!("{name} was not regenerated"));
        assert_eq!(
            fresh,
            std::fs::read_to_string(&path).unwrap(),
            "golden {name} differs from the reference's output now"
        );
        compared += 1;
    }
    assert!(compared >= 30, "only {compared} goldens");
    let _ = std::fs::remove_dir_all(&tmp);
}

fn tempfile_dir() -> PathBuf {
    let d = std::env::temp_dir().join(format!("helm-goldens-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}
