//! Capabilities defaults and the kubeVersion check (facts measured with Helm v4.2.3).

use helm::capabilities::{
    DEFAULT_API_VERSIONS, KubeVersion, api_versions, check_kube_version, release_object,
};
use helm::chart::Metadata;

#[test]
fn defaults() {
    assert_eq!(DEFAULT_API_VERSIONS.len(), 55);
    let kv = KubeVersion::default();
    assert_eq!(
        (kv.version.as_str(), kv.major.as_str(), kv.minor.as_str()),
        ("v1.36.0", "1", "36")
    );
    let a = api_versions(&["a/b/C".into()]);
    assert_eq!(a.len(), 56);
    assert_eq!(a.last().unwrap(), "a/b/C");
}

#[test]
fn kube_version_parsing() {
    let kv = KubeVersion::parse("v1.33.4-gke.1").unwrap();
    assert_eq!(kv.version, "v1.33.4-gke.1");
    assert_eq!(kv.normalized, "v1.33.4");
    assert_eq!((kv.major.as_str(), kv.minor.as_str()), ("1", "33"));
    let kv = KubeVersion::parse("1.20").unwrap();
    assert_eq!(kv.version, "v1.20");
    assert_eq!(kv.normalized, "v1.20.0");
    assert_eq!(
        KubeVersion::parse("garbage").unwrap_err(),
        "could not parse \"garbage\" as version"
    );
}

#[test]
fn chart_kube_version_check() {
    let md = Metadata {
        kube_version: ">= 1.21.0-0".into(),
        ..Default::default()
    };
    assert!(check_kube_version(&md, &KubeVersion::default()).is_ok());
    assert!(check_kube_version(&md, &KubeVersion::parse("v1.33.4-gke.1").unwrap()).is_ok());
    assert_eq!(
        check_kube_version(&md, &KubeVersion::parse("v1.20.0").unwrap()).unwrap_err(),
        "chart requires kubeVersion: >= 1.21.0-0 which is incompatible with Kubernetes v1.20.0"
    );
}

#[test]
fn release() {
    let r = release_object("cilium", "kube-system", false);
    assert_eq!(
        goyaml::to_json(&goyaml::Yaml::Map(r)).unwrap(),
        r#"{"IsInstall":true,"IsUpgrade":false,"Name":"cilium","Namespace":"kube-system","Revision":1,"Service":"Helm"}"#
    );
}
