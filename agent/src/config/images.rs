//! Container images in the policy file: `[images]` (the evidence store, what an image no rule
//! names gets, an audit log) and `[[image_rule]]` (image name globs → an identity or SLSA
//! policy, enforce or audit). Used by `edgeverify containerd-verifier`.
//!
//! ```toml
//! [images]
//! store = "/var/lib/edgeverify/images"  # <store>/sha256-<hex>/ is an OCI image layout
//! unmatched = "deny"                    # or "allow": images no [[image_rule]] names
//! audit_log = "/var/log/edgeverify/images.jsonl"   # optional: one JSON line per decision
//!
//! [[image_rule]]                        # first match wins
//! name = "kubeedge"
//! images = ["docker.io/kubeedge/*"]     # globs on the image name, tag kept, digest dropped
//! source_uri = "github.com/kubeedge/kubeedge"   # SLSA (slsa-verifier verify-image) …
//! # … or certificate_identity[_regexp] + certificate_oidc_issuer[_regexp] (cosign verify),
//! # with `type` for attestations (cosign verify-attestation --type)
//! mode = "enforce"                      # or "audit": log the failure and allow
//! ```

use std::path::PathBuf;

use edgeverify_core::{ImageEvidence, Policy};

use super::glob::Glob;
use super::toml_subset::Table;
use super::{glob_list, rule_mode, rule_name, rule_policy, Fields, Mode, RuleKind};

/// Most `[[image_rule]]` tables in one policy.
pub(crate) const MAX_IMAGE_RULES: usize = 1024;
/// Most name globs in one image rule.
pub(crate) const MAX_IMAGES_PER_RULE: usize = 256;

const IMAGES_KEYS: &[&str] = &["store", "unmatched", "audit_log"];
const IMAGE_RULE_KEYS: &[&str] = &[
    "name",
    "images",
    "mode",
    "type",
    "source_uri",
    "source_tag",
    "source_branch",
    "source_versioned_tag",
    "builder_id",
    "certificate_identity",
    "certificate_identity_regexp",
    "certificate_oidc_issuer",
    "certificate_oidc_issuer_regexp",
];

/// The `[images]` table and the `[[image_rule]]`s.
#[derive(Default)]
pub(crate) struct Images {
    /// The evidence store: `<store>/sha256-<hex>/` is the OCI image layout for that digest.
    pub(crate) store: Option<PathBuf>,
    /// Whether an image no rule names is allowed (default: denied).
    pub(crate) allow_unmatched: bool,
    /// Where one JSON line per decision is appended, if anywhere.
    pub(crate) audit_log: Option<PathBuf>,
    /// The rules, in file order.
    pub(crate) rules: Vec<ImageRule>,
}

/// One `[[image_rule]]`.
pub(crate) struct ImageRule {
    pub(crate) name: String,
    /// Globs on the image name, compiled with a leading `/` (see [`image_name_path`]).
    pub(crate) globs: Vec<Glob>,
    pub(crate) policy: Policy,
    /// `type` as written (checked by [`ImageEvidence::from_type`]): attestations of that
    /// predicate type instead of signatures. SLSA rules read the provenance attestation.
    pub(crate) predicate_type: Option<String>,
    pub(crate) mode: Mode,
}

impl Images {
    /// The first rule one of whose globs matches `name` (a reference as containerd gives it).
    pub(crate) fn rule_for(&self, name: &str) -> Option<&ImageRule> {
        let path = image_name_path(name);
        self.rules
            .iter()
            .find(|r| r.globs.iter().any(|g| g.matches(&path)))
    }
}

/// The string image globs are matched against: `/` + the reference without its `@digest`
/// (the digest is checked by verification, the name only selects the rule), so that path glob
/// rules apply: `*` stays within one `/`-separated component, `**` spans components.
pub(crate) fn image_name_path(name: &str) -> String {
    let without_digest = name.split_once('@').map_or(name, |(n, _)| n);
    format!("/{without_digest}")
}

/// Parses `[images]`.
pub(super) fn settings(table: &Table, images: &mut Images) -> Result<(), (usize, String)> {
    let f = Fields::new(table, IMAGES_KEYS, "[images]")?;
    let absolute = |key: &str| -> Result<Option<PathBuf>, (usize, String)> {
        match f.string(key)? {
            None => Ok(None),
            Some(p) if p.value.starts_with('/') => Ok(Some(PathBuf::from(p.value))),
            Some(p) => Err((p.line, format!("{key} must be an absolute path"))),
        }
    };
    images.store = absolute("store")?;
    images.audit_log = absolute("audit_log")?;
    images.allow_unmatched = match f.string("unmatched")? {
        None => false,
        Some(u) if u.value == "deny" => false,
        Some(u) if u.value == "allow" => true,
        Some(u) => {
            return Err((
                u.line,
                format!("unmatched must be \"deny\" or \"allow\", not {:?}", u.value),
            ))
        }
    };
    Ok(())
}

/// Parses one `[[image_rule]]`.
pub(super) fn rule(table: &Table, earlier: &[ImageRule]) -> Result<ImageRule, (usize, String)> {
    let f = Fields::new(table, IMAGE_RULE_KEYS, "[[image_rule]]")?;
    let (name, name_line) = rule_name(
        &f,
        table,
        "image rule",
        earlier.iter().map(|r| r.name.as_str()),
    )
    .map_err(|(line, reason)| {
        (
            line,
            reason.replacen("image rule needs", "[[image_rule]] needs", 1),
        )
    })?;
    let in_rule =
        |(line, reason): (usize, String)| (line, format!("image rule {name:?}: {reason}"));

    let patterns = glob_list(&f, "images", MAX_IMAGES_PER_RULE, name_line).map_err(in_rule)?;
    let mut globs = Vec::with_capacity(patterns.len());
    for p in &patterns {
        if p.value.starts_with('/') || p.value.contains('@') {
            return Err(in_rule((
                p.line,
                format!(
                    "bad image glob {:?}: a name such as docker.io/org/* (no leading /, no \
                     @digest)",
                    p.value
                ),
            )));
        }
        let glob = Glob::new(&format!("/{}", p.value))
            .map_err(|e| in_rule((p.line, format!("bad image glob {:?}: {e}", p.value))))?;
        globs.push(glob);
    }

    let mode = rule_mode(&f).map_err(in_rule)?;

    let predicate_type = match f.string("type").map_err(in_rule)? {
        None => None,
        Some(t) => match ImageEvidence::from_type(Some(&t.value)) {
            Some(_) => Some(t.value),
            None => {
                return Err(in_rule((
                    t.line,
                    format!(
                        "type {:?} is neither a cosign predicate type name nor a URI",
                        t.value
                    ),
                )))
            }
        },
    };

    let policy = match rule_policy(&f, name_line, &RuleKind::IMAGE).map_err(in_rule)? {
        Policy::Slsa(p) => Policy::Slsa(p.for_images()),
        other => other,
    };

    Ok(ImageRule {
        name,
        globs,
        policy,
        predicate_type,
        mode,
    })
}

impl ImageRule {
    /// The evidence this rule verifies (cosign `verify`, or `verify-attestation --type`).
    pub(crate) fn evidence(&self) -> ImageEvidence<'_> {
        // Checked when the rule was parsed.
        ImageEvidence::from_type(self.predicate_type.as_deref())
            .unwrap_or(ImageEvidence::Signatures)
    }
}
