//! `edgeverify policy check FILE`: validate a policy file for `exec` and `serve` and say what
//! it contains.

use std::ffi::OsString;
use std::path::PathBuf;

use edgeverify_core::{ImageEvidence, Policy};

use super::cli::{Command, Positional, Stop, Subcommands};
use super::Outcome;
use crate::config::glob::Glob;
use crate::config::{self, Mode};

/// `edgeverify policy` subcommands.
pub enum PolicyCommand {
    /// `check FILE`.
    Check {
        /// The policy file (TOML).
        file: PathBuf,
    },
}

/// `edgeverify policy`'s subcommands.
pub static SUBCOMMANDS: Subcommands = Subcommands {
    name: "policy",
    about: "Policy files for `exec` and `serve`.",
    list: &[("check", CHECK.about)],
    after: "",
};

static CHECK: Command = Command {
    name: "policy check",
    about: "Validate a policy file (syntax, globs, regexes, trust root and pin) without running.",
    options: &[],
    positionals: &[Positional::one("FILE", "The policy file (TOML).")],
    trailing: false,
};

impl PolicyCommand {
    /// Parses what follows `policy`.
    pub fn parse(args: Vec<OsString>) -> Result<Self, Stop> {
        let (_, rest) = SUBCOMMANDS.choose(args)?;
        let mut m = CHECK.parse(rest)?;
        Ok(Self::Check {
            file: m.next_positional("FILE")?.into(),
        })
    }
}

/// Runs `edgeverify policy …`.
pub fn run(cmd: &PolicyCommand) -> Outcome {
    match cmd {
        PolicyCommand::Check { file } => match config::load(file) {
            Ok(cfg) => {
                println!(
                    "{}: OK: {} rule(s) [{}]; trust root: {}",
                    file.display(),
                    cfg.rules.len(),
                    cfg.rules
                        .iter()
                        .map(|r| r.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                    cfg.root_origin
                );
                if cfg.rules.is_empty() && cfg.images.rules.is_empty() {
                    println!(
                        "  no rules: this policy denies everything (`serve` refuses it without \
                         --allow-empty-policy)"
                    );
                }
                for r in &cfg.rules {
                    let globs: Vec<&str> = r.globs.iter().map(Glob::as_str).collect();
                    let kind = match r.policy {
                        Policy::Slsa(_) => "SLSA provenance",
                        _ => "signature identity",
                    };
                    let mode = match r.mode {
                        Mode::Enforce => "enforce",
                        Mode::Audit => "audit (failures are logged and allowed)",
                    };
                    println!("  rule {:?}: {kind}; {mode}; paths {globs:?}", r.name);
                }
                print_images(&cfg.images);
                // First match wins: a later rule an earlier one covers never decides.
                for w in config::shadowed_globs(&cfg) {
                    eprintln!("edgeverify: warning: {}: {w}", file.display());
                }
                Outcome::Verified
            }
            Err(e) => {
                eprintln!("edgeverify: {e}");
                Outcome::Unusable
            }
        },
    }
}

/// The `[images]` settings and `[[image_rule]]`s, one line each.
fn print_images(images: &config::images::Images) {
    if images.rules.is_empty() && images.store.is_none() {
        return;
    }
    println!(
        "  images: store {}; unmatched images {}; audit log {}",
        images
            .store
            .as_ref()
            .map_or("(none: image rules cannot verify)".into(), |p| p
                .display()
                .to_string()),
        if images.allow_unmatched {
            "allowed"
        } else {
            "denied"
        },
        images
            .audit_log
            .as_ref()
            .map_or("(none)".into(), |p| p.display().to_string()),
    );
    for r in &images.rules {
        let globs: Vec<&str> = r
            .globs
            .iter()
            .map(|g| g.as_str().strip_prefix('/').unwrap_or(g.as_str()))
            .collect();
        let kind = match (&r.policy, r.evidence()) {
            (Policy::Slsa(_), _) => "SLSA provenance".to_string(),
            (_, ImageEvidence::Attestations { predicate_type }) => {
                format!("attestations ({})", predicate_type.unwrap_or("any type"))
            }
            (_, _) => "signatures".to_string(),
        };
        let mode = match r.mode {
            Mode::Enforce => "enforce",
            Mode::Audit => "audit",
        };
        println!(
            "  image rule {:?}: {kind}; {mode}; images {globs:?}",
            r.name
        );
    }
}
