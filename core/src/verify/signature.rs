//! §9 Signature (sigstore-go `signature.go`): "The Verifier MUST verify the provided signature
//! for the constructed payload against the key in the leaf of the certificate chain."

use alloc::vec::Vec;

use super::prepare::Prepared;
use super::Artifact;
use crate::bundle::{Bundle, Content};
use crate::crypto::{Digest, HashAlgorithm, KeyType, PublicKey, SignatureError};
use crate::dsse::{self, Subject};
use crate::error::Error;

/// A message signature over the artifact (or a prehashed one over its digest), or the DSSE
/// signature over the PAE followed by the in-toto subject match (spec §9.1, §9.2). Returns the
/// artifact digest the evidence was matched on: the digest the message signature covers, or
/// the statement subject's digest that equals the artifact's.
pub(super) fn verify_signature(
    bundle: &Bundle,
    artifact: Artifact<'_>,
    prepared: &Prepared<'_>,
) -> Result<Digest, Error> {
    let key = prepared.signer.public_key();
    let digests = &prepared.digests;
    match &bundle.content {
        // The bundle's `messageDigest` is a hint. The transparency-log stage has bound it to
        // the logged digest and that to the artifact (sigstore-go's and sigstore-python's
        // rules); it is not consulted here, so the artifact and its digest get the same answer.
        Content::MessageSignature { signature, .. } => {
            verify_message_signature(key, artifact, digests, signature)
        }
        Content::Dsse(env) => {
            let pae = dsse::pae(&env.payload_type, &env.payload);
            verify_with_compat(key, &pae, &env.signature)?;
            let statement = prepared.statement.as_ref().ok_or(Error::DsseInvalid {
                reason: "missing statement",
            })?;
            match_subjects(&statement.subjects, digests)
        }
    }
}

/// The in-toto subject match of §9.2 alone: some subject names the artifact (sigstore-go's
/// rule, [`matching_subject_digest`]). Returns that subject's digest.
pub(super) fn match_subjects(subjects: &[Subject], digests: &[Digest]) -> Result<Digest, Error> {
    matching_subject_digest(subjects, digests).ok_or_else(|| unmatched_subjects(subjects, digests))
}

/// ECDSA keys sign with their default hash; for P-384, signatures over SHA-256 from older
/// clients are accepted too (sigstore-go's compatibility fallback for bundles ≤ v0.3).
/// Returns the hash the signature was made with.
fn verify_with_compat(
    key: &PublicKey,
    message: &[u8],
    signature: &[u8],
) -> Result<HashAlgorithm, Error> {
    let preferred = key.default_hash();
    match key.verify(preferred, message, signature) {
        Ok(()) => Ok(preferred),
        Err(SignatureError::Invalid) if key.key_type() == KeyType::EcdsaP384 => key
            .verify(HashAlgorithm::Sha256, message, signature)
            .map(|()| HashAlgorithm::Sha256)
            .map_err(signature_error),
        Err(e) => Err(signature_error(e)),
    }
}

fn signature_error(e: SignatureError) -> Error {
    match e {
        SignatureError::Invalid => Error::SignatureInvalid,
        SignatureError::Unsupported => Error::UnsupportedAlgorithm {
            what: "signature scheme for this key",
        },
    }
}

fn verify_message_signature(
    key: &PublicKey,
    artifact: Artifact<'_>,
    digests: &[Digest],
    signature: &[u8],
) -> Result<Digest, Error> {
    if key.key_type() == KeyType::Ed25519 {
        // hashedrekord signs Ed25519 message signatures as Ed25519ph, which ring lacks.
        return Err(Error::UnsupportedAlgorithm {
            what: "Ed25519 message signatures (Ed25519ph)",
        });
    }
    match artifact {
        Artifact::Bytes(bytes) => {
            let alg = verify_with_compat(key, bytes, signature)?;
            // Prepared with every algorithm the key may have used; computed here otherwise.
            Ok(digests
                .iter()
                .find(|d| d.algorithm() == alg)
                .copied()
                .unwrap_or_else(|| alg.digest(bytes)))
        }
        Artifact::Digests(_) => {
            let preferred = key.default_hash();
            let candidates = digests
                .iter()
                .filter(|d| {
                    d.algorithm() == preferred
                        || (key.key_type() == KeyType::EcdsaP384
                            && d.algorithm() == HashAlgorithm::Sha256)
                })
                .collect::<Vec<_>>();
            if candidates.is_empty() {
                // The signing key (the evidence) decides which digest it signed.
                return Err(Error::ArtifactDigestMissing {
                    algorithm: preferred,
                    needed_by: "signing key",
                });
            }
            let mut last = SignatureError::Invalid;
            for d in candidates {
                match key.verify_prehashed(d, signature) {
                    Ok(()) => return Ok(*d),
                    Err(e) => last = e,
                }
            }
            Err(signature_error(last))
        }
    }
}

/// Why no subject matched: the statement names the artifact in no algorithm that was given
/// (the evidence needs another digest: the statement's strongest), or it names another
/// artifact.
fn unmatched_subjects(subjects: &[Subject], artifact: &[Digest]) -> Error {
    let named = |alg: HashAlgorithm| {
        subjects
            .iter()
            .any(|s| s.digests.iter().any(|d| d.algorithm() == alg))
    };
    let comparable = artifact.iter().any(|a| named(a.algorithm()));
    let needed = [
        HashAlgorithm::Sha512,
        HashAlgorithm::Sha384,
        HashAlgorithm::Sha256,
    ]
    .into_iter()
    .find(|&alg| named(alg));
    match needed {
        Some(algorithm) if !comparable => Error::ArtifactDigestMissing {
            algorithm,
            needed_by: "in-toto statement subjects",
        },
        _ => Error::ArtifactDigestMismatch {
            against: "in-toto statement subjects",
        },
    }
}

/// sigstore-go's rule: for each subject take its strongest digest we can compare; some
/// subject must match the artifact. Returns that subject digest.
fn matching_subject_digest(subjects: &[Subject], artifact: &[Digest]) -> Option<Digest> {
    let strength = |a: HashAlgorithm| match a {
        HashAlgorithm::Sha256 => 1,
        HashAlgorithm::Sha384 => 2,
        HashAlgorithm::Sha512 => 3,
    };
    subjects.iter().find_map(|s| {
        s.digests
            .iter()
            .filter(|d| artifact.iter().any(|a| a.algorithm() == d.algorithm()))
            .max_by_key(|d| strength(d.algorithm()))
            .filter(|d| artifact.contains(d))
            .copied()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::PublicKey;
    use crate::policy::Policy;
    use crate::verify::prepare::prepare;
    use crate::verify::stages::tests::{
        conformance_bundle, identity_policy, with_message_digest, A_TXT, MANAGED_KEY,
    };

    fn check(bundle: &Bundle, artifact: Artifact<'_>, policy: &Policy) -> Result<(), Error> {
        let prepared = prepare(bundle, artifact, policy)?;
        verify_signature(bundle, artifact, &prepared).map(|_| ())
    }

    #[test]
    fn message_signatures_verify_from_bytes_or_digest() {
        let bundle = conformance_bundle("happy-path-v0.3");
        let policy = identity_policy();
        check(&bundle, Artifact::Bytes(A_TXT), &policy).unwrap();
        let sha256 = [HashAlgorithm::Sha256.digest(A_TXT)];
        check(&bundle, Artifact::Digests(&sha256), &policy).unwrap();
        for other in [
            Artifact::Bytes(b"not a.txt"),
            Artifact::Digests(&[HashAlgorithm::Sha256.digest(b"not a.txt")]),
        ] {
            assert_eq!(check(&bundle, other, &policy), Err(Error::SignatureInvalid));
        }
        // The P-256 key signed the SHA-256 digest: another one cannot be checked.
        assert_eq!(
            check(
                &bundle,
                Artifact::Digests(&[HashAlgorithm::Sha384.digest(A_TXT)]),
                &policy
            ),
            Err(Error::ArtifactDigestMissing {
                algorithm: HashAlgorithm::Sha256,
                needed_by: "signing key"
            })
        );
    }

    #[test]
    fn the_hint_is_not_consulted_so_both_modes_agree() {
        // A hint naming SHA-512: the transparency-log stage refuses it (it contradicts the
        // log); this stage, judging the signature only, accepts the artifact in both modes.
        let bundle =
            with_message_digest("SHA2_512", HashAlgorithm::Sha512.digest(A_TXT).as_bytes());
        let policy = identity_policy();
        check(&bundle, Artifact::Bytes(A_TXT), &policy).unwrap();
        check(
            &bundle,
            Artifact::Digests(&[HashAlgorithm::Sha256.digest(A_TXT)]),
            &policy,
        )
        .unwrap();
    }

    #[test]
    fn dsse_signature_then_subject() {
        let bundle = conformance_bundle("happy-path-intoto-in-dsse-v3");
        let policy = identity_policy();
        check(&bundle, Artifact::Bytes(A_TXT), &policy).unwrap();
        assert_eq!(
            check(&bundle, Artifact::Bytes(b"not a.txt"), &policy),
            Err(Error::ArtifactDigestMismatch {
                against: "in-toto statement subjects"
            })
        );
        let mut forged = bundle.clone();
        if let Content::Dsse(env) = &mut forged.content {
            env.signature[10] ^= 1;
        }
        assert_eq!(
            check(&forged, Artifact::Bytes(A_TXT), &policy),
            Err(Error::SignatureInvalid)
        );
    }

    #[test]
    fn a_digest_the_statement_does_not_use_says_which_one_it_needs() {
        let bundle = conformance_bundle("happy-path-intoto-in-dsse-v3");
        let policy = identity_policy();
        // The statement names a.txt by SHA-256 only.
        assert_eq!(
            check(
                &bundle,
                Artifact::Digests(&[HashAlgorithm::Sha512.digest(A_TXT)]),
                &policy
            ),
            Err(Error::ArtifactDigestMissing {
                algorithm: HashAlgorithm::Sha256,
                needed_by: "in-toto statement subjects"
            })
        );
        // Given the algorithm it uses, another artifact is a plain mismatch.
        assert_eq!(
            check(
                &bundle,
                Artifact::Digests(&[
                    HashAlgorithm::Sha512.digest(A_TXT),
                    HashAlgorithm::Sha256.digest(b"other")
                ]),
                &policy
            ),
            Err(Error::ArtifactDigestMismatch {
                against: "in-toto statement subjects"
            })
        );
    }

    #[test]
    fn a_key_bundle_verifies_with_its_key() {
        let bundle = conformance_bundle("managed-key-happy-path");
        let policy = Policy::PublicKey(PublicKey::from_pem(MANAGED_KEY).unwrap());
        check(&bundle, Artifact::Bytes(A_TXT), &policy).unwrap();
        assert_eq!(
            check(&bundle, Artifact::Bytes(b"not a.txt"), &policy).map_err(|e| e.is_denial()),
            Err(true)
        );
    }
}
