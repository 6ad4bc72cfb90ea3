//! slsa-verifier parity on real provenance: every check, its order and its error sentinel,
//! plus the small parsers and hostile input.

#![allow(
    clippy::arithmetic_side_effects,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::string_slice,
    clippy::unwrap_used
)]

use alloc::string::{String, ToString};
use alloc::vec;
use alloc::{format, vec::Vec};

use serde_json::{json, Value};

use super::builder_id::{matches_full, matches_loose, parse_builder_id};
use super::builders::*;
use super::certificate::CertIdentity;
use super::git::*;
use super::go_json::*;
use super::policy::{normalize_git_uri, SourceRepository};
use super::semver::*;
use super::*;
use crate::encoding::hex_encode;
use crate::limits::*;

const EXAMPLE_PACKAGE: &str = "github.com/slsa-framework/example-package";
const EXAMPLE_TRW: &str =
    "https://github.com/slsa-framework/example-trw/.github/workflows/builder_high-perms_slsa3.yml";
const GENERIC_SAN: &str = "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@refs/tags/v2.1.0";

/// A real statement and the claims of the real certificate that signed it
/// (`tests/data/slsa/README.md` says where each comes from).
struct Fixture {
    statement: Vec<u8>,
    claims: CertificateClaims,
    sha256: [u8; 32],
}

fn fixture(name: &str) -> Fixture {
    let (statement, claims, sha256): (&[u8], &str, &str) = match name {
        "generic" => (
            include_bytes!("../../tests/data/slsa/generic-v2.1.0-push-v13.0.30.statement.json"),
            include_str!("../../tests/data/slsa/generic-v2.1.0-push-v13.0.30.claims.json"),
            "376e7e01348585b6e6643bc6663146b9d525d9b41228bf180eaeb4d4a3706caa",
        ),
        "delegator" => (
            include_bytes!("../../tests/data/slsa/delegator-v2.1.0-push-v13.0.30.statement.json"),
            include_str!("../../tests/data/slsa/delegator-v2.1.0-push-v13.0.30.claims.json"),
            "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03",
        ),
        "container" => (
            include_bytes!(
                "../../tests/data/slsa/container-based-v2.1.0-push-v13.0.30.statement.json"
            ),
            include_str!("../../tests/data/slsa/container-based-v2.1.0-push-v13.0.30.claims.json"),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        ),
        _ => panic!("no fixture {name}"),
    };
    let v: Value = serde_json::from_str(claims).unwrap();
    let get = |key: &str| v.get(key).and_then(Value::as_str).map(String::from);
    Fixture {
        statement: statement.to_vec(),
        claims: CertificateClaims {
            san_uri: get("san_uri"),
            issuer: get("issuer"),
            issuer_v1: get("issuer_v1"),
            github_workflow_trigger: get("github_workflow_trigger"),
            github_workflow_sha: get("github_workflow_sha"),
            github_workflow_repository: get("github_workflow_repository"),
            source_repository_uri: get("source_repository_uri"),
            source_repository_digest: get("source_repository_digest"),
            build_config_uri: get("build_config_uri"),
            build_config_digest: get("build_config_digest"),
            build_trigger: get("build_trigger"),
        },
        sha256: hex32(sha256),
    }
}

fn hex32(hex: &str) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap();
    }
    out
}

fn policy() -> SlsaPolicy {
    SlsaPolicy::new(EXAMPLE_PACKAGE).unwrap()
}

fn byob_policy() -> SlsaPolicy {
    policy().with_builder_id(EXAMPLE_TRW).unwrap()
}

/// The verdict as slsa-verifier names it: `pass` or the sentinel.
fn verdict(result: Result<VerifiedProvenance, SlsaError>) -> &'static str {
    match result {
        Ok(_) => "pass",
        Err(e) => e.slsa_verifier_name(),
    }
}

fn run(f: &Fixture, policy: &SlsaPolicy) -> &'static str {
    verdict(verify_provenance(
        IN_TOTO_PAYLOAD_TYPE,
        &f.statement,
        &f.claims,
        &f.sha256,
        policy,
    ))
}

/// Runs the fixture with its statement edited as JSON.
fn run_edited(f: &Fixture, policy: &SlsaPolicy, edit: impl FnOnce(&mut Value)) -> &'static str {
    let mut statement: Value = serde_json::from_slice(&f.statement).unwrap();
    edit(&mut statement);
    let bytes = serde_json::to_vec(&statement).unwrap();
    verdict(verify_provenance(
        IN_TOTO_PAYLOAD_TYPE,
        &bytes,
        &f.claims,
        &f.sha256,
        policy,
    ))
}

/// Runs the fixture with its certificate claims edited.
fn run_claims(
    f: &Fixture,
    policy: &SlsaPolicy,
    edit: impl FnOnce(&mut CertificateClaims),
) -> &'static str {
    let mut claims = f.claims.clone();
    edit(&mut claims);
    verdict(verify_provenance(
        IN_TOTO_PAYLOAD_TYPE,
        &f.statement,
        &claims,
        &f.sha256,
        policy,
    ))
}

fn run_bytes(statement: &[u8]) -> &'static str {
    let f = fixture("generic");
    verdict(verify_provenance(
        IN_TOTO_PAYLOAD_TYPE,
        statement,
        &f.claims,
        &f.sha256,
        &policy(),
    ))
}

fn env(statement: &mut Value) -> &mut Value {
    &mut statement["predicate"]["invocation"]["environment"]
}

// --- real provenance, happy paths ----------------------------------------------------------

#[test]
fn generic_v02_passes_and_reports_what_it_verified() {
    let f = fixture("generic");
    let tagged = policy().with_source_tag("v13.0.30").unwrap();
    let verified = verify_provenance(
        IN_TOTO_PAYLOAD_TYPE,
        &f.statement,
        &f.claims,
        &f.sha256,
        &tagged,
    )
    .unwrap();
    assert_eq!(verified.builder_id(), GENERIC_SAN);
    assert_eq!(
        verified.build_type(),
        "https://github.com/slsa-framework/slsa-github-generator/generic@v1"
    );
    assert_eq!(verified.predicate_type(), PREDICATE_V02);
    assert_eq!(
        verified.source_uri(),
        "git+https://github.com/slsa-framework/example-package@refs/tags/v13.0.30"
    );
    assert_eq!(
        verified.source_repository(),
        "slsa-framework/example-package"
    );
    assert_eq!(
        verified.source_commit(),
        "4d329c75e7ec1725f7c9ce917a8799d408d06be3"
    );
    assert_eq!(verified.tag(), Some("v13.0.30"));
    assert_eq!(verified.branch(), Some("main"));
    assert_eq!(
        verified.subject_names(),
        ["gha_generic-binary-linux-amd64-v13.0.30"]
    );
    assert_eq!(verified.matched_subject_names(), verified.subject_names());
    assert_eq!(verified.statement(), f.statement.as_slice());
}

#[test]
fn generic_v02_accepts_every_matching_source_constraint() {
    let f = fixture("generic");
    assert_eq!(run(&f, &policy()), "pass");
    assert_eq!(
        run(&f, &policy().with_source_branch("main").unwrap()),
        "pass"
    );
    for v in ["v13", "v13.0", "v13.0.30", "v13.0.30+build"] {
        let p = policy().with_source_versioned_tag(v).unwrap();
        assert_eq!(run(&f, &p), "pass", "{v}");
    }
    let git = SlsaPolicy::new("git+https://github.com/slsa-framework/example-package").unwrap();
    assert_eq!(run(&f, &git), "pass");
    for id in [
        GENERIC_SAN,
        "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml",
        "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@v2.1.0",
    ] {
        assert_eq!(run(&f, &policy().with_builder_id(id).unwrap()), "pass", "{id}");
    }
}

#[test]
fn byob_v1_reports_the_trusted_reusable_workflow() {
    let f = fixture("delegator");
    let tagged = byob_policy().with_source_tag("v13.0.30").unwrap();
    let verified = verify_provenance(
        IN_TOTO_PAYLOAD_TYPE,
        &f.statement,
        &f.claims,
        &f.sha256,
        &tagged,
    )
    .unwrap();
    assert_eq!(
        verified.builder_id(),
        format!("{EXAMPLE_TRW}@refs/tags/v2.1.0")
    );
    assert_eq!(verified.predicate_type(), PREDICATE_V1);
    assert_eq!(verified.tag(), Some("v13.0.30"));
    assert_eq!(verified.branch(), Some("main"));
    let pinned = policy()
        .with_builder_id(&format!("{EXAMPLE_TRW}@v2.1.0"))
        .unwrap();
    assert_eq!(run(&f, &pinned), "pass");
}

#[test]
fn byob_builder_id_rules() {
    let f = fixture("delegator");
    // A third-party TRW always needs --builder-id.
    assert_eq!(run(&f, &policy()), "ErrorInvalidBuilderID");
    let other_version = policy()
        .with_builder_id(&format!("{EXAMPLE_TRW}@v2.0.0"))
        .unwrap();
    assert_eq!(run(&f, &other_version), "ErrorMismatchBuilderID");
    let other_builder = policy().with_builder_id(GENERIC_SAN).unwrap();
    assert_eq!(run(&f, &other_builder), "ErrorMismatchBuilderID");
    // The TRW must itself be pinned to a release tag.
    let at_main = |s: &mut Value| {
        s["predicate"]["runDetails"]["builder"]["id"] =
            json!(format!("{EXAMPLE_TRW}@refs/heads/main"));
    };
    assert_eq!(run_edited(&f, &byob_policy(), at_main), "ErrorInvalidRef");
    let two_ats = |s: &mut Value| {
        s["predicate"]["runDetails"]["builder"]["id"] = json!(format!("{EXAMPLE_TRW}@a@b"));
    };
    assert_eq!(
        run_edited(&f, &byob_policy(), two_ats),
        "ErrorInvalidBuilderID"
    );
    // slsa-github-generator's own TRWs need no --builder-id.
    let maven = |s: &mut Value| {
        s["predicate"]["runDetails"]["builder"]["id"] = json!(
            "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/builder_maven_slsa3.yml@refs/tags/v2.1.0"
        );
    };
    assert_eq!(run_edited(&f, &policy(), maven), "pass");
    // JReleaser's TRW is tagged vX.Y.Z-java.
    let jreleaser = |id: &'static str| {
        move |s: &mut Value| s["predicate"]["runDetails"]["builder"]["id"] = json!(id)
    };
    let jr = "https://github.com/jreleaser/release-action/.github/workflows/builder_slsa3.yml";
    let jr_policy = policy().with_builder_id(jr).unwrap();
    assert_eq!(
        run_edited(
            &f,
            &jr_policy,
            jreleaser(
                "https://github.com/jreleaser/release-action/.github/workflows/builder_slsa3.yml@refs/tags/v1.1.0-java"
            )
        ),
        "pass"
    );
    assert_eq!(
        run_edited(
            &f,
            &jr_policy,
            jreleaser(
                "https://github.com/jreleaser/release-action/.github/workflows/builder_slsa3.yml@refs/tags/v1.1.0"
            )
        ),
        "ErrorInvalidRef"
    );
}

#[test]
fn container_based_v1_passes_with_tag_and_branch() {
    let f = fixture("container");
    let p = policy()
        .with_source_tag("v13.0.30")
        .and_then(|p| p.with_source_branch("main"))
        .unwrap();
    assert_eq!(run(&f, &p), "pass");
    // Its JSON-number run IDs sit in interface{} fields, where any JSON is allowed.
    assert_eq!(
        run(&f, &policy().with_source_versioned_tag("v13.0").unwrap()),
        "pass"
    );
}

// --- certificate identity ------------------------------------------------------------------

#[test]
fn coarse_identity_gate_is_invalid_certificate() {
    let f = fixture("generic");
    let p = policy();
    assert_eq!(
        run_claims(&f, &p, |c| c.san_uri = None),
        "ErrorInvalidCertificate"
    );
    assert_eq!(
        run_claims(&f, &p, |c| c.san_uri = Some(String::new())),
        "ErrorInvalidCertificate"
    );
    for san in [
        "https://gitlab.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@refs/tags/v2.1.0",
        "https://github.com.evil/x@refs/tags/v2.1.0",
        "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml%40refs/tags/v2.1.0",
        "https://github.com/a b@refs/tags/v1.0.0",
        "https://github.com",
    ] {
        assert_eq!(
            run_claims(&f, &p, |c| c.san_uri = Some(san.to_string())),
            "ErrorInvalidCertificate",
            "{san}"
        );
    }
    let other = Some("https://accounts.google.com".to_string());
    assert_eq!(
        run_claims(&f, &p, |c| {
            c.issuer = other.clone();
            c.issuer_v1 = other.clone();
        }),
        "ErrorInvalidCertificate"
    );
    assert_eq!(
        run_claims(&f, &p, |c| {
            c.issuer = None;
            c.issuer_v1 = None;
        }),
        "ErrorInvalidCertificate"
    );
    let long = "a".repeat(MAX_CLAIM_BYTES + 1);
    assert_eq!(
        run_claims(&f, &p, |c| c.build_trigger = Some(long)),
        "ErrorInvalidCertificate"
    );
}

#[test]
fn fulcio_claims_must_be_consistent() {
    let f = fixture("generic");
    let p = policy();
    let other = || Some("other".to_string());
    // Old certificates carry only the legacy claims; new ones may carry only current ones.
    assert_eq!(
        run_claims(&f, &p, |c| {
            c.issuer = None;
            c.source_repository_uri = None;
            c.source_repository_digest = None;
            c.build_trigger = None;
            c.build_config_uri = None;
            c.build_config_digest = None;
        }),
        "pass"
    );
    assert_eq!(
        run_claims(&f, &p, |c| {
            c.issuer_v1 = None;
            c.github_workflow_repository = None;
            c.github_workflow_sha = None;
            c.github_workflow_trigger = None;
        }),
        "pass"
    );
    assert_eq!(
        run_claims(&f, &p, |c| c.issuer_v1 = other()),
        "ErrorInvalidFormat"
    );
    assert_eq!(
        run_claims(&f, &p, |c| c.build_trigger = other()),
        "ErrorInvalidFormat"
    );
    assert_eq!(
        run_claims(&f, &p, |c| {
            c.build_trigger = None;
            c.github_workflow_trigger = Some(String::new());
        }),
        "ErrorInvalidFormat"
    );
    assert_eq!(
        run_claims(&f, &p, |c| c.github_workflow_sha = other()),
        "ErrorInvalidFormat"
    );
    assert_eq!(
        run_claims(&f, &p, |c| c.build_config_digest = other()),
        "ErrorInvalidFormat"
    );
    assert_eq!(
        run_claims(&f, &p, |c| c.github_workflow_repository = other()),
        "ErrorInvalidFormat"
    );
    let config = |uri: &str| {
        let uri = uri.to_string();
        move |c: &mut CertificateClaims| c.build_config_uri = Some(uri)
    };
    assert_eq!(
        run_claims(
            &f,
            &p,
            config("https://github.com/slsa-framework/example-package/a.yml@x@y")
        ),
        "ErrorInvalidFormat"
    );
    assert_eq!(
        run_claims(
            &f,
            &p,
            config("https://github.com/slsa-framework/example-packageX/a.yml@x")
        ),
        "ErrorInvalidFormat"
    );
}

#[test]
fn builder_identity_checks_in_order() {
    let f = fixture("generic");
    let p = policy();
    let san = |s: &str| {
        let s = s.to_string();
        move |c: &mut CertificateClaims| c.san_uri = Some(s)
    };
    let generic = "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml";
    assert_eq!(run_claims(&f, &p, san(generic)), "ErrorMalformedURI");
    assert_eq!(
        run_claims(&f, &p, san(&format!("{generic}@"))),
        "ErrorMalformedURI"
    );
    assert_eq!(
        run_claims(&f, &p, san(&format!("{generic}@refs/tags/v2.1.0@x"))),
        "ErrorInvalidFormat"
    );
    // Production mode: branches, short tags and pre-releases are not release refs.
    for r in [
        "refs/heads/main",
        "refs/tags/v2",
        "refs/tags/v2.1",
        "refs/tags/v2.1.0-rc.1",
        "refs/tags/v2.1.0+build",
        "refs/tags/2.1.0",
        "v2.1.0",
        "4d329c75e7ec1725f7c9ce917a8799d408d06be3",
    ] {
        assert_eq!(
            run_claims(&f, &p, san(&format!("{generic}@{r}"))),
            "ErrorInvalidRef",
            "{r}"
        );
    }
    let untrusted = "https://github.com/evil/repo/.github/workflows/generator_generic_slsa3.yml@refs/tags/v2.1.0";
    assert_eq!(
        run_claims(&f, &p, san(untrusted)),
        "ErrorUntrustedReusableWorkflow"
    );
    // The container generator is trusted only through an explicit --builder-id.
    let container_generator = "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_container_slsa3.yml";
    assert_eq!(
        run_claims(
            &f,
            &p,
            san(&format!("{container_generator}@refs/tags/v2.1.0"))
        ),
        "ErrorUntrustedReusableWorkflow"
    );
    let pinned_other = policy()
        .with_builder_id(&format!("{generic}@v2.0.0"))
        .unwrap();
    assert_eq!(run(&f, &pinned_other), "ErrorUntrustedReusableWorkflow");
    assert_eq!(
        run(&f, &policy().with_builder_id(EXAMPLE_TRW).unwrap()),
        "ErrorUntrustedReusableWorkflow"
    );
}

#[test]
fn source_repository_is_compared_as_slsa_verifier_does() {
    let f = fixture("generic");
    let source = |s: &str| SlsaPolicy::new(s).unwrap();
    assert_eq!(
        run(&f, &source("github.com/slsa-framework/example-packageA")),
        "ErrorMismatchSource"
    );
    assert_eq!(
        run(&f, &source("Agithub.com/slsa-framework/example-package")),
        "ErrorMismatchSource"
    );
    assert_eq!(
        run(&f, &source("github.com/Slsa-framework/example-package")),
        "ErrorMismatchSource"
    );
    // Documented slsa-verifier gotcha: only git+https:// and github.com/ are stripped.
    assert_eq!(
        run(
            &f,
            &source("https://github.com/slsa-framework/example-package")
        ),
        "ErrorMismatchSource"
    );
    // Matches the certificate, but is not a github.com URI: caught by the provenance check.
    assert_eq!(
        run(&f, &source("slsa-framework/example-package")),
        "ErrorMalformedURI"
    );
}

// --- statement checks ----------------------------------------------------------------------

#[test]
fn payload_and_predicate_types() {
    let f = fixture("generic");
    let wrong_type = verify_provenance(
        "application/json",
        &f.statement,
        &f.claims,
        &f.sha256,
        &policy(),
    );
    assert_eq!(verdict(wrong_type), "ErrorInvalidDssePayload");
    let p = policy();
    for pt in [
        json!("https://slsa.dev/provenance/v0.1"),
        json!(""),
        json!(null),
        json!(2),
    ] {
        assert_eq!(
            run_edited(&f, &p, |s| s["predicateType"] = pt),
            "ErrorInvalidDssePayload"
        );
    }
    // _type is not checked, but must be a string.
    assert_eq!(
        run_edited(&f, &p, |s| s["_type"] = json!("anything")),
        "pass"
    );
    assert_eq!(
        run_edited(&f, &p, |s| s["_type"] = json!(1)),
        "ErrorInvalidDssePayload"
    );
}

#[test]
fn strict_decode_matches_go() {
    let f = fixture("generic");
    let p = policy();
    let unknown_top = |s: &mut Value| s["extra"] = json!(1);
    assert_eq!(run_edited(&f, &p, unknown_top), "ErrorInvalidDssePayload");
    let unknown_predicate = |s: &mut Value| s["predicate"]["extra"] = json!(1);
    assert_eq!(
        run_edited(&f, &p, unknown_predicate),
        "ErrorInvalidDssePayload"
    );
    let unknown_subject = |s: &mut Value| s["subject"][0]["uri"] = json!("x");
    assert_eq!(
        run_edited(&f, &p, unknown_subject),
        "ErrorInvalidDssePayload"
    );
    // interface{} fields take any JSON.
    let extra_env = |s: &mut Value| env(s)["anything"] = json!({"nested": [1, null, true]});
    assert_eq!(run_edited(&f, &p, extra_env), "pass");
    // Go matches keys case-insensitively: the spec's `buildInvocationId` is fine.
    let spec_spelling = |s: &mut Value| {
        let m = &mut s["predicate"]["metadata"];
        let id = m
            .as_object_mut()
            .unwrap()
            .remove("buildInvocationID")
            .unwrap();
        m["buildInvocationId"] = id;
    };
    assert_eq!(run_edited(&f, &p, spec_spelling), "pass");
    // Typed fields are type-checked, and null is a zero value.
    let typed = [
        json!({"reproducible": "no"}),
        json!({"buildStartedOn": "yesterday"}),
        json!({"completeness": {"parameters": 1}}),
        json!({"completeness": []}),
    ];
    for metadata in typed {
        let edit = |s: &mut Value| s["predicate"]["metadata"] = metadata;
        assert_eq!(run_edited(&f, &p, edit), "ErrorInvalidDssePayload");
    }
    let times = json!({"buildStartedOn": "2025-02-25T21:06:15Z", "buildFinishedOn": null});
    assert_eq!(
        run_edited(&f, &p, |s| s["predicate"]["metadata"] = times),
        "pass"
    );
    assert_eq!(
        run_edited(&f, &p, |s| s["predicate"]["metadata"] = json!(null)),
        "pass"
    );
    let digest_number = |s: &mut Value| s["subject"][0]["digest"]["sha512"] = json!(5);
    assert_eq!(run_edited(&f, &p, digest_number), "ErrorInvalidDssePayload");
}

#[test]
fn strict_decode_v1_resource_descriptors() {
    let f = fixture("container");
    let p = policy();
    let rd = |value: Value| {
        move |s: &mut Value| s["predicate"]["runDetails"]["byproducts"] = json!([value])
    };
    assert_eq!(
        run_edited(&f, &p, rd(json!({"name": "log", "content": "aGVsbG8="}))),
        "pass"
    );
    assert_eq!(
        run_edited(&f, &p, rd(json!({"content": "not base64!"}))),
        "ErrorInvalidDssePayload"
    );
    assert_eq!(
        run_edited(&f, &p, rd(json!({"annotations": [1]}))),
        "ErrorInvalidDssePayload"
    );
    assert_eq!(
        run_edited(&f, &p, rd(json!({"size": 1}))),
        "ErrorInvalidDssePayload"
    );
}

#[test]
fn duplicate_keys_are_rejected() {
    let f = fixture("generic");
    let text = core::str::from_utf8(&f.statement).unwrap();
    // Same field twice, differing only in case (Go would keep the last one).
    let twice = text.replacen(
        "\"predicateType\":",
        "\"PREDICATETYPE\":\"https://slsa.dev/provenance/v1\",\"predicateType\":",
        1,
    );
    assert_ne!(twice, text);
    assert_eq!(run_bytes(twice.as_bytes()), "ErrorInvalidDssePayload");
    // Exact duplicate inside an interface{} map.
    let dup = text.replacen("\"github_ref\":", "\"github_ref\":\"x\",\"github_ref\":", 1);
    assert_ne!(dup, text);
    assert_eq!(run_bytes(dup.as_bytes()), "ErrorInvalidDssePayload");
}

#[test]
fn buildtype_table() {
    let p = policy();
    let generic = fixture("generic");
    let bt = |s: &mut Value| s["predicate"]["buildType"] = json!("https://example.com/x@v1");
    assert_eq!(run_edited(&generic, &p, bt), "ErrorInvalidBuildType");
    // The Go builder's buildTypes are not the generic generator's.
    let go_bt = |s: &mut Value| {
        s["predicate"]["buildType"] =
            json!("https://github.com/slsa-framework/slsa-github-generator/go@v1");
    };
    assert_eq!(run_edited(&generic, &p, go_bt), "ErrorInvalidBuildType");
    // A v1 statement under a builder that only writes v0.2.
    let container = fixture("container");
    let swapped = verify_provenance(
        IN_TOTO_PAYLOAD_TYPE,
        &container.statement,
        &generic.claims,
        &container.sha256,
        &p,
    );
    assert_eq!(verdict(swapped), "ErrorInvalidBuilderID");
}

#[test]
fn builder_id_must_equal_the_certificate_for_non_byob() {
    let f = fixture("generic");
    let p = policy();
    let set = |id: &'static str| move |s: &mut Value| s["predicate"]["builder"]["id"] = json!(id);
    let name = "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml";
    assert_eq!(
        run_edited(&f, &p, set("https://github.com/x@refs/tags/v2.1.0")),
        "ErrorMismatchBuilderID"
    );
    assert_eq!(
        run_edited(&f, &p, set("https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@v2.1.0")),
        "ErrorMismatchBuilderID"
    );
    assert_eq!(run_edited(&f, &p, set(name)), "ErrorMismatchBuilderID");
    assert_eq!(
        run_edited(&f, &p, set("https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@refs/tags/v2.1.0@x")),
        "ErrorInvalidFormat"
    );
}

#[test]
fn source_and_trigger_uris() {
    let f = fixture("generic");
    let p = policy();
    let config =
        |uri: Value| move |s: &mut Value| s["predicate"]["invocation"]["configSource"]["uri"] = uri;
    let material = |uri: Value| move |s: &mut Value| s["predicate"]["materials"][0]["uri"] = uri;
    let other = "git+https://github.com/evil/example-package@refs/tags/v13.0.30";
    assert_eq!(
        run_edited(&f, &p, config(json!(other))),
        "ErrorMismatchSource"
    );
    assert_eq!(run_edited(&f, &p, config(json!(""))), "ErrorMalformedURI");
    assert_eq!(
        run_edited(
            &f,
            &p,
            config(json!(
                "git+https://github.com/slsa-framework/example-package"
            ))
        ),
        "ErrorMalformedURI"
    );
    assert_eq!(
        run_edited(
            &f,
            &p,
            config(json!(
                "https://github.com/slsa-framework/example-package@refs/tags/v13.0.30"
            ))
        ),
        "ErrorMalformedURI"
    );
    assert_eq!(
        run_edited(&f, &p, material(json!(other))),
        "ErrorMismatchSource"
    );
    assert_eq!(run_edited(&f, &p, material(json!(""))), "ErrorMalformedURI");
    assert_eq!(
        run_edited(
            &f,
            &p,
            material(json!(
                "git+https://github.com/slsa-framework/example-package"
            ))
        ),
        "ErrorMalformedURI"
    );
    assert_eq!(
        run_edited(
            &f,
            &p,
            material(json!(
                "git+https://github.com/slsa-framework/example-package@refs/heads/main"
            ))
        ),
        "ErrorInvalidDssePayload"
    );
    assert_eq!(
        run_edited(&f, &p, |s| s["predicate"]["materials"] = json!([])),
        "ErrorInvalidDssePayload"
    );
}

#[test]
fn v1_trigger_comes_from_github_workflow_ref() {
    let f = fixture("container");
    let p = policy();
    let set = |v: Value| {
        move |s: &mut Value| {
            s["predicate"]["buildDefinition"]["internalParameters"]["GITHUB_WORKFLOW_REF"] = v
        }
    };
    let remove = |s: &mut Value| {
        s["predicate"]["buildDefinition"]["internalParameters"]
            .as_object_mut()
            .unwrap()
            .remove("GITHUB_WORKFLOW_REF");
    };
    assert_eq!(run_edited(&f, &p, remove), "ErrorNotPresent");
    assert_eq!(run_edited(&f, &p, set(json!(7))), "ErrorInvalidDssePayload");
    assert_eq!(
        run_edited(&f, &p, set(json!("a/b/c.yml@x@y"))),
        "ErrorInvalidFormat"
    );
    assert_eq!(
        run_edited(&f, &p, set(json!("repo@refs/tags/v13.0.30"))),
        "ErrorInvalidFormat"
    );
    assert_eq!(
        run_edited(&f, &p, set(json!("slsa-framework/example-package/x.yml@"))),
        "ErrorMalformedURI"
    );
    assert_eq!(
        run_edited(
            &f,
            &p,
            set(json!("evil/example-package/x.yml@refs/tags/v13.0.30"))
        ),
        "ErrorMismatchSource"
    );
    let null_params =
        |s: &mut Value| s["predicate"]["buildDefinition"]["internalParameters"] = json!(null);
    assert_eq!(run_edited(&f, &p, null_params), "ErrorInvalidDssePayload");
    let no_deps =
        |s: &mut Value| s["predicate"]["buildDefinition"]["resolvedDependencies"] = json!([]);
    assert_eq!(run_edited(&f, &p, no_deps), "ErrorInvalidDssePayload");
}

#[test]
fn byob_source_without_ref_passes_the_source_check_only() {
    let f = fixture("delegator");
    let no_ref = |s: &mut Value| {
        s["predicate"]["buildDefinition"]["resolvedDependencies"][0]["uri"] =
            json!("git+https://github.com/slsa-framework/example-package");
    };
    assert_eq!(run_edited(&f, &byob_policy(), no_ref), "pass");
    let tagged = byob_policy().with_source_tag("v13.0.30").unwrap();
    assert_eq!(run_edited(&f, &tagged, no_ref), "ErrorInvalidDssePayload");
}

#[test]
fn subject_digest() {
    let f = fixture("generic");
    let p = policy();
    let mut other = f.sha256;
    other[0] ^= 1;
    let wrong = verify_provenance(IN_TOTO_PAYLOAD_TYPE, &f.statement, &f.claims, &other, &p);
    assert_eq!(verdict(wrong), "ErrorMismatchHash");
    assert_eq!(
        run_edited(&f, &p, |s| s["subject"] = json!([])),
        "ErrorInvalidDssePayload"
    );
    assert_eq!(
        run_edited(&f, &p, |s| s["subject"] = json!(null)),
        "ErrorInvalidDssePayload"
    );
    let upper = |s: &mut Value| {
        let d = s["subject"][0]["digest"]["sha256"]
            .as_str()
            .unwrap()
            .to_uppercase();
        s["subject"][0]["digest"]["sha256"] = json!(d);
    };
    assert_eq!(run_edited(&f, &p, upper), "ErrorMismatchHash");
    // Any subject may match; names are reported, not compared.
    let many = |s: &mut Value| {
        let real = s["subject"][0].clone();
        s["subject"] = json!([{"name": "other", "digest": {"sha256": "00"}}, real]);
    };
    let mut statement: Value = serde_json::from_slice(&f.statement).unwrap();
    many(&mut statement);
    let bytes = serde_json::to_vec(&statement).unwrap();
    let verified =
        verify_provenance(IN_TOTO_PAYLOAD_TYPE, &bytes, &f.claims, &f.sha256, &p).unwrap();
    assert_eq!(verified.subject_names().len(), 2);
    assert_eq!(
        verified.matched_subject_names(),
        ["gha_generic-binary-linux-amd64-v13.0.30"]
    );
}

// --- branch and tag ------------------------------------------------------------------------

#[test]
fn tag_and_versioned_tag() {
    let f = fixture("generic");
    assert_eq!(
        run(&f, &policy().with_source_tag("v13.0").unwrap()),
        "ErrorMismatchTag"
    );
    assert_eq!(
        run(&f, &policy().with_source_tag("refs/tags/v13.0.30").unwrap()),
        "ErrorMismatchTag"
    );
    for v in ["v14", "v13.1", "v13.0.31", "v13.0.30-rc.1", "v12"] {
        let p = policy().with_source_versioned_tag(v).unwrap();
        assert_eq!(run(&f, &p), "ErrorMismatchVersionedTag", "{v}");
    }
    // A branch build has no tag.
    let branch_build = |s: &mut Value| {
        env(s)["github_ref_type"] = json!("branch");
        env(s)["github_ref"] = json!("refs/heads/main");
    };
    let tagged = policy().with_source_tag("v13.0.30").unwrap();
    assert_eq!(run_edited(&f, &tagged, branch_build), "ErrorInvalidRef");
    let versioned = policy().with_source_versioned_tag("v13").unwrap();
    assert_eq!(run_edited(&f, &versioned, branch_build), "ErrorInvalidRef");
    // A non-semver tag cannot satisfy a versioned constraint.
    let release_tag = |s: &mut Value| env(s)["github_ref"] = json!("refs/tags/release-13");
    assert_eq!(
        run_edited(&f, &versioned, release_tag),
        "ErrorInvalidSemver"
    );
    // The GitHub context is read lazily, as in Go: broken fields only matter when asked for.
    let broken = |s: &mut Value| env(s)["github_ref_type"] = json!("pull");
    assert_eq!(run_edited(&f, &policy(), broken), "pass");
    assert_eq!(run_edited(&f, &tagged, broken), "ErrorInvalidDssePayload");
    let numeric = |s: &mut Value| env(s)["github_ref"] = json!(13);
    assert_eq!(run_edited(&f, &tagged, numeric), "ErrorInvalidDssePayload");
    let no_env = |s: &mut Value| s["predicate"]["invocation"]["environment"] = json!(null);
    assert_eq!(run_edited(&f, &tagged, no_env), "ErrorInvalidDssePayload");
}

#[test]
fn branch_derivation() {
    let f = fixture("generic");
    let main = policy().with_source_branch("main").unwrap();
    assert_eq!(
        run(&f, &policy().with_source_branch("dev").unwrap()),
        "ErrorMismatchBranch"
    );
    // Tag pushed from a bare commit: base_ref is null, so there is no branch.
    let null_base = |s: &mut Value| env(s)["github_event_payload"]["base_ref"] = json!(null);
    assert_eq!(run_edited(&f, &main, null_base), "ErrorInvalidRef");
    let no_base = |s: &mut Value| {
        env(s)["github_event_payload"]
            .as_object_mut()
            .unwrap()
            .remove("base_ref");
    };
    assert_eq!(run_edited(&f, &main, no_base), "ErrorInvalidDssePayload");
    // github_base_ref wins when set.
    let base = |s: &mut Value| env(s)["github_base_ref"] = json!("refs/heads/dev");
    assert_eq!(run_edited(&f, &main, base), "ErrorMismatchBranch");
    // KubeEdge releases: `release: published`, branch from release.target_commitish.
    let release = |branch: &'static str| {
        move |s: &mut Value| {
            env(s)["github_event_name"] = json!("release");
            env(s)["github_event_payload"] = json!({"release": {"target_commitish": branch}});
        }
    };
    assert_eq!(run_edited(&f, &main, release("main")), "pass");
    assert_eq!(
        run_edited(&f, &main, release("release-1.23")),
        "ErrorMismatchBranch"
    );
    let no_release = |s: &mut Value| {
        env(s)["github_event_name"] = json!("release");
        env(s)["github_event_payload"] = json!({});
    };
    assert_eq!(run_edited(&f, &main, no_release), "ErrorInvalidDssePayload");
    // Other events on a tag give no branch.
    let dispatch = |s: &mut Value| env(s)["github_event_name"] = json!("workflow_dispatch");
    assert_eq!(run_edited(&f, &main, dispatch), "ErrorInvalidRef");
    // Branch builds use github_ref directly.
    let branch_build = |s: &mut Value| {
        env(s)["github_ref_type"] = json!("branch");
        env(s)["github_ref"] = json!("refs/heads/main");
    };
    assert_eq!(run_edited(&f, &main, branch_build), "pass");
}

#[test]
fn byob_tag_and_branch_come_from_the_source_uri() {
    let f = fixture("delegator");
    let tagged = byob_policy().with_source_tag("v13.0.30").unwrap();
    assert_eq!(run(&f, &tagged), "pass");
    // GITHUB_REF is ignored for BYOB tags.
    let ref_env = |s: &mut Value| {
        s["predicate"]["buildDefinition"]["internalParameters"]["GITHUB_REF"] =
            json!("refs/tags/v1.0.0");
    };
    assert_eq!(run_edited(&f, &tagged, ref_env), "pass");
    let branch = |s: &mut Value| {
        let uri = json!("git+https://github.com/slsa-framework/example-package@refs/heads/dev");
        s["predicate"]["buildDefinition"]["resolvedDependencies"][0]["uri"] = uri;
        s["predicate"]["buildDefinition"]["internalParameters"]["GITHUB_WORKFLOW_REF"] =
            json!("slsa-framework/example-package/x.yml@refs/heads/dev");
    };
    assert_eq!(run_edited(&f, &tagged, branch), "ErrorInvalidRef");
    let dev = byob_policy().with_source_branch("dev").unwrap();
    assert_eq!(run_edited(&f, &dev, branch), "pass");
    assert_eq!(run(&f, &dev), "ErrorMismatchBranch");
}

// --- policy construction and small parsers -------------------------------------------------

#[test]
fn policy_construction_errors() {
    let name = |r: Result<SlsaPolicy, SlsaError>| r.map(|_| ()).unwrap_err().slsa_verifier_name();
    assert_eq!(
        name(SlsaPolicy::new(&"a".repeat(MAX_POLICY_VALUE_BYTES + 1))),
        "ErrorMalformedURI"
    );
    assert_eq!(
        name(
            policy()
                .with_source_tag("v1")
                .and_then(|p| p.with_source_versioned_tag("v1"))
        ),
        "ErrorInvalidFormat"
    );
    assert_eq!(
        name(
            policy()
                .with_source_versioned_tag("v1")
                .and_then(|p| p.with_source_tag("v1"))
        ),
        "ErrorInvalidFormat"
    );
    assert_eq!(name(policy().with_source_tag("")), "ErrorInvalidRef");
    assert_eq!(name(policy().with_source_branch("")), "ErrorInvalidRef");
    assert_eq!(
        name(policy().with_source_branch(&"b".repeat(MAX_POLICY_VALUE_BYTES + 1))),
        "ErrorInvalidRef"
    );
    for bad in [
        "13",
        "v1.2.3.4",
        "v01",
        "v1.2-rc.1",
        "v1.2.3-",
        "v1.2.3-01",
        "v1.2.3+",
        "",
        "V1",
    ] {
        assert_eq!(
            name(policy().with_source_versioned_tag(bad)),
            "ErrorInvalidSemver",
            "{bad}"
        );
    }
    for bad in ["gcb://x", "", "http://github.com/x", "github.com/x"] {
        assert_eq!(
            name(policy().with_builder_id(bad)),
            "ErrorVerifierNotSupported",
            "{bad}"
        );
    }
    for bad in ["https://github.com/x@", "https://github.com/x@a@b"] {
        assert_eq!(
            name(policy().with_builder_id(bad)),
            "ErrorInvalidFormat",
            "{bad}"
        );
    }
}

#[test]
fn source_uri_normalisation() {
    assert_eq!(
        normalize_git_uri("github.com/o/r"),
        "git+https://github.com/o/r"
    );
    assert_eq!(
        normalize_git_uri("https://github.com/o/r"),
        "git+https://github.com/o/r"
    );
    assert_eq!(
        normalize_git_uri("git+https://github.com/o/r"),
        "git+https://github.com/o/r"
    );
    assert_eq!(
        normalize_git_uri("git+ssh://github.com/o/r"),
        "git+ssh://github.com/o/r"
    );
    let forms = |uri: &str| {
        let s = SourceRepository::parse(uri).unwrap();
        (s.certificate_form, s.git_uri)
    };
    assert_eq!(forms("github.com/o/r").0, "o/r");
    assert_eq!(forms("git+https://github.com/o/r").0, "o/r");
    assert_eq!(forms("https://github.com/o/r").0, "https://github.com/o/r");
    assert_eq!(forms("gitlab.com/o/r").1, "git+https://gitlab.com/o/r");
}

#[test]
fn builder_id_parsing_and_matching() {
    assert_eq!(parse_builder_id("a", false).unwrap(), ("a", ""));
    assert_eq!(parse_builder_id("a@v1", true).unwrap(), ("a", "v1"));
    assert!(parse_builder_id("a", true).is_err());
    assert!(parse_builder_id("a@", false).is_err());
    assert!(parse_builder_id("a@b@c", false).is_err());
    assert!(parse_builder_id("", false).is_ok());
    let cert = ("n", "refs/tags/v1.2.3");
    assert!(matches_loose(cert, ("n", "")));
    assert!(matches_loose(cert, ("n", "v1.2.3")));
    assert!(matches_loose(cert, ("n", "refs/tags/v1.2.3")));
    assert!(!matches_loose(cert, ("n", "v1.2.4")));
    assert!(!matches_loose(cert, ("m", "")));
    assert!(matches_full(cert, cert));
    assert!(!matches_full(cert, ("n", "")));
    assert!(!matches_full(("n", "v1.2.3"), cert));
}

#[test]
fn git_refs_and_uris() {
    assert_eq!(parse_git_ref("refs/tags/v1"), ("tags", "v1"));
    assert_eq!(parse_git_ref("refs/heads/a/b"), ("heads", "a/b"));
    assert_eq!(parse_git_ref("refs/tags"), ("", "refs/tags"));
    assert_eq!(parse_git_ref("ref/tags/v1"), ("", "ref/tags/v1"));
    assert_eq!(tag_from_git_ref("refs/tags/v1").unwrap(), "v1");
    assert!(tag_from_git_ref("refs/tags/").is_err());
    assert!(tag_from_git_ref("refs/heads/v1").is_err());
    assert!(tag_from_git_ref("").is_err());
    assert_eq!(
        branch_from_git_ref("refs/heads/release/1.2").unwrap(),
        "release/1.2"
    );
    assert!(branch_from_git_ref("refs/tags/main").is_err());
    assert_eq!(
        parse_git_uri_and_ref("git+https://g/o/r@refs/tags/v1@x").unwrap(),
        ("git+https://g/o/r", "refs/tags/v1@x")
    );
    assert_eq!(
        parse_git_uri_and_ref("git+https://g/o/r").unwrap(),
        ("git+https://g/o/r", "")
    );
    assert!(parse_git_uri_and_ref("").is_err());
    assert!(parse_git_uri_and_ref("https://g/o/r@x").is_err());
}

#[test]
fn builder_tags() {
    for ok in [
        "refs/tags/v1.2.3",
        "refs/tags/v0.0.0",
        "refs/tags/v10.20.30",
    ] {
        assert!(is_valid_builder_tag(ok).is_ok(), "{ok}");
    }
    for bad in [
        "refs/tags/v1.2",
        "refs/tags/v1",
        "refs/tags/v1.2.3-rc.1",
        "refs/tags/v1.2.3+b",
        "refs/tags/v01.2.3",
        "refs/tags/1.2.3",
        "refs/heads/v1.2.3",
        "v1.2.3",
    ] {
        assert_eq!(
            is_valid_builder_tag(bad).unwrap_err().slsa_verifier_name(),
            "ErrorInvalidRef",
            "{bad}"
        );
    }
    assert!(is_valid_jreleaser_tag("refs/tags/v1.1.0-java").is_ok());
    assert!(is_valid_jreleaser_tag("refs/tags/v1.1.0-go").is_err());
    assert!(is_valid_jreleaser_tag("refs/tags/v1.1.0-java+b").is_err());
}

#[test]
fn go_semver() {
    for ok in [
        "v1",
        "v1.2",
        "v1.2.3",
        "v0.0.0",
        "v1.2.3-rc.1",
        "v1.2.3-0a",
        "v1.2.3+b.01",
        "v1.2.3-a-b+c-d",
        "v1.2.3-x.0",
    ] {
        assert!(Semver::parse(ok).is_some(), "{ok}");
    }
    for bad in [
        "",
        "v",
        "1.2.3",
        "v1.",
        "v1.2.",
        "v01.2.3",
        "v1.02.3",
        "v1.2.03",
        "v1.2-rc",
        "v1+b",
        "v1.2.3-",
        "v1.2.3-a..b",
        "v1.2.3-01",
        "v1.2.3+",
        "v1.2.3+a..b",
        "v1.2.3_x",
        "v1.2.3-é",
    ] {
        assert!(Semver::parse(bad).is_none(), "{bad}");
    }
    let p = Semver::parse("v1.2.3-rc.1+b.2").unwrap();
    assert_eq!((p.major, p.prerelease, p.build), ("1", "-rc.1", "+b.2"));
    assert_eq!(semver_canonical("v14").unwrap(), "v14.0.0");
    assert_eq!(semver_canonical("v14.2").unwrap(), "v14.2.0");
    assert_eq!(semver_canonical("v1.2.3-rc+b").unwrap(), "v1.2.3-rc");
    assert!(semver_canonical("release-1").is_none());
}

#[test]
fn versioned_tag_matching_copies_slsa_verifier() {
    let check = |expected: &str, tag: &str| {
        VersionedTag::parse(expected)
            .unwrap()
            .verify(tag)
            .map_err(|e| e.slsa_verifier_name())
    };
    // Documented oracle cases (slsa-verification.md §5.6).
    assert_eq!(check("v14", "v14.2"), Ok(()));
    assert_eq!(check("v14", "v14.0"), Ok(()));
    assert_eq!(check("v14.2", "v14.2"), Ok(()));
    assert_eq!(check("v14.2.1", "v14.2"), Err("ErrorMismatchVersionedTag"));
    assert_eq!(check("v13.0.30", "v13.0.30"), Ok(()));
    assert_eq!(check("v13.0", "v13.0.30"), Ok(()));
    assert_eq!(check("v13", "v14"), Err("ErrorMismatchVersionedTag"));
    assert_eq!(check("v13.1", "v13.0.30"), Err("ErrorMismatchVersionedTag"));
    // Build metadata on the expected side is ignored (when it holds no dot).
    assert_eq!(check("v1.2.3+b", "v1.2.3"), Ok(()));
    // slsa-verifier's string split keeps these quirks; copied on purpose.
    assert_eq!(check("v1.2.3-rc.1", "v1.2.3-rc.2"), Ok(()));
    assert_eq!(
        check("v1.2.3+b.5", "v1.2.3"),
        Err("ErrorMismatchVersionedTag")
    );
    assert_eq!(check("v1", "not-semver"), Err("ErrorInvalidSemver"));
}

#[test]
fn small_format_checks() {
    for ok in [
        "2025-02-25T21:06:15Z",
        "2024-02-29T00:00:00.123456789+05:30",
        "0000-01-01T00:00:00-00:00",
    ] {
        assert!(is_go_rfc3339(ok), "{ok}");
    }
    for bad in [
        "",
        "2025-02-25 21:06:15Z",
        "2025-02-25T21:06:15",
        "2023-02-29T00:00:00Z",
        "2025-13-01T00:00:00Z",
        "2025-02-25T24:00:00Z",
        "2025-02-25T21:06:15z",
        "2025-02-25T21:06:15.Z",
        "2025-02-25T21:06:15+24:00",
        "2025-02-25T21:06:60Z",
        "２025-02-25T21:06:15Z",
    ] {
        assert!(!is_go_rfc3339(bad), "{bad}");
    }
    for ok in ["", "aGVsbG8=", "aGVsbA==", "aGVs\r\nbG8=", "+/+/"] {
        assert!(is_std_base64(ok), "{ok}");
    }
    for bad in ["aGVsbG8", "aGVsbA=", "a===", "aG=sbG8=", "aGVs-G8=", "===="] {
        assert!(!is_std_base64(bad), "{bad}");
    }
    // The subject digest comparison relies on core's hex being lower case.
    assert_eq!(hex_encode(&[0x00, 0xab, 0x0f, 0xf0]), "00ab0ff0");
}

#[test]
fn error_names_are_the_go_sentinels() {
    let all = [
        (SlsaError::InvalidBuilderId("r"), "ErrorInvalidBuilderID"),
        (SlsaError::InvalidBuildType("r"), "ErrorInvalidBuildType"),
        (
            SlsaError::InvalidCertificate("r"),
            "ErrorInvalidCertificate",
        ),
        (
            SlsaError::InvalidDssePayload("r"),
            "ErrorInvalidDssePayload",
        ),
        (SlsaError::InvalidFormat("r"), "ErrorInvalidFormat"),
        (SlsaError::InvalidHash("r"), "ErrorInvalidHash"),
        (SlsaError::InvalidOidcIssuer("r"), "ErrorInvalidOIDCIssuer"),
        (SlsaError::InvalidRef("r"), "ErrorInvalidRef"),
        (SlsaError::InvalidSemver("r"), "ErrorInvalidSemver"),
        (SlsaError::MalformedUri("r"), "ErrorMalformedURI"),
        (SlsaError::MismatchBranch("r"), "ErrorMismatchBranch"),
        (SlsaError::MismatchBuilderId("r"), "ErrorMismatchBuilderID"),
        (SlsaError::MismatchHash("r"), "ErrorMismatchHash"),
        (SlsaError::MismatchSource("r"), "ErrorMismatchSource"),
        (SlsaError::MismatchTag("r"), "ErrorMismatchTag"),
        (
            SlsaError::MismatchVersionedTag("r"),
            "ErrorMismatchVersionedTag",
        ),
        (SlsaError::NotPresent("r"), "ErrorNotPresent"),
        (
            SlsaError::UntrustedReusableWorkflow("r"),
            "ErrorUntrustedReusableWorkflow",
        ),
        (
            SlsaError::VerifierNotSupported("r"),
            "ErrorVerifierNotSupported",
        ),
    ];
    for (error, name) in all {
        assert_eq!(error.slsa_verifier_name(), name);
        let shown = error.to_string();
        assert!(shown.ends_with(": r") && !shown.contains('\n'), "{shown}");
    }
    assert_eq!(
        SlsaError::MismatchSource("certificate source repository differs").to_string(),
        "source used to generate the binary does not match provenance: certificate source repository differs"
    );
}

#[test]
fn oidc_issuer_check_backs_up_the_coarse_gate() {
    // Unreachable through verify_provenance (the coarse gate answers first, as in
    // slsa-verifier), but the check itself must still hold if the gate ever changes.
    let identity = CertIdentity {
        issuer: "https://accounts.google.com",
        workflow: GENERIC_GENERATOR,
        workflow_ref: "refs/tags/v2.1.0",
        source_repository: "o/r",
        source_commit: "c",
    };
    let err = identity
        .verify_builder(None, &DEFAULT_TRUSTED_BUILDERS)
        .err()
        .unwrap();
    assert_eq!(err.slsa_verifier_name(), "ErrorInvalidOIDCIssuer");
}

// --- hostile input -------------------------------------------------------------------------

fn parse_error(bytes: &[u8]) -> &'static str {
    match parse_json(bytes) {
        Ok(_) => "ok",
        Err(SlsaError::InvalidDssePayload(reason)) => reason,
        Err(other) => panic!("unexpected {other:?}"),
    }
}

#[test]
fn hostile_json_is_rejected_without_panicking() {
    let deep = "[".repeat(100_000);
    assert!(parse_error(deep.as_bytes()).contains("MAX_JSON_DEPTH"));
    let deep_objects = "{\"a\":".repeat(MAX_JSON_DEPTH + 1);
    assert!(parse_error(deep_objects.as_bytes()).contains("MAX_JSON_DEPTH"));
    let at_limit = format!(
        "{}{}",
        "[".repeat(MAX_JSON_DEPTH),
        "]".repeat(MAX_JSON_DEPTH)
    );
    assert_eq!(parse_error(at_limit.as_bytes()), "ok");

    let huge = vec![b' '; MAX_STATEMENT_BYTES + 1];
    assert!(parse_error(&huge).contains("MAX_STATEMENT_BYTES"));
    let many_values = format!("[{}0]", "0,".repeat(MAX_JSON_VALUES));
    assert!(parse_error(many_values.as_bytes()).contains("MAX_JSON_VALUES"));
    let long_string = format!("\"{}\"", "a".repeat(MAX_JSON_STRING_BYTES + 1));
    assert!(parse_error(long_string.as_bytes()).contains("MAX_JSON_STRING_BYTES"));
    let long_key = format!("{{\"{}\":1}}", "k".repeat(MAX_JSON_STRING_BYTES + 1));
    assert!(parse_error(long_key.as_bytes()).contains("MAX_JSON_STRING_BYTES"));
    assert!(parse_error(b"{\"a\":1,\"a\":2}").contains("duplicate"));

    for bad in [
        &b""[..],
        b"\xff\xfe{}",
        b"{\"a\":\"\xc3\x28\"}",
        b"\"\\ud800\"",
        b"{} x",
        b"[1e999]",
        b"{\"a\":01}",
        b"{'a':1}",
    ] {
        assert_eq!(parse_error(bad), "statement is not valid JSON", "{bad:?}");
    }
    assert_eq!(parse_error(b" {\"a\":[1,2.5,-3,true,null,\"x\"]} \n"), "ok");

    // Structurally valid JSON that is not a statement.
    for bad in [
        &b"null"[..],
        b"[]",
        b"1",
        b"\"x\"",
        b"{}",
        b"{\"subject\":{}}",
    ] {
        assert_eq!(run_bytes(bad), "ErrorInvalidDssePayload", "{bad:?}");
    }
}

#[test]
fn hostile_subject_lists_are_bounded() {
    let f = fixture("generic");
    let p = policy();
    let too_many = |s: &mut Value| {
        let real = s["subject"][0].clone();
        s["subject"] = Value::Array(vec![real; MAX_STATEMENT_SUBJECTS + 1]);
    };
    assert_eq!(run_edited(&f, &p, too_many), "ErrorInvalidDssePayload");
    let at_limit = |s: &mut Value| {
        let real = s["subject"][0].clone();
        s["subject"] = Value::Array(vec![real; MAX_STATEMENT_SUBJECTS]);
    };
    assert_eq!(run_edited(&f, &p, at_limit), "pass");
    let many_digests = |s: &mut Value| {
        for i in 0..MAX_SUBJECT_DIGESTS {
            s["subject"][0]["digest"][format!("alg{i}")] = json!("00");
        }
    };
    assert_eq!(run_edited(&f, &p, many_digests), "ErrorInvalidDssePayload");
}

#[test]
fn statement_limits_hold_exactly_at_the_boundary() {
    // Each bound admits its limit and refuses one more.
    let mut at = vec![b' '; MAX_STATEMENT_BYTES - 2];
    at.extend_from_slice(b"{}");
    assert_eq!(parse_error(&at), "ok");
    at.insert(0, b' ');
    assert!(parse_error(&at).contains("MAX_STATEMENT_BYTES"));

    // The array and its elements are all values.
    let values = |n: usize| format!("[{}0]", "0,".repeat(n - 2));
    assert_eq!(parse_error(values(MAX_JSON_VALUES).as_bytes()), "ok");
    assert!(parse_error(values(MAX_JSON_VALUES + 1).as_bytes()).contains("MAX_JSON_VALUES"));

    let string = |n: usize| format!("\"{}\"", "a".repeat(n));
    assert_eq!(parse_error(string(MAX_JSON_STRING_BYTES).as_bytes()), "ok");
    assert!(
        parse_error(string(MAX_JSON_STRING_BYTES + 1).as_bytes()).contains("MAX_JSON_STRING_BYTES")
    );

    let f = fixture("generic");
    let p = policy();
    // The real sha256 digest plus others up to the limit: still verifies.
    let digests_at_limit = |s: &mut Value| {
        for i in 1..MAX_SUBJECT_DIGESTS {
            s["subject"][0]["digest"][format!("alg{i}")] = json!("00");
        }
    };
    assert_eq!(run_edited(&f, &p, digests_at_limit), "pass");

    assert!(policy()
        .with_source_branch(&"b".repeat(MAX_POLICY_VALUE_BYTES))
        .is_ok());
}

/// Deterministic mutation fuzzing of real statements and claims: every outcome is a verdict,
/// never a panic.
#[test]
fn mutated_inputs_never_panic() {
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let tokens: [&[u8]; 8] = [b"{", b"}", b"[", b"\"", b"@", b"\\u0000", b"null", b"\xff"];
    for name in ["generic", "delegator", "container"] {
        let f = fixture(name);
        let p = if name == "delegator" {
            byob_policy()
        } else {
            policy()
        }
        .with_source_branch("main")
        .and_then(|p| p.with_source_versioned_tag("v13"))
        .unwrap();
        for _ in 0..700 {
            let mut bytes = f.statement.clone();
            for _ in 0..1 + next() % 4 {
                let at = (next() as usize) % bytes.len().max(1);
                match next() % 4 {
                    0 => bytes[at] = next() as u8,
                    1 => bytes.truncate(at),
                    2 => {
                        let t = tokens[(next() % 8) as usize];
                        bytes.splice(at..at, t.iter().copied());
                    }
                    _ => {
                        let _ = bytes.remove(at.min(bytes.len().saturating_sub(1)));
                    }
                }
                if bytes.is_empty() {
                    break;
                }
            }
            let _ = verify_provenance(IN_TOTO_PAYLOAD_TYPE, &bytes, &f.claims, &f.sha256, &p);
            let mut claims = f.claims.clone();
            let mut san = claims.san_uri.take().unwrap_or_default().into_bytes();
            let at = (next() as usize) % san.len().max(1);
            san.insert(at, b"@/%?x"[(next() % 5) as usize]);
            san.truncate(at + (next() as usize % 8));
            claims.san_uri = String::from_utf8(san).ok();
            let _ = verify_provenance(IN_TOTO_PAYLOAD_TYPE, &f.statement, &claims, &f.sha256, &p);
        }
    }
}
