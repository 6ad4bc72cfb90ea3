//! Points of P-384 (y² = x³ − 3x + b) and variable-time multi-scalar multiplication over
//! precomputed tables. Formulas: Jacobian coordinates (x = X/Z², y = Y/Z³), from the
//! Explicit-Formulas Database: `dbl-2001-b` (a = −3), `madd-2007-bl`, `add-2007-bl`, with the
//! exceptional cases (infinity, P = ±Q) handled by explicit branches — verification only
//! touches public data, so branching on it leaks nothing.

use alloc::vec::Vec;

use super::field::{FieldElement as Fe, Limbs};

/// The curve coefficient b, big-endian.
const B: [u8; 48] = hex48("b3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aef");
/// The generator's coordinates, big-endian (the static table `tables.rs` is built from them).
#[cfg(test)]
pub(crate) const GX: [u8; 48] = hex48("aa87ca22be8b05378eb1c71ef320ad746e1d3b628ba79b9859f741e082542a385502f25dbf55296c3a545e3872760ab7");
#[cfg(test)]
pub(crate) const GY: [u8; 48] = hex48("3617de4a96262c6f5d9e98bf9292dc29f8f41dbd289a147ce9da3113b5f0b8c00a60b1ce1d7e819d7a431d7c90ea0e5f");

/// 96 hex digits → 48 bytes, at compile time (a bad digit fails the build).
#[allow(clippy::indexing_slicing, clippy::panic)] // const evaluation only: a slip fails the build
const fn hex48(s: &str) -> [u8; 48] {
    const fn nibble(c: u8) -> u8 {
        match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            _ => panic!("not a lowercase hex digit"),
        }
    }
    let s = s.as_bytes();
    assert!(s.len() == 96);
    let mut out = [0u8; 48];
    let mut i = 0;
    while i < 48 {
        out[i] = (nibble(s[2 * i]) << 4) | nibble(s[2 * i + 1]);
        i += 1;
    }
    out
}

/// A point other than infinity, in affine coordinates (Montgomery-domain field elements).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Affine {
    x: Fe,
    y: Fe,
}

impl Affine {
    /// For the generated tables: coordinates as Montgomery-domain limbs.
    pub(crate) const fn from_montgomery_limbs(x: Limbs, y: Limbs) -> Self {
        Self {
            x: Fe::from_montgomery_limbs(x),
            y: Fe::from_montgomery_limbs(y),
        }
    }

    /// The coordinates as Montgomery-domain limbs (what the generated tables hold).
    #[cfg(test)]
    pub(crate) fn montgomery_limbs(&self) -> (Limbs, Limbs) {
        (*self.x.montgomery_limbs(), *self.y.montgomery_limbs())
    }

    /// A point from its coordinates (big-endian, each below p), if it is on the curve.
    pub(crate) fn from_coordinates(x: &[u8; 48], y: &[u8; 48]) -> Option<Self> {
        let x = Fe::from_be_bytes(x)?;
        let y = Fe::from_be_bytes(y)?;
        let b = Fe::from_be_bytes(&B)?;
        let three_x = x.double().add(&x);
        let rhs = x.square().mul(&x).sub(&three_x).add(&b);
        (y.square() == rhs).then_some(Self { x, y })
    }

    /// An uncompressed SEC 1 point (`04 ‖ X ‖ Y`, 97 bytes), if it is on the curve. Other
    /// forms (compressed, infinity) are refused, as ring refuses them.
    pub(crate) fn from_uncompressed(bytes: &[u8]) -> Option<Self> {
        let (tag, xy) = bytes.split_first()?;
        if *tag != 0x04 || xy.len() != 96 {
            return None;
        }
        let (x, y) = xy.split_at(48);
        Self::from_coordinates(x.try_into().ok()?, y.try_into().ok()?)
    }

    /// The generator G.
    #[cfg(test)]
    pub(crate) fn generator() -> Option<Self> {
        Self::from_coordinates(&GX, &GY)
    }

    fn neg(&self) -> Self {
        Self {
            x: self.x,
            y: self.y.neg(),
        }
    }
}

/// A point in Jacobian coordinates; Z = 0 is the point at infinity.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Jacobian {
    x: Fe,
    y: Fe,
    z: Fe,
}

impl Jacobian {
    pub(crate) const INFINITY: Self = Self {
        x: Fe::ONE,
        y: Fe::ONE,
        z: Fe::ZERO,
    };

    pub(crate) fn from_affine(p: &Affine) -> Self {
        Self {
            x: p.x,
            y: p.y,
            z: Fe::ONE,
        }
    }

    pub(crate) fn is_infinity(&self) -> bool {
        self.z.is_zero()
    }

    /// 2P (`dbl-2001-b`, a = −3). P-384 has odd order, so no finite point doubles to
    /// infinity.
    pub(crate) fn double(&self) -> Self {
        if self.is_infinity() {
            return *self;
        }
        let delta = self.z.square();
        let gamma = self.y.square();
        let beta = self.x.mul(&gamma);
        let t = self.x.sub(&delta).mul(&self.x.add(&delta));
        let alpha = t.double().add(&t);
        let beta4 = beta.double().double();
        let x3 = alpha.square().sub(&beta4.double());
        let z3 = self.y.add(&self.z).square().sub(&gamma).sub(&delta);
        let gamma_sq8 = gamma.square().double().double().double();
        let y3 = alpha.mul(&beta4.sub(&x3)).sub(&gamma_sq8);
        Self {
            x: x3,
            y: y3,
            z: z3,
        }
    }

    /// P + Q for an affine Q (`madd-2007-bl`).
    pub(crate) fn add_affine(&self, q: &Affine) -> Self {
        if self.is_infinity() {
            return Self::from_affine(q);
        }
        let z1z1 = self.z.square();
        let u2 = q.x.mul(&z1z1);
        let s2 = q.y.mul(&self.z).mul(&z1z1);
        let h = u2.sub(&self.x);
        let r = s2.sub(&self.y).double();
        if h.is_zero() {
            return if r.is_zero() {
                self.double()
            } else {
                Self::INFINITY
            };
        }
        let hh = h.square();
        let i = hh.double().double();
        let j = h.mul(&i);
        let v = self.x.mul(&i);
        let x3 = r.square().sub(&j).sub(&v.double());
        let y3 = r.mul(&v.sub(&x3)).sub(&self.y.mul(&j).double());
        let z3 = self.z.add(&h).square().sub(&z1z1).sub(&hh);
        Self {
            x: x3,
            y: y3,
            z: z3,
        }
    }

    /// P + Q (`add-2007-bl`).
    pub(crate) fn add(&self, q: &Self) -> Self {
        if self.is_infinity() {
            return *q;
        }
        if q.is_infinity() {
            return *self;
        }
        let z1z1 = self.z.square();
        let z2z2 = q.z.square();
        let u1 = self.x.mul(&z2z2);
        let u2 = q.x.mul(&z1z1);
        let s1 = self.y.mul(&q.z).mul(&z2z2);
        let s2 = q.y.mul(&self.z).mul(&z1z1);
        let h = u2.sub(&u1);
        let r = s2.sub(&s1).double();
        if h.is_zero() {
            return if r.is_zero() {
                self.double()
            } else {
                Self::INFINITY
            };
        }
        let i = h.double().square();
        let j = h.mul(&i);
        let v = u1.mul(&i);
        let x3 = r.square().sub(&j).sub(&v.double());
        let y3 = r.mul(&v.sub(&x3)).sub(&s1.mul(&j).double());
        let z3 = self.z.add(&q.z).square().sub(&z1z1).sub(&z2z2).mul(&h);
        Self {
            x: x3,
            y: y3,
            z: z3,
        }
    }

    /// Whether the affine x of this point, reduced modulo n, is `r` (`r < n`): checked as
    /// `X = x·Z²` for both integers below p that reduce to `r` (r, and r + n when below p),
    /// so no inversion is needed.
    pub(crate) fn x_reduces_to(&self, r: &Limbs) -> bool {
        if self.is_infinity() {
            return false;
        }
        let zz = self.z.square();
        let matches = |x: &Limbs| Fe::from_canonical_limbs(x).is_some_and(|x| x.mul(&zz) == self.x);
        if matches(r) {
            return true;
        }
        match super::field::add_limbs(r, &super::field::Scalar::MODULUS) {
            // from_canonical_limbs refuses r + n ≥ p.
            (r_plus_n, false) => matches(&r_plus_n),
            (_, true) => false,
        }
    }
}

/// Affine forms of finite points with one field inversion (Montgomery's trick); `None` if
/// any point is at infinity.
pub(crate) fn batch_to_affine(points: &[Jacobian]) -> Option<Vec<Affine>> {
    let mut prefix = Vec::with_capacity(points.len());
    let mut acc = Fe::ONE;
    for p in points {
        if p.is_infinity() {
            return None;
        }
        acc = acc.mul(&p.z);
        prefix.push(acc);
    }
    let mut inverse = acc.invert_vartime();
    let mut out = Vec::with_capacity(points.len());
    for (i, p) in points.iter().enumerate().rev() {
        // inverse = 1 / (z_0 ⋯ z_i) here.
        let before = if i == 0 { Fe::ONE } else { *prefix.get(i - 1)? };
        let z_inv = inverse.mul(&before);
        inverse = inverse.mul(&p.z);
        let z_inv2 = z_inv.square();
        out.push(Affine {
            x: p.x.mul(&z_inv2),
            y: p.y.mul(&z_inv2).mul(&z_inv),
        });
    }
    out.reverse();
    Some(out)
}

/// How a table splits a scalar: `pieces` pieces of `piece_bits()` bits each, every piece
/// recoded in width-`window` NAF (odd digits below 2^(window−1) in magnitude).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct TableShape {
    pub(crate) pieces: u32,
    pub(crate) window: u32,
}

impl TableShape {
    pub(crate) const fn piece_bits(self) -> u32 {
        384_u32.div_ceil(self.pieces)
    }

    /// Odd multiples per piece: B, 3B, …, (2^(window−1) − 1)·B.
    pub(crate) const fn per_piece(self) -> usize {
        1 << (self.window - 2)
    }

    pub(crate) const fn len(self) -> usize {
        self.pieces as usize * self.per_piece()
    }
}

/// Odd multiples of 2^(j·piece_bits)·B for every piece j: `points[j · per_piece + k]` is
/// (2k + 1)·2^(j·piece_bits)·B.
#[derive(Clone, Copy, Debug)]
pub(crate) struct TableRef<'a> {
    pub(crate) shape: TableShape,
    pub(crate) points: &'a [Affine],
}

/// Builds the table of `base` for `shape`: `shape.pieces · piece_bits` doublings, the odd
/// multiples, then one inversion for all of them.
pub(crate) fn build_table(base: &Affine, shape: TableShape) -> Option<Vec<Affine>> {
    let mut jacobian = Vec::with_capacity(shape.len());
    let mut piece_base = Jacobian::from_affine(base);
    for piece in 0..shape.pieces {
        if piece > 0 {
            for _ in 0..shape.piece_bits() {
                piece_base = piece_base.double();
            }
        }
        let twice = piece_base.double();
        let mut multiple = piece_base;
        jacobian.push(multiple);
        for _ in 1..shape.per_piece() {
            multiple = multiple.add(&twice);
            jacobian.push(multiple);
        }
    }
    batch_to_affine(&jacobian)
}

/// Longest digit string: a 384-bit piece plus the window's final carry.
const MAX_DIGITS: usize = 384 + 8;

/// Width-`window` NAF of bits `[start, start + len)` of `scalar`: `Σ digits[i]·2^i` equals
/// that piece, each digit zero or odd with magnitude below 2^(window−1).
pub(crate) fn recode_wnaf(scalar: &Limbs, start: u32, len: u32, window: u32) -> [i8; MAX_DIGITS] {
    let mut digits = [0i8; MAX_DIGITS];
    let bits = |pos: u32, count: u32| -> i32 {
        // Bits of the piece only: zero past its end (and past the scalar).
        let mut value = 0i32;
        for k in (0..count).rev() {
            let p = pos + k;
            let bit = if p < len {
                let abs = start + p;
                scalar
                    .get((abs / 64) as usize)
                    .map_or(0, |limb| ((limb >> (abs % 64)) & 1) as i32)
            } else {
                0
            };
            value = (value << 1) | bit;
        }
        value
    };
    let mut carry = 0i32;
    let mut bit = 0u32;
    while bit < len + window {
        if bits(bit, 1) == carry {
            bit += 1;
            continue;
        }
        // The window's value plus the carry is odd: the lowest bit differs from the carry.
        let mut word = bits(bit, window) + carry;
        carry = (word >> (window - 1)) & 1;
        word -= carry << window;
        if let Some(d) = digits.get_mut(bit as usize) {
            // |word| < 2^(window−1) ≤ 2^7: fits an i8.
            *d = word as i8;
        }
        bit += window;
    }
    digits
}

/// Σ scalar_i · B_i for bases given by their tables (scalars as canonical limbs below n),
/// by interleaving the digit strings of every piece of every scalar over one chain of
/// doublings.
pub(crate) fn multi_mul(terms: &[(TableRef<'_>, Limbs)]) -> Jacobian {
    let mut streams: Vec<([i8; MAX_DIGITS], &[Affine])> = Vec::new();
    for (table, scalar) in terms {
        let shape = table.shape;
        for piece in 0..shape.pieces {
            let from = piece as usize * shape.per_piece();
            let points = table
                .points
                .get(from..from + shape.per_piece())
                .unwrap_or(&[]);
            let start = piece * shape.piece_bits();
            let len = shape.piece_bits().min(384_u32.saturating_sub(start));
            streams.push((recode_wnaf(scalar, start, len, shape.window), points));
        }
    }
    let top = streams
        .iter()
        .filter_map(|(digits, _)| digits.iter().rposition(|d| *d != 0))
        .max();
    let mut acc = Jacobian::INFINITY;
    let Some(top) = top else {
        return acc;
    };
    for i in (0..=top).rev() {
        acc = acc.double();
        for (digits, points) in &streams {
            let d = digits.get(i).copied().unwrap_or(0);
            if d == 0 {
                continue;
            }
            let index = (d.unsigned_abs() as usize - 1) / 2;
            // A table too short for its shape adds nothing, and the result then fails to
            // verify (tables are built or checked against their shape).
            if let Some(p) = points.get(index) {
                acc = if d > 0 {
                    acc.add_affine(p)
                } else {
                    acc.add_affine(&p.neg())
                };
            }
        }
    }
    acc
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value_of(digits: &[i8]) -> i128 {
        digits
            .iter()
            .enumerate()
            .filter(|(_, d)| **d != 0)
            .map(|(i, d)| (*d as i128) << i)
            .sum()
    }

    #[test]
    fn wnaf_recodes_pieces_exactly() {
        let scalar: Limbs = [
            0xdead_beef_0123_4567,
            0xffff_ffff_ffff_ffff,
            0x8000_0000_0000_0001,
            0x5555_aaaa_5555_aaaa,
            0,
            0xffff_0000_ffff_0000,
        ];
        for window in 2..=8 {
            for (start, len) in [(0, 96), (96, 96), (192, 96), (288, 96), (0, 100)] {
                let digits = recode_wnaf(&scalar, start, len, window);
                let mut expect: i128 = 0;
                for k in 0..len {
                    let abs = start + k;
                    let bit = (scalar[(abs / 64) as usize] >> (abs % 64)) & 1;
                    expect |= (bit as i128) << k;
                }
                assert_eq!(value_of(&digits), expect, "window {window} piece {start}");
                for d in digits {
                    assert!(
                        d == 0 || (d % 2 != 0 && (d.unsigned_abs() as u32) < 1 << (window - 1))
                    );
                }
            }
        }
    }

    #[test]
    fn group_law_agrees_with_itself() {
        let g = Affine::generator().unwrap();
        let gj = Jacobian::from_affine(&g);
        let two = gj.double();
        let three_a = two.add_affine(&g);
        let three_b = gj.add(&two);
        let four_a = three_a.add_affine(&g);
        let four_b = two.double();
        let affine = batch_to_affine(&[three_a, three_b, four_a, four_b]).unwrap();
        assert_eq!(affine[0], affine[1]);
        assert_eq!(affine[2], affine[3]);
        // Every result is on the curve.
        for p in &affine {
            let (x, y) = (p.x.to_be_bytes(), p.y.to_be_bytes());
            assert_eq!(Affine::from_coordinates(&x, &y), Some(*p));
        }
        // P + (−P) is infinity; infinity + P is P.
        assert!(gj.add_affine(&g.neg()).is_infinity());
        assert!(gj.add(&Jacobian::from_affine(&g.neg())).is_infinity());
        let back = batch_to_affine(&[Jacobian::INFINITY.add_affine(&g)]).unwrap();
        assert_eq!(back[0], g);
        // The same sum through tables of different shapes.
        let scalar: Limbs = [5, 0, 0, 0, 0, 1 << 40];
        let results: Vec<Affine> = [(1, 5), (4, 5), (4, 7), (2, 4)]
            .into_iter()
            .map(|(pieces, window)| {
                let shape = TableShape { pieces, window };
                let points = build_table(&g, shape).unwrap();
                let sum = multi_mul(&[(
                    TableRef {
                        shape,
                        points: &points,
                    },
                    scalar,
                )]);
                batch_to_affine(&[sum]).unwrap()[0]
            })
            .collect();
        assert!(results.windows(2).all(|w| w[0] == w[1]));
    }
}
