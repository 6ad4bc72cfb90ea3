//! Loading the trust root: the embedded public-good root unless a file is given; in a policy,
//! the `[trust_root]` table (`path`, `sha256` pin).

use std::path::Path;

use edgeverify_core::{hex_encode, limits, TrustRoot};

use super::{Fields, Table};
use crate::files::{read_bounded, read_regular};

/// Keys `[trust_root]` may have.
const TRUST_ROOT_KEYS: &[&str] = &["path", "sha256"];

/// The trust root from `path` (`trusted_root.json` or its compact CBOR form, told apart by
/// content), or the embedded production root.
pub(crate) fn load(path: Option<&Path>) -> Result<TrustRoot, String> {
    match path {
        None => TrustRoot::embedded_production().map_err(|e| e.to_string()),
        Some(p) => {
            let bytes = read_bounded(p, limits::MAX_TRUST_ROOT_BYTES)?;
            TrustRoot::from_bytes(&bytes).map_err(|e| format!("{}: {e}", p.display()))
        }
    }
}

/// The trust root a policy's `[trust_root]` table names (the embedded root without one), its
/// pin checked, and a human-readable origin. Errors carry the line they are about.
pub(super) fn from_table(table: Option<&Table>) -> Result<(TrustRoot, String), (usize, String)> {
    let (file, pin) = match table {
        None => (None, None),
        Some(t) => {
            let f = Fields::new(t, TRUST_ROOT_KEYS, "[trust_root]")?;
            (f.string("path")?, f.string("sha256")?)
        }
    };
    if let Some(p) = &pin {
        if p.value.len() != 64 || !p.value.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err((p.line, "trust_root.sha256 must be 64 hex digits".into()));
        }
    }
    let (root, origin, line) = match &file {
        None => (
            TrustRoot::embedded_production().map_err(|e| {
                (
                    table.map_or(1, |t| t.line),
                    format!("embedded trust root: {e}"),
                )
            })?,
            "embedded public-good root".to_string(),
            None,
        ),
        Some(f) => {
            let p = Path::new(&f.value);
            if !p.is_absolute() {
                return Err((f.line, "trust_root.path must be absolute".into()));
            }
            // Named by a policy: a regular file only (a FIFO there must not wedge a reload).
            let root = read_regular(p, limits::MAX_TRUST_ROOT_BYTES)
                .and_then(|b| {
                    TrustRoot::from_bytes(&b).map_err(|e| format!("{}: {e}", p.display()))
                })
                .map_err(|e| (f.line, format!("trust root: {e}")))?;
            (root, f.value.clone(), Some(f.line))
        }
    };
    let actual = hex_encode(root.source_sha256());
    if let Some(pin) = pin {
        if !pin.value.eq_ignore_ascii_case(&actual) {
            return Err((
                line.unwrap_or(pin.line),
                format!(
                    "trust root {origin} has sha256 {actual}, but the policy pins {}",
                    pin.value
                ),
            ));
        }
    }
    Ok((root, format!("{origin} (sha256 {actual})")))
}
