//! Benchmark support for edgeverify: the benchmark cases (conformance vectors), and the crypto
//! floor (the same signature checks as a verification, done directly with ring).
//!
//! Not part of the product: nothing here is built by `cargo build --profile dist -p
//! edgeverify-agent`. See `BENCHMARKS.md` for the commands and the figures.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::path::{Path, PathBuf};

use edgeverify_core::__bench::{p256_bench, p384_bench};
use edgeverify_core::{
    verify, Artifact, Bundle, CertificateIdentity, HashAlgorithm, Policy, TrustRoot, VerifiedBundle,
};
use ring::rand::SystemRandom;
use ring::signature::{self, EcdsaKeyPair, Ed25519KeyPair, KeyPair as _};

/// The conformance identity the happy-path bundles were signed with.
pub const IDENTITY: &str = "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
/// Its OIDC issuer.
pub const ISSUER: &str = "https://token.actions.githubusercontent.com";

/// The repository root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The sigstore-conformance vectors.
pub fn conformance_dir() -> PathBuf {
    repo().join("core/tests/data/sigstore-conformance")
}

/// How many signature checks of each kind one verification of a case performs, read off the
/// pipeline and the vectors (key and signature algorithms from the certificates and the trust
/// root): the floor no verifier of the same evidence can go below.
#[derive(Clone, Copy, Debug)]
pub struct CryptoOps {
    /// ECDSA P-256 / SHA-256 checks.
    pub p256: usize,
    /// ECDSA P-384 / SHA-384 checks.
    pub p384: usize,
    /// Ed25519 checks.
    pub ed25519: usize,
}

/// One benchmark case: a conformance vector, loaded.
pub struct Case {
    /// Short label (`v0.1`, `v0.3`, `dsse`, `rekor-v2`).
    pub label: &'static str,
    /// The conformance directory name.
    pub dir: &'static str,
    /// The trust root JSON (the case's own, or the embedded production root).
    pub root_json: Vec<u8>,
    /// The parsed trust root.
    pub root: TrustRoot,
    /// The same trust root after [`TrustRoot::remember_chain_signatures`] (how the daemon and
    /// the C API hold it).
    pub root_remembered: TrustRoot,
    /// The bundle JSON.
    pub bundle_json: Vec<u8>,
    /// The artifact bytes.
    pub artifact: Vec<u8>,
    /// The identity policy.
    pub policy: Policy,
    /// Signature checks one verification performs.
    pub ops: CryptoOps,
}

/// Rekor v1 entry (SET + checkpoint: 2 × P-256), Fulcio chain (leaf and intermediate signed
/// with P-384), SCT (P-256), artifact or DSSE signature (P-256).
const REKOR_V1_OPS: CryptoOps = CryptoOps {
    p256: 4,
    p384: 2,
    ed25519: 0,
};

/// The four cases: a v0.1 and a v0.3 message-signature bundle, a DSSE bundle and a Rekor v2
/// bundle.
pub fn cases() -> Vec<Case> {
    [
        ("v0.1", "happy-path-v0.1", REKOR_V1_OPS),
        ("v0.3", "happy-path-v0.3", REKOR_V1_OPS),
        ("dsse", "happy-path-intoto-in-dsse-v3", REKOR_V1_OPS),
        // Checkpoint (Ed25519), RFC 3161 token (P-384) and its chain (P-384), Fulcio chain
        // (2 × P-384), SCT and artifact signature (2 × P-256).
        (
            "rekor-v2",
            "rekor2-happy-path",
            CryptoOps {
                p256: 2,
                p384: 4,
                ed25519: 1,
            },
        ),
    ]
    .into_iter()
    .map(|(label, dir, ops)| Case::load(label, dir, ops))
    .collect()
}

impl Case {
    fn load(label: &'static str, dir: &'static str, ops: CryptoOps) -> Self {
        let path = conformance_dir().join(dir);
        let root_json = std::fs::read(path.join("trusted_root.json")).unwrap_or_else(|_| {
            std::fs::read(repo().join("core/trust/production.trusted_root.json")).unwrap()
        });
        let root = TrustRoot::from_json(&root_json).unwrap();
        let mut root_remembered = root.clone();
        root_remembered.remember_chain_signatures();
        let artifact = std::fs::read(path.join("artifact"))
            .or_else(|_| std::fs::read(conformance_dir().join("a.txt")))
            .unwrap();
        Self {
            label,
            dir,
            root,
            root_remembered,
            root_json,
            bundle_json: std::fs::read(path.join("bundle.sigstore.json")).unwrap(),
            artifact,
            policy: Policy::Identity(CertificateIdentity::exact(IDENTITY, ISSUER).unwrap()),
            ops,
        }
    }

    /// Parse the bundle and verify it: what a caller does per artifact.
    pub fn verify(&self) -> VerifiedBundle {
        self.verify_against(&self.root)
    }

    /// The same against the trust root with its chain signatures remembered.
    pub fn verify_remembered(&self) -> VerifiedBundle {
        self.verify_against(&self.root_remembered)
    }

    fn verify_against(&self, root: &TrustRoot) -> VerifiedBundle {
        let bundle = Bundle::from_json(&self.bundle_json).unwrap();
        verify(root, &bundle, Artifact::Bytes(&self.artifact), &self.policy).unwrap()
    }

    /// The same, given the artifact's SHA-256 (how the CLI verifies a file it streamed).
    pub fn verify_digest(&self) -> VerifiedBundle {
        let bundle = Bundle::from_json(&self.bundle_json).unwrap();
        let digest = HashAlgorithm::Sha256.digest(&self.artifact);
        verify(
            &self.root,
            &bundle,
            Artifact::Digests(&[digest]),
            &self.policy,
        )
        .unwrap()
    }
}

/// Signatures to check directly with ring, one per algorithm, over a message of the size
/// Sigstore signs (a certificate's TBS is about 1 KiB).
pub struct Floor {
    p256: (Vec<u8>, Vec<u8>),
    p384: (Vec<u8>, Vec<u8>),
    ed25519: (Vec<u8>, Vec<u8>),
    message: Vec<u8>,
}

impl Floor {
    /// Fresh keys and signatures.
    pub fn new() -> Self {
        let rng = SystemRandom::new();
        let message = vec![0x5a; 1024];
        let ecdsa = |alg: &'static signature::EcdsaSigningAlgorithm| {
            let pkcs8 = EcdsaKeyPair::generate_pkcs8(alg, &rng).unwrap();
            let key = EcdsaKeyPair::from_pkcs8(alg, pkcs8.as_ref(), &rng).unwrap();
            let sig = key.sign(&rng, &message).unwrap();
            (key.public_key().as_ref().to_vec(), sig.as_ref().to_vec())
        };
        let p256 = ecdsa(&signature::ECDSA_P256_SHA256_ASN1_SIGNING);
        let p384 = ecdsa(&signature::ECDSA_P384_SHA384_ASN1_SIGNING);
        let pkcs8 = Ed25519KeyPair::generate_pkcs8(&rng).unwrap();
        let ed = Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).unwrap();
        let ed25519 = (
            ed.public_key().as_ref().to_vec(),
            ed.sign(&message).as_ref().to_vec(),
        );
        Self {
            p256,
            p384,
            ed25519,
            message,
        }
    }

    /// One ECDSA P-256 / SHA-256 check.
    pub fn p256(&self) {
        signature::UnparsedPublicKey::new(&signature::ECDSA_P256_SHA256_ASN1, &self.p256.0)
            .verify(&self.message, &self.p256.1)
            .unwrap();
    }

    /// The same P-256 check with core's own verifier (`crypto::nistp256`), the key's table
    /// built on the fly.
    pub fn p256_core(&self) -> bool {
        let digest = ring::digest::digest(&ring::digest::SHA256, &self.message);
        p256_bench::verify(&self.p256.0, digest.as_ref(), &self.p256.1)
    }

    /// The P-256 key's table, as a trust root holds it for its log keys.
    pub fn p256_core_table(&self) -> p256_bench::Table {
        p256_bench::Table::new(&self.p256.0).unwrap()
    }

    /// The P-256 check with core's verifier and the key's table built in advance (SHA-256
    /// of the message included, as ring's check includes it).
    pub fn p256_core_with(&self, table: &p256_bench::Table) -> bool {
        let digest = ring::digest::digest(&ring::digest::SHA256, &self.message);
        table.verify(&self.p256.0, digest.as_ref(), &self.p256.1)
    }

    /// One ECDSA P-384 / SHA-384 check.
    pub fn p384(&self) {
        signature::UnparsedPublicKey::new(&signature::ECDSA_P384_SHA384_ASN1, &self.p384.0)
            .verify(&self.message, &self.p384.1)
            .unwrap();
    }

    /// The same P-384 check with core's own verifier (`crypto::nistp384`), the key's table
    /// built on the fly.
    pub fn p384_core(&self) -> bool {
        let digest = ring::digest::digest(&ring::digest::SHA384, &self.message);
        p384_bench::verify(&self.p384.0, digest.as_ref(), &self.p384.1)
    }

    /// The P-384 key's table, as a trust root holds it for its keys.
    pub fn p384_core_table(&self) -> p384_bench::Table {
        p384_bench::Table::new(&self.p384.0).unwrap()
    }

    /// The P-384 check with core's verifier and the key's table built in advance.
    pub fn p384_core_with(&self, table: &p384_bench::Table) -> bool {
        let digest = ring::digest::digest(&ring::digest::SHA384, &self.message);
        table.verify(&self.p384.0, digest.as_ref(), &self.p384.1)
    }

    /// One Ed25519 check.
    pub fn ed25519(&self) {
        signature::UnparsedPublicKey::new(&signature::ED25519, &self.ed25519.0)
            .verify(&self.message, &self.ed25519.1)
            .unwrap();
    }

    /// Every signature check of one verification of a case.
    pub fn run(&self, ops: CryptoOps) {
        for _ in 0..ops.p256 {
            self.p256();
        }
        for _ in 0..ops.p384 {
            self.p384();
        }
        for _ in 0..ops.ed25519 {
            self.ed25519();
        }
    }
}

impl Default for Floor {
    fn default() -> Self {
        Self::new()
    }
}
