//! Opening and reading files that someone else may control: only regular files are ever
//! opened for reading (a FIFO, device or socket placed where a program, bundle, policy or
//! cache was expected is refused without side effects), within a size bound, and a file
//! that changes while it is read is not taken for what it was.

use core::time::Duration;
use std::fs::{File, Metadata, OpenOptions};
use std::io::{self, Read};
use std::os::fd::AsRawFd;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

/// A policy file modified more recently than this is still being written, maybe: a reload
/// waits until it has been left alone this long (see [`read_settled`]).
pub(crate) const SETTLE_TIME: Duration = Duration::from_secs(1);
/// The longest a reload waits for a policy file to settle before it gives up.
pub(crate) const MAX_SETTLE_WAIT: Duration = Duration::from_secs(10);

/// Reads `reader` to its end if it holds at most `limit` bytes; `None` if it holds more (only
/// `limit + 1` bytes are ever read).
pub(crate) fn read_at_most(reader: impl Read, limit: usize) -> io::Result<Option<Vec<u8>>> {
    read_at_most_sized(reader, limit, 0)
}

/// [`read_at_most`] for a reader expected to hold `expected` bytes: allocated once (a
/// growing buffer would briefly hold up to twice the data).
pub(crate) fn read_at_most_sized(
    reader: impl Read,
    limit: usize,
    expected: u64,
) -> io::Result<Option<Vec<u8>>> {
    let capacity = usize::try_from(expected)
        .unwrap_or(limit)
        .min(limit)
        .saturating_add(1);
    let mut data = Vec::with_capacity(capacity);
    let cap = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
    reader.take(cap).read_to_end(&mut data)?;
    Ok((data.len() <= limit).then_some(data))
}

/// The error for a path that names something other than a regular file.
pub(crate) fn not_regular(meta: &Metadata) -> io::Error {
    let ft = meta.file_type();
    let what = if ft.is_dir() {
        "not a regular file (a directory)"
    } else {
        "not a regular file (a FIFO, device or socket)"
    };
    io::Error::new(io::ErrorKind::InvalidInput, what)
}

/// Opens `path` (following symlinks) with `O_PATH` (no open of the node itself: no FIFO is
/// released, no device driver runs) and checks with `fstat` that it is a regular file. The
/// handle cannot be read; [`reopen`] gives a readable descriptor for exactly that inode.
pub(crate) fn open_path(path: &Path) -> io::Result<(File, Metadata)> {
    let handle = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_PATH | libc::O_CLOEXEC)
        .open(path)?;
    let meta = handle.metadata()?;
    if !meta.is_file() {
        return Err(not_regular(&meta));
    }
    Ok((handle, meta))
}

/// A readable descriptor for the regular file open as `handle` (from [`open_path`], with
/// metadata `meta`), through `/proc/self/fd`, which names exactly that inode (checked again).
/// Needs `/proc`.
pub(crate) fn reopen(handle: &File, meta: &Metadata) -> io::Result<File> {
    let file = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_CLOEXEC | libc::O_NOCTTY)
        .open(format!("/proc/self/fd/{}", handle.as_raw_fd()))
        .map_err(|e| {
            if e.kind() == io::ErrorKind::NotFound {
                io::Error::new(e.kind(), "cannot reopen it: /proc is not mounted")
            } else {
                e
            }
        })?;
    let again = file.metadata()?;
    if !again.is_file() || (again.dev(), again.ino()) != (meta.dev(), meta.ino()) {
        return Err(io::Error::other("it changed while it was being opened"));
    }
    Ok(file)
}

/// Opens `path` for reading only if it is a regular file ([`open_path`], then [`reopen`]).
pub(crate) fn open_regular(path: &Path) -> io::Result<(File, Metadata)> {
    let (handle, meta) = open_path(path)?;
    let file = reopen(&handle, &meta)?;
    let meta = file.metadata()?;
    Ok((file, meta))
}

/// What a file's metadata says about its content: if this is equal before and after a read,
/// nobody wrote to it (through `write`/`truncate`) in between.
fn version(m: &Metadata) -> (u64, u64, i64, i64, i64, i64) {
    (
        m.ino(),
        m.size(),
        m.mtime(),
        m.mtime_nsec(),
        m.ctime(),
        m.ctime_nsec(),
    )
}

/// The command-line name for standard input.
pub(crate) const STDIN: &str = "-";

/// Whether `path` is `-`, standard input.
pub(crate) fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == STDIN
}

/// Reads a file that must not exceed `limit` bytes (the CLI's inputs). `-` is standard input
/// (read up to the limit, so `/dev/zero` piped in ends too); a path must name a regular file:
/// a FIFO or a device there (whose read could block or never end) is refused unopened.
pub(crate) fn read_bounded(path: &Path, limit: usize) -> Result<Vec<u8>, String> {
    if is_stdin(path) {
        return read_at_most(io::stdin().lock(), limit)
            .map_err(|e| format!("cannot read standard input: {e}"))?
            .ok_or_else(|| format!("standard input is larger than {limit} bytes"));
    }
    let (file, meta) =
        open_regular(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    read_at_most_sized(file, limit, meta.len())
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?
        .ok_or_else(|| format!("{} is larger than {limit} bytes", path.display()))
}

/// Reads a *regular* file of at most `limit` bytes (policy, trust root named by a policy,
/// cache), retrying (a few times) when it changes while it is read, so that a half-written
/// state is never returned as the file. A FIFO or device there is refused, never opened.
pub(crate) fn read_regular(path: &Path, limit: usize) -> Result<Vec<u8>, String> {
    read_stable(path, limit).map(|(data, _)| data)
}

fn read_stable(path: &Path, limit: usize) -> Result<(Vec<u8>, Metadata), String> {
    let shown = path.display();
    for _ in 0..5 {
        let (file, before) = open_regular(path).map_err(|e| format!("cannot open {shown}: {e}"))?;
        let data = read_at_most_sized(&file, limit, before.len())
            .map_err(|e| format!("cannot read {shown}: {e}"))?
            .ok_or_else(|| format!("{shown} is larger than {limit} bytes"))?;
        let after = file
            .metadata()
            .map_err(|e| format!("cannot stat {shown}: {e}"))?;
        if version(&before) == version(&after)
            && u64::try_from(data.len()).ok() == Some(after.size())
        {
            return Ok((data, after));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Err(format!("{shown} kept changing while it was being read"))
}

/// Like [`read_regular`], but a file changed less than [`SETTLE_TIME`] ago is only taken once
/// it has stayed the same for that long (read again otherwise; at most [`MAX_SETTLE_WAIT`]):
/// a reload must not take the first half of a policy that an editor is writing in place
/// (which may parse, and say less than the whole). Writing the new policy to a temporary file
/// and renaming it over the old one never needs this wait.
pub(crate) fn read_settled(path: &Path, limit: usize) -> Result<Vec<u8>, String> {
    let start = Instant::now();
    loop {
        let (data, meta) = read_stable(path, limit)?;
        // Changed long enough ago (by the clock): settled. A change time that is recent, or
        // in the future (a device clock set back), is judged by watching the file instead.
        let age = SystemTime::now().duration_since(latest_change(&meta));
        if age.is_ok_and(|a| a >= SETTLE_TIME) {
            return Ok(data);
        }
        std::thread::sleep(SETTLE_TIME);
        let still = open_regular(path).map(|(_, m)| version(&m) == version(&meta));
        if still.is_ok_and(|same| same) {
            return Ok(data);
        }
        if start.elapsed() >= MAX_SETTLE_WAIT {
            return Err(format!(
                "{} is still being modified after {} s; not reloading a file that may be \
                 half-written (write it to a temporary file and rename it into place)",
                path.display(),
                MAX_SETTLE_WAIT.as_secs()
            ));
        }
    }
}

/// The later of the mtime and ctime.
fn latest_change(m: &Metadata) -> SystemTime {
    let at = |s: i64, ns: i64| {
        let secs = u64::try_from(s).unwrap_or(0);
        let nanos = u32::try_from(ns).unwrap_or(0);
        UNIX_EPOCH + Duration::new(secs, nanos)
    };
    at(m.mtime(), m.mtime_nsec()).max(at(m.ctime(), m.ctime_nsec()))
}

/// Reads a file that may be absent: `Ok(None)` if nothing is at `path`. At most `limit + 1`
/// bytes are read (so a caller sees that a file is too long without reading it whole), and
/// only from a regular file ([`open_regular`]: a FIFO or device is refused, never opened).
pub(crate) fn read_optional(path: &Path, limit: usize) -> io::Result<Option<Vec<u8>>> {
    let file = match open_regular(path) {
        Ok((file, _)) => file,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    let mut data = Vec::new();
    let cap = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
    file.take(cap).read_to_end(&mut data)?;
    Ok(Some(data))
}

/// Replaces `path` with `data` so that, whatever happens (a kill, a power cut), `path` holds
/// the old content or the new one, never a mix: a temporary file in the same directory,
/// written and fsynced, renamed over `path`, then the directory fsynced so the rename itself
/// is on disk. The new file is mode 0644. `step` names the write for the test failpoints
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
        let mut f = File::create(&tmp)?;
        // Public data that the daemon (another user) reads: readable by all whatever the
        // umask of the root shell that ran the update.
        f.set_permissions(std::fs::Permissions::from_mode(0o644))?;
        let half = data.len() / 2;
        f.write_all(data.get(..half).unwrap_or_default())?;
        crate::failpoint::crash_at(step, "half-written");
        f.write_all(data.get(half..).unwrap_or_default())?;
        f.sync_all()?;
        drop(f);
        crate::failpoint::crash_at(step, "written");
        std::fs::rename(&tmp, path)?;
        crate::failpoint::crash_at(step, "renamed");
        File::open(dir)?.sync_all()
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
