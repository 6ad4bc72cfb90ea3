//! Behaviour of the `edgeverify` command line beyond the conformance protocol: exit codes,
//! one-line failures, JSON output, and the README's first command.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

const GENERATOR: &str = "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@refs/tags/v2.1.0";
const GITHUB_ISSUER: &str = "https://token.actions.githubusercontent.com";

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn edgeverify(args: &[&str]) -> Output {
    common::edgeverify_command()
        .current_dir(repo())
        .args(args)
        .output()
        .unwrap()
}

fn sample(args_before_artifact: &[&str], artifact: &str) -> Output {
    let mut args = vec![
        "verify-bundle",
        "--bundle",
        "examples/artifacts/binary-linux-amd64.intoto.jsonl",
    ];
    args.extend_from_slice(args_before_artifact);
    args.push(artifact);
    edgeverify(&args)
}

#[test]
fn readme_first_command_verifies_the_sample_and_names_the_signer() {
    let out = sample(
        &[
            "--certificate-identity",
            GENERATOR,
            "--certificate-oidc-issuer",
            GITHUB_ISSUER,
        ],
        "examples/artifacts/binary-linux-amd64",
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.starts_with("Verified OK: signed by "), "{stdout}");
    assert!(
        stdout.contains(GENERATOR) && stdout.contains("log index 174304204"),
        "{stdout}"
    );
}

#[test]
fn wrong_identity_is_a_denial_with_one_line() {
    let out = sample(
        &[
            "--certificate-identity",
            "https://github.com/evil/repo/.github/workflows/x.yml@refs/heads/main",
            "--certificate-oidc-issuer",
            GITHUB_ISSUER,
        ],
        "examples/artifacts/binary-linux-amd64",
    );
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("identity failed"), "{stderr}");
}

#[test]
fn regex_identity_must_match_the_whole_san() {
    let ok = sample(
        &[
            "--certificate-identity-regexp",
            r"https://github\.com/slsa-framework/slsa-github-generator/.*",
            "--certificate-oidc-issuer",
            GITHUB_ISSUER,
        ],
        "examples/artifacts/binary-linux-amd64",
    );
    assert_eq!(ok.status.code(), Some(0));
    // A prefix that would match unanchored must not match here.
    let partial = sample(
        &[
            "--certificate-identity-regexp",
            r"https://github\.com/slsa-framework/",
            "--certificate-oidc-issuer",
            GITHUB_ISSUER,
        ],
        "examples/artifacts/binary-linux-amd64",
    );
    assert_eq!(partial.status.code(), Some(1));
}

#[test]
fn tampered_artifact_is_rejected() {
    let dir = std::env::temp_dir().join(format!("edgeverify-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut bytes = std::fs::read(repo().join("examples/artifacts/binary-linux-amd64")).unwrap();
    bytes[1000] ^= 1;
    let tampered = dir.join("binary");
    std::fs::write(&tampered, &bytes).unwrap();
    let out = sample(
        &[
            "--certificate-identity",
            GENERATOR,
            "--certificate-oidc-issuer",
            GITHUB_ISSUER,
        ],
        tampered.to_str().unwrap(),
    );
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("in-toto statement subjects"), "{stderr}");
}

#[test]
fn json_output_carries_the_verdict() {
    let out = sample(
        &[
            "--certificate-identity",
            GENERATOR,
            "--certificate-oidc-issuer",
            GITHUB_ISSUER,
            "--json",
        ],
        "examples/artifacts/binary-linux-amd64",
    );
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["verified"], true);
    assert_eq!(v["identity"], GENERATOR);
    assert_eq!(v["issuer"], GITHUB_ISSUER);
    assert_eq!(v["log_index"], 174_304_204);
    assert_eq!(
        v["artifact_sha256"],
        "376e7e01348585b6e6643bc6663146b9d525d9b41228bf180eaeb4d4a3706caa"
    );
}

#[test]
fn usage_and_io_errors_exit_2() {
    // Missing issuer: the issuer must always be checked.
    let out = sample(
        &["--certificate-identity", GENERATOR],
        "examples/artifacts/binary-linux-amd64",
    );
    assert_eq!(out.status.code(), Some(2));
    // Unreadable artifact and bundle.
    let out = sample(
        &[
            "--certificate-identity",
            GENERATOR,
            "--certificate-oidc-issuer",
            GITHUB_ISSUER,
        ],
        "/nonexistent/artifact",
    );
    assert_eq!(out.status.code(), Some(2));
    let out = edgeverify(&[
        "verify-bundle",
        "--bundle",
        "/nonexistent.json",
        "--certificate-identity",
        GENERATOR,
        "--certificate-oidc-issuer",
        GITHUB_ISSUER,
        "sha256:0000000000000000000000000000000000000000000000000000000000000000",
    ]);
    assert_eq!(out.status.code(), Some(2));
    // A broken regular expression is a usage error, not a denial.
    let out = sample(
        &[
            "--certificate-identity-regexp",
            "(",
            "--certificate-oidc-issuer",
            GITHUB_ISSUER,
        ],
        "examples/artifacts/binary-linux-amd64",
    );
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(edgeverify(&["no-such-command"]).status.code(), Some(2));
    assert_eq!(edgeverify(&["--help"]).status.code(), Some(0));
}

/// `trust-root compile` writes the CBOR form; `--trusted-root` takes it (detected by content)
/// and gives the same verdicts; a damaged file is a configuration error (exit 2).
#[test]
fn compiled_cbor_trust_root_is_accepted_wherever_json_is() {
    let dir = std::env::temp_dir().join(format!("edgeverify-cli-cbor-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cbor = dir.join("root.cbor");
    let out = edgeverify(&[
        "trust-root",
        "compile",
        "core/trust/production.trusted_root.json",
        cbor.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("6494e21ea73fa7ee769f85f57d5a3e6a08725eae1e38c755fc3517c9e6bc0b66"),
        "{stdout}"
    );
    let json_len = std::fs::metadata(repo().join("core/trust/production.trusted_root.json"))
        .unwrap()
        .len();
    assert!(std::fs::metadata(&cbor).unwrap().len() < json_len);

    let with_root = |root: &Path, artifact: &str| {
        sample(
            &[
                "--certificate-identity",
                GENERATOR,
                "--certificate-oidc-issuer",
                GITHUB_ISSUER,
                "--trusted-root",
                root.to_str().unwrap(),
            ],
            artifact,
        )
    };
    let ok = with_root(&cbor, "examples/artifacts/binary-linux-amd64");
    assert_eq!(ok.status.code(), Some(0), "{ok:?}");
    let wrong = with_root(&cbor, "examples/artifacts/binary-linux-amd64.intoto.jsonl");
    assert_eq!(wrong.status.code(), Some(1), "{wrong:?}");
    let provenance = edgeverify(&[
        "verify-artifact",
        "--provenance-path",
        "examples/artifacts/binary-linux-amd64.intoto.jsonl",
        "--source-uri",
        "github.com/slsa-framework/example-package",
        "--trusted-root",
        cbor.to_str().unwrap(),
        "examples/artifacts/binary-linux-amd64",
    ]);
    assert_eq!(provenance.status.code(), Some(0), "{provenance:?}");

    let mut damaged = std::fs::read(&cbor).unwrap();
    damaged.truncate(damaged.len() - 1);
    let damaged_path = dir.join("damaged.cbor");
    std::fs::write(&damaged_path, damaged).unwrap();
    let out = with_root(&damaged_path, "examples/artifacts/binary-linux-amd64");
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("trust root"), "{stderr}");

    let bad_input = edgeverify(&[
        "trust-root",
        "compile",
        "examples/artifacts/binary-linux-amd64.intoto.jsonl",
        dir.join("x.cbor").to_str().unwrap(),
    ]);
    assert_eq!(bad_input.status.code(), Some(2), "{bad_input:?}");
    assert!(!dir.join("x.cbor").exists());
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Every subcommand's `--help` (exit 0, stdout) names each of its flags; `help COMMAND` and
/// `COMMAND -h` say the same.
#[test]
fn every_subcommand_help_lists_its_flags() {
    let signer = [
        "--certificate-identity",
        "--certificate-identity-regexp",
        "--certificate-oidc-issuer",
        "--certificate-oidc-issuer-regexp",
        "--key",
    ];
    let source = [
        "--source-tag",
        "--source-branch",
        "--source-versioned-tag",
        "--builder-id",
    ];
    let cases: Vec<(Vec<&str>, Vec<&str>)> = vec![
        (
            vec!["verify-bundle"],
            [
                &["--bundle", "--trusted-root", "--json", "<FILE_OR_DIGEST>"][..],
                &signer,
            ]
            .concat(),
        ),
        (
            vec!["verify-artifact"],
            [
                &[
                    "--provenance-path",
                    "--source-uri",
                    "--trusted-root",
                    "--print-provenance",
                    "--json",
                    "<ARTIFACT>...",
                ][..],
                &source,
            ]
            .concat(),
        ),
        (
            vec!["verify-image"],
            [
                &[
                    "--layout",
                    "--source-uri",
                    "--print-provenance",
                    "--type",
                    "--trusted-root",
                    "--json",
                    "<IMAGE>",
                ][..],
                &source,
                &signer,
            ]
            .concat(),
        ),
        (
            vec!["trust-root", "compile"],
            vec!["<IN.json>", "<OUT.cbor>"],
        ),
        (
            vec!["trust-root", "update"],
            vec![
                "--from",
                "--trusted-root-path",
                "--cbor-path",
                "--state",
                "--tuf-root",
                "--now",
                "--trust-system-clock",
                "--danger-skip-expiry-checks",
            ],
        ),
        (
            vec!["trust-root", "show"],
            vec!["--state", "--json", "[FILE]"],
        ),
        (
            vec!["exec"],
            vec![
                "--policy",
                "--audit-log",
                "--insecure-exec-in-place",
                "<PROGRAM [ARGS]>...",
            ],
        ),
        (
            vec!["serve"],
            vec![
                "--policy",
                "--socket",
                "--socket-mode",
                "--socket-group",
                "--cache-file",
                "--audit-log",
                "--audit-max-bytes",
                "--audit-keep",
                "--client-rate",
                "--allow-empty-policy",
            ],
        ),
        (vec!["check"], vec!["--socket", "--json", "<PATH>..."]),
        (vec!["policy", "check"], vec!["<FILE>"]),
    ];
    for (command, flags) in cases {
        let mut with_help = command.clone();
        with_help.push("--help");
        let out = edgeverify(&with_help);
        assert_eq!(out.status.code(), Some(0), "{with_help:?}");
        let help = String::from_utf8(out.stdout).unwrap();
        for flag in &flags {
            assert!(
                help.contains(flag),
                "{command:?} --help lacks {flag}:\n{help}"
            );
        }
        let mut short = command.clone();
        short.push("-h");
        assert_eq!(edgeverify(&short).stdout, help.as_bytes(), "{short:?}");
        if command.len() == 1 {
            let out = edgeverify(&["help", command[0]]);
            assert_eq!(out.stdout, help.as_bytes(), "help {command:?}");
        }
    }
    // The top level lists every command.
    let top = String::from_utf8(edgeverify(&["--help"]).stdout).unwrap();
    for c in [
        "verify-bundle",
        "verify-artifact",
        "verify-image",
        "trust-root",
        "exec",
        "serve",
        "check",
        "policy",
        "containerd-verifier",
    ] {
        assert!(top.contains(c), "--help lacks {c}:\n{top}");
    }
    let version = String::from_utf8(edgeverify(&["--version"]).stdout).unwrap();
    assert!(version.starts_with("edgeverify "), "{version}");
}

/// Command lines that are wrong exit 2 before anything is read, with a message on stderr that
/// names the argument at fault (and nothing on stdout).
#[test]
fn usage_errors_exit_2_naming_the_argument() {
    let bundle = "examples/artifacts/binary-linux-amd64.intoto.jsonl";
    let artifact = "examples/artifacts/binary-linux-amd64";
    let cases: &[(&[&str], &str)] = &[
        (
            &["verify-bundle", "--bundle", bundle, "--nope", artifact],
            "'--nope'",
        ),
        (
            &[
                "verify-bundle",
                "--bundle",
                bundle,
                "--certificate-identity",
            ],
            "--certificate-identity <ID>",
        ),
        (
            &[
                "verify-bundle",
                "--bundle",
                bundle,
                "--key",
                "k.pem",
                "--certificate-identity",
                "x",
                artifact,
            ],
            "'--key <PEM>' cannot be used with '--certificate-identity <ID>'",
        ),
        (
            &[
                "verify-bundle",
                "--bundle",
                bundle,
                "--certificate-oidc-issuer",
                "x",
                artifact,
            ],
            "--certificate-identity <ID>|--certificate-identity-regexp <REGEX>|--key <PEM>",
        ),
        (
            &["verify-bundle", "--certificate-identity", "x", artifact],
            "--bundle <FILE>",
        ),
        (
            &[
                "verify-bundle",
                "--bundle",
                bundle,
                "--bundle",
                bundle,
                "--key",
                "k",
                artifact,
            ],
            "'--bundle <FILE>' cannot be used multiple times",
        ),
        (
            &[
                "verify-bundle",
                "--bundle",
                bundle,
                "--key",
                "k",
                artifact,
                "extra",
            ],
            "'extra'",
        ),
        (&["verify-bundle", "--json=yes"], "'--json'"),
        (
            &["verify-artifact", "--provenance-path", bundle, artifact],
            "--source-uri <URI>",
        ),
        (
            &[
                "verify-artifact",
                "--provenance-path",
                bundle,
                "--source-uri",
                "u",
            ],
            "<ARTIFACT>",
        ),
        (
            &[
                "verify-artifact",
                "--provenance-path",
                bundle,
                "--source-uri",
                "u",
                "--source-tag",
                "v1",
                "--source-versioned-tag",
                "v1",
                artifact,
            ],
            "'--source-tag <TAG>' cannot be used with '--source-versioned-tag <VERSION>'",
        ),
        (
            &["serve", "--policy", "p", "--socket-mode", "999"],
            "'999' for '--socket-mode <OCTAL>'",
        ),
        (
            &["serve", "--policy", "p", "--audit-keep", "many"],
            "'many' for '--audit-keep <N>'",
        ),
        (&["serve"], "--policy <FILE>"),
        (&["exec", "--policy", "p"], "<PROGRAM [ARGS]>"),
        (&["check"], "<PATH>"),
        (&["trust-root"], "subcommand"),
        (&["trust-root", "compile", "in.json"], "<OUT.cbor>"),
        (
            &[
                "trust-root",
                "update",
                "--from",
                "d",
                "--now",
                "2026-01-01T00:00:00Z",
                "--trust-system-clock",
            ],
            "'--now <RFC3339>' cannot be used with '--trust-system-clock'",
        ),
        (&["policy", "lint"], "'lint'"),
        (&["no-such-command"], "'no-such-command'"),
        (&[], "subcommand"),
    ];
    for (args, says) in cases {
        let out = edgeverify(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains(says),
            "{args:?}: expected {says:?} in\n{stderr}"
        );
        assert!(out.stdout.is_empty(), "{args:?}");
    }
    // exec: what follows the program is the program's, even when it looks like a flag.
    let out = edgeverify(&[
        "exec",
        "--policy",
        "/nonexistent.toml",
        "/bin/true",
        "--policy",
        "-x",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("nonexistent.toml"),
        "the policy is read, not a usage error: {stderr}"
    );
}
