//! The daemon under test: start `edgeverify serve`, talk to it, signal it.

use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};

use serde_json::{json, Value};

use super::{edgeverify_command, wait_for};

pub struct Server {
    pub child: Child,
    pub socket: PathBuf,
    pub stderr_file: PathBuf,
}

impl Server {
    pub fn start(dir: &Path, policy: &Path, env: &[(&str, &Path)]) -> Self {
        Self::start_with(dir, policy, env, &[])
    }

    /// With extra command-line arguments.
    pub fn start_with(dir: &Path, policy: &Path, env: &[(&str, &Path)], extra: &[&str]) -> Self {
        let mut cmd = Self::command(dir, policy);
        cmd.args(extra);
        for (k, v) in env {
            cmd.env(k, v);
        }
        Self::spawn(cmd, dir)
    }

    /// The daemon's command line (socket, cache and audit log in `dir`).
    pub fn command(dir: &Path, policy: &Path) -> Command {
        let mut cmd = Self::bare_command(dir, policy);
        cmd.arg("--cache-file")
            .arg(dir.join("verdicts.cbor"))
            .arg("--audit-log")
            .arg(dir.join("audit.log"));
        cmd
    }

    /// The daemon's command line with only the socket (in `dir`).
    pub fn bare_command(dir: &Path, policy: &Path) -> Command {
        let mut cmd = edgeverify_command();
        cmd.args(["serve", "--policy"])
            .arg(policy)
            .arg("--socket")
            .arg(dir.join("ev.sock"))
            .stdin(Stdio::null())
            .stdout(Stdio::null());
        cmd
    }

    /// Starts `cmd` (from [`Self::command`]) and waits for its socket.
    pub fn spawn(mut cmd: Command, dir: &Path) -> Self {
        let socket = dir.join("ev.sock");
        let stderr_file = dir.join(format!("stderr-{}", fs::read_dir(dir).unwrap().count()));
        cmd.stderr(fs::File::create(&stderr_file).unwrap());
        let mut child = cmd.spawn().unwrap();
        wait_for("the socket", || {
            if let Ok(Some(status)) = child.try_wait() {
                panic!(
                    "serve exited early ({status}): {}",
                    fs::read_to_string(&stderr_file).unwrap_or_default()
                );
            }
            UnixStream::connect(&socket).ok()
        });
        Self {
            child,
            socket,
            stderr_file,
        }
    }

    pub fn client(&self) -> Client {
        Client::new(UnixStream::connect(&self.socket).unwrap())
    }

    // The only unsafe code in the tests: sending a signal (no `kill` binary needed).
    #[allow(unsafe_code)]
    pub fn signal(&self, sig: libc::c_int) {
        let pid = libc::pid_t::try_from(self.child.id()).unwrap();
        // SAFETY: kill(2) has no memory-safety preconditions; the pid is our own child,
        // which has not been reaped yet (it is reaped only in `Drop`/`wait_exit`).
        assert_eq!(unsafe { libc::kill(pid, sig) }, 0);
    }

    pub fn kill9(mut self) {
        self.child.kill().unwrap(); // SIGKILL
        self.child.wait().unwrap();
    }

    pub fn wait_exit(mut self) -> ExitStatus {
        wait_for("serve to exit", || self.child.try_wait().unwrap())
    }

    pub fn stderr(&self) -> String {
        fs::read_to_string(&self.stderr_file).unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub struct Client {
    pub reader: BufReader<UnixStream>,
    pub writer: UnixStream,
}

impl Client {
    pub fn new(s: UnixStream) -> Self {
        Self {
            reader: BufReader::new(s.try_clone().unwrap()),
            writer: s,
        }
    }

    pub fn send_raw(&mut self, line: &[u8]) -> Value {
        self.writer.write_all(line).unwrap();
        let mut answer = String::new();
        self.reader.read_line(&mut answer).unwrap();
        serde_json::from_str(&answer).unwrap_or_else(|e| panic!("{e}: {answer:?}"))
    }

    pub fn ask(&mut self, path: &Path) -> Value {
        let mut line = json!({ "path": path }).to_string();
        line.push('\n');
        self.send_raw(line.as_bytes())
    }
}
