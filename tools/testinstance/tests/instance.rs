//! The instance itself: determinism, the shape of its bundles next to real ones, the CLI's
//! scenario directories, and the Merkle log growing across signatures.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use edgeverify_testinstance::catalog::{self, DEFAULT_SEED};
use edgeverify_testinstance::{files, Artifact, Instance, Spec};
use serde_json::Value;

fn conformance(case: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../core/tests/data/sigstore-conformance")
        .join(case)
        .join("bundle.sigstore.json");
    serde_json::from_slice(&fs::read(&path).unwrap()).unwrap()
}

/// Every JSON path in `v` (array indices collapsed), the shape without the values.
fn shape(v: &Value, prefix: &str, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                let p = format!("{prefix}/{k}");
                out.insert(p.clone());
                shape(child, &p, out);
            }
        }
        Value::Array(items) => {
            for item in items {
                shape(item, &format!("{prefix}/*"), out);
            }
        }
        _ => {}
    }
}

fn paths(v: &Value) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    shape(v, "", &mut out);
    out
}

#[test]
fn same_seed_same_bytes_other_seed_other_bytes() {
    for name in [
        "v0.3-dsse",
        "rekor2-hashedrekord",
        "two-timestamps-second-bad-signature",
    ] {
        let s = catalog::find(name).unwrap();
        let a = s.generate_default("seed-a").unwrap();
        let b = s.generate_default("seed-a").unwrap();
        let c = s.generate_default("seed-b").unwrap();
        assert_eq!(a.bundle_json().unwrap(), b.bundle_json().unwrap(), "{name}");
        assert_eq!(
            a.trusted_root_json().unwrap(),
            b.trusted_root_json().unwrap()
        );
        assert_ne!(a.bundle_json().unwrap(), c.bundle_json().unwrap());
        assert_ne!(
            a.trusted_root_json().unwrap(),
            c.trusted_root_json().unwrap()
        );
    }
}

#[test]
fn bundles_have_the_shape_of_real_ones() {
    // Same fields as real public-good / staging bundles of the same kind, nothing more or less.
    let cases = [
        ("v0.3-hashedrekord", "happy-path-v0.3"),
        ("rekor2-hashedrekord", "rekor2-happy-path"),
        ("v0.3-dsse", "happy-path-intoto-in-dsse-v3"),
    ];
    for (ours, theirs) in cases {
        let mut ours_paths = paths(
            &catalog::find(ours)
                .unwrap()
                .generate_default(DEFAULT_SEED)
                .unwrap()
                .bundle,
        );
        let mut theirs_paths = paths(&conformance(theirs));
        // Real v0.3 bundles from sigstore-go carry an empty timestampVerificationData; ours
        // omit it when there is no timestamp (both are valid proto3 JSON).
        for p in [&mut ours_paths, &mut theirs_paths] {
            p.remove("/verificationMaterial/timestampVerificationData");
        }
        assert_eq!(ours_paths, theirs_paths, "{ours} vs {theirs}");
    }
    // Entry bodies too.
    let body = |v: &Value| -> Value {
        let b64 = v["verificationMaterial"]["tlogEntries"][0]["canonicalizedBody"]
            .as_str()
            .unwrap();
        use base64::Engine as _;
        serde_json::from_slice(
            &base64::engine::general_purpose::STANDARD
                .decode(b64)
                .unwrap(),
        )
        .unwrap()
    };
    for (ours, theirs) in [
        ("v0.3-hashedrekord", "happy-path-v0.3"),
        ("rekor2-hashedrekord", "rekor2-happy-path"),
        ("v0.3-dsse", "happy-path-intoto-in-dsse-v3"),
        ("v0.2-intoto", "intoto-with-custom-trust-root"),
        ("rekor2-dsse", "rekor2-dsse-happy-path"),
    ] {
        let o = body(
            &catalog::find(ours)
                .unwrap()
                .generate_default(DEFAULT_SEED)
                .unwrap()
                .bundle,
        );
        let t = body(&conformance(theirs));
        assert_eq!(paths(&o), paths(&t), "{ours} body vs {theirs}");
    }
}

#[test]
fn the_logs_keep_every_entry() {
    // One instance, several signatures: indices grow, each proof is against the tree as it
    // stood, and later bundles prove larger trees.
    let mut instance = Instance::new("growing").unwrap();
    let mut last: Option<(u64, u64)> = None;
    for i in 0..5 {
        let out = instance
            .sign(
                &Spec::hashedrekord(),
                Artifact::bytes("a", format!("artifact {i}")),
            )
            .unwrap();
        let entry = &out.bundle["verificationMaterial"]["tlogEntries"][0];
        let index: u64 = entry["logIndex"].as_str().unwrap().parse().unwrap();
        let size: u64 = entry["inclusionProof"]["treeSize"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        let shard_index: u64 = entry["inclusionProof"]["logIndex"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        // Sharded like public-good Rekor: the global index is not the index in the tree.
        assert_ne!(index, shard_index);
        assert_eq!(size, shard_index + 1);
        if let Some((prev_index, prev_size)) = last {
            assert_eq!(index, prev_index + 1);
            assert_eq!(size, prev_size + 1);
        }
        last = Some((index, size));
    }
}

fn cli() -> Command {
    Command::new(env!("CARGO_BIN_EXE_edgeverify-testinstance"))
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "edgeverify-testinstance-{}-{name}",
        std::process::id()
    ));
    let _ = fs::remove_dir_all(&dir);
    dir
}

#[test]
fn cli_writes_a_reproducible_scenario_directory() {
    let a = temp_dir("cli-a");
    let b = temp_dir("cli-b");
    for dir in [&a, &b] {
        let status = cli()
            .args(["gen", "--scenario", "managed-key", "--out"])
            .arg(dir)
            .status()
            .unwrap();
        assert!(status.success());
    }
    for file in [
        files::BUNDLE,
        files::TRUSTED_ROOT,
        files::ARTIFACT,
        files::DIGESTS,
        files::KEY,
        files::EXPECTATION,
        files::README,
    ] {
        let x = fs::read(a.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(
            x,
            fs::read(b.join(file)).unwrap(),
            "{file} differs between runs"
        );
    }
    // The library writes the same bytes.
    let lib = catalog::find("managed-key")
        .unwrap()
        .generate_default(DEFAULT_SEED)
        .unwrap();
    assert_eq!(
        fs::read_to_string(a.join(files::BUNDLE)).unwrap(),
        lib.bundle_json().unwrap()
    );
    let expectation: Value =
        serde_json::from_slice(&fs::read(a.join(files::EXPECTATION)).unwrap()).unwrap();
    assert_eq!(expectation["sigstore_go"]["verdict"], "verified");
    assert_eq!(expectation["key"], files::KEY);
    for dir in [a, b] {
        fs::remove_dir_all(dir).unwrap();
    }
}

#[test]
fn cli_generates_and_signs_a_sized_artifact_in_one_pass() {
    let dir = temp_dir("sized");
    let status = cli()
        .args([
            "gen",
            "--scenario",
            "dsse-sha512-only-subject",
            "--artifact-size",
            "3M",
            "--out",
        ])
        .arg(&dir)
        .status()
        .unwrap();
    assert!(status.success());
    let artifact = fs::read(dir.join(files::ARTIFACT)).unwrap();
    assert_eq!(artifact.len(), 3 << 20);
    let digests = fs::read_to_string(dir.join(files::DIGESTS)).unwrap();
    let sha512 = edgeverify_testinstance::HashAlg::Sha512.digest(&artifact);
    let hex: String = sha512.iter().map(|b| format!("{b:02x}")).collect();
    assert!(digests.contains(&format!("sha512:{hex}")), "{digests}");
    // The statement's only subject is that digest.
    let bundle: Value =
        serde_json::from_slice(&fs::read(dir.join(files::BUNDLE)).unwrap()).unwrap();
    use base64::Engine as _;
    let statement: Value = serde_json::from_slice(
        &base64::engine::general_purpose::STANDARD
            .decode(bundle["dsseEnvelope"]["payload"].as_str().unwrap())
            .unwrap(),
    )
    .unwrap();
    assert_eq!(statement["subject"][0]["digest"]["sha512"], hex.as_str());
    assert!(statement["subject"][0]["digest"].get("sha256").is_none());
    fs::remove_dir_all(dir).unwrap();
}

#[test]
fn cli_lists_every_scenario_and_refuses_unknown_ones() {
    let out = cli().arg("list").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for s in catalog::all() {
        assert!(text.contains(s.name), "{} missing from list", s.name);
    }
    let dir = temp_dir("unknown");
    let status = cli()
        .args(["gen", "--scenario", "no-such-scenario", "--out"])
        .arg(&dir)
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(2));
}

#[test]
fn scenario_names_are_unique_and_every_one_states_a_verdict() {
    let all = catalog::all();
    let names: BTreeSet<&str> = all.iter().map(|s| s.name).collect();
    assert_eq!(names.len(), all.len());
    for s in &all {
        let e = s.expectation().unwrap();
        assert!(!e.sigstore_go.is_empty(), "{}", s.name);
        assert!(!e.reason.is_empty(), "{}", s.name);
    }
}
