//! One directory per attack or scenario under `tests/data/attacks/` (made by `generate.py`
//! from real conformance bundles): each must give exactly its expected verdict — `pass`, or
//! rejection by the named `Error` variant, i.e. at the intended stage and for the intended
//! reason, not merely "some failure".

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::fs;
use std::path::{Path, PathBuf};

use edgeverify_core::{verify, Artifact, Bundle, CertificateIdentity, Error, Policy, TrustRoot};

const DEFAULT_IDENTITY: &str = "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
const DEFAULT_ISSUER: &str = "https://token.actions.githubusercontent.com";

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data")
}

fn run(dir: &Path) -> Result<(), Error> {
    let read = |f: &str, d: &str| {
        fs::read_to_string(dir.join(f)).map_or(d.to_string(), |s| s.trim().to_string())
    };
    let root = match fs::read(dir.join("trusted_root.json")) {
        Ok(json) => TrustRoot::from_json(&json)?,
        Err(_) => TrustRoot::embedded_production()?,
    };
    let policy = Policy::Identity(CertificateIdentity::exact(
        &read("identity", DEFAULT_IDENTITY),
        &read("issuer", DEFAULT_ISSUER),
    )?);
    let bundle = Bundle::from_json(&fs::read(dir.join("bundle.sigstore.json")).unwrap())?;
    let artifact = fs::read(dir.join("artifact"))
        .unwrap_or_else(|_| fs::read(data().join("sigstore-conformance/a.txt")).unwrap());
    verify(&root, &bundle, Artifact::Bytes(&artifact), &policy).map(|_| ())
}

/// The name of the variant that rejected it (the stage wrapper is looked through).
fn variant_name(e: &Error) -> String {
    format!("{:?}", e.cause())
        .split(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap()
        .to_string()
}

#[test]
fn every_attack_gives_its_expected_verdict() {
    let mut dirs: Vec<PathBuf> = fs::read_dir(data().join("attacks"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("expected").exists())
        .collect();
    dirs.sort();
    assert!(
        dirs.len() >= 29,
        "attack directories missing: {}",
        dirs.len()
    );
    let mut wrong = Vec::new();
    for dir in &dirs {
        let name = dir.file_name().unwrap().to_string_lossy();
        let expected = fs::read_to_string(dir.join("expected"))
            .unwrap()
            .trim()
            .to_string();
        let got = match run(dir) {
            Ok(()) => "pass".to_string(),
            Err(e) => {
                eprintln!("{name}: {e}");
                variant_name(&e)
            }
        };
        if got != expected {
            wrong.push(format!("{name}: expected {expected}, got {got}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
