//! `edgeverify serve --policy FILE --socket PATH`: answer "may this program run?" for local
//! processes over a Unix socket.
//!
//! Protocol: newline-delimited JSON, many requests per connection, many connections at once.
//! Request `{"path": "/abs/path"}`; response (always this shape)
//! `{"allow": bool, "rule": str|null, "reason": str|null, "identity": str|null,
//! "cached": bool, "sha256": str|null}`. A malformed request gets `allow: false` and a reason;
//! a line longer than `MAX_REQUEST_LINE_BYTES` (16 KiB) gets that and the connection is closed.
//!
//! The answer is about the file's content *now*; a client that then executes the path by
//! name races anyone who can replace it (use `edgeverify exec`, which executes the verified
//! descriptor, where that matters).
//!
//! Signals: SIGHUP reloads the policy (a bad policy keeps the old one, and says why on stderr
//! and in the audit log); SIGTERM/SIGINT stop accepting, let every connection finish the
//! request it is handling, write the cache and the audit log, remove the socket and exit 0.

use core::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use core::time::Duration;
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::Shutdown;
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, PoisonError, RwLock};

use clap::Parser;
use serde::{Deserialize, Serialize};

use super::Outcome;
use crate::config::{self, Config, ConfigError};
use crate::files::read_bounded;
use crate::gate::audit::{self, AuditLog, Settings};
use crate::gate::cache::Cache;
use crate::gate::{self, Decision, Options, Slots};
use crate::sys::{self, PeerCredentials, Signal, SignalWaiter};

/// Longest request line (a path is at most 4096 bytes, plus JSON).
pub(crate) const MAX_REQUEST_LINE_BYTES: usize = 16 * 1024;
/// Most simultaneous connections; more are answered with an error and closed.
pub(crate) const MAX_CONNECTIONS: usize = 128;
/// A connection idle this long is closed.
pub(crate) const IDLE_TIMEOUT: Duration = Duration::from_secs(300);
/// A peer that does not read its answer within this time is disconnected.
pub(crate) const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// How long SIGTERM waits for in-flight requests.
pub(crate) const DRAIN_TIMEOUT: Duration = Duration::from_secs(10);
/// Most verifications running at once (each may hold a bundle of up to 4 MiB).
pub(crate) const MAX_CONCURRENT_VERIFICATIONS: usize = 4;

#[derive(Parser)]
/// Arguments of `edgeverify serve`.
pub struct Args {
    /// The policy file (TOML; see `edgeverify policy check`). Re-read on SIGHUP.
    #[arg(long, value_name = "FILE")]
    policy: PathBuf,
    /// The Unix socket to listen on (created; a stale socket there is replaced).
    #[arg(long, value_name = "PATH")]
    socket: PathBuf,
    /// Permissions of the socket, octal. Connecting needs write permission.
    #[arg(long, value_name = "OCTAL", default_value = "0600", value_parser = parse_mode)]
    socket_mode: u32,
    /// Group owning the socket (name or number); use with --socket-mode 0660.
    #[arg(long, value_name = "GROUP")]
    socket_group: Option<String>,
    /// Persist the verdict cache here (CBOR; written atomically). Default: memory only.
    #[arg(long, value_name = "FILE")]
    cache_file: Option<PathBuf>,
    /// Append one JSON line per decision here.
    #[arg(long, value_name = "FILE")]
    audit_log: Option<PathBuf>,
    /// Rotate the audit log when it would exceed this many bytes.
    #[arg(long, value_name = "BYTES", default_value_t = audit::DEFAULT_MAX_BYTES)]
    audit_max_bytes: u64,
    /// Rotated audit logs kept (FILE.1 … FILE.N).
    #[arg(long, value_name = "N", default_value_t = audit::DEFAULT_KEEP)]
    audit_keep: u32,
    /// Start (and accept reloads) even when the policy has no rules, so that every request
    /// is denied. Without it such a policy is refused as the likely mistake it is.
    #[arg(long)]
    allow_empty_policy: bool,
}

fn parse_mode(s: &str) -> Result<u32, String> {
    // Octal digits only: `from_str_radix` alone would also take a sign ("+600").
    s.bytes()
        .all(|b| matches!(b, b'0'..=b'7'))
        .then(|| u32::from_str_radix(s, 8).ok())
        .flatten()
        .filter(|m| *m <= 0o777)
        .ok_or_else(|| format!("{s:?} is not an octal mode like 0600 or 0660"))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Request {
    path: String,
}

#[derive(Serialize)]
struct Response<'a> {
    allow: bool,
    rule: Option<&'a str>,
    reason: Option<&'a str>,
    identity: Option<&'a str>,
    cached: bool,
    sha256: Option<String>,
}

struct Shared {
    policy_path: PathBuf,
    allow_empty_policy: bool,
    config: RwLock<Arc<Config>>,
    cache: Cache,
    audit: AuditLog,
    slots: Slots,
    connections: Mutex<HashMap<u64, UnixStream>>,
    closed: Condvar,
    stopping: AtomicBool,
}

impl Shared {
    fn config(&self) -> Arc<Config> {
        Arc::clone(&self.config.read().unwrap_or_else(PoisonError::into_inner))
    }
}

/// Runs `edgeverify serve` until SIGTERM or SIGINT.
pub fn run(args: Args) -> Outcome {
    // Before any thread exists, so that every thread inherits the mask.
    let signals = match SignalWaiter::block() {
        Ok(s) => s,
        Err(e) => return fail(&format!("cannot block signals: {e}")),
    };
    let cfg = match load_policy(&args.policy, args.allow_empty_policy) {
        Ok(c) => c,
        Err(e) => return fail(&e),
    };
    let cache = match &args.cache_file {
        None => Cache::in_memory(),
        Some(f) => {
            let (cache, note) = Cache::load(f, &cfg);
            if let Some(note) = note {
                log(&note);
            }
            cache
        }
    };
    let audit_log = match &args.audit_log {
        None => AuditLog::disabled(),
        Some(path) => match AuditLog::start(Settings {
            path: path.clone(),
            max_bytes: args.audit_max_bytes.max(4096),
            keep: args.audit_keep,
        }) {
            Ok(a) => a,
            Err(e) => {
                return fail(&format!(
                    "cannot open the audit log {}: {e}",
                    path.display()
                ))
            }
        },
    };
    let listener = match bind(&args) {
        Ok(l) => l,
        Err(e) => return fail(&e),
    };
    if sys::effective_uid() == 0 {
        log("running as root: an unprivileged user that can read the programs and their evidence is enough");
    }
    let started = format!(
        "serving on {} (policy {}: {} rule(s); trust root {}; {} cached verdict(s))",
        args.socket.display(),
        args.policy.display(),
        cfg.rules.len(),
        cfg.root_origin,
        cache.len()
    );
    log(&started);
    audit_log.record(&audit::event_record("start", true, &started));

    let shared = Arc::new(Shared {
        policy_path: args.policy.clone(),
        allow_empty_policy: args.allow_empty_policy,
        config: RwLock::new(Arc::new(cfg)),
        cache,
        audit: audit_log,
        slots: Slots::new(
            std::thread::available_parallelism()
                .map_or(1, usize::from)
                .min(MAX_CONCURRENT_VERIFICATIONS),
        ),
        connections: Mutex::new(HashMap::new()),
        closed: Condvar::new(),
        stopping: AtomicBool::new(false),
    });

    let signal_thread = {
        let shared = Arc::clone(&shared);
        let socket = args.socket.clone();
        std::thread::Builder::new()
            .name("signals".into())
            .spawn(move || handle_signals(&shared, &signals, &socket))
    };
    if let Err(e) = signal_thread {
        return fail(&format!("cannot start the signal thread: {e}"));
    }

    accept_loop(&shared, &listener);
    let drained = drain(&shared);
    let _ = std::fs::remove_file(&args.socket);
    shared.cache.flush();
    let detail = if drained {
        "drained"
    } else {
        "drain timeout: connections still busy were cut"
    };
    log(&format!("stopped ({detail})"));
    shared
        .audit
        .record(&audit::event_record("stop", drained, detail));
    shared.audit.close();
    Outcome::Verified
}

fn accept_loop(shared: &Arc<Shared>, listener: &UnixListener) {
    let next_id = AtomicU64::new(0);
    for stream in listener.incoming() {
        if shared.stopping.load(Ordering::SeqCst) {
            break;
        }
        let mut stream = match stream {
            Ok(s) => s,
            Err(e) => {
                // EMFILE and friends: log and go on; the kernel queue keeps the peers.
                log(&format!("accept failed: {e}"));
                continue;
            }
        };
        let id = next_id.fetch_add(1, Ordering::Relaxed);
        {
            let mut conns = shared
                .connections
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            if conns.len() >= MAX_CONNECTIONS {
                drop(conns);
                let _ = stream.set_write_timeout(Some(Duration::from_secs(1)));
                let _ = stream.write_all(&response_line(&refusal(&format!(
                    "too many connections (limit {MAX_CONNECTIONS})"
                ))));
                continue;
            }
            match stream.try_clone() {
                Ok(clone) => {
                    conns.insert(id, clone);
                }
                Err(e) => {
                    log(&format!("cannot register a connection: {e}"));
                    continue;
                }
            }
        }
        let worker = Arc::clone(shared);
        let spawned = std::thread::Builder::new()
            .name("conn".into())
            .spawn(move || {
                serve_connection(&worker, stream);
                let mut conns = worker
                    .connections
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner);
                conns.remove(&id);
                worker.closed.notify_all();
            });
        if let Err(e) = spawned {
            log(&format!("cannot start a connection thread: {e}"));
            let mut conns = shared
                .connections
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            conns.remove(&id);
        }
    }
}

/// Stops reading from every connection (each finishes the request it is handling) and
/// waits for them, at most `DRAIN_TIMEOUT`. True if all finished.
fn drain(shared: &Shared) -> bool {
    let conns = shared
        .connections
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    for s in conns.values() {
        let _ = s.shutdown(Shutdown::Read);
    }
    shared
        .closed
        .wait_timeout_while(conns, DRAIN_TIMEOUT, |c| !c.is_empty())
        .is_ok_and(|(c, _)| c.is_empty())
}

fn handle_signals(shared: &Shared, signals: &SignalWaiter, socket: &Path) {
    loop {
        match signals.wait() {
            Ok(Signal::Hangup) => reload(shared),
            Ok(Signal::Terminate) => {
                log("stopping: draining connections");
                shared.stopping.store(true, Ordering::SeqCst);
                // Wake the accept loop.
                let _ = UnixStream::connect(socket);
                return;
            }
            Err(e) => {
                log(&format!("sigwait failed: {e}"));
                return;
            }
        }
    }
}

/// The policy, with its trust root's own chain signatures checked once up front: the daemon
/// verifies many programs against one root, and each then skips that check (one P-384
/// signature per keyless verification with the public-good root). A policy without rules
/// would deny every request: refused unless `--allow-empty-policy` says that is intended.
fn load_policy(path: &Path, allow_empty: bool) -> Result<Config, String> {
    let mut cfg = config::load(path).map_err(|e: ConfigError| e.to_string())?;
    if cfg.rules.is_empty() && !allow_empty {
        return Err(format!(
            "{}: the policy has no [[rule]], so it denies everything; add rules, or pass \
             --allow-empty-policy if denying every request is intended",
            path.display()
        ));
    }
    cfg.root.remember_chain_signatures();
    Ok(cfg)
}

fn reload(shared: &Shared) {
    match load_policy(&shared.policy_path, shared.allow_empty_policy) {
        Ok(cfg) => {
            shared.cache.retain_for(&cfg);
            let detail = format!(
                "reloaded {}: {} rule(s); trust root {}",
                shared.policy_path.display(),
                cfg.rules.len(),
                cfg.root_origin
            );
            *shared
                .config
                .write()
                .unwrap_or_else(PoisonError::into_inner) = Arc::new(cfg);
            log(&detail);
            shared
                .audit
                .record(&audit::event_record("reload", true, &detail));
        }
        Err(e) => {
            let detail = format!("reload failed, keeping the previous policy: {e}");
            log(&detail);
            shared
                .audit
                .record(&audit::event_record("reload", false, &detail));
        }
    }
}

fn serve_connection(shared: &Shared, stream: UnixStream) {
    let peer = sys::peer_credentials(&stream).ok();
    let _ = stream.set_read_timeout(Some(IDLE_TIMEOUT));
    let _ = stream.set_write_timeout(Some(WRITE_TIMEOUT));
    let Ok(read_half) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::with_capacity(8192, read_half);
    let mut writer = stream;
    let mut line = Vec::with_capacity(512);
    let limit = u64::try_from(MAX_REQUEST_LINE_BYTES).unwrap_or(u64::MAX);
    loop {
        line.clear();
        match reader.by_ref().take(limit + 1).read_until(b'\n', &mut line) {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        if line.len() > MAX_REQUEST_LINE_BYTES {
            let _ = writer.write_all(&response_line(&refusal(&format!(
                "request line longer than {MAX_REQUEST_LINE_BYTES} bytes"
            ))));
            return;
        }
        let decision = handle(shared, peer.as_ref(), &line);
        if writer.write_all(&response_line(&decision)).is_err() {
            return;
        }
    }
}

fn handle(shared: &Shared, peer: Option<&PeerCredentials>, line: &[u8]) -> Decision {
    let request: Request = match serde_json::from_slice(line) {
        Ok(r) => r,
        Err(e) => {
            return refusal(&format!(
                "bad request (expected {{\"path\": \"/abs/path\"}}): {e}"
            ))
        }
    };
    let cfg = shared.config();
    let decision = if request.path.starts_with('/') {
        match gate::open_program(Path::new(&request.path)) {
            Ok(program) => gate::decide(
                &cfg,
                &program,
                &Options {
                    cache: Some(&shared.cache),
                    slots: Some(&shared.slots),
                },
            ),
            Err(e) => refusal(&e.0),
        }
    } else {
        refusal("path must be absolute")
    };
    shared
        .audit
        .record(&audit::decision_record(peer, &request.path, &decision));
    decision
}

fn refusal(reason: &str) -> Decision {
    Decision {
        reason: Some(reason.to_string()),
        ..Decision::default()
    }
}

fn response_line(d: &Decision) -> Vec<u8> {
    let r = Response {
        allow: d.allow,
        rule: d.rule.as_deref(),
        reason: d.reason.as_deref(),
        identity: d.identity.as_deref(),
        cached: d.cached,
        sha256: d.sha256_hex(),
    };
    // Serializing plain strings and bools into a Vec cannot fail.
    let mut out = serde_json::to_vec(&r).unwrap_or_else(|_| b"{\"allow\":false}".to_vec());
    out.push(b'\n');
    out
}

/// Creates the socket with the requested mode and group. A stale socket (nobody listening)
/// is replaced; a live one, or anything that is not a socket, is an error.
fn bind(args: &Args) -> Result<UnixListener, String> {
    let path = &args.socket;
    let shown = path.display();
    if let Ok(meta) = std::fs::symlink_metadata(path) {
        if !meta.file_type().is_socket() {
            return Err(format!("{shown} exists and is not a socket"));
        }
        if UnixStream::connect(path).is_ok() {
            return Err(format!("another daemon is listening on {shown}"));
        }
        std::fs::remove_file(path).map_err(|e| format!("cannot remove stale {shown}: {e}"))?;
    }
    let gid = match &args.socket_group {
        None => None,
        Some(g) => Some(group_id(g)?),
    };
    // Nobody else may connect before the mode and group are set.
    let old = sys::set_umask(0o177);
    let bound = UnixListener::bind(path);
    sys::set_umask(old);
    let listener = bound.map_err(|e| format!("cannot listen on {shown}: {e}"))?;
    if let Some(gid) = gid {
        std::os::unix::fs::chown(path, None, Some(gid))
            .map_err(|e| format!("cannot give {shown} to group {gid}: {e}"))?;
    }
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(args.socket_mode))
        .map_err(|e| format!("cannot set the mode of {shown}: {e}"))?;
    Ok(listener)
}

/// A group given by number, or by name from /etc/group.
fn group_id(group: &str) -> Result<u32, String> {
    if let Ok(gid) = group.parse::<u32>() {
        return Ok(gid);
    }
    let groups = read_bounded(Path::new("/etc/group"), 4 * 1024 * 1024)?;
    String::from_utf8_lossy(&groups)
        .lines()
        .find_map(|l| {
            let mut f = l.split(':');
            (f.next() == Some(group)).then(|| f.nth(1).and_then(|g| g.parse().ok()))?
        })
        .ok_or_else(|| format!("unknown group {group:?}"))
}

fn log(message: &str) {
    eprintln!("edgeverify: {message}");
}

fn fail(message: &str) -> Outcome {
    log(message);
    Outcome::Unusable
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_parse_as_octal() {
        assert_eq!(parse_mode("0600"), Ok(0o600));
        assert_eq!(parse_mode("660"), Ok(0o660));
        assert!(parse_mode("0800").is_err());
        assert!(parse_mode("01777").is_err());
        // Digits only: `from_str_radix` by itself takes a sign.
        assert!(parse_mode("+600").is_err());
        assert!(parse_mode("").is_err());
    }

    #[test]
    fn groups_resolve_by_number_and_name() {
        assert_eq!(group_id("0"), Ok(0));
        assert_eq!(group_id("root"), Ok(0));
        assert!(group_id("no-such-group-ev").is_err());
    }
}
