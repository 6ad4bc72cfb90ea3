//! Shared helpers for the integration tests: temporary directories, the real sample
//! artifact and its real bundle, policies, polling with timeouts.

#![allow(
    dead_code,
    unreachable_pub,
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

pub mod daemon;

use core::sync::atomic::{AtomicU32, Ordering};
use core::time::Duration;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

pub const BIN: &str = env!("CARGO_BIN_EXE_edgeverify");
pub const IDENTITY: &str = "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@refs/tags/v2.1.0";
pub const ISSUER: &str = "https://token.actions.githubusercontent.com";
pub const SOURCE: &str = "github.com/slsa-framework/example-package";
/// Generous: CI machines are slow and shared.
pub const TIMEOUT: Duration = Duration::from_secs(60);

/// Whether the sample program (an x86-64 Linux executable) can run on this machine. Under
/// qemu-user (`EDGEVERIFY_TEST_RUNNER`, cross tests) the tests are foreign binaries, but a
/// program they start is run by the host kernel: ask the host (`uname -m`).
pub fn sample_runs_here() -> bool {
    if cfg!(all(target_os = "linux", target_arch = "x86_64")) {
        return true;
    }
    std::env::var_os("EDGEVERIFY_TEST_RUNNER").is_some()
        && std::process::Command::new("uname")
            .arg("-m")
            .output()
            .is_ok_and(|o| o.stdout.starts_with(b"x86_64"))
}

pub fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../examples/artifacts")
        .join(name)
}

/// A directory removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> Self {
        static N: AtomicU32 = AtomicU32::new(0);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .subsec_nanos();
        let dir = std::env::temp_dir().join(format!(
            "ev-{tag}-{}-{}-{nanos}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        fs::create_dir_all(&dir).unwrap();
        // Canonical, because rules match canonical paths (TMPDIR may be a symlink).
        Self(fs::canonicalize(&dir).unwrap())
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// Installs the sample program at `dir/name` (mode 0755) with its real evidence next to it.
pub fn install_app(dir: &Path, name: &str) -> PathBuf {
    fs::create_dir_all(dir).unwrap();
    let app = dir.join(name);
    fs::copy(example("binary-linux-amd64"), &app).unwrap();
    fs::set_permissions(&app, fs::Permissions::from_mode(0o755)).unwrap();
    fs::copy(
        example("binary-linux-amd64.intoto.jsonl"),
        dir.join(format!("{name}.intoto.jsonl")),
    )
    .unwrap();
    app
}

/// Flips one byte in the middle of the file, in place.
pub fn tamper(path: &Path) {
    let mut bytes = fs::read(path).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x01;
    fs::write(path, bytes).unwrap();
}

/// A signature rule for the real signer.
pub fn identity_rule(name: &str, glob: &str) -> String {
    format!(
        "[[rule]]\nname = \"{name}\"\npaths = [\"{glob}\"]\ncertificate_identity = \"{IDENTITY}\"\n\
         certificate_oidc_issuer = \"{ISSUER}\"\n\n"
    )
}

/// A signature rule expecting another workflow (the real bundle must fail it).
pub fn wrong_identity_rule(name: &str, glob: &str) -> String {
    format!(
        "[[rule]]\nname = \"{name}\"\npaths = [\"{glob}\"]\n\
         certificate_identity_regexp = \"https://github\\\\.com/other-org/.*\"\n\
         certificate_oidc_issuer = \"{ISSUER}\"\n\n"
    )
}

/// An SLSA rule (slsa-verifier semantics).
pub fn slsa_rule(name: &str, glob: &str, source: &str) -> String {
    format!("[[rule]]\nname = \"{name}\"\npaths = [\"{glob}\"]\nsource_uri = \"{source}\"\n\n")
}

pub fn write_policy(dir: &Path, text: &str) -> PathBuf {
    let p = dir.join("policy.toml");
    fs::write(&p, text).unwrap();
    p
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Polls `f` until it returns `Some`, or panics after `TIMEOUT`.
pub fn wait_for<T>(what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let start = Instant::now();
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(start.elapsed() < TIMEOUT, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// The `edgeverify` binary under test, as a command. When `EDGEVERIFY_TEST_RUNNER` is set (the
/// cross tests set it to `qemu-aarch64` or `qemu-arm -L …`), the binary runs through it:
/// without binfmt_misc the host kernel cannot start a foreign-architecture binary by itself.
pub fn edgeverify_command() -> std::process::Command {
    match std::env::var("EDGEVERIFY_TEST_RUNNER") {
        Ok(runner) if !runner.trim().is_empty() => {
            let mut words = runner.split_whitespace();
            let mut cmd = std::process::Command::new(words.next().unwrap_or_default());
            cmd.args(words).arg(BIN);
            cmd
        }
        _ => std::process::Command::new(BIN),
    }
}

/// The unprivileged uid the attack tests act as ("nobody").
pub const NOBODY: u32 = 65534;

/// Whether this process runs as root: the attack tests that act as another user, mount a
/// file system or create namespaces need it (CI runs as root). Says loudly why a test is
/// skipped otherwise.
pub fn root_or_skip(test: &str) -> bool {
    use std::os::unix::fs::MetadataExt;
    let root = fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0);
    if !root {
        eprintln!(
            "SKIPPED {test}: needs root (CI runs as root) to act as uid {NOBODY}, mount or \
             unshare"
        );
    }
    root
}

/// `cmd` to be run as `uid` (same gid, no supplementary groups).
pub fn as_user(cmd: &mut std::process::Command, uid: u32) -> &mut std::process::Command {
    use std::os::unix::process::CommandExt;
    cmd.uid(uid).gid(uid)
}

/// A copy of the running test binary in `dir` (mode 0755), so that another user can run it
/// as a helper process whatever the permissions of the build directory.
pub fn helper_binary(dir: &Path) -> PathBuf {
    let copy = dir.join("helper");
    fs::copy(std::env::current_exe().unwrap(), &copy).unwrap();
    fs::set_permissions(&copy, fs::Permissions::from_mode(0o755)).unwrap();
    copy
}

/// Gives `path` to `uid` (and its group).
pub fn give_to(path: &Path, uid: u32) {
    std::os::unix::fs::chown(path, Some(uid), Some(uid)).unwrap();
}

/// `edgeverify exec --policy POLICY -- PROGRAM ARGS…`, run to completion.
pub fn exec(policy: &Path, program: &Path, args: &[&str]) -> Output {
    edgeverify_command()
        .args(["exec", "--policy"])
        .arg(policy)
        .arg("--")
        .arg(program)
        .args(args)
        .output()
        .unwrap()
}
