//! A bounded JSON tree for TUF metadata, and its OLPC canonical form (what TUF signs).
//!
//! TUF signs the [OLPC canonical JSON] of `signed`: objects with their keys sorted, no
//! whitespace, integers only, and strings with only `"` and `\` escaped (every other character,
//! control characters included, written as its UTF-8 bytes). This is what python-tuf
//! (securesystemslib `encode_canonical`) and go-tuf (`cjson`) produce, and what Sigstore's
//! root-signing signs. The `olpc-cjson` crate is not used: it needs `std::io`, pulls in
//! `unicode-normalization`, and normalises strings to NFC, which python-tuf and go-tuf do not
//! (so for a non-NFC string it would hash other bytes than the signer signed).
//!
//! The tree is parsed once, within budgets (values, depth), and both the signature check
//! (canonical bytes) and the typed model (`metadata.rs`) are derived from that one parse, so
//! the bytes checked and the values used cannot disagree. Floats are refused (canonical JSON
//! has none) and so are repeated object keys (two parsers could pick different ones).
//!
//! [OLPC canonical JSON]: http://wiki.laptop.org/go/Canonical_JSON

use alloc::borrow::ToOwned as _;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};

use crate::limits;

/// One JSON value. Objects keep their members sorted by key (unique), which is the canonical
/// order: sorting as members arrive needs no separate sort, and finds a repeated key at once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Json {
    Null,
    Bool(bool),
    /// A non-negative integer.
    Unsigned(u64),
    /// A negative integer.
    Negative(i64),
    String(String),
    Array(Vec<Self>),
    Object(Vec<(String, Self)>),
}

/// Why a document could not be parsed into a [`Json`] tree.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ParseError {
    /// Not JSON, or JSON with a float, a repeated key or trailing data.
    Syntax { line: usize, column: usize },
    /// A budget from [`crate::limits`] ran out.
    Limit { what: &'static str, limit: usize },
}

/// Parses one JSON document. The caller bounds its size first.
pub(crate) fn parse(bytes: &[u8]) -> Result<Json, ParseError> {
    let mut budget = Budget {
        values_left: limits::MAX_TUF_JSON_VALUES,
        exceeded: None,
    };
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let parsed = Seed {
        budget: &mut budget,
        depth: 0,
    }
    .deserialize(&mut deserializer)
    .and_then(|value| deserializer.end().map(|()| value));
    parsed.map_err(|e| match budget.exceeded {
        Some((what, limit)) => ParseError::Limit { what, limit },
        None => ParseError::Syntax {
            line: e.line(),
            column: e.column(),
        },
    })
}

struct Budget {
    values_left: usize,
    exceeded: Option<(&'static str, usize)>,
}

impl Budget {
    fn take_value<E: de::Error>(&mut self) -> Result<(), E> {
        match self.values_left.checked_sub(1) {
            Some(left) => {
                self.values_left = left;
                Ok(())
            }
            None => Err(self.exceed("TUF JSON values", limits::MAX_TUF_JSON_VALUES)),
        }
    }

    fn nest<E: de::Error>(&mut self, depth: usize) -> Result<usize, E> {
        match depth.checked_add(1) {
            Some(next) if next <= limits::MAX_JSON_DEPTH => Ok(next),
            _ => Err(self.exceed("TUF JSON depth", limits::MAX_JSON_DEPTH)),
        }
    }

    fn exceed<E: de::Error>(&mut self, what: &'static str, limit: usize) -> E {
        self.exceeded = Some((what, limit));
        E::custom(what)
    }
}

struct Seed<'b> {
    budget: &'b mut Budget,
    depth: usize,
}

impl<'de> DeserializeSeed<'de> for Seed<'_> {
    type Value = Json;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Json, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Seed<'_> {
    type Value = Json;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value without floats")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Json, E> {
        self.budget.take_value()?;
        Ok(Json::Null)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Json, E> {
        self.budget.take_value()?;
        Ok(Json::Bool(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Json, E> {
        self.budget.take_value()?;
        Ok(Json::Unsigned(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Json, E> {
        self.budget.take_value()?;
        Ok(match u64::try_from(v) {
            Ok(v) => Json::Unsigned(v),
            Err(_) => Json::Negative(v),
        })
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Json, E> {
        // Also integers beyond 64 bits, which serde_json reads as floats.
        Err(E::custom("canonical JSON has no floats"))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Json, E> {
        self.budget.take_value()?;
        Ok(Json::String(v.to_owned()))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        let budget = self.budget;
        let depth = budget.nest(self.depth)?;
        budget.take_value()?;
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(Seed {
            budget: &mut *budget,
            depth,
        })? {
            items.push(item);
        }
        Ok(Json::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        let budget = self.budget;
        let depth = budget.nest(self.depth)?;
        budget.take_value()?;
        let mut members: Vec<(String, Json)> = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            // Sorted by key bytes: UTF-8 byte order is code point order, which is how
            // python-tuf (Python string order) and go-tuf (Go string order) sort.
            let Err(at) = members.binary_search_by(|(k, _)| k.as_bytes().cmp(key.as_bytes()))
            else {
                return Err(de::Error::custom("repeated key in a JSON object"));
            };
            if members.len() == limits::MAX_TUF_OBJECT_MEMBERS {
                return Err(
                    budget.exceed("TUF JSON object members", limits::MAX_TUF_OBJECT_MEMBERS)
                );
            }
            let value = map.next_value_seed(Seed {
                budget: &mut *budget,
                depth,
            })?;
            // Bounded by MAX_TUF_OBJECT_MEMBERS, so inserting in place costs at most that
            // many moves per member.
            members.insert(at, (key, value));
        }
        Ok(Json::Object(members))
    }
}

impl Json {
    /// The member `key` of an object (`None` for other values or a missing key).
    pub(crate) fn get(&self, key: &str) -> Option<&Self> {
        match self {
            Self::Object(members) => members
                .binary_search_by(|(k, _)| k.as_bytes().cmp(key.as_bytes()))
                .ok()
                .and_then(|i| members.get(i))
                .map(|(_, v)| v),
            _ => None,
        }
    }

    /// The OLPC canonical form (what TUF signatures cover).
    pub(crate) fn canonical(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.write(&mut out, Escape::Canonical);
        out
    }

    /// Standard JSON (control characters escaped), for documents we store ourselves.
    pub(crate) fn to_json(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.write(&mut out, Escape::Json);
        out
    }

    fn write(&self, out: &mut Vec<u8>, escape: Escape) {
        match self {
            Self::Null => out.extend_from_slice(b"null"),
            Self::Bool(true) => out.extend_from_slice(b"true"),
            Self::Bool(false) => out.extend_from_slice(b"false"),
            Self::Unsigned(n) => write_decimal(out, *n, false),
            Self::Negative(n) => write_decimal(out, n.unsigned_abs(), true),
            Self::String(s) => write_string(out, s, escape),
            Self::Array(items) => {
                out.push(b'[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    item.write(out, escape);
                }
                out.push(b']');
            }
            Self::Object(members) => {
                // Already in canonical order (see `visit_map`).
                out.push(b'{');
                for (i, (key, value)) in members.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    write_string(out, key, escape);
                    out.push(b':');
                    value.write(out, escape);
                }
                out.push(b'}');
            }
        }
    }
}

#[derive(Clone, Copy)]
enum Escape {
    /// OLPC: only `"` and `\`.
    Canonical,
    /// RFC 8259: also control characters.
    Json,
}

fn write_decimal(out: &mut Vec<u8>, mut n: u64, negative: bool) {
    let mut digits = [0u8; 20];
    let mut len = 0;
    loop {
        if let Some(d) = digits.get_mut(len) {
            // `n % 10` < 10, so the cast cannot truncate.
            *d = b'0' + (n % 10) as u8;
        }
        len += 1;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    if negative {
        out.push(b'-');
    }
    out.extend(digits.iter().take(len).rev());
}

fn write_string(out: &mut Vec<u8>, s: &str, escape: Escape) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push(b'"');
    for &b in s.as_bytes() {
        match (b, escape) {
            (b'"' | b'\\', _) => out.extend_from_slice(&[b'\\', b]),
            (0..=0x1f, Escape::Json) => {
                out.extend_from_slice(b"\\u00");
                for nibble in [b >> 4, b & 0x0f] {
                    out.push(HEX.get(usize::from(nibble)).copied().unwrap_or(b'0'));
                }
            }
            _ => out.push(b),
        }
    }
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canonical(text: &str) -> String {
        String::from_utf8(parse(text.as_bytes()).unwrap().canonical()).unwrap()
    }

    #[test]
    fn sorts_keys_and_drops_whitespace() {
        assert_eq!(
            canonical(r#" { "b" : [1, -2, true, null], "a": {"d": "x", "c": ""} } "#),
            r#"{"a":{"c":"","d":"x"},"b":[1,-2,true,null]}"#
        );
        assert_eq!(canonical("0"), "0");
        assert_eq!(canonical("18446744073709551615"), "18446744073709551615");
        assert_eq!(canonical("-9223372036854775808"), "-9223372036854775808");
    }

    #[test]
    fn escapes_only_quote_and_backslash() {
        // JSON escapes are decoded, then only `"` and `\` are escaped again; a control
        // character and non-ASCII text are written as raw UTF-8, as securesystemslib does.
        assert_eq!(
            canonical(r#"["a\"b\\c\n\u00e9\/"]"#),
            "[\"a\\\"b\\\\c\n\u{e9}/\"]"
        );
        let json = parse(br#"["\n"]"#).unwrap().to_json();
        assert_eq!(json, br#"["\u000a"]"#);
    }

    #[test]
    fn sorts_by_code_point_not_by_utf16() {
        // U+FF61 sorts before U+1F600 in code point (and UTF-8) order, after it in UTF-16.
        assert_eq!(
            canonical("{\"\u{1F600}\":1,\"\u{FF61}\":2}"),
            "{\"\u{FF61}\":2,\"\u{1F600}\":1}"
        );
    }

    #[test]
    fn refuses_floats_repeated_keys_and_trailing_data() {
        for bad in [
            "1.5",
            "1e3",
            "18446744073709551616",
            r#"{"a":1,"a":1}"#,
            "{} {}",
            "",
        ] {
            assert!(
                matches!(parse(bad.as_bytes()), Err(ParseError::Syntax { .. })),
                "{bad}"
            );
        }
    }

    #[test]
    fn budgets_are_enforced() {
        let deep = "[".repeat(limits::MAX_JSON_DEPTH) + &"]".repeat(limits::MAX_JSON_DEPTH);
        assert!(parse(deep.as_bytes()).is_ok());
        let deeper =
            "[".repeat(limits::MAX_JSON_DEPTH + 1) + &"]".repeat(limits::MAX_JSON_DEPTH + 1);
        assert_eq!(
            parse(deeper.as_bytes()),
            Err(ParseError::Limit {
                what: "TUF JSON depth",
                limit: limits::MAX_JSON_DEPTH
            })
        );
        // The outer array counts as one value.
        let at_limit = alloc::format!("[{}0]", "0,".repeat(limits::MAX_TUF_JSON_VALUES - 2));
        assert!(parse(at_limit.as_bytes()).is_ok());
        let members = |n: usize| {
            let list: Vec<String> = (0..n).map(|i| alloc::format!("\"k{i}\":0")).collect();
            alloc::format!("{{{}}}", list.join(","))
        };
        assert!(parse(members(limits::MAX_TUF_OBJECT_MEMBERS).as_bytes()).is_ok());
        assert_eq!(
            parse(members(limits::MAX_TUF_OBJECT_MEMBERS + 1).as_bytes()),
            Err(ParseError::Limit {
                what: "TUF JSON object members",
                limit: limits::MAX_TUF_OBJECT_MEMBERS
            })
        );
        let past = alloc::format!("[{}0]", "0,".repeat(limits::MAX_TUF_JSON_VALUES - 1));
        assert_eq!(
            parse(past.as_bytes()),
            Err(ParseError::Limit {
                what: "TUF JSON values",
                limit: limits::MAX_TUF_JSON_VALUES
            })
        );
    }
}
