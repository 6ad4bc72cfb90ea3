//! The audit log: one JSON object per line, appended and fsynced, rotated by size.
//!
//! Rotation: before a line would take the file past `max_bytes`, `FILE.{keep-1}` is renamed
//! to `FILE.{keep}` (replacing it), …, `FILE` to `FILE.1`, the directory is fsynced and a new
//! `FILE` is started. At most `keep + 1` files, so at most about `(keep + 1) × max_bytes` on
//! disk. `keep = 0` truncates instead.
//!
//! The daemon writes from one thread: requests queue their line (bounded queue: a stalled disk
//! slows answers down rather than losing records) and the writer appends whatever is queued in
//! one `write` and one `fdatasync` (group commit), so fsync cost does not scale with the
//! request rate. `exec` appends its one line synchronously before it executes the program.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, SyncSender, TrySendError};
use std::sync::{Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};

use crate::gate::Decision;
use crate::sys::PeerCredentials;

/// Default size at which the log is rotated.
pub(crate) const DEFAULT_MAX_BYTES: u64 = 10 * 1024 * 1024;
/// Default number of rotated files kept.
pub(crate) const DEFAULT_KEEP: u32 = 3;
/// Lines waiting for the writer thread before requests block.
pub(crate) const QUEUE_LINES: usize = 8192;
/// Lines written per batch (one write + one fsync).
const BATCH_LINES: usize = 1024;

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
}

impl Writer {
    pub(crate) fn open(settings: Settings) -> io::Result<Self> {
        let file = open_append(&settings.path)?;
        let size = file.metadata()?.len();
        Ok(Self {
            settings,
            file,
            size,
        })
    }

    /// Appends complete lines (each ending in `\n`) and syncs them to disk.
    pub(crate) fn append(&mut self, lines: &[u8]) -> io::Result<()> {
        let len = u64::try_from(lines.len()).unwrap_or(u64::MAX);
        if self.size > 0 && self.size.saturating_add(len) > self.settings.max_bytes {
            self.rotate()?;
        }
        self.file.write_all(lines)?;
        self.size = self.size.saturating_add(len);
        match self.file.sync_data() {
            // A pipe or character device (e.g. /dev/stderr) cannot be synced; that is fine.
            Err(e) if e.raw_os_error() == Some(libc::EINVAL) => Ok(()),
            other => other,
        }
    }

    fn rotate(&mut self) -> io::Result<()> {
        let path = &self.settings.path;
        let numbered = |n: u32| {
            let mut p = path.as_os_str().to_owned();
            p.push(format!(".{n}"));
            PathBuf::from(p)
        };
        if self.settings.keep == 0 {
            self.file.set_len(0)?;
        } else {
            for n in (1..self.settings.keep).rev() {
                match fs::rename(numbered(n), numbered(n + 1)) {
                    Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
                    _ => {}
                }
            }
            fs::rename(path, numbered(1))?;
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                File::open(dir)?.sync_all()?;
            }
            self.file = open_append(path)?;
        }
        self.size = 0;
        Ok(())
    }
}

fn open_append(path: &Path) -> io::Result<File> {
    OpenOptions::new()
        .append(true)
        .create(true)
        .mode(0o640)
        .open(path)
}

enum Message {
    Line(String),
    /// Write everything before this, then stop.
    Stop,
}

/// The daemon's handle: queue lines to the writer thread.
pub(crate) struct AuditLog {
    tx: Option<SyncSender<Message>>,
    thread: Mutex<Option<JoinHandle<()>>>,
}

impl AuditLog {
    /// A log that drops everything (no `--audit-log`).
    pub(crate) fn disabled() -> Self {
        Self {
            tx: None,
            thread: Mutex::new(None),
        }
    }

    /// Opens the log and starts its writer thread.
    pub(crate) fn start(settings: Settings) -> io::Result<Self> {
        let mut writer = Writer::open(settings)?;
        let (tx, rx) = mpsc::sync_channel::<Message>(QUEUE_LINES);
        let thread = std::thread::Builder::new()
            .name("audit".into())
            .spawn(move || write_loop(&mut writer, &rx))?;
        Ok(Self {
            tx: Some(tx),
            thread: Mutex::new(Some(thread)),
        })
    }

    /// Queues one record (blocks while the queue is full).
    pub(crate) fn record(&self, record: &Value) {
        if let Some(tx) = &self.tx {
            let mut line = record.to_string();
            line.push('\n');
            // After `close` the writer is gone and the record is dropped (the daemon is
            // exiting; `stop` is the last record).
            if let Err(TrySendError::Full(m)) = tx.try_send(Message::Line(line)) {
                let _ = tx.send(m);
            }
        }
    }

    /// Writes everything queued so far and stops the writer.
    pub(crate) fn close(&self) {
        if let Some(tx) = &self.tx {
            let _ = tx.send(Message::Stop);
        }
        let thread = self
            .thread
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(t) = thread {
            let _ = t.join();
        }
    }
}

fn write_loop(writer: &mut Writer, rx: &Receiver<Message>) {
    let mut failing = false;
    let mut stop = false;
    while !stop {
        let mut batch = match rx.recv() {
            Ok(Message::Line(line)) => line.into_bytes(),
            Ok(Message::Stop) | Err(_) => return,
        };
        for _ in 1..BATCH_LINES {
            match rx.try_recv() {
                Ok(Message::Line(line)) => batch.extend_from_slice(line.as_bytes()),
                Ok(Message::Stop) => {
                    stop = true;
                    break;
                }
                Err(_) => break,
            }
        }
        match writer.append(&batch) {
            Ok(()) => failing = false,
            Err(e) => {
                if !failing {
                    eprintln!(
                        "edgeverify: cannot write the audit log {}: {e}",
                        writer.settings.path.display()
                    );
                }
                failing = true;
            }
        }
    }
}

/// Seconds since the Unix epoch (the device clock: a log timestamp, never a trust input).
pub(crate) fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// The record for one decision.
pub(crate) fn decision_record(peer: Option<&PeerCredentials>, path: &str, d: &Decision) -> Value {
    json!({
        "time": now(),
        "event": "decision",
        "peer": peer.map(|p| json!({"pid": p.pid, "uid": p.uid, "gid": p.gid})),
        "path": path,
        "sha256": d.sha256_hex(),
        "verdict": if d.audit_only { "allow-audit" } else if d.allow { "allow" } else { "deny" },
        "rule": d.rule,
        "reason": d.reason,
        "identity": d.identity,
        "cached": d.cached,
    })
}

/// A daemon event (start, reload, stop).
pub(crate) fn event_record(event: &str, ok: bool, detail: &str) -> Value {
    json!({"time": now(), "event": event, "ok": ok, "detail": detail})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rotates_by_size_and_keeps_n_files() {
        let dir = std::env::temp_dir().join(format!("ev-audit-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join("audit.log");
        let mut w = Writer::open(Settings {
            path: path.clone(),
            max_bytes: 100,
            keep: 2,
        })
        .unwrap();
        let line = format!("{}\n", "x".repeat(39)); // 40 bytes
        for _ in 0..10 {
            w.append(line.as_bytes()).unwrap();
        }
        let size = |p: &Path| fs::metadata(p).map(|m| m.len()).unwrap_or(0);
        assert!(size(&path) <= 100 && size(&path) > 0);
        assert_eq!(size(&dir.join("audit.log.1")), 80);
        assert_eq!(size(&dir.join("audit.log.2")), 80);
        assert!(!dir.join("audit.log.3").exists());
        let total: u64 = ["audit.log", "audit.log.1", "audit.log.2"]
            .iter()
            .map(|n| size(&dir.join(n)))
            .sum();
        assert_eq!(total % 40, 0, "only whole lines are written");
        fs::remove_dir_all(&dir).unwrap();
    }
}
