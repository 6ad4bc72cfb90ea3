//! SLSA provenance policy for GitHub Actions builders, with `slsa-verifier verify-artifact`
//! parity (production mode, slsa-verifier `aaf98fd7`, v2.7.x).
//!
//! This module is the *policy* stage only. It answers "does this already-authenticated in-toto
//! statement, signed by this already-authenticated Fulcio certificate, satisfy the operator's
//! `--source-uri` / `--source-branch` / `--source-tag` / `--source-versioned-tag` /
//! `--builder-id` flags for an artifact with this SHA-256?", and it reports the same error
//! sentinel slsa-verifier would ([`SlsaError::slsa_verifier_name`]).
//!
//! # What the caller must do first
//!
//! [`verify_provenance`] trusts its inputs' *origin*; it does no cryptography and reads no
//! clock. Before calling it the caller must have:
//! 1. verified the Fulcio leaf certificate chain to a pinned Fulcio root at the Rekor
//!    `integratedTime`, its embedded SCT, and the transparency-log entry (SET and/or inclusion
//!    proof) binding the envelope signature;
//! 2. verified the DSSE signature (PAE over `payloadType` and the payload bytes) with that
//!    certificate's key, and base64-decoded the payload that was signed;
//! 3. filled [`CertificateClaims`] from *that* certificate only: the first URI SAN and the Fulcio
//!    `1.3.6.1.4.1.57264.1.*` extensions (raw bytes for `.1.1`–`.1.6`, DER UTF8String content for
//!    `.1.8` and later). A present but undecodable extension (bad DER, or raw bytes that are not
//!    UTF-8) must fail the certificate (slsa-verifier fails there too); an absent one is `None`.
//!    Do not pre-filter issuer or SAN: the identity checks below must see the raw values;
//! 4. computed the artifact's SHA-256 itself.
//!
//! The coarse identity gate that slsa-verifier runs inside its signature stage (sigstore-go
//! `CertificateIdentity`: issuer is GitHub Actions, SAN is a `https://github.com/` URI) is done
//! here, so it yields `ErrorInvalidCertificate` exactly as slsa-verifier does.
//!
//! # Order of checks (first failure wins, as in slsa-verifier)
//!
//! Certificate: coarse identity gate, Fulcio claim consistency, issuer, SAN → builder workflow
//! and ref, trusted builder / `--builder-id`, builder ref is `refs/tags/vX.Y.Z`, source
//! repository. Statement: `payloadType`, JSON parse and limits, `predicateType`, strict decode,
//! (builder, buildType) table, `builder.id`, trigger and source URIs, subject SHA-256, branch,
//! tag, versioned tag.
//!
//! # Deliberate differences from slsa-verifier (all fail closed)
//!
//! * `SLSA_VERIFIER_TESTING` does not exist here: builder refs must always be release tags.
//! * Input sizes are bounded by the `MAX_*` constants below.
//! * Duplicate JSON object keys (exact, or ASCII-case-insensitive where Go would map both to
//!   one struct field) are rejected; Go silently keeps the last one.
//! * Go folds a few non-ASCII letters when matching struct keys (`ſ`, `K`); only ASCII case is
//!   folded here, so such keys are rejected as unknown.
//! * Timestamps must match Go's RFC 3339 fast path; Go's lenient fallback parser is not copied.
//! * The SAN must be a plain `https://github.com/…` URI (no `%`, `?`, `#`, controls).
//! * `--build-workflow-input` and the npm / container-image verifiers are not implemented.
#![deny(
    clippy::arithmetic_side_effects,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::string_slice,
    clippy::unwrap_used
)]

use alloc::borrow::{Cow, ToOwned};
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};

/// Largest in-toto statement (decoded DSSE payload) accepted, in bytes. Real provenance is
/// ~10 KiB; a release event carrying a maximal 125,000-character release body stays far below.
pub const MAX_STATEMENT_BYTES: usize = 4 * 1024 * 1024;

/// Deepest nesting of JSON arrays/objects accepted. Real statements nest fewer than 15 levels;
/// the bound keeps parser recursion (stack use) small on embedded targets.
pub const MAX_JSON_DEPTH: usize = 64;

/// Most JSON values in one statement. Bounds the parsed tree's memory (tens of bytes per value)
/// however compact the input text is; real statements hold a few hundred values.
pub const MAX_JSON_VALUES: usize = 131_072;

/// Longest single JSON string or key, in bytes. The longest real field (a release body) is
/// under 512 KiB of UTF-8.
pub const MAX_JSON_STRING_BYTES: usize = 1024 * 1024;

/// Most subjects in one statement. KubeEdge publishes 11 per release; slsa-verifier scans every
/// subject for the artifact digest, so this bounds that scan.
pub const MAX_SUBJECTS: usize = 1024;

/// Most digest entries in one subject's digest set. in-toto defines a handful of algorithms.
pub const MAX_DIGESTS_PER_SUBJECT: usize = 32;

/// Longest certificate claim (SAN URI or Fulcio extension value), in bytes. Real values are
/// under 300 bytes; GitHub caps workflow refs well below this.
pub const MAX_CLAIM_BYTES: usize = 4096;

/// Longest operator-supplied policy value (source URI, tag, branch, builder ID), in bytes.
pub const MAX_POLICY_VALUE_BYTES: usize = 1024;

/// What the operator requires of the provenance: the `slsa-verifier verify-artifact` flags.
///
/// Every input is parsed when it is given, so a `SlsaPolicy` that exists is well-formed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SlsaPolicy {
    source: SourceRepository,
    branch: Option<String>,
    tag: Option<TagRequirement>,
    builder_id: Option<ExpectedBuilderId>,
}

impl SlsaPolicy {
    /// `--source-uri`: the repository the artifact must be built from, e.g.
    /// `github.com/kubeedge/kubeedge` or `git+https://github.com/kubeedge/kubeedge`.
    ///
    /// Only an over-long URI fails here (`ErrorMalformedURI`). Shape errors are reported where
    /// slsa-verifier reports them, during verification and *after* the certificate's repository
    /// comparison: so `Agithub.com/o/r` gives `ErrorMismatchSource`, and only a URI that matches
    /// the certificate yet is not `git+https://github.com/…` gives `ErrorMalformedURI`. The
    /// slsa-verifier gotcha is kept too: `https://github.com/o/r` never matches a certificate
    /// (`ErrorMismatchSource`), because only `git+https://` and `github.com/` are stripped
    /// before that comparison.
    pub fn new(source_uri: &str) -> Result<Self, SlsaError> {
        Ok(Self {
            source: SourceRepository::parse(source_uri)?,
            branch: None,
            tag: None,
            builder_id: None,
        })
    }

    /// `--source-tag`: the exact tag name (without `refs/tags/`) the build must come from.
    ///
    /// Mutually exclusive with [`with_source_versioned_tag`](Self::with_source_versioned_tag)
    /// (a CLI usage error in slsa-verifier, reported here as `ErrorInvalidFormat`).
    pub fn with_source_tag(mut self, tag: &str) -> Result<Self, SlsaError> {
        if matches!(self.tag, Some(TagRequirement::Versioned(_))) {
            return Err(SlsaError::InvalidFormat(
                "--source-tag and --source-versioned-tag are mutually exclusive",
            ));
        }
        let tag = policy_ref_name(tag, "--source-tag is empty", "--source-tag is too long")?;
        self.tag = Some(TagRequirement::Exact(tag));
        Ok(self)
    }

    /// `--source-versioned-tag`: a semver prefix (`v13`, `v13.0`, `v13.0.30`) the build's tag
    /// must match. Fails with `ErrorInvalidSemver` when it is not valid Go semver.
    pub fn with_source_versioned_tag(mut self, version: &str) -> Result<Self, SlsaError> {
        if matches!(self.tag, Some(TagRequirement::Exact(_))) {
            return Err(SlsaError::InvalidFormat(
                "--source-tag and --source-versioned-tag are mutually exclusive",
            ));
        }
        if version.len() > MAX_POLICY_VALUE_BYTES {
            return Err(SlsaError::InvalidSemver(
                "--source-versioned-tag is too long",
            ));
        }
        self.tag = Some(TagRequirement::Versioned(VersionedTag::parse(version)?));
        Ok(self)
    }

    /// `--source-branch`: the branch name (without `refs/heads/`) the build must come from.
    pub fn with_source_branch(mut self, branch: &str) -> Result<Self, SlsaError> {
        let branch = policy_ref_name(
            branch,
            "--source-branch is empty",
            "--source-branch is too long",
        )?;
        self.branch = Some(branch);
        Ok(self)
    }

    /// `--builder-id`: `name[@version]`, where `name` is the builder's
    /// `https://github.com/<owner>/<repo>/.github/workflows/<file>` and `version` is either
    /// `vX.Y.Z` or `refs/tags/vX.Y.Z`.
    ///
    /// Fails with `ErrorVerifierNotSupported` for non-GitHub builders (slsa-verifier would hand
    /// them to its GCB verifier, which this crate does not have) and with `ErrorInvalidFormat`
    /// when the ID is not `name[@version]`.
    pub fn with_builder_id(mut self, id: &str) -> Result<Self, SlsaError> {
        if !id.starts_with(HTTPS_GITHUB_COM) {
            return Err(SlsaError::VerifierNotSupported(
                "--builder-id is not a https://github.com/ builder",
            ));
        }
        if id.len() > MAX_POLICY_VALUE_BYTES {
            return Err(SlsaError::InvalidFormat("--builder-id is too long"));
        }
        let (name, version) = parse_builder_id(id, false)?;
        self.builder_id = Some(ExpectedBuilderId {
            name: name.to_owned(),
            version: version.to_owned(),
        });
        Ok(self)
    }
}

/// Facts from the Fulcio leaf certificate, which the caller has already verified
/// cryptographically (chain, SCT, transparency log, DSSE signature).
///
/// Plain owned data, filled by the caller from that certificate. `None` and `Some("")` both mean
/// "absent", as in slsa-verifier (Go reads a missing extension as `""`). Only the claims that
/// slsa-verifier's `verify-artifact` consults are listed; add fields here before using others.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct CertificateClaims {
    /// First URI subject alternative name: the signing (reusable) workflow,
    /// `https://github.com/<owner>/<repo>/<path>@<ref>`.
    pub san_uri: Option<String>,
    /// OIDC issuer, `1.3.6.1.4.1.57264.1.8` (DER UTF8String).
    pub issuer: Option<String>,
    /// Legacy OIDC issuer, `1.3.6.1.4.1.57264.1.1` (raw bytes).
    pub issuer_v1: Option<String>,
    /// Legacy GitHub workflow trigger, `1.3.6.1.4.1.57264.1.2` (raw bytes).
    pub github_workflow_trigger: Option<String>,
    /// Legacy GitHub workflow commit SHA, `1.3.6.1.4.1.57264.1.3` (raw bytes).
    pub github_workflow_sha: Option<String>,
    /// Legacy GitHub workflow repository `owner/repo`, `1.3.6.1.4.1.57264.1.5` (raw bytes).
    pub github_workflow_repository: Option<String>,
    /// Source repository URI, `1.3.6.1.4.1.57264.1.12` (DER UTF8String).
    pub source_repository_uri: Option<String>,
    /// Source repository digest (commit), `1.3.6.1.4.1.57264.1.13` (DER UTF8String).
    pub source_repository_digest: Option<String>,
    /// Build config URI, `1.3.6.1.4.1.57264.1.18` (DER UTF8String).
    pub build_config_uri: Option<String>,
    /// Build config digest, `1.3.6.1.4.1.57264.1.19` (DER UTF8String).
    pub build_config_digest: Option<String>,
    /// Build trigger (event name), `1.3.6.1.4.1.57264.1.20` (DER UTF8String).
    pub build_trigger: Option<String>,
}

/// What verification established, returned only when every check passed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedProvenance {
    builder_id: String,
    build_type: String,
    predicate_type: String,
    source_uri: String,
    source_repository: String,
    source_commit: String,
    tag: Option<String>,
    branch: Option<String>,
    subject_names: Vec<String>,
    matched_subject_names: Vec<String>,
    statement: Vec<u8>,
}

impl VerifiedProvenance {
    /// The builder ID slsa-verifier reports (`name@refs/tags/vX.Y.Z`): the certificate's
    /// workflow for generic/Go/container-based builders, the provenance `builder.id` (the trusted
    /// reusable workflow behind the delegator) for BYOB builders.
    pub fn builder_id(&self) -> &str {
        &self.builder_id
    }

    /// The provenance `buildType`.
    pub fn build_type(&self) -> &str {
        &self.build_type
    }

    /// The statement's `predicateType` (`https://slsa.dev/provenance/v0.2` or `/v1`).
    pub fn predicate_type(&self) -> &str {
        &self.predicate_type
    }

    /// The provenance source URI with its ref, e.g.
    /// `git+https://github.com/kubeedge/kubeedge@refs/tags/v1.23.1` (v0.2 `materials[0].uri`,
    /// v1 `resolvedDependencies[0].uri`).
    pub fn source_uri(&self) -> &str {
        &self.source_uri
    }

    /// The source repository `owner/repo` from the certificate (Fulcio-attested).
    pub fn source_repository(&self) -> &str {
        &self.source_repository
    }

    /// The source commit from the certificate (Fulcio `.1.13`, or legacy `.1.3`), which an
    /// operator can pin; slsa-verifier itself never compares it.
    pub fn source_commit(&self) -> &str {
        &self.source_commit
    }

    /// The tag name the build ran for (without `refs/tags/`), when the provenance names one.
    pub fn tag(&self) -> Option<&str> {
        self.tag.as_deref()
    }

    /// The branch name (without `refs/heads/`), derived as slsa-verifier derives it for
    /// `--source-branch`, when derivable.
    pub fn branch(&self) -> Option<&str> {
        self.branch.as_deref()
    }

    /// Names of all statement subjects, in statement order.
    pub fn subject_names(&self) -> &[String] {
        &self.subject_names
    }

    /// Names of the subjects whose `sha256` equals the artifact's. slsa-verifier ignores names;
    /// callers that know the expected asset name (e.g. `keadm-v1.23.1-linux-arm64.tar.gz`)
    /// should check it here.
    pub fn matched_subject_names(&self) -> &[String] {
        &self.matched_subject_names
    }

    /// The verified in-toto statement bytes (what `--print-provenance` prints).
    pub fn statement(&self) -> &[u8] {
        &self.statement
    }
}

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
    /// claim exceeds [`MAX_CLAIM_BYTES`].
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
    fn parts(&self) -> (&'static str, &'static str, &'static str) {
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
pub fn error_name(e: &crate::Error) -> &'static str {
    use crate::{Document, Error};
    match e {
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

/// One line for a failed SLSA verification: slsa-verifier's error name, then the reason.
pub fn describe_error(e: &crate::Error) -> String {
    match e {
        crate::Error::Provenance(p) => alloc::format!("{}: {p}", p.slsa_verifier_name()),
        other => alloc::format!("{}: {other}", error_name(other)),
    }
}

/// Runs slsa-verifier's whole `verify-artifact` policy stage, in its order.
///
/// `payload_type` is the DSSE `payloadType`, `statement` the decoded DSSE payload (the in-toto
/// statement), `claims` the facts of the certificate that signed it and `artifact_sha256` the
/// artifact's digest. See the module documentation for what must be verified before this call.
pub fn verify_provenance(
    payload_type: &str,
    statement: &[u8],
    claims: &CertificateClaims,
    artifact_sha256: &[u8; 32],
    policy: &SlsaPolicy,
) -> Result<VerifiedProvenance, SlsaError> {
    // Certificate identity (slsa-verifier `verifyEnvAndCert`, before the provenance).
    let identity = CertIdentity::from_claims(claims)?;
    let builder = identity.verify_builder(policy.builder_id.as_ref())?;
    if identity.source_repository != policy.source.certificate_form {
        return Err(SlsaError::MismatchSource(
            "certificate source repository differs from --source-uri",
        ));
    }

    // The statement (`slsaprovenance.ProvenanceFromEnvelope`).
    if payload_type != IN_TOTO_PAYLOAD_TYPE {
        return Err(SlsaError::InvalidDssePayload(
            "payloadType is not application/vnd.in-toto+json",
        ));
    }
    let tree = parse_json(statement)?;
    let provenance = Provenance::decode(&tree, builder.workflow)?;

    // The provenance checks (`VerifyProvenance`, then `VerifyProvenanceCommonOptions`).
    let builder_id = verify_builder_id(&provenance, &builder, policy.builder_id.as_ref())?;
    verify_source_uri(&provenance, &policy.source)?;
    let matched_subject_names = verify_digest(&provenance.subjects, artifact_sha256)?;
    if let Some(expected) = &policy.branch {
        let git_ref = provenance.branch_ref()?;
        if branch_from_git_ref(&git_ref)? != expected {
            return Err(SlsaError::MismatchBranch(
                "build branch differs from --source-branch",
            ));
        }
    }
    match &policy.tag {
        Some(TagRequirement::Exact(expected)) => {
            let git_ref = provenance.tag_ref()?;
            if tag_from_git_ref(&git_ref)? != expected {
                return Err(SlsaError::MismatchTag(
                    "build tag differs from --source-tag",
                ));
            }
        }
        Some(TagRequirement::Versioned(expected)) => {
            let git_ref = provenance.tag_ref()?;
            expected.verify(tag_from_git_ref(&git_ref)?)?;
        }
        None => {}
    }

    // Facts for the caller, derived leniently: a missing tag is not an error unless asked for.
    let tag = provenance
        .tag_ref()
        .ok()
        .and_then(|r| tag_from_git_ref(&r).ok().map(ToOwned::to_owned));
    let branch = provenance
        .branch_ref()
        .ok()
        .and_then(|r| branch_from_git_ref(&r).ok().map(ToOwned::to_owned));
    Ok(VerifiedProvenance {
        builder_id,
        build_type: provenance.build_type.to_owned(),
        predicate_type: provenance.predicate_type.to_owned(),
        source_uri: provenance.source_uri()?.to_owned(),
        source_repository: identity.source_repository.to_owned(),
        source_commit: identity.source_commit.to_owned(),
        tag,
        branch,
        subject_names: provenance
            .subjects
            .iter()
            .map(|s| s.name.to_owned())
            .collect(),
        matched_subject_names,
        statement: statement.to_vec(),
    })
}

// ---------------------------------------------------------------------------------------------
// Fixed identities (slsa-verifier `gha/builder.go`, `slsaprovenance/common/*.go`).

const IN_TOTO_PAYLOAD_TYPE: &str = "application/vnd.in-toto+json";
const GITHUB_ACTIONS_ISSUER: &str = "https://token.actions.githubusercontent.com";
const HTTPS_GITHUB_COM: &str = "https://github.com/";
const GIT_HTTPS_GITHUB_COM: &str = "git+https://github.com/";

/// BYOB provenance without `--builder-id` must name a builder under this prefix.
const SLSA_GITHUB_GENERATOR_WORKFLOWS: &str =
    "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/";
const GENERIC_GENERATOR: &str = "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml";
const GO_BUILDER: &str =
    "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/builder_go_slsa3.yml";
const CONTAINER_BASED_BUILDER: &str = "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/builder_container-based_slsa3.yml";
/// Trusted by default only for `verify-image`, but reachable here with an explicit
/// `--builder-id`, so it stays in the buildType table.
const CONTAINER_GENERATOR: &str = "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_container_slsa3.yml";
const DELEGATOR_GENERIC: &str = "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/delegator_generic_slsa3.yml";
const DELEGATOR_LOWPERMS: &str = "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/delegator_lowperms-generic_slsa3.yml";
/// JReleaser's trusted reusable workflow is tagged `vX.Y.Z-java` (slsa-github-generator #2035).
const JRELEASER_REPOSITORY: &str = "https://github.com/jreleaser/release-action";

/// `verify-artifact`'s default trusted builders: the artifact builders plus the BYOB delegators.
const DEFAULT_TRUSTED_BUILDERS: [&str; 5] = [
    GENERIC_GENERATOR,
    GO_BUILDER,
    CONTAINER_BASED_BUILDER,
    DELEGATOR_GENERIC,
    DELEGATOR_LOWPERMS,
];

const PREDICATE_V02: &str = "https://slsa.dev/provenance/v0.2";
const PREDICATE_V1: &str = "https://slsa.dev/provenance/v1";

const BYOB_BUILD_TYPE: &str =
    "https://github.com/slsa-framework/slsa-github-generator/delegator-generic@v0";

/// Which (certificate builder, predicate version, buildType) combinations slsa-verifier accepts,
/// and how each provenance is read (`v0.2/provenance.go` and `v1.0/provenance.go` `buildTypeMap`).
const BUILD_TYPES: [(&str, PredicateVersion, &str, Kind); 10] = [
    (
        DELEGATOR_GENERIC,
        PredicateVersion::V02,
        BYOB_BUILD_TYPE,
        Kind::ByobV02,
    ),
    (
        DELEGATOR_LOWPERMS,
        PredicateVersion::V02,
        BYOB_BUILD_TYPE,
        Kind::ByobV02,
    ),
    (
        GO_BUILDER,
        PredicateVersion::V02,
        "https://github.com/slsa-framework/slsa-github-generator/go@v1",
        Kind::GithubV02,
    ),
    (
        GO_BUILDER,
        PredicateVersion::V02,
        "https://github.com/slsa-framework/slsa-github-generator@v1",
        Kind::GithubV02,
    ),
    (
        GO_BUILDER,
        PredicateVersion::V02,
        "https://github.com/slsa-framework/slsa-github-generator-go@v1",
        Kind::GithubV02,
    ),
    (
        GENERIC_GENERATOR,
        PredicateVersion::V02,
        "https://github.com/slsa-framework/slsa-github-generator/generic@v1",
        Kind::GithubV02,
    ),
    (
        CONTAINER_GENERATOR,
        PredicateVersion::V02,
        "https://github.com/slsa-framework/slsa-github-generator/container@v1",
        Kind::GithubV02,
    ),
    (
        DELEGATOR_GENERIC,
        PredicateVersion::V1,
        BYOB_BUILD_TYPE,
        Kind::ByobV1,
    ),
    (
        DELEGATOR_LOWPERMS,
        PredicateVersion::V1,
        BYOB_BUILD_TYPE,
        Kind::ByobV1,
    ),
    (
        CONTAINER_BASED_BUILDER,
        PredicateVersion::V1,
        "https://slsa.dev/container-based-build/v0.1?draft",
        Kind::ContainerBasedV1,
    ),
];

// ---------------------------------------------------------------------------------------------
// Policy pieces.

#[derive(Clone, Debug, PartialEq, Eq)]
struct SourceRepository {
    /// `--source-uri` minus a leading `git+https://` and then `github.com/`: what
    /// `VerifyCertficateSourceRepository` compares with the certificate's `owner/repo`.
    certificate_form: String,
    /// `--source-uri` normalised by `NormalizeGitURI` (`git+https://github.com/owner/repo` when
    /// well-formed): what the provenance trigger and source URIs are compared with.
    git_uri: String,
}

impl SourceRepository {
    fn parse(uri: &str) -> Result<Self, SlsaError> {
        if uri.len() > MAX_POLICY_VALUE_BYTES {
            return Err(SlsaError::MalformedUri("--source-uri is too long"));
        }
        let git_uri = normalize_git_uri(uri);
        let certificate_form = uri.strip_prefix("git+https://").unwrap_or(uri);
        let certificate_form = certificate_form
            .strip_prefix("github.com/")
            .unwrap_or(certificate_form);
        Ok(Self {
            certificate_form: certificate_form.to_owned(),
            git_uri,
        })
    }
}

/// `utils.NormalizeGitURI`: add `git+https://` when there is no scheme, `git+` otherwise.
fn normalize_git_uri(uri: &str) -> String {
    let mut out = String::new();
    if !uri.starts_with("git+") {
        out.push_str(if uri.contains("://") {
            "git+"
        } else {
            "git+https://"
        });
    }
    out.push_str(uri);
    out
}

fn policy_ref_name(
    value: &str,
    empty: &'static str,
    too_long: &'static str,
) -> Result<String, SlsaError> {
    // An empty name can never match (slsa-verifier would fail later); reject it up front.
    if value.is_empty() {
        return Err(SlsaError::InvalidRef(empty));
    }
    if value.len() > MAX_POLICY_VALUE_BYTES {
        return Err(SlsaError::InvalidRef(too_long));
    }
    Ok(value.to_owned())
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum TagRequirement {
    Exact(String),
    Versioned(VersionedTag),
}

/// `--builder-id`, split as `utils.ParseBuilderID` splits it; `version` is `""` when absent.
#[derive(Clone, Debug, PartialEq, Eq)]
struct ExpectedBuilderId {
    name: String,
    version: String,
}

impl ExpectedBuilderId {
    fn as_pair(&self) -> (&str, &str) {
        (&self.name, &self.version)
    }
}

/// `utils.ParseBuilderID`: `name` or `name@version` with exactly one `@` and a non-empty version.
fn parse_builder_id(id: &str, need_version: bool) -> Result<(&str, &str), SlsaError> {
    let mut parts = id.split('@');
    let name = parts.next().unwrap_or_default();
    match (parts.next(), parts.next()) {
        (None, _) if !need_version => Ok((name, "")),
        (Some(version), None) if !version.is_empty() => Ok((name, version)),
        _ => Err(SlsaError::InvalidFormat(
            "builder ID is not of the form name[@version]",
        )),
    }
}

/// `TrustedBuilderID.MatchesLoose(expected, allowRef=true)`: same name, and the expected
/// version, if any, equals `actual`'s or `refs/tags/<expected>` does.
fn matches_loose(actual: (&str, &str), expected: (&str, &str)) -> bool {
    actual.0 == expected.0 && (expected.1.is_empty() || version_matches(actual.1, expected.1))
}

/// `TrustedBuilderID.MatchesFull(expected, allowRef=true)`: as loose, but versions always count.
fn matches_full(actual: (&str, &str), expected: (&str, &str)) -> bool {
    actual.0 == expected.0 && version_matches(actual.1, expected.1)
}

fn version_matches(actual: &str, expected: &str) -> bool {
    actual == expected || actual.strip_prefix("refs/tags/") == Some(expected)
}

// ---------------------------------------------------------------------------------------------
// Certificate identity (`GetWorkflowInfoFromCertificate`, `VerifyBuilderIdentity`).

/// The certificate facts slsa-verifier relies on, after its consistency checks.
struct CertIdentity<'a> {
    issuer: &'a str,
    /// The signing workflow without its ref: `https://github.com/<owner>/<repo>/<path>`.
    workflow: &'a str,
    /// The SAN after its first `@` (`""` when there is none; rejected in order later).
    workflow_ref: &'a str,
    source_repository: &'a str,
    source_commit: &'a str,
}

/// The builder the certificate identifies, after the trusted-builder checks.
struct CertBuilder<'a> {
    workflow: &'a str,
    workflow_ref: &'a str,
    /// The certificate is a BYOB delegator: the provenance names the real builder.
    byob: bool,
}

impl<'a> CertIdentity<'a> {
    fn from_claims(claims: &'a CertificateClaims) -> Result<Self, SlsaError> {
        let c = Claims::new(claims)?;

        // sigstore-go identity gate inside slsa-verifier's signature stage: issuer GitHub
        // Actions, SAN `https://github.com/*`.
        let san = c
            .san_uri
            .ok_or(SlsaError::InvalidCertificate("certificate has no URI SAN"))?;
        let plain_github_path = san.strip_prefix("https://github.com").is_some_and(|path| {
            path.starts_with('/')
                && !path
                    .bytes()
                    .any(|b| b <= b' ' || b == 0x7f || matches!(b, b'%' | b'?' | b'#'))
        });
        if !plain_github_path {
            return Err(SlsaError::InvalidCertificate(
                "SAN is not a plain https://github.com/ workflow URI",
            ));
        }
        if c.issuer.or(c.issuer_v1) != Some(GITHUB_ACTIONS_ISSUER) {
            return Err(SlsaError::InvalidCertificate(
                "certificate issuer is not GitHub Actions",
            ));
        }

        // Legacy and current claims must agree where both exist, and one must exist.
        equal_claims(c.github_workflow_trigger, c.build_trigger)?;
        let source_commit = equal_claims(c.github_workflow_sha, c.source_repository_digest)?;
        if c.build_config_digest.is_some_and(|d| d != source_commit) {
            return Err(SlsaError::InvalidFormat(
                "build config digest differs from source digest",
            ));
        }
        let issuer = equal_claims(c.issuer_v1, c.issuer)?;
        let legacy_repository = c.github_workflow_repository;
        let uri_repository = c
            .source_repository_uri
            .map(|uri| uri.strip_prefix(HTTPS_GITHUB_COM).unwrap_or(uri));
        if let (Some(legacy), Some(uri)) = (legacy_repository, c.source_repository_uri) {
            if uri.strip_prefix(HTTPS_GITHUB_COM) != Some(legacy) {
                return Err(SlsaError::InvalidFormat(
                    "legacy and current source repository claims differ",
                ));
            }
        }
        let source_repository = uri_repository
            .filter(|r| !r.is_empty())
            .or(legacy_repository)
            .unwrap_or_default();
        if let Some(config_uri) = c.build_config_uri {
            let mut parts = config_uri.split('@');
            let (Some(path), Some(_), None) = (parts.next(), parts.next(), parts.next()) else {
                return Err(SlsaError::InvalidFormat(
                    "build config URI does not have exactly one @",
                ));
            };
            let in_source_repository = path
                .strip_prefix(HTTPS_GITHUB_COM)
                .and_then(|p| p.strip_prefix(source_repository))
                .is_some_and(|p| p.starts_with('/'));
            if !in_source_repository {
                return Err(SlsaError::InvalidFormat(
                    "build config URI is outside the source repository",
                ));
            }
        }

        let (workflow, workflow_ref) = san.split_once('@').unwrap_or((san, ""));
        Ok(Self {
            issuer,
            workflow,
            workflow_ref,
            source_repository,
            source_commit,
        })
    }

    /// `VerifyBuilderIdentity`: issuer, SAN shape, trusted builder, builder ref.
    fn verify_builder(
        &self,
        expected: Option<&ExpectedBuilderId>,
    ) -> Result<CertBuilder<'a>, SlsaError> {
        if self.issuer != GITHUB_ACTIONS_ISSUER {
            return Err(SlsaError::InvalidOidcIssuer(
                "certificate issuer is not GitHub Actions",
            ));
        }
        if self.workflow_ref.is_empty() {
            return Err(SlsaError::MalformedUri("SAN workflow URI has no @ref"));
        }
        let is_delegator =
            self.workflow == DELEGATOR_GENERIC || self.workflow == DELEGATOR_LOWPERMS;
        let byob = match expected {
            None => {
                if !DEFAULT_TRUSTED_BUILDERS.contains(&self.workflow) {
                    return Err(SlsaError::UntrustedReusableWorkflow(
                        "signing workflow is not a trusted builder",
                    ));
                }
                self.check_ref_is_single()?;
                is_delegator
            }
            Some(expected) => {
                self.check_ref_is_single()?;
                // A trusted delegator defers the --builder-id match to the provenance.
                if !is_delegator
                    && !matches_loose((self.workflow, self.workflow_ref), expected.as_pair())
                {
                    return Err(SlsaError::UntrustedReusableWorkflow(
                        "signing workflow does not match --builder-id",
                    ));
                }
                is_delegator
            }
        };
        // No SLSA_VERIFIER_TESTING escape: builders must be referenced by release tag.
        is_valid_builder_tag(self.workflow_ref)?;
        Ok(CertBuilder {
            workflow: self.workflow,
            workflow_ref: self.workflow_ref,
            byob,
        })
    }

    /// `TrustedBuilderIDNew(workflow@ref, needVersion=true)` rejects a ref holding another `@`.
    fn check_ref_is_single(&self) -> Result<(), SlsaError> {
        if self.workflow_ref.contains('@') {
            return Err(SlsaError::InvalidFormat(
                "SAN workflow URI has more than one @",
            ));
        }
        Ok(())
    }
}

/// [`CertificateClaims`] with `""` read as absent and lengths bounded.
struct Claims<'a> {
    san_uri: Option<&'a str>,
    issuer: Option<&'a str>,
    issuer_v1: Option<&'a str>,
    github_workflow_trigger: Option<&'a str>,
    github_workflow_sha: Option<&'a str>,
    github_workflow_repository: Option<&'a str>,
    source_repository_uri: Option<&'a str>,
    source_repository_digest: Option<&'a str>,
    build_config_uri: Option<&'a str>,
    build_config_digest: Option<&'a str>,
    build_trigger: Option<&'a str>,
}

impl<'a> Claims<'a> {
    fn new(c: &'a CertificateClaims) -> Result<Self, SlsaError> {
        fn claim(value: &Option<String>) -> Result<Option<&str>, SlsaError> {
            match value.as_deref() {
                Some(v) if v.len() > MAX_CLAIM_BYTES => Err(SlsaError::InvalidCertificate(
                    "certificate claim is longer than MAX_CLAIM_BYTES",
                )),
                Some("") | None => Ok(None),
                Some(v) => Ok(Some(v)),
            }
        }
        Ok(Self {
            san_uri: claim(&c.san_uri)?,
            issuer: claim(&c.issuer)?,
            issuer_v1: claim(&c.issuer_v1)?,
            github_workflow_trigger: claim(&c.github_workflow_trigger)?,
            github_workflow_sha: claim(&c.github_workflow_sha)?,
            github_workflow_repository: claim(&c.github_workflow_repository)?,
            source_repository_uri: claim(&c.source_repository_uri)?,
            source_repository_digest: claim(&c.source_repository_digest)?,
            build_config_uri: claim(&c.build_config_uri)?,
            build_config_digest: claim(&c.build_config_digest)?,
            build_trigger: claim(&c.build_trigger)?,
        })
    }
}

/// `getAndValidateEqualClaims`: the current claim, or the legacy one for old certificates;
/// both present but different, or both absent, is `ErrorInvalidFormat`.
fn equal_claims<'a>(
    legacy: Option<&'a str>,
    current: Option<&'a str>,
) -> Result<&'a str, SlsaError> {
    match (legacy, current) {
        (Some(l), Some(c)) if l != c => Err(SlsaError::InvalidFormat(
            "legacy and current Fulcio claims differ",
        )),
        (_, Some(v)) | (Some(v), None) => Ok(v),
        (None, None) => Err(SlsaError::InvalidFormat("required Fulcio claim is absent")),
    }
}

// ---------------------------------------------------------------------------------------------
// Provenance checks (`gha/provenance.go`).

/// `VerifyProvenance`'s builder ID step; returns the builder ID slsa-verifier reports.
fn verify_builder_id(
    provenance: &Provenance<'_>,
    builder: &CertBuilder<'_>,
    expected: Option<&ExpectedBuilderId>,
) -> Result<String, SlsaError> {
    if !builder.byob {
        let actual = parse_builder_id(provenance.builder_id, false)?;
        if !matches_full(actual, (builder.workflow, builder.workflow_ref)) {
            return Err(SlsaError::MismatchBuilderId(
                "provenance builder.id differs from the certificate builder",
            ));
        }
        let mut id = String::from(builder.workflow);
        id.push('@');
        id.push_str(builder.workflow_ref);
        return Ok(id);
    }

    // `isValidDelegatorBuilderID`: the trusted reusable workflow must be pinned to a release.
    let mut parts = provenance.builder_id.split('@');
    let (Some(name), Some(builder_ref), None) = (parts.next(), parts.next(), parts.next()) else {
        return Err(SlsaError::InvalidBuilderId(
            "provenance builder.id does not have exactly one @",
        ));
    };
    if name.starts_with(JRELEASER_REPOSITORY) {
        is_valid_jreleaser_tag(builder_ref)?;
    } else {
        parse_git_uri_and_ref(provenance.source_uri()?)?;
        is_valid_builder_tag(builder_ref)?;
    }
    let actual = parse_builder_id(provenance.builder_id, false)?;
    let expected = match expected {
        Some(expected) => expected.as_pair(),
        None => {
            // Without --builder-id only slsa-github-generator's own builders are trusted.
            if !actual.0.starts_with(SLSA_GITHUB_GENERATOR_WORKFLOWS) {
                return Err(SlsaError::InvalidBuilderId(
                    "BYOB builder is not in slsa-github-generator; pass --builder-id",
                ));
            }
            (actual.0, "")
        }
    };
    if !matches_loose(actual, expected) {
        return Err(SlsaError::MismatchBuilderId(
            "provenance builder.id does not match --builder-id",
        ));
    }
    Ok(provenance.builder_id.to_owned())
}

/// `verifySourceURI`: trigger and source URIs name `--source-uri`, carry refs, and agree.
fn verify_source_uri(
    provenance: &Provenance<'_>,
    source: &SourceRepository,
) -> Result<(), SlsaError> {
    // We expect github.com URIs only.
    if !source.git_uri.starts_with(GIT_HTTPS_GITHUB_COM) {
        return Err(SlsaError::MalformedUri(
            "--source-uri is not a github.com repository",
        ));
    }
    let full_trigger = provenance.trigger_uri()?;
    let (trigger_repository, trigger_ref) = parse_git_uri_and_ref(&full_trigger)?;
    if trigger_repository != source.git_uri {
        return Err(SlsaError::MismatchSource(
            "provenance trigger repository differs from --source-uri",
        ));
    }
    if trigger_ref.is_empty() {
        return Err(SlsaError::MalformedUri("provenance trigger URI has no ref"));
    }
    let full_source = provenance.source_uri()?;
    let (source_repository, source_ref) = parse_git_uri_and_ref(full_source)?;
    if source_repository != source.git_uri {
        return Err(SlsaError::MismatchSource(
            "provenance source repository differs from --source-uri",
        ));
    }
    if source_ref.is_empty() {
        // BYOB builders may build a commit other than the trigger's ref (e.g. after a release
        // commit), recorded without a ref.
        if provenance.build_type == BYOB_BUILD_TYPE {
            return Ok(());
        }
        return Err(SlsaError::MalformedUri("provenance source URI has no ref"));
    }
    if full_trigger != full_source {
        return Err(SlsaError::InvalidDssePayload(
            "provenance trigger and source URIs differ",
        ));
    }
    Ok(())
}

/// `verifyDigest`: some subject's `sha256` is the artifact's (lower-case hex, as the Go CLI
/// prints it). Returns the names of all matching subjects.
fn verify_digest(
    subjects: &[Subject<'_>],
    artifact_sha256: &[u8; 32],
) -> Result<Vec<String>, SlsaError> {
    if subjects.is_empty() {
        return Err(SlsaError::InvalidDssePayload("statement has no subjects"));
    }
    let expected = hex_lower(artifact_sha256);
    let matched: Vec<String> = subjects
        .iter()
        .filter(|s| string_map_get(s.digest, "sha256") == Some(expected.as_str()))
        .map(|s| s.name.to_owned())
        .collect();
    if matched.is_empty() {
        return Err(SlsaError::MismatchHash(
            "no subject has the artifact's sha256",
        ));
    }
    Ok(matched)
}

fn hex_lower(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().saturating_mul(2));
    for byte in bytes {
        for nibble in [byte >> 4, byte & 0x0f] {
            // A nibble is always < 16, so `from_digit` always has an answer.
            out.push(char::from_digit(u32::from(nibble), 16).unwrap_or('0'));
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Git refs, git URIs and builder tags (`verifiers/utils/git.go`, `utils/builder.go`).

/// `utils.ParseGitURIAndRef`: `git+…[@ref]`, split at the first `@`.
fn parse_git_uri_and_ref(uri: &str) -> Result<(&str, &str), SlsaError> {
    if uri.is_empty() {
        return Err(SlsaError::MalformedUri("empty git URI"));
    }
    if !uri.starts_with("git+") {
        return Err(SlsaError::MalformedUri("URI is not a git+ URI"));
    }
    Ok(uri.split_once('@').unwrap_or((uri, "")))
}

/// `utils.ParseGitRef`: `refs/<type>/<name>` → (type, name); anything else → ("", ref).
fn parse_git_ref(git_ref: &str) -> (&str, &str) {
    let mut parts = git_ref.splitn(3, '/');
    match (parts.next(), parts.next(), parts.next()) {
        (Some("refs"), Some(ref_type), Some(name)) => (ref_type, name),
        _ => ("", git_ref),
    }
}

/// `utils.TagFromGitRef`: the name in `refs/tags/<name>`.
fn tag_from_git_ref(git_ref: &str) -> Result<&str, SlsaError> {
    match parse_git_ref(git_ref) {
        ("tags", name) if !name.is_empty() => Ok(name),
        _ => Err(SlsaError::InvalidRef("ref is not refs/tags/<name>")),
    }
}

/// `utils.BranchFromGitRef`: the name in `refs/heads/<name>`.
fn branch_from_git_ref(git_ref: &str) -> Result<&str, SlsaError> {
    match parse_git_ref(git_ref) {
        ("heads", name) if !name.is_empty() => Ok(name),
        _ => Err(SlsaError::InvalidRef("ref is not refs/heads/<name>")),
    }
}

/// `utils.IsValidBuilderTag` (production): `refs/tags/vX.Y.Z`, no pre-release or build metadata.
fn is_valid_builder_tag(git_ref: &str) -> Result<(), SlsaError> {
    let pin = tag_from_git_ref(git_ref)?;
    let valid = pin.split('.').count() == 3
        && Semver::parse(pin).is_some_and(|v| v.prerelease.is_empty() && v.build.is_empty());
    if !valid {
        return Err(SlsaError::InvalidRef("builder ref is not refs/tags/vX.Y.Z"));
    }
    Ok(())
}

/// `utils.IsValidJreleaserBuilderTag`: `refs/tags/vX.Y.Z-java`.
fn is_valid_jreleaser_tag(git_ref: &str) -> Result<(), SlsaError> {
    let pin = tag_from_git_ref(git_ref)?;
    let valid = pin.split('.').count() == 3
        && Semver::parse(pin).is_some_and(|v| v.prerelease == "-java" && v.build.is_empty());
    if !valid {
        return Err(SlsaError::InvalidRef(
            "JReleaser builder ref is not refs/tags/vX.Y.Z-java",
        ));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Semantic versions (`golang.org/x/mod/semver`, `utils/source_tag.go`).

/// A version as `golang.org/x/mod/semver` parses it: `vMAJOR[.MINOR[.PATCH[-PRE][+BUILD]]]`,
/// no leading zeros in numbers or numeric pre-release identifiers.
#[derive(Debug, PartialEq, Eq)]
struct Semver<'a> {
    major: &'a str,
    /// `.0` or `.0.0` that `Canonical` appends to `v1.2` / `v1`.
    short: &'static str,
    /// Including its leading `-`, or `""`.
    prerelease: &'a str,
    /// Including its leading `+`, or `""`.
    build: &'a str,
}

impl<'a> Semver<'a> {
    fn parse(v: &'a str) -> Option<Self> {
        let rest = v.strip_prefix('v')?;
        let (major, rest) = semver_number(rest)?;
        let Some(rest) = rest.strip_prefix('.') else {
            return rest.is_empty().then_some(Self::short(major, ".0.0"));
        };
        let (_minor, rest) = semver_number(rest)?;
        let Some(rest) = rest.strip_prefix('.') else {
            return rest.is_empty().then_some(Self::short(major, ".0"));
        };
        let (_patch, rest) = semver_number(rest)?;
        let (prerelease, rest) = if rest.starts_with('-') {
            let end = rest.find('+').unwrap_or(rest.len());
            let (prerelease, rest) = rest.split_at_checked(end)?;
            let valid = prerelease.get(1..)?.split('.').all(|id| {
                !id.is_empty() && id.bytes().all(is_semver_ident_char) && !is_bad_semver_num(id)
            });
            (valid.then_some(prerelease)?, rest)
        } else {
            ("", rest)
        };
        let build = match rest.strip_prefix('+') {
            Some(identifiers) => {
                let valid = identifiers
                    .split('.')
                    .all(|id| !id.is_empty() && id.bytes().all(is_semver_ident_char));
                valid.then_some(rest)?
            }
            None if rest.is_empty() => "",
            None => return None,
        };
        Some(Self {
            major,
            short: "",
            prerelease,
            build,
        })
    }

    fn short(major: &'a str, short: &'static str) -> Self {
        Self {
            major,
            short,
            prerelease: "",
            build: "",
        }
    }
}

fn semver_number(s: &str) -> Option<(&str, &str)> {
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    let (number, rest) = s.split_at_checked(digits)?;
    if number.is_empty() || (number.len() > 1 && number.starts_with('0')) {
        return None;
    }
    Some((number, rest))
}

fn is_semver_ident_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-'
}

/// A numeric pre-release identifier with a leading zero (`01`), which semver forbids.
fn is_bad_semver_num(id: &str) -> bool {
    id.len() > 1 && id.starts_with('0') && id.bytes().all(|b| b.is_ascii_digit())
}

/// `semver.Canonical`: `v1` → `v1.0.0`, `v1.2` → `v1.2.0`, build metadata dropped.
fn semver_canonical(v: &str) -> Option<String> {
    let parsed = Semver::parse(v)?;
    let without_build = v.strip_suffix(parsed.build).unwrap_or(v);
    let mut out = String::from(without_build);
    out.push_str(parsed.short);
    Some(out)
}

/// `--source-versioned-tag`, pre-split the way `utils.VerifyVersionedTag` splits it.
#[derive(Clone, Debug, PartialEq, Eq)]
struct VersionedTag {
    /// `semver.Major`: `v` + major.
    major: String,
    /// Second `.`-separated field, when the user gave one.
    minor: Option<String>,
    /// Third `.`-separated field minus the build metadata, when the user gave one.
    patch: Option<String>,
}

impl VersionedTag {
    fn parse(expected: &str) -> Result<Self, SlsaError> {
        let parsed = Semver::parse(expected).ok_or(SlsaError::InvalidSemver(
            "--source-versioned-tag is not a semantic version",
        ))?;
        let mut major = String::from("v");
        major.push_str(parsed.major);
        Ok(Self {
            major,
            minor: version_field(expected, 1).map(ToOwned::to_owned),
            patch: version_patch(expected).map(ToOwned::to_owned),
        })
    }

    /// Major must match; minor and patch only when the user gave them. The pre-release rides
    /// along in the patch field, exactly as slsa-verifier's string split does.
    fn verify(&self, provenance_tag: &str) -> Result<(), SlsaError> {
        let canonical = semver_canonical(provenance_tag).ok_or(SlsaError::InvalidSemver(
            "provenance tag is not a semantic version",
        ))?;
        let major = Semver::parse(&canonical).map(|v| v.major);
        if major != self.major.strip_prefix('v') {
            return Err(SlsaError::MismatchVersionedTag(
                "major version differs from --source-versioned-tag",
            ));
        }
        if let Some(minor) = &self.minor {
            if version_field(&canonical, 1) != Some(minor.as_str()) {
                return Err(SlsaError::MismatchVersionedTag(
                    "minor version differs from --source-versioned-tag",
                ));
            }
        }
        if let Some(patch) = &self.patch {
            if version_patch(&canonical) != Some(patch.as_str()) {
                return Err(SlsaError::MismatchVersionedTag(
                    "patch version differs from --source-versioned-tag",
                ));
            }
        }
        Ok(())
    }
}

/// `extractFromVersion`: the `index`-th `.`-separated field.
fn version_field(v: &str, index: usize) -> Option<&str> {
    v.split('.').nth(index)
}

/// `patchVersion`: the third field with the build metadata suffix trimmed (if it is a suffix).
fn version_patch(v: &str) -> Option<&str> {
    let build = Semver::parse(v).map(|p| p.build).unwrap_or_default();
    let patch = version_field(v, 2)?;
    Some(patch.strip_suffix(build).unwrap_or(patch))
}

// ---------------------------------------------------------------------------------------------
// The statement model (in-toto-golang structs, decoded as slsa-verifier decodes them).

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum PredicateVersion {
    V02,
    V1,
}

/// How slsa-verifier reads a given provenance (its Go type).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// v0.2, generic/Go/container generators: lower-case `github_*` environment.
    GithubV02,
    /// v0.2 BYOB: upper-case environment; tag/branch from `materials[0].uri`.
    ByobV02,
    /// v1 BYOB: tag/branch from `resolvedDependencies[0].uri`.
    ByobV1,
    /// v1 container-based builder: upper-case `internalParameters`.
    ContainerBasedV1,
}

struct Subject<'a> {
    name: &'a str,
    digest: &'a [(String, Json)],
}

/// One in-toto statement carrying SLSA provenance, with the fields slsa-verifier reads.
struct Provenance<'a> {
    kind: Kind,
    predicate_type: &'a str,
    subjects: Vec<Subject<'a>>,
    builder_id: &'a str,
    build_type: &'a str,
    /// v0.2 `invocation.configSource.uri` (`""` for v1).
    config_source_uri: &'a str,
    /// URI of v0.2 `materials[0]` / v1 `resolvedDependencies[0]`, if there is one.
    first_source_uri: Option<&'a str>,
    /// v0.2 `invocation.environment` / v1 `buildDefinition.internalParameters`; `None` is Go's
    /// nil `interface{}` (absent or `null`).
    environment: Option<&'a Json>,
}

/// The predicate fields that differ in place between v0.2 and v1.
struct PredicateFields<'a> {
    builder_id: &'a str,
    build_type: &'a str,
    config_source_uri: &'a str,
    first_source_uri: Option<&'a str>,
    environment: Option<&'a Json>,
}

impl<'a> Provenance<'a> {
    /// Strict decode (Go `DisallowUnknownFields`) and the (builder, buildType) table.
    fn decode(root: &'a Json, cert_builder: &str) -> Result<Self, SlsaError> {
        let [_type, predicate_type, subject, predicate] = struct_fields(
            Some(root),
            ["_type", "predicateType", "subject", "predicate"],
        )?;
        go_string(_type)?;
        let predicate_type = go_string(predicate_type)?;
        let version = match predicate_type {
            PREDICATE_V02 => PredicateVersion::V02,
            PREDICATE_V1 => PredicateVersion::V1,
            _ => {
                return Err(SlsaError::InvalidDssePayload(
                    "predicateType is not SLSA provenance v0.2 or v1",
                ))
            }
        };
        let subjects = decode_subjects(subject)?;
        let fields = match version {
            PredicateVersion::V02 => decode_predicate_v02(predicate)?,
            PredicateVersion::V1 => decode_predicate_v1(predicate)?,
        };
        Ok(Self {
            kind: provenance_kind(cert_builder, version, fields.build_type)?,
            predicate_type,
            subjects,
            builder_id: fields.builder_id,
            build_type: fields.build_type,
            config_source_uri: fields.config_source_uri,
            first_source_uri: fields.first_source_uri,
            environment: fields.environment,
        })
    }

    /// `Provenance.TriggerURI`.
    fn trigger_uri(&self) -> Result<Cow<'a, str>, SlsaError> {
        match self.kind {
            Kind::GithubV02 | Kind::ByobV02 => {
                if self.config_source_uri.is_empty() {
                    return Err(SlsaError::MalformedUri("configSource.uri is empty"));
                }
                Ok(Cow::Borrowed(self.config_source_uri))
            }
            Kind::ByobV1 | Kind::ContainerBasedV1 => {
                // v1 `builderTriggerInfo`: `owner/repo/path@ref` from GITHUB_WORKFLOW_REF.
                let params = go_map(self.environment, "internalParameters is not an object")?;
                let workflow_ref = match map_get(params, "GITHUB_WORKFLOW_REF") {
                    None => {
                        return Err(SlsaError::NotPresent(
                            "internalParameters.GITHUB_WORKFLOW_REF is absent",
                        ))
                    }
                    Some(Json::String(s)) => s.as_str(),
                    Some(_) => {
                        return Err(SlsaError::InvalidDssePayload(
                            "GITHUB_WORKFLOW_REF is not a string",
                        ))
                    }
                };
                let mut parts = workflow_ref.split('@');
                let (Some(repo_and_path), Some(git_ref), None) =
                    (parts.next(), parts.next(), parts.next())
                else {
                    return Err(SlsaError::InvalidFormat(
                        "GITHUB_WORKFLOW_REF does not have exactly one @",
                    ));
                };
                let mut segments = repo_and_path.splitn(3, '/');
                let (Some(owner), Some(repo)) = (segments.next(), segments.next()) else {
                    return Err(SlsaError::InvalidFormat(
                        "GITHUB_WORKFLOW_REF does not start with owner/repo",
                    ));
                };
                if git_ref.is_empty() {
                    return Err(SlsaError::MalformedUri("GITHUB_WORKFLOW_REF has no ref"));
                }
                let mut uri = String::from(GIT_HTTPS_GITHUB_COM);
                for part in [owner, "/", repo, "@", git_ref] {
                    uri.push_str(part);
                }
                Ok(Cow::Owned(uri))
            }
        }
    }

    /// `Provenance.SourceURI`: the first material / resolved dependency.
    fn source_uri(&self) -> Result<&'a str, SlsaError> {
        match self.first_source_uri {
            None => Err(SlsaError::InvalidDssePayload(
                "provenance has no materials / resolvedDependencies",
            )),
            Some("") => Err(SlsaError::MalformedUri("provenance source URI is empty")),
            Some(uri) => Ok(uri),
        }
    }

    /// `Provenance.GetTag`: a `refs/tags/…` ref, or `""` for branch builds.
    fn tag_ref(&self) -> Result<Cow<'a, str>, SlsaError> {
        match self.kind {
            Kind::GithubV02 => github_tag(self.env()?, &LOWER_ENV),
            Kind::ContainerBasedV1 => github_tag(self.env()?, &UPPER_ENV),
            Kind::ByobV02 => match self.source_uri() {
                // v0.2 BYOB falls back to the environment; unreachable after the source check.
                Err(_) => github_tag(self.env()?, &UPPER_ENV),
                Ok(uri) => self.byob_ref(uri, false),
            },
            Kind::ByobV1 => self.byob_ref(self.source_uri()?, false),
        }
    }

    /// `Provenance.GetBranch`: a `refs/heads/…` ref, or `""` when none is derivable.
    fn branch_ref(&self) -> Result<Cow<'a, str>, SlsaError> {
        match self.kind {
            Kind::GithubV02 => github_branch(self.env()?, &LOWER_ENV),
            Kind::ContainerBasedV1 => github_branch(self.env()?, &UPPER_ENV),
            Kind::ByobV02 => match self.source_uri() {
                Err(_) => github_branch(self.env()?, &UPPER_ENV),
                Ok(uri) => self.byob_ref(uri, true),
            },
            Kind::ByobV1 => self.byob_ref(self.source_uri()?, true),
        }
    }

    /// BYOB tag/branch: the ref of the source URI; a tag build's branch comes from the
    /// GitHub context, as for other builders.
    fn byob_ref(&self, source_uri: &'a str, branch: bool) -> Result<Cow<'a, str>, SlsaError> {
        let (_, git_ref) = parse_git_uri_and_ref(source_uri)?;
        if git_ref.is_empty() {
            return Err(SlsaError::InvalidDssePayload("BYOB source URI has no ref"));
        }
        match (parse_git_ref(git_ref).0, branch) {
            ("heads", true) | ("tags", false) => Ok(Cow::Borrowed(git_ref)),
            ("heads", false) => Ok(Cow::Borrowed("")),
            ("tags", true) => github_branch(self.env()?, &UPPER_ENV),
            _ => Err(SlsaError::InvalidDssePayload(
                "BYOB source ref is neither a branch nor a tag",
            )),
        }
    }

    fn env(&self) -> Result<&'a [(String, Json)], SlsaError> {
        go_map(self.environment, "GitHub context is not an object")
    }
}

fn provenance_kind(
    cert_builder: &str,
    version: PredicateVersion,
    build_type: &str,
) -> Result<Kind, SlsaError> {
    let mut rows = BUILD_TYPES
        .iter()
        .filter(|(builder, v, _, _)| *builder == cert_builder && *v == version)
        .peekable();
    if rows.peek().is_none() {
        return Err(SlsaError::InvalidBuilderId(
            "certificate builder has no provenance format for this predicate type",
        ));
    }
    rows.find(|(_, _, bt, _)| *bt == build_type)
        .map(|(_, _, _, kind)| *kind)
        .ok_or(SlsaError::InvalidBuildType(
            "buildType is not produced by the certificate builder",
        ))
}

fn decode_subjects(value: Option<&Json>) -> Result<Vec<Subject<'_>>, SlsaError> {
    let items = go_array(value)?;
    if items.len() > MAX_SUBJECTS {
        return Err(SlsaError::InvalidDssePayload(
            "statement has more than MAX_SUBJECTS subjects",
        ));
    }
    let mut subjects = Vec::with_capacity(items.len());
    for item in items {
        let [name, digest] = struct_fields(Some(item), ["name", "digest"])?;
        let digest = go_string_map(digest)?;
        if digest.len() > MAX_DIGESTS_PER_SUBJECT {
            return Err(SlsaError::InvalidDssePayload(
                "subject has more than MAX_DIGESTS_PER_SUBJECT digests",
            ));
        }
        subjects.push(Subject {
            name: go_string(name)?,
            digest,
        });
    }
    Ok(subjects)
}

/// in-toto-golang `slsa02.ProvenancePredicate`.
fn decode_predicate_v02(value: Option<&Json>) -> Result<PredicateFields<'_>, SlsaError> {
    let [builder, build_type, invocation, build_config, metadata, materials] = struct_fields(
        value,
        [
            "builder",
            "buildType",
            "invocation",
            "buildConfig",
            "metadata",
            "materials",
        ],
    )?;
    let _ = build_config; // interface{}: any JSON.
    let [builder_id] = struct_fields(builder, ["id"])?;
    let [config_source, parameters, environment] =
        struct_fields(invocation, ["configSource", "parameters", "environment"])?;
    let _ = parameters; // interface{}: any JSON.
    let [uri, digest, entry_point] = struct_fields(config_source, ["uri", "digest", "entryPoint"])?;
    go_string_map(digest)?;
    go_string(entry_point)?;
    // Go's json tag is `buildInvocationID`; the SLSA spec spells `buildInvocationId`. Both
    // match because keys are compared case-insensitively, as Go does.
    let [invocation_id, started, finished, completeness, reproducible] = struct_fields(
        metadata,
        [
            "buildInvocationID",
            "buildStartedOn",
            "buildFinishedOn",
            "completeness",
            "reproducible",
        ],
    )?;
    go_string(invocation_id)?;
    go_time(started)?;
    go_time(finished)?;
    go_bool(reproducible)?;
    for flag in struct_fields(completeness, ["parameters", "environment", "materials"])? {
        go_bool(flag)?;
    }
    let mut first_source_uri = None;
    for material in go_array(materials)? {
        let [uri, digest] = struct_fields(Some(material), ["uri", "digest"])?;
        go_string_map(digest)?;
        let uri = go_string(uri)?;
        first_source_uri.get_or_insert(uri);
    }
    Ok(PredicateFields {
        builder_id: go_string(builder_id)?,
        build_type: go_string(build_type)?,
        config_source_uri: go_string(uri)?,
        first_source_uri,
        environment: go_interface(environment),
    })
}

/// in-toto-golang `slsa1.ProvenancePredicate`.
fn decode_predicate_v1(value: Option<&Json>) -> Result<PredicateFields<'_>, SlsaError> {
    let [build_definition, run_details] = struct_fields(value, ["buildDefinition", "runDetails"])?;
    let [build_type, external, internal, resolved] = struct_fields(
        build_definition,
        [
            "buildType",
            "externalParameters",
            "internalParameters",
            "resolvedDependencies",
        ],
    )?;
    let _ = external; // interface{}: any JSON.
    let mut first_source_uri = None;
    for dependency in go_array(resolved)? {
        let uri = decode_resource_descriptor(dependency)?;
        first_source_uri.get_or_insert(uri);
    }
    let [builder, metadata, byproducts] =
        struct_fields(run_details, ["builder", "metadata", "byproducts"])?;
    let [builder_id, version, dependencies] =
        struct_fields(builder, ["id", "version", "builderDependencies"])?;
    go_string_map(version)?;
    for dependency in go_array(dependencies)? {
        decode_resource_descriptor(dependency)?;
    }
    let [invocation_id, started, finished] =
        struct_fields(metadata, ["invocationId", "startedOn", "finishedOn"])?;
    go_string(invocation_id)?;
    go_time(started)?;
    go_time(finished)?;
    for byproduct in go_array(byproducts)? {
        decode_resource_descriptor(byproduct)?;
    }
    Ok(PredicateFields {
        builder_id: go_string(builder_id)?,
        build_type: go_string(build_type)?,
        config_source_uri: "",
        first_source_uri,
        environment: go_interface(internal),
    })
}

/// in-toto-golang `slsa1.ResourceDescriptor`; returns its `uri`.
fn decode_resource_descriptor(value: &Json) -> Result<&str, SlsaError> {
    let [uri, digest, name, download_location, media_type, content, annotations] = struct_fields(
        Some(value),
        [
            "uri",
            "digest",
            "name",
            "downloadLocation",
            "mediaType",
            "content",
            "annotations",
        ],
    )?;
    go_string_map(digest)?;
    for text in [name, download_location, media_type] {
        go_string(text)?;
    }
    go_bytes(content)?;
    if let Some(annotations) = go_interface(annotations) {
        go_map(Some(annotations), "annotations is not an object")?;
    }
    go_string(uri)
}

// ---------------------------------------------------------------------------------------------
// The GitHub context (`slsaprovenance/common/common.go`).

/// GitHub context key names: v0.2 generators write `github_*`, BYOB and v1 `GITHUB_*`.
struct EnvKeys {
    ref_type: &'static str,
    git_ref: &'static str,
    base_ref: &'static str,
    event_name: &'static str,
    event_payload: &'static str,
}

const LOWER_ENV: EnvKeys = EnvKeys {
    ref_type: "github_ref_type",
    git_ref: "github_ref",
    base_ref: "github_base_ref",
    event_name: "github_event_name",
    event_payload: "github_event_payload",
};

const UPPER_ENV: EnvKeys = EnvKeys {
    ref_type: "GITHUB_REF_TYPE",
    git_ref: "GITHUB_REF",
    base_ref: "GITHUB_BASE_REF",
    event_name: "GITHUB_EVENT_NAME",
    event_payload: "GITHUB_EVENT_PAYLOAD",
};

/// `common.GetTag`.
fn github_tag<'a>(env: &'a [(String, Json)], keys: &EnvKeys) -> Result<Cow<'a, str>, SlsaError> {
    match get_as_string(env, keys.ref_type)? {
        "branch" => Ok(Cow::Borrowed("")),
        "tag" => get_as_string(env, keys.git_ref).map(Cow::Borrowed),
        _ => Err(SlsaError::InvalidDssePayload("unknown github_ref_type")),
    }
}

/// `common.GetBranch`: the ref for branch builds; for tag builds the base ref, else the push
/// payload's `base_ref` (null for a commit push), else the release's `target_commitish`.
fn github_branch<'a>(env: &'a [(String, Json)], keys: &EnvKeys) -> Result<Cow<'a, str>, SlsaError> {
    match get_as_string(env, keys.ref_type)? {
        "branch" => return get_as_string(env, keys.git_ref).map(Cow::Borrowed),
        "tag" => {}
        _ => return Err(SlsaError::InvalidDssePayload("unknown github_ref_type")),
    }
    let base_ref = get_as_string(env, keys.base_ref)?;
    if !base_ref.is_empty() {
        return Ok(Cow::Borrowed(base_ref));
    }
    let event_name = get_as_string(env, keys.event_name)?;
    let payload = match map_get(env, keys.event_payload) {
        Some(Json::Object(payload)) => payload.as_slice(),
        _ => {
            return Err(SlsaError::InvalidDssePayload(
                "GitHub event payload is absent or not an object",
            ))
        }
    };
    match event_name {
        "push" => match map_get(payload, "base_ref") {
            None => Err(SlsaError::InvalidDssePayload(
                "push event payload has no base_ref",
            )),
            Some(Json::String(base_ref)) => Ok(Cow::Borrowed(base_ref.as_str())),
            Some(_) => Ok(Cow::Borrowed("")),
        },
        "release" => {
            let release = match map_get(payload, "release") {
                Some(Json::Object(release)) => release.as_slice(),
                _ => {
                    return Err(SlsaError::InvalidDssePayload(
                        "release event payload has no release object",
                    ))
                }
            };
            let target = get_as_string(release, "target_commitish")?;
            let mut branch = String::from("refs/heads/");
            branch.push_str(target);
            Ok(Cow::Owned(branch))
        }
        _ => Ok(Cow::Borrowed("")),
    }
}

/// `common.GetAsString`: the key must exist and hold a string.
fn get_as_string<'a>(map: &'a [(String, Json)], key: &str) -> Result<&'a str, SlsaError> {
    match map_get(map, key) {
        Some(Json::String(s)) => Ok(s),
        Some(_) => Err(SlsaError::InvalidDssePayload(
            "GitHub context field is not a string",
        )),
        None => Err(SlsaError::InvalidDssePayload(
            "GitHub context field is absent",
        )),
    }
}

// ---------------------------------------------------------------------------------------------
// Go `encoding/json` semantics over the parsed tree.

/// A parsed JSON value. Objects keep document order; duplicate keys were rejected at parse
/// time, so a lookup has exactly one answer. Scalars carry no payload: only their type matters.
#[derive(Debug, PartialEq)]
enum Json {
    Null,
    Bool,
    Number,
    String(String),
    Array(Vec<Self>),
    Object(Vec<(String, Self)>),
}

/// Decodes a Go struct field by field, as `json.Decoder` with `DisallowUnknownFields` does:
/// keys match field names ASCII-case-insensitively, unknown keys are errors, `null` or absence
/// leaves every field at its zero value. Two keys for one field are rejected (Go keeps the
/// last; accepting either would let two parsers disagree).
fn struct_fields<'a, const N: usize>(
    value: Option<&'a Json>,
    names: [&str; N],
) -> Result<[Option<&'a Json>; N], SlsaError> {
    let mut fields = [None; N];
    let entries = match value {
        None | Some(Json::Null) => return Ok(fields),
        Some(Json::Object(entries)) => entries,
        Some(_) => {
            return Err(SlsaError::InvalidDssePayload(
                "expected a JSON object for a provenance struct",
            ))
        }
    };
    for (key, field) in entries {
        let slot = names
            .iter()
            .position(|name| name.eq_ignore_ascii_case(key))
            .and_then(|i| fields.get_mut(i))
            .ok_or(SlsaError::InvalidDssePayload(
                "unknown field in statement (decoded strictly, as slsa-verifier does)",
            ))?;
        if slot.is_some() {
            return Err(SlsaError::InvalidDssePayload(
                "two keys name the same statement field",
            ));
        }
        *slot = Some(field);
    }
    Ok(fields)
}

/// Go `string`: absent or `null` is `""`.
fn go_string(value: Option<&Json>) -> Result<&str, SlsaError> {
    match value {
        None | Some(Json::Null) => Ok(""),
        Some(Json::String(s)) => Ok(s),
        Some(_) => Err(SlsaError::InvalidDssePayload("expected a JSON string")),
    }
}

/// Go `bool`.
fn go_bool(value: Option<&Json>) -> Result<(), SlsaError> {
    match value {
        None | Some(Json::Null | Json::Bool) => Ok(()),
        Some(_) => Err(SlsaError::InvalidDssePayload("expected a JSON boolean")),
    }
}

/// Go slice: absent or `null` is empty.
fn go_array(value: Option<&Json>) -> Result<&[Json], SlsaError> {
    match value {
        None | Some(Json::Null) => Ok(&[]),
        Some(Json::Array(items)) => Ok(items),
        Some(_) => Err(SlsaError::InvalidDssePayload("expected a JSON array")),
    }
}

/// Go `map[string]string` (a digest set): string (or `null`) values only.
fn go_string_map(value: Option<&Json>) -> Result<&[(String, Json)], SlsaError> {
    match value {
        None | Some(Json::Null) => Ok(&[]),
        Some(Json::Object(entries))
            if entries
                .iter()
                .all(|(_, v)| matches!(v, Json::String(_) | Json::Null)) =>
        {
            Ok(entries)
        }
        Some(_) => Err(SlsaError::InvalidDssePayload(
            "expected a JSON object of strings",
        )),
    }
}

/// Lookup in a validated `map[string]string`; `null` reads as `""`, as in Go.
fn string_map_get<'a>(map: &'a [(String, Json)], key: &str) -> Option<&'a str> {
    match map_get(map, key)? {
        Json::String(s) => Some(s),
        _ => Some(""),
    }
}

/// Go `interface{}`: any JSON; absent and `null` are both nil.
fn go_interface(value: Option<&Json>) -> Option<&Json> {
    value.filter(|v| **v != Json::Null)
}

/// Go `x.(map[string]interface{})` on an `interface{}` value.
fn go_map<'a>(
    value: Option<&'a Json>,
    reason: &'static str,
) -> Result<&'a [(String, Json)], SlsaError> {
    match value {
        Some(Json::Object(entries)) => Ok(entries),
        _ => Err(SlsaError::InvalidDssePayload(reason)),
    }
}

fn map_get<'a>(map: &'a [(String, Json)], key: &str) -> Option<&'a Json> {
    map.iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

/// Go `*time.Time`: `null`, or a string Go's RFC 3339 parser accepts.
fn go_time(value: Option<&Json>) -> Result<(), SlsaError> {
    match value {
        None | Some(Json::Null) => Ok(()),
        Some(Json::String(s)) if is_rfc3339(s) => Ok(()),
        Some(_) => Err(SlsaError::InvalidDssePayload(
            "timestamp is not an RFC 3339 string",
        )),
    }
}

/// Go `[]byte`: `null`, or standard padded base64 (CR and LF ignored).
fn go_bytes(value: Option<&Json>) -> Result<(), SlsaError> {
    match value {
        None | Some(Json::Null) => Ok(()),
        Some(Json::String(s)) if is_std_base64(s) => Ok(()),
        Some(_) => Err(SlsaError::InvalidDssePayload(
            "content is not standard base64",
        )),
    }
}

/// Go's RFC 3339 fast path (`time.parseRFC3339`): `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)` with
/// calendar-valid fields.
fn is_rfc3339(s: &str) -> bool {
    fn number(b: &[u8], min: u32, max: u32) -> Option<u32> {
        let mut value: u32 = 0;
        for digit in b {
            let d = u32::from(digit.checked_sub(b'0').filter(|d| *d <= 9)?);
            value = value.checked_mul(10)?.checked_add(d)?;
        }
        (min..=max).contains(&value).then_some(value)
    }
    let Some((date_time, mut zone)) = s.as_bytes().split_at_checked(19) else {
        return false;
    };
    let [y0, y1, y2, y3, b'-', mo0, mo1, b'-', d0, d1, b'T', h0, h1, b':', mi0, mi1, b':', s0, s1] =
        *date_time
    else {
        return false;
    };
    let Some(year) = number(&[y0, y1, y2, y3], 0, 9999) else {
        return false;
    };
    let Some(month) = number(&[mo0, mo1], 1, 12) else {
        return false;
    };
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    let fields_ok = number(&[d0, d1], 1, days).is_some()
        && number(&[h0, h1], 0, 23).is_some()
        && number(&[mi0, mi1], 0, 59).is_some()
        && number(&[s0, s1], 0, 59).is_some();
    if !fields_ok {
        return false;
    }
    if let Some(fraction) = zone.strip_prefix(b".") {
        let digits = fraction.iter().take_while(|b| b.is_ascii_digit()).count();
        if digits > 0 {
            zone = fraction.get(digits..).unwrap_or_default();
        }
    }
    match *zone {
        [b'Z'] => true,
        [sign, h0, h1, b':', m0, m1] => {
            matches!(sign, b'+' | b'-')
                && number(&[h0, h1], 0, 23).is_some()
                && number(&[m0, m1], 0, 59).is_some()
        }
        _ => false,
    }
}

/// `base64.StdEncoding.Decode` acceptance: alphabet, `=` padding only at the end (at most two),
/// length a multiple of four once CR/LF are dropped.
fn is_std_base64(s: &str) -> bool {
    let mut length: usize = 0;
    let mut padding: usize = 0;
    for b in s.bytes().filter(|b| !matches!(b, b'\r' | b'\n')) {
        match b {
            b'=' => padding = padding.saturating_add(1),
            _ if padding > 0 => return false,
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'+' | b'/' => {}
            _ => return false,
        }
        length = length.saturating_add(1);
    }
    length % 4 == 0 && padding <= 2
}

// ---------------------------------------------------------------------------------------------
// Bounded JSON parsing.

/// Parses `bytes` into a [`Json`] tree within the `MAX_*` limits. Invalid UTF-8, trailing data,
/// duplicate keys and any exceeded limit are `ErrorInvalidDssePayload`.
fn parse_json(bytes: &[u8]) -> Result<Json, SlsaError> {
    if bytes.len() > MAX_STATEMENT_BYTES {
        return Err(SlsaError::InvalidDssePayload(
            "statement is larger than MAX_STATEMENT_BYTES",
        ));
    }
    let mut budget = Budget {
        values_left: MAX_JSON_VALUES,
        failure: None,
    };
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let seed = ValueSeed {
        budget: &mut budget,
        depth: 0,
    };
    let parsed = seed
        .deserialize(&mut deserializer)
        .and_then(|value| deserializer.end().map(|()| value));
    parsed.map_err(|_| {
        SlsaError::InvalidDssePayload(budget.failure.unwrap_or("statement is not valid JSON"))
    })
}

/// Work left for one parse; records which limit stopped it, for the error message.
struct Budget {
    values_left: usize,
    failure: Option<&'static str>,
}

impl Budget {
    fn fail<E: de::Error>(&mut self, reason: &'static str) -> E {
        self.failure = Some(reason);
        E::custom(reason)
    }

    fn take_value<E: de::Error>(&mut self) -> Result<(), E> {
        match self.values_left.checked_sub(1) {
            Some(left) => {
                self.values_left = left;
                Ok(())
            }
            None => Err(self.fail("statement has more than MAX_JSON_VALUES JSON values")),
        }
    }

    /// Checks the length before copying, so an oversized string is never allocated twice.
    fn take_string<E: de::Error>(&mut self, s: &str) -> Result<String, E> {
        if s.len() > MAX_JSON_STRING_BYTES {
            return Err(self.fail("statement has a string longer than MAX_JSON_STRING_BYTES"));
        }
        Ok(s.to_owned())
    }

    fn nest<E: de::Error>(&mut self, depth: usize) -> Result<usize, E> {
        match depth.checked_add(1) {
            Some(next) if next <= MAX_JSON_DEPTH => Ok(next),
            _ => Err(self.fail("statement nests deeper than MAX_JSON_DEPTH")),
        }
    }
}

/// Deserializes one JSON value (and, recursively, its children) against a shared [`Budget`].
struct ValueSeed<'b> {
    budget: &'b mut Budget,
    depth: usize,
}

impl<'de> DeserializeSeed<'de> for ValueSeed<'_> {
    type Value = Json;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Json, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ValueSeed<'_> {
    type Value = Json;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Json, E> {
        self.budget.take_value()?;
        Ok(Json::Null)
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Json, E> {
        self.budget.take_value()?;
        Ok(Json::Bool)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Json, E> {
        self.budget.take_value()?;
        Ok(Json::Number)
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Json, E> {
        self.budget.take_value()?;
        Ok(Json::Number)
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Json, E> {
        self.budget.take_value()?;
        Ok(Json::Number)
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<Json, E> {
        self.budget.take_value()?;
        Ok(Json::String(self.budget.take_string(s)?))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        let budget = self.budget;
        let depth = budget.nest(self.depth)?;
        budget.take_value()?;
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(ValueSeed {
            budget: &mut *budget,
            depth,
        })? {
            items.push(item);
        }
        Ok(Json::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        let budget = self.budget;
        let depth = budget.nest(self.depth)?;
        budget.take_value()?;
        let mut entries = Vec::new();
        while let Some(key) = map.next_key_seed(KeySeed {
            budget: &mut *budget,
        })? {
            let value = map.next_value_seed(ValueSeed {
                budget: &mut *budget,
                depth,
            })?;
            entries.push((key, value));
        }
        if has_duplicate_keys(&entries) {
            return Err(budget.fail("statement has a duplicate key in a JSON object"));
        }
        Ok(Json::Object(entries))
    }
}

/// Deserializes an object key within the [`Budget`]'s string limit.
struct KeySeed<'b> {
    budget: &'b mut Budget,
}

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = String;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<String, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed<'_> {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object key")
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<String, E> {
        self.budget.take_string(s)
    }
}

fn has_duplicate_keys(entries: &[(String, Json)]) -> bool {
    if entries.len() < 2 {
        return false;
    }
    let mut keys: Vec<&str> = entries.iter().map(|(k, _)| k.as_str()).collect();
    keys.sort_unstable();
    keys.windows(2).any(|pair| matches!(pair, [a, b] if a == b))
}

#[cfg(test)]
#[allow(
    clippy::arithmetic_side_effects,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::string_slice,
    clippy::unwrap_used
)]
mod tests {
    use alloc::string::ToString;
    use alloc::vec;
    use alloc::{format, vec::Vec};

    use serde_json::{json, Value};

    use super::*;

    const EXAMPLE_PACKAGE: &str = "github.com/slsa-framework/example-package";
    const EXAMPLE_TRW: &str =
        "https://github.com/slsa-framework/example-trw/.github/workflows/builder_high-perms_slsa3.yml";
    const GENERIC_SAN: &str = "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@refs/tags/v2.1.0";

    /// A real statement and the claims of the real certificate that signed it
    /// (`tests/data/slsa/README.md` says where each comes from).
    struct Fixture {
        statement: Vec<u8>,
        claims: CertificateClaims,
        sha256: [u8; 32],
    }

    fn fixture(name: &str) -> Fixture {
        let (statement, claims, sha256): (&[u8], &str, &str) = match name {
            "generic" => (
                include_bytes!("../../tests/data/slsa/generic-v2.1.0-push-v13.0.30.statement.json"),
                include_str!("../../tests/data/slsa/generic-v2.1.0-push-v13.0.30.claims.json"),
                "376e7e01348585b6e6643bc6663146b9d525d9b41228bf180eaeb4d4a3706caa",
            ),
            "delegator" => (
                include_bytes!("../../tests/data/slsa/delegator-v2.1.0-push-v13.0.30.statement.json"),
                include_str!("../../tests/data/slsa/delegator-v2.1.0-push-v13.0.30.claims.json"),
                "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03",
            ),
            "container" => (
                include_bytes!(
                    "../../tests/data/slsa/container-based-v2.1.0-push-v13.0.30.statement.json"
                ),
                include_str!("../../tests/data/slsa/container-based-v2.1.0-push-v13.0.30.claims.json"),
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            ),
            _ => panic!("no fixture {name}"),
        };
        let v: Value = serde_json::from_str(claims).unwrap();
        let get = |key: &str| v.get(key).and_then(Value::as_str).map(String::from);
        Fixture {
            statement: statement.to_vec(),
            claims: CertificateClaims {
                san_uri: get("san_uri"),
                issuer: get("issuer"),
                issuer_v1: get("issuer_v1"),
                github_workflow_trigger: get("github_workflow_trigger"),
                github_workflow_sha: get("github_workflow_sha"),
                github_workflow_repository: get("github_workflow_repository"),
                source_repository_uri: get("source_repository_uri"),
                source_repository_digest: get("source_repository_digest"),
                build_config_uri: get("build_config_uri"),
                build_config_digest: get("build_config_digest"),
                build_trigger: get("build_trigger"),
            },
            sha256: hex32(sha256),
        }
    }

    fn hex32(hex: &str) -> [u8; 32] {
        let mut out = [0u8; 32];
        for (i, byte) in out.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap();
        }
        out
    }

    fn policy() -> SlsaPolicy {
        SlsaPolicy::new(EXAMPLE_PACKAGE).unwrap()
    }

    fn byob_policy() -> SlsaPolicy {
        policy().with_builder_id(EXAMPLE_TRW).unwrap()
    }

    /// The verdict as slsa-verifier names it: `pass` or the sentinel.
    fn verdict(result: Result<VerifiedProvenance, SlsaError>) -> &'static str {
        match result {
            Ok(_) => "pass",
            Err(e) => e.slsa_verifier_name(),
        }
    }

    fn run(f: &Fixture, policy: &SlsaPolicy) -> &'static str {
        verdict(verify_provenance(
            IN_TOTO_PAYLOAD_TYPE,
            &f.statement,
            &f.claims,
            &f.sha256,
            policy,
        ))
    }

    /// Runs the fixture with its statement edited as JSON.
    fn run_edited(f: &Fixture, policy: &SlsaPolicy, edit: impl FnOnce(&mut Value)) -> &'static str {
        let mut statement: Value = serde_json::from_slice(&f.statement).unwrap();
        edit(&mut statement);
        let bytes = serde_json::to_vec(&statement).unwrap();
        verdict(verify_provenance(
            IN_TOTO_PAYLOAD_TYPE,
            &bytes,
            &f.claims,
            &f.sha256,
            policy,
        ))
    }

    /// Runs the fixture with its certificate claims edited.
    fn run_claims(
        f: &Fixture,
        policy: &SlsaPolicy,
        edit: impl FnOnce(&mut CertificateClaims),
    ) -> &'static str {
        let mut claims = f.claims.clone();
        edit(&mut claims);
        verdict(verify_provenance(
            IN_TOTO_PAYLOAD_TYPE,
            &f.statement,
            &claims,
            &f.sha256,
            policy,
        ))
    }

    fn run_bytes(statement: &[u8]) -> &'static str {
        let f = fixture("generic");
        verdict(verify_provenance(
            IN_TOTO_PAYLOAD_TYPE,
            statement,
            &f.claims,
            &f.sha256,
            &policy(),
        ))
    }

    fn env(statement: &mut Value) -> &mut Value {
        &mut statement["predicate"]["invocation"]["environment"]
    }

    // --- real provenance, happy paths ----------------------------------------------------------

    #[test]
    fn generic_v02_passes_and_reports_what_it_verified() {
        let f = fixture("generic");
        let tagged = policy().with_source_tag("v13.0.30").unwrap();
        let verified = verify_provenance(
            IN_TOTO_PAYLOAD_TYPE,
            &f.statement,
            &f.claims,
            &f.sha256,
            &tagged,
        )
        .unwrap();
        assert_eq!(verified.builder_id(), GENERIC_SAN);
        assert_eq!(
            verified.build_type(),
            "https://github.com/slsa-framework/slsa-github-generator/generic@v1"
        );
        assert_eq!(verified.predicate_type(), PREDICATE_V02);
        assert_eq!(
            verified.source_uri(),
            "git+https://github.com/slsa-framework/example-package@refs/tags/v13.0.30"
        );
        assert_eq!(
            verified.source_repository(),
            "slsa-framework/example-package"
        );
        assert_eq!(
            verified.source_commit(),
            "4d329c75e7ec1725f7c9ce917a8799d408d06be3"
        );
        assert_eq!(verified.tag(), Some("v13.0.30"));
        assert_eq!(verified.branch(), Some("main"));
        assert_eq!(
            verified.subject_names(),
            ["gha_generic-binary-linux-amd64-v13.0.30"]
        );
        assert_eq!(verified.matched_subject_names(), verified.subject_names());
        assert_eq!(verified.statement(), f.statement.as_slice());
    }

    #[test]
    fn generic_v02_accepts_every_matching_source_constraint() {
        let f = fixture("generic");
        assert_eq!(run(&f, &policy()), "pass");
        assert_eq!(
            run(&f, &policy().with_source_branch("main").unwrap()),
            "pass"
        );
        for v in ["v13", "v13.0", "v13.0.30", "v13.0.30+build"] {
            let p = policy().with_source_versioned_tag(v).unwrap();
            assert_eq!(run(&f, &p), "pass", "{v}");
        }
        let git = SlsaPolicy::new("git+https://github.com/slsa-framework/example-package").unwrap();
        assert_eq!(run(&f, &git), "pass");
        for id in [
            GENERIC_SAN,
            "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml",
            "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@v2.1.0",
        ] {
            assert_eq!(run(&f, &policy().with_builder_id(id).unwrap()), "pass", "{id}");
        }
    }

    #[test]
    fn byob_v1_reports_the_trusted_reusable_workflow() {
        let f = fixture("delegator");
        let tagged = byob_policy().with_source_tag("v13.0.30").unwrap();
        let verified = verify_provenance(
            IN_TOTO_PAYLOAD_TYPE,
            &f.statement,
            &f.claims,
            &f.sha256,
            &tagged,
        )
        .unwrap();
        assert_eq!(
            verified.builder_id(),
            format!("{EXAMPLE_TRW}@refs/tags/v2.1.0")
        );
        assert_eq!(verified.predicate_type(), PREDICATE_V1);
        assert_eq!(verified.tag(), Some("v13.0.30"));
        assert_eq!(verified.branch(), Some("main"));
        let pinned = policy()
            .with_builder_id(&format!("{EXAMPLE_TRW}@v2.1.0"))
            .unwrap();
        assert_eq!(run(&f, &pinned), "pass");
    }

    #[test]
    fn byob_builder_id_rules() {
        let f = fixture("delegator");
        // A third-party TRW always needs --builder-id.
        assert_eq!(run(&f, &policy()), "ErrorInvalidBuilderID");
        let other_version = policy()
            .with_builder_id(&format!("{EXAMPLE_TRW}@v2.0.0"))
            .unwrap();
        assert_eq!(run(&f, &other_version), "ErrorMismatchBuilderID");
        let other_builder = policy().with_builder_id(GENERIC_SAN).unwrap();
        assert_eq!(run(&f, &other_builder), "ErrorMismatchBuilderID");
        // The TRW must itself be pinned to a release tag.
        let at_main = |s: &mut Value| {
            s["predicate"]["runDetails"]["builder"]["id"] =
                json!(format!("{EXAMPLE_TRW}@refs/heads/main"));
        };
        assert_eq!(run_edited(&f, &byob_policy(), at_main), "ErrorInvalidRef");
        let two_ats = |s: &mut Value| {
            s["predicate"]["runDetails"]["builder"]["id"] = json!(format!("{EXAMPLE_TRW}@a@b"));
        };
        assert_eq!(
            run_edited(&f, &byob_policy(), two_ats),
            "ErrorInvalidBuilderID"
        );
        // slsa-github-generator's own TRWs need no --builder-id.
        let maven = |s: &mut Value| {
            s["predicate"]["runDetails"]["builder"]["id"] = json!(
                "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/builder_maven_slsa3.yml@refs/tags/v2.1.0"
            );
        };
        assert_eq!(run_edited(&f, &policy(), maven), "pass");
        // JReleaser's TRW is tagged vX.Y.Z-java.
        let jreleaser = |id: &'static str| {
            move |s: &mut Value| s["predicate"]["runDetails"]["builder"]["id"] = json!(id)
        };
        let jr = "https://github.com/jreleaser/release-action/.github/workflows/builder_slsa3.yml";
        let jr_policy = policy().with_builder_id(jr).unwrap();
        assert_eq!(
            run_edited(
                &f,
                &jr_policy,
                jreleaser(
                    "https://github.com/jreleaser/release-action/.github/workflows/builder_slsa3.yml@refs/tags/v1.1.0-java"
                )
            ),
            "pass"
        );
        assert_eq!(
            run_edited(
                &f,
                &jr_policy,
                jreleaser(
                    "https://github.com/jreleaser/release-action/.github/workflows/builder_slsa3.yml@refs/tags/v1.1.0"
                )
            ),
            "ErrorInvalidRef"
        );
    }

    #[test]
    fn container_based_v1_passes_with_tag_and_branch() {
        let f = fixture("container");
        let p = policy()
            .with_source_tag("v13.0.30")
            .and_then(|p| p.with_source_branch("main"))
            .unwrap();
        assert_eq!(run(&f, &p), "pass");
        // Its JSON-number run IDs sit in interface{} fields, where any JSON is allowed.
        assert_eq!(
            run(&f, &policy().with_source_versioned_tag("v13.0").unwrap()),
            "pass"
        );
    }

    // --- certificate identity ------------------------------------------------------------------

    #[test]
    fn coarse_identity_gate_is_invalid_certificate() {
        let f = fixture("generic");
        let p = policy();
        assert_eq!(
            run_claims(&f, &p, |c| c.san_uri = None),
            "ErrorInvalidCertificate"
        );
        assert_eq!(
            run_claims(&f, &p, |c| c.san_uri = Some(String::new())),
            "ErrorInvalidCertificate"
        );
        for san in [
            "https://gitlab.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@refs/tags/v2.1.0",
            "https://github.com.evil/x@refs/tags/v2.1.0",
            "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml%40refs/tags/v2.1.0",
            "https://github.com/a b@refs/tags/v1.0.0",
            "https://github.com",
        ] {
            assert_eq!(
                run_claims(&f, &p, |c| c.san_uri = Some(san.to_string())),
                "ErrorInvalidCertificate",
                "{san}"
            );
        }
        let other = Some("https://accounts.google.com".to_string());
        assert_eq!(
            run_claims(&f, &p, |c| {
                c.issuer = other.clone();
                c.issuer_v1 = other.clone();
            }),
            "ErrorInvalidCertificate"
        );
        assert_eq!(
            run_claims(&f, &p, |c| {
                c.issuer = None;
                c.issuer_v1 = None;
            }),
            "ErrorInvalidCertificate"
        );
        let long = "a".repeat(MAX_CLAIM_BYTES + 1);
        assert_eq!(
            run_claims(&f, &p, |c| c.build_trigger = Some(long)),
            "ErrorInvalidCertificate"
        );
    }

    #[test]
    fn fulcio_claims_must_be_consistent() {
        let f = fixture("generic");
        let p = policy();
        let other = || Some("other".to_string());
        // Old certificates carry only the legacy claims; new ones may carry only current ones.
        assert_eq!(
            run_claims(&f, &p, |c| {
                c.issuer = None;
                c.source_repository_uri = None;
                c.source_repository_digest = None;
                c.build_trigger = None;
                c.build_config_uri = None;
                c.build_config_digest = None;
            }),
            "pass"
        );
        assert_eq!(
            run_claims(&f, &p, |c| {
                c.issuer_v1 = None;
                c.github_workflow_repository = None;
                c.github_workflow_sha = None;
                c.github_workflow_trigger = None;
            }),
            "pass"
        );
        assert_eq!(
            run_claims(&f, &p, |c| c.issuer_v1 = other()),
            "ErrorInvalidFormat"
        );
        assert_eq!(
            run_claims(&f, &p, |c| c.build_trigger = other()),
            "ErrorInvalidFormat"
        );
        assert_eq!(
            run_claims(&f, &p, |c| {
                c.build_trigger = None;
                c.github_workflow_trigger = Some(String::new());
            }),
            "ErrorInvalidFormat"
        );
        assert_eq!(
            run_claims(&f, &p, |c| c.github_workflow_sha = other()),
            "ErrorInvalidFormat"
        );
        assert_eq!(
            run_claims(&f, &p, |c| c.build_config_digest = other()),
            "ErrorInvalidFormat"
        );
        assert_eq!(
            run_claims(&f, &p, |c| c.github_workflow_repository = other()),
            "ErrorInvalidFormat"
        );
        let config = |uri: &str| {
            let uri = uri.to_string();
            move |c: &mut CertificateClaims| c.build_config_uri = Some(uri)
        };
        assert_eq!(
            run_claims(
                &f,
                &p,
                config("https://github.com/slsa-framework/example-package/a.yml@x@y")
            ),
            "ErrorInvalidFormat"
        );
        assert_eq!(
            run_claims(
                &f,
                &p,
                config("https://github.com/slsa-framework/example-packageX/a.yml@x")
            ),
            "ErrorInvalidFormat"
        );
    }

    #[test]
    fn builder_identity_checks_in_order() {
        let f = fixture("generic");
        let p = policy();
        let san = |s: &str| {
            let s = s.to_string();
            move |c: &mut CertificateClaims| c.san_uri = Some(s)
        };
        let generic = "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml";
        assert_eq!(run_claims(&f, &p, san(generic)), "ErrorMalformedURI");
        assert_eq!(
            run_claims(&f, &p, san(&format!("{generic}@"))),
            "ErrorMalformedURI"
        );
        assert_eq!(
            run_claims(&f, &p, san(&format!("{generic}@refs/tags/v2.1.0@x"))),
            "ErrorInvalidFormat"
        );
        // Production mode: branches, short tags and pre-releases are not release refs.
        for r in [
            "refs/heads/main",
            "refs/tags/v2",
            "refs/tags/v2.1",
            "refs/tags/v2.1.0-rc.1",
            "refs/tags/v2.1.0+build",
            "refs/tags/2.1.0",
            "v2.1.0",
            "4d329c75e7ec1725f7c9ce917a8799d408d06be3",
        ] {
            assert_eq!(
                run_claims(&f, &p, san(&format!("{generic}@{r}"))),
                "ErrorInvalidRef",
                "{r}"
            );
        }
        let untrusted = "https://github.com/evil/repo/.github/workflows/generator_generic_slsa3.yml@refs/tags/v2.1.0";
        assert_eq!(
            run_claims(&f, &p, san(untrusted)),
            "ErrorUntrustedReusableWorkflow"
        );
        // The container generator is trusted only through an explicit --builder-id.
        let container_generator = "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_container_slsa3.yml";
        assert_eq!(
            run_claims(
                &f,
                &p,
                san(&format!("{container_generator}@refs/tags/v2.1.0"))
            ),
            "ErrorUntrustedReusableWorkflow"
        );
        let pinned_other = policy()
            .with_builder_id(&format!("{generic}@v2.0.0"))
            .unwrap();
        assert_eq!(run(&f, &pinned_other), "ErrorUntrustedReusableWorkflow");
        assert_eq!(
            run(&f, &policy().with_builder_id(EXAMPLE_TRW).unwrap()),
            "ErrorUntrustedReusableWorkflow"
        );
    }

    #[test]
    fn source_repository_is_compared_as_slsa_verifier_does() {
        let f = fixture("generic");
        let source = |s: &str| SlsaPolicy::new(s).unwrap();
        assert_eq!(
            run(&f, &source("github.com/slsa-framework/example-packageA")),
            "ErrorMismatchSource"
        );
        assert_eq!(
            run(&f, &source("Agithub.com/slsa-framework/example-package")),
            "ErrorMismatchSource"
        );
        assert_eq!(
            run(&f, &source("github.com/Slsa-framework/example-package")),
            "ErrorMismatchSource"
        );
        // Documented slsa-verifier gotcha: only git+https:// and github.com/ are stripped.
        assert_eq!(
            run(
                &f,
                &source("https://github.com/slsa-framework/example-package")
            ),
            "ErrorMismatchSource"
        );
        // Matches the certificate, but is not a github.com URI: caught by the provenance check.
        assert_eq!(
            run(&f, &source("slsa-framework/example-package")),
            "ErrorMalformedURI"
        );
    }

    // --- statement checks ----------------------------------------------------------------------

    #[test]
    fn payload_and_predicate_types() {
        let f = fixture("generic");
        let wrong_type = verify_provenance(
            "application/json",
            &f.statement,
            &f.claims,
            &f.sha256,
            &policy(),
        );
        assert_eq!(verdict(wrong_type), "ErrorInvalidDssePayload");
        let p = policy();
        for pt in [
            json!("https://slsa.dev/provenance/v0.1"),
            json!(""),
            json!(null),
            json!(2),
        ] {
            assert_eq!(
                run_edited(&f, &p, |s| s["predicateType"] = pt),
                "ErrorInvalidDssePayload"
            );
        }
        // _type is not checked, but must be a string.
        assert_eq!(
            run_edited(&f, &p, |s| s["_type"] = json!("anything")),
            "pass"
        );
        assert_eq!(
            run_edited(&f, &p, |s| s["_type"] = json!(1)),
            "ErrorInvalidDssePayload"
        );
    }

    #[test]
    fn strict_decode_matches_go() {
        let f = fixture("generic");
        let p = policy();
        let unknown_top = |s: &mut Value| s["extra"] = json!(1);
        assert_eq!(run_edited(&f, &p, unknown_top), "ErrorInvalidDssePayload");
        let unknown_predicate = |s: &mut Value| s["predicate"]["extra"] = json!(1);
        assert_eq!(
            run_edited(&f, &p, unknown_predicate),
            "ErrorInvalidDssePayload"
        );
        let unknown_subject = |s: &mut Value| s["subject"][0]["uri"] = json!("x");
        assert_eq!(
            run_edited(&f, &p, unknown_subject),
            "ErrorInvalidDssePayload"
        );
        // interface{} fields take any JSON.
        let extra_env = |s: &mut Value| env(s)["anything"] = json!({"nested": [1, null, true]});
        assert_eq!(run_edited(&f, &p, extra_env), "pass");
        // Go matches keys case-insensitively: the spec's `buildInvocationId` is fine.
        let spec_spelling = |s: &mut Value| {
            let m = &mut s["predicate"]["metadata"];
            let id = m
                .as_object_mut()
                .unwrap()
                .remove("buildInvocationID")
                .unwrap();
            m["buildInvocationId"] = id;
        };
        assert_eq!(run_edited(&f, &p, spec_spelling), "pass");
        // Typed fields are type-checked, and null is a zero value.
        let typed = [
            json!({"reproducible": "no"}),
            json!({"buildStartedOn": "yesterday"}),
            json!({"completeness": {"parameters": 1}}),
            json!({"completeness": []}),
        ];
        for metadata in typed {
            let edit = |s: &mut Value| s["predicate"]["metadata"] = metadata;
            assert_eq!(run_edited(&f, &p, edit), "ErrorInvalidDssePayload");
        }
        let times = json!({"buildStartedOn": "2025-02-25T21:06:15Z", "buildFinishedOn": null});
        assert_eq!(
            run_edited(&f, &p, |s| s["predicate"]["metadata"] = times),
            "pass"
        );
        assert_eq!(
            run_edited(&f, &p, |s| s["predicate"]["metadata"] = json!(null)),
            "pass"
        );
        let digest_number = |s: &mut Value| s["subject"][0]["digest"]["sha512"] = json!(5);
        assert_eq!(run_edited(&f, &p, digest_number), "ErrorInvalidDssePayload");
    }

    #[test]
    fn strict_decode_v1_resource_descriptors() {
        let f = fixture("container");
        let p = policy();
        let rd = |value: Value| {
            move |s: &mut Value| s["predicate"]["runDetails"]["byproducts"] = json!([value])
        };
        assert_eq!(
            run_edited(&f, &p, rd(json!({"name": "log", "content": "aGVsbG8="}))),
            "pass"
        );
        assert_eq!(
            run_edited(&f, &p, rd(json!({"content": "not base64!"}))),
            "ErrorInvalidDssePayload"
        );
        assert_eq!(
            run_edited(&f, &p, rd(json!({"annotations": [1]}))),
            "ErrorInvalidDssePayload"
        );
        assert_eq!(
            run_edited(&f, &p, rd(json!({"size": 1}))),
            "ErrorInvalidDssePayload"
        );
    }

    #[test]
    fn duplicate_keys_are_rejected() {
        let f = fixture("generic");
        let text = core::str::from_utf8(&f.statement).unwrap();
        // Same field twice, differing only in case (Go would keep the last one).
        let twice = text.replacen(
            "\"predicateType\":",
            "\"PREDICATETYPE\":\"https://slsa.dev/provenance/v1\",\"predicateType\":",
            1,
        );
        assert_ne!(twice, text);
        assert_eq!(run_bytes(twice.as_bytes()), "ErrorInvalidDssePayload");
        // Exact duplicate inside an interface{} map.
        let dup = text.replacen("\"github_ref\":", "\"github_ref\":\"x\",\"github_ref\":", 1);
        assert_ne!(dup, text);
        assert_eq!(run_bytes(dup.as_bytes()), "ErrorInvalidDssePayload");
    }

    #[test]
    fn buildtype_table() {
        let p = policy();
        let generic = fixture("generic");
        let bt = |s: &mut Value| s["predicate"]["buildType"] = json!("https://example.com/x@v1");
        assert_eq!(run_edited(&generic, &p, bt), "ErrorInvalidBuildType");
        // The Go builder's buildTypes are not the generic generator's.
        let go_bt = |s: &mut Value| {
            s["predicate"]["buildType"] =
                json!("https://github.com/slsa-framework/slsa-github-generator/go@v1");
        };
        assert_eq!(run_edited(&generic, &p, go_bt), "ErrorInvalidBuildType");
        // A v1 statement under a builder that only writes v0.2.
        let container = fixture("container");
        let swapped = verify_provenance(
            IN_TOTO_PAYLOAD_TYPE,
            &container.statement,
            &generic.claims,
            &container.sha256,
            &p,
        );
        assert_eq!(verdict(swapped), "ErrorInvalidBuilderID");
    }

    #[test]
    fn builder_id_must_equal_the_certificate_for_non_byob() {
        let f = fixture("generic");
        let p = policy();
        let set =
            |id: &'static str| move |s: &mut Value| s["predicate"]["builder"]["id"] = json!(id);
        let name = "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml";
        assert_eq!(
            run_edited(&f, &p, set("https://github.com/x@refs/tags/v2.1.0")),
            "ErrorMismatchBuilderID"
        );
        assert_eq!(
            run_edited(&f, &p, set("https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@v2.1.0")),
            "ErrorMismatchBuilderID"
        );
        assert_eq!(run_edited(&f, &p, set(name)), "ErrorMismatchBuilderID");
        assert_eq!(
            run_edited(&f, &p, set("https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@refs/tags/v2.1.0@x")),
            "ErrorInvalidFormat"
        );
    }

    #[test]
    fn source_and_trigger_uris() {
        let f = fixture("generic");
        let p = policy();
        let config = |uri: Value| {
            move |s: &mut Value| s["predicate"]["invocation"]["configSource"]["uri"] = uri
        };
        let material =
            |uri: Value| move |s: &mut Value| s["predicate"]["materials"][0]["uri"] = uri;
        let other = "git+https://github.com/evil/example-package@refs/tags/v13.0.30";
        assert_eq!(
            run_edited(&f, &p, config(json!(other))),
            "ErrorMismatchSource"
        );
        assert_eq!(run_edited(&f, &p, config(json!(""))), "ErrorMalformedURI");
        assert_eq!(
            run_edited(
                &f,
                &p,
                config(json!(
                    "git+https://github.com/slsa-framework/example-package"
                ))
            ),
            "ErrorMalformedURI"
        );
        assert_eq!(
            run_edited(
                &f,
                &p,
                config(json!(
                    "https://github.com/slsa-framework/example-package@refs/tags/v13.0.30"
                ))
            ),
            "ErrorMalformedURI"
        );
        assert_eq!(
            run_edited(&f, &p, material(json!(other))),
            "ErrorMismatchSource"
        );
        assert_eq!(run_edited(&f, &p, material(json!(""))), "ErrorMalformedURI");
        assert_eq!(
            run_edited(
                &f,
                &p,
                material(json!(
                    "git+https://github.com/slsa-framework/example-package"
                ))
            ),
            "ErrorMalformedURI"
        );
        assert_eq!(
            run_edited(
                &f,
                &p,
                material(json!(
                    "git+https://github.com/slsa-framework/example-package@refs/heads/main"
                ))
            ),
            "ErrorInvalidDssePayload"
        );
        assert_eq!(
            run_edited(&f, &p, |s| s["predicate"]["materials"] = json!([])),
            "ErrorInvalidDssePayload"
        );
    }

    #[test]
    fn v1_trigger_comes_from_github_workflow_ref() {
        let f = fixture("container");
        let p = policy();
        let set = |v: Value| {
            move |s: &mut Value| {
                s["predicate"]["buildDefinition"]["internalParameters"]["GITHUB_WORKFLOW_REF"] = v
            }
        };
        let remove = |s: &mut Value| {
            s["predicate"]["buildDefinition"]["internalParameters"]
                .as_object_mut()
                .unwrap()
                .remove("GITHUB_WORKFLOW_REF");
        };
        assert_eq!(run_edited(&f, &p, remove), "ErrorNotPresent");
        assert_eq!(run_edited(&f, &p, set(json!(7))), "ErrorInvalidDssePayload");
        assert_eq!(
            run_edited(&f, &p, set(json!("a/b/c.yml@x@y"))),
            "ErrorInvalidFormat"
        );
        assert_eq!(
            run_edited(&f, &p, set(json!("repo@refs/tags/v13.0.30"))),
            "ErrorInvalidFormat"
        );
        assert_eq!(
            run_edited(&f, &p, set(json!("slsa-framework/example-package/x.yml@"))),
            "ErrorMalformedURI"
        );
        assert_eq!(
            run_edited(
                &f,
                &p,
                set(json!("evil/example-package/x.yml@refs/tags/v13.0.30"))
            ),
            "ErrorMismatchSource"
        );
        let null_params =
            |s: &mut Value| s["predicate"]["buildDefinition"]["internalParameters"] = json!(null);
        assert_eq!(run_edited(&f, &p, null_params), "ErrorInvalidDssePayload");
        let no_deps =
            |s: &mut Value| s["predicate"]["buildDefinition"]["resolvedDependencies"] = json!([]);
        assert_eq!(run_edited(&f, &p, no_deps), "ErrorInvalidDssePayload");
    }

    #[test]
    fn byob_source_without_ref_passes_the_source_check_only() {
        let f = fixture("delegator");
        let no_ref = |s: &mut Value| {
            s["predicate"]["buildDefinition"]["resolvedDependencies"][0]["uri"] =
                json!("git+https://github.com/slsa-framework/example-package");
        };
        assert_eq!(run_edited(&f, &byob_policy(), no_ref), "pass");
        let tagged = byob_policy().with_source_tag("v13.0.30").unwrap();
        assert_eq!(run_edited(&f, &tagged, no_ref), "ErrorInvalidDssePayload");
    }

    #[test]
    fn subject_digest() {
        let f = fixture("generic");
        let p = policy();
        let mut other = f.sha256;
        other[0] ^= 1;
        let wrong = verify_provenance(IN_TOTO_PAYLOAD_TYPE, &f.statement, &f.claims, &other, &p);
        assert_eq!(verdict(wrong), "ErrorMismatchHash");
        assert_eq!(
            run_edited(&f, &p, |s| s["subject"] = json!([])),
            "ErrorInvalidDssePayload"
        );
        assert_eq!(
            run_edited(&f, &p, |s| s["subject"] = json!(null)),
            "ErrorInvalidDssePayload"
        );
        let upper = |s: &mut Value| {
            let d = s["subject"][0]["digest"]["sha256"]
                .as_str()
                .unwrap()
                .to_uppercase();
            s["subject"][0]["digest"]["sha256"] = json!(d);
        };
        assert_eq!(run_edited(&f, &p, upper), "ErrorMismatchHash");
        // Any subject may match; names are reported, not compared.
        let many = |s: &mut Value| {
            let real = s["subject"][0].clone();
            s["subject"] = json!([{"name": "other", "digest": {"sha256": "00"}}, real]);
        };
        let mut statement: Value = serde_json::from_slice(&f.statement).unwrap();
        many(&mut statement);
        let bytes = serde_json::to_vec(&statement).unwrap();
        let verified =
            verify_provenance(IN_TOTO_PAYLOAD_TYPE, &bytes, &f.claims, &f.sha256, &p).unwrap();
        assert_eq!(verified.subject_names().len(), 2);
        assert_eq!(
            verified.matched_subject_names(),
            ["gha_generic-binary-linux-amd64-v13.0.30"]
        );
    }

    // --- branch and tag ------------------------------------------------------------------------

    #[test]
    fn tag_and_versioned_tag() {
        let f = fixture("generic");
        assert_eq!(
            run(&f, &policy().with_source_tag("v13.0").unwrap()),
            "ErrorMismatchTag"
        );
        assert_eq!(
            run(&f, &policy().with_source_tag("refs/tags/v13.0.30").unwrap()),
            "ErrorMismatchTag"
        );
        for v in ["v14", "v13.1", "v13.0.31", "v13.0.30-rc.1", "v12"] {
            let p = policy().with_source_versioned_tag(v).unwrap();
            assert_eq!(run(&f, &p), "ErrorMismatchVersionedTag", "{v}");
        }
        // A branch build has no tag.
        let branch_build = |s: &mut Value| {
            env(s)["github_ref_type"] = json!("branch");
            env(s)["github_ref"] = json!("refs/heads/main");
        };
        let tagged = policy().with_source_tag("v13.0.30").unwrap();
        assert_eq!(run_edited(&f, &tagged, branch_build), "ErrorInvalidRef");
        let versioned = policy().with_source_versioned_tag("v13").unwrap();
        assert_eq!(run_edited(&f, &versioned, branch_build), "ErrorInvalidRef");
        // A non-semver tag cannot satisfy a versioned constraint.
        let release_tag = |s: &mut Value| env(s)["github_ref"] = json!("refs/tags/release-13");
        assert_eq!(
            run_edited(&f, &versioned, release_tag),
            "ErrorInvalidSemver"
        );
        // The GitHub context is read lazily, as in Go: broken fields only matter when asked for.
        let broken = |s: &mut Value| env(s)["github_ref_type"] = json!("pull");
        assert_eq!(run_edited(&f, &policy(), broken), "pass");
        assert_eq!(run_edited(&f, &tagged, broken), "ErrorInvalidDssePayload");
        let numeric = |s: &mut Value| env(s)["github_ref"] = json!(13);
        assert_eq!(run_edited(&f, &tagged, numeric), "ErrorInvalidDssePayload");
        let no_env = |s: &mut Value| s["predicate"]["invocation"]["environment"] = json!(null);
        assert_eq!(run_edited(&f, &tagged, no_env), "ErrorInvalidDssePayload");
    }

    #[test]
    fn branch_derivation() {
        let f = fixture("generic");
        let main = policy().with_source_branch("main").unwrap();
        assert_eq!(
            run(&f, &policy().with_source_branch("dev").unwrap()),
            "ErrorMismatchBranch"
        );
        // Tag pushed from a bare commit: base_ref is null, so there is no branch.
        let null_base = |s: &mut Value| env(s)["github_event_payload"]["base_ref"] = json!(null);
        assert_eq!(run_edited(&f, &main, null_base), "ErrorInvalidRef");
        let no_base = |s: &mut Value| {
            env(s)["github_event_payload"]
                .as_object_mut()
                .unwrap()
                .remove("base_ref");
        };
        assert_eq!(run_edited(&f, &main, no_base), "ErrorInvalidDssePayload");
        // github_base_ref wins when set.
        let base = |s: &mut Value| env(s)["github_base_ref"] = json!("refs/heads/dev");
        assert_eq!(run_edited(&f, &main, base), "ErrorMismatchBranch");
        // KubeEdge releases: `release: published`, branch from release.target_commitish.
        let release = |branch: &'static str| {
            move |s: &mut Value| {
                env(s)["github_event_name"] = json!("release");
                env(s)["github_event_payload"] = json!({"release": {"target_commitish": branch}});
            }
        };
        assert_eq!(run_edited(&f, &main, release("main")), "pass");
        assert_eq!(
            run_edited(&f, &main, release("release-1.23")),
            "ErrorMismatchBranch"
        );
        let no_release = |s: &mut Value| {
            env(s)["github_event_name"] = json!("release");
            env(s)["github_event_payload"] = json!({});
        };
        assert_eq!(run_edited(&f, &main, no_release), "ErrorInvalidDssePayload");
        // Other events on a tag give no branch.
        let dispatch = |s: &mut Value| env(s)["github_event_name"] = json!("workflow_dispatch");
        assert_eq!(run_edited(&f, &main, dispatch), "ErrorInvalidRef");
        // Branch builds use github_ref directly.
        let branch_build = |s: &mut Value| {
            env(s)["github_ref_type"] = json!("branch");
            env(s)["github_ref"] = json!("refs/heads/main");
        };
        assert_eq!(run_edited(&f, &main, branch_build), "pass");
    }

    #[test]
    fn byob_tag_and_branch_come_from_the_source_uri() {
        let f = fixture("delegator");
        let tagged = byob_policy().with_source_tag("v13.0.30").unwrap();
        assert_eq!(run(&f, &tagged), "pass");
        // GITHUB_REF is ignored for BYOB tags.
        let ref_env = |s: &mut Value| {
            s["predicate"]["buildDefinition"]["internalParameters"]["GITHUB_REF"] =
                json!("refs/tags/v1.0.0");
        };
        assert_eq!(run_edited(&f, &tagged, ref_env), "pass");
        let branch = |s: &mut Value| {
            let uri = json!("git+https://github.com/slsa-framework/example-package@refs/heads/dev");
            s["predicate"]["buildDefinition"]["resolvedDependencies"][0]["uri"] = uri;
            s["predicate"]["buildDefinition"]["internalParameters"]["GITHUB_WORKFLOW_REF"] =
                json!("slsa-framework/example-package/x.yml@refs/heads/dev");
        };
        assert_eq!(run_edited(&f, &tagged, branch), "ErrorInvalidRef");
        let dev = byob_policy().with_source_branch("dev").unwrap();
        assert_eq!(run_edited(&f, &dev, branch), "pass");
        assert_eq!(run(&f, &dev), "ErrorMismatchBranch");
    }

    // --- policy construction and small parsers -------------------------------------------------

    #[test]
    fn policy_construction_errors() {
        let name =
            |r: Result<SlsaPolicy, SlsaError>| r.map(|_| ()).unwrap_err().slsa_verifier_name();
        assert_eq!(
            name(SlsaPolicy::new(&"a".repeat(MAX_POLICY_VALUE_BYTES + 1))),
            "ErrorMalformedURI"
        );
        assert_eq!(
            name(
                policy()
                    .with_source_tag("v1")
                    .and_then(|p| p.with_source_versioned_tag("v1"))
            ),
            "ErrorInvalidFormat"
        );
        assert_eq!(
            name(
                policy()
                    .with_source_versioned_tag("v1")
                    .and_then(|p| p.with_source_tag("v1"))
            ),
            "ErrorInvalidFormat"
        );
        assert_eq!(name(policy().with_source_tag("")), "ErrorInvalidRef");
        assert_eq!(name(policy().with_source_branch("")), "ErrorInvalidRef");
        assert_eq!(
            name(policy().with_source_branch(&"b".repeat(MAX_POLICY_VALUE_BYTES + 1))),
            "ErrorInvalidRef"
        );
        for bad in [
            "13",
            "v1.2.3.4",
            "v01",
            "v1.2-rc.1",
            "v1.2.3-",
            "v1.2.3-01",
            "v1.2.3+",
            "",
            "V1",
        ] {
            assert_eq!(
                name(policy().with_source_versioned_tag(bad)),
                "ErrorInvalidSemver",
                "{bad}"
            );
        }
        for bad in ["gcb://x", "", "http://github.com/x", "github.com/x"] {
            assert_eq!(
                name(policy().with_builder_id(bad)),
                "ErrorVerifierNotSupported",
                "{bad}"
            );
        }
        for bad in ["https://github.com/x@", "https://github.com/x@a@b"] {
            assert_eq!(
                name(policy().with_builder_id(bad)),
                "ErrorInvalidFormat",
                "{bad}"
            );
        }
    }

    #[test]
    fn source_uri_normalisation() {
        assert_eq!(
            normalize_git_uri("github.com/o/r"),
            "git+https://github.com/o/r"
        );
        assert_eq!(
            normalize_git_uri("https://github.com/o/r"),
            "git+https://github.com/o/r"
        );
        assert_eq!(
            normalize_git_uri("git+https://github.com/o/r"),
            "git+https://github.com/o/r"
        );
        assert_eq!(
            normalize_git_uri("git+ssh://github.com/o/r"),
            "git+ssh://github.com/o/r"
        );
        let forms = |uri: &str| {
            let s = SourceRepository::parse(uri).unwrap();
            (s.certificate_form, s.git_uri)
        };
        assert_eq!(forms("github.com/o/r").0, "o/r");
        assert_eq!(forms("git+https://github.com/o/r").0, "o/r");
        assert_eq!(forms("https://github.com/o/r").0, "https://github.com/o/r");
        assert_eq!(forms("gitlab.com/o/r").1, "git+https://gitlab.com/o/r");
    }

    #[test]
    fn builder_id_parsing_and_matching() {
        assert_eq!(parse_builder_id("a", false).unwrap(), ("a", ""));
        assert_eq!(parse_builder_id("a@v1", true).unwrap(), ("a", "v1"));
        assert!(parse_builder_id("a", true).is_err());
        assert!(parse_builder_id("a@", false).is_err());
        assert!(parse_builder_id("a@b@c", false).is_err());
        assert!(parse_builder_id("", false).is_ok());
        let cert = ("n", "refs/tags/v1.2.3");
        assert!(matches_loose(cert, ("n", "")));
        assert!(matches_loose(cert, ("n", "v1.2.3")));
        assert!(matches_loose(cert, ("n", "refs/tags/v1.2.3")));
        assert!(!matches_loose(cert, ("n", "v1.2.4")));
        assert!(!matches_loose(cert, ("m", "")));
        assert!(matches_full(cert, cert));
        assert!(!matches_full(cert, ("n", "")));
        assert!(!matches_full(("n", "v1.2.3"), cert));
    }

    #[test]
    fn git_refs_and_uris() {
        assert_eq!(parse_git_ref("refs/tags/v1"), ("tags", "v1"));
        assert_eq!(parse_git_ref("refs/heads/a/b"), ("heads", "a/b"));
        assert_eq!(parse_git_ref("refs/tags"), ("", "refs/tags"));
        assert_eq!(parse_git_ref("ref/tags/v1"), ("", "ref/tags/v1"));
        assert_eq!(tag_from_git_ref("refs/tags/v1").unwrap(), "v1");
        assert!(tag_from_git_ref("refs/tags/").is_err());
        assert!(tag_from_git_ref("refs/heads/v1").is_err());
        assert!(tag_from_git_ref("").is_err());
        assert_eq!(
            branch_from_git_ref("refs/heads/release/1.2").unwrap(),
            "release/1.2"
        );
        assert!(branch_from_git_ref("refs/tags/main").is_err());
        assert_eq!(
            parse_git_uri_and_ref("git+https://g/o/r@refs/tags/v1@x").unwrap(),
            ("git+https://g/o/r", "refs/tags/v1@x")
        );
        assert_eq!(
            parse_git_uri_and_ref("git+https://g/o/r").unwrap(),
            ("git+https://g/o/r", "")
        );
        assert!(parse_git_uri_and_ref("").is_err());
        assert!(parse_git_uri_and_ref("https://g/o/r@x").is_err());
    }

    #[test]
    fn builder_tags() {
        for ok in [
            "refs/tags/v1.2.3",
            "refs/tags/v0.0.0",
            "refs/tags/v10.20.30",
        ] {
            assert!(is_valid_builder_tag(ok).is_ok(), "{ok}");
        }
        for bad in [
            "refs/tags/v1.2",
            "refs/tags/v1",
            "refs/tags/v1.2.3-rc.1",
            "refs/tags/v1.2.3+b",
            "refs/tags/v01.2.3",
            "refs/tags/1.2.3",
            "refs/heads/v1.2.3",
            "v1.2.3",
        ] {
            assert_eq!(
                is_valid_builder_tag(bad).unwrap_err().slsa_verifier_name(),
                "ErrorInvalidRef",
                "{bad}"
            );
        }
        assert!(is_valid_jreleaser_tag("refs/tags/v1.1.0-java").is_ok());
        assert!(is_valid_jreleaser_tag("refs/tags/v1.1.0-go").is_err());
        assert!(is_valid_jreleaser_tag("refs/tags/v1.1.0-java+b").is_err());
    }

    #[test]
    fn go_semver() {
        for ok in [
            "v1",
            "v1.2",
            "v1.2.3",
            "v0.0.0",
            "v1.2.3-rc.1",
            "v1.2.3-0a",
            "v1.2.3+b.01",
            "v1.2.3-a-b+c-d",
            "v1.2.3-x.0",
        ] {
            assert!(Semver::parse(ok).is_some(), "{ok}");
        }
        for bad in [
            "",
            "v",
            "1.2.3",
            "v1.",
            "v1.2.",
            "v01.2.3",
            "v1.02.3",
            "v1.2.03",
            "v1.2-rc",
            "v1+b",
            "v1.2.3-",
            "v1.2.3-a..b",
            "v1.2.3-01",
            "v1.2.3+",
            "v1.2.3+a..b",
            "v1.2.3_x",
            "v1.2.3-é",
        ] {
            assert!(Semver::parse(bad).is_none(), "{bad}");
        }
        let p = Semver::parse("v1.2.3-rc.1+b.2").unwrap();
        assert_eq!((p.major, p.prerelease, p.build), ("1", "-rc.1", "+b.2"));
        assert_eq!(semver_canonical("v14").unwrap(), "v14.0.0");
        assert_eq!(semver_canonical("v14.2").unwrap(), "v14.2.0");
        assert_eq!(semver_canonical("v1.2.3-rc+b").unwrap(), "v1.2.3-rc");
        assert!(semver_canonical("release-1").is_none());
    }

    #[test]
    fn versioned_tag_matching_copies_slsa_verifier() {
        let check = |expected: &str, tag: &str| {
            VersionedTag::parse(expected)
                .unwrap()
                .verify(tag)
                .map_err(|e| e.slsa_verifier_name())
        };
        // Documented oracle cases (slsa-verification.md §5.6).
        assert_eq!(check("v14", "v14.2"), Ok(()));
        assert_eq!(check("v14", "v14.0"), Ok(()));
        assert_eq!(check("v14.2", "v14.2"), Ok(()));
        assert_eq!(check("v14.2.1", "v14.2"), Err("ErrorMismatchVersionedTag"));
        assert_eq!(check("v13.0.30", "v13.0.30"), Ok(()));
        assert_eq!(check("v13.0", "v13.0.30"), Ok(()));
        assert_eq!(check("v13", "v14"), Err("ErrorMismatchVersionedTag"));
        assert_eq!(check("v13.1", "v13.0.30"), Err("ErrorMismatchVersionedTag"));
        // Build metadata on the expected side is ignored (when it holds no dot).
        assert_eq!(check("v1.2.3+b", "v1.2.3"), Ok(()));
        // slsa-verifier's string split keeps these quirks; copied on purpose.
        assert_eq!(check("v1.2.3-rc.1", "v1.2.3-rc.2"), Ok(()));
        assert_eq!(
            check("v1.2.3+b.5", "v1.2.3"),
            Err("ErrorMismatchVersionedTag")
        );
        assert_eq!(check("v1", "not-semver"), Err("ErrorInvalidSemver"));
    }

    #[test]
    fn small_format_checks() {
        for ok in [
            "2025-02-25T21:06:15Z",
            "2024-02-29T00:00:00.123456789+05:30",
            "0000-01-01T00:00:00-00:00",
        ] {
            assert!(is_rfc3339(ok), "{ok}");
        }
        for bad in [
            "",
            "2025-02-25 21:06:15Z",
            "2025-02-25T21:06:15",
            "2023-02-29T00:00:00Z",
            "2025-13-01T00:00:00Z",
            "2025-02-25T24:00:00Z",
            "2025-02-25T21:06:15z",
            "2025-02-25T21:06:15.Z",
            "2025-02-25T21:06:15+24:00",
            "2025-02-25T21:06:60Z",
            "２025-02-25T21:06:15Z",
        ] {
            assert!(!is_rfc3339(bad), "{bad}");
        }
        for ok in ["", "aGVsbG8=", "aGVsbA==", "aGVs\r\nbG8=", "+/+/"] {
            assert!(is_std_base64(ok), "{ok}");
        }
        for bad in ["aGVsbG8", "aGVsbA=", "a===", "aG=sbG8=", "aGVs-G8=", "===="] {
            assert!(!is_std_base64(bad), "{bad}");
        }
        assert_eq!(hex_lower(&[0x00, 0xab, 0x0f, 0xf0]), "00ab0ff0");
    }

    #[test]
    fn error_names_are_the_go_sentinels() {
        let all = [
            (SlsaError::InvalidBuilderId("r"), "ErrorInvalidBuilderID"),
            (SlsaError::InvalidBuildType("r"), "ErrorInvalidBuildType"),
            (
                SlsaError::InvalidCertificate("r"),
                "ErrorInvalidCertificate",
            ),
            (
                SlsaError::InvalidDssePayload("r"),
                "ErrorInvalidDssePayload",
            ),
            (SlsaError::InvalidFormat("r"), "ErrorInvalidFormat"),
            (SlsaError::InvalidHash("r"), "ErrorInvalidHash"),
            (SlsaError::InvalidOidcIssuer("r"), "ErrorInvalidOIDCIssuer"),
            (SlsaError::InvalidRef("r"), "ErrorInvalidRef"),
            (SlsaError::InvalidSemver("r"), "ErrorInvalidSemver"),
            (SlsaError::MalformedUri("r"), "ErrorMalformedURI"),
            (SlsaError::MismatchBranch("r"), "ErrorMismatchBranch"),
            (SlsaError::MismatchBuilderId("r"), "ErrorMismatchBuilderID"),
            (SlsaError::MismatchHash("r"), "ErrorMismatchHash"),
            (SlsaError::MismatchSource("r"), "ErrorMismatchSource"),
            (SlsaError::MismatchTag("r"), "ErrorMismatchTag"),
            (
                SlsaError::MismatchVersionedTag("r"),
                "ErrorMismatchVersionedTag",
            ),
            (SlsaError::NotPresent("r"), "ErrorNotPresent"),
            (
                SlsaError::UntrustedReusableWorkflow("r"),
                "ErrorUntrustedReusableWorkflow",
            ),
            (
                SlsaError::VerifierNotSupported("r"),
                "ErrorVerifierNotSupported",
            ),
        ];
        for (error, name) in all {
            assert_eq!(error.slsa_verifier_name(), name);
            let shown = error.to_string();
            assert!(shown.ends_with(": r") && !shown.contains('\n'), "{shown}");
        }
        assert_eq!(
            SlsaError::MismatchSource("certificate source repository differs").to_string(),
            "source used to generate the binary does not match provenance: certificate source repository differs"
        );
    }

    #[test]
    fn oidc_issuer_check_backs_up_the_coarse_gate() {
        // Unreachable through verify_provenance (the coarse gate answers first, as in
        // slsa-verifier), but the check itself must still hold if the gate ever changes.
        let identity = CertIdentity {
            issuer: "https://accounts.google.com",
            workflow: GENERIC_GENERATOR,
            workflow_ref: "refs/tags/v2.1.0",
            source_repository: "o/r",
            source_commit: "c",
        };
        let err = identity.verify_builder(None).err().unwrap();
        assert_eq!(err.slsa_verifier_name(), "ErrorInvalidOIDCIssuer");
    }

    // --- hostile input -------------------------------------------------------------------------

    fn parse_error(bytes: &[u8]) -> &'static str {
        match parse_json(bytes) {
            Ok(_) => "ok",
            Err(SlsaError::InvalidDssePayload(reason)) => reason,
            Err(other) => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn hostile_json_is_rejected_without_panicking() {
        let deep = "[".repeat(100_000);
        assert!(parse_error(deep.as_bytes()).contains("MAX_JSON_DEPTH"));
        let deep_objects = "{\"a\":".repeat(MAX_JSON_DEPTH + 1);
        assert!(parse_error(deep_objects.as_bytes()).contains("MAX_JSON_DEPTH"));
        let at_limit = format!(
            "{}{}",
            "[".repeat(MAX_JSON_DEPTH),
            "]".repeat(MAX_JSON_DEPTH)
        );
        assert_eq!(parse_error(at_limit.as_bytes()), "ok");

        let huge = vec![b' '; MAX_STATEMENT_BYTES + 1];
        assert!(parse_error(&huge).contains("MAX_STATEMENT_BYTES"));
        let many_values = format!("[{}0]", "0,".repeat(MAX_JSON_VALUES));
        assert!(parse_error(many_values.as_bytes()).contains("MAX_JSON_VALUES"));
        let long_string = format!("\"{}\"", "a".repeat(MAX_JSON_STRING_BYTES + 1));
        assert!(parse_error(long_string.as_bytes()).contains("MAX_JSON_STRING_BYTES"));
        let long_key = format!("{{\"{}\":1}}", "k".repeat(MAX_JSON_STRING_BYTES + 1));
        assert!(parse_error(long_key.as_bytes()).contains("MAX_JSON_STRING_BYTES"));
        assert!(parse_error(b"{\"a\":1,\"a\":2}").contains("duplicate"));

        for bad in [
            &b""[..],
            b"\xff\xfe{}",
            b"{\"a\":\"\xc3\x28\"}",
            b"\"\\ud800\"",
            b"{} x",
            b"[1e999]",
            b"{\"a\":01}",
            b"{'a':1}",
        ] {
            assert_eq!(parse_error(bad), "statement is not valid JSON", "{bad:?}");
        }
        assert_eq!(parse_error(b" {\"a\":[1,2.5,-3,true,null,\"x\"]} \n"), "ok");

        // Structurally valid JSON that is not a statement.
        for bad in [
            &b"null"[..],
            b"[]",
            b"1",
            b"\"x\"",
            b"{}",
            b"{\"subject\":{}}",
        ] {
            assert_eq!(run_bytes(bad), "ErrorInvalidDssePayload", "{bad:?}");
        }
    }

    #[test]
    fn hostile_subject_lists_are_bounded() {
        let f = fixture("generic");
        let p = policy();
        let too_many = |s: &mut Value| {
            let real = s["subject"][0].clone();
            s["subject"] = Value::Array(vec![real; MAX_SUBJECTS + 1]);
        };
        assert_eq!(run_edited(&f, &p, too_many), "ErrorInvalidDssePayload");
        let at_limit = |s: &mut Value| {
            let real = s["subject"][0].clone();
            s["subject"] = Value::Array(vec![real; MAX_SUBJECTS]);
        };
        assert_eq!(run_edited(&f, &p, at_limit), "pass");
        let many_digests = |s: &mut Value| {
            for i in 0..MAX_DIGESTS_PER_SUBJECT {
                s["subject"][0]["digest"][format!("alg{i}")] = json!("00");
            }
        };
        assert_eq!(run_edited(&f, &p, many_digests), "ErrorInvalidDssePayload");
    }

    #[test]
    fn statement_limits_hold_exactly_at_the_boundary() {
        // Each bound admits its limit and refuses one more.
        let mut at = vec![b' '; MAX_STATEMENT_BYTES - 2];
        at.extend_from_slice(b"{}");
        assert_eq!(parse_error(&at), "ok");
        at.insert(0, b' ');
        assert!(parse_error(&at).contains("MAX_STATEMENT_BYTES"));

        // The array and its elements are all values.
        let values = |n: usize| format!("[{}0]", "0,".repeat(n - 2));
        assert_eq!(parse_error(values(MAX_JSON_VALUES).as_bytes()), "ok");
        assert!(parse_error(values(MAX_JSON_VALUES + 1).as_bytes()).contains("MAX_JSON_VALUES"));

        let string = |n: usize| format!("\"{}\"", "a".repeat(n));
        assert_eq!(parse_error(string(MAX_JSON_STRING_BYTES).as_bytes()), "ok");
        assert!(parse_error(string(MAX_JSON_STRING_BYTES + 1).as_bytes())
            .contains("MAX_JSON_STRING_BYTES"));

        let f = fixture("generic");
        let p = policy();
        // The real sha256 digest plus others up to the limit: still verifies.
        let digests_at_limit = |s: &mut Value| {
            for i in 1..MAX_DIGESTS_PER_SUBJECT {
                s["subject"][0]["digest"][format!("alg{i}")] = json!("00");
            }
        };
        assert_eq!(run_edited(&f, &p, digests_at_limit), "pass");

        assert!(policy()
            .with_source_branch(&"b".repeat(MAX_POLICY_VALUE_BYTES))
            .is_ok());
    }

    /// Deterministic mutation fuzzing of real statements and claims: every outcome is a verdict,
    /// never a panic.
    #[test]
    fn mutated_inputs_never_panic() {
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let tokens: [&[u8]; 8] = [b"{", b"}", b"[", b"\"", b"@", b"\\u0000", b"null", b"\xff"];
        for name in ["generic", "delegator", "container"] {
            let f = fixture(name);
            let p = if name == "delegator" {
                byob_policy()
            } else {
                policy()
            }
            .with_source_branch("main")
            .and_then(|p| p.with_source_versioned_tag("v13"))
            .unwrap();
            for _ in 0..700 {
                let mut bytes = f.statement.clone();
                for _ in 0..1 + next() % 4 {
                    let at = (next() as usize) % bytes.len().max(1);
                    match next() % 4 {
                        0 => bytes[at] = next() as u8,
                        1 => bytes.truncate(at),
                        2 => {
                            let t = tokens[(next() % 8) as usize];
                            bytes.splice(at..at, t.iter().copied());
                        }
                        _ => {
                            let _ = bytes.remove(at.min(bytes.len().saturating_sub(1)));
                        }
                    }
                    if bytes.is_empty() {
                        break;
                    }
                }
                let _ = verify_provenance(IN_TOTO_PAYLOAD_TYPE, &bytes, &f.claims, &f.sha256, &p);
                let mut claims = f.claims.clone();
                let mut san = claims.san_uri.take().unwrap_or_default().into_bytes();
                let at = (next() as usize) % san.len().max(1);
                san.insert(at, b"@/%?x"[(next() % 5) as usize]);
                san.truncate(at + (next() as usize % 8));
                claims.san_uri = String::from_utf8(san).ok();
                let _ =
                    verify_provenance(IN_TOTO_PAYLOAD_TYPE, &f.statement, &claims, &f.sha256, &p);
            }
        }
    }
}
