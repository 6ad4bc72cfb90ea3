//! Path globs for policy rules, matched against canonical (symlink-resolved, absolute) paths.
//!
//! Syntax (deliberately small, gitignore-like):
//! - `*` matches any run of characters within one path segment (never `/`);
//! - `?` matches one character other than `/`;
//! - `**` as a whole segment matches zero or more segments (`/opt/**` matches everything
//!   under `/opt`, `/opt/**/bin/*` any `bin` directory below it);
//! - everything else is literal. `[`, `]`, `{`, `}` and `\` are refused rather than
//!   guessed at, so a pattern never means something other than what it looks like.
//!
//! Patterns must be absolute and must not contain empty, `.` or `..` segments (canonical
//! paths never do, so such a pattern could never match and is surely a mistake).

use core::fmt;

/// Longest accepted pattern, in bytes (a path is at most `PATH_MAX` = 4096).
pub(crate) const MAX_GLOB_BYTES: usize = 4096;

/// A compiled glob.
#[derive(Clone, Debug)]
pub(crate) struct Glob {
    source: String,
    segments: Vec<Segment>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Segment {
    /// `**`: zero or more whole segments.
    AnySegments,
    /// A segment pattern with `*` and `?` wildcards (as bytes; `/` never occurs in it).
    Pattern(Vec<u8>),
}

/// Why a pattern was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct GlobError(&'static str);

impl fmt::Display for GlobError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl Glob {
    /// Compiles `pattern`.
    pub(crate) fn new(pattern: &str) -> Result<Self, GlobError> {
        if pattern.len() > MAX_GLOB_BYTES {
            return Err(GlobError("pattern is longer than 4096 bytes"));
        }
        let Some(rest) = pattern.strip_prefix('/') else {
            return Err(GlobError(
                "pattern must be an absolute path (it is matched against canonical paths)",
            ));
        };
        if let Some(c) = pattern.chars().find(|c| "[]{}\\".contains(*c)) {
            return Err(match c {
                '[' | ']' => GlobError("character classes ([...]) are not supported"),
                '{' | '}' => GlobError("alternatives ({a,b}) are not supported"),
                _ => GlobError("escapes (\\) are not supported"),
            });
        }
        if pattern.chars().any(char::is_control) {
            return Err(GlobError("pattern contains a control character"));
        }
        let mut segments = Vec::new();
        for seg in rest.split('/') {
            match seg {
                "" => {
                    return Err(GlobError(
                        "pattern has an empty path segment (// or a trailing /)",
                    ))
                }
                "." | ".." => {
                    return Err(GlobError(
                        "pattern has a . or .. segment (canonical paths never do)",
                    ))
                }
                "**" => {
                    // `/**/**/` means the same as `/**/`; keep one so matching stays linear.
                    if segments.last() != Some(&Segment::AnySegments) {
                        segments.push(Segment::AnySegments);
                    }
                }
                s if s.contains("**") => {
                    return Err(GlobError(
                        "** must be a whole path segment (as in /opt/**/bin)",
                    ))
                }
                s => segments.push(Segment::Pattern(s.as_bytes().to_vec())),
            }
        }
        Ok(Self {
            source: pattern.to_string(),
            segments,
        })
    }

    /// The pattern as written.
    pub(crate) fn as_str(&self) -> &str {
        &self.source
    }

    /// Whether every path `other` matches is also matched by `self` (used to warn about rules
    /// that an earlier rule shadows). Sound, not complete: `true` is always right; a few
    /// covered cases (a `**` in `other` under a plain segment of `self`) answer `false`.
    pub(crate) fn covers(&self, other: &Self) -> bool {
        let (a, b) = (&self.segments, &other.segments);
        // Cell (i, j): a[i..] covers b[j..].
        table_from_end(a.len(), b.len(), |i, j, at| match (a.get(i), b.get(j)) {
            (None, None) => true,
            (None, Some(_)) => false,
            (Some(Segment::AnySegments), next) => at(i + 1, j) || (next.is_some() && at(i, j + 1)),
            (Some(Segment::Pattern(p)), Some(Segment::Pattern(q))) => {
                segment_covers(p, q) && at(i + 1, j + 1)
            }
            (Some(Segment::Pattern(_)), _) => false,
        })
    }

    /// Whether the absolute path `path` matches.
    pub(crate) fn matches(&self, path: &str) -> bool {
        let Some(rest) = path.strip_prefix('/') else {
            return false;
        };
        let parts: Vec<&[u8]> = rest.split('/').map(str::as_bytes).collect();
        // reachable[j]: the pattern segments consumed so far can match exactly parts[..j].
        // O(pattern segments × path segments), no backtracking.
        let mut reachable = vec![false; parts.len() + 1];
        if let Some(first) = reachable.first_mut() {
            *first = true;
        }
        for seg in &self.segments {
            let mut next = vec![false; parts.len() + 1];
            match seg {
                Segment::AnySegments => {
                    let mut any = false;
                    for (r, n) in reachable.iter().zip(next.iter_mut()) {
                        any |= *r;
                        *n = any;
                    }
                }
                Segment::Pattern(p) => {
                    for (j, part) in parts.iter().enumerate() {
                        if reachable.get(j) == Some(&true) && segment_matches(p, part) {
                            if let Some(n) = next.get_mut(j + 1) {
                                *n = true;
                            }
                        }
                    }
                }
            }
            reachable = next;
        }
        reachable.last() == Some(&true)
    }
}

/// Wildcard match of one segment: `*` any run, `?` one byte, else literal. Greedy with a
/// single backtrack point: O(len(pattern) × len(text)) in the worst case, linear typically.
fn segment_matches(pattern: &[u8], text: &[u8]) -> bool {
    let (mut p, mut t) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some(b'*') => {
                star = Some((p, t));
                p += 1;
            }
            Some(&c) if c == b'?' || Some(&c) == text.get(t) => {
                p += 1;
                t += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    p = sp + 1;
                    t = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    pattern
        .get(p..)
        .is_some_and(|rest| rest.iter().all(|&c| c == b'*'))
}

/// Whether segment pattern `p` matches every string segment pattern `q` matches: `q`'s
/// tokens are treated symbolically (its `*` only under a `*` of `p`, its `?` under a `?` or
/// `*`, a literal under the same literal, a `?` or a `*`).
fn segment_covers(p: &[u8], q: &[u8]) -> bool {
    table_from_end(p.len(), q.len(), |i, j, at| match (p.get(i), q.get(j)) {
        (None, None) => true,
        (Some(b'*'), next) => at(i + 1, j) || (next.is_some() && at(i, j + 1)),
        (Some(b'?'), Some(&c)) => c != b'*' && at(i + 1, j + 1),
        (Some(&c), Some(&d)) => c == d && d != b'*' && d != b'?' && at(i + 1, j + 1),
        _ => false,
    })
}

/// Fills a `(rows + 1) × (cols + 1)` table of booleans from its last cell backwards with
/// `cell(i, j, at)`, where `at` reads cells already filled (below or to the right), and
/// returns cell (0, 0). O(rows × cols), no recursion.
fn table_from_end(
    rows: usize,
    cols: usize,
    cell: impl Fn(usize, usize, &dyn Fn(usize, usize) -> bool) -> bool,
) -> bool {
    let w = cols + 1;
    let mut table = vec![false; (rows + 1) * w];
    for i in (0..=rows).rev() {
        for j in (0..=cols).rev() {
            let v = cell(i, j, &|a, b| table.get(a * w + b).copied().unwrap_or(false));
            if let Some(c) = table.get_mut(i * w + j) {
                *c = v;
            }
        }
    }
    table.first().copied().unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(pattern: &str, path: &str) -> bool {
        Glob::new(pattern).unwrap().matches(path)
    }

    #[test]
    fn star_stays_within_a_segment() {
        assert!(m("/opt/app/*", "/opt/app/server"));
        assert!(!m("/opt/app/*", "/opt/app/sub/server"));
        assert!(!m("/opt/app/*", "/opt/app"));
        assert!(m("/opt/app/*.bin", "/opt/app/x.bin"));
        assert!(!m("/opt/app/*.bin", "/opt/app/x.bin.evil"));
        assert!(m("/opt/*/bin/x", "/opt/a/bin/x"));
        assert!(m("/opt/a?c", "/opt/abc"));
        assert!(!m("/opt/a?c", "/opt/a/c"));
        assert!(m("/opt/*a*b*c*", "/opt/xxaxxbxxc"));
        assert!(!m("/opt/*a*b*c*", "/opt/xxaxxcxxb"));
    }

    #[test]
    fn double_star_spans_segments() {
        assert!(m("/opt/**", "/opt/a"));
        assert!(m("/opt/**", "/opt/a/b/c"));
        assert!(!m("/opt/**", "/optx/a"));
        assert!(m("/opt/**/bin/*", "/opt/bin/x"));
        assert!(m("/opt/**/bin/*", "/opt/a/b/bin/x"));
        assert!(!m("/opt/**/bin/*", "/opt/a/b/bin"));
        assert!(m("/**", "/anything/at/all"));
    }

    #[test]
    fn literal_and_relative() {
        assert!(m("/usr/bin/app", "/usr/bin/app"));
        assert!(!m("/usr/bin/app", "/usr/bin/app2"));
        assert!(!m("/usr/bin/app", "usr/bin/app"));
    }

    #[test]
    fn bad_patterns_are_refused() {
        for p in [
            "opt/*",
            "/opt//x",
            "/opt/",
            "/opt/../etc",
            "/opt/./x",
            "/opt/[ab]",
            "/opt/{a,b}",
            "/opt/a\\*",
            "/opt/a**",
            "/opt/\nx",
        ] {
            assert!(Glob::new(p).is_err(), "{p:?} should be refused");
        }
        assert!(Glob::new(&format!("/{}", "a".repeat(MAX_GLOB_BYTES))).is_err());
    }

    #[test]
    fn coverage_is_language_inclusion() {
        let c = |a: &str, b: &str| Glob::new(a).unwrap().covers(&Glob::new(b).unwrap());
        assert!(c("/opt/**", "/opt/app/*"));
        assert!(c("/opt/**", "/opt/**/bin/*"));
        assert!(c("/opt/*", "/opt/app"));
        assert!(c("/opt/*", "/opt/a?p*"));
        assert!(c("/opt/a*", "/opt/ab?"));
        assert!(c("/**", "/x/**"));
        assert!(c("/opt/app", "/opt/app"));
        assert!(!c("/opt/app/*", "/opt/**"));
        assert!(!c("/opt/*", "/opt/*/x"));
        assert!(!c("/opt/a?", "/opt/a*"));
        assert!(!c("/opt/ab", "/opt/a?"));
        assert!(!c("/opt/*/bin", "/opt/app/*"));
        assert!(!c("/srv/**", "/opt/app"));
        // Every covered pair agrees with matching on sample paths.
        let paths = [
            "/opt/app/x",
            "/opt/app",
            "/opt/a/bin/x",
            "/opt/abc",
            "/x/y/z",
        ];
        let globs = [
            "/opt/**",
            "/opt/app/*",
            "/opt/*",
            "/opt/a*",
            "/**",
            "/opt/**/bin/*",
        ];
        for a in globs {
            for b in globs {
                if c(a, b) {
                    for p in paths {
                        assert!(!m(b, p) || m(a, p), "{a} covers {b} but not {p}");
                    }
                }
            }
        }
    }

    #[test]
    fn pathological_patterns_stay_fast() {
        let g = Glob::new(&format!("/{}b", "*a".repeat(500))).unwrap();
        let path = format!("/{}", "a".repeat(4000));
        assert!(!g.matches(&path));
        let g = Glob::new(&"/**".repeat(200)).unwrap();
        assert!(g.matches(&"/x".repeat(1000)));
    }
}
