//! Named scenarios, each with the verdict sigstore-go gives it and the sigstore-go code that
//! decides it. The CLI writes them; tests run verifiers over them.
//!
//! Verdicts were established by reading sigstore-go (github.com/sigstore/sigstore-go, main
//! as of mid 2026: `pkg/verify/{tlog,tsa,signature,signed_entity}.go`, `pkg/tlog/entry.go`,
//! `pkg/bundle/bundle.go`, `pkg/root/trusted_root.go`) and the Rekor helpers it calls; where
//! this disagrees with a claim in issue 12, the scenario's `reason` says so.

use crate::artifact::Artifact;
use crate::crypto::{HashAlg, KeyAlg};
use crate::expectation::{Expectation, Verdict};
use crate::identity::{GithubRun, Identity};
use crate::instance::{Instance, InstanceConfig};
use crate::output::Output;
use crate::spec::{
    BundleVersion, BundledChain, Content, DigestHint, KeyValidity, Spec, TimestampSpec, V2DsseKind,
    V2VerifierKind,
};
use crate::tsa::BrokenTimestamp;
use crate::Error;

/// The seed the CLI uses unless told otherwise.
pub const DEFAULT_SEED: &str = "edgeverify-testinstance";

/// One named scenario.
#[derive(Clone)]
pub struct Scenario {
    /// Its name (a directory name).
    pub name: &'static str,
    /// What it exercises.
    pub description: &'static str,
    /// The signature to make (its `expectation` is the sigstore-go verdict).
    pub spec: Spec,
    /// Instance settings it needs (private origins, witnesses, …).
    pub configure: fn(&mut InstanceConfig),
}

impl Scenario {
    /// The sigstore-go verdict stated for it.
    pub fn expectation(&self) -> Option<&Expectation> {
        self.spec.expectation.as_ref()
    }

    /// Signs `artifact` in a fresh instance seeded with `seed`.
    pub fn generate(&self, seed: &str, artifact: Artifact) -> Result<Output, Error> {
        let mut config = InstanceConfig::new(seed);
        (self.configure)(&mut config);
        Instance::with_config(config)?.sign(&self.spec, artifact)
    }

    /// Signs the scenario's default artifact (a short text naming the scenario).
    pub fn generate_default(&self, seed: &str) -> Result<Output, Error> {
        self.generate(seed, default_artifact(self.name))
    }
}

/// A small deterministic artifact for `name`.
pub fn default_artifact(name: &str) -> Artifact {
    Artifact::bytes(
        "artifact.txt",
        format!("edgeverify-testinstance artifact for scenario {name}\n"),
    )
}

/// The scenario called `name`.
pub fn find(name: &str) -> Option<Scenario> {
    all().into_iter().find(|s| s.name == name)
}

fn unchanged(_: &mut InstanceConfig) {}

fn private_v1_origin(config: &mut InstanceConfig) {
    // A private instance: Rekor runs as a pod whose name (and tree ID) is in the checkpoint,
    // while clients and the trust root reach it at another URL.
    config.rekor_v1.checkpoint_name = "rekor-server-7d9f6b5c4-x2kqp".into();
    config.rekor_v1.tree_id = 4_471_981_123_458_126_721;
}

fn private_v2_origin(config: &mut InstanceConfig) {
    config.rekor_v2.checkpoint_origin = Some("rekor-tiles-0.rekor.svc.cluster.local".into());
}

fn witnessed(config: &mut InstanceConfig) {
    config.rekor_v2.witnesses = vec![
        "witness.edgeverify.test/w1".into(),
        "witness2.edgeverify.test".into(),
    ];
}

fn old_rekor(config: &mut InstanceConfig) {
    config.rekor_v1.timestamp_line = true;
}

const VERIFY: &str = "pkg/verify/signed_entity.go: (*Verifier).Verify";
const TLOG: &str = "pkg/verify/tlog.go: VerifyTlogEntry";
const TSA: &str = "pkg/verify/tsa.go: VerifySignedTimestampWithThreshold";
const SIG: &str =
    "pkg/verify/signature.go: verifyEnvelopeWithArtifacts / verifyEnvelopeWithArtifactDigests";

fn ok(reason: &str) -> Expectation {
    Expectation::verified(reason)
}

fn sig_digests(e: Expectation, verified: &[HashAlg], rejected: &[HashAlg]) -> Expectation {
    let e = verified
        .iter()
        .fold(e, |e, a| e.with_digest(*a, Verdict::Verified));
    rejected
        .iter()
        .fold(e, |e, a| e.with_digest(*a, Verdict::Rejected))
}

/// Every scenario, happy paths first, then the interoperability variants, then negatives.
pub fn all() -> Vec<Scenario> {
    let s = |name, description, spec: Spec| Scenario {
        name,
        description,
        spec,
        configure: unchanged,
    };
    let with = |name, description, spec: Spec, configure: fn(&mut InstanceConfig)| Scenario {
        name,
        description,
        spec,
        configure,
    };
    let rekor2_ts = |broken: Option<BrokenTimestamp>| TimestampSpec {
        broken,
        ..TimestampSpec::default()
    };
    let sha256_only = |e| sig_digests(e, &[HashAlg::Sha256], &[HashAlg::Sha384, HashAlg::Sha512]);

    vec![
        // ---- Happy paths ----
        s(
            "v0.1-hashedrekord",
            "Bundle v0.1, certificate chain (leaf, intermediate, root), message signature, Rekor v1 hashedrekord 0.0.1 with SET and inclusion proof.",
            Spec::hashedrekord()
                .version(BundleVersion::V0_1)
                .expect(sha256_only(ok("Every stage passes; the bundled CA certificates are ignored (only the leaf is used)."))),
        ),
        s(
            "v0.1-hashedrekord-set-only",
            "Bundle v0.1 whose Rekor v1 entry has a SET but no inclusion proof (allowed for v0.1 only).",
            Spec::hashedrekord()
                .version(BundleVersion::V0_1)
                .rekor_v1(true, false)
                .expect(
                    sha256_only(ok("v0.1 requires an inclusion promise, not a proof; the SET alone anchors the entry."))
                        .decided_by(&["pkg/bundle/bundle.go: (*Bundle).validate", TLOG]),
                ),
        ),
        s(
            "v0.2-hashedrekord",
            "Bundle v0.2, leaf-only certificate chain, Rekor v1 hashedrekord 0.0.1 with SET, inclusion proof and checkpoint.",
            {
                let mut spec = Spec::hashedrekord().version(BundleVersion::V0_2);
                spec.bundled_chain = BundledChain::Leaf;
                spec.expect(sha256_only(ok("Every stage passes.")))
            },
        ),
        s(
            "v0.3-hashedrekord",
            "Bundle v0.3 (single certificate), message signature, Rekor v1 hashedrekord 0.0.1.",
            Spec::hashedrekord().expect(sha256_only(ok("Every stage passes."))),
        ),
        s(
            "v0.3-hashedrekord-legacy-media-type",
            "Bundle v0.3 with the legacy media type spelling `application/vnd.dev.sigstore.bundle+json;version=0.3`.",
            Spec::hashedrekord()
                .version(BundleVersion::V0_3Legacy)
                .expect(sha256_only(ok("Both v0.3 media type spellings are accepted.")).decided_by(&["pkg/bundle/bundle.go: getBundleVersion"])),
        ),
        with(
            "v0.3-hashedrekord-checkpoint-timestamp",
            "Rekor v1 checkpoint with the `Timestamp: <ns>` extension line older Rekor releases write.",
            Spec::hashedrekord().expect(sha256_only(ok("Checkpoint extension lines are signed but not interpreted."))),
            old_rekor,
        ),
        s(
            "v0.3-hashedrekord-p384",
            "P-384 leaf key: message signature over SHA-384, messageDigest SHA2_384, Rekor v1 hashedrekord with a sha384 digest.",
            Spec::hashedrekord().key(KeyAlg::EcdsaP384).expect(sig_digests(
                ok("P-384 keys sign with SHA-384 (algorithm registry); given a digest, it must equal messageDigest."),
                &[HashAlg::Sha384],
                &[HashAlg::Sha256],
            ).decided_by(&["pkg/verify/signature.go: verifyMessageSignatureWithArtifactDigest"])),
        ),
        s(
            "v0.3-hashedrekord-email",
            "Leaf with an e-mail SAN and a non-GitHub issuer (interactive login).",
            Spec::hashedrekord()
                .identity(Identity::email("signer@edgeverify.test", "https://accounts.edgeverify.test"))
                .expect(sha256_only(ok("The SAN is the e-mail address when there is no URI SAN."))),
        ),
        s(
            "v0.3-hashedrekord-rekor1-and-tsa",
            "Rekor v1 entry with SET plus an RFC 3161 timestamp: two verified times.",
            Spec::hashedrekord()
                .timestamp(TimestampSpec::default())
                .expect(sha256_only(ok("The certificate is valid at both the integrated time and the TSA time."))),
        ),
        s(
            "v0.3-dsse",
            "DSSE envelope over an in-toto v1 statement (SLSA v1 predicate), Rekor v1 dsse 0.0.1.",
            Spec::dsse().expect(sig_digests(
                ok("Every stage passes; the artifact's SHA-256 is the statement's subject."),
                &[HashAlg::Sha256],
                &[HashAlg::Sha384, HashAlg::Sha512],
            )),
        ),
        s(
            "v0.2-intoto",
            "DSSE envelope in a v0.2 bundle logged as Rekor v1 intoto 0.0.2 (npm provenance, slsa-github-generator shape).",
            Spec::dsse()
                .version(BundleVersion::V0_2)
                .intoto_entry()
                .identity(Identity::slsa_github_generator(&GithubRun::default()))
                .expect(sig_digests(
                    ok("intoto 0.0.2 entries are accepted for DSSE content (signature stored base64 twice)."),
                    &[HashAlg::Sha256],
                    &[HashAlg::Sha512],
                ).decided_by(&["pkg/tlog/entry.go: ValidateEntry, (*Entry).Signature"])),
        ),
        s(
            "rekor2-hashedrekord",
            "Rekor v2: hashedrekord 0.0.2, Ed25519 checkpoint whose origin is the log host, RFC 3161 timestamp with embedded TSA certificate.",
            Spec::hashedrekord().rekor_v2().expect(sha256_only(
                ok("Rekor v2 gives no time; the TSA timestamp is the verified time.").decided_by(&[TLOG, TSA]),
            )),
        ),
        s(
            "rekor2-dsse",
            "Rekor v2 DSSE: hashedrekord 0.0.2 over the DSSE PAE (how rekor-tiles logs DSSE since June 2026).",
            Spec::dsse().rekor_v2().expect(sig_digests(
                ok("The v2 entry hash is rebuilt from the bundle with digest = SHA-256(PAE)."),
                &[HashAlg::Sha256],
                &[HashAlg::Sha512],
            ).decided_by(&["pkg/verify/tlog.go: reconstructV2EntryHash"])),
        ),
        with(
            "rekor2-witnessed",
            "Rekor v2 checkpoint carrying two witness cosignature lines from keys the trust root does not know.",
            Spec::hashedrekord().rekor_v2().expect(sha256_only(
                ok("Signature lines from unknown keys are ignored by the note verifier.")
                    .decided_by(&["rekor-tiles pkg/note (via golang.org/x/mod/sumdb/note.Open)"]),
            )),
            witnessed,
        ),
        s(
            "rekor2-tsa-without-embedded-cert",
            "Rekor v2 whose RFC 3161 token embeds no certificate: the signer is the trust root's TSA leaf.",
            Spec::hashedrekord()
                .rekor_v2_with(TimestampSpec {
                    embed_certificate: false,
                    ..TimestampSpec::default()
                })
                .expect(sha256_only(ok("The trusted root lists the TSA leaf, which verifies the token.").decided_by(&["pkg/root/timestamping_authority.go: (*SigstoreTimestampingAuthority).Verify"]))),
        ),
        s(
            "managed-key",
            "Self-managed ECDSA P-256 key: bundle `publicKey` hint, Rekor v1 hashedrekord with the PEM key; the trust root lists no key, the verifier gets key.pub.",
            Spec::hashedrekord().managed_key().expect(sha256_only(
                ok("Verified with the given key (WithKey); the SET gives the time.")
                    .decided_by(&["pkg/bundle/verification_content.go: (*PublicKey).CompareKey"]),
            )),
        ),
        s(
            "managed-key-rekor2",
            "Self-managed key logged in Rekor v2 (verifier publicKey) with an RFC 3161 timestamp.",
            Spec::hashedrekord().managed_key().rekor_v2().expect(sha256_only(
                ok("The v2 entry hash is rebuilt with the key's SPKI as publicKey verifier.")
                    .decided_by(&["pkg/verify/tlog.go: reconstructV2EntryHash"]),
            )),
        ),
        // ---- Interoperability variants (issue 12) ----
        s(
            "dsse-sha512-only-subject",
            "In-toto subject with only a sha512 digest (npm provenance and publish attestations).",
            Spec::dsse()
                .statement(|st| st.digest_algs = vec![HashAlg::Sha512])
                .expect(sig_digests(
                    ok("Given the artifact, sigstore-go hashes it with every algorithm the subjects use (here SHA-512) and finds the subject. Given a digest, its algorithm name must appear in the statement: sha512 matches, sha256 does not.")
                        .decided_by(&[SIG, "pkg/verify/signature.go: getHashFunctions"]),
                    &[HashAlg::Sha512],
                    &[HashAlg::Sha256, HashAlg::Sha384],
                ).item(1)),
        ),
        s(
            "dsse-sha384-only-subject",
            "In-toto subject with only a sha384 digest.",
            Spec::dsse()
                .statement(|st| st.digest_algs = vec![HashAlg::Sha384])
                .expect(sig_digests(
                    ok("As for sha512-only subjects, with SHA-384.").decided_by(&[SIG]),
                    &[HashAlg::Sha384],
                    &[HashAlg::Sha256, HashAlg::Sha512],
                ).item(1)),
        ),
        s(
            "dsse-multi-subject",
            "Statement with five subjects (sha256 and sha512 each); the artifact is the third.",
            Spec::dsse()
                .statement(|st| {
                    st.digest_algs = vec![HashAlg::Sha256, HashAlg::Sha512];
                    st.subjects_before = 2;
                    st.subjects_after = 2;
                })
                .expect(sig_digests(
                    ok("Some subject must match the artifact; its position does not matter.").decided_by(&[SIG]),
                    &[HashAlg::Sha256, HashAlg::Sha512],
                    &[HashAlg::Sha384],
                ).item(1)),
        ),
        s(
            "rekor2-publickey-verifier",
            "Rekor v2 hashedrekord 0.0.2 entry recording the signer as `publicKey` (the certificate's own SPKI) while the bundle carries the certificate.",
            Spec::hashedrekord()
                .rekor_v2()
                .v2_verifier(V2VerifierKind::SignerPublicKey)
                .expect(Expectation::rejected(
                    "By our reading sigstore-go rejects this, contrary to issue 12's item 4: the v2 entry hash is rebuilt from the bundle with the certificate as `x509Certificate` verifier, so a leaf logged with `publicKey` does not match the inclusion proof (before v1.2, Certificate.CompareKey required the entry's key to be a certificate). sigstore-python likewise rebuilds with x509Certificate. edgeverify rejects it too (TESTING.md).",
                    &["pkg/verify/tlog.go: reconstructV2EntryHash", "pkg/bundle/verification_content.go: (*Certificate).CompareKey (pre-v1.2 path)"],
                ).item(4)),
        ),
        s(
            "rekor2-publickey-verifier-other-key",
            "Rekor v2 entry recording a `publicKey` that is not the certificate's key.",
            Spec::hashedrekord()
                .rekor_v2()
                .v2_verifier(V2VerifierKind::OtherPublicKey)
                .expect(Expectation::rejected(
                    "The logged verifier is not the signer: the rebuilt entry hash cannot match.",
                    &["pkg/verify/tlog.go: reconstructV2EntryHash"],
                ).item(4)),
        ),
        s(
            "two-timestamps-second-bad-signature",
            "Rekor v2 with two RFC 3161 timestamps from the trusted TSA: the first verifies, the second's CMS signature does not.",
            Spec::hashedrekord()
                .rekor_v2()
                .timestamp(rekor2_ts(Some(BrokenTimestamp::BadSignature)))
                .expect(sha256_only(ok("Timestamps that fail are set aside; one verified timestamp meets the threshold of 1.").decided_by(&[TSA, "pkg/verify/tsa.go: VerifySignedTimestamp"])).item(3)),
        ),
        s(
            "two-timestamps-first-wrong-imprint",
            "Rekor v2 with two RFC 3161 timestamps: the first's message imprint is not over the signature, the second is good.",
            {
                let mut spec = Spec::hashedrekord().rekor_v2();
                spec.timestamps = vec![
                    rekor2_ts(Some(BrokenTimestamp::WrongImprint)),
                    rekor2_ts(None),
                ];
                spec.expect(sha256_only(ok("Order does not matter: the failing timestamp is set aside.").decided_by(&[TSA])).item(3))
            },
        ),
        s(
            "two-timestamps-one-untrusted-tsa",
            "Rekor v2 with a good timestamp and one signed (certificate embedded) by a TSA the trust root does not list.",
            Spec::hashedrekord()
                .rekor_v2()
                .timestamp(rekor2_ts(Some(BrokenTimestamp::UntrustedAuthority)))
                .expect(sha256_only(ok("No trusted authority verifies the rogue token; it is set aside.").decided_by(&[TSA, "pkg/verify/tsa.go: verifySignedTimestamp"])).item(3)),
        ),
        with(
            "private-origin-v1",
            "Rekor v1 checkpoint whose origin names the Rekor pod and its tree ID (`rekor-server-… - <treeID>`), not the host of the log's baseUrl; signed by the log key under that name.",
            Spec::hashedrekord().expect(sha256_only(ok(
                "A Rekor v1 signed tree head (origin matching `.* - [0-9]+$`) is verified by signature (key hint and log key) and root hash only; its origin is never compared with baseUrl.",
            ).decided_by(&["pkg/verify/tlog.go: hasRekorV1STH", "pkg/tlog/entry.go: VerifyInclusion", "rekor pkg/verify/verify.go: VerifyCheckpointSignature", "rekor pkg/util/signed_note.go: (SignedNote).Verify"])).item(2)),
            private_v1_origin,
        ),
        with(
            "private-origin-v1-dsse",
            "As private-origin-v1, for a DSSE bundle (dsse 0.0.1).",
            Spec::dsse().expect(sig_digests(
                ok("As private-origin-v1.").decided_by(&["pkg/verify/tlog.go: hasRekorV1STH"]),
                &[HashAlg::Sha256],
                &[HashAlg::Sha512],
            ).item(2)),
            private_v1_origin,
        ),
        with(
            "rekor2-private-origin",
            "Rekor v2 checkpoint whose origin (and signing key name) is not the host of the log's baseUrl; the trust root's log ID is computed with that origin.",
            Spec::hashedrekord().rekor_v2().expect(Expectation::rejected(
                "A Rekor v2 checkpoint must be signed under the host name of the log's baseUrl: the note verifier is built for that name and finds no matching signature.",
                &[TLOG, "rekor-tiles pkg/note: NewNoteVerifier"],
            ).item(2)),
            private_v2_origin,
        ),
        s(
            "unknown-log-extra-entry",
            "Rekor v1 entry from the trusted log plus a second entry (same body, SET and proof) from a Rekor log the trust root does not list.",
            {
                let mut spec = Spec::hashedrekord();
                spec.unknown_log_entry = true;
                spec.expect(sha256_only(ok(
                    "By our reading sigstore-go verifies this, contrary to issue 12's item 5: entries whose log ID the trust root does not know are skipped (`continue`) and the threshold counts the trusted one. sigstore-python rejects (it requires exactly one entry); edgeverify follows sigstore-go and ignores the entry entirely (TESTING.md).",
                ).decided_by(&[TLOG])).item(5))
            },
        ),
        s(
            "rekor2-log-key-expired",
            "Rekor v2 entry; the trust root's validFor for the v2 log key ended an hour before the TSA time.",
            {
                let mut spec = Spec::hashedrekord().rekor_v2();
                spec.trust_root.rekor_v2 = KeyValidity::EndedBeforeSigning;
                spec.expect(sha256_only(ok(
                    "By our reading sigstore-go does not check a Rekor v2 log key's validFor: only tlog.VerifySET reads the window, and v2 entries have no SET. edgeverify checks it, as issue 12's item 6 asks: a deliberate difference (TESTING.md).",
                ).decided_by(&[TLOG, "pkg/tlog/entry.go: VerifySET"])).item(6))
            },
        ),
        s(
            "rekor2-log-key-not-yet-valid",
            "Rekor v2 entry; the v2 log key's validFor starts an hour after the TSA time.",
            {
                let mut spec = Spec::hashedrekord().rekor_v2();
                spec.trust_root.rekor_v2 = KeyValidity::StartsAfterSigning;
                spec.expect(sha256_only(ok("As rekor2-log-key-expired.").decided_by(&[TLOG])).item(6))
            },
        ),
        s(
            "rekor2-dsse-v002",
            "Rekor v2 DSSE logged as the historical dsse 0.0.2 entry kind (rekor-tiles Oct 2025 – Jun 2026).",
            Spec::dsse()
                .rekor_v2()
                .v2_dsse_kind(V2DsseKind::Dsse)
                .expect(Expectation::rejected(
                    "sigstore-go ≥ 1.2 rebuilds every Rekor v2 entry as hashedrekord 0.0.2 from the bundle, so a dsse 0.0.2 leaf never matches the proof.",
                    &["pkg/verify/tlog.go: reconstructV2EntryHash"],
                ).item(7)),
        ),
        s(
            "hashedrekord-no-digest-hint",
            "Message signature bundle without `messageDigest` (optional in the protobuf).",
            Spec {
                content: Content::MessageSignature {
                    digest_hint: DigestHint::Absent,
                },
                ..Spec::hashedrekord()
            }
            .expect(Expectation::rejected(
                "sigstore-go refuses a message signature without a message digest.",
                &["pkg/bundle/bundle.go: (*Bundle).SignatureContent (ErrMissingVerificationMaterial)"],
            ).item(7)),
        ),
        // ---- Negative controls ----
        s(
            "rekor1-log-key-expired",
            "Rekor v1 entry whose log key validFor ended before the integrated time.",
            {
                let mut spec = Spec::hashedrekord();
                spec.trust_root.rekor_v1 = KeyValidity::EndedBeforeSigning;
                spec.expect(Expectation::rejected(
                    "The SET does not verify outside the key's window, the entry is skipped, and no log entry meets the threshold.",
                    &["pkg/tlog/entry.go: VerifySET", TLOG],
                ).item(6))
            },
        ),
        s(
            "tlog-key-without-validity-start",
            "Trust root whose Rekor v2 log key has `validFor: {}` (no start), as in sigstore-conformance's trust-root-tlog-missing-validity-start_fail.",
            {
                let mut spec = Spec::hashedrekord().rekor_v2();
                spec.trust_root.rekor_v2 = KeyValidity::NoStart;
                spec.expect(Expectation::rejected(
                    "The trust root itself fails to load: a tlog key needs validFor.start.",
                    &["pkg/root/trusted_root.go: ParseTransparencyLogs"],
                ).item(7))
            },
        ),
        s(
            "tlog-key-without-validity",
            "Trust root whose Rekor v1 log key has no `validFor` at all.",
            {
                let mut spec = Spec::hashedrekord();
                spec.trust_root.rekor_v1 = KeyValidity::Absent;
                spec.expect(Expectation::rejected(
                    "The trust root fails to load: a tlog key needs a validity period.",
                    &["pkg/root/trusted_root.go: ParseTransparencyLogs"],
                ))
            },
        ),
        s(
            "v0.1-without-set",
            "Bundle v0.1 whose Rekor v1 entry has an inclusion proof but no SET (v0.1 requires the SET).",
            Spec::hashedrekord()
                .version(BundleVersion::V0_1)
                .rekor_v1(false, true)
                .expect(Expectation::rejected(
                    "Every tlog entry of a v0.1 bundle must carry an inclusion promise.",
                    &["pkg/bundle/bundle.go: (*Bundle).validate"],
                )),
        ),
        s(
            "v0.2-without-inclusion-proof",
            "Bundle v0.2 whose Rekor v1 entry has a SET but no inclusion proof (v0.2 requires the proof).",
            Spec::hashedrekord()
                .version(BundleVersion::V0_2)
                .rekor_v1(true, false)
                .expect(Expectation::rejected(
                    "Every tlog entry of a bundle ≥ v0.2 must carry an inclusion proof.",
                    &["pkg/bundle/bundle.go: (*Bundle).validate"],
                )),
        ),
        s(
            "integrated-time-after-certificate",
            "Rekor v1 integrated time 20 minutes after the leaf's notBefore (10-minute certificate).",
            {
                let mut spec = Spec::hashedrekord();
                spec.integrated_time_offset = 1200;
                spec.expect(Expectation::rejected(
                    "The integrated time lies outside the certificate's validity.",
                    &[TLOG, VERIFY],
                ))
            },
        ),
        s(
            "rekor2-only-untrusted-timestamp",
            "Rekor v2 whose only RFC 3161 timestamp comes from an untrusted TSA: no verified time.",
            {
                let mut spec = Spec::hashedrekord().rekor_v2();
                spec.timestamps = vec![rekor2_ts(Some(BrokenTimestamp::UntrustedAuthority))];
                spec.expect(Expectation::rejected(
                    "No timestamp verifies, so the threshold of one signed timestamp is not met.",
                    &[TSA],
                ))
            },
        ),
    ]
}

impl Spec {
    /// Rekor v2 with exactly this one timestamp.
    pub fn rekor_v2_with(mut self, ts: TimestampSpec) -> Self {
        self = self.rekor_v2();
        self.timestamps = vec![ts];
        self
    }
}
