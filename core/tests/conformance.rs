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

/// The cases whose chains (Fulcio or TSA) are signed with RSA.
const RSA_CHAIN_CASES: &[&str] = &["bundle-with-sct-with-extensions"];

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

    /// The suite's verdict: cases whose name ends in `fail` must be rejected.
    fn expect_pass(&self) -> bool {
        !self.name.ends_with("fail")
    }

    /// Whether this build cannot judge the case: its certificate chain is signed with RSA and
    /// the crypto provider is the pure-Rust one (feature `rustcrypto` without `ring`), which has
    /// no RSA. Such a case must then be rejected as unsupported, never accepted.
    fn needs_rsa_this_build_lacks(&self) -> bool {
        !cfg!(feature = "ring") && RSA_CHAIN_CASES.contains(&self.name.as_str())
    }

    /// The verdict this build must give: the suite's, except that cases needing a missing
    /// algorithm are rejected.
    fn expect_pass_here(&self) -> bool {
        self.expect_pass() && !self.needs_rsa_this_build_lacks()
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
        if case.needs_rsa_this_build_lacks() {
            assert!(
                matches!(&result, Err(e) if e.to_string().contains("unsupported signature algorithm")),
                "{}: {result:?}",
                case.name
            );
        }
        match (&result, case.expect_pass_here()) {
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

/// Runs every case with its trust root as parsed and as `transform` makes it, in both artifact
/// modes, and asserts the verdicts are the same: the same error, or the same verified facts.
/// Returns how many runs were compared.
fn assert_same_verdicts(transform: impl Fn(&TrustRoot) -> TrustRoot) -> usize {
    let cases = Case::all();
    assert_eq!(cases.len(), 70);
    let mut compared = 0;
    for case in &cases {
        let Ok(root) = case.trust_root() else {
            // A trust root that is itself invalid cannot be transformed; its rejection is
            // covered above.
            assert!(!case.expect_pass(), "{}", case.name);
            continue;
        };
        let other = transform(&root);
        for by_digest in [false, true] {
            let a = case.run_with(&root, by_digest);
            let b = case.run_with(&other, by_digest);
            match (&a, &b) {
                (Ok(a), Ok(b)) => {
                    assert_eq!(a.identity(), b.identity(), "{}", case.name);
                    assert_eq!(a.issuer(), b.issuer(), "{}", case.name);
                    assert_eq!(a.log_entries(), b.log_entries(), "{}", case.name);
                    assert_eq!(a.verified_times(), b.verified_times(), "{}", case.name);
                }
                (Err(a), Err(b)) => assert_eq!(a, b, "{}", case.name),
                _ => panic!("{}: as parsed {a:?}, transformed {b:?}", case.name),
            }
            assert_eq!(a.is_ok(), case.expect_pass_here(), "{}", case.name);
            compared += 1;
        }
    }
    compared
}

/// The compact CBOR trust root gives the same verdict as the JSON it was compiled from, on
/// every case, in both artifact modes.
#[test]
fn conformance_json_and_cbor_trust_roots_agree() {
    let compared = assert_same_verdicts(|json_root| {
        let cbor = json_root.to_cbor();
        let cbor_root = TrustRoot::from_cbor(&cbor).unwrap();
        // Each form reports the digest of its own bytes (what a pin covers).
        assert_eq!(
            cbor_root.source_sha256().as_slice(),
            HashAlgorithm::Sha256.digest(&cbor).as_bytes()
        );
        assert_eq!(TrustRoot::from_bytes(&cbor).unwrap().to_cbor(), cbor);
        cbor_root
    });
    assert!(compared >= 138, "compared {compared} runs");
}

/// Remembering the trust root's own chain signatures changes no verdict on any case.
#[test]
fn conformance_verdicts_unchanged_by_remembered_chain_signatures() {
    let roots = std::cell::Cell::new(0);
    let remembered = std::cell::Cell::new(0);
    let compared = assert_same_verdicts(|root| {
        let mut root = root.clone();
        roots.set(roots.get() + 1);
        remembered.set(remembered.get() + root.remember_chain_signatures());
        root
    });
    assert!(compared >= 138, "compared {compared} runs");
    // The suite's 69 usable roots hold 134 verifiable chain links (most, like the public-good
    // root, a Fulcio intermediate and a TSA certificate under their roots). Fewer would mean
    // links are missed and this test compares roots with themselves.
    // None of these links is RSA-signed, so both crypto providers remember all 134.
    assert_eq!((roots.get(), remembered.get()), (69, 134));
}

/// The public-good root has two chain links (the Fulcio intermediate and the TSA certificate,
/// each signed by its root) and both are remembered. With the intermediate's signature
/// tampered, that link is not remembered, and a bundle chaining through it fails with the same
/// error whether or not the root remembered its other links.
#[test]
fn tampered_chain_link_is_not_remembered_and_still_fails() {
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD;

    let mut production = TrustRoot::embedded_production().unwrap();
    assert_eq!(production.remember_chain_signatures(), 2);

    let json =
        fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("trust/production.trusted_root.json"))
            .unwrap();
    let mut doc: serde_json::Value = serde_json::from_slice(&json).unwrap();
    let raw = &mut doc["certificateAuthorities"][1]["certChain"]["certificates"][0]["rawBytes"];
    let mut intermediate = b64.decode(raw.as_str().unwrap()).unwrap();
    // The last byte lies in the signature's `s` integer: still DER, no longer a valid signature.
    *intermediate.last_mut().unwrap() ^= 0x01;
    *raw = serde_json::Value::String(b64.encode(&intermediate));
    let tampered = TrustRoot::from_json(&serde_json::to_vec(&doc).unwrap()).unwrap();
    let mut remembering = tampered.clone();
    assert_eq!(remembering.remember_chain_signatures(), 1);

    let case = Case::all()
        .into_iter()
        .find(|c| c.name == "happy-path-v0.3")
        .unwrap();
    assert!(case.run_with(&production, false).is_ok());
    let plain = case.run_with(&tampered, false).unwrap_err();
    let remembered = case.run_with(&remembering, false).unwrap_err();
    assert!(
        matches!(plain.cause(), Error::CertificateChainInvalid { .. }),
        "{plain:?}"
    );
    assert_eq!(plain, remembered);
}
