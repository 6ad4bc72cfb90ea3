//! `edgeverify check PATH... [--socket S] [--json]`: ask a running `edgeverify serve` whether
//! programs may run.
//!
//! One connection, one request line per path (`{"path": "/abs/path"}`), one answer line each
//! (the protocol is in agent/README.md). Exit 0 when every path was allowed, 1 when one was
//! denied, 2 when the daemon could not be asked (no socket, a relative path, a broken or
//! missing answer): "could not ask" is never read as "allowed".

use core::time::Duration;
use std::ffi::OsString;
use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::net::UnixStream;
use std::path::PathBuf;

use serde_json::Value;

use super::cli::{Command, Opt, Positional, Stop};
use super::serve::{DEFAULT_SOCKET, MAX_REQUEST_LINE_BYTES};
use super::Outcome;
use crate::gate::printable;

/// Longest answer line read: the daemon cuts nothing it sends, but a path (4 KiB, escaped up
/// to six times) and a reason fit well within this.
const MAX_RESPONSE_LINE_BYTES: u64 = 256 * 1024;
/// How long one answer may take: the daemon hashes and verifies (bounded by the rule's
/// `max_size`) and may wait for a free verification slot.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(120);
/// How long sending a request may block (the daemon reads each line within 5 s).
const SEND_TIMEOUT: Duration = Duration::from_secs(10);

/// Arguments of `edgeverify check`.
pub struct Args {
    socket: PathBuf,
    json: bool,
    paths: Vec<PathBuf>,
}

/// `edgeverify check`'s command line.
pub static COMMAND: Command = Command {
    name: "check",
    about: "Ask a running `serve` whether programs may run (exit 0 all allowed, 1 one denied, 2 \
            could not ask).",
    options: &[&[
        Opt {
            long: "socket",
            value: Some("PATH"),
            help: "The daemon's socket. [default: /run/edgeverify/edgeverify.sock]",
        },
        Opt {
            long: "json",
            value: None,
            help: "Print each answer as one JSON object per line on stdout (the daemon's answer \
                   plus the `path` asked about).",
        },
    ]],
    positionals: &[Positional::many(
        "PATH",
        "The programs to ask about: absolute paths, as the daemon resolves them itself.",
    )],
    trailing: false,
};

impl Args {
    /// Parses what follows `check`.
    pub fn parse(args: Vec<OsString>) -> Result<Self, Stop> {
        let mut m = COMMAND.parse(args)?;
        Ok(Self {
            socket: m
                .path("socket")
                .unwrap_or_else(|| PathBuf::from(DEFAULT_SOCKET)),
            json: m.switch("json"),
            paths: m.positionals().into_iter().map(PathBuf::from).collect(),
        })
    }
}

/// Runs `edgeverify check`.
pub fn run(args: &Args) -> Outcome {
    match ask_all(args) {
        Ok(outcome) => outcome,
        Err(msg) => {
            eprintln!("edgeverify: error: {}", printable(&msg));
            Outcome::Unusable
        }
    }
}

fn ask_all(args: &Args) -> Result<Outcome, String> {
    // Every request is checked before anything is sent: a bad argument asks nothing.
    let mut requests = Vec::with_capacity(args.paths.len());
    for path in &args.paths {
        let Some(text) = path.to_str() else {
            return Err(format!(
                "{}: not UTF-8, which the protocol cannot carry",
                path.display()
            ));
        };
        if !text.starts_with('/') {
            return Err(format!(
                "{text}: path must be absolute (the daemon resolves it, not this shell)"
            ));
        }
        let mut line = serde_json::json!({ "path": text }).to_string().into_bytes();
        line.push(b'\n');
        if line.len() > MAX_REQUEST_LINE_BYTES {
            return Err(format!(
                "{text}: request longer than the daemon's {MAX_REQUEST_LINE_BYTES}-byte limit"
            ));
        }
        requests.push((text, line));
    }
    let socket = &args.socket;
    let stream = UnixStream::connect(socket)
        .map_err(|e| format!("cannot connect to {}: {e}", socket.display()))?;
    let configured = stream
        .set_read_timeout(Some(ANSWER_TIMEOUT))
        .and_then(|()| stream.set_write_timeout(Some(SEND_TIMEOUT)));
    configured.map_err(|e| format!("cannot configure the connection: {e}"))?;
    let mut writer = stream
        .try_clone()
        .map_err(|e| format!("cannot configure the connection: {e}"))?;
    let mut reader = BufReader::new(stream);
    let mut outcome = Outcome::Verified;
    for (path, line) in &requests {
        writer
            .write_all(line)
            .map_err(|e| format!("{path}: cannot send the request: {e}"))?;
        let answer = read_answer(&mut reader).map_err(|e| format!("{path}: {e}"))?;
        let allow = matches!(answer.get("allow"), Some(Value::Bool(true)));
        report(args.json, path, answer, allow);
        if !allow {
            outcome = Outcome::Rejected;
        }
    }
    Ok(outcome)
}

/// One answer line, parsed: a JSON object with a boolean `allow`.
fn read_answer(
    reader: &mut BufReader<UnixStream>,
) -> Result<serde_json::Map<String, Value>, String> {
    let mut line = Vec::new();
    let read = reader
        .by_ref()
        .take(MAX_RESPONSE_LINE_BYTES)
        .read_until(b'\n', &mut line)
        .map_err(|e| format!("no answer from the daemon: {e}"))?;
    if read == 0 {
        return Err("the daemon closed the connection without answering".into());
    }
    if line.last() != Some(&b'\n') {
        return Err(if read as u64 >= MAX_RESPONSE_LINE_BYTES {
            format!("bad answer from the daemon: longer than {MAX_RESPONSE_LINE_BYTES} bytes")
        } else {
            "the daemon closed the connection in the middle of an answer".into()
        });
    }
    match serde_json::from_slice::<Value>(&line) {
        Ok(Value::Object(map)) if map.get("allow").is_some_and(Value::is_boolean) => Ok(map),
        Ok(_) => Err("bad answer from the daemon: not an object with a boolean \"allow\"".into()),
        Err(e) => Err(format!("bad answer from the daemon: {e}")),
    }
}

fn report(json: bool, path: &str, mut answer: serde_json::Map<String, Value>, allow: bool) {
    let text = |key: &str| answer.get(key).and_then(Value::as_str).map(str::to_owned);
    if json {
        answer.insert("path".into(), Value::String(path.to_owned()));
        println!("{}", Value::Object(answer));
        return;
    }
    let (rule, reason, identity) = (text("rule"), text("reason"), text("identity"));
    let mut line = format!("{path}: {}", if allow { "allowed" } else { "denied" });
    if let Some(rule) = rule {
        line.push_str(&format!(" by rule \"{rule}\""));
    }
    if let Some(identity) = identity {
        line.push_str(&format!(", signed by {identity}"));
    }
    if let Some(reason) = reason {
        line.push_str(&format!(": {reason}"));
    }
    println!("{}", printable(&line));
}
