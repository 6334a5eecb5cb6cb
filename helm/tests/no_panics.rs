//! Stable-toolchain smoke test for the fuzz entry points (`fuzz/` holds the cargo-fuzz
//! targets): deterministic mutations of a real chart archive (the `engine` test chart,
//! mutated both as compressed bytes and as the tar stream re-compressed) go through
//! `fuzz_load_archive`, and mutations of real `--set` expressions through `fuzz_strvals`,
//! under `catch_unwind`.

/// Deterministic xorshift64* generator and byte mutations (bit flips, interesting bytes,
/// insertions of tokens, deletions, duplications, splices with another seed input).
struct Mutator {
    state: u64,
    tokens: &'static [&'static [u8]],
}

impl Mutator {
    fn new(seed: u64, tokens: &'static [&'static [u8]]) -> Self {
        Mutator {
            state: seed | 1,
            tokens,
        }
    }

    fn next(&mut self) -> u64 {
        self.state ^= self.state >> 12;
        self.state ^= self.state << 25;
        self.state ^= self.state >> 27;
        self.state.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }

    /// One to four mutations of `input` (`other` is spliced in sometimes).
    fn mutate(&mut self, input: &[u8], other: &[u8]) -> Vec<u8> {
        let mut v = input.to_vec();
        for _ in 0..1 + self.below(4) {
            let len = v.len();
            match self.below(8) {
                0 if len > 0 => {
                    let i = self.below(len);
                    v[i] ^= 1 << self.below(8);
                }
                1 if len > 0 => {
                    let i = self.below(len);
                    v[i] = [0, 0xff, 0x7f, 0x80, b'\n', b' ', b'"', b'\\'][self.below(8)];
                }
                2 => {
                    let t = self.tokens[self.below(self.tokens.len())];
                    let i = self.below(len + 1);
                    v.splice(i..i, t.iter().copied());
                }
                3 if len > 0 => {
                    let i = self.below(len);
                    let n = 1 + self.below((len - i).min(16));
                    v.drain(i..i + n);
                }
                4 if len > 0 => {
                    let i = self.below(len);
                    let n = 1 + self.below((len - i).min(32));
                    let chunk: Vec<u8> = v[i..i + n].to_vec();
                    let at = self.below(len + 1);
                    v.splice(at..at, chunk);
                }
                5 if !other.is_empty() => {
                    let cut = self.below(len + 1);
                    let from = self.below(other.len());
                    v.truncate(cut);
                    v.extend_from_slice(&other[from..]);
                }
                6 if len > 0 => v.truncate(self.below(len)),
                _ => {
                    let i = self.below(len + 1);
                    v.insert(i, self.next() as u8);
                }
            }
        }
        v
    }
}

/// Runs `f` on `iterations` mutated inputs drawn from `seeds` (and on the seeds
/// themselves); panics with the first input that made `f` panic.
fn no_panics(
    name: &str,
    seeds: &[Vec<u8>],
    tokens: &'static [&'static [u8]],
    iterations: usize,
    f: fn(&[u8]),
) {
    assert!(!seeds.is_empty());
    let mut m = Mutator::new(0x5eed_0000 ^ (name.len() as u64 * 7919), tokens);
    let mut inputs: Vec<Vec<u8>> = seeds.to_vec();
    for i in 0..iterations {
        let a = &seeds[m.below(seeds.len())];
        let b = &seeds[m.below(seeds.len())];
        let mut x = m.mutate(a, b);
        // stack mutations now and then
        if i % 3 == 0 {
            x = m.mutate(&x, b);
        }
        inputs.push(x);
    }
    let prev = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let mut failed = None;
    for input in &inputs {
        if std::panic::catch_unwind(|| f(input)).is_err() {
            failed = Some(input.clone());
            break;
        }
    }
    std::panic::set_hook(prev);
    if let Some(input) = failed {
        panic!(
            "{name} panicked on {} bytes: {:?}",
            input.len(),
            String::from_utf8_lossy(&input)
        );
    }
}

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
