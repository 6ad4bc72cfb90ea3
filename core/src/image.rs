//! Container images: cosign signatures and attestations (legacy `.sig`/`.att` and cosign v3
//! referrers) and SLSA provenance with `slsa-verifier verify-image` semantics, verified offline
//! from an OCI image layout.
//!
//! One function, [`verify_image`], in stages: the layout is opened and every piece of evidence
//! of the wanted sort is located ([`Stage::Image`]); each is read into a bundle and verified by
//! the bundle pipeline ([`crate::verify()`]) — every check is shared, nothing is verified twice
//! or a second way — with the image manifest digest as the artifact; a simple-signing payload
//! must then name this image. The image is verified when one piece of evidence passes
//! (cosign's and slsa-verifier's rule).

use alloc::string::String;
use alloc::vec::Vec;

use crate::cosign::{self, Evidence, EvidenceKind, ImageEvidence};
use crate::crypto::Digest;
use crate::error::{Error, ErrorClass, Stage};
use crate::oci::{BlobSource, Layout};
use crate::policy::Policy;
use crate::trust_root::TrustRoot;
use crate::verify::{verify, Artifact, VerifiedBundle};

/// An image whose evidence verified: which image, which evidence, and what it established.
#[derive(Clone, Debug)]
pub struct VerifiedImage {
    digest: Digest,
    kind: EvidenceKind,
    docker_reference: Option<String>,
    bundle: VerifiedBundle,
}

impl VerifiedImage {
    /// The image manifest (or index) digest that was verified.
    pub fn digest(&self) -> &Digest {
        &self.digest
    }

    /// Where the evidence that verified was found.
    pub fn evidence_kind(&self) -> EvidenceKind {
        self.kind
    }

    /// For a legacy signature: the `docker-reference` its simple-signing payload names (the
    /// repository it was signed for; informational, not checked).
    pub fn docker_reference(&self) -> Option<&str> {
        self.docker_reference.as_deref()
    }

    /// What the signature or attestation established: signer, log entries, verified times,
    /// the statement, the SLSA provenance.
    pub fn verified(&self) -> &VerifiedBundle {
        &self.bundle
    }
}

/// Verifies the container image `image` (its manifest or index digest) from the evidence in the
/// OCI image layout `source` under `policy`:
///
/// - an identity or key policy with [`ImageEvidence::Signatures`] is `cosign verify`;
///   with [`ImageEvidence::Attestations`] it is `cosign verify-attestation [--type]`;
/// - an SLSA policy is `slsa-verifier verify-image`: the image's attestations are checked as
///   SLSA provenance for the image digest, with verify-image's trusted builders
///   (`generator_container_slsa3`), and `evidence` is not consulted. The policy must be made
///   with [`crate::slsa::SlsaPolicy::for_images`] (else [`Error::InvalidInput`]: the caller
///   says what it verifies).
///
/// Succeeds with the first piece of evidence that passes every check. Otherwise the error is
/// the first that decided nothing ([`ErrorClass::Undecided`]: the trust root, an argument, an
/// unreadable layout), else the denial of the piece of evidence that got furthest through the
/// pipeline (first of those), else "no evidence".
pub fn verify_image(
    root: &TrustRoot,
    source: &mut dyn BlobSource,
    image: &Digest,
    evidence: ImageEvidence<'_>,
    policy: &Policy,
) -> Result<VerifiedImage, Error> {
    let wanted = match policy {
        Policy::Slsa(slsa) if !slsa.is_for_images() => {
            return Err(Error::InvalidInput {
                reason: "an SLSA policy for images is made with SlsaPolicy::for_images",
            })
        }
        Policy::Slsa(_) => ImageEvidence::Attestations {
            predicate_type: None,
        },
        _ => evidence,
    };
    let mut layout = Layout::open(source).map_err(|e| e.at(Stage::Image))?;
    let located = cosign::locate(&mut layout, image, wanted)?;
    let mut failures = Vec::new();
    for candidate in located {
        let evidence = match candidate.and_then(|l| cosign::read(&mut layout, &l, wanted)) {
            Ok(Some(evidence)) => evidence,
            Ok(None) => continue,
            Err(e) => {
                failures.push(e);
                continue;
            }
        };
        match check(root, &evidence, image, policy) {
            Ok(bundle) => {
                return Ok(VerifiedImage {
                    digest: *image,
                    kind: evidence.kind,
                    docker_reference: evidence
                        .simple_signing
                        .and_then(|(_, claim)| claim.docker_reference),
                    bundle,
                })
            }
            Err(e) => failures.push(e),
        }
    }
    Err(most_telling(failures))
}

/// One piece of evidence through the bundle pipeline, for this image.
fn check(
    root: &TrustRoot,
    evidence: &Evidence,
    image: &Digest,
    policy: &Policy,
) -> Result<VerifiedBundle, Error> {
    let artifact = match &evidence.simple_signing {
        // A legacy signature signs the simple-signing payload, which names the image.
        Some((payload, _)) => Artifact::Bytes(payload),
        // A statement names the image as its subject; a v3 message signature signs the
        // manifest itself.
        None => Artifact::Digests(core::slice::from_ref(image)),
    };
    let verified = verify(root, &evidence.bundle, artifact, policy)?;
    if let Some((_, claim)) = &evidence.simple_signing {
        if claim.manifest_digest != *image {
            return Err(Error::ArtifactDigestMismatch {
                against: "simple-signing docker-manifest-digest",
            }
            .at(Stage::Signature));
        }
    }
    Ok(verified)
}

/// How far through the pipeline a failure got.
fn progress(stage: Stage) -> u8 {
    match stage {
        Stage::Image => 0,
        Stage::TrustRoot | Stage::TrustRootUpdate | Stage::Bundle => 1,
        Stage::Input => 2,
        Stage::TransparencyLog => 3,
        Stage::Timestamp => 4,
        Stage::Time => 5,
        Stage::Certificate => 6,
        Stage::CertificateTransparency => 7,
        Stage::Signature => 8,
        Stage::Identity | Stage::Provenance => 9,
    }
}

fn most_telling(mut failures: Vec<Error>) -> Error {
    let chosen = match failures
        .iter()
        .position(|e| e.class() == ErrorClass::Undecided)
    {
        Some(undecided) => Some(undecided),
        None => {
            let mut best: Option<(usize, u8)> = None;
            for (i, e) in failures.iter().enumerate() {
                let p = progress(e.stage());
                if best.is_none_or(|(_, b)| p > b) {
                    best = Some((i, p));
                }
            }
            best.map(|(i, _)| i)
        }
    };
    match chosen {
        Some(i) => failures.swap_remove(i),
        None => Error::ImageEvidenceInvalid {
            reason: "no signature or attestation of the wanted kind for this image",
        }
        .at(Stage::Image),
    }
}
