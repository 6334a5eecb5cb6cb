//! RSA key generation as `genCA`/`genSignedCert` use it (2048 bits) and as
//! `genPrivateKey "rsa"` does (4096 bits). Prime search time varies with the draw, so each
//! iteration uses a fresh seed and the figure is the mean over many keys.
//! `cargo bench -p sprig --bench keygen`

use std::sync::atomic::{AtomicU64, Ordering};

use criterion::{Criterion, criterion_group, criterion_main};
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;
use sprig::pki::PrivateKey;

fn keygen(c: &mut Criterion) {
    let seed = AtomicU64::new(0);
    let mut g = c.benchmark_group("rsa");
    g.sample_size(60);
    for bits in [2048usize, 4096] {
        g.bench_function(format!("generate {bits}"), |b| {
            b.iter(|| {
                let mut rng = ChaCha20Rng::seed_from_u64(seed.fetch_add(1, Ordering::Relaxed));
                PrivateKey::generate("rsa", bits, &mut rng).expect("key")
            })
        });
    }
    g.finish();
}

criterion_group!(benches, keygen);
criterion_main!(benches);
