//! # edgeverify-testinstance
//!
//! A private Sigstore-like instance in memory, for edgeverify's tests and benchmarks: a
//! Fulcio-like CA (P-384 root and intermediate, short-lived P-256/P-384 leaves with the Fulcio
//! extensions and an embedded SCT from its own CT log), a Rekor v1 log (a real RFC 6962 Merkle
//! tree; SETs, inclusion proofs, `<name> - <treeID>` checkpoints), a Rekor v2 log (Ed25519
//! signed-note checkpoints), and an RFC 3161 TSA. It signs any artifact, from bytes or
//! streamed from a file of any size, as a message signature or a DSSE/in-toto envelope, in
//! bundles v0.1–v0.3, and writes the matching `trusted_root.json`.
//!
//! Dev-only: never a dependency of the product. It does not use edgeverify-core: an
//! independent implementation of every format makes a better oracle for it.
//!
//! Everything is deterministic: keys, serial numbers and nonces derive from a seed, times
//! from a fixed clock, and signatures are deterministic (RFC 6979, Ed25519), so the same seed
//! and calls give byte-identical output.
//!
//! ```
//! use edgeverify_testinstance::{Artifact, Instance, Spec};
//!
//! let mut instance = Instance::new("doc-example")?;
//! let out = instance.sign(&Spec::dsse().rekor_v2(), Artifact::bytes("hello.txt", "hello"))?;
//! assert!(out.bundle_json()?.contains("dsseEnvelope"));
//! assert!(out.trusted_root_json()?.contains("timestampAuthorities"));
//! # Ok::<(), edgeverify_testinstance::Error>(())
//! ```
//!
//! Named scenarios with their sigstore-go verdicts: [`catalog`]. Deliberately broken copies
//! of an output: [`tamper`]. The command line (`cargo run -p edgeverify-testinstance -- gen
//! --scenario NAME --out DIR`) writes a scenario directory; see the README.
//!
//! Container images: [`Instance::sign_image_legacy`] signs an image the legacy cosign way
//! (`.sig`/`.att` layers with cosign's annotations: certificate, chain, Rekor SET, RFC 3161
//! timestamp) and [`ImageLayout`] writes an OCI image layout holding them and cosign v3
//! referrers. A TUF repository signing `trusted_root.json` would take
//! [`Instance::trusted_root`] as its target.
//!
//! A private deployment publishes its trust root through TUF: [`tuf::Repo`] signs root,
//! timestamp, snapshot and targets metadata with fixed test keys, with any bytes (an
//! instance's `trusted_root.json`) as the `trusted_root.json` target.

#![forbid(unsafe_code)]
#![cfg_attr(
    test,
    allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::panic
    )
)]

mod artifact;
mod body;
pub mod catalog;
mod cosign;
mod crypto;
mod der_write;
mod expectation;
mod fulcio;
mod identity;
mod instance;
mod json;
mod merkle;
mod output;
mod rekor;
mod seed;
mod spec;
pub mod tamper;
mod tsa;
pub mod tuf;
mod x509;

pub use artifact::{Artifact, ArtifactInfo, GeneratedContent};
pub use cosign::{
    annotation, CosignLayer, ImageLayout, LegacyBody, LegacySigner, LegacySpec, SignedLayer,
};
pub use crypto::{Digests, HashAlg, KeyAlg};
pub use expectation::{Expectation, Verdict};
pub use identity::{GithubRun, Identity, San, GITHUB_ISSUER};
pub use instance::{Instance, InstanceConfig, DEFAULT_BASE_TIME};
pub use output::{files, Output};
pub use rekor::{RekorV1Config, RekorV2Config};
pub use spec::{
    BundleVersion, BundledChain, Content, DigestHint, KeyValidity, Signer, Spec, StatementSpec,
    TimestampSpec, Tlog, TrustRootSpec, V1DsseKind, V2DsseKind, V2VerifierKind,
};
pub use tsa::BrokenTimestamp;

/// Why the instance could not produce an output.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// Reading the artifact or writing a scenario failed.
    Io(std::io::Error),
    /// DER encoding failed.
    Der(der::Error),
    /// A signature could not be made.
    Signature(String),
    /// JSON encoding failed.
    Json(serde_json::Error),
    /// Anything else, said in words.
    Message(String),
}

impl Error {
    pub(crate) fn msg(text: impl Into<String>) -> Self {
        Self::Message(text.into())
    }
}

impl core::fmt::Display for Error {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Io(e) => write!(f, "I/O: {e}"),
            Self::Der(e) => write!(f, "DER: {e}"),
            Self::Signature(e) => write!(f, "signing: {e}"),
            Self::Json(e) => write!(f, "JSON: {e}"),
            Self::Message(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for Error {}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Self::Io(e)
    }
}

impl From<der::Error> for Error {
    fn from(e: der::Error) -> Self {
        Self::Der(e)
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        Self::Json(e)
    }
}

impl From<p256::ecdsa::Error> for Error {
    fn from(e: p256::ecdsa::Error) -> Self {
        Self::Signature(e.to_string())
    }
}
