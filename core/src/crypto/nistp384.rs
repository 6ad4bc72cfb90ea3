//! ECDSA P-384 signature verification, variable time, over precomputed tables.
//!
//! Why it exists: ring 0.17's P-384 is generic C that multiplies each scalar separately in
//! constant time, and Fulcio's intermediate and the timestamping authorities sign with P-384,
//! so it was most of a verification's time (`BENCHMARKS.md`). Verification only handles
//! public values (keys, signatures, digests), so variable-time algorithms are safe here: a
//! joint width-w NAF multiplication with one chain of doublings, tables of odd multiples, and
//! for keys known in advance (the generator, the embedded trust root's keys, or a loaded
//! root's keys once [`KeyTable::build`] ran) tables split in eight 48-bit pieces so that only
//! ~55 doublings remain.
//!
//! All field and scalar arithmetic is fiat-crypto's formally verified code (`field.rs`). The
//! module is checked against every Wycheproof ECDSA P-384 vector (`core/tests/wycheproof.rs`)
//! and differentially fuzzed against ring (`fuzz/fuzz_targets/p384_vs_ring.rs`).

mod field;
#[rustfmt::skip]
mod tables;

use super::weierstrass::{self, Affine, TableShape};

/// The curve P-384 (`weierstrass::Curve`), with its fiat-crypto types and static tables.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct P384;

impl weierstrass::Curve for P384 {
    type Limbs = [u64; 6];
    type Fe = field::FieldElement;
    type Scalar = field::Scalar;
    const BYTES: usize = 48;
    const B: &'static [u8] = &hex::<48>("b3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aef");
    const GX: &'static [u8] = &hex::<48>("aa87ca22be8b05378eb1c71ef320ad746e1d3b628ba79b9859f741e082542a385502f25dbf55296c3a545e3872760ab7");
    const GY: &'static [u8] = &hex::<48>("3617de4a96262c6f5d9e98bf9292dc29f8f41dbd289a147ce9da3113b5f0b8c00a60b1ce1d7e819d7a431d7c90ea0e5f");
    /// Eight 48-bit pieces, so that a check with a key table needs ~55 doublings, and 16 odd
    /// multiples per piece (12 KiB).
    const FIXED_SHAPE: TableShape = TableShape {
        pieces: 8,
        window: 6,
    };
    /// Eight pieces, 8 odd multiples each (6 KiB per key). Wider windows or more pieces buy
    /// a few percent for more static data (`BENCHMARKS.md`).
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
        tables::embedded_key_table(uncompressed)
    }
}

/// A P-384 key's precomputed table, for a key that verifies many signatures (a trust root's
/// certificate and timestamping authorities).
pub(crate) type KeyTable = weierstrass::KeyTable<P384>;

/// Verifies an ASN.1 DER ECDSA signature over `digest` (any length: the leftmost 384 bits
/// count) with an uncompressed P-384 point. `known` are tables built in advance; the
/// embedded root's keys have static ones.
pub(crate) fn verify_prehashed<'a>(
    uncompressed: &[u8],
    digest: &[u8],
    signature: &[u8],
    known: impl IntoIterator<Item = &'a KeyTable>,
) -> bool {
    weierstrass::verify_prehashed::<P384>(uncompressed, digest, signature, known)
}

/// `N` hex digits pairs → `N` bytes, at compile time (a bad digit fails the build).
#[allow(clippy::indexing_slicing, clippy::panic)] // const evaluation only: a slip fails the build
pub(crate) const fn hex<const N: usize>(s: &str) -> [u8; N] {
    const fn nibble(c: u8) -> u8 {
        match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            _ => panic!("not a lowercase hex digit"),
        }
    }
    let s = s.as_bytes();
    assert!(s.len() == 2 * N);
    let mut out = [0u8; N];
    let mut i = 0;
    while i < N {
        out[i] = (nibble(s[2 * i]) << 4) | nibble(s[2 * i + 1]);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;

    /// The uncompressed P-384 keys of the embedded trust root that sign at verification time
    /// (the first certificate of each certificate and timestamping authority's chain).
    fn embedded_signing_keys() -> Vec<Vec<u8>> {
        use der::Decode as _;
        let root = crate::TrustRoot::embedded_production().unwrap();
        let mut keys = Vec::new();
        for ca in root
            .certificate_authorities
            .iter()
            .chain(&root.timestamp_authorities)
        {
            let cert = x509_cert::Certificate::from_der(&ca.chain[0]).unwrap();
            let spki = &cert.tbs_certificate.subject_public_key_info;
            let point = spki.subject_public_key.as_bytes().unwrap();
            if spki
                .algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.decode_as::<der::asn1::ObjectIdentifier>().ok())
                == Some(der::asn1::ObjectIdentifier::new_unwrap("1.3.132.0.34"))
                && !keys.iter().any(|k: &Vec<u8>| k == point)
            {
                keys.push(point.to_vec());
            }
        }
        keys
    }

    /// `tables.rs` is exactly what this computes: the generator's table and the embedded
    /// root's signing keys' tables. Regenerate with
    /// `EDGEVERIFY_WRITE_P384_TABLES=1 cargo test -p edgeverify-core --lib generated_tables`.
    #[test]
    #[cfg_attr(
        miri,
        ignore = "hundreds of thousands of field operations; too slow for Miri"
    )]
    fn generated_tables_are_current() {
        weierstrass::tests::check_tables_source::<P384>(
            "P384",
            "nistp384",
            "EDGEVERIFY_WRITE_P384_TABLES",
            &embedded_signing_keys(),
            concat!(env!("CARGO_MANIFEST_DIR"), "/src/crypto/nistp384/tables.rs"),
            include_str!("nistp384/tables.rs"),
        );
    }

    /// Every Wycheproof ECDSA P-384 verification vector (DER signatures; SHA-256, SHA-384 and
    /// SHA-512 digests): the verdict must be the file's, both with the table built on the fly
    /// and with a trust-root table for the key, and through `PublicKey` (the product's
    /// dispatch, SHA-256/384) it must equal ring's where ring is the provider.
    #[test]
    #[cfg_attr(miri, ignore = "1,518 full verifications; too slow for Miri")]
    fn wycheproof_p384_vectors() {
        use crate::crypto::{HashAlgorithm, PublicKey};
        let files: [(&str, HashAlgorithm, usize); 3] = [
            (
                include_str!("../../tests/data/wycheproof/ecdsa_secp384r1_sha256_test.json"),
                HashAlgorithm::Sha256,
                472,
            ),
            (
                include_str!("../../tests/data/wycheproof/ecdsa_secp384r1_sha384_test.json"),
                HashAlgorithm::Sha384,
                504,
            ),
            (
                include_str!("../../tests/data/wycheproof/ecdsa_secp384r1_sha512_test.json"),
                HashAlgorithm::Sha512,
                542,
            ),
        ];
        for (json, hash, count) in files {
            for group in weierstrass::tests::wycheproof_groups(json, "secp384r1", count) {
                let point = &group.point;
                let key = PublicKey::from_spki_der(&group.spki).unwrap();
                let table = KeyTable::build(point).unwrap();
                for case in &group.cases {
                    let (id, msg, sig, expect) = (case.id, &case.msg, &case.sig, case.valid);
                    let digest = hash.digest(msg);
                    let with_table = verify_prehashed(point, digest.as_bytes(), sig, Some(&table));
                    assert_eq!(with_table, expect, "{hash:?} tcId {id} (key table)");
                    // The table built on the fly: through the product's dispatch (`PublicKey`)
                    // where it takes this hash, directly for SHA-512.
                    let on_the_fly = if hash == HashAlgorithm::Sha512 {
                        verify_prehashed(point, digest.as_bytes(), sig, None)
                    } else {
                        key.verify(hash, msg, sig).is_ok()
                    };
                    assert_eq!(on_the_fly, expect, "{hash:?} tcId {id} (on the fly)");
                    #[cfg(feature = "ring")]
                    if hash != HashAlgorithm::Sha512 {
                        let alg = if hash == HashAlgorithm::Sha256 {
                            &ring::signature::ECDSA_P384_SHA256_ASN1
                        } else {
                            &ring::signature::ECDSA_P384_SHA384_ASN1
                        };
                        let ring_ok = ring::signature::UnparsedPublicKey::new(alg, point)
                            .verify(msg, sig)
                            .is_ok();
                        assert_eq!(ring_ok, expect, "{hash:?} tcId {id}: ring disagrees");
                    }
                }
            }
        }
    }

    #[test]
    fn der_signatures_are_strict() {
        let parse = weierstrass::parse_der_signature::<P384>;
        let good = [0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x02];
        assert_eq!(parse(&good), Some(([1, 0, 0, 0, 0, 0], [2, 0, 0, 0, 0, 0])));
        let high = [0x30, 0x07, 0x02, 0x02, 0x00, 0x80, 0x02, 0x01, 0x02];
        assert!(parse(&high).is_some());
        let mut too_long = alloc::vec![0x30, 0x36, 0x02, 0x31, 0x01];
        too_long.extend([0u8; 48]);
        too_long.extend([0x02, 0x01, 0x02]);
        assert_eq!(parse(&too_long), None, "49-byte r");
        for bad in [
            &[0x30, 0x07, 0x02, 0x01, 0x01, 0x02, 0x01, 0x02, 0x00][..], // trailing byte
            &[0x30, 0x81, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x02],     // long-form length
            &[0x30, 0x07, 0x02, 0x02, 0x00, 0x01, 0x02, 0x01, 0x02],     // padded
            &[0x30, 0x06, 0x02, 0x01, 0x81, 0x02, 0x01, 0x02],           // negative
            &[0x30, 0x05, 0x02, 0x00, 0x02, 0x01, 0x02],                 // empty integer
            &[0x31, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x02],           // SET
            &[0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x02, 0x02],           // short body
        ] {
            assert_eq!(parse(bad), None, "{bad:02x?}");
        }
    }
}
