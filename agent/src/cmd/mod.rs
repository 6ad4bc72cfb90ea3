//! One module per subcommand of `edgeverify`, each with its own arguments (`Args`, parsed
//! by clap) and a `run` that does the work and says how it ended ([`Outcome`]).

use std::process::ExitCode;

pub mod containerd_verifier;
pub mod exec;
pub mod flags;
pub mod policy;
pub mod serve;
pub mod trust_root;
pub mod verify_artifact;
pub mod verify_bundle;
pub mod verify_image;

/// How a command ended, mapped to the documented exit codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Verified / allowed.
    Verified,
    /// The evidence or the policy said no.
    Rejected,
    /// Usage, I/O or configuration problem: nothing was decided.
    Unusable,
}

impl From<Outcome> for ExitCode {
    fn from(o: Outcome) -> Self {
        match o {
            Outcome::Verified => Self::SUCCESS,
            Outcome::Rejected => Self::from(1),
            Outcome::Unusable => Self::from(2),
        }
    }
}
