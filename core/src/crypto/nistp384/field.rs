//! Arithmetic modulo the P-384 prime p (coordinates) and modulo the group order n (ECDSA
//! scalars). Every multiplication, squaring, addition, subtraction, negation and conversion
//! is fiat-crypto's generated code (`fiat_crypto::p384_64`, `fiat_crypto::p384_scalar_64`),
//! proven correct in Coq for all inputs in range; this file only keeps inputs in range (every
//! value is a canonical residue in the Montgomery domain, checked on the way in), composes
//! those operations (exponentiation for inversion), and converts to and from big-endian bytes.

use fiat_crypto::{p384_64 as fp, p384_scalar_64 as fn_};

/// Little-endian 64-bit limbs of an integer below 2^384.
pub(crate) type Limbs = [u64; 6];

/// `a < b` for little-endian limbs (public values only: variable time).
pub(crate) fn limbs_less_than(a: &Limbs, b: &Limbs) -> bool {
    for (x, y) in a.iter().rev().zip(b.iter().rev()) {
        if x != y {
            return x < y;
        }
    }
    false
}

/// Big-endian 48 bytes → little-endian limbs.
pub(crate) fn limbs_from_be_bytes(bytes: &[u8; 48]) -> Limbs {
    let mut limbs = [0u64; 6];
    for (limb, chunk) in limbs.iter_mut().rev().zip(bytes.chunks_exact(8)) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        *limb = u64::from_be_bytes(word);
    }
    limbs
}

/// Little-endian limbs → big-endian 48 bytes.
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) fn limbs_to_be_bytes(limbs: &Limbs) -> [u8; 48] {
    let mut bytes = [0u8; 48];
    for (chunk, limb) in bytes.chunks_exact_mut(8).zip(limbs.iter().rev()) {
        chunk.copy_from_slice(&limb.to_be_bytes());
    }
    bytes
}

/// One Montgomery-domain residue type over a fiat-crypto module. `$m` and the function names
/// are the module's (`fiat_p384_*` or `fiat_p384_scalar_*`).
macro_rules! montgomery_residue {
    (
        $(#[$doc:meta])*
        $name:ident, modulus: $modulus:expr, one: $one:expr,
        $mont:path, $nonmont:path,
        mul: $mul:path, square: $square:path, add: $add:path, sub: $sub:path, opp: $opp:path,
        to_mont: $to_mont:path, from_mont: $from_mont:path
    ) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub(crate) struct $name(Limbs);

        // Not every operation is needed for both moduli.
        #[allow(dead_code)]
        impl $name {
            /// The modulus, as little-endian limbs.
            pub(crate) const MODULUS: Limbs = $modulus;
            /// Zero.
            pub(crate) const ZERO: Self = Self([0; 6]);
            /// One (R mod m in the Montgomery domain, as fiat-crypto's `set_one` gives it).
            pub(crate) const ONE: Self = Self($one);

            /// The residue of an integer already below the modulus; `None` otherwise.
            pub(crate) fn from_canonical_limbs(limbs: &Limbs) -> Option<Self> {
                if !limbs_less_than(limbs, &Self::MODULUS) {
                    return None;
                }
                let mut out = $mont([0; 6]);
                $to_mont(&mut out, &$nonmont(*limbs));
                Some(Self(out.0))
            }

            /// The residue of a big-endian integer below the modulus; `None` otherwise.
            pub(crate) fn from_be_bytes(bytes: &[u8; 48]) -> Option<Self> {
                Self::from_canonical_limbs(&limbs_from_be_bytes(bytes))
            }

            /// The canonical integer (below the modulus), as little-endian limbs.
            pub(crate) fn to_canonical_limbs(self) -> Limbs {
                let mut out = $nonmont([0; 6]);
                $from_mont(&mut out, &$mont(self.0));
                out.0
            }

            /// The canonical integer, big-endian.
            pub(crate) fn to_be_bytes(self) -> [u8; 48] {
                limbs_to_be_bytes(&self.to_canonical_limbs())
            }

            /// The Montgomery-domain limbs (for the generated tables).
            pub(crate) const fn montgomery_limbs(&self) -> &Limbs {
                &self.0
            }

            /// A residue from Montgomery-domain limbs known to be canonical: the generated
            /// tables, whose every value a test recomputes.
            pub(crate) const fn from_montgomery_limbs(limbs: Limbs) -> Self {
                Self(limbs)
            }

            pub(crate) fn mul(&self, rhs: &Self) -> Self {
                let mut out = $mont([0; 6]);
                $mul(&mut out, &$mont(self.0), &$mont(rhs.0));
                Self(out.0)
            }

            pub(crate) fn square(&self) -> Self {
                let mut out = $mont([0; 6]);
                $square(&mut out, &$mont(self.0));
                Self(out.0)
            }

            pub(crate) fn add(&self, rhs: &Self) -> Self {
                let mut out = $mont([0; 6]);
                $add(&mut out, &$mont(self.0), &$mont(rhs.0));
                Self(out.0)
            }

            pub(crate) fn sub(&self, rhs: &Self) -> Self {
                let mut out = $mont([0; 6]);
                $sub(&mut out, &$mont(self.0), &$mont(rhs.0));
                Self(out.0)
            }

            pub(crate) fn neg(&self) -> Self {
                let mut out = $mont([0; 6]);
                $opp(&mut out, &$mont(self.0));
                Self(out.0)
            }

            pub(crate) fn double(&self) -> Self {
                self.add(self)
            }

            /// Canonical residues: zero is the all-zero limbs.
            pub(crate) fn is_zero(&self) -> bool {
                self.0 == [0; 6]
            }

            /// `self^exponent` (left to right, 4-bit fixed windows; variable time, which is
            /// fine: every value verification handles is public).
            pub(crate) fn pow_vartime(&self, exponent: &Limbs) -> Self {
                let mut powers = [Self::ONE; 16];
                let mut previous = Self::ONE;
                for power in powers.iter_mut().skip(1) {
                    previous = previous.mul(self);
                    *power = previous;
                }
                let mut acc = Self::ONE;
                for limb in exponent.iter().rev() {
                    for shift in (0..16).rev() {
                        acc = acc.square().square().square().square();
                        let nibble = (limb >> (4 * shift)) & 0xf;
                        if let Some(power) = powers.get(nibble as usize).filter(|_| nibble != 0) {
                            acc = acc.mul(power);
                        }
                    }
                }
                acc
            }

            /// The multiplicative inverse (Fermat: `self^(m-2)`, m prime); zero maps to zero,
            /// which callers rule out beforehand.
            pub(crate) fn invert_vartime(&self) -> Self {
                let mut exponent = Self::MODULUS;
                // m is odd and above 2: subtracting 2 borrows from no higher limb.
                exponent[0] -= 2;
                self.pow_vartime(&exponent)
            }
        }
    };
}

montgomery_residue! {
    /// An integer modulo the P-384 prime p = 2^384 − 2^128 − 2^96 + 2^32 − 1.
    FieldElement,
    modulus: [
        0x0000_0000_ffff_ffff, 0xffff_ffff_0000_0000, 0xffff_ffff_ffff_fffe,
        0xffff_ffff_ffff_ffff, 0xffff_ffff_ffff_ffff, 0xffff_ffff_ffff_ffff,
    ],
    one: [0xffff_ffff_0000_0001, 0x0000_0000_ffff_ffff, 1, 0, 0, 0],
    fp::fiat_p384_montgomery_domain_field_element,
    fp::fiat_p384_non_montgomery_domain_field_element,
    mul: fp::fiat_p384_mul, square: fp::fiat_p384_square, add: fp::fiat_p384_add,
    sub: fp::fiat_p384_sub, opp: fp::fiat_p384_opp,
    to_mont: fp::fiat_p384_to_montgomery, from_mont: fp::fiat_p384_from_montgomery
}

montgomery_residue! {
    /// An integer modulo the P-384 group order n.
    Scalar,
    modulus: [
        0xecec_196a_ccc5_2973, 0x581a_0db2_48b0_a77a, 0xc763_4d81_f437_2ddf,
        0xffff_ffff_ffff_ffff, 0xffff_ffff_ffff_ffff, 0xffff_ffff_ffff_ffff,
    ],
    one: [0x1313_e695_333a_d68d, 0xa7e5_f24d_b74f_5885, 0x389c_b27e_0bc8_d220, 0, 0, 0],
    fn_::fiat_p384_scalar_montgomery_domain_field_element,
    fn_::fiat_p384_scalar_non_montgomery_domain_field_element,
    mul: fn_::fiat_p384_scalar_mul, square: fn_::fiat_p384_scalar_square,
    add: fn_::fiat_p384_scalar_add, sub: fn_::fiat_p384_scalar_sub,
    opp: fn_::fiat_p384_scalar_opp,
    to_mont: fn_::fiat_p384_scalar_to_montgomery,
    from_mont: fn_::fiat_p384_scalar_from_montgomery
}

impl Scalar {
    /// An ECDSA digest as a scalar (FIPS 186-5 §6.4.2): its leftmost 384 bits as an
    /// integer, reduced modulo n. Shorter digests (SHA-256) are taken whole.
    pub(crate) fn from_digest(digest: &[u8]) -> Self {
        let mut bytes = [0u8; 48];
        let taken = digest.get(..48).unwrap_or(digest);
        // Right-align a shorter digest: its integer value is unchanged.
        let start = 48 - taken.len();
        if let Some(dst) = bytes.get_mut(start..) {
            dst.copy_from_slice(taken);
        }
        let limbs = limbs_from_be_bytes(&bytes);
        // Below 2^384 < 2n, so one subtraction of n is enough.
        match Self::from_canonical_limbs(&limbs) {
            Some(s) => s,
            None => {
                Self::from_canonical_limbs(&sub_limbs(&limbs, &Self::MODULUS)).unwrap_or(Self::ZERO)
            }
        }
    }
}

/// `a − b` for `a ≥ b` (little-endian limbs), with fiat-crypto's borrow primitive.
pub(crate) fn sub_limbs(a: &Limbs, b: &Limbs) -> Limbs {
    let mut out = [0u64; 6];
    let mut borrow = 0u8;
    for ((o, x), y) in out.iter_mut().zip(a).zip(b) {
        let mut next = 0u8;
        fp::fiat_p384_subborrowx_u64(o, &mut next, borrow, *x, *y);
        borrow = next;
    }
    out
}

/// `a + b` (little-endian limbs) and whether it overflowed 2^384, with fiat-crypto's carry
/// primitive.
pub(crate) fn add_limbs(a: &Limbs, b: &Limbs) -> (Limbs, bool) {
    let mut out = [0u64; 6];
    let mut carry = 0u8;
    for ((o, x), y) in out.iter_mut().zip(a).zip(b) {
        let mut next = 0u8;
        fp::fiat_p384_addcarryx_u64(o, &mut next, carry, *x, *y);
        carry = next;
    }
    (out, carry != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_is_the_montgomery_one_of_fiat() {
        let mut one = fp::fiat_p384_montgomery_domain_field_element([0; 6]);
        fp::fiat_p384_set_one(&mut one);
        assert_eq!(FieldElement::ONE.0, one.0);
        let mut one = fn_::fiat_p384_scalar_montgomery_domain_field_element([0; 6]);
        fn_::fiat_p384_scalar_set_one(&mut one);
        assert_eq!(Scalar::ONE.0, one.0);
        assert_eq!(FieldElement::ONE.to_canonical_limbs(), [1, 0, 0, 0, 0, 0]);
        assert_eq!(Scalar::ONE.to_canonical_limbs(), [1, 0, 0, 0, 0, 0]);
    }

    #[test]
    fn inverse_and_range_checks() {
        let mut seven = [0u8; 48];
        seven[47] = 7;
        for x in [
            FieldElement::from_be_bytes(&seven).unwrap(),
            FieldElement::ONE.neg(),
        ] {
            assert_eq!(x.mul(&x.invert_vartime()), FieldElement::ONE);
        }
        let s = Scalar::from_be_bytes(&seven).unwrap();
        assert_eq!(s.mul(&s.invert_vartime()), Scalar::ONE);
        // The moduli themselves are out of range; one below is in.
        let p = limbs_to_be_bytes(&FieldElement::MODULUS);
        assert!(FieldElement::from_be_bytes(&p).is_none());
        let p_minus_1 = sub_limbs(&FieldElement::MODULUS, &[1, 0, 0, 0, 0, 0]);
        assert_eq!(
            FieldElement::from_canonical_limbs(&p_minus_1).unwrap(),
            FieldElement::ONE.neg()
        );
        assert!(Scalar::from_canonical_limbs(&Scalar::MODULUS).is_none());
        // A digest equal to n + 5 reduces to 5; n itself to zero.
        let (n_plus_5, overflow) = add_limbs(&Scalar::MODULUS, &[5, 0, 0, 0, 0, 0]);
        assert!(!overflow);
        assert_eq!(
            Scalar::from_digest(&limbs_to_be_bytes(&n_plus_5)).to_canonical_limbs(),
            [5, 0, 0, 0, 0, 0]
        );
        assert!(Scalar::from_digest(&limbs_to_be_bytes(&Scalar::MODULUS)).is_zero());
        // SHA-512 digests keep their leftmost 384 bits.
        let mut long = [0u8; 64];
        long[47] = 9;
        long[63] = 0xff;
        assert_eq!(
            Scalar::from_digest(&long).to_canonical_limbs(),
            [9, 0, 0, 0, 0, 0]
        );
        let mut short = [0u8; 32];
        short[31] = 3;
        assert_eq!(
            Scalar::from_digest(&short).to_canonical_limbs(),
            [3, 0, 0, 0, 0, 0]
        );
    }
}
