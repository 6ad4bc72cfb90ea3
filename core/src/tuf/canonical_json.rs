//! TUF metadata as JSON: parsed by the crate's one bounded tree parser with TUF's budgets, and
//! written in its OLPC canonical form (what TUF signs).
//!
//! TUF signs the [OLPC canonical JSON] of `signed`: objects with their keys sorted, no
//! whitespace, integers only, and strings with only `"` and `\` escaped (every other character,
//! control characters included, written as its UTF-8 bytes). This is what python-tuf
//! (securesystemslib `encode_canonical`) and go-tuf (`cjson`) produce, and what Sigstore's
//! root-signing signs. The `olpc-cjson` crate is not used: it needs `std::io`, pulls in
//! `unicode-normalization`, and normalises strings to NFC, which python-tuf and go-tuf do not
//! (so for a non-NFC string it would hash other bytes than the signer signed).
//!
//! The tree is parsed once, and both the signature check (canonical bytes) and the typed model
//! (`metadata.rs`) are derived from that one parse, so the bytes checked and the values used
//! cannot disagree. Floats are refused (canonical JSON has none) and so are repeated object keys
//! (two parsers could pick different ones); [`Value`] keeps object members in canonical order.
//!
//! [OLPC canonical JSON]: http://wiki.laptop.org/go/Canonical_JSON

use alloc::vec::Vec;

use crate::json::{self, TreeBudget, TreeError, Value};
use crate::limits;

/// Why a document could not be parsed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ParseError {
    /// Not JSON, or JSON with a float, a repeated key or trailing data.
    Syntax { line: usize, column: usize },
    /// A budget from [`crate::limits`] ran out.
    Limit { what: &'static str, limit: usize },
}

/// Parses one TUF document of at most `max_bytes` (which `what` names in a refusal).
pub(crate) fn parse(
    bytes: &[u8],
    max_bytes: usize,
    what: &'static str,
) -> Result<Value, ParseError> {
    let budget = TreeBudget {
        max_bytes,
        max_values: limits::MAX_TUF_JSON_VALUES,
        // Strings are bounded by the document size already.
        max_string_bytes: max_bytes,
        max_object_members: limits::MAX_TUF_OBJECT_MEMBERS,
        integers_only: true,
    };
    json::parse_tree(bytes, budget).map_err(|e| {
        let (what, limit) = match e {
            TreeError::TooLarge | TreeError::StringTooLong => (what, max_bytes),
            TreeError::TooDeep => ("TUF JSON depth", limits::MAX_JSON_DEPTH),
            TreeError::TooManyValues => ("TUF JSON values", limits::MAX_TUF_JSON_VALUES),
            TreeError::TooManyMembers => {
                ("TUF JSON object members", limits::MAX_TUF_OBJECT_MEMBERS)
            }
            TreeError::Malformed { line, column }
            | TreeError::DuplicateKey { line, column }
            | TreeError::NotAnInteger { line, column } => {
                return ParseError::Syntax { line, column }
            }
        };
        ParseError::Limit { what, limit }
    })
}

/// The OLPC canonical form of `value` (what TUF signatures cover); `None` when it holds a
/// [`Value::Float`], which canonical JSON cannot express (a tree from [`parse`] never does).
pub(crate) fn canonical(value: &Value) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    write(value, &mut out, Escape::Canonical)?;
    Some(out)
}

/// Standard JSON (control characters escaped, keys sorted, no whitespace), for documents we
/// store ourselves; `None` as for [`canonical`].
pub(crate) fn to_json(value: &Value) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    write(value, &mut out, Escape::Json)?;
    Some(out)
}

fn write(value: &Value, out: &mut Vec<u8>, escape: Escape) -> Option<()> {
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(true) => out.extend_from_slice(b"true"),
        Value::Bool(false) => out.extend_from_slice(b"false"),
        Value::Unsigned(n) => write_decimal(out, *n, false),
        Value::Negative(n) => write_decimal(out, n.unsigned_abs(), true),
        Value::Float => return None,
        Value::String(s) => write_string(out, s, escape),
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write(item, out, escape)?;
            }
            out.push(b']');
        }
        Value::Object(members) => {
            // Already in canonical order (`Value` keeps members sorted by key bytes).
            out.push(b'{');
            for (i, (key, value)) in members.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_string(out, key, escape);
                out.push(b':');
                write(value, out, escape)?;
            }
            out.push(b'}');
        }
    }
    Some(())
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
    use alloc::string::String;

    fn tuf(text: &[u8]) -> Result<Value, ParseError> {
        parse(text, 1 << 20, "test document size")
    }

    fn canonical_text(text: &str) -> String {
        String::from_utf8(canonical(&tuf(text.as_bytes()).unwrap()).unwrap()).unwrap()
    }

    #[test]
    fn sorts_keys_and_drops_whitespace() {
        assert_eq!(
            canonical_text(r#" { "b" : [1, -2, true, null], "a": {"d": "x", "c": ""} } "#),
            r#"{"a":{"c":"","d":"x"},"b":[1,-2,true,null]}"#
        );
        assert_eq!(canonical_text("0"), "0");
        assert_eq!(
            canonical_text("18446744073709551615"),
            "18446744073709551615"
        );
        assert_eq!(
            canonical_text("-9223372036854775808"),
            "-9223372036854775808"
        );
    }

    #[test]
    fn escapes_only_quote_and_backslash() {
        // JSON escapes are decoded, then only `"` and `\` are escaped again; a control
        // character and non-ASCII text are written as raw UTF-8, as securesystemslib does.
        assert_eq!(
            canonical_text(r#"["a\"b\\c\n\u00e9\/"]"#),
            "[\"a\\\"b\\\\c\n\u{e9}/\"]"
        );
        let json = to_json(&tuf(br#"["\n"]"#).unwrap()).unwrap();
        assert_eq!(json, br#"["\u000a"]"#);
    }

    #[test]
    fn sorts_by_code_point_not_by_utf16() {
        // U+FF61 sorts before U+1F600 in code point (and UTF-8) order, after it in UTF-16.
        assert_eq!(
            canonical_text("{\"\u{1F600}\":1,\"\u{FF61}\":2}"),
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
                matches!(tuf(bad.as_bytes()), Err(ParseError::Syntax { .. })),
                "{bad}"
            );
        }
        // Where: a repeated key at the end of its object, a float at its end.
        assert_eq!(
            tuf(br#"{"a":1,"a":1}"#),
            Err(ParseError::Syntax {
                line: 1,
                column: 13
            })
        );
        assert_eq!(
            tuf(b"[0,\n1.5]"),
            Err(ParseError::Syntax { line: 2, column: 3 })
        );
        // A float can only be in a tree built from a free-form parse: it has no canonical form.
        let free_form = json::parse_tree(b"[1.5]", TreeBudget::free_form(16)).unwrap();
        assert_eq!(canonical(&free_form), None);
        assert_eq!(to_json(&free_form), None);
    }

    #[test]
    fn budgets_are_enforced() {
        let deep = "[".repeat(limits::MAX_JSON_DEPTH) + &"]".repeat(limits::MAX_JSON_DEPTH);
        assert!(tuf(deep.as_bytes()).is_ok());
        let deeper =
            "[".repeat(limits::MAX_JSON_DEPTH + 1) + &"]".repeat(limits::MAX_JSON_DEPTH + 1);
        assert_eq!(
            tuf(deeper.as_bytes()),
            Err(ParseError::Limit {
                what: "TUF JSON depth",
                limit: limits::MAX_JSON_DEPTH
            })
        );
        // The outer array counts as one value.
        let at_limit = alloc::format!("[{}0]", "0,".repeat(limits::MAX_TUF_JSON_VALUES - 2));
        assert!(tuf(at_limit.as_bytes()).is_ok());
        let members = |n: usize| {
            let list: Vec<String> = (0..n).map(|i| alloc::format!("\"k{i}\":0")).collect();
            alloc::format!("{{{}}}", list.join(","))
        };
        assert!(tuf(members(limits::MAX_TUF_OBJECT_MEMBERS).as_bytes()).is_ok());
        assert_eq!(
            tuf(members(limits::MAX_TUF_OBJECT_MEMBERS + 1).as_bytes()),
            Err(ParseError::Limit {
                what: "TUF JSON object members",
                limit: limits::MAX_TUF_OBJECT_MEMBERS
            })
        );
        let past = alloc::format!("[{}0]", "0,".repeat(limits::MAX_TUF_JSON_VALUES - 1));
        assert_eq!(
            tuf(past.as_bytes()),
            Err(ParseError::Limit {
                what: "TUF JSON values",
                limit: limits::MAX_TUF_JSON_VALUES
            })
        );
    }
}
