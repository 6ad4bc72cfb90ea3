//! The orchestrator: runs every stage in the order of the Sigstore client specification and
//! returns a [`VerifiedBundle`] only when all of them pass.

use alloc::string::String;
use alloc::vec::Vec;

use crate::bundle::{Bundle, Content, SignerMaterial};
use crate::crypto::{Digest, HashAlgorithm, KeyType, PublicKey, SignatureError};
use crate::ct;
use crate::dsse::{self, Statement, IN_TOTO_PAYLOAD_TYPE};
use crate::error::{Error, Stage};
use crate::policy::Policy;
use crate::slsa::{self, VerifiedProvenance};
use crate::time::UnixTime;
use crate::tlog::{self, Binding, BoundContent, Signer};
use crate::trust_root::TrustRoot;
use crate::tsa;
use crate::x509::{FulcioExtensions, Leaf};

/// Distinct trusted transparency logs that must vouch for the signature.
const TLOG_THRESHOLD: usize = 1;
/// Distinct trusted CT logs whose SCT must verify.
const SCT_THRESHOLD: usize = 1;

/// The artifact the bundle is supposed to cover.
#[derive(Clone, Copy, Debug)]
pub enum Artifact<'a> {
    /// The artifact's bytes.
    Bytes(&'a [u8]),
    /// Digests of the artifact computed by the caller (for example while streaming a large
    /// file; SHA-256, plus the bundle's [`Bundle::message_digest_algorithm`] if it differs).
    /// A message signature can then be checked only with an ECDSA key, and a log entry or
    /// statement that records an algorithm not supplied cannot be matched.
    Digests(&'a [Digest]),
}

/// A bundle that passed every check, with the facts a caller may report or act on.
#[derive(Clone, Debug)]
pub struct VerifiedBundle {
    identity: Option<String>,
    issuer: Option<String>,
    extensions: FulcioExtensions,
    log_entries: Vec<VerifiedLogEntry>,
    verified_times: Vec<UnixTime>,
    artifact_sha256: Option<Digest>,
    payload: Option<(String, Vec<u8>)>,
    provenance: Option<VerifiedProvenance>,
}

/// A transparency-log entry whose evidence verified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedLogEntry {
    /// The log's ID as in the trust root.
    pub log_id: Vec<u8>,
    /// The entry's index in the log.
    pub log_index: u64,
    /// When the log integrated the entry, if a signed entry timestamp vouched for it.
    pub integrated_time: Option<UnixTime>,
}

impl VerifiedBundle {
    /// The signer's identity (certificate SAN: URI, else e-mail); `None` for key bundles.
    pub fn identity(&self) -> Option<&str> {
        self.identity.as_deref()
    }

    /// The OIDC issuer from the certificate; `None` for key bundles.
    pub fn issuer(&self) -> Option<&str> {
        self.issuer.as_deref()
    }

    /// The Fulcio extensions of the signing certificate (empty for key bundles).
    pub fn fulcio_extensions(&self) -> &FulcioExtensions {
        &self.extensions
    }

    /// The verified transparency-log entries.
    pub fn log_entries(&self) -> &[VerifiedLogEntry] {
        &self.log_entries
    }

    /// Every verified time (signed entry timestamps and RFC 3161 timestamps), ascending.
    pub fn verified_times(&self) -> &[UnixTime] {
        &self.verified_times
    }

    /// The earliest integrated time vouched for by a signed entry timestamp.
    pub fn integrated_time(&self) -> Option<UnixTime> {
        self.log_entries
            .iter()
            .filter_map(|e| e.integrated_time)
            .min()
    }

    /// SHA-256 of the artifact, when it was known or computed.
    pub fn artifact_sha256(&self) -> Option<&Digest> {
        self.artifact_sha256.as_ref()
    }

    /// For DSSE bundles: the payload type and the verified payload (the in-toto statement).
    pub fn payload(&self) -> Option<(&str, &[u8])> {
        self.payload
            .as_ref()
            .map(|(t, p)| (t.as_str(), p.as_slice()))
    }

    /// For SLSA policies: the verified provenance.
    pub fn provenance(&self) -> Option<&VerifiedProvenance> {
        self.provenance.as_ref()
    }
}

/// The signer as established from the bundle and the policy.
enum SignerKey<'a> {
    Certificate(alloc::boxed::Box<Leaf>),
    Key(&'a PublicKey),
}

impl SignerKey<'_> {
    fn public_key(&self) -> &PublicKey {
        match self {
            Self::Certificate(leaf) => &leaf.public_key,
            Self::Key(key) => key,
        }
    }
}

/// Verifies `bundle` for `artifact` against the trust material in `root` and the caller's
/// `policy`. Time comes only from the evidence: there is no clock.
pub fn verify(
    root: &TrustRoot,
    bundle: &Bundle,
    artifact: Artifact<'_>,
    policy: &Policy,
) -> Result<VerifiedBundle, Error> {
    verify_probed(root, bundle, artifact, policy, &mut |_| {})
}

/// [`verify`], calling `probe` after each stage with the stage just finished. Benchmarks read
/// a clock there (this crate has none); not part of the API (`edgeverify_core::__bench`).
#[doc(hidden)]
pub fn verify_probed(
    root: &TrustRoot,
    bundle: &Bundle,
    artifact: Artifact<'_>,
    policy: &Policy,
    probe: &mut dyn FnMut(Stage),
) -> Result<VerifiedBundle, Error> {
    let signer = establish_signer(bundle, policy)?;
    let statement = match &bundle.content {
        Content::Dsse(env) => {
            // Payload-type confusion: only in-toto statements are ever accepted.
            if env.payload_type != IN_TOTO_PAYLOAD_TYPE {
                return Err(Error::DsseInvalid {
                    reason: "payload type is not application/vnd.in-toto+json",
                });
            }
            Some(Statement::parse(&env.payload)?)
        }
        Content::MessageSignature { .. } => None,
    };
    let digests = artifact_digests(bundle, artifact, signer.public_key(), statement.as_ref())?;

    // 1. Transparency log: every entry from a trusted log verifies and describes this bundle.
    let binding = Binding {
        signature: bundle.signature_bytes(),
        signer: match &signer {
            SignerKey::Certificate(leaf) => Signer::Certificate(&leaf.der),
            SignerKey::Key(key) => Signer::Key(key),
        },
        content: match &bundle.content {
            Content::MessageSignature { .. } => BoundContent::Message(&digests),
            Content::Dsse(env) => BoundContent::Dsse(env),
        },
    };
    probe(Stage::Input);
    let entries = tlog::verify_entries(bundle, root, &binding)?;
    let mut logs: Vec<&[u8]> = entries.iter().map(|e| e.log_id.as_slice()).collect();
    logs.sort_unstable();
    logs.dedup();
    if logs.len() < TLOG_THRESHOLD {
        return Err(Error::TlogThresholdNotMet {
            verified: logs.len(),
            required: TLOG_THRESHOLD,
        });
    }

    // 2. Verified times: integrated times backed by a SET (one per log) and RFC 3161
    //    timestamps (one per authority). Rekor v2 provides no time.
    probe(Stage::TransparencyLog);
    let verified_times = establish_times(bundle, root, &entries)?;
    probe(Stage::Time);

    // 3–4. Certificate: chains to a trusted CA and is valid at *every* verified time; its
    //      embedded SCT verifies against a trusted CT log.
    if let SignerKey::Certificate(leaf) = &signer {
        verify_certificate(leaf, root, bundle, &verified_times)?;
    }
    probe(Stage::Certificate);

    // 5. Signature over the artifact, or DSSE signature plus statement subject.
    verify_signature(
        bundle,
        artifact,
        &digests,
        signer.public_key(),
        statement.as_ref(),
    )?;
    probe(Stage::Signature);

    // 6. Policy.
    let (identity, issuer, extensions) = match &signer {
        SignerKey::Certificate(leaf) => (
            leaf.identity.clone(),
            leaf.oidc_issuer()?.map(String::from),
            leaf.extensions.clone(),
        ),
        SignerKey::Key(_) => (None, None, FulcioExtensions::default()),
    };
    let mut provenance = None;
    match policy {
        Policy::Identity(expected) => expected.check(identity.as_deref(), issuer.as_deref())?,
        Policy::PublicKey(_) => {}
        Policy::Slsa(slsa_policy) => {
            let (Content::Dsse(env), SignerKey::Certificate(leaf)) = (&bundle.content, &signer)
            else {
                return Err(Error::DsseInvalid {
                    reason: "SLSA provenance must be a DSSE envelope signed with a certificate",
                });
            };
            let sha256 = digests
                .iter()
                .find(|d| d.algorithm() == HashAlgorithm::Sha256)
                .and_then(|d| <&[u8; 32]>::try_from(d.as_bytes()).ok())
                .ok_or(Error::InvalidInput {
                    reason: "SLSA verification needs the artifact's SHA-256",
                })?;
            let claims = certificate_claims(leaf);
            provenance = Some(
                slsa::verify_provenance(
                    &env.payload_type,
                    &env.payload,
                    &claims,
                    sha256,
                    slsa_policy,
                )
                .map_err(Error::Provenance)?,
            );
        }
    }

    probe(Stage::Identity);
    Ok(VerifiedBundle {
        identity,
        issuer,
        extensions,
        log_entries: entries
            .into_iter()
            .map(|e| VerifiedLogEntry {
                log_id: e.log_id,
                log_index: e.log_index,
                integrated_time: e.integrated_time,
            })
            .collect(),
        verified_times,
        artifact_sha256: digests
            .iter()
            .find(|d| d.algorithm() == HashAlgorithm::Sha256)
            .copied(),
        payload: match &bundle.content {
            Content::Dsse(env) => Some((env.payload_type.clone(), env.payload.clone())),
            Content::MessageSignature { .. } => None,
        },
        provenance,
    })
}

/// The Fulcio facts the SLSA policy judges, taken from the verified leaf only.
fn certificate_claims(leaf: &Leaf) -> slsa::CertificateClaims {
    let ext = |arc| leaf.extensions.get(arc).map(String::from);
    slsa::CertificateClaims {
        san_uri: leaf.first_uri.clone(),
        issuer: ext(8),
        issuer_v1: ext(1),
        github_workflow_trigger: ext(2),
        github_workflow_sha: ext(3),
        github_workflow_repository: ext(5),
        source_repository_uri: ext(12),
        source_repository_digest: ext(13),
        build_config_uri: ext(18),
        build_config_digest: ext(19),
        build_trigger: ext(20),
    }
}

/// Pairs the bundle's verification material with what the policy expects.
fn establish_signer<'p>(bundle: &Bundle, policy: &'p Policy) -> Result<SignerKey<'p>, Error> {
    match (&bundle.signer, policy) {
        (SignerMaterial::Certificate(der), Policy::Identity(_) | Policy::Slsa(_)) => Ok(
            SignerKey::Certificate(alloc::boxed::Box::new(Leaf::parse(der)?)),
        ),
        (SignerMaterial::PublicKey, Policy::PublicKey(key)) => Ok(SignerKey::Key(key)),
        (SignerMaterial::Certificate(_), Policy::PublicKey(_)) => Err(Error::InvalidInput {
            reason:
                "the bundle is signed with a certificate: verify it with an identity, not a key",
        }),
        (SignerMaterial::PublicKey, _) => Err(Error::InvalidInput {
            reason: "the bundle is signed with a self-managed key: verify it with that key",
        }),
    }
}

/// The artifact digests the later stages need, computed once.
fn artifact_digests(
    bundle: &Bundle,
    artifact: Artifact<'_>,
    key: &PublicKey,
    statement: Option<&Statement>,
) -> Result<Vec<Digest>, Error> {
    match artifact {
        Artifact::Digests(given) => {
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
        Artifact::Bytes(bytes) => {
            let mut algs = alloc::vec![HashAlgorithm::Sha256];
            match &bundle.content {
                Content::MessageSignature { digest, .. } => {
                    algs.extend(digest.map(|d| d.algorithm()));
                    if key.key_type() != KeyType::Ed25519 {
                        algs.push(key.default_hash());
                    }
                }
                Content::Dsse(_) => {
                    for s in statement.map(|s| s.subjects.as_slice()).unwrap_or_default() {
                        algs.extend(s.digests.iter().map(Digest::algorithm));
                    }
                }
            }
            let mut out: Vec<Digest> = Vec::new();
            for alg in algs {
                if !out.iter().any(|d| d.algorithm() == alg) {
                    out.push(alg.digest(bytes));
                }
            }
            Ok(out)
        }
    }
}

fn establish_times(
    bundle: &Bundle,
    root: &TrustRoot,
    entries: &[tlog::VerifiedEntry],
) -> Result<Vec<UnixTime>, Error> {
    let mut times = Vec::new();
    let mut seen_logs: Vec<&[u8]> = Vec::new();
    for e in entries {
        if let Some(t) = e.integrated_time {
            if !seen_logs.contains(&e.log_id.as_slice()) {
                seen_logs.push(&e.log_id);
                times.push(t);
            }
        }
    }
    let signature = bundle.signature_bytes();
    let mut seen_authorities = Vec::new();
    for (i, ts) in bundle.timestamps.iter().enumerate() {
        if bundle
            .timestamps
            .iter()
            .skip(i + 1)
            .any(|other| other == ts)
        {
            return Err(Error::BundleInvalid {
                reason: "duplicate RFC 3161 timestamps",
            });
        }
        let verified = tsa::verify_timestamp(ts, signature, root)?;
        if !seen_authorities.contains(&verified.authority) {
            seen_authorities.push(verified.authority);
            times.push(verified.time);
        }
    }
    if times.is_empty() {
        return Err(Error::NoVerifiedTime);
    }
    times.sort_unstable();
    Ok(times)
}

fn verify_certificate(
    leaf: &Leaf,
    root: &TrustRoot,
    bundle: &Bundle,
    verified_times: &[UnixTime],
) -> Result<(), Error> {
    leaf.check_code_signing_profile()?;
    // v0.1/v0.2 producers (sigstore-go, slsa-github-generator) bundle the Fulcio intermediate
    // and root after the leaf. They are never used; but a certificate the trust root does not
    // hold is a producer trying to supply its own anchor, and is refused.
    let trusted = |der: &Vec<u8>| {
        root.certificate_authorities
            .iter()
            .any(|ca| ca.chain.iter().any(|c| c == der))
    };
    if !bundle.bundled_chain.iter().all(trusted) {
        return Err(Error::CertificateInvalid {
            reason: "bundle carries a CA certificate that is not in the trust root",
        });
    }
    // Unverified integrated times are no evidence, but one outside the certificate's life is
    // a contradiction worth refusing (as sigstore-go does).
    for e in bundle
        .tlog_entries
        .iter()
        // Entries from logs the trust root does not know were skipped; they count for nothing.
        .filter(|e| e.integrated_time != 0 && root.tlog_by_id(&e.log_id).is_some())
    {
        let t = UnixTime::from_secs(e.integrated_time);
        if !leaf.valid_at(t) {
            return Err(Error::CertificateChainInvalid {
                at: t.as_secs(),
                reason: "integrated time outside the signing certificate's validity",
            });
        }
    }
    let mut first_chain = None;
    for &t in verified_times {
        if !leaf.valid_at(t) {
            return Err(Error::CertificateChainInvalid {
                at: t.as_secs(),
                reason: "signing certificate not valid at this verified time",
            });
        }
        let chain = leaf.verify_chain_at(&root.certificate_authorities, t)?;
        first_chain.get_or_insert(chain);
    }
    let chain = first_chain.ok_or(Error::NoVerifiedTime)?;
    let verified_logs = ct::verify_embedded_scts(leaf, &chain, root)?;
    if verified_logs < SCT_THRESHOLD {
        return Err(Error::SctInvalid {
            reason: "no SCT from a trusted CT log",
        });
    }
    Ok(())
}

fn verify_signature(
    bundle: &Bundle,
    artifact: Artifact<'_>,
    digests: &[Digest],
    key: &PublicKey,
    statement: Option<&Statement>,
) -> Result<(), Error> {
    match &bundle.content {
        Content::MessageSignature { digest, signature } => {
            // The bundle's digest is a hint; when present it must agree with the artifact.
            if let Some(hint) = digest {
                let known = digests
                    .iter()
                    .find(|d| d.algorithm() == hint.algorithm())
                    .ok_or(Error::InvalidInput {
                        reason: "bundle digest algorithm differs from the supplied digest",
                    })?;
                if known != hint {
                    return Err(Error::ArtifactDigestMismatch {
                        against: "bundle message digest",
                    });
                }
            }
            verify_message_signature(key, artifact, digests, signature)
        }
        Content::Dsse(env) => {
            let pae = dsse::pae(&env.payload_type, &env.payload);
            verify_with_compat(key, &pae, &env.signature)?;
            let statement = statement.ok_or(Error::DsseInvalid {
                reason: "missing statement",
            })?;
            if subject_matches(statement, digests) {
                Ok(())
            } else {
                Err(Error::ArtifactDigestMismatch {
                    against: "in-toto statement subjects",
                })
            }
        }
    }
}

/// ECDSA keys sign with their default hash; for P-384, signatures over SHA-256 from older
/// clients are accepted too (sigstore-go's compatibility fallback for bundles ≤ v0.3).
fn verify_with_compat(key: &PublicKey, message: &[u8], signature: &[u8]) -> Result<(), Error> {
    let primary = key.verify(key.default_hash(), message, signature);
    let result = match primary {
        Err(SignatureError::Invalid) if key.key_type() == KeyType::EcdsaP384 => {
            key.verify(HashAlgorithm::Sha256, message, signature)
        }
        other => other,
    };
    result.map_err(signature_error)
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
) -> Result<(), Error> {
    if key.key_type() == KeyType::Ed25519 {
        // hashedrekord signs Ed25519 message signatures as Ed25519ph, which ring lacks.
        return Err(Error::UnsupportedAlgorithm {
            what: "Ed25519 message signatures (Ed25519ph)",
        });
    }
    match artifact {
        Artifact::Bytes(bytes) => verify_with_compat(key, bytes, signature),
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
                return Err(Error::InvalidInput {
                    reason: "the supplied digest's algorithm does not fit the signing key",
                });
            }
            let mut last = SignatureError::Invalid;
            for d in candidates {
                match key.verify_prehashed(d, signature) {
                    Ok(()) => return Ok(()),
                    Err(e) => last = e,
                }
            }
            Err(signature_error(last))
        }
    }
}

/// sigstore-go's rule: for each subject take its strongest digest we can compare; some
/// subject must match the artifact.
fn subject_matches(statement: &Statement, artifact: &[Digest]) -> bool {
    let strength = |a: HashAlgorithm| match a {
        HashAlgorithm::Sha256 => 1,
        HashAlgorithm::Sha384 => 2,
        HashAlgorithm::Sha512 => 3,
    };
    statement.subjects.iter().any(|s| {
        s.digests
            .iter()
            .filter(|d| artifact.iter().any(|a| a.algorithm() == d.algorithm()))
            .max_by_key(|d| strength(d.algorithm()))
            .is_some_and(|d| artifact.iter().any(|a| a == d))
    })
}
