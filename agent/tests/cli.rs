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
