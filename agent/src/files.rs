//! Reading files within a size bound, so that a wrong path to a huge file (or a hostile one)
//! cannot exhaust memory.

use std::io::{self, Read};
use std::path::Path;

/// Reads `reader` to its end if it holds at most `limit` bytes; `None` if it holds more (only
/// `limit + 1` bytes are ever read).
pub(crate) fn read_at_most(reader: impl Read, limit: usize) -> io::Result<Option<Vec<u8>>> {
    let mut data = Vec::new();
    let cap = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
    reader.take(cap).read_to_end(&mut data)?;
    Ok((data.len() <= limit).then_some(data))
}

/// Reads a file that must not exceed `limit` bytes.
pub(crate) fn read_bounded(path: &Path, limit: usize) -> Result<Vec<u8>, String> {
    let file =
        std::fs::File::open(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    read_at_most(file, limit)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?
        .ok_or_else(|| format!("{} is larger than {limit} bytes", path.display()))
}
