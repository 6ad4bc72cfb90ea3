//! Loading the trust root: the embedded public-good root unless a file is given; in a policy,
//! the `[trust_root]` table (`path`, `sha256` pin). A pin is the SHA-256 of the file exactly as
//! it is stored, whichever form it has (`trusted_root.json` or the compact CBOR form that
//! `edgeverify trust-root compile` writes and prints the digest of): `sha256sum FILE`.

use std::path::Path;

use edgeverify_core::{hex_decode, hex_encode, limits, Policy, TrustRoot};

use super::{Fields, Table};
use crate::files::{read_bounded, read_regular};
use crate::gate::artifact::sha256;

/// Keys `[trust_root]` may have.
const TRUST_ROOT_KEYS: &[&str] = &["path", "sha256"];

/// The trust root from `path` (`trusted_root.json` or its compact CBOR form, told apart by
/// content), or the embedded production root; refused if it can never verify under `policy`.
pub(crate) fn load(path: Option<&Path>, policy: &Policy) -> Result<TrustRoot, String> {
    let (root, origin) = match path {
        None => (
            TrustRoot::embedded_production().map_err(|e| e.to_string())?,
            "the embedded trust root".to_string(),
        ),
        Some(p) => {
            let bytes = read_bounded(p, limits::MAX_TRUST_ROOT_BYTES)?;
            let root =
                TrustRoot::from_bytes(&bytes).map_err(|e| format!("{}: {e}", p.display()))?;
            (root, p.display().to_string())
        }
    };
    root.check_usable_for(policy)
        .map_err(|e| format!("{origin} cannot be used: {e}"))?;
    Ok(root)
}

/// The trust root a policy's `[trust_root]` table names, with its origin for messages and the
/// line the table's trust root is named on (for later errors about it).
pub(super) struct Loaded {
    pub(super) root: TrustRoot,
    pub(super) origin: String,
    pub(super) line: usize,
}

/// The trust root a policy's `[trust_root]` table names (the embedded root without one), its
/// pin checked against the exact bytes loaded. Errors carry the line they are about.
pub(super) fn from_table(table: Option<&Table>) -> Result<Loaded, (usize, String)> {
    let (file, pin) = match table {
        None => (None, None),
        Some(t) => {
            let f = Fields::new(t, TRUST_ROOT_KEYS, "[trust_root]")?;
            (f.string("path")?, f.string("sha256")?)
        }
    };
    let pin = match &pin {
        None => None,
        Some(p) => {
            // Exactly two hex digits per byte (core's hex_decode; no signs, no separators).
            let digest = (p.value.len() == 64)
                .then(|| hex_decode(&p.value))
                .flatten()
                .and_then(|d| <[u8; 32]>::try_from(d).ok())
                .ok_or((
                    p.line,
                    "trust_root.sha256 must be 64 hex digits".to_string(),
                ))?;
            Some((digest, p.line))
        }
    };
    let table_line = table.map_or(1, |t| t.line);
    let (root, origin, line) = match &file {
        None => {
            let root = TrustRoot::embedded_production()
                .map_err(|e| (table_line, format!("embedded trust root: {e}")))?;
            if let Some((digest, line)) = pin {
                if root.source_sha256() != &digest {
                    return Err((
                        line,
                        mismatch(
                            "the embedded public-good root",
                            root.source_sha256(),
                            &digest,
                        ),
                    ));
                }
            }
            let line = pin.map_or(table_line, |(_, line)| line);
            (root, "embedded public-good root".to_string(), line)
        }
        Some(f) => {
            let p = Path::new(&f.value);
            if !p.is_absolute() {
                return Err((f.line, "trust_root.path must be absolute".into()));
            }
            // Named by a policy: a regular file only (a FIFO there must not wedge a reload).
            let bytes = read_regular(p, limits::MAX_TRUST_ROOT_BYTES)
                .map_err(|e| (f.line, format!("trust root: {e}")))?;
            let root = match pin {
                Some((digest, _)) => {
                    TrustRoot::from_bytes_pinned(&bytes, &digest).map_err(|e| {
                        let actual = sha256(&bytes);
                        if actual == digest {
                            (f.line, format!("trust root: {}: {e}", f.value))
                        } else {
                            (f.line, mismatch(&f.value, &actual, &digest))
                        }
                    })?
                }
                None => TrustRoot::from_bytes(&bytes)
                    .map_err(|e| (f.line, format!("trust root: {}: {e}", f.value)))?,
            };
            (root, f.value.clone(), f.line)
        }
    };
    let actual = hex_encode(root.source_sha256());
    Ok(Loaded {
        root,
        origin: format!("{origin} (sha256 {actual})"),
        line,
    })
}

fn mismatch(origin: &str, actual: &[u8; 32], pinned: &[u8; 32]) -> String {
    format!(
        "trust root {origin} has sha256 {}, but the policy pins {} (a pin is the SHA-256 of \
         the file exactly as stored, JSON or compact CBOR: `sha256sum FILE`, or what \
         `edgeverify trust-root compile` printed)",
        hex_encode(actual),
        hex_encode(pinned)
    )
}
