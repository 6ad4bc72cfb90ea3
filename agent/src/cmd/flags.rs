//! Flags several commands share, parsed once into the core's policies: slsa-verifier's source
//! requirements (`verify-artifact`, `verify-image`) and cosign's signer identity
//! (`verify-bundle`, `verify-image`).

use std::path::PathBuf;

use edgeverify_core::slsa::SlsaPolicy;
use edgeverify_core::{AnchoredRegex, CertificateIdentity, Error, Matcher, Policy, PublicKey};

use super::cli::{Matches, Opt, Stop};
use crate::files::read_bounded;

/// slsa-verifier's requirements beyond `--source-uri`.
pub struct SourceFlags {
    pub(crate) source_tag: Option<String>,
    pub(crate) source_branch: Option<String>,
    pub(crate) source_versioned_tag: Option<String>,
    pub(crate) builder_id: Option<String>,
}

/// The options of [`SourceFlags`].
pub const SOURCE_OPTIONS: &[Opt] = &[
    Opt {
        long: "source-tag",
        value: Some("TAG"),
        help: "SLSA: expected source tag (exact).",
    },
    Opt {
        long: "source-branch",
        value: Some("BRANCH"),
        help: "SLSA: expected source branch.",
    },
    Opt {
        long: "source-versioned-tag",
        value: Some("VERSION"),
        help: "SLSA: expected semantic-version tag prefix (`v1`, `v1.2`, `v1.2.3`).",
    },
    Opt {
        long: "builder-id",
        value: Some("ID"),
        help: "SLSA: expected builder, `NAME[@VERSION]`.",
    },
];

impl SourceFlags {
    /// Takes them from a parsed command line.
    pub(crate) fn take(m: &Matches) -> Result<Self, Stop> {
        m.conflict("source-tag", &["source-versioned-tag"])?;
        Ok(Self {
            source_tag: m.string("source-tag")?,
            source_branch: m.string("source-branch")?,
            source_versioned_tag: m.string("source-versioned-tag")?,
            builder_id: m.string("builder-id")?,
        })
    }

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
pub struct SignerFlags {
    pub(crate) certificate_identity: Option<String>,
    pub(crate) certificate_identity_regexp: Option<String>,
    pub(crate) certificate_oidc_issuer: Option<String>,
    pub(crate) certificate_oidc_issuer_regexp: Option<String>,
    pub(crate) key: Option<PathBuf>,
}

/// `--trusted-root`, as every verifying command takes it.
pub const TRUSTED_ROOT_OPTION: &[Opt] = &[Opt {
    long: "trusted-root",
    value: Some("FILE"),
    help: "Trust root: trusted_root.json or its compact CBOR form (`trust-root compile`); \
           default: the embedded Sigstore public-good root.",
}];

/// `--json` of the commands that print one verdict.
pub const JSON_VERDICT_OPTION: &[Opt] = &[Opt {
    long: "json",
    value: None,
    help: "Print the verdict as one JSON object on stdout.",
}];

/// The options of [`SignerFlags`].
pub const SIGNER_OPTIONS: &[Opt] = &[
    Opt {
        long: "certificate-identity",
        value: Some("ID"),
        help: "Expected certificate identity (SAN: URI or e-mail), exact.",
    },
    Opt {
        long: "certificate-identity-regexp",
        value: Some("REGEX"),
        help: "Expected certificate identity as a regular expression that must match the whole \
               SAN (anchored, unlike cosign: `^https://github.com/org/` matches only that exact \
               text; add `.*` to accept what follows).",
    },
    Opt {
        long: "certificate-oidc-issuer",
        value: Some("URL"),
        help: "Expected OIDC issuer, exact.",
    },
    Opt {
        long: "certificate-oidc-issuer-regexp",
        value: Some("REGEX"),
        help: "Expected OIDC issuer as a regular expression that must match the whole issuer \
               (anchored, as --certificate-identity-regexp).",
    },
    Opt {
        long: "key",
        value: Some("PEM"),
        help: "Verify with this PEM public key (self-managed key) instead of a certificate \
               identity.",
    },
];

impl SignerFlags {
    /// Takes them from a parsed command line.
    pub(crate) fn take(m: &Matches) -> Result<Self, Stop> {
        m.conflict("certificate-identity", &["certificate-identity-regexp"])?;
        m.conflict(
            "certificate-oidc-issuer",
            &["certificate-oidc-issuer-regexp"],
        )?;
        m.conflict(
            "key",
            &[
                "certificate-identity",
                "certificate-identity-regexp",
                "certificate-oidc-issuer",
                "certificate-oidc-issuer-regexp",
            ],
        )?;
        Ok(Self {
            certificate_identity: m.string("certificate-identity")?,
            certificate_identity_regexp: m.string("certificate-identity-regexp")?,
            certificate_oidc_issuer: m.string("certificate-oidc-issuer")?,
            certificate_oidc_issuer_regexp: m.string("certificate-oidc-issuer-regexp")?,
            key: m.path("key"),
        })
    }

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
