//! Small decoders shared by the JSON models: base64, hex, proto3-JSON integers and RFC 3339
//! times. (Reading JSON itself, within its budgets, is [`crate::json`].)

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use base64::Engine as _;
use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;

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
    // Byte searches and filters: `str::contains` with a char pattern, and collecting chars into
    // a `String`, decode and encode every character (measured: ~0.4 M instructions per
    // verification, mostly the trust root's certificates).
    let bytes = text.as_bytes();
    if memchr::memchr2(b'\r', b'\n', bytes).is_some() {
        let compact: Vec<u8> = bytes
            .iter()
            .copied()
            .filter(|b| !matches!(b, b'\r' | b'\n'))
            .collect();
        base64_decode_exact(&compact)
    } else {
        base64_decode_exact(bytes)
    }
}

/// Standard base64 with padding, nothing skipped (callers that strip whitespace themselves).
pub(crate) fn base64_decode_exact(bytes: &[u8]) -> Option<Vec<u8>> {
    LENIENT_STANDARD.decode(bytes).ok()
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
