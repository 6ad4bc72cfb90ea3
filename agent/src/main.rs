//! `edgeverify`: offline Sigstore bundle and SLSA provenance verification for edge devices.
//!
//! Exit codes: 0 verified / allowed, 1 verification failed / denied, 2 usage, I/O or
//! configuration error. Failures print one line naming the stage and the reason.
//!
//! This file only chooses the subcommand; each is a module of the library's `cmd`
//! (`edgeverify_agent::cmd`), which parses its own arguments (`cmd::cli`).

use std::ffi::OsString;
use std::process::ExitCode;

use edgeverify_agent::cmd::cli::{Stop, Subcommands};
use edgeverify_agent::cmd::{
    check, containerd_verifier, exec, policy, serve, trust_root, verify_artifact, verify_bundle,
    verify_image, Outcome,
};

/// The program's commands, for its help and to choose one.
static COMMANDS: Subcommands = Subcommands {
    name: "",
    about: "Offline verification of Sigstore bundles and SLSA provenance against a pinned trust \
            root.",
    list: &[
        ("verify-bundle", verify_bundle::COMMAND.about),
        ("verify-artifact", verify_artifact::COMMAND.about),
        ("verify-image", verify_image::COMMAND.about),
        ("trust-root", trust_root::SUBCOMMANDS.about),
        ("exec", exec::COMMAND.about),
        ("serve", serve::COMMAND.about),
        ("check", check::COMMAND.about),
        ("policy", policy::SUBCOMMANDS.about),
    ],
    after: "containerd image verifier: `edgeverify containerd-verifier [--policy FILE] -name REF \
            -digest DIGEST -stdin-media-type TYPE`, or this binary named \
            `edgeverify-containerd-verifier` (policy /etc/edgeverify/policy.toml); see README, \
            \"Gating image pulls in containerd\".",
};

fn main() -> ExitCode {
    // containerd's image-verifier protocol uses Go-style flags (`-name REF`): that mode is
    // selected first, by the program's name or the subcommand.
    let args: Vec<OsString> = std::env::args_os().collect();
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
    let rest: Vec<OsString> = args.into_iter().skip(1).collect();
    if rest.first().is_some_and(|a| a == "--version" || a == "-V") {
        println!("edgeverify {}", env!("CARGO_PKG_VERSION"));
        return ExitCode::SUCCESS;
    }
    run(rest).unwrap_or_else(Stop::finish).into()
}

/// Parses the chosen command's arguments and runs it; help and usage errors stop before.
fn run(args: Vec<OsString>) -> Result<Outcome, Stop> {
    let (name, rest) = COMMANDS.choose(args)?;
    Ok(match name {
        "verify-bundle" => verify_bundle::run(&verify_bundle::Args::parse(rest)?),
        "verify-artifact" => verify_artifact::run(&verify_artifact::Args::parse(rest)?),
        "verify-image" => verify_image::run(&verify_image::Args::parse(rest)?),
        "trust-root" => trust_root::run(&trust_root::Args::parse(rest)?),
        "exec" => exec::run(&exec::Args::parse(rest)?),
        "serve" => serve::run(serve::Args::parse(rest)?),
        "check" => check::run(&check::Args::parse(rest)?),
        "policy" => policy::run(&policy::PolicyCommand::parse(rest)?),
        // `choose` returns only names in the list; a name added there without a branch here is
        // refused, never run as another command.
        other => return Err(COMMANDS.unknown(other)),
    })
}
