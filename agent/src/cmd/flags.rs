//! Flags several commands share, parsed once into the core's policies: slsa-verifier's source
//! requirements (`verify-artifact`, `verify-image`) and cosign's signer identity
//! (`verify-bundle`, `verify-image`).

use std::path::PathBuf;

use clap::Args;
use edgeverify_core::slsa::SlsaPolicy;
use edgeverify_core::{AnchoredRegex, CertificateIdentity, Error, Matcher, Policy, PublicKey};

use crate::files::read_bounded;

/// slsa-verifier's requirements beyond `--source-uri`.
#[derive(Args)]
pub struct SourceFlags {
    /// SLSA: expected source tag (exact).
    #[arg(long, value_name = "TAG", conflicts_with = "source_versioned_tag")]
    pub(crate) source_tag: Option<String>,
    /// SLSA: expected source branch.
    #[arg(long, value_name = "BRANCH")]
    pub(crate) source_branch: Option<String>,
    /// SLSA: expected semantic-version tag prefix (`v1`, `v1.2`, `v1.2.3`).
    #[arg(long, value_name = "VERSION")]
    pub(crate) source_versioned_tag: Option<String>,
    /// SLSA: expected builder, `NAME[@VERSION]`.
    #[arg(long, value_name = "ID")]
    pub(crate) builder_id: Option<String>,
}

impl SourceFlags {
    /// Whether any of them was given.
    pub(crate) fn any(&self) -> bool {
        self.source_tag.is_some()
            || self.source_branch.is_some()
            || self.source_versioned_tag.is_some()
            || self.builder_id.is_some()
    }

    /// The SLSA policy for `source_uri` with these requirements.
    pub(crate) fn policy(&self, source_uri: &str) -> Result<SlsaPolicy, Error> {
        let mut policy = SlsaPolicy::new(source_uri).map_err(Error::Provenance)?;
        if let Some(tag) = &self.source_tag {
            policy = policy.with_source_tag(tag).map_err(Error::Provenance)?;
        }
        if let Some(v) = &self.source_versioned_tag {
            policy = policy
                .with_source_versioned_tag(v)
                .map_err(Error::Provenance)?;
        }
        if let Some(branch) = &self.source_branch {
            policy = policy
                .with_source_branch(branch)
                .map_err(Error::Provenance)?;
        }
        if let Some(id) = &self.builder_id {
            policy = policy.with_builder_id(id).map_err(Error::Provenance)?;
        }
        Ok(policy)
    }
}

/// cosign's signer flags: a certificate identity and issuer (exact or regular expression), or a
/// self-managed key.
#[derive(Args)]
pub struct SignerFlags {
    /// Expected certificate identity (SAN: URI or e-mail), exact.
    #[arg(
        long,
        value_name = "ID",
        conflicts_with = "certificate_identity_regexp"
    )]
    pub(crate) certificate_identity: Option<String>,
    /// Expected certificate identity as a regular expression that must match the whole SAN
    /// (anchored, unlike cosign: `^https://github.com/org/` matches only that exact text; add
    /// `.*` to accept what follows).
    #[arg(long, value_name = "REGEX")]
    pub(crate) certificate_identity_regexp: Option<String>,
    /// Expected OIDC issuer, exact.
    #[arg(
        long,
        value_name = "URL",
        conflicts_with = "certificate_oidc_issuer_regexp"
    )]
    pub(crate) certificate_oidc_issuer: Option<String>,
    /// Expected OIDC issuer as a regular expression that must match the whole issuer
    /// (anchored, as --certificate-identity-regexp).
    #[arg(long, value_name = "REGEX")]
    pub(crate) certificate_oidc_issuer_regexp: Option<String>,
    /// Verify with this PEM public key (self-managed key) instead of a certificate identity.
    #[arg(long, value_name = "PEM", conflicts_with_all = ["certificate_identity", "certificate_identity_regexp", "certificate_oidc_issuer", "certificate_oidc_issuer_regexp"])]
    pub(crate) key: Option<PathBuf>,
}

impl SignerFlags {
    /// Whether any of them was given.
    pub(crate) fn any(&self) -> bool {
        self.certificate_identity.is_some()
            || self.certificate_identity_regexp.is_some()
            || self.certificate_oidc_issuer.is_some()
            || self.certificate_oidc_issuer_regexp.is_some()
            || self.key.is_some()
    }

    /// The key policy, or the identity policy (subject and issuer both required).
    pub(crate) fn policy(&self) -> Result<Policy, String> {
        let usage = |e: Error| e.to_string();
        if let Some(key_path) = &self.key {
            let pem = read_bounded(key_path, 64 * 1024)?;
            let pem = String::from_utf8(pem)
                .map_err(|_| format!("{} is not PEM text", key_path.display()))?;
            let key =
                PublicKey::from_pem(&pem).map_err(|e| format!("{}: {e}", key_path.display()))?;
            return Ok(Policy::PublicKey(key));
        }
        let subject = match (
            &self.certificate_identity,
            &self.certificate_identity_regexp,
        ) {
            (Some(exact), _) => Matcher::exact(exact).map_err(usage)?,
            (None, Some(re)) => regex(re, "--certificate-identity-regexp")?,
            (None, None) => return Err("missing --certificate-identity".into()),
        };
        let issuer = match (
            &self.certificate_oidc_issuer,
            &self.certificate_oidc_issuer_regexp,
        ) {
            (Some(exact), _) => Matcher::exact(exact).map_err(usage)?,
            (None, Some(re)) => regex(re, "--certificate-oidc-issuer-regexp")?,
            (None, None) => {
                return Err(
                    "missing --certificate-oidc-issuer (the issuer must always be checked)".into(),
                )
            }
        };
        Ok(Policy::Identity(CertificateIdentity::new(subject, issuer)))
    }
}

/// A regex flag's matcher; a refused pattern is a usage error showing the engine's reason.
fn regex(pattern: &str, flag: &str) -> Result<Matcher, String> {
    AnchoredRegex::compile(pattern)
        .map(Matcher::Regex)
        .map_err(|e| format!("{flag}: {e}"))
}
