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

/// Reads a file that may be absent: `Ok(None)` if nothing is at `path`. At most `limit + 1`
/// bytes are read (so a caller sees that a file is too long without reading it whole), and
/// only from a regular file (a FIFO or device could block or never end).
pub(crate) fn read_optional(path: &Path, limit: usize) -> io::Result<Option<Vec<u8>>> {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    if !meta.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "not a regular file",
        ));
    }
    let mut data = Vec::new();
    let cap = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
    std::fs::File::open(path)?
        .take(cap)
        .read_to_end(&mut data)?;
    Ok(Some(data))
}

/// Replaces `path` with `data` so that, whatever happens (a kill, a power cut), `path` holds
/// the old content or the new one, never a mix: a temporary file in the same directory,
/// written and fsynced, renamed over `path`, then the directory fsynced so the rename itself
/// is on disk. `step` names the write for the test failpoints
/// ([`crate::failpoint::crash_at`]). A temporary file left by a crash is overwritten by the
/// next attempt.
pub(crate) fn write_atomically(path: &Path, data: &[u8], step: &str) -> io::Result<()> {
    use std::io::Write as _;
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let tmp = dir.join(format!(".{name}.tmp"));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        let half = data.len() / 2;
        f.write_all(data.get(..half).unwrap_or_default())?;
        crate::failpoint::crash_at(step, "half-written");
        f.write_all(data.get(half..).unwrap_or_default())?;
        f.sync_all()?;
        drop(f);
        crate::failpoint::crash_at(step, "written");
        std::fs::rename(&tmp, path)?;
        crate::failpoint::crash_at(step, "renamed");
        std::fs::File::open(dir)?.sync_all()
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
