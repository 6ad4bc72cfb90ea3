//! ECDSA P-256 signature verification, variable time, over precomputed tables.
//!
//! Why it exists: ring cannot check an ECDSA signature over a digest computed elsewhere (the
//! CLI streams a large artifact and hands over its SHA-256), and RustCrypto `p256`, which did
//! that, takes 268 µs where this takes 154 µs; the `rustcrypto` provider (no ring) checks
//! every P-256 signature with it. With a key's table (static for the embedded root's CT log
//! and Rekor keys, built by `TrustRoot::remember_chain_signatures` for a loaded root's) and
//! the generator's, ~32 doublings remain: 67 µs, still slower than ring's assembly (60 µs),
//! so with ring, ring keeps P-256 checks of messages and the key tables are left out
//! (`BENCHMARKS.md`, issue 17).
//!
//! The algorithm is `weierstrass`'s, shared with P-384; the field and scalar arithmetic is
//! fiat-crypto's formally verified code (`field.rs`). The module is checked against every
//! Wycheproof ECDSA P-256 vector (the tests below) and differentially fuzzed against ring
//! (`fuzz/fuzz_targets/p256_vs_ring.rs`).

mod field;
#[rustfmt::skip]
mod tables;

use super::nistp384::hex;
use super::weierstrass::{self, Affine, TableShape};

/// The curve P-256 (`weierstrass::Curve`), with its fiat-crypto types and static tables.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct P256;

impl weierstrass::Curve for P256 {
    type Limbs = [u64; 4];
    type Fe = field::FieldElement;
    type Scalar = field::Scalar;
    const BYTES: usize = 32;
    const B: &'static [u8] =
        &hex::<32>("5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b");
    const GX: &'static [u8] =
        &hex::<32>("6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296");
    const GY: &'static [u8] =
        &hex::<32>("4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5");
    /// Eight 32-bit pieces, 16 odd multiples each (8 KiB): ~32 doublings per check with a key
    /// table.
    const FIXED_SHAPE: TableShape = TableShape {
        pieces: 8,
        window: 6,
    };
    /// Eight pieces, 8 odd multiples each (4 KiB per key).
    const KEY_SHAPE: TableShape = TableShape {
        pieces: 8,
        window: 5,
    };
    /// The whole scalar, 8 odd multiples.
    const ON_THE_FLY_SHAPE: TableShape = TableShape {
        pieces: 1,
        window: 5,
    };

    fn generator_table() -> &'static [Affine<Self>] {
        tables::GENERATOR
    }

    fn embedded_key_table(uncompressed: &[u8]) -> Option<&'static [Affine<Self>]> {
        // With ring, ring checks the logs' signatures (`crypto::PublicKey::verify_with_tables`),
        // so the shipped binary leaves these tables out (12 KiB) and only keeps the
        // generator's (digest checks).
        if cfg!(feature = "ring") {
            return None;
        }
        tables::embedded_key_table(uncompressed)
    }
}

/// A P-256 key's precomputed table, for a key that verifies many signatures (a trust root's
/// transparency and certificate-transparency logs).
pub(crate) type KeyTable = weierstrass::KeyTable<P256>;

/// Verifies an ASN.1 DER ECDSA signature over `digest` (any length: the leftmost 256 bits
/// count) with an uncompressed P-256 point. `known` are tables built in advance; the
/// embedded root's keys have static ones.
pub(crate) fn verify_prehashed<'a>(
    uncompressed: &[u8],
    digest: &[u8],
    signature: &[u8],
    known: impl IntoIterator<Item = &'a KeyTable>,
) -> bool {
    weierstrass::verify_prehashed::<P256>(uncompressed, digest, signature, known)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::KeyType;
    use alloc::vec::Vec;

    /// The uncompressed P-256 keys of the embedded trust root's transparency logs and
    /// certificate-transparency logs.
    fn embedded_log_keys() -> Vec<Vec<u8>> {
        let root = crate::TrustRoot::embedded_production().unwrap();
        let mut keys: Vec<Vec<u8>> = Vec::new();
        for log in root.tlogs.iter().chain(&root.ctlogs) {
            if let Some(key) = &log.key {
                if key.key_type == KeyType::EcdsaP256 && !keys.contains(&key.raw) {
                    keys.push(key.raw.clone());
                }
            }
        }
        keys
    }

    /// `tables.rs` is exactly what this computes: the generator's table and the embedded
    /// root's P-256 log keys' tables. Regenerate with
    /// `EDGEVERIFY_WRITE_P256_TABLES=1 cargo test -p edgeverify-core --lib generated_tables`.
    #[test]
    #[cfg_attr(
        miri,
        ignore = "hundreds of thousands of field operations; too slow for Miri"
    )]
    fn generated_tables_are_current() {
        weierstrass::tests::check_tables_source::<P256>(
            "P256",
            "nistp256",
            "EDGEVERIFY_WRITE_P256_TABLES",
            &embedded_log_keys(),
            concat!(env!("CARGO_MANIFEST_DIR"), "/src/crypto/nistp256/tables.rs"),
            include_str!("nistp256/tables.rs"),
        );
    }

    /// Every Wycheproof ECDSA P-256 verification vector with a SHA-2 digest (DER signatures;
    /// SHA-256 and SHA-512): the verdict must be the file's with the table built on the fly,
    /// with a trust-root table for the key, and through `PublicKey` (the product's dispatch:
    /// ring with the `ring` provider, ours with `rustcrypto`, with and without the key's own
    /// table) for the message and (ours) for the digest; ring must agree too.
    #[test]
    #[cfg_attr(miri, ignore = "1,038 full verifications; too slow for Miri")]
    fn wycheproof_p256_vectors() {
        use crate::crypto::{Digest, HashAlgorithm, PublicKey};
        let files: [(&str, HashAlgorithm, usize); 2] = [
            (
                include_str!("../../tests/data/wycheproof/ecdsa_secp256r1_sha256_test.json"),
                HashAlgorithm::Sha256,
                484,
            ),
            (
                include_str!("../../tests/data/wycheproof/ecdsa_secp256r1_sha512_test.json"),
                HashAlgorithm::Sha512,
                554,
            ),
        ];
        for (json, hash, count) in files {
            for group in weierstrass::tests::wycheproof_groups(json, "secp256r1", count) {
                let point = &group.point;
                let key = PublicKey::from_spki_der(&group.spki).unwrap();
                let mut loaded = key.clone();
                // Only the RustCrypto provider checks P-256 messages with ours, and tables.
                assert_eq!(loaded.precompute_table(), !cfg!(feature = "ring"));
                let table = KeyTable::build(point).unwrap();
                for case in &group.cases {
                    let (id, msg, sig, expect) = (case.id, &case.msg, &case.sig, case.valid);
                    let digest = hash.digest(msg);
                    let with_table = verify_prehashed(point, digest.as_bytes(), sig, Some(&table));
                    assert_eq!(with_table, expect, "{hash:?} tcId {id} (key table)");
                    let on_the_fly = verify_prehashed(point, digest.as_bytes(), sig, None);
                    assert_eq!(on_the_fly, expect, "{hash:?} tcId {id} (on the fly)");
                    if hash == HashAlgorithm::Sha256 {
                        let product = key.verify(hash, msg, sig).is_ok();
                        assert_eq!(product, expect, "{hash:?} tcId {id} (PublicKey)");
                        let product = loaded.verify(hash, msg, sig).is_ok();
                        assert_eq!(product, expect, "{hash:?} tcId {id} (loaded PublicKey)");
                        let d = Digest::new(hash, digest.as_bytes()).unwrap();
                        let product = key.verify_prehashed(&d, sig).is_ok();
                        assert_eq!(product, expect, "{hash:?} tcId {id} (PublicKey digest)");
                        #[cfg(feature = "ring")]
                        {
                            let ring_ok = ring::signature::UnparsedPublicKey::new(
                                &ring::signature::ECDSA_P256_SHA256_ASN1,
                                point,
                            )
                            .verify(msg, sig)
                            .is_ok();
                            assert_eq!(ring_ok, expect, "{hash:?} tcId {id}: ring disagrees");
                        }
                    }
                }
            }
        }
    }
}
