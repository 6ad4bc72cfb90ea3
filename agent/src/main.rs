//! `edgeverify`: offline Sigstore bundle and SLSA provenance verification for edge devices.
//!
//! Exit codes: 0 verified / allowed, 1 verification failed / denied, 2 usage, I/O or
//! configuration error. Failures print one line naming the stage and the reason.
//!
//! This file only parses the command line; each subcommand is a module of the library's
//! `cmd` (`edgeverify_agent::cmd`).

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use edgeverify_agent::cmd::{
    check, containerd_verifier, exec, policy, serve, trust_root, verify_artifact, verify_bundle,
    verify_image,
};

/// Offline verification of Sigstore bundles and SLSA provenance against a pinned trust root.
#[derive(Parser)]
#[command(
    name = "edgeverify",
    version,
    about,
    long_about = None,
    after_help = "containerd image verifier: `edgeverify containerd-verifier [--policy FILE] \
                  -name REF -digest DIGEST -stdin-media-type TYPE`, or this binary named \
                  `edgeverify-containerd-verifier` (policy /etc/edgeverify/policy.toml); see \
                  README, \"Gating image pulls in containerd\"."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Verify a Sigstore bundle for a file or a `sha256:<hex>` digest (sigstore-conformance
    /// client protocol).
    VerifyBundle(verify_bundle::Args),
    /// Verify artifacts against SLSA provenance (slsa-verifier `verify-artifact` semantics).
    VerifyArtifact(verify_artifact::Args),
    /// Verify a container image from an OCI image layout: cosign signatures or attestations
    /// (identity or key), or SLSA provenance (slsa-verifier `verify-image` semantics).
    VerifyImage(verify_image::Args),
    /// Trust-root tools: `trust-root compile IN.json OUT.cbor` writes the compact CBOR form.
    TrustRoot(trust_root::Args),
    /// Run a program only if its evidence satisfies the policy (executes the verified file
    /// descriptor itself).
    Exec(exec::Args),
    /// Answer "may this program run?" for local processes over a Unix socket.
    Serve(serve::Args),
    /// Ask a running `serve` whether programs may run (exit 0 all allowed, 1 one denied, 2
    /// could not ask).
    Check(check::Args),
    /// Policy files for `exec` and `serve`.
    #[command(subcommand)]
    Policy(policy::PolicyCommand),
}

fn main() -> ExitCode {
    // containerd's image-verifier protocol uses Go-style flags (`-name REF`), which clap does
    // not parse: that mode is selected before clap, by the program's name or the subcommand.
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let program = args
        .first()
        .map(std::path::Path::new)
        .and_then(std::path::Path::file_name);
    if program.is_some_and(|p| p == containerd_verifier::PROGRAM_NAME) {
        let rest = args.get(1..).unwrap_or_default();
        return containerd_verifier::run(rest, Some(containerd_verifier::DEFAULT_POLICY)).into();
    }
    if args.get(1).is_some_and(|a| a == "containerd-verifier") {
        return containerd_verifier::run(args.get(2..).unwrap_or_default(), None).into();
    }
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // --help and --version are successes; everything else is a usage error (2).
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match cli.command {
        Command::VerifyBundle(args) => verify_bundle::run(&args).into(),
        Command::VerifyArtifact(args) => verify_artifact::run(&args).into(),
        Command::VerifyImage(args) => verify_image::run(&args).into(),
        Command::TrustRoot(args) => trust_root::run(&args).into(),
        Command::Exec(args) => exec::run(&args).into(),
        Command::Serve(args) => serve::run(args).into(),
        Command::Check(args) => check::run(&args).into(),
        Command::Policy(cmd) => policy::run(&cmd).into(),
    }
}
