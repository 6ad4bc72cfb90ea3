//! edgeverify against sigstore-go's verdicts (issue 12), case by case, on two kinds of
//! directories:
//!
//! - `tests/data/interop/<source>/<case>/`: real bundles copied from other Sigstore clients'
//!   test assets (npm, PyPI, GitHub Actions, staging, private "scaffolding" instances), with
//!   their trust roots;
//! - `tests/data/testinstance/<scenario>/`: bundles from edgeverify-testinstance, a private
//!   instance that makes the variants no real log has (regenerated and checked by
//!   `.ci/steps/11-testinstance.sh`).
//!
//! Each has an `expectation.json` giving sigstore-go's verdict for the artifact and for each
//! digest form, with the reason and the sigstore-go code that decides it. edgeverify must give
//! the same verdict except where `tests/data/interop/DIFFERENCES.tsv` records a deliberate
//! difference (each explained in TESTING.md); an entry there that no longer differs fails too.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod interop_cases;

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use edgeverify_core::{
    artifact_hash_algorithms, hex_decode, verify, Artifact, Bundle, CertificateIdentity, Digest,
    Error, HashAlgorithm, Hasher, Policy, PublicKey, TrustRoot, VerifiedBundle,
};
use interop_cases::Case;
use serde_json::Value;

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data")
}

fn cases(top: &str) -> Vec<Case> {
    interop_cases::cases(&data(), &[top])
}

fn parse_digest(text: &str) -> Digest {
    let (alg, hex) = text.trim().split_once(':').unwrap();
    Digest::new(
        HashAlgorithm::from_name(alg).unwrap(),
        &hex_decode(hex).unwrap(),
    )
    .unwrap()
}

/// What the core needs of a case beyond reading it.
trait CoreCase {
    fn artifact(&self) -> Option<Vec<u8>>;
    fn digests(&self) -> Vec<Digest>;
    fn trust_root(&self) -> Result<TrustRoot, Error>;
    fn policy(&self) -> Policy;
    fn run(&self, input: &str) -> Result<VerifiedBundle, Error>;
}

impl CoreCase for Case {
    fn artifact(&self) -> Option<Vec<u8>> {
        fs::read(self.dir.join("artifact")).ok()
    }

    /// The artifact's digests: from the artifact, else from `artifact.digests`.
    fn digests(&self) -> Vec<Digest> {
        match self.artifact() {
            Some(bytes) => [
                HashAlgorithm::Sha256,
                HashAlgorithm::Sha384,
                HashAlgorithm::Sha512,
            ]
            .iter()
            .map(|a| a.digest(&bytes))
            .collect(),
            None => self
                .read("artifact.digests")
                .unwrap_or_else(|| panic!("{}: neither artifact nor artifact.digests", self.name))
                .lines()
                .map(parse_digest)
                .collect(),
        }
    }

    fn trust_root(&self) -> Result<TrustRoot, Error> {
        match fs::read(self.dir.join("trusted_root.json")) {
            Ok(json) => TrustRoot::from_json(&json),
            Err(_) => TrustRoot::embedded_production(),
        }
    }

    fn policy(&self) -> Policy {
        match self.read("key.pub") {
            Some(pem) => Policy::PublicKey(PublicKey::from_pem(&pem).unwrap()),
            None => Policy::Identity(
                CertificateIdentity::exact(
                    &self.read("identity").expect("identity"),
                    &self.read("issuer").expect("issuer"),
                )
                .unwrap(),
            ),
        }
    }

    /// edgeverify's verdict for one input.
    fn run(&self, input: &str) -> Result<VerifiedBundle, Error> {
        let root = self.trust_root()?;
        let bundle = Bundle::from_json(&fs::read(self.dir.join("bundle.sigstore.json")).unwrap())?;
        let policy = self.policy();
        if input == "file" {
            let bytes = self.artifact().unwrap();
            let by_bytes = verify(&root, &bundle, Artifact::Bytes(&bytes), &policy);
            // What a front end streaming the file does: hash it once with every algorithm
            // the evidence needs. Same verdict, same matched digest.
            let mut hashers: Vec<Hasher> = artifact_hash_algorithms(&bundle, &policy)
                .into_iter()
                .map(Hasher::new)
                .collect();
            for h in &mut hashers {
                h.update(&bytes);
            }
            let streamed: Vec<Digest> = hashers.into_iter().map(Hasher::finish).collect();
            let by_stream = verify(&root, &bundle, Artifact::Digests(&streamed), &policy);
            assert_eq!(
                by_bytes.as_ref().map(|v| *v.matched_digest()).ok(),
                by_stream.as_ref().map(|v| *v.matched_digest()).ok(),
                "{}: the bytes and the streamed digests disagree ({:?} / {:?})",
                self.name,
                by_bytes.as_ref().err(),
                by_stream.as_ref().err()
            );
            by_bytes
        } else {
            let alg = HashAlgorithm::from_name(input).unwrap();
            let digest = *self
                .digests()
                .iter()
                .find(|d| d.algorithm() == alg)
                .unwrap_or_else(|| panic!("{}: no {input} digest", self.name));
            verify(&root, &bundle, Artifact::Digests(&[digest]), &policy)
        }
    }
}

/// Cases whose certificate chain is RSA-signed (the scaffolding instance's CA). The pure-Rust
/// crypto provider (feature `rustcrypto` without `ring`) has no RSA: it must reject them as
/// unsupported, never accept them (as `tests/conformance.rs` does for its RSA case).
const RSA_CHAIN_CASES: &[&str] = &["interop/scaffolding/othername-san-private-origin"];

fn needs_rsa_this_build_lacks(case: &Case) -> bool {
    !cfg!(feature = "ring") && RSA_CHAIN_CASES.contains(&case.name.as_str())
}

fn compare(top: &str, min_cases: usize) {
    let cases = cases(top);
    assert!(
        cases.len() >= min_cases,
        "only {} cases under {top}",
        cases.len()
    );
    let known: BTreeSet<_> = interop_cases::differences(&data())
        .into_iter()
        .filter(|(c, _, _)| c.starts_with(top))
        .collect();
    let mut found = BTreeSet::new();
    let mut compared = 0;
    for case in &cases {
        for (input, go) in case.inputs() {
            compared += 1;
            let result = case.run(&input);
            if needs_rsa_this_build_lacks(case) {
                assert!(
                    matches!(&result, Err(e) if e.to_string().contains("unsupported signature algorithm")),
                    "{} {input}: {:?}",
                    case.name,
                    result.as_ref().err()
                );
                continue;
            }
            let ours = result.is_ok();
            match &result {
                Ok(v) => eprintln!(
                    "{} {input}: verified, matched {:?}",
                    case.name,
                    v.matched_digest()
                ),
                Err(e) => eprintln!("{} {input}: rejected: {e}", case.name),
            }
            if ours != go {
                found.insert((case.name.clone(), input, ours));
            }
        }
    }
    let unexpected: Vec<_> = found.difference(&known).collect();
    let stale: Vec<_> = known.difference(&found).collect();
    assert!(
        unexpected.is_empty() && stale.is_empty(),
        "edgeverify vs sigstore-go under {top} ({compared} comparisons)\n  differences not in \
         DIFFERENCES.tsv: {unexpected:?}\n  DIFFERENCES.tsv entries that no longer differ: \
         {stale:?}"
    );
}

#[test]
fn real_bundles_from_other_clients_get_sigstore_go_verdicts() {
    compare("interop", 20);
}

#[test]
fn test_instance_scenarios_get_sigstore_go_verdicts() {
    compare("testinstance", 40);
}

/// What the front ends print (`--json`'s `matched_digest`) on real bundles: the digest the
/// evidence was matched on, in the algorithm the evidence uses.
#[test]
fn the_matched_digest_is_the_one_the_evidence_names() {
    let case = |name: &str| {
        cases(name.split('/').next().unwrap())
            .into_iter()
            .find(|c| c.name == name)
            .unwrap_or_else(|| panic!("no case {name}"))
    };
    // An npm package's provenance names it by SHA-512 only.
    let npm = case("testinstance/dsse-sha512-only-subject");
    let v = npm.run("file").unwrap();
    assert_eq!(v.matched_digest().algorithm(), HashAlgorithm::Sha512);
    assert_eq!(v.artifact_sha256().unwrap(), &npm.digests()[0]);
    // Two digests per subject: the strongest the artifact shares with the statement.
    let multi = case("testinstance/dsse-multi-subject");
    assert_eq!(
        multi.run("file").unwrap().matched_digest().algorithm(),
        HashAlgorithm::Sha512
    );
    assert_eq!(
        multi.run("sha256").unwrap().matched_digest().algorithm(),
        HashAlgorithm::Sha256
    );
    // A P-384 key signs SHA-384: the message signature covers that digest.
    let p384 = case("testinstance/v0.3-hashedrekord-p384");
    let v = p384.run("file").unwrap();
    assert_eq!(v.matched_digest(), &p384.digests()[1]);
}

/// Issue 12 item 5 (sigstore-go `VerifyTlogEntry` skips entries from logs the trust root does
/// not know): harmless only if such an entry is ignored entirely. Here its SET is garbage, its
/// integrated time lies decades outside the certificate's life and its body describes another
/// artifact: the bundle still verifies on the trusted entry alone, and nothing of the unknown
/// one is reported. Without the trusted entry nothing is left.
#[test]
fn an_entry_from_an_unknown_log_is_ignored_entirely() {
    let case = cases("testinstance")
        .into_iter()
        .find(|c| c.name == "testinstance/unknown-log-extra-entry")
        .unwrap();
    let mut json: Value =
        serde_json::from_slice(&fs::read(case.dir.join("bundle.sigstore.json")).unwrap()).unwrap();
    let entries = json["verificationMaterial"]["tlogEntries"]
        .as_array_mut()
        .unwrap();
    let trusted_index = entries[0]["logIndex"].clone();
    let unknown = &mut entries[1];
    unknown["integratedTime"] = "1000".into();
    unknown["inclusionPromise"]["signedEntryTimestamp"] = "AAAA".into();
    let other_body = r#"{"apiVersion":"0.0.1","kind":"hashedrekord","spec":{"data":{"hash":{"algorithm":"sha256","value":"0000000000000000000000000000000000000000000000000000000000000000"}},"signature":{"content":"AAAA","publicKey":{"content":"AAAA"}}}}"#;
    unknown["canonicalizedBody"] = base64_encode(other_body.as_bytes()).into();
    let bundle = Bundle::from_json(&serde_json::to_vec(&json).unwrap()).unwrap();
    let root = case.trust_root().unwrap();
    let bytes = case.artifact().unwrap();
    let v = verify(&root, &bundle, Artifact::Bytes(&bytes), &case.policy()).unwrap();
    assert_eq!(v.log_entries().len(), 1);
    assert_eq!(
        v.log_entries()[0].log_index.to_string(),
        trusted_index.as_str().unwrap()
    );
    assert_eq!(v.verified_times().len(), 1);
    assert!(v.verified_times()[0].as_secs() > 1000);
    // Only the unknown entry left: no trusted log vouches.
    json["verificationMaterial"]["tlogEntries"]
        .as_array_mut()
        .unwrap()
        .remove(0);
    let bundle = Bundle::from_json(&serde_json::to_vec(&json).unwrap()).unwrap();
    let err = verify(&root, &bundle, Artifact::Bytes(&bytes), &case.policy()).unwrap_err();
    assert!(
        matches!(err.cause(), Error::TlogThresholdNotMet { verified: 0, .. }),
        "{err}"
    );
}

fn base64_encode(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// A release checks many artifacts against one bundle: `VerifiedBundle::for_another_artifact`
/// repeats only the artifact step, and must give what a whole new verification gives. For every
/// case that verifies, each probe (the other subjects of its statement, another artifact's
/// digests, mixed, missing and malformed digest sets) gets the same verdict, the same matched
/// digest, or the same error in the same stage.
#[test]
fn another_artifact_gets_the_verdict_of_a_whole_verification() {
    let mut cases = cases("interop");
    cases.extend(self::cases("testinstance"));
    let mut compared = 0;
    let mut verified_probes = 0;
    for case in &cases {
        if needs_rsa_this_build_lacks(case) {
            continue;
        }
        let Ok(root) = case.trust_root() else {
            continue;
        };
        let Ok(bundle) =
            Bundle::from_json(&fs::read(case.dir.join("bundle.sigstore.json")).unwrap())
        else {
            continue;
        };
        let policy = case.policy();
        let own = case.digests();
        let Ok(first) = verify(&root, &bundle, Artifact::Digests(&own), &policy) else {
            continue;
        };
        let other: Vec<Digest> = [
            HashAlgorithm::Sha256,
            HashAlgorithm::Sha384,
            HashAlgorithm::Sha512,
        ]
        .iter()
        .map(|a| a.digest(b"another artifact of the release"))
        .collect();
        let mut probes: Vec<Vec<Digest>> = vec![own.clone(), other.clone(), vec![]];
        probes.extend(own.iter().map(|d| vec![*d]));
        probes.extend(other.iter().map(|d| vec![*d]));
        // Mixed: one digest of another artifact with this one's others, and the reverse.
        for i in 0..own.len() {
            let mut mixed = own.clone();
            if let Some(o) = other.iter().find(|o| o.algorithm() == own[i].algorithm()) {
                mixed[i] = *o;
                probes.push(mixed);
            }
            let mut reverse: Vec<Digest> = other
                .iter()
                .filter(|o| o.algorithm() != own[i].algorithm())
                .copied()
                .collect();
            reverse.push(own[i]);
            probes.push(reverse);
        }
        probes.push(vec![own[0], own[0]]);
        if let Some((_, statement)) = first.payload() {
            let statement: Value = serde_json::from_slice(statement).unwrap();
            for subject in statement["subject"].as_array().unwrap() {
                let digests: Vec<Digest> = subject["digest"]
                    .as_object()
                    .unwrap()
                    .iter()
                    .filter_map(|(alg, hex)| {
                        let alg = HashAlgorithm::from_name(alg)?;
                        Digest::new(alg, &hex_decode(hex.as_str()?)?)
                    })
                    .collect();
                if !digests.is_empty() {
                    probes.push(digests);
                }
            }
        }
        for probe in &probes {
            compared += 1;
            let whole = verify(&root, &bundle, Artifact::Digests(probe), &policy);
            let again = first.for_another_artifact(probe);
            match (&whole, &again) {
                (Ok(w), Ok(a)) => {
                    verified_probes += 1;
                    assert_eq!(w.matched_digest(), a.matched_digest(), "{}", case.name);
                    assert_eq!(w.artifact_sha256(), a.artifact_sha256(), "{}", case.name);
                    assert_eq!(w.identity(), a.identity(), "{}", case.name);
                    assert_eq!(w.log_entries(), a.log_entries(), "{}", case.name);
                }
                (Err(w), Err(a)) => {
                    assert_eq!(w.cause(), a.cause(), "{} {probe:?}", case.name);
                    assert_eq!(w.stage(), a.stage(), "{} {probe:?}", case.name);
                }
                _ => panic!(
                    "{} {probe:?}: whole verification {:?}, for another artifact {:?}",
                    case.name,
                    whole.as_ref().err(),
                    again.as_ref().err()
                ),
            }
        }
    }
    eprintln!("{compared} probes, {verified_probes} verified");
    assert!(compared >= 300, "only {compared} probes");
    assert!(
        verified_probes >= 60,
        "only {verified_probes} verified probes"
    );
}
