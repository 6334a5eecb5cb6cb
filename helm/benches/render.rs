//! Parse + render time of the native engine (`cargo bench -p helm --bench render`).
//!
//! - `engine/render`: the `tests/charts/engine` chart (always).
//! - `cilium/render_replayed`: cilium-1.18.12.tgz from `CILIUM_CHARTS_DIR` with the Talos
//!   values of `tests/values/talos.yaml` and Gateway API on, replaying the keys and
//!   certificates of a first render (`sprig::Replay`), so RSA key generation is not
//!   measured: every template is parsed and executed, the generator hands back records.
//! - `cilium/render_with_keygen`: the same with a fresh seeded generator (keys generated
//!   each time), for comparison with the reference's figure including key generation.
//! - `cilium/load_archive`: reading the .tgz (gunzip, untar, YAML of Chart.yaml/values).
//!
//! Without `CILIUM_CHARTS_DIR` the Cilium part prints `skipped: …`.

use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use helm::{Chart, RenderOptions, ValuesBuilder, render};
use sprig::{DefaultGenerator, Generator, Replay, Timestamp};

const NOW: Timestamp = Timestamp {
    secs: 1_764_316_800,
    nanos: 0,
};

fn manifest_dir() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn engine(c: &mut Criterion) {
    let chart = Chart::load(manifest_dir().join("tests/charts/engine")).unwrap();
    let opts = RenderOptions {
        release_name: "rel".into(),
        ..RenderOptions::default()
    };
    c.bench_function("engine/render", |b| {
        b.iter(|| {
            let g: Arc<dyn Generator> = Arc::new(DefaultGenerator::seeded([7; 32], NOW));
            let user = ValuesBuilder::new()
                .build(&mut |p| Err(p.to_string()))
                .unwrap();
            render(&chart, user, &opts, g).unwrap()
        })
    });
}

fn cilium(c: &mut Criterion) {
    let Ok(dir) = std::env::var("CILIUM_CHARTS_DIR") else {
        println!("skipped: set CILIUM_CHARTS_DIR to a directory with cilium-1.18.12.tgz");
        return;
    };
    let path = std::path::Path::new(&dir).join("cilium-1.18.12.tgz");
    let Ok(tgz) = std::fs::read(&path) else {
        println!("skipped: {} not found", path.display());
        return;
    };
    let talos = std::fs::read_to_string(manifest_dir().join("tests/values/talos.yaml")).unwrap();
    let user = || {
        ValuesBuilder::new()
            .file("talos.yaml", talos.clone())
            .set("gatewayAPI.enabled=true")
            .build(&mut |p| Err(p.to_string()))
            .unwrap()
    };
    let opts = RenderOptions {
        release_name: "cilium".into(),
        namespace: "kube-system".into(),
        api_versions: vec!["gateway.networking.k8s.io/v1/GatewayClass".into()],
        ..RenderOptions::default()
    };
    let chart = Chart::load_archive(&tgz).unwrap();

    // first render: record what the generator handed out
    let first = Arc::new(Replay::new(
        Arc::new(DefaultGenerator::seeded([7; 32], NOW)),
        vec![],
    ));
    let reference = render(&chart, user(), &opts, first.clone())
        .unwrap()
        .manifest;
    let records = first.records();
    println!(
        "cilium: {} bytes of manifest, {} generator records replayed",
        reference.len(),
        records.len()
    );

    let mut group = c.benchmark_group("cilium");
    group.sample_size(20);
    group.bench_function("load_archive", |b| {
        b.iter(|| Chart::load_archive(&tgz).unwrap())
    });
    group.bench_function("render_replayed", |b| {
        b.iter(|| {
            // a seed no key came from: a record that failed to replay would change output
            let g = Arc::new(Replay::new(
                Arc::new(DefaultGenerator::seeded([8; 32], NOW)),
                records.clone(),
            ));
            let out = render(&chart, user(), &opts, g).unwrap();
            assert_eq!(out.manifest.len(), reference.len());
            out
        })
    });
    group.sample_size(10);
    group.bench_function("render_with_keygen", |b| {
        b.iter(|| {
            let g = Arc::new(DefaultGenerator::seeded([7; 32], NOW));
            render(&chart, user(), &opts, g).unwrap()
        })
    });
    group.finish();
}

criterion_group!(benches, engine, cilium);
criterion_main!(benches);
