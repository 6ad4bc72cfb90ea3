//! The daemon's verdict cache, persisted with minicbor and authenticated with HMAC-SHA-256.
//!
//! - **verdicts**: successes only, keyed by ([`VerdictKey`]) the program's content SHA-256,
//!   the evidence's SHA-256, the policy's SHA-256, the trust root's SHA-256, the rule's index
//!   (the same signed bytes under a different rule are a different question) and the agent's
//!   version (a release that fixes the verifier does not inherit older verdicts). A failure
//!   is never cached, so a fixed problem is seen at once. Bounded in count
//!   ([`MAX_VERDICTS`]) and in bytes ([`MAX_VERDICT_BYTES`]), least recently used first out.
//! - **memo** (content digests by device and inode), in memory only, never persisted: lets
//!   a request skip rehashing a program only where its content provably cannot have changed
//!   since it was hashed: a read-only local superblock, with the mount table unchanged since
//!   (see `mounts`). Everything else is rehashed for every request: a stat fingerprint alone
//!   does not prove content (dirty `MAP_SHARED` pages, media edited offline).
//!
//! The file: `MAGIC`, the body's length, HMAC-SHA-256 of both and the body under a key only
//! the daemon can read (`FILE.key`, 32 random bytes created with `O_EXCL` on first start),
//! then the CBOR body. Whoever can write the cache file but not read the key cannot add an
//! "allow" to it; a file whose tag does not verify is ignored as a whole (start empty:
//! slower, never wrong). The directory holding it must be writable by the daemon's user only
//! (checked at start, with every ancestor: owned by root or that user, not writable by others
//! unless sticky), and the temporary file is created with `O_EXCL|O_NOFOLLOW`, so nothing
//! planted there (a symlink to another file) is followed.
//!
//! Persistence: the whole state is written to `FILE.tmp`, fsynced, renamed over `FILE`, and
//! the directory fsynced. A kill or power loss at any point leaves either the old or the new
//! file. An "allow" answered from a fresh verification is made durable before it is sent
//! (group-committed with concurrent writers).

use std::collections::HashMap;
use std::fs::{self, File, Metadata, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};

use edgeverify_core::{HashAlgorithm, Hasher};
use minicbor::{Decode, Encode};

use super::artifact::sha256;
use super::mounts::MountWatch;
use crate::config::Config;
use crate::sys;

/// Most cached verdicts; the least recently used is evicted beyond this.
pub(crate) const MAX_VERDICTS: usize = 4096;
/// Most bytes of cached verdicts (rule names and identities included): the file written
/// after each fresh "allow" stays small, and far below [`MAX_CACHE_FILE_BYTES`].
pub(crate) const MAX_VERDICT_BYTES: usize = 2 * 1024 * 1024;
/// Most memoized file digests.
pub(crate) const MAX_MEMO: usize = 8192;
/// Largest cache file read at start-up.
pub(crate) const MAX_CACHE_FILE_BYTES: usize = 16 * 1024 * 1024;
/// Length of the cache's HMAC key.
const KEY_BYTES: usize = 32;

const MAGIC: &[u8; 8] = b"EVCACHE2";

/// What a file's metadata says about its content without reading it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Fingerprint {
    dev: u64,
    ino: u64,
    size: u64,
    mtime: (i64, i64),
    ctime: (i64, i64),
}

impl Fingerprint {
    pub(crate) fn of(m: &Metadata) -> Self {
        Self {
            dev: m.dev(),
            ino: m.ino(),
            size: m.size(),
            mtime: (m.mtime(), m.mtime_nsec()),
            ctime: (m.ctime(), m.ctime_nsec()),
        }
    }
}

/// SHA-256 of the agent's name and version: part of every verdict key.
fn agent_version() -> [u8; 32] {
    sha256(concat!("edgeverify-agent ", env!("CARGO_PKG_VERSION")).as_bytes())
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
    #[cbor(n(5), with = "minicbor::bytes")]
    agent: [u8; 32],
}

impl VerdictKey {
    pub(crate) fn new(content: [u8; 32], evidence: [u8; 32], cfg: &Config, rule: u32) -> Self {
        Self {
            content,
            evidence,
            policy: cfg.sha256,
            root: *cfg.root.source_sha256(),
            rule,
            agent: agent_version(),
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

impl VerdictRecord {
    /// Roughly its encoded size.
    fn weight(&self) -> usize {
        200 + self.rule_name.len() + self.identity.as_ref().map_or(0, String::len)
    }
}

#[derive(Encode, Decode)]
struct FileBody {
    #[n(0)]
    verdicts: Vec<VerdictRecord>,
}

/// A memoized digest: valid while the mount table is at `generation`.
struct MemoEntry {
    fingerprint: Fingerprint,
    sha256: [u8; 32],
    generation: u64,
    used: u64,
}

#[derive(Default)]
struct State {
    verdicts: HashMap<VerdictKey, VerdictRecord>,
    verdict_bytes: usize,
    memo: HashMap<(u64, u64), MemoEntry>,
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

/// Where the cache is persisted, with its key.
struct Persisted {
    file: PathBuf,
    key: [u8; KEY_BYTES],
}

/// The cache. Shared by all connection threads.
pub(crate) struct Cache {
    state: Mutex<State>,
    persisted: Option<Persisted>,
    durability: Mutex<Durability>,
    written: Condvar,
    mounts: MountWatch,
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
            persisted: None,
            durability: Mutex::new(Durability::default()),
            written: Condvar::new(),
            mounts: MountWatch::new(),
        }
    }

    /// Opens the cache persisted at `file`, keeping only entries for `cfg`'s policy and trust
    /// root. Refuses (an error: the daemon must not start) a directory others can write, a
    /// cache or key file that is not a regular file owned by this user and private to it.
    /// An unreadable, corrupt or unauthenticated cache yields an empty cache and a message.
    pub(crate) fn open(file: &Path, cfg: &Config) -> Result<(Self, Option<String>), String> {
        let dir = parent_dir(file);
        check_private_dir(&dir)?;
        let key = load_or_create_key(&key_path(file), &dir)?;
        let mut cache = Self::in_memory();
        cache.persisted = Some(Persisted {
            file: file.to_path_buf(),
            key,
        });
        let note = match read_file(file, &key)? {
            Ok(None) => None,
            Ok(Some(body)) => {
                let mut st = lock(&cache.state);
                for v in body.verdicts.into_iter().take(MAX_VERDICTS) {
                    st.clock = st.clock.max(v.used);
                    st.verdict_bytes += v.weight();
                    st.verdicts.insert(v.key, v);
                }
                evict_to_bounds(&mut st);
                drop(st);
                cache.retain_for(cfg);
                None
            }
            Err(e) => Some(format!(
                "ignoring the verdict cache {}: {e}; starting empty",
                file.display()
            )),
        };
        Ok((cache, note))
    }

    /// Drops verdicts for any other policy, trust root or agent version (after a reload).
    pub(crate) fn retain_for(&self, cfg: &Config) {
        let mut st = lock(&self.state);
        let before = st.verdicts.len();
        let agent = agent_version();
        st.verdicts.retain(|k, _| {
            k.policy == cfg.sha256 && k.root == *cfg.root.source_sha256() && k.agent == agent
        });
        if st.verdicts.len() != before {
            st.verdict_bytes = st.verdicts.values().map(VerdictRecord::weight).sum();
            st.changed += 1;
        }
    }

    /// Number of cached verdicts.
    pub(crate) fn len(&self) -> usize {
        lock(&self.state).verdicts.len()
    }

    /// The mount-table generation now: pass it to [`Self::remember`] for a file about to be
    /// hashed.
    pub(crate) fn mount_generation(&self) -> u64 {
        self.mounts.generation()
    }

    /// The content digest of the file with metadata `meta`, if it was hashed before and
    /// provably cannot have changed since (see the module documentation); `generation` is
    /// [`Self::mount_generation`] now.
    pub(crate) fn memo(&self, meta: &Metadata, generation: u64) -> Option<[u8; 32]> {
        let fp = Fingerprint::of(meta);
        let mut st = lock(&self.state);
        st.clock += 1;
        let clock = st.clock;
        let m = st.memo.get_mut(&(fp.dev, fp.ino))?;
        if m.fingerprint != fp || m.generation != generation {
            return None;
        }
        m.used = clock;
        Some(m.sha256)
    }

    /// Records the digest of a file hashed with metadata `meta` while the mount table was at
    /// `generation`, if its superblock is read-only and the table has not changed since.
    pub(crate) fn remember(&self, meta: &Metadata, sha256: [u8; 32], generation: u64) {
        let fp = Fingerprint::of(meta);
        if !self.mounts.immutable(fp.dev, generation) {
            return;
        }
        let mut st = lock(&self.state);
        st.memo.retain(|_, m| m.generation == generation);
        if st.memo.len() >= MAX_MEMO && !st.memo.contains_key(&(fp.dev, fp.ino)) {
            if let Some(oldest) = st.memo.iter().min_by_key(|(_, m)| m.used).map(|(k, _)| *k) {
                st.memo.remove(&oldest);
            }
        }
        st.clock += 1;
        let used = st.clock;
        st.memo.insert(
            (fp.dev, fp.ino),
            MemoEntry {
                fingerprint: fp,
                sha256,
                generation,
                used,
            },
        );
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
        st.clock += 1;
        let used = st.clock;
        let record = VerdictRecord {
            key,
            rule_name: rule_name.to_string(),
            identity,
            used,
        };
        if record.weight() > MAX_VERDICT_BYTES / 64 {
            // An absurdly long identity: answer it, never let it crowd the cache.
            return;
        }
        st.verdict_bytes += record.weight();
        if let Some(old) = st.verdicts.insert(key, record) {
            st.verdict_bytes -= old.weight();
        }
        evict_to_bounds(&mut st);
        st.changed += 1;
        let target = st.changed;
        drop(st);
        self.persist_until(target);
    }

    /// Writes until the disk holds at least change `target` (group commit: one writer at a
    /// time; a thread that finds a write in progress waits for it, then writes if needed).
    pub(crate) fn persist_until(&self, target: u64) {
        if self.persisted.is_none() {
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
        let Some(p) = &self.persisted else {
            return;
        };
        let (bytes, changed) = {
            let st = lock(&self.state);
            (encode(&st, &p.key), st.changed)
        };
        let result = write_atomically(&p.file, &bytes);
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

/// Evicts least recently used verdicts until both bounds hold.
fn evict_to_bounds(st: &mut State) {
    while st.verdicts.len() > MAX_VERDICTS || st.verdict_bytes > MAX_VERDICT_BYTES {
        let Some(oldest) = st.verdicts.values().min_by_key(|v| v.used).map(|v| v.key) else {
            break;
        };
        if let Some(v) = st.verdicts.remove(&oldest) {
            st.verdict_bytes -= v.weight();
        }
    }
}

/// HMAC-SHA-256 (RFC 2104) of the concatenation of `parts`, with a key of at most 64 bytes.
fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    let mut block = [0u8; 64];
    for (b, k) in block.iter_mut().zip(key) {
        *b = *k;
    }
    let mut inner = Hasher::new(HashAlgorithm::Sha256);
    inner.update(&block.map(|b| b ^ 0x36));
    for p in parts {
        inner.update(p);
    }
    let inner = inner.finish();
    let mut outer = Hasher::new(HashAlgorithm::Sha256);
    outer.update(&block.map(|b| b ^ 0x5c));
    outer.update(inner.as_bytes());
    let mut out = [0u8; 32];
    for (o, d) in out.iter_mut().zip(outer.finish().as_bytes()) {
        *o = *d;
    }
    out
}

fn encode(st: &State, key: &[u8; KEY_BYTES]) -> Vec<u8> {
    let body = FileBody {
        verdicts: st.verdicts.values().cloned().collect(),
    };
    // Encoding into a Vec cannot fail (the writer is infallible).
    let cbor = minicbor::to_vec(&body).unwrap_or_default();
    let len = u64::try_from(cbor.len()).unwrap_or(u64::MAX).to_be_bytes();
    let tag = hmac_sha256(key, &[MAGIC, &len, &cbor]);
    let mut out = Vec::with_capacity(MAGIC.len() + 8 + 32 + cbor.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&len);
    out.extend_from_slice(&tag);
    out.extend_from_slice(&cbor);
    out
}

/// The cache file's body: `Ok(Ok(None))` if there is no file, `Ok(Err(reason))` if it is
/// unusable (ignored), `Err` if it is something the daemon must refuse to start with.
fn read_file(
    file: &Path,
    key: &[u8; KEY_BYTES],
) -> Result<Result<Option<FileBody>, String>, String> {
    let shown = file.display();
    match fs::symlink_metadata(file) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Ok(None)),
        Err(e) => return Err(format!("cannot stat the cache file {shown}: {e}")),
        Ok(m) => check_private_file(&m, file, 0o022)?,
    }
    Ok(crate::files::read_regular(file, MAX_CACHE_FILE_BYTES)
        .and_then(|data| decode(&data, key).map(Some)))
}

fn decode(data: &[u8], key: &[u8; KEY_BYTES]) -> Result<FileBody, String> {
    let header = MAGIC.len() + 8 + 32;
    let (Some(magic), Some(len), Some(tag), Some(cbor)) = (
        data.get(..MAGIC.len()),
        data.get(MAGIC.len()..MAGIC.len() + 8),
        data.get(MAGIC.len() + 8..header),
        data.get(header..),
    ) else {
        return Err("truncated header".into());
    };
    if magic != MAGIC {
        return Err("not an edgeverify cache file of this version (bad magic)".into());
    }
    let expected = <[u8; 8]>::try_from(len)
        .map(u64::from_be_bytes)
        .unwrap_or(u64::MAX);
    if u64::try_from(cbor.len()).ok() != Some(expected) {
        return Err("length mismatch (truncated or torn write)".into());
    }
    let computed = hmac_sha256(key, &[magic, len, cbor]);
    // Constant time: the tag is a secret-derived value an attacker may probe.
    let diff = computed
        .iter()
        .zip(tag)
        .fold(0u8, |acc, (a, b)| acc | (a ^ b));
    if diff != 0 {
        return Err("authentication failed (not written by this daemon with its key)".into());
    }
    minicbor::decode::<FileBody>(cbor).map_err(|e| format!("undecodable: {e}"))
}

fn parent_dir(file: &Path) -> PathBuf {
    match file.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

fn key_path(file: &Path) -> PathBuf {
    let mut p = file.as_os_str().to_owned();
    p.push(".key");
    PathBuf::from(p)
}

/// The directory must be writable by this user only, and so must every ancestor unless it
/// is sticky (like /tmp): otherwise someone else could replace the cache, its key or its
/// temporary file.
fn check_private_dir(dir: &Path) -> Result<(), String> {
    let canonical = fs::canonicalize(dir)
        .map_err(|e| format!("cannot resolve the cache directory {}: {e}", dir.display()))?;
    let me = sys::effective_uid();
    let mut current = Some(canonical.as_path());
    let mut first = true;
    while let Some(d) = current {
        let m = fs::metadata(d).map_err(|e| format!("cannot stat {}: {e}", d.display()))?;
        let mode = m.permissions().mode();
        let owner_ok = m.uid() == me || m.uid() == 0;
        let writable_by_others = mode & 0o022 != 0;
        let sticky = mode & 0o1000 != 0;
        if !owner_ok || (writable_by_others && (first || !sticky)) {
            return Err(format!(
                "the cache directory must be writable only by the daemon's user (uid {me}): \
                 {} is owned by uid {} with mode {:o}; refusing to start",
                d.display(),
                m.uid(),
                mode & 0o7777
            ));
        }
        first = false;
        current = d.parent();
    }
    Ok(())
}

/// A file the daemon relies on must be a regular file (not a symlink), owned by its user,
/// with none of `forbidden_mode` bits.
fn check_private_file(m: &Metadata, path: &Path, forbidden_mode: u32) -> Result<(), String> {
    let me = sys::effective_uid();
    if !m.file_type().is_file() {
        return Err(format!(
            "{} is not a regular file; refusing to start",
            path.display()
        ));
    }
    let mode = m.permissions().mode();
    if m.uid() != me || mode & forbidden_mode != 0 {
        return Err(format!(
            "{} must be owned by uid {me} and not accessible to others (it is uid {}, mode \
             {:o}); refusing to start",
            path.display(),
            m.uid(),
            mode & 0o7777
        ));
    }
    Ok(())
}

/// The cache's HMAC key: read (a private regular file of exactly 32 bytes), or created with
/// `O_EXCL|O_NOFOLLOW` from the kernel's random source.
fn load_or_create_key(path: &Path, dir: &Path) -> Result<[u8; KEY_BYTES], String> {
    let shown = path.display();
    let mut key = [0u8; KEY_BYTES];
    match fs::symlink_metadata(path) {
        Ok(m) => {
            check_private_file(&m, path, 0o077)?;
            let mut f = OpenOptions::new()
                .read(true)
                .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
                .open(path)
                .map_err(|e| format!("cannot open the cache key {shown}: {e}"))?;
            let mut rest = Vec::new();
            f.read_exact(&mut key)
                .and_then(|()| f.read_to_end(&mut rest))
                .map_err(|e| format!("cannot read the cache key {shown}: {e}"))?;
            if !rest.is_empty() {
                return Err(format!("the cache key {shown} is not {KEY_BYTES} bytes"));
            }
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            File::open("/dev/urandom")
                .and_then(|mut r| r.read_exact(&mut key))
                .map_err(|e| format!("cannot read random bytes for the cache key: {e}"))?;
            let mut f = OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
                .open(path)
                .map_err(|e| format!("cannot create the cache key {shown}: {e}"))?;
            f.write_all(&key)
                .and_then(|()| f.sync_all())
                .and_then(|()| File::open(dir)?.sync_all())
                .map_err(|e| format!("cannot write the cache key {shown}: {e}"))?;
        }
        Err(e) => return Err(format!("cannot stat the cache key {shown}: {e}")),
    }
    Ok(key)
}

/// Writes `bytes` to `file` so that, whatever happens, `file` holds the old or the new
/// content: a fresh temp file in the same directory (`O_EXCL|O_NOFOLLOW`: never through
/// something planted there), fsync, rename, fsync of the directory.
fn write_atomically(file: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = parent_dir(file);
    let mut tmp_name = file.as_os_str().to_owned();
    tmp_name.push(".tmp");
    let tmp = PathBuf::from(tmp_name);
    // A leftover from a crash (the directory is ours alone, so it is ours too).
    match fs::remove_file(&tmp) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    let mut out = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
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
    use std::time::{SystemTime, UNIX_EPOCH};

    fn cfg(policy: &str) -> Config {
        crate::config::parse(Path::new("p.toml"), policy).unwrap()
    }

    fn key(c: &Config, b: u8) -> VerdictKey {
        VerdictKey::new([b; 32], [b.wrapping_add(1); 32], c, 0)
    }

    #[test]
    fn hmac_matches_rfc_4231() {
        // RFC 4231 test case 2.
        let tag = hmac_sha256(b"Jefe", &[b"what do ya want ", b"for nothing?"]);
        assert_eq!(
            edgeverify_core::hex_encode(&tag),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn persists_and_reloads_only_for_the_same_policy_and_root() {
        let dir = tempdir();
        let file = dir.join("cache.cbor");
        let a = cfg("");
        let (c, note) = Cache::open(&file, &a).unwrap();
        assert!(note.is_none());
        c.insert_verdict(key(&a, 1), "r", Some("id".into()));
        c.flush();
        let key_file = key_path(&file);
        assert_eq!(
            fs::metadata(&key_file).unwrap().permissions().mode() & 0o777,
            0o600
        );

        let (c2, note) = Cache::open(&file, &a).unwrap();
        assert!(note.is_none());
        assert_eq!(c2.verdict(&key(&a, 1)), Some(Some("id".into())));
        assert_eq!(c2.verdict(&key(&a, 2)), None);

        let b = cfg("# another policy\n");
        let (c3, _) = Cache::open(&file, &b).unwrap();
        assert_eq!(c3.len(), 0, "verdicts of another policy must not survive");
        assert_eq!(c3.verdict(&key(&b, 1)), None);

        // Another key (the file copied to another daemon, or the key replaced): ignored.
        fs::write(&key_file, [7u8; KEY_BYTES]).unwrap();
        let (c4, note) = Cache::open(&file, &a).unwrap();
        assert_eq!(c4.len(), 0);
        assert!(note.unwrap().contains("authentication failed"));
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn the_rule_and_the_agent_version_are_part_of_the_key() {
        let a = cfg("");
        let c = Cache::in_memory();
        c.insert_verdict(key(&a, 1), "r", None);
        let other_rule = VerdictKey::new([1; 32], [2; 32], &a, 1);
        assert!(c.verdict(&other_rule).is_none());
        let mut other_version = key(&a, 1);
        other_version.agent = sha256(b"edgeverify-agent 0.0.0-older");
        assert!(c.verdict(&other_version).is_none());
        assert!(c.verdict(&key(&a, 1)).is_some());
    }

    #[test]
    fn unsafe_directories_and_files_are_refused() {
        let dir = tempdir();
        let a = cfg("");
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o777)).unwrap();
        let e = Cache::open(&dir.join("c.cbor"), &a).err().unwrap();
        assert!(e.contains("writable only by the daemon"), "{e}");
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o700)).unwrap();
        let fifo = dir.join("fifo.cbor");
        assert!(std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success());
        let e = Cache::open(&fifo, &a).err().unwrap();
        assert!(e.contains("not a regular file"), "{e}");
        fs::remove_dir_all(&dir).unwrap();
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
        let k = [3u8; KEY_BYTES];
        let bytes = encode(&lock(&c.state), &k);
        assert!(decode(&bytes, &k).is_ok());
        for cut in 0..bytes.len() {
            assert!(decode(&bytes[..cut], &k).is_err(), "prefix {cut} accepted");
        }
        for i in (0..bytes.len()).step_by(7) {
            let mut bad = bytes.clone();
            bad[i] ^= 0x40;
            assert!(decode(&bad, &k).is_err(), "corruption at {i} accepted");
        }
    }

    #[test]
    fn eviction_keeps_the_count_and_byte_bounds() {
        let a = cfg("");
        let c = Cache::in_memory();
        for i in 0..(MAX_VERDICTS + 10) {
            let mut content = [0u8; 32];
            content[..8].copy_from_slice(&(i as u64).to_be_bytes());
            c.insert_verdict(VerdictKey::new(content, [0; 32], &a, 0), "r", None);
        }
        assert_eq!(c.len(), MAX_VERDICTS);
        // Long identities: the byte bound evicts long before the count bound.
        let long = "x".repeat(MAX_VERDICT_BYTES / 128);
        for i in 0..1000u64 {
            let mut content = [1u8; 32];
            content[..8].copy_from_slice(&i.to_be_bytes());
            c.insert_verdict(
                VerdictKey::new(content, [0; 32], &a, 0),
                "r",
                Some(long.clone()),
            );
        }
        let st = lock(&c.state);
        assert!(
            st.verdict_bytes <= MAX_VERDICT_BYTES,
            "{}",
            st.verdict_bytes
        );
        let encoded = encode(&st, &[0; KEY_BYTES]);
        assert!(encoded.len() <= MAX_VERDICT_BYTES, "{}", encoded.len());
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
        fs::set_permissions(&d, fs::Permissions::from_mode(0o700)).unwrap();
        d
    }
}
