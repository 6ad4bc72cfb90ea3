//! `verify-bundle` on what issue 15 lists as content-decided failures: each is a denial
//! (exit 1, "verification failed"), never "nothing was decided" (exit 2), and the artifact and
//! its `sha256:` digest get the same verdict — the conformance protocol requires both modes to
//! agree. The vectors are scenario directories of `core/tests/data/attacks` and conformance
//! bundles; the core decides the class (`Error::class`), the stage is printed once.

#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

const CONFORMANCE_IDENTITY: &str = "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
const ISSUER: &str = "https://token.actions.githubusercontent.com";
const A_TXT_SHA256: &str =
    "sha256:a0cfc71271d6e278e57cd332ff957c3f7043fdda354c4cbb190a30d56efa01bf";

fn data(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../core/tests/data")
        .join(path)
}

enum Signer<'a> {
    Identity,
    Key(&'a str),
}

/// Runs `verify-bundle` on `bundle` for a.txt, by path and by digest; returns (exit code,
/// stderr) for each.
fn both_modes(bundle: &str, signer: &Signer<'_>) -> [(i32, String); 2] {
    [
        data("sigstore-conformance/a.txt").display().to_string(),
        A_TXT_SHA256.to_string(),
    ]
    .map(|artifact| {
        let mut cmd: Command = common::edgeverify_command();
        cmd.arg("verify-bundle").arg("--bundle").arg(data(bundle));
        match signer {
            Signer::Identity => {
                cmd.args([
                    "--certificate-identity",
                    CONFORMANCE_IDENTITY,
                    "--certificate-oidc-issuer",
                    ISSUER,
                ]);
            }
            Signer::Key(key) => {
                cmd.arg("--key").arg(data(key));
            }
        }
        let out = cmd.arg(artifact).output().unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8(out.stderr).unwrap(),
        )
    })
}

/// Both modes deny with one line naming `stage` once and containing `reason`.
fn denied_alike(bundle: &str, signer: &Signer<'_>, stage: &str, reason: &str) {
    let [by_path, by_digest] = both_modes(bundle, signer);
    for (code, stderr) in [&by_path, &by_digest] {
        assert_eq!(*code, 1, "{bundle}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{bundle}: {stderr}");
        assert!(
            stderr.starts_with(&format!(
                "edgeverify: verification failed: {stage} failed: "
            )),
            "{bundle}: {stderr}"
        );
        assert_eq!(stderr.matches(" failed: ").count(), 2, "{stderr}");
        assert!(stderr.contains(reason), "{bundle}: {stderr}");
    }
}

#[test]
fn a_key_for_a_certificate_bundle_says_what_is_wrong() {
    denied_alike(
        "sigstore-conformance/happy-path-v0.3/bundle.sigstore.json",
        &Signer::Key("sigstore-conformance/managed-key-happy-path/key.pub"),
        "bundle",
        "signed with a certificate, not a self-managed key: verify it with an identity",
    );
    denied_alike(
        "sigstore-conformance/managed-key-happy-path/bundle.sigstore.json",
        &Signer::Identity,
        "bundle",
        "signed with a self-managed key, not a certificate: verify it with that key",
    );
}

#[test]
fn a_certificate_key_with_unused_bits_is_denied() {
    denied_alike(
        "attacks/certificate-key-unused-bits/bundle.sigstore.json",
        &Signer::Identity,
        "bundle",
        "invalid certificate",
    );
}

#[test]
fn a_sha512_message_digest_hint_gets_one_verdict_in_both_modes() {
    denied_alike(
        "attacks/message-digest-hint-sha512/bundle.sigstore.json",
        &Signer::Identity,
        "transparency log",
        "digest algorithm (bundle messageDigest) differs",
    );
}

#[test]
fn a_log_entry_recording_sha512_is_denied_in_both_modes() {
    let [(path_code, path_err), (digest_code, digest_err)] = both_modes(
        "attacks/log-entry-records-sha512/bundle.sigstore.json",
        &Signer::Identity,
    );
    // Given the artifact, the SHA-512 binding holds and the SET fails; given only the SHA-256,
    // the evidence cannot be matched. Both: the bundle said no, at the transparency log.
    assert_eq!((path_code, digest_code), (1, 1), "{path_err}{digest_err}");
    assert!(
        path_err.contains("transparency log failed: signed entry timestamp invalid"),
        "{path_err}"
    );
    assert!(
        digest_err.contains(
            "transparency log failed: the transparency log entry needs the artifact's sha512 \
             digest, which was not given"
        ),
        "{digest_err}"
    );
}

#[test]
fn an_artifact_digest_mismatch_found_by_the_log_is_filed_under_the_log() {
    // Another artifact for a valid bundle: the transparency-log entry, which records the
    // artifact's digest, is what refuses it — and the message says so (not "signature").
    let other = data("sigstore-conformance/happy-path-v0.3/bundle.sigstore.json");
    let zero = format!("sha256:{}", "0".repeat(64));
    for artifact in [other.display().to_string(), zero] {
        let out = common::edgeverify_command()
            .arg("verify-bundle")
            .arg("--bundle")
            .arg(data(
                "sigstore-conformance/happy-path-v0.3/bundle.sigstore.json",
            ))
            .args([
                "--certificate-identity",
                CONFORMANCE_IDENTITY,
                "--certificate-oidc-issuer",
                ISSUER,
            ])
            .arg(artifact)
            .output()
            .unwrap();
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert_eq!(
            stderr.trim_end(),
            "edgeverify: verification failed: transparency log failed: artifact digest does not \
             match the transparency log entry"
        );
    }
}
