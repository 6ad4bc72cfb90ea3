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
//! * Input sizes are bounded by [`crate::limits`] (`MAX_STATEMENT_BYTES`, `MAX_JSON_*`,
//!   `MAX_STATEMENT_SUBJECTS`, `MAX_SUBJECT_DIGESTS`, `MAX_CLAIM_BYTES`,
//!   `MAX_POLICY_VALUE_BYTES`).
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

// The files follow slsa-verifier's `verifiers/internal/gha/` and `slsaprovenance/`: this one is
// the entry point; then the operator's policy and what verification returns, the errors, the
// builders slsa-verifier trusts and their builder IDs, the certificate identity, the provenance
// checks, git refs, Go semver, the v0.2 / v1 provenance model, and Go `encoding/json` semantics.
mod builder_id;
mod builders;
mod certificate;
mod checks;
mod error;
mod git;
mod go_json;
mod policy;
mod provenance;
mod result;
mod semver;
#[cfg(test)]
mod tests;

use crate::dsse::IN_TOTO_PAYLOAD_TYPE;

pub use certificate::CertificateClaims;
pub use error::{error_name, SlsaError};
pub use policy::SlsaPolicy;
pub use result::VerifiedProvenance;

use certificate::CertIdentity;
use checks::{verify_builder_id, verify_digest, verify_source_uri};
use git::{branch_from_git_ref, tag_from_git_ref};
use go_json::parse_json;
use policy::TagRequirement;
use provenance::Provenance;

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
    let builder = identity.verify_builder(policy.builder_id.as_ref(), policy.trusted_builders())?;
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

    VerifiedProvenance::new(
        &identity,
        &provenance,
        builder_id,
        matched_subject_names,
        statement,
    )
}
