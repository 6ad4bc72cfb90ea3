//! Integers modulo a prime in fiat-crypto's Montgomery domain: the [`Residue`] operations
//! the curve code uses, and [`montgomery_residue!`], which implements them for one
//! fiat-crypto module. Every multiplication, squaring, addition, subtraction, negation and
//! conversion is fiat-crypto's generated code, proven correct in Coq for all inputs in range;
//! this file only keeps inputs in range (every value is a canonical residue, checked on the
//! way in), composes those operations (exponentiation for inversion), and converts limbs.

use core::fmt::Debug;

use fiat_crypto::p384_64::{fiat_p384_addcarryx_u64, fiat_p384_subborrowx_u64};

/// An integer modulo a prime m, in the Montgomery domain.
pub(crate) trait Residue: Copy + PartialEq + Eq + Debug {
    /// Little-endian 64-bit limbs.
    type Limbs: Copy + Default + AsRef<[u64]> + AsMut<[u64]> + PartialEq + Eq + Debug;
    /// The modulus m.
    const MODULUS: Self::Limbs;
    const ZERO: Self;
    /// One (R mod m in the Montgomery domain, as fiat-crypto's `set_one` gives it).
    const ONE: Self;

    /// The residue of an integer already below the modulus; `None` otherwise.
    fn from_canonical_limbs(limbs: &Self::Limbs) -> Option<Self>;
    /// The canonical integer (below the modulus).
    fn to_canonical_limbs(self) -> Self::Limbs;
    /// The Montgomery-domain limbs.
    fn montgomery_limbs(&self) -> &Self::Limbs;
    fn mul(&self, rhs: &Self) -> Self;
    fn square(&self) -> Self;
    fn add(&self, rhs: &Self) -> Self;
    fn sub(&self, rhs: &Self) -> Self;
    fn neg(&self) -> Self;

    fn double(&self) -> Self {
        self.add(self)
    }

    /// Canonical residues: zero is the all-zero limbs.
    fn is_zero(&self) -> bool {
        self.montgomery_limbs().as_ref().iter().all(|w| *w == 0)
    }

    /// `self^exponent` (left to right, 4-bit fixed windows; variable time, which is fine:
    /// every value verification handles is public).
    fn pow_vartime(&self, exponent: &Self::Limbs) -> Self {
        let mut powers = [Self::ONE; 16];
        let mut previous = Self::ONE;
        for power in powers.iter_mut().skip(1) {
            previous = previous.mul(self);
            *power = previous;
        }
        let mut acc = Self::ONE;
        for limb in exponent.as_ref().iter().rev() {
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

    /// The multiplicative inverse (Fermat: `self^(m-2)`, m prime); zero maps to zero, which
    /// callers rule out beforehand.
    fn invert_vartime(&self) -> Self {
        let mut exponent = Self::MODULUS;
        // m is odd and above 2: subtracting 2 borrows from no higher limb.
        if let Some(low) = exponent.as_mut().first_mut() {
            *low -= 2;
        }
        self.pow_vartime(&exponent)
    }
}

/// Big-endian bytes (8 per limb, exactly) → little-endian limbs; `None` for another length.
pub(crate) fn limbs_from_be_bytes<L: Default + AsMut<[u64]>>(bytes: &[u8]) -> Option<L> {
    let mut limbs = L::default();
    if bytes.len() != 8 * limbs.as_mut().len() {
        return None;
    }
    for (limb, chunk) in limbs.as_mut().iter_mut().rev().zip(bytes.chunks_exact(8)) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        *limb = u64::from_be_bytes(word);
    }
    Some(limbs)
}

/// Little-endian limbs → big-endian bytes.
#[cfg(test)]
pub(crate) fn limbs_to_be_bytes(limbs: &[u64]) -> alloc::vec::Vec<u8> {
    limbs.iter().rev().flat_map(|l| l.to_be_bytes()).collect()
}

/// `a < b` for little-endian limbs (public values only: variable time).
pub(crate) fn limbs_less_than(a: &[u64], b: &[u64]) -> bool {
    for (x, y) in a.iter().rev().zip(b.iter().rev()) {
        if x != y {
            return x < y;
        }
    }
    false
}

/// `a − b` for `a ≥ b` (little-endian limbs), with fiat-crypto's borrow primitive.
pub(crate) fn sub_limbs<L: Copy + Default + AsRef<[u64]> + AsMut<[u64]>>(a: &L, b: &L) -> L {
    let mut out = L::default();
    let mut borrow = 0u8;
    for ((o, x), y) in out.as_mut().iter_mut().zip(a.as_ref()).zip(b.as_ref()) {
        let mut next = 0u8;
        fiat_p384_subborrowx_u64(o, &mut next, borrow, *x, *y);
        borrow = next;
    }
    out
}

/// `a + b` (little-endian limbs) and whether it overflowed, with fiat-crypto's carry
/// primitive.
pub(crate) fn add_limbs<L: Copy + Default + AsRef<[u64]> + AsMut<[u64]>>(
    a: &L,
    b: &L,
) -> (L, bool) {
    let mut out = L::default();
    let mut carry = 0u8;
    for ((o, x), y) in out.as_mut().iter_mut().zip(a.as_ref()).zip(b.as_ref()) {
        let mut next = 0u8;
        fiat_p384_addcarryx_u64(o, &mut next, carry, *x, *y);
        carry = next;
    }
    (out, carry != 0)
}

/// The word fiat-crypto's module computes with: `u64` (its `_64` modules) or `u32` (its `_32`
/// modules). Residues always keep little-endian 64-bit limbs; these convert at each call.
pub(crate) trait Word: Copy + Default {
    /// `limbs` as words, low first (`words.len() * size_of::<Self>() == 8 * limbs.len()`).
    fn from_limbs(limbs: &[u64], words: &mut [Self]);
    /// The inverse of [`Word::from_limbs`].
    fn to_limbs(words: &[Self], limbs: &mut [u64]);
}

impl Word for u64 {
    #[inline(always)]
    fn from_limbs(limbs: &[u64], words: &mut [Self]) {
        words.copy_from_slice(limbs);
    }

    #[inline(always)]
    fn to_limbs(words: &[Self], limbs: &mut [u64]) {
        limbs.copy_from_slice(words);
    }
}

impl Word for u32 {
    #[inline(always)]
    fn from_limbs(limbs: &[u64], words: &mut [Self]) {
        for (limb, pair) in limbs.iter().zip(words.chunks_exact_mut(2)) {
            if let [low, high] = pair {
                // Truncation intended: the low and the high half of the limb.
                *low = *limb as Self;
                *high = (*limb >> 32) as Self;
            }
        }
    }

    #[inline(always)]
    fn to_limbs(words: &[Self], limbs: &mut [u64]) {
        for (limb, pair) in limbs.iter_mut().zip(words.chunks_exact(2)) {
            if let [low, high] = pair {
                *limb = u64::from(*low) | (u64::from(*high) << 32);
            }
        }
    }
}

/// One Montgomery-domain residue type over a fiat-crypto module, implementing [`Residue`]
/// with `$n` 64-bit limbs. The module computes with `word` ([`Word`]): a `_64` module with
/// `u64`, or a `_32` one with `u32`, which the caller may pick for 32-bit targets (where a
/// 64-bit limb product is a u128 multiplication emulated in software). Both compute in the
/// same Montgomery domain (R = 2^(64·n) = 2^(32·2n)), so values, tables and results are
/// identical whichever is used.
macro_rules! montgomery_residue {
    (
        $(#[$doc:meta])*
        $name:ident, limbs: $n:literal, word: $word:ty, modulus: $modulus:expr, one: $one:expr,
        $mont:path, $nonmont:path,
        mul: $mul:path, square: $square:path, add: $add:path, sub: $sub:path, opp: $opp:path,
        to_mont: $to_mont:path, from_mont: $from_mont:path
    ) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub(crate) struct $name([u64; $n]);

        impl $name {
            /// A residue from Montgomery-domain limbs known to be canonical: the generated
            /// tables, whose every value a test recomputes.
            #[allow(dead_code)]
            pub(crate) const fn from_montgomery_limbs(limbs: [u64; $n]) -> Self {
                Self(limbs)
            }

            /// The limbs as the fiat-crypto module takes them.
            #[inline(always)]
            fn words(limbs: [u64; $n]) -> [$word; $n * 8 / core::mem::size_of::<$word>()] {
                let mut words = [<$word>::default(); $n * 8 / core::mem::size_of::<$word>()];
                <$word as $crate::crypto::weierstrass::residue::Word>::from_limbs(
                    &limbs, &mut words,
                );
                words
            }

            /// Back from [`Self::words`].
            #[inline(always)]
            fn limbs(words: [$word; $n * 8 / core::mem::size_of::<$word>()]) -> [u64; $n] {
                let mut limbs = [0; $n];
                <$word as $crate::crypto::weierstrass::residue::Word>::to_limbs(
                    &words, &mut limbs,
                );
                limbs
            }
        }

        impl $crate::crypto::weierstrass::Residue for $name {
            type Limbs = [u64; $n];
            const MODULUS: [u64; $n] = $modulus;
            const ZERO: Self = Self([0; $n]);
            const ONE: Self = Self($one);

            fn from_canonical_limbs(limbs: &[u64; $n]) -> Option<Self> {
                if !$crate::crypto::weierstrass::residue::limbs_less_than(limbs, &Self::MODULUS) {
                    return None;
                }
                let mut out = $mont(Default::default());
                $to_mont(&mut out, &$nonmont(Self::words(*limbs)));
                Some(Self(Self::limbs(out.0)))
            }

            fn to_canonical_limbs(self) -> [u64; $n] {
                let mut out = $nonmont(Default::default());
                $from_mont(&mut out, &$mont(Self::words(self.0)));
                Self::limbs(out.0)
            }

            fn montgomery_limbs(&self) -> &[u64; $n] {
                &self.0
            }

            fn mul(&self, rhs: &Self) -> Self {
                let mut out = $mont(Default::default());
                $mul(&mut out, &$mont(Self::words(self.0)), &$mont(Self::words(rhs.0)));
                Self(Self::limbs(out.0))
            }

            fn square(&self) -> Self {
                let mut out = $mont(Default::default());
                $square(&mut out, &$mont(Self::words(self.0)));
                Self(Self::limbs(out.0))
            }

            fn add(&self, rhs: &Self) -> Self {
                let mut out = $mont(Default::default());
                $add(&mut out, &$mont(Self::words(self.0)), &$mont(Self::words(rhs.0)));
                Self(Self::limbs(out.0))
            }

            fn sub(&self, rhs: &Self) -> Self {
                let mut out = $mont(Default::default());
                $sub(&mut out, &$mont(Self::words(self.0)), &$mont(Self::words(rhs.0)));
                Self(Self::limbs(out.0))
            }

            fn neg(&self) -> Self {
                let mut out = $mont(Default::default());
                $opp(&mut out, &$mont(Self::words(self.0)));
                Self(Self::limbs(out.0))
            }
        }
    };
}
pub(crate) use montgomery_residue;
