//! Eight Miller–Rabin base-2 tests at once with AVX-512 IFMA (`vpmadd52luq`/`vpmadd52huq`),
//! for the prime search in `rsagen.rs`. Used only when the CPU has the features (checked at
//! run time); otherwise the search tests one candidate at a time with `monty.rs`.
//!
//! Layout is vertical: lane k of every vector belongs to candidate k, and a number is `D`
//! vectors of 52-bit digits (radix 2^52, least significant first). The eight lanes never
//! exchange data, so each multiplication is plain schoolbook work on independent lanes.
//!
//! Multiplication is almost-Montgomery (no final subtraction) with R = 2^(52·D) > 4n: inputs
//! below 4n give an output below 2n, so a square followed by a doubling never leaves the
//! range and nothing branches on the values. Digits are normalised (below 2^52) only at the
//! end of a multiplication, because the IFMA instructions read the low 52 bits of their
//! multiplicands.
//!
//! The result for each candidate is exactly what `rsagen::base2` returns for it: the tests
//! compare the two on random and special inputs.

use std::arch::x86_64::{
    __m512i, __mmask8, _mm512_add_epi64, _mm512_and_si512, _mm512_cmpeq_epi64_mask,
    _mm512_loadu_epi64, _mm512_madd52hi_epu64, _mm512_madd52lo_epu64, _mm512_mask_add_epi64,
    _mm512_mask_mov_epi64, _mm512_set1_epi64, _mm512_setzero_si512, _mm512_srli_epi64,
    _mm512_srlv_epi64, _mm512_test_epi64_mask,
};

use crate::monty;

/// Candidates per batch (64-bit lanes of a 512-bit vector).
pub(crate) const LANES: usize = 8;

const MASK52: u64 = (1 << 52) - 1;

/// Whether this CPU runs [`base2_batch`] (AVX-512 F and IFMA), detected once.
pub(crate) fn available() -> bool {
    static AVAILABLE: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *AVAILABLE.get_or_init(|| {
        std::arch::is_x86_feature_detected!("avx512f")
            && std::arch::is_x86_feature_detected!("avx512ifma")
    })
}

/// Base-2 Miller–Rabin for up to [`LANES`] odd candidates of `bits` bits each (the top bit
/// set, `bits` > 64·(N-1)), in `N` limbs, using `D` digits with 52·D ≥ 64·N + 2. `None`
/// when the CPU lacks the features; otherwise whether each candidate passes.
pub(crate) fn base2_batch<const N: usize, const D: usize>(
    cands: &[[u64; N]],
    bits: usize,
) -> Option<[bool; LANES]> {
    assert!(!cands.is_empty() && cands.len() <= LANES);
    assert!(52 * D >= 64 * N + 2);
    if !available() {
        return None;
    }
    // SAFETY: the CPU has AVX-512 F and IFMA (checked just above), the only requirement of
    // a `target_feature` function.
    Some(unsafe { base2_lanes::<N, D>(cands, bits) })
}

/// Per-candidate set-up, done with scalar limb arithmetic.
#[derive(Clone, Copy)]
struct Lane<const N: usize> {
    n: [u64; N],
    /// -n⁻¹ mod 2^52.
    n0: u64,
    /// R mod n, R = 2^(52·D).
    one: [u64; N],
    /// (n - 1) / 2^s, and s.
    d: [u64; N],
    s: usize,
}

impl<const N: usize> Lane<N> {
    fn new(n: &[u64; N], bits: usize, r_bits: usize) -> Self {
        debug_assert!(n[0] & 1 == 1 && (n[(bits - 1) / 64] >> ((bits - 1) % 64)) & 1 == 1);
        // 2^(bits-1) < n (n is odd with its top bit at bits-1), then doublings up to R.
        let mut one = [0u64; N];
        one[(bits - 1) / 64] = 1 << ((bits - 1) % 64);
        for _ in bits - 1..r_bits {
            one = monty::double_mod(&one, n);
        }
        let (d, s) = monty::split_minus_one(n);
        Lane {
            n: *n,
            n0: monty::neg_inv(n[0]) & MASK52,
            one,
            d,
            s,
        }
    }
}

/// Limbs to 52-bit digits.
fn to_digits<const N: usize, const D: usize>(x: &[u64; N]) -> [u64; D] {
    let mut out = [0u64; D];
    for (j, digit) in out.iter_mut().enumerate() {
        let (l, s) = ((52 * j) / 64, (52 * j) % 64);
        if l >= N {
            break;
        }
        let mut v = x[l] >> s;
        if s > 12 && l + 1 < N {
            v |= x[l + 1] << (64 - s);
        }
        *digit = v & MASK52;
    }
    out
}

/// One vector per digit (or limb) position: `rows[k][j]` goes to lane k of vector j.
#[target_feature(enable = "avx512f")]
fn transpose<const M: usize>(rows: &[[u64; M]; LANES]) -> [__m512i; M] {
    let mut out = [_mm512_setzero_si512(); M];
    for (j, v) in out.iter_mut().enumerate() {
        let col: [u64; LANES] = std::array::from_fn(|k| rows[k][j]);
        // SAFETY: `col` is 8 initialised u64 (64 bytes); the load is unaligned.
        *v = unsafe { _mm512_loadu_epi64(col.as_ptr().cast()) };
    }
    out
}

/// a·b·R⁻¹ mod n, below 2n when a, b < 4n; digits normalised.
///
/// Operand scanning: step i adds a·bᵢ and m·n (m chosen so the lowest digit vanishes
/// modulo 2^52) into the accumulator window t[i..=i + D], whose lowest digit then only
/// carries into the next. The window moves up the scratch buffer instead of being shifted.
#[target_feature(enable = "avx512f,avx512ifma")]
fn mont_mul<const D: usize>(
    a: &[__m512i; D],
    b: &[__m512i; D],
    n: &[__m512i; D],
    n0: __m512i,
) -> [__m512i; D] {
    let zero = _mm512_setzero_si512();
    let mut buf = [[zero; D]; 3];
    let t = buf.as_flattened_mut();
    let t = &mut t[..2 * D + 1];
    for (i, &bi) in b.iter().enumerate() {
        let w = &mut t[i..=i + D];
        for j in 0..D {
            w[j] = _mm512_madd52lo_epu64(w[j], a[j], bi);
        }
        let m = _mm512_madd52lo_epu64(zero, w[0], n0);
        for j in 0..D {
            w[j] = _mm512_madd52lo_epu64(w[j], n[j], m);
        }
        // High halves one digit up.
        for j in 0..D {
            w[j + 1] = _mm512_madd52hi_epu64(w[j + 1], a[j], bi);
            w[j + 1] = _mm512_madd52hi_epu64(w[j + 1], n[j], m);
        }
        // Divide by 2^52: digit i is now a multiple of 2^52; keep what it carries.
        w[1] = _mm512_add_epi64(w[1], _mm512_srli_epi64::<52>(w[0]));
    }
    let mut out = [zero; D];
    out.copy_from_slice(&t[D..2 * D]);
    normalize(&mut out);
    out
}

/// Carries every digit's bits above 52 into the next digit (the top digit keeps its own).
#[target_feature(enable = "avx512f")]
fn normalize<const D: usize>(t: &mut [__m512i; D]) {
    let mask = _mm512_set1_epi64(MASK52 as i64);
    for j in 0..D - 1 {
        let carry = _mm512_srli_epi64::<52>(t[j]);
        t[j] = _mm512_and_si512(t[j], mask);
        t[j + 1] = _mm512_add_epi64(t[j + 1], carry);
    }
}

/// Lanes whose number equals `b` digit for digit.
#[target_feature(enable = "avx512f")]
fn equal<const D: usize>(a: &[__m512i; D], b: &[__m512i; D]) -> __mmask8 {
    a.iter()
        .zip(b)
        .fold(0xff, |m, (x, y)| m & _mm512_cmpeq_epi64_mask(*x, *y))
}

/// The moduli of a batch as vectors, with what the witness loop compares against.
struct Moduli<const D: usize> {
    n: [__m512i; D],
    n0: __m512i,
    n_minus_1: [__m512i; D],
    /// The number 1 (not in Montgomery form).
    unit: [__m512i; D],
}

impl<const D: usize> Moduli<D> {
    #[target_feature(enable = "avx512f")]
    fn new<const N: usize>(lanes: &[Lane<N>; LANES]) -> Self {
        let n = transpose(&std::array::from_fn(|k| to_digits::<N, D>(&lanes[k].n)));
        let n0 = transpose(&std::array::from_fn(|k| [lanes[k].n0]))[0];
        let mut n_minus_1 = n;
        n_minus_1[0] = _mm512_add_epi64(n[0], _mm512_set1_epi64(-1)); // n is odd: no borrow
        let mut unit = [_mm512_setzero_si512(); D];
        unit[0] = _mm512_set1_epi64(1);
        Moduli {
            n,
            n0,
            n_minus_1,
            unit,
        }
    }

    #[target_feature(enable = "avx512f,avx512ifma")]
    fn mul(&self, a: &[__m512i; D], b: &[__m512i; D]) -> [__m512i; D] {
        mont_mul(a, b, &self.n, self.n0)
    }

    /// Given x = a^d in Montgomery form (below 4n), the lanes that pass: x is 1 or -1, or
    /// becomes -1 within s - 1 squarings (s per lane, n - 1 = d·2^s).
    #[target_feature(enable = "avx512f,avx512ifma")]
    fn witness(&self, mut x: [__m512i; D], s: [usize; LANES]) -> __mmask8 {
        let mut pass: __mmask8 = 0;
        let mut open: __mmask8 = 0xff;
        let mut round = 0;
        loop {
            // Out of Montgomery form: x·1·R⁻¹ is below n + 1, so already reduced.
            let z = self.mul(&x, &self.unit);
            let is_one = equal(&z, &self.unit);
            let is_minus_one = equal(&z, &self.n_minus_1);
            let verdict = if round == 0 {
                is_one | is_minus_one
            } else {
                is_minus_one
            };
            pass |= open & verdict;
            open &= !(is_one | is_minus_one);
            for (k, &s) in s.iter().enumerate() {
                if round + 1 >= s {
                    open &= !(1 << k); // no squarings left: not passed
                }
            }
            if open == 0 {
                return pass;
            }
            x = self.mul(&x, &x);
            round += 1;
        }
    }
}

#[target_feature(enable = "avx512f,avx512ifma")]
fn base2_lanes<const N: usize, const D: usize>(cands: &[[u64; N]], bits: usize) -> [bool; LANES] {
    // Missing lanes repeat the first candidate; their results are dropped.
    let lanes: [Lane<N>; LANES] =
        std::array::from_fn(|k| Lane::new(cands.get(k).unwrap_or(&cands[0]), bits, 52 * D));
    let m = Moduli::<D>::new(&lanes);
    let one = transpose(&std::array::from_fn(|k| to_digits::<N, D>(&lanes[k].one)));
    let d = transpose(&std::array::from_fn(|k| lanes[k].d));
    let low_bit = _mm512_set1_epi64(1);

    // 2^d in Montgomery form: per exponent bit, a square and (masked) a doubling. Lanes
    // with shorter exponents read leading zeros, and 1 squared stays 1.
    let d_bits = lanes.iter().map(|l| bits - l.s).max().expect("eight lanes");
    let mut x = one;
    for bit in (0..d_bits).rev() {
        x = m.mul(&x, &x);
        let shifted = _mm512_srlv_epi64(d[bit / 64], _mm512_set1_epi64((bit % 64) as i64));
        let set = _mm512_test_epi64_mask(shifted, low_bit);
        for digit in x.iter_mut() {
            *digit = _mm512_mask_add_epi64(*digit, set, *digit, *digit);
        }
        normalize(&mut x);
    }
    let pass = m.witness(x, std::array::from_fn(|k| lanes[k].s));
    std::array::from_fn(|k| pass >> k & 1 == 1)
}

/// Miller–Rabin rounds for one odd `n` of `bits` bits (top bit set) with up to [`LANES`]
/// bases, each below n, in parallel lanes. `None` when the CPU lacks the features;
/// otherwise whether every base passes.
pub(crate) fn rounds_batch<const N: usize, const D: usize>(
    n: &[u64; N],
    bases: &[[u64; N]],
    bits: usize,
) -> Option<bool> {
    assert!(!bases.is_empty() && bases.len() <= LANES);
    assert!(52 * D >= 64 * N + 2);
    if !available() {
        return None;
    }
    // SAFETY: the CPU has AVX-512 F and IFMA (checked just above).
    Some(unsafe { rounds_lanes::<N, D>(n, bases, bits) })
}

#[target_feature(enable = "avx512f,avx512ifma")]
fn rounds_lanes<const N: usize, const D: usize>(
    n: &[u64; N],
    bases: &[[u64; N]],
    bits: usize,
) -> bool {
    let lane = Lane::new(n, bits, 52 * D);
    let m = Moduli::<D>::new(&[lane; LANES]);
    let broadcast = |x: &[u64; N]| transpose(&[to_digits::<N, D>(x); LANES]);
    let one = broadcast(&lane.one);
    // R² mod n: 2^k·R by doublings, then squarings double the exponent of 2 until it is
    // 52·D (k = 52·D with its factors of two removed).
    let shift = (52 * D).trailing_zeros();
    let mut u = lane.one;
    for _ in 0..(52 * D) >> shift {
        u = monty::double_mod(&u, n);
    }
    let mut r2 = broadcast(&u);
    for _ in 0..shift {
        r2 = m.mul(&r2, &r2);
    }
    let a = transpose(&std::array::from_fn(|k| {
        to_digits::<N, D>(bases.get(k).unwrap_or(&bases[0]))
    }));
    let a = m.mul(&a, &r2);

    // base^d with a fixed 4-bit window; the exponent is the same in every lane, and the
    // table entry is picked by masks over all sixteen (no index-dependent access).
    let mut table = [one; 16];
    for i in 1..16 {
        table[i] = m.mul(&table[i - 1], &a);
    }
    let d_bits = bits - lane.s;
    let windows = d_bits.div_ceil(4);
    let mut x = one;
    for w in (0..windows).rev() {
        if w + 1 != windows {
            for _ in 0..4 {
                x = m.mul(&x, &x);
            }
        }
        let bit = 4 * w;
        let idx = (lane.d[bit / 64] >> (bit % 64)) & 0xf;
        let mut entry = table[0];
        for (e, row) in table.iter().enumerate().skip(1) {
            let hit = (((e as u64) ^ idx).wrapping_sub(1) >> 63) as u8; // 1 when e == idx
            let k = hit.wrapping_neg();
            for (out, v) in entry.iter_mut().zip(row) {
                *out = _mm512_mask_mov_epi64(*out, k, *v);
            }
        }
        x = m.mul(&x, &entry);
    }
    let used = (1u16 << bases.len()) - 1;
    let pass = m.witness(x, [lane.s; LANES]);
    u16::from(pass) & used == used
}

/// Lane values of a vector.
#[cfg(test)]
#[target_feature(enable = "avx512f")]
fn store(v: __m512i) -> [u64; LANES] {
    let mut out = [0u64; LANES];
    use std::arch::x86_64::_mm512_storeu_epi64;
    // SAFETY: `out` is 8 u64 (64 bytes); the store is unaligned.
    unsafe { _mm512_storeu_epi64(out.as_mut_ptr().cast(), v) };
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rsagen::{base2, scalar_prime};
    use rand_chacha::ChaCha20Rng;
    use rand_core::{RngCore, SeedableRng};

    fn skip() -> bool {
        if available() {
            return false;
        }
        eprintln!("SKIPPED: this CPU has no AVX-512 IFMA; the scalar kernel is tested alone");
        true
    }

    fn bit_len(x: u64) -> usize {
        64 - x.leading_zeros() as usize
    }

    /// Every odd number from 129 to 2^17 (strong pseudoprimes to base 2 such as 2047,
    /// 3277 and 4033 among them), eight at a time, against the scalar test.
    #[test]
    fn small_numbers_match_scalar() {
        if skip() {
            return;
        }
        let odd: Vec<u64> = (129..1u64 << 17).step_by(2).collect();
        let mut passed = 0;
        for group in odd.chunks(LANES) {
            // Lanes of one batch share a bit length.
            for same in group.chunk_by(|a, b| bit_len(*a) == bit_len(*b)) {
                let cands: Vec<[u64; 1]> = same.iter().map(|&x| [x]).collect();
                let bits = bit_len(same[0]);
                let got = base2_batch::<1, 2>(&cands, bits).unwrap();
                for (k, c) in cands.iter().enumerate() {
                    assert_eq!(got[k], base2(c, bits), "{}", c[0]);
                    passed += usize::from(got[k]);
                }
            }
        }
        // π(2^17) - π(128) = 12251 - 31 primes, plus the strong pseudoprimes below 2^17.
        assert!(passed > 12_220, "{passed}");
        for psp in [2047u64, 3277, 4033, 4681, 8321] {
            assert!(
                base2_batch::<1, 2>(&[[psp]], bit_len(psp)).unwrap()[0],
                "{psp}"
            );
        }
    }

    fn random_odd<const N: usize>(rng: &mut ChaCha20Rng, bits: usize) -> [u64; N] {
        let mut x = [0u64; N];
        for l in x.iter_mut() {
            *l = rng.next_u64();
        }
        let top = (bits - 1) / 64;
        for l in x.iter_mut().skip(top + 1) {
            *l = 0;
        }
        if (bits - 1) % 64 != 63 {
            x[top] &= (1 << ((bits - 1) % 64 + 1)) - 1;
        }
        x[top] |= 1 << ((bits - 1) % 64);
        x[0] |= 1;
        x
    }

    /// Full-size candidates: random odd numbers, primes, and numbers with long runs of
    /// trailing zeros in n - 1 (many squarings), in every lane position and partial
    /// batches.
    fn full_size<const N: usize, const D: usize>(
        seed: u8,
        bits: usize,
        randoms: usize,
        primes: usize,
    ) {
        let mut rng = ChaCha20Rng::from_seed([seed; 32]);
        let mut cands: Vec<[u64; N]> = Vec::new();
        for i in 0..randoms {
            let mut x = random_odd::<N>(&mut rng, bits);
            if i % 5 == 0 {
                // n = k·2^s + 1 with s up to 200
                let s = 1 + (rng.next_u64() % 200) as usize;
                for b in 0..s {
                    x[b / 64] &= !(1 << (b % 64));
                }
                x[0] |= 1;
            }
            cands.push(x);
        }
        // Primes from the one-at-a-time search.
        for _ in 0..primes {
            cands.push(scalar_prime::<N>(&mut rng, bits));
        }
        let want: Vec<bool> = cands.iter().map(|c| base2(c, bits)).collect();
        let mut passed = 0;
        for size in [LANES, 3, 1] {
            for (b, batch) in cands.chunks(size).enumerate() {
                let got = base2_batch::<N, D>(batch, bits).unwrap();
                for k in 0..batch.len() {
                    assert_eq!(got[k], want[b * size + k], "batch of {size}, lane {k}");
                    passed += usize::from(got[k]);
                }
            }
        }
        assert!(passed >= 3 * primes, "{passed}");
    }

    #[test]
    fn full_size_matches_scalar() {
        if skip() {
            return;
        }
        full_size::<8, 10>(1, 512, 40, 4);
        full_size::<16, 20>(2, 1024, 40, 3);
        full_size::<16, 20>(3, 1000, 20, 2);
        full_size::<32, 40>(4, 2048, 12, 0); // a 2048-bit prime search is slow unoptimised
    }

    /// The scalar rounds for one base: the `monty.rs` exponentiation and witness loop.
    fn scalar_round<const N: usize>(n: &[u64; N], bits: usize, a: &[u64; N]) -> bool {
        let w = crate::rsagen::Witness::new(n, bits);
        w.passes(w.m.pow(&w.m.to_monty(a), &w.d, w.d_bits))
    }

    /// Every odd number from 129 to 2^14 with random bases below 2^(bits-1) (strong liars
    /// of composites among them, e.g. base 2 for 2047 once drawn), one base per batch and
    /// eight per batch, against the scalar rounds.
    #[test]
    fn rounds_small_numbers_match_scalar() {
        if skip() {
            return;
        }
        let mut rng = ChaCha20Rng::from_seed([7; 32]);
        let (mut liars, mut passes) = (0, 0);
        for n in (129..1u64 << 14).step_by(2) {
            let bits = bit_len(n);
            let bases: Vec<[u64; 1]> = (0..LANES)
                .map(|_| [2 + rng.next_u64() % ((1 << (bits - 1)) - 2)])
                .collect();
            let each: Vec<bool> = bases.iter().map(|a| scalar_round(&[n], bits, a)).collect();
            for (a, &want) in bases.iter().zip(&each) {
                assert_eq!(
                    rounds_batch::<1, 2>(&[n], std::slice::from_ref(a), bits),
                    Some(want),
                    "n {n} base {}",
                    a[0]
                );
            }
            let all = each.iter().all(|&b| b);
            assert_eq!(rounds_batch::<1, 2>(&[n], &bases, bits), Some(all), "n {n}");
            passes += usize::from(all);
            liars += usize::from(!all && each.iter().any(|&b| b));
        }
        assert!(liars > 0 && passes > 1800, "{liars} {passes}");
    }

    /// Full-size moduli (primes and composites) with five random bases.
    #[test]
    fn rounds_full_size_match_scalar() {
        if skip() {
            return;
        }
        let mut rng = ChaCha20Rng::from_seed([8; 32]);
        let mut primes = 0;
        for i in 0..8 {
            let n = if i % 2 == 0 {
                scalar_prime::<16>(&mut rng, 1024)
            } else {
                random_odd::<16>(&mut rng, 1024)
            };
            let bases: Vec<[u64; 16]> = (0..5).map(|_| random_odd::<16>(&mut rng, 1023)).collect();
            let want = bases.iter().all(|a| scalar_round(&n, 1024, a));
            assert_eq!(rounds_batch::<16, 20>(&n, &bases, 1024), Some(want));
            primes += usize::from(want);
        }
        assert_eq!(primes, 4);
    }

    /// The multiplication alone, against the `rsa` crate's big integers: a·b·R⁻¹ mod n
    /// for eight moduli, including operands up to 4n - 1.
    #[test]
    fn multiplication_matches_big_integers() {
        if skip() {
            return;
        }
        use rsa::BigUint;
        let mut rng = ChaCha20Rng::from_seed([9; 32]);
        let big = |x: &[u64]| {
            let bytes: Vec<u8> = x.iter().flat_map(|l| l.to_le_bytes()).collect();
            BigUint::from_bytes_le(&bytes)
        };
        let from_digits = |d: &[u64; 20]| {
            d.iter()
                .rev()
                .fold(BigUint::from(0u8), |acc, &x| (acc << 52) + BigUint::from(x))
        };
        let digits_of = |x: &BigUint| -> [u64; 20] {
            let mut bytes = x.to_bytes_le();
            bytes.resize(8 * 17, 0);
            let limbs: [u64; 17] = std::array::from_fn(|j| {
                u64::from_le_bytes(bytes[8 * j..8 * j + 8].try_into().unwrap())
            });
            to_digits::<17, 20>(&limbs)
        };
        for _ in 0..10 {
            let ns: [[u64; 16]; LANES] = std::array::from_fn(|_| random_odd(&mut rng, 1024));
            let lanes: [Lane<16>; LANES] = std::array::from_fn(|k| Lane::new(&ns[k], 1024, 1040));
            let nb: Vec<BigUint> = ns.iter().map(|n| big(n)).collect();
            // a, b below 4n: random below n, times 1..=3, plus up to n - 1.
            let pick = |rng: &mut ChaCha20Rng, n: &BigUint| {
                let r = big(&random_odd::<16>(rng, 1024)) % n;
                &r * BigUint::from(1 + rng.next_u64() % 3) + (big(&random_odd::<16>(rng, 1024)) % n)
            };
            let a: Vec<BigUint> = nb.iter().map(|n| pick(&mut rng, n)).collect();
            let b: Vec<BigUint> = nb.iter().map(|n| pick(&mut rng, n)).collect();
            // SAFETY: `skip()` returned false, so the CPU has AVX-512 F and IFMA.
            let out = unsafe {
                let av = transpose(&std::array::from_fn(|k| digits_of(&a[k])));
                let bv = transpose(&std::array::from_fn(|k| digits_of(&b[k])));
                let nv = transpose(&std::array::from_fn(|k| to_digits::<16, 20>(&ns[k])));
                let n0 = transpose(&std::array::from_fn(|k| [lanes[k].n0]))[0];
                let r = mont_mul(&av, &bv, &nv, n0);
                let rows: Vec<[u64; LANES]> = r.iter().map(|v| store(*v)).collect();
                rows
            };
            let r_inv_factor = BigUint::from(1u8) << 1040;
            for k in 0..LANES {
                let got = from_digits(&std::array::from_fn(|j| out[j][k]));
                assert!(got < &nb[k] * 2u8, "below 2n");
                assert_eq!(
                    (&got * &r_inv_factor) % &nb[k],
                    (&a[k] * &b[k]) % &nb[k],
                    "lane {k}"
                );
                assert_eq!(big(&lanes[k].one), &r_inv_factor % &nb[k]);
            }
        }
    }
}
