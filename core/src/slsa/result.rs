//! What verification established, returned only when every check passed.

use alloc::borrow::ToOwned;
use alloc::string::String;
use alloc::vec::Vec;

use super::certificate::CertIdentity;
use super::git::{branch_from_git_ref, tag_from_git_ref};
use super::provenance::Provenance;
use super::SlsaError;

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
    /// The facts of a provenance that passed every check. Derived leniently: a missing tag or
    /// branch is not an error unless the policy asked for one.
    pub(super) fn new(
        identity: &CertIdentity<'_>,
        provenance: &Provenance<'_>,
        builder_id: String,
        matched_subject_names: Vec<String>,
        statement: &[u8],
    ) -> Result<Self, SlsaError> {
        let tag = provenance
            .tag_ref()
            .ok()
            .and_then(|r| tag_from_git_ref(&r).ok().map(ToOwned::to_owned));
        let branch = provenance
            .branch_ref()
            .ok()
            .and_then(|r| branch_from_git_ref(&r).ok().map(ToOwned::to_owned));
        Ok(Self {
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
