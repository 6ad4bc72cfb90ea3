//! The provenance checks (`gha/provenance.go`): builder ID, source and trigger URIs, subject
//! digest.

use alloc::borrow::ToOwned;
use alloc::string::String;
use alloc::vec::Vec;

use super::builder_id::{matches_full, matches_loose, parse_builder_id, ExpectedBuilderId};
use super::builders::{
    BYOB_BUILD_TYPE, GIT_HTTPS_GITHUB_COM, JRELEASER_REPOSITORY, SLSA_GITHUB_GENERATOR_WORKFLOWS,
};
use super::certificate::CertBuilder;
use super::git::{is_valid_builder_tag, is_valid_jreleaser_tag, parse_git_uri_and_ref};
use super::go_json::string_map_get;
use super::policy::SourceRepository;
use super::provenance::{Provenance, Subject};
use super::SlsaError;
use crate::encoding::hex_encode;

/// `VerifyProvenance`'s builder ID step; returns the builder ID slsa-verifier reports.
pub(super) fn verify_builder_id(
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
pub(super) fn verify_source_uri(
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
pub(super) fn verify_digest(
    subjects: &[Subject<'_>],
    artifact_sha256: &[u8; 32],
) -> Result<Vec<String>, SlsaError> {
    if subjects.is_empty() {
        return Err(SlsaError::InvalidDssePayload("statement has no subjects"));
    }
    let expected = hex_encode(artifact_sha256);
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
