//! RSA key generation with our own prime search: candidates drawn from the caller's RNG
//! (top two bits and the low bit set, as Go does), sieved by the small primes with
//! incrementally updated remainders, then Miller–Rabin with random bases over
//! `crypto-bigint`'s Montgomery arithmetic. The `rsa` crate builds, validates and
//! precomputes (CRT) the key from the two primes. Same RNG stream, same key.
//!
//! Rounds: FIPS 186-4 Table C.3 (error ≤ 2^-100 for p and q of an RSA key): 5 for 1024-bit
//! primes (2048-bit keys), 4 for 1536 bits and more; 7 for 512-bit primes. Each candidate
//! first passes a base-2 test, which costs nothing in randomness and rejects nearly every
//! composite left by the sieve.

use crypto_bigint::modular::runtime_mod::{DynResidue, DynResidueParams};
use crypto_bigint::{Limb, U512, U1024, U2048, U4096, Uint};
use rand_core::{CryptoRng, RngCore};
use rsa::{BigUint, RsaPrivateKey};

/// Public exponent (Go, sprig).
const E: u32 = 65537;

/// Sieving primes: the odd primes below this bound.
const SIEVE_BOUND: u32 = 1 << 14;

/// How far past a drawn candidate the sieve steps before drawing again (Go: 2^20).
const MAX_DELTA: u64 = 1 << 20;

/// Generates an RSA key of `bits` bits (e = 65537, two primes of `bits / 2` bits each),
/// or `None` when the size is not one this generator handles (a multiple of 128 from 1024
/// to 8192); the caller then falls back to the `rsa` crate.
pub fn generate<R: RngCore + CryptoRng>(rng: &mut R, bits: usize) -> Option<RsaPrivateKey> {
    if !bits.is_multiple_of(128) || !(1024..=8192).contains(&bits) {
        return None;
    }
    let half = bits / 2;
    let small = small_primes();
    loop {
        let p = prime(rng, half, &small);
        let q = prime(rng, half, &small);
        if p == q {
            continue;
        }
        if let Ok(key) = RsaPrivateKey::from_p_q(p, q, BigUint::from(E)) {
            return Some(key);
        }
    }
}

fn prime<R: RngCore + CryptoRng>(rng: &mut R, bits: usize, small: &[u32]) -> BigUint {
    if bits <= U512::BITS {
        prime_limbs::<{ U512::LIMBS }, R>(rng, bits, small)
    } else if bits <= U1024::BITS {
        prime_limbs::<{ U1024::LIMBS }, R>(rng, bits, small)
    } else if bits <= U2048::BITS {
        prime_limbs::<{ U2048::LIMBS }, R>(rng, bits, small)
    } else {
        prime_limbs::<{ U4096::LIMBS }, R>(rng, bits, small)
    }
}

fn small_primes() -> Vec<u32> {
    let n = SIEVE_BOUND as usize;
    let mut composite = vec![false; n];
    let mut out = Vec::new();
    for i in 3..n {
        if composite[i] {
            continue;
        }
        if i % 2 == 1 {
            out.push(i as u32);
        }
        let mut j = i * i;
        while j < n {
            composite[j] = true;
            j += i;
        }
    }
    out.retain(|&p| p % 2 == 1);
    out
}

fn rounds(bits: usize) -> usize {
    match bits {
        0..=767 => 7,
        768..=1279 => 5,
        _ => 4,
    }
}

/// `bits` random bits (the rest zero) as a big-endian buffer of `Uint<L>`'s size.
fn random_uint<const L: usize, R: RngCore>(rng: &mut R, bits: usize) -> Uint<L> {
    let total = Uint::<L>::BYTES;
    let nbytes = bits.div_ceil(8);
    let mut buf = vec![0u8; total];
    rng.fill_bytes(&mut buf[total - nbytes..]);
    let extra = nbytes * 8 - bits;
    buf[total - nbytes] &= 0xff >> extra;
    Uint::from_be_slice(&buf)
}

fn rem_small<const L: usize>(n: &Uint<L>, m: u32) -> u64 {
    let m = u128::from(m);
    let mut r: u128 = 0;
    for limb in n.as_limbs().iter().rev() {
        r = ((r << Limb::BITS) | u128::from(limb.0)) % m;
    }
    r as u64
}

fn to_biguint<const L: usize>(n: &Uint<L>) -> BigUint {
    let mut bytes = Vec::with_capacity(Uint::<L>::BYTES);
    for limb in n.as_limbs().iter().rev() {
        bytes.extend_from_slice(&limb.0.to_be_bytes());
    }
    BigUint::from_bytes_be(&bytes)
}

fn prime_limbs<const L: usize, R: RngCore + CryptoRng>(
    rng: &mut R,
    bits: usize,
    small: &[u32],
) -> BigUint {
    let top = Uint::<L>::from_u8(3).shl_vartime(bits - 2);
    loop {
        // Top two bits set (so a product of two such primes has exactly 2·bits bits), odd.
        let base = random_uint::<L, R>(rng, bits).bitor(&top).bitor(&Uint::ONE);
        let rems: Vec<u64> = small.iter().map(|&p| rem_small(&base, p)).collect();
        let rem_e = rem_small(&base, E);
        let mut delta = 0u64;
        while delta < MAX_DELTA {
            let divisible = small
                .iter()
                .zip(&rems)
                .any(|(&p, &r)| (r + delta).is_multiple_of(u64::from(p)));
            // gcd(e, p-1) = 1: e is prime, so p mod e must not be 1.
            if divisible || (rem_e + delta) % u64::from(E) == 1 {
                delta += 2;
                continue;
            }
            let cand = base.wrapping_add(&Uint::from_u64(delta));
            if cand.shr_vartime(bits - 2) != Uint::from_u8(3) {
                break; // ran past the top bits: draw again
            }
            if probably_prime::<L, R>(&cand, bits, rng) {
                return to_biguint(&cand);
            }
            delta += 2;
        }
    }
}

/// Miller–Rabin: base 2, then `rounds(bits)` random bases in [2, 2^(bits-1)).
fn probably_prime<const L: usize, R: RngCore>(n: &Uint<L>, bits: usize, rng: &mut R) -> bool {
    let params = DynResidueParams::new(n);
    let n_minus_1 = n.wrapping_sub(&Uint::ONE);
    let s = n_minus_1.trailing_zeros();
    let d = n_minus_1.shr_vartime(s);
    let d_bits = d.bits();
    let witness = |a: &Uint<L>| -> bool {
        let mut x = DynResidue::new(a, params)
            .pow_bounded_exp(&d, d_bits)
            .retrieve();
        if x == Uint::ONE || x == n_minus_1 {
            return true;
        }
        let mut r = DynResidue::new(&x, params);
        for _ in 1..s {
            r = r.square();
            x = r.retrieve();
            if x == n_minus_1 {
                return true;
            }
            if x == Uint::ONE {
                return false;
            }
        }
        false
    };
    if !witness(&Uint::from_u8(2)) {
        return false;
    }
    let mut done = 0;
    while done < rounds(bits) {
        let a = random_uint::<L, R>(rng, bits - 1);
        if a < Uint::from_u8(2) {
            continue;
        }
        if !witness(&a) {
            return false;
        }
        done += 1;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_chacha::ChaCha20Rng;
    use rand_core::SeedableRng;
    use rsa::traits::{PrivateKeyParts, PublicKeyParts};

    #[test]
    fn sieve_primes() {
        let p = small_primes();
        assert_eq!(&p[..6], &[3, 5, 7, 11, 13, 17]);
        assert_eq!(*p.last().unwrap(), 16381);
    }

    type U = Uint<{ U512::LIMBS }>;

    #[test]
    fn known_primes_and_composites() {
        let mut rng = ChaCha20Rng::from_seed([1; 32]);
        // 2^127 - 1 is prime; times 1000003 it is not.
        let m127 = U::ONE.shl_vartime(127).wrapping_sub(&Uint::ONE);
        assert!(probably_prime(&m127, 127, &mut rng));
        let c = m127.wrapping_mul(&U::from_u64(1_000_003));
        assert!(!probably_prime(&c, c.bits(), &mut rng));
        // Carmichael numbers fool Fermat, not Miller–Rabin.
        for carmichael in [561u64, 41041, 825265, 321197185, 5394826801] {
            let n = U::from_u64(carmichael);
            assert!(!probably_prime(&n, n.bits(), &mut rng), "{carmichael}");
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
