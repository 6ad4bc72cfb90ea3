//! slsa-verifier's error sentinels, and the name of any verification failure in its words
//! (the agent prints it).

use core::fmt;

/// Why the policy stage rejected the provenance: one variant per slsa-verifier error sentinel
/// that `verify-artifact` can return from this stage.
///
/// Each variant carries a short human reason; [`slsa_verifier_name`](Self::slsa_verifier_name)
/// gives the Go sentinel name for cross-checking against slsa-verifier.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SlsaError {
    /// `ErrorInvalidBuilderID`: the certificate builder has no provenance format for this
    /// predicate type, or a BYOB provenance builder is malformed or outside slsa-github-generator
    /// while no `--builder-id` was given.
    InvalidBuilderId(&'static str),
    /// `ErrorInvalidBuildType`: the `buildType` is not one the certificate builder produces.
    InvalidBuildType(&'static str),
    /// `ErrorInvalidCertificate`: the certificate identity is not a GitHub Actions workflow, or a
    /// claim exceeds [`MAX_CLAIM_BYTES`](crate::limits::MAX_CLAIM_BYTES).
    InvalidCertificate(&'static str),
    /// `ErrorInvalidDssePayload`: wrong `payloadType` or `predicateType`, malformed or oversized
    /// statement, missing or mistyped fields, or trigger URI ≠ source URI.
    InvalidDssePayload(&'static str),
    /// `ErrorInvalidFormat`: inconsistent Fulcio claims, malformed builder ID or workflow ref,
    /// or contradictory policy options.
    InvalidFormat(&'static str),
    /// `ErrorInvalidHash`: the expected digest is shorter than 256 bits (unreachable with a
    /// SHA-256 input; kept for parity).
    InvalidHash(&'static str),
    /// `ErrorInvalidOIDCIssuer`: the certificate issuer is not GitHub Actions.
    InvalidOidcIssuer(&'static str),
    /// `ErrorInvalidRef`: the builder ref is not `refs/tags/vX.Y.Z`, or the provenance has no
    /// tag / branch to compare with the requested one.
    InvalidRef(&'static str),
    /// `ErrorInvalidSemver`: `--source-versioned-tag` or the provenance tag is not semver.
    InvalidSemver(&'static str),
    /// `ErrorMalformedURI`: `--source-uri` is not a github.com repository, or a provenance URI
    /// is empty, not `git+`, or lacks a ref.
    MalformedUri(&'static str),
    /// `ErrorMismatchBranch`: the build's branch differs from `--source-branch`.
    MismatchBranch(&'static str),
    /// `ErrorMismatchBuilderID`: the provenance `builder.id` differs from the certificate
    /// builder (or, for BYOB builders, from `--builder-id`).
    MismatchBuilderId(&'static str),
    /// `ErrorMismatchHash`: no subject carries the artifact's SHA-256.
    MismatchHash(&'static str),
    /// `ErrorMismatchSource`: the certificate or provenance repository differs from
    /// `--source-uri`.
    MismatchSource(&'static str),
    /// `ErrorMismatchTag`: the build's tag differs from `--source-tag`.
    MismatchTag(&'static str),
    /// `ErrorMismatchVersionedTag`: the build's tag does not match `--source-versioned-tag`.
    MismatchVersionedTag(&'static str),
    /// `ErrorNotPresent`: a v1 provenance lacks `internalParameters.GITHUB_WORKFLOW_REF`.
    NotPresent(&'static str),
    /// `ErrorUntrustedReusableWorkflow`: the signing workflow is not a trusted builder, or does
    /// not match `--builder-id`.
    UntrustedReusableWorkflow(&'static str),
    /// `ErrorVerifierNotSupported`: `--builder-id` names a builder no verifier here supports.
    VerifierNotSupported(&'static str),
}

impl SlsaError {
    /// The slsa-verifier Go sentinel this error corresponds to, e.g. `"ErrorMismatchSource"`.
    pub fn slsa_verifier_name(&self) -> &'static str {
        self.parts().0
    }

    /// (Go sentinel name, Go sentinel message, our reason).
    pub(super) fn parts(&self) -> (&'static str, &'static str, &'static str) {
        match *self {
            Self::InvalidBuilderId(r) => ("ErrorInvalidBuilderID", "builderID is invalid", r),
            Self::InvalidBuildType(r) => ("ErrorInvalidBuildType", "buildType is invalid", r),
            Self::InvalidCertificate(r) => ("ErrorInvalidCertificate", "invalid certificate", r),
            Self::InvalidDssePayload(r) => (
                "ErrorInvalidDssePayload",
                "invalid DSSE envelope payload",
                r,
            ),
            Self::InvalidFormat(r) => ("ErrorInvalidFormat", "invalid format", r),
            Self::InvalidHash(r) => ("ErrorInvalidHash", "invalid hash", r),
            Self::InvalidOidcIssuer(r) => ("ErrorInvalidOIDCIssuer", "invalid OIDC issuer", r),
            Self::InvalidRef(r) => ("ErrorInvalidRef", "invalid ref", r),
            Self::InvalidSemver(r) => ("ErrorInvalidSemver", "invalid semantic version", r),
            Self::MalformedUri(r) => ("ErrorMalformedURI", "URI is malformed", r),
            Self::MismatchBranch(r) => (
                "ErrorMismatchBranch",
                "branch used to generate the binary does not match provenance",
                r,
            ),
            Self::MismatchBuilderId(r) => (
                "ErrorMismatchBuilderID",
                "builderID does not match provenance",
                r,
            ),
            Self::MismatchHash(r) => (
                "ErrorMismatchHash",
                "artifact hash does not match provenance subject",
                r,
            ),
            Self::MismatchSource(r) => (
                "ErrorMismatchSource",
                "source used to generate the binary does not match provenance",
                r,
            ),
            Self::MismatchTag(r) => (
                "ErrorMismatchTag",
                "tag used to generate the binary does not match provenance",
                r,
            ),
            Self::MismatchVersionedTag(r) => (
                "ErrorMismatchVersionedTag",
                "tag used to generate the binary does not match provenance",
                r,
            ),
            Self::NotPresent(r) => ("ErrorNotPresent", "not present", r),
            Self::UntrustedReusableWorkflow(r) => (
                "ErrorUntrustedReusableWorkflow",
                "untrusted reusable workflow",
                r,
            ),
            Self::VerifierNotSupported(r) => (
                "ErrorVerifierNotSupported",
                "no verifier support the builder",
                r,
            ),
        }
    }
}

impl fmt::Display for SlsaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (_, message, reason) = self.parts();
        write!(f, "{message}: {reason}")
    }
}

impl core::error::Error for SlsaError {}

/// The slsa-verifier error name users would see for any verification failure, so that
/// failures read the same as with `slsa-verifier verify-artifact` (which reports Sigstore
/// failures with its own sentinels). Failures slsa-verifier has no sentinel for (RFC 3161
/// timestamps, which it does not use) map to the closest one, `ErrorInvalidCertificate`.
///
/// A stable identifier, not presentation: core's tests compare it with slsa-verifier's
/// expectation rows, and front ends print it (the agent's `describe_slsa_failure`).
pub fn error_name(e: &crate::Error) -> &'static str {
    use crate::{Document, Error};
    match e.cause() {
        Error::Provenance(p) => p.slsa_verifier_name(),
        Error::SetInvalid { .. }
        | Error::InclusionProofInvalid { .. }
        | Error::CheckpointInvalid { .. }
        | Error::UnsupportedEntryKind => "ErrorInvalidRekorEntry",
        Error::TlogThresholdNotMet { .. } => "ErrorRekorPubKey",
        Error::EntryBodyMismatch { .. } => "ErrorMismatchSignature",
        Error::SignatureInvalid => "ErrorInvalidSignature",
        Error::ArtifactDigestMismatch { .. } => "ErrorMismatchHash",
        Error::DsseInvalid { .. }
        | Error::MalformedJson {
            document: Document::Statement,
            ..
        } => "ErrorInvalidDssePayload",
        Error::CertificateChainInvalid { .. }
        | Error::CertificateInvalid { .. }
        | Error::SctInvalid { .. }
        | Error::SubjectMismatch { .. }
        | Error::IssuerMismatch { .. }
        | Error::NoVerifiedTime
        | Error::TimestampInvalid { .. } => "ErrorInvalidCertificate",
        _ => "ErrorUnexpectedBundleContent",
    }
}
