//! Rendering benchmarks: a real Cilium chart (from `CILIUM_CHARTS_DIR`, version from
//! `CILIUM_BENCH_VERSION`, default 1.18.12) with Talos values plus Hubble relay/UI and the
//! Gateway API, first with fresh keys (seeded), then with the generated secrets replayed
//! (`sprig::Replay` fed with the first render's records, so no key generation); and the
//! engine test chart from `tests/charts/engine`.
//!
//!     CILIUM_CHARTS_DIR=/path/to/charts cargo bench -p helm --bench render_cilium

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use helm::{Chart, RenderOptions, ValuesBuilder, render};
use sprig::{DefaultGenerator, Generator, Replay, Timestamp};

const TALOS: &str = "ipam: {mode: kubernetes}
kubeProxyReplacement: true
k8sServiceHost: localhost
k8sServicePort: 7445
securityContext:
  capabilities:
    ciliumAgent: [CHOWN, KILL, NET_ADMIN, NET_RAW, IPC_LOCK, SYS_ADMIN, SYS_RESOURCE, DAC_OVERRIDE, FOWNER, SETGID, SETUID]
    cleanCiliumState: [NET_ADMIN, SYS_ADMIN, SYS_RESOURCE]
cgroup: {autoMount: {enabled: false}, hostRoot: /sys/fs/cgroup}
gatewayAPI: {enabled: true}
hubble: {relay: {enabled: true}, ui: {enabled: true}}
";

fn seeded() -> Arc<dyn Generator> {
    Arc::new(DefaultGenerator::seeded([7; 32], Timestamp::default()))
}

fn cilium(c: &mut Criterion) {
    let Some(dir) = std::env::var_os("CILIUM_CHARTS_DIR") else {
        println!("skipped: CILIUM_CHARTS_DIR is not set");
        return;
    };
    let version = std::env::var("CILIUM_BENCH_VERSION").unwrap_or_else(|_| "1.18.12".into());
    let path = PathBuf::from(dir).join(format!("cilium-{version}.tgz"));
    if !path.exists() {
        println!("skipped: {} not found", path.display());
        return;
    }
    let chart = Chart::load(&path).expect("chart loads");
    let user = ValuesBuilder::new()
        .file("talos.yaml", TALOS)
        .build(&mut |p| Err(format!("no file {p}")))
        .expect("values");
    let opts = RenderOptions {
        release_name: "cilium".into(),
        namespace: "kube-system".into(),
        api_versions: vec!["gateway.networking.k8s.io/v1/GatewayClass".into()],
        ..RenderOptions::default()
    };
    let first = Arc::new(Replay::new(seeded(), Vec::new()));
    let expected = render(&chart, user.clone(), &opts, first.clone())
        .expect("renders")
        .manifest;
    let records = first.records();

    let mut g = c.benchmark_group("cilium");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    g.bench_function(format!("{version}/first-render-fresh-keys"), |b| {
        b.iter(|| render(&chart, user.clone(), &opts, seeded()).expect("renders"))
    });
    g.finish();

    let mut g = c.benchmark_group("cilium");
    g.sample_size(50).measurement_time(Duration::from_secs(5));
    g.bench_function(format!("{version}/render-replayed"), |b| {
        b.iter(|| {
            let replay = Arc::new(Replay::new(seeded(), records.clone()));
            let out = render(&chart, user.clone(), &opts, replay).expect("renders");
            assert_eq!(out.manifest.len(), expected.len());
            out
        })
    });
    g.bench_function(format!("{version}/load-chart"), |b| {
        b.iter(|| Chart::load(&path).expect("chart loads"))
    });
    g.finish();
}

fn engine_chart(c: &mut Criterion) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/charts/engine");
    let chart = Chart::load(dir).expect("chart loads");
    let opts = RenderOptions {
        release_name: "rel".into(),
        ..RenderOptions::default()
    };
    c.bench_function("engine-test-chart/render", |b| {
        b.iter(|| render(&chart, goyaml::Map::new(), &opts, seeded()).expect("renders"))
    });
}

criterion_group!(benches, cilium, engine_chart);
criterion_main!(benches);
