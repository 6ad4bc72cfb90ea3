//! slsa-verifier parity through the built binary: every distinct offline `verify-artifact`
//! invocation of `core/tests/data/slsa-verifier/MANIFEST.tsv` whose artifact ships is run as
//! `edgeverify verify-artifact …` and must give the `oracle_production_mode` verdict — exit 0
//! for `pass`, otherwise exit 1 with slsa-verifier's error name on the failure line. Legacy
//! envelopes (no transparency-log proof inside) must fail closed with an explanation.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs;
use std::path::{Path, PathBuf};

fn vectors() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/tests/data/slsa-verifier")
}

fn manifest() -> Vec<HashMap<String, String>> {
    let text = fs::read_to_string(vectors().join("MANIFEST.tsv")).unwrap();
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

/// The slsa-verifier error name on the failure line, e.g. `ErrorMismatchSource`.
fn error_name(stderr: &str) -> Option<String> {
    let line = stderr.lines().find(|l| l.starts_with("FAILED:"))?;
    let start = line.find("Error")?;
    Some(
        line[start..]
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect(),
    )
}

#[test]
fn every_shipped_offline_row_gives_the_production_verdict_through_the_cli() {
    // Distinct invocations: identical (artifact, provenance, flags) rows run once and must
    // all agree on the expected verdict.
    let mut invocations: BTreeMap<Vec<String>, String> = BTreeMap::new();
    for row in manifest() {
        if row["offline_verifiable"] != "yes"
            || row["artifact_included"] != "yes"
            || row["command"] != "verify-artifact"
        {
            continue;
        }
        let mut args = vec![
            "--provenance-path".to_string(),
            vectors().join(&row["provenance"]).display().to_string(),
        ];
        for (column, flag) in FLAGS {
            if !row[column].is_empty() {
                args.push(flag.to_string());
                args.push(row[column].clone());
            }
        }
        args.push(vectors().join(&row["artifact"]).display().to_string());
        let expected = row["oracle_production_mode"].clone();
        if let Some(previous) = invocations.insert(args, expected.clone()) {
            assert_eq!(previous, expected, "{}: rows disagree", row["case_id"]);
        }
    }
    let mut tally: BTreeMap<String, usize> = BTreeMap::new();
    let mut wrong = Vec::new();
    for (args, expected) in &invocations {
        let out = common::edgeverify_command()
            .arg("verify-artifact")
            .args(args)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        let got = match out.status.code() {
            Some(0) => "pass".to_string(),
            Some(1) => error_name(&stderr).unwrap_or_else(|| format!("no error name: {stderr}")),
            other => format!("exit {other:?}: {stderr}"),
        };
        *tally.entry(got.clone()).or_default() += 1;
        if &got != expected {
            wrong.push(format!("{args:?}: expected {expected}, got {got}"));
        }
    }
    eprintln!("{} distinct invocations: {tally:?}", invocations.len());
    assert!(
        invocations.len() >= 2000,
        "only {} invocations",
        invocations.len()
    );
    assert!(
        wrong.is_empty(),
        "{} wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

#[test]
fn legacy_envelopes_fail_closed_with_an_explanation() {
    let mut files = BTreeSet::new();
    for row in manifest() {
        if row["provenance_format"].starts_with("dsse-legacy") {
            files.insert(row["provenance"].clone());
        }
    }
    assert!(files.len() >= 100, "{} legacy files", files.len());
    let artifact =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/artifacts/binary-linux-amd64");
    for file in &files {
        let out = common::edgeverify_command()
            .args(["verify-artifact", "--provenance-path"])
            .arg(vectors().join(file))
            .args(["--source-uri", "github.com/slsa-framework/example-package"])
            .arg(&artifact)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{file}: {stderr}");
        assert!(
            stderr.contains("cannot be verified offline") && stderr.contains("Sigstore bundle"),
            "{file}: {stderr}"
        );
        assert!(
            out.stdout.is_empty(),
            "{file}: nothing may be reported as verified"
        );
    }
}

#[test]
fn print_provenance_prints_the_verified_statement() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let out = common::edgeverify_command()
        .current_dir(&repo)
        .args([
            "verify-artifact",
            "--provenance-path",
            "examples/artifacts/binary-linux-amd64.intoto.jsonl",
            "--source-uri",
            "github.com/slsa-framework/example-package",
            "--print-provenance",
            "examples/artifacts/binary-linux-amd64",
        ])
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
        statement["subject"][0]["digest"]["sha256"],
        "376e7e01348585b6e6643bc6663146b9d525d9b41228bf180eaeb4d4a3706caa"
    );
}

/// A release: several artifacts against one provenance, in one process. Each gets its own
/// verdict line (JSON), the first that is not a subject stops the run with slsa-verifier's
/// `ErrorMismatchHash` for that artifact, and those before it were reported verified.
#[test]
fn several_artifacts_against_one_provenance() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let dir = std::env::temp_dir().join(format!("ev-release-{}", std::process::id()));
    fs::create_dir_all(&dir).unwrap();
    let binary = fs::read(repo.join("examples/artifacts/binary-linux-amd64")).unwrap();
    let names = ["a1", "a2", "a3", "foreign", "a4"];
    for name in names {
        let mut bytes = binary.clone();
        if name == "foreign" {
            bytes.push(0);
        }
        fs::write(dir.join(name), bytes).unwrap();
    }
    let run = |names: &[&str]| {
        common::edgeverify_command()
            .current_dir(&repo)
            .args([
                "verify-artifact",
                "--json",
                "--provenance-path",
                "examples/artifacts/binary-linux-amd64.intoto.jsonl",
                "--source-uri",
                "github.com/slsa-framework/example-package",
            ])
            .args(names.iter().map(|n| dir.join(n)))
            .output()
            .unwrap()
    };
    let lines = |out: &std::process::Output| -> Vec<serde_json::Value> {
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    };

    let all_good = run(&["a1", "a2", "a3", "a4"]);
    assert_eq!(all_good.status.code(), Some(0), "{all_good:?}");
    let reports = lines(&all_good);
    assert_eq!(reports.len(), 4);
    for (report, name) in reports.iter().zip(["a1", "a2", "a3", "a4"]) {
        assert_eq!(report["verified"], true);
        assert!(report["artifact"].as_str().unwrap().ends_with(name));
        assert_eq!(
            report["sha256"],
            "376e7e01348585b6e6643bc6663146b9d525d9b41228bf180eaeb4d4a3706caa"
        );
        assert_eq!(report["source_uri"], reports[0]["source_uri"]);
    }

    let one_foreign = run(&names);
    assert_eq!(one_foreign.status.code(), Some(1), "{one_foreign:?}");
    let reports = lines(&one_foreign);
    assert_eq!(
        reports.len(),
        4,
        "three verified, then the failure: {reports:?}"
    );
    assert!(reports[..3].iter().all(|r| r["verified"] == true));
    assert_eq!(reports[3]["verified"], false);
    assert!(reports[3]["artifact"]
        .as_str()
        .unwrap()
        .ends_with("foreign"));
    assert_eq!(reports[3]["error"], "ErrorMismatchHash");
    fs::remove_dir_all(&dir).unwrap();
}
