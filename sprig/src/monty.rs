//! Montgomery arithmetic on fixed-size little-endian `u64` limb arrays, for the
//! Miller–Rabin tests of RSA prime generation (`rsagen.rs`).
//!
//! Multiplication is CIOS (coarsely integrated operand scanning) with a masked final
//! subtraction, and [`Monty::pow`] is a fixed 4-bit window over a constant-time table
//! lookup, so the time of an exponentiation depends only on the exponent's bit length and
//! not on the exponent's or the base's bits: the exponent of the last test is derived from
//! the secret prime.

/// A modulus and its Montgomery constants (R = 2^(64·N)).
pub(crate) struct Monty<const N: usize> {
    n: [u64; N],
    /// -n⁻¹ mod 2^64.
    n0: u64,
    /// R mod n (1 in Montgomery form).
    one: [u64; N],
    /// R² mod n.
    r2: [u64; N],
}

impl<const N: usize> Monty<N> {
    /// `n` must be odd and greater than 1.
    pub(crate) fn new(n: &[u64; N]) -> Self {
        debug_assert!(n[0] & 1 == 1);
        let mut one = [0u64; N];
        one[0] = 1;
        // R mod n, then R² mod n, by modular doubling (fine for a once-per-modulus step).
        let mut r = one;
        for _ in 0..64 * N {
            r = double_mod(&r, n);
        }
        let mut r2 = r;
        for _ in 0..64 * N {
            r2 = double_mod(&r2, n);
        }
        Monty {
            n: *n,
            n0: neg_inv(n[0]),
            one: r,
            r2,
        }
    }

    /// 1 in Montgomery form.
    pub(crate) fn one(&self) -> [u64; N] {
        self.one
    }

    /// n - 1 in Montgomery form.
    pub(crate) fn minus_one(&self) -> [u64; N] {
        sub(&self.n, &self.one).0
    }

    /// `a` (< n) into Montgomery form.
    pub(crate) fn to_monty(&self, a: &[u64; N]) -> [u64; N] {
        self.mul(a, &self.r2)
    }

    /// a·b·R⁻¹ mod n, for a, b < n.
    #[inline]
    pub(crate) fn mul(&self, a: &[u64; N], b: &[u64; N]) -> [u64; N] {
        let n = &self.n;
        let mut t = [0u64; N];
        let mut t_hi: u64 = 0;
        for &bi in b.iter() {
            // t += a·bᵢ
            let mut carry: u64 = 0;
            for j in 0..N {
                let s = t[j] as u128 + (a[j] as u128) * (bi as u128) + carry as u128;
                t[j] = s as u64;
                carry = (s >> 64) as u64;
            }
            let s = t_hi as u128 + carry as u128;
            let t_top = s as u64;
            let t_over = (s >> 64) as u64;
            // t = (t + m·n) / 2^64, with m chosen so the low limb cancels.
            let m = t[0].wrapping_mul(self.n0);
            let s = t[0] as u128 + (m as u128) * (n[0] as u128);
            let mut carry = (s >> 64) as u64;
            for j in 1..N {
                let s = t[j] as u128 + (m as u128) * (n[j] as u128) + carry as u128;
                t[j - 1] = s as u64;
                carry = (s >> 64) as u64;
            }
            let s = t_top as u128 + carry as u128;
            t[N - 1] = s as u64;
            t_hi = t_over + (s >> 64) as u64;
        }
        reduce_once(&t, t_hi, n)
    }

    /// 2^exp (Montgomery form out), reading the low `exp_bits` bits of `exp`: a square
    /// and a modular doubling per bit, the doubling kept or dropped by mask. Cheaper than
    /// [`Monty::pow`] (no table, no window multiplications), and as constant-time.
    pub(crate) fn pow2(&self, exp: &[u64; N], exp_bits: usize) -> [u64; N] {
        let mut acc = self.one;
        for bit in (0..exp_bits).rev() {
            acc = self.mul(&acc, &acc);
            let doubled = double_mod(&acc, &self.n);
            let mask = ((exp[bit / 64] >> (bit % 64)) & 1).wrapping_neg();
            for j in 0..N {
                acc[j] = (doubled[j] & mask) | (acc[j] & !mask);
            }
        }
        acc
    }

    /// base^exp (Montgomery form in and out), reading the low `exp_bits` bits of `exp`.
    pub(crate) fn pow(&self, base: &[u64; N], exp: &[u64; N], exp_bits: usize) -> [u64; N] {
        let mut table = [[0u64; N]; 16];
        table[0] = self.one;
        table[1] = *base;
        for i in 2..16 {
            table[i] = self.mul(&table[i - 1], base);
        }
        let windows = exp_bits.div_ceil(4);
        let mut acc = self.one;
        for w in (0..windows).rev() {
            if w + 1 != windows {
                for _ in 0..4 {
                    acc = self.mul(&acc, &acc);
                }
            }
            let bit = 4 * w;
            let idx = ((exp[bit / 64] >> (bit % 64)) & 0xf) as usize;
            let entry = select(&table, idx);
            acc = self.mul(&acc, &entry);
        }
        acc
    }
}

/// table[idx], reading every entry (no index-dependent memory access).
#[inline]
fn select<const N: usize>(table: &[[u64; N]; 16], idx: usize) -> [u64; N] {
    let mut out = [0u64; N];
    for (i, entry) in table.iter().enumerate() {
        let mask = ((i ^ idx) as u64).wrapping_sub(1) >> 63; // 1 when i == idx
        let mask = mask.wrapping_neg();
        for j in 0..N {
            out[j] |= entry[j] & mask;
        }
    }
    out
}

/// a - b and the borrow out (0 or 1).
#[inline]
pub(crate) fn sub<const N: usize>(a: &[u64; N], b: &[u64; N]) -> ([u64; N], u64) {
    let mut out = [0u64; N];
    let mut borrow = 0u64;
    for j in 0..N {
        let (d1, b1) = a[j].overflowing_sub(b[j]);
        let (d2, b2) = d1.overflowing_sub(borrow);
        out[j] = d2;
        borrow = (b1 | b2) as u64;
    }
    (out, borrow)
}

/// (t_hi·2^(64·N) + t) mod n for a value below 2n, without branching on it.
#[inline]
fn reduce_once<const N: usize>(t: &[u64; N], t_hi: u64, n: &[u64; N]) -> [u64; N] {
    let (d, borrow) = sub(t, n);
    let keep_t = (borrow & !t_hi & 1).wrapping_neg(); // all ones: t < n
    let mut out = [0u64; N];
    for j in 0..N {
        out[j] = (t[j] & keep_t) | (d[j] & !keep_t);
    }
    out
}

/// 2a mod n for a < n, without branching on the value.
#[inline]
pub(crate) fn double_mod<const N: usize>(a: &[u64; N], n: &[u64; N]) -> [u64; N] {
    let mut d = [0u64; N];
    let mut carry = 0u64;
    for j in 0..N {
        d[j] = (a[j] << 1) | carry;
        carry = a[j] >> 63;
    }
    reduce_once(&d, carry, n)
}

/// -x⁻¹ mod 2^64 for odd x: Newton's iteration (each step doubles the number of correct
/// low bits; x is its own inverse modulo 8).
pub(crate) fn neg_inv(x: u64) -> u64 {
    let mut inv = x;
    for _ in 0..5 {
        inv = inv.wrapping_mul(2u64.wrapping_sub(x.wrapping_mul(inv)));
    }
    inv.wrapping_neg()
}

/// For odd n > 1: (d, s) with n - 1 = d·2^s and d odd.
pub(crate) fn split_minus_one<const N: usize>(n: &[u64; N]) -> ([u64; N], usize) {
    let mut n_minus_1 = *n;
    n_minus_1[0] &= !1;
    let s = n_minus_1
        .iter()
        .enumerate()
        .find(|&(_, &l)| l != 0)
        .map(|(j, l)| 64 * j + l.trailing_zeros() as usize)
        .unwrap_or(0);
    (shr(&n_minus_1, s), s)
}

/// n >> s.
pub(crate) fn shr<const N: usize>(n: &[u64; N], s: usize) -> [u64; N] {
    let (limbs, bits) = (s / 64, s % 64);
    let mut out = [0u64; N];
    for j in 0..N.saturating_sub(limbs) {
        let lo = n[j + limbs] >> bits;
        let hi = if bits > 0 && j + limbs + 1 < N {
            n[j + limbs + 1] << (64 - bits)
        } else {
            0
        };
        out[j] = lo | hi;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_chacha::ChaCha20Rng;
    use rand_core::{RngCore, SeedableRng};
    use rsa::BigUint;

    fn big<const N: usize>(a: &[u64; N]) -> BigUint {
        let bytes: Vec<u8> = a.iter().flat_map(|l| l.to_le_bytes()).collect();
        BigUint::from_bytes_le(&bytes)
    }

    fn limbs<const N: usize>(b: &BigUint) -> [u64; N] {
        let mut bytes = b.to_bytes_le();
        bytes.resize(8 * N, 0);
        let mut out = [0u64; N];
        for (j, c) in bytes.chunks(8).enumerate() {
            out[j] = u64::from_le_bytes(c.try_into().unwrap());
        }
        out
    }

    fn random<const N: usize>(rng: &mut ChaCha20Rng, bits: usize) -> [u64; N] {
        let mut out = [0u64; N];
        for limb in out.iter_mut() {
            *limb = rng.next_u64();
        }
        for (j, limb) in out.iter_mut().enumerate() {
            let lo = 64 * j;
            if lo >= bits {
                *limb = 0;
            } else if bits - lo < 64 {
                *limb &= (1u64 << (bits - lo)) - 1;
            }
        }
        out
    }

    /// Differential against the `rsa` crate's big integers: modular multiplication and
    /// exponentiation for full-width and short moduli, small and large exponents.
    fn check<const N: usize>(seed: u8, modulus_bits: usize) {
        let mut rng = ChaCha20Rng::from_seed([seed; 32]);
        for _ in 0..20 {
            let mut n = random::<N>(&mut rng, modulus_bits);
            n[0] |= 1;
            n[(modulus_bits - 1) / 64] |= 1 << ((modulus_bits - 1) % 64);
            let nb = big(&n);
            let m = Monty::new(&n);
            let a = limbs::<N>(&(big(&random::<N>(&mut rng, modulus_bits)) % &nb));
            let b = limbs::<N>(&(big(&random::<N>(&mut rng, modulus_bits)) % &nb));
            let am = m.to_monty(&a);
            let bm = m.to_monty(&b);
            let prod = m.mul(&m.mul(&am, &bm), &limbs(&BigUint::from(1u8)));
            assert_eq!(big(&prod), (big(&a) * big(&b)) % &nb);
            let top = limbs::<N>(&(&nb - 1u8));
            assert_eq!(
                big(&m.mul(
                    &double_mod(&m.to_monty(&top), &n),
                    &limbs(&BigUint::from(1u8))
                )),
                &nb - 2u8
            );
            for exp_bits in [1, 5, 64, modulus_bits] {
                let e = random::<N>(&mut rng, exp_bits);
                let r = m.mul(&m.pow(&am, &e, exp_bits), &limbs(&BigUint::from(1u8)));
                assert_eq!(big(&r), big(&a).modpow(&big(&e), &nb), "bits {exp_bits}");
                let r = m.mul(&m.pow2(&e, exp_bits), &limbs(&BigUint::from(1u8)));
                let expect = BigUint::from(2u8).modpow(&big(&e), &nb);
                assert_eq!(big(&r), expect, "2^e, bits {exp_bits}");
            }
            assert_eq!(
                big(&m.one()),
                BigUint::from(1u8) * (BigUint::from(1u8) << (64 * N)) % &nb
            );
            assert_eq!(
                big(&m.mul(&m.minus_one(), &limbs(&BigUint::from(1u8)))),
                &nb - 1u8
            );
        }
    }

    #[test]
    fn matches_big_integers() {
        check::<1>(1, 64);
        check::<1>(2, 17);
        check::<8>(3, 512);
        check::<8>(4, 300);
        check::<16>(5, 1024);
        check::<16>(6, 1023);
    }

    #[test]
    fn zero_and_edges() {
        let n = [0xffff_ffff_ffff_ffc5u64]; // the largest 64-bit prime
        let m = Monty::new(&n);
        let zero = [0u64];
        assert_eq!(m.mul(&m.pow(&zero, &[7], 3), &[1]), [0]);
        assert_eq!(m.mul(&m.pow(&m.to_monty(&[5]), &[0], 0), &[1]), [1]);
        // Fermat: a^(n-1) = 1 for a prime n.
        let a = m.to_monty(&[123_456_789]);
        assert_eq!(m.pow(&a, &[n[0] - 1], 64), m.one());
    }
}
