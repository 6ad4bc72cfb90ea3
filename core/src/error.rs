//! The one error type of the crate.
//!
//! Every failure names the verification stage it happened in ([`Stage`]) and a short reason.
//! Variants are grouped by what went wrong, not by which function noticed, so callers (the CLI,
//! the C API) can map them to stable codes.

use alloc::string::String;
use core::fmt;

use crate::slsa::SlsaError;
use crate::tuf::TufError;

/// The stage of the verification pipeline an [`Error`] comes from, in pipeline order.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Stage {
    /// Reading the trust root.
    TrustRoot,
    /// Reading and structurally checking the bundle.
    Bundle,
    /// Arguments given by the caller (artifact digest, policy, key).
    Input,
    /// Transparency-log evidence: SET, inclusion proof, checkpoint, entry body.
    TransparencyLog,
    /// RFC 3161 signed timestamps.
    Timestamp,
    /// Establishing at least one verified time.
    Time,
    /// The signing certificate and its chain.
    Certificate,
    /// Embedded signed certificate timestamps.
    CertificateTransparency,
    /// The artifact signature or DSSE envelope.
    Signature,
    /// The signer identity policy.
    Identity,
    /// The SLSA provenance policy.
    Provenance,
    /// Verifying a trust-root update (TUF metadata).
    TrustRootUpdate,
}

impl Stage {
    /// A short lowercase name, as used in one-line error messages.
    pub fn name(self) -> &'static str {
        match self {
            Self::TrustRoot => "trust root",
            Self::Bundle => "bundle",
            Self::Input => "input",
            Self::TransparencyLog => "transparency log",
            Self::Timestamp => "timestamp",
            Self::Time => "verified time",
            Self::Certificate => "certificate",
            Self::CertificateTransparency => "certificate transparency",
            Self::Signature => "signature",
            Self::Identity => "identity",
            Self::Provenance => "provenance",
            Self::TrustRootUpdate => "trust root update",
        }
    }
}

/// Which JSON document failed to parse.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Document {
    /// A Sigstore bundle.
    Bundle,
    /// A `trusted_root.json`.
    TrustRoot,
    /// An in-toto statement inside a DSSE envelope.
    Statement,
    /// A transparency-log entry body (`canonicalizedBody`).
    EntryBody,
}

/// Why verification failed. Every variant fails closed: nothing here is a warning.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Error {
    /// The artifact (or the digest given for it) is not what the bundle signed or the log
    /// recorded.
    ArtifactDigestMismatch {
        /// Which bundle field disagreed with the artifact.
        against: &'static str,
    },
    /// The bundle is well-formed JSON but breaks a structural rule of its version.
    BundleInvalid {
        /// The rule that was broken.
        reason: &'static str,
    },
    /// The leaf certificate does not chain to any trusted certificate authority at a verified
    /// time, or a CA is outside its `validFor` window.
    CertificateChainInvalid {
        /// The verified time (Unix seconds) that failed.
        at: u64,
        /// The reason from path validation.
        reason: &'static str,
    },
    /// The leaf certificate is malformed or does not fit the Fulcio code-signing profile.
    CertificateInvalid {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A checkpoint (signed tree head) failed to parse or verify.
    CheckpointInvalid {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The DSSE envelope or its in-toto statement is unacceptable.
    DsseInvalid {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A transparency-log entry body does not describe this bundle.
    EntryBodyMismatch {
        /// The field that differs.
        field: &'static str,
    },
    /// An input exceeds a limit from [`crate::limits`].
    LimitExceeded {
        /// What was too big or too many.
        what: &'static str,
        /// The limit.
        limit: usize,
    },
    /// The inclusion proof does not lead to the logged root.
    InclusionProofInvalid {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A caller-supplied argument is unusable (for example a digest of the wrong length).
    InvalidInput {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The certificate's OIDC issuer is not the expected one.
    IssuerMismatch {
        /// The issuer found in the certificate, if any.
        found: Option<String>,
    },
    /// A document is not valid JSON of the expected shape.
    MalformedJson {
        /// Which document.
        document: Document,
        /// Line of the error (1-based; 0 when unknown).
        line: usize,
        /// Column of the error (1-based; 0 when unknown).
        column: usize,
    },
    /// No transparency-log entry, and no RFC 3161 timestamp, gave a verified time.
    NoVerifiedTime,
    /// SLSA provenance policy failed; the inner error carries slsa-verifier's name.
    Provenance(SlsaError),
    /// A public key is malformed or of an unsupported type.
    PublicKeyInvalid {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The signed certificate timestamps failed.
    SctInvalid {
        /// What is wrong with them.
        reason: &'static str,
    },
    /// A signed entry timestamp (inclusion promise) does not verify.
    SetInvalid {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The artifact signature does not verify with the signer's key.
    SignatureInvalid,
    /// The certificate's subject alternative name is not the expected identity.
    SubjectMismatch {
        /// The identity found in the certificate, if any.
        found: Option<String>,
    },
    /// An RFC 3161 timestamp failed to parse or verify.
    TimestampInvalid {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// Fewer transparency-log entries verified than the policy requires.
    TlogThresholdNotMet {
        /// Distinct logs whose entries verified.
        verified: usize,
        /// Distinct logs required.
        required: usize,
    },
    /// The trust root is malformed or uses unsupported material.
    TrustRootInvalid {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// An algorithm (hash, key or signature scheme) is not supported.
    UnsupportedAlgorithm {
        /// Which one.
        what: &'static str,
    },
    /// A trust-root update (TUF metadata) was refused; the inner error says why.
    Tuf(TufError),
    /// A transparency-log entry kind/version this verifier does not accept.
    UnsupportedEntryKind,
    /// A media type (bundle or trust root version) this verifier does not accept.
    UnsupportedMediaType,
}

impl Error {
    /// The pipeline stage that failed.
    pub fn stage(&self) -> Stage {
        match self {
            Self::ArtifactDigestMismatch { .. } | Self::SignatureInvalid => Stage::Signature,
            Self::BundleInvalid { .. }
            | Self::UnsupportedMediaType
            | Self::LimitExceeded { .. } => Stage::Bundle,
            Self::CertificateChainInvalid { .. } | Self::CertificateInvalid { .. } => {
                Stage::Certificate
            }
            Self::CheckpointInvalid { .. }
            | Self::EntryBodyMismatch { .. }
            | Self::InclusionProofInvalid { .. }
            | Self::SetInvalid { .. }
            | Self::TlogThresholdNotMet { .. }
            | Self::UnsupportedEntryKind => Stage::TransparencyLog,
            Self::DsseInvalid { .. } => Stage::Signature,
            Self::InvalidInput { .. } | Self::PublicKeyInvalid { .. } => Stage::Input,
            Self::IssuerMismatch { .. } | Self::SubjectMismatch { .. } => Stage::Identity,
            Self::MalformedJson { document, .. } => match document {
                Document::Bundle => Stage::Bundle,
                // The entry body is log evidence, judged with the rest of it.
                Document::EntryBody => Stage::TransparencyLog,
                Document::TrustRoot => Stage::TrustRoot,
                Document::Statement => Stage::Signature,
            },
            Self::NoVerifiedTime => Stage::Time,
            Self::Provenance(_) => Stage::Provenance,
            Self::SctInvalid { .. } => Stage::CertificateTransparency,
            Self::TimestampInvalid { .. } => Stage::Timestamp,
            Self::TrustRootInvalid { .. } => Stage::TrustRoot,
            Self::UnsupportedAlgorithm { .. } => Stage::Signature,
            Self::Tuf(_) => Stage::TrustRootUpdate,
        }
    }

    pub(crate) fn json(document: Document, err: &serde_json::Error) -> Self {
        use alloc::string::ToString as _;
        let text = err.to_string();
        if let Some(rest) = text.strip_prefix(crate::encoding::ARRAY_LIMIT_MARKER) {
            let digits = rest
                .split(|c: char| !c.is_ascii_digit())
                .next()
                .unwrap_or("");
            if let Ok(limit) = digits.parse() {
                return Self::LimitExceeded {
                    what: "JSON array or object length",
                    limit,
                };
            }
        }
        Self::MalformedJson {
            document,
            line: err.line(),
            column: err.column(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} failed: ", self.stage().name())?;
        match self {
            Self::ArtifactDigestMismatch { against } => {
                write!(f, "artifact digest does not match the {against}")
            }
            Self::BundleInvalid { reason } => write!(f, "invalid bundle: {reason}"),
            Self::CertificateChainInvalid { at, reason } => {
                write!(
                    f,
                    "certificate chain not valid at {at} (unix time): {reason}"
                )
            }
            Self::CertificateInvalid { reason } => write!(f, "invalid certificate: {reason}"),
            Self::CheckpointInvalid { reason } => write!(f, "invalid checkpoint: {reason}"),
            Self::DsseInvalid { reason } => write!(f, "invalid DSSE envelope: {reason}"),
            Self::EntryBodyMismatch { field } => {
                write!(f, "log entry does not match the bundle ({field} differs)")
            }
            Self::LimitExceeded { what, limit } => write!(f, "{what} exceeds the limit of {limit}"),
            Self::InclusionProofInvalid { reason } => {
                write!(f, "inclusion proof invalid: {reason}")
            }
            Self::InvalidInput { reason } => write!(f, "invalid input: {reason}"),
            Self::IssuerMismatch { found } => match found {
                Some(found) => write!(f, "OIDC issuer {found:?} is not the expected issuer"),
                None => f.write_str("certificate has no OIDC issuer"),
            },
            Self::MalformedJson {
                document,
                line,
                column,
            } => {
                let what = match document {
                    Document::Bundle => "bundle",
                    Document::TrustRoot => "trust root",
                    Document::Statement => "in-toto statement",
                    Document::EntryBody => "log entry body",
                };
                write!(f, "malformed {what} JSON at line {line} column {column}")
            }
            Self::NoVerifiedTime => f.write_str(
                "no verified time: need a log entry with a valid signed entry timestamp or a \
                 trusted RFC 3161 timestamp",
            ),
            Self::Provenance(e) => write!(f, "{}: {e}", e.slsa_verifier_name()),
            Self::PublicKeyInvalid { reason } => write!(f, "invalid public key: {reason}"),
            Self::SctInvalid { reason } => write!(f, "{reason}"),
            Self::SetInvalid { reason } => write!(f, "signed entry timestamp invalid: {reason}"),
            Self::SignatureInvalid => f.write_str("signature does not verify with the signer key"),
            Self::SubjectMismatch { found } => match found {
                Some(found) => write!(f, "certificate identity {found:?} is not the expected one"),
                None => f.write_str("certificate has no subject alternative name"),
            },
            Self::TimestampInvalid { reason } => write!(f, "invalid RFC 3161 timestamp: {reason}"),
            Self::TlogThresholdNotMet { verified, required } => write!(
                f,
                "{verified} trusted transparency log(s) verified, {required} required"
            ),
            Self::TrustRootInvalid { reason } => write!(f, "invalid trust root: {reason}"),
            Self::UnsupportedAlgorithm { what } => write!(f, "unsupported algorithm: {what}"),
            Self::Tuf(e) => write!(f, "{e}"),
            Self::UnsupportedEntryKind => f.write_str("unsupported log entry kind or version"),
            Self::UnsupportedMediaType => f.write_str("unsupported media type"),
        }
    }
}

impl core::error::Error for Error {}
