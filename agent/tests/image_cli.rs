//! `edgeverify verify-image` through the built binary: every expectation of slsa-verifier's
//! `Test_runVerifyGHAArtifactImage` (`core/tests/data/oci/MANIFEST.tsv`) as a command line —
//! exit 0 for `pass` (and the builder ID slsa-verifier reports in `--json`), otherwise exit 1
//! with slsa-verifier's error name — plus the cosign-style identity checks on the same real
//! layouts, and the exit codes of what decides nothing.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::path::{Path, PathBuf};

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/tests/data/oci")
}

fn layout(version: &str) -> PathBuf {
    data().join(format!(
        "slsa-verifier-gha_generic_container/{version}/container_workflow_dispatch"
    ))
}

fn digest(version: &str) -> String {
    fs::read_to_string(data().join(format!(
        "slsa-verifier-gha_generic_container/{version}/container_workflow_dispatch.digest"
    )))
    .unwrap()
    .trim()
    .to_string()
}

fn manifest() -> Vec<HashMap<String, String>> {
    let text = fs::read_to_string(data().join("MANIFEST.tsv")).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    lines
        .map(|l| {
            header
                .iter()
                .zip(l.split('\t').chain(std::iter::repeat("")))
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

const FLAGS: [(&str, &str); 5] = [
    ("source_uri", "--source-uri"),
    ("source_tag", "--source-tag"),
    ("source_branch", "--source-branch"),
    ("source_versioned_tag", "--source-versioned-tag"),
    ("builder_id", "--builder-id"),
];

#[test]
fn every_slsa_verifier_verify_image_expectation_through_the_cli() {
    let mut tally: BTreeMap<String, usize> = BTreeMap::new();
    let mut wrong = Vec::new();
    let rows = manifest();
    for row in &rows {
        let mut cmd = common::edgeverify_command();
        cmd.arg("verify-image")
            .arg("--json")
            .arg("--layout")
            .arg(data().join(&row["layout"]));
        for (column, flag) in FLAGS {
            if !row[column].is_empty() {
                cmd.args([flag, &row[column]]);
            }
        }
        // As slsa-verifier is called: IMAGE@sha256:DIGEST.
        cmd.arg(format!(
            "ghcr.io/slsa-framework/example-package.verifier-e2e.all.tag.main.default.slsa3@{}",
            row["image_digest"]
        ));
        let out = cmd.output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        let json: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap_or_default();
        let got = match out.status.code() {
            Some(0) if json["builder_id"] == row["out_builder_id"].as_str() => "pass".to_string(),
            Some(0) => format!("pass as {}", json["builder_id"]),
            Some(1) => {
                let line = stderr
                    .lines()
                    .find(|l| l.starts_with("FAILED:"))
                    .unwrap_or("");
                let named = json["error"]
                    .as_str()
                    .unwrap_or("no error in JSON")
                    .to_string();
                if line.contains(&named) {
                    named
                } else {
                    format!("{named} but stderr {line:?}")
                }
            }
            other => format!("exit {other:?}: {stderr}"),
        };
        *tally.entry(got.clone()).or_default() += 1;
        if got != row["expected"] {
            wrong.push(format!(
                "{}: expected {}, got {got}",
                row["case_id"], row["expected"]
            ));
        }
    }
    eprintln!("{} invocations: {tally:?}", rows.len());
    assert_eq!(rows.len(), 297);
    assert!(
        wrong.is_empty(),
        "{} wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

const GENERATOR: &str = "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_container_slsa3.yml";

#[test]
fn identity_checks_on_the_real_attestations() {
    for version in ["v1.4.0", "v1.10.0", "v2.1.0"] {
        let identity = format!("{GENERATOR}@refs/tags/{version}");
        let run = |extra: &[&str]| {
            common::edgeverify_command()
                .arg("verify-image")
                .arg("--layout")
                .arg(layout(version))
                .args(extra)
                .output()
                .unwrap()
        };
        // cosign verify-attestation --type slsaprovenance.
        let image = format!("ghcr.io/o/r@{}", digest(version));
        let ok = run(&[
            "--certificate-identity",
            &identity,
            "--certificate-oidc-issuer",
            common::ISSUER,
            "--type",
            "slsaprovenance",
            &image,
        ]);
        assert_eq!(
            ok.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&ok.stderr)
        );
        let line = String::from_utf8_lossy(&ok.stdout);
        assert!(
            line.contains(&digest(version)) && line.contains("legacy-attestation"),
            "{line}"
        );
        // The regexp forms, with the image given by digest alone.
        let re = run(&[
            "--certificate-identity-regexp",
            "^https://github\\.com/slsa-framework/slsa-github-generator/.*$",
            "--certificate-oidc-issuer-regexp",
            "^https://token\\.actions\\.githubusercontent\\.com$",
            "--type",
            "any",
            &digest(version),
        ]);
        assert_eq!(
            re.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&re.stderr)
        );
        // Another identity: denied.
        let other = run(&[
            "--certificate-identity",
            &format!("{GENERATOR}@refs/tags/v9.9.9"),
            "--certificate-oidc-issuer",
            common::ISSUER,
            "--type",
            "slsaprovenance",
            &image,
        ]);
        assert_eq!(other.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&other.stderr).contains("identity failed"));
        // Another predicate type, or signatures (the layouts hold none): no evidence, denied.
        for extra in [&["--type", "slsaprovenance1"][..], &[]] {
            let mut args = vec![
                "--certificate-identity",
                identity.as_str(),
                "--certificate-oidc-issuer",
                common::ISSUER,
                image.as_str(),
            ];
            args.extend_from_slice(extra);
            let none = run(&args);
            assert_eq!(none.status.code(), Some(1));
            assert!(
                String::from_utf8_lossy(&none.stderr).contains("no signature or attestation"),
                "{}",
                String::from_utf8_lossy(&none.stderr)
            );
        }
        // The attestation is about this image only.
        let elsewhere = run(&[
            "--certificate-identity",
            &identity,
            "--certificate-oidc-issuer",
            common::ISSUER,
            "--type",
            "slsaprovenance",
            &digest(if version == "v2.1.0" {
                "v1.4.0"
            } else {
                "v2.1.0"
            }),
        ]);
        assert_eq!(elsewhere.status.code(), Some(1));
        assert!(
            String::from_utf8_lossy(&elsewhere.stderr).contains("in-toto statement subjects"),
            "{}",
            String::from_utf8_lossy(&elsewhere.stderr)
        );
    }
}

#[test]
fn print_provenance_prints_the_statement_about_the_image() {
    let out = common::edgeverify_command()
        .arg("verify-image")
        .arg("--layout")
        .arg(layout("v1.10.0"))
        .args(["--source-uri", common::SOURCE, "--print-provenance"])
        .arg(digest("v1.10.0"))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let statement: serde_json::Value =
        serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
    assert_eq!(
        statement["predicateType"],
        "https://slsa.dev/provenance/v0.2"
    );
    assert_eq!(
        format!(
            "sha256:{}",
            statement["subject"][0]["digest"]["sha256"]
                .as_str()
                .unwrap()
        ),
        digest("v1.10.0")
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("PASSED: SLSA verification passed"));
}

#[test]
fn what_decides_nothing_exits_2() {
    let dir = common::TempDir::new("not-a-layout");
    let run = |args: &[String]| {
        let out = common::edgeverify_command()
            .arg("verify-image")
            .args(args)
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).to_string(),
        )
    };
    let not_layout = dir.0.display().to_string();
    let real = layout("v2.1.0").display().to_string();
    let image = digest("v2.1.0");
    let slsa = ["--layout", &real, "--source-uri", common::SOURCE];
    let signer = [
        "--layout",
        &real,
        "--certificate-identity",
        "a",
        "--certificate-oidc-issuer",
        "b",
    ];
    let with = |base: &[&str], extra: &[&str]| -> Vec<String> {
        base.iter().chain(extra).map(|s| s.to_string()).collect()
    };
    for (args, says) in [
        // Not an OCI image layout.
        (
            with(
                &["--layout", &not_layout, "--source-uri", common::SOURCE],
                &[&image],
            ),
            "oci-layout",
        ),
        // A tag is mutable: the image must be named by digest.
        (with(&slsa, &["ghcr.io/o/r:v1"]), "by digest"),
        // An unusable SLSA flag.
        (
            with(&slsa, &["--source-versioned-tag", "x.y", &image]),
            "ErrorInvalidSemver",
        ),
        // An unknown predicate type name.
        (with(&signer, &["--type", "sbom", &image]), "--type"),
        // SLSA and signer flags together.
        (
            with(&slsa, &["--certificate-identity", "a", &image]),
            "cannot be used with",
        ),
        // Neither.
        (with(&["--layout", &real], &[&image]), "required"),
        // No image.
        (with(&slsa, &[]), "IMAGE"),
    ] {
        let (code, stderr) = run(&args);
        assert_eq!(code, Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(says), "{args:?}: {stderr}");
    }
}
