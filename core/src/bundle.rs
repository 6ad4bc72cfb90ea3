//! Sigstore bundles v0.1–v0.3 (`dev.sigstore.bundle.v1.Bundle`, proto3 JSON): parsed strictly
//! into typed parts. This stage judges structure only, never trust.

use alloc::string::String;
use alloc::vec::Vec;

use serde::Deserialize;

use crate::crypto::{Digest, HashAlgorithm};
use crate::encoding::{Base64Bytes, JsonU64};
use crate::error::{Document, Error, Stage};
use crate::json::{self, Bounded};
use crate::limits;

/// The bundle format version, from its media type.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum BundleVersion {
    /// `application/vnd.dev.sigstore.bundle+json;version=0.1`
    V0_1,
    /// `application/vnd.dev.sigstore.bundle+json;version=0.2`
    V0_2,
    /// `application/vnd.dev.sigstore.bundle.v0.3+json` (or the `+json;version=0.3` alias)
    V0_3,
}

impl BundleVersion {
    fn from_media_type(media_type: &str) -> Option<Self> {
        match media_type {
            "application/vnd.dev.sigstore.bundle+json;version=0.1" => Some(Self::V0_1),
            "application/vnd.dev.sigstore.bundle+json;version=0.2" => Some(Self::V0_2),
            "application/vnd.dev.sigstore.bundle+json;version=0.3"
            | "application/vnd.dev.sigstore.bundle.v0.3+json" => Some(Self::V0_3),
            _ => None,
        }
    }
}

/// A parsed, structurally valid Sigstore bundle. Nothing in it is trusted yet.
#[derive(Clone, Debug)]
pub struct Bundle {
    pub(crate) version: BundleVersion,
    pub(crate) signer: SignerMaterial,
    /// v0.1/v0.2 chain certificates after the leaf. Never used to build a path: anchors
    /// come only from the trust root; see `verify` for how they are judged.
    pub(crate) bundled_chain: Vec<Vec<u8>>,
    pub(crate) tlog_entries: Vec<TlogEntry>,
    /// DER `TimeStampResp` values.
    pub(crate) timestamps: Vec<Vec<u8>>,
    pub(crate) content: Content,
}

/// Who signed, as the bundle claims it.
#[derive(Clone, Debug)]
pub(crate) enum SignerMaterial {
    /// A DER X.509 leaf certificate (v0.3 `certificate`, or the first of a v0.1/v0.2 chain;
    /// further chain certificates are never trusted and never used).
    Certificate(Vec<u8>),
    /// A self-managed key; the hint is unauthenticated and unused.
    PublicKey,
}

/// What was signed.
#[derive(Clone, Debug)]
pub(crate) enum Content {
    MessageSignature {
        /// The producer's claim of the artifact digest: a hint to be checked, never trusted.
        digest: Option<Digest>,
        signature: Vec<u8>,
    },
    Dsse(Envelope),
}

/// A DSSE envelope with its single signature.
#[derive(Clone, Debug)]
pub(crate) struct Envelope {
    pub(crate) payload_type: String,
    pub(crate) payload: Vec<u8>,
    pub(crate) signature: Vec<u8>,
    /// The envelope exactly as it was logged and stored, when it came as a document of its own
    /// (a legacy cosign attestation layer): log entries record its hash, and cosign's RFC 3161
    /// timestamps cover it. `None` inside a bundle.
    pub(crate) serialized: Option<Vec<u8>>,
}

/// The kinds of transparency-log entries we can bind to a bundle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum EntryKind {
    /// Rekor v1 `hashedrekord` 0.0.1.
    HashedRekordV001,
    /// Rekor v1 `dsse` 0.0.1.
    DsseV001,
    /// Rekor v1 `intoto` 0.0.2.
    IntotoV002,
    /// Rekor v2 `hashedrekord` 0.0.2.
    HashedRekordV002,
    /// Rekor v2 `dsse` 0.0.2 (logged Oct 2025 – Jun 2026, since dropped by rekor-tiles).
    DsseV002,
    /// Rekor v1 `intoto` 0.0.1: legacy cosign attestations only (never from a bundle's
    /// `kindVersion`; sigstore-go does not bind it). Its body records the hash of the whole
    /// envelope and the signer, not the signature.
    IntotoV001,
    /// Rekor v1 `rekord` 0.0.1: legacy cosign signatures only (never from a bundle).
    RekordV001,
}

impl EntryKind {
    fn from_kind_version(kind: &str, version: &str) -> Option<Self> {
        match (kind, version) {
            ("hashedrekord", "0.0.1") => Some(Self::HashedRekordV001),
            ("dsse", "0.0.1") => Some(Self::DsseV001),
            ("intoto", "0.0.2") => Some(Self::IntotoV002),
            ("hashedrekord", "0.0.2") => Some(Self::HashedRekordV002),
            ("dsse", "0.0.2") => Some(Self::DsseV002),
            _ => None,
        }
    }

    pub(crate) fn kind(self) -> &'static str {
        match self {
            Self::HashedRekordV001 | Self::HashedRekordV002 => "hashedrekord",
            Self::DsseV001 | Self::DsseV002 => "dsse",
            Self::IntotoV001 | Self::IntotoV002 => "intoto",
            Self::RekordV001 => "rekord",
        }
    }

    pub(crate) fn api_version(self) -> &'static str {
        match self {
            Self::HashedRekordV001 | Self::DsseV001 | Self::IntotoV001 | Self::RekordV001 => {
                "0.0.1"
            }
            Self::IntotoV002 | Self::HashedRekordV002 | Self::DsseV002 => "0.0.2",
        }
    }

    /// Rekor v2 (tile-based) entries: no SET, no integrated time, checkpoint origin = host.
    pub(crate) fn is_rekor_v2(self) -> bool {
        matches!(self, Self::HashedRekordV002 | Self::DsseV002)
    }
}

/// One transparency-log entry as the bundle carries it.
#[derive(Clone, Debug)]
pub(crate) struct TlogEntry {
    pub(crate) log_index: u64,
    pub(crate) log_id: Vec<u8>,
    pub(crate) kind: EntryKind,
    /// 0 when absent (Rekor v2 never sets it).
    pub(crate) integrated_time: u64,
    pub(crate) signed_entry_timestamp: Option<Vec<u8>>,
    pub(crate) inclusion_proof: Option<InclusionProof>,
    pub(crate) canonicalized_body: Vec<u8>,
}

/// An RFC 6962 inclusion proof with the checkpoint it claims to lead to.
#[derive(Clone, Debug)]
pub(crate) struct InclusionProof {
    pub(crate) log_index: u64,
    pub(crate) root_hash: [u8; 32],
    pub(crate) tree_size: u64,
    pub(crate) hashes: heapless::Vec<[u8; 32], { limits::MAX_PROOF_HASHES }>,
    pub(crate) checkpoint: String,
}

impl Bundle {
    /// Parses and structurally validates a bundle. Errors are [`Stage::Bundle`]'s.
    pub fn from_json(json: &[u8]) -> Result<Self, Error> {
        json::parse(json, Document::Bundle, limits::MAX_BUNDLE_BYTES)
            .and_then(Self::from_model)
            .map_err(|e| e.at(Stage::Bundle))
    }

    /// The bundle format version.
    pub fn version(&self) -> BundleVersion {
        self.version
    }

    /// Whether the content is a DSSE envelope (attestation) rather than a message signature.
    pub fn is_dsse(&self) -> bool {
        matches!(self.content, Content::Dsse(_))
    }

    /// The hash the message signature was made with, as the bundle claims it
    /// (`messageDigest.algorithm`): tells a caller which digest of a large artifact to stream.
    pub fn message_digest_algorithm(&self) -> Option<HashAlgorithm> {
        match &self.content {
            Content::MessageSignature {
                digest: Some(d), ..
            } => Some(d.algorithm()),
            _ => None,
        }
    }

    /// The raw signature bytes (message signature or the DSSE signature).
    pub(crate) fn signature_bytes(&self) -> &[u8] {
        match &self.content {
            Content::MessageSignature { signature, .. } => signature,
            Content::Dsse(env) => &env.signature,
        }
    }

    /// What RFC 3161 timestamps cover: the signature, except for a legacy cosign attestation,
    /// whose timestamps cover the envelope as stored (cosign `VerifyRFC3161Timestamp`).
    pub(crate) fn timestamped_bytes(&self) -> &[u8] {
        match &self.content {
            Content::Dsse(Envelope {
                serialized: Some(envelope),
                ..
            }) => envelope,
            _ => self.signature_bytes(),
        }
    }

    fn from_model(doc: BundleJson) -> Result<Self, Error> {
        let invalid = |reason| Error::BundleInvalid { reason };
        let version =
            BundleVersion::from_media_type(&doc.media_type).ok_or(Error::UnsupportedMediaType {
                document: Document::Bundle,
            })?;
        let material = doc
            .verification_material
            .ok_or(invalid("missing verificationMaterial"))?;

        let mut bundled_chain = Vec::new();
        let signer = match (
            material.certificate,
            material.x509_certificate_chain,
            material.public_key,
        ) {
            (Some(cert), None, None) => SignerMaterial::Certificate(cert.raw_bytes.0),
            (None, Some(chain), None) => {
                if version >= BundleVersion::V0_3 {
                    return Err(invalid(
                        "x509CertificateChain is not allowed in v0.3 bundles",
                    ));
                }
                let mut certs = chain
                    .certificates
                    .into_vec(Document::Bundle, "x509CertificateChain certificates")?
                    .into_iter()
                    .map(|c| c.raw_bytes.0);
                let leaf = certs.next().ok_or(invalid("empty x509CertificateChain"))?;
                bundled_chain = certs.collect();
                SignerMaterial::Certificate(leaf)
            }
            (None, None, Some(_hint)) => SignerMaterial::PublicKey,
            (None, None, None) => return Err(invalid("no certificate or public key")),
            _ => return Err(invalid("more than one kind of verification material")),
        };
        if let SignerMaterial::Certificate(der) = &signer {
            if der.is_empty() {
                return Err(invalid("empty certificate"));
            }
            if der.len() > limits::MAX_CERTIFICATE_BYTES {
                return Err(Error::LimitExceeded {
                    document: Document::Bundle,
                    what: "certificate size",
                    limit: limits::MAX_CERTIFICATE_BYTES,
                });
            }
        }

        let tlog_entries = material
            .tlog_entries
            .unwrap_or_default()
            .into_vec(Document::Bundle, "transparency log entries")?
            .into_iter()
            .map(|e| TlogEntry::from_model(e, version))
            .collect::<Result<Vec<_>, _>>()?;

        let timestamps = material
            .timestamp_verification_data
            .and_then(|t| t.rfc3161_timestamps)
            .unwrap_or_default()
            .into_vec(Document::Bundle, "RFC 3161 timestamps")?
            .into_iter()
            .map(|t| t.signed_timestamp.0)
            .collect();

        let content = match (doc.message_signature, doc.dsse_envelope) {
            (Some(ms), None) => {
                let digest = ms
                    .message_digest
                    .map(|d| {
                        let algorithm = HashAlgorithm::from_name(&d.algorithm).ok_or(
                            Error::UnsupportedAlgorithm {
                                what: "messageDigest algorithm",
                            },
                        )?;
                        Digest::new(algorithm, &d.digest.0)
                            .ok_or(invalid("messageDigest has the wrong length"))
                    })
                    .transpose()?;
                if ms.signature.0.is_empty() {
                    return Err(invalid("empty message signature"));
                }
                Content::MessageSignature {
                    digest,
                    signature: ms.signature.0,
                }
            }
            (None, Some(env)) => Content::Dsse(Envelope::from_model(env)?),
            (None, None) => return Err(invalid("no messageSignature or dsseEnvelope")),
            (Some(_), Some(_)) => return Err(invalid("both messageSignature and dsseEnvelope")),
        };

        Ok(Self {
            version,
            signer,
            bundled_chain,
            tlog_entries,
            timestamps,
            content,
        })
    }
}

impl Envelope {
    fn from_model(env: EnvelopeJson) -> Result<Self, Error> {
        let mut sigs = env
            .signatures
            .into_vec(Document::Bundle, "DSSE signatures")?
            .into_iter();
        let (Some(sig), None) = (sigs.next(), sigs.next()) else {
            return Err(Error::DsseInvalid {
                reason: "envelope must carry exactly one signature",
            });
        };
        if sig.sig.0.is_empty() {
            return Err(Error::BundleInvalid {
                reason: "empty DSSE signature",
            });
        }
        Ok(Self {
            payload_type: env.payload_type,
            payload: env.payload.0,
            signature: sig.sig.0,
            serialized: None,
        })
    }

    /// A DSSE envelope on its own, as JSON, through the bundle's model and limits (fuzzing).
    #[cfg(feature = "fuzzing")]
    pub(crate) fn from_json(json: &[u8]) -> Result<Self, Error> {
        let env: EnvelopeJson = json::parse(json, Document::Bundle, limits::MAX_BUNDLE_BYTES)?;
        Self::from_model(env)
    }
}

impl TlogEntry {
    fn from_model(e: TlogEntryJson, version: BundleVersion) -> Result<Self, Error> {
        let invalid = |reason| Error::BundleInvalid { reason };
        let kind = EntryKind::from_kind_version(&e.kind_version.kind, &e.kind_version.version)
            .ok_or(Error::UnsupportedEntryKind)?;
        let log_index = e.log_index.0;
        // proto int64: the uint64 tree index must also be a valid int64.
        if i64::try_from(log_index).is_err() {
            return Err(invalid("logIndex out of range"));
        }
        let log_id = e.log_id.key_id.0;
        if log_id.is_empty() {
            return Err(invalid("empty logId"));
        }
        let canonicalized_body = e
            .canonicalized_body
            .ok_or(invalid("tlog entry without canonicalizedBody"))?
            .0;
        let signed_entry_timestamp = e.inclusion_promise.map(|p| p.signed_entry_timestamp.0);
        let inclusion_proof = e
            .inclusion_proof
            .map(InclusionProof::from_model)
            .transpose()?;

        if version == BundleVersion::V0_1 && signed_entry_timestamp.is_none() {
            return Err(invalid("v0.1 bundle entry without inclusionPromise"));
        }
        if version >= BundleVersion::V0_2 && inclusion_proof.is_none() {
            return Err(invalid("tlog entry without inclusionProof"));
        }
        if kind.is_rekor_v2() && inclusion_proof.is_none() {
            return Err(invalid("Rekor v2 entry without inclusionProof"));
        }
        let integrated_time = e.integrated_time.map_or(0, |t| t.0);
        // Rekor v2 logs no time, so nothing could vouch for one here: a value would be an
        // unauthenticated claim riding along with verified evidence.
        if kind.is_rekor_v2() && integrated_time != 0 {
            return Err(invalid("Rekor v2 entry with an integratedTime"));
        }
        Ok(Self {
            log_index,
            log_id,
            kind,
            integrated_time,
            signed_entry_timestamp,
            inclusion_proof,
            canonicalized_body,
        })
    }
}

impl InclusionProof {
    fn from_model(p: InclusionProofJson) -> Result<Self, Error> {
        let invalid = |reason| Error::BundleInvalid { reason };
        // Both reference verifiers refuse a proof without its checkpoint: the proof alone
        // proves nothing about what the log signed.
        let checkpoint = p
            .checkpoint
            .ok_or(invalid("inclusion proof without checkpoint"))?
            .envelope;
        if checkpoint.is_empty() {
            return Err(invalid("inclusion proof with an empty checkpoint"));
        }
        if checkpoint.len() > limits::MAX_CHECKPOINT_BYTES {
            return Err(Error::LimitExceeded {
                document: Document::Bundle,
                what: "checkpoint size",
                limit: limits::MAX_CHECKPOINT_BYTES,
            });
        }
        let root_hash = <[u8; 32]>::try_from(p.root_hash.0.as_slice())
            .map_err(|_| invalid("inclusion proof root hash is not 32 bytes"))?;
        let mut hashes = heapless::Vec::new();
        for h in p
            .hashes
            .into_vec(Document::Bundle, "inclusion proof hashes")?
        {
            let h = <[u8; 32]>::try_from(h.0.as_slice())
                .map_err(|_| invalid("inclusion proof hash is not 32 bytes"))?;
            hashes.push(h).map_err(|_| Error::LimitExceeded {
                document: Document::Bundle,
                what: "inclusion proof hashes",
                limit: limits::MAX_PROOF_HASHES,
            })?;
        }
        Ok(Self {
            log_index: p.log_index.0,
            root_hash,
            tree_size: p.tree_size.0,
            hashes,
            checkpoint,
        })
    }
}

// ---- JSON model (proto3 JSON; unknown fields rejected, `null` = absent) ----

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct BundleJson {
    media_type: String,
    verification_material: Option<VerificationMaterialJson>,
    message_signature: Option<MessageSignatureJson>,
    dsse_envelope: Option<EnvelopeJson>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct VerificationMaterialJson {
    certificate: Option<CertificateJson>,
    x509_certificate_chain: Option<ChainJson>,
    public_key: Option<PublicKeyIdentifierJson>,
    tlog_entries: Option<Bounded<TlogEntryJson, { limits::MAX_TLOG_ENTRIES }>>,
    timestamp_verification_data: Option<TimestampDataJson>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct CertificateJson {
    raw_bytes: Base64Bytes,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ChainJson {
    certificates: Bounded<CertificateJson, { limits::MAX_CHAIN_CERTIFICATES }>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct PublicKeyIdentifierJson {
    #[serde(rename = "hint")]
    _hint: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct TimestampDataJson {
    rfc3161_timestamps: Option<Bounded<SignedTimestampJson, { limits::MAX_TIMESTAMPS }>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SignedTimestampJson {
    signed_timestamp: Base64Bytes,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct TlogEntryJson {
    log_index: JsonU64,
    log_id: LogIdJson,
    kind_version: KindVersionJson,
    integrated_time: Option<JsonU64>,
    inclusion_promise: Option<InclusionPromiseJson>,
    inclusion_proof: Option<InclusionProofJson>,
    canonicalized_body: Option<Base64Bytes>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct LogIdJson {
    key_id: Base64Bytes,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct KindVersionJson {
    kind: String,
    version: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct InclusionPromiseJson {
    signed_entry_timestamp: Base64Bytes,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct InclusionProofJson {
    log_index: JsonU64,
    root_hash: Base64Bytes,
    tree_size: JsonU64,
    #[serde(default)]
    hashes: Bounded<Base64Bytes, { limits::MAX_PROOF_HASHES }>,
    checkpoint: Option<CheckpointJson>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct CheckpointJson {
    envelope: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct MessageSignatureJson {
    message_digest: Option<MessageDigestJson>,
    signature: Base64Bytes,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct MessageDigestJson {
    algorithm: String,
    digest: Base64Bytes,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct EnvelopeJson {
    payload: Base64Bytes,
    payload_type: String,
    signatures: Bounded<SignatureJson, { limits::MAX_DSSE_SIGNATURES }>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SignatureJson {
    sig: Base64Bytes,
    #[serde(default, rename = "keyid")]
    _keyid: Option<String>,
}
