//! Operator experience (issue 18): `edgeverify check` against a real `serve`, and the
//! messages an operator sees, each on real data.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::UnixListener;
use std::path::Path;
use std::process::Output;

use common::daemon::*;
use common::*;
use serde_json::Value;

fn check(socket: &Path, args: &[&str]) -> Output {
    edgeverify_command()
        .arg("check")
        .arg("--socket")
        .arg(socket)
        .args(args)
        .output()
        .unwrap()
}

/// The sample program, a tampered copy and a policy allowing the real signer for both.
fn daemon(tag: &str) -> (TempDir, Server, String, String) {
    let dir = TempDir::new(tag);
    let apps = dir.path().join("apps");
    let app = install_app(&apps, "app");
    let tampered = install_app(&apps, "tampered");
    tamper(&tampered);
    let policy = write_policy(
        dir.path(),
        &identity_rule("apps", &format!("{}/*", apps.display())),
    );
    let server = Server::start(dir.path(), &policy, &[]);
    let (app, tampered) = (app.display().to_string(), tampered.display().to_string());
    (dir, server, app, tampered)
}

#[test]
fn check_exits_0_when_every_path_is_allowed() {
    let (_dir, server, app, _) = daemon("check-allow");
    let out = check(&server.socket, &[&app, &app]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        format!(
            "{app}: allowed by rule \"apps\", signed by {IDENTITY}\n\
             {app}: allowed by rule \"apps\", signed by {IDENTITY}\n"
        )
    );
}

#[test]
fn check_exits_1_when_one_path_is_denied_and_json_prints_one_object_per_path() {
    let (_dir, server, app, tampered) = daemon("check-deny");
    let out = check(&server.socket, &["--json", &app, &tampered]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let lines: Vec<Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "{}", stdout(&out));
    assert_eq!(lines[0]["path"], app.as_str());
    assert_eq!(lines[0]["allow"], true);
    assert_eq!(lines[0]["rule"], "apps");
    assert_eq!(lines[1]["path"], tampered.as_str());
    assert_eq!(lines[1]["allow"], false);
    let reason = lines[1]["reason"].as_str().unwrap();
    assert!(reason.contains("digest"), "{reason}");
    // Human form: the denial and its reason.
    let out = check(&server.socket, &[&tampered]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).starts_with(&format!("{tampered}: denied by rule \"apps\"")),
        "{}",
        stdout(&out)
    );
}

#[test]
fn check_exits_2_when_it_cannot_ask() {
    let (dir, server, app, _) = daemon("check-unusable");
    // A relative path: refused before anything is sent.
    let out = check(&server.socket, &[&app, "apps/app"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stdout(&out), "");
    assert_eq!(
        stderr(&out),
        "edgeverify: error: apps/app: path must be absolute (the daemon resolves it, not this \
         shell)\n"
    );
    // No daemon at the socket.
    let missing = dir.path().join("nobody.sock");
    let out = check(&missing, &[&app]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        format!(
            "edgeverify: error: cannot connect to {}: No such file or directory (os error 2)\n",
            missing.display()
        )
    );
}

#[test]
fn check_exits_2_on_a_broken_or_missing_answer() {
    let dir = TempDir::new("check-bad-answer");
    for (answer, expected) in [
        (
            &b"allow\n"[..],
            "bad answer from the daemon: expected value at line 1 column 1",
        ),
        (
            b"{\"allow\": \"yes\"}\n",
            "bad answer from the daemon: not an object with a boolean \"allow\"",
        ),
        (
            b"",
            "the daemon closed the connection without answering",
        ),
        (
            b"{\"allow\": true",
            "the daemon closed the connection in the middle of an answer",
        ),
    ] {
        let socket = dir.path().join("fake.sock");
        let _ = std::fs::remove_file(&socket);
        let listener = UnixListener::bind(&socket).unwrap();
        let fake = std::thread::spawn(move || {
            let (stream, _) = listener.accept().unwrap();
            let mut line = String::new();
            BufReader::new(&stream).read_line(&mut line).unwrap();
            (&stream).write_all(answer).unwrap();
            line
        });
        let out = check(&socket, &["/usr/bin/true"]);
        assert_eq!(fake.join().unwrap(), "{\"path\":\"/usr/bin/true\"}\n");
        assert_eq!(out.status.code(), Some(2), "{answer:?}");
        assert_eq!(
            stderr(&out),
            format!("edgeverify: error: /usr/bin/true: {expected}\n")
        );
    }
}
