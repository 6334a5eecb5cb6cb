//! The secp521r1 group in Jacobian coordinates, and the double-scalar
//! multiplication `u1·G + u2·Q` that ECDSA verification needs.
//!
//! Curve y² = x³ - 3x + b over GF(2^521 - 1), prime order n, cofactor 1.
//! Constants: SEC 2 v2.0 section 2.6.1, https://www.secg.org/sec2-v2.pdf
//! Formulas: dbl-2001-b and add-2007-bl from the Explicit-Formulas Database,
//! https://hyperelliptic.org/EFD/g1p/auto-shortw-jacobian-3.html
//! Inputs are public (verification only), so nothing here is constant time.

use super::field::Fe;

/// The coefficient b, big-endian.
pub(crate) const B: [u8; 66] = hex66(
    "0051953eb9618e1c9a1f929a21a0b68540eea2da725b99b315f3b8b489918ef109e156193951ec7e937b1652c0bd3bb1bf073573df883d2c34f1ef451fd46b503f00",
);
/// The base point G.
const GX: [u8; 66] = hex66(
    "00c6858e06b70404e9cd9e3ecb662395b4429c648139053fb521f828af606b4d3dbaa14b5e77efe75928fe1dc127a2ffa8de3348b3c1856a429bf97e7e31c2e5bd66",
);
const GY: [u8; 66] = hex66(
    "011839296a789a3bc0045c8a5fb42c7d1bd998f54449579b446817afbd17273e662c97ee72995ef42640c550b9013fad0761353c7086a272c24088be94769fd16650",
);
/// The group order n.
pub(crate) const N: [u8; 66] = hex66(
    "01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409",
);

const fn hex66(s: &str) -> [u8; 66] {
    let s = s.as_bytes();
    assert!(s.len() == 132);
    let mut out = [0u8; 66];
    let mut i = 0;
    while i < 66 {
        out[i] = (nibble(s[2 * i]) << 4) | nibble(s[2 * i + 1]);
        i += 1;
    }
    out
}
const fn nibble(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => c - b'0',
        b'a'..=b'f' => c - b'a' + 10,
        _ => panic!("not a hex digit"),
    }
}

/// A point (X : Y : Z) standing for (X/Z², Y/Z³); Z = 0 is the identity.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Point {
    pub(crate) x: Fe,
    pub(crate) y: Fe,
    pub(crate) z: Fe,
}

impl Point {
    pub(crate) const IDENTITY: Point = Point {
        x: Fe::ONE,
        y: Fe::ONE,
        z: Fe::ZERO,
    };

    pub(crate) fn generator() -> Point {
        let (x, y) = (Fe::from_be_bytes(&GX), Fe::from_be_bytes(&GY));
        Point::affine(x.expect("G.x < p"), y.expect("G.y < p"))
    }

    pub(crate) fn affine(x: Fe, y: Fe) -> Point {
        Point { x, y, z: Fe::ONE }
    }

    /// True when (x, y) satisfies y² = x³ - 3x + b.
    pub(crate) fn on_curve(x: &Fe, y: &Fe) -> bool {
        let b = Fe::from_be_bytes(&B).expect("b < p");
        let rhs = x.square().mul(x).sub(&x.mul_small(3)).add(&b);
        y.square().equals(&rhs)
    }

    pub(crate) fn is_identity(&self) -> bool {
        self.z.is_zero()
    }

    fn neg(&self) -> Point {
        Point {
            x: self.x,
            y: Fe::ZERO.sub(&self.y),
            z: self.z,
        }
    }

    /// dbl-2001-b (a = -3). The identity (Z = 0) maps to Z3 = 0.
    pub(crate) fn double(&self) -> Point {
        let delta = self.z.square();
        let gamma = self.y.square();
        let beta = self.x.mul(&gamma);
        let alpha = self.x.sub(&delta).mul(&self.x.add(&delta)).mul_small(3);
        let x3 = alpha.square().sub(&beta.mul_small(8));
        let z3 = self.y.add(&self.z).square().sub(&gamma).sub(&delta);
        let y3 = alpha
            .mul(&beta.mul_small(4).sub(&x3))
            .sub(&gamma.square().mul_small(8));
        Point {
            x: x3,
            y: y3,
            z: z3,
        }
    }

    /// add-2007-bl, with the cases the formula does not cover: an identity
    /// operand, equal points (doubling) and opposite points (identity).
    pub(crate) fn add(&self, o: &Point) -> Point {
        if self.is_identity() {
            return *o;
        }
        if o.is_identity() {
            return *self;
        }
        let z1z1 = self.z.square();
        let z2z2 = o.z.square();
        let u1 = self.x.mul(&z2z2);
        let u2 = o.x.mul(&z1z1);
        let s1 = self.y.mul(&o.z).mul(&z2z2);
        let s2 = o.y.mul(&self.z).mul(&z1z1);
        let h = u2.sub(&u1);
        let r = s2.sub(&s1).mul_small(2);
        if h.is_zero() {
            return if r.is_zero() {
                self.double()
            } else {
                Point::IDENTITY
            };
        }
        let i = h.mul_small(2).square();
        let j = h.mul(&i);
        let v = u1.mul(&i);
        let x3 = r.square().sub(&j).sub(&v.mul_small(2));
        let y3 = r.mul(&v.sub(&x3)).sub(&s1.mul(&j).mul_small(2));
        let z3 = self.z.add(&o.z).square().sub(&z1z1).sub(&z2z2).mul(&h);
        Point {
            x: x3,
            y: y3,
            z: z3,
        }
    }

    /// The odd multiples P, 3P, ..., 15P (window width 5).
    fn odd_multiples(&self) -> [Point; 8] {
        let twice = self.double();
        let mut t = [*self; 8];
        for i in 1..8 {
            t[i] = t[i - 1].add(&twice);
        }
        t
    }
}

/// Width-5 non-adjacent form of a little-endian number (at most 9 limbs):
/// digits in {0, ±1, ±3, ..., ±15}, least significant first.
pub(crate) fn wnaf(limbs: &[u64; 9]) -> Vec<i8> {
    let mut k = [0u64; 10];
    k[..9].copy_from_slice(limbs);
    let mut out = Vec::with_capacity(530);
    while k.iter().any(|&w| w != 0) {
        let mut d = 0i64;
        if k[0] & 1 == 1 {
            d = (k[0] & 31) as i64;
            if d >= 16 {
                d -= 32;
            }
            // k -= d (d < 0 adds |d|)
            if d > 0 {
                k[0] -= d as u64; // the low five bits of k are d: no borrow
            } else {
                let mut carry = (-d) as u64;
                for w in k.iter_mut() {
                    let (s, o) = w.overflowing_add(carry);
                    *w = s;
                    carry = o as u64;
                    if carry == 0 {
                        break;
                    }
                }
            }
        }
        out.push(d as i8);
        // k >>= 1
        for i in 0..10 {
            let hi = if i + 1 < 10 { k[i + 1] << 63 } else { 0 };
            k[i] = (k[i] >> 1) | hi;
        }
    }
    out
}

/// `a·P + b·Q` by interleaved width-5 NAF (Shamir's trick).
pub(crate) fn double_mul(a: &[u64; 9], p: &Point, b: &[u64; 9], q: &Point) -> Point {
    let (da, db) = (wnaf(a), wnaf(b));
    let (ta, tb) = (p.odd_multiples(), q.odd_multiples());
    let mut acc = Point::IDENTITY;
    for i in (0..da.len().max(db.len())).rev() {
        acc = acc.double();
        for (digits, table) in [(&da, &ta), (&db, &tb)] {
            let d = digits.get(i).copied().unwrap_or(0);
            if d > 0 {
                acc = acc.add(&table[(d as usize) >> 1]);
            } else if d < 0 {
                acc = acc.add(&table[((-d) as usize) >> 1].neg());
            }
        }
    }
    acc
}
