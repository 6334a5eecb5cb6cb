//! `prepare`: order of the checks Helm runs before templates execute.

use helm::chart::{Chart, File};
use helm::{RenderOptions, ValuesBuilder, prepare};

fn chart() -> Chart {
    let f = |n: &str, d: &str| File {
        name: n.into(),
        data: d.as_bytes().into(),
    };
    Chart::from_files(vec![
        f(
            "Chart.yaml",
            "apiVersion: v2\nname: c\nversion: 1.0.0\nkubeVersion: '>= 1.21.0-0'\n",
        ),
        f("values.yaml", "r: 1\nd: {x: 1}\n"),
        f(
            "values.schema.json",
            r#"{"type":"object","properties":{"r":{"type":"integer"}}}"#,
        ),
    ])
    .unwrap()
}

fn user(set_json: &str) -> goyaml::Map {
    ValuesBuilder::new()
        .set_json(set_json)
        .build(&mut |_| Err("no files".into()))
        .unwrap()
}

#[test]
fn schema_checked_before_kube_version() {
    let opts = RenderOptions {
        kube_version: Some("v1.20.0".into()),
        ..Default::default()
    };
    let e = prepare(&chart(), user(r#"r="x""#), &opts).unwrap_err();
    assert!(
        e.ends_with("c:\n- at '/r': got string, want integer\n"),
        "{e}"
    );
    let e = prepare(&chart(), user("r=2"), &opts).unwrap_err();
    assert_eq!(
        e,
        "chart requires kubeVersion: >= 1.21.0-0 which is incompatible with Kubernetes v1.20.0"
    );
    let skip = RenderOptions {
        skip_schema_validation: true,
        ..Default::default()
    };
    let p = prepare(&chart(), user(r#"r="x""#), &skip).unwrap();
    assert_eq!(p.values["r"], goyaml::Yaml::String("x".into()));
    assert_eq!(p.kube_version.version, "v1.36.0");
    assert_eq!(p.api_versions.len(), 55);
}

#[test]
fn user_null_removes_default() {
    let p = prepare(&chart(), user("d=null"), &RenderOptions::default()).unwrap();
    assert!(!p.values.contains_key("d"));
}

#[test]
fn parse_order_is_helms() {
    let mut names: Vec<String> = [
        "c/templates/a.yaml",
        "c/templates/_helpers.tpl",
        "c/templates/z/deep.yaml",
        "c/templates/b.yaml",
        "c/charts/s/templates/x.yaml",
        "c/templates/NOTES.txt",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    helm::render::parse_order(&mut names);
    assert_eq!(
        names,
        [
            "c/charts/s/templates/x.yaml",
            "c/templates/z/deep.yaml",
            "c/templates/b.yaml",
            "c/templates/a.yaml",
            "c/templates/_helpers.tpl",
            "c/templates/NOTES.txt",
        ]
    );
    assert!(!helm::render::is_rendered("c/templates/_helpers.tpl"));
    assert!(helm::render::is_rendered("c/templates/a.yaml"));
    assert_eq!(helm::render::scrub_no_value("a: <no value>\n"), "a: \n");
}

#[test]
fn template_names_include_subcharts() {
    let f = |n: &str, d: &str| File {
        name: n.into(),
        data: d.as_bytes().into(),
    };
    let c = Chart::from_files(vec![
        f("Chart.yaml", "apiVersion: v2\nname: top\nversion: 1.0.0\n"),
        f("templates/a.yaml", "a"),
        f(
            "charts/sub/Chart.yaml",
            "apiVersion: v2\nname: sub\nversion: 1.0.0\n",
        ),
        f("charts/sub/templates/b.yaml", "b"),
    ])
    .unwrap();
    let names: Vec<_> = helm::render::template_sources(&c)
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    assert_eq!(
        names,
        ["top/templates/a.yaml", "top/charts/sub/templates/b.yaml"]
    );
}

/// The same chart with a template that fails and a schema of `schema_pad` extra bytes
/// (large schemas are checked on a thread beside the templates).
fn failing_chart(schema_pad: usize) -> Chart {
    let f = |n: &str, d: &str| File {
        name: n.into(),
        data: d.as_bytes().into(),
    };
    let schema = format!(
        r#"{{"description":"{}","type":"object","properties":{{"r":{{"type":"integer"}}}}}}"#,
        "x".repeat(schema_pad)
    );
    Chart::from_files(vec![
        f(
            "Chart.yaml",
            "apiVersion: v2\nname: c\nversion: 1.0.0\nkubeVersion: '>= 1.21.0-0'\n",
        ),
        f("values.yaml", "r: 1\n"),
        f("values.schema.json", &schema),
        f(
            "templates/cm.yaml",
            "{{ if .Values.boom }}{{ fail \"boom\" }}{{ end }}a: {{ .Values.r }}\n",
        ),
    ])
    .unwrap()
}

/// Helm's order holds in a full render whether the schema is checked first on the calling
/// thread (small schema) or beside template execution (large schema): a schema error wins
/// over a kubeVersion error and over a template error; then kubeVersion; then templates.
#[test]
fn render_reports_schema_errors_first() {
    use std::sync::Arc;
    let gen_ = || {
        Arc::new(sprig::DefaultGenerator::seeded(
            [1; 32],
            sprig::Timestamp::default(),
        ))
    };
    let old_kube = RenderOptions {
        kube_version: Some("v1.20.0".into()),
        ..Default::default()
    };
    for pad in [0, 64 * 1024] {
        let c = failing_chart(pad);
        let render = |set: &str, opts: &RenderOptions| {
            helm::render(&c, user(set), opts, gen_()).map(|r| r.manifest)
        };
        let schema_err = render(r#"{"r":"x","boom":true}"#, &old_kube).unwrap_err();
        assert!(
            schema_err.ends_with("- at '/r': got string, want integer\n"),
            "{pad}: {schema_err}"
        );
        let e = render(r#"{"r":"x","boom":true}"#, &RenderOptions::default()).unwrap_err();
        assert_eq!(e, schema_err, "{pad}");
        let e = render(r#"{"boom":true}"#, &old_kube).unwrap_err();
        assert!(e.starts_with("chart requires kubeVersion"), "{pad}: {e}");
        let e = render(r#"{"boom":true}"#, &RenderOptions::default()).unwrap_err();
        assert!(e.contains("boom"), "{pad}: {e}");
        let out = render(r#"{"r":5}"#, &RenderOptions::default()).unwrap();
        assert!(out.ends_with("a: 5\n"), "{pad}: {out}");
    }
}
