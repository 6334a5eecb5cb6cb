//! Arithmetic modulo the P-521 prime p = 2^521 - 1.
//!
//! An element is nine 58-bit limbs, least significant first (9 * 58 = 522
//! bits, so a value may lie anywhere below 2^522, i.e. it is not necessarily
//! reduced). Because 2^522 = 2 (mod p), whatever a product or carry leaves
//! above limb 8 folds back into limb 0 doubled. Only [`Fe::canonical`]
//! produces the unique representative below p; equality goes through it.
//!
//! Everything here handles public values (signature verification), so no
//! operation needs to run in constant time.
//!
//! Curve facts: SEC 2 v2.0 section 2.6.1 (secp521r1), also FIPS 186-4 D.1.2.5,
//! https://www.secg.org/sec2-v2.pdf

const BITS: u32 = 58;
const MASK: u64 = (1 << BITS) - 1;
const LIMBS: usize = 9;

/// An element of GF(2^521 - 1) in a loose (not necessarily reduced) form.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Fe(pub(crate) [u64; LIMBS]);

/// p in the limb form: eight full limbs and a 57-bit top limb.
const P: [u64; LIMBS] = [MASK, MASK, MASK, MASK, MASK, MASK, MASK, MASK, MASK >> 1];

impl Fe {
    pub(crate) const ZERO: Fe = Fe([0; LIMBS]);
    pub(crate) const ONE: Fe = Fe([1, 0, 0, 0, 0, 0, 0, 0, 0]);

    /// Reads a big-endian number of at most 66 bytes; `None` unless it is below p.
    pub(crate) fn from_be_bytes(bytes: &[u8]) -> Option<Fe> {
        if bytes.len() > 66 {
            return None;
        }
        let mut le = [0u8; 74];
        for (i, b) in bytes.iter().rev().enumerate() {
            le[i] = *b;
        }
        let mut limbs = [0u64; LIMBS];
        for (i, limb) in limbs.iter_mut().enumerate() {
            let bit = i * BITS as usize;
            let (byte, shift) = (bit / 8, bit % 8);
            let mut w = [0u8; 8];
            w.copy_from_slice(&le[byte..byte + 8]);
            *limb = (u64::from_le_bytes(w) >> shift) & MASK;
        }
        // 66 bytes hold 528 bits: anything at bit 522 or above is out of range.
        let beyond = le[65] >> 2 != 0;
        let fe = Fe(limbs);
        if beyond || limbs[8] >> (BITS - 1) != 0 || limbs == P {
            return None;
        }
        Some(fe)
    }

    /// Carries every limb down to 58 bits (limb 1 may keep a few bits more),
    /// folding the overflow of limb 8 into limb 0.
    fn carry(mut l: [u64; LIMBS]) -> Fe {
        let mut c = 0u64;
        for x in l.iter_mut() {
            let t = *x + c;
            *x = t & MASK;
            c = t >> BITS;
        }
        l[0] += c << 1;
        let c = l[0] >> BITS;
        l[0] &= MASK;
        l[1] += c;
        Fe(l)
    }

    pub(crate) fn add(&self, o: &Fe) -> Fe {
        let mut l = self.0;
        for (x, y) in l.iter_mut().zip(o.0) {
            *x += y;
        }
        Fe::carry(l)
    }

    /// `self - o`, computed as `self + 4p - o` so that no limb goes negative.
    pub(crate) fn sub(&self, o: &Fe) -> Fe {
        let mut l = self.0;
        for i in 0..LIMBS {
            l[i] = l[i] + (P[i] << 2) - o.0[i];
        }
        Fe::carry(l)
    }

    /// Multiplication by a small constant (at most 2^5).
    pub(crate) fn mul_small(&self, k: u64) -> Fe {
        debug_assert!(k <= 32);
        let mut l = self.0;
        for x in l.iter_mut() {
            *x *= k;
        }
        Fe::carry(l)
    }

    pub(crate) fn mul(&self, o: &Fe) -> Fe {
        let (a, b) = (&self.0, &o.0);
        // Limb products at position i + j >= 9 weigh 2^(58 * (i + j - 9)) * 2^522,
        // i.e. twice their position minus nine. With ext[9 + j] = b[j] and
        // ext[j] = 2·b[j], column k is the sum of a[i]·ext[k + 9 - i] over all i:
        // constant bounds, no branches. Inputs are below 2^59, so each term is
        // below 2^120 and every column below 2^124.
        let mut ext = [0u64; 2 * LIMBS];
        for j in 0..LIMBS {
            ext[j] = b[j] << 1;
            ext[LIMBS + j] = b[j];
        }
        let mut c = [0u128; LIMBS];
        for (k, ck) in c.iter_mut().enumerate() {
            let mut t = 0u128;
            for i in 0..LIMBS {
                t += a[i] as u128 * ext[k + LIMBS - i] as u128;
            }
            *ck = t;
        }
        Fe::carry_wide(c)
    }

    /// `self * self`, each cross product computed once (45 products, not 81).
    pub(crate) fn square(&self) -> Fe {
        let a = &self.0;
        let m = |x: u64, y: u64| x as u128 * y as u128;
        let d: [u64; LIMBS] = core::array::from_fn(|i| a[i] << 1);
        let q: [u64; LIMBS] = core::array::from_fn(|i| a[i] << 2);
        // Column k: 2·a[i]·a[j] for i < j, i + j = k; 4·a[i]·a[j] for i < j,
        // i + j = k + 9 (the wrap doubles); the square a[k/2]² or 2·a[i]² with
        // 2i = k + 9.
        let c = [
            m(a[0], a[0]) + m(q[1], a[8]) + m(q[2], a[7]) + m(q[3], a[6]) + m(q[4], a[5]),
            m(d[0], a[1]) + m(q[2], a[8]) + m(q[3], a[7]) + m(q[4], a[6]) + m(d[5], a[5]),
            m(d[0], a[2]) + m(a[1], a[1]) + m(q[3], a[8]) + m(q[4], a[7]) + m(q[5], a[6]),
            m(d[0], a[3]) + m(d[1], a[2]) + m(q[4], a[8]) + m(q[5], a[7]) + m(d[6], a[6]),
            m(d[0], a[4]) + m(d[1], a[3]) + m(a[2], a[2]) + m(q[5], a[8]) + m(q[6], a[7]),
            m(d[0], a[5]) + m(d[1], a[4]) + m(d[2], a[3]) + m(q[6], a[8]) + m(d[7], a[7]),
            m(d[0], a[6]) + m(d[1], a[5]) + m(d[2], a[4]) + m(a[3], a[3]) + m(q[7], a[8]),
            m(d[0], a[7]) + m(d[1], a[6]) + m(d[2], a[5]) + m(d[3], a[4]) + m(d[8], a[8]),
            m(d[0], a[8]) + m(d[1], a[7]) + m(d[2], a[6]) + m(d[3], a[5]) + m(a[4], a[4]),
        ];
        Fe::carry_wide(c)
    }

    /// Carries 128-bit column sums down to 58-bit limbs (limb 1 may keep a few
    /// bits more). The last carry, below 2^66, folds into limb 0 doubled.
    fn carry_wide(c: [u128; LIMBS]) -> Fe {
        let mut l = [0u64; LIMBS];
        let mut carry = 0u128;
        for k in 0..LIMBS {
            let t = c[k] + carry;
            l[k] = (t as u64) & MASK;
            carry = t >> BITS;
        }
        let t = l[0] as u128 + (carry << 1);
        l[0] = (t as u64) & MASK;
        l[1] += (t >> BITS) as u64;
        Fe(l)
    }

    /// The unique representative below p, as limbs of 58 bits (57 for limb 8).
    pub(crate) fn canonical(&self) -> [u64; LIMBS] {
        let mut l = Fe::carry(Fe::carry(self.0).0).0;
        // Now every limb is below 2^58: the value is below 2^522. Fold bit 521.
        for _ in 0..2 {
            let top = l[8] >> (BITS - 1);
            l[8] &= MASK >> 1;
            l[0] += top;
            let mut c = 0;
            for x in l.iter_mut().take(8) {
                let t = *x + c;
                *x = t & MASK;
                c = t >> BITS;
            }
            l[8] += c;
        }
        if l == P { [0; LIMBS] } else { l }
    }

    pub(crate) fn is_zero(&self) -> bool {
        self.canonical() == [0; LIMBS]
    }

    pub(crate) fn equals(&self, o: &Fe) -> bool {
        self.canonical() == o.canonical()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use num_bigint::BigUint;

    fn p() -> BigUint {
        (BigUint::from(1u8) << 521u32) - 1u32
    }
    fn to_big(f: &Fe) -> BigUint {
        let mut v = BigUint::from(0u8);
        for (i, l) in f.0.iter().enumerate() {
            v += BigUint::from(*l) << (58 * i);
        }
        v
    }
    fn from_big(v: &BigUint) -> Fe {
        let bytes = v.to_bytes_be();
        Fe::from_be_bytes(&bytes).expect("below p")
    }
    /// A deterministic stream of test values, dense near 0, p and 2^58 boundaries.
    fn samples() -> Vec<BigUint> {
        let p = p();
        let mut out = vec![
            BigUint::from(0u8),
            BigUint::from(1u8),
            BigUint::from(2u8),
            &p - 1u32,
            &p - 2u32,
            BigUint::from(1u8) << 520u32,
            (BigUint::from(1u8) << 58u32) - 1u32,
            BigUint::from(1u8) << 464u32,
        ];
        for v in super::super::test_numbers(0x9e37_79b9_7f4a_7c15, 300) {
            out.push(v % &p);
        }
        out
    }

    #[test]
    fn arithmetic_matches_big_integers() {
        let p = p();
        let s = samples();
        for (i, a) in s.iter().enumerate() {
            let b = &s[(i * 7 + 3) % s.len()];
            let (fa, fb) = (from_big(a), from_big(b));
            assert_eq!(
                to_big(&Fe(fa.mul(&fb).canonical())),
                (a * b) % &p,
                "mul {a} {b}"
            );
            assert_eq!(
                to_big(&Fe(fa.square().canonical())),
                (a * a) % &p,
                "square {a}"
            );
            let loose = fa.add(&Fe(P)); // same value, limbs at their largest
            assert_eq!(to_big(&Fe(loose.square().canonical())), (a * a) % &p);
            assert_eq!(to_big(&Fe(loose.mul(&loose).canonical())), (a * a) % &p);
            assert_eq!(to_big(&Fe(fa.add(&fb).canonical())), (a + b) % &p, "add");
            assert_eq!(
                to_big(&Fe(fa.sub(&fb).canonical())),
                (a + &p - b) % &p,
                "sub"
            );
            assert_eq!(to_big(&Fe(fa.mul_small(12).canonical())), (a * 12u32) % &p);
            // chains keep the loose form within the bounds multiplication needs
            let mut x = fa;
            let mut want = a.clone();
            for _ in 0..20 {
                x = x.sub(&fb).mul_small(8).add(&fa).square();
                want = ((&want + &p - b) * 8u32 + a).pow(2) % &p;
            }
            assert_eq!(to_big(&Fe(x.canonical())), want);
        }
    }

    #[test]
    fn parsing_rejects_values_not_below_p() {
        let p = p();
        assert!(Fe::from_be_bytes(&p.to_bytes_be()).is_none());
        assert!(Fe::from_be_bytes(&(&p + 1u32).to_bytes_be()).is_none());
        assert!(Fe::from_be_bytes(&[0xff; 66]).is_none());
        assert!(Fe::from_be_bytes(&[0; 67]).is_none());
        assert!(Fe::from_be_bytes(&(&p - 1u32).to_bytes_be()).is_some());
        assert!(Fe::from_be_bytes(&[]).unwrap().is_zero());
    }

    #[test]
    fn zero_has_two_forms_and_both_are_zero() {
        // p itself (all limbs full) is a loose form of zero.
        assert!(Fe(P).is_zero());
        assert!(Fe::ONE.sub(&Fe::ONE).is_zero());
        assert!(!Fe::ONE.is_zero());
        assert!(Fe(P).add(&Fe::ONE).equals(&Fe::ONE));
    }
}
