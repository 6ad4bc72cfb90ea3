//! The evidence and policy stages, one function each, in pipeline order. Each quotes the spec
//! section it implements (`sigstore-offline-verification.md`); the orchestrator attaches its
//! stage to whatever it returns. The signature stage has its own file (`signature.rs`).

use alloc::string::String;
use alloc::vec::Vec;

use super::config::Thresholds;
use super::prepare::{Prepared, SignerKey};
use crate::bundle::{Bundle, Content};
use crate::crypto::{Digest, HashAlgorithm};
use crate::ct;
use crate::error::Error;
use crate::policy::CertificateIdentity;
use crate::slsa::{self, CertificateClaims, SlsaPolicy, VerifiedProvenance};
use crate::time::UnixTime;
use crate::tlog::{self, Binding, BoundContent, Signer};
use crate::trust_root::TrustRoot;
use crate::tsa;
use crate::x509::{FulcioExtensions, Leaf, VerifiedChain};

/// What the certificate says about the signer, once it verified (sigstore-go's certificate
/// summary). Empty for key bundles.
#[derive(Clone, Debug, Default)]
pub(super) struct SignerSummary {
    pub(super) identity: Option<String>,
    pub(super) issuer: Option<String>,
    pub(super) extensions: FulcioExtensions,
}

/// §5 Transparency log (sigstore-go `VerifyTlogEntry`): every entry from a log the trust root
/// knows must verify — its SET, its inclusion proof and checkpoint — and its body must describe
/// this bundle field by field (signature, signer, the logged digest = the bundle's
/// `messageDigest` = the artifact's); entries from unknown logs are skipped; at least
/// `thresholds.transparency_logs` distinct logs must vouch.
pub(super) fn transparency_log(
    bundle: &Bundle,
    root: &TrustRoot,
    prepared: &Prepared<'_>,
    thresholds: &Thresholds,
) -> Result<Vec<tlog::VerifiedEntry>, Error> {
    let binding = Binding {
        signature: bundle.signature_bytes(),
        signer: match &prepared.signer {
            SignerKey::Certificate(leaf) => Signer::Certificate(&leaf.der),
            SignerKey::Key(key) => Signer::Key(key),
        },
        content: match &bundle.content {
            Content::MessageSignature { digest, .. } => BoundContent::Message {
                digests: &prepared.digests,
                hint: digest.as_ref(),
            },
            Content::Dsse(env) => BoundContent::Dsse(env),
        },
    };
    let entries = tlog::verify_entries(bundle, root, &binding)?;
    let mut logs: Vec<&[u8]> = entries.iter().map(|e| e.log_id.as_slice()).collect();
    logs.sort_unstable();
    logs.dedup();
    let required = thresholds.transparency_logs.get();
    if logs.len() < required {
        return Err(Error::TlogThresholdNotMet {
            verified: logs.len(),
            required,
        });
    }
    Ok(entries)
}

/// What the RFC 3161 timestamps established.
#[derive(Debug)]
pub(super) struct Timestamps {
    /// The verified times, at most one per authority, in bundle order.
    pub(super) times: Vec<UnixTime>,
    /// Why the first timestamp that did not verify failed, if one did.
    pub(super) first_set_aside: Option<Error>,
}

/// §6 RFC 3161 timestamps (sigstore-go `VerifySignedTimestampWithThreshold`): each timestamp's
/// message imprint covers the signature and its CMS signature chains to a timestamping
/// authority of the trust root. A timestamp that fails is set aside, as sigstore-go does; the
/// threshold of verified times decides (`verified_times`), and the certificate is checked at
/// every time that verified. Byte-identical duplicates are refused up front (as
/// sigstore-python does; sigstore-go counts them once): two copies of one token are a broken or
/// padded bundle, never evidence. The count is bounded while the bundle is read
/// ([`crate::limits::MAX_TIMESTAMPS`]).
pub(super) fn timestamps(bundle: &Bundle, root: &TrustRoot) -> Result<Timestamps, Error> {
    let signature = bundle.timestamped_bytes();
    for (i, ts) in bundle.timestamps.iter().enumerate() {
        if bundle
            .timestamps
            .iter()
            .skip(i + 1)
            .any(|other| other == ts)
        {
            return Err(Error::BundleInvalid {
                reason: "duplicate RFC 3161 timestamps",
            });
        }
    }
    let mut out = Timestamps {
        times: Vec::new(),
        first_set_aside: None,
    };
    let mut seen_authorities = Vec::new();
    for ts in &bundle.timestamps {
        match tsa::verify_timestamp(ts, signature, root) {
            Ok(verified) => {
                // One time per authority: a single authority cannot meet a threshold alone.
                if !seen_authorities.contains(&verified.authority) {
                    seen_authorities.push(verified.authority);
                    out.times.push(verified.time);
                }
            }
            Err(e) => {
                out.first_set_aside.get_or_insert(e);
            }
        }
    }
    Ok(out)
}

/// §4 Establishing time: the integrated time of an entry counts only when its SET verified (one
/// per log; never a Rekor v2 or proof-only time), then the RFC 3161 times. At least
/// `thresholds.verified_times` are required. Returned ascending.
pub(super) fn verified_times(
    entries: &[tlog::VerifiedEntry],
    timestamps: &[UnixTime],
    thresholds: &Thresholds,
) -> Result<Vec<UnixTime>, Error> {
    let mut times = Vec::new();
    let mut seen_logs: Vec<&[u8]> = Vec::new();
    for e in entries {
        if let Some(t) = e.integrated_time {
            if !seen_logs.contains(&e.log_id.as_slice()) {
                seen_logs.push(&e.log_id);
                times.push(t);
            }
        }
    }
    times.extend_from_slice(timestamps);
    if times.len() < thresholds.verified_times.get() {
        return Err(Error::NoVerifiedTime);
    }
    times.sort_unstable();
    Ok(times)
}

/// A log key vouches for entries only within its trust-root `validFor` window. A SET is
/// checked against the integrated time it signs (`tlog::verify_set`, like sigstore-go
/// `VerifySET`); an entry without one (Rekor v2; a Rekor v1 entry with a proof only) is checked
/// here, at every verified time. Stricter than sigstore-go, which never reads the window of a
/// Rekor v2 key: a trust root ends a key's window when the key is retired or compromised, and
/// a checkpoint signed with it must not count after that.
pub(super) fn log_key_validity(
    entries: &[tlog::VerifiedEntry],
    verified_times: &[UnixTime],
) -> Result<(), Error> {
    for window in entries.iter().filter_map(|e| e.key_window_unchecked) {
        if verified_times.iter().any(|&t| !window.contains(t)) {
            return Err(Error::CheckpointInvalid {
                reason: "the log key was not valid (trust root validFor) at a verified time",
            });
        }
    }
    Ok(())
}

/// §7.1 Certificate (sigstore-go `VerifyLeafCertificate`): "The Verifier MUST perform
/// certification path validation (RFC 5280 §6) … If both are available, the Verifier performs
/// path validation twice. If either fails, verification fails." The leaf fits the Fulcio
/// code-signing profile and is valid at every verified time, and the chain is validated at each
/// of them. Returns the chain (for §8) and the certificate's summary.
pub(super) fn certificate(
    leaf: &Leaf,
    root: &TrustRoot,
    bundle: &Bundle,
    verified_times: &[UnixTime],
) -> Result<(VerifiedChain, SignerSummary), Error> {
    leaf.check_code_signing_profile()?;
    // v0.1/v0.2 producers (sigstore-go, slsa-github-generator) bundle the Fulcio intermediate
    // and root after the leaf. They are never used; but a certificate the trust root does not
    // hold is a producer trying to supply its own anchor, and is refused.
    let trusted = |der: &Vec<u8>| {
        root.certificate_authorities
            .iter()
            .any(|ca| ca.chain.iter().any(|c| c == der))
    };
    if !bundle.bundled_chain.iter().all(trusted) {
        return Err(Error::CertificateInvalid {
            reason: "bundle carries a CA certificate that is not in the trust root",
        });
    }
    // Unverified integrated times are no evidence, but one outside the certificate's life is
    // a contradiction worth refusing (as sigstore-go does, §5.1 step 8).
    for e in bundle
        .tlog_entries
        .iter()
        // Entries from logs the trust root does not know were skipped; they count for nothing.
        .filter(|e| e.integrated_time != 0 && root.tlog_by_id(&e.log_id).is_some())
    {
        let t = UnixTime::from_secs(e.integrated_time);
        if !leaf.valid_at(t) {
            return Err(Error::CertificateChainInvalid {
                at: t.as_secs(),
                reason: "integrated time outside the signing certificate's validity",
            });
        }
    }
    let mut first_chain = None;
    for &t in verified_times {
        if !leaf.valid_at(t) {
            return Err(Error::CertificateChainInvalid {
                at: t.as_secs(),
                reason: "signing certificate not valid at this verified time",
            });
        }
        let chain = leaf.verify_chain_at(&root.certificate_authorities, t)?;
        first_chain.get_or_insert(chain);
    }
    let chain = first_chain.ok_or(Error::NoVerifiedTime)?;
    let summary = SignerSummary {
        identity: leaf.identity.clone(),
        issuer: leaf.oidc_issuer()?.map(String::from),
        extensions: leaf.extensions.clone(),
    };
    Ok((chain, summary))
}

/// §8 Embedded SCTs (sigstore-go `VerifySignedCertificateTimestamp`): "the Verifier MUST extract
/// the SignedCertificateTimestamp embedded in the leaf certificate, and verify it as in RFC 9162
/// §8.1.3"; at least `thresholds.ct_logs` distinct trusted CT logs must vouch.
pub(super) fn certificate_transparency(
    leaf: &Leaf,
    chain: &VerifiedChain,
    root: &TrustRoot,
    thresholds: &Thresholds,
) -> Result<(), Error> {
    let verified_logs = ct::verify_embedded_scts(leaf, chain, root)?;
    if verified_logs < thresholds.ct_logs.get() {
        return Err(Error::SctInvalid {
            reason: "no SCT from a trusted CT log",
        });
    }
    Ok(())
}

/// §7.4 Identity (sigstore-go `CertificateIdentity.Verify`): the subject alternative name and
/// the OIDC issuer both match what the operator expects.
pub(super) fn identity(
    expected: &CertificateIdentity,
    signer: &SignerSummary,
) -> Result<(), Error> {
    expected.check(signer.identity.as_deref(), signer.issuer.as_deref())
}

/// SLSA provenance (`slsa-verification.md`; slsa-verifier `verify-artifact`): the verified
/// DSSE statement, signed by the verified certificate, satisfies the operator's SLSA policy for
/// the artifact's SHA-256.
pub(super) fn provenance(
    bundle: &Bundle,
    signer: &SignerKey<'_>,
    digests: &[Digest],
    policy: &SlsaPolicy,
) -> Result<(VerifiedProvenance, ProvenanceCheck), Error> {
    let (Content::Dsse(env), SignerKey::Certificate(leaf)) = (&bundle.content, signer) else {
        return Err(Error::DsseInvalid {
            reason: "SLSA provenance must be a DSSE envelope signed with a certificate",
        });
    };
    let check = ProvenanceCheck {
        claims: CertificateClaims::from_certificate(leaf.first_uri.as_deref(), &leaf.extensions),
        policy: policy.clone(),
    };
    let verified = check.run(&env.payload_type, &env.payload, digests)?;
    Ok((verified, check))
}

/// What the SLSA stage judges besides the artifact and the envelope (which the verified bundle
/// keeps), so that the same provenance can be judged for another artifact of the release
/// (`VerifiedBundle::for_another_artifact`).
#[derive(Clone, Debug)]
pub(super) struct ProvenanceCheck {
    claims: CertificateClaims,
    policy: SlsaPolicy,
}

impl ProvenanceCheck {
    /// slsa-verifier's policy stage for the envelope's statement and the artifact with these
    /// digests (its SHA-256).
    pub(super) fn run(
        &self,
        payload_type: &str,
        statement: &[u8],
        digests: &[Digest],
    ) -> Result<VerifiedProvenance, Error> {
        let sha256 = digests
            .iter()
            .find(|d| d.algorithm() == HashAlgorithm::Sha256)
            .and_then(|d| <&[u8; 32]>::try_from(d.as_bytes()).ok())
            .ok_or(Error::InvalidInput {
                reason: "SLSA verification needs the artifact's SHA-256",
            })?;
        slsa::verify_provenance(payload_type, statement, &self.claims, sha256, &self.policy)
            .map_err(Error::Provenance)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use core::num::NonZeroUsize;

    use super::*;
    use crate::policy::Policy;
    use crate::verify::prepare::prepare;
    use crate::verify::Artifact;

    pub(crate) const A_TXT: &[u8] = include_bytes!("../../tests/data/sigstore-conformance/a.txt");
    pub(crate) const MANAGED_KEY: &str =
        include_str!("../../tests/data/sigstore-conformance/managed-key-happy-path/key.pub");
    pub(crate) const IDENTITY: &str = "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
    pub(crate) const ISSUER: &str = "https://token.actions.githubusercontent.com";

    /// A sigstore-conformance bundle (`core/tests/data/sigstore-conformance/<name>`).
    pub(crate) fn conformance_json(name: &str) -> &'static [u8] {
        match name {
            "happy-path-v0.3" => include_bytes!(
                "../../tests/data/sigstore-conformance/happy-path-v0.3/bundle.sigstore.json"
            ),
            "happy-path-intoto-in-dsse-v3" => include_bytes!(
                "../../tests/data/sigstore-conformance/happy-path-intoto-in-dsse-v3/bundle.sigstore.json"
            ),
            "managed-key-happy-path" => include_bytes!(
                "../../tests/data/sigstore-conformance/managed-key-happy-path/bundle.sigstore.json"
            ),
            "rekor2-happy-path" => include_bytes!(
                "../../tests/data/sigstore-conformance/rekor2-happy-path/bundle.sigstore.json"
            ),
            _ => panic!("no conformance bundle {name}"),
        }
    }

    pub(crate) fn conformance_bundle(name: &str) -> Bundle {
        Bundle::from_json(conformance_json(name)).unwrap()
    }

    /// `rekor2-happy-path`'s own trust root.
    pub(crate) fn rekor2_root() -> TrustRoot {
        TrustRoot::from_json(include_bytes!(
            "../../tests/data/sigstore-conformance/rekor2-happy-path/trusted_root.json"
        ))
        .unwrap()
    }

    pub(crate) fn identity_policy() -> Policy {
        Policy::Identity(CertificateIdentity::exact(IDENTITY, ISSUER).unwrap())
    }

    /// The happy-path bundle with its `messageSignature.messageDigest` replaced.
    pub(crate) fn with_message_digest(algorithm: &str, digest: &[u8]) -> Bundle {
        use base64::Engine as _;
        let mut json: serde_json::Value =
            serde_json::from_slice(conformance_json("happy-path-v0.3")).unwrap();
        json["messageSignature"]["messageDigest"] = serde_json::json!({
            "algorithm": algorithm,
            "digest": base64::engine::general_purpose::STANDARD.encode(digest),
        });
        Bundle::from_json(&serde_json::to_vec(&json).unwrap()).unwrap()
    }

    fn at_least(n: usize) -> NonZeroUsize {
        NonZeroUsize::new(n).unwrap()
    }

    fn production() -> TrustRoot {
        TrustRoot::embedded_production().unwrap()
    }

    #[test]
    fn transparency_log_counts_distinct_logs_against_its_threshold() {
        let bundle = conformance_bundle("happy-path-v0.3");
        let policy = identity_policy();
        let prepared = prepare(&bundle, Artifact::Bytes(A_TXT), &policy).unwrap();
        let entries =
            transparency_log(&bundle, &production(), &prepared, &Thresholds::PUBLIC_GOOD).unwrap();
        assert_eq!(entries.len(), 1);
        assert!(entries[0].integrated_time.is_some());
        let two = Thresholds {
            transparency_logs: at_least(2),
            ..Thresholds::PUBLIC_GOOD
        };
        assert_eq!(
            transparency_log(&bundle, &production(), &prepared, &two).err(),
            Some(Error::TlogThresholdNotMet {
                verified: 1,
                required: 2
            })
        );
    }

    /// What the log stage says about the artifact's digest and the bundle's hint of it.
    #[test]
    fn the_log_binds_the_hint_and_the_artifact_digest() {
        // sigstore-go's rule, for both artifact modes: a hint naming another algorithm (even
        // with the artifact's true digest in it), or another value, contradicts the log.
        let sha512_hint =
            with_message_digest("SHA2_512", HashAlgorithm::Sha512.digest(A_TXT).as_bytes());
        let wrong_hint = with_message_digest("SHA2_256", &[0; 32]);
        let happy = conformance_bundle("happy-path-v0.3");
        let sha256 = [HashAlgorithm::Sha256.digest(A_TXT)];
        // The log (and the hint) record the sha256 digest; only sha512 is given: the bundle
        // cannot be matched to this artifact, and that is its answer (a denial).
        let sha512 = [HashAlgorithm::Sha512.digest(A_TXT)];
        let other = [HashAlgorithm::Sha256.digest(b"another artifact")];
        let algorithm_differs = "digest algorithm (bundle messageDigest)";
        let cases: [(&Bundle, Artifact<'_>, Error); 6] = [
            (
                &sha512_hint,
                Artifact::Bytes(A_TXT),
                Error::EntryBodyMismatch {
                    field: algorithm_differs,
                },
            ),
            (
                &sha512_hint,
                Artifact::Digests(&sha256),
                Error::EntryBodyMismatch {
                    field: algorithm_differs,
                },
            ),
            (
                &wrong_hint,
                Artifact::Bytes(A_TXT),
                Error::EntryBodyMismatch {
                    field: "digest (bundle messageDigest)",
                },
            ),
            (
                &happy,
                Artifact::Digests(&sha512),
                Error::ArtifactDigestMissing {
                    algorithm: HashAlgorithm::Sha256,
                    needed_by: "transparency log entry",
                },
            ),
            (
                &happy,
                Artifact::Digests(&other),
                Error::ArtifactDigestMismatch {
                    against: "transparency log entry",
                },
            ),
            (
                &happy,
                Artifact::Bytes(b"another artifact"),
                Error::ArtifactDigestMismatch {
                    against: "transparency log entry",
                },
            ),
        ];
        let policy = identity_policy();
        for (bundle, artifact, expected) in cases {
            let prepared = prepare(bundle, artifact, &policy).unwrap();
            let got = transparency_log(bundle, &production(), &prepared, &Thresholds::PUBLIC_GOOD);
            assert_eq!(got.err(), Some(expected.clone()), "{artifact:?}");
            assert!(expected.is_denial());
        }
    }

    #[test]
    fn verified_times_need_a_set_or_a_timestamp() {
        let bundle = conformance_bundle("rekor2-happy-path");
        let root = rekor2_root();
        let policy = identity_policy();
        let prepared = prepare(&bundle, Artifact::Bytes(A_TXT), &policy).unwrap();
        let entries =
            transparency_log(&bundle, &root, &prepared, &Thresholds::PUBLIC_GOOD).unwrap();
        // Rekor v2 vouches for no time; the RFC 3161 timestamp does.
        assert_eq!(entries[0].integrated_time, None);
        let stamped = timestamps(&bundle, &root).unwrap().times;
        assert_eq!(stamped.len(), 1);
        let times = verified_times(&entries, &stamped, &Thresholds::PUBLIC_GOOD).unwrap();
        assert_eq!(times, stamped);
        assert_eq!(
            verified_times(&entries, &[], &Thresholds::PUBLIC_GOOD),
            Err(Error::NoVerifiedTime)
        );
        let two = Thresholds {
            verified_times: at_least(2),
            ..Thresholds::PUBLIC_GOOD
        };
        assert_eq!(
            verified_times(&entries, &stamped, &two),
            Err(Error::NoVerifiedTime)
        );
        // The production root has no trust in this instance's timestamping authority: the
        // timestamp is set aside, with its reason.
        let untrusted = timestamps(&bundle, &production()).unwrap();
        assert!(untrusted.times.is_empty());
        assert!(matches!(
            untrusted.first_set_aside,
            Some(Error::TimestampInvalid { .. })
        ));
    }

    #[test]
    fn a_log_key_no_set_checked_must_be_valid_at_every_verified_time() {
        use crate::time::TimeRange;
        let entry = |window: Option<TimeRange>| tlog::VerifiedEntry {
            log_id: alloc::vec![1],
            log_index: 0,
            integrated_time: window.is_none().then(|| UnixTime::from_secs(150)),
            key_window_unchecked: window,
        };
        let window = TimeRange {
            start: UnixTime::from_secs(100),
            end: Some(UnixTime::from_secs(200)),
        };
        let at = |secs: &[u64]| {
            secs.iter()
                .map(|&s| UnixTime::from_secs(s))
                .collect::<Vec<_>>()
        };
        // Both ends are inside (as for every trust-root window).
        log_key_validity(&[entry(Some(window))], &at(&[100, 200])).unwrap();
        for outside in [&[99][..], &[201], &[150, 201]] {
            assert!(matches!(
                log_key_validity(&[entry(Some(window))], &at(outside)),
                Err(Error::CheckpointInvalid { .. })
            ));
        }
        // A SET already checked its key at the integrated time: nothing left to check.
        log_key_validity(&[entry(None)], &at(&[1, 10_000])).unwrap();
    }

    #[test]
    #[cfg_attr(miri, ignore = "needs ring (C and assembly, which Miri cannot run)")]
    fn failing_timestamps_are_set_aside_but_duplicates_refused() {
        let bundle = conformance_bundle("rekor2-happy-path");
        let root = rekor2_root();
        let good = bundle.timestamps[0].clone();
        let mut broken = good.clone();
        let last = broken.len() - 1;
        broken[last] ^= 1;
        let with = |stamps: Vec<Vec<u8>>| {
            let mut b = bundle.clone();
            b.timestamps = stamps;
            timestamps(&b, &root)
        };
        // Broken first or second: the good one still gives its time, once.
        for stamps in [
            alloc::vec![broken.clone(), good.clone()],
            alloc::vec![good.clone(), broken.clone()],
        ] {
            let t = with(stamps).unwrap();
            assert_eq!(t.times.len(), 1);
            assert!(matches!(
                t.first_set_aside,
                Some(Error::TimestampInvalid { .. })
            ));
        }
        assert_eq!(
            with(alloc::vec![good.clone(), good]).err(),
            Some(Error::BundleInvalid {
                reason: "duplicate RFC 3161 timestamps"
            })
        );
    }

    fn verified_leaf(bundle: &Bundle) -> (Leaf, Vec<UnixTime>) {
        let policy = identity_policy();
        let prepared = prepare(bundle, Artifact::Bytes(A_TXT), &policy).unwrap();
        let entries =
            transparency_log(bundle, &production(), &prepared, &Thresholds::PUBLIC_GOOD).unwrap();
        let times = verified_times(&entries, &[], &Thresholds::PUBLIC_GOOD).unwrap();
        let SignerKey::Certificate(leaf) = prepared.signer else {
            panic!("a certificate bundle");
        };
        (*leaf, times)
    }

    #[test]
    fn certificate_is_checked_at_every_verified_time() {
        let bundle = conformance_bundle("happy-path-v0.3");
        let (leaf, times) = verified_leaf(&bundle);
        let (chain, summary) = certificate(&leaf, &production(), &bundle, &times).unwrap();
        assert_eq!(summary.identity.as_deref(), Some(IDENTITY));
        assert_eq!(summary.issuer.as_deref(), Some(ISSUER));
        assert_eq!(summary.extensions.issuer(), Some(ISSUER));
        assert!(!chain.issuer_spki.is_empty());
        // One more verified time, a year later: the certificate (ten minutes) has expired.
        let later = UnixTime::from_secs(times[0].as_secs() + 365 * 86_400);
        assert!(matches!(
            certificate(&leaf, &production(), &bundle, &[times[0], later]),
            Err(Error::CertificateChainInvalid { .. })
        ));
    }

    #[test]
    fn certificate_transparency_counts_trusted_ct_logs() {
        let bundle = conformance_bundle("happy-path-v0.3");
        let (leaf, times) = verified_leaf(&bundle);
        let (chain, _) = certificate(&leaf, &production(), &bundle, &times).unwrap();
        certificate_transparency(&leaf, &chain, &production(), &Thresholds::PUBLIC_GOOD).unwrap();
        let two = Thresholds {
            ct_logs: at_least(2),
            ..Thresholds::PUBLIC_GOOD
        };
        assert!(matches!(
            certificate_transparency(&leaf, &chain, &production(), &two),
            Err(Error::SctInvalid { .. })
        ));
    }

    #[test]
    fn identity_needs_both_subject_and_issuer() {
        let summary = SignerSummary {
            identity: Some(String::from(IDENTITY)),
            issuer: Some(String::from(ISSUER)),
            extensions: FulcioExtensions::default(),
        };
        let exact = |san: &str, issuer: &str| CertificateIdentity::exact(san, issuer).unwrap();
        identity(&exact(IDENTITY, ISSUER), &summary).unwrap();
        assert!(matches!(
            identity(&exact("https://other", ISSUER), &summary),
            Err(Error::SubjectMismatch { .. })
        ));
        assert!(matches!(
            identity(&exact(IDENTITY, "https://other"), &summary),
            Err(Error::IssuerMismatch { .. })
        ));
    }

    #[test]
    fn provenance_needs_a_dsse_envelope_and_the_sha256() {
        let bundle = conformance_bundle("happy-path-v0.3");
        let (leaf, _) = verified_leaf(&bundle);
        let signer = SignerKey::Certificate(alloc::boxed::Box::new(leaf));
        let policy = SlsaPolicy::new("github.com/slsa-framework/example-package").unwrap();
        let sha256 = [HashAlgorithm::Sha256.digest(A_TXT)];
        assert!(matches!(
            provenance(&bundle, &signer, &sha256, &policy),
            Err(Error::DsseInvalid { .. })
        ));
        let dsse = conformance_bundle("happy-path-intoto-in-dsse-v3");
        assert!(matches!(
            provenance(
                &dsse,
                &signer,
                &[HashAlgorithm::Sha512.digest(A_TXT)],
                &policy
            ),
            Err(Error::InvalidInput { .. })
        ));
        // A real DSSE statement that is not SLSA provenance: slsa-verifier's own error.
        assert!(matches!(
            provenance(&dsse, &signer, &sha256, &policy),
            Err(Error::Provenance(_))
        ));
    }
}
