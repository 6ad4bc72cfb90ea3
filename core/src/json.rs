//! Bounded JSON: the one way JSON enters the crate.
//!
//! Every budget is checked before the data it bounds is allocated or recursed into, and every
//! failure is typed at the point where it happens; no error is recognised by its message text.
//!
//! * Typed documents (bundle, trust root, in-toto statement header, log entry bodies) go
//!   through [`parse`]: a size bound and a nesting-depth pre-scan, then serde. Their
//!   collections are [`Bounded`] / [`BoundedMap`]: a collection that grows past its element
//!   budget stops storing elements and records that it did, and the model turns that into
//!   [`Error::LimitExceeded`] naming the field.
//! * Free-form documents (an SLSA provenance statement, whose predicate has no fixed schema) are
//!   read into a [`Value`] tree by [`parse_tree`], within a size, depth, value-count and
//!   string-length budget.

use alloc::borrow::ToOwned;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;
use core::marker::PhantomData;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use crate::error::{Document, Error};
use crate::limits;

/// Parses a typed JSON document after bounding its size (`max_bytes`) and its nesting depth
/// ([`limits::MAX_JSON_DEPTH`]), so that neither can exhaust memory or stack in the parser.
// Not inlined: one copy of the parser per document type, however many callers it has (the
// shipped binary's size budget).
#[inline(never)]
pub(crate) fn parse<'de, T: Deserialize<'de>>(
    json: &'de [u8],
    document: Document,
    max_bytes: usize,
) -> Result<T, Error> {
    let (size, depth) = match document {
        Document::Bundle => ("bundle size", "bundle JSON depth"),
        Document::TrustRoot => ("trust root size", "trust root JSON depth"),
        Document::Statement => ("statement size", "statement JSON depth"),
        Document::EntryBody => ("entry body size", "entry body JSON depth"),
        Document::Policy => ("policy size", "policy JSON depth"),
        Document::Image => ("image evidence size", "image evidence JSON depth"),
    };
    if json.len() > max_bytes {
        return Err(Error::LimitExceeded {
            document,
            what: size,
            limit: max_bytes,
        });
    }
    if !depth_within(json, limits::MAX_JSON_DEPTH) {
        return Err(Error::LimitExceeded {
            document,
            what: depth,
            limit: limits::MAX_JSON_DEPTH,
        });
    }
    serde_json::from_slice(json).map_err(|e| Error::MalformedJson {
        document,
        line: e.line(),
        column: e.column(),
    })
}

/// True when `json` nests arrays/objects no deeper than `max_depth`. Linear, allocation-free,
/// and run before serde so that a hostile document cannot recurse deeply in the parser.
pub(crate) fn depth_within(json: &[u8], max_depth: usize) -> bool {
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

/// A JSON array that stores at most `N` elements while it is parsed. Past `N` the rest is read
/// and dropped (so the document is still checked to be JSON) and the overflow is recorded;
/// [`Bounded::into_vec`] then refuses it. A hostile document thus never makes us allocate more
/// than `N` elements, and the refusal is a typed [`Error::LimitExceeded`], not a serde message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Bounded<T, const N: usize> {
    items: Vec<T>,
    exceeded: bool,
}

impl<T, const N: usize> Bounded<T, N> {
    /// The elements, or [`Error::LimitExceeded`] (`what` in `document`, limit `N`) if there were
    /// more than `N`.
    pub(crate) fn into_vec(self, document: Document, what: &'static str) -> Result<Vec<T>, Error> {
        if self.exceeded {
            return Err(Error::LimitExceeded {
                document,
                what,
                limit: N,
            });
        }
        Ok(self.items)
    }
}

impl<T, const N: usize> Default for Bounded<T, N> {
    fn default() -> Self {
        Self {
            items: Vec::new(),
            exceeded: false,
        }
    }
}

impl<'de, T: Deserialize<'de>, const N: usize> Deserialize<'de> for Bounded<T, N> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V<T, const N: usize>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>, const N: usize> Visitor<'de> for V<T, N> {
            type Value = Bounded<T, N>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "an array of at most {N} elements")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut out = Bounded::default();
                while out.items.len() < N {
                    match seq.next_element()? {
                        Some(item) => out.items.push(item),
                        None => return Ok(out),
                    }
                }
                while seq.next_element::<IgnoredAny>()?.is_some() {
                    out.exceeded = true;
                }
                Ok(out)
            }
        }
        deserializer.deserialize_seq(V::<T, N>(PhantomData))
    }
}

/// A JSON object of string values that stores at most `N` members while it is parsed (past
/// that, as [`Bounded`]), and refuses a repeated key, which a map would silently collapse to
/// one of its values.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct BoundedMap<const N: usize> {
    entries: Vec<(String, String)>,
    exceeded: bool,
}

impl<const N: usize> BoundedMap<N> {
    /// The members in document order, or [`Error::LimitExceeded`] if there were more than `N`.
    pub(crate) fn into_vec(
        self,
        document: Document,
        what: &'static str,
    ) -> Result<Vec<(String, String)>, Error> {
        if self.exceeded {
            return Err(Error::LimitExceeded {
                document,
                what,
                limit: N,
            });
        }
        Ok(self.entries)
    }
}

impl<'de, const N: usize> Deserialize<'de> for BoundedMap<N> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V<const N: usize>;
        impl<'de, const N: usize> Visitor<'de> for V<N> {
            type Value = BoundedMap<N>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "an object of at most {N} string members")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out = BoundedMap::default();
                while out.entries.len() < N {
                    let Some((key, value)) = map.next_entry::<String, String>()? else {
                        return Ok(out);
                    };
                    if out.entries.iter().any(|(k, _)| *k == key) {
                        return Err(de::Error::custom("repeated key"));
                    }
                    out.entries.push((key, value));
                }
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {
                    out.exceeded = true;
                }
                Ok(out)
            }
        }
        deserializer.deserialize_map(V::<N>)
    }
}

/// A parsed JSON value of a free-form document. Objects keep document order; duplicate keys are
/// refused while parsing, so a lookup has exactly one answer. Scalars carry no payload (the
/// documents read this way mostly judge their type), except a number that is a `u64`.
#[derive(Debug, PartialEq)]
pub(crate) enum Value {
    Null,
    Bool,
    /// A number; its value when it is an integer that fits a `u64`.
    Number(Option<u64>),
    String(String),
    Array(Vec<Self>),
    Object(Vec<(String, Self)>),
}

/// Why [`parse_tree`] stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TreeError {
    /// More bytes than the caller's bound.
    TooLarge,
    /// Arrays or objects nested deeper than [`limits::MAX_JSON_DEPTH`].
    TooDeep,
    /// More than [`limits::MAX_JSON_VALUES`] values.
    TooManyValues,
    /// A string or key longer than [`limits::MAX_JSON_STRING_BYTES`].
    StringTooLong,
    /// An object repeats a key.
    DuplicateKey,
    /// Not JSON: bad syntax or UTF-8, trailing data, a number out of range.
    Malformed,
}

/// Parses a free-form document of at most `max_bytes` into a [`Value`] tree within the value,
/// depth and string budgets of [`limits`].
pub(crate) fn parse_tree(bytes: &[u8], max_bytes: usize) -> Result<Value, TreeError> {
    if bytes.len() > max_bytes {
        return Err(TreeError::TooLarge);
    }
    let mut budget = Budget {
        values_left: limits::MAX_JSON_VALUES,
        failure: None,
    };
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let seed = ValueSeed {
        budget: &mut budget,
        depth: 0,
    };
    let parsed = seed
        .deserialize(&mut deserializer)
        .and_then(|value| deserializer.end().map(|()| value));
    // serde only carries the budget's refusal as text: the budget itself says which it was.
    parsed.map_err(|_| budget.failure.unwrap_or(TreeError::Malformed))
}

/// Work left for one [`parse_tree`]; records which budget stopped it.
struct Budget {
    values_left: usize,
    failure: Option<TreeError>,
}

impl Budget {
    fn fail<E: de::Error>(&mut self, failure: TreeError) -> E {
        self.failure = Some(failure);
        E::custom("JSON budget exceeded")
    }

    fn take_value<E: de::Error>(&mut self) -> Result<(), E> {
        match self.values_left.checked_sub(1) {
            Some(left) => {
                self.values_left = left;
                Ok(())
            }
            None => Err(self.fail(TreeError::TooManyValues)),
        }
    }

    /// Checks the length before copying, so an oversized string is never allocated twice.
    fn take_string<E: de::Error>(&mut self, s: &str) -> Result<String, E> {
        if s.len() > limits::MAX_JSON_STRING_BYTES {
            return Err(self.fail(TreeError::StringTooLong));
        }
        Ok(s.to_owned())
    }

    fn nest<E: de::Error>(&mut self, depth: usize) -> Result<usize, E> {
        match depth.checked_add(1) {
            Some(next) if next <= limits::MAX_JSON_DEPTH => Ok(next),
            _ => Err(self.fail(TreeError::TooDeep)),
        }
    }
}

/// Deserializes one JSON value (and, recursively, its children) against a shared [`Budget`].
struct ValueSeed<'b> {
    budget: &'b mut Budget,
    depth: usize,
}

impl<'de> DeserializeSeed<'de> for ValueSeed<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ValueSeed<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        self.budget.take_value()?;
        Ok(Value::Null)
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Value, E> {
        self.budget.take_value()?;
        Ok(Value::Bool)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        self.budget.take_value()?;
        Ok(Value::Number(u64::try_from(v).ok()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        self.budget.take_value()?;
        Ok(Value::Number(Some(v)))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Value, E> {
        self.budget.take_value()?;
        Ok(Value::Number(None))
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<Value, E> {
        self.budget.take_value()?;
        Ok(Value::String(self.budget.take_string(s)?))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let budget = self.budget;
        let depth = budget.nest(self.depth)?;
        budget.take_value()?;
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(ValueSeed {
            budget: &mut *budget,
            depth,
        })? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let budget = self.budget;
        let depth = budget.nest(self.depth)?;
        budget.take_value()?;
        let mut entries = Vec::new();
        while let Some(key) = map.next_key_seed(KeySeed {
            budget: &mut *budget,
        })? {
            let value = map.next_value_seed(ValueSeed {
                budget: &mut *budget,
                depth,
            })?;
            entries.push((key, value));
        }
        if has_duplicate_keys(&entries) {
            return Err(budget.fail(TreeError::DuplicateKey));
        }
        Ok(Value::Object(entries))
    }
}

/// Deserializes an object key within the [`Budget`]'s string limit.
struct KeySeed<'b> {
    budget: &'b mut Budget,
}

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = String;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<String, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed<'_> {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object key")
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<String, E> {
        self.budget.take_string(s)
    }
}

fn has_duplicate_keys(entries: &[(String, Value)]) -> bool {
    if entries.len() < 2 {
        return false;
    }
    let mut keys: Vec<&str> = entries.iter().map(|(k, _)| k.as_str()).collect();
    keys.sort_unstable();
    keys.windows(2).any(|pair| matches!(pair, [a, b] if a == b))
}

/// A tree document's member `key`, when the value is an object.
pub(crate) fn member<'a>(value: &'a Value, key: &str) -> Option<&'a Value> {
    match value {
        Value::Object(members) => members.iter().find(|(k, _)| k == key).map(|(_, v)| v),
        _ => None,
    }
}

/// The string `value` holds.
pub(crate) fn string(value: &Value) -> Option<&str> {
    match value {
        Value::String(s) => Some(s),
        _ => None,
    }
}

/// The `u64` `value` holds.
pub(crate) fn unsigned(value: &Value) -> Option<u64> {
    match value {
        Value::Number(n) => *n,
        _ => None,
    }
}

/// A free-form document of `document` parsed into a [`Value`] tree, its budgets' refusals
/// typed as that document's errors.
pub(crate) fn parse_document(
    bytes: &[u8],
    document: Document,
    max_bytes: usize,
) -> Result<Value, Error> {
    parse_tree(bytes, max_bytes).map_err(|e| {
        let (what, limit) = match e {
            TreeError::TooLarge => ("document size", max_bytes),
            TreeError::TooDeep => ("JSON depth", limits::MAX_JSON_DEPTH),
            TreeError::TooManyValues => ("JSON values", limits::MAX_JSON_VALUES),
            TreeError::StringTooLong => ("JSON string length", limits::MAX_JSON_STRING_BYTES),
            TreeError::DuplicateKey | TreeError::Malformed => {
                return Error::MalformedJson {
                    document,
                    line: 0,
                    column: 0,
                }
            }
        };
        Error::LimitExceeded {
            document,
            what,
            limit,
        }
    })
}

#[cfg(test)]
mod tests {
    use alloc::format;

    use super::*;

    #[test]
    fn depth_check_counts_outside_strings_only() {
        assert!(depth_within(br#"{"a":[1,{"b":"[[[[["}]}"#, 3));
        assert!(!depth_within(b"[[[[1]]]]", 3));
        assert!(depth_within(br#"{"a":"\"[[[[["}"#, 1));
    }

    #[derive(Deserialize)]
    struct Doc {
        list: Bounded<u8, 2>,
        map: BoundedMap<2>,
    }

    type Members = Vec<(String, String)>;

    fn doc(json: &str) -> Result<(Vec<u8>, Members), Error> {
        let d: Doc = parse(json.as_bytes(), Document::Statement, 1024)?;
        Ok((
            d.list.into_vec(Document::Statement, "list")?,
            d.map.into_vec(Document::Statement, "map")?,
        ))
    }

    #[test]
    fn collections_over_budget_are_typed_limit_errors() {
        let (list, map) = doc(r#"{"list":[1,2],"map":{"a":"x","b":"y"}}"#).unwrap();
        assert_eq!(list, [1, 2]);
        assert_eq!(map.len(), 2);
        assert_eq!(
            doc(r#"{"list":[1,2,3],"map":{}}"#),
            Err(Error::LimitExceeded {
                document: Document::Statement,
                what: "list",
                limit: 2
            })
        );
        assert_eq!(
            doc(r#"{"list":[],"map":{"a":"x","b":"y","c":"z"}}"#),
            Err(Error::LimitExceeded {
                document: Document::Statement,
                what: "map",
                limit: 2
            })
        );
        // Past the budget the rest must still be JSON of the right shape, and a repeated key
        // within the budget is malformed rather than silently collapsed.
        for bad in [
            r#"{"list":[1,2,3,],"map":{}}"#,
            r#"{"list":[],"map":{"a":"x","a":"y"}}"#,
        ] {
            assert!(
                matches!(doc(bad), Err(Error::MalformedJson { .. })),
                "{bad}"
            );
        }
    }

    #[test]
    fn size_and_depth_are_checked_before_serde() {
        let deep = format!("{}{}", "[".repeat(65), "]".repeat(65));
        assert_eq!(
            parse::<IgnoredAny>(deep.as_bytes(), Document::Bundle, 1024),
            Err(Error::LimitExceeded {
                document: Document::Bundle,
                what: "bundle JSON depth",
                limit: limits::MAX_JSON_DEPTH
            })
        );
        assert_eq!(
            parse::<IgnoredAny>(b"[]  ", Document::TrustRoot, 3),
            Err(Error::LimitExceeded {
                document: Document::TrustRoot,
                what: "trust root size",
                limit: 3
            })
        );
    }

    #[test]
    fn tree_budgets_are_typed() {
        let tree = |s: &str| parse_tree(s.as_bytes(), 1 << 30);
        assert_eq!(tree(&"[".repeat(100_000)), Err(TreeError::TooDeep));
        assert_eq!(tree(r#"{"a":1,"a":2}"#), Err(TreeError::DuplicateKey));
        assert_eq!(tree("{} x"), Err(TreeError::Malformed));
        assert_eq!(parse_tree(b"[] ", 2), Err(TreeError::TooLarge));
        assert_eq!(
            tree(r#"{"a":[null,true,1,-1,2.5,"s"]}"#),
            Ok(Value::Object(alloc::vec![(
                String::from("a"),
                Value::Array(alloc::vec![
                    Value::Null,
                    Value::Bool,
                    Value::Number(Some(1)),
                    Value::Number(None),
                    Value::Number(None),
                    Value::String(String::from("s")),
                ])
            )]))
        );
    }
}
