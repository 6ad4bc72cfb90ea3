//! The decision engine shared by `exec` and `serve`: open a program, find its rule and
//! evidence, hash it from the open descriptor and verify — or answer from the verdict cache.
//!
//! Parts: `evidence` (where a program's bundle is found, and reading it), `artifact`
//! (hashing), `cache` (the daemon's verdict cache), `audit` (the JSON-lines audit log).

use std::fs::{File, Metadata, OpenOptions};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::Path;
use std::sync::{Condvar, Mutex, PoisonError};
use std::time::SystemTime;

use edgeverify_core::{artifact_hash_algorithms, hex_encode, verify, Artifact, Bundle};

use crate::config::{Config, Mode, Rule};

pub(crate) mod artifact;
pub(crate) mod audit;
pub(crate) mod cache;
mod evidence;

use artifact::sha256;
use cache::{Cache, Fingerprint, VerdictKey};

/// A program opened for a decision, with the canonical path of the inode actually opened.
pub(crate) struct Program {
    pub(crate) file: File,
    pub(crate) canonical: String,
    pub(crate) meta: Metadata,
}

/// Why a program could not even be considered (nothing was decided).
#[derive(Debug)]
pub(crate) struct OpenError(pub(crate) String);

/// Opens `path` (following symlinks) without blocking on FIFOs, and resolves the canonical
/// path of the opened inode. Only regular files are accepted.
pub(crate) fn open_program(path: &Path) -> Result<Program, OpenError> {
    let shown = path.display();
    let file = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
        .map_err(|e| OpenError(format!("cannot open {shown}: {e}")))?;
    let meta = file
        .metadata()
        .map_err(|e| OpenError(format!("cannot stat {shown}: {e}")))?;
    if !meta.is_file() {
        return Err(OpenError(format!("{shown} is not a regular file")));
    }
    let canonical = canonical_path_of(&file, path, &meta)?;
    Ok(Program {
        file,
        canonical,
        meta,
    })
}

/// The canonical path of the inode open as `file`: from `/proc/self/fd` when available
/// (exactly what was opened), else `realpath(path)` checked to name the same inode.
fn canonical_path_of(file: &File, path: &Path, meta: &Metadata) -> Result<String, OpenError> {
    use std::os::fd::AsRawFd;
    let shown = path.display();
    let from_proc = std::fs::read_link(format!("/proc/self/fd/{}", file.as_raw_fd()));
    let canonical = match from_proc {
        Ok(p) if p.is_absolute() && meta.nlink() > 0 => p,
        _ => {
            let p = std::fs::canonicalize(path)
                .map_err(|e| OpenError(format!("cannot resolve {shown}: {e}")))?;
            let m = std::fs::metadata(&p)
                .map_err(|e| OpenError(format!("cannot stat {}: {e}", p.display())))?;
            if (m.dev(), m.ino()) != (meta.dev(), meta.ino()) {
                return Err(OpenError(format!(
                    "{shown} changed while it was being resolved"
                )));
            }
            p
        }
    };
    canonical
        .into_os_string()
        .into_string()
        .map_err(|_| OpenError(format!("{shown}: canonical path is not UTF-8")))
}

/// The outcome for one program.
#[derive(Clone, Debug, Default)]
pub(crate) struct Decision {
    pub(crate) allow: bool,
    /// The matching rule's name (none when no rule matched).
    pub(crate) rule: Option<String>,
    /// Why it was denied (or, in audit mode, why it would have been).
    pub(crate) reason: Option<String>,
    /// The verified signer identity.
    pub(crate) identity: Option<String>,
    /// SHA-256 of the program's content, when it was computed or known.
    pub(crate) sha256: Option<[u8; 32]>,
    /// Answered from the verdict cache.
    pub(crate) cached: bool,
    /// Allowed only because the rule is in audit mode.
    pub(crate) audit_only: bool,
}

impl Decision {
    fn deny(rule: Option<&Rule>, reason: String) -> Self {
        let audit = rule.is_some_and(|r| r.mode == Mode::Audit);
        Self {
            allow: audit,
            rule: rule.map(|r| r.name.clone()),
            reason: Some(reason),
            audit_only: audit,
            ..Self::default()
        }
    }

    /// One line for stderr or logs.
    pub(crate) fn summary(&self) -> String {
        let rule = self.rule.as_deref().unwrap_or("");
        let reason = self.reason.as_deref().unwrap_or("");
        match (self.allow, self.audit_only, self.rule.is_some()) {
            (true, false, _) => format!(
                "allowed by rule {rule:?}: signed by {}",
                self.identity.as_deref().unwrap_or("the expected signer")
            ),
            (true, true, _) => {
                format!("rule {rule:?} is in audit mode; allowing although: {reason}")
            }
            (false, _, true) => format!("denied by rule {rule:?}: {reason}"),
            (false, _, false) => format!("denied: {reason}"),
        }
    }

    /// The SHA-256 as hex, if known.
    pub(crate) fn sha256_hex(&self) -> Option<String> {
        self.sha256.map(|d| hex_encode(&d))
    }
}

/// Options that differ between `exec` and `serve`.
#[derive(Clone, Copy, Default)]
pub(crate) struct Options<'a> {
    /// The daemon's verdict cache.
    pub(crate) cache: Option<&'a Cache>,
    /// Bounds concurrent verifications (the daemon).
    pub(crate) slots: Option<&'a Slots>,
}

/// A counting semaphore: at most `n` holders at once.
pub(crate) struct Slots {
    free: Mutex<usize>,
    freed: Condvar,
}

/// A held slot, released on drop.
pub(crate) struct Slot<'a>(&'a Slots);

impl Slots {
    pub(crate) fn new(n: usize) -> Self {
        Self {
            free: Mutex::new(n.max(1)),
            freed: Condvar::new(),
        }
    }

    pub(crate) fn acquire(&self) -> Slot<'_> {
        let mut free = self.free.lock().unwrap_or_else(PoisonError::into_inner);
        while *free == 0 {
            free = self
                .freed
                .wait(free)
                .unwrap_or_else(PoisonError::into_inner);
        }
        *free -= 1;
        Slot(self)
    }
}

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        let mut free = self.0.free.lock().unwrap_or_else(PoisonError::into_inner);
        *free += 1;
        self.0.freed.notify_one();
    }
}

/// Decides whether `program` may run under `cfg`.
pub(crate) fn decide(cfg: &Config, program: &Program, opts: &Options<'_>) -> Decision {
    let Some((rule_index, rule)) = cfg.rule_for(&program.canonical) else {
        return Decision::deny(None, format!("no rule matches {}", program.canonical));
    };
    let (evidence_path, evidence_file, evidence_meta) =
        match evidence::find(rule, &program.canonical) {
            Ok(found) => found,
            Err(reason) => return Decision::deny(Some(rule), reason),
        };
    let rule_index = u32::try_from(rule_index).unwrap_or(u32::MAX);
    let program_fp = Fingerprint::of(&program.meta);
    let evidence_fp = Fingerprint::of(&evidence_meta);

    // Fast path: both files unchanged since they were hashed, and a verdict for those digests.
    if let Some(cache) = opts.cache {
        if let (Some(content), Some(evidence)) = (
            cache.memo(&program.canonical, &program_fp),
            cache.memo(&evidence_path, &evidence_fp),
        ) {
            let key = VerdictKey::new(content, evidence, cfg, rule_index);
            if let Some(identity) = cache.verdict(&key) {
                return allowed(rule, identity, content, true);
            }
        }
    }

    let evidence_bytes = match evidence::read(evidence_file, &evidence_path) {
        Ok(b) => b,
        Err(reason) => return Decision::deny(Some(rule), reason),
    };
    let evidence_sha256 = sha256(&evidence_bytes);
    let bundle = match Bundle::from_json(&evidence_bytes) {
        Ok(b) => b,
        Err(e) => {
            return Decision::deny(
                Some(rule),
                format!("evidence {evidence_path}: {}: {e}", e.stage().name()),
            )
        }
    };
    let started = SystemTime::now();
    // SHA-256 first (the content key below), then whatever else the evidence names it by.
    let algorithms = artifact_hash_algorithms(&bundle, &rule.policy);
    let digests = match artifact::hash_reader(&program.file, &algorithms) {
        Ok(d) => d,
        Err(e) => {
            return Decision::deny(
                Some(rule),
                format!("cannot read {}: {e}", program.canonical),
            )
        }
    };
    let Some(content) = digests
        .first()
        .and_then(|d| <[u8; 32]>::try_from(d.as_bytes()).ok())
    else {
        return Decision::deny(Some(rule), "internal: no SHA-256".into());
    };
    // The bytes hashed must be the bytes the metadata describes: a change while hashing
    // (size, mtime or ctime) means the digest belongs to no stable content.
    match program.file.metadata() {
        Ok(after) if Fingerprint::of(&after) == program_fp => {}
        _ => {
            return Decision::deny(
                Some(rule),
                format!("{} changed while it was being verified", program.canonical),
            )
        }
    }
    if let Some(cache) = opts.cache {
        cache.remember(&program.canonical, program_fp, content, started);
        cache.remember(&evidence_path, evidence_fp, evidence_sha256, started);
        let key = VerdictKey::new(content, evidence_sha256, cfg, rule_index);
        if let Some(identity) = cache.verdict(&key) {
            return allowed(rule, identity, content, true);
        }
    }

    let _slot = opts.slots.map(Slots::acquire);
    match verify(
        &cfg.root,
        &bundle,
        Artifact::Digests(&digests),
        &rule.policy,
    ) {
        Ok(verified) => {
            let identity = verified.identity().map(String::from);
            if let Some(cache) = opts.cache {
                let key = VerdictKey::new(content, evidence_sha256, cfg, rule_index);
                cache.insert_verdict(key, &rule.name, identity.clone());
            }
            allowed(rule, identity, content, false)
        }
        Err(e) => {
            let mut d = Decision::deny(
                Some(rule),
                format!("evidence {evidence_path}: {}: {e}", e.stage().name()),
            );
            d.sha256 = Some(content);
            d
        }
    }
}

/// Allowed by `rule`: freshly verified, or answered from the verdict cache (`cached`).
fn allowed(rule: &Rule, identity: Option<String>, content: [u8; 32], cached: bool) -> Decision {
    Decision {
        allow: true,
        rule: Some(rule.name.clone()),
        reason: None,
        identity,
        sha256: Some(content),
        cached,
        audit_only: false,
    }
}
