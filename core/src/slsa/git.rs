//! Git refs, git URIs and builder tags (`verifiers/utils/git.go`, `utils/builder.go`).

use super::semver::Semver;
use super::SlsaError;

/// `utils.ParseGitURIAndRef`: `git+…[@ref]`, split at the first `@`.
pub(super) fn parse_git_uri_and_ref(uri: &str) -> Result<(&str, &str), SlsaError> {
    if uri.is_empty() {
        return Err(SlsaError::MalformedUri("empty git URI"));
    }
    if !uri.starts_with("git+") {
        return Err(SlsaError::MalformedUri("URI is not a git+ URI"));
    }
    Ok(uri.split_once('@').unwrap_or((uri, "")))
}

/// `utils.ParseGitRef`: `refs/<type>/<name>` → (type, name); anything else → ("", ref).
pub(super) fn parse_git_ref(git_ref: &str) -> (&str, &str) {
    let mut parts = git_ref.splitn(3, '/');
    match (parts.next(), parts.next(), parts.next()) {
        (Some("refs"), Some(ref_type), Some(name)) => (ref_type, name),
        _ => ("", git_ref),
    }
}

/// `utils.TagFromGitRef`: the name in `refs/tags/<name>`.
pub(super) fn tag_from_git_ref(git_ref: &str) -> Result<&str, SlsaError> {
    match parse_git_ref(git_ref) {
        ("tags", name) if !name.is_empty() => Ok(name),
        _ => Err(SlsaError::InvalidRef("ref is not refs/tags/<name>")),
    }
}

/// `utils.BranchFromGitRef`: the name in `refs/heads/<name>`.
pub(super) fn branch_from_git_ref(git_ref: &str) -> Result<&str, SlsaError> {
    match parse_git_ref(git_ref) {
        ("heads", name) if !name.is_empty() => Ok(name),
        _ => Err(SlsaError::InvalidRef("ref is not refs/heads/<name>")),
    }
}

/// `utils.IsValidBuilderTag` (production): `refs/tags/vX.Y.Z`, no pre-release or build metadata.
pub(super) fn is_valid_builder_tag(git_ref: &str) -> Result<(), SlsaError> {
    let pin = tag_from_git_ref(git_ref)?;
    let valid = pin.split('.').count() == 3
        && Semver::parse(pin).is_some_and(|v| v.prerelease.is_empty() && v.build.is_empty());
    if !valid {
        return Err(SlsaError::InvalidRef("builder ref is not refs/tags/vX.Y.Z"));
    }
    Ok(())
}

/// `utils.IsValidJreleaserBuilderTag`: `refs/tags/vX.Y.Z-java`.
pub(super) fn is_valid_jreleaser_tag(git_ref: &str) -> Result<(), SlsaError> {
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
