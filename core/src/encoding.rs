//! Small decoders shared by the JSON models: base64, hex, proto3-JSON integers, RFC 3339
//! times, and a depth pre-check for JSON.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use base64::Engine as _;
use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;

use crate::error::{Document, Error};
use crate::limits;
use crate::time::UnixTime;

/// Standard alphabet, padding required, but non-zero bits in the last symbol tolerated the way
/// Go's decoder tolerates them (slsa-verifier's test data has such a value). The decoded bytes
/// are the same either way; whatever they feed is still verified.
const LENIENT_STANDARD: base64::engine::GeneralPurpose = base64::engine::GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    base64::engine::GeneralPurposeConfig::new().with_decode_allow_trailing_bits(true),
);

/// Standard base64 with padding, as proto3 JSON producers emit it. Line breaks (`\r`, `\n`)
/// are skipped, as Go's decoder (and so sigstore-go) skips them: some producers wrap long
/// base64 values.
pub(crate) fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let engine = &LENIENT_STANDARD;
    if text.contains(['\r', '\n']) {
        let compact: String = text.chars().filter(|c| !matches!(c, '\r' | '\n')).collect();
        engine.decode(compact).ok()
    } else {
        engine.decode(text).ok()
    }
}

/// Standard base64 with padding.
pub(crate) fn base64_encode(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Lowercase or uppercase hex into bytes; `None` on odd length or a non-hex character.
pub fn hex_decode(text: &str) -> Option<Vec<u8>> {
    let bytes = text.as_bytes();
    if bytes.len() % 2 != 0 {
        return None;
    }
    bytes
        .chunks_exact(2)
        .map(|pair| match pair {
            [hi, lo] => Some((hex_value(*hi)? << 4) | hex_value(*lo)?),
            _ => None,
        })
        .collect()
}

fn hex_value(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// Lowercase hex of `bytes`.
pub fn hex_encode(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        for nibble in [b >> 4, b & 0x0f] {
            // A nibble is < 16, so the lookup always succeeds.
            out.push(char::from(
                DIGITS.get(usize::from(nibble)).copied().unwrap_or(b'?'),
            ));
        }
    }
    out
}

/// Parses a JSON document after bounding its size and nesting depth, so that neither can
/// exhaust memory or stack in the parser.
pub(crate) fn parse_json<'de, T: Deserialize<'de>>(
    json: &'de [u8],
    document: Document,
    max_bytes: usize,
) -> Result<T, Error> {
    let (size, depth) = match document {
        Document::Bundle => ("bundle size", "bundle JSON depth"),
        Document::TrustRoot => ("trust root size", "trust root JSON depth"),
        Document::Statement => ("statement size", "statement JSON depth"),
        Document::EntryBody => ("entry body size", "entry body JSON depth"),
    };
    if json.len() > max_bytes {
        return Err(Error::LimitExceeded {
            what: size,
            limit: max_bytes,
        });
    }
    if !json_depth_within(json, limits::MAX_JSON_DEPTH) {
        return Err(Error::LimitExceeded {
            what: depth,
            limit: limits::MAX_JSON_DEPTH,
        });
    }
    serde_json::from_slice(json).map_err(|e| Error::json(document, &e))
}

/// True when `json` nests arrays/objects no deeper than `max_depth`. Linear, allocation-free,
/// and run before serde so that a hostile document cannot recurse deeply in the parser.
pub(crate) fn json_depth_within(json: &[u8], max_depth: usize) -> bool {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for &b in json {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > max_depth {
                    return false;
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    true
}

/// A proto3 `bytes` field: a base64 string in JSON.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Base64Bytes(pub(crate) Vec<u8>);

impl<'de> Deserialize<'de> for Base64Bytes {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Base64Bytes;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a base64 string")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Base64Bytes, E> {
                base64_decode(v)
                    .map(Base64Bytes)
                    .ok_or_else(|| E::custom("invalid base64"))
            }
        }
        deserializer.deserialize_str(V)
    }
}

/// Prefix of the serde error raised by [`Bounded`] and [`BoundedMap`], followed by the limit; lets
/// [`crate::Error`] report a limit rather than malformed JSON.
pub(crate) const ARRAY_LIMIT_MARKER: &str = "collection exceeds the limit of ";

/// A JSON array that refuses more than `N` elements while it is being parsed, so a hostile
/// document cannot make us allocate an unbounded list before a count check runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Bounded<T, const N: usize>(pub(crate) Vec<T>);

impl<T, const N: usize> Default for Bounded<T, N> {
    fn default() -> Self {
        Self(Vec::new())
    }
}

impl<'de, T: Deserialize<'de>, const N: usize> Deserialize<'de> for Bounded<T, N> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V<T, const N: usize>(core::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>, const N: usize> Visitor<'de> for V<T, N> {
            type Value = Bounded<T, N>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "an array of at most {N} elements")
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(item) = seq.next_element()? {
                    if out.len() == N {
                        return Err(de::Error::custom(format_args!("{ARRAY_LIMIT_MARKER}{N}")));
                    }
                    out.push(item);
                }
                Ok(Bounded(out))
            }
        }
        deserializer.deserialize_seq(V::<T, N>(core::marker::PhantomData))
    }
}

/// A JSON object of string values that refuses more than `N` members while it is being parsed,
/// and refuses a repeated key (which a map would silently collapse to one of its values).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct BoundedMap<const N: usize>(pub(crate) Vec<(String, String)>);

impl<'de, const N: usize> Deserialize<'de> for BoundedMap<N> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V<const N: usize>;
        impl<'de, const N: usize> Visitor<'de> for V<N> {
            type Value = BoundedMap<N>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "an object of at most {N} string members")
            }
            fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out: Vec<(String, String)> = Vec::new();
                while let Some((key, value)) = map.next_entry::<String, String>()? {
                    if out.len() == N {
                        return Err(de::Error::custom(format_args!("{ARRAY_LIMIT_MARKER}{N}")));
                    }
                    if out.iter().any(|(k, _)| *k == key) {
                        return Err(de::Error::custom("repeated key"));
                    }
                    out.push((key, value));
                }
                Ok(BoundedMap(out))
            }
        }
        deserializer.deserialize_map(V::<N>)
    }
}

/// A proto3 `int64`/`uint64` field: a decimal string in JSON (numbers accepted too).
/// Negative values are rejected: every integer we read (log index, tree size, time) is ≥ 0.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct JsonU64(pub(crate) u64);

impl<'de> Deserialize<'de> for JsonU64 {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = JsonU64;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a non-negative integer (as a string or a number)")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<JsonU64, E> {
                Ok(JsonU64(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<JsonU64, E> {
                u64::try_from(v)
                    .map(JsonU64)
                    .map_err(|_| E::custom("negative integer"))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<JsonU64, E> {
                parse_decimal_u64(v)
                    .map(JsonU64)
                    .ok_or_else(|| E::custom("not a non-negative decimal integer"))
            }
        }
        deserializer.deserialize_any(V)
    }
}

/// Strict decimal: ASCII digits only (no sign, no spaces), fits in u64.
pub(crate) fn parse_decimal_u64(text: &str) -> Option<u64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// A `google.protobuf.Timestamp` in JSON: an RFC 3339 string.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Rfc3339(pub(crate) UnixTime);

impl<'de> Deserialize<'de> for Rfc3339 {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Rfc3339;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an RFC 3339 timestamp")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Rfc3339, E> {
                UnixTime::parse_rfc3339(v)
                    .map(Rfc3339)
                    .ok_or_else(|| E::custom("invalid RFC 3339 timestamp"))
            }
        }
        deserializer.deserialize_str(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trip_and_rejects() {
        assert_eq!(hex_decode("00ff10").as_deref(), Some(&[0u8, 255, 16][..]));
        assert_eq!(hex_encode(&[0, 255, 16]), "00ff10");
        assert!(hex_decode("0").is_none());
        assert!(hex_decode("zz").is_none());
    }

    #[test]
    fn base64_skips_line_breaks_only() {
        assert_eq!(
            base64_decode("AAEC\nAwQF").as_deref(),
            Some(&[0u8, 1, 2, 3, 4, 5][..])
        );
        assert_eq!(
            base64_decode("AAEC\r\nAwQF").as_deref(),
            Some(&[0u8, 1, 2, 3, 4, 5][..])
        );
        assert_eq!(base64_decode("AAEC AwQF"), None);
        assert_eq!(base64_decode("AAEC-_"), None);
        // Non-zero trailing bits (Go accepts them), but padding stays mandatory.
        assert_eq!(base64_decode("AAF="), base64_decode("AAE="));
        assert_eq!(base64_decode("AAE"), None);
    }

    #[test]
    fn depth_check_counts_outside_strings_only() {
        assert!(json_depth_within(br#"{"a":[1,{"b":"[[[[["}]}"#, 3));
        assert!(!json_depth_within(b"[[[[1]]]]", 3));
        assert!(json_depth_within(br#"{"a":"\"[[[[["}"#, 1));
    }

    #[test]
    fn decimal_is_strict() {
        assert_eq!(parse_decimal_u64("0"), Some(0));
        assert_eq!(parse_decimal_u64("18446744073709551615"), Some(u64::MAX));
        assert_eq!(parse_decimal_u64("18446744073709551616"), None);
        assert_eq!(parse_decimal_u64("-1"), None);
        assert_eq!(parse_decimal_u64("+1"), None);
        assert_eq!(parse_decimal_u64(""), None);
        assert_eq!(parse_decimal_u64(" 1"), None);
    }
}
