//! Loading the trust root: the embedded public-good root unless a file is given.

use std::path::Path;

use edgeverify_core::{limits, TrustRoot};

/// Reads a file that must not exceed `limit` bytes (so a wrong path to a huge file cannot
/// exhaust memory).
pub(crate) fn read_bounded(path: &Path, limit: usize) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let file =
        std::fs::File::open(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    let mut data = Vec::new();
    let cap = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
    file.take(cap)
        .read_to_end(&mut data)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    if data.len() > limit {
        return Err(format!("{} is larger than {limit} bytes", path.display()));
    }
    Ok(data)
}

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
