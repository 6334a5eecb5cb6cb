//! Stable-toolchain smoke test for the fuzz entry points (`fuzz/` holds the cargo-fuzz
//! targets): deterministic mutations of a real chart archive (the `engine` test chart,
//! mutated both as compressed bytes and as the tar stream re-compressed) go through
//! `fuzz_load_archive`, and mutations of real `--set` expressions through `fuzz_strvals`,
//! under `catch_unwind`.

use mutate::no_panics;

const ARCHIVE_TOKENS: &[&[u8]] = &[
    b"Chart.yaml",
    b"values.yaml",
    b"templates/",
    b"charts/",
    b"../",
    b"/",
    b"\0",
    b"apiVersion: v2\nname: x\nversion: 1.0.0\n",
    b"dependencies:\n- name: y\n",
    b"ustar",
    b"0000777",
    b"\xff\xff\xff\xff",
    b"pax",
    b"././@LongLink",
];

const SET_TOKENS: &[&[u8]] = &[
    b"=", b",", b".", b"\\", b"\\,", b"\\.", b"[", b"]", b"[0]", b"[65537]", b"{", b"}", b"{a,b}",
    b"null", b"true", b"\"", b"[-1]", b"a.b.c.d", b"=[", b"={",
];

fn tar_of_engine_chart() -> Vec<u8> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/charts/engine");
    let mut b = tar::Builder::new(Vec::new());
    b.append_dir_all("engine", &root).unwrap();
    b.into_inner().unwrap()
}

fn gzip(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn load_tar(data: &[u8]) {
    helm::fuzz_load_archive(&gzip(data));
}

#[test]
fn archive_loader_never_panics() {
    let tar = tar_of_engine_chart();
    let tgz = gzip(&tar);
    // the seed itself loads
    let chart = helm::Chart::load_archive(&tgz).unwrap();
    assert_eq!(chart.metadata.name, "engine");
    no_panics(
        "fuzz_load_archive (tar)",
        std::slice::from_ref(&tar),
        ARCHIVE_TOKENS,
        1500,
        load_tar,
    );
    no_panics(
        "fuzz_load_archive (tgz)",
        &[tgz],
        ARCHIVE_TOKENS,
        500,
        helm::fuzz_load_archive,
    );
}

#[test]
fn strvals_never_panics() {
    let seeds: Vec<Vec<u8>> = [
        "a=1,b=+1,c=-1,d=007,e=1.5,f=TRUE,g=Null,h=9223372036854775808,i=0,j=",
        "a.b.c=x,a.b.d=y",
        "list={a,b,c}",
        "a[2]=x,a[0].b=y",
        "name=a\\,b,key\\.dot=v",
        "cluster.name=talos,k8sServiceHost=localhost,k8sServicePort=7445",
        "ipam.mode=kubernetes,kubeProxyReplacement=true",
        "securityContext.capabilities.ciliumAgent={CHOWN,KILL,NET_ADMIN}",
        "a={\"b\": [1, 2, {\"c\": null}]}",
        "x[0][1]=1",
    ]
    .iter()
    .map(|s| s.as_bytes().to_vec())
    .collect();
    no_panics("fuzz_strvals", &seeds, SET_TOKENS, 4000, helm::fuzz_strvals);
}
