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
//! name races anyone who can replace it (use `edgeverify exec`, which executes a sealed copy
//! of the verified bytes, where that matters).
//!
//! Clients are local users and may be hostile (SECURITY.md, "Local attackers"): connections
//! are limited per peer uid (`SO_PEERCRED`) with room kept for root and the daemon's own
//! user; a request line must arrive within `REQUEST_LINE_DEADLINE`; requests are rate-limited
//! per uid; hashing and verification run in a bounded number of slots, stop when the client
//! goes away, and read at most the rule's `max_size`; an answer is only sent once its audit
//! record is written (a log that cannot be written means "deny").
//!
//! Signals: SIGHUP reloads the policy (a bad policy keeps the old one, and says why on stderr
//! and in the audit log); SIGTERM/SIGINT stop accepting, let every connection finish the
//! request it is handling, write the cache and the audit log, remove the socket and exit 0,
//! whatever the daemon is doing (starting, reloading, waiting for a client).

use core::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use core::time::Duration;
use std::collections::HashMap;
use std::ffi::OsString;
use std::io::{self, Read, Write};
use std::net::Shutdown;
use std::os::fd::AsRawFd;
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, OnceLock, PoisonError, RwLock};
use std::time::Instant;

use serde::{Deserialize, Serialize};

use super::cli::{Command, Opt, Stop};
use super::Outcome;
use crate::config::{self, Config, ConfigError};
use crate::files::read_bounded;
use crate::gate::audit::{self, AuditLog, Settings};
use crate::gate::cache::Cache;
use crate::gate::{self, printable, Decision, Options, Slots};
use crate::sys::{self, PeerCredentials, Signal, SignalWaiter};

/// Where the daemon listens unless told otherwise (the packaged unit's socket), and where
/// `edgeverify check` asks.
pub(crate) const DEFAULT_SOCKET: &str = "/run/edgeverify/edgeverify.sock";
/// Longest request line (a path is at most 4096 bytes, plus JSON).
pub(crate) const MAX_REQUEST_LINE_BYTES: usize = 16 * 1024;
/// Most simultaneous connections; more are answered with an error and closed.
pub(crate) const MAX_CONNECTIONS: usize = 128;
/// Most simultaneous connections from one uid other than root and the daemon's own.
pub(crate) const MAX_CONNECTIONS_PER_UID: usize = 16;
/// Connections only root and the daemon's own uid may use: other users together never get
/// more than `MAX_CONNECTIONS - RESERVED_CONNECTIONS`.
pub(crate) const RESERVED_CONNECTIONS: usize = 16;
/// A connection with no request for this long is closed.
pub(crate) const IDLE_TIMEOUT: Duration = Duration::from_secs(300);
/// A request line must be complete this long after its first byte arrived (a client sending
/// a byte now and then cannot hold a connection forever).
pub(crate) const REQUEST_LINE_DEADLINE: Duration = Duration::from_secs(5);
/// A peer that does not read its answer within this time is disconnected.
pub(crate) const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// How long SIGTERM waits for in-flight requests.
pub(crate) const DRAIN_TIMEOUT: Duration = Duration::from_secs(10);
/// Most hashing and verifications running at once (each may hold a bundle of up to 4 MiB).
pub(crate) const MAX_CONCURRENT_VERIFICATIONS: usize = 4;
/// Default requests per second per uid (root and the daemon's own uid are not limited).
pub(crate) const DEFAULT_CLIENT_RATE: u32 = 100;

/// Arguments of `edgeverify serve`.
pub struct Args {
    policy: PathBuf,
    socket: PathBuf,
    socket_mode: u32,
    socket_group: Option<String>,
    cache_file: Option<PathBuf>,
    audit_log: Option<PathBuf>,
    audit_max_bytes: u64,
    audit_keep: u32,
    client_rate: u32,
    allow_empty_policy: bool,
}

/// `edgeverify serve`'s command line (the defaults written in the help are checked against
/// the constants by a test).
pub static COMMAND: Command = Command {
    name: "serve",
    about: "Answer \"may this program run?\" for local processes over a Unix socket.",
    options: &[&[
        Opt {
            long: "policy",
            value: Some("FILE"),
            help: "The policy file (TOML; see `edgeverify policy check`). Re-read on SIGHUP.",
        },
        Opt {
            long: "socket",
            value: Some("PATH"),
            help: "The Unix socket to listen on (created; a stale socket there is replaced). \
                   [default: /run/edgeverify/edgeverify.sock]",
        },
        Opt {
            long: "socket-mode",
            value: Some("OCTAL"),
            help: "Permissions of the socket, octal. Connecting needs write permission. \
                   [default: 0600]",
        },
        Opt {
            long: "socket-group",
            value: Some("GROUP"),
            help: "Group owning the socket (name or number); use with --socket-mode 0660.",
        },
        Opt {
            long: "cache-file",
            value: Some("FILE"),
            help: "Persist the verdict cache here (CBOR, authenticated; written atomically). The \
                   directory must be writable by the daemon's user only. Default: memory only.",
        },
        Opt {
            long: "audit-log",
            value: Some("FILE"),
            help: "Append one JSON line per decision here.",
        },
        Opt {
            long: "audit-max-bytes",
            value: Some("BYTES"),
            help: "Rotate the audit log when it would exceed this many bytes. [default: 10485760]",
        },
        Opt {
            long: "audit-keep",
            value: Some("N"),
            help: "Rotated audit logs kept (FILE.1 … FILE.N). [default: 3]",
        },
        Opt {
            long: "client-rate",
            value: Some("N"),
            help: "Requests per second each uid may make (root and the daemon's own uid: \
                   unlimited; 0: no limit). Requests beyond it are refused and counted, not \
                   logged one by one. [default: 100]",
        },
        Opt {
            long: "allow-empty-policy",
            value: None,
            help: "Start (and accept reloads) even when the policy has no rules, so that every \
                   request is denied. Without it such a policy is refused as the likely mistake \
                   it is.",
        },
    ]],
    positionals: &[],
    trailing: false,
};

impl Args {
    /// Parses what follows `serve`.
    pub fn parse(args: Vec<OsString>) -> Result<Self, Stop> {
        let m = COMMAND.parse(args)?;
        let socket_mode = match m.string("socket-mode")? {
            None => 0o600,
            Some(text) => parse_mode(&text).map_err(|why| m.invalid("socket-mode", &text, &why))?,
        };
        Ok(Self {
            policy: m.required_path("policy")?,
            socket: m
                .path("socket")
                .unwrap_or_else(|| PathBuf::from(DEFAULT_SOCKET)),
            socket_mode,
            socket_group: m.string("socket-group")?,
            cache_file: m.path("cache-file"),
            audit_log: m.path("audit-log"),
            audit_max_bytes: m.parsed("audit-max-bytes", audit::DEFAULT_MAX_BYTES)?,
            audit_keep: m.parsed("audit-keep", audit::DEFAULT_KEEP)?,
            client_rate: m.parsed("client-rate", DEFAULT_CLIENT_RATE)?,
            allow_empty_policy: m.switch("allow-empty-policy"),
        })
    }
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

/// A token bucket per uid.
struct Bucket {
    tokens: f64,
    last: Instant,
    /// Requests refused since the bucket last let one through.
    refused: u64,
}

struct Connection {
    stream: UnixStream,
    uid: Option<u32>,
}

struct Shared {
    policy_path: PathBuf,
    allow_empty_policy: bool,
    config: RwLock<Arc<Config>>,
    cache: Cache,
    audit: AuditLog,
    slots: Slots,
    connections: Mutex<HashMap<u64, Connection>>,
    closed: Condvar,
    control: Arc<Control>,
    client_rate: u32,
    buckets: Mutex<HashMap<u32, Bucket>>,
    /// One reload at a time.
    reloading: Mutex<()>,
}

/// What the signal thread and the accept loop share from the very start.
struct Control {
    stopping: AtomicBool,
    /// Written to wake the accept loop (the socket file may be gone, so no connect).
    wake: UnixStream,
    /// Set once the daemon serves: before that, SIGTERM exits at once.
    shared: OnceLock<Arc<Shared>>,
    /// A SIGHUP not yet acted on. Set before `shared` is looked at, taken after `shared` is
    /// set, so a SIGHUP arriving anywhere in start-up (the policy may already have been read,
    /// the socket may already accept) is reloaded exactly once, never dropped.
    reload_pending: AtomicBool,
}

impl Shared {
    fn config(&self) -> Arc<Config> {
        Arc::clone(&self.config.read().unwrap_or_else(PoisonError::into_inner))
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Whether `uid` is root or the daemon's own user (never limited per uid).
fn privileged(uid: Option<u32>) -> bool {
    uid.is_some_and(|u| u == 0 || u == sys::effective_uid())
}

/// Runs `edgeverify serve` until SIGTERM or SIGINT.
pub fn run(args: Args) -> Outcome {
    sys::bound_allocator_retention();
    // Before any thread exists, so that every thread inherits the mask.
    let signals = match SignalWaiter::block() {
        Ok(s) => s,
        Err(e) => return fail(&format!("cannot block signals: {e}")),
    };
    let (wake_rx, wake_tx) = match UnixStream::pair() {
        Ok(p) => p,
        Err(e) => return fail(&format!("cannot create the wake-up pair: {e}")),
    };
    let control = Arc::new(Control {
        stopping: AtomicBool::new(false),
        wake: wake_tx,
        shared: OnceLock::new(),
        reload_pending: AtomicBool::new(false),
    });
    // SIGTERM works from here on, whatever start-up is doing.
    let signal_thread = {
        let control = Arc::clone(&control);
        std::thread::Builder::new()
            .name("signals".into())
            .spawn(move || handle_signals(&control, &signals))
    };
    if let Err(e) = signal_thread {
        return fail(&format!("cannot start the signal thread: {e}"));
    }

    let cfg = match load_policy(&args.policy, false, args.allow_empty_policy) {
        Ok(c) => c,
        Err(e) => return fail(&e),
    };
    let cache = match &args.cache_file {
        None => Cache::in_memory(),
        Some(f) => match Cache::open(f, &cfg) {
            Ok((cache, note)) => {
                if let Some(note) = note {
                    log(&note);
                }
                cache
            }
            Err(e) => return fail(&e),
        },
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
    if let Err(e) = listener.set_nonblocking(true) {
        return fail(&format!("cannot configure the socket: {e}"));
    }
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
    if let Err(e) = audit_log.record(&audit::event_record("start", true, &started)) {
        let _ = std::fs::remove_file(&args.socket);
        return fail(&format!("cannot write the audit log: {e}"));
    }
    log(&started);

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
        control: Arc::clone(&control),
        client_rate: args.client_rate,
        buckets: Mutex::new(HashMap::new()),
        reloading: Mutex::new(()),
    });
    let _ = control.shared.set(Arc::clone(&shared));
    if control.reload_pending.swap(false, Ordering::SeqCst) {
        spawn_reload(&shared);
    }

    accept_loop(&shared, &listener, &wake_rx);
    let drained = drain(&shared);
    let _ = std::fs::remove_file(&args.socket);
    shared.cache.flush();
    let detail = if drained {
        "drained"
    } else {
        "drain timeout: connections still busy were cut"
    };
    log(&format!("stopped ({detail})"));
    let _ = shared
        .audit
        .record(&audit::event_record("stop", drained, detail));
    shared.audit.close();
    Outcome::Verified
}

fn accept_loop(shared: &Arc<Shared>, listener: &UnixListener, wake: &UnixStream) {
    let next_id = AtomicU64::new(0);
    let fds = [listener.as_raw_fd(), wake.as_raw_fd()];
    loop {
        if shared.control.stopping.load(Ordering::SeqCst) {
            break;
        }
        match sys::wait_readable(&fds) {
            Ok(ready) if ready.get(1) == Some(&true) => break,
            Ok(_) => {}
            Err(e) => {
                log(&format!("poll failed: {e}"));
                std::thread::sleep(Duration::from_millis(100));
                continue;
            }
        }
        let stream = match listener.accept() {
            Ok((s, _)) => s,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
            Err(e) => {
                // EMFILE and friends: log, breathe, go on; the kernel queue keeps the peers.
                log(&format!("accept failed: {e}"));
                std::thread::sleep(Duration::from_millis(50));
                continue;
            }
        };
        let peer = sys::peer_credentials(&stream).ok();
        let uid = peer.map(|p| p.uid);
        let id = next_id.fetch_add(1, Ordering::Relaxed);
        {
            let mut conns = lock(&shared.connections);
            if let Some(reason) = admission_refused(&conns, uid) {
                drop(conns);
                // Never block the accept loop on a peer that does not read.
                let _ = stream.set_nonblocking(true);
                let _ = (&stream).write_all(&response_line(&refusal(&reason)));
                continue;
            }
            match stream.try_clone() {
                Ok(clone) => {
                    conns.insert(id, Connection { stream: clone, uid });
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
                serve_connection(&worker, stream, peer);
                lock(&worker.connections).remove(&id);
                worker.closed.notify_all();
            });
        if let Err(e) = spawned {
            log(&format!("cannot start a connection thread: {e}"));
            lock(&shared.connections).remove(&id);
        }
    }
}

/// Why a new connection from `uid` is refused, if it is.
fn admission_refused(conns: &HashMap<u64, Connection>, uid: Option<u32>) -> Option<String> {
    if conns.len() >= MAX_CONNECTIONS {
        return Some(format!("too many connections (limit {MAX_CONNECTIONS})"));
    }
    if privileged(uid) {
        return None;
    }
    let unprivileged = conns.values().filter(|c| !privileged(c.uid)).count();
    if unprivileged >= MAX_CONNECTIONS - RESERVED_CONNECTIONS {
        return Some(format!(
            "too many connections from unprivileged users (limit {}; the rest is kept for \
             root)",
            MAX_CONNECTIONS - RESERVED_CONNECTIONS
        ));
    }
    let mine = conns.values().filter(|c| c.uid == uid).count();
    if mine >= MAX_CONNECTIONS_PER_UID {
        return Some(format!(
            "too many connections from uid {} (limit {MAX_CONNECTIONS_PER_UID})",
            uid.map_or_else(|| "unknown".to_string(), |u| u.to_string())
        ));
    }
    None
}

/// Stops reading from every connection (each finishes the request it is handling) and
/// waits for them, at most `DRAIN_TIMEOUT`. True if all finished.
fn drain(shared: &Shared) -> bool {
    let conns = lock(&shared.connections);
    for c in conns.values() {
        let _ = c.stream.shutdown(Shutdown::Read);
    }
    shared
        .closed
        .wait_timeout_while(conns, DRAIN_TIMEOUT, |c| !c.is_empty())
        .is_ok_and(|(c, _)| c.is_empty())
}

/// Reloads on its own thread: a slow reload never delays SIGTERM.
fn spawn_reload(shared: &Arc<Shared>) {
    let shared = Arc::clone(shared);
    let _ = std::thread::Builder::new()
        .name("reload".into())
        .spawn(move || reload(&shared));
}

fn handle_signals(control: &Arc<Control>, signals: &SignalWaiter) {
    loop {
        match signals.wait() {
            Ok(Signal::Hangup) => {
                control.reload_pending.store(true, Ordering::SeqCst);
                match control.shared.get() {
                    Some(shared) => {
                        if control.reload_pending.swap(false, Ordering::SeqCst) {
                            spawn_reload(shared);
                        }
                    }
                    None => log("SIGHUP during start-up: reloading once the daemon serves"),
                }
            }
            Ok(Signal::Terminate) => {
                if control.shared.get().is_none() {
                    log("stopping during start-up");
                    std::process::exit(0);
                }
                log("stopping: draining connections");
                control.stopping.store(true, Ordering::SeqCst);
                // Wake the accept loop.
                let _ = (&control.wake).write_all(b"x");
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
/// signature per keyless verification with the public-good root). A reload waits for a file
/// being written to settle. A policy without rules would deny every request: refused unless
/// `--allow-empty-policy` says that is intended.
fn load_policy(path: &Path, reloading: bool, allow_empty: bool) -> Result<Config, String> {
    let mut cfg = if reloading {
        config::load_settled(path)
    } else {
        config::load(path)
    }
    .map_err(|e: ConfigError| e.to_string())?;
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
    let _one_at_a_time = lock(&shared.reloading);
    match load_policy(&shared.policy_path, true, shared.allow_empty_policy) {
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
            let _ = shared
                .audit
                .record(&audit::event_record("reload", true, &detail));
        }
        Err(e) => {
            let detail = format!("reload failed, keeping the previous policy: {e}");
            log(&detail);
            let _ = shared
                .audit
                .record(&audit::event_record("reload", false, &detail));
        }
    }
}

/// One request line, or why there is none.
enum Line {
    Complete,
    TooLong,
    /// End of stream, timeout, deadline or error: close the connection.
    Closed,
}

/// Reads request lines with an idle timeout before a line starts and a deadline once it has.
struct LineReader {
    stream: UnixStream,
    pending: Vec<u8>,
    timeout: Option<Duration>,
}

impl LineReader {
    fn next(&mut self, line: &mut Vec<u8>) -> Line {
        line.clear();
        let mut deadline =
            (!self.pending.is_empty()).then(|| Instant::now() + REQUEST_LINE_DEADLINE);
        let mut chunk = [0u8; 8192];
        loop {
            if let Some(i) = self.pending.iter().position(|&b| b == b'\n') {
                if i >= MAX_REQUEST_LINE_BYTES {
                    return Line::TooLong;
                }
                line.extend(self.pending.drain(..=i));
                return Line::Complete;
            }
            if self.pending.len() > MAX_REQUEST_LINE_BYTES {
                return Line::TooLong;
            }
            let timeout = match deadline {
                None => IDLE_TIMEOUT,
                Some(d) => match d.checked_duration_since(Instant::now()) {
                    Some(left) if !left.is_zero() => left,
                    _ => return Line::Closed,
                },
            };
            if self.timeout != Some(timeout) {
                if self.stream.set_read_timeout(Some(timeout)).is_err() {
                    return Line::Closed;
                }
                self.timeout = Some(timeout);
            }
            match self.stream.read(&mut chunk) {
                Ok(0) => return Line::Closed,
                Ok(n) => {
                    deadline.get_or_insert_with(|| Instant::now() + REQUEST_LINE_DEADLINE);
                    self.pending
                        .extend_from_slice(chunk.get(..n).unwrap_or_default());
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => return Line::Closed,
            }
        }
    }
}

fn serve_connection(shared: &Shared, stream: UnixStream, peer: Option<PeerCredentials>) {
    let _ = stream.set_write_timeout(Some(WRITE_TIMEOUT));
    let Ok(read_half) = stream.try_clone() else {
        return;
    };
    let mut reader = LineReader {
        stream: read_half,
        pending: Vec::new(),
        timeout: None,
    };
    let mut writer = stream;
    let mut line = Vec::with_capacity(512);
    loop {
        match reader.next(&mut line) {
            Line::Closed => return,
            Line::TooLong => {
                let _ = writer.write_all(&response_line(&refusal(&format!(
                    "request line longer than {MAX_REQUEST_LINE_BYTES} bytes"
                ))));
                return;
            }
            Line::Complete => {}
        }
        let decision = handle(shared, peer.as_ref(), &line, &writer);
        if writer.write_all(&response_line(&decision)).is_err() {
            return;
        }
    }
}

/// Whether a request from `uid` may go on now (token bucket); logs the start and the end of
/// each episode of refusals once, not every refused request.
fn within_rate(shared: &Shared, uid: Option<u32>) -> bool {
    if shared.client_rate == 0 || privileged(uid) {
        return true;
    }
    let uid = uid.unwrap_or(u32::MAX);
    let rate = f64::from(shared.client_rate);
    let now = Instant::now();
    let mut buckets = lock(&shared.buckets);
    if buckets.len() > 4096 {
        // Idle buckets are full buckets: forgetting them changes nothing.
        buckets.retain(|_, b| now.duration_since(b.last).as_secs_f64() * rate < rate);
    }
    let b = buckets.entry(uid).or_insert(Bucket {
        tokens: rate,
        last: now,
        refused: 0,
    });
    b.tokens = (b.tokens + now.duration_since(b.last).as_secs_f64() * rate).min(rate);
    b.last = now;
    if b.tokens >= 1.0 {
        b.tokens -= 1.0;
        let refused = core::mem::take(&mut b.refused);
        drop(buckets);
        if refused > 0 {
            let _ = shared.audit.record(&audit::event_record(
                "rate-limit",
                true,
                &format!("uid {uid}: {refused} request(s) refused over the rate limit"),
            ));
        }
        return true;
    }
    b.refused += 1;
    let first = b.refused == 1;
    drop(buckets);
    if first {
        let _ = shared.audit.record(&audit::event_record(
            "rate-limit",
            false,
            &format!(
                "uid {uid} exceeds {} request(s) per second; refusing (counted, not logged one \
                 by one)",
                shared.client_rate
            ),
        ));
    }
    false
}

fn handle(
    shared: &Shared,
    peer: Option<&PeerCredentials>,
    line: &[u8],
    client: &UnixStream,
) -> Decision {
    if !within_rate(shared, peer.map(|p| p.uid)) {
        return refusal(&format!(
            "rate limit: more than {} requests per second from this user",
            shared.client_rate
        ));
    }
    let request: Request = match serde_json::from_slice(line) {
        Ok(r) => r,
        Err(e) => {
            return refusal(&format!(
                "bad request (expected {{\"path\": \"/abs/path\"}}): {e}"
            ))
        }
    };
    let cfg = shared.config();
    let client_fd = client.as_raw_fd();
    let control = &shared.control;
    let cancelled =
        move || control.stopping.load(Ordering::Relaxed) || sys::peer_hung_up(client_fd);
    let (decision, canonical) = if !request.path.starts_with('/') {
        (refusal("path must be absolute"), None)
    } else {
        match gate::open_program(Path::new(&request.path)) {
            Ok(program) => (
                gate::decide(
                    &cfg,
                    &program,
                    &Options {
                        cache: Some(&shared.cache),
                        slots: Some(&shared.slots),
                        copy_to: None,
                        cancelled: Some(&cancelled),
                    },
                ),
                Some(program.canonical),
            ),
            Err(e) => (refusal(&e.0), None),
        }
    };
    match canonical {
        Some(c) => logged(shared, peer, &c, Some(&request.path), decision),
        None => logged(shared, peer, &request.path, None, decision),
    }
}

/// `decision` once its record is in the audit log; a refusal if the log cannot take it.
fn logged(
    shared: &Shared,
    peer: Option<&PeerCredentials>,
    path: &str,
    requested: Option<&str>,
    decision: Decision,
) -> Decision {
    let record = audit::decision_record(peer, path, requested, &decision);
    match shared.audit.record(&record) {
        Ok(()) => decision,
        Err(e) => refusal(&format!(
            "the audit log cannot be written ({e}): no answer but \"deny\" until it can"
        )),
    }
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
    eprintln!("edgeverify: {}", printable(message));
}

fn fail(message: &str) -> Outcome {
    log(message);
    Outcome::Unusable
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The defaults the help text states are the ones used.
    #[test]
    fn help_states_the_defaults() {
        let help = COMMAND.help().replace('\n', " ");
        let collapsed = help.split_whitespace().collect::<Vec<_>>().join(" ");
        for default in [
            DEFAULT_SOCKET.to_string(),
            audit::DEFAULT_MAX_BYTES.to_string(),
            audit::DEFAULT_KEEP.to_string(),
            DEFAULT_CLIENT_RATE.to_string(),
            "0600".to_string(),
        ] {
            assert!(
                collapsed.contains(&format!("[default: {default}]")),
                "{default}: {help}"
            );
        }
        let args = Args::parse(vec!["--policy".into(), "p.toml".into()]).unwrap();
        assert_eq!(args.socket, PathBuf::from(DEFAULT_SOCKET));
        assert_eq!(args.socket_mode, 0o600);
        assert_eq!(args.audit_max_bytes, audit::DEFAULT_MAX_BYTES);
        assert_eq!(args.audit_keep, audit::DEFAULT_KEEP);
        assert_eq!(args.client_rate, DEFAULT_CLIENT_RATE);
    }

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
