//! The audit log: one JSON object per line, appended, synced, rotated by size.
//!
//! Rotation: before a line would take the file past `max_bytes`, `FILE.{keep-1}` is renamed
//! to `FILE.{keep}` (replacing it), …, `FILE` to `FILE.1`, the directory is fsynced and a new
//! `FILE` is started. At most `keep + 1` files, so at most about `(keep + 1) × max_bytes` on
//! disk. `keep = 0` truncates instead. Whatever falls off the end is not silently gone: every
//! new file starts with a `rotate` record that repeats the daemon's `start` record and counts
//! what was dropped (records, bytes, the time span, and the total since start).
//!
//! The daemon writes each record itself, before it answers (`write` under a lock, so an
//! answer is never sent for a decision the log refused: the daemon fails closed, like
//! `exec`); a background thread `fdatasync`s whatever was written every
//! [`SYNC_INTERVAL`] (group commit), so sync cost does not scale with the request rate and a
//! power cut loses at most that much. `exec` appends and syncs its one line before it
//! executes the program.

use core::time::Duration;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};

use crate::gate::Decision;
use crate::sys::PeerCredentials;

/// Default size at which the log is rotated.
pub(crate) const DEFAULT_MAX_BYTES: u64 = 10 * 1024 * 1024;
/// Default number of rotated files kept.
pub(crate) const DEFAULT_KEEP: u32 = 3;
/// How often the daemon's log is synced to disk when something was written.
pub(crate) const SYNC_INTERVAL: Duration = Duration::from_millis(100);
/// Longest path kept in a record (the rest is cut and its length stated): a client cannot
/// make records big enough to rotate the log away quickly.
pub(crate) const MAX_RECORD_PATH_BYTES: usize = 512;
/// Longest reason kept in a record.
const MAX_RECORD_REASON_BYTES: usize = 1024;
/// Largest rotated file read to summarize it before it is dropped.
const MAX_SUMMARY_READ_BYTES: u64 = 256 * 1024 * 1024;

/// Where and how big.
#[derive(Clone, Debug)]
pub(crate) struct Settings {
    pub(crate) path: PathBuf,
    pub(crate) max_bytes: u64,
    pub(crate) keep: u32,
}

/// An open log file with its rotation state.
pub(crate) struct Writer {
    settings: Settings,
    file: File,
    size: u64,
    /// The daemon's start record, repeated at the top of every rotated-in file.
    start: Option<Value>,
    /// Records dropped by rotation since this writer was opened.
    dropped_total: u64,
}

impl Writer {
    pub(crate) fn open(settings: Settings) -> io::Result<Self> {
        let file = open_append(&settings.path)?;
        let size = file.metadata()?.len();
        Ok(Self {
            settings,
            file,
            size,
            start: None,
            dropped_total: 0,
        })
    }

    /// Appends complete lines (each ending in `\n`); not synced (see [`Self::sync`]).
    pub(crate) fn append(&mut self, lines: &[u8]) -> io::Result<()> {
        let len = u64::try_from(lines.len()).unwrap_or(u64::MAX);
        if self.size > 0 && self.size.saturating_add(len) > self.settings.max_bytes {
            self.rotate()?;
        }
        self.file.write_all(lines)?;
        self.size = self.size.saturating_add(len);
        Ok(())
    }

    /// Syncs what was appended to disk.
    pub(crate) fn sync(&self) -> io::Result<()> {
        match self.file.sync_data() {
            // A pipe or character device (e.g. /dev/stderr) cannot be synced; that is fine.
            Err(e) if e.raw_os_error() == Some(libc::EINVAL) => Ok(()),
            other => other,
        }
    }

    fn numbered(&self, n: u32) -> PathBuf {
        let mut p = self.settings.path.as_os_str().to_owned();
        p.push(format!(".{n}"));
        PathBuf::from(p)
    }

    fn rotate(&mut self) -> io::Result<()> {
        let path = self.settings.path.clone();
        let doomed = if self.settings.keep == 0 {
            path.clone()
        } else {
            self.numbered(self.settings.keep)
        };
        let dropped = summarize(&doomed);
        if self.settings.keep == 0 {
            self.file.set_len(0)?;
        } else {
            for n in (1..self.settings.keep).rev() {
                match fs::rename(self.numbered(n), self.numbered(n + 1)) {
                    Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
                    _ => {}
                }
            }
            fs::rename(&path, self.numbered(1))?;
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                File::open(dir)?.sync_all()?;
            }
            self.file = open_append(&path)?;
        }
        self.size = 0;
        self.dropped_total += dropped
            .as_ref()
            .and_then(|d| d.get("records"))
            .and_then(Value::as_u64)
            .unwrap_or(0);
        let mut line = json!({
            "time": now(),
            "event": "rotate",
            "start": self.start,
            "dropped": dropped,
            "dropped_total": self.dropped_total,
        })
        .to_string();
        line.push('\n');
        self.file.write_all(line.as_bytes())?;
        self.size = u64::try_from(line.len()).unwrap_or(u64::MAX);
        Ok(())
    }
}

/// What a file about to be dropped held: records, bytes and the time span (`None` if there
/// is no such file).
fn summarize(path: &Path) -> Option<Value> {
    let file = File::open(path).ok()?;
    let mut text = Vec::new();
    file.take(MAX_SUMMARY_READ_BYTES)
        .read_to_end(&mut text)
        .ok()?;
    let lines: Vec<&[u8]> = text
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .collect();
    let time = |l: Option<&&[u8]>| {
        l.and_then(|l| serde_json::from_slice::<Value>(l).ok())
            .and_then(|v| v.get("time").and_then(Value::as_u64))
    };
    let denials = lines
        .iter()
        .filter(|l| l.windows(16).any(|w| w == b"\"verdict\":\"deny\""))
        .count();
    Some(json!({
        "file": path.display().to_string(),
        "records": lines.len(),
        "denials": denials,
        "bytes": text.len(),
        "first_time": time(lines.first()),
        "last_time": time(lines.last()),
    }))
}

fn open_append(path: &Path) -> io::Result<File> {
    OpenOptions::new()
        .append(true)
        .create(true)
        .mode(0o640)
        .custom_flags(libc::O_CLOEXEC)
        .open(path)
}

struct Shared {
    writer: Mutex<Writer>,
    /// Something was written since the last sync.
    dirty: AtomicBool,
    /// The last write or sync failed: answers are refused until one succeeds again.
    failing: AtomicBool,
    stop: Mutex<bool>,
    wake: Condvar,
}

/// The daemon's handle.
pub(crate) struct AuditLog {
    shared: Option<Arc<Shared>>,
    syncer: Mutex<Option<JoinHandle<()>>>,
}

impl AuditLog {
    /// A log that drops everything (no `--audit-log`).
    pub(crate) fn disabled() -> Self {
        Self {
            shared: None,
            syncer: Mutex::new(None),
        }
    }

    /// Opens the log and starts its sync thread.
    pub(crate) fn start(settings: Settings) -> io::Result<Self> {
        let shared = Arc::new(Shared {
            writer: Mutex::new(Writer::open(settings)?),
            dirty: AtomicBool::new(false),
            failing: AtomicBool::new(false),
            stop: Mutex::new(false),
            wake: Condvar::new(),
        });
        let s = Arc::clone(&shared);
        let syncer = std::thread::Builder::new()
            .name("audit-sync".into())
            .spawn(move || sync_loop(&s))?;
        Ok(Self {
            shared: Some(shared),
            syncer: Mutex::new(Some(syncer)),
        })
    }

    /// Writes one record now. An error means the record is not in the log: the caller must
    /// not act on the decision it describes.
    pub(crate) fn record(&self, record: &Value) -> io::Result<()> {
        let Some(shared) = &self.shared else {
            return Ok(());
        };
        let mut line = record.to_string();
        line.push('\n');
        let mut w = lock(&shared.writer);
        if record.get("event").and_then(Value::as_str) == Some("start") {
            w.start = Some(record.clone());
        }
        let written = w.append(line.as_bytes());
        drop(w);
        match written {
            Ok(()) => {
                shared.dirty.store(true, Ordering::Release);
                if shared.failing.load(Ordering::Acquire) {
                    // Sync now: the log is trusted again only once a sync succeeds.
                    return sync_now(shared);
                }
                Ok(())
            }
            Err(e) => {
                if !shared.failing.swap(true, Ordering::AcqRel) {
                    eprintln!("edgeverify: cannot write the audit log: {e}");
                }
                Err(e)
            }
        }
    }

    /// Syncs everything written so far and stops the sync thread.
    pub(crate) fn close(&self) {
        let Some(shared) = &self.shared else {
            return;
        };
        *lock(&shared.stop) = true;
        shared.wake.notify_all();
        if let Some(t) = lock(&self.syncer).take() {
            let _ = t.join();
        }
        let _ = sync_now(shared);
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

fn sync_now(shared: &Shared) -> io::Result<()> {
    shared.dirty.store(false, Ordering::Release);
    let result = lock(&shared.writer).sync();
    match &result {
        Ok(()) => shared.failing.store(false, Ordering::Release),
        Err(e) => {
            if !shared.failing.swap(true, Ordering::AcqRel) {
                eprintln!("edgeverify: cannot sync the audit log: {e}");
            }
        }
    }
    result
}

fn sync_loop(shared: &Shared) {
    let mut stop = lock(&shared.stop);
    while !*stop {
        stop = shared
            .wake
            .wait_timeout(stop, SYNC_INTERVAL)
            .map_or_else(|e| e.into_inner().0, |(g, _)| g);
        if shared.dirty.load(Ordering::Acquire) {
            drop(stop);
            let _ = sync_now(shared);
            stop = lock(&shared.stop);
        }
    }
}

/// Seconds since the Unix epoch (the device clock: a log timestamp, never a trust input).
pub(crate) fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// `text` cut to at most `max` bytes (on a character boundary), saying how long it was.
pub(crate) fn bounded(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_string();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!(
        "{}… ({} bytes)",
        text.get(..end).unwrap_or_default(),
        text.len()
    )
}

/// The record for one decision. `path` is the resolved (canonical) path of the file that was
/// decided on, or what the client asked for when nothing was opened; `requested` is what the
/// client asked for when it differs.
pub(crate) fn decision_record(
    peer: Option<&PeerCredentials>,
    path: &str,
    requested: Option<&str>,
    d: &Decision,
) -> Value {
    json!({
        "time": now(),
        "event": "decision",
        "peer": peer.map(|p| json!({"pid": p.pid, "uid": p.uid, "gid": p.gid})),
        "path": bounded(path, MAX_RECORD_PATH_BYTES),
        "requested": requested.filter(|r| *r != path).map(|r| bounded(r, MAX_RECORD_PATH_BYTES)),
        "sha256": d.sha256_hex(),
        "verdict": if d.audit_only { "allow-audit" } else if d.allow { "allow" } else { "deny" },
        "rule": d.rule,
        "reason": d.reason.as_deref().map(|r| bounded(r, MAX_RECORD_REASON_BYTES)),
        "identity": d.identity,
        "cached": d.cached,
    })
}

/// A daemon event (start, reload, stop, rate-limit).
pub(crate) fn event_record(event: &str, ok: bool, detail: &str) -> Value {
    json!({"time": now(), "event": event, "ok": ok, "detail": detail})
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(tag: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("ev-audit-{tag}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn rotates_by_size_keeps_n_files_and_says_what_it_dropped() {
        let dir = dir("rotate");
        let path = dir.join("audit.log");
        let mut w = Writer::open(Settings {
            path: path.clone(),
            max_bytes: 400,
            keep: 2,
        })
        .unwrap();
        w.start = Some(json!({"event": "start", "detail": "first"}));
        let line = format!("{{\"time\":7,\"x\":\"{}\"}}\n", "x".repeat(20)); // 37 bytes
        for _ in 0..200 {
            w.append(line.as_bytes()).unwrap();
        }
        let size = |p: &Path| fs::metadata(p).map(|m| m.len()).unwrap_or(0);
        assert!(size(&path) <= 400 && size(&path) > 0);
        assert!(size(&dir.join("audit.log.1")) <= 400);
        assert!(size(&dir.join("audit.log.2")) <= 400);
        assert!(!dir.join("audit.log.3").exists());
        // Every file starts with the rotate record: the start record and what was dropped.
        let text = fs::read_to_string(&path).unwrap();
        let first: Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
        assert_eq!(first["event"], "rotate");
        assert_eq!(first["start"]["detail"], "first");
        let total = first["dropped_total"].as_u64().unwrap();
        // 200 lines written; what is still on disk plus what was reported dropped is all.
        let on_disk: usize = ["audit.log", "audit.log.1", "audit.log.2"]
            .iter()
            .map(|n| {
                fs::read_to_string(dir.join(n))
                    .unwrap_or_default()
                    .lines()
                    .filter(|l| l.contains("\"x\""))
                    .count()
            })
            .sum();
        let dropped_lines = total as usize;
        assert!(dropped_lines > 0);
        // Dropped counts include the rotate records of the dropped files.
        assert!(
            on_disk + dropped_lines >= 200,
            "{on_disk} + {dropped_lines}"
        );
        assert!(first["dropped"]["first_time"].is_u64(), "{first}");
        assert_eq!(first["dropped"]["last_time"], 7);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn records_bound_paths_and_reasons() {
        let long = "/a".repeat(8000);
        let d = Decision {
            reason: Some("r".repeat(50_000)),
            ..Decision::default()
        };
        let v = decision_record(None, &long, Some(&long), &d);
        assert!(v.to_string().len() < 4096, "{}", v.to_string().len());
        assert!(v["path"].as_str().unwrap().ends_with("(16000 bytes)"));
        assert!(v["requested"].is_null());
        assert_eq!(bounded("é", 1), "… (2 bytes)");
    }
}
