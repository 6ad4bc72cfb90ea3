//! The test instance against today's edgeverify (edgeverify-core, in process): its happy
//! paths verify, every tampered copy of them fails, and on every catalog scenario edgeverify
//! gives sigstore-go's verdict except for the deliberate differences of issue 12 (listed in
//! `core/tests/data/interop/DIFFERENCES.tsv`), so that closing one of them, or opening a new
//! one, fails this test until the list is updated.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use edgeverify_core::{
    verify, Artifact as EvArtifact, Bundle, CertificateIdentity, Digest, HashAlgorithm, Policy,
    PublicKey, TrustRoot, VerifiedBundle,
};
use edgeverify_testinstance::catalog::{self, DEFAULT_SEED};
use edgeverify_testinstance::tamper::Tamper;
use edgeverify_testinstance::{
    Artifact, GeneratedContent, HashAlg, Instance, Output, Spec, TimestampSpec, Verdict,
};

/// The scenarios every verifier must accept (and the base of the tamper tests).
const HAPPY: &[&str] = &[
    "v0.1-hashedrekord",
    "v0.1-hashedrekord-set-only",
    "v0.2-hashedrekord",
    "v0.3-hashedrekord",
    "v0.3-hashedrekord-legacy-media-type",
    "v0.3-hashedrekord-checkpoint-timestamp",
    "v0.3-hashedrekord-p384",
    "v0.3-hashedrekord-email",
    "v0.3-hashedrekord-rekor1-and-tsa",
    "v0.3-dsse",
    "v0.2-intoto",
    "rekor2-hashedrekord",
    "rekor2-dsse",
    "rekor2-witnessed",
    "rekor2-tsa-without-embedded-cert",
    "managed-key",
    "managed-key-rekor2",
];

/// Where edgeverify deliberately differs from sigstore-go, as `(scenario, input)`; input is
/// `file` (the artifact's bytes) or `sha256`/`sha384`/`sha512` (a digest). The list is the
/// `testinstance/` part of `core/tests/data/interop/DIFFERENCES.tsv`, which every front end's
/// interop test reads and TESTING.md explains: one list, so that closing a difference, or
/// opening a new one, fails here until it is updated.
fn known_differences() -> Vec<(String, String)> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../core/tests/data/interop/DIFFERENCES.tsv"
    );
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| {
            let mut cols = l.split('\t');
            let case = cols.next()?.strip_prefix("testinstance/")?;
            Some((case.to_string(), cols.next()?.to_string()))
        })
        .collect()
}

fn core_alg(alg: HashAlg) -> HashAlgorithm {
    match alg {
        HashAlg::Sha256 => HashAlgorithm::Sha256,
        HashAlg::Sha384 => HashAlgorithm::Sha384,
        HashAlg::Sha512 => HashAlgorithm::Sha512,
        _ => unreachable!("a new hash algorithm needs a mapping here"),
    }
}

fn policy(out: &Output) -> Policy {
    match (&out.identity, &out.issuer, &out.key_pem) {
        (Some(id), Some(issuer), _) => {
            Policy::Identity(CertificateIdentity::exact(id, issuer).unwrap())
        }
        (_, _, Some(pem)) => Policy::PublicKey(PublicKey::from_pem(pem).unwrap()),
        _ => panic!("output names neither an identity nor a key"),
    }
}

/// edgeverify's verdict on `out`: with the artifact bytes (`digest` = None) or with one
/// digest only.
fn edgeverify(out: &Output, digest: Option<HashAlg>) -> Result<VerifiedBundle, String> {
    let root = TrustRoot::from_json(out.trusted_root_json().unwrap().as_bytes())
        .map_err(|e| format!("trust root: {e}"))?;
    let bundle =
        Bundle::from_json(out.bundle_json().unwrap().as_bytes()).map_err(|e| e.to_string())?;
    let policy = policy(out);
    match digest {
        None => {
            let bytes = out.artifact.bytes.as_deref().expect("in-memory artifact");
            verify(&root, &bundle, EvArtifact::Bytes(bytes), &policy)
        }
        Some(alg) => {
            let d = Digest::new(core_alg(alg), out.artifact.digests.get(alg)).unwrap();
            verify(&root, &bundle, EvArtifact::Digests(&[d]), &policy)
        }
    }
    .map_err(|e| e.to_string())
}

fn generate(name: &str) -> Output {
    catalog::find(name)
        .unwrap_or_else(|| panic!("no scenario {name}"))
        .generate_default(DEFAULT_SEED)
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn happy_paths_verify_with_edgeverify() {
    for name in HAPPY {
        let out = generate(name);
        let verified = edgeverify(&out, None).unwrap_or_else(|e| panic!("{name}: {e}"));
        // What edgeverify reports is what the instance did.
        assert_eq!(verified.identity(), out.identity.as_deref(), "{name}");
        assert_eq!(verified.issuer(), out.issuer.as_deref(), "{name}");
        assert_eq!(
            verified.artifact_sha256().unwrap().as_bytes(),
            out.artifact.digests.sha256.as_slice(),
            "{name}"
        );
        let bundle_index: u64 = out.bundle["verificationMaterial"]["tlogEntries"][0]["logIndex"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(verified.log_entries()[0].log_index, bundle_index, "{name}");
        // Every verified time is one the instance produced: the integrated time (signing
        // time + 2 s) and/or the TSA time (signing time + 2 s).
        assert!(!verified.verified_times().is_empty(), "{name}");
        for t in verified.verified_times() {
            assert_eq!(t.as_secs(), out.signing_time + 2, "{name}");
        }
        // And with the digest a verifier would stream: the key's hash for message
        // signatures, SHA-256 for statements.
        let alg = if *name == "v0.3-hashedrekord-p384" {
            HashAlg::Sha384
        } else {
            HashAlg::Sha256
        };
        edgeverify(&out, Some(alg)).unwrap_or_else(|e| panic!("{name} ({alg:?} digest): {e}"));
    }
}

#[test]
fn tampered_happy_paths_fail() {
    let mut applied = std::collections::BTreeMap::new();
    for name in HAPPY {
        let out = generate(name);
        for tamper in Tamper::ALL {
            let Some(bad) = tamper.apply(&out).unwrap() else {
                continue;
            };
            // With a second time source (the SET), a failing timestamp is set aside (issue 12
            // item 3, sigstore-go's semantics): verified on the SET's time alone.
            if tamper == Tamper::TimestampSignature && *name == "v0.3-hashedrekord-rekor1-and-tsa" {
                let verified = edgeverify(&bad, None).unwrap();
                assert_eq!(verified.verified_times().len(), 1, "{name}");
                assert!(verified.integrated_time().is_some(), "{name}");
                continue;
            }
            *applied.entry(format!("{tamper:?}")).or_insert(0) += 1;
            assert!(
                edgeverify(&bad, None).is_err(),
                "{name} with {tamper:?} verified"
            );
        }
    }
    // Every kind of change applied to at least two scenarios.
    for tamper in Tamper::ALL {
        let n = applied.get(&format!("{tamper:?}")).copied().unwrap_or(0);
        assert!(n >= 2, "{tamper:?} applied to {n} scenarios");
    }
}

#[test]
fn catalog_verdicts_match_sigstore_go_except_known_differences() {
    let mut differences = Vec::new();
    let mut compared = 0;
    for scenario in catalog::all() {
        let out = scenario.generate_default(DEFAULT_SEED).unwrap();
        let exp = scenario
            .expectation()
            .unwrap_or_else(|| panic!("{} states no expectation", scenario.name));
        let mut inputs = vec![("file", None, exp.verdict)];
        for alg in HashAlg::ALL {
            if let Some(v) = exp.digest_verdict(alg) {
                inputs.push((alg.name(), Some(alg), v));
            }
        }
        // Rejected with the artifact means rejected with a digest: less to go on cannot make
        // a bundle verify.
        if exp.verdict == Verdict::Rejected && exp.digest_verdicts.is_empty() {
            inputs.push(("sha256", Some(HashAlg::Sha256), Verdict::Rejected));
        }
        for (input, digest, expected) in inputs {
            compared += 1;
            let got = match edgeverify(&out, digest) {
                Ok(_) => Verdict::Verified,
                Err(_) => Verdict::Rejected,
            };
            if got != expected {
                differences.push((scenario.name, input));
            }
        }
    }
    let differences: Vec<(String, String)> = differences
        .into_iter()
        .map(|(s, i)| (s.to_string(), i.to_string()))
        .collect();
    let known = known_differences();
    assert!(
        known.len() >= 8,
        "DIFFERENCES.tsv lists {} scenarios",
        known.len()
    );
    let unexpected: Vec<_> = differences.iter().filter(|d| !known.contains(d)).collect();
    let closed: Vec<_> = known.iter().filter(|k| !differences.contains(k)).collect();
    assert!(
        unexpected.is_empty() && closed.is_empty(),
        "edgeverify vs sigstore-go changed.\n  new differences: {unexpected:?}\n  \
         differences that no longer exist (remove them from DIFFERENCES.tsv): {closed:?}"
    );
    assert!(compared > 60, "only {compared} comparisons");
}

#[test]
fn a_sha512_only_subject_matches_by_the_bytes_or_its_sha512() {
    // Issue 12 item 1: the statement names the artifact by SHA-512 only. Given the bytes,
    // edgeverify hashes them with the subjects' algorithms; given a digest, only SHA-512 can
    // match. (The front ends hash a file with every algorithm the bundle needs.)
    let out = generate("dsse-sha512-only-subject");
    let verified = edgeverify(&out, None).unwrap();
    assert_eq!(verified.matched_digest().algorithm(), HashAlgorithm::Sha512);
    edgeverify(&out, Some(HashAlg::Sha512)).unwrap();
    assert!(edgeverify(&out, Some(HashAlg::Sha256)).is_err());
}

#[test]
fn unknown_log_entry_is_present_and_skipped() {
    let out = generate("unknown-log-extra-entry");
    let entries = out.bundle["verificationMaterial"]["tlogEntries"]
        .as_array()
        .unwrap();
    assert_eq!(entries.len(), 2);
    assert_ne!(entries[0]["logId"], entries[1]["logId"]);
    let root_ids: Vec<&serde_json::Value> = out.trusted_root["tlogs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| &t["logId"])
        .collect();
    assert!(root_ids.contains(&&entries[0]["logId"]));
    assert!(!root_ids.contains(&&entries[1]["logId"]));
    let verified = edgeverify(&out, None).unwrap();
    assert_eq!(verified.log_entries().len(), 1);
}

/// 1 GiB, generated and streamed: the instance never holds it, and edgeverify verifies the
/// bundle from the streamed digest. Memory use is measured outside tests (see the README).
#[test]
fn one_gib_streamed_artifact() {
    const SIZE: u64 = 1 << 30;
    let mut instance = Instance::new("one-gib").unwrap();
    let spec = Spec::hashedrekord()
        .rekor_v2()
        .timestamp(TimestampSpec::default());
    let out = instance
        .sign(
            &spec,
            Artifact::reader("big.bin", GeneratedContent::new("big", SIZE)),
        )
        .unwrap();
    assert_eq!(out.artifact.size, SIZE);
    assert!(out.artifact.bytes.is_none());
    // An independent SHA-256 of the same stream, through edgeverify's hasher.
    let mut hasher = edgeverify_core::Hasher::new(HashAlgorithm::Sha256);
    let mut content = GeneratedContent::new("big", SIZE);
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = std::io::Read::read(&mut content, &mut buf).unwrap();
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    let digest = hasher.finish();
    assert_eq!(digest.as_bytes(), out.artifact.digests.sha256.as_slice());
    let root = TrustRoot::from_json(out.trusted_root_json().unwrap().as_bytes()).unwrap();
    let bundle = Bundle::from_json(out.bundle_json().unwrap().as_bytes()).unwrap();
    verify(
        &root,
        &bundle,
        EvArtifact::Digests(&[digest]),
        &policy(&out),
    )
    .unwrap();
}
