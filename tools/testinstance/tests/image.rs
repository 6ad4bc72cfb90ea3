//! Container images signed by the test instance, verified by edgeverify-core's `verify_image`
//! in both directions: legacy `.sig` (hashedrekord, rekord) and `.att` (intoto 0.0.1, intoto
//! 0.0.2, dsse 0.0.1) layers, with and without RFC 3161 timestamps, a self-managed key, cosign
//! v3 referrers — and, one thing broken at a time, what no real data covers: a signature for
//! another digest, an attestation for another image, tampered annotations, a chain that does
//! not match, an expired SET time, a body that binds another signature.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeMap;

use edgeverify_core::oci::{parse_digest, BlobSource, LayoutFile, SourceError};
use edgeverify_core::{
    verify_image, CertificateIdentity, Digest, Error, EvidenceKind, ImageEvidence, Policy,
    PublicKey, Stage, TrustRoot, VerifiedImage,
};
use edgeverify_testinstance::{
    annotation, Artifact, CosignLayer, ImageLayout, Instance, LegacyBody, LegacySigner, LegacySpec,
    SignedLayer, Spec, StatementSpec,
};

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

const ATTESTATIONS: ImageEvidence<'static> = ImageEvidence::Attestations {
    predicate_type: None,
};

struct Case {
    layout: ImageLayout,
    signed: Vec<SignedLayer>,
}

impl Case {
    fn digest(&self) -> Digest {
        parse_digest(self.layout.image_digest()).unwrap()
    }

    fn root(&self) -> TrustRoot {
        TrustRoot::from_json(self.signed[0].trusted_root_json().unwrap().as_bytes()).unwrap()
    }

    fn identity(&self) -> Policy {
        let s = &self.signed[0];
        Policy::Identity(
            CertificateIdentity::exact(
                s.identity.as_deref().unwrap(),
                s.issuer.as_deref().unwrap(),
            )
            .unwrap(),
        )
    }

    fn verify(&self, evidence: ImageEvidence<'_>, policy: &Policy) -> Result<VerifiedImage, Error> {
        let mut source = Memory(self.layout.files().unwrap());
        verify_image(&self.root(), &mut source, &self.digest(), evidence, policy)
    }
}

/// An image with the layers of `specs` (all signatures, or all attestations).
fn case(seed: &str, specs: &[LegacySpec]) -> Case {
    let mut instance = Instance::new(seed).unwrap();
    let mut layout = ImageLayout::new(&format!("registry.edgeverify.test/{seed}")).unwrap();
    let signed: Vec<SignedLayer> = specs
        .iter()
        .map(|s| {
            instance
                .sign_image_legacy(s, layout.image_digest())
                .unwrap()
        })
        .collect();
    let layers: Vec<CosignLayer> = signed.iter().map(|s| s.layer.clone()).collect();
    layout.add_legacy(&layers, specs[0].attestation).unwrap();
    Case { layout, signed }
}

/// `case` with its layers edited by `edit` before they are put in the layout.
fn tampered(seed: &str, specs: &[LegacySpec], edit: impl FnOnce(&mut Vec<CosignLayer>)) -> Case {
    let mut c = case(seed, specs);
    let mut layers: Vec<CosignLayer> = c.signed.iter().map(|s| s.layer.clone()).collect();
    edit(&mut layers);
    let mut layout = ImageLayout::new(&format!("registry.edgeverify.test/{seed}")).unwrap();
    layout.add_legacy(&layers, specs[0].attestation).unwrap();
    c.layout = layout;
    c
}

fn cause(result: Result<VerifiedImage, Error>) -> (Stage, Error) {
    let e = result.expect_err("must be rejected");
    assert!(e.is_denial(), "{e:?}");
    (e.stage(), e.cause().clone())
}

#[test]
fn legacy_signatures_verify_for_every_body_kind() {
    for body in [LegacyBody::HashedRekord, LegacyBody::Rekord] {
        let c = case("sig", &[LegacySpec::signature().body(body)]);
        let v = c.verify(ImageEvidence::Signatures, &c.identity()).unwrap();
        assert_eq!(v.evidence_kind(), EvidenceKind::LegacySignature);
        assert_eq!(v.digest(), &c.digest());
        assert_eq!(v.docker_reference(), Some("registry.edgeverify.test/app"));
        assert_eq!(v.verified().identity(), c.signed[0].identity.as_deref());
        assert_eq!(v.verified().verified_times().len(), 1);
        // Signatures are not attestations.
        assert!(c.verify(ATTESTATIONS, &c.identity()).is_err());
    }
}

#[test]
fn legacy_attestations_verify_for_every_body_kind() {
    for body in [
        LegacyBody::IntotoV001,
        LegacyBody::IntotoV002,
        LegacyBody::Dsse,
    ] {
        let c = case("att", &[LegacySpec::attestation().body(body)]);
        let v = c.verify(ATTESTATIONS, &c.identity()).unwrap();
        assert_eq!(v.evidence_kind(), EvidenceKind::LegacyAttestation);
        let (_, statement) = v.verified().payload().unwrap();
        assert!(String::from_utf8_lossy(statement).contains("https://slsa.dev/provenance/v1"));
        let typed = ImageEvidence::Attestations {
            predicate_type: Some("https://slsa.dev/provenance/v1"),
        };
        c.verify(typed, &c.identity()).unwrap();
        let other_type = ImageEvidence::Attestations {
            predicate_type: Some("https://spdx.dev/Document"),
        };
        let (stage, e) = cause(c.verify(other_type, &c.identity()));
        assert_eq!(stage, Stage::Image);
        assert!(matches!(e, Error::ImageEvidenceInvalid { .. }), "{e:?}");
        assert!(c.verify(ImageEvidence::Signatures, &c.identity()).is_err());
    }
}

#[test]
fn rfc3161_timestamps_cover_the_signature_or_the_envelope() {
    for spec in [LegacySpec::signature(), LegacySpec::attestation()] {
        let evidence = if spec.attestation {
            ATTESTATIONS
        } else {
            ImageEvidence::Signatures
        };
        let stamped = LegacySpec {
            timestamp: true,
            ..spec.clone()
        };
        let c = case("tsa", std::slice::from_ref(&stamped));
        let v = c.verify(evidence, &c.identity()).unwrap();
        assert_eq!(v.verified().verified_times().len(), 2, "SET and timestamp");
        // A timestamp over something else is set aside (sigstore-go's threshold rule, which the
        // bundle pipeline follows since issue 12): it adds no verified time, and the SET's
        // time alone decides.
        let wrong = tampered("tsa", &[stamped], |layers| {
            let other = case("tsa-other", &[spec.clone().body(spec.body)]);
            let mut instance = Instance::new("tsa-other-2").unwrap();
            let stamped_other = instance
                .sign_image_legacy(
                    &LegacySpec {
                        timestamp: true,
                        ..spec.clone()
                    },
                    other.layout.image_digest(),
                )
                .unwrap();
            layers[0].annotations.insert(
                annotation::RFC3161.into(),
                stamped_other.layer.annotations[annotation::RFC3161].clone(),
            );
        });
        let v = wrong.verify(evidence, &wrong.identity()).unwrap();
        assert_eq!(
            v.verified().verified_times().len(),
            1,
            "the SET's time only"
        );
    }
}

#[test]
fn a_self_managed_key_verifies_with_that_key() {
    let spec = LegacySpec {
        signer: LegacySigner::ManagedKey,
        chain: false,
        ..LegacySpec::signature()
    };
    let c = case("key", &[spec]);
    assert!(!c.signed[0]
        .layer
        .annotations
        .contains_key(annotation::CERTIFICATE));
    let key =
        Policy::PublicKey(PublicKey::from_pem(c.signed[0].key_pem.as_deref().unwrap()).unwrap());
    let v = c.verify(ImageEvidence::Signatures, &key).unwrap();
    assert_eq!(v.verified().identity(), None);
    // A certificate identity cannot be satisfied by a key signature.
    let identity = Policy::Identity(CertificateIdentity::exact("a@b.c", "https://x").unwrap());
    let (stage, e) = cause(c.verify(ImageEvidence::Signatures, &identity));
    assert_eq!(stage, Stage::Bundle);
    assert!(matches!(e, Error::SignerKindMismatch { .. }));
}

#[test]
fn a_signature_for_another_digest_is_refused() {
    let spec = LegacySpec {
        claimed_digest: Some(format!("sha256:{}", "ab".repeat(32))),
        ..LegacySpec::signature()
    };
    let c = case("other-digest", &[spec]);
    let (stage, e) = cause(c.verify(ImageEvidence::Signatures, &c.identity()));
    assert_eq!(stage, Stage::Signature);
    assert_eq!(
        e,
        Error::ArtifactDigestMismatch {
            against: "simple-signing docker-manifest-digest"
        }
    );
}

#[test]
fn an_attestation_for_another_image_is_refused() {
    let spec = LegacySpec {
        claimed_digest: Some(format!("sha256:{}", "cd".repeat(32))),
        ..LegacySpec::attestation()
    };
    let c = case("other-image", &[spec]);
    let (stage, e) = cause(c.verify(ATTESTATIONS, &c.identity()));
    assert_eq!(stage, Stage::Signature);
    assert_eq!(
        e,
        Error::ArtifactDigestMismatch {
            against: "in-toto statement subjects"
        }
    );
}

#[test]
fn an_expired_set_time_is_refused() {
    // Integrated an hour after the ten-minute certificate expired.
    let spec = LegacySpec {
        integrated_time_offset: 3600,
        ..LegacySpec::signature()
    };
    let c = case("expired", &[spec]);
    let (stage, e) = cause(c.verify(ImageEvidence::Signatures, &c.identity()));
    assert_eq!(stage, Stage::Certificate);
    assert!(matches!(e, Error::CertificateChainInvalid { .. }), "{e:?}");
}

#[test]
fn a_chain_that_does_not_match_the_trust_root_is_refused() {
    let c = tampered("chain", &[LegacySpec::signature()], |layers| {
        // The chain of another instance: a CA this trust root does not hold.
        let other = case("chain-other", &[LegacySpec::signature()]);
        layers[0].annotations.insert(
            annotation::CHAIN.into(),
            other.signed[0].layer.annotations[annotation::CHAIN].clone(),
        );
    });
    let (stage, e) = cause(c.verify(ImageEvidence::Signatures, &c.identity()));
    assert_eq!(stage, Stage::Certificate);
    assert!(matches!(e, Error::CertificateInvalid { .. }), "{e:?}");
}

#[test]
fn a_body_that_binds_another_signature_is_refused() {
    // Two signatures of the image by the same instance; each layer carries the other's Rekor
    // bundle (a valid SET over a body that describes the other signature). For intoto 0.0.1
    // the envelope hash is the only binding of the signature.
    for spec in [
        LegacySpec::signature(),
        LegacySpec::signature().body(LegacyBody::Rekord),
        LegacySpec::attestation(),
        LegacySpec::attestation().body(LegacyBody::IntotoV001),
        LegacySpec::attestation().body(LegacyBody::IntotoV002),
    ] {
        let evidence = if spec.attestation {
            ATTESTATIONS
        } else {
            ImageEvidence::Signatures
        };
        let c = tampered("swap", &[spec.clone(), spec.clone()], |layers| {
            let first = layers[0].annotations[annotation::BUNDLE].clone();
            let second = layers[1].annotations[annotation::BUNDLE].clone();
            layers[0]
                .annotations
                .insert(annotation::BUNDLE.into(), second);
            layers[1]
                .annotations
                .insert(annotation::BUNDLE.into(), first);
        });
        let (stage, e) = cause(c.verify(evidence, &c.identity()));
        assert_eq!(stage, Stage::TransparencyLog);
        assert!(matches!(e, Error::EntryBodyMismatch { .. }), "{e:?}");
    }
}

#[test]
fn tampered_annotations_are_refused() {
    type Edit = fn(&mut CosignLayer, &CosignLayer);
    let cases: [(&str, Edit, Stage); 5] = [
        (
            "certificate of another signing",
            |l, other| {
                l.annotations.insert(
                    annotation::CERTIFICATE.into(),
                    other.annotations[annotation::CERTIFICATE].clone(),
                );
            },
            Stage::TransparencyLog,
        ),
        (
            "signature of another signing",
            |l, other| {
                l.annotations.insert(
                    annotation::SIGNATURE.into(),
                    other.annotations[annotation::SIGNATURE].clone(),
                );
            },
            Stage::TransparencyLog,
        ),
        (
            "SET flipped",
            |l, _| {
                let mut bundle: serde_json::Value =
                    serde_json::from_str(&l.annotations[annotation::BUNDLE]).unwrap();
                let set = bundle["SignedEntryTimestamp"].as_str().unwrap().to_string();
                let flipped = if set.starts_with('M') { "N" } else { "M" };
                bundle["SignedEntryTimestamp"] = format!("{flipped}{}", &set[1..]).into();
                l.annotations
                    .insert(annotation::BUNDLE.into(), bundle.to_string());
            },
            Stage::TransparencyLog,
        ),
        (
            "integrated time moved",
            |l, _| {
                let mut bundle: serde_json::Value =
                    serde_json::from_str(&l.annotations[annotation::BUNDLE]).unwrap();
                let t = bundle["Payload"]["integratedTime"].as_u64().unwrap();
                bundle["Payload"]["integratedTime"] = (t - 1).into();
                l.annotations
                    .insert(annotation::BUNDLE.into(), bundle.to_string());
            },
            Stage::TransparencyLog,
        ),
        (
            "simple-signing type changed",
            |l, _| {
                l.bytes = String::from_utf8(l.bytes.clone())
                    .unwrap()
                    .replace(
                        "cosign container image signature",
                        "atomic container signature",
                    )
                    .into_bytes();
            },
            Stage::Image,
        ),
    ];
    for (name, edit, stage) in cases {
        let c = tampered("annotations", &[LegacySpec::signature()], |layers| {
            let other = case("annotations-other", &[LegacySpec::signature()]);
            edit(&mut layers[0], &other.signed[0].layer);
        });
        let (got, e) = cause(c.verify(ImageEvidence::Signatures, &c.identity()));
        assert_eq!(got, stage, "{name}: {e:?}");
    }
}

#[test]
fn one_good_signature_among_bad_ones_verifies_and_the_furthest_failure_is_reported() {
    let bad = LegacySpec {
        claimed_digest: Some(format!("sha256:{}", "ef".repeat(32))),
        ..LegacySpec::signature()
    };
    let c = case("mixed", &[bad.clone(), LegacySpec::signature()]);
    c.verify(ImageEvidence::Signatures, &c.identity()).unwrap();
    // Only bad ones: one broken at the log, one for another digest (got furthest).
    let c = tampered("mixed-bad", &[LegacySpec::signature(), bad], |layers| {
        layers[0]
            .annotations
            .insert(annotation::SIGNATURE.into(), "AAAA".into());
    });
    let (stage, e) = cause(c.verify(ImageEvidence::Signatures, &c.identity()));
    assert_eq!(stage, Stage::Signature, "{e:?}");
    // Another identity: the identity stage.
    let other = Policy::Identity(
        CertificateIdentity::exact(
            "https://github.com/o/r/.github/workflows/x.yml@refs/heads/main",
            "https://token.actions.githubusercontent.com",
        )
        .unwrap(),
    );
    let c = case("identity", &[LegacySpec::signature()]);
    let (stage, e) = cause(c.verify(ImageEvidence::Signatures, &other));
    assert_eq!(stage, Stage::Identity);
    assert!(matches!(e, Error::SubjectMismatch { .. }));
}

#[test]
fn another_trust_root_does_not_vouch_for_the_instance() {
    let c = case("foreign", &[LegacySpec::signature()]);
    let mut source = Memory(c.layout.files().unwrap());
    let production = TrustRoot::embedded_production().unwrap();
    let e = verify_image(
        &production,
        &mut source,
        &c.digest(),
        ImageEvidence::Signatures,
        &c.identity(),
    )
    .err()
    .unwrap();
    assert!(e.is_denial());
    assert_eq!(e.stage(), Stage::TransparencyLog, "{e:?}");
}

#[test]
fn cosign_v3_referrers_verify_as_bundles_about_the_manifest() {
    let mut instance = Instance::new("v3").unwrap();
    let mut layout = ImageLayout::new("registry.edgeverify.test/v3").unwrap();
    let manifest = layout.image_manifest().to_vec();
    // `cosign sign` v3: a DSSE statement of predicate type cosign/sign/v1 about the manifest.
    let sign = Spec::dsse().statement(|st: &mut StatementSpec| {
        st.predicate_type = "https://sigstore.dev/cosign/sign/v1".into();
        st.predicate = serde_json::json!({});
    });
    let signature = instance
        .sign(&sign, Artifact::bytes("manifest", manifest.clone()))
        .unwrap();
    // `cosign attest` v3: SLSA v1 provenance about the manifest.
    let attestation = instance
        .sign(&Spec::dsse(), Artifact::bytes("manifest", manifest.clone()))
        .unwrap();
    // And one about another manifest, attached to this image.
    let elsewhere = instance
        .sign(
            &Spec::dsse(),
            Artifact::bytes("manifest", b"another".to_vec()),
        )
        .unwrap();
    layout
        .add_referrer(signature.bundle_json().unwrap().as_bytes())
        .unwrap();
    layout
        .add_referrer(attestation.bundle_json().unwrap().as_bytes())
        .unwrap();
    let root = TrustRoot::from_json(signature.trusted_root_json().unwrap().as_bytes()).unwrap();
    let policy = Policy::Identity(
        CertificateIdentity::exact(
            signature.identity.as_deref().unwrap(),
            signature.issuer.as_deref().unwrap(),
        )
        .unwrap(),
    );
    let digest = parse_digest(layout.image_digest()).unwrap();
    let run = |layout: &ImageLayout, evidence| {
        verify_image(
            &root,
            &mut Memory(layout.files().unwrap()),
            &digest,
            evidence,
            &policy,
        )
    };
    let v = run(&layout, ImageEvidence::Signatures).unwrap();
    assert_eq!(v.evidence_kind(), EvidenceKind::Referrer);
    let (_, statement) = v.verified().payload().unwrap();
    assert!(String::from_utf8_lossy(statement).contains("cosign/sign/v1"));
    let v = run(&layout, ATTESTATIONS).unwrap();
    let (_, statement) = v.verified().payload().unwrap();
    assert!(String::from_utf8_lossy(statement).contains("slsa.dev/provenance/v1"));

    let mut wrong = ImageLayout::new("registry.edgeverify.test/v3").unwrap();
    wrong
        .add_referrer(elsewhere.bundle_json().unwrap().as_bytes())
        .unwrap();
    let (stage, e) = cause(run(&wrong, ATTESTATIONS));
    assert_eq!(stage, Stage::Signature);
    assert!(matches!(e, Error::ArtifactDigestMismatch { .. }));
}

#[test]
fn the_logged_envelope_is_the_stored_one_byte_for_byte() {
    // The same envelope (payload, type, signature), serialised again with other whitespace:
    // the log recorded the hash of other bytes (cosign's rule), refused for every entry kind
    // that records one.
    for body in [
        LegacyBody::IntotoV001,
        LegacyBody::IntotoV002,
        LegacyBody::Dsse,
    ] {
        let c = tampered(
            "reserialised",
            &[LegacySpec::attestation().body(body)],
            |layers| {
                let value: serde_json::Value = serde_json::from_slice(&layers[0].bytes).unwrap();
                layers[0].bytes = serde_json::to_vec_pretty(&value).unwrap();
            },
        );
        let (stage, e) = cause(c.verify(ATTESTATIONS, &c.identity()));
        assert_eq!(stage, Stage::TransparencyLog);
        assert_eq!(
            e,
            Error::EntryBodyMismatch {
                field: "envelope hash"
            },
            "{body:?}"
        );
    }
}
