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
mod point;
#[rustfmt::skip]
mod tables;

use alloc::vec::Vec;

use field::{limbs_from_be_bytes, Limbs, Scalar};
use point::{Affine, TableRef, TableShape};

/// Shape of the generator's table (static, `tables.rs`): eight 48-bit pieces, so that a check
/// with a key table needs ~55 doublings, and 16 odd multiples per piece (12 KiB).
pub(crate) const FIXED_SHAPE: TableShape = TableShape {
    pieces: 8,
    window: 6,
};

/// Shape of the table built on the fly for any other key: the whole scalar, 8 odd multiples.
const ON_THE_FLY_SHAPE: TableShape = TableShape {
    pieces: 1,
    window: 5,
};

/// Shape of the tables built for a loaded trust root's keys (and generated for the embedded
/// root's keys): eight pieces, 8 odd multiples each (6 KiB per key). Wider windows or more
/// pieces buy a few percent for more static data (`BENCHMARKS.md`).
pub(crate) const KEY_SHAPE: TableShape = TableShape {
    pieces: 8,
    window: 5,
};

/// A P-384 public key's precomputed table, built once for a key that verifies many
/// signatures (a trust root's certificate and timestamping authorities).
#[derive(Clone, Debug)]
pub(crate) struct KeyTable {
    /// The uncompressed point the table is for: the table is used only for this exact key.
    point: Vec<u8>,
    points: Vec<Affine>,
}

impl KeyTable {
    /// The table for an uncompressed P-384 point; `None` if it is not a valid point.
    pub(crate) fn build(uncompressed: &[u8]) -> Option<Self> {
        let key = Affine::from_uncompressed(uncompressed)?;
        Some(Self {
            point: uncompressed.to_vec(),
            points: point::build_table(&key, KEY_SHAPE)?,
        })
    }

    /// [`KeyTable::build`], or `None` when the key has a static table already.
    pub(crate) fn build_unless_static(uncompressed: &[u8]) -> Option<Self> {
        match tables::embedded_key_table(uncompressed) {
            Some(_) => None,
            None => Self::build(uncompressed),
        }
    }

    fn table(&self) -> TableRef<'_> {
        TableRef {
            shape: KEY_SHAPE,
            points: &self.points,
        }
    }
}

/// Verifies an ASN.1 DER ECDSA signature over `digest` (any length: the leftmost 384 bits
/// count) with an uncompressed P-384 point. `known` are tables built in advance; the
/// embedded root's keys have static ones.
pub(crate) fn verify_prehashed(
    uncompressed: &[u8],
    digest: &[u8],
    signature: &[u8],
    known: &[KeyTable],
) -> bool {
    let Some((r, s)) = parse_der_signature(signature) else {
        return false;
    };
    let Some(key) = Affine::from_uncompressed(uncompressed) else {
        return false;
    };
    let built;
    let key_table = if let Some(t) = known.iter().find(|t| t.point == uncompressed) {
        t.table()
    } else if let Some(points) = tables::embedded_key_table(uncompressed) {
        TableRef {
            shape: KEY_SHAPE,
            points,
        }
    } else {
        let Some(points) = point::build_table(&key, ON_THE_FLY_SHAPE) else {
            return false;
        };
        built = points;
        TableRef {
            shape: ON_THE_FLY_SHAPE,
            points: &built,
        }
    };
    verify_with_table(&key_table, digest, &r, &s)
}

fn verify_with_table(key: &TableRef<'_>, digest: &[u8], r: &Limbs, s: &Limbs) -> bool {
    let (Some(r_scalar), Some(s_scalar)) = (
        Scalar::from_canonical_limbs(r),
        Scalar::from_canonical_limbs(s),
    ) else {
        return false;
    };
    if r_scalar.is_zero() || s_scalar.is_zero() {
        return false;
    }
    let e = Scalar::from_digest(digest);
    let s_inv = s_scalar.invert_vartime();
    let u1 = e.mul(&s_inv).to_canonical_limbs();
    let u2 = r_scalar.mul(&s_inv).to_canonical_limbs();
    let generator = TableRef {
        shape: FIXED_SHAPE,
        points: tables::GENERATOR,
    };
    point::multi_mul(&[(generator, u1), (*key, u2)]).x_reduces_to(r)
}

/// `SEQUENCE { r INTEGER, s INTEGER }` in strict DER, each a positive integer below 2^384
/// in minimal form; anything else (BER lengths, padding, negative values, trailing bytes)
/// is refused, as ring refuses it. Range checks against n follow in [`verify_with_table`].
fn parse_der_signature(der: &[u8]) -> Option<(Limbs, Limbs)> {
    // For P-384 the contents are at most 2 × (2 + 49) = 102 bytes: always the short form.
    let (&tag, rest) = der.split_first()?;
    let (&len, body) = rest.split_first()?;
    if tag != 0x30 || len >= 0x80 || usize::from(len) != body.len() {
        return None;
    }
    let (r, rest) = parse_der_integer(body)?;
    let (s, rest) = parse_der_integer(rest)?;
    rest.is_empty().then_some((r, s))
}

fn parse_der_integer(der: &[u8]) -> Option<(Limbs, &[u8])> {
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
    if value.len() > 48 {
        return None;
    }
    let mut bytes = [0u8; 48];
    bytes.get_mut(48 - value.len()..)?.copy_from_slice(value);
    Some((limbs_from_be_bytes(&bytes), rest))
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::format;
    use alloc::string::String;

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

    fn limbs(l: &Limbs) -> String {
        let words: Vec<String> = l.iter().map(|w| format!("{w:#018x}")).collect();
        format!("[{}]", words.join(", "))
    }

    fn points_source(points: &[Affine]) -> String {
        let mut out = String::new();
        for p in points {
            let (x, y) = p.montgomery_limbs();
            out += &format!("    a({}, {}),\n", limbs(&x), limbs(&y));
        }
        out
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
        let g = Affine::generator().unwrap();
        let mut src = String::from(
            "//! GENERATED by the test `crypto::nistp384::tests::generated_tables_are_current`\n\
             //! (`EDGEVERIFY_WRITE_P384_TABLES=1 cargo test -p edgeverify-core --lib \
             generated_tables`); do not edit.\n\
             //! Affine points, coordinates as Montgomery-domain limbs; see `point::TableRef` for\n\
             //! the layout. The test recomputes every value from the generator and from the\n\
             //! embedded trust root's keys, so this file cannot drift from them.\n\n\
             use super::point::Affine;\n\n\
             const fn a(x: [u64; 6], y: [u64; 6]) -> Affine {\n    \
             Affine::from_montgomery_limbs(x, y)\n}\n\n",
        );
        src += &format!(
            "/// The generator's table ({:?}).\npub(super) static GENERATOR: &[Affine] = &[\n{}];\n",
            FIXED_SHAPE,
            points_source(&point::build_table(&g, FIXED_SHAPE).unwrap())
        );
        let keys = embedded_signing_keys();
        assert!(!keys.is_empty());
        for (i, key) in keys.iter().enumerate() {
            let table = KeyTable::build(key).unwrap();
            src += &format!(
                "\n/// Embedded trust root signing key {i} ({:?}).\nstatic KEY_{i}_POINT: [u8; 97] = {:?};\n\
                 static KEY_{i}_TABLE: &[Affine] = &[\n{}];\n",
                KEY_SHAPE,
                key,
                points_source(&table.points)
            );
        }
        src += "\n/// The table of an embedded trust-root key, found by its exact uncompressed point.\n\
                pub(super) fn embedded_key_table(point: &[u8]) -> Option<&'static [Affine]> {\n    \
                [\n";
        for i in 0..keys.len() {
            src += &format!("        (&KEY_{i}_POINT, KEY_{i}_TABLE),\n");
        }
        src += "    ]\n    .into_iter()\n    .find(|(p, _)| p.as_slice() == point)\n    .map(|(_, table)| table)\n}\n";
        #[cfg(feature = "std")]
        if std::env::var_os("EDGEVERIFY_WRITE_P384_TABLES").is_some() {
            let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/crypto/nistp384/tables.rs");
            std::fs::write(path, &src).unwrap();
        }
        assert!(
            src == include_str!("nistp384/tables.rs"),
            "tables.rs is stale: regenerate it (see this test's doc)"
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
        use crate::encoding::hex_decode;
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
            let doc: serde_json::Value = serde_json::from_str(json).unwrap();
            let mut seen = 0;
            let (mut valid, mut invalid) = (0, 0);
            for group in doc["testGroups"].as_array().unwrap() {
                assert_eq!(group["publicKey"]["curve"], "secp384r1");
                let point =
                    hex_decode(group["publicKey"]["uncompressed"].as_str().unwrap()).unwrap();
                let spki = hex_decode(group["publicKeyDer"].as_str().unwrap()).unwrap();
                let key = PublicKey::from_spki_der(&spki).unwrap();
                let table = KeyTable::build(&point).unwrap();
                for case in group["tests"].as_array().unwrap() {
                    seen += 1;
                    let id = &case["tcId"];
                    let msg = hex_decode(case["msg"].as_str().unwrap()).unwrap();
                    let sig = hex_decode(case["sig"].as_str().unwrap()).unwrap();
                    let expect = match case["result"].as_str().unwrap() {
                        "valid" => true,
                        "invalid" => false,
                        other => panic!("tcId {id}: unexpected result {other}"),
                    };
                    if expect {
                        valid += 1;
                    } else {
                        invalid += 1;
                    }
                    let digest = hash.digest(&msg);
                    let with_table = verify_prehashed(
                        &point,
                        digest.as_bytes(),
                        &sig,
                        core::slice::from_ref(&table),
                    );
                    assert_eq!(with_table, expect, "{hash:?} tcId {id} (key table)");
                    // The table built on the fly: through the product's dispatch (`PublicKey`)
                    // where it takes this hash, directly for SHA-512.
                    let on_the_fly = if hash == HashAlgorithm::Sha512 {
                        verify_prehashed(&point, digest.as_bytes(), &sig, &[])
                    } else {
                        key.verify(hash, &msg, &sig).is_ok()
                    };
                    assert_eq!(on_the_fly, expect, "{hash:?} tcId {id} (on the fly)");
                    #[cfg(feature = "ring")]
                    if hash != HashAlgorithm::Sha512 {
                        let alg = if hash == HashAlgorithm::Sha256 {
                            &ring::signature::ECDSA_P384_SHA256_ASN1
                        } else {
                            &ring::signature::ECDSA_P384_SHA384_ASN1
                        };
                        let ring_ok = ring::signature::UnparsedPublicKey::new(alg, &point)
                            .verify(&msg, &sig)
                            .is_ok();
                        assert_eq!(ring_ok, expect, "{hash:?} tcId {id}: ring disagrees");
                    }
                }
            }
            assert_eq!(seen, count, "{hash:?}: every vector of the file");
            assert!(
                valid > 100 && invalid > 300,
                "{hash:?}: {valid} valid, {invalid} invalid"
            );
        }
    }

    #[test]
    fn der_signatures_are_strict() {
        let good = [0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x02];
        assert_eq!(
            parse_der_signature(&good),
            Some(([1, 0, 0, 0, 0, 0], [2, 0, 0, 0, 0, 0]))
        );
        let high = [0x30, 0x07, 0x02, 0x02, 0x00, 0x80, 0x02, 0x01, 0x02];
        assert!(parse_der_signature(&high).is_some());
        for bad in [
            &[0x30, 0x07, 0x02, 0x01, 0x01, 0x02, 0x01, 0x02, 0x00][..], // trailing byte
            &[0x30, 0x81, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x02],     // long-form length
            &[0x30, 0x07, 0x02, 0x02, 0x00, 0x01, 0x02, 0x01, 0x02],     // padded
            &[0x30, 0x06, 0x02, 0x01, 0x81, 0x02, 0x01, 0x02],           // negative
            &[0x30, 0x05, 0x02, 0x00, 0x02, 0x01, 0x02],                 // empty integer
            &[0x31, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x02],           // SET
            &[0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x02, 0x02],           // short body
        ] {
            assert_eq!(parse_der_signature(bad), None, "{bad:02x?}");
        }
    }
}
