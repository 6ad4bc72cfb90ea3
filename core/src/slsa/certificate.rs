//! The certificate identity (`GetWorkflowInfoFromCertificate`, `VerifyBuilderIdentity`): the
//! Fulcio claims slsa-verifier reads, their consistency, and the trusted-builder checks.

use alloc::string::String;

use crate::x509::FulcioExtensions;

use super::builder_id::{matches_loose, ExpectedBuilderId};
use super::builders::{
    DELEGATOR_GENERIC, DELEGATOR_LOWPERMS, GITHUB_ACTIONS_ISSUER, HTTPS_GITHUB_COM,
};
use super::git::is_valid_builder_tag;
use super::SlsaError;
use crate::limits::MAX_CLAIM_BYTES;

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

impl CertificateClaims {
    /// The claims of a certificate: its first URI subject alternative name and its Fulcio
    /// extensions. The caller vouches that the certificate verified.
    pub(crate) fn from_certificate(first_uri_san: Option<&str>, ext: &FulcioExtensions) -> Self {
        let owned = |value: Option<&str>| value.map(String::from);
        Self {
            san_uri: owned(first_uri_san),
            issuer: owned(ext.issuer()),
            issuer_v1: owned(ext.issuer_v1()),
            github_workflow_trigger: owned(ext.github_workflow_trigger()),
            github_workflow_sha: owned(ext.github_workflow_sha()),
            github_workflow_repository: owned(ext.github_workflow_repository()),
            source_repository_uri: owned(ext.source_repository_uri()),
            source_repository_digest: owned(ext.source_repository_digest()),
            build_config_uri: owned(ext.build_config_uri()),
            build_config_digest: owned(ext.build_config_digest()),
            build_trigger: owned(ext.build_trigger()),
        }
    }
}

/// The certificate facts slsa-verifier relies on, after its consistency checks.
pub(super) struct CertIdentity<'a> {
    pub(super) issuer: &'a str,
    /// The signing workflow without its ref: `https://github.com/<owner>/<repo>/<path>`.
    pub(super) workflow: &'a str,
    /// The SAN after its first `@` (`""` when there is none; rejected in order later).
    pub(super) workflow_ref: &'a str,
    pub(super) source_repository: &'a str,
    pub(super) source_commit: &'a str,
}

/// The builder the certificate identifies, after the trusted-builder checks.
pub(super) struct CertBuilder<'a> {
    pub(super) workflow: &'a str,
    pub(super) workflow_ref: &'a str,
    /// The certificate is a BYOB delegator: the provenance names the real builder.
    pub(super) byob: bool,
}

impl<'a> CertIdentity<'a> {
    pub(super) fn from_claims(claims: &'a CertificateClaims) -> Result<Self, SlsaError> {
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
    pub(super) fn verify_builder(
        &self,
        expected: Option<&ExpectedBuilderId>,
        trusted: &[&str],
    ) -> Result<CertBuilder<'a>, SlsaError> {
        if self.issuer != GITHUB_ACTIONS_ISSUER {
            return Err(SlsaError::InvalidOidcIssuer(
                "certificate issuer is not GitHub Actions",
            ));
        }
        if self.workflow_ref.is_empty() {
            return Err(SlsaError::MalformedUri("SAN workflow URI has no @ref"));
        }
        // `isTrustedDelegatorBuilder`: a BYOB delegator, and one the caller trusts (never for
        // images).
        let is_delegator = (self.workflow == DELEGATOR_GENERIC
            || self.workflow == DELEGATOR_LOWPERMS)
            && trusted.contains(&self.workflow);
        let byob = match expected {
            None => {
                if !trusted.contains(&self.workflow) {
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
    pub(super) fn check_ref_is_single(&self) -> Result<(), SlsaError> {
        if self.workflow_ref.contains('@') {
            return Err(SlsaError::InvalidFormat(
                "SAN workflow URI has more than one @",
            ));
        }
        Ok(())
    }
}

/// [`CertificateClaims`] with `""` read as absent and lengths bounded.
pub(super) struct Claims<'a> {
    pub(super) san_uri: Option<&'a str>,
    pub(super) issuer: Option<&'a str>,
    pub(super) issuer_v1: Option<&'a str>,
    pub(super) github_workflow_trigger: Option<&'a str>,
    pub(super) github_workflow_sha: Option<&'a str>,
    pub(super) github_workflow_repository: Option<&'a str>,
    pub(super) source_repository_uri: Option<&'a str>,
    pub(super) source_repository_digest: Option<&'a str>,
    pub(super) build_config_uri: Option<&'a str>,
    pub(super) build_config_digest: Option<&'a str>,
    pub(super) build_trigger: Option<&'a str>,
}

impl<'a> Claims<'a> {
    pub(super) fn new(c: &'a CertificateClaims) -> Result<Self, SlsaError> {
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
pub(super) fn equal_claims<'a>(
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
