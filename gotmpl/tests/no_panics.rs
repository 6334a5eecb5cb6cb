//! Stable-toolchain smoke test for the fuzz entry points (`fuzz/` holds the cargo-fuzz
//! targets): a few thousand deterministic mutations of the corpus templates go through
//! `fuzz_parse` and `fuzz_exec` under `catch_unwind`.

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

const TOKENS: &[&[u8]] = &[
    b"{{",
    b"}}",
    b"{{-",
    b"-}}",
    b"{{ end }}",
    b"{{ else }}",
    b"{{ if . }}",
    b"{{ range . }}",
    b"{{ with .a }}",
    b"{{ define \"x\" }}",
    b"{{ template \"x\" . }}",
    b"{{ block \"b\" . }}",
    b"$x := ",
    b"$",
    b"|",
    b"(",
    b")",
    b".a",
    b"index . 0",
    b"printf \"%v\" ",
    b"/*",
    b"*/",
    b"`",
    b"\"",
    b"'\\''",
    b"0x1p3",
    b"1e9",
    b"nil",
    b"len",
    b"slice . 1 2",
    b"and",
    b"or",
    b"break",
    b"continue",
    b"{{ range $i, $e := .a }}",
    b"eq",
    b"call",
    b"html",
    b"js",
];

fn seeds() -> Vec<Vec<u8>> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut out = Vec::new();
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        for case in text.split("\n=== ") {
            if let Some((_, rest)) = case.split_once("--- template\n") {
                let tpl = rest.split("\n--- ").next().unwrap_or("");
                out.push(tpl.as_bytes().to_vec());
            }
        }
    }
    out
}

#[test]
fn parser_never_panics() {
    let s = seeds();
    assert!(s.len() > 50, "too few seeds: {}", s.len());
    no_panics("fuzz_parse", &s, TOKENS, 20_000, gotmpl::fuzz_parse);
}

#[test]
fn executor_never_panics() {
    no_panics("fuzz_exec", &seeds(), TOKENS, 8000, gotmpl::fuzz_exec);
}

/// Found by the mutation test: an escaped quote followed by a multi-byte character used to
/// slice inside that character.
#[test]
fn character_constants() {
    let run = |src: &str| {
        let env = gotmpl::Environment::new();
        let mut set = gotmpl::TemplateSet::default();
        set.add(&env, "t", src).map_err(|e| e.to_string())?;
        set.execute(&env, "t", &gotmpl::Value::Nil)
            .map_err(|e| e.to_string())
    };
    assert_eq!(run(r"{{ '\'' }}").unwrap(), "39");
    assert_eq!(
        run(r#"{{ '\"' }}|{{ 'é' }}|{{ '\n' }}"#).unwrap(),
        "34|233|10"
    );
    let e = run("{{ '\\'\u{e9} }}").unwrap_err();
    assert!(e.contains("unterminated character constant"), "{e}");
    let e = run("{{ '\\'\u{e9}' }}").unwrap_err();
    assert!(e.contains("malformed character constant"), "{e}");
}
