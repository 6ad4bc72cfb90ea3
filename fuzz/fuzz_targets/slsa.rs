//! SLSA provenance policy (`slsa::verify_provenance`), slsa-verifier semantics.
//!
//! `[selector][rest]`: selector bits 0–1 pick a real fixture (0–2: `rest` is the statement,
//! checked with that fixture's certificate claims; 3: `rest` is eleven newline-separated
//! certificate claims, checked with the generic fixture's statement); bits 2–4 pick the
//! operator policy. The artifact digest is the statement's first subject's, so a well-formed
//! statement gets past the subject check into the source, branch and tag checks.
#![no_main]

use edgeverify_core::slsa::{self, CertificateClaims, SlsaPolicy};
use libfuzzer_sys::fuzz_target;

const SOURCE: &str = "github.com/slsa-framework/example-package";
const BUILDER: &str =
    "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml";

fn policy(variant: u8) -> Option<SlsaPolicy> {
    let base = SlsaPolicy::new(SOURCE).ok()?;
    match variant % 6 {
        0 => Some(base),
        1 => base.with_source_tag("v13.0.30").ok(),
        2 => base.with_source_versioned_tag("v13").ok(),
        3 => base.with_source_branch("main").ok(),
        4 => base.with_builder_id(BUILDER).ok(),
        _ => base.with_builder_id(&format!("{BUILDER}@v2.1.0")).ok(),
    }
}

fn claims_from_lines(text: &[u8]) -> CertificateClaims {
    let text = String::from_utf8_lossy(text);
    let mut lines = text
        .split('\n')
        .map(|l| Some(l.to_string()).filter(|l| !l.is_empty()));
    let mut next = || lines.next().flatten();
    let mut c = CertificateClaims::default();
    c.san_uri = next();
    c.issuer = next();
    c.issuer_v1 = next();
    c.github_workflow_trigger = next();
    c.github_workflow_sha = next();
    c.github_workflow_repository = next();
    c.source_repository_uri = next();
    c.source_repository_digest = next();
    c.build_config_uri = next();
    c.build_config_digest = next();
    c.build_trigger = next();
    c
}

fuzz_target!(|data: &[u8]| {
    let [selector, rest @ ..] = data else {
        return;
    };
    let fixtures = edgeverify_fuzz::provenances();
    let Some(policy) = policy(selector >> 2) else {
        return;
    };
    let (statement, claims) = match usize::from(selector & 3) {
        3 => (fixtures[0].statement, claims_from_lines(rest)),
        i => (rest, fixtures[i].claims.clone()),
    };
    let sha256 = edgeverify_fuzz::first_subject_sha256(statement).unwrap_or([0; 32]);
    if let Ok(verified) = slsa::verify_provenance(
        edgeverify_core::IN_TOTO_PAYLOAD_TYPE,
        statement,
        &claims,
        &sha256,
        &policy,
    ) {
        // What passed must be about this artifact and this source.
        assert!(verified
            .source_uri()
            .contains("slsa-framework/example-package"));
    }
});
