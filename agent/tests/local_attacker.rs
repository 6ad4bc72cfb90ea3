//! Issue 14: a local, unprivileged attacker against a root `exec` gate and `serve` daemon.
//! Each test runs the attack (as uid 65534 where the attacker's identity matters: the test
//! process is root in CI and starts helper processes as that user) and fails if it works.
//! Tests that need root (another uid, mounts, namespaces) skip with a message without it.
//!
//! The helper processes are this test binary run again as another user, with `EV_HELPER`
//! naming the task (see [`helper`]).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use core::time::Duration;
use std::fs::{self, OpenOptions};
use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Output, Stdio};
use std::time::Instant;

use common::daemon::*;
use common::*;
use serde_json::{json, Value};

// ---------------------------------------------------------------------------------------
// Helper processes (run as another uid)
// ---------------------------------------------------------------------------------------

/// Separates the words of an `EV_HELPER` task.
const SEP: char = '\u{1f}';

/// The body of the helper processes the attack tests start as another user. Not a test by
/// itself: without `EV_HELPER` it does nothing, which is why it only runs when asked for.
#[test]
#[ignore = "the body of helper processes started by the attack tests (EV_HELPER); not a test"]
fn helper() {
    let Ok(task) = std::env::var("EV_HELPER") else {
        return;
    };
    let words: Vec<&str> = task.split(SEP).collect();
    match words[0] {
        "connect" => helper_connect(Path::new(words[1]), words[2].parse().unwrap()),
        "ask" => helper_ask(Path::new(words[1]), words[2], words[3].parse().unwrap()),
        "mmap" => helper_mmap(Path::new(words[1]), words[2].parse().unwrap()),
        other => panic!("unknown helper task {other}"),
    }
}

/// Opens `n` connections and keeps those the daemon did not refuse until stdin closes.
fn helper_connect(socket: &Path, n: usize) {
    let streams: Vec<UnixStream> = (0..n)
        .filter_map(|_| UnixStream::connect(socket).ok())
        .collect();
    std::thread::sleep(Duration::from_millis(500));
    let (mut held, mut refused, mut reason) = (Vec::new(), 0, String::new());
    for s in streams {
        s.set_nonblocking(true).unwrap();
        let mut buf = [0u8; 1024];
        match (&s).read(&mut buf) {
            Ok(0) => refused += 1,
            Ok(k) => {
                refused += 1;
                reason = String::from_utf8_lossy(&buf[..k]).trim().to_string();
            }
            Err(_) => held.push(s),
        }
    }
    println!("EV: {} {refused}", held.len());
    println!("EV: {reason}");
    let _ = std::io::stdin().read_to_end(&mut Vec::new());
}

/// Sends `count` requests for `path` on one connection; counts the answers.
fn helper_ask(socket: &Path, path: &str, count: usize) {
    let s = UnixStream::connect(socket).unwrap();
    let mut reader = BufReader::new(s.try_clone().unwrap());
    let mut w = s;
    let (mut allowed, mut limited, mut answered) = (0, 0, 0);
    let mut line = json!({ "path": path }).to_string();
    line.push('\n');
    for _ in 0..count {
        if w.write_all(line.as_bytes()).is_err() {
            break;
        }
        let mut answer = String::new();
        if reader.read_line(&mut answer).unwrap_or(0) == 0 {
            break;
        }
        answered += 1;
        let v: Value = serde_json::from_str(&answer).unwrap();
        allowed += usize::from(v["allow"] == json!(true));
        limited += usize::from(
            v["reason"]
                .as_str()
                .is_some_and(|r| r.contains("rate limit")),
        );
    }
    println!("EV: {answered} {allowed} {limited}");
}

/// Maps `file` shared and writable, dirties the page holding `offset` with the byte it
/// already has (the write fault updates mtime/ctime now), says "dirty", waits for a line on
/// stdin, then changes that byte through the already dirty page (no fault: no timestamp
/// update), says "changed", and keeps the mapping until stdin closes. With `offset`'s high
/// bit set it changes the byte at once and exits (used on tmpfs, between remounts).
#[allow(unsafe_code)]
fn helper_mmap(file: &Path, offset: u64) {
    use std::os::fd::AsRawFd;
    let at_once = offset & (1 << 63) != 0;
    let offset = usize::try_from(offset & !(1 << 63)).unwrap();
    let f = OpenOptions::new()
        .read(true)
        .write(true)
        .open(file)
        .unwrap();
    let len = usize::try_from(f.metadata().unwrap().len()).unwrap();
    // SAFETY: a fresh shared mapping of `len` bytes of an open file; no Rust reference to
    // it exists; it is unmapped below before the file closes.
    let base = unsafe {
        libc::mmap(
            core::ptr::null_mut(),
            len,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_SHARED,
            f.as_raw_fd(),
            0,
        )
    };
    assert_ne!(base, libc::MAP_FAILED);
    let byte = base.cast::<u8>().wrapping_add(offset);
    // SAFETY: `offset < len`, inside the mapping; volatile accesses to plain bytes.
    unsafe {
        let old = byte.read_volatile();
        if at_once {
            byte.write_volatile(old ^ 0x20);
        } else {
            byte.write_volatile(old);
            println!("EV: dirty");
            let mut go = String::new();
            std::io::stdin().read_line(&mut go).unwrap();
            byte.write_volatile(old ^ 0x20);
            println!("EV: changed");
            let _ = std::io::stdin().read_to_end(&mut Vec::new());
        }
        libc::munmap(base, len);
    }
}

/// A helper process: this test binary as `uid`, doing `task`.
struct Helper {
    child: Child,
    out: BufReader<ChildStdout>,
}

impl Helper {
    fn start(bin: &Path, uid: u32, task: &[&str]) -> Self {
        // Under an emulator (cross tests: EDGEVERIFY_TEST_RUNNER, e.g. qemu-aarch64) the test
        // binary runs through it too: the machine need not have binfmt_misc.
        let runner = std::env::var("EDGEVERIFY_TEST_RUNNER").unwrap_or_default();
        let mut words = runner.split_whitespace();
        let mut cmd = match words.next() {
            Some(emulator) => {
                let mut cmd = Command::new(emulator);
                cmd.args(words).arg(bin);
                cmd
            }
            None => Command::new(bin),
        };
        cmd.args([
            "--ignored",
            "--exact",
            "helper",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("EV_HELPER", task.join(&SEP.to_string()))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped());
        as_user(&mut cmd, uid);
        let mut child = cmd.spawn().unwrap();
        let out = BufReader::new(child.stdout.take().unwrap());
        Self { child, out }
    }

    /// The next line the task printed (after "EV: ").
    fn line(&mut self) -> String {
        loop {
            let mut l = String::new();
            assert!(
                self.out.read_line(&mut l).unwrap() > 0,
                "the helper ended early"
            );
            // The harness prints "test helper ... " first, on the same line.
            if let Some(at) = l.find("EV: ") {
                return l[at + 4..].trim_end().to_string();
            }
        }
    }

    fn tell(&mut self, line: &str) {
        let stdin = self.child.stdin.as_mut().unwrap();
        stdin.write_all(line.as_bytes()).unwrap();
        stdin.write_all(b"\n").unwrap();
    }

    fn finish(mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.wait();
    }
}

// ---------------------------------------------------------------------------------------
// Shared fixtures
// ---------------------------------------------------------------------------------------

fn allowed(v: &Value) -> bool {
    v["allow"] == json!(true)
}

fn reason(v: &Value) -> &str {
    v["reason"].as_str().unwrap_or("")
}

fn mkfifo(path: &Path) {
    assert!(Command::new("mkfifo").arg(path).status().unwrap().success());
}

fn sh(script: &str, args: &[&Path]) -> Command {
    let mut c = Command::new("sh");
    c.arg("-c").arg(script).arg("sh").args(args);
    c
}

/// A directory any user can enter (and not write).
fn open_dir(t: &TempDir) -> &Path {
    fs::set_permissions(t.path(), fs::Permissions::from_mode(0o755)).unwrap();
    t.path()
}

fn audit_lines(dir: &Path) -> Vec<Value> {
    audit_lines_in(&dir.join("audit.log"))
}

fn audit_lines_in(log: &Path) -> Vec<Value> {
    fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

/// The peak RSS of a process, KiB.
fn peak_rss_kib(pid: u32) -> u64 {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

/// `exec` with the test pause after the decision: `during_pause` runs while the gate holds
/// its verified copy, then the gate goes on.
fn exec_with_pause(
    t: &Path,
    policy: &Path,
    program: &Path,
    flags: &[&str],
    env: &[(&str, &str)],
    during_pause: impl FnOnce(),
) -> Output {
    let fifo = t.join("pause");
    let _ = fs::remove_file(&fifo);
    mkfifo(&fifo);
    let mut cmd = edgeverify_command();
    cmd.args(["exec", "--policy"])
        .arg(policy)
        .args(flags)
        .arg("--")
        .arg(program)
        .env("EDGEVERIFY_TEST_PAUSE_BEFORE_EXEC", &fifo)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    let writer = wait_for("the gate to pause after its decision", || {
        if let Ok(Some(_)) = child.try_wait() {
            return Some(None);
        }
        OpenOptions::new()
            .write(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(&fifo)
            .ok()
            .map(Some)
    });
    if writer.is_some() {
        during_pause();
    }
    drop(writer);
    child.wait_with_output().unwrap()
}

// ---------------------------------------------------------------------------------------
// 1. In-place write between hashing and exec
// ---------------------------------------------------------------------------------------

/// The program's owner (uid 65534) writes another program (`id`) over the signed file, in
/// place, after the gate hashed it and before it executes. The gate must run the signed
/// bytes ("Hello world"). Without the sealed copy (simulated missing memfd plus the explicit
/// opt-in) the same attack runs `id`: the test sees the difference.
#[test]
fn in_place_write_after_hashing_does_not_change_what_exec_runs() {
    if !root_or_skip("in_place_write_after_hashing_does_not_change_what_exec_runs")
        || !sample_runs_here()
    {
        return;
    }
    let t = TempDir::new("atk-inplace");
    let dir = open_dir(&t).join("opt");
    let policy = write_policy(
        t.path(),
        &identity_rule("app", &format!("{}/opt/*", t.path().display())),
    );
    let attack = |flags: &[&str], env: &[(&str, &str)]| {
        let app = install_app(&dir, "app");
        give_to(&app, NOBODY);
        let o = exec_with_pause(t.path(), &policy, &app, flags, env, || {
            let mut w = sh("cat /usr/bin/id 1<>\"$1\"", &[&app]);
            as_user(&mut w, NOBODY);
            assert!(w.status().unwrap().success(), "the owner could not write");
        });
        fs::remove_file(&app).unwrap();
        o
    };

    let o = attack(&[], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("Hello world"), "{}", stdout(&o));
    assert!(
        !stdout(&o).contains("uid="),
        "the bytes written after hashing ran"
    );

    // Without a sealed copy: refused (fail closed)…
    let o = attack(&[], &[("EDGEVERIFY_TEST_NO_MEMFD", "1")]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("sealed memory copy"), "{}", stderr(&o));
    assert!(!stdout(&o).contains("uid="));
    // …and with the loud opt-in, the attack works: this is what the test guards against.
    let o = attack(
        &["--insecure-exec-in-place"],
        &[("EDGEVERIFY_TEST_NO_MEMFD", "1")],
    );
    assert!(stdout(&o).contains("uid="), "{}", stdout(&o));
    assert!(
        stderr(&o).contains("--insecure-exec-in-place"),
        "{}",
        stderr(&o)
    );
}

/// The sealed copy is executable whatever the original's mode or mount: `exec` must still
/// refuse what the kernel would refuse to execute — a signed program without execute
/// permission, or on a `noexec` mount.
#[test]
fn the_sealed_copy_does_not_bypass_the_kernels_execute_checks() {
    let t = TempDir::new("atk-noexec");
    let dir = t.path().join("opt");
    let app = install_app(&dir, "app");
    fs::set_permissions(&app, fs::Permissions::from_mode(0o644)).unwrap();
    let policy = write_policy(
        t.path(),
        &identity_rule("app", &format!("{}/**", t.path().display())),
    );
    let run = |p: &Path| exec(&policy, p, &[]);
    let o = run(&app);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("may not be executed"), "{}", stderr(&o));
    assert!(!stdout(&o).contains("Hello world"));

    if !root_or_skip("the_sealed_copy_does_not_bypass_the_kernels_execute_checks (noexec part)") {
        return;
    }
    let mnt = t.path().join("noexec");
    fs::create_dir_all(&mnt).unwrap();
    if !Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=16m,noexec", "tmpfs"])
        .arg(&mnt)
        .status()
        .unwrap()
        .success()
    {
        eprintln!("SKIPPED noexec part: cannot mount tmpfs");
        return;
    }
    let app = install_app(&mnt, "app");
    let o = run(&app);
    let _ = Command::new("umount").arg("-l").arg(&mnt).status();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("noexec"), "{}", stderr(&o));
    assert!(
        !stdout(&o).contains("Hello world"),
        "ran from a noexec mount"
    );
}

// ---------------------------------------------------------------------------------------
// 2. Poisoning the daemon's digest memo
// ---------------------------------------------------------------------------------------

/// Fixture: the sample app in `dir/a` owned by uid 65534, a policy for it, the daemon.
fn daemon_fixture(tag: &str) -> (TempDir, PathBuf, PathBuf) {
    let t = TempDir::new(tag);
    open_dir(&t);
    let app = install_app(&t.path().join("a"), "app");
    let policy = write_policy(
        t.path(),
        &identity_rule("a", &format!("{}/a/*", t.path().display())),
    );
    (t, app, policy)
}

/// uid 65534 owns the program. It dirties a page through a shared mapping (timestamps
/// updated now), waits until they are old, lets the daemon verify and cache the signed
/// bytes, then changes the program through the already dirty page: size, mtime and ctime
/// stay the same. The daemon must not answer "allow" for the changed content.
#[test]
fn mapped_write_that_keeps_the_stat_fingerprint_is_seen() {
    if !root_or_skip("mapped_write_that_keeps_the_stat_fingerprint_is_seen") {
        return;
    }
    let (t, app, policy) = daemon_fixture("atk-mmap");
    give_to(&app, NOBODY);
    let bin = helper_binary(t.path());
    let offset = fs::metadata(&app).unwrap().len() / 2;
    let mut h = Helper::start(
        &bin,
        NOBODY,
        &["mmap", app.to_str().unwrap(), &offset.to_string()],
    );
    assert_eq!(h.line(), "dirty");
    // The old memo trusted fingerprints older than 2 s.
    std::thread::sleep(Duration::from_millis(2500));
    let server = Server::start(t.path(), &policy, &[]);
    let mut c = server.client();
    let v = c.ask(&app);
    assert!(allowed(&v), "{v}");
    let before = fs::metadata(&app).unwrap();
    h.tell("go");
    assert_eq!(h.line(), "changed");
    let after = fs::metadata(&app).unwrap();
    let stamp = |m: &fs::Metadata| {
        (
            m.size(),
            m.mtime(),
            m.mtime_nsec(),
            m.ctime(),
            m.ctime_nsec(),
        )
    };
    if stamp(&before) != stamp(&after) {
        eprintln!("note: the kernel updated the timestamps (page written back meanwhile)");
    }
    let v = c.ask(&app);
    assert!(!allowed(&v), "changed content allowed: {v}");
    assert_ne!(v["sha256"], json!(null), "{v}");
    h.finish();
}

/// Content on a read-only superblock is hashed once; a remount (read-write, changed through a
/// shared mapping, which on tmpfs keeps every timestamp, and read-only again, as with a medium
/// edited elsewhere) makes the daemon hash it again.
#[test]
fn read_only_mount_memo_does_not_survive_a_remount() {
    if !root_or_skip("read_only_mount_memo_does_not_survive_a_remount") {
        return;
    }
    let t = TempDir::new("atk-romount");
    open_dir(&t);
    let mnt = t.path().join("ro");
    fs::create_dir_all(&mnt).unwrap();
    let mount = |args: &[&str]| Command::new("mount").args(args).status().unwrap().success();
    if !mount(&[
        "-t",
        "tmpfs",
        "-o",
        "size=16m",
        "tmpfs",
        mnt.to_str().unwrap(),
    ]) {
        eprintln!("SKIPPED read_only_mount_memo_does_not_survive_a_remount: cannot mount tmpfs");
        return;
    }
    let app = install_app(&mnt, "app");
    let policy = write_policy(
        t.path(),
        &identity_rule("ro", &format!("{}/*", mnt.display())),
    );
    let remount = |mode: &str| {
        assert!(mount(&[
            "-o",
            &format!("remount,{mode}"),
            mnt.to_str().unwrap()
        ]))
    };
    remount("ro");
    let server = Server::start(t.path(), &policy, &[]);
    let mut c = server.client();
    assert!(allowed(&c.ask(&app)));
    let v = c.ask(&app);
    assert!(allowed(&v) && v["cached"] == json!(true), "{v}");

    remount("rw");
    let before = fs::metadata(&app).unwrap();
    let offset = (before.len() / 2) | (1 << 63);
    let bin = helper_binary(t.path());
    Helper::start(
        &bin,
        0,
        &["mmap", app.to_str().unwrap(), &offset.to_string()],
    )
    .finish();
    remount("ro");
    let v = c.ask(&app);
    assert!(
        !allowed(&v),
        "content changed between remounts was allowed: {v}"
    );
    drop(c);
    drop(server);
    let _ = Command::new("umount").arg("-l").arg(&mnt).status();
}

// ---------------------------------------------------------------------------------------
// 3. The cache file as an allow-list
// ---------------------------------------------------------------------------------------

/// The attacker replaces the cached content digest of the signed program with the digest of
/// a tampered one and recomputes the header's SHA-256 (the old format's only check). After a
/// restart the tampered program must be verified (and denied), not allowed from the cache.
#[test]
fn forged_cache_file_does_not_allow_anything() {
    let t = TempDir::new("atk-cache-forge");
    let app = install_app(&t.path().join("a"), "app");
    let tampered = install_app(&t.path().join("a"), "tampered");
    tamper(&tampered);
    let policy = write_policy(
        t.path(),
        &identity_rule("a", &format!("{}/a/*", t.path().display())),
    );
    let server = Server::start(t.path(), &policy, &[]);
    assert!(allowed(&server.client().ask(&app)));
    server.kill9();

    let digest = |p: &Path| {
        let o = Command::new("sha256sum").arg(p).output().unwrap();
        let hex = String::from_utf8(o.stdout).unwrap()[..64].to_string();
        (0..32)
            .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap())
            .collect::<Vec<u8>>()
    };
    let (good, bad) = (digest(&app), digest(&tampered));
    let cache = t.path().join("verdicts.cbor");
    let mut bytes = fs::read(&cache).unwrap();
    let at = bytes
        .windows(32)
        .position(|w| w == good.as_slice())
        .expect("the cached content digest");
    bytes[at..at + 32].copy_from_slice(&bad);
    // Recompute the "checksum" over the body, as an attacker knowing the format would.
    let body = bytes[48..].to_vec();
    let mut sha = Command::new("sha256sum")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    sha.stdin.take().unwrap().write_all(&body).unwrap();
    let hex = String::from_utf8(sha.wait_with_output().unwrap().stdout).unwrap();
    for i in 0..32 {
        bytes[16 + i] = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap();
    }
    fs::write(&cache, &bytes).unwrap();

    let server = Server::start(t.path(), &policy, &[]);
    let v = server.client().ask(&tampered);
    assert!(
        !allowed(&v),
        "the forged cache entry allowed unsigned bytes: {v}"
    );
    assert!(
        server.stderr().contains("authentication failed"),
        "{}",
        server.stderr()
    );
}

/// A cache directory others can write (where uid 65534 could plant `FILE.tmp` as a symlink
/// to a file it wants overwritten, or replace the cache) is refused at start; so is a cache
/// file that is not a private regular file.
#[test]
fn cache_in_a_directory_others_can_write_is_refused() {
    if !root_or_skip("cache_in_a_directory_others_can_write_is_refused") {
        return;
    }
    let t = TempDir::new("atk-cache-dir");
    let (_, app, policy) = {
        let app = install_app(&t.path().join("a"), "app");
        let policy = write_policy(
            t.path(),
            &identity_rule("a", &format!("{}/a/*", t.path().display())),
        );
        ((), app, policy)
    };
    let shared = t.path().join("shared");
    fs::create_dir_all(&shared).unwrap();
    fs::set_permissions(&shared, fs::Permissions::from_mode(0o777)).unwrap();
    let victim = t.path().join("victim");
    fs::write(&victim, "precious\n").unwrap();
    let mut plant = Command::new("ln");
    plant
        .arg("-s")
        .arg(&victim)
        .arg(shared.join("verdicts.cbor.tmp"));
    as_user(&mut plant, NOBODY);
    assert!(plant.status().unwrap().success());
    let o = edgeverify_command()
        .args(["serve", "--policy"])
        .arg(&policy)
        .arg("--socket")
        .arg(t.path().join("s.sock"))
        .arg("--cache-file")
        .arg(shared.join("verdicts.cbor"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("writable only by the daemon"),
        "{}",
        stderr(&o)
    );
    assert_eq!(fs::read_to_string(&victim).unwrap(), "precious\n");

    // A private directory: a symlink at FILE.tmp (left by anyone before) is not followed.
    let private = t.path().join("private");
    fs::create_dir_all(&private).unwrap();
    std::os::unix::fs::symlink(&victim, private.join("verdicts.cbor.tmp")).unwrap();
    let mut cmd = Server::bare_command(t.path(), &policy);
    cmd.arg("--cache-file").arg(private.join("verdicts.cbor"));
    let server = Server::spawn(cmd, t.path());
    assert!(allowed(&server.client().ask(&app)));
    assert_eq!(fs::read_to_string(&victim).unwrap(), "precious\n");
    assert!(fs::symlink_metadata(private.join("verdicts.cbor"))
        .unwrap()
        .is_file());
}

// ---------------------------------------------------------------------------------------
// 4. The environment
// ---------------------------------------------------------------------------------------

/// `LD_PRELOAD` names a library whose constructor prints INJECTED. `exec` must remove it
/// (and the other loader variables) unless the rule keeps it explicitly.
#[test]
fn loader_variables_do_not_reach_the_gated_program() {
    let t = TempDir::new("atk-env");
    let src = t.path().join("inject.c");
    fs::write(
        &src,
        "#include <stdio.h>\n#include <unistd.h>\n__attribute__((constructor)) static void \
         inject(void) { char exe[512] = {0}; readlink(\"/proc/self/exe\", exe, 511); \
         printf(\"INJECTED into %s\\n\", exe); fflush(stdout); }\n",
    )
    .unwrap();
    let lib = t.path().join("inject.so");
    let built = Command::new("cc")
        .args(["-shared", "-fPIC", "-o"])
        .arg(&lib)
        .arg(&src)
        .status();
    if !built.is_ok_and(|s| s.success()) {
        eprintln!("SKIPPED loader_variables_do_not_reach_the_gated_program: no C compiler");
        return;
    }
    // A dynamically linked program (the sample is static Go): /usr/bin/id, allowed by an
    // audit-mode rule (no evidence: logged, allowed), which exercises the same exec path.
    let dir = t.path().join("opt");
    fs::create_dir_all(&dir).unwrap();
    let tool = dir.join("tool");
    fs::copy("/usr/bin/id", &tool).unwrap();
    let rule = identity_rule("tool", &format!("{}/opt/*", t.path().display()));
    let rule = rule.trim_end().to_string() + "\nmode = \"audit\"\n";
    let run = |policy: &Path| {
        edgeverify_command()
            .args(["exec", "--policy"])
            .arg(policy)
            .arg("--")
            .arg(&tool)
            .env("LD_PRELOAD", &lib)
            .env("GLIBC_TUNABLES", "glibc.malloc.check=3")
            .output()
            .unwrap()
    };
    // The gate itself runs in its caller's environment (the library is loaded into it too);
    // what matters is the program it executes, from its sealed copy (/memfd:…).
    let injected_into_program = |o: &Output| {
        stdout(o)
            .lines()
            .any(|l| l.starts_with("INJECTED into /memfd:"))
    };
    let o = run(&write_policy(t.path(), &rule));
    assert!(stdout(&o).contains("uid="), "{} {}", stdout(&o), stderr(&o));
    assert!(
        !injected_into_program(&o),
        "LD_PRELOAD reached the program: {}",
        stdout(&o)
    );

    let kept = rule + "insecure_keep_env = [\"LD_PRELOAD\"]\n";
    let o = run(&write_policy(t.path(), &kept));
    assert!(
        injected_into_program(&o),
        "the explicit opt-in keeps it: {}",
        stdout(&o)
    );
}

// ---------------------------------------------------------------------------------------
// 5. The verified path is the opened file
// ---------------------------------------------------------------------------------------

/// Policy: a rule for `dir/a/*` only. uid 65534 makes its own user and mount namespace in
/// which `dir/b` (the same signed program, covered by no rule) is mounted over `dir/a`, and
/// asks about `/proc/PID/root/dir/a/app`. The link text of that file reads `dir/a/app`, but
/// the file is `dir/b/app`: it must not be allowed under rule "a".
#[test]
fn a_path_into_another_mount_namespace_is_not_taken_for_the_host_path() {
    if !root_or_skip("a_path_into_another_mount_namespace_is_not_taken_for_the_host_path") {
        return;
    }
    let t = TempDir::new("atk-mntns");
    open_dir(&t);
    let a = install_app(&t.path().join("a"), "app");
    let b_dir = t.path().join("b");
    install_app(&b_dir, "app");
    let policy = write_policy(
        t.path(),
        &identity_rule("a", &format!("{}/a/*", t.path().display())),
    );
    let script = "mount --bind \"$1\" \"$2\" && echo ready && exec sleep 120";
    let a_dir = t.path().join("a");
    let mut ns = Command::new("unshare");
    ns.args(["-Urm", "--", "sh", "-c", script, "sh"])
        .arg(&b_dir)
        .arg(&a_dir)
        .stdout(Stdio::piped());
    as_user(&mut ns, NOBODY);
    let mut child = ns.spawn().unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut ready = String::new();
    out.read_line(&mut ready).unwrap();
    if ready.trim() != "ready" {
        let _ = child.kill();
        let _ = child.wait();
        eprintln!(
            "SKIPPED a_path_into_another_mount_namespace…: unprivileged namespaces unavailable"
        );
        return;
    }
    let server = Server::start(t.path(), &policy, &[]);
    let mut c = server.client();
    assert!(allowed(&c.ask(&a)), "the host's own file is allowed");
    let through = PathBuf::from(format!("/proc/{}/root{}", child.id(), a.display()));
    let v = c.ask(&through);
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        !allowed(&v),
        "a file under no rule was allowed by rule a: {v}"
    );
    assert!(reason(&v).contains("does not name"), "{v}");
}

/// The client holds a descriptor to a hard link it then unlinks, and plants evidence next to
/// the `(deleted)` name. The file's only remaining name is under no rule: asking through
/// `/proc/PID/fd/N` must not match rule "a" by the `… (deleted)` text.
#[test]
fn an_unlinked_name_is_not_taken_for_a_path() {
    let t = TempDir::new("atk-deleted");
    let other = install_app(&t.path().join("other"), "app");
    let a_dir = t.path().join("a");
    fs::create_dir_all(&a_dir).unwrap();
    let name = a_dir.join("x");
    fs::hard_link(&other, &name).unwrap();
    let policy = write_policy(
        t.path(),
        &identity_rule("a", &format!("{}/a/*", t.path().display())),
    );
    let held = fs::File::open(&name).unwrap();
    fs::remove_file(&name).unwrap();
    fs::copy(
        example("binary-linux-amd64.intoto.jsonl"),
        a_dir.join("x (deleted).intoto.jsonl"),
    )
    .unwrap();
    let server = Server::start(t.path(), &policy, &[]);
    use std::os::fd::AsRawFd;
    let via = PathBuf::from(format!(
        "/proc/{}/fd/{}",
        std::process::id(),
        held.as_raw_fd()
    ));
    let v = server.client().ask(&via);
    assert!(!allowed(&v), "allowed through an unlinked name: {v}");
    assert!(reason(&v).contains("does not name"), "{v}");
}

// ---------------------------------------------------------------------------------------
// 6. Connection exhaustion
// ---------------------------------------------------------------------------------------

/// Eight users (uids 60001…60008) each try to open 16 connections and keep them, 128 in all,
/// the global limit. Each user gets at most its share, together they never get the room
/// kept for root, and root is still answered.
#[test]
fn unprivileged_users_cannot_take_every_connection() {
    if !root_or_skip("unprivileged_users_cannot_take_every_connection") {
        return;
    }
    let (t, app, policy) = daemon_fixture("atk-conns");
    let server = Server::start_with(t.path(), &policy, &[], &["--socket-mode", "0666"]);
    let bin = helper_binary(t.path());
    let socket = server.socket.to_str().unwrap().to_string();
    let mut held = 0;
    let mut helpers = Vec::new();
    let mut last_reason = String::new();
    for uid in 60001..=60008 {
        // Each asks for more than its share.
        let mut h = Helper::start(&bin, uid, &["connect", &socket, "20"]);
        let counts = h.line();
        let reason = h.line();
        let (ok, refused) = counts.split_once(' ').unwrap();
        let ok: usize = ok.parse().unwrap();
        assert!(ok <= 16, "uid {uid} holds {ok} connections");
        assert_eq!(ok + refused.parse::<usize>().unwrap(), 20);
        if !reason.is_empty() {
            last_reason = reason;
        }
        held += ok;
        helpers.push(h);
    }
    assert!(held <= 112, "unprivileged users hold {held} of 128");
    assert!(
        last_reason.contains("too many connections"),
        "{last_reason}"
    );
    let v = server.client().ask(&app);
    assert!(allowed(&v), "root was locked out: {v}");
    for h in helpers {
        h.finish();
    }
}

/// A client that sends one byte now and then never completes a request line: it is cut at
/// the request-line deadline (5 s), whatever it keeps sending.
#[test]
fn a_trickled_request_line_is_cut_at_its_deadline() {
    let (t, app, policy) = daemon_fixture("atk-slowloris");
    let server = Server::start(t.path(), &policy, &[]);
    let mut s = UnixStream::connect(&server.socket).unwrap();
    let started = Instant::now();
    let mut cut = None;
    for b in br#"{"path": "/aaaaaaaaaaaaaaaaaaaa"#.iter().cycle().take(40) {
        if s.write_all(&[*b]).is_err() {
            cut = Some(started.elapsed());
            break;
        }
        std::thread::sleep(Duration::from_millis(400));
        s.set_nonblocking(true).unwrap();
        let mut buf = [0u8; 16];
        let gone = matches!(s.read(&mut buf), Ok(0));
        s.set_nonblocking(false).unwrap();
        if gone {
            cut = Some(started.elapsed());
            break;
        }
    }
    let cut = cut.expect("the trickling connection was never closed");
    assert!(cut < Duration::from_secs(8), "cut after {cut:?}");
    assert!(allowed(&server.client().ask(&app)));
    let _ = t;
}

// ---------------------------------------------------------------------------------------
// 7. Unbounded work
// ---------------------------------------------------------------------------------------

/// An 8 TiB sparse file under a covered path is denied at once (the rule's max_size), and a
/// client that asks about a big file and leaves stops the hashing within moments.
#[test]
fn huge_and_abandoned_requests_do_not_keep_the_daemon_busy() {
    let (t, app, _) = daemon_fixture("atk-huge");
    let a = t.path().join("a");
    let huge = a.join("huge");
    fs::File::create(&huge).unwrap().set_len(8 << 40).unwrap();
    fs::copy(
        example("binary-linux-amd64.intoto.jsonl"),
        a.join("huge.intoto.jsonl"),
    )
    .unwrap();
    let big = t.path().join("big");
    fs::create_dir_all(&big).unwrap();
    let big_file = big.join("big");
    fs::File::create(&big_file)
        .unwrap()
        .set_len(12 << 30)
        .unwrap();
    fs::copy(
        example("binary-linux-amd64.intoto.jsonl"),
        big.join("big.intoto.jsonl"),
    )
    .unwrap();
    let rules = format!(
        "{}{}",
        identity_rule("a", &format!("{}/a/*", t.path().display())),
        identity_rule("big", &format!("{}/big/*", t.path().display()))
            .trim_end()
            .to_string()
            + "\nmax_size = \"16G\"\n"
    );
    let policy = write_policy(t.path(), &rules);
    let server = Server::start(t.path(), &policy, &[]);
    let mut c = server.client();
    let started = Instant::now();
    let v = c.ask(&huge);
    assert!(!allowed(&v) && reason(&v).contains("max_size"), "{v}");
    assert!(started.elapsed() < Duration::from_secs(5));

    // Ask about 12 GiB (seconds of hashing) and hang up at once.
    let mut quitter = UnixStream::connect(&server.socket).unwrap();
    quitter
        .write_all(format!("{}\n", json!({ "path": big_file })).as_bytes())
        .unwrap();
    std::thread::sleep(Duration::from_millis(200));
    drop(quitter);
    let left = Instant::now();
    let record = wait_for("the abandoned request's record", || {
        audit_lines(t.path())
            .into_iter()
            .find(|r| r["event"] == "decision" && r["path"] == json!(big_file))
    });
    assert!(
        left.elapsed() < Duration::from_secs(4),
        "hashing went on {:?} after the client left: {record}",
        left.elapsed()
    );
    assert!(
        record["reason"].as_str().unwrap().contains("cancelled"),
        "{record}"
    );
    assert!(allowed(&c.ask(&app)));
}

/// 32 clients at once, each with its own 4 MiB whitespace-padded (valid) bundle, plus 8 TiB
/// sparse programs: the daemon's peak RSS stays bounded (it reached 145 MB before).
#[test]
fn padded_evidence_from_many_clients_keeps_memory_bounded() {
    let (t, app, policy) = daemon_fixture("atk-memory");
    let a = t.path().join("a");
    let bundle = fs::read(example("binary-linux-amd64.intoto.jsonl")).unwrap();
    let mut paths = Vec::new();
    for i in 0..32 {
        let p = a.join(format!("app{i}"));
        fs::hard_link(&app, &p).unwrap();
        let mut padded = bundle.clone();
        padded.resize(4 * 1024 * 1024 - 64 - i, b' ');
        fs::write(a.join(format!("app{i}.intoto.jsonl")), padded).unwrap();
        paths.push(p);
        let sparse = a.join(format!("sparse{i}"));
        fs::File::create(&sparse).unwrap().set_len(8 << 40).unwrap();
        paths.push(sparse);
    }
    let server = Server::start(t.path(), &policy, &[]);
    let threads: Vec<_> = paths
        .into_iter()
        .map(|p| {
            let mut c = server.client();
            std::thread::spawn(move || c.ask(&p))
        })
        .collect();
    for th in threads {
        let v = th.join().unwrap();
        assert!(v["allow"].is_boolean(), "{v}");
    }
    let peak = peak_rss_kib(server.child.id());
    assert!(peak < 48 * 1024, "peak RSS {peak} KiB");
    eprintln!("peak RSS with 64 hostile requests: {peak} KiB");
}

// ---------------------------------------------------------------------------------------
// 8. Audit erasure and cache bloat
// ---------------------------------------------------------------------------------------

/// uid 65534 sends 1,400 requests with 15 KB paths. Before: every earlier audit record was
/// rotated away in a fraction of a second. Now: its records are short and rate-limited, the
/// log keeps its start record, and the refusals are counted in one record.
#[test]
fn a_flood_of_long_paths_cannot_rotate_the_audit_trail_away() {
    if !root_or_skip("a_flood_of_long_paths_cannot_rotate_the_audit_trail_away") {
        return;
    }
    let (t, _app, policy) = daemon_fixture("atk-audit-flood");
    let server = Server::start_with(
        t.path(),
        &policy,
        &[],
        &["--socket-mode", "0666", "--audit-max-bytes", "1048576"],
    );
    let bin = helper_binary(t.path());
    let long = format!("/{}", "x/".repeat(7500));
    let mut h = Helper::start(
        &bin,
        NOBODY,
        &["ask", server.socket.to_str().unwrap(), &long, "1400"],
    );
    let counts = h.line();
    h.finish();
    let n: Vec<usize> = counts.split(' ').map(|x| x.parse().unwrap()).collect();
    assert_eq!(n[0], 1400, "every request was answered: {counts}");
    assert!(n[2] > 1000, "most were refused by the rate limit: {counts}");
    let records = audit_lines(t.path());
    assert_eq!(records[0]["event"], "start", "the start record is gone");
    let decisions = records.iter().filter(|r| r["event"] == "decision").count();
    assert!(decisions < 400, "{decisions} decision records");
    assert!(
        records.iter().any(|r| r["event"] == "rate-limit"),
        "the refusals are summarized"
    );
    assert!(
        !t.path().join("audit.log.1").exists(),
        "nothing was rotated"
    );
    for r in &records {
        assert!(
            r.to_string().len() < 2048,
            "a record of {} bytes",
            r.to_string().len()
        );
    }
}

/// When the log does rotate, every new file starts with the start record and a count of
/// what was dropped; and the persisted cache does not grow with the paths clients use.
#[test]
fn rotation_keeps_the_start_record_and_the_cache_does_not_grow_with_paths() {
    let (t, app, _) = daemon_fixture("atk-rotate");
    let policy = write_policy(
        t.path(),
        &identity_rule("a", &format!("{}/a/**", t.path().display())),
    );
    let a = t.path().join("a");
    let deep = a
        .join("d".repeat(200))
        .join("e".repeat(200))
        .join("f".repeat(200));
    fs::create_dir_all(&deep).unwrap();
    let evidence = a.join("app.intoto.jsonl");
    let mut names = Vec::new();
    for i in 0..200 {
        let p = deep.join(format!("{}{i}", "n".repeat(200)));
        fs::hard_link(&app, &p).unwrap();
        let mut ev = p.clone().into_os_string();
        ev.push(".intoto.jsonl");
        fs::hard_link(&evidence, ev).unwrap();
        names.push(p);
    }
    let server = Server::start_with(t.path(), &policy, &[], &["--audit-max-bytes", "8192"]);
    let mut c = server.client();
    for p in &names {
        let v = c.ask(p);
        assert!(allowed(&v), "{v}");
    }
    drop(c);
    server.signal(libc::SIGTERM);
    assert!(server.wait_exit().success());
    let first: Value = serde_json::from_str(
        fs::read_to_string(t.path().join("audit.log"))
            .unwrap()
            .lines()
            .next()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(first["event"], "rotate", "{first}");
    assert_eq!(first["start"]["event"], "start", "{first}");
    assert!(first["dropped_total"].as_u64().unwrap() > 0, "{first}");
    let cache = fs::metadata(t.path().join("verdicts.cbor")).unwrap().len();
    assert!(
        cache < 4096,
        "the cache grew to {cache} bytes with 200 long paths"
    );
}

// ---------------------------------------------------------------------------------------
// 9. An audit log that cannot be written
// ---------------------------------------------------------------------------------------

/// The audit log is on a small file system that uid 65534 fills. The daemon must then answer
/// "deny" (it answered "allow" with no record before), and "allow" again once there is room.
#[test]
fn no_allow_without_an_audit_record() {
    if !root_or_skip("no_allow_without_an_audit_record") {
        return;
    }
    let (t, app, policy) = daemon_fixture("atk-audit-full");
    let logs = t.path().join("logs");
    fs::create_dir_all(&logs).unwrap();
    if !Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=256k,mode=1777", "tmpfs"])
        .arg(&logs)
        .status()
        .unwrap()
        .success()
    {
        eprintln!("SKIPPED no_allow_without_an_audit_record: cannot mount tmpfs");
        return;
    }
    let mut cmd = Server::bare_command(t.path(), &policy);
    cmd.arg("--audit-log").arg(logs.join("audit.log"));
    let server = Server::spawn(cmd, t.path());
    let mut c = server.client();
    assert!(allowed(&c.ask(&app)));
    let fill = logs.join("fill");
    let mut dd = sh("cat /dev/zero > \"$1\"", &[&fill]);
    as_user(&mut dd, NOBODY);
    let _ = dd.status();
    // The log's last page may still take a few records; then no more "allow".
    let mut allows = 0;
    let denial = (0..100).map(|_| c.ask(&app)).find(|v| {
        allows += usize::from(allowed(v));
        !allowed(v)
    });
    let recorded = audit_lines_in(&logs.join("audit.log"))
        .iter()
        .filter(|r| r["event"] == "decision" && r["verdict"] == "allow")
        .count();
    fs::remove_file(&fill).unwrap();
    let again = c.ask(&app);
    drop(c);
    drop(server);
    let _ = Command::new("umount").arg("-l").arg(&logs).status();
    let v = denial.expect("allowed 100 times although the audit log was full");
    assert!(reason(&v).contains("audit log"), "{v}");
    // One allow before the disk filled, and every later allow has its record.
    assert!(
        recorded > allows,
        "{allows} allows answered, {recorded} recorded"
    );
    assert!(allowed(&again), "{again}");
}

// ---------------------------------------------------------------------------------------
// 10. Opening what a client names
// ---------------------------------------------------------------------------------------

/// A writer is blocked opening a FIFO (as it would be until a reader comes). The daemon is
/// asked about that FIFO as a program, and as the evidence of a program: it must refuse
/// without opening it (opening it would release the writer).
#[test]
fn fifos_named_by_a_client_are_never_opened() {
    let (t, app, policy) = daemon_fixture("atk-fifo");
    let a = t.path().join("a");
    let prog_fifo = a.join("fifo");
    mkfifo(&prog_fifo);
    let other = install_app(&t.path().join("a"), "other");
    fs::remove_file(a.join("other.intoto.jsonl")).unwrap();
    let ev_fifo = a.join("other.intoto.jsonl");
    mkfifo(&ev_fifo);
    let server = Server::start(t.path(), &policy, &[]);
    for (asked, fifo) in [(&prog_fifo, &prog_fifo), (&other, &ev_fifo)] {
        let (tx, rx) = std::sync::mpsc::channel();
        let f = fifo.clone();
        std::thread::spawn(move || {
            let _w = OpenOptions::new().write(true).open(&f);
            let _ = tx.send(());
        });
        std::thread::sleep(Duration::from_millis(100));
        let v = server.client().ask(asked);
        assert!(
            !allowed(&v) && reason(&v).contains("not a regular file"),
            "{v}"
        );
        assert!(
            rx.recv_timeout(Duration::from_millis(300)).is_err(),
            "the daemon opened the FIFO {fifo:?}"
        );
        // Release the writer ourselves.
        let _r = OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(fifo)
            .unwrap();
        rx.recv_timeout(Duration::from_secs(10)).unwrap();
    }
    assert!(allowed(&server.client().ask(&app)));
}

// ---------------------------------------------------------------------------------------
// 11. Shutdown always works
// ---------------------------------------------------------------------------------------

/// SIGTERM must end the daemon in each state an attacker (or an accident) can put it in: a
/// FIFO as the policy during a reload, a removed socket file, a client in the middle of a
/// request line, a request hashing a big file. Each must exit 0 within a few seconds.
#[test]
fn sigterm_ends_the_daemon_in_every_state() {
    let stop_within = |server: Server, limit: Duration, what: &str| {
        let at = Instant::now();
        server.signal(libc::SIGTERM);
        let mut server = server;
        let status = loop {
            if let Some(s) = server.child.try_wait().unwrap() {
                break s;
            }
            assert!(
                at.elapsed() < limit,
                "{what}: still running {:?} after SIGTERM",
                at.elapsed()
            );
            std::thread::sleep(Duration::from_millis(20));
        };
        assert!(status.success(), "{what}: {status}");
    };

    // A FIFO put in place of the policy, then SIGHUP.
    let (t, _app, policy) = daemon_fixture("atk-term-fifo");
    let server = Server::start(t.path(), &policy, &[]);
    fs::remove_file(&policy).unwrap();
    mkfifo(&policy);
    server.signal(libc::SIGHUP);
    let failure = wait_for("the refused reload", || {
        audit_lines(t.path())
            .into_iter()
            .find(|r| r["event"] == "reload" && r["ok"] == json!(false))
    });
    assert!(
        failure["detail"]
            .as_str()
            .unwrap()
            .contains("not a regular file"),
        "{failure}"
    );
    stop_within(server, Duration::from_secs(5), "FIFO policy");

    // The socket file removed.
    let (t, _app, policy) = daemon_fixture("atk-term-socket");
    let server = Server::start(t.path(), &policy, &[]);
    fs::remove_file(&server.socket).unwrap();
    stop_within(server, Duration::from_secs(5), "socket removed");

    // A client in the middle of a line.
    let (t, _app, policy) = daemon_fixture("atk-term-midline");
    let server = Server::start(t.path(), &policy, &[]);
    let mut s = UnixStream::connect(&server.socket).unwrap();
    s.write_all(b"{\"pa").unwrap();
    std::thread::sleep(Duration::from_millis(100));
    stop_within(server, Duration::from_secs(5), "half a request line");

    // A request hashing 12 GiB.
    let (t, _app, _) = daemon_fixture("atk-term-hashing");
    let big = t.path().join("a/big");
    fs::File::create(&big).unwrap().set_len(12 << 30).unwrap();
    fs::copy(
        example("binary-linux-amd64.intoto.jsonl"),
        t.path().join("a/big.intoto.jsonl"),
    )
    .unwrap();
    let policy = write_policy(
        t.path(),
        &(identity_rule("a", &format!("{}/a/*", t.path().display()))
            .trim_end()
            .to_string()
            + "\nmax_size = \"16G\"\n"),
    );
    let server = Server::start(t.path(), &policy, &[]);
    let mut s = UnixStream::connect(&server.socket).unwrap();
    s.write_all(format!("{}\n", json!({ "path": big })).as_bytes())
        .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    stop_within(server, Duration::from_secs(5), "hashing 12 GiB");
}

/// A FIFO given as the cache file: refused at start (it left the daemon deaf before).
#[test]
fn a_fifo_as_the_cache_file_is_refused() {
    let (t, _app, policy) = daemon_fixture("atk-fifo-cache");
    let fifo = t.path().join("cache.fifo");
    mkfifo(&fifo);
    let mut child = edgeverify_command()
        .args(["serve", "--policy"])
        .arg(&policy)
        .arg("--socket")
        .arg(t.path().join("s.sock"))
        .arg("--cache-file")
        .arg(&fifo)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if started.elapsed() > Duration::from_secs(10) {
            let _ = child.kill();
            panic!("serve hangs on a FIFO cache file");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert_eq!(status.code(), Some(2), "{err}");
    assert!(err.contains("not a regular file"), "{err}");
}

// ---------------------------------------------------------------------------------------
// 12. Messages and policy
// ---------------------------------------------------------------------------------------

/// A program whose name holds a newline and a forged "allowed" line: `exec` denies it on one
/// line of stderr, the control characters escaped.
#[test]
fn control_characters_in_names_cannot_forge_exec_messages() {
    let t = TempDir::new("atk-ctrl");
    let dir = t.path().join("opt");
    fs::create_dir_all(&dir).unwrap();
    let name = "app\nedgeverify: allowed by rule \"app\": signed by you\u{1b}[2K";
    let prog = dir.join(name);
    fs::copy(example("binary-linux-amd64"), &prog).unwrap();
    fs::set_permissions(&prog, fs::Permissions::from_mode(0o755)).unwrap();
    let policy = write_policy(
        t.path(),
        &identity_rule("app", &format!("{}/opt/*", t.path().display())),
    );
    let o = exec(&policy, &prog, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{err:?}");
    assert!(err.starts_with("edgeverify: denied"), "{err:?}");
    assert!(!err.contains('\u{1b}'), "{err:?}");
    assert!(err.contains("app\\nedgeverify"), "{err:?}");
}

/// First match wins: a broad audit-mode rule before a strict one makes the strict one dead
/// for its paths. `policy check` says so (and still accepts the file).
#[test]
fn policy_check_warns_when_an_earlier_rule_shadows_a_later_one() {
    let t = TempDir::new("atk-shadow");
    let broad = identity_rule("broad", "/opt/**").trim_end().to_string() + "\nmode = \"audit\"\n\n";
    let strict = identity_rule("strict", "/opt/app/*");
    let check = |text: &str| {
        edgeverify_command()
            .args(["policy", "check"])
            .arg(write_policy(t.path(), text))
            .output()
            .unwrap()
    };
    let o = check(&(broad.clone() + &strict));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("warning"), "{err}");
    assert!(
        err.contains("rule \"strict\" never applies to \"/opt/app/*\""),
        "{err}"
    );
    assert!(
        err.contains("audit-mode rule shadows an enforcing one"),
        "{err}"
    );
    // In the right order: no warning.
    let o = check(&(strict + &broad));
    assert_eq!(o.status.code(), Some(0));
    assert!(!stderr(&o).contains("warning"), "{}", stderr(&o));
}

/// An editor rewrites the policy in place: the first part of the new file is a valid policy
/// without the line that restricts the tag. A SIGHUP in that moment must not load the half
/// file (it would allow what the whole file denies).
#[test]
fn a_reload_never_takes_a_half_written_policy() {
    let (t, app, policy) = daemon_fixture("atk-halfpolicy");
    fs::write(
        &policy,
        wrong_identity_rule("a", &format!("{}/a/*", t.path().display())),
    )
    .unwrap();
    let server = Server::start(t.path(), &policy, &[]);
    let mut c = server.client();
    assert!(!allowed(&c.ask(&app)));
    let head = slsa_rule("a", &format!("{}/a/*", t.path().display()), SOURCE);
    let head = head.trim_end().to_string() + "\n";
    let mut f = OpenOptions::new()
        .write(true)
        .truncate(true)
        .open(&policy)
        .unwrap();
    f.write_all(head.as_bytes()).unwrap();
    f.flush().unwrap();
    server.signal(libc::SIGHUP);
    std::thread::sleep(Duration::from_millis(400));
    f.write_all(b"source_tag = \"v9.9.9\"\n").unwrap();
    drop(f);
    let reloaded = wait_for("the reload", || {
        audit_lines(t.path())
            .into_iter()
            .find(|r| r["event"] == "reload")
    });
    assert_eq!(reloaded["ok"], json!(true), "{reloaded}");
    let v = c.ask(&app);
    assert!(!allowed(&v), "the half-written policy was loaded: {v}");
    assert!(reason(&v).contains("tag"), "{v}");
}
