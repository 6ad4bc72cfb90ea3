//! JSON output: RFC 8785 canonical form for log entry bodies, and a stable pretty form for the
//! files a scenario writes. Both sort object keys themselves, so the output does not depend on
//! how serde_json's map happens to be configured in the build.

use serde_json::Value;

use crate::Error;

/// Sets `key` in a JSON object (an error if `object` is not one).
pub(crate) fn insert(object: &mut Value, key: &str, value: Value) -> Result<(), Error> {
    object
        .as_object_mut()
        .ok_or_else(|| Error::msg("not a JSON object"))?
        .insert(key.to_string(), value);
    Ok(())
}

/// RFC 8785 (JCS) for the values this tool produces: keys sorted by UTF-16 code units,
/// no whitespace, integers only.
pub(crate) fn canonical(value: &Value) -> Result<Vec<u8>, Error> {
    let mut out = String::new();
    write(value, &mut out, None, 0)?;
    Ok(out.into_bytes())
}

/// Two-space indented, keys sorted, trailing newline.
pub(crate) fn pretty(value: &Value) -> Result<String, Error> {
    let mut out = String::new();
    write(value, &mut out, Some(2), 0)?;
    out.push('\n');
    Ok(out)
}

fn write(
    value: &Value,
    out: &mut String,
    indent: Option<usize>,
    depth: usize,
) -> Result<(), Error> {
    let newline = |out: &mut String, depth: usize| {
        if let Some(step) = indent {
            out.push('\n');
            out.push_str(&" ".repeat(step * depth));
        }
    };
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => {
            if !(n.is_i64() || n.is_u64()) {
                return Err(Error::msg("only integers are written"));
            }
            out.push_str(&n.to_string());
        }
        Value::String(s) => out.push_str(&serde_json::to_string(s)?),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, depth + 1);
                write(item, out, indent, depth + 1)?;
            }
            if !items.is_empty() {
                newline(out, depth);
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort_by(|a, b| a.encode_utf16().cmp(b.encode_utf16()));
            out.push('{');
            for (i, key) in keys.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, depth + 1);
                out.push_str(&serde_json::to_string(key)?);
                out.push(':');
                if indent.is_some() {
                    out.push(' ');
                }
                if let Some(v) = map.get(*key) {
                    write(v, out, indent, depth + 1)?;
                }
            }
            if !keys.is_empty() {
                newline(out, depth);
            }
            out.push('}');
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn canonical_sorts_and_compacts() {
        let v = json!({"logIndex": 1, "logID": "ab", "body": "x\n", "integratedTime": 2});
        assert_eq!(
            String::from_utf8(canonical(&v).unwrap()).unwrap(),
            r#"{"body":"x\n","integratedTime":2,"logID":"ab","logIndex":1}"#
        );
        assert!(canonical(&json!(1.5)).is_err());
    }

    #[test]
    fn pretty_is_stable() {
        let v = json!({"b": [1, {"d": [], "c": {}}], "a": null});
        assert_eq!(
            pretty(&v).unwrap(),
            "{\n  \"a\": null,\n  \"b\": [\n    1,\n    {\n      \"c\": {},\n      \"d\": []\n    }\n  ]\n}\n"
        );
    }
}
