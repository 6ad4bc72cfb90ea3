//! Every bound in `edgeverify_core::limits` that a caller can reach through the public API,
//! tested at the limit (accepted, or rejected for another reason than the limit) and at the
//! limit + 1 (rejected with `LimitExceeded`). Bounds on private parsers (checkpoint signature
//! lines and size, SCTs, subjects and digests per subject, DSSE signatures in a log entry body)
//! are tested beside those parsers; the SLSA statement bounds in `slsa.rs`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::fs;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use edgeverify_core::limits::*;
use edgeverify_core::{
    verify, Artifact, Bundle, CertificateIdentity, Error, Matcher, Policy, TrustRoot,
};
use serde_json::{json, Value};

const IDENTITY: &str = "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
const ISSUER: &str = "https://token.actions.githubusercontent.com";

fn conformance() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sigstore-conformance")
}

fn bundle_json(case: &str) -> Value {
    serde_json::from_slice(
        &fs::read(conformance().join(case).join("bundle.sigstore.json")).unwrap(),
    )
    .unwrap()
}

fn production_json() -> Value {
    serde_json::from_slice(
        &fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("trust/production.trusted_root.json"))
            .unwrap(),
    )
    .unwrap()
}

fn parse(v: &Value) -> Result<Bundle, Error> {
    Bundle::from_json(&serde_json::to_vec(v).unwrap())
}

/// Verifies a production bundle over `a.txt` with the conformance identity.
fn verify_production(bundle: &Bundle) -> Result<(), Error> {
    let root = TrustRoot::embedded_production().unwrap();
    let artifact = fs::read(conformance().join("a.txt")).unwrap();
    let policy = Policy::Identity(CertificateIdentity::exact(IDENTITY, ISSUER).unwrap());
    verify(&root, bundle, Artifact::Bytes(&artifact), &policy).map(|_| ())
}

fn is_limit(r: &Result<impl Sized, Error>, limit: usize) -> bool {
    matches!(r, Err(e) if matches!(e.cause(), Error::LimitExceeded { limit: l, .. } if *l == limit))
}

/// The error's variant, without the stage it arose in.
fn cause<T>(r: Result<T, Error>) -> Result<T, Error> {
    r.map_err(|e| e.cause().clone())
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[test]
fn bundle_bytes() {
    let text = serde_json::to_vec(&bundle_json("happy-path-v0.3")).unwrap();
    let pad = |n: usize| {
        let mut t = text.clone();
        t.resize(n, b' ');
        t
    };
    // Trailing whitespace is valid JSON: at the limit the bundle still verifies.
    let at = Bundle::from_json(&pad(MAX_BUNDLE_BYTES)).unwrap();
    verify_production(&at).unwrap();
    assert!(is_limit(
        &Bundle::from_json(&pad(MAX_BUNDLE_BYTES + 1)),
        MAX_BUNDLE_BYTES
    ));
}

/// `depth` nested arrays inside a top-level object: `{"x":[[…]]}` nests `depth + 1` deep.
fn nested(depth: usize) -> String {
    format!("{}{}", "[".repeat(depth), "]".repeat(depth))
}

#[test]
fn json_depth() {
    // Bundle: at the limit the depth check passes and the (unknown) field is what fails.
    let at = format!(r#"{{"x":{}}}"#, nested(MAX_JSON_DEPTH - 1));
    assert!(matches!(
        cause(Bundle::from_json(at.as_bytes())),
        Err(Error::MalformedJson { .. })
    ));
    let over = format!(r#"{{"x":{}}}"#, nested(MAX_JSON_DEPTH));
    assert!(is_limit(
        &Bundle::from_json(over.as_bytes()),
        MAX_JSON_DEPTH
    ));

    // Trust root: a CA's free-form `subject` may nest; at the limit the root loads. Root
    // object, `certificateAuthorities`, the CA and `subject` are four levels.
    let mut root = production_json();
    let deep: Value = serde_json::from_str(&nested(MAX_JSON_DEPTH - 4)).unwrap();
    root["certificateAuthorities"][0]["subject"] = json!({ "x": deep });
    TrustRoot::from_json(&serde_json::to_vec(&root).unwrap()).unwrap();
    let deeper: Value = serde_json::from_str(&nested(MAX_JSON_DEPTH - 3)).unwrap();
    root["certificateAuthorities"][0]["subject"] = json!({ "x": deeper });
    assert!(is_limit(
        &TrustRoot::from_json(&serde_json::to_vec(&root).unwrap()),
        MAX_JSON_DEPTH
    ));
}

#[test]
fn tlog_entries() {
    // The real entry plus entries from logs the trust root does not know (skipped): at the
    // limit the bundle parses and verifies.
    let mut b = bundle_json("happy-path-v0.3");
    let real = b["verificationMaterial"]["tlogEntries"][0].clone();
    let with_entries = |b: &mut Value, n: usize| {
        let mut entries = vec![real.clone()];
        for i in 1..n {
            let mut e = real.clone();
            e["logId"]["keyId"] = b64(&[u8::try_from(i).unwrap(); 32]).into();
            entries.push(e);
        }
        b["verificationMaterial"]["tlogEntries"] = Value::Array(entries);
    };
    with_entries(&mut b, MAX_TLOG_ENTRIES);
    verify_production(&parse(&b).unwrap()).unwrap();
    with_entries(&mut b, MAX_TLOG_ENTRIES + 1);
    assert!(is_limit(&parse(&b), MAX_TLOG_ENTRIES));
}

#[test]
fn timestamps() {
    let mut b = bundle_json("rekor2-happy-path");
    let ts = b["verificationMaterial"]["timestampVerificationData"]["rfc3161Timestamps"][0].clone();
    b["verificationMaterial"]["timestampVerificationData"]["rfc3161Timestamps"] =
        Value::Array(vec![ts.clone(); MAX_TIMESTAMPS]);
    parse(&b).unwrap();
    b["verificationMaterial"]["timestampVerificationData"]["rfc3161Timestamps"] =
        Value::Array(vec![ts; MAX_TIMESTAMPS + 1]);
    assert!(is_limit(&parse(&b), MAX_TIMESTAMPS));
}

#[test]
fn proof_hashes() {
    let mut b = bundle_json("happy-path-v0.3");
    let hash = b["verificationMaterial"]["tlogEntries"][0]["inclusionProof"]["hashes"][0].clone();
    let proof = "/verificationMaterial/tlogEntries/0/inclusionProof/hashes";
    *b.pointer_mut(proof).unwrap() = Value::Array(vec![hash.clone(); MAX_PROOF_HASHES]);
    // Parses; a 64-hash proof is not this tree's shape, so the proof check refuses it.
    let at = parse(&b).unwrap();
    assert!(matches!(
        cause(verify_production(&at)),
        Err(Error::InclusionProofInvalid { .. })
    ));
    *b.pointer_mut(proof).unwrap() = Value::Array(vec![hash; MAX_PROOF_HASHES + 1]);
    assert!(is_limit(&parse(&b), MAX_PROOF_HASHES));
}

#[test]
fn bundled_chain_certificates() {
    // v0.1: leaf + copies of the trust root's Fulcio intermediate (trusted, never used).
    let mut b = bundle_json("happy-path-v0.1");
    let chain = "/verificationMaterial/x509CertificateChain/certificates";
    let leaf = b.pointer(chain).unwrap()[0].clone();
    let root = production_json();
    let cas = root["certificateAuthorities"].as_array().unwrap();
    let intermediate = cas.last().unwrap()["certChain"]["certificates"][0].clone();
    let with = |b: &mut Value, n: usize| {
        let mut certs = vec![leaf.clone()];
        certs.extend(std::iter::repeat_n(intermediate.clone(), n - 1));
        *b.pointer_mut(chain).unwrap() = Value::Array(certs);
    };
    with(&mut b, MAX_CHAIN_CERTIFICATES);
    verify_production(&parse(&b).unwrap()).unwrap();
    with(&mut b, MAX_CHAIN_CERTIFICATES + 1);
    assert!(is_limit(&parse(&b), MAX_CHAIN_CERTIFICATES));
}

#[test]
fn trust_root_chain_certificates() {
    let mut root = production_json();
    let certs = root["certificateAuthorities"][0]["certChain"]["certificates"].clone();
    let one = certs[0].clone();
    let with = |root: &mut Value, n: usize| {
        root["certificateAuthorities"][0]["certChain"]["certificates"] =
            Value::Array(vec![one.clone(); n]);
        TrustRoot::from_json(&serde_json::to_vec(root).unwrap())
    };
    with(&mut root, MAX_CHAIN_CERTIFICATES).unwrap();
    assert!(is_limit(
        &with(&mut root, MAX_CHAIN_CERTIFICATES + 1),
        MAX_CHAIN_CERTIFICATES
    ));
}

#[test]
fn certificate_bytes() {
    let mut b = bundle_json("happy-path-v0.3");
    let cert = "/verificationMaterial/certificate/rawBytes";
    // At the limit the size check passes and the DER parser refuses the filler.
    *b.pointer_mut(cert).unwrap() = b64(&vec![0x30; MAX_CERTIFICATE_BYTES]).into();
    let at = parse(&b).unwrap();
    assert!(matches!(
        cause(verify_production(&at)),
        Err(Error::CertificateInvalid { .. })
    ));
    *b.pointer_mut(cert).unwrap() = b64(&vec![0x30; MAX_CERTIFICATE_BYTES + 1]).into();
    assert!(is_limit(&parse(&b), MAX_CERTIFICATE_BYTES));
}

#[test]
fn checkpoint_bytes() {
    let mut b = bundle_json("happy-path-v0.3");
    let p = "/verificationMaterial/tlogEntries/0/inclusionProof/checkpoint/envelope";
    let note = b.pointer(p).unwrap().as_str().unwrap().to_string();
    let padded = |n: usize| {
        // Longer origin text: still a single, well-formed note.
        let (origin, rest) = note.split_once('\n').unwrap();
        let filler = "x".repeat(n - note.len());
        format!("{origin}{filler}\n{rest}")
    };
    *b.pointer_mut(p).unwrap() = padded(MAX_CHECKPOINT_BYTES).into();
    let at = parse(&b).unwrap();
    // The origin changed, so the checkpoint no longer names the log.
    assert!(matches!(
        cause(verify_production(&at)),
        Err(Error::CheckpointInvalid { .. })
    ));
    *b.pointer_mut(p).unwrap() = padded(MAX_CHECKPOINT_BYTES + 1).into();
    assert!(is_limit(&parse(&b), MAX_CHECKPOINT_BYTES));
}

#[test]
fn dsse_signatures() {
    let mut b = bundle_json("happy-path-intoto-in-dsse-v3");
    let sig = b["dsseEnvelope"]["signatures"][0].clone();
    b["dsseEnvelope"]["signatures"] = Value::Array(vec![sig.clone(); MAX_DSSE_SIGNATURES]);
    // Within the bound, but exactly one signature is accepted.
    assert!(matches!(cause(parse(&b)), Err(Error::DsseInvalid { .. })));
    b["dsseEnvelope"]["signatures"] = Value::Array(vec![sig; MAX_DSSE_SIGNATURES + 1]);
    assert!(is_limit(&parse(&b), MAX_DSSE_SIGNATURES));
}

#[test]
fn trust_root_bytes_and_entries() {
    let root = production_json();
    let text = serde_json::to_vec(&root).unwrap();
    let pad = |n: usize| {
        let mut t = text.clone();
        t.resize(n, b' ');
        t
    };
    TrustRoot::from_json(&pad(MAX_TRUST_ROOT_BYTES)).unwrap();
    assert!(is_limit(
        &TrustRoot::from_json(&pad(MAX_TRUST_ROOT_BYTES + 1)),
        MAX_TRUST_ROOT_BYTES
    ));

    for kind in [
        "tlogs",
        "ctlogs",
        "certificateAuthorities",
        "timestampAuthorities",
    ] {
        let one = root[kind][0].clone();
        let mut r = root.clone();
        r[kind] = Value::Array(vec![one.clone(); MAX_TRUST_ROOT_ENTRIES]);
        TrustRoot::from_json(&serde_json::to_vec(&r).unwrap())
            .unwrap_or_else(|e| panic!("{kind} at the limit: {e}"));
        r[kind] = Value::Array(vec![one; MAX_TRUST_ROOT_ENTRIES + 1]);
        assert!(
            is_limit(
                &TrustRoot::from_json(&serde_json::to_vec(&r).unwrap()),
                MAX_TRUST_ROOT_ENTRIES
            ),
            "{kind}"
        );
    }
}

#[test]
fn pattern_bytes() {
    let at = "a".repeat(MAX_PATTERN_BYTES);
    let over = "a".repeat(MAX_PATTERN_BYTES + 1);
    assert!(Matcher::exact(&at).unwrap().matches(&at));
    assert!(is_limit(&Matcher::exact(&over), MAX_PATTERN_BYTES));
    assert!(Matcher::regex(&at).unwrap().matches(&at));
    assert!(is_limit(&Matcher::regex(&over), MAX_PATTERN_BYTES));
}

#[test]
fn regex_compiled_size() {
    // 1,000 repetitions compile within MAX_REGEX_SIZE_BYTES; a million (nested counted
    // repetition) would not, and is refused rather than allocated.
    assert!(Matcher::regex("a{1000}")
        .unwrap()
        .matches(&"a".repeat(1000)));
    assert!(matches!(
        Matcher::regex("(a{1000}){1000}"),
        Err(Error::InvalidInput { .. })
    ));
}
