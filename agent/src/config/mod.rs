//! The gate's policy file (TOML), shared by `exec` and `serve`, and `edgeverify policy check`.
//!
//! ```toml
//! [trust_root]                  # optional; default: the embedded public-good root
//! path = "/etc/edgeverify/trusted_root.json"
//! sha256 = "<64 hex>"           # pin: refuse to start if the trust root differs
//!
//! [[rule]]                      # first match wins; no match = deny
//! name = "app"
//! paths = ["/opt/app/*"]        # globs on the canonical path (see glob.rs)
//! provenance = "{path}.intoto.jsonl"   # optional; {path} = canonical path, {name} = file name
//! source_uri = "github.com/ORG/REPO"   # SLSA rule (source_tag, source_branch,
//!                                      # source_versioned_tag, builder_id optional) …
//! # … or a signature rule: certificate_identity | certificate_identity_regexp, plus
//! # certificate_oidc_issuer | certificate_oidc_issuer_regexp
//! mode = "enforce"              # or "audit": log the failure and allow
//! max_size = "256M"             # largest program hashed (bytes, or K/M/G); default 256 MiB
//! insecure_keep_env = ["LD_LIBRARY_PATH"]  # `exec`: loader variables kept (default: none)
//! ```
//!
//! Everything is checked when the file is loaded (unknown keys, globs, regexes, identity
//! pairs, the trust root and its pin); every error names the file, the line and the reason.
//! The result is a [`Config`]: what the gate needs and nothing left to check.
//!
//! Parts: [`toml_subset`] (the syntax), `glob` (the `paths` patterns), `trust_root` (the
//! trust root from a file or embedded, and the `[trust_root]` table with its pin).

use std::fmt;
use std::path::{Path, PathBuf};

use edgeverify_core::{
    slsa::SlsaPolicy, AnchoredRegex, CertificateIdentity, Matcher, Policy, TrustRoot,
};

use crate::files;
use crate::gate::artifact::sha256;

pub(crate) mod glob;
pub(crate) mod images;
pub mod toml_subset;
pub(crate) mod trust_root;

use glob::Glob;
use toml_subset::{Table, Value};

/// Largest accepted policy file.
pub(crate) const MAX_POLICY_BYTES: usize = 1024 * 1024;
/// Most rules in one policy.
pub(crate) const MAX_RULES: usize = 1024;
/// Most globs (and most evidence templates) in one rule.
pub(crate) const MAX_PATHS_PER_RULE: usize = 256;
/// Largest program a rule hashes unless it says otherwise (`max_size`): a program larger than
/// this is denied before any of it is read (a sparse 8 TiB file costs nothing), and `exec`
/// holds at most this much in its sealed memory copy.
pub(crate) const DEFAULT_MAX_PROGRAM_BYTES: u64 = 256 * 1024 * 1024;
/// The largest `max_size` a rule may set.
pub(crate) const MAX_MAX_PROGRAM_BYTES: u64 = 16 * 1024 * 1024 * 1024;

/// Evidence locations tried when a rule names none: the slsa-github-generator name first,
/// then the Sigstore bundle convention.
const DEFAULT_EVIDENCE: [&str; 2] = ["{path}.intoto.jsonl", "{path}.sigstore.json"];

/// Keys a `[[rule]]` may have.
const RULE_KEYS: &[&str] = &[
    "name",
    "paths",
    "provenance",
    "mode",
    "max_size",
    "insecure_keep_env",
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
const SLSA_OPTIONAL_KEYS: &[&str] = &[
    "source_tag",
    "source_branch",
    "source_versioned_tag",
    "builder_id",
];
const IDENTITY_KEYS: &[&str] = &[
    "certificate_identity",
    "certificate_identity_regexp",
    "certificate_oidc_issuer",
    "certificate_oidc_issuer_regexp",
];
/// A loaded, fully validated policy plus the trust root it names.
pub struct Config {
    /// SHA-256 of the policy file's bytes (part of every cache key).
    pub(crate) sha256: [u8; 32],
    /// The rules, in file order.
    pub(crate) rules: Vec<Rule>,
    /// The trust root (embedded or from `[trust_root] path`, pin checked).
    pub(crate) root: TrustRoot,
    /// Human-readable origin of the trust root.
    pub(crate) root_origin: String,
    /// `[images]` and the `[[image_rule]]`s (`containerd-verifier`).
    pub(crate) images: images::Images,
}

/// One `[[rule]]`.
pub(crate) struct Rule {
    pub(crate) name: String,
    /// The line of its `[[rule]]` header.
    pub(crate) line: usize,
    pub(crate) globs: Vec<Glob>,
    /// The line of each glob.
    pub(crate) glob_lines: Vec<usize>,
    pub(crate) evidence: Vec<String>,
    pub(crate) policy: Policy,
    pub(crate) mode: Mode,
    /// Largest program (bytes) this rule hashes; larger ones are denied unread.
    pub(crate) max_size: u64,
    /// Dynamic-loader variables `exec` keeps for this rule's programs (`insecure_keep_env`).
    pub(crate) keep_env: Vec<String>,
    /// The requirement keys the rule gives and their values (`source_uri`,
    /// `certificate_identity_regexp`, …), so that a denial can say what the rule expected.
    pub(crate) expected: Vec<(&'static str, String)>,
}

/// What a failed verification does under a rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Deny.
    Enforce,
    /// Log the failure and allow.
    Audit,
}

/// A policy that cannot be used, with where and why (`FILE:LINE: reason`).
#[derive(Debug)]
pub struct ConfigError {
    file: PathBuf,
    line: Option<usize>,
    reason: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}: {}", self.file.display(), self.reason),
            None => write!(f, "{}: {}", self.file.display(), self.reason),
        }
    }
}

/// A string value and the line it is on.
struct At {
    value: String,
    line: usize,
}

/// Typed access to one table's entries; every key must be known.
struct Fields<'a> {
    table: &'a Table,
}

impl<'a> Fields<'a> {
    fn new(table: &'a Table, allowed: &[&str], what: &str) -> Result<Self, (usize, String)> {
        if let Some(e) = table
            .entries
            .iter()
            .find(|e| !allowed.contains(&e.key.as_str()))
        {
            return Err((
                e.line,
                format!(
                    "unknown key {:?} in {what} (expected one of: {})",
                    e.key,
                    allowed.join(", ")
                ),
            ));
        }
        Ok(Self { table })
    }

    fn get(&self, key: &str) -> Option<&'a toml_subset::Entry> {
        self.table.entries.iter().find(|e| e.key == key)
    }

    fn string(&self, key: &str) -> Result<Option<At>, (usize, String)> {
        match self.get(key) {
            None => Ok(None),
            Some(e) => match &e.value {
                Value::Str(s) => Ok(Some(At {
                    value: s.clone(),
                    line: e.line,
                })),
                Value::List(_) => Err((e.line, format!("{key} must be a string, not an array"))),
            },
        }
    }

    /// A list (or a single string as a one-element list): the items with their lines, and
    /// the key's line.
    fn list(&self, key: &str) -> Option<(Vec<At>, usize)> {
        self.get(key).map(|e| match &e.value {
            Value::Str(s) => (
                vec![At {
                    value: s.clone(),
                    line: e.line,
                }],
                e.line,
            ),
            Value::List(l) => (
                l.iter()
                    .zip(e.item_lines.iter())
                    .map(|(v, line)| At {
                        value: v.clone(),
                        line: *line,
                    })
                    .collect(),
                e.line,
            ),
        })
    }
}

/// Loads and validates the policy at `path` and the trust root it names. The policy must be
/// a regular file, and is read so that a change during the read is never taken for the file.
pub fn load(path: &Path) -> Result<Config, ConfigError> {
    let bytes = files::read_regular(path, MAX_POLICY_BYTES).map_err(|reason| ConfigError {
        file: path.to_path_buf(),
        line: None,
        reason,
    })?;
    load_bytes(path, &bytes)
}

/// [`load`] for a reload: waits until the file has been left alone for a moment, so that a
/// policy being written in place is never taken half-written.
pub(crate) fn load_settled(path: &Path) -> Result<Config, ConfigError> {
    let bytes = files::read_settled(path, MAX_POLICY_BYTES).map_err(|reason| ConfigError {
        file: path.to_path_buf(),
        line: None,
        reason,
    })?;
    load_bytes(path, &bytes)
}

fn load_bytes(path: &Path, bytes: &[u8]) -> Result<Config, ConfigError> {
    let text = core::str::from_utf8(bytes).map_err(|e| ConfigError {
        file: path.to_path_buf(),
        line: Some(line_of(bytes, e.valid_up_to())),
        reason: "not valid UTF-8".into(),
    })?;
    parse(path, text)
}

/// Validates policy text (the file name is only used in messages). A `[trust_root] path`
/// is opened and read.
pub fn parse(path: &Path, text: &str) -> Result<Config, ConfigError> {
    let at = |(line, reason): (usize, String)| ConfigError {
        file: path.to_path_buf(),
        line: Some(line),
        reason,
    };
    let doc = toml_subset::parse(text).map_err(|e| at((e.line, e.reason)))?;
    if let Some(e) = doc.top.entries.first() {
        return Err(at((
            e.line,
            format!(
                "unknown top-level key {:?} (a policy has a [trust_root] table, [[rule]] tables, \
                 an [images] table and [[image_rule]] tables)",
                e.key
            ),
        )));
    }
    let mut trust_root = None;
    let mut rule_tables = Vec::new();
    let mut image_rule_tables = Vec::new();
    let mut images = images::Images::default();
    for (name, array, table) in &doc.tables {
        match (name.as_str(), array) {
            ("rule", true) => rule_tables.push(table),
            ("trust_root", false) => trust_root = Some(table),
            ("image_rule", true) => image_rule_tables.push(table),
            ("images", false) => images::settings(table, &mut images).map_err(at)?,
            ("image_rule", false) => {
                return Err(at((
                    table.line,
                    "image rules are [[image_rule]], not [image_rule]".into(),
                )))
            }
            ("rule", false) => {
                return Err(at((table.line, "rules are [[rule]], not [rule]".into())))
            }
            ("trust_root", true) => {
                return Err(at((
                    table.line,
                    "use [trust_root], not [[trust_root]]".into(),
                )))
            }
            (other, _) => {
                return Err(at((
                    table.line,
                    format!(
                        "unknown table {other:?} (expected [trust_root], [[rule]], [images] or \
                         [[image_rule]])"
                    ),
                )))
            }
        }
    }
    if rule_tables.len() > MAX_RULES {
        return Err(ConfigError {
            file: path.to_path_buf(),
            line: None,
            reason: format!("more than {MAX_RULES} rules"),
        });
    }
    let mut rules: Vec<Rule> = Vec::with_capacity(rule_tables.len());
    for table in rule_tables {
        let rule = rule(table, &rules).map_err(at)?;
        rules.push(rule);
    }
    if image_rule_tables.len() > images::MAX_IMAGE_RULES {
        return Err(ConfigError {
            file: path.to_path_buf(),
            line: None,
            reason: format!("more than {} image rules", images::MAX_IMAGE_RULES),
        });
    }
    for table in image_rule_tables {
        let rule = images::rule(table, &images.rules).map_err(at)?;
        images.rules.push(rule);
    }
    let loaded = trust_root::from_table(trust_root).map_err(at)?;
    // A trust root that can never verify a rule's kind of evidence is a configuration error
    // now, not a denial of every program later.
    for rule in &rules {
        loaded.root.check_usable_for(&rule.policy).map_err(|e| {
            at((
                loaded.line,
                format!(
                    "trust root {} cannot verify rule {:?}: {e}",
                    loaded.origin, rule.name
                ),
            ))
        })?;
    }
    for rule in &images.rules {
        loaded.root.check_usable_for(&rule.policy).map_err(|e| {
            at((
                loaded.line,
                format!(
                    "trust root {} cannot verify image rule {:?}: {e}",
                    loaded.origin, rule.name
                ),
            ))
        })?;
    }
    Ok(Config {
        sha256: sha256(text.as_bytes()),
        rules,
        root: loaded.root,
        root_origin: loaded.origin,
        images,
    })
}

/// A rule's `name`, with its line: 1 to 128 printable characters, not among `earlier`.
/// `what` names the kind of rule in messages (`rule`, `image rule`).
fn rule_name<'e>(
    f: &Fields<'_>,
    table: &Table,
    what: &str,
    mut earlier: impl Iterator<Item = &'e str>,
) -> Result<(String, usize), (usize, String)> {
    let Some(name) = f.string("name")? else {
        return Err((table.line, format!("{what} needs a name")));
    };
    if name.value.is_empty() || name.value.len() > 128 || name.value.chars().any(char::is_control) {
        return Err((
            name.line,
            format!("{what} name must be 1 to 128 printable characters"),
        ));
    }
    if earlier.any(|n| n == name.value) {
        return Err((name.line, format!("duplicate {what} name {:?}", name.value)));
    }
    Ok((name.value, name.line))
}

/// A required list of 1 to `max` globs under `key`, with their lines.
fn glob_list(
    f: &Fields<'_>,
    key: &str,
    max: usize,
    name_line: usize,
) -> Result<Vec<At>, (usize, String)> {
    let Some((items, line)) = f.list(key) else {
        return Err((name_line, format!("{key} is required (a list of globs)")));
    };
    if items.is_empty() || items.len() > max {
        return Err((line, format!("{key} must list 1 to {max} globs")));
    }
    Ok(items)
}

/// `mode`: "enforce" (the default) or "audit".
fn rule_mode(f: &Fields<'_>) -> Result<Mode, (usize, String)> {
    match f.string("mode")? {
        None => Ok(Mode::Enforce),
        Some(m) if m.value == "enforce" => Ok(Mode::Enforce),
        Some(m) if m.value == "audit" => Ok(Mode::Audit),
        Some(m) => Err((
            m.line,
            format!("mode must be \"enforce\" or \"audit\", not {:?}", m.value),
        )),
    }
}

fn rule(table: &Table, earlier: &[Rule]) -> Result<Rule, (usize, String)> {
    let f = Fields::new(table, RULE_KEYS, "[[rule]]")?;
    let (name, name_line) =
        rule_name(&f, table, "rule", earlier.iter().map(|r| r.name.as_str()))
            .map_err(|(line, reason)| (line, reason.replacen("rule needs", "[[rule]] needs", 1)))?;
    let in_rule = |(line, reason): (usize, String)| (line, format!("rule {name:?}: {reason}"));

    let paths = glob_list(&f, "paths", MAX_PATHS_PER_RULE, name_line).map_err(in_rule)?;
    let mut globs = Vec::with_capacity(paths.len());
    let mut glob_lines = Vec::with_capacity(paths.len());
    for p in &paths {
        let glob = Glob::new(&p.value)
            .map_err(|e| in_rule((p.line, format!("bad glob {:?}: {e}", p.value))))?;
        globs.push(glob);
        glob_lines.push(p.line);
    }

    let max_size = match f.string("max_size").map_err(in_rule)? {
        None => DEFAULT_MAX_PROGRAM_BYTES,
        Some(s) => parse_size(&s.value).map_err(|e| in_rule((s.line, e)))?,
    };
    let keep_env = match f.list("insecure_keep_env") {
        None => Vec::new(),
        Some((names, _)) => {
            for n in &names {
                if !is_loader_variable(&n.value) {
                    return Err(in_rule((
                        n.line,
                        format!(
                            "insecure_keep_env: {:?} is not a variable exec removes (LD_*, \
                             GLIBC_TUNABLES, MALLOC_*, and glibc's other unsafe variables)",
                            n.value
                        ),
                    )));
                }
            }
            names.into_iter().map(|n| n.value).collect()
        }
    };

    let evidence = match f.list("provenance") {
        None => DEFAULT_EVIDENCE.iter().map(|s| (*s).to_string()).collect(),
        Some((list, line)) => {
            if list.is_empty() || list.len() > MAX_PATHS_PER_RULE {
                return Err(in_rule((
                    line,
                    format!("provenance must name 1 to {MAX_PATHS_PER_RULE} locations"),
                )));
            }
            for t in &list {
                check_template(&t.value).map_err(|e| in_rule((t.line, e)))?;
            }
            list.into_iter().map(|t| t.value).collect()
        }
    };

    let mode = rule_mode(&f).map_err(in_rule)?;

    let policy = rule_policy(&f, name_line, &RuleKind::PROGRAM).map_err(in_rule)?;

    let mut expected = Vec::new();
    for key in ["source_uri"]
        .iter()
        .chain(SLSA_OPTIONAL_KEYS)
        .chain(IDENTITY_KEYS)
    {
        if let Some(v) = f.string(key).map_err(in_rule)? {
            expected.push((*key, v.value));
        }
    }

    Ok(Rule {
        expected,
        name,
        line: table.line,
        globs,
        glob_lines,
        evidence,
        policy,
        mode,
        max_size,
        keep_env,
    })
}

/// A size in bytes: digits, optionally followed by `K`, `M` or `G` (binary multiples), from 1
/// byte to [`MAX_MAX_PROGRAM_BYTES`].
fn parse_size(s: &str) -> Result<u64, String> {
    let bad = || {
        format!(
            "max_size must be a number of bytes with an optional K, M or G suffix, from 1 to \
             16G (not {s:?})"
        )
    };
    let (digits, unit) = match s.char_indices().last() {
        Some((i, 'K')) => (s.get(..i), 1u64 << 10),
        Some((i, 'M')) => (s.get(..i), 1 << 20),
        Some((i, 'G')) => (s.get(..i), 1 << 30),
        _ => (Some(s), 1),
    };
    let digits = digits.filter(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()));
    let n: u64 = digits.and_then(|d| d.parse().ok()).ok_or_else(bad)?;
    n.checked_mul(unit)
        .filter(|v| (1..=MAX_MAX_PROGRAM_BYTES).contains(v))
        .ok_or_else(bad)
}

/// glibc's list of variables it ignores for set-user-ID programs (`unsecvars.h`) plus every
/// `LD_*` and `MALLOC_*`: they load code into a program, or change how its libraries behave,
/// without being part of what was verified. `exec` removes them unless a rule keeps them.
const LOADER_VARIABLES: &[&str] = &[
    "GCONV_PATH",
    "GETCONF_DIR",
    "GLIBC_TUNABLES",
    "HOSTALIASES",
    "LOCALDOMAIN",
    "LOCPATH",
    "NIS_PATH",
    "NLSPATH",
    "RESOLV_HOST_CONF",
    "RES_OPTIONS",
    "TZDIR",
];

/// Whether `exec` removes the variable `name` from a gated program's environment by default.
pub(crate) fn is_loader_variable(name: &str) -> bool {
    name.starts_with("LD_") || name.starts_with("MALLOC_") || LOADER_VARIABLES.contains(&name)
}

/// Most globs (all rules together) checked pairwise for shadowing; a bigger policy gets one
/// warning saying it was not checked.
pub(crate) const MAX_SHADOW_CHECK_GLOBS: usize = 2048;

/// Warnings for rules that can never apply to some of their paths because an earlier rule
/// (first match wins) matches every path one of their globs matches.
pub fn shadowed_globs(cfg: &Config) -> Vec<String> {
    let mut warnings = Vec::new();
    let total: usize = cfg.rules.iter().map(|r| r.globs.len()).sum();
    if total > MAX_SHADOW_CHECK_GLOBS {
        warnings.push(format!(
            "{total} globs: more than {MAX_SHADOW_CHECK_GLOBS}, not checked for rules that \
             shadow later ones"
        ));
        return warnings;
    }
    for (j, later) in cfg.rules.iter().enumerate() {
        for (g, line) in later.globs.iter().zip(&later.glob_lines) {
            let shadow = cfg.rules.iter().take(j).find_map(|earlier| {
                earlier
                    .globs
                    .iter()
                    .find(|e| e.covers(g))
                    .map(|e| (earlier, e))
            });
            if let Some((earlier, e)) = shadow {
                let weaker = match (earlier.mode, later.mode) {
                    (Mode::Audit, Mode::Enforce) => {
                        " (an audit-mode rule shadows an enforcing one)"
                    }
                    _ => "",
                };
                warnings.push(format!(
                    "line {line}: rule {:?} never applies to {:?}: rule {:?} (line {}) comes \
                     first and matches every path it matches with {:?}{weaker}",
                    later.name,
                    g.as_str(),
                    earlier.name,
                    earlier.line,
                    e.as_str()
                ));
            }
        }
    }
    warnings
}

/// What differs between program rules and image rules in choosing their policy.
struct RuleKind {
    /// Keys of a signature rule besides the identity ones (an image rule's `type`).
    signature_keys: &'static [&'static str],
    /// The message for a rule with both an SLSA and a signature requirement.
    both: &'static str,
    /// The message for a rule with neither.
    neither: &'static str,
}

impl RuleKind {
    /// `[[rule]]`: programs.
    const PROGRAM: Self = Self {
        signature_keys: &[],
        both: "a rule is either an SLSA rule (source_uri) or a signature rule \
               (certificate_identity…), not both",
        neither: "rule has neither an SLSA requirement (source_uri) nor a signature requirement \
                  (certificate_identity[_regexp] + certificate_oidc_issuer[_regexp])",
    };

    /// `[[image_rule]]`: container images.
    const IMAGE: Self = Self {
        signature_keys: &["type"],
        both: "an image rule is either an SLSA rule (source_uri) or a signature rule \
               (certificate_identity…, type), not both",
        neither: "image rule has neither an SLSA requirement (source_uri) nor a signature \
                  requirement (certificate_identity[_regexp] + certificate_oidc_issuer[_regexp])",
    };
}

/// A rule's policy: SLSA when it names `source_uri` (and then no signature key), otherwise a
/// signer identity (and then no SLSA key).
fn rule_policy(
    f: &Fields<'_>,
    name_line: usize,
    kind: &RuleKind,
) -> Result<Policy, (usize, String)> {
    if let Some(uri) = f.string("source_uri")? {
        if let Some(e) = IDENTITY_KEYS
            .iter()
            .chain(kind.signature_keys)
            .find_map(|k| f.get(k))
        {
            return Err((e.line, kind.both.into()));
        }
        return slsa_policy(f, &uri);
    }
    if let Some(e) = SLSA_OPTIONAL_KEYS.iter().find_map(|k| f.get(k)) {
        return Err((
            e.line,
            "source_tag, source_branch, source_versioned_tag and builder_id need source_uri".into(),
        ));
    }
    if IDENTITY_KEYS.iter().all(|k| f.get(k).is_none()) {
        return Err((name_line, kind.neither.into()));
    }
    identity_policy(f, name_line)
}

fn slsa_policy(f: &Fields<'_>, uri: &At) -> Result<Policy, (usize, String)> {
    let bad = |a: &At, e: &dyn fmt::Display| (a.line, format!("{e}"));
    let mut p = SlsaPolicy::new(&uri.value).map_err(|e| bad(uri, &e))?;
    if let Some(t) = f.string("source_tag")? {
        p = p.with_source_tag(&t.value).map_err(|e| bad(&t, &e))?;
    }
    if let Some(t) = f.string("source_versioned_tag")? {
        p = p
            .with_source_versioned_tag(&t.value)
            .map_err(|e| bad(&t, &e))?;
    }
    if let Some(b) = f.string("source_branch")? {
        p = p.with_source_branch(&b.value).map_err(|e| bad(&b, &e))?;
    }
    if let Some(b) = f.string("builder_id")? {
        p = p.with_builder_id(&b.value).map_err(|e| bad(&b, &e))?;
    }
    Ok(Policy::Slsa(p))
}

fn identity_policy(f: &Fields<'_>, name_line: usize) -> Result<Policy, (usize, String)> {
    let matcher = |what: &str| -> Result<Matcher, (usize, String)> {
        let exact = f.string(what)?;
        let regex = f.string(&format!("{what}_regexp"))?;
        match (exact, regex) {
            (Some(e), Some(_)) => Err((e.line, format!("give {what} or {what}_regexp, not both"))),
            (Some(e), None) => Matcher::exact(&e.value).map_err(|err| (e.line, err.to_string())),
            (None, Some(r)) => AnchoredRegex::compile(&r.value)
                .map(Matcher::Regex)
                .map_err(|err| (r.line, format!("{what}_regexp: {err}"))),
            (None, None) => Err((
                name_line,
                format!(
                    "{what} or {what}_regexp is required (both the identity and the issuer are \
                     always checked)"
                ),
            )),
        }
    };
    let subject = matcher("certificate_identity")?;
    let issuer = matcher("certificate_oidc_issuer")?;
    Ok(Policy::Identity(CertificateIdentity::new(subject, issuer)))
}

/// An evidence template must yield an absolute path and use only `{path}` and `{name}`.
fn check_template(t: &str) -> Result<(), String> {
    if !(t.starts_with('/') || t.starts_with("{path}")) {
        return Err(format!(
            "provenance location {t:?} must be absolute or start with {{path}}"
        ));
    }
    let mut rest = t;
    while let Some(i) = rest.find(['{', '}']) {
        let tail = rest.get(i..).unwrap_or_default();
        if let Some(after) = tail
            .strip_prefix("{path}")
            .or_else(|| tail.strip_prefix("{name}"))
        {
            rest = after;
        } else {
            return Err(format!(
                "provenance location {t:?}: only {{path}} and {{name}} may appear in braces"
            ));
        }
    }
    if t.len() > glob::MAX_GLOB_BYTES || t.chars().any(char::is_control) {
        return Err(format!(
            "provenance location {t:?} is too long or has control characters"
        ));
    }
    Ok(())
}

/// Expands an evidence template for the program at canonical path `program`.
pub(crate) fn expand_template(template: &str, program: &str) -> String {
    let name = program.rsplit('/').next().unwrap_or(program);
    template.replace("{path}", program).replace("{name}", name)
}

/// 1-based line number of byte `offset`.
fn line_of(text: &[u8], offset: usize) -> usize {
    let end = offset.min(text.len());
    1 + text
        .get(..end)
        .unwrap_or_default()
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
}

impl Config {
    /// The first rule whose globs match the canonical path, with its index.
    pub(crate) fn rule_for(&self, canonical: &str) -> Option<(usize, &Rule)> {
        self.rules
            .iter()
            .enumerate()
            .find(|(_, r)| r.globs.iter().any(|g| g.matches(canonical)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@refs/tags/v2.1.0";
    const ISS: &str = "https://token.actions.githubusercontent.com";

    fn err(text: &str) -> String {
        match parse(Path::new("p.toml"), text) {
            Ok(_) => panic!("accepted:\n{text}"),
            Err(e) => e.to_string(),
        }
    }

    /// `n` rules with distinct names, each with `paths` globs.
    fn policy_with(n: usize, paths: usize) -> String {
        let globs: Vec<String> = (0..paths).map(|i| format!("\"/opt/p{i}/*\"")).collect();
        (0..n)
            .map(|i| {
                format!(
                    "[[rule]]\nname = \"r{i}\"\npaths = [{}]\ncertificate_identity = \"{ID}\"\n\
                     certificate_oidc_issuer = \"{ISS}\"\n",
                    globs.join(", ")
                )
            })
            .collect()
    }

    #[test]
    fn rule_and_path_counts_are_bounded_exactly_at_the_limit() {
        let at = parse(Path::new("p.toml"), &policy_with(MAX_RULES, 1)).unwrap();
        assert_eq!(at.rules.len(), MAX_RULES);
        assert!(
            err(&policy_with(MAX_RULES + 1, 1)).contains(&format!("more than {MAX_RULES} rules"))
        );

        let at = parse(Path::new("p.toml"), &policy_with(1, MAX_PATHS_PER_RULE)).unwrap();
        assert_eq!(at.rules.len(), 1);
        assert!(at
            .rule_for(&format!("/opt/p{}/x", MAX_PATHS_PER_RULE - 1))
            .is_some());
        assert!(err(&policy_with(1, MAX_PATHS_PER_RULE + 1))
            .contains(&format!("paths must list 1 to {MAX_PATHS_PER_RULE} globs")));
    }

    #[test]
    fn good_policy_loads() {
        let cfg = parse(
            Path::new("p.toml"),
            &format!(
                "[[rule]]\nname = \"a\"\npaths = [\"/opt/a/*\"]\ncertificate_identity = \"{ID}\"\n\
                 certificate_oidc_issuer = \"{ISS}\"\n\n[[rule]]\nname = \"b\"\npaths = [\"/opt/**\"]\n\
                 source_uri = \"github.com/o/r\"\nsource_tag = \"v1\"\nmode = \"audit\"\n\
                 provenance = \"/var/lib/ev/{{name}}.sigstore.json\"\n"
            ),
        )
        .unwrap();
        assert_eq!(cfg.rules.len(), 2);
        assert_eq!(cfg.rule_for("/opt/a/x").map(|r| r.0), Some(0));
        assert_eq!(cfg.rule_for("/opt/b/x").map(|r| r.0), Some(1));
        assert!(cfg.rule_for("/usr/bin/x").is_none());
        assert_eq!(cfg.rules[1].mode, Mode::Audit);
        assert_eq!(
            expand_template(&cfg.rules[1].evidence[0], "/opt/b/x"),
            "/var/lib/ev/x.sigstore.json"
        );
        assert_eq!(
            expand_template(&cfg.rules[0].evidence[0], "/opt/a/x"),
            "/opt/a/x.intoto.jsonl"
        );
    }

    #[test]
    fn errors_name_file_line_and_reason() {
        let e = err("[[rule]]\nname = \"a\"\npaths = [\"/x\"]\nsource_uri = \"github.com/o/r\"\ncolour = \"red\"\n");
        assert!(e.starts_with("p.toml:5: "), "{e}");
        assert!(e.contains("colour"), "{e}");

        let e = err("[[rule]]\nname = \"a\"\npaths = [\"/x\",\n  \"relative/*\"]\nsource_uri = \"github.com/o/r\"\n");
        assert!(e.starts_with("p.toml:4: rule \"a\": bad glob"), "{e}");

        let e = err("\n[[rule]]\nname = \"a\"\npaths = [\"/x\"]\n");
        assert!(e.starts_with("p.toml:3: ") && e.contains("neither"), "{e}");

        let e = err(&format!(
            "[[rule]]\nname = \"a\"\npaths = [\"/x\"]\ncertificate_identity = \"{ID}\"\n"
        ));
        assert!(
            e.contains("certificate_oidc_issuer or certificate_oidc_issuer_regexp is required"),
            "{e}"
        );

        let e = err(&format!("[[rule]]\nname = \"a\"\npaths = [\"/x\"]\ncertificate_identity_regexp = \"(\"\ncertificate_oidc_issuer = \"{ISS}\"\n"));
        assert!(e.starts_with("p.toml:4: "), "{e}");

        let e = err(&format!("[[rule]]\nname = \"a\"\npaths = [\"/x\"]\nsource_uri = \"github.com/o/r\"\ncertificate_oidc_issuer = \"{ISS}\"\n"));
        assert!(e.starts_with("p.toml:5: ") && e.contains("not both"), "{e}");

        let e = err("[[rule]]\nname = \"a\"\npaths = [\"/x\"]\nsource_tag = \"v1\"\n");
        assert!(
            e.starts_with("p.toml:4: ") && e.contains("need source_uri"),
            "{e}"
        );

        let e = err("[[rule]]\nname = \"a\"\npaths = [\"/x\"]\nsource_uri = \"github.com/o/r\"\nmode = \"warn\"\n");
        assert!(e.starts_with("p.toml:5: "), "{e}");

        let e = err("[[rule]]\nname = \"a\"\npaths = []\nsource_uri = \"github.com/o/r\"\n");
        assert!(e.starts_with("p.toml:3: "), "{e}");

        let e = err("[[rule]]\nname = \"a\"\npaths = [\"/x\"]\nsource_uri = \"github.com/o/r\"\n[[rule]]\nname = \"a\"\npaths = [\"/y\"]\nsource_uri = \"github.com/o/r\"\n");
        assert!(e.starts_with("p.toml:6: duplicate"), "{e}");

        let e = err("[[rule]]\nname = \"a\"\npaths = [\"/x\"]\nsource_uri = \"github.com/o/r\"\nprovenance = \"{dir}/x\"\n");
        assert!(e.starts_with("p.toml:5: "), "{e}");

        let e = err("[trust_root]\nsha256 = \"00\"\n");
        assert!(e.starts_with("p.toml:2: "), "{e}");

        let e = err(&format!("[trust_root]\nsha256 = \"{}\"\n", "0".repeat(64)));
        assert!(e.starts_with("p.toml:2: ") && e.contains("pins"), "{e}");

        let e = err("[trust_root]\npath = \"/nonexistent/trusted_root.json\"\n");
        assert!(e.starts_with("p.toml:2: trust root: cannot open"), "{e}");

        let e = err("[[rule]\n");
        assert!(e.starts_with("p.toml:1: "), "{e}");

        let e = err("[[rule]]\npaths = [\"/x\"]\nsource_uri = \"github.com/o/r\"\n");
        assert!(e.contains("name"), "{e}");
    }

    #[test]
    fn embedded_root_pin_matches() {
        let cfg = parse(
            Path::new("p.toml"),
            &format!(
                "[trust_root]\nsha256 = \"{}\"\n",
                edgeverify_core::EMBEDDED_PRODUCTION_SHA256
            ),
        )
        .unwrap();
        assert!(cfg.rules.is_empty());
    }
}
