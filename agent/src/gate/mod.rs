//! The decision engine shared by `exec` and `serve`: open a program, find its rule and
//! evidence, hash it from the open descriptor and verify — or answer from the verdict cache.
//!
//! Parts: `evidence` (where a program's bundle is found, and reading it), `artifact`
//! (hashing), `cache` (the daemon's verdict cache), `audit` (the JSON-lines audit log).

use std::fs::{File, Metadata};
use std::io::Write;
use std::os::fd::AsRawFd;
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::sync::{Condvar, Mutex, PoisonError};

use edgeverify_core::{artifact_hash_algorithms, hex_encode, verify, Artifact, Bundle};

use crate::config::{Config, Mode, Rule};
use crate::files;

pub(crate) mod artifact;
pub(crate) mod audit;
pub(crate) mod cache;
pub(crate) mod evidence;
mod mounts;

use artifact::{sha256, Bounds, HashError};
use cache::{Cache, Fingerprint, VerdictKey};

/// Longest path a client may name (the kernel's `PATH_MAX`).
pub(crate) const MAX_PATH_BYTES: usize = 4096;

/// A program opened for a decision (an `O_PATH` handle: reopened for reading only when its
/// bytes are needed), with the canonical path of the inode actually opened.
pub(crate) struct Program {
    handle: File,
    pub(crate) canonical: String,
    pub(crate) meta: Metadata,
}

impl Program {
    /// A readable descriptor for exactly this inode.
    pub(crate) fn reader(&self) -> std::io::Result<File> {
        files::reopen(&self.handle, &self.meta)
    }

    /// The `O_PATH` handle (enough for `fexecve` and permission checks).
    pub(crate) fn handle(&self) -> &File {
        &self.handle
    }
}

/// Why a program could not even be considered (nothing was decided).
#[derive(Debug)]
pub(crate) struct OpenError(pub(crate) String);

/// Opens `path` (following symlinks) only if it is a regular file (`O_PATH`, `fstat`, then a
/// reopen for reading: a FIFO or device is never opened), and resolves the canonical path of
/// the opened inode.
///
/// The canonical path decides the rule and the evidence, so it must name *this* file: it is
/// read back from `/proc/self/fd` and then looked up again, and its device and inode must be
/// the opened file's. That refuses a path into another mount namespace
/// (`/proc/PID/root/…`, whose link text reads like a host path), a name that was unlinked
/// (`… (deleted)`), and a path changed while it was being resolved.
pub(crate) fn open_program(path: &Path) -> Result<Program, OpenError> {
    let shown = path.display();
    if path.as_os_str().len() > MAX_PATH_BYTES {
        return Err(OpenError(format!(
            "path longer than {MAX_PATH_BYTES} bytes"
        )));
    }
    let (handle, meta) =
        files::open_path(path).map_err(|e| OpenError(format!("cannot open {shown}: {e}")))?;
    let link = std::fs::read_link(format!("/proc/self/fd/{}", handle.as_raw_fd()))
        .map_err(|e| OpenError(format!("cannot resolve {shown}: {e}")))?;
    let canonical = link
        .into_os_string()
        .into_string()
        .map_err(|_| OpenError(format!("{shown}: canonical path is not UTF-8")))?;
    let named = std::fs::metadata(&canonical).ok();
    let same = named
        .as_ref()
        .is_some_and(|m| (m.dev(), m.ino()) == (meta.dev(), meta.ino()));
    if !canonical.starts_with('/') || !same {
        return Err(OpenError(format!(
            "{shown} opens a file that its canonical path {canonical:?} does not name (a \
             path into another mount namespace, an unlinked file, or a change while it was \
             being resolved)"
        )));
    }
    Ok(Program {
        handle,
        canonical,
        meta,
    })
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
    /// Bounds concurrent hashing and verification (the daemon), and so CPU and memory.
    pub(crate) slots: Option<&'a Slots>,
    /// `exec`: every byte hashed is also written here (the sealed copy that is executed).
    pub(crate) copy_to: Option<&'a File>,
    /// Stop hashing when this says so (the client went away, the daemon is stopping).
    pub(crate) cancelled: Option<&'a dyn Fn() -> bool>,
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

/// Evidence up to this size is read for a cache lookup without taking a slot.
const SMALL_EVIDENCE_BYTES: u64 = 64 * 1024;

/// Decides whether `program` may run under `cfg`.
pub(crate) fn decide(cfg: &Config, program: &Program, opts: &Options<'_>) -> Decision {
    let Some((rule_index, rule)) = cfg.rule_for(&program.canonical) else {
        return Decision::deny(None, format!("no rule matches {}", program.canonical));
    };
    let size = program.meta.size();
    if size > rule.max_size {
        return Decision::deny(
            Some(rule),
            format!(
                "{} is {size} bytes, more than the rule's max_size ({} bytes)",
                program.canonical, rule.max_size
            ),
        );
    }
    let (evidence_path, evidence_handle, evidence_meta) =
        match evidence::find(rule, &program.canonical) {
            Ok(found) => found,
            Err(reason) => return Decision::deny(Some(rule), reason),
        };
    if evidence_meta.size() > u64::try_from(evidence::MAX_EVIDENCE_BYTES).unwrap_or(u64::MAX) {
        return Decision::deny(
            Some(rule),
            format!(
                "evidence {evidence_path} is larger than {} bytes",
                evidence::MAX_EVIDENCE_BYTES
            ),
        );
    }
    let rule_index = u32::try_from(rule_index).unwrap_or(u32::MAX);

    // Fast path: content provably unchanged since it was hashed (read-only superblock, same
    // mount table), evidence likewise or small enough to hash now, and a verdict for both.
    let fast = opts.cache.and_then(|c| {
        let generation = c.mount_generation();
        c.memo(&program.meta, generation)
            .map(|d| (c, d, generation))
    });
    if let Some((cache, content, generation)) = fast {
        let evidence_digest = cache.memo(&evidence_meta, generation).or_else(|| {
            (evidence_meta.size() <= SMALL_EVIDENCE_BYTES)
                .then(|| evidence::read(&evidence_handle, &evidence_meta, &evidence_path).ok())
                .flatten()
                .map(|bytes| sha256(&bytes))
        });
        if let Some(evidence_digest) = evidence_digest {
            let key = VerdictKey::new(content, evidence_digest, cfg, rule_index);
            if let Some(identity) = cache.verdict(&key) {
                return allowed(rule, identity, content, true);
            }
        }
    }

    // Everything below holds up to 4 MiB of evidence and reads up to max_size bytes: at
    // most `slots` requests at once.
    let _slot = opts.slots.map(Slots::acquire);
    let generation = opts.cache.map(Cache::mount_generation);
    let evidence_bytes = match evidence::read(&evidence_handle, &evidence_meta, &evidence_path) {
        Ok(b) => b,
        Err(reason) => return Decision::deny(Some(rule), reason),
    };
    let evidence_sha256 = sha256(&evidence_bytes);
    let bundle = match Bundle::from_json(&evidence_bytes) {
        Ok(b) => b,
        Err(e) => {
            let why = evidence::not_a_bundle(&evidence_bytes).map_or(e.to_string(), String::from);
            return Decision::deny(Some(rule), format!("evidence {evidence_path}: {why}"));
        }
    };
    drop(evidence_bytes);
    // SHA-256 first (the content key below), then whatever else the evidence names it by.
    let algorithms = artifact_hash_algorithms(&bundle, &rule.policy);
    let reader = match program.reader() {
        Ok(r) => r,
        Err(e) => {
            return Decision::deny(
                Some(rule),
                format!("cannot read {}: {e}", program.canonical),
            )
        }
    };
    let mut sink = opts.copy_to;
    let digests = match artifact::hash_bounded(
        &reader,
        &algorithms,
        &mut Bounds {
            limit: rule.max_size,
            copy_to: sink.as_mut().map(|f| f as &mut dyn Write),
            cancelled: opts.cancelled,
        },
    ) {
        Ok(d) => d,
        Err(HashError::TooLarge(limit)) => {
            return Decision::deny(
                Some(rule),
                format!(
                    "{} grew past the rule's max_size ({limit} bytes)",
                    program.canonical
                ),
            )
        }
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
    match reader.metadata() {
        Ok(after) if Fingerprint::of(&after) == Fingerprint::of(&program.meta) => {}
        _ => {
            return Decision::deny(
                Some(rule),
                format!("{} changed while it was being verified", program.canonical),
            )
        }
    }
    if let (Some(cache), Some(generation)) = (opts.cache, generation) {
        cache.remember(&program.meta, content, generation);
        cache.remember(&evidence_meta, evidence_sha256, generation);
        let key = VerdictKey::new(content, evidence_sha256, cfg, rule_index);
        if let Some(identity) = cache.verdict(&key) {
            return allowed(rule, identity, content, true);
        }
    }

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
            let reason = format!("evidence {evidence_path}: {}", in_policy_terms(rule, &e));
            let mut d = Decision::deny(Some(rule), reason);
            d.sha256 = Some(content);
            d
        }
    }
}

/// A verification failure in the words of the policy file: the core names the CLI flags
/// (`--source-uri`), a rule has keys (`source_uri`); a mismatch also says what the rule
/// expected, under which key.
fn in_policy_terms(rule: &Rule, e: &edgeverify_core::Error) -> String {
    use edgeverify_core::slsa::SlsaError;
    use edgeverify_core::Error;
    let mut text = e.to_string();
    for (flag, key) in [
        ("--source-uri", "source_uri"),
        ("--source-tag", "source_tag"),
        ("--source-versioned-tag", "source_versioned_tag"),
        ("--source-branch", "source_branch"),
        ("--builder-id", "builder_id"),
    ] {
        text = text.replace(flag, key);
    }
    let keys: &[&str] = match e.cause() {
        Error::SubjectMismatch { .. } => &["certificate_identity", "certificate_identity_regexp"],
        Error::IssuerMismatch { .. } => {
            &["certificate_oidc_issuer", "certificate_oidc_issuer_regexp"]
        }
        Error::Provenance(SlsaError::MismatchSource(_)) => &["source_uri"],
        Error::Provenance(SlsaError::MismatchTag(_)) => &["source_tag"],
        Error::Provenance(SlsaError::MismatchVersionedTag(_)) => &["source_versioned_tag"],
        Error::Provenance(SlsaError::MismatchBranch(_)) => &["source_branch"],
        Error::Provenance(SlsaError::MismatchBuilderId(_)) => &["builder_id"],
        _ => &[],
    };
    if let Some((key, value)) = rule.expected.iter().find(|(k, _)| keys.contains(k)) {
        text.push_str(&format!(
            " (rule \"{}\" expects {key} = {value:?}",
            rule.name
        ));
        if key.ends_with("_regexp") {
            text.push_str(", a pattern that must match the whole value");
        }
        text.push(')');
    }
    text
}

/// `text` with every control character escaped (`\n`, `\u{1b}`, …), as the audit log's JSON
/// does: a file name must not be able to forge lines on a terminal or in a log.
pub(crate) fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
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
