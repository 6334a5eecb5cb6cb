//! RSA key generation with our own prime search: candidates drawn from the caller's RNG
//! (top two bits and the low bit set, as Go does), sieved in windows by the odd primes
//! below 2^18, then Miller–Rabin (base 2 first, then random bases) over our own Montgomery
//! arithmetic (`monty.rs`, constant-time in the exponent). p and q are searched on two
//! threads. The `rsa` crate builds, validates and precomputes (CRT) the key from the two
//! primes. Same RNG stream, same key.
//!
//! Rounds: FIPS 186-4 Table C.3 (error ≤ 2^-100 for p and q of an RSA key): 5 for 1024-bit
//! primes (2048-bit keys), 4 for 1536 bits and more; 7 for 512-bit primes. Each candidate
//! first passes a base-2 test, which costs nothing in randomness and rejects nearly every
//! composite left by the sieve.

use rand_chacha::ChaCha20Rng;
use rand_core::{CryptoRng, RngCore, SeedableRng};
use rsa::{BigUint, RsaPrivateKey};

use crate::monty::{self, Monty};

/// Public exponent (Go, sprig).
const E: u32 = 65537;

/// Sieving primes: the odd primes below this bound. A larger bound removes more composites
/// before the first Miller–Rabin test (the share of odd candidates left is about
/// 1.12 / ln(bound)) but costs more per drawn base; around 2^18 the two balance for 1024-bit
/// primes.
const SIEVE_BOUND: u32 = 1 << 18;

/// Odd offsets (candidates base + 2k) sieved at once. A 1024-bit prime lies on average
/// within 355 odd steps, so one window nearly always holds one.
const WINDOW: usize = 2048;

/// How far past a drawn candidate the search steps before drawing again (Go: 2^20).
const MAX_DELTA: u64 = 1 << 20;

/// Generates an RSA key of `bits` bits (e = 65537, two primes of `bits / 2` bits each),
/// or `None` when the size is not one this generator handles (a multiple of 128 from 1024
/// to 8192); the caller then falls back to the `rsa` crate.
pub fn generate<R: RngCore + CryptoRng>(rng: &mut R, bits: usize) -> Option<RsaPrivateKey> {
    if !supported(bits) {
        return None;
    }
    let half = bits / 2;
    let small = small_primes();
    loop {
        // p and q are searched side by side, each on its own ChaCha20 stream seeded from
        // `rng`, so the key still depends only on `rng`.
        let mut seeds = [[0u8; 32]; 2];
        for seed in &mut seeds {
            rng.fill_bytes(seed);
        }
        let search = |seed: [u8; 32]| prime(&mut ChaCha20Rng::from_seed(seed), half, small);
        let (p, q) = std::thread::scope(|scope| {
            match std::thread::Builder::new().spawn_scoped(scope, || search(seeds[1])) {
                Ok(other) => {
                    let p = search(seeds[0]);
                    let q = other
                        .join()
                        .unwrap_or_else(|e| std::panic::resume_unwind(e));
                    (p, q)
                }
                Err(_) => (search(seeds[0]), search(seeds[1])),
            }
        });
        if let Some(key) = from_primes(p, q) {
            return Some(key);
        }
    }
}

/// Key sizes [`generate`] and [`key_prime`] handle.
pub(crate) fn supported(bits: usize) -> bool {
    bits.is_multiple_of(128) && (1024..=8192).contains(&bits)
}

/// One prime of a `bits`-bit key (`bits` must be [`supported`]), drawn from `rng`; two of
/// them make a key with [`from_primes`]. For callers that search primes on their own
/// threads.
pub(crate) fn key_prime<R: RngCore + CryptoRng>(rng: &mut R, bits: usize) -> BigUint {
    prime(rng, bits / 2, small_primes())
}

/// The key with primes p and q and e = 65537; `None` when they cannot make one (p = q).
pub(crate) fn from_primes(p: BigUint, q: BigUint) -> Option<RsaPrivateKey> {
    if p == q {
        return None;
    }
    RsaPrivateKey::from_p_q(p, q, BigUint::from(E)).ok()
}

fn prime<R: RngCore + CryptoRng>(rng: &mut R, bits: usize, small: &[SmallPrime]) -> BigUint {
    match bits {
        0..=512 => prime_limbs::<8, R>(rng, bits, small),
        513..=1024 => prime_limbs::<16, R>(rng, bits, small),
        1025..=2048 => prime_limbs::<32, R>(rng, bits, small),
        _ => prime_limbs::<64, R>(rng, bits, small),
    }
}

/// A sieving prime with its Barrett constant ⌊(2^64 - 1) / p⌋, 12 bytes (the table of
/// 23,000 is kept for the process).
#[derive(Clone, Copy)]
#[repr(C, packed(4))]
struct SmallPrime {
    p: u32,
    inv: u64,
}

impl SmallPrime {
    fn new(p: u32) -> Self {
        SmallPrime {
            p,
            inv: u64::MAX / u64::from(p),
        }
    }

    fn p(self) -> u64 {
        u64::from(self.p)
    }

    /// x mod p without a division: the quotient estimate is short by at most one.
    #[inline]
    fn reduce(self, x: u64) -> u64 {
        let (p, inv) = (self.p(), self.inv);
        let q = ((u128::from(x) * u128::from(inv)) >> 64) as u64;
        let r = x - q * p;
        if r >= p { r - p } else { r }
    }
}

/// The odd primes below [`SIEVE_BOUND`], computed once per process.
fn small_primes() -> &'static [SmallPrime] {
    static PRIMES: std::sync::OnceLock<Vec<SmallPrime>> = std::sync::OnceLock::new();
    PRIMES.get_or_init(|| {
        // Eratosthenes over the odd numbers only, one bit each: bit i stands for 2i + 1.
        let n = SIEVE_BOUND as usize;
        let mut composite = vec![0u64; (n / 2).div_ceil(64)];
        let mut out = Vec::with_capacity(23_000);
        for i in 1..n / 2 {
            if composite[i / 64] >> (i % 64) & 1 == 1 {
                continue;
            }
            let p = 2 * i + 1;
            out.push(SmallPrime::new(p as u32));
            let mut j = p * p / 2;
            while j < n / 2 {
                composite[j / 64] |= 1 << (j % 64);
                j += p;
            }
        }
        out
    })
}

fn rounds(bits: usize) -> usize {
    match bits {
        0..=767 => 7,
        768..=1279 => 5,
        _ => 4,
    }
}

/// `bits` random bits (the rest zero), little-endian limbs; the bytes are drawn big-endian.
fn random_limbs<const N: usize, R: RngCore>(rng: &mut R, bits: usize) -> [u64; N] {
    let nbytes = bits.div_ceil(8);
    let mut buf = vec![0u8; nbytes];
    rng.fill_bytes(&mut buf);
    buf[0] &= 0xff >> (nbytes * 8 - bits);
    let mut out = [0u64; N];
    for (i, &b) in buf.iter().rev().enumerate() {
        out[i / 8] |= u64::from(b) << (8 * (i % 8));
    }
    out
}

fn bit<const N: usize>(n: &[u64; N], i: usize) -> bool {
    i < 64 * N && (n[i / 64] >> (i % 64)) & 1 == 1
}

fn bit_len<const N: usize>(n: &[u64; N]) -> usize {
    match n.iter().rposition(|&l| l != 0) {
        Some(j) => 64 * j + 64 - n[j].leading_zeros() as usize,
        None => 0,
    }
}

/// n mod p for every sieving prime, 32 bits at a time, all primes per step (independent
/// chains, no divisions).
fn rems_small<const N: usize>(n: &[u64; N], small: &[SmallPrime]) -> Vec<u32> {
    let mut rems = vec![0u32; small.len()];
    for &limb in n.iter().rev() {
        for half in [limb >> 32, limb & 0xffff_ffff] {
            for (r, sp) in rems.iter_mut().zip(small) {
                *r = sp.reduce((u64::from(*r) << 32) | half) as u32;
            }
        }
    }
    rems
}

fn add_small<const N: usize>(n: &[u64; N], x: u64) -> [u64; N] {
    let mut out = *n;
    let mut carry = x;
    for limb in out.iter_mut() {
        let (s, c) = limb.overflowing_add(carry);
        *limb = s;
        carry = c as u64;
        if carry == 0 {
            break;
        }
    }
    out
}

fn to_biguint<const N: usize>(n: &[u64; N]) -> BigUint {
    let bytes: Vec<u8> = n.iter().flat_map(|l| l.to_le_bytes()).collect();
    BigUint::from_bytes_le(&bytes)
}

/// `f::<N, D>(args)` with D the number of 52-bit digits the IFMA kernel uses for N limbs
/// (52·D ≥ 64·N + 2, so R > 4n); `None` for limb counts without a size here.
#[cfg(target_arch = "x86_64")]
macro_rules! with_digits {
    ($n:ident, $f:ident($($arg:expr),*)) => {
        match $n {
            8 => $f::<$n, 10>($($arg),*),
            16 => $f::<$n, 20>($($arg),*),
            32 => $f::<$n, 40>($($arg),*),
            64 => $f::<$n, 79>($($arg),*),
            _ => None,
        }
    };
}

/// How the base-2 tests of sieve survivors run.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kernel {
    /// One candidate at a time (`monty.rs`).
    Scalar,
    /// Eight at a time with AVX-512 IFMA (`ifma.rs`), when the CPU has it.
    #[cfg(target_arch = "x86_64")]
    Ifma,
}

impl Kernel {
    /// The fastest kernel this CPU runs.
    fn detect() -> Self {
        #[cfg(target_arch = "x86_64")]
        if crate::ifma::available() {
            return Kernel::Ifma;
        }
        Kernel::Scalar
    }

    fn batch(self) -> usize {
        match self {
            Kernel::Scalar => 1,
            #[cfg(target_arch = "x86_64")]
            Kernel::Ifma => crate::ifma::LANES,
        }
    }
}

/// A prime of `bits` bits from the one-at-a-time kernel, as limbs (tests of the batched
/// kernel use it as ground truth).
#[cfg(test)]
pub(crate) fn scalar_prime<const N: usize>(rng: &mut ChaCha20Rng, bits: usize) -> [u64; N] {
    let p = prime_limbs_with::<N, _>(rng, bits, small_primes(), Kernel::Scalar);
    let mut bytes = p.to_bytes_le();
    bytes.resize(8 * N, 0);
    std::array::from_fn(|j| u64::from_le_bytes(bytes[8 * j..8 * j + 8].try_into().unwrap()))
}

/// Base-2 test of every pending candidate, then the random-base rounds in order for those
/// that pass, so the first prime found and the randomness drawn are the same whatever the
/// batch size. Clears `pending`.
fn first_prime<const N: usize, R: RngCore>(
    pending: &mut Vec<[u64; N]>,
    bits: usize,
    rng: &mut R,
    kernel: Kernel,
) -> Option<[u64; N]> {
    let mut found = None;
    for chunk in pending.chunks(kernel.batch()) {
        let passed = base2_many(chunk, bits, kernel);
        if let Some(p) = chunk
            .iter()
            .zip(passed)
            .find(|&(cand, ok)| ok && random_rounds(cand, bits, rng, kernel))
        {
            found = Some(*p.0);
            break;
        }
    }
    pending.clear();
    found
}

/// Base-2 verdicts for up to a batch of candidates.
fn base2_many<const N: usize>(cands: &[[u64; N]], bits: usize, kernel: Kernel) -> Vec<bool> {
    #[cfg(target_arch = "x86_64")]
    if kernel == Kernel::Ifma {
        use crate::ifma::base2_batch;
        let lanes = with_digits!(N, base2_batch(cands, bits));
        if let Some(lanes) = lanes {
            return lanes[..cands.len()].to_vec();
        }
    }
    let _ = kernel;
    cands.iter().map(|c| base2(c, bits)).collect()
}

fn prime_limbs<const N: usize, R: RngCore + CryptoRng>(
    rng: &mut R,
    bits: usize,
    small: &[SmallPrime],
) -> BigUint {
    prime_limbs_with::<N, R>(rng, bits, small, Kernel::detect())
}

fn prime_limbs_with<const N: usize, R: RngCore + CryptoRng>(
    rng: &mut R,
    bits: usize,
    small: &[SmallPrime],
    kernel: Kernel,
) -> BigUint {
    let mut composite = vec![false; WINDOW];
    loop {
        // Top two bits set (so a product of two such primes has exactly 2·bits bits), odd.
        let mut base = random_limbs::<N, R>(rng, bits);
        base[(bits - 1) / 64] |= 1 << ((bits - 1) % 64);
        base[(bits - 2) / 64] |= 1 << ((bits - 2) % 64);
        base[0] |= 1;
        let mut rems = rems_small(&base, small);
        let mut rem_e = u64::from(rems_small(&base, &[SmallPrime::new(E)])[0]);
        let mut start = 0u64; // delta of the window's first candidate
        // Candidates that survived the sieve, in order, waiting for a batched base-2 test.
        let mut pending: Vec<[u64; N]> = Vec::with_capacity(kernel.batch());
        while start < MAX_DELTA {
            // Mark base + start + 2k divisible by a sieving prime: 2k ≡ -r (mod p).
            composite.fill(false);
            for (&sp, &r) in small.iter().zip(&rems) {
                let p = sp.p();
                let inv2 = p.div_ceil(2); // 2⁻¹ mod p
                let neg_r = if r == 0 { 0 } else { p - u64::from(r) };
                let mut k = sp.reduce(neg_r * inv2) as usize;
                while k < WINDOW {
                    composite[k] = true;
                    k += p as usize;
                }
            }
            for (k, &c) in composite.iter().enumerate() {
                let delta = start + 2 * k as u64;
                // gcd(e, p-1) = 1: e is prime, so p mod e must not be 1.
                if c || (rem_e + 2 * k as u64) % u64::from(E) == 1 {
                    continue;
                }
                let cand = add_small(&base, delta);
                if bit_len(&cand) != bits || !bit(&cand, bits - 2) {
                    start = MAX_DELTA; // ran past the top bits: draw again
                    break;
                }
                pending.push(cand);
                if pending.len() == kernel.batch()
                    && let Some(p) = first_prime(&mut pending, bits, rng, kernel)
                {
                    return to_biguint(&p);
                }
            }
            // Next window: advance every remainder by 2·WINDOW.
            let step = 2 * WINDOW as u64;
            for (r, &sp) in rems.iter_mut().zip(small) {
                *r = sp.reduce(u64::from(*r) + step) as u32;
            }
            rem_e = (rem_e + step) % u64::from(E);
            start += step;
        }
        if let Some(p) = first_prime(&mut pending, bits, rng, kernel) {
            return to_biguint(&p);
        }
    }
}

/// Miller–Rabin for an odd `n` of `bits` bits (at least 8): base 2, then `rounds(bits)`
/// random bases in [2, 2^(bits-1)).
#[cfg(test)]
fn probably_prime<const N: usize, R: RngCore>(n: &[u64; N], bits: usize, rng: &mut R) -> bool {
    base2(n, bits) && random_rounds(n, bits, rng, Kernel::Scalar)
}

/// The Miller–Rabin set-up for one odd n: n - 1 = d·2^s.
pub(crate) struct Witness<const N: usize> {
    pub(crate) m: Monty<N>,
    pub(crate) d: [u64; N],
    pub(crate) d_bits: usize,
    s: usize,
}

impl<const N: usize> Witness<N> {
    pub(crate) fn new(n: &[u64; N], bits: usize) -> Self {
        debug_assert!(bits >= 8 && n[0] & 1 == 1);
        let (d, s) = monty::split_minus_one(n);
        Witness {
            m: Monty::new(n),
            d,
            d_bits: bits - s,
            s,
        }
    }

    /// Given x = a^d (Montgomery form): x is 1 or -1, or becomes -1 within s - 1 squarings.
    pub(crate) fn passes(&self, mut x: [u64; N]) -> bool {
        let (one, minus_one) = (self.m.one(), self.m.minus_one());
        if x == one || x == minus_one {
            return true;
        }
        for _ in 1..self.s {
            x = self.m.mul(&x, &x);
            if x == minus_one {
                return true;
            }
            if x == one {
                return false;
            }
        }
        false
    }
}

/// The base-2 Miller–Rabin test (no randomness drawn).
pub(crate) fn base2<const N: usize>(n: &[u64; N], bits: usize) -> bool {
    let w = Witness::new(n, bits);
    w.passes(w.m.pow2(&w.d, w.d_bits))
}

/// `rounds(bits)` Miller–Rabin tests with random bases in [2, 2^(bits-1)), all drawn
/// before any is tried (so both kernels draw the same randomness even when a base fails).
fn random_rounds<const N: usize, R: RngCore>(
    n: &[u64; N],
    bits: usize,
    rng: &mut R,
    kernel: Kernel,
) -> bool {
    let mut two = [0u64; N];
    two[0] = 2;
    let mut bases = Vec::with_capacity(rounds(bits));
    while bases.len() < rounds(bits) {
        let a = random_limbs::<N, R>(rng, bits - 1);
        if monty::sub(&a, &two).1 == 0 {
            bases.push(a); // a ≥ 2
        }
    }
    #[cfg(target_arch = "x86_64")]
    if kernel == Kernel::Ifma {
        use crate::ifma::rounds_batch;
        let verdict = with_digits!(N, rounds_batch(n, &bases, bits));
        if let Some(verdict) = verdict {
            return verdict;
        }
    }
    let _ = kernel;
    let w = Witness::new(n, bits);
    bases
        .iter()
        .all(|a| w.passes(w.m.pow(&w.m.to_monty(a), &w.d, w.d_bits)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_chacha::ChaCha20Rng;
    use rand_core::SeedableRng;
    use rsa::traits::{PrivateKeyParts, PublicKeyParts};

    #[test]
    fn sieve_primes() {
        let p: Vec<u64> = small_primes().iter().map(|sp| sp.p()).collect();
        assert_eq!(&p[..6], &[3, 5, 7, 11, 13, 17]);
        assert_eq!(*p.last().unwrap(), 262_139); // the largest prime below 2^18
        assert_eq!(p.len(), 23_000 - 1); // π(2^18) = 23000, less the prime 2
    }

    #[test]
    fn barrett_reduction_and_remainders() {
        let mut rng = ChaCha20Rng::from_seed([3; 32]);
        for &sp in small_primes().iter().step_by(97) {
            for x in [
                0,
                1,
                sp.p() - 1,
                sp.p(),
                u64::MAX,
                rng.next_u64(),
                (sp.p() - 1) << 32 | 0xffff_ffff,
            ] {
                assert_eq!(sp.reduce(x), x % sp.p(), "{x} mod {}", sp.p());
            }
        }
        let n = random_limbs::<16, _>(&mut rng, 1024);
        let rems = rems_small(&n, small_primes());
        let b = to_biguint(&n);
        for (sp, r) in small_primes().iter().zip(&rems).step_by(13) {
            assert_eq!(BigUint::from(*r), &b % BigUint::from(sp.p()));
        }
    }

    /// Every prime returned is one that plain trial division and the `rsa` crate's
    /// big-integer Fermat test also accept, and the sieve never skips the first prime
    /// after the base (checked against a slow scan).
    #[test]
    fn sieve_agrees_with_slow_scan() {
        for seed in 0..4u8 {
            let mut rng = ChaCha20Rng::from_seed([seed; 32]);
            let p = prime_limbs::<8, _>(&mut rng, 512, small_primes());
            assert_eq!(p.bits(), 512);
            assert_eq!(
                BigUint::from(2u8).modpow(&(&p - 1u8), &p),
                BigUint::from(1u8)
            );
            // Replay the draw: no odd number between the base and p passes a Fermat test
            // (apart from ones with p mod e = 1).
            let mut rng = ChaCha20Rng::from_seed([seed; 32]);
            let mut base = random_limbs::<8, _>(&mut rng, 512);
            base[7] |= 3 << 62;
            base[0] |= 1;
            let mut x = to_biguint(&base);
            while x < p {
                let fermat = BigUint::from(2u8).modpow(&(&x - 1u8), &x) == BigUint::from(1u8);
                let e_ok = &x % BigUint::from(E) != BigUint::from(1u8);
                assert!(!(fermat && e_ok), "skipped a prime below the one returned");
                x += 2u8;
            }
        }
    }

    fn limbs8(x: u128) -> [u64; 8] {
        let mut out = [0u64; 8];
        out[0] = x as u64;
        out[1] = (x >> 64) as u64;
        out
    }

    #[test]
    fn known_primes_and_composites() {
        let mut rng = ChaCha20Rng::from_seed([1; 32]);
        // 2^127 - 1 is prime; times 1000003 it is not.
        let m127 = limbs8((1u128 << 127) - 1);
        assert!(probably_prime(&m127, 127, &mut rng));
        let c = to_biguint(&m127) * BigUint::from(1_000_003u32);
        let mut bytes = c.to_bytes_le();
        bytes.resize(64, 0);
        let mut c8 = [0u64; 8];
        for (j, d) in bytes.chunks(8).enumerate() {
            c8[j] = u64::from_le_bytes(d.try_into().unwrap());
        }
        assert!(!probably_prime(&c8, bit_len(&c8), &mut rng));
        // Carmichael numbers fool Fermat, not Miller–Rabin.
        for carmichael in [561u64, 41041, 825265, 321197185, 5394826801] {
            let n = limbs8(u128::from(carmichael));
            assert!(!probably_prime(&n, bit_len(&n), &mut rng), "{carmichael}");
        }
        // Primes of every limb count used, from the sieve range up.
        for p in [65537u64, 1_000_003, 0xffff_ffff_ffff_ffc5] {
            let n = limbs8(u128::from(p));
            assert!(probably_prime(&n, bit_len(&n), &mut rng), "{p}");
        }
    }

    #[test]
    fn limb_helpers() {
        let mut rng = ChaCha20Rng::from_seed([2; 32]);
        for bits in [1, 7, 63, 64, 65, 511, 512] {
            let x = random_limbs::<8, _>(&mut rng, bits);
            assert!(bit_len(&x) <= bits);
            let b = to_biguint(&x);
            for m in [3u32, 65537, 4_294_967_291] {
                let r = rems_small(&x, &[SmallPrime::new(m)])[0];
                assert_eq!(BigUint::from(r), &b % BigUint::from(m));
            }
            for s in [0, 1, 63, 64, 65, 200] {
                assert_eq!(to_biguint(&monty::shr(&x, s)), &b >> s);
            }
            assert_eq!(
                to_biguint(&add_small(&x, u64::MAX)),
                &b + BigUint::from(u64::MAX)
            );
        }
    }

    /// The batched kernel finds the same prime, drawing the same randomness, as the
    /// one-at-a-time kernel.
    #[test]
    fn kernels_find_the_same_primes() {
        if Kernel::detect() == Kernel::Scalar {
            eprintln!("SKIPPED: this CPU has no AVX-512 IFMA; only the scalar kernel runs");
            return;
        }
        for seed in 0..6u8 {
            let mut a = ChaCha20Rng::from_seed([seed; 32]);
            let mut b = ChaCha20Rng::from_seed([seed; 32]);
            let (pa, pb) = if seed % 2 == 0 {
                (
                    prime_limbs_with::<16, _>(&mut a, 1024, small_primes(), Kernel::Scalar),
                    prime_limbs_with::<16, _>(&mut b, 1024, small_primes(), Kernel::detect()),
                )
            } else {
                (
                    prime_limbs_with::<8, _>(&mut a, 512, small_primes(), Kernel::Scalar),
                    prime_limbs_with::<8, _>(&mut b, 512, small_primes(), Kernel::detect()),
                )
            };
            assert_eq!(pa, pb, "seed {seed}");
            assert_eq!(a.next_u64(), b.next_u64(), "same randomness drawn");
        }
    }

    #[test]
    fn key_shape_and_determinism() {
        let k1 = generate(&mut ChaCha20Rng::from_seed([5; 32]), 2048).unwrap();
        let k2 = generate(&mut ChaCha20Rng::from_seed([5; 32]), 2048).unwrap();
        assert_eq!(k1, k2);
        assert_eq!(k1.n().bits(), 2048);
        assert_eq!(k1.e(), &BigUint::from(E));
        for p in k1.primes() {
            assert_eq!(p.bits(), 1024);
        }
        k1.validate().unwrap();
        assert!(generate(&mut ChaCha20Rng::from_seed([5; 32]), 2000).is_none());
    }
}
