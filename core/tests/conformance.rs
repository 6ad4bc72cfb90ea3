//! Every sigstore-conformance bundle-verification case through the library, with the artifact
//! as bytes and as a SHA-256 digest. The expected verdict comes from the directory name
//! (`_fail` suffix = must be rejected), exactly as the upstream harness decides it.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::fs;
use std::path::{Path, PathBuf};

use edgeverify_core::{
    verify, Artifact, Bundle, CertificateIdentity, Error, HashAlgorithm, Policy, PublicKey,
    TrustRoot, VerifiedBundle,
};

const DEFAULT_IDENTITY: &str = "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
const DEFAULT_ISSUER: &str = "https://token.actions.githubusercontent.com";

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sigstore-conformance")
}

/// One case, read the way the harness reads it.
struct Case {
    name: String,
    dir: PathBuf,
}

impl Case {
    fn all() -> Vec<Self> {
        let mut cases: Vec<Self> = fs::read_dir(data_dir())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.join("bundle.sigstore.json").exists())
            .map(|dir| Self {
                name: dir.file_name().unwrap().to_string_lossy().into_owned(),
                dir,
            })
            .collect();
        cases.sort_by(|a, b| a.name.cmp(&b.name));
        cases
    }

    fn expect_pass(&self) -> bool {
        !self.name.ends_with("fail")
    }

    fn read_or(&self, file: &str, default: &str) -> String {
        fs::read_to_string(self.dir.join(file))
            .map(|s| s.trim().to_string())
            .unwrap_or_else(|_| default.to_string())
    }

    fn artifact(&self) -> Vec<u8> {
        let own = self.dir.join("artifact");
        fs::read(if own.exists() {
            own
        } else {
            data_dir().join("a.txt")
        })
        .unwrap()
    }

    /// The case's trust root as JSON (its own, or the embedded production one).
    fn trust_root(&self) -> Result<TrustRoot, Error> {
        match fs::read(self.dir.join("trusted_root.json")) {
            Ok(json) => TrustRoot::from_json(&json),
            Err(_) => TrustRoot::embedded_production(),
        }
    }

    /// Runs the case; `by_digest` passes the artifact's SHA-256 instead of its bytes.
    fn run(&self, by_digest: bool) -> Result<(), Error> {
        self.run_with(&self.trust_root()?, by_digest).map(|_| ())
    }

    fn run_with(&self, root: &TrustRoot, by_digest: bool) -> Result<VerifiedBundle, Error> {
        let policy = match fs::read_to_string(self.dir.join("key.pub")) {
            Ok(pem) => Policy::PublicKey(PublicKey::from_pem(&pem)?),
            Err(_) => Policy::Identity(CertificateIdentity::exact(
                &self.read_or("identity", DEFAULT_IDENTITY),
                &self.read_or("issuer", DEFAULT_ISSUER),
            )?),
        };
        let bundle = Bundle::from_json(&fs::read(self.dir.join("bundle.sigstore.json")).unwrap())?;
        let artifact = self.artifact();
        if by_digest {
            let digest = HashAlgorithm::Sha256.digest(&artifact);
            verify(root, &bundle, Artifact::Digests(&[digest]), &policy)
        } else {
            verify(root, &bundle, Artifact::Bytes(&artifact), &policy)
        }
    }
}

fn check_all(by_digest: bool) {
    let cases = Case::all();
    assert_eq!(cases.len(), 70, "the conformance suite has 70 cases");
    let mut wrong = Vec::new();
    for case in &cases {
        let result = case.run(by_digest);
        let mode = if by_digest { "digest" } else { "bytes" };
        match (&result, case.expect_pass()) {
            (Ok(()), true) => {}
            (Err(e), false) => eprintln!("ok   {mode} {}: rejected: {e}", case.name),
            (Ok(()), false) => wrong.push(format!("{}: accepted, must be rejected", case.name)),
            (Err(e), true) => wrong.push(format!("{}: rejected ({e}), must pass", case.name)),
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
fn conformance_with_artifact_bytes() {
    check_all(false);
}

#[test]
fn conformance_with_artifact_digest() {
    check_all(true);
}

/// The compact CBOR trust root gives the same verdict as the JSON it was compiled from, on
/// every case, in both artifact modes (same error, or same verified facts).
#[test]
fn conformance_json_and_cbor_trust_roots_agree() {
    let cases = Case::all();
    assert_eq!(cases.len(), 70);
    let mut compared = 0;
    for case in &cases {
        let Ok(json_root) = case.trust_root() else {
            // A trust root that is itself invalid cannot be compiled; its JSON rejection is
            // covered above.
            assert!(!case.expect_pass(), "{}", case.name);
            continue;
        };
        let cbor = json_root.to_cbor();
        let cbor_root = TrustRoot::from_cbor(&cbor).unwrap();
        assert_eq!(cbor_root.source_sha256(), json_root.source_sha256());
        assert_eq!(TrustRoot::from_bytes(&cbor).unwrap().to_cbor(), cbor);
        for by_digest in [false, true] {
            let a = case.run_with(&json_root, by_digest);
            let b = case.run_with(&cbor_root, by_digest);
            match (&a, &b) {
                (Ok(a), Ok(b)) => {
                    assert_eq!(a.identity(), b.identity(), "{}", case.name);
                    assert_eq!(a.issuer(), b.issuer(), "{}", case.name);
                    assert_eq!(a.log_entries(), b.log_entries(), "{}", case.name);
                    assert_eq!(a.verified_times(), b.verified_times(), "{}", case.name);
                }
                (Err(a), Err(b)) => assert_eq!(a, b, "{}", case.name),
                _ => panic!("{}: JSON gave {a:?}, CBOR gave {b:?}", case.name),
            }
            assert_eq!(a.is_ok(), case.expect_pass(), "{}", case.name);
            compared += 1;
        }
    }
    assert!(compared >= 138, "compared {compared} runs");
}
