//! `edgeverify policy check FILE`: validate a policy file for `exec` and `serve` and say what
//! it contains.

use std::path::PathBuf;

use edgeverify_core::Policy;

use super::Outcome;
use crate::config::glob::Glob;
use crate::config::{self, Mode};

/// `edgeverify policy` subcommands.
#[derive(clap::Subcommand)]
pub enum PolicyCommand {
    /// Validate a policy file (syntax, globs, regexes, trust root and pin) without running.
    Check {
        /// The policy file (TOML).
        file: PathBuf,
    },
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
                if cfg.rules.is_empty() {
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
