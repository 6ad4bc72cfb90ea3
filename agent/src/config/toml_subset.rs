//! A strict parser for the subset of TOML that policy files use.
//!
//! Why not the `toml` crate: it added about 225 KB to the stripped binary (1.76 MB → 1.99 MB,
//! against a 2 MB budget), for a format whose values are only strings and lists of strings.
//!
//! Accepted: comments, `[table]`, `[[array-of-tables]]` (bare names), `key = value` with bare
//! keys, values that are basic strings (`"…"`, all TOML escapes), literal strings (`'…'`) or
//! arrays of those (which may span lines, with comments and a trailing comma). Everything
//! else in TOML (numbers, booleans, dates, inline tables, dotted or quoted keys, multi-line
//! strings) is refused with the line and a reason, never misread: a document this parser
//! accepts means the same under any TOML parser (checked against the `toml` crate in tests).

use std::fmt;

/// A value: a string or a list of strings, with the line it starts on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    /// A basic or literal string.
    Str(String),
    /// An array of strings.
    List(Vec<String>),
}

/// One `key = value` line.
#[derive(Clone, Debug)]
pub struct Entry {
    /// The bare key.
    pub key: String,
    /// The 1-based line of the key.
    pub line: usize,
    /// The value.
    pub value: Value,
    /// For arrays: the line of each element.
    pub item_lines: Vec<usize>,
}

/// A table: the header's line (0 for the top level) and its entries in order.
#[derive(Clone, Debug, Default)]
pub struct Table {
    /// The 1-based line of the header (0 for the top level).
    pub line: usize,
    /// The entries, in file order.
    pub entries: Vec<Entry>,
}

/// A parsed document.
#[derive(Clone, Debug, Default)]
pub struct Document {
    /// Keys before the first header.
    pub top: Table,
    /// `[name]` tables and `[[name]]` elements in file order: (name, is array element, table).
    pub tables: Vec<(String, bool, Table)>,
}

/// A syntax error: 1-based line and reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    /// The 1-based line.
    pub line: usize,
    /// What is wrong.
    pub reason: String,
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.reason)
    }
}

/// Most entries in one document (the file size bounds it too; this bounds work per byte).
const MAX_ENTRIES: usize = 65_536;

/// Parses `text`.
pub fn parse(text: &str) -> Result<Document, SyntaxError> {
    let mut doc = Document::default();
    let mut p = Parser {
        s: text.as_bytes(),
        i: 0,
        line: 1,
    };
    let mut entries = 0usize;
    loop {
        p.skip_blank_lines()?;
        let Some(c) = p.peek() else { break };
        let line = p.line;
        if c == b'[' {
            let array = p.s.get(p.i + 1) == Some(&b'[');
            p.i += if array { 2 } else { 1 };
            p.skip_spaces();
            let name = p.bare_key()?;
            p.skip_spaces();
            let close: &[u8] = if array { b"]]" } else { b"]" };
            if !p.s.get(p.i..).is_some_and(|r| r.starts_with(close)) {
                return Err(p.err("table header must be [name] or [[name]] with a bare name"));
            }
            p.i += close.len();
            p.end_of_line()?;
            if doc
                .tables
                .iter()
                .any(|(n, a, _)| *n == name && (!array || !*a))
            {
                return Err(SyntaxError {
                    line,
                    reason: format!(
                        "table [{name}] is defined twice (or as both [{name}] and [[{name}]])"
                    ),
                });
            }
            doc.tables.push((
                name,
                array,
                Table {
                    line,
                    entries: Vec::new(),
                },
            ));
            continue;
        }
        let key = p.bare_key()?;
        p.skip_spaces();
        if p.peek() != Some(b'=') {
            return Err(p.err(if p.peek() == Some(b'.') {
                "dotted keys are not supported in policy files"
            } else {
                "expected `key = value`"
            }));
        }
        p.i += 1;
        p.skip_spaces();
        let (value, item_lines) = p.value()?;
        p.end_of_line()?;
        entries += 1;
        if entries > MAX_ENTRIES {
            return Err(SyntaxError {
                line,
                reason: "too many entries".into(),
            });
        }
        let table = match doc.tables.last_mut() {
            Some((_, _, t)) => t,
            None => &mut doc.top,
        };
        if table.entries.iter().any(|e| e.key == key) {
            return Err(SyntaxError {
                line,
                reason: format!("duplicate key {key:?}"),
            });
        }
        table.entries.push(Entry {
            key,
            line,
            value,
            item_lines,
        });
    }
    Ok(doc)
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
    line: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn err(&self, reason: &str) -> SyntaxError {
        SyntaxError {
            line: self.line,
            reason: reason.to_string(),
        }
    }

    fn skip_spaces(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.i += 1;
        }
    }

    /// Skips a comment (to the end of the line, not the newline). Comments may not contain
    /// control characters other than tab (TOML).
    fn skip_comment(&mut self) -> Result<(), SyntaxError> {
        if self.peek() == Some(b'#') {
            while let Some(c) = self.peek() {
                if c == b'\n' || (c == b'\r' && self.s.get(self.i + 1) == Some(&b'\n')) {
                    break;
                }
                if (c < 0x20 && c != b'\t') || c == 0x7f {
                    return Err(self.err("control character in a comment"));
                }
                self.i += 1;
            }
        }
        Ok(())
    }

    /// Consumes a newline (LF or CRLF) if there is one; false at the end of input.
    fn newline(&mut self) -> Result<bool, SyntaxError> {
        match self.peek() {
            Some(b'\n') => {
                self.i += 1;
                self.line += 1;
                Ok(true)
            }
            Some(b'\r') if self.s.get(self.i + 1) == Some(&b'\n') => {
                self.i += 2;
                self.line += 1;
                Ok(true)
            }
            None => Ok(false),
            Some(_) => Err(self.err("unexpected character")),
        }
    }

    fn skip_blank_lines(&mut self) -> Result<(), SyntaxError> {
        loop {
            self.skip_spaces();
            self.skip_comment()?;
            match self.peek() {
                Some(b'\n' | b'\r') => {
                    self.newline()?;
                }
                _ => return Ok(()),
            }
        }
    }

    fn end_of_line(&mut self) -> Result<(), SyntaxError> {
        self.skip_spaces();
        self.skip_comment()?;
        match self.peek() {
            None | Some(b'\n') => Ok(()),
            Some(b'\r') if self.s.get(self.i + 1) == Some(&b'\n') => Ok(()),
            Some(_) => Err(self.err("unexpected text after the value (one key = value per line)")),
        }
    }

    fn bare_key(&mut self) -> Result<String, SyntaxError> {
        let start = self.i;
        while matches!(self.peek(), Some(c) if c.is_ascii_alphanumeric() || c == b'_' || c == b'-')
        {
            self.i += 1;
        }
        if start == self.i {
            return Err(self.err(match self.peek() {
                Some(b'"' | b'\'') => "quoted keys are not supported in policy files",
                _ => "expected a key (letters, digits, _ and -)",
            }));
        }
        Ok(String::from_utf8_lossy(self.s.get(start..self.i).unwrap_or_default()).into_owned())
    }

    fn value(&mut self) -> Result<(Value, Vec<usize>), SyntaxError> {
        match self.peek() {
            Some(b'"' | b'\'') => self.string().map(|s| (Value::Str(s), Vec::new())),
            Some(b'[') => {
                self.i += 1;
                let mut items = Vec::new();
                let mut lines = Vec::new();
                loop {
                    self.skip_array_space()?;
                    match self.peek() {
                        Some(b']') => {
                            self.i += 1;
                            return Ok((Value::List(items), lines));
                        }
                        Some(b'"' | b'\'') => {
                            lines.push(self.line);
                            items.push(self.string()?);
                        }
                        None => return Err(self.err("unterminated array")),
                        Some(_) => return Err(self.err("arrays in policy files hold only strings")),
                    }
                    self.skip_array_space()?;
                    match self.peek() {
                        Some(b',') => self.i += 1,
                        Some(b']') => {}
                        _ => return Err(self.err("expected , or ] in array")),
                    }
                }
            }
            Some(b'{') => Err(self.err("inline tables are not supported in policy files")),
            None | Some(b'\n' | b'\r' | b'#') => Err(self.err("missing value")),
            Some(_) => Err(self.err(
                "values in policy files are strings (\"…\") or arrays of strings; \
                 numbers, booleans and dates are not used",
            )),
        }
    }

    /// Whitespace, comments and newlines inside an array.
    fn skip_array_space(&mut self) -> Result<(), SyntaxError> {
        loop {
            self.skip_spaces();
            self.skip_comment()?;
            match self.peek() {
                Some(b'\n' | b'\r') => {
                    if !self.newline()? {
                        return Ok(());
                    }
                }
                _ => return Ok(()),
            }
        }
    }

    fn string(&mut self) -> Result<String, SyntaxError> {
        let quote = self.peek();
        if self
            .s
            .get(self.i..)
            .is_some_and(|r| r.starts_with(b"\"\"\"") || r.starts_with(b"'''"))
        {
            return Err(self.err("multi-line strings are not supported in policy files"));
        }
        self.i += 1;
        let mut out: Vec<u8> = Vec::new();
        loop {
            let Some(c) = self.peek() else {
                return Err(self.err("unterminated string"));
            };
            self.i += 1;
            match c {
                _ if Some(c) == quote => break,
                b'\n' | b'\r' => return Err(self.err("unterminated string (newline)")),
                _ if (c < 0x20 && c != b'\t') || c == 0x7f => {
                    return Err(self.err("control character in a string (use an escape)"))
                }
                b'\\' if quote == Some(b'"') => {
                    let Some(e) = self.peek() else {
                        return Err(self.err("unterminated string"));
                    };
                    self.i += 1;
                    match e {
                        b'b' => out.push(0x08),
                        b't' => out.push(b'\t'),
                        b'n' => out.push(b'\n'),
                        b'f' => out.push(0x0c),
                        b'r' => out.push(b'\r'),
                        b'"' => out.push(b'"'),
                        b'\\' => out.push(b'\\'),
                        b'u' | b'U' => {
                            let n = if e == b'u' { 4 } else { 8 };
                            let hex = self
                                .s
                                .get(self.i..self.i + n)
                                .and_then(|h| core::str::from_utf8(h).ok())
                                .filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()))
                                .ok_or_else(|| self.err("bad \\u escape"))?;
                            let ch = u32::from_str_radix(hex, 16)
                                .ok()
                                .and_then(char::from_u32)
                                .ok_or_else(|| {
                                    self.err("\\u escape is not a Unicode scalar value")
                                })?;
                            self.i += n;
                            let mut buf = [0u8; 4];
                            out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                        }
                        _ => return Err(self.err("unknown escape in a string")),
                    }
                }
                _ => out.push(c),
            }
        }
        // The input is a &str and escapes produce whole characters, so this is UTF-8.
        String::from_utf8(out).map_err(|_| self.err("string is not UTF-8"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_policy_shape() {
        let doc = parse(
            "# c\n\n[trust_root]\npath = '/etc/x.json' # c\n\n[[rule]]\nname = \"a\\u00e9\\\"\"\n\
             paths = [\n  \"/opt/*\", # one\n  '/srv/**',\n]\n[[rule]]\r\nname=\"b\"\r\npaths=[]\r\n",
        )
        .unwrap();
        assert!(doc.top.entries.is_empty());
        assert_eq!(doc.tables.len(), 3);
        let (name, array, t) = &doc.tables[1];
        assert_eq!((name.as_str(), *array, t.line), ("rule", true, 6));
        assert_eq!(t.entries[0].value, Value::Str("aé\"".into()));
        assert_eq!(t.entries[1].line, 8);
        assert_eq!(
            t.entries[1].value,
            Value::List(vec!["/opt/*".into(), "/srv/**".into()])
        );
        assert_eq!(doc.tables[2].2.entries[1].value, Value::List(vec![]));
    }

    #[test]
    fn refuses_what_it_does_not_support_with_the_line() {
        for (text, line) in [
            ("a = 1\n", 1),
            ("\na = true\n", 2),
            ("a = {b = \"c\"}\n", 1),
            ("a.b = \"c\"\n", 1),
            ("\"a\" = \"c\"\n", 1),
            ("a = \"\"\"x\"\"\"\n", 1),
            ("a = \"x\" b = \"y\"\n", 1),
            ("a = \"x\nb = 2\n", 1),
            ("a = [\"x\",\n 1]\n", 2),
            ("a = [\"x\"\n", 2),
            ("a = \"x\"\na = \"y\"\n", 2),
            ("[t]\n[t]\n", 2),
            ("[[t]]\n[t]\n", 2),
            ("[t\n", 1),
            ("[a.b]\n", 1),
            ("a = \"\\q\"\n", 1),
            ("a = \"\\uD800\"\n", 1),
            ("a = \"x\u{1}\"\n", 1),
            ("a =\n", 1),
            ("# ok\n\n\n  = \"x\"\n", 4),
        ] {
            let e = parse(text).expect_err(text);
            assert_eq!(e.line, line, "{text:?}: {e}");
        }
    }

    /// Differential check against the `toml` crate: whatever we accept, it reads the same.
    #[test]
    fn agrees_with_the_toml_crate() {
        let samples = [
            "[[rule]]\nname = \"a\"\npaths = [\"/x\", '/y\\z']\n",
            "a = \"\\t\\n\\\\\\\"\\u0041\\U0001F600\"\nb = 'c\\d'\n[t]\nk = []\nl = [ 'x' , ]\n",
            "\u{feff}a = \"x\"\n",
            "a = \"x\"\r\n# c\r\n[[r]]\r\nb = [\r\n\"1\",\r\n]\r\n",
        ];
        for s in samples {
            let ours = parse(s);
            let theirs: Result<toml::Table, _> = toml::from_str(s);
            match (ours, theirs) {
                (Ok(doc), Ok(table)) => {
                    for e in &doc.top.entries {
                        assert_eq!(toml_value(&e.value), table[&e.key], "{s:?}");
                    }
                    for (name, array, t) in &doc.tables {
                        let v = &table[name];
                        let tab = if *array {
                            v.as_array().unwrap().iter().find(|x| {
                                t.entries
                                    .iter()
                                    .all(|e| x.get(&e.key) == Some(&toml_value(&e.value)))
                            })
                        } else {
                            Some(v)
                        };
                        assert!(tab.is_some(), "{s:?}");
                        for e in &t.entries {
                            assert_eq!(
                                Some(&toml_value(&e.value)),
                                tab.unwrap().get(&e.key),
                                "{s:?}"
                            );
                        }
                    }
                }
                (Err(_), _) => {} // refusing more than TOML is allowed
                (Ok(_), Err(e)) => panic!("we accepted what TOML refuses: {s:?}: {e}"),
            }
        }
    }

    fn toml_value(v: &Value) -> toml::Value {
        match v {
            Value::Str(s) => toml::Value::String(s.clone()),
            Value::List(l) => {
                toml::Value::Array(l.iter().map(|s| toml::Value::String(s.clone())).collect())
            }
        }
    }
}
