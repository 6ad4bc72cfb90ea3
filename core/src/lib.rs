//! # edgeverify-core
//!
//! Offline verification of [Sigstore] bundles (v0.1–v0.3) and [SLSA] provenance against a
//! pinned Sigstore trust root, for edge devices. `no_std` + `alloc`; no I/O and no clock:
//! bytes and a policy come in, a typed verdict or a typed [`Error`] comes out.
//!
//! ```no_run
//! use edgeverify_core::{verify, Artifact, Bundle, CertificateIdentity, Policy, TrustRoot};
//! # fn main() -> Result<(), edgeverify_core::Error> {
//! # let (bundle_json, artifact) = (b"", b"");
//! let root = TrustRoot::embedded_production()?;
//! let bundle = Bundle::from_json(bundle_json)?;
//! let policy = Policy::Identity(CertificateIdentity::exact(
//!     "https://github.com/org/repo/.github/workflows/release.yml@refs/tags/v1.0.0",
//!     "https://token.actions.githubusercontent.com",
//! )?);
//! let verified = verify(&root, &bundle, Artifact::Bytes(artifact), &policy)?;
//! println!("signed by {:?}", verified.identity());
//! # Ok(()) }
//! ```
//!
//! The pipeline ([`verify()`]) follows the Sigstore client specification: transparency-log
//! evidence (Rekor v1 SET, inclusion proof, checkpoint; Rekor v2 checkpoint and proof; entry
//! body bound to the bundle), verified times (SET-backed integrated time, RFC 3161
//! timestamps), the certificate chain at every verified time, embedded SCTs, the signature
//! (message or DSSE + in-toto subject), then the policy (identity, key, or SLSA).
//!
//! A failure names the stage it arose in ([`Error::stage`]) and says what it means
//! ([`Error::class`]): a denial (the evidence or the policy said no; a malformed or unsuitable
//! bundle included) or undecided (an input the caller chose — arguments, policy, key, trust root —
//! is unusable). Every front end maps that one classification.
//!
//! Container images ([`verify_image`]): cosign signatures and attestations — the legacy
//! `.sig`/`.att` scheme and cosign v3 referrers — and SLSA provenance with `slsa-verifier
//! verify-image` semantics, read from an OCI image layout through a caller's
//! [`oci::BlobSource`] and verified by the same pipeline as bundles.
//!
//! Trust-root updates: [`verify_update`] takes the device's [`TufState`], a directory of
//! Sigstore TUF metadata carried to the device ([`UpdateSource`]) and a [`TimePolicy`], and
//! returns a verified `trusted_root.json` with the state to persist (the TUF client workflow,
//! offline; see [`tuf`] for the workflow and the update directory).
//!
//! Every bound on hostile input is a named constant in [`limits`].
//!
//! ## Features
//!
//! - `std` (default): `std::io::Write` for [`Hasher`]. The verifier itself never needs std.
//! - `ring` (default): the crypto provider is ring (assembly on x86_64 and ARM; what the CLI
//!   and the C library ship).
//! - `rustcrypto`: the pure-Rust provider (`sha2`, `p256`, `ed25519-dalek`), for
//!   targets ring cannot build for, such as `thumbv7em-none-eabihf`. Build with
//!   `default-features = false, features = ["rustcrypto"]`; with both providers on, ring is
//!   used. It has no RSA: RSA keys and RSA-signed chains fail closed
//!   ([`Error::UnsupportedAlgorithm`], or an invalid chain naming the unsupported algorithm).
//!
//! [Sigstore]: https://sigstore.dev
//! [SLSA]: https://slsa.dev

#![no_std]
#![forbid(unsafe_code)]
#![deny(missing_docs)]
// Explicit `core`/`alloc` paths keep the crate honest about needing no std.
#![warn(clippy::std_instead_of_core, clippy::alloc_instead_of_core)]
#![cfg_attr(
    test,
    allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::panic
    )
)]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

#[cfg(feature = "fuzzing")]
#[doc(hidden)]
#[path = "fuzz.rs"]
pub mod __fuzz;
mod bundle;
mod checkpoint;
mod cosign;
mod crypto;
mod ct;
mod dsse;
mod encoding;
mod error;
mod image;
mod json;
pub mod limits;
pub mod oci;
mod pem;
mod policy;
pub mod slsa;
mod time;
mod tlog;
mod trust_root;
mod tsa;
pub mod tuf;
mod verify;
mod x509;

pub use bundle::{Bundle, BundleVersion};
pub use cosign::{EvidenceKind, ImageEvidence};
pub use crypto::{Digest, HashAlgorithm, Hasher, KeyType, PublicKey};
pub use dsse::IN_TOTO_PAYLOAD_TYPE;
pub use encoding::{hex_decode, hex_encode};
pub use error::{Document, Error, ErrorClass, SignerKind, Stage};
pub use image::{verify_image, VerifiedImage};
pub use policy::{AnchoredRegex, CertificateIdentity, Matcher, PatternError, Policy};
pub use time::{TimeRange, UnixTime};
pub use trust_root::{
    ServiceKind, TrustRoot, TrustedService, EMBEDDED_PRODUCTION_CBOR_SHA256,
    EMBEDDED_PRODUCTION_SHA256,
};
pub use tuf::{
    verify_update, verify_update_target, ReadFailed, TimePolicy, TufError, TufRole, TufState,
    UpdateSource, UpdatedTrust, VerifiedTarget, EMBEDDED_TUF_ROOT_SHA256,
    SIGSTORE_TRUSTED_ROOT_TARGET,
};
pub use verify::{artifact_hash_algorithms, verify, Artifact, VerifiedBundle, VerifiedLogEntry};
pub use x509::FulcioExtensions;

/// Benchmark hooks: not part of the API, no stability promise.
#[doc(hidden)]
pub mod __bench {
    pub use crate::crypto::{p256_bench, p384_bench};
    pub use crate::verify::verify_probed;
}

/// Test support for front ends (one value of every error variant, for their table tests): not
/// part of the API, no stability promise.
#[doc(hidden)]
pub mod __testing {
    pub use crate::error::every_variant;

    /// `cause` as the orchestrator reports it when raised in `stage`.
    pub fn raised_in(cause: crate::Error, stage: crate::Stage) -> crate::Error {
        cause.at(stage)
    }
}
