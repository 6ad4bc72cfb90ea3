//! What the caller expects of the signer: a certificate identity (SAN and OIDC issuer, exact or
//! anchored regex), a self-managed public key, or SLSA provenance from a trusted builder.

use alloc::format;
use alloc::string::String;

use regex_automata::nfa::thompson::{self, pikevm::PikeVM};

use crate::crypto::PublicKey;
use crate::error::{Document, Error};
use crate::limits;
use crate::slsa::SlsaPolicy;

/// The verification policy for one artifact.
#[non_exhaustive]
#[derive(Clone, Debug)]
pub enum Policy {
    /// A Fulcio certificate whose identity and issuer match.
    Identity(CertificateIdentity),
    /// A self-managed key (`--key`): replaces the certificate and identity checks; the
    /// transparency log and a verified time are still required.
    PublicKey(PublicKey),
    /// SLSA provenance (slsa-verifier semantics): the signer must be a trusted builder and
    /// the statement must satisfy the policy.
    Slsa(SlsaPolicy),
}

/// Expected certificate identity: both the SAN and the OIDC issuer must match.
#[derive(Clone, Debug)]
pub struct CertificateIdentity {
    subject: Matcher,
    issuer: Matcher,
}

impl CertificateIdentity {
    /// Exact SAN (URI or email) and exact issuer.
    pub fn exact(subject: &str, issuer: &str) -> Result<Self, Error> {
        Ok(Self {
            subject: Matcher::exact(subject)?,
            issuer: Matcher::exact(issuer)?,
        })
    }

    /// Any combination of matchers.
    pub fn new(subject: Matcher, issuer: Matcher) -> Self {
        Self { subject, issuer }
    }

    /// Checks a certificate's identity (SAN) and issuer.
    pub(crate) fn check(&self, identity: Option<&str>, issuer: Option<&str>) -> Result<(), Error> {
        if !identity.is_some_and(|id| self.subject.matches(id)) {
            return Err(Error::SubjectMismatch {
                found: identity.map(String::from),
            });
        }
        if !issuer.is_some_and(|iss| self.issuer.matches(iss)) {
            return Err(Error::IssuerMismatch {
                found: issuer.map(String::from),
            });
        }
        Ok(())
    }
}

/// How a string from the certificate is compared with what the operator expects.
#[derive(Clone, Debug)]
pub enum Matcher {
    /// Byte-for-byte equality.
    Exact(String),
    /// A regular expression that must match the whole value (it is anchored for you: an
    /// unanchored `github.com/org/` would also match `evil.com/?github.com/org/`).
    Regex(AnchoredRegex),
}

impl Matcher {
    /// An exact matcher; the value must be non-empty and within [`limits::MAX_PATTERN_BYTES`].
    pub fn exact(value: &str) -> Result<Self, Error> {
        check_pattern_len(value)?;
        Ok(Self::Exact(String::from(value)))
    }

    /// An anchored regex matcher.
    pub fn regex(pattern: &str) -> Result<Self, Error> {
        AnchoredRegex::new(pattern).map(Self::Regex)
    }

    /// Whether `value` satisfies the matcher.
    pub fn matches(&self, value: &str) -> bool {
        match self {
            Self::Exact(expected) => expected == value,
            Self::Regex(re) => re.regex.is_match(&mut re.regex.create_cache(), value),
        }
    }
}

fn check_pattern_len(value: &str) -> Result<(), Error> {
    if value.is_empty() {
        return Err(Error::InvalidInput {
            reason: "empty identity or issuer",
        });
    }
    if value.len() > limits::MAX_PATTERN_BYTES {
        return Err(Error::LimitExceeded {
            document: Document::Policy,
            what: "identity pattern length",
            limit: limits::MAX_PATTERN_BYTES,
        });
    }
    Ok(())
}

/// A compiled regular expression that matches whole strings only. Matching runs in time
/// linear in the input (a Pike VM: no backtracking) and compiled size is bounded. The Pike VM
/// is used directly rather than through `regex_automata::meta`, whose strategy selection and
/// literal prefilters cost binary size and buy nothing on identity strings of a few hundred
/// bytes.
#[derive(Clone, Debug)]
pub struct AnchoredRegex {
    source: String,
    regex: PikeVM,
}

impl AnchoredRegex {
    /// Compiles `pattern` as `\A(?:pattern)\z`.
    pub fn new(pattern: &str) -> Result<Self, Error> {
        check_pattern_len(pattern)?;
        let anchored = format!(r"\A(?:{pattern})\z");
        let regex = PikeVM::builder()
            // Unicode classes are not compiled in (binary size); identities are ASCII URLs
            // and e-mail addresses.
            .syntax(
                regex_automata::util::syntax::Config::new()
                    .unicode(false)
                    .utf8(false),
            )
            .thompson(thompson::Config::new().nfa_size_limit(Some(limits::MAX_REGEX_SIZE_BYTES)))
            .build(&anchored)
            .map_err(|_| Error::InvalidInput {
                reason: "invalid identity regular expression",
            })?;
        Ok(Self {
            source: String::from(pattern),
            regex,
        })
    }

    /// The pattern as given.
    pub fn as_str(&self) -> &str {
        &self.source
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regexes_are_anchored() {
        let m = Matcher::regex(r"https://github\.com/org/.*").unwrap();
        assert!(m.matches("https://github.com/org/repo/.github/workflows/x.yml@refs/heads/main"));
        assert!(!m.matches("https://evil.com/?https://github.com/org/x"));
        let m = Matcher::regex("a|b").unwrap();
        assert!(m.matches("a"));
        assert!(!m.matches("ab"), "alternation must stay inside the anchors");
        assert!(Matcher::regex("(").is_err());
        assert!(Matcher::regex("").is_err());
    }

    #[test]
    fn identity_requires_both_subject_and_issuer() {
        let id = CertificateIdentity::exact("a@b.c", "https://issuer").unwrap();
        assert!(id.check(Some("a@b.c"), Some("https://issuer")).is_ok());
        assert!(matches!(
            id.check(Some("x@b.c"), Some("https://issuer")),
            Err(Error::SubjectMismatch { .. })
        ));
        assert!(matches!(
            id.check(Some("a@b.c"), Some("https://other")),
            Err(Error::IssuerMismatch { .. })
        ));
        assert!(matches!(
            id.check(Some("a@b.c"), None),
            Err(Error::IssuerMismatch { .. })
        ));
        assert!(matches!(
            id.check(None, Some("https://issuer")),
            Err(Error::SubjectMismatch { .. })
        ));
    }

    #[test]
    fn hostile_patterns_are_bounded() {
        assert!(Matcher::exact(&"a".repeat(limits::MAX_PATTERN_BYTES + 1)).is_err());
        // Counted repetition explodes the NFA; the size limit must refuse it.
        assert!(Matcher::regex("(a{1000}){1000}").is_err());
    }
}
