//! slsa-verifier `verify-image` parity: every expectation of `Test_runVerifyGHAArtifactImage`
//! (`tests/data/oci/MANIFEST.tsv`: nine builder versions × every flag combination and builder
//! ID the Go test runs) through `verify_image`, on the real `cosign save` layouts, offline.
//! Each row must give slsa-verifier's verdict — `pass` with the builder ID slsa-verifier
//! reports, or its error name.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::path::{Path, PathBuf};

use edgeverify_core::oci::{parse_digest, BlobSource, LayoutFile, SourceError};
use edgeverify_core::slsa::{self, SlsaPolicy};
use edgeverify_core::{
    verify_image, Digest, Error, EvidenceKind, ImageEvidence, Policy, TrustRoot,
};

/// An OCI image layout on disk (the agent has its own, hardened one).
struct OciDir(PathBuf);

impl BlobSource for OciDir {
    fn read(&mut self, file: LayoutFile<'_>, limit: usize) -> Result<Vec<u8>, SourceError> {
        let bytes = fs::read(self.0.join(file.path())).map_err(|_| SourceError::NotFound)?;
        if bytes.len() > limit {
            return Err(SourceError::TooLarge);
        }
        Ok(bytes)
    }

    fn list_blobs(&mut self, limit: usize) -> Result<Vec<(Digest, u64)>, SourceError> {
        let Ok(dir) = fs::read_dir(self.0.join("blobs/sha256")) else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        for entry in dir.flatten() {
            let name = entry.file_name().to_string_lossy().to_string();
            if let Some(d) = parse_digest(&format!("sha256:{name}")) {
                out.push((
                    d,
                    entry.metadata().map_err(|_| SourceError::Unreadable)?.len(),
                ));
            }
        }
        if out.len() > limit {
            return Err(SourceError::TooLarge);
        }
        Ok(out)
    }
}

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data")
}

fn manifest() -> Vec<HashMap<String, String>> {
    let text = fs::read_to_string(data().join("oci/MANIFEST.tsv")).unwrap();
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
fn every_verify_image_expectation_of_slsa_verifier_holds() {
    let root =
        TrustRoot::from_json(&fs::read(data().join("slsa-verifier/trusted_root.json")).unwrap())
            .unwrap();
    let mut tally: BTreeMap<String, usize> = BTreeMap::new();
    let mut wrong = Vec::new();
    let rows = manifest();
    for row in &rows {
        let digest = parse_digest(&row["image_digest"]).unwrap();
        let mut layout = OciDir(data().join("oci").join(&row["layout"]));
        let got = match policy(row).and_then(|p| {
            verify_image(
                &root,
                &mut layout,
                &digest,
                ImageEvidence::Signatures,
                &Policy::Slsa(p.for_images()),
            )
        }) {
            Ok(v) => {
                assert_eq!(v.digest(), &digest);
                assert_eq!(v.evidence_kind(), EvidenceKind::LegacyAttestation);
                let provenance = v.verified().provenance().unwrap();
                assert_eq!(v.verified().artifact_sha256(), Some(&digest));
                if provenance.builder_id() == row["out_builder_id"] {
                    "pass".to_string()
                } else {
                    format!("pass as {}", provenance.builder_id())
                }
            }
            Err(e) => slsa::error_name(&e).to_string(),
        };
        *tally.entry(got.clone()).or_default() += 1;
        if got != row["expected"] {
            wrong.push(format!(
                "{}: expected {}, got {got}",
                row["case_id"], row["expected"]
            ));
        }
    }
    eprintln!("{} rows: {tally:?}", rows.len());
    // A policy made for artifacts decides nothing about an image.
    let artifact_policy = SlsaPolicy::new("github.com/slsa-framework/example-package").unwrap();
    let e = verify_image(
        &root,
        &mut OciDir(data().join("oci").join(&rows[0]["layout"])),
        &parse_digest(&rows[0]["image_digest"]).unwrap(),
        ImageEvidence::Signatures,
        &Policy::Slsa(artifact_policy),
    )
    .unwrap_err();
    assert_eq!(e.class(), edgeverify_core::ErrorClass::Undecided);
    assert_eq!(
        rows.len(),
        297,
        "nine versions × (8 cases × 4 builder IDs + 1)"
    );
    assert!(
        wrong.is_empty(),
        "{} wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

/// verify-image trusts only the container generator by default: the generic generator's real
/// provenance, which passes verify-artifact, is an untrusted builder for an image, unless
/// `--builder-id` names it.
#[test]
fn image_policies_trust_only_the_container_generator() {
    let root =
        TrustRoot::from_json(&fs::read(data().join("slsa-verifier/trusted_root.json")).unwrap())
            .unwrap();
    let dir =
        data().join("slsa-verifier/slsa-verifier/cli/slsa-verifier/testdata/gha_generic/v2.1.0");
    let bundle = edgeverify_core::Bundle::from_json(
        &fs::read(dir.join("binary-linux-amd64-workflow_dispatch.intoto.jsonl")).unwrap(),
    )
    .unwrap();
    let artifact = fs::read(dir.join("binary-linux-amd64-workflow_dispatch")).unwrap();
    let digest = [edgeverify_core::HashAlgorithm::Sha256.digest(&artifact)];
    let run = |p: SlsaPolicy| {
        edgeverify_core::verify(
            &root,
            &bundle,
            edgeverify_core::Artifact::Digests(&digest),
            &Policy::Slsa(p),
        )
        .map(|_| ())
        .map_err(|e| slsa::error_name(&e))
    };
    let source = "github.com/slsa-framework/example-package";
    let generic = "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml";
    assert_eq!(run(SlsaPolicy::new(source).unwrap()), Ok(()));
    assert_eq!(
        run(SlsaPolicy::new(source).unwrap().for_images()),
        Err("ErrorUntrustedReusableWorkflow")
    );
    assert_eq!(
        run(SlsaPolicy::new(source)
            .unwrap()
            .with_builder_id(generic)
            .unwrap()
            .for_images()),
        Ok(())
    );
}
