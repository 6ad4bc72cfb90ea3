//! Issue 12 through the built `edgeverify verify-bundle`: every interoperability case (real
//! bundles from other Sigstore clients under `core/tests/data/interop/`, test-instance
//! scenarios under `core/tests/data/testinstance/`) by path and by each digest form, with
//! sigstore-go's verdict as exit 0 / 1 except the deliberate differences of
//! `core/tests/data/interop/DIFFERENCES.tsv`; and the digest argument's own rules.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;
#[path = "../../core/tests/interop_cases/mod.rs"]
mod interop_cases;

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{stderr, stdout, TempDir};
use interop_cases::Case;
use serde_json::Value;

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/tests/data")
}

fn cases() -> Vec<Case> {
    interop_cases::cases(&data(), &["interop", "testinstance"])
}

fn sha(alg: &str, path: &Path) -> String {
    let out = Command::new(format!("{alg}sum"))
        .arg(path)
        .output()
        .unwrap();
    String::from_utf8(out.stdout)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_string()
}

/// `sha512:<hex>` for the artifact, from the file or from `artifact.digests`.
fn digest_arg(case: &Case, alg: &str) -> String {
    if case.has_artifact() {
        return format!("{alg}:{}", sha(alg, &case.dir.join("artifact")));
    }
    case.listed_digest(alg)
        .unwrap_or_else(|| panic!("{}: no {alg} digest", case.name))
}

fn run(case: &Case, input: &str, json: bool) -> Output {
    let mut cmd = common::edgeverify_command();
    cmd.arg("verify-bundle")
        .arg("--bundle")
        .arg(case.dir.join("bundle.sigstore.json"));
    match case.read("key.pub") {
        Some(_) => {
            cmd.arg("--key").arg(case.dir.join("key.pub"));
        }
        None => {
            cmd.arg("--certificate-identity")
                .arg(case.read("identity").unwrap())
                .arg("--certificate-oidc-issuer")
                .arg(case.read("issuer").unwrap());
        }
    }
    if case.dir.join("trusted_root.json").exists() {
        cmd.arg("--trusted-root")
            .arg(case.dir.join("trusted_root.json"));
    }
    if json {
        cmd.arg("--json");
    }
    if input == "file" {
        cmd.arg(case.dir.join("artifact"));
    } else {
        cmd.arg(digest_arg(case, input));
    }
    cmd.output().unwrap()
}

#[test]
fn every_case_gets_sigstore_go_verdict_by_path_and_by_digest() {
    let cases = cases();
    assert!(cases.len() >= 60, "only {} cases", cases.len());
    let mut found = BTreeSet::new();
    for case in &cases {
        for (input, go) in case.inputs() {
            let out = run(case, &input, false);
            let ours = match out.status.code() {
                Some(0) => true,
                // A denial: one line on stderr saying why.
                Some(1) => {
                    assert_eq!(stderr(&out).lines().count(), 1, "{}", stderr(&out));
                    false
                }
                // A trust root that cannot be loaded decides nothing (sigstore-go fails to
                // load it too): not verified.
                Some(2) if stderr(&out).contains("trust root failed") => false,
                other => panic!(
                    "{} {input}: exit {other:?}, not a verdict: {}",
                    case.name,
                    stderr(&out)
                ),
            };
            if ours != go {
                found.insert((case.name.clone(), input, ours));
            }
        }
    }
    let known = interop_cases::differences(&data());
    let unexpected: Vec<_> = found.difference(&known).collect();
    let stale: Vec<_> = known.difference(&found).collect();
    assert!(
        unexpected.is_empty() && stale.is_empty(),
        "CLI vs sigstore-go\n  not in DIFFERENCES.tsv: {unexpected:?}\n  no longer differ: {stale:?}"
    );
}

fn case(name: &str) -> Case {
    cases()
        .into_iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no case {name}"))
}

/// Item 1: an npm-style statement names the artifact by SHA-512 only. By path the file is
/// hashed with what the evidence needs; `--json` says which digest matched.
#[test]
fn json_reports_the_digest_that_matched() {
    let npm = case("testinstance/dsse-sha512-only-subject");
    for input in ["file", "sha512"] {
        let out = run(&npm, input, true);
        assert_eq!(out.status.code(), Some(0), "{input}: {}", stderr(&out));
        let v: Value = serde_json::from_str(stdout(&out).trim()).unwrap();
        assert_eq!(v["verified"], true);
        assert_eq!(v["matched_digest"], digest_arg(&npm, "sha512"), "{input}");
    }
    let p384 = case("testinstance/v0.3-hashedrekord-p384");
    let out = run(&p384, "file", true);
    let v: Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(v["matched_digest"], digest_arg(&p384, "sha384"));
    assert_eq!(
        v["artifact_sha256"].as_str().unwrap(),
        &digest_arg(&p384, "sha256")["sha256:".len()..]
    );
}

fn verify_with(args_artifact: &str, cwd: Option<&Path>) -> Output {
    let npm = case("testinstance/dsse-sha512-only-subject");
    let mut cmd = common::edgeverify_command();
    cmd.arg("verify-bundle")
        .arg("--bundle")
        .arg(npm.dir.join("bundle.sigstore.json"))
        .arg("--certificate-identity")
        .arg(npm.read("identity").unwrap())
        .arg("--certificate-oidc-issuer")
        .arg(npm.read("issuer").unwrap())
        .arg("--trusted-root")
        .arg(npm.dir.join("trusted_root.json"))
        .arg(args_artifact);
    if let Some(dir) = cwd {
        cmd.current_dir(dir);
    }
    cmd.output().unwrap()
}

/// A malformed digest is a usage error (exit 2) that says what is wrong with it, never "cannot
/// read file".
#[test]
fn malformed_digests_are_usage_errors_that_say_so() {
    let sha512 = digest_arg(&case("testinstance/dsse-sha512-only-subject"), "sha512");
    for (arg, says) in [
        (
            "sha256:abc".to_string(),
            "sha256 needs 64 hex digits, got 3",
        ),
        (
            sha512[..sha512.len() - 1].to_string(),
            "sha512 needs 128 hex digits, got 127",
        ),
        (format!("{sha512}0"), "needs 128 hex digits, got 129"),
        (format!("sha384:{}", "z".repeat(96)), "not hexadecimal"),
        (
            "md5:d41d8cd98f00b204e9800998ecf8427e".to_string(),
            "unknown algorithm \"md5\"",
        ),
    ] {
        let out = verify_with(&arg, None);
        assert_eq!(out.status.code(), Some(2), "{arg}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(err.contains(says), "{arg}: {err}");
        assert!(!err.contains("cannot read"), "{arg}: {err}");
        assert_eq!(err.lines().count(), 1, "{err}");
    }
    // The right digest of another algorithm than the statement's: a denial, not a usage error.
    let sha256 = digest_arg(&case("testinstance/dsse-sha512-only-subject"), "sha256");
    assert_eq!(verify_with(&sha256, None).status.code(), Some(1));
    assert_eq!(verify_with(&sha512, None).status.code(), Some(0));
}

/// The conformance protocol's rule stays: a file named like a digest is a file.
#[test]
fn an_existing_file_named_like_a_digest_is_a_file() {
    let npm = case("testinstance/dsse-sha512-only-subject");
    let dir = TempDir::new("digest-named-file");
    let name = digest_arg(&npm, "sha512");
    fs::copy(npm.dir.join("artifact"), dir.path().join(&name)).unwrap();
    assert_eq!(verify_with(&name, Some(dir.path())).status.code(), Some(0));
    // Same name, other content: it is the file that is judged (a denial), not the name.
    fs::write(dir.path().join(&name), b"other content").unwrap();
    assert_eq!(verify_with(&name, Some(dir.path())).status.code(), Some(1));
}
