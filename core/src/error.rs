//! The one error type of the crate, and the one place that decides what a failure means.
//!
//! [`Error::class`] tells a *denial* (the evidence or the policy said no) from an *undecided*
//! failure (an input the caller chose is unusable, so nothing was decided). Every front end maps
//! from it: the CLI's exit codes 1 and 2, the daemon's verdicts, the C result classes
//! (`ev_result_is_denial`) and Go's `errors.Is(err, ErrDenied)`.
//!
//! [`Error::stage`] names the pipeline stage the failure arose in. [`crate::verify()`] attaches it
//! to each stage's error as it runs the stage, as sigstore-go wraps each stage's error, so a
//! variant that can arise in several stages (an artifact digest that does not match, say) is
//! reported where it actually happened.

use alloc::boxed::Box;
use alloc::string::String;
use core::fmt;

use crate::crypto::HashAlgorithm;
use crate::slsa::SlsaError;
use crate::tuf::TufError;

/// The stage of the verification pipeline an [`Error`] comes from, in pipeline order.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Stage {
    /// Reading the trust root.
    TrustRoot,
    /// Reading the bundle: its structure, its verification material (and whether that is the
    /// kind of signer the policy expects), its DSSE payload type and in-toto statement.
    Bundle,
    /// Checking the caller's own inputs: the artifact digests, the policy, a public key.
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
    /// Reading an OCI image layout and the cosign evidence in it (index, manifests, blobs,
    /// annotations, simple-signing payloads), and matching that evidence to the image.
    Image,
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
            Self::Image => "image evidence",
            Self::TrustRootUpdate => "trust root update",
        }
    }
}

/// Which input a parse or limit error is about. It decides the error's [`ErrorClass`]: a defect
/// in the bundle or anything inside it is evidence against the artifact; a defect in the trust
/// root or in the caller's policy means nothing could be decided.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Document {
    /// A Sigstore bundle (including its certificate, checkpoints and SCTs).
    Bundle,
    /// A trust root, as `trusted_root.json` or in its compact CBOR form.
    TrustRoot,
    /// An in-toto statement inside a DSSE envelope.
    Statement,
    /// A transparency-log entry body (`canonicalizedBody`).
    EntryBody,
    /// The caller's verification policy (identity and issuer patterns).
    Policy,
    /// An OCI image layout and the cosign evidence in it: `index.json`, manifests, annotations
    /// (the Rekor bundle, the certificate), simple-signing payloads, legacy DSSE envelopes.
    Image,
}

impl Document {
    fn class(self) -> ErrorClass {
        match self {
            Self::Bundle | Self::Statement | Self::EntryBody | Self::Image => ErrorClass::Denied,
            Self::TrustRoot | Self::Policy => ErrorClass::Undecided,
        }
    }
}

/// What a failed verification means for the artifact. Either way the artifact is not verified;
/// the class says whether anything was decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorClass {
    /// The evidence or the policy said no: do not trust the artifact. Asking again with the
    /// same bundle, trust root and policy gives the same answer.
    Denied,
    /// Nothing was decided: an input the caller chose (arguments, policy, key, trust root) is
    /// unusable. Fix the call or the configuration; the bundle was not judged.
    Undecided,
}

/// The kind of signer a bundle carries, or a policy expects.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SignerKind {
    /// A (Fulcio) X.509 certificate: verified with an identity or SLSA policy.
    Certificate,
    /// A self-managed public key: verified with that key.
    PublicKey,
}

impl SignerKind {
    fn name(self) -> &'static str {
        match self {
            Self::Certificate => "a certificate",
            Self::PublicKey => "a self-managed key",
        }
    }

    fn verified_with(self) -> &'static str {
        match self {
            Self::Certificate => "an identity",
            Self::PublicKey => "that key",
        }
    }
}

/// Why verification failed. Every variant fails closed: nothing here is a warning.
///
/// # Denied or undecided ([`Error::class`])
///
/// The bundle is evidence, and bad evidence means "no": every condition decided by the bundle's
/// content is [`ErrorClass::Denied`] — a check that fails, but also a malformed or oversized
/// bundle, a certificate that does not parse, an algorithm this verifier does not support, a
/// bundle of the other signer kind than the policy names, or evidence that commits to a digest
/// of the artifact the caller did not supply.
///
/// [`ErrorClass::Undecided`] is for inputs the caller chose: [`Error::InvalidInput`] (arguments
/// such as the artifact digests), [`Error::PublicKeyInvalid`] (the caller's key),
/// [`Error::TrustRootInvalid`], and the [`Document::TrustRoot`] / [`Document::Policy`] forms of
/// [`Error::LimitExceeded`], [`Error::MalformedJson`] and [`Error::UnsupportedMediaType`].
/// A problem with evidence is never reported with one of these variants: a key in a certificate
/// that does not parse is [`Error::CertificateInvalid`], not [`Error::PublicKeyInvalid`].
///
/// # Matching
///
/// Errors from [`crate::verify()`], [`crate::Bundle::from_json`] and the [`crate::TrustRoot`]
/// constructors come wrapped in [`Error::StageFailed`]; match on [`Error::cause`].
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Error {
    /// The artifact (or the digest given for it) is not what the bundle signed or the log
    /// recorded.
    ArtifactDigestMismatch {
        /// Which bundle field disagreed with the artifact.
        against: &'static str,
    },
    /// The evidence commits to a digest of the artifact in an algorithm the caller did not
    /// supply (for example a log entry recording SHA-512 while only SHA-256 was given), so it
    /// cannot be matched to this artifact. Give the artifact itself, or that digest.
    ArtifactDigestMissing {
        /// The algorithm the evidence uses.
        algorithm: HashAlgorithm,
        /// What needs it.
        needed_by: &'static str,
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
    /// The leaf certificate is malformed (its public key included) or does not fit the Fulcio
    /// code-signing profile.
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
    /// The inclusion proof does not lead to the logged root.
    InclusionProofInvalid {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The OCI image layout, or the cosign evidence in it, is malformed or does not belong to
    /// the image: a blob that does not match its descriptor, a missing blob, a signature
    /// manifest without the annotations cosign writes, a simple-signing payload for another
    /// image, or no signature or attestation for the image at all.
    ImageEvidenceInvalid {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A caller-supplied argument is unusable (for example no artifact digest, or two of one
    /// algorithm).
    InvalidInput {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The certificate's OIDC issuer is not the expected one.
    IssuerMismatch {
        /// The issuer found in the certificate, if any.
        found: Option<String>,
    },
    /// An input exceeds a limit from [`crate::limits`].
    LimitExceeded {
        /// Which input.
        document: Document,
        /// What was too big or too many.
        what: &'static str,
        /// The limit.
        limit: usize,
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
    /// The caller's public key is malformed or of an unsupported type.
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
    /// The bundle carries another kind of signer than the policy expects (a certificate where
    /// the policy names a key, or the reverse).
    SignerKindMismatch {
        /// What the bundle carries.
        found: SignerKind,
        /// What the policy expects.
        expected: SignerKind,
    },
    /// A stage of the pipeline failed: the stage, and why ([`Error::cause`]). Made by the crate
    /// only, once per error.
    #[non_exhaustive]
    StageFailed {
        /// The stage that was running.
        stage: Stage,
        /// The error it raised (never itself a `StageFailed`).
        cause: Box<Self>,
    },
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
    /// The trust root is malformed, uses unsupported material, or cannot check the evidence it
    /// is asked to (a log whose key type this verifier cannot use).
    TrustRootInvalid {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The evidence uses an algorithm (hash, key or signature scheme) this verifier does not
    /// support.
    UnsupportedAlgorithm {
        /// Which one.
        what: &'static str,
    },
    /// A trust-root update (TUF metadata) was refused; the inner error says why.
    Tuf(TufError),
    /// A transparency-log entry kind/version this verifier does not accept.
    UnsupportedEntryKind,
    /// A media type (bundle or trust root version) this verifier does not accept.
    UnsupportedMediaType {
        /// Whose media type.
        document: Document,
    },
}

impl Error {
    /// Whether the evidence said no ([`ErrorClass::Denied`]) or nothing was decided
    /// ([`ErrorClass::Undecided`]); the rule is on [`Error`]. Every variant is decided here,
    /// and a new one does not compile until it is.
    pub fn class(&self) -> ErrorClass {
        use ErrorClass::{Denied, Undecided};
        match self {
            Self::StageFailed { cause, .. } => cause.class(),
            // Inputs the caller chose.
            Self::InvalidInput { .. }
            | Self::PublicKeyInvalid { .. }
            | Self::TrustRootInvalid { .. } => Undecided,
            // Judged by whose document it is.
            Self::LimitExceeded { document, .. }
            | Self::MalformedJson { document, .. }
            | Self::UnsupportedMediaType { document } => document.class(),
            // The evidence, or a check of it against the policy.
            Self::ArtifactDigestMismatch { .. }
            | Self::ArtifactDigestMissing { .. }
            | Self::BundleInvalid { .. }
            | Self::CertificateChainInvalid { .. }
            | Self::CertificateInvalid { .. }
            | Self::CheckpointInvalid { .. }
            | Self::DsseInvalid { .. }
            | Self::EntryBodyMismatch { .. }
            | Self::ImageEvidenceInvalid { .. }
            | Self::InclusionProofInvalid { .. }
            | Self::IssuerMismatch { .. }
            | Self::NoVerifiedTime
            | Self::Provenance(_)
            | Self::SctInvalid { .. }
            | Self::SetInvalid { .. }
            | Self::SignatureInvalid
            | Self::SignerKindMismatch { .. }
            | Self::SubjectMismatch { .. }
            | Self::TimestampInvalid { .. }
            | Self::TlogThresholdNotMet { .. }
            | Self::UnsupportedAlgorithm { .. }
            | Self::UnsupportedEntryKind => Denied,
            // The update material is judged like evidence; what the caller supplied is not.
            Self::Tuf(e) => e.class(),
        }
    }

    /// Shorthand for `self.class() == ErrorClass::Denied`.
    pub fn is_denial(&self) -> bool {
        self.class() == ErrorClass::Denied
    }

    /// The stage the error arose in. An error that did not come through a stage — one from a
    /// policy or key constructor ([`crate::Matcher`], [`crate::PublicKey`]), or one the caller
    /// made — is about the caller's own inputs: [`Stage::Input`].
    pub fn stage(&self) -> Stage {
        match self {
            Self::StageFailed { stage, .. } => *stage,
            _ => Stage::Input,
        }
    }

    /// The error without its stage: the variant to match on.
    pub fn cause(&self) -> &Self {
        match self {
            Self::StageFailed { cause, .. } => cause.cause(),
            other => other,
        }
    }

    /// The reason alone, without the stage, for a front end that prints the stage itself.
    /// ([`fmt::Display`] prints `<stage> failed: <reason>`.)
    pub fn reason(&self) -> impl fmt::Display + '_ {
        Reason(self.cause())
    }

    /// Attaches the stage the error arose in; an error that has one keeps it.
    pub(crate) fn at(self, stage: Stage) -> Self {
        match self {
            staged @ Self::StageFailed { .. } => staged,
            cause => Self::StageFailed {
                stage,
                cause: Box::new(cause),
            },
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} failed: {}", self.stage().name(), self.reason())
    }
}

impl core::error::Error for Error {}

/// The reason of an unstaged error, as text.
struct Reason<'a>(&'a Error);

impl fmt::Display for Reason<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Error::ArtifactDigestMismatch { against } => {
                write!(f, "artifact digest does not match the {against}")
            }
            Error::ArtifactDigestMissing {
                algorithm,
                needed_by,
            } => write!(
                f,
                "the {needed_by} needs the artifact's {} digest, which was not given",
                algorithm.rekor_name()
            ),
            Error::BundleInvalid { reason } => write!(f, "invalid bundle: {reason}"),
            Error::CertificateChainInvalid { at, reason } => {
                write!(
                    f,
                    "certificate chain not valid at {at} (unix time): {reason}"
                )
            }
            Error::CertificateInvalid { reason } => write!(f, "invalid certificate: {reason}"),
            Error::CheckpointInvalid { reason } => write!(f, "invalid checkpoint: {reason}"),
            Error::DsseInvalid { reason } => write!(f, "invalid DSSE envelope: {reason}"),
            Error::EntryBodyMismatch { field } => {
                write!(f, "log entry does not match the bundle ({field} differs)")
            }
            Error::ImageEvidenceInvalid { reason } => {
                write!(f, "invalid image evidence: {reason}")
            }
            Error::InclusionProofInvalid { reason } => {
                write!(f, "inclusion proof invalid: {reason}")
            }
            Error::InvalidInput { reason } => write!(f, "invalid input: {reason}"),
            Error::IssuerMismatch { found } => match found {
                Some(found) => write!(f, "OIDC issuer {found:?} is not the expected issuer"),
                None => f.write_str("certificate has no OIDC issuer"),
            },
            Error::LimitExceeded { what, limit, .. } => {
                write!(f, "{what} exceeds the limit of {limit}")
            }
            Error::MalformedJson {
                document,
                line,
                column,
            } => {
                let what = match document {
                    Document::Bundle => "bundle",
                    Document::TrustRoot => "trust root",
                    Document::Statement => "in-toto statement",
                    Document::EntryBody => "log entry body",
                    Document::Policy => "policy",
                    Document::Image => "image evidence",
                };
                write!(f, "malformed {what} JSON at line {line} column {column}")
            }
            Error::NoVerifiedTime => f.write_str(
                "no verified time: need a log entry with a valid signed entry timestamp or a \
                 trusted RFC 3161 timestamp",
            ),
            Error::Provenance(e) => write!(f, "{}: {e}", e.slsa_verifier_name()),
            Error::PublicKeyInvalid { reason } => write!(f, "invalid public key: {reason}"),
            Error::SctInvalid { reason } => write!(f, "{reason}"),
            Error::SetInvalid { reason } => write!(f, "signed entry timestamp invalid: {reason}"),
            Error::SignatureInvalid => f.write_str("signature does not verify with the signer key"),
            Error::SignerKindMismatch { found, expected } => write!(
                f,
                "the bundle is signed with {}, not {}: verify it with {}",
                found.name(),
                expected.name(),
                found.verified_with()
            ),
            // `Error::cause` never returns this variant.
            Error::StageFailed { cause, .. } => write!(f, "{}", Reason(cause)),
            Error::SubjectMismatch { found } => match found {
                Some(found) => write!(f, "certificate identity {found:?} is not the expected one"),
                None => f.write_str("certificate has no subject alternative name"),
            },
            Error::TimestampInvalid { reason } => write!(f, "invalid RFC 3161 timestamp: {reason}"),
            Error::TlogThresholdNotMet { verified, required } => write!(
                f,
                "{verified} trusted transparency log(s) verified, {required} required"
            ),
            Error::TrustRootInvalid { reason } => write!(f, "invalid trust root: {reason}"),
            Error::UnsupportedAlgorithm { what } => write!(f, "unsupported algorithm: {what}"),
            Error::Tuf(e) => write!(f, "{e}"),
            Error::UnsupportedEntryKind => f.write_str("unsupported log entry kind or version"),
            Error::UnsupportedMediaType { .. } => f.write_str("unsupported media type"),
        }
    }
}

/// One value of every [`Error`] variant — every [`Document`] of the variants classified by
/// document, and one [`Error::StageFailed`] — for front ends' table tests (CLI exit codes, C
/// result codes, Go). Not part of the API.
#[doc(hidden)]
pub fn every_variant() -> alloc::vec::Vec<Error> {
    use alloc::vec;
    let documents = [
        Document::Bundle,
        Document::TrustRoot,
        Document::Statement,
        Document::EntryBody,
        Document::Policy,
        Document::Image,
    ];
    let mut all = vec![
        Error::ArtifactDigestMismatch { against: "x" },
        Error::ArtifactDigestMissing {
            algorithm: HashAlgorithm::Sha512,
            needed_by: "x",
        },
        Error::BundleInvalid { reason: "x" },
        Error::CertificateChainInvalid { at: 1, reason: "x" },
        Error::CertificateInvalid { reason: "x" },
        Error::CheckpointInvalid { reason: "x" },
        Error::DsseInvalid { reason: "x" },
        Error::EntryBodyMismatch { field: "x" },
        Error::ImageEvidenceInvalid { reason: "x" },
        Error::InclusionProofInvalid { reason: "x" },
        Error::InvalidInput { reason: "x" },
        Error::IssuerMismatch { found: None },
        Error::NoVerifiedTime,
        Error::Provenance(SlsaError::MismatchSource("x")),
        Error::PublicKeyInvalid { reason: "x" },
        Error::SctInvalid { reason: "x" },
        Error::SetInvalid { reason: "x" },
        Error::SignatureInvalid,
        Error::SignerKindMismatch {
            found: SignerKind::Certificate,
            expected: SignerKind::PublicKey,
        },
        Error::SubjectMismatch { found: None },
        Error::TimestampInvalid { reason: "x" },
        Error::TlogThresholdNotMet {
            verified: 0,
            required: 1,
        },
        Error::TrustRootInvalid { reason: "x" },
        Error::UnsupportedAlgorithm { what: "x" },
        Error::UnsupportedEntryKind,
        Error::Tuf(TufError::NoVerifiedTime),
        Error::Tuf(TufError::Rollback {
            role: crate::tuf::TufRole::Targets,
            trusted: 2,
            found: 1,
        }),
    ];
    for document in documents {
        all.push(Error::LimitExceeded {
            document,
            what: "x",
            limit: 1,
        });
        all.push(Error::MalformedJson {
            document,
            line: 1,
            column: 1,
        });
        all.push(Error::UnsupportedMediaType { document });
    }
    all.push(Error::SignatureInvalid.at(Stage::Signature));
    all
}

#[cfg(test)]
mod tests {
    use alloc::string::{String, ToString};

    use super::*;

    /// The name of an error's variant, as `Debug` prints it.
    fn variant_name(e: &Error) -> String {
        let debug = alloc::format!("{e:?}");
        let name = debug.split(|c: char| !c.is_ascii_alphanumeric()).next();
        name.unwrap_or_default().into()
    }

    /// Every variant declared in this file's `Error` is in [`every_variant`], so that the front
    /// ends' table tests see it (and `class`'s exhaustive match makes sure it is classified).
    #[test]
    fn every_variant_is_listed() {
        let source = include_str!("error.rs");
        let body = source.split("pub enum Error {").nth(1).unwrap();
        let body = body.split("\n}\n").next().unwrap();
        let declared: alloc::vec::Vec<&str> = body
            .lines()
            .filter_map(|line| line.strip_prefix("    "))
            .filter(|line| line.starts_with(|c: char| c.is_ascii_uppercase()))
            .filter_map(|line| line.split(|c: char| !c.is_ascii_alphanumeric()).next())
            .collect();
        let listed: alloc::vec::Vec<_> = every_variant().iter().map(variant_name).collect();
        assert!(declared.len() >= 28, "{declared:?}");
        for name in &declared {
            assert!(listed.iter().any(|l| l == name), "{name} is not listed");
        }
    }

    /// The classification table: caller inputs decide nothing, everything about the evidence
    /// is a denial.
    #[test]
    fn classification_table() {
        for e in every_variant() {
            let undecided = match e.cause() {
                Error::InvalidInput { .. }
                | Error::PublicKeyInvalid { .. }
                | Error::TrustRootInvalid { .. } => true,
                Error::LimitExceeded { document, .. }
                | Error::MalformedJson { document, .. }
                | Error::UnsupportedMediaType { document } => {
                    matches!(document, Document::TrustRoot | Document::Policy)
                }
                // An update directory that is incomplete, or a device state or time the
                // caller gave that cannot be used, decides nothing.
                Error::Tuf(t) => matches!(
                    t,
                    TufError::MissingFile { .. }
                        | TufError::ReadFailed { .. }
                        | TufError::InvalidState { .. }
                        | TufError::TimeBeforeVerifiedTime { .. }
                        | TufError::NoVerifiedTime
                ),
                _ => false,
            };
            let expected = if undecided {
                ErrorClass::Undecided
            } else {
                ErrorClass::Denied
            };
            assert_eq!(e.class(), expected, "{e:?}");
            assert_eq!(e.is_denial(), !undecided, "{e:?}");
        }
    }

    #[test]
    fn the_stage_is_attached_once_and_printed_once() {
        let bare = Error::ArtifactDigestMismatch {
            against: "transparency log entry",
        };
        // Unstaged: the caller's input.
        assert_eq!(bare.stage(), Stage::Input);
        let staged = bare.clone().at(Stage::TransparencyLog);
        assert_eq!(staged.stage(), Stage::TransparencyLog);
        assert_eq!(staged.cause(), &bare);
        // An error keeps the stage it arose in.
        let again = staged.clone().at(Stage::Signature);
        assert_eq!(again, staged);
        let line = staged.to_string();
        assert_eq!(
            line,
            "transparency log failed: artifact digest does not match the transparency log entry"
        );
        assert_eq!(line.matches("transparency log failed").count(), 1);
        assert_eq!(
            staged.reason().to_string(),
            "artifact digest does not match the transparency log entry"
        );
        assert_eq!(staged.class(), bare.class());
    }

    #[test]
    fn messages_say_what_is_wrong() {
        let kind = Error::SignerKindMismatch {
            found: SignerKind::Certificate,
            expected: SignerKind::PublicKey,
        }
        .at(Stage::Bundle);
        assert_eq!(
            kind.to_string(),
            "bundle failed: the bundle is signed with a certificate, not a self-managed key: \
             verify it with an identity"
        );
        let missing = Error::ArtifactDigestMissing {
            algorithm: HashAlgorithm::Sha512,
            needed_by: "transparency log entry",
        };
        assert_eq!(
            missing.reason().to_string(),
            "the transparency log entry needs the artifact's sha512 digest, which was not given"
        );
        for e in every_variant() {
            let line = e.to_string();
            assert!(!line.contains('\n') && !line.is_empty(), "{e:?}");
        }
    }
}
