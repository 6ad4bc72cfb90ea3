//! cosign v3 referrers: every sigstore-conformance bundle wrapped as an OCI 1.1 referrer of an
//! "image" whose manifest is the case's artifact, in an OCI image layout built here (the
//! referrer has no `index.json` entry, as in a `cosign save` layout). `verify_image` must give
//! the verdict `verify` gives for the bundle with the artifact's digest — the same error or the
//! same signer — so a referrer is exactly a bundle about the image manifest digest.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use edgeverify_core::oci::{digest_string, parse_digest, BlobSource, LayoutFile, SourceError};
use edgeverify_core::{
    verify, verify_image, Artifact, Bundle, CertificateIdentity, Digest, EvidenceKind,
    HashAlgorithm, ImageEvidence, Policy, PublicKey, TrustRoot,
};

const IDENTITY: &str = "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
const ISSUER: &str = "https://token.actions.githubusercontent.com";
const BUNDLE_V03: &str = "application/vnd.dev.sigstore.bundle.v0.3+json";
const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sigstore-conformance")
}

struct Memory(BTreeMap<String, Vec<u8>>);

impl BlobSource for Memory {
    fn read(&mut self, file: LayoutFile<'_>, limit: usize) -> Result<Vec<u8>, SourceError> {
        let bytes = self.0.get(&file.path()).ok_or(SourceError::NotFound)?;
        if bytes.len() > limit {
            return Err(SourceError::TooLarge);
        }
        Ok(bytes.clone())
    }

    fn list_blobs(&mut self, _limit: usize) -> Result<Vec<(Digest, u64)>, SourceError> {
        Ok(self
            .0
            .iter()
            .filter_map(|(p, b)| {
                let hex = p.strip_prefix("blobs/sha256/")?;
                Some((parse_digest(&format!("sha256:{hex}"))?, b.len() as u64))
            })
            .collect())
    }
}

fn descriptor(media_type: &str, bytes: &[u8]) -> serde_json::Value {
    serde_json::json!({
        "mediaType": media_type,
        "digest": digest_string(&HashAlgorithm::Sha256.digest(bytes)),
        "size": bytes.len(),
    })
}

/// A layout whose image manifest is `image` (listed in `index.json`), with `bundle` attached as
/// a cosign v3 referrer (not listed).
fn layout(image: &[u8], bundle: &[u8]) -> Memory {
    let mut files = BTreeMap::new();
    let mut blob = |bytes: &[u8]| {
        let path = LayoutFile::Blob(&HashAlgorithm::Sha256.digest(bytes)).path();
        files.insert(path, bytes.to_vec());
    };
    blob(image);
    blob(bundle);
    blob(b"{}");
    let referrer = serde_json::to_vec(&serde_json::json!({
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "artifactType": BUNDLE_V03,
        "config": descriptor("application/vnd.oci.empty.v1+json", b"{}"),
        "layers": [descriptor(BUNDLE_V03, bundle)],
        "subject": descriptor(OCI_MANIFEST, image),
    }))
    .unwrap();
    blob(&referrer);
    let index = serde_json::json!({
        "schemaVersion": 2,
        "manifests": [descriptor(OCI_MANIFEST, image)],
    });
    files.insert("index.json".into(), serde_json::to_vec(&index).unwrap());
    files.insert(
        "oci-layout".into(),
        br#"{"imageLayoutVersion":"1.0.0"}"#.to_vec(),
    );
    Memory(files)
}

#[test]
fn every_conformance_bundle_as_a_referrer_gives_the_bundle_verdict() {
    let mut cases: Vec<PathBuf> = fs::read_dir(data())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("bundle.sigstore.json").exists())
        .collect();
    cases.sort();
    assert_eq!(cases.len(), 70);
    let (mut passed, mut rejected) = (0, 0);
    for dir in &cases {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let read = |f: &str, default: &str| {
            fs::read_to_string(dir.join(f)).map_or(default.to_string(), |s| s.trim().to_string())
        };
        let root = match fs::read(dir.join("trusted_root.json")) {
            Ok(json) => match TrustRoot::from_json(&json) {
                Ok(root) => root,
                Err(_) => continue, // an unusable trust root decides nothing either way
            },
            Err(_) => TrustRoot::embedded_production().unwrap(),
        };
        let policy = match fs::read_to_string(dir.join("key.pub")) {
            Ok(pem) => Policy::PublicKey(PublicKey::from_pem(&pem).unwrap()),
            Err(_) => Policy::Identity(
                CertificateIdentity::exact(&read("identity", IDENTITY), &read("issuer", ISSUER))
                    .unwrap(),
            ),
        };
        let image = fs::read(dir.join("artifact"))
            .unwrap_or_else(|_| fs::read(data().join("a.txt")).unwrap());
        let digest = HashAlgorithm::Sha256.digest(&image);
        let bundle_json = fs::read(dir.join("bundle.sigstore.json")).unwrap();
        let evidence = if String::from_utf8_lossy(&bundle_json).contains("dsseEnvelope") {
            ImageEvidence::Attestations {
                predicate_type: None,
            }
        } else {
            ImageEvidence::Signatures
        };
        let as_bundle = Bundle::from_json(&bundle_json)
            .and_then(|b| verify(&root, &b, Artifact::Digests(&[digest]), &policy));
        let as_image = verify_image(
            &root,
            &mut layout(&image, &bundle_json),
            &digest,
            evidence,
            &policy,
        );
        match (&as_bundle, &as_image) {
            (Ok(b), Ok(i)) => {
                assert_eq!(i.evidence_kind(), EvidenceKind::Referrer, "{name}");
                assert_eq!(i.verified().identity(), b.identity(), "{name}");
                assert_eq!(i.verified().log_entries(), b.log_entries(), "{name}");
                assert!(!name.ends_with("fail"), "{name}");
                passed += 1;
            }
            (Err(b), Err(i)) => {
                assert_eq!(b, i, "{name}");
                rejected += 1;
            }
            _ => panic!("{name}: as a bundle {as_bundle:?}, as a referrer {as_image:?}"),
        }
        // The same referrer attached to another image proves nothing about it.
        let other = b"another image manifest";
        let elsewhere = verify_image(
            &root,
            &mut layout(other, &bundle_json),
            &HashAlgorithm::Sha256.digest(other),
            evidence,
            &policy,
        );
        assert!(elsewhere.is_err(), "{name}: verified for another image");
    }
    eprintln!("{passed} verified, {rejected} rejected");
    assert!(passed >= 20 && rejected >= 40, "{passed} / {rejected}");
}
