//! What verification established, returned only when every check passed.

use alloc::string::String;
use alloc::vec::Vec;

/// What verification established, returned only when every check passed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedProvenance {
    pub(super) builder_id: String,
    pub(super) build_type: String,
    pub(super) predicate_type: String,
    pub(super) source_uri: String,
    pub(super) source_repository: String,
    pub(super) source_commit: String,
    pub(super) tag: Option<String>,
    pub(super) branch: Option<String>,
    pub(super) subject_names: Vec<String>,
    pub(super) matched_subject_names: Vec<String>,
    pub(super) statement: Vec<u8>,
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
