//! Cache-hit throughput of `edgeverify serve` over its Unix socket, against two baselines
//! measured in the same run on the same machine with the same client code:
//!
//! - **echo**: a trivial in-process server on a Unix socket that answers every request line
//!   with a fixed line of the same size (the ceiling of the socket round trip itself);
//! - **miss**: the real daemon answering a request it must verify in full every time (a
//!   rule whose identity does not match: failures are never cached).
//!
//! Two kinds of cache hit: a program on a read-only superblock (a tmpfs remounted read-only;
//! needs root, skipped otherwise), whose digest the daemon may remember while the mount table
//! is unchanged, and a program on a writable file system, which it hashes again for every
//! request (a stat fingerprint does not prove content) before it finds the cached verdict.
//!
//! Usage: `serve-cache-hit EDGEVERIFY_BINARY [CLIENTS] [SECONDS]` (see
//! `benches/serve-cache-hit.sh`, which builds the release binaries and runs this).

use core::time::Duration;
use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

const IDENTITY: &str = "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@refs/tags/v2.1.0";
const ISSUER: &str = "https://token.actions.githubusercontent.com";

fn main() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let bin = PathBuf::from(
        args.next()
            .ok_or("usage: serve-cache-hit EDGEVERIFY [CLIENTS] [SECONDS]")?,
    );
    let clients: usize = args
        .next()
        .map_or(Ok(2), |s| s.parse())
        .map_err(|e| format!("{e}"))?;
    let seconds: u64 = args
        .next()
        .map_or(Ok(5), |s| s.parse())
        .map_err(|e| format!("{e}"))?;

    let dir = std::env::temp_dir().join(format!("ev-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("hit")).map_err(|e| e.to_string())?;
    std::fs::create_dir_all(dir.join("miss")).map_err(|e| e.to_string())?;
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/artifacts");
    for sub in ["hit", "miss"] {
        copy(
            &examples.join("binary-linux-amd64"),
            &dir.join(sub).join("app"),
        )?;
        copy(
            &examples.join("binary-linux-amd64.intoto.jsonl"),
            &dir.join(sub).join("app.intoto.jsonl"),
        )?;
    }
    let policy = dir.join("policy.toml");
    let d = dir.display();
    std::fs::write(
        &policy,
        format!(
            "[[rule]]\nname = \"hit\"\npaths = [\"{d}/hit/*\"]\ncertificate_identity = \"{IDENTITY}\"\n\
             certificate_oidc_issuer = \"{ISSUER}\"\n\n[[rule]]\nname = \"miss\"\npaths = [\"{d}/miss/*\"]\n\
             certificate_identity = \"https://github.com/someone/else\"\ncertificate_oidc_issuer = \"{ISSUER}\"\n"
        ),
    )
    .map_err(|e| e.to_string())?;
    let read_only = mount_read_only(&dir.join("ro"), &examples)?;
    if read_only {
        let mut text = std::fs::read_to_string(&policy).map_err(|e| e.to_string())?;
        text.push_str(&format!(
            "\n[[rule]]\nname = \"ro\"\npaths = [\"{d}/ro/*\"]\ncertificate_identity = \"{IDENTITY}\"\n\
             certificate_oidc_issuer = \"{ISSUER}\"\n"
        ));
        std::fs::write(&policy, text).map_err(|e| e.to_string())?;
    }

    let socket = dir.join("ev.sock");
    let mut daemon = Daemon(
        Command::new(&bin)
            .args(["serve", "--policy"])
            .arg(&policy)
            .arg("--socket")
            .arg(&socket)
            .arg("--cache-file")
            .arg(dir.join("verdicts.cbor"))
            .arg("--audit-log")
            .arg(dir.join("audit.log"))
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("{}: {e}", bin.display()))?,
    );
    let start = Instant::now();
    while UnixStream::connect(&socket).is_err() {
        if start.elapsed() > Duration::from_secs(30) || daemon.0.try_wait().ok().flatten().is_some()
        {
            return Err("the daemon did not start".into());
        }
        std::thread::sleep(Duration::from_millis(10));
    }

    let hit_req = format!("{{\"path\":\"{d}/hit/app\"}}\n");
    let miss_req = format!("{{\"path\":\"{d}/miss/app\"}}\n");
    // Warm the cache and check the answers are what we think we measure.
    let first = one(&socket, &hit_req)?;
    let hit_answer = one(&socket, &hit_req)?;
    let miss_answer = one(&socket, &miss_req)?;
    if !first.contains("\"allow\":true") || !hit_answer.contains("\"cached\":true") {
        return Err(format!("unexpected hit answer: {hit_answer}"));
    }
    if !miss_answer.contains("\"allow\":false") {
        return Err(format!("unexpected miss answer: {miss_answer}"));
    }

    let echo_socket = dir.join("echo.sock");
    let echo = echo_server(&echo_socket, hit_answer.clone())?;

    let window = Duration::from_secs(seconds);
    let echo_rate = measure(&echo_socket, &hit_req, clients, window, "allow")?;
    let ro_req = format!("{{\"path\":\"{d}/ro/app\"}}\n");
    let ro_rate = if read_only {
        let _ = one(&socket, &ro_req)?;
        Some(measure(
            &socket,
            &ro_req,
            clients,
            window,
            "\"cached\":true",
        )?)
    } else {
        None
    };
    let hit_rate = measure(&socket, &hit_req, clients, window, "\"cached\":true")?;
    let miss_rate = measure(
        &socket,
        &miss_req,
        clients,
        window.min(Duration::from_secs(3)),
        "\"allow\":false",
    )?;
    drop(echo);

    println!("clients: {clients} (one connection each, one request in flight per connection), {seconds} s per measurement, audit log on");
    println!("echo baseline (same socket round trip, fixed answer): {echo_rate:>9.0} req/s");
    match ro_rate {
        Some(r) => println!(
            "edgeverify serve, cache hit, read-only mount (memo):   {r:>9.0} req/s  ({:.2} × echo)",
            r / echo_rate
        ),
        None => println!(
            "edgeverify serve, cache hit, read-only mount: not measured (needs root to mount)"
        ),
    }
    let size = std::fs::metadata(examples.join("binary-linux-amd64")).map_or(0, |m| m.len());
    println!("edgeverify serve, cache hit, writable fs (rehash {size} B): {hit_rate:>9.0} req/s  ({:.2} × echo)", hit_rate / echo_rate);
    println!("edgeverify serve, full verification (never cached):    {miss_rate:>9.0} req/s  (hit = {:.0} × miss)", hit_rate / miss_rate);
    drop(daemon);
    if read_only {
        let _ = Command::new("umount")
            .arg("-l")
            .arg(dir.join("ro"))
            .status();
    }
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

/// As root: a tmpfs at `at` holding the sample program and its bundle, remounted read-only.
/// False (nothing mounted) otherwise.
fn mount_read_only(at: &Path, examples: &Path) -> Result<bool, String> {
    std::fs::create_dir_all(at).map_err(|e| e.to_string())?;
    let mount = |args: &[&str]| {
        Command::new("mount")
            .args(args)
            .arg(at)
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    if !mount(&["-t", "tmpfs", "-o", "size=16m", "tmpfs"]) {
        return Ok(false);
    }
    copy(&examples.join("binary-linux-amd64"), &at.join("app"))?;
    copy(
        &examples.join("binary-linux-amd64.intoto.jsonl"),
        &at.join("app.intoto.jsonl"),
    )?;
    Ok(mount(&["-o", "remount,ro"]))
}

struct Daemon(Child);

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn copy(from: &Path, to: &Path) -> Result<(), String> {
    std::fs::copy(from, to)
        .map(|_| ())
        .map_err(|e| format!("{}: {e}", from.display()))
}

fn one(socket: &Path, request: &str) -> Result<String, String> {
    let mut s = UnixStream::connect(socket).map_err(|e| e.to_string())?;
    s.write_all(request.as_bytes()).map_err(|e| e.to_string())?;
    let mut line = String::new();
    BufReader::new(s)
        .read_line(&mut line)
        .map_err(|e| e.to_string())?;
    Ok(line)
}

/// Requests per second over `clients` connections, each sending `request` and reading the
/// answer in a loop for `window`. Every answer must contain `expect`.
fn measure(
    socket: &Path,
    request: &str,
    clients: usize,
    window: Duration,
    expect: &str,
) -> Result<f64, String> {
    let stop = Arc::new(AtomicBool::new(false));
    let mut threads = Vec::new();
    for _ in 0..clients {
        let s = UnixStream::connect(socket).map_err(|e| e.to_string())?;
        let (stop, request, expect) = (Arc::clone(&stop), request.to_string(), expect.to_string());
        threads.push(std::thread::spawn(move || -> Result<u64, String> {
            let mut reader = BufReader::new(s.try_clone().map_err(|e| e.to_string())?);
            let mut writer = s;
            let mut line = String::new();
            let mut n = 0u64;
            while !stop.load(Ordering::Relaxed) {
                writer
                    .write_all(request.as_bytes())
                    .map_err(|e| e.to_string())?;
                line.clear();
                reader.read_line(&mut line).map_err(|e| e.to_string())?;
                if !line.contains(&expect) {
                    return Err(format!("unexpected answer: {line}"));
                }
                n += 1;
            }
            Ok(n)
        }));
    }
    let start = Instant::now();
    std::thread::sleep(window);
    stop.store(true, Ordering::Relaxed);
    let mut total = 0u64;
    for t in threads {
        total += t.join().map_err(|_| "client thread panicked")??;
    }
    let secs = start.elapsed().as_secs_f64();
    Ok(u64_to_f64(total) / secs)
}

fn u64_to_f64(n: u64) -> f64 {
    // Request counts are far below 2^53.
    f64::from(u32::try_from(n).unwrap_or(u32::MAX))
}

/// Answers every line with `answer`, one thread per connection (like the daemon).
fn echo_server(path: &Path, answer: String) -> Result<std::thread::JoinHandle<()>, String> {
    let listener = UnixListener::bind(path).map_err(|e| e.to_string())?;
    Ok(std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let answer = answer.clone();
            std::thread::spawn(move || {
                let Ok(read) = stream.try_clone() else { return };
                let mut reader = BufReader::new(read);
                let mut writer = stream;
                let mut line = Vec::new();
                loop {
                    line.clear();
                    match reader.read_until(b'\n', &mut line) {
                        Ok(0) | Err(_) => return,
                        Ok(_) => {}
                    }
                    if writer.write_all(answer.as_bytes()).is_err() {
                        return;
                    }
                }
            });
        }
    }))
}
