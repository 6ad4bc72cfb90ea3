//! Spec §3 step 0: what the stages check, read from the bundle and the caller before any of
//! them runs — the signer, the in-toto statement, the artifact digests.

use alloc::boxed::Box;
use alloc::vec::Vec;

use super::Artifact;
use crate::bundle::{Bundle, Content, SignerMaterial};
use crate::crypto::{Digest, HashAlgorithm, KeyType, PublicKey};
use crate::dsse::{Statement, IN_TOTO_PAYLOAD_TYPE};
use crate::error::{Error, SignerKind, Stage};
use crate::policy::Policy;
use crate::tlog::logged_digest_algorithm;
use crate::x509::Leaf;

/// What the stages check.
pub(super) struct Prepared<'p> {
    pub(super) signer: SignerKey<'p>,
    /// The in-toto statement of a DSSE bundle.
    pub(super) statement: Option<Statement>,
    /// The artifact's digests: SHA-256 always, plus every algorithm the evidence uses.
    pub(super) digests: Vec<Digest>,
}

/// The signer as established from the bundle and the policy.
pub(super) enum SignerKey<'p> {
    /// A certificate bundle, for an identity or SLSA policy: the parsed (not yet trusted) leaf.
    Certificate(Box<Leaf>),
    /// A key bundle, for a key policy: the caller's key.
    Key(&'p PublicKey),
}

impl SignerKey<'_> {
    pub(super) fn public_key(&self) -> &PublicKey {
        match self {
            Self::Certificate(leaf) => &leaf.public_key,
            Self::Key(key) => key,
        }
    }
}

/// Reads the bundle's signer and statement ([`Stage::Bundle`]: the bundle decides) and the
/// artifact digests ([`Stage::Input`]: the caller's arguments).
pub(super) fn prepare<'p>(
    bundle: &Bundle,
    artifact: Artifact<'_>,
    policy: &'p Policy,
) -> Result<Prepared<'p>, Error> {
    let signer = establish_signer(bundle, policy).map_err(|e| e.at(Stage::Bundle))?;
    let statement = read_statement(bundle).map_err(|e| e.at(Stage::Bundle))?;
    let digests = artifact_digests(
        bundle,
        artifact,
        policy,
        signer.public_key(),
        statement.as_ref(),
    )
    .map_err(|e| e.at(Stage::Input))?;
    Ok(Prepared {
        signer,
        statement,
        digests,
    })
}

/// Pairs the bundle's verification material with what the policy expects. A bundle of the
/// other kind is the bundle's answer to this policy: a denial, never an unusable argument.
fn establish_signer<'p>(bundle: &Bundle, policy: &'p Policy) -> Result<SignerKey<'p>, Error> {
    match (&bundle.signer, policy) {
        (SignerMaterial::Certificate(der), Policy::Identity(_) | Policy::Slsa(_)) => {
            Ok(SignerKey::Certificate(Box::new(Leaf::parse(der)?)))
        }
        (SignerMaterial::PublicKey, Policy::PublicKey(key)) => Ok(SignerKey::Key(key)),
        (SignerMaterial::Certificate(_), Policy::PublicKey(_)) => Err(Error::SignerKindMismatch {
            found: SignerKind::Certificate,
            expected: SignerKind::PublicKey,
        }),
        (SignerMaterial::PublicKey, Policy::Identity(_) | Policy::Slsa(_)) => {
            Err(Error::SignerKindMismatch {
                found: SignerKind::PublicKey,
                expected: SignerKind::Certificate,
            })
        }
    }
}

/// The statement of a DSSE bundle. Payload-type confusion is refused before anything else: only
/// in-toto statements are ever accepted.
fn read_statement(bundle: &Bundle) -> Result<Option<Statement>, Error> {
    match &bundle.content {
        Content::Dsse(env) => {
            if env.payload_type != IN_TOTO_PAYLOAD_TYPE {
                return Err(Error::DsseInvalid {
                    reason: "payload type is not application/vnd.in-toto+json",
                });
            }
            Statement::parse(&env.payload).map(Some)
        }
        Content::MessageSignature { .. } => Ok(None),
    }
}

/// The artifact digests the later stages need, computed once ([`evidence_algorithms`]).
/// Digests the caller supplied are taken as given; which of them the evidence needs is judged
/// by the stages that use them.
fn artifact_digests(
    bundle: &Bundle,
    artifact: Artifact<'_>,
    policy: &Policy,
    key: &PublicKey,
    statement: Option<&Statement>,
) -> Result<Vec<Digest>, Error> {
    let digests = match artifact {
        Artifact::Digests(given) => given_digests(given)?,
        Artifact::Bytes(bytes) => evidence_algorithms(bundle, Some(key), statement)
            .into_iter()
            .map(|alg| alg.digest(bytes))
            .collect(),
    };
    if matches!(policy, Policy::Slsa(_)) {
        require_sha256_for_slsa(&digests)?;
    }
    Ok(digests)
}

/// Digests the caller gave for an artifact: at least one, at most one per algorithm.
pub(super) fn given_digests(given: &[Digest]) -> Result<Vec<Digest>, Error> {
    let distinct = given.iter().enumerate().all(|(i, d)| {
        given
            .iter()
            .skip(i + 1)
            .all(|o| o.algorithm() != d.algorithm())
    });
    if given.is_empty() || !distinct {
        return Err(Error::InvalidInput {
            reason: "give at least one artifact digest, at most one per algorithm",
        });
    }
    Ok(given.to_vec())
}

/// slsa-verifier matches subjects by SHA-256 only; an SLSA policy needs the artifact's.
pub(super) fn require_sha256_for_slsa(digests: &[Digest]) -> Result<(), Error> {
    if digests
        .iter()
        .any(|d| d.algorithm() == HashAlgorithm::Sha256)
    {
        Ok(())
    } else {
        Err(Error::InvalidInput {
            reason: "SLSA verification needs the artifact's SHA-256",
        })
    }
}

/// Every algorithm in which the evidence may name the artifact, SHA-256 first, each once:
/// SHA-256 always (the reported digest, SLSA); for a message signature the bundle's
/// `messageDigest` algorithm, the algorithm each `hashedrekord` log entry records and the
/// signing key's hash; for DSSE every algorithm a statement subject uses (sigstore-go
/// `getHashFunctions`). `key` is the signer's key when it is known.
pub(super) fn evidence_algorithms(
    bundle: &Bundle,
    key: Option<&PublicKey>,
    statement: Option<&Statement>,
) -> Vec<HashAlgorithm> {
    let mut algs = alloc::vec![HashAlgorithm::Sha256];
    match &bundle.content {
        Content::MessageSignature { digest, .. } => {
            algs.extend(digest.map(|d| d.algorithm()));
            algs.extend(
                bundle
                    .tlog_entries
                    .iter()
                    .filter_map(logged_digest_algorithm),
            );
            algs.extend(
                key.filter(|k| k.key_type() != KeyType::Ed25519)
                    .map(PublicKey::default_hash),
            );
        }
        Content::Dsse(_) => {
            for s in statement.map(|s| s.subjects.as_slice()).unwrap_or_default() {
                algs.extend(s.digests.iter().map(Digest::algorithm));
            }
        }
    }
    let mut unique: Vec<HashAlgorithm> = Vec::with_capacity(algs.len());
    for alg in algs {
        if !unique.contains(&alg) {
            unique.push(alg);
        }
    }
    unique
}

/// The hash algorithms [`super::verify`] needs for `bundle` under `policy` when the artifact is
/// given by its digests, SHA-256 first: what a caller streaming a large file computes in its
/// one pass. Never fails: a bundle whose signer or statement does not parse gets SHA-256 (and
/// whatever else it names), and its verification then fails on its own error.
pub fn artifact_hash_algorithms(bundle: &Bundle, policy: &Policy) -> Vec<HashAlgorithm> {
    let leaf = match (&bundle.signer, policy) {
        (SignerMaterial::Certificate(der), Policy::Identity(_) | Policy::Slsa(_)) => {
            Leaf::parse(der).ok()
        }
        _ => None,
    };
    let key = match policy {
        Policy::PublicKey(key) => Some(key),
        Policy::Identity(_) | Policy::Slsa(_) => leaf.as_ref().map(|l| &l.public_key),
    };
    let statement = read_statement(bundle).ok().flatten();
    evidence_algorithms(bundle, key, statement.as_ref())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{ErrorClass, SignerKind};
    use crate::policy::CertificateIdentity;
    use crate::verify::stages::tests::{conformance_bundle, MANAGED_KEY};

    fn identity() -> Policy {
        Policy::Identity(CertificateIdentity::exact("a@b.c", "https://issuer").unwrap())
    }

    #[test]
    fn a_bundle_of_the_other_signer_kind_is_a_denial_at_the_bundle_stage() {
        let key = Policy::PublicKey(PublicKey::from_pem(MANAGED_KEY).unwrap());
        let cert_bundle = conformance_bundle("happy-path-v0.3");
        let key_bundle = conformance_bundle("managed-key-happy-path");
        let digest = [HashAlgorithm::Sha256.digest(b"x")];
        for (bundle, policy, found) in [
            (&cert_bundle, &key, SignerKind::Certificate),
            (&key_bundle, &identity(), SignerKind::PublicKey),
        ] {
            let err = prepare(bundle, Artifact::Digests(&digest), policy)
                .err()
                .unwrap();
            assert_eq!(err.stage(), Stage::Bundle);
            assert_eq!(err.class(), ErrorClass::Denied);
            assert!(matches!(
                err.cause(),
                Error::SignerKindMismatch { found: f, .. } if *f == found
            ));
        }
    }

    #[test]
    fn unusable_digest_arguments_decide_nothing() {
        let bundle = conformance_bundle("happy-path-v0.3");
        let sha = HashAlgorithm::Sha256.digest(b"x");
        for given in [&[][..], &[sha, sha][..]] {
            let err = prepare(&bundle, Artifact::Digests(given), &identity())
                .err()
                .unwrap();
            assert_eq!(err.stage(), Stage::Input);
            assert_eq!(err.class(), ErrorClass::Undecided);
        }
    }

    #[test]
    fn bytes_are_hashed_with_every_algorithm_the_evidence_uses() {
        let bundle = conformance_bundle("happy-path-v0.3");
        let policy = identity();
        let prepared = prepare(&bundle, Artifact::Bytes(b"x"), &policy).unwrap();
        assert_eq!(prepared.digests, [HashAlgorithm::Sha256.digest(b"x")]);
        assert!(matches!(prepared.signer, SignerKey::Certificate(_)));
        assert!(prepared.statement.is_none());
        let dsse = conformance_bundle("happy-path-intoto-in-dsse-v3");
        let prepared = prepare(&dsse, Artifact::Bytes(b"x"), &policy).unwrap();
        assert!(!prepared.statement.unwrap().subjects.is_empty());
    }
}
