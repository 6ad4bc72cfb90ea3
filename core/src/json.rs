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
//! * Free-form documents (an SLSA provenance statement, whose predicate has no fixed schema, log
//!   entry bodies and image evidence read field by field) and TUF metadata (whose signature
//!   covers the canonical form of the tree) are read into a [`Value`] tree by [`parse_tree`],
//!   within a [`TreeBudget`]: size, depth, value count, string length, object members.

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
    let mut at = 0;
    while let Some(&b) = json.get(at) {
        at += 1;
        match b {
            b'"' => match string_length(json.get(at..).unwrap_or_default()) {
                Some(length) => at += length,
                // Unterminated: nothing nests after it, and serde reports the error.
                None => return true,
            },
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

/// The bytes of a JSON string's rest, its closing quote included, after its opening quote;
/// `None` if it is not closed. Jumps between quotes and backslashes with a SIMD search: most of
/// a bundle's or trust root's bytes are base64 inside strings.
fn string_length(rest: &[u8]) -> Option<usize> {
    let mut at = 0;
    loop {
        let found = at + memchr::memchr2(b'"', b'\\', rest.get(at..)?)?;
        match rest.get(found) {
            Some(b'"') => return Some(found + 1),
            // A backslash escapes the byte after it (`\"` does not close the string).
            _ => at = found + 2,
        }
    }
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

/// A parsed JSON value. Objects hold their members sorted by key bytes (UTF-8 byte order is
/// code point order, the order of OLPC canonical JSON, python-tuf and go-tuf) and unique:
/// duplicate keys are refused while parsing, so a lookup has exactly one answer, and the
/// canonical form needs no separate sort.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Value {
    Null,
    Bool(bool),
    /// A non-negative integer that fits a `u64`.
    Unsigned(u64),
    /// A negative integer that fits an `i64`.
    Negative(i64),
    /// Any other number (a fraction, an exponent, an integer beyond 64 bits); its value is not
    /// kept (no document reads one). Never in a tree parsed with [`TreeBudget::integers_only`].
    Float,
    String(String),
    Array(Vec<Self>),
    Object(Vec<(String, Self)>),
}

impl Value {
    /// An object of `members` in key order, as the parser builds them, so that lookups and the
    /// canonical form hold for objects built by hand too. The keys must differ.
    pub(crate) fn object(mut members: Vec<(String, Self)>) -> Self {
        sort_members(&mut members);
        debug_assert!(!has_repeated_key(&members));
        Self::Object(members)
    }

    /// The member `key` of an object (`None` for other values or a missing key).
    pub(crate) fn get(&self, key: &str) -> Option<&Self> {
        match self {
            Self::Object(members) => members
                .binary_search_by(|(k, _)| k.as_str().cmp(key))
                .ok()
                .and_then(|i| members.get(i))
                .map(|(_, v)| v),
            _ => None,
        }
    }

    /// The string this value holds.
    pub(crate) fn as_str(&self) -> Option<&str> {
        match self {
            Self::String(s) => Some(s),
            _ => None,
        }
    }

    /// The `u64` this value holds.
    pub(crate) fn as_u64(&self) -> Option<u64> {
        match self {
            Self::Unsigned(n) => Some(*n),
            _ => None,
        }
    }
}

/// What one [`parse_tree`] may consume. Depth is always bounded by [`limits::MAX_JSON_DEPTH`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct TreeBudget {
    /// Size of the document.
    pub(crate) max_bytes: usize,
    /// Values of any kind, nested ones included (an array or object counts as one).
    pub(crate) max_values: usize,
    /// Bytes of one string or object key.
    pub(crate) max_string_bytes: usize,
    /// Members of one object.
    pub(crate) max_object_members: usize,
    /// Refuse numbers that are not 64-bit integers (OLPC canonical JSON has no floats).
    pub(crate) integers_only: bool,
}

impl TreeBudget {
    /// A free-form document of at most `max_bytes` (an SLSA statement, a log entry body, image
    /// evidence): the value and string budgets of [`limits`], which also bound any object.
    pub(crate) const fn free_form(max_bytes: usize) -> Self {
        Self {
            max_bytes,
            max_values: limits::MAX_JSON_VALUES,
            max_string_bytes: limits::MAX_JSON_STRING_BYTES,
            max_object_members: limits::MAX_JSON_VALUES,
            integers_only: false,
        }
    }
}

/// Why [`parse_tree`] stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TreeError {
    /// More bytes than [`TreeBudget::max_bytes`].
    TooLarge,
    /// Arrays or objects nested deeper than [`limits::MAX_JSON_DEPTH`].
    TooDeep,
    /// More than [`TreeBudget::max_values`] values.
    TooManyValues,
    /// An object with more than [`TreeBudget::max_object_members`] members.
    TooManyMembers,
    /// A string or key longer than [`TreeBudget::max_string_bytes`].
    StringTooLong,
    /// An object repeats a key (`line` and `column`, serde_json's, are where the object ends).
    DuplicateKey { line: usize, column: usize },
    /// A number that is not a 64-bit integer under [`TreeBudget::integers_only`].
    NotAnInteger { line: usize, column: usize },
    /// Not JSON: bad syntax or UTF-8, trailing data. `line` and `column` are serde_json's.
    Malformed { line: usize, column: usize },
}

impl TreeError {
    /// The refusal a [`Work`] recorded, placed where serde stopped (for the kinds that say
    /// where; budgets are about the whole document).
    fn at(self, line: usize, column: usize) -> Self {
        match self {
            Self::DuplicateKey { .. } => Self::DuplicateKey { line, column },
            Self::NotAnInteger { .. } => Self::NotAnInteger { line, column },
            other => other,
        }
    }
}

/// Parses a document into a [`Value`] tree within `budget` and [`limits::MAX_JSON_DEPTH`].
/// Every budget is checked before what it bounds is stored or recursed into.
pub(crate) fn parse_tree(bytes: &[u8], budget: TreeBudget) -> Result<Value, TreeError> {
    if bytes.len() > budget.max_bytes {
        return Err(TreeError::TooLarge);
    }
    let mut work = Work {
        budget,
        values_left: budget.max_values,
        failure: None,
    };
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let seed = ValueSeed {
        work: &mut work,
        depth: 0,
    };
    let parsed = seed
        .deserialize(&mut deserializer)
        .and_then(|value| deserializer.end().map(|()| value));
    // serde carries our refusal only as text: `work` itself says which budget it was.
    parsed.map_err(|e| {
        let (line, column) = (e.line(), e.column());
        match work.failure {
            Some(failure) => failure.at(line, column),
            None => TreeError::Malformed { line, column },
        }
    })
}

/// The budget left in one [`parse_tree`]; records which refusal stopped it.
struct Work {
    budget: TreeBudget,
    values_left: usize,
    failure: Option<TreeError>,
}

impl Work {
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
        if s.len() > self.budget.max_string_bytes {
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

/// Deserializes one JSON value (and, recursively, its children) against the shared [`Work`].
struct ValueSeed<'w> {
    work: &'w mut Work,
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
        self.work.take_value()?;
        Ok(Value::Null)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        self.work.take_value()?;
        Ok(Value::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        self.work.take_value()?;
        Ok(match u64::try_from(v) {
            Ok(v) => Value::Unsigned(v),
            Err(_) => Value::Negative(v),
        })
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        self.work.take_value()?;
        Ok(Value::Unsigned(v))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Value, E> {
        // Also integers beyond 64 bits, which serde_json reads as floats.
        if self.work.budget.integers_only {
            // Placed by `parse_tree` (`TreeError::at`).
            return Err(self
                .work
                .fail(TreeError::NotAnInteger { line: 0, column: 0 }));
        }
        self.work.take_value()?;
        Ok(Value::Float)
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<Value, E> {
        self.work.take_value()?;
        Ok(Value::String(self.work.take_string(s)?))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let work = self.work;
        let depth = work.nest(self.depth)?;
        work.take_value()?;
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(ValueSeed {
            work: &mut *work,
            depth,
        })? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let work = self.work;
        let depth = work.nest(self.depth)?;
        work.take_value()?;
        let mut members: Vec<(String, Value)> = Vec::new();
        while let Some(key) = map.next_key_seed(KeySeed { work: &mut *work })? {
            if members.len() == work.budget.max_object_members {
                return Err(work.fail(TreeError::TooManyMembers));
            }
            let value = map.next_value_seed(ValueSeed {
                work: &mut *work,
                depth,
            })?;
            members.push((key, value));
        }
        // Sorted once the object is complete: O(n log n) whatever the member budget.
        sort_members(&mut members);
        if has_repeated_key(&members) {
            // Placed by `parse_tree` (`TreeError::at`).
            return Err(work.fail(TreeError::DuplicateKey { line: 0, column: 0 }));
        }
        Ok(Value::Object(members))
    }
}

/// Puts an object's members in key-byte order (UTF-8 byte order is code point order).
fn sort_members(members: &mut [(String, Value)]) {
    members.sort_unstable_by(|(a, _), (b, _)| a.cmp(b));
}

/// Whether sorted `members` repeat a key.
fn has_repeated_key(members: &[(String, Value)]) -> bool {
    members
        .windows(2)
        .any(|pair| matches!(pair, [(a, _), (b, _)] if a == b))
}

/// Deserializes an object key within the string budget.
struct KeySeed<'w> {
    work: &'w mut Work,
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
        self.work.take_string(s)
    }
}

/// A free-form document of `document` parsed into a [`Value`] tree
/// ([`TreeBudget::free_form`]), its budgets' refusals typed as that document's errors.
pub(crate) fn parse_document(
    bytes: &[u8],
    document: Document,
    max_bytes: usize,
) -> Result<Value, Error> {
    parse_tree(bytes, TreeBudget::free_form(max_bytes)).map_err(|e| {
        let (what, limit) = match e {
            TreeError::TooLarge => ("document size", max_bytes),
            TreeError::TooDeep => ("JSON depth", limits::MAX_JSON_DEPTH),
            TreeError::TooManyValues | TreeError::TooManyMembers => {
                ("JSON values", limits::MAX_JSON_VALUES)
            }
            TreeError::StringTooLong => ("JSON string length", limits::MAX_JSON_STRING_BYTES),
            TreeError::Malformed { line, column }
            | TreeError::DuplicateKey { line, column }
            | TreeError::NotAnInteger { line, column } => {
                return Error::MalformedJson {
                    document,
                    line,
                    column,
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
        assert!(!depth_within(br#"{"a":"\\"[[[[["}"#, 1));
        assert!(depth_within(br#"[["unterminated [[[["#, 2));
    }

    /// The byte-at-a-time scan the SIMD one replaced: the two must agree on every input.
    fn depth_within_reference(json: &[u8], max_depth: usize) -> bool {
        let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
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

    #[test]
    fn depth_check_agrees_with_the_byte_scan() {
        const ALPHABET: &[u8] = b"\"\\[]{}a";
        // Every string of up to 7 bytes over the bytes that matter, at every depth bound.
        let mut input = Vec::new();
        for length in 0..=7u32 {
            for mut n in 0..ALPHABET.len().pow(length) {
                input.clear();
                for _ in 0..length {
                    input.push(ALPHABET[n % ALPHABET.len()]);
                    n /= ALPHABET.len();
                }
                for max in 0..4 {
                    assert_eq!(
                        depth_within(&input, max),
                        depth_within_reference(&input, max),
                        "{:?} at {max}",
                        String::from_utf8_lossy(&input)
                    );
                }
            }
        }
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
        let tree = |s: &str| parse_tree(s.as_bytes(), TreeBudget::free_form(1 << 30));
        assert_eq!(tree(&"[".repeat(100_000)), Err(TreeError::TooDeep));
        assert_eq!(
            tree("[0,\n{\"a\":1,\"b\":{},\"a\":2}]"),
            // Found once the object is read: its closing brace, line 2 column 20.
            Err(TreeError::DuplicateKey {
                line: 2,
                column: 20
            })
        );
        assert_eq!(
            tree("{}\n x"),
            Err(TreeError::Malformed { line: 2, column: 2 })
        );
        assert_eq!(
            parse_tree(b"[] ", TreeBudget::free_form(2)),
            Err(TreeError::TooLarge)
        );
        assert_eq!(
            tree(r#"{"b":[null,true,1,-1,2.5,"s"],"a":false}"#),
            Ok(Value::Object(alloc::vec![
                (String::from("a"), Value::Bool(false)),
                (
                    String::from("b"),
                    Value::Array(alloc::vec![
                        Value::Null,
                        Value::Bool(true),
                        Value::Unsigned(1),
                        Value::Negative(-1),
                        Value::Float,
                        Value::String(String::from("s")),
                    ])
                ),
            ]))
        );
        let small = TreeBudget {
            max_bytes: 1024,
            max_values: 4,
            max_string_bytes: 3,
            max_object_members: 2,
            integers_only: true,
        };
        let tree = |s: &str| parse_tree(s.as_bytes(), small);
        assert!(tree(r#"[0,"abc",[]]"#).is_ok());
        assert_eq!(tree("[0,1,2,3]"), Err(TreeError::TooManyValues));
        assert_eq!(tree(r#"["abcd"]"#), Err(TreeError::StringTooLong));
        assert_eq!(tree(r#"{"abcd":0}"#), Err(TreeError::StringTooLong));
        assert_eq!(
            tree(r#"{"a":0,"b":0,"c":0}"#),
            Err(TreeError::TooManyMembers)
        );
        for float in ["1.5", "1e3", "18446744073709551616", "-9223372036854775809"] {
            let at_its_end = float.len();
            assert_eq!(
                tree(float),
                Err(TreeError::NotAnInteger {
                    line: 1,
                    column: at_its_end
                }),
                "{float}"
            );
        }
        assert_eq!(tree("18446744073709551615"), Ok(Value::Unsigned(u64::MAX)));
        assert_eq!(tree("-9223372036854775808"), Ok(Value::Negative(i64::MIN)));
    }

    #[test]
    fn lookups_find_members_in_sorted_objects() {
        let doc = parse_tree(
            "{\"z\":\"last\",\"\u{FF61}\":1,\"a\":2,\"\u{1F600}\":3}".as_bytes(),
            TreeBudget::free_form(1024),
        )
        .unwrap();
        assert_eq!(doc.get("z").and_then(Value::as_str), Some("last"));
        assert_eq!(doc.get("a").and_then(Value::as_u64), Some(2));
        // Code point order: U+FF61 before U+1F600 (UTF-16 order would put it after).
        let Value::Object(members) = &doc else {
            panic!("not an object")
        };
        let keys: Vec<&str> = members.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["a", "z", "\u{FF61}", "\u{1F600}"]);
        assert_eq!(doc.get("y"), None);
        assert_eq!(Value::Null.get("a"), None);
        // Objects built by hand are put in the same order.
        let built = Value::object(alloc::vec![
            (String::from("z"), Value::String(String::from("last"))),
            (String::from("\u{1F600}"), Value::Unsigned(3)),
            (String::from("a"), Value::Unsigned(2)),
            (String::from("\u{FF61}"), Value::Unsigned(1)),
        ]);
        assert_eq!(built, doc);
    }
}
