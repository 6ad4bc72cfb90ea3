//! Mutation test: every passing vector (sigstore-conformance passes, the attack suite's `pass`
//! scenarios, SLSA provenance bundles), with each signed or bound field changed in turn, must be
//! rejected, and at the stage documented for that field in [`EXPECTED`].
//!
//! A field listed as [`Expect::Unbound`] is one that nothing signs, by design; its mutants are
//! asserted to be *accepted*, so that the list of unbound fields stays exact: if one of them
//! ever becomes bound (or a bound one unbound) this test says so.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use edgeverify_core::slsa::SlsaPolicy;
use edgeverify_core::{
    verify, Artifact, Bundle, CertificateIdentity, Digest, HashAlgorithm, Policy, PublicKey, Stage,
    TrustRoot,
};
use serde_json::Value;

const DEFAULT_IDENTITY: &str = "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
const DEFAULT_ISSUER: &str = "https://token.actions.githubusercontent.com";

/// What must happen to a mutant of a field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Expect {
    /// Rejected, by an error of this stage.
    Rejected(Stage),
    /// Accepted: the field is not signed or bound by anything, and verification does not rely
    /// on it.
    Unbound,
    /// The evidence is set aside (sigstore-go `VerifySignedTimestampWithThreshold`): the
    /// bundle verifies with one verified time fewer when another one remains, and is rejected
    /// at this stage when it was the only one.
    SetAside(Stage),
}

use Expect::{Rejected, SetAside, Unbound};

/// Every field class the test mutates: the expected outcome, and why it is that stage. The
/// stage is the one that was running when the mutant was refused (`verify` attaches it, as
/// sigstore-go wraps each stage's error). The bundle is read first (its structure, its signer,
/// the DSSE payload type and statement), then the transparency log (which binds the signature,
/// the signer and the content, the artifact's digest included, before anything else is
/// checked), then times, certificate, signature and policy; a field is rejected at the first
/// stage that covers it.
const EXPECTED: &[(&str, Expect, &str)] = &[
    // -- signature and content --
    ("messageSignature.signature", Rejected(Stage::TransparencyLog),
     "the log entry records the signature bytes; the entry is bound before the signature is checked"),
    ("messageSignature.messageDigest.digest", Rejected(Stage::TransparencyLog),
     "a hint: sigstore-go requires it to be the digest the log entry records"),
    ("messageSignature.messageDigest.algorithm", Rejected(Stage::Bundle),
     "the digest no longer has the algorithm's length"),
    ("dsseEnvelope.payload (valid JSON, one byte more)", Rejected(Stage::TransparencyLog),
     "the log entry records the payload hash (Rekor v1) or the PAE digest (Rekor v2)"),
    ("dsseEnvelope.payload (subject digest)", Rejected(Stage::TransparencyLog),
     "as above: any change to the statement changes the logged hash"),
    ("dsseEnvelope.payloadType", Rejected(Stage::Bundle),
     "only in-toto payloads are accepted, checked when the bundle's content is read"),
    ("dsseEnvelope.signatures[0].sig", Rejected(Stage::TransparencyLog),
     "the log entry records the envelope signature"),
    ("dsseEnvelope.signatures[0].keyid", Unbound,
     "DSSE keyid is an unauthenticated hint (not in the PAE); the key comes from the certificate"),
    // -- signer --
    ("certificate (leaf)", Rejected(Stage::TransparencyLog),
     "the log entry records the signing certificate, compared as DER"),
    ("x509CertificateChain (CA after the leaf)", Rejected(Stage::Certificate),
     "bundled CA certificates are never used, and one the trust root does not hold is refused"),
    ("publicKey.hint", Unbound,
     "an unauthenticated hint; the key is the one the caller pins"),
    // -- transparency log --
    ("tlogEntries[].logIndex", Rejected(Stage::TransparencyLog),
     "covered by the SET (Rekor v1) and equal to the proof's index (Rekor v2)"),
    ("tlogEntries[].integratedTime", Rejected(Stage::TransparencyLog),
     "covered by the SET"),
    ("tlogEntries[].integratedTime (added to Rekor v2)", Rejected(Stage::Bundle),
     "Rekor v2 logs no time; a time there is refused as an unauthenticated claim"),
    ("tlogEntries[].logId.keyId", Rejected(Stage::TransparencyLog),
     "selects the log: an unknown log is skipped, and then no log vouches (threshold)"),
    ("tlogEntries[].kindVersion.kind (another supported kind)", Rejected(Stage::TransparencyLog),
     "must equal the body's kind"),
    ("tlogEntries[].kindVersion.kind (an unsupported kind)", Rejected(Stage::Bundle),
     "an entry type this verifier does not accept is refused when the bundle is read"),
    ("tlogEntries[].kindVersion.version", Rejected(Stage::Bundle),
     "0.0.3 names no supported entry type: refused when the bundle is read"),
    ("tlogEntries[].canonicalizedBody (valid JSON, one byte more)", Rejected(Stage::TransparencyLog),
     "the SET and the Merkle leaf hash cover the exact body bytes"),
    ("tlogEntries[].canonicalizedBody (byte flipped)", Rejected(Stage::TransparencyLog),
     "the body is parsed and bound to the bundle, and hashed into the SET and the leaf"),
    ("tlogEntries[].inclusionPromise.signedEntryTimestamp", Rejected(Stage::TransparencyLog),
     "verified with the log key"),
    ("tlogEntries[].inclusionProof.logIndex", Rejected(Stage::TransparencyLog),
     "the leaf position in the Merkle path"),
    ("tlogEntries[].inclusionProof.treeSize", Rejected(Stage::TransparencyLog),
     "determines the path shape, and must equal the signed checkpoint's"),
    ("tlogEntries[].inclusionProof.rootHash", Rejected(Stage::TransparencyLog),
     "must be the computed root and the signed checkpoint's"),
    ("tlogEntries[].inclusionProof.hashes[]", Rejected(Stage::TransparencyLog),
     "each hash feeds the computed root"),
    ("checkpoint origin line", Rejected(Stage::TransparencyLog),
     "signed by the log; a Rekor v2 origin must also be the log's host (a v1 origin names the server, not the baseUrl)"),
    ("checkpoint tree size line", Rejected(Stage::TransparencyLog),
     "signed by the log"),
    ("checkpoint root hash line", Rejected(Stage::TransparencyLog),
     "signed by the log"),
    ("checkpoint extension line", Rejected(Stage::TransparencyLog),
     "signed by the log (everything up to the blank line is)"),
    ("checkpoint log signature", Rejected(Stage::TransparencyLog),
     "the line with the log's key hint (Rekor v2: and the log's host as key name) must verify"),
    ("checkpoint other signer's signature", Unbound,
     "witness cosignatures (or lines with another key hint): we hold no key for them, so they can neither help nor hurt"),
    // -- timestamps --
    ("rfc3161Timestamps[] (CMS signature)", SetAside(Stage::Timestamp),
     "verified with the TSA key; one that fails is set aside"),
    ("rfc3161Timestamps[] (TSTInfo genTime)", SetAside(Stage::Timestamp),
     "the TSTInfo digest is a signed attribute; one that fails is set aside"),
    ("mediaType (another version)", Unbound,
     "selects structural rules only; every version still demands the same verified evidence"),
    // -- what the caller supplies --
    ("artifact (bytes), message signature", Rejected(Stage::TransparencyLog),
     "ArtifactDigestMismatch against the digest the log entry records"),
    ("artifact (SHA-256 digest), message signature", Rejected(Stage::TransparencyLog),
     "as above, with a digest instead of bytes"),
    ("artifact (bytes), DSSE", Rejected(Stage::Signature),
     "ArtifactDigestMismatch against the statement subjects (the log records the envelope only)"),
    ("artifact (SHA-256 digest), DSSE", Rejected(Stage::Signature),
     "as above, with a digest instead of bytes"),
    ("policy identity (SAN)", Rejected(Stage::Identity), "SubjectMismatch"),
    ("policy issuer", Rejected(Stage::Identity), "IssuerMismatch"),
    ("policy public key", Rejected(Stage::TransparencyLog),
     "the log entry records the key, so another key fails the binding first"),
    ("SLSA policy source URI", Rejected(Stage::Provenance), "ErrorMismatchSource"),
    ("SLSA policy branch", Rejected(Stage::Provenance), "ErrorMismatchBranch"),
];

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data")
}

fn b64() -> &'static base64::engine::GeneralPurpose {
    &base64::engine::general_purpose::STANDARD
}

/// The policy a vector verifies under.
#[derive(Clone)]
enum PolicySpec {
    Identity {
        san: String,
        issuer: String,
    },
    Key(String),
    Slsa {
        source: String,
        branch: Option<String>,
    },
}

impl PolicySpec {
    fn build(&self) -> Policy {
        match self {
            Self::Identity { san, issuer } => {
                Policy::Identity(CertificateIdentity::exact(san, issuer).unwrap())
            }
            Self::Key(pem) => Policy::PublicKey(PublicKey::from_pem(pem).unwrap()),
            Self::Slsa { source, branch } => {
                let mut p = SlsaPolicy::new(source).unwrap();
                if let Some(b) = branch {
                    p = p.with_source_branch(b).unwrap();
                }
                Policy::Slsa(p)
            }
        }
    }
}

#[derive(Clone)]
enum ArtifactSpec {
    Bytes(Vec<u8>),
    Sha256([u8; 32]),
}

/// A passing vector.
struct Vector {
    name: String,
    bundle: Value,
    root: TrustRoot,
    artifact: ArtifactSpec,
    policy: PolicySpec,
}

impl Vector {
    fn run(
        &self,
        bundle: &Value,
        artifact: &ArtifactSpec,
        policy: &PolicySpec,
    ) -> Result<usize, edgeverify_core::Error> {
        let bundle = Bundle::from_json(&serde_json::to_vec(bundle).unwrap())?;
        let policy = policy.build();
        match artifact {
            ArtifactSpec::Bytes(b) => verify(&self.root, &bundle, Artifact::Bytes(b), &policy),
            ArtifactSpec::Sha256(d) => {
                let d = Digest::new(HashAlgorithm::Sha256, d).unwrap();
                verify(&self.root, &bundle, Artifact::Digests(&[d]), &policy)
            }
        }
        .map(|v| v.verified_times().len())
    }
}

fn read_trimmed(dir: &Path, file: &str) -> Option<String> {
    fs::read_to_string(dir.join(file))
        .ok()
        .map(|s| s.trim().to_string())
}

/// A vector directory in the conformance or attack layout.
fn vector_from_dir(name: String, dir: &Path, default_artifact: &Path) -> Vector {
    let root = match fs::read(dir.join("trusted_root.json")) {
        Ok(json) => TrustRoot::from_json(&json).unwrap(),
        Err(_) => TrustRoot::embedded_production().unwrap(),
    };
    let policy = match read_trimmed(dir, "key.pub") {
        Some(pem) => PolicySpec::Key(pem),
        None => PolicySpec::Identity {
            san: read_trimmed(dir, "identity").unwrap_or(DEFAULT_IDENTITY.into()),
            issuer: read_trimmed(dir, "issuer").unwrap_or(DEFAULT_ISSUER.into()),
        },
    };
    let artifact =
        fs::read(dir.join("artifact")).unwrap_or_else(|_| fs::read(default_artifact).unwrap());
    Vector {
        name,
        bundle: serde_json::from_slice(&fs::read(dir.join("bundle.sigstore.json")).unwrap())
            .unwrap(),
        root,
        artifact: ArtifactSpec::Bytes(artifact),
        policy,
    }
}

fn hex32(hex: &str) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (i, b) in out.iter_mut().enumerate() {
        *b = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap();
    }
    out
}

fn vectors() -> Vec<Vector> {
    let mut out = Vec::new();
    let conformance = data().join("sigstore-conformance");
    let a_txt = conformance.join("a.txt");
    let mut dirs: Vec<PathBuf> = fs::read_dir(&conformance)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("bundle.sigstore.json").exists())
        .filter(|p| !p.file_name().unwrap().to_string_lossy().ends_with("fail"))
        // Its chain is RSA-signed: the pure-Rust crypto provider (feature `rustcrypto` without
        // `ring`) rejects it unmutated, as tests/conformance.rs asserts.
        .filter(|p| cfg!(feature = "ring") || !p.ends_with("bundle-with-sct-with-extensions"))
        .collect();
    dirs.sort();
    for dir in dirs {
        let name = format!("conformance/{}", dir.file_name().unwrap().to_string_lossy());
        out.push(vector_from_dir(name, &dir, &a_txt));
    }
    let mut attacks: Vec<PathBuf> = fs::read_dir(data().join("attacks"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| read_trimmed(p, "expected").as_deref() == Some("pass"))
        .collect();
    attacks.sort();
    for dir in attacks {
        let name = format!("attacks/{}", dir.file_name().unwrap().to_string_lossy());
        out.push(vector_from_dir(name, &dir, &a_txt));
    }
    // SLSA provenance: the README example, and slsa-verifier bundles of each builder kind
    // that pass their manifest row without a tag or builder flag.
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/artifacts");
    out.push(Vector {
        name: "slsa/examples/binary-linux-amd64".into(),
        bundle: serde_json::from_slice(
            &fs::read(example.join("binary-linux-amd64.intoto.jsonl")).unwrap(),
        )
        .unwrap(),
        root: TrustRoot::embedded_production().unwrap(),
        artifact: ArtifactSpec::Bytes(fs::read(example.join("binary-linux-amd64")).unwrap()),
        policy: PolicySpec::Slsa {
            source: "github.com/slsa-framework/example-package".into(),
            branch: Some("main".into()),
        },
    });
    let slsa_dir = data().join("slsa-verifier");
    let slsa_root =
        TrustRoot::from_json(&fs::read(slsa_dir.join("trusted_root.json")).unwrap()).unwrap();
    let manifest = fs::read_to_string(slsa_dir.join("MANIFEST.tsv")).unwrap();
    let mut lines = manifest.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    let col = |row: &[&str], name: &str| {
        let i = header.iter().position(|h| *h == name).unwrap();
        row.get(i).copied().unwrap_or("").to_string()
    };
    let mut kinds_seen = Vec::new();
    for line in lines {
        let row: Vec<&str> = line.split('\t').collect();
        let kind: String = col(&row, "provenance")
            .split('/')
            .rev()
            .nth(2)
            .unwrap_or("")
            .to_string();
        if col(&row, "command") != "verify-artifact"
            || col(&row, "offline_verifiable") != "yes"
            || col(&row, "oracle_production_mode") != "pass"
            || !col(&row, "builder_id").is_empty()
            || !col(&row, "source_tag").is_empty()
            || !col(&row, "source_versioned_tag").is_empty()
            || kinds_seen.contains(&kind)
        {
            continue;
        }
        kinds_seen.push(kind);
        let provenance = col(&row, "provenance");
        let branch = Some(col(&row, "source_branch")).filter(|b| !b.is_empty());
        out.push(Vector {
            name: format!("slsa-verifier/{provenance}"),
            bundle: serde_json::from_slice(&fs::read(slsa_dir.join(&provenance)).unwrap()).unwrap(),
            root: slsa_root.clone(),
            artifact: ArtifactSpec::Sha256(hex32(&col(&row, "artifact_sha256"))),
            policy: PolicySpec::Slsa {
                source: col(&row, "source_uri"),
                branch,
            },
        });
    }
    out
}

// ---- Mutations ----

/// One mutant: which field class, where, and the changed inputs.
struct Mutant {
    class: &'static str,
    place: String,
    bundle: Value,
    artifact: Option<ArtifactSpec>,
    policy: Option<PolicySpec>,
}

fn flip_b64(text: &str, index_from_end: usize) -> String {
    let mut bytes = b64().decode(text).unwrap();
    let i = bytes.len().saturating_sub(1 + index_from_end);
    bytes[i] ^= 0x01;
    b64().encode(bytes)
}

fn bump(v: &Value) -> Value {
    match v {
        Value::String(s) => Value::String((s.parse::<u64>().unwrap() + 1).to_string()),
        Value::Number(n) => Value::from(n.as_u64().unwrap() + 1),
        other => panic!("not an integer: {other}"),
    }
}

/// Applies `f` to a copy of the bundle at a JSON pointer.
fn with(bundle: &Value, pointer: &str, f: impl FnOnce(&mut Value)) -> Value {
    let mut b = bundle.clone();
    f(b.pointer_mut(pointer)
        .unwrap_or_else(|| panic!("no {pointer}")));
    b
}

fn mutants(v: &Vector) -> Vec<Mutant> {
    let b = &v.bundle;
    let mut out = Vec::new();
    let mut push = |class: &'static str, place: String, bundle: Value| {
        out.push(Mutant {
            class,
            place,
            bundle,
            artifact: None,
            policy: None,
        });
    };
    let flip_at = |pointer: &str, from_end: usize| {
        with(b, pointer, |x| {
            *x = Value::String(flip_b64(x.as_str().unwrap(), from_end))
        })
    };

    if b.pointer("/messageSignature").is_some() {
        push(
            "messageSignature.signature",
            "/messageSignature/signature".into(),
            flip_at("/messageSignature/signature", 0),
        );
        if b.pointer("/messageSignature/messageDigest").is_some() {
            push(
                "messageSignature.messageDigest.digest",
                "/messageSignature/messageDigest/digest".into(),
                flip_at("/messageSignature/messageDigest/digest", 0),
            );
            push(
                "messageSignature.messageDigest.algorithm",
                "/messageSignature/messageDigest/algorithm".into(),
                with(b, "/messageSignature/messageDigest/algorithm", |x| {
                    *x = "SHA2_384".into()
                }),
            );
        }
    }
    if let Some(env) = b.pointer("/dsseEnvelope") {
        let payload = b64().decode(env["payload"].as_str().unwrap()).unwrap();
        let mut longer = payload.clone();
        longer.push(b' ');
        push(
            "dsseEnvelope.payload (valid JSON, one byte more)",
            "/dsseEnvelope/payload".into(),
            with(b, "/dsseEnvelope/payload", |x| {
                *x = b64().encode(&longer).into()
            }),
        );
        let mut statement: Value = serde_json::from_slice(&payload).unwrap();
        let digest = statement.pointer_mut("/subject/0/digest/sha256").unwrap();
        let mut hex = digest.as_str().unwrap().to_string();
        let first = if hex.starts_with('0') { "1" } else { "0" };
        hex.replace_range(0..1, first);
        *digest = hex.into();
        let changed = serde_json::to_vec(&statement).unwrap();
        push(
            "dsseEnvelope.payload (subject digest)",
            "/dsseEnvelope/payload".into(),
            with(b, "/dsseEnvelope/payload", |x| {
                *x = b64().encode(&changed).into()
            }),
        );
        push(
            "dsseEnvelope.payloadType",
            "/dsseEnvelope/payloadType".into(),
            with(b, "/dsseEnvelope/payloadType", |x| {
                *x = "application/json".into()
            }),
        );
        push(
            "dsseEnvelope.signatures[0].sig",
            "/dsseEnvelope/signatures/0/sig".into(),
            flip_at("/dsseEnvelope/signatures/0/sig", 0),
        );
        push(
            "dsseEnvelope.signatures[0].keyid",
            "/dsseEnvelope/signatures/0/keyid".into(),
            with(b, "/dsseEnvelope/signatures/0", |x| {
                x["keyid"] = "attacker-chosen".into();
            }),
        );
    }

    let vm = "/verificationMaterial";
    if b.pointer(&format!("{vm}/certificate")).is_some() {
        let p = format!("{vm}/certificate/rawBytes");
        push("certificate (leaf)", p.clone(), flip_at(&p, 0));
    }
    if let Some(chain) = b.pointer(&format!("{vm}/x509CertificateChain/certificates")) {
        let n = chain.as_array().unwrap().len();
        let p = format!("{vm}/x509CertificateChain/certificates/0/rawBytes");
        push("certificate (leaf)", p.clone(), flip_at(&p, 0));
        for i in 1..n {
            let p = format!("{vm}/x509CertificateChain/certificates/{i}/rawBytes");
            push(
                "x509CertificateChain (CA after the leaf)",
                p.clone(),
                flip_at(&p, 0),
            );
        }
    }
    if b.pointer(&format!("{vm}/publicKey")).is_some() {
        push(
            "publicKey.hint",
            format!("{vm}/publicKey/hint"),
            with(b, &format!("{vm}/publicKey"), |x| {
                x["hint"] = "YXR0YWNrZXI=".into();
            }),
        );
    }

    let entries = b
        .pointer(&format!("{vm}/tlogEntries"))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for (i, e) in entries.iter().enumerate() {
        let at = |rest: &str| format!("{vm}/tlogEntries/{i}/{rest}");
        let rekor_v2 =
            e["kindVersion"]["version"] == "0.0.2" && e["kindVersion"]["kind"] != "intoto";
        push(
            "tlogEntries[].logIndex",
            at("logIndex"),
            with(b, &at("logIndex"), |x| *x = bump(x)),
        );
        match e.get("integratedTime") {
            Some(t) if t != "0" && t != 0 => {
                push(
                    "tlogEntries[].integratedTime",
                    at("integratedTime"),
                    with(b, &at("integratedTime"), |x| *x = bump(x)),
                );
            }
            _ if rekor_v2 => {
                let mut mutated = b.clone();
                mutated
                    .pointer_mut(&format!("{vm}/tlogEntries/{i}"))
                    .unwrap()["integratedTime"] = e
                    .pointer("/inclusionProof/treeSize")
                    .map(|_| "1740000000".into())
                    .unwrap();
                push(
                    "tlogEntries[].integratedTime (added to Rekor v2)",
                    at("integratedTime"),
                    mutated,
                );
            }
            _ => {}
        }
        push(
            "tlogEntries[].logId.keyId",
            at("logId/keyId"),
            flip_at(&at("logId/keyId"), 0),
        );
        // Another supported kind of the same Rekor generation, or for intoto (which has no
        // sibling) a real Rekor kind that is not supported.
        let (other_kind, kind_class) = match e["kindVersion"]["kind"].as_str().unwrap() {
            "hashedrekord" => (
                "dsse",
                "tlogEntries[].kindVersion.kind (another supported kind)",
            ),
            "dsse" => (
                "hashedrekord",
                "tlogEntries[].kindVersion.kind (another supported kind)",
            ),
            _ => (
                "rekord",
                "tlogEntries[].kindVersion.kind (an unsupported kind)",
            ),
        };
        push(
            kind_class,
            at("kindVersion/kind"),
            with(b, &at("kindVersion/kind"), |x| *x = other_kind.into()),
        );
        push(
            "tlogEntries[].kindVersion.version",
            at("kindVersion/version"),
            with(b, &at("kindVersion/version"), |x| *x = "0.0.3".into()),
        );
        let body = b64()
            .decode(e["canonicalizedBody"].as_str().unwrap())
            .unwrap();
        let mut longer = body.clone();
        longer.push(b' ');
        push(
            "tlogEntries[].canonicalizedBody (valid JSON, one byte more)",
            at("canonicalizedBody"),
            with(b, &at("canonicalizedBody"), |x| {
                *x = b64().encode(&longer).into()
            }),
        );
        for from_end in [1, body.len() / 2] {
            push(
                "tlogEntries[].canonicalizedBody (byte flipped)",
                format!("{} (byte -{from_end})", at("canonicalizedBody")),
                flip_at(&at("canonicalizedBody"), from_end),
            );
        }
        if e.get("inclusionPromise").is_some() {
            let p = at("inclusionPromise/signedEntryTimestamp");
            push(
                "tlogEntries[].inclusionPromise.signedEntryTimestamp",
                p.clone(),
                flip_at(&p, 0),
            );
        }
        if let Some(proof) = e.get("inclusionProof") {
            push(
                "tlogEntries[].inclusionProof.logIndex",
                at("inclusionProof/logIndex"),
                with(b, &at("inclusionProof/logIndex"), |x| *x = bump(x)),
            );
            push(
                "tlogEntries[].inclusionProof.treeSize",
                at("inclusionProof/treeSize"),
                with(b, &at("inclusionProof/treeSize"), |x| *x = bump(x)),
            );
            push(
                "tlogEntries[].inclusionProof.rootHash",
                at("inclusionProof/rootHash"),
                flip_at(&at("inclusionProof/rootHash"), 0),
            );
            for j in 0..proof["hashes"].as_array().map_or(0, Vec::len) {
                let p = at(&format!("inclusionProof/hashes/{j}"));
                push(
                    "tlogEntries[].inclusionProof.hashes[]",
                    p.clone(),
                    flip_at(&p, 0),
                );
            }
            let log_id = b64().decode(e["logId"]["keyId"].as_str().unwrap()).unwrap();
            let p = at("inclusionProof/checkpoint/envelope");
            for (class, note) in checkpoint_mutants(
                proof["checkpoint"]["envelope"].as_str().unwrap(),
                &log_id[..4],
            ) {
                push(class, p.clone(), with(b, &p, |x| *x = note.into()));
            }
        }
    }

    let tsa = format!("{vm}/timestampVerificationData/rfc3161Timestamps");
    for (k, ts) in b
        .pointer(&tsa)
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        let p = format!("{tsa}/{k}/signedTimestamp");
        let der = b64()
            .decode(ts["signedTimestamp"].as_str().unwrap())
            .unwrap();
        push(
            "rfc3161Timestamps[] (CMS signature)",
            p.clone(),
            flip_at(&p, 0),
        );
        // GeneralizedTime "YYYYMMDDHHMMSS…Z": change the seconds' last digit.
        let at = der
            .windows(2)
            .position(|w| w[0] == 0x18 && (0x0f..=0x13).contains(&w[1]))
            .expect("TSTInfo genTime");
        let mut changed = der.clone();
        let digit = at + 2 + 13;
        changed[digit] = if changed[digit] == b'0' { b'1' } else { b'0' };
        push(
            "rfc3161Timestamps[] (TSTInfo genTime)",
            p.clone(),
            with(b, &p, |x| *x = b64().encode(&changed).into()),
        );
    }

    let media = b["mediaType"].as_str().unwrap();
    let other_media = if media.contains("0.3") {
        if media.contains("v0.3+json") {
            "application/vnd.dev.sigstore.bundle+json;version=0.3"
        } else {
            "application/vnd.dev.sigstore.bundle.v0.3+json"
        }
    } else if media.ends_with("0.1") {
        "application/vnd.dev.sigstore.bundle+json;version=0.2"
    } else {
        "application/vnd.dev.sigstore.bundle+json;version=0.1"
    };
    // v0.1 needs a SET on every entry and v0.2+ an inclusion proof: only move a bundle to a
    // version whose structural rules its evidence meets.
    let all_have_set = entries.iter().all(|e| e.get("inclusionPromise").is_some());
    let all_have_proof = entries.iter().all(|e| e.get("inclusionProof").is_some());
    if (other_media.ends_with("0.1") && all_have_set)
        || (!other_media.ends_with("0.1") && all_have_proof)
    {
        push(
            "mediaType (another version)",
            "/mediaType".into(),
            with(b, "/mediaType", |x| *x = other_media.into()),
        );
    }

    // What the caller supplies.
    let mut caller = |class: &'static str,
                      place: &str,
                      artifact: Option<ArtifactSpec>,
                      policy: Option<PolicySpec>| {
        out.push(Mutant {
            class,
            place: place.into(),
            bundle: b.clone(),
            artifact,
            policy,
        });
    };
    let dsse = v.bundle.get("dsseEnvelope").is_some();
    let (bytes_class, digest_class) = if dsse {
        ("artifact (bytes), DSSE", "artifact (SHA-256 digest), DSSE")
    } else {
        (
            "artifact (bytes), message signature",
            "artifact (SHA-256 digest), message signature",
        )
    };
    match &v.artifact {
        ArtifactSpec::Bytes(bytes) => {
            let mut changed = bytes.clone();
            changed[0] ^= 0x01;
            caller(
                bytes_class,
                "artifact[0]",
                Some(ArtifactSpec::Bytes(changed.clone())),
                None,
            );
            let digest = HashAlgorithm::Sha256.digest(&changed);
            caller(
                digest_class,
                "sha256(artifact)",
                Some(ArtifactSpec::Sha256(digest.as_bytes().try_into().unwrap())),
                None,
            );
        }
        ArtifactSpec::Sha256(d) => {
            let mut changed = *d;
            changed[31] ^= 0x01;
            caller(
                digest_class,
                "sha256(artifact)",
                Some(ArtifactSpec::Sha256(changed)),
                None,
            );
        }
    }
    match &v.policy {
        PolicySpec::Identity { san, issuer } => {
            caller(
                "policy identity (SAN)",
                "identity",
                None,
                Some(PolicySpec::Identity {
                    san: format!("{san}x"),
                    issuer: issuer.clone(),
                }),
            );
            caller(
                "policy issuer",
                "issuer",
                None,
                Some(PolicySpec::Identity {
                    san: san.clone(),
                    issuer: "https://accounts.google.com".into(),
                }),
            );
        }
        PolicySpec::Key(_) => {
            let other = fs::read_to_string(data().join("keys/p384.pub")).unwrap();
            caller(
                "policy public key",
                "key",
                None,
                Some(PolicySpec::Key(other)),
            );
        }
        PolicySpec::Slsa { source, branch } => {
            caller(
                "SLSA policy source URI",
                "source_uri",
                None,
                Some(PolicySpec::Slsa {
                    source: format!("{source}x"),
                    branch: branch.clone(),
                }),
            );
            caller(
                "SLSA policy branch",
                "source_branch",
                None,
                Some(PolicySpec::Slsa {
                    source: source.clone(),
                    branch: Some("not-the-branch".into()),
                }),
            );
        }
    }
    out
}

/// Mutants of a checkpoint note: each body line, and each signature line's signature (bound
/// when it has the log's key name and hint, otherwise another signer's).
fn checkpoint_mutants(note: &str, log_hint: &[u8]) -> Vec<(&'static str, String)> {
    let (body, sigs) = note.split_once("\n\n").unwrap();
    let body_lines: Vec<&str> = body.split('\n').collect();
    let origin = body_lines[0];
    let log_name = origin.split(" - ").next().unwrap();
    let rebuild =
        |lines: &[String], sig_block: &str| format!("{}\n\n{}", lines.join("\n"), sig_block);
    let mut out = Vec::new();
    for (i, line) in body_lines.iter().enumerate() {
        let mut lines: Vec<String> = body_lines.iter().map(|s| s.to_string()).collect();
        let (class, changed) = match i {
            0 => ("checkpoint origin line", format!("{line}x")),
            1 => (
                "checkpoint tree size line",
                (line.parse::<u64>().unwrap() + 1).to_string(),
            ),
            2 => ("checkpoint root hash line", flip_b64(line, 0)),
            _ => ("checkpoint extension line", format!("{line}x")),
        };
        lines[i] = changed;
        out.push((class, rebuild(&lines, sigs)));
    }
    let sig_lines: Vec<&str> = sigs.trim_end_matches('\n').split('\n').collect();
    let body_owned: Vec<String> = body_lines.iter().map(|s| s.to_string()).collect();
    for (i, line) in sig_lines.iter().enumerate() {
        let rest = line.strip_prefix("\u{2014} ").unwrap();
        let (name, sig) = rest.split_once(' ').unwrap();
        let decoded = b64().decode(sig).unwrap();
        let ours = name == log_name && decoded[..4] == *log_hint;
        let mut lines: Vec<String> = sig_lines.iter().map(|s| s.to_string()).collect();
        lines[i] = format!("\u{2014} {name} {}", flip_b64(sig, 0));
        let class = if ours {
            "checkpoint log signature"
        } else {
            "checkpoint other signer's signature"
        };
        out.push((
            class,
            rebuild(&body_owned, &format!("{}\n", lines.join("\n"))),
        ));
    }
    out
}

#[test]
fn every_mutant_of_a_bound_field_is_rejected_at_its_stage() {
    let expected: BTreeMap<&str, Expect> = EXPECTED.iter().map(|(c, e, _)| (*c, *e)).collect();
    let vectors = vectors();
    assert!(vectors.len() >= 27, "only {} vectors", vectors.len());
    let mut wrong = Vec::new();
    let mut per_class: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut total = 0;
    for v in &vectors {
        let times = v
            .run(&v.bundle, &v.artifact, &v.policy)
            .unwrap_or_else(|e| panic!("{}: the unmutated vector must pass: {e}", v.name));
        let mut classes_here = Vec::new();
        for m in mutants(v) {
            total += 1;
            let want = *expected
                .get(m.class)
                .unwrap_or_else(|| panic!("class {} not in EXPECTED", m.class));
            let result = v.run(
                &m.bundle,
                m.artifact.as_ref().unwrap_or(&v.artifact),
                m.policy.as_ref().unwrap_or(&v.policy),
            );
            let got = match (&result, want) {
                // Set aside, and another verified time remains: verified, one time fewer.
                (Ok(n), SetAside(stage)) if *n + 1 == times && times > 1 => SetAside(stage),
                // Set aside, and it was the only one: rejected in its own words.
                (Err(e), SetAside(stage)) if times == 1 && e.stage() == stage => SetAside(stage),
                (Ok(_), _) => Unbound,
                (Err(e), _) => Rejected(e.stage()),
            };
            if got != want {
                let detail = result
                    .err()
                    .map_or("accepted".to_string(), |e| format!("{e} ({e:?})"));
                wrong.push(format!(
                    "{} {} [{}]: expected {want:?}, got {detail}",
                    v.name, m.place, m.class
                ));
            }
            let counts = per_class.entry(m.class).or_default();
            counts.0 += 1;
            if !classes_here.contains(&m.class) {
                classes_here.push(m.class);
                counts.1 += 1;
            }
        }
    }
    eprintln!("{total} mutants of {} vectors:", vectors.len());
    for (class, want, why) in EXPECTED {
        let (n, nv) = per_class.get(class).copied().unwrap_or_default();
        eprintln!("  {n:4} mutants / {nv:2} vectors  {class}: {want:?} ({why})");
    }
    let unexercised: Vec<&str> = EXPECTED
        .iter()
        .map(|(c, _, _)| *c)
        .filter(|c| !per_class.contains_key(c))
        .collect();
    assert!(
        unexercised.is_empty(),
        "classes never exercised: {unexercised:?}"
    );
    assert!(
        wrong.is_empty(),
        "{} mutant(s) wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}
