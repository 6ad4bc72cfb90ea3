//! The verdict a scenario should get under sigstore-go's semantics, with the code that decides
//! it. Stated by whoever defines the scenario (the catalog states one for each of its
//! scenarios); never computed, because computing it would be a second verifier.

use serde_json::{json, Value};

use crate::crypto::HashAlg;

/// Verified or not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Verdict {
    /// Every check passes.
    Verified,
    /// Verification fails.
    Rejected,
}

impl Verdict {
    /// `"verified"` / `"rejected"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Verified => "verified",
            Self::Rejected => "rejected",
        }
    }
}

/// What sigstore-go (the reference verifier) says about a scenario.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expectation {
    /// The verdict when the verifier is given the artifact itself (file or bytes).
    pub verdict: Verdict,
    /// Verdicts when the verifier is given only a digest (`sha256:<hex>` …), where they are
    /// known; sigstore-go matches a digest's algorithm by name, so these may differ.
    pub digest_verdicts: Vec<(HashAlg, Verdict)>,
    /// Why, in a sentence.
    pub reason: String,
    /// The sigstore-go code that decides it (`path: function`), for the interop work.
    pub sigstore_go: Vec<String>,
    /// The item of issue 12 this scenario serves, if any.
    pub issue_item: Option<u32>,
}

impl Expectation {
    /// Verified, for the usual reasons: every stage passes.
    pub fn verified(reason: &str) -> Self {
        Self {
            verdict: Verdict::Verified,
            digest_verdicts: Vec::new(),
            reason: reason.to_string(),
            sigstore_go: vec!["pkg/verify/signed_entity.go: (*Verifier).Verify".into()],
            issue_item: None,
        }
    }

    /// Rejected, with the code that rejects it.
    pub fn rejected(reason: &str, decided_by: &[&str]) -> Self {
        Self {
            verdict: Verdict::Rejected,
            digest_verdicts: Vec::new(),
            reason: reason.to_string(),
            sigstore_go: decided_by.iter().map(|s| s.to_string()).collect(),
            issue_item: None,
        }
    }

    /// Adds the code that decides it.
    pub fn decided_by(mut self, refs: &[&str]) -> Self {
        self.sigstore_go.extend(refs.iter().map(|s| s.to_string()));
        self
    }

    /// Adds a verdict for a digest input.
    pub fn with_digest(mut self, alg: HashAlg, verdict: Verdict) -> Self {
        self.digest_verdicts.push((alg, verdict));
        self
    }

    /// Marks the issue-12 item.
    pub fn item(mut self, item: u32) -> Self {
        self.issue_item = Some(item);
        self
    }

    /// The verdict for a digest input in `alg`, if stated.
    pub fn digest_verdict(&self, alg: HashAlg) -> Option<Verdict> {
        self.digest_verdicts
            .iter()
            .find(|(a, _)| *a == alg)
            .map(|(_, v)| *v)
    }

    pub(crate) fn to_json(&self) -> Value {
        json!({
            "verdict": self.verdict.as_str(),
            "digest_verdicts": self.digest_verdicts.iter().map(|(a, v)| json!({
                "algorithm": a.name(),
                "verdict": v.as_str(),
            })).collect::<Vec<_>>(),
            "reason": self.reason,
            "decided_by": self.sigstore_go,
            "issue_12_item": self.issue_item,
        })
    }
}
