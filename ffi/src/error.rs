//! Result codes: how every C entry point reports what happened.
//!
//! Codes live in fixed ranges and are never renumbered or reused; a retired code stays below as
//! a comment. Ranges:
//!
//! | range | meaning | denial? |
//! |---|---|---|
//! | 0 | success | — |
//! | 1000–1999 | the call could not be carried out as made (NULL, bad argument, I/O, panic) | no |
//! | 2000–2999 | the bundle is malformed or unsuitable | yes |
//! | 3000–3999 | the trust root is unusable (configuration) | no |
//! | 4000–4999 | transparency-log evidence and verified time | yes |
//! | 5000–5999 | certificate, signature and signer identity | yes |
//! | 6000–6999 | provenance (SLSA) policy | yes |
//! | 7000–7999 | a trust-root update (TUF) was refused | yes |
//!
//! A *denial* means the evidence or the policy said no: the artifact must not be trusted. Any
//! other non-zero code means nothing was decided (also: do not trust the artifact, but the cause
//! is a broken call, file or configuration rather than a rejected artifact).
//!
//! Which of the two a core error is, is not decided here: `edgeverify_core::Error::class` decides
//! it, and [`code_for`] picks a code in the matching ranges, so a content-decided failure is
//! never a failed call and a failed call never a denial.

use core::cell::RefCell;
use core::ffi::c_char;
use std::string::String;

use edgeverify_core::{Document, Error, ErrorClass};

/// The result of a call: `EV_RESULT_OK` (0) or a stable error code.
///
/// Functions return it as a plain `uint32_t`; these enumerators name the values. Codes are never
/// renumbered or reused. Turn one into text with `ev_result_message`, classify it with
/// `ev_result_is_denial`, and get the specifics of the last failure with
/// `ev_last_error_detail`.
///
/// Ranges:
/// - 0: success;
/// - 1000-1999: the call could not be carried out as made (NULL or invalid argument, I/O,
///   caught panic, missing value): nothing was decided, not a denial;
/// - 2000-2999: the bundle is malformed or unsuitable: denial;
/// - 3000-3999: the trust root, or a trust-root update, is unusable (configuration or an
///   incomplete update): not a denial;
/// - 4000-4999: transparency-log evidence and verified time: denial;
/// - 5000-5999: certificate, signature and signer identity: denial;
/// - 6000-6999: provenance (SLSA) policy: denial;
/// - 7000-7999: a trust-root update (TUF) was refused: denial.
///
/// Retired codes: none yet (a retired code is kept here as a comment and never reused).
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ev_result {
    /// Success.
    Ok = 0,

    // 1000–1999: the call could not be carried out as made. Never a denial.
    /// A required pointer argument was NULL.
    NullParameter = 1000,
    /// An argument is unusable: a string that is not UTF-8, an empty or over-long identity, a
    /// malformed public key, a length that does not fit the address space.
    InvalidParameter = 1001,
    /// The caller's output buffer is too small; nothing was written.
    InsufficientSize = 1002,
    /// An internal error (a Rust panic) was caught at the API boundary. Please report it.
    Panic = 1003,
    /// A file could not be opened or read.
    Io = 1004,
    /// The verification has no such value (for example no OIDC issuer for a bundle signed with a
    /// self-managed key, or no provenance when the policy was not SLSA).
    NotPresent = 1005,
    /// The verifier failed without deciding, for a reason this version of the C library has no
    /// specific code for. The artifact was not verified.
    UnexpectedError = 1006,
    /// The value cannot be returned in the form asked for: it contains a NUL byte (a C string),
    /// or it is a digest in an algorithm with no `EV_HASH_*` code.
    NotRepresentable = 1007,

    // 2000–2999: the bundle. Denials.
    /// The bundle is not valid JSON of the bundle schema.
    BundleMalformedJson = 2000,
    /// The bundle breaks a structural rule of its version.
    BundleInvalid = 2001,
    /// The bundle's media type (version) is not supported.
    BundleUnsupportedMediaType = 2002,
    /// The bundle or part of it exceeds a limit (size, depth, number of entries).
    LimitExceeded = 2003,
    /// The bundle cannot be checked against this policy or artifact digest: for example it is
    /// signed with a self-managed key while the policy names a certificate identity, or its log
    /// entry records a digest algorithm other than SHA-256 while only SHA-256 was given.
    BundleUnsuitable = 2004,
    /// The evidence or the policy said no, for a reason this version of the C library has no
    /// specific code for (the detail says which).
    Denied = 2005,
    /// A container image's evidence is malformed or missing: a blob that does not match its
    /// descriptor, cosign annotations missing or malformed, a simple-signing payload of another
    /// type, no signature or attestation of the kind asked for.
    ImageEvidenceInvalid = 2006,

    // 3000–3999: the trust root. Configuration errors, never a denial.
    /// The trust root is not valid JSON of the `trusted_root.json` schema.
    TrustRootMalformedJson = 3000,
    /// The trust root is well-formed but unusable (bad key, certificate or validity window).
    TrustRootInvalid = 3001,
    /// The trust root's media type is not supported.
    TrustRootUnsupportedMediaType = 3002,
    /// The trust root exceeds a size or depth limit.
    TrustRootTooLarge = 3003,
    /// A trust-root update (TUF) decided nothing: the update directory is incomplete or
    /// unreadable, or the device's TUF state or the time given cannot be used. The device keeps
    /// the trust it had.
    TrustRootUpdateUnusable = 3100,

    // 4000–4999: transparency-log evidence and verified time. Denials.
    /// A signed entry timestamp (inclusion promise) does not verify.
    SetInvalid = 4000,
    /// An inclusion proof does not lead to the logged root hash.
    InclusionProofInvalid = 4001,
    /// A checkpoint (signed tree head) fails to parse or verify.
    CheckpointInvalid = 4002,
    /// A transparency-log entry does not describe this bundle.
    LogEntryMismatch = 4003,
    /// A transparency-log entry kind or version that is not supported.
    UnsupportedLogEntryKind = 4004,
    /// Too few trusted transparency logs vouch for the signature.
    LogThresholdNotMet = 4005,
    /// An RFC 3161 timestamp fails to parse or verify.
    TimestampInvalid = 4100,
    /// No verified time: neither a log entry with a valid signed entry timestamp nor a trusted
    /// RFC 3161 timestamp.
    NoVerifiedTime = 4101,

    // 5000–5999: certificate, signature and identity. Denials.
    /// The signing certificate is malformed or not a Fulcio code-signing certificate.
    CertificateInvalid = 5000,
    /// The signing certificate does not chain to a trusted CA at every verified time.
    CertificateChainInvalid = 5001,
    /// The certificate's embedded signed certificate timestamps do not verify.
    SctInvalid = 5002,
    /// The signature does not verify with the signer's key.
    SignatureInvalid = 5100,
    /// The artifact (or its digest) is not what was signed or logged.
    ArtifactDigestMismatch = 5101,
    /// The DSSE envelope or its in-toto statement is unacceptable.
    DsseInvalid = 5102,
    /// A hash, key or signature algorithm is not supported.
    UnsupportedAlgorithm = 5103,
    /// A public key in the evidence is malformed or of an unsupported type. No longer returned:
    /// such a key makes the certificate invalid (`CERTIFICATE_INVALID`, or `TIMESTAMP_INVALID`
    /// for a timestamping authority's), and a malformed key given by the caller is
    /// `INVALID_PARAMETER`. Kept so the number is never reused.
    PublicKeyInvalid = 5104,
    /// The certificate's identity (SAN) is not the one the policy expects.
    IdentityMismatch = 5200,
    /// The certificate's OIDC issuer is not the one the policy expects.
    IssuerMismatch = 5201,

    // 6000–6999: the provenance policy. Denials.
    /// The SLSA provenance does not satisfy the policy (the detail names slsa-verifier's error).
    ProvenanceRejected = 6000,

    // 7000–7999: trust-root updates. Denials.
    /// The trust-root update (TUF metadata or the target it lists) was refused: a signature
    /// threshold, version, rollback, expiry, length or hash check failed (the detail says
    /// which). The device keeps the trust it had.
    TrustRootUpdateRefused = 7000,
}

impl ev_result {
    /// Every code, for conversions from C integers and for tests. The `all_codes_are_listed`
    /// test checks it against the enumerators in the generated header.
    pub(crate) const ALL: [Self; 41] = [
        Self::Ok,
        Self::NullParameter,
        Self::InvalidParameter,
        Self::InsufficientSize,
        Self::Panic,
        Self::Io,
        Self::NotPresent,
        Self::UnexpectedError,
        Self::NotRepresentable,
        Self::BundleMalformedJson,
        Self::BundleInvalid,
        Self::BundleUnsupportedMediaType,
        Self::LimitExceeded,
        Self::BundleUnsuitable,
        Self::Denied,
        Self::ImageEvidenceInvalid,
        Self::TrustRootMalformedJson,
        Self::TrustRootInvalid,
        Self::TrustRootUnsupportedMediaType,
        Self::TrustRootTooLarge,
        Self::TrustRootUpdateUnusable,
        Self::SetInvalid,
        Self::InclusionProofInvalid,
        Self::CheckpointInvalid,
        Self::LogEntryMismatch,
        Self::UnsupportedLogEntryKind,
        Self::LogThresholdNotMet,
        Self::TimestampInvalid,
        Self::NoVerifiedTime,
        Self::CertificateInvalid,
        Self::CertificateChainInvalid,
        Self::SctInvalid,
        Self::SignatureInvalid,
        Self::ArtifactDigestMismatch,
        Self::DsseInvalid,
        Self::UnsupportedAlgorithm,
        Self::PublicKeyInvalid,
        Self::IdentityMismatch,
        Self::IssuerMismatch,
        Self::ProvenanceRejected,
        Self::TrustRootUpdateRefused,
    ];

    /// The code for a C integer; `None` for values that name no code.
    pub(crate) fn from_u32(code: u32) -> Option<Self> {
        Self::ALL.iter().copied().find(|r| *r as u32 == code)
    }

    /// Whether the code says that the evidence or the policy rejected the artifact.
    pub(crate) fn is_denial(self) -> bool {
        matches!(self as u32, 2000..=2999 | 4000..=7999)
    }

    /// A fixed one-line description (no detail from the failing input).
    pub(crate) fn message(self) -> &'static str {
        match self {
            Self::Ok => "success",
            Self::NullParameter => "a required pointer argument is NULL",
            Self::InvalidParameter => "an argument is invalid",
            Self::InsufficientSize => "the output buffer is too small",
            Self::Panic => "internal error (caught panic)",
            Self::Io => "a file could not be opened or read",
            Self::NotPresent => "the verification has no such value",
            Self::UnexpectedError => "verification failed with an unclassified error",
            Self::NotRepresentable => "the value cannot be represented in this form",
            Self::BundleMalformedJson => "bundle: malformed JSON",
            Self::BundleInvalid => "bundle: invalid structure",
            Self::BundleUnsupportedMediaType => "bundle: unsupported media type",
            Self::LimitExceeded => "bundle: a size or count limit is exceeded",
            Self::BundleUnsuitable => {
                "bundle: cannot be checked against this policy or artifact digest"
            }
            Self::Denied => "denied: the evidence or the policy said no",
            Self::ImageEvidenceInvalid => "image evidence: missing or malformed",
            Self::TrustRootMalformedJson => "trust root: malformed JSON",
            Self::TrustRootInvalid => "trust root: invalid",
            Self::TrustRootUnsupportedMediaType => "trust root: unsupported media type",
            Self::TrustRootTooLarge => "trust root: a size or depth limit is exceeded",
            Self::TrustRootUpdateUnusable => {
                "trust-root update: the update or the device state cannot be used"
            }
            Self::SetInvalid => "transparency log: signed entry timestamp does not verify",
            Self::InclusionProofInvalid => "transparency log: inclusion proof does not verify",
            Self::CheckpointInvalid => "transparency log: checkpoint does not verify",
            Self::LogEntryMismatch => "transparency log: entry does not match the bundle",
            Self::UnsupportedLogEntryKind => "transparency log: unsupported entry kind",
            Self::LogThresholdNotMet => "transparency log: too few trusted logs verified",
            Self::TimestampInvalid => "timestamp: RFC 3161 timestamp does not verify",
            Self::NoVerifiedTime => "time: no verified time in the evidence",
            Self::CertificateInvalid => "certificate: invalid signing certificate",
            Self::CertificateChainInvalid => "certificate: chain not valid at the signing time",
            Self::SctInvalid => "certificate transparency: SCT does not verify",
            Self::SignatureInvalid => "signature: does not verify",
            Self::ArtifactDigestMismatch => "signature: the artifact is not the one signed",
            Self::DsseInvalid => "signature: invalid DSSE envelope or in-toto statement",
            Self::UnsupportedAlgorithm => "signature: unsupported algorithm",
            Self::PublicKeyInvalid => "signature: invalid public key in the evidence",
            Self::IdentityMismatch => "identity: the signer is not the expected identity",
            Self::IssuerMismatch => "identity: the OIDC issuer is not the expected one",
            Self::ProvenanceRejected => "provenance: SLSA policy not satisfied",
            Self::TrustRootUpdateRefused => "trust-root update: refused",
        }
    }
}

/// The code for a core error: the core's class picks the range (a denial code exactly when the
/// error is [`ErrorClass::Denied`]), the variant the code within it.
pub(crate) fn code_for(err: &Error) -> ev_result {
    match err.class() {
        ErrorClass::Denied => denial_code(err.cause()),
        ErrorClass::Undecided => undecided_code(err.cause()),
    }
}

/// Denials, variant by variant. `Error` is `#[non_exhaustive]`: a denial the core adds later is
/// `Denied` until it is given a code here.
fn denial_code(err: &Error) -> ev_result {
    match err {
        Error::ArtifactDigestMismatch { .. } => ev_result::ArtifactDigestMismatch,
        Error::ArtifactDigestMissing { .. } | Error::SignerKindMismatch { .. } => {
            ev_result::BundleUnsuitable
        }
        Error::BundleInvalid { .. } => ev_result::BundleInvalid,
        Error::CertificateChainInvalid { .. } => ev_result::CertificateChainInvalid,
        Error::CertificateInvalid { .. } => ev_result::CertificateInvalid,
        Error::CheckpointInvalid { .. } => ev_result::CheckpointInvalid,
        Error::DsseInvalid { .. } => ev_result::DsseInvalid,
        Error::EntryBodyMismatch { .. } => ev_result::LogEntryMismatch,
        Error::LimitExceeded { .. } => ev_result::LimitExceeded,
        Error::InclusionProofInvalid { .. } => ev_result::InclusionProofInvalid,
        Error::IssuerMismatch { .. } => ev_result::IssuerMismatch,
        Error::MalformedJson { document, .. } => match document {
            Document::Bundle => ev_result::BundleMalformedJson,
            Document::EntryBody => ev_result::LogEntryMismatch,
            Document::Statement => ev_result::DsseInvalid,
            Document::Image => ev_result::ImageEvidenceInvalid,
            _ => ev_result::Denied,
        },
        Error::NoVerifiedTime => ev_result::NoVerifiedTime,
        Error::Provenance(_) => ev_result::ProvenanceRejected,
        Error::SctInvalid { .. } => ev_result::SctInvalid,
        Error::SetInvalid { .. } => ev_result::SetInvalid,
        Error::SignatureInvalid => ev_result::SignatureInvalid,
        Error::SubjectMismatch { .. } => ev_result::IdentityMismatch,
        Error::TimestampInvalid { .. } => ev_result::TimestampInvalid,
        Error::TlogThresholdNotMet { .. } => ev_result::LogThresholdNotMet,
        Error::UnsupportedAlgorithm { .. } => ev_result::UnsupportedAlgorithm,
        Error::UnsupportedEntryKind => ev_result::UnsupportedLogEntryKind,
        Error::UnsupportedMediaType { .. } => ev_result::BundleUnsupportedMediaType,
        Error::Tuf(_) => ev_result::TrustRootUpdateRefused,
        Error::ImageEvidenceInvalid { .. } => ev_result::ImageEvidenceInvalid,
        _ => ev_result::Denied,
    }
}

/// Failures that decided nothing: the caller's arguments and policy, or the trust root.
fn undecided_code(err: &Error) -> ev_result {
    match err {
        Error::TrustRootInvalid { .. } => ev_result::TrustRootInvalid,
        Error::Tuf(_) => ev_result::TrustRootUpdateUnusable,
        Error::MalformedJson {
            document: Document::TrustRoot,
            ..
        } => ev_result::TrustRootMalformedJson,
        Error::UnsupportedMediaType {
            document: Document::TrustRoot,
        } => ev_result::TrustRootUnsupportedMediaType,
        Error::LimitExceeded {
            document: Document::TrustRoot,
            ..
        } => ev_result::TrustRootTooLarge,
        // The caller's arguments, policy or key.
        Error::InvalidInput { .. }
        | Error::PublicKeyInvalid { .. }
        | Error::LimitExceeded { .. }
        | Error::MalformedJson { .. }
        | Error::UnsupportedMediaType { .. } => ev_result::InvalidParameter,
        _ => ev_result::UnexpectedError,
    }
}

/// A failed call: its code and a one-line detail for `ev_last_error_detail`.
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) code: ev_result,
    pub(crate) detail: String,
}

impl Failure {
    pub(crate) fn new(code: ev_result, detail: impl Into<String>) -> Self {
        Self {
            code,
            detail: detail.into(),
        }
    }

    /// A NULL pointer where `name` was required.
    pub(crate) fn null(name: &str) -> Self {
        Self::new(ev_result::NullParameter, std::format!("{name} is NULL"))
    }

    /// A core error; the detail is the core's one-line message (stage and reason).
    pub(crate) fn core(err: &Error) -> Self {
        Self::new(code_for(err), err.to_string())
    }
}

thread_local! {
    /// The detail of the last failing call on this thread (empty before any).
    static LAST_DETAIL: RefCell<String> = const { RefCell::new(String::new()) };
}

/// Remembers `detail` as this thread's last error detail.
pub(crate) fn record_detail(detail: &str) {
    // `try_with`: during thread teardown the slot may be gone; the code is still returned.
    let _ = LAST_DETAIL.try_with(|slot| {
        if let Ok(mut slot) = slot.try_borrow_mut() {
            slot.clear();
            slot.push_str(detail);
        }
    });
}

/// Writes `text` into `buf` as a NUL-terminated string, truncated (at a UTF-8 boundary) to fit
/// `len` bytes including the NUL, and stores the number of bytes written before the NUL in
/// `*out_n`. Writes nothing into `buf` if it is NULL or `len` is 0 (then `*out_n` is 0).
///
/// # Safety
/// `buf` is NULL or valid for writes of `len` bytes; `out_n` is NULL or valid for a write.
unsafe fn write_truncated(text: &str, buf: *mut c_char, len: usize, out_n: *mut usize) {
    let mut n = 0;
    if !buf.is_null() && len > 0 {
        n = text.len().min(len - 1);
        while !text.is_char_boundary(n) {
            n -= 1;
        }
        // SAFETY: `n < len` and the caller guarantees `buf` holds `len` bytes; source and
        // destination cannot overlap (`text` is Rust-owned).
        unsafe { core::ptr::copy_nonoverlapping(text.as_ptr(), buf.cast::<u8>(), n) };
        // SAFETY: `n <= len - 1`, inside the caller's buffer.
        unsafe { buf.add(n).write(0) };
    }
    if !out_n.is_null() {
        // SAFETY: checked non-NULL; the caller guarantees it is valid for a write.
        unsafe { out_n.write(n) };
    }
}

/// Writes a one-line English description of `result` into `buf`.
///
/// The text is NUL-terminated and truncated to fit `len` bytes (including the NUL; 128 bytes
/// always suffice); `*out_n` receives the number of bytes before the NUL. Unknown codes get a
/// generic text. Writes nothing into `buf` if `buf` is NULL or `len` is 0; `out_n` may be NULL.
/// The text is fixed per code; `ev_last_error_detail` has the specifics of a failed call.
/// Thread-safe; never fails.
///
/// # Safety
/// `buf` is NULL or points to at least `len` writable bytes; `out_n` is NULL or points to a
/// writable `size_t`.
#[no_mangle]
pub unsafe extern "C" fn ev_result_message(
    result: u32,
    buf: *mut c_char,
    len: usize,
    out_n: *mut usize,
) {
    crate::panic::value_boundary((), || {
        let text = ev_result::from_u32(result).map_or("unknown result code", ev_result::message);
        // SAFETY: the caller's guarantees are exactly `write_truncated`'s.
        unsafe { write_truncated(text, buf, len, out_n) };
    })
}

/// Whether `result` is a denial: the evidence or the policy said no (the bundle is invalid or
/// does not match, a signature or proof fails, the signer or provenance is not the expected
/// one).
///
/// Returns false for `EV_RESULT_OK`, for codes that mean nothing was decided (NULL or invalid
/// arguments, I/O errors, an unusable trust root, a caught panic) and for unknown codes. Either
/// way, only `EV_RESULT_OK` means the artifact verified. Thread-safe.
#[no_mangle]
pub extern "C" fn ev_result_is_denial(result: u32) -> bool {
    crate::panic::value_boundary(false, || {
        ev_result::from_u32(result).is_some_and(ev_result::is_denial)
    })
}

/// Writes a one-line description of the last failed call **on the calling thread** into `buf`:
/// the code's meaning plus the specifics (which stage, which field, the identity found, the
/// file that could not be read). Empty if no call on this thread has failed yet.
///
/// Every function returning a `uint32_t` code records this detail when it returns a non-zero
/// code; successful calls leave it unchanged. Read it right after the failing call, on the same
/// thread (from Go: in the same cgo call, or with the goroutine locked to its OS thread).
/// Truncation, `buf`, `len` and `out_n` behave as in `ev_result_message`; 1024 bytes suffice in
/// practice. Never fails.
///
/// # Safety
/// `buf` is NULL or points to at least `len` writable bytes; `out_n` is NULL or points to a
/// writable `size_t`.
#[no_mangle]
pub unsafe extern "C" fn ev_last_error_detail(buf: *mut c_char, len: usize, out_n: *mut usize) {
    crate::panic::value_boundary((), || {
        let _ = LAST_DETAIL.try_with(|slot| {
            if let Ok(slot) = slot.try_borrow() {
                // SAFETY: the caller's guarantees are exactly `write_truncated`'s.
                unsafe { write_truncated(&slot, buf, len, out_n) };
            }
        });
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The core's classification decides the range: a denial code exactly for a denial, and
    /// never the success code. Every variant the core has today gets a specific code (not the
    /// catch-alls for variants added later), staged or not.
    #[test]
    fn every_core_error_gets_a_specific_code_in_its_class() {
        for err in edgeverify_core::__testing::every_variant() {
            let code = code_for(&err);
            assert_ne!(code, ev_result::Ok, "{err:?} maps to success");
            assert_eq!(
                code.is_denial(),
                err.class() == ErrorClass::Denied,
                "{err:?} -> {code:?}"
            );
            assert!(
                !matches!(code, ev_result::UnexpectedError | ev_result::Denied),
                "{err:?} has no specific code"
            );
            let staged = Failure::core(&err);
            assert_eq!(staged.code, code);
            assert_eq!(staged.detail, err.to_string());
        }
    }

    /// The codes of the cases issue 15 names, and of the inputs that decide nothing.
    #[test]
    fn codes_follow_whose_input_failed() {
        use edgeverify_core::{HashAlgorithm, SignerKind};
        let limit = |document| Error::LimitExceeded {
            document,
            what: "x",
            limit: 1,
        };
        let malformed = |document| Error::MalformedJson {
            document,
            line: 1,
            column: 1,
        };
        let media_type = |document| Error::UnsupportedMediaType { document };
        let cases = [
            // The caller's arguments, policy, key: a failed call.
            (
                Error::InvalidInput { reason: "x" },
                ev_result::InvalidParameter,
            ),
            (
                Error::PublicKeyInvalid { reason: "x" },
                ev_result::InvalidParameter,
            ),
            (limit(Document::Policy), ev_result::InvalidParameter),
            // The trust root: configuration.
            (
                Error::TrustRootInvalid { reason: "x" },
                ev_result::TrustRootInvalid,
            ),
            (
                malformed(Document::TrustRoot),
                ev_result::TrustRootMalformedJson,
            ),
            (
                media_type(Document::TrustRoot),
                ev_result::TrustRootUnsupportedMediaType,
            ),
            (limit(Document::TrustRoot), ev_result::TrustRootTooLarge),
            // The bundle's content: denials.
            (
                Error::SignerKindMismatch {
                    found: SignerKind::Certificate,
                    expected: SignerKind::PublicKey,
                },
                ev_result::BundleUnsuitable,
            ),
            (
                Error::ArtifactDigestMissing {
                    algorithm: HashAlgorithm::Sha512,
                    needed_by: "x",
                },
                ev_result::BundleUnsuitable,
            ),
            (
                Error::CertificateInvalid {
                    reason: "public key bit string has unused bits",
                },
                ev_result::CertificateInvalid,
            ),
            (malformed(Document::Bundle), ev_result::BundleMalformedJson),
            (
                media_type(Document::Bundle),
                ev_result::BundleUnsupportedMediaType,
            ),
            (limit(Document::Bundle), ev_result::LimitExceeded),
        ];
        for (err, code) in cases {
            assert_eq!(code_for(&err), code, "{err:?}");
            assert_eq!(code.is_denial(), err.is_denial(), "{err:?}");
        }
    }

    #[test]
    fn codes_are_unique_and_round_trip() {
        for (i, a) in ev_result::ALL.iter().enumerate() {
            assert_eq!(ev_result::from_u32(*a as u32), Some(*a));
            for b in ev_result::ALL.iter().skip(i + 1) {
                if a != b {
                    assert_ne!(*a as u32, *b as u32);
                }
            }
        }
        assert_eq!(ev_result::from_u32(1), None);
        assert_eq!(ev_result::from_u32(u32::MAX), None);
        assert!(!ev_result::Ok.is_denial());
    }

    /// `ALL` must list every enumerator: compare with the header cbindgen generated from the
    /// enum itself (the header is checked against the source in CI).
    #[test]
    fn all_codes_are_listed() {
        let header = include_str!("../include/edgeverify.h");
        let mut in_header = 0;
        for line in header.lines() {
            let line = line.trim();
            let Some(rest) = line.strip_prefix("EV_RESULT_") else {
                continue;
            };
            let Some((_, value)) = rest.split_once(" = ") else {
                continue;
            };
            let value: u32 = value.trim_end_matches(',').parse().unwrap();
            assert!(
                ev_result::from_u32(value).is_some(),
                "EV_RESULT_{rest} is missing from ev_result::ALL"
            );
            in_header += 1;
        }
        let mut distinct = ev_result::ALL.to_vec();
        distinct.sort_by_key(|r| *r as u32);
        distinct.dedup();
        assert_eq!(in_header, distinct.len());
    }

    #[test]
    fn truncation_keeps_utf8_and_nul() {
        let mut buf = [0x55 as c_char; 6];
        let mut n = 99usize;
        // "aé…" : 'é' is 2 bytes; with 6 bytes of room only 5 fit before the NUL.
        // SAFETY: the buffer holds 6 bytes; `n` is a valid usize.
        unsafe { write_truncated("abcdé", buf.as_mut_ptr(), buf.len(), &mut n) };
        assert_eq!(n, 4, "must not split the two-byte character");
        assert_eq!(buf[4], 0);
        // SAFETY: as above; a zero length writes nothing.
        unsafe { write_truncated("abc", buf.as_mut_ptr(), 0, &mut n) };
        assert_eq!(n, 0);
    }
}
