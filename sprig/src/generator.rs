//! Everything non-deterministic in sprig goes through a [`Generator`]: keys, certificates,
//! random strings, UUIDs, the clock. A render gets one generator; the default draws from a
//! [`RandomSource`] and a [`Clock`], so a seeded source replays byte-identical output.
//! [`Replay`] wraps any generator, records every result in call order keyed by
//! (function, arguments), and hands back previously recorded results for the same key, so a
//! caller can keep certificates stable across renders.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::{Arc, Condvar, Mutex};

use rand_chacha::ChaCha20Rng;
use rand_core::{RngCore, SeedableRng};

use crate::pki::{self, CertPair, CertTemplate, Issuer, PkiError, PrivateKey};
use crate::time::Timestamp;

/// Longest random string `randAlphaNum` and friends produce.
pub const MAX_RANDOM_STRING_LEN: usize = 1 << 20;

/// A stream of random bytes.
pub trait RandomSource: Send + Sync {
    fn fill(&self, buf: &mut [u8]);
}

/// ChaCha20 stream from a 32-byte seed: the same seed gives the same bytes.
pub struct SeededSource(Mutex<ChaCha20Rng>);

impl SeededSource {
    pub fn new(seed: [u8; 32]) -> Self {
        SeededSource(Mutex::new(ChaCha20Rng::from_seed(seed)))
    }
}

impl RandomSource for SeededSource {
    fn fill(&self, buf: &mut [u8]) {
        let mut g = self.0.lock().unwrap_or_else(|e| e.into_inner());
        g.fill_bytes(buf);
    }
}

/// The operating system's randomness.
pub struct OsSource;

impl RandomSource for OsSource {
    fn fill(&self, buf: &mut [u8]) {
        rand_core::OsRng.fill_bytes(buf);
    }
}

/// The current time.
pub trait Clock: Send + Sync {
    fn now(&self) -> Timestamp;
}

/// The system clock.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        match std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
            Ok(d) => Timestamp {
                secs: d.as_secs() as i64,
                nanos: d.subsec_nanos(),
            },
            Err(_) => Timestamp::default(),
        }
    }
}

/// A clock that always answers the same instant.
pub struct FixedClock(pub Timestamp);

impl Clock for FixedClock {
    fn now(&self) -> Timestamp {
        self.0
    }
}

/// Character sets of the random-string functions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Charset {
    /// `randAlphaNum`: `[0-9A-Za-z]`
    AlphaNum,
    /// `randAlpha`: `[A-Za-z]`
    Alpha,
    /// `randNumeric`: `[0-9]`
    Numeric,
    /// `randAscii`: printable ASCII 32..=126
    Ascii,
}

impl Charset {
    fn chars(self) -> Vec<u8> {
        let digits = b'0'..=b'9';
        let upper = b'A'..=b'Z';
        let lower = b'a'..=b'z';
        match self {
            Charset::AlphaNum => digits.chain(upper).chain(lower).collect(),
            Charset::Alpha => upper.chain(lower).collect(),
            Charset::Numeric => digits.collect(),
            Charset::Ascii => (32u8..=126).collect(),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Charset::AlphaNum => "randAlphaNum",
            Charset::Alpha => "randAlpha",
            Charset::Numeric => "randNumeric",
            Charset::Ascii => "randAscii",
        }
    }
}

/// The non-deterministic operations of sprig. Certificates use `days` as given (Go wraps
/// the duration on overflow, so do we). `ips`/`dns` are already validated.
pub trait Generator: Send + Sync {
    /// `genPrivateKey KIND`: PEM of a new `rsa` (4096 bits), `ecdsa` (P-256) or `ed25519` key.
    fn private_key(&self, kind: &str) -> Result<String, PkiError>;
    /// `genCA` / `genCAWithKey` (key PEM given).
    fn ca(&self, cn: &str, days: i64, key: Option<&str>) -> Result<CertPair, PkiError>;
    /// `genSelfSignedCert` / `genSelfSignedCertWithKey`.
    fn self_signed(
        &self,
        cn: &str,
        ips: &[IpAddr],
        dns: &[String],
        days: i64,
        key: Option<&str>,
    ) -> Result<CertPair, PkiError>;
    /// `genSignedCert` / `genSignedCertWithKey`.
    #[allow(clippy::too_many_arguments)]
    fn signed(
        &self,
        cn: &str,
        ips: &[IpAddr],
        dns: &[String],
        days: i64,
        ca: &CertPair,
        key: Option<&str>,
    ) -> Result<CertPair, PkiError>;
    /// `randAlphaNum` etc.; `n` is at most [`MAX_RANDOM_STRING_LEN`].
    fn random_string(&self, charset: Charset, n: usize) -> String;
    /// `uuidv4`.
    fn uuid_v4(&self) -> String;
    /// `now`.
    fn now(&self) -> Timestamp;
    /// Uniform integer in `0..n` (`shuffle`, `randInt`); `n > 0`.
    fn below(&self, n: u64) -> u64;
    /// `n` random bytes for `purpose`: the bcrypt salt of `bcrypt`/`htpasswd` (`"bcrypt"`,
    /// 16 bytes), the IV of `encryptAES` (`"encryptAES"`, 16 bytes), `randBytes`. The
    /// default draws them from [`Generator::below`].
    fn random_bytes(&self, purpose: &str, n: usize) -> Vec<u8> {
        let _ = purpose;
        (0..n).map(|_| self.below(256) as u8).collect()
    }
}

/// Draws from a [`RandomSource`] and a [`Clock`]. Key generation runs on a ChaCha20 stream
/// seeded with 32 bytes of the source, so output depends only on the source (and, with
/// [`DefaultGenerator::prefetch_cert_keys`], on when the prefetch was started).
pub struct DefaultGenerator {
    source: Arc<dyn RandomSource>,
    clock: Arc<dyn Clock>,
    prefetch: Option<Arc<KeyPool>>,
    /// RSA modulus size for certificates (sprig: 2048).
    pub cert_rsa_bits: usize,
    /// RSA modulus size for `genPrivateKey "rsa"` (sprig: 4096).
    pub private_key_rsa_bits: usize,
}

impl DefaultGenerator {
    pub fn new(source: Arc<dyn RandomSource>, clock: Arc<dyn Clock>) -> Self {
        DefaultGenerator {
            source,
            clock,
            prefetch: None,
            cert_rsa_bits: pki::RSA_BITS_DEFAULT,
            private_key_rsa_bits: 4096,
        }
    }

    /// Seeded source and fixed clock: fully reproducible.
    pub fn seeded(seed: [u8; 32], now: Timestamp) -> Self {
        Self::new(Arc::new(SeededSource::new(seed)), Arc::new(FixedClock(now)))
    }

    /// OS randomness and the system clock (what Helm does).
    pub fn system() -> Self {
        Self::new(Arc::new(OsSource), Arc::new(SystemClock))
    }

    /// Starts generating `count` certificate keys (`cert_rsa_bits`) in the background, so
    /// that key generation (tens of milliseconds per RSA-2048 key) overlaps with chart
    /// loading and rendering. `genCA`, `genSelfSignedCert` and `genSignedCert` then take
    /// prefetched keys in order (waiting for one still being generated) before generating
    /// their own. Two threads search primes, one the p and one the q of every key, each
    /// running ahead to its next prime rather than waiting for the other, so both cores
    /// stay busy; key k is (p_k, q_k) whatever the timing. The seeds are drawn from the
    /// source now. Keys not taken are dropped with the generator; a process that exits does
    /// not wait for them.
    pub fn prefetch_cert_keys(&mut self, count: usize) {
        let bits = self.cert_rsa_bits;
        if count == 0 || !crate::rsagen::supported(bits) {
            return;
        }
        let pool = Arc::new(KeyPool {
            state: Mutex::new(PoolState {
                ready: VecDeque::new(),
                primes: [VecDeque::new(), VecDeque::new()],
                pending: count,
            }),
            ready: Condvar::new(),
        });
        let mut started = 0;
        for side in 0..2 {
            let seeds: Vec<[u8; 32]> = (0..count).map(|_| self.seed()).collect();
            let worker = Arc::downgrade(&pool);
            let spawned = std::thread::Builder::new()
                .name("sprig-keygen".into())
                .spawn(move || {
                    let _panic = PoolOnPanic(worker.clone());
                    for seed in seeds {
                        let prime =
                            crate::rsagen::key_prime(&mut ChaCha20Rng::from_seed(seed), bits);
                        // The generator is gone: nobody will take more keys.
                        let Some(pool) = worker.upgrade() else { return };
                        let mut st = pool.lock();
                        st.primes[side].push_back(prime);
                        if st.primes.iter().all(|side| !side.is_empty()) {
                            let [p, q] = st.primes.each_mut().map(|side| side.pop_front());
                            let (Some(p), Some(q)) = (p, q) else { return };
                            st.pending -= 1;
                            if let Some(k) = crate::rsagen::from_primes(p, q) {
                                st.ready.push_back(PrivateKey::Rsa(Box::new(k)));
                            }
                            pool.ready.notify_all();
                        }
                    }
                });
            started += usize::from(spawned.is_ok());
        }
        if started == 2 {
            self.prefetch = Some(pool);
        }
    }

    /// A prefetched key, waiting for one in progress; `None` once the pool is empty.
    fn prefetched_key(&self) -> Option<PrivateKey> {
        let pool = self.prefetch.as_ref()?;
        let mut st = pool.lock();
        loop {
            if let Some(k) = st.ready.pop_front() {
                return Some(k);
            }
            if st.pending == 0 {
                return None;
            }
            st = pool.ready.wait(st).unwrap_or_else(|e| e.into_inner());
        }
    }

    /// 32 bytes of the source: the seed of one key's ChaCha20 stream.
    fn seed(&self) -> [u8; 32] {
        let mut seed = [0u8; 32];
        self.source.fill(&mut seed);
        seed
    }

    fn key_rng(&self) -> ChaCha20Rng {
        ChaCha20Rng::from_seed(self.seed())
    }

    fn new_or_parsed_key(&self, key: Option<&str>) -> Result<PrivateKey, PkiError> {
        match key {
            Some(pem) => PrivateKey::from_pem(pem),
            None => match self.prefetched_key() {
                Some(k) => Ok(k),
                None => PrivateKey::generate("rsa", self.cert_rsa_bits, &mut self.key_rng()),
            },
        }
    }

    fn template<'a>(
        &self,
        cn: &'a str,
        ips: &'a [IpAddr],
        dns: &'a [String],
        days: i64,
        is_ca: bool,
    ) -> CertTemplate<'a> {
        let mut serial = [0u8; 16];
        self.source.fill(&mut serial);
        CertTemplate {
            cn,
            ips,
            dns,
            days,
            is_ca,
            serial,
            now: self.clock.now(),
        }
    }
}

impl Generator for DefaultGenerator {
    fn private_key(&self, kind: &str) -> Result<String, PkiError> {
        PrivateKey::generate(kind, self.private_key_rsa_bits, &mut self.key_rng())?.to_pem()
    }

    fn ca(&self, cn: &str, days: i64, key: Option<&str>) -> Result<CertPair, PkiError> {
        let k = self.new_or_parsed_key(key)?;
        let t = self.template(cn, &[], &[], days, true);
        let cert = pki::create_certificate(
            &t,
            &k,
            &Issuer {
                key: &k,
                cert_pem: None,
            },
        )?;
        Ok(CertPair {
            cert,
            key: k.to_pem()?,
        })
    }

    fn self_signed(
        &self,
        cn: &str,
        ips: &[IpAddr],
        dns: &[String],
        days: i64,
        key: Option<&str>,
    ) -> Result<CertPair, PkiError> {
        let k = self.new_or_parsed_key(key)?;
        let t = self.template(cn, ips, dns, days, false);
        let cert = pki::create_certificate(
            &t,
            &k,
            &Issuer {
                key: &k,
                cert_pem: None,
            },
        )?;
        Ok(CertPair {
            cert,
            key: k.to_pem()?,
        })
    }

    fn signed(
        &self,
        cn: &str,
        ips: &[IpAddr],
        dns: &[String],
        days: i64,
        ca: &CertPair,
        key: Option<&str>,
    ) -> Result<CertPair, PkiError> {
        let ca_key = PrivateKey::from_pem(&ca.key)
            .map_err(|e| PkiError(format!("error parsing CA private key: {e}")))?;
        let k = self.new_or_parsed_key(key)?;
        let t = self.template(cn, ips, dns, days, false);
        let cert = pki::create_certificate(
            &t,
            &k,
            &Issuer {
                key: &ca_key,
                cert_pem: Some(&ca.cert),
            },
        )?;
        Ok(CertPair {
            cert,
            key: k.to_pem()?,
        })
    }

    fn random_string(&self, charset: Charset, n: usize) -> String {
        let chars = charset.chars();
        let n = n.min(MAX_RANDOM_STRING_LEN);
        (0..n)
            .map(|_| chars[self.below(chars.len() as u64) as usize] as char)
            .collect()
    }

    fn uuid_v4(&self) -> String {
        let mut b = [0u8; 16];
        self.source.fill(&mut b);
        b[6] = (b[6] & 0x0f) | 0x40;
        b[8] = (b[8] & 0x3f) | 0x80;
        let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
        format!(
            "{}-{}-{}-{}-{}",
            &h[0..8],
            &h[8..12],
            &h[12..16],
            &h[16..20],
            &h[20..32]
        )
    }

    fn now(&self) -> Timestamp {
        self.clock.now()
    }

    fn random_bytes(&self, _purpose: &str, n: usize) -> Vec<u8> {
        let mut b = vec![0u8; n];
        self.source.fill(&mut b);
        b
    }

    fn below(&self, n: u64) -> u64 {
        if n <= 1 {
            return 0;
        }
        // rejection sampling: uniform without modulo bias
        let zone = u64::MAX - (u64::MAX % n) - 1;
        loop {
            let mut b = [0u8; 8];
            self.source.fill(&mut b);
            let v = u64::from_le_bytes(b);
            if v <= zone {
                return v % n;
            }
        }
    }
}

/// Keys generated ahead of use ([`DefaultGenerator::prefetch_cert_keys`]).
struct KeyPool {
    state: Mutex<PoolState>,
    ready: Condvar,
}

struct PoolState {
    ready: VecDeque<PrivateKey>,
    /// Primes found by each of the two searching threads and not yet paired.
    primes: [VecDeque<rsa::BigUint>; 2],
    /// Keys still to be delivered.
    pending: usize,
}

impl KeyPool {
    fn lock(&self) -> std::sync::MutexGuard<'_, PoolState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Marks the pool finished when a searching thread panics, so no caller waits for keys
/// that will never come.
struct PoolOnPanic(std::sync::Weak<KeyPool>);

impl Drop for PoolOnPanic {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            return;
        }
        if let Some(pool) = self.0.upgrade() {
            pool.lock().pending = 0;
            pool.ready.notify_all();
        }
    }
}

/// One recorded result (serde-serialisable, so a caller can keep it, e.g. in state).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Record {
    /// sprig function name (`genCA`, `genSignedCert`, `genPrivateKey`, `randAlphaNum`, ...).
    pub function: String,
    /// The arguments that determine the result, rendered as strings.
    pub args: Vec<String>,
    /// The result: a string, or a certificate pair.
    pub output: Output,
}

/// A recorded result.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Output {
    Text(String),
    Pair(CertPair),
}

type Pending = HashMap<(String, Vec<String>), VecDeque<Output>>;

/// Records every result of an inner generator and replays earlier records.
///
/// Lookup is by (function, args): the n-th call with a given key gets the n-th record with
/// that key (the order of calls within one key is the render order, which is deterministic);
/// calls with no record left are passed to the inner generator. [`Replay::records`] returns
/// everything handed out in this render, in call order, ready to feed the next one. `now`
/// and `below` (shuffle) are not recorded.
pub struct Replay {
    inner: Arc<dyn Generator>,
    pending: Mutex<Pending>,
    log: Mutex<Vec<Record>>,
}

impl Replay {
    pub fn new(inner: Arc<dyn Generator>, previous: Vec<Record>) -> Self {
        let mut pending: Pending = HashMap::new();
        for r in previous {
            pending
                .entry((r.function, r.args))
                .or_default()
                .push_back(r.output);
        }
        Replay {
            inner,
            pending: Mutex::new(pending),
            log: Mutex::new(Vec::new()),
        }
    }

    /// The results handed out so far, in call order.
    pub fn records(&self) -> Vec<Record> {
        self.log.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn run(
        &self,
        function: &str,
        args: Vec<String>,
        make: impl FnOnce() -> Result<Output, PkiError>,
    ) -> Result<Output, PkiError> {
        let key = (function.to_string(), args);
        let replayed = self
            .pending
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get_mut(&key)
            .and_then(|q| q.pop_front());
        let out = match replayed {
            Some(o) => o,
            None => make()?,
        };
        self.log
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(Record {
                function: key.0,
                args: key.1,
                output: out.clone(),
            });
        Ok(out)
    }

    fn pair(&self, o: Output) -> Result<CertPair, PkiError> {
        match o {
            Output::Pair(p) => Ok(p),
            Output::Text(_) => Err(PkiError("replayed record is not a certificate".into())),
        }
    }
}

fn cert_args(cn: &str, ips: &[IpAddr], dns: &[String], days: i64) -> Vec<String> {
    let ips: Vec<String> = ips.iter().map(|i| i.to_string()).collect();
    vec![
        cn.to_string(),
        ips.join(","),
        dns.join(","),
        days.to_string(),
    ]
}

impl Generator for Replay {
    fn private_key(&self, kind: &str) -> Result<String, PkiError> {
        match self.run("genPrivateKey", vec![kind.to_string()], || {
            self.inner.private_key(kind).map(Output::Text)
        })? {
            Output::Text(t) => Ok(t),
            Output::Pair(_) => Err(PkiError("replayed record is not a key".into())),
        }
    }

    fn ca(&self, cn: &str, days: i64, key: Option<&str>) -> Result<CertPair, PkiError> {
        let mut args = vec![cn.to_string(), days.to_string()];
        args.extend(key.map(str::to_string));
        let o = self.run(
            if key.is_some() {
                "genCAWithKey"
            } else {
                "genCA"
            },
            args,
            || self.inner.ca(cn, days, key).map(Output::Pair),
        )?;
        self.pair(o)
    }

    fn self_signed(
        &self,
        cn: &str,
        ips: &[IpAddr],
        dns: &[String],
        days: i64,
        key: Option<&str>,
    ) -> Result<CertPair, PkiError> {
        let mut args = cert_args(cn, ips, dns, days);
        args.extend(key.map(str::to_string));
        let o = self.run("genSelfSignedCert", args, || {
            self.inner
                .self_signed(cn, ips, dns, days, key)
                .map(Output::Pair)
        })?;
        self.pair(o)
    }

    fn signed(
        &self,
        cn: &str,
        ips: &[IpAddr],
        dns: &[String],
        days: i64,
        ca: &CertPair,
        key: Option<&str>,
    ) -> Result<CertPair, PkiError> {
        let mut args = cert_args(cn, ips, dns, days);
        args.push(ca.cert.clone());
        args.extend(key.map(str::to_string));
        let o = self.run("genSignedCert", args, || {
            self.inner
                .signed(cn, ips, dns, days, ca, key)
                .map(Output::Pair)
        })?;
        self.pair(o)
    }

    fn random_string(&self, charset: Charset, n: usize) -> String {
        match self.run(charset.name(), vec![n.to_string()], || {
            Ok(Output::Text(self.inner.random_string(charset, n)))
        }) {
            Ok(Output::Text(t)) => t,
            _ => self.inner.random_string(charset, n),
        }
    }

    fn uuid_v4(&self) -> String {
        match self.run("uuidv4", vec![], || Ok(Output::Text(self.inner.uuid_v4()))) {
            Ok(Output::Text(t)) => t,
            _ => self.inner.uuid_v4(),
        }
    }

    fn now(&self) -> Timestamp {
        self.inner.now()
    }

    fn below(&self, n: u64) -> u64 {
        self.inner.below(n)
    }

    /// Recorded as function `purpose`, argument `n`, output the bytes in hex: the n-th
    /// bcrypt salt or AES IV of a render is replayed, so an unchanged input hashes or
    /// encrypts to the same text (the input itself is not recorded).
    fn random_bytes(&self, purpose: &str, n: usize) -> Vec<u8> {
        let fresh = || {
            let b = self.inner.random_bytes(purpose, n);
            Ok(Output::Text(b.iter().map(|x| format!("{x:02x}")).collect()))
        };
        let decoded = match self.run(purpose, vec![n.to_string()], fresh) {
            Ok(Output::Text(t)) => decode_hex(&t).filter(|b| b.len() == n),
            _ => None,
        };
        decoded.unwrap_or_else(|| self.inner.random_bytes(purpose, n))
    }
}

fn decode_hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}
