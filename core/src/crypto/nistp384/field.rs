//! Arithmetic modulo the P-384 prime p (coordinates) and modulo the group order n (ECDSA
//! scalars): fiat-crypto's generated code (`fiat_crypto::p384_64`,
//! `fiat_crypto::p384_scalar_64`, or their `_32` forms on 32-bit targets) behind [`Residue`](crate::crypto::weierstrass::Residue).

// fiat-crypto's module for the target's word size (see `montgomery_residue!`): on 32-bit
// targets its `_32` modules, which took half the time of the `_64` ones for the Wycheproof
// P-384 vectors under qemu-arm (44.5 vs 86.2 s, armv7, 2026-12-05, BENCHMARKS.md).
#[cfg(not(target_pointer_width = "64"))]
use fiat_crypto::{p384_32 as fp, p384_scalar_32 as fn_};
#[cfg(target_pointer_width = "64")]
use fiat_crypto::{p384_64 as fp, p384_scalar_64 as fn_};

#[cfg(not(target_pointer_width = "64"))]
type Word = u32;
#[cfg(target_pointer_width = "64")]
type Word = u64;

use crate::crypto::weierstrass::montgomery_residue;

montgomery_residue! {
    /// An integer modulo the P-384 prime p = 2^384 − 2^128 − 2^96 + 2^32 − 1.
    FieldElement, limbs: 6, word: Word,
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
    Scalar, limbs: 6, word: Word,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::weierstrass::Residue as _;

    #[test]
    fn one_is_the_montgomery_one_of_fiat() {
        let mut one = fp::fiat_p384_montgomery_domain_field_element(Default::default());
        fp::fiat_p384_set_one(&mut one);
        assert_eq!(
            FieldElement::words(*FieldElement::ONE.montgomery_limbs()),
            one.0
        );
        let mut one = fn_::fiat_p384_scalar_montgomery_domain_field_element(Default::default());
        fn_::fiat_p384_scalar_set_one(&mut one);
        assert_eq!(Scalar::words(*Scalar::ONE.montgomery_limbs()), one.0);
    }
}
