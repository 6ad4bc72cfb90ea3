//! Arithmetic modulo the P-256 prime p (coordinates) and modulo the group order n (ECDSA
//! scalars): fiat-crypto's generated code (`fiat_crypto::p256_64`,
//! `fiat_crypto::p256_scalar_64`) behind [`Residue`](crate::crypto::weierstrass::Residue).

// The `_64` modules on every target: unlike P-384's, fiat-crypto's `_32` P-256 modules were
// slower on 32-bit ARM (Wycheproof P-256 vectors under qemu-arm: 24.0 s with `_32`, 18.8 s
// with `_64`, armv7, 2026-12-05, BENCHMARKS.md).
use fiat_crypto::{p256_64 as fp, p256_scalar_64 as fn_};

use crate::crypto::weierstrass::montgomery_residue;

montgomery_residue! {
    /// An integer modulo the P-256 prime p = 2^256 − 2^224 + 2^192 + 2^96 − 1.
    FieldElement, limbs: 4, word: u64,
    modulus: [
        0xffff_ffff_ffff_ffff, 0x0000_0000_ffff_ffff, 0, 0xffff_ffff_0000_0001,
    ],
    one: [1, 0xffff_ffff_0000_0000, 0xffff_ffff_ffff_ffff, 0x0000_0000_ffff_fffe],
    fp::fiat_p256_montgomery_domain_field_element,
    fp::fiat_p256_non_montgomery_domain_field_element,
    mul: fp::fiat_p256_mul, square: fp::fiat_p256_square, add: fp::fiat_p256_add,
    sub: fp::fiat_p256_sub, opp: fp::fiat_p256_opp,
    to_mont: fp::fiat_p256_to_montgomery, from_mont: fp::fiat_p256_from_montgomery
}

montgomery_residue! {
    /// An integer modulo the P-256 group order n.
    Scalar, limbs: 4, word: u64,
    modulus: [
        0xf3b9_cac2_fc63_2551, 0xbce6_faad_a717_9e84, 0xffff_ffff_ffff_ffff,
        0xffff_ffff_0000_0000,
    ],
    one: [0x0c46_353d_039c_daaf, 0x4319_0552_58e8_617b, 0, 0x0000_0000_ffff_ffff],
    fn_::fiat_p256_scalar_montgomery_domain_field_element,
    fn_::fiat_p256_scalar_non_montgomery_domain_field_element,
    mul: fn_::fiat_p256_scalar_mul, square: fn_::fiat_p256_scalar_square,
    add: fn_::fiat_p256_scalar_add, sub: fn_::fiat_p256_scalar_sub,
    opp: fn_::fiat_p256_scalar_opp,
    to_mont: fn_::fiat_p256_scalar_to_montgomery,
    from_mont: fn_::fiat_p256_scalar_from_montgomery
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::weierstrass::Residue as _;

    #[test]
    fn one_is_the_montgomery_one_of_fiat() {
        let mut one = fp::fiat_p256_montgomery_domain_field_element(Default::default());
        fp::fiat_p256_set_one(&mut one);
        assert_eq!(
            FieldElement::words(*FieldElement::ONE.montgomery_limbs()),
            one.0
        );
        let mut one = fn_::fiat_p256_scalar_montgomery_domain_field_element(Default::default());
        fn_::fiat_p256_scalar_set_one(&mut one);
        assert_eq!(Scalar::words(*Scalar::ONE.montgomery_limbs()), one.0);
        assert_eq!(FieldElement::ONE.to_canonical_limbs(), [1, 0, 0, 0]);
        assert_eq!(Scalar::ONE.to_canonical_limbs(), [1, 0, 0, 0]);
    }
}
