//! What to sign and how: a [`Spec`] is plain data with a builder on top, so a new variant is a
//! new field or enum case and the places that read it.

use serde_json::{json, Value};

use crate::crypto::{HashAlg, KeyAlg};
use crate::expectation::Expectation;
use crate::identity::Identity;
use crate::tsa::BrokenTimestamp;

/// The bundle media type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum BundleVersion {
    /// `application/vnd.dev.sigstore.bundle+json;version=0.1`: SET required, proof optional.
    V0_1,
    /// `application/vnd.dev.sigstore.bundle+json;version=0.2`: inclusion proof required.
    V0_2,
    /// `application/vnd.dev.sigstore.bundle.v0.3+json`: a single `certificate`.
    V0_3,
    /// `application/vnd.dev.sigstore.bundle+json;version=0.3`: the legacy spelling of v0.3.
    V0_3Legacy,
}

impl BundleVersion {
    /// The `mediaType` string.
    pub fn media_type(self) -> &'static str {
        match self {
            Self::V0_1 => "application/vnd.dev.sigstore.bundle+json;version=0.1",
            Self::V0_2 => "application/vnd.dev.sigstore.bundle+json;version=0.2",
            Self::V0_3 => "application/vnd.dev.sigstore.bundle.v0.3+json",
            Self::V0_3Legacy => "application/vnd.dev.sigstore.bundle+json;version=0.3",
        }
    }

    /// Whether the signer goes in `certificate` (v0.3) rather than `x509CertificateChain`.
    pub fn single_certificate(self) -> bool {
        matches!(self, Self::V0_3 | Self::V0_3Legacy)
    }
}

/// Which certificates a v0.1/v0.2 `x509CertificateChain` carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum BundledChain {
    /// The leaf only (sigstore-python, sigstore-js).
    Leaf,
    /// Leaf, intermediate and root (cosign, sigstore-go, slsa-github-generator).
    LeafAndCas,
}

/// How the bundle's `messageSignature.messageDigest` hint is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DigestHint {
    /// The digest in the signing key's hash (what every client writes).
    KeyHash,
    /// No `messageDigest` (the field is optional in the protobuf).
    Absent,
}

/// The in-toto statement a DSSE envelope carries.
#[derive(Clone, Debug, PartialEq)]
pub struct StatementSpec {
    /// `_type`.
    pub statement_type: String,
    /// Which of the artifact's digests its subject lists (`sha256`, …).
    pub digest_algs: Vec<HashAlg>,
    /// Other subjects listed before the artifact's (digests of their names).
    pub subjects_before: usize,
    /// Other subjects listed after the artifact's.
    pub subjects_after: usize,
    /// `predicateType`.
    pub predicate_type: String,
    /// `predicate`.
    pub predicate: Value,
    /// `payloadType` of the envelope.
    pub payload_type: String,
}

impl Default for StatementSpec {
    fn default() -> Self {
        Self {
            statement_type: "https://in-toto.io/Statement/v1".into(),
            digest_algs: vec![HashAlg::Sha256],
            subjects_before: 0,
            subjects_after: 0,
            predicate_type: "https://slsa.dev/provenance/v1".into(),
            predicate: json!({
                "buildDefinition": {
                    "buildType": "https://edgeverify.test/buildtypes/testinstance@v1",
                    "externalParameters": {},
                    "internalParameters": {},
                    "resolvedDependencies": []
                },
                "runDetails": {
                    "builder": {"id": "https://edgeverify.test/builders/testinstance"},
                    "metadata": {"invocationId": "testinstance"}
                }
            }),
            payload_type: "application/vnd.in-toto+json".into(),
        }
    }
}

/// What is signed.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Content {
    /// A message signature over the artifact (`hashedrekord`).
    MessageSignature {
        /// How the digest hint is written.
        digest_hint: DigestHint,
    },
    /// A DSSE envelope over an in-toto statement whose subject is the artifact.
    Dsse(StatementSpec),
}

/// Who signs.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Signer {
    /// A fresh key certified by the Fulcio-like CA for `identity`.
    Certificate {
        /// The certified identity.
        identity: Identity,
        /// The leaf key's algorithm (P-256 like Fulcio's default, or P-384).
        key: KeyAlg,
    },
    /// The instance's self-managed key (bundle `publicKey`; the verifier is given the PEM).
    ManagedKey {
        /// Its algorithm.
        key: KeyAlg,
    },
}

/// How Rekor v1 logs a DSSE envelope.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum V1DsseKind {
    /// `dsse` 0.0.1 (sigstore-python, sigstore-go, cosign ≥ 2.x).
    Dsse,
    /// `intoto` 0.0.2 (sigstore-js / npm, slsa-github-generator).
    Intoto,
}

/// How Rekor v2 logs a DSSE envelope.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum V2DsseKind {
    /// `hashedrekord` 0.0.2 over the PAE (rekor-tiles since June 2026).
    HashedRekord,
    /// `dsse` 0.0.2 (rekor-tiles October 2025 – June 2026).
    Dsse,
}

/// What a Rekor v2 entry records as the verifier.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum V2VerifierKind {
    /// The bundle's certificate (or, for managed keys, the key).
    AsBundle,
    /// `publicKey`: the signer's own key, while the bundle carries its certificate.
    SignerPublicKey,
    /// `publicKey`: a different key than the signer's.
    OtherPublicKey,
}

/// The transparency-log evidence.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Tlog {
    /// The Rekor v1 log.
    RekorV1 {
        /// Include the signed entry timestamp (`inclusionPromise`).
        set: bool,
        /// Include the inclusion proof and checkpoint.
        proof: bool,
        /// The entry kind for DSSE content.
        dsse_kind: V1DsseKind,
    },
    /// The Rekor v2 log.
    RekorV2 {
        /// The recorded verifier.
        verifier: V2VerifierKind,
        /// The entry kind for DSSE content.
        dsse_kind: V2DsseKind,
    },
    /// No log entry at all.
    None,
}

/// One RFC 3161 timestamp over the signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TimestampSpec {
    /// Embed the TSA leaf in the token (`certificates`).
    pub embed_certificate: bool,
    /// The message imprint's hash.
    pub imprint: HashAlg,
    /// Break it (for threshold variants).
    pub broken: Option<BrokenTimestamp>,
    /// Seconds after the signing time (may be negative, for out-of-validity variants).
    pub offset: i64,
}

impl Default for TimestampSpec {
    fn default() -> Self {
        Self {
            embed_certificate: true,
            imprint: HashAlg::Sha256,
            broken: None,
            offset: 2,
        }
    }
}

/// A trust-root log key's `validFor`, relative to the signing time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyValidity {
    /// From the log's creation, open-ended.
    Open,
    /// `validFor: {}`: no start (malformed per sigstore-go).
    NoStart,
    /// No `validFor` at all.
    Absent,
    /// Ended one hour before the signature.
    EndedBeforeSigning,
    /// Starts one hour after the signature.
    StartsAfterSigning,
}

/// Changes to the `trusted_root.json` written with a bundle.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrustRootSpec {
    /// The Rekor v1 key's window.
    pub rekor_v1: KeyValidity,
    /// The Rekor v2 key's window.
    pub rekor_v2: KeyValidity,
    /// List the TSA.
    pub include_tsa: bool,
    /// `mediaType`.
    pub media_type: String,
}

impl Default for TrustRootSpec {
    fn default() -> Self {
        Self {
            rekor_v1: KeyValidity::Open,
            rekor_v2: KeyValidity::Open,
            include_tsa: true,
            media_type: "application/vnd.dev.sigstore.trustedroot+json;version=0.1".into(),
        }
    }
}

/// Everything about one signature. `Spec::default()` is a v0.3 hashedrekord bundle from a
/// GitHub Actions identity, logged in Rekor v1 with SET and inclusion proof.
#[derive(Clone, Debug, PartialEq)]
pub struct Spec {
    /// What is signed.
    pub content: Content,
    /// Who signs.
    pub signer: Signer,
    /// The media type.
    pub version: BundleVersion,
    /// v0.1/v0.2 chain contents.
    pub bundled_chain: BundledChain,
    /// The log evidence.
    pub tlog: Tlog,
    /// RFC 3161 timestamps, in bundle order.
    pub timestamps: Vec<TimestampSpec>,
    /// Also log the entry in a Rekor v1 log the trust root does not list, and add that entry
    /// after the trusted one.
    pub unknown_log_entry: bool,
    /// Seconds added to the Rekor v1 integrated time (negative: before the certificate).
    pub integrated_time_offset: i64,
    /// The trust root written alongside.
    pub trust_root: TrustRootSpec,
    /// The expected verdict under sigstore-go semantics, if the caller states one.
    pub expectation: Option<Expectation>,
}

impl Default for Spec {
    fn default() -> Self {
        Self {
            content: Content::MessageSignature {
                digest_hint: DigestHint::KeyHash,
            },
            signer: Signer::Certificate {
                identity: Identity::default(),
                key: KeyAlg::EcdsaP256,
            },
            version: BundleVersion::V0_3,
            bundled_chain: BundledChain::LeafAndCas,
            tlog: Tlog::RekorV1 {
                set: true,
                proof: true,
                dsse_kind: V1DsseKind::Dsse,
            },
            timestamps: Vec::new(),
            unknown_log_entry: false,
            integrated_time_offset: 0,
            trust_root: TrustRootSpec::default(),
            expectation: None,
        }
    }
}

impl Spec {
    /// A message signature (hashedrekord), v0.3, Rekor v1.
    pub fn hashedrekord() -> Self {
        Self::default()
    }

    /// A DSSE envelope over a default in-toto statement, v0.3, Rekor v1 `dsse` 0.0.1.
    pub fn dsse() -> Self {
        Self {
            content: Content::Dsse(StatementSpec::default()),
            ..Self::default()
        }
    }

    /// The bundle media type.
    pub fn version(mut self, version: BundleVersion) -> Self {
        self.version = version;
        self
    }

    /// Sign as `identity` with a Fulcio certificate.
    pub fn identity(mut self, identity: Identity) -> Self {
        let key = match self.signer {
            Signer::Certificate { key, .. } | Signer::ManagedKey { key } => key,
        };
        self.signer = Signer::Certificate { identity, key };
        self
    }

    /// The leaf (or managed) key algorithm.
    pub fn key(mut self, alg: KeyAlg) -> Self {
        match &mut self.signer {
            Signer::Certificate { key, .. } | Signer::ManagedKey { key } => *key = alg,
        }
        self
    }

    /// Sign with the instance's self-managed key instead of a certificate.
    pub fn managed_key(mut self) -> Self {
        let key = match self.signer {
            Signer::Certificate { key, .. } | Signer::ManagedKey { key } => key,
        };
        self.signer = Signer::ManagedKey { key };
        self
    }

    /// Rekor v1 with SET and inclusion proof as chosen.
    pub fn rekor_v1(mut self, set: bool, proof: bool) -> Self {
        let dsse_kind = match self.tlog {
            Tlog::RekorV1 { dsse_kind, .. } => dsse_kind,
            _ => V1DsseKind::Dsse,
        };
        self.tlog = Tlog::RekorV1 {
            set,
            proof,
            dsse_kind,
        };
        self
    }

    /// Rekor v1 `intoto` 0.0.2 entries for DSSE content.
    pub fn intoto_entry(mut self) -> Self {
        if let Tlog::RekorV1 { dsse_kind, .. } = &mut self.tlog {
            *dsse_kind = V1DsseKind::Intoto;
        }
        self
    }

    /// Rekor v2 with one RFC 3161 timestamp (Rekor v2 gives no time).
    pub fn rekor_v2(mut self) -> Self {
        self.tlog = Tlog::RekorV2 {
            verifier: V2VerifierKind::AsBundle,
            dsse_kind: V2DsseKind::HashedRekord,
        };
        if self.timestamps.is_empty() {
            self.timestamps.push(TimestampSpec::default());
        }
        self
    }

    /// What the Rekor v2 entry records as the verifier.
    pub fn v2_verifier(mut self, kind: V2VerifierKind) -> Self {
        if let Tlog::RekorV2 { verifier, .. } = &mut self.tlog {
            *verifier = kind;
        }
        self
    }

    /// How Rekor v2 logs DSSE content.
    pub fn v2_dsse_kind(mut self, kind: V2DsseKind) -> Self {
        if let Tlog::RekorV2 { dsse_kind, .. } = &mut self.tlog {
            *dsse_kind = kind;
        }
        self
    }

    /// Adds an RFC 3161 timestamp.
    pub fn timestamp(mut self, ts: TimestampSpec) -> Self {
        self.timestamps.push(ts);
        self
    }

    /// The statement (DSSE content only).
    pub fn statement(mut self, edit: impl FnOnce(&mut StatementSpec)) -> Self {
        if let Content::Dsse(st) = &mut self.content {
            edit(st);
        }
        self
    }

    /// States the sigstore-go verdict for the output's expectation file.
    pub fn expect(mut self, expectation: Expectation) -> Self {
        self.expectation = Some(expectation);
        self
    }
}
