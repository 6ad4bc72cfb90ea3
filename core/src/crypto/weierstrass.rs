//! Variable-time ECDSA verification on short Weierstrass curves with a = −3 (P-256, P-384),
//! shared by `nistp256` and `nistp384`: each curve supplies only its constants, its
//! fiat-crypto field and scalar types ([`Residue`], made by [`montgomery_residue!`]) and its
//! static tables ([`Curve`]); the algorithm is written once here.
//!
//! Verification only handles public values (keys, signatures, digests), so variable-time
//! algorithms are safe: a joint width-w NAF multiplication with one chain of doublings over
//! tables of odd multiples; for keys known in advance (the generator, the embedded trust
//! root's keys, a loaded root's keys once [`KeyTable::build`] ran) tables split the scalar in
//! pieces so that only `bits / pieces` doublings remain.
//!
//! Formulas: Jacobian coordinates (x = X/Z², y = Y/Z³), from the Explicit-Formulas Database:
//! `dbl-2001-b` (a = −3), `madd-2007-bl`, `add-2007-bl`, with the exceptional cases
//! (infinity, P = ±Q) handled by explicit branches — branching on public data leaks nothing.

pub(crate) mod residue;

use alloc::vec::Vec;
use core::fmt::Debug;

pub(crate) use residue::{add_limbs, limbs_from_be_bytes, montgomery_residue, sub_limbs, Residue};

/// One curve: y² = x³ − 3x + b over its field, with a prime group order (cofactor 1).
pub(crate) trait Curve: Copy + Debug + PartialEq + Eq + 'static {
    /// Little-endian 64-bit limbs of a field element or scalar.
    type Limbs: Copy + Default + AsRef<[u64]> + AsMut<[u64]> + PartialEq + Eq + Debug;
    /// Integers modulo the field prime p.
    type Fe: Residue<Limbs = Self::Limbs>;
    /// Integers modulo the group order n.
    type Scalar: Residue<Limbs = Self::Limbs>;
    /// Bytes of a coordinate or scalar.
    const BYTES: usize;
    /// The coefficient b, big-endian.
    const B: &'static [u8];
    /// The generator's coordinates, big-endian (only the tests that generate the static
    /// tables read them).
    #[allow(dead_code)]
    const GX: &'static [u8];
    #[allow(dead_code)]
    const GY: &'static [u8];
    /// Shape of the generator's static table.
    const FIXED_SHAPE: TableShape;
    /// Shape of the tables of keys known in advance (static or built at trust-root load).
    const KEY_SHAPE: TableShape;
    /// Shape of the table built on the fly for any other key.
    const ON_THE_FLY_SHAPE: TableShape;
    /// The generator's table (`FIXED_SHAPE`).
    fn generator_table() -> &'static [Affine<Self>];
    /// The static table (`KEY_SHAPE`) of an embedded trust-root key, by its exact point.
    fn embedded_key_table(uncompressed: &[u8]) -> Option<&'static [Affine<Self>]>;

    /// Scalar bits.
    fn bits() -> u32 {
        (Self::BYTES * 8) as u32
    }
}

/// A point other than infinity, in affine coordinates (Montgomery-domain field elements).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Affine<C: Curve> {
    pub(crate) x: C::Fe,
    pub(crate) y: C::Fe,
}

impl<C: Curve> Affine<C> {
    /// The coordinates as Montgomery-domain limbs (what the generated tables hold).
    #[cfg(test)]
    pub(crate) fn montgomery_limbs(&self) -> (C::Limbs, C::Limbs) {
        (*self.x.montgomery_limbs(), *self.y.montgomery_limbs())
    }

    /// A point from its coordinates (big-endian, each below p), if it is on the curve.
    pub(crate) fn from_coordinates(x: &[u8], y: &[u8]) -> Option<Self> {
        let x = C::Fe::from_canonical_limbs(&limbs_from_be_bytes(x)?)?;
        let y = C::Fe::from_canonical_limbs(&limbs_from_be_bytes(y)?)?;
        let b = C::Fe::from_canonical_limbs(&limbs_from_be_bytes(C::B)?)?;
        let three_x = x.double().add(&x);
        let rhs = x.square().mul(&x).sub(&three_x).add(&b);
        (y.square() == rhs).then_some(Self { x, y })
    }

    /// An uncompressed SEC 1 point (`04 ‖ X ‖ Y`), if it is on the curve. Other forms
    /// (compressed, infinity) are refused, as ring refuses them.
    pub(crate) fn from_uncompressed(bytes: &[u8]) -> Option<Self> {
        let (tag, xy) = bytes.split_first()?;
        if *tag != 0x04 || xy.len() != 2 * C::BYTES {
            return None;
        }
        let (x, y) = xy.split_at(C::BYTES);
        Self::from_coordinates(x, y)
    }

    /// The generator G.
    #[cfg(test)]
    pub(crate) fn generator() -> Option<Self> {
        Self::from_coordinates(C::GX, C::GY)
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
pub(crate) struct Jacobian<C: Curve> {
    x: C::Fe,
    y: C::Fe,
    z: C::Fe,
}

impl<C: Curve> Jacobian<C> {
    pub(crate) const INFINITY: Self = Self {
        x: C::Fe::ONE,
        y: C::Fe::ONE,
        z: C::Fe::ZERO,
    };

    pub(crate) fn from_affine(p: &Affine<C>) -> Self {
        Self {
            x: p.x,
            y: p.y,
            z: C::Fe::ONE,
        }
    }

    pub(crate) fn is_infinity(&self) -> bool {
        self.z.is_zero()
    }

    /// 2P (`dbl-2001-b`, a = −3). Both curves have odd prime order, so no finite point
    /// doubles to infinity.
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
    pub(crate) fn add_affine(&self, q: &Affine<C>) -> Self {
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
    pub(crate) fn x_reduces_to(&self, r: &C::Limbs) -> bool {
        if self.is_infinity() {
            return false;
        }
        let zz = self.z.square();
        let matches =
            |x: &C::Limbs| C::Fe::from_canonical_limbs(x).is_some_and(|x| x.mul(&zz) == self.x);
        if matches(r) {
            return true;
        }
        match add_limbs(r, &C::Scalar::MODULUS) {
            // from_canonical_limbs refuses r + n ≥ p.
            (r_plus_n, false) => matches(&r_plus_n),
            (_, true) => false,
        }
    }
}

/// Affine forms of finite points with one field inversion (Montgomery's trick); `None` if
/// any point is at infinity.
pub(crate) fn batch_to_affine<C: Curve>(points: &[Jacobian<C>]) -> Option<Vec<Affine<C>>> {
    let mut prefix = Vec::with_capacity(points.len());
    let mut acc = C::Fe::ONE;
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
        let before = if i == 0 {
            C::Fe::ONE
        } else {
            *prefix.get(i - 1)?
        };
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

/// How a table splits a scalar: `pieces` pieces of `piece_bits` bits each, every piece
/// recoded in width-`window` NAF (odd digits below 2^(window−1) in magnitude).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct TableShape {
    pub(crate) pieces: u32,
    pub(crate) window: u32,
}

impl TableShape {
    pub(crate) const fn piece_bits(self, scalar_bits: u32) -> u32 {
        scalar_bits.div_ceil(self.pieces)
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
pub(crate) struct TableRef<'a, C: Curve> {
    pub(crate) shape: TableShape,
    pub(crate) points: &'a [Affine<C>],
}

/// Builds the table of `base` for `shape`: `shape.pieces · piece_bits` doublings, the odd
/// multiples, then one inversion for all of them.
pub(crate) fn build_table<C: Curve>(base: &Affine<C>, shape: TableShape) -> Option<Vec<Affine<C>>> {
    let mut jacobian = Vec::with_capacity(shape.len());
    let mut piece_base = Jacobian::from_affine(base);
    for piece in 0..shape.pieces {
        if piece > 0 {
            for _ in 0..shape.piece_bits(C::bits()) {
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

/// Width-`window` NAF of bits `[start, start + len)` of `scalar` (little-endian limbs):
/// `Σ digits[i]·2^i` equals that piece, each digit zero or odd with magnitude below
/// 2^(window−1).
pub(crate) fn recode_wnaf(scalar: &[u64], start: u32, len: u32, window: u32) -> [i8; MAX_DIGITS] {
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
pub(crate) fn multi_mul<C: Curve>(terms: &[(TableRef<'_, C>, C::Limbs)]) -> Jacobian<C> {
    let bits = C::bits();
    let mut streams: Vec<([i8; MAX_DIGITS], &[Affine<C>])> = Vec::new();
    for (table, scalar) in terms {
        let shape = table.shape;
        for piece in 0..shape.pieces {
            let from = piece as usize * shape.per_piece();
            let points = table
                .points
                .get(from..from + shape.per_piece())
                .unwrap_or(&[]);
            let start = piece * shape.piece_bits(bits);
            let len = shape.piece_bits(bits).min(bits.saturating_sub(start));
            streams.push((
                recode_wnaf(scalar.as_ref(), start, len, shape.window),
                points,
            ));
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

/// A public key's precomputed table (`C::KEY_SHAPE`), built once for a key that verifies
/// many signatures (a trust root's authorities and logs).
#[derive(Clone, Debug)]
pub(crate) struct KeyTable<C: Curve> {
    /// The uncompressed point the table is for: the table is used only for this exact key.
    point: Vec<u8>,
    points: Vec<Affine<C>>,
}

impl<C: Curve> KeyTable<C> {
    /// The table for an uncompressed point; `None` if it is not a valid point.
    pub(crate) fn build(uncompressed: &[u8]) -> Option<Self> {
        let key = Affine::<C>::from_uncompressed(uncompressed)?;
        Some(Self {
            point: uncompressed.to_vec(),
            points: build_table(&key, C::KEY_SHAPE)?,
        })
    }

    /// [`KeyTable::build`], or `None` when the key has a static table already.
    pub(crate) fn build_unless_static(uncompressed: &[u8]) -> Option<Self> {
        match C::embedded_key_table(uncompressed) {
            Some(_) => None,
            None => Self::build(uncompressed),
        }
    }

    /// The table's points (for the generated static tables).
    #[cfg(test)]
    pub(crate) fn points(&self) -> &[Affine<C>] {
        &self.points
    }

    fn table(&self) -> TableRef<'_, C> {
        TableRef {
            shape: C::KEY_SHAPE,
            points: &self.points,
        }
    }
}

/// Verifies an ASN.1 DER ECDSA signature over `digest` (any length: the leftmost
/// `C::BYTES` bytes count) with an uncompressed point. `known` are tables built in advance;
/// the embedded root's keys have static ones.
pub(crate) fn verify_prehashed<'a, C: Curve>(
    uncompressed: &[u8],
    digest: &[u8],
    signature: &[u8],
    known: impl IntoIterator<Item = &'a KeyTable<C>>,
) -> bool {
    let Some((r, s)) = parse_der_signature::<C>(signature) else {
        return false;
    };
    let Some(key) = Affine::<C>::from_uncompressed(uncompressed) else {
        return false;
    };
    let built;
    let key_table = if let Some(t) = known.into_iter().find(|t| t.point == uncompressed) {
        t.table()
    } else if let Some(points) = C::embedded_key_table(uncompressed) {
        TableRef {
            shape: C::KEY_SHAPE,
            points,
        }
    } else {
        let Some(points) = build_table(&key, C::ON_THE_FLY_SHAPE) else {
            return false;
        };
        built = points;
        TableRef {
            shape: C::ON_THE_FLY_SHAPE,
            points: &built,
        }
    };
    verify_with_table(&key_table, digest, &r, &s)
}

fn verify_with_table<C: Curve>(
    key: &TableRef<'_, C>,
    digest: &[u8],
    r: &C::Limbs,
    s: &C::Limbs,
) -> bool {
    let (Some(r_scalar), Some(s_scalar)) = (
        C::Scalar::from_canonical_limbs(r),
        C::Scalar::from_canonical_limbs(s),
    ) else {
        return false;
    };
    if r_scalar.is_zero() || s_scalar.is_zero() {
        return false;
    }
    let e = scalar_from_digest::<C>(digest);
    let s_inv = s_scalar.invert_vartime();
    let u1 = e.mul(&s_inv).to_canonical_limbs();
    let u2 = r_scalar.mul(&s_inv).to_canonical_limbs();
    let generator = TableRef {
        shape: C::FIXED_SHAPE,
        points: C::generator_table(),
    };
    multi_mul(&[(generator, u1), (*key, u2)]).x_reduces_to(r)
}

/// An ECDSA digest as a scalar (FIPS 186-5 §6.4.2): its leftmost `C::BYTES` bytes as an
/// integer, reduced modulo n. Shorter digests are taken whole.
pub(crate) fn scalar_from_digest<C: Curve>(digest: &[u8]) -> C::Scalar {
    let taken = digest.get(..C::BYTES).unwrap_or(digest);
    // Right-aligned: a shorter digest keeps its integer value.
    let mut limbs = C::Limbs::default();
    for (i, byte) in taken.iter().rev().enumerate() {
        if let Some(limb) = limbs.as_mut().get_mut(i / 8) {
            *limb |= u64::from(*byte) << (8 * (i % 8));
        }
    }
    // Below 2^bits < 2n for both curves, so one subtraction of n is enough.
    match C::Scalar::from_canonical_limbs(&limbs) {
        Some(s) => s,
        None => C::Scalar::from_canonical_limbs(&sub_limbs(&limbs, &C::Scalar::MODULUS))
            .unwrap_or(C::Scalar::ZERO),
    }
}

/// `SEQUENCE { r INTEGER, s INTEGER }` in strict DER, each a positive integer below
/// 2^bits in minimal form; anything else (BER lengths, padding, negative values, trailing
/// bytes) is refused, as ring refuses it. Range checks against n follow in
/// [`verify_with_table`].
pub(crate) fn parse_der_signature<C: Curve>(der: &[u8]) -> Option<(C::Limbs, C::Limbs)> {
    // At most 2 × (2 + 49) = 102 bytes of contents (P-384): always the short form.
    let (&tag, rest) = der.split_first()?;
    let (&len, body) = rest.split_first()?;
    if tag != 0x30 || len >= 0x80 || usize::from(len) != body.len() {
        return None;
    }
    let (r, rest) = parse_der_integer::<C>(body)?;
    let (s, rest) = parse_der_integer::<C>(rest)?;
    rest.is_empty().then_some((r, s))
}

fn parse_der_integer<C: Curve>(der: &[u8]) -> Option<(C::Limbs, &[u8])> {
    let (&tag, rest) = der.split_first()?;
    let (&len, rest) = rest.split_first()?;
    if tag != 0x02 || len == 0 || len >= 0x80 {
        return None;
    }
    let (value, rest) = rest.split_at_checked(usize::from(len))?;
    let value = match value {
        // Negative.
        [first, ..] if *first >= 0x80 => return None,
        // A leading zero only in front of a byte whose top bit is set.
        [0, next, ..] if *next < 0x80 => return None,
        [0, tail @ ..] if !tail.is_empty() => tail,
        other => other,
    };
    if value.len() > C::BYTES {
        return None;
    }
    let mut limbs = C::Limbs::default();
    for (i, byte) in value.iter().rev().enumerate() {
        if let Some(limb) = limbs.as_mut().get_mut(i / 8) {
            *limb |= u64::from(*byte) << (8 * (i % 8));
        }
    }
    Some((limbs, rest))
}

/// The source of a curve's generated `tables.rs`: the generator's table and the tables of
/// `keys` (the embedded trust root's signing keys on this curve).
#[cfg(test)]
pub(crate) fn tables_source<C: Curve>(
    curve: &str,
    module: &str,
    variable: &str,
    keys: &[Vec<u8>],
) -> alloc::string::String {
    use alloc::format;
    use alloc::string::String;
    fn limbs(l: &[u64]) -> String {
        let words: Vec<String> = l.iter().map(|w| format!("{w:#018x}")).collect();
        format!("[{}]", words.join(", "))
    }
    fn points_source<C: Curve>(points: &[Affine<C>]) -> String {
        let mut out = String::new();
        for p in points {
            let (x, y) = p.montgomery_limbs();
            out += &format!("    a({}, {}),\n", limbs(x.as_ref()), limbs(y.as_ref()));
        }
        out
    }
    let n = C::Limbs::default().as_ref().len();
    let g = Affine::<C>::generator().unwrap();
    let mut src = format!(
        "//! GENERATED by the test `crypto::{module}::tests::generated_tables_are_current`\n\
         //! (`{variable}=1 cargo test -p edgeverify-core --lib generated_tables`); do not edit.\n\
         //! Affine points, coordinates as Montgomery-domain limbs; see `weierstrass::TableRef` for\n\
         //! the layout. The test recomputes every value from the generator and from the\n\
         //! embedded trust root's keys, so this file cannot drift from them.\n\n\
         use super::field::FieldElement;\n\
         use super::CURVE;\n\
         use crate::crypto::weierstrass::Affine;\n\n\
         const fn a(x: [u64; {n}], y: [u64; {n}]) -> Affine<CURVE> {{\n    \
         Affine {{\n        x: FieldElement::from_montgomery_limbs(x),\n        \
         y: FieldElement::from_montgomery_limbs(y),\n    }}\n}}\n\n",
    );
    src += &format!(
        "/// The generator's table ({:?}).\npub(super) static GENERATOR: &[Affine<CURVE>] = &[\n{}];\n",
        C::FIXED_SHAPE,
        points_source(&build_table(&g, C::FIXED_SHAPE).unwrap())
    );
    for (i, key) in keys.iter().enumerate() {
        let table = KeyTable::<C>::build(key).unwrap();
        src += &format!(
            "\n/// Embedded trust root signing key {i} ({:?}).\nstatic KEY_{i}_POINT: [u8; {}] = {:?};\n\
             static KEY_{i}_TABLE: &[Affine<CURVE>] = &[\n{}];\n",
            C::KEY_SHAPE,
            key.len(),
            key,
            points_source(table.points())
        );
    }
    src += "\n/// The table of an embedded trust-root key, found by its exact uncompressed point.\n\
            pub(super) fn embedded_key_table(point: &[u8]) -> Option<&'static [Affine<CURVE>]> {\n    \
            [\n";
    for i in 0..keys.len() {
        src += &format!("        (&KEY_{i}_POINT, KEY_{i}_TABLE),\n");
    }
    src += "    ]\n    .into_iter()\n    .find(|(p, _)| p.as_slice() == point)\n    .map(|(_, table)| table)\n}\n";
    src.replace("CURVE", curve)
}

#[cfg(test)]
pub(crate) mod tests;
