//! What the caller expects of the signer: a certificate identity (SAN and OIDC issuer, exact or
//! anchored regex), a self-managed public key, or SLSA provenance from a trusted builder.

use alloc::format;
use alloc::string::String;

use regex_automata::nfa::thompson::{self, pikevm::PikeVM};
use regex_syntax::hir::{Hir, Look};

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
///
/// The pattern is parsed on its own, exactly as given, and the anchors are added to its parsed
/// form (`\A`, the pattern as one unit, `\z`), never by pasting text around it: pasted
/// anchors could be closed off by the pattern itself (`x)|(.*` inside `\A(?:…)\z` is
/// `\A(?:x)|(.*)\z`, which matches anything).
#[derive(Clone, Debug)]
pub struct AnchoredRegex {
    source: String,
    regex: PikeVM,
}

/// Why an identity regular expression was refused, in one line: the regex engine's reason and
/// the byte of the pattern it is about (`unopened group at byte 33 of the pattern`), or the
/// limit the pattern exceeds. Converts into the crate's [`Error`] for callers that only need
/// the class.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PatternError {
    message: String,
    limit: Option<Error>,
}

impl core::fmt::Display for PatternError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<PatternError> for Error {
    fn from(e: PatternError) -> Self {
        e.limit.unwrap_or(Self::InvalidInput {
            reason: "invalid identity regular expression",
        })
    }
}

impl AnchoredRegex {
    /// Compiles `pattern` to match whole values only; see [`AnchoredRegex::compile`] for the
    /// engine's explanation of a refusal.
    pub fn new(pattern: &str) -> Result<Self, Error> {
        Self::compile(pattern).map_err(Error::from)
    }

    /// Compiles `pattern` to match whole values only: the pattern must be a valid regular
    /// expression by itself (an unbalanced group is an error, not something the anchors
    /// close), within [`limits::MAX_PATTERN_BYTES`] and [`limits::MAX_REGEX_SIZE_BYTES`].
    pub fn compile(pattern: &str) -> Result<Self, PatternError> {
        check_pattern_len(pattern).map_err(|e| PatternError {
            message: format!("{e}"),
            limit: Some(e),
        })?;
        let refused = |message: String| PatternError {
            message,
            limit: None,
        };
        // Unicode classes are not compiled in (binary size); identities are ASCII URLs and
        // e-mail addresses.
        let syntax = regex_automata::util::syntax::Config::new()
            .unicode(false)
            .utf8(false);
        let parsed = regex_automata::util::syntax::parse_with(pattern, &syntax)
            .map_err(|e| refused(syntax_error(&e)))?;
        let whole = Hir::concat(alloc::vec![
            Hir::look(Look::Start),
            parsed,
            Hir::look(Look::End),
        ]);
        let nfa = thompson::Compiler::new()
            .configure(thompson::Config::new().nfa_size_limit(Some(limits::MAX_REGEX_SIZE_BYTES)))
            .build_from_hir(&whole)
            .map_err(|e| refused(format!("{e}")))?;
        let regex = PikeVM::new_from_nfa(nfa).map_err(|e| refused(format!("{e}")))?;
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

/// One line: what is wrong and where (the engine's own `Display` draws the pattern over
/// several lines).
fn syntax_error(e: &regex_syntax::Error) -> String {
    match e {
        regex_syntax::Error::Parse(e) => {
            format!(
                "{} at byte {} of the pattern",
                e.kind(),
                e.span().start.offset
            )
        }
        regex_syntax::Error::Translate(e) => {
            format!(
                "{} at byte {} of the pattern",
                e.kind(),
                e.span().start.offset
            )
        }
        other => format!("{other}").replace('\n', " "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

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

    /// The attack of issue 13: a pattern that closes a pasted-on wrapper's group would escape
    /// its anchors and accept any identity. Parsed on its own it is unbalanced, and refused
    /// with the engine's explanation.
    #[test]
    fn a_pattern_cannot_close_the_anchors() {
        for escape in [
            r"https://github\.com/victim-org/.*)|(.*",
            r"x)|(.*",
            r"x)|.*|(?:y",
            r"x))|((.*",
        ] {
            let err = AnchoredRegex::compile(escape).unwrap_err();
            assert!(
                err.to_string().contains("unopened group"),
                "{escape}: {err}"
            );
            assert_eq!(
                Error::from(err),
                Error::InvalidInput {
                    reason: "invalid identity regular expression"
                }
            );
            assert!(Matcher::regex(escape).is_err(), "{escape}");
        }
        let err = AnchoredRegex::compile("https://(unclosed").unwrap_err();
        assert_eq!(err.to_string(), "unclosed group at byte 8 of the pattern");
        let err = AnchoredRegex::compile(r"https://github\.com/victim-org/.*)|(.*").unwrap_err();
        assert_eq!(err.to_string(), "unopened group at byte 33 of the pattern");
    }

    /// Whole-value semantics, not "the preferred match happens to reach the end": `a|ab` must
    /// accept `ab` although leftmost-first matching prefers `a`; anchors and alternations in
    /// the pattern keep their own meaning inside the added ones.
    #[test]
    fn whole_value_semantics() {
        let cases: &[(&str, &str, bool)] = &[
            ("a|ab", "ab", true),
            ("a|ab", "a", true),
            ("a|ab", "abc", false),
            ("(?:a|ab)(?:c|bcd)", "abcd", true),
            ("^abc$", "abc", true),
            ("(?m)^a$", "a\na", false),
            ("a*?", "aaa", true),
            ("", "", false), // empty patterns are refused
            (r"x\z|y", "y", true),
            (r"\Ax|y", "zy", false),
        ];
        for (pattern, value, expected) in cases {
            match Matcher::regex(pattern) {
                Ok(m) => assert_eq!(m.matches(value), *expected, "{pattern:?} on {value:?}"),
                Err(_) => assert!(pattern.is_empty() && !expected, "{pattern:?} refused"),
            }
        }
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
        let long = AnchoredRegex::compile(&"a".repeat(limits::MAX_PATTERN_BYTES + 1)).unwrap_err();
        assert!(matches!(Error::from(long), Error::LimitExceeded { .. }));
        // Counted repetition explodes the NFA; the size limit must refuse it.
        let big = AnchoredRegex::compile("(a{1000}){1000}").unwrap_err();
        assert!(big.to_string().contains("exceeded"), "{big}");
        assert!(matches!(Error::from(big), Error::InvalidInput { .. }));
    }
}
