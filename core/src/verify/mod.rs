//! The orchestrator: runs the stages of the Sigstore client specification in order
//! (`sigstore-offline-verification.md` §3; sigstore-go `signed_entity.go`), attaching to each
//! stage's error the stage that ran, and returns a [`VerifiedBundle`] only when all of them pass.
//!
//! One function per stage: [`prepare()`] reads what the stages check, then
//! `stages::transparency_log` (§5), `stages::timestamps` (§6), `stages::verified_times` (§4),
//! `stages::log_key_validity` (§5 again, once times are known), `stages::certificate` (§7.1), `stages::certificate_transparency` (§8),
//! `signature::verify_signature` (§9) and `stages::identity` (§7.4) or `stages::provenance`
//! (SLSA). How much evidence is required is [`config::Thresholds`].

use crate::bundle::Bundle;
use crate::crypto::Digest;
use crate::error::{Error, Stage};
use crate::policy::Policy;
use crate::trust_root::TrustRoot;

mod config;
mod prepare;
mod result;
mod signature;
mod stages;

use config::Thresholds;
pub use prepare::artifact_hash_algorithms;
use prepare::{prepare, SignerKey};
pub use result::{VerifiedBundle, VerifiedLogEntry};

/// The artifact the bundle is supposed to cover.
#[derive(Clone, Copy, Debug)]
pub enum Artifact<'a> {
    /// The artifact's bytes.
    Bytes(&'a [u8]),
    /// Digests of the artifact computed by the caller (for example while streaming a large
    /// file: [`artifact_hash_algorithms`] says which), or given by the user (`sha512:…`).
    /// A message signature can then be checked only with an ECDSA key, and evidence that
    /// commits to an algorithm not supplied cannot be matched
    /// ([`Error::ArtifactDigestMissing`], a denial).
    Digests(&'a [Digest]),
}

/// Verifies `bundle` for `artifact` against the trust material in `root` and the caller's
/// `policy`. Time comes only from the evidence: there is no clock.
///
/// An error names the stage it arose in ([`Error::stage`]) and whether the evidence said no or
/// nothing was decided ([`Error::class`]).
pub fn verify(
    root: &TrustRoot,
    bundle: &Bundle,
    artifact: Artifact<'_>,
    policy: &Policy,
) -> Result<VerifiedBundle, Error> {
    verify_probed(root, bundle, artifact, policy, &mut |_| {})
}

/// [`verify`], calling `probe` at six stage boundaries (after [`Stage::Input`],
/// [`Stage::TransparencyLog`], [`Stage::Time`], [`Stage::Certificate`], [`Stage::Signature`]
/// and [`Stage::Identity`]). Benchmarks read a clock there (this crate has none); not part of
/// the API (`edgeverify_core::__bench`).
#[doc(hidden)]
pub fn verify_probed(
    root: &TrustRoot,
    bundle: &Bundle,
    artifact: Artifact<'_>,
    policy: &Policy,
    probe: &mut dyn FnMut(Stage),
) -> Result<VerifiedBundle, Error> {
    let thresholds = Thresholds::PUBLIC_GOOD;
    let at = |stage| move |e: Error| e.at(stage);

    // §3 step 0: the signer the bundle carries (of the kind the policy expects), its in-toto
    // statement, and the artifact digests the stages need. Errors carry their own stage: the
    // bundle's, or the caller's input.
    let prepared = prepare(bundle, artifact, policy)?;
    probe(Stage::Input);

    // §5: every entry from a trusted log verifies (SET, inclusion proof, checkpoint) and
    // describes this bundle; enough distinct logs vouch for it.
    let entries = stages::transparency_log(bundle, root, &prepared, &thresholds)
        .map_err(at(Stage::TransparencyLog))?;
    probe(Stage::TransparencyLog);

    // §6: RFC 3161 timestamps over the signature, from trusted timestamping authorities; those
    // that fail are set aside.
    let timestamps = stages::timestamps(bundle, root).map_err(at(Stage::Timestamp))?;
    // §4: the verified times are SET-backed integrated times and those timestamps; Rekor v2
    // gives none. Too few fails here, in the words of a timestamp that was set aside if any
    // (it says more than "no verified time").
    let verified_times =
        stages::verified_times(&entries, &timestamps.times, &thresholds).map_err(|e| {
            match timestamps.first_set_aside {
                Some(set_aside) => set_aside.at(Stage::Timestamp),
                None => e.at(Stage::Time),
            }
        })?;
    // §5 again, now that times are known: logs whose key no SET checked vouch only within the
    // key's validity window.
    stages::log_key_validity(&entries, &verified_times).map_err(at(Stage::TransparencyLog))?;
    probe(Stage::Time);

    // §7.1: the certificate chains to a trusted CA at *every* verified time (never "now"); §8:
    // its embedded SCTs verify against trusted CT logs.
    let signer = match &prepared.signer {
        SignerKey::Certificate(leaf) => {
            let (chain, summary) = stages::certificate(leaf, root, bundle, &verified_times)
                .map_err(at(Stage::Certificate))?;
            stages::certificate_transparency(leaf, &chain, root, &thresholds)
                .map_err(at(Stage::CertificateTransparency))?;
            summary
        }
        SignerKey::Key(_) => stages::SignerSummary::default(),
    };
    probe(Stage::Certificate);

    // §9: the signature over the artifact, or over the DSSE envelope plus the statement's
    // subject.
    let matched_digest =
        signature::verify_signature(bundle, artifact, &prepared).map_err(at(Stage::Signature))?;
    probe(Stage::Signature);

    // §7.4: the signer is the one the policy names; or the SLSA provenance satisfies it. A key
    // policy was judged by the signature itself.
    let provenance = match policy {
        Policy::Identity(expected) => {
            stages::identity(expected, &signer).map_err(at(Stage::Identity))?;
            None
        }
        Policy::Slsa(slsa_policy) => Some(
            stages::provenance(bundle, &prepared.signer, &prepared.digests, slsa_policy)
                .map_err(at(Stage::Provenance))?,
        ),
        Policy::PublicKey(_) => None,
    };
    probe(Stage::Identity);

    Ok(VerifiedBundle::new(
        signer,
        entries,
        verified_times,
        prepared,
        matched_digest,
        bundle,
        provenance,
    ))
}
