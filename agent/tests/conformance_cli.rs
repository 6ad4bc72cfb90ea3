//! The sigstore-conformance verification cases through the built `edgeverify` binary, exactly
//! as the upstream harness drives a client: arguments in protocol order, the artifact as a
//! path and as `sha256:<hex>`, pass = exit 0.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const DEFAULT_IDENTITY: &str = "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
const DEFAULT_ISSUER: &str = "https://token.actions.githubusercontent.com";

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/tests/data/sigstore-conformance")
}

fn sha256_hex(path: &Path) -> String {
    let out = Command::new("sha256sum").arg(path).output().unwrap();
    String::from_utf8(out.stdout).unwrap()[..64].to_string()
}

fn run_case(dir: &Path, by_digest: bool) -> (i32, String) {
    let mut cmd = common::edgeverify_command();
    cmd.arg("verify-bundle")
        .arg("--bundle")
        .arg(dir.join("bundle.sigstore.json"));
    if dir.join("key.pub").exists() {
        cmd.arg("--key").arg(dir.join("key.pub"));
    } else {
        let read = |f: &str, d: &str| {
            fs::read_to_string(dir.join(f)).map_or(d.to_string(), |s| s.trim().to_string())
        };
        cmd.arg("--certificate-identity")
            .arg(read("identity", DEFAULT_IDENTITY));
        cmd.arg("--certificate-oidc-issuer")
            .arg(read("issuer", DEFAULT_ISSUER));
    }
    if dir.join("trusted_root.json").exists() {
        cmd.arg("--trusted-root").arg(dir.join("trusted_root.json"));
    }
    let artifact = if dir.join("artifact").exists() {
        dir.join("artifact")
    } else {
        data_dir().join("a.txt")
    };
    if by_digest {
        cmd.arg(format!("sha256:{}", sha256_hex(&artifact)));
    } else {
        cmd.arg(&artifact);
    }
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        !stderr.contains("panicked"),
        "{}: panic: {stderr}",
        dir.display()
    );
    (out.status.code().unwrap_or(-1), stderr)
}

fn check_all(by_digest: bool) {
    let mut dirs: Vec<PathBuf> = fs::read_dir(data_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("bundle.sigstore.json").exists())
        .collect();
    dirs.sort();
    assert_eq!(dirs.len(), 70);
    let mut wrong = Vec::new();
    for dir in &dirs {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let (code, stderr) = run_case(dir, by_digest);
        let expect_pass = !name.ends_with("fail");
        if expect_pass && code != 0 {
            wrong.push(format!("{name}: exit {code}, must pass: {stderr}"));
        }
        if !expect_pass && code == 0 {
            wrong.push(format!("{name}: exit 0, must fail"));
        }
        if !expect_pass {
            // One line naming the stage and the reason; never a stack trace.
            assert_eq!(stderr.lines().count(), 1, "{name}: {stderr}");
        }
    }
    assert!(
        wrong.is_empty(),
        "{} case(s) wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

#[test]
fn conformance_cli_path_mode() {
    check_all(false);
}

#[test]
fn conformance_cli_digest_mode() {
    check_all(true);
}
