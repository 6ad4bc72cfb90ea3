//! slsa-verifier parity through the whole core pipeline: every offline row of
//! `tests/data/slsa-verifier/MANIFEST.tsv` (real provenance bundles from slsa-verifier's test
//! data) is verified cryptographically *and* against its SLSA policy, and must give the
//! `oracle_production_mode` verdict: `pass`, or slsa-verifier's error name.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::path::{Path, PathBuf};

use edgeverify_core::slsa::{self, SlsaPolicy};
use edgeverify_core::{
    verify, Artifact, Bundle, CertificateIdentity, Digest, Error, HashAlgorithm, Matcher, Policy,
    TrustRoot, VerifiedBundle,
};

fn vectors() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/slsa-verifier")
}

/// MANIFEST.tsv rows as column → value maps.
pub fn manifest() -> Vec<HashMap<String, String>> {
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

fn policy(row: &HashMap<String, String>) -> Result<SlsaPolicy, Error> {
    let mut p = SlsaPolicy::new(&row["source_uri"]).map_err(Error::Provenance)?;
    let set = |k: &str| Some(row[k].as_str()).filter(|v| !v.is_empty());
    if let Some(t) = set("source_tag") {
        p = p.with_source_tag(t).map_err(Error::Provenance)?;
    }
    if let Some(v) = set("source_versioned_tag") {
        p = p.with_source_versioned_tag(v).map_err(Error::Provenance)?;
    }
    if let Some(b) = set("source_branch") {
        p = p.with_source_branch(b).map_err(Error::Provenance)?;
    }
    if let Some(id) = set("builder_id") {
        p = p.with_builder_id(id).map_err(Error::Provenance)?;
    }
    Ok(p)
}

#[test]
fn every_offline_verify_artifact_row_gives_the_production_verdict() {
    let root =
        TrustRoot::from_json(&fs::read(vectors().join("trusted_root.json")).unwrap()).unwrap();
    let mut bundles: HashMap<String, Bundle> = HashMap::new();
    let mut tally: BTreeMap<String, usize> = BTreeMap::new();
    let mut wrong = Vec::new();
    let mut checked = 0;
    // A release: the first verification that passed for each provenance and policy, and every
    // row's verdict, to check `for_another_artifact` against below.
    let mut passed: HashMap<String, VerifiedBundle> = HashMap::new();
    let mut verdicts: Vec<(String, Digest, String)> = Vec::new();
    for row in manifest() {
        if row["offline_verifiable"] != "yes" || row["command"] != "verify-artifact" {
            continue;
        }
        checked += 1;
        let expected = row["oracle_production_mode"].clone();
        let bundle = bundles.entry(row["provenance"].clone()).or_insert_with(|| {
            Bundle::from_json(&fs::read(vectors().join(&row["provenance"])).unwrap()).unwrap()
        });
        let digest_bytes = edgeverify_core_hex(&row["artifact_sha256"]);
        let digest = Digest::new(HashAlgorithm::Sha256, &digest_bytes).unwrap();
        let got = match policy(&row).and_then(|p| {
            verify(
                &root,
                bundle,
                Artifact::Digests(&[digest]),
                &Policy::Slsa(p),
            )
        }) {
            Ok(v) => {
                // What passed is the statement that was verified, for this very artifact.
                assert!(v.provenance().is_some());
                assert_eq!(v.artifact_sha256(), Some(&digest));
                passed.entry(release_key(&row)).or_insert(v);
                "pass".to_string()
            }
            Err(e) => slsa::error_name(&e).to_string(),
        };
        verdicts.push((release_key(&row), digest, got.clone()));
        *tally.entry(got.clone()).or_default() += 1;
        if got != expected {
            wrong.push(format!(
                "{}: expected {expected}, got {got}",
                row["case_id"]
            ));
        }
    }
    eprintln!("{checked} rows: {tally:?}");
    assert!(checked >= 2200, "only {checked} rows");
    // Each row again, from the first verification that passed with the same provenance and
    // policy: only the artifact steps run, and the verdict must be the whole verification's.
    let mut compared = 0;
    for (key, digest, whole) in &verdicts {
        let Some(first) = passed.get(key) else {
            continue;
        };
        compared += 1;
        let again = match first.for_another_artifact(&[*digest]) {
            Ok(v) => {
                assert_eq!(v.artifact_sha256(), Some(digest));
                "pass".to_string()
            }
            Err(e) => slsa::error_name(&e).to_string(),
        };
        if &again != whole {
            wrong.push(format!(
                "{key}: whole verification {whole}, for another artifact {again}"
            ));
        }
    }
    eprintln!("{compared} rows compared with for_another_artifact");
    assert!(compared >= 500, "only {compared} rows compared");
    assert!(
        wrong.is_empty(),
        "{} row(s) wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

/// The six unit bundles of slsa-verifier's gha package have crypto-only expectations
/// (`VerifyProvenanceBundle`): check exactly the cryptographic verdict, with any signer
/// accepted and the artifact taken to be the statement's first subject.
#[test]
fn crypto_only_rows_give_their_verdict() {
    let root = TrustRoot::embedded_production().unwrap();
    let any = || Matcher::regex(".*").unwrap();
    let policy = Policy::Identity(CertificateIdentity::new(any(), any()));
    let mut seen = 0;
    for row in manifest() {
        if !row["command"].starts_with("VerifyProvenanceBundle") {
            continue;
        }
        seen += 1;
        let json = fs::read(vectors().join(&row["provenance"])).unwrap();
        let bundle = Bundle::from_json(&json).unwrap();
        let digest = first_subject_sha256(&json);
        let got = match verify(&root, &bundle, Artifact::Digests(&[digest]), &policy) {
            Ok(_) => "pass".to_string(),
            Err(e) => slsa::error_name(&e).to_string(),
        };
        let expected = row["oracle_production_mode"]
            .split(' ')
            .next()
            .unwrap()
            .to_string();
        assert_eq!(got, expected, "{}", row["case_id"]);
    }
    assert_eq!(seen, 6);
}

/// Rows that share a provenance and a policy: one release.
fn release_key(row: &HashMap<String, String>) -> String {
    [
        "provenance",
        "source_uri",
        "builder_id",
        "source_branch",
        "source_tag",
        "source_versioned_tag",
    ]
    .map(|k| row[k].as_str())
    .join("|")
}

fn first_subject_sha256(bundle_json: &[u8]) -> Digest {
    let v: serde_json::Value = serde_json::from_slice(bundle_json).unwrap();
    let payload = v["dsseEnvelope"]["payload"].as_str().unwrap();
    let statement: serde_json::Value = serde_json::from_slice(&base64_decode(payload)).unwrap();
    let hex = statement["subject"][0]["digest"]["sha256"]
        .as_str()
        .unwrap();
    Digest::new(HashAlgorithm::Sha256, &edgeverify_core_hex(hex)).unwrap()
}

fn edgeverify_core_hex(hex: &str) -> Vec<u8> {
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect()
}

fn base64_decode(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0);
    for c in text.bytes().filter(|c| *c != b'=') {
        acc = (acc << 6) | ALPHABET.iter().position(|a| *a == c).unwrap() as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}
