//! The daemon's verdict cache, persisted with minicbor.
//!
//! Two maps:
//! - **verdicts**: successes only, keyed by ([`VerdictKey`]) the program's content SHA-256,
//!   the evidence's SHA-256, the policy's SHA-256, the trust root's SHA-256 *and the rule's
//!   index*: the same signed bytes under a different rule (another path glob, a stricter
//!   identity) are a different question. A failure is never cached, so a fixed problem is
//!   seen at once.
//! - **memo** (content digests by canonical path): skips rehashing a file whose
//!   (device, inode, size, mtime, ctime) are unchanged. A fingerprint is only recorded
//!   when the file's mtime and ctime are older than [`RACY_WINDOW`] at hashing time:
//!   timestamps are coarse (a jiffy on many kernels), so a write landing in the same tick
//!   as our read would otherwise leave the fingerprint unchanged over new bytes (git's
//!   "racy clean" problem).
//!
//! Persistence: the whole state is written to `FILE.tmp`, fsynced, renamed over `FILE`, and
//! the directory fsynced. A kill or power loss at any point leaves either the old or the new
//! file; a file that fails its magic, length, SHA-256 or decoding is ignored (the cache
//! starts empty: slower, never wrong). An "allow" answered from a fresh verification is
//! made durable before it is sent (group-committed with concurrent writers); memo changes
//! ride along with those writes and the final one at shutdown.

use core::time::Duration;
use std::collections::HashMap;
use std::fs::{self, File, Metadata, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

use minicbor::{Decode, Encode};

use super::artifact::sha256;
use crate::config::Config;

/// Most cached verdicts; the least recently used is evicted beyond this.
pub(crate) const MAX_VERDICTS: usize = 4096;
/// Most memoized file digests.
pub(crate) const MAX_MEMO: usize = 8192;
/// Largest cache file read at start-up.
pub(crate) const MAX_CACHE_FILE_BYTES: usize = 16 * 1024 * 1024;
/// A file whose mtime or ctime is this recent when hashed gets no fingerprint.
pub(crate) const RACY_WINDOW: Duration = Duration::from_secs(2);

const MAGIC: &[u8; 8] = b"EVCACHE1";

/// What a file's metadata says about its content without reading it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode)]
pub(crate) struct Fingerprint {
    #[n(0)]
    dev: u64,
    #[n(1)]
    ino: u64,
    #[n(2)]
    size: u64,
    #[n(3)]
    mtime: i64,
    #[n(4)]
    mtime_ns: i64,
    #[n(5)]
    ctime: i64,
    #[n(6)]
    ctime_ns: i64,
}

impl Fingerprint {
    pub(crate) fn of(m: &Metadata) -> Self {
        Self {
            dev: m.dev(),
            ino: m.ino(),
            size: m.size(),
            mtime: m.mtime(),
            mtime_ns: m.mtime_nsec(),
            ctime: m.ctime(),
            ctime_ns: m.ctime_nsec(),
        }
    }

    /// Whether both timestamps are older than `RACY_WINDOW` before `hashed_at`.
    fn settled(&self, hashed_at: SystemTime) -> bool {
        let Ok(now) = hashed_at.duration_since(UNIX_EPOCH) else {
            return false;
        };
        let limit = i128::from(now.as_secs()) * 1_000_000_000 + i128::from(now.subsec_nanos())
            - i128::try_from(RACY_WINDOW.as_nanos()).unwrap_or(i128::MAX);
        let at = |s: i64, ns: i64| i128::from(s) * 1_000_000_000 + i128::from(ns);
        at(self.mtime, self.mtime_ns) < limit && at(self.ctime, self.ctime_ns) < limit
    }
}

/// Everything a verdict depends on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Encode, Decode)]
pub(crate) struct VerdictKey {
    #[cbor(n(0), with = "minicbor::bytes")]
    content: [u8; 32],
    #[cbor(n(1), with = "minicbor::bytes")]
    evidence: [u8; 32],
    #[cbor(n(2), with = "minicbor::bytes")]
    policy: [u8; 32],
    #[cbor(n(3), with = "minicbor::bytes")]
    root: [u8; 32],
    #[n(4)]
    rule: u32,
}

impl VerdictKey {
    pub(crate) fn new(content: [u8; 32], evidence: [u8; 32], cfg: &Config, rule: u32) -> Self {
        Self {
            content,
            evidence,
            policy: cfg.sha256,
            root: *cfg.root.source_sha256(),
            rule,
        }
    }
}

#[derive(Clone, Debug, Encode, Decode)]
struct VerdictRecord {
    #[n(0)]
    key: VerdictKey,
    #[n(1)]
    rule_name: String,
    #[n(2)]
    identity: Option<String>,
    #[n(3)]
    used: u64,
}

#[derive(Clone, Debug, Encode, Decode)]
struct MemoRecord {
    #[n(0)]
    path: String,
    #[n(1)]
    fingerprint: Fingerprint,
    #[cbor(n(2), with = "minicbor::bytes")]
    sha256: [u8; 32],
    #[n(3)]
    used: u64,
}

#[derive(Encode, Decode)]
struct FileBody {
    #[n(0)]
    verdicts: Vec<VerdictRecord>,
    #[n(1)]
    memo: Vec<MemoRecord>,
}

#[derive(Default)]
struct State {
    verdicts: HashMap<VerdictKey, VerdictRecord>,
    memo: HashMap<String, MemoRecord>,
    clock: u64,
    /// Incremented on every change that should reach the disk.
    changed: u64,
}

#[derive(Default)]
struct Durability {
    /// Highest `changed` value known to be on disk.
    written: u64,
    /// A writer is running.
    busy: bool,
    /// The last write failed (logged once per failure streak).
    failing: bool,
}

/// The cache. Shared by all connection threads.
pub(crate) struct Cache {
    state: Mutex<State>,
    file: Option<PathBuf>,
    durability: Mutex<Durability>,
    written: Condvar,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding the lock cannot leave the maps half-updated in a way that
    // matters (every entry is inserted whole), so poisoning is ignored.
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Cache {
    /// An empty, memory-only cache.
    pub(crate) fn in_memory() -> Self {
        Self {
            state: Mutex::new(State::default()),
            file: None,
            durability: Mutex::new(Durability::default()),
            written: Condvar::new(),
        }
    }

    /// Loads the cache persisted at `file`, keeping only entries for `cfg`'s policy and trust
    /// root. An unreadable or corrupt file yields an empty cache and a message.
    pub(crate) fn load(file: &Path, cfg: &Config) -> (Self, Option<String>) {
        let mut cache = Self::in_memory();
        cache.file = Some(file.to_path_buf());
        let note = match read_file(file) {
            Ok(None) => None,
            Ok(Some(body)) => {
                let mut st = lock(&cache.state);
                for v in body.verdicts.into_iter().take(MAX_VERDICTS) {
                    st.clock = st.clock.max(v.used);
                    st.verdicts.insert(v.key, v);
                }
                for m in body.memo.into_iter().take(MAX_MEMO) {
                    st.clock = st.clock.max(m.used);
                    st.memo.insert(m.path.clone(), m);
                }
                drop(st);
                cache.retain_for(cfg);
                None
            }
            Err(e) => Some(format!(
                "ignoring the verdict cache {}: {e}; starting empty",
                file.display()
            )),
        };
        (cache, note)
    }

    /// Drops verdicts for any other policy or trust root (after a reload).
    pub(crate) fn retain_for(&self, cfg: &Config) {
        let mut st = lock(&self.state);
        let before = st.verdicts.len();
        st.verdicts
            .retain(|k, _| k.policy == cfg.sha256 && k.root == *cfg.root.source_sha256());
        if st.verdicts.len() != before {
            st.changed += 1;
        }
    }

    /// Number of cached verdicts.
    pub(crate) fn len(&self) -> usize {
        lock(&self.state).verdicts.len()
    }

    /// The content digest recorded for `path` if its fingerprint is unchanged.
    pub(crate) fn memo(&self, path: &str, fp: &Fingerprint) -> Option<[u8; 32]> {
        let mut st = lock(&self.state);
        st.clock += 1;
        let clock = st.clock;
        let m = st.memo.get_mut(path)?;
        if m.fingerprint != *fp {
            return None;
        }
        m.used = clock;
        Some(m.sha256)
    }

    /// Records the digest of `path` (hashed at `hashed_at` with fingerprint `fp`), unless the
    /// file is too recently modified for its fingerprint to be trusted.
    pub(crate) fn remember(
        &self,
        path: &str,
        fp: Fingerprint,
        sha256: [u8; 32],
        hashed_at: SystemTime,
    ) {
        let mut st = lock(&self.state);
        if !fp.settled(hashed_at) {
            // Forget any older fingerprint too: the file is changing.
            if st.memo.remove(path).is_some() {
                st.changed += 1;
            }
            return;
        }
        if st
            .memo
            .get(path)
            .is_some_and(|m| m.fingerprint == fp && m.sha256 == sha256)
        {
            return;
        }
        if st.memo.len() >= MAX_MEMO && !st.memo.contains_key(path) {
            if let Some(oldest) = st
                .memo
                .values()
                .min_by_key(|m| m.used)
                .map(|m| m.path.clone())
            {
                st.memo.remove(&oldest);
            }
        }
        st.clock += 1;
        let used = st.clock;
        st.memo.insert(
            path.to_string(),
            MemoRecord {
                path: path.to_string(),
                fingerprint: fp,
                sha256,
                used,
            },
        );
        // Memo entries only save rehashing: they reach the disk with the next verdict write
        // (or at shutdown), never on their own, so a cache hit never waits for the disk.
        st.changed += 1;
    }

    /// The signer identity of a cached success, if any.
    pub(crate) fn verdict(&self, key: &VerdictKey) -> Option<Option<String>> {
        let mut st = lock(&self.state);
        st.clock += 1;
        let clock = st.clock;
        let v = st.verdicts.get_mut(key)?;
        v.used = clock;
        Some(v.identity.clone())
    }

    /// Caches a success and returns once it is on disk (or the write failed).
    pub(crate) fn insert_verdict(
        &self,
        key: VerdictKey,
        rule_name: &str,
        identity: Option<String>,
    ) {
        let mut st = lock(&self.state);
        if st.verdicts.len() >= MAX_VERDICTS && !st.verdicts.contains_key(&key) {
            if let Some(oldest) = st.verdicts.values().min_by_key(|v| v.used).map(|v| v.key) {
                st.verdicts.remove(&oldest);
            }
        }
        st.clock += 1;
        let used = st.clock;
        st.verdicts.insert(
            key,
            VerdictRecord {
                key,
                rule_name: rule_name.to_string(),
                identity,
                used,
            },
        );
        st.changed += 1;
        let target = st.changed;
        drop(st);
        self.persist_until(target);
    }

    /// Writes until the disk holds at least change `target` (group commit: one writer at a
    /// time; a thread that finds a write in progress waits for it, then writes if needed).
    pub(crate) fn persist_until(&self, target: u64) {
        if self.file.is_none() {
            return;
        }
        let mut d = lock(&self.durability);
        loop {
            if d.written >= target {
                return;
            }
            if !d.busy {
                break;
            }
            d = self.written.wait(d).unwrap_or_else(PoisonError::into_inner);
        }
        d.busy = true;
        drop(d);
        self.write_once();
    }

    /// Writes the current state (busy must be set by the caller); clears busy.
    fn write_once(&self) {
        let (bytes, changed) = {
            let st = lock(&self.state);
            (encode(&st), st.changed)
        };
        let result = match &self.file {
            Some(file) => write_atomically(file, &bytes),
            None => Ok(()),
        };
        let mut d = lock(&self.durability);
        d.busy = false;
        match result {
            Ok(()) => {
                d.written = d.written.max(changed);
                d.failing = false;
            }
            Err(e) => {
                if !d.failing {
                    eprintln!("edgeverify: cannot write the verdict cache: {e}");
                }
                d.failing = true;
                // Nobody must wait forever for a disk that refuses writes: the verdict is
                // still correct, only not persisted.
                d.written = d.written.max(changed);
            }
        }
        self.written.notify_all();
    }

    /// Writes the state if anything changed since the last write (at shutdown).
    pub(crate) fn flush(&self) {
        let target = lock(&self.state).changed;
        self.persist_until(target);
    }
}

fn encode(st: &State) -> Vec<u8> {
    let body = FileBody {
        verdicts: st.verdicts.values().cloned().collect(),
        memo: st.memo.values().cloned().collect(),
    };
    // Encoding into a Vec cannot fail (the writer is infallible).
    let cbor = minicbor::to_vec(&body).unwrap_or_default();
    let mut out = Vec::with_capacity(MAGIC.len() + 8 + 32 + cbor.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&u64::try_from(cbor.len()).unwrap_or(u64::MAX).to_be_bytes());
    out.extend_from_slice(&sha256(&cbor));
    out.extend_from_slice(&cbor);
    out
}

fn read_file(file: &Path) -> Result<Option<FileBody>, String> {
    let data = match fs::metadata(file) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        _ => crate::files::read_bounded(file, MAX_CACHE_FILE_BYTES)?,
    };
    decode(&data).map(Some)
}

fn decode(data: &[u8]) -> Result<FileBody, String> {
    let header = MAGIC.len() + 8 + 32;
    let (Some(magic), Some(len), Some(digest), Some(cbor)) = (
        data.get(..MAGIC.len()),
        data.get(MAGIC.len()..MAGIC.len() + 8),
        data.get(MAGIC.len() + 8..header),
        data.get(header..),
    ) else {
        return Err("truncated header".into());
    };
    if magic != MAGIC {
        return Err("not an edgeverify cache file (bad magic)".into());
    }
    let len = <[u8; 8]>::try_from(len)
        .map(u64::from_be_bytes)
        .unwrap_or(u64::MAX);
    if u64::try_from(cbor.len()).ok() != Some(len) {
        return Err("length mismatch (truncated or torn write)".into());
    }
    if sha256(cbor) != digest {
        return Err("checksum mismatch".into());
    }
    minicbor::decode::<FileBody>(cbor).map_err(|e| format!("undecodable: {e}"))
}

/// Writes `bytes` to `file` so that, whatever happens, `file` holds the old or the new
/// content: temp file in the same directory, fsync, rename, fsync of the directory.
fn write_atomically(file: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = match file.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut tmp_name = file.as_os_str().to_owned();
    tmp_name.push(".tmp");
    let tmp = PathBuf::from(tmp_name);
    let mut out = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&tmp)?;
    let half = bytes.len() / 2;
    out.write_all(bytes.get(..half).unwrap_or_default())?;
    crate::failpoint::stall_cache_write();
    out.write_all(bytes.get(half..).unwrap_or_default())?;
    out.sync_all()?;
    drop(out);
    fs::rename(&tmp, file)?;
    File::open(&dir)?.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(policy: &str) -> Config {
        crate::config::parse(Path::new("p.toml"), policy).unwrap()
    }

    fn key(c: &Config, b: u8) -> VerdictKey {
        VerdictKey::new([b; 32], [b.wrapping_add(1); 32], c, 0)
    }

    fn old_fp(size: u64) -> Fingerprint {
        Fingerprint {
            dev: 1,
            ino: 2,
            size,
            mtime: 1_000_000,
            mtime_ns: 0,
            ctime: 1_000_000,
            ctime_ns: 0,
        }
    }

    #[test]
    fn persists_and_reloads_only_for_the_same_policy_and_root() {
        let dir = tempdir();
        let file = dir.join("cache.cbor");
        let a = cfg("");
        let (c, note) = Cache::load(&file, &a);
        assert!(note.is_none());
        c.insert_verdict(key(&a, 1), "r", Some("id".into()));
        c.remember("/x", old_fp(5), [9; 32], SystemTime::now());
        c.flush();

        let (c2, note) = Cache::load(&file, &a);
        assert!(note.is_none());
        assert_eq!(c2.verdict(&key(&a, 1)), Some(Some("id".into())));
        assert_eq!(c2.memo("/x", &old_fp(5)), Some([9; 32]));
        assert_eq!(c2.memo("/x", &old_fp(6)), None);
        assert_eq!(c2.verdict(&key(&a, 2)), None);

        let b = cfg("# another policy\n");
        let (c3, _) = Cache::load(&file, &b);
        assert_eq!(c3.len(), 0, "verdicts of another policy must not survive");
        assert_eq!(c3.verdict(&key(&b, 1)), None);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn the_rule_is_part_of_the_key() {
        let a = cfg("");
        let c = Cache::in_memory();
        c.insert_verdict(key(&a, 1), "r", None);
        let other_rule = VerdictKey::new([1; 32], [2; 32], &a, 1);
        assert!(c.verdict(&other_rule).is_none());
    }

    #[test]
    fn racy_fingerprints_are_not_recorded() {
        let c = Cache::in_memory();
        let now = SystemTime::now();
        let secs = i64::try_from(now.duration_since(UNIX_EPOCH).unwrap().as_secs()).unwrap();
        let fresh = Fingerprint {
            ctime: secs,
            mtime: secs - 100,
            ..old_fp(1)
        };
        c.remember("/x", fresh, [1; 32], now);
        assert_eq!(c.memo("/x", &fresh), None);
        c.remember("/y", old_fp(1), [1; 32], now);
        assert_eq!(c.memo("/y", &old_fp(1)), Some([1; 32]));
    }

    /// Every prefix of a valid file (a torn write) and every single-byte corruption is
    /// refused as a whole: nothing half-read can become an "allow".
    #[test]
    fn torn_or_corrupt_files_are_refused_whole() {
        let a = cfg("");
        let c = Cache::in_memory();
        for b in 0..20u8 {
            c.insert_verdict(key(&a, b), "r", Some(format!("id{b}")));
        }
        let bytes = encode(&lock(&c.state));
        assert!(decode(&bytes).is_ok());
        for cut in 0..bytes.len() {
            assert!(decode(&bytes[..cut]).is_err(), "prefix {cut} accepted");
        }
        for i in (0..bytes.len()).step_by(7) {
            let mut bad = bytes.clone();
            bad[i] ^= 0x40;
            assert!(decode(&bad).is_err(), "corruption at {i} accepted");
        }
    }

    #[test]
    fn eviction_keeps_the_bound() {
        let a = cfg("");
        let c = Cache::in_memory();
        for i in 0..(MAX_VERDICTS + 10) {
            let mut content = [0u8; 32];
            content[..8].copy_from_slice(&(i as u64).to_be_bytes());
            c.insert_verdict(VerdictKey::new(content, [0; 32], &a, 0), "r", None);
        }
        assert_eq!(c.len(), MAX_VERDICTS);
    }

    fn tempdir() -> PathBuf {
        let d = std::env::temp_dir().join(format!(
            "ev-cache-test-{}-{}",
            std::process::id(),
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        ));
        fs::create_dir_all(&d).unwrap();
        d
    }
}
