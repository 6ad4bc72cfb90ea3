//! Go `encoding/json` semantics (strict struct decoding, Go's zero values, `interface{}`) over a
//! parsed JSON tree.

use alloc::string::String;

use super::SlsaError;
use crate::json::{self, TreeBudget, TreeError, Value};
use crate::limits::MAX_STATEMENT_BYTES;
use crate::time::DateTime;

/// Decodes a Go struct field by field, as `json.Decoder` with `DisallowUnknownFields` does:
/// keys match field names ASCII-case-insensitively, unknown keys are errors, `null` or absence
/// leaves every field at its zero value. Two keys for one field are rejected (Go keeps the
/// last; accepting either would let two parsers disagree).
pub(super) fn struct_fields<'a, const N: usize>(
    value: Option<&'a Value>,
    names: [&str; N],
) -> Result<[Option<&'a Value>; N], SlsaError> {
    let mut fields = [None; N];
    let entries = match value {
        None | Some(Value::Null) => return Ok(fields),
        Some(Value::Object(entries)) => entries,
        Some(_) => {
            return Err(SlsaError::InvalidDssePayload(
                "expected a JSON object for a provenance struct",
            ))
        }
    };
    for (key, field) in entries {
        let slot = names
            .iter()
            .position(|name| name.eq_ignore_ascii_case(key))
            .and_then(|i| fields.get_mut(i))
            .ok_or(SlsaError::InvalidDssePayload(
                "unknown field in statement (decoded strictly, as slsa-verifier does)",
            ))?;
        if slot.is_some() {
            return Err(SlsaError::InvalidDssePayload(
                "two keys name the same statement field",
            ));
        }
        *slot = Some(field);
    }
    Ok(fields)
}

/// Go `string`: absent or `null` is `""`.
pub(super) fn go_string(value: Option<&Value>) -> Result<&str, SlsaError> {
    match value {
        None | Some(Value::Null) => Ok(""),
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(SlsaError::InvalidDssePayload("expected a JSON string")),
    }
}

/// Go `bool`.
pub(super) fn go_bool(value: Option<&Value>) -> Result<(), SlsaError> {
    match value {
        None | Some(Value::Null | Value::Bool(_)) => Ok(()),
        Some(_) => Err(SlsaError::InvalidDssePayload("expected a JSON boolean")),
    }
}

/// Go slice: absent or `null` is empty.
pub(super) fn go_array(value: Option<&Value>) -> Result<&[Value], SlsaError> {
    match value {
        None | Some(Value::Null) => Ok(&[]),
        Some(Value::Array(items)) => Ok(items),
        Some(_) => Err(SlsaError::InvalidDssePayload("expected a JSON array")),
    }
}

/// Go `map[string]string` (a digest set): string (or `null`) values only.
pub(super) fn go_string_map(value: Option<&Value>) -> Result<&[(String, Value)], SlsaError> {
    match value {
        None | Some(Value::Null) => Ok(&[]),
        Some(Value::Object(entries))
            if entries
                .iter()
                .all(|(_, v)| matches!(v, Value::String(_) | Value::Null)) =>
        {
            Ok(entries)
        }
        Some(_) => Err(SlsaError::InvalidDssePayload(
            "expected a JSON object of strings",
        )),
    }
}

/// Lookup in a validated `map[string]string`; `null` reads as `""`, as in Go.
pub(super) fn string_map_get<'a>(map: &'a [(String, Value)], key: &str) -> Option<&'a str> {
    match map_get(map, key)? {
        Value::String(s) => Some(s),
        _ => Some(""),
    }
}

/// Go `interface{}`: any JSON; absent and `null` are both nil.
pub(super) fn go_interface(value: Option<&Value>) -> Option<&Value> {
    value.filter(|v| **v != Value::Null)
}

/// Go `x.(map[string]interface{})` on an `interface{}` value.
pub(super) fn go_map<'a>(
    value: Option<&'a Value>,
    reason: &'static str,
) -> Result<&'a [(String, Value)], SlsaError> {
    match value {
        Some(Value::Object(entries)) => Ok(entries),
        _ => Err(SlsaError::InvalidDssePayload(reason)),
    }
}

pub(super) fn map_get<'a>(map: &'a [(String, Value)], key: &str) -> Option<&'a Value> {
    map.iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

/// Go `*time.Time`: `null`, or a string Go's RFC 3339 parser accepts.
pub(super) fn go_time(value: Option<&Value>) -> Result<(), SlsaError> {
    match value {
        None | Some(Value::Null) => Ok(()),
        Some(Value::String(s)) if is_go_rfc3339(s) => Ok(()),
        Some(_) => Err(SlsaError::InvalidDssePayload(
            "timestamp is not an RFC 3339 string",
        )),
    }
}

/// Go `[]byte`: `null`, or standard padded base64 (CR and LF ignored).
pub(super) fn go_bytes(value: Option<&Value>) -> Result<(), SlsaError> {
    match value {
        None | Some(Value::Null) => Ok(()),
        Some(Value::String(s)) if is_std_base64(s) => Ok(()),
        Some(_) => Err(SlsaError::InvalidDssePayload(
            "content is not standard base64",
        )),
    }
}

/// Go's RFC 3339 fast path (`time.parseRFC3339`): `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)` with
/// calendar-valid fields, read by the crate's RFC 3339 parser.
pub(super) fn is_go_rfc3339(s: &str) -> bool {
    DateTime::parse(s).is_some_and(|t| t.is_go_rfc3339())
}

/// `base64.StdEncoding.Decode` acceptance: alphabet, `=` padding only at the end (at most two),
/// length a multiple of four once CR/LF are dropped.
pub(super) fn is_std_base64(s: &str) -> bool {
    let mut length: usize = 0;
    let mut padding: usize = 0;
    for b in s.bytes().filter(|b| !matches!(b, b'\r' | b'\n')) {
        match b {
            b'=' => padding = padding.saturating_add(1),
            _ if padding > 0 => return false,
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'+' | b'/' => {}
            _ => return false,
        }
        length = length.saturating_add(1);
    }
    length % 4 == 0 && padding <= 2
}

/// Parses the statement into a [`Value`] tree with core's bounded JSON reader. Invalid UTF-8,
/// trailing data, duplicate keys and any exceeded budget are `ErrorInvalidDssePayload`.
pub(super) fn parse_json(bytes: &[u8]) -> Result<Value, SlsaError> {
    json::parse_tree(bytes, TreeBudget::free_form(MAX_STATEMENT_BYTES)).map_err(|e| {
        SlsaError::InvalidDssePayload(match e {
            TreeError::TooLarge => "statement is larger than MAX_STATEMENT_BYTES",
            TreeError::TooDeep => "statement nests deeper than MAX_JSON_DEPTH",
            // Free-form budgets bound an object's members by the value count.
            TreeError::TooManyValues | TreeError::TooManyMembers => {
                "statement has more than MAX_JSON_VALUES JSON values"
            }
            TreeError::StringTooLong => "statement has a string longer than MAX_JSON_STRING_BYTES",
            TreeError::DuplicateKey { .. } => "statement has a duplicate key in a JSON object",
            // Not raised under free-form budgets, which keep every number.
            TreeError::NotAnInteger { .. } | TreeError::Malformed { .. } => {
                "statement is not valid JSON"
            }
        })
    })
}
