//! DSSE envelopes and the in-toto statements inside them.

use alloc::string::String;
use alloc::vec::Vec;

use serde::Deserialize;

use crate::crypto::{Digest, HashAlgorithm};
use crate::encoding::hex_decode;
use crate::error::{Document, Error};
use crate::json::{self, Bounded, BoundedMap};
use crate::limits;

/// The only payload type we accept: an in-toto statement. Anything else could be signed
/// bytes of another meaning (payload-type confusion).
pub const IN_TOTO_PAYLOAD_TYPE: &str = "application/vnd.in-toto+json";

const STATEMENT_TYPES: &[&str] = &[
    "https://in-toto.io/Statement/v1",
    "https://in-toto.io/Statement/v0.1",
];

/// DSSE pre-authentication encoding:
/// `"DSSEv1" SP LEN(type) SP type SP LEN(payload) SP payload`.
pub(crate) fn pae(payload_type: &str, payload: &[u8]) -> Vec<u8> {
    let type_len = alloc::format!("{}", payload_type.len());
    let payload_len = alloc::format!("{}", payload.len());
    let mut out = Vec::with_capacity(
        6 + 4 + type_len.len() + payload_type.len() + payload_len.len() + payload.len(),
    );
    out.extend_from_slice(b"DSSEv1 ");
    out.extend_from_slice(type_len.as_bytes());
    out.push(b' ');
    out.extend_from_slice(payload_type.as_bytes());
    out.push(b' ');
    out.extend_from_slice(payload_len.as_bytes());
    out.push(b' ');
    out.extend_from_slice(payload);
    out
}

/// An in-toto statement's header: type, subjects and predicate type. The predicate itself is
/// left to the caller (see [`crate::slsa`]).
#[derive(Clone, Debug)]
pub(crate) struct Statement {
    pub(crate) subjects: Vec<Subject>,
}

/// One statement subject.
#[derive(Clone, Debug)]
pub(crate) struct Subject {
    pub(crate) digests: Vec<Digest>,
}

impl Statement {
    pub(crate) fn parse(payload: &[u8]) -> Result<Self, Error> {
        let invalid = |reason| Error::DsseInvalid { reason };
        let json: StatementJson =
            json::parse(payload, Document::Statement, limits::MAX_STATEMENT_BYTES)?;
        if !STATEMENT_TYPES.contains(&json.type_.as_str()) {
            return Err(invalid("not an in-toto statement (_type)"));
        }
        let statement_subjects = json
            .subject
            .into_vec(Document::Statement, "statement subjects")?;
        let mut subjects = Vec::with_capacity(statement_subjects.len());
        for s in statement_subjects {
            // Digests in algorithms we do not know are ignored, never trusted.
            let digests = s
                .digest
                .into_vec(Document::Statement, "digests of a statement subject")?
                .iter()
                .filter_map(|(alg, hex)| {
                    let alg = HashAlgorithm::from_name(alg).filter(|a| a.rekor_name() == alg)?;
                    Digest::new(alg, &hex_decode(hex)?)
                })
                .collect();
            subjects.push(Subject { digests });
        }
        if subjects.is_empty() {
            return Err(invalid("statement has no subject"));
        }
        Ok(Self { subjects })
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct StatementJson {
    #[serde(rename = "_type")]
    type_: String,
    subject: Bounded<SubjectJson, { limits::MAX_STATEMENT_SUBJECTS }>,
    #[serde(rename = "predicateType")]
    _predicate_type: String,
    // The predicate is parsed by its consumer; here it only has to be valid JSON.
    #[serde(default, rename = "predicate")]
    _predicate: Option<serde::de::IgnoredAny>,
}

#[derive(Deserialize)]
struct SubjectJson {
    #[serde(default, rename = "name")]
    _name: Option<String>,
    /// At most [`limits::MAX_SUBJECT_DIGESTS`], counted while parsing; a repeated algorithm is
    /// refused.
    digest: BoundedMap<{ limits::MAX_SUBJECT_DIGESTS }>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pae_matches_the_dsse_spec_example() {
        // From the DSSE protocol document.
        assert_eq!(
            pae("http://example.com/HelloWorld", b"hello world"),
            b"DSSEv1 29 http://example.com/HelloWorld 11 hello world".to_vec()
        );
        assert_eq!(pae("", b""), b"DSSEv1 0  0 ".to_vec());
    }

    #[test]
    fn statement_subjects() {
        let st = br#"{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"a","digest":{"sha256":"a0cfc71271d6e278e57cd332ff957c3f7043fdda354c4cbb190a30d56efa01bf","md5":"00"}}],"predicateType":"x","predicate":{}}"#;
        let s = Statement::parse(st).unwrap();
        assert_eq!(s.subjects.len(), 1);
        assert_eq!(
            s.subjects[0].digests.len(),
            1,
            "unknown algorithms are dropped"
        );
        let expected =
            hex_decode("a0cfc71271d6e278e57cd332ff957c3f7043fdda354c4cbb190a30d56efa01bf").unwrap();
        assert_eq!(s.subjects[0].digests[0].as_bytes(), &expected[..]);
        assert_eq!(s.subjects[0].digests[0].algorithm(), HashAlgorithm::Sha256);
    }

    #[test]
    fn rejects_non_statements() {
        for bad in [
            &br#"{"_type":"x","subject":[{"digest":{}}],"predicateType":"p"}"#[..],
            br#"{"_type":"https://in-toto.io/Statement/v1","subject":[],"predicateType":"p"}"#,
            br#"{"_type":"https://in-toto.io/Statement/v1","predicateType":"p"}"#,
            b"[]",
            b"",
            // A repeated algorithm: which value would count is ambiguous, so neither does.
            br#"{"_type":"https://in-toto.io/Statement/v1","subject":[{"digest":{"sha256":"00","sha256":"01"}}],"predicateType":"p"}"#,
        ] {
            assert!(Statement::parse(bad).is_err());
        }
    }

    #[test]
    #[cfg_attr(miri, ignore = "2,000 JSON subjects take minutes under Miri")]
    fn subject_count_is_bounded() {
        let one = r#"{"name":"a","digest":{}}"#;
        let make = |n: usize| {
            let subjects = alloc::vec![one; n].join(",");
            alloc::format!(
                r#"{{"_type":"https://in-toto.io/Statement/v1","subject":[{subjects}],"predicateType":"p"}}"#
            )
        };
        assert!(Statement::parse(make(limits::MAX_STATEMENT_SUBJECTS).as_bytes()).is_ok());
        assert!(matches!(
            Statement::parse(make(limits::MAX_STATEMENT_SUBJECTS + 1).as_bytes()),
            Err(Error::LimitExceeded { limit, .. }) if limit == limits::MAX_STATEMENT_SUBJECTS
        ));
    }

    #[test]
    fn digests_per_subject_are_bounded() {
        let make = |n: usize| {
            let digests: Vec<String> = (0..n).map(|i| alloc::format!(r#""alg{i}":"00""#)).collect();
            alloc::format!(
                r#"{{"_type":"https://in-toto.io/Statement/v1","subject":[{{"digest":{{{}}}}}],"predicateType":"p"}}"#,
                digests.join(",")
            )
        };
        assert!(Statement::parse(make(limits::MAX_SUBJECT_DIGESTS).as_bytes()).is_ok());
        assert!(matches!(
            Statement::parse(make(limits::MAX_SUBJECT_DIGESTS + 1).as_bytes()),
            Err(Error::LimitExceeded { limit, .. }) if limit == limits::MAX_SUBJECT_DIGESTS
        ));
    }
}
