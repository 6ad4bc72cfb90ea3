//! The operator's requirements: `slsa-verifier verify-artifact`'s `--source-uri`,
//! `--source-tag`, `--source-versioned-tag`, `--source-branch` and `--builder-id`, parsed when
//! they are given.
//!
//! Errors here are the caller's: a policy that cannot be built decided nothing about any
//! artifact (wrap them as [`crate::Error::Provenance`] only once verification ran).

use alloc::borrow::ToOwned;
use alloc::string::String;

use super::builder_id::{parse_builder_id, ExpectedBuilderId};
use super::builders::{DEFAULT_TRUSTED_BUILDERS, DEFAULT_TRUSTED_IMAGE_BUILDERS, HTTPS_GITHUB_COM};
use super::semver::VersionedTag;
use super::SlsaError;
use crate::limits::MAX_POLICY_VALUE_BYTES;

/// What the operator requires of the provenance: the `slsa-verifier verify-artifact` flags.
///
/// Every input is parsed when it is given, so a `SlsaPolicy` that exists is well-formed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SlsaPolicy {
    pub(super) source: SourceRepository,
    pub(super) branch: Option<String>,
    pub(super) tag: Option<TagRequirement>,
    pub(super) builder_id: Option<ExpectedBuilderId>,
    pub(super) subject: SubjectKind,
}

/// What the provenance is checked for, which decides the builders trusted without
/// `--builder-id`: slsa-verifier's `verify-artifact` or `verify-image`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum SubjectKind {
    /// Files: the generic generator, the Go builder, the container-based builder and the BYOB
    /// delegators.
    Artifact,
    /// Container images: `generator_container_slsa3` only.
    Image,
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
            subject: SubjectKind::Artifact,
        })
    }

    /// The same policy for a container image (`slsa-verifier verify-image`): without
    /// `--builder-id`, only `generator_container_slsa3.yml` is trusted, and BYOB delegators are
    /// not. The provenance subject must then be the image manifest digest. The policy
    /// [`crate::verify_image`] takes.
    pub fn for_images(mut self) -> Self {
        self.subject = SubjectKind::Image;
        self
    }

    /// Whether the policy is for container images ([`Self::for_images`]).
    pub fn is_for_images(&self) -> bool {
        self.subject == SubjectKind::Image
    }

    /// The builders trusted without `--builder-id`.
    pub(super) fn trusted_builders(&self) -> &'static [&'static str] {
        match self.subject {
            SubjectKind::Artifact => &DEFAULT_TRUSTED_BUILDERS,
            SubjectKind::Image => &DEFAULT_TRUSTED_IMAGE_BUILDERS,
        }
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

// --- Policy pieces -----------------------------------------------------------------------------

#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct SourceRepository {
    /// `--source-uri` minus a leading `git+https://` and then `github.com/`: what
    /// `VerifyCertficateSourceRepository` compares with the certificate's `owner/repo`.
    pub(super) certificate_form: String,
    /// `--source-uri` normalised by `NormalizeGitURI` (`git+https://github.com/owner/repo` when
    /// well-formed): what the provenance trigger and source URIs are compared with.
    pub(super) git_uri: String,
}

impl SourceRepository {
    pub(super) fn parse(uri: &str) -> Result<Self, SlsaError> {
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
pub(super) fn normalize_git_uri(uri: &str) -> String {
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

pub(super) fn policy_ref_name(
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
pub(super) enum TagRequirement {
    Exact(String),
    Versioned(VersionedTag),
}
