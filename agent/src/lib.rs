//! The `edgeverify` agent as a library: the policy file, the gate that decides whether a
//! program may run, and one module per subcommand. The `edgeverify` binary (`src/main.rs`)
//! only parses the command line and calls [`cmd`].
//!
//! - [`config`]: the gate's policy file (a strict TOML subset, path globs, SLSA and identity
//!   requirements, the trust root and its pin) loaded into a validated [`config::Config`];
//! - `gate`: the decision for one program (rule, evidence lookup, hashing from the open
//!   descriptor, verification), the daemon's verdict cache and the audit log;
//! - [`cmd`]: `verify-bundle`, `verify-artifact`, `verify-image`, `trust-root`, `exec`, `serve`,
//!   `policy`,
//!   each with its own arguments;
//! - `sys`: the few Linux calls std does not expose (the only `unsafe` code of the agent);
//!   `files`: reading files within a size bound; `oci_dir`: an OCI image layout directory as the
//!   core's blob source; `failpoint`: test-only pauses.
//!
//! The public items are what the binary and the fuzz targets use; the rest is crate-private.
//! Linux only, like the agent.

#![cfg_attr(
    test,
    allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::panic
    )
)]

pub mod cmd;
pub mod config;
mod failpoint;
mod files;
mod gate;
mod oci_dir;
mod sys;
