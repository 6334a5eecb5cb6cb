//! Deterministic input mutation for the stable-toolchain no-panic tests of the parsers
//! (the cargo-fuzz targets in `fuzz/` drive the same entry points with libFuzzer).
//! Test support only: a dev-dependency, depends on nothing.

/// Deterministic xorshift64* generator and byte mutations (bit flips, interesting bytes,
/// insertions of tokens, deletions, duplications, splices with another seed input).
pub struct Mutator {
    state: u64,
    tokens: &'static [&'static [u8]],
}

impl Mutator {
    pub fn new(seed: u64, tokens: &'static [&'static [u8]]) -> Self {
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

    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }

    /// One to four mutations of `input` (`other` is spliced in sometimes).
    pub fn mutate(&mut self, input: &[u8], other: &[u8]) -> Vec<u8> {
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
pub fn no_panics(
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
