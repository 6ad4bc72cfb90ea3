//! `edgeverify serve`: the real binary on a real Unix socket, with the real sample program
//! and its real bundle.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::fs;
use std::io::{BufRead, Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use common::daemon::*;
use common::*;
use serde_json::{json, Value};

fn allowed(v: &Value) -> bool {
    v["allow"] == json!(true)
}

fn cached(v: &Value) -> bool {
    v["cached"] == json!(true)
}

/// Two directories with the sample program, a tampered copy, and a policy with one rule per
/// directory (so the same signed bytes are two different verdicts, one per rule).
struct Fixture {
    dir: TempDir,
    a: PathBuf,
    b: PathBuf,
    tampered: PathBuf,
    policy: PathBuf,
}

fn fixture(tag: &str) -> Fixture {
    let dir = TempDir::new(tag);
    let root = dir.path().to_path_buf();
    let a = install_app(&root.join("a"), "app");
    let b = install_app(&root.join("b"), "app");
    let tampered = install_app(&root.join("a"), "tampered");
    tamper(&tampered);
    let policy = write_policy(
        &root,
        &format!(
            "{}{}",
            identity_rule("a", &format!("{}/a/*", root.display())),
            identity_rule("b", &format!("{}/b/*", root.display()))
        ),
    );
    Fixture {
        dir,
        a,
        b,
        tampered,
        policy,
    }
}

#[test]
fn answers_concurrent_clients_correctly() {
    let f = fixture("serve-concurrent");
    let server = Server::start(f.dir.path(), &f.policy, &[]);
    let mode = fs::metadata(&server.socket).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);

    let unmatched = PathBuf::from("/usr/bin/env");
    let missing = f.dir.path().join("a/missing");
    let threads: Vec<_> = (0..8)
        .map(|i| {
            let mut c = server.client();
            let (a, b, t, u, m) = (
                f.a.clone(),
                f.b.clone(),
                f.tampered.clone(),
                unmatched.clone(),
                missing.clone(),
            );
            std::thread::spawn(move || {
                let mut cached_seen = false;
                for round in 0..40 {
                    let which = (i + round) % 5;
                    let (path, expect_allow, rule) = match which {
                        0 => (&a, true, Some("a")),
                        1 => (&b, true, Some("b")),
                        2 => (&t, false, Some("a")),
                        3 => (&u, false, None),
                        _ => (&m, false, None),
                    };
                    let v = c.ask(path);
                    assert_eq!(allowed(&v), expect_allow, "{path:?}: {v}");
                    assert_eq!(v["rule"].as_str(), rule, "{path:?}: {v}");
                    if expect_allow {
                        assert_eq!(v["identity"], IDENTITY);
                        cached_seen |= cached(&v);
                    } else {
                        assert!(v["reason"].as_str().is_some_and(|r| !r.is_empty()), "{v}");
                        assert!(!cached(&v), "a denial must never come from the cache: {v}");
                    }
                }
                cached_seen
            })
        })
        .collect();
    let cached_seen = threads.into_iter().any(|t| t.join().unwrap());
    assert!(
        cached_seen,
        "repeated allows should be answered from the cache"
    );

    // One line per decision, with the peer's credentials.
    let audit = fs::read_to_string(f.dir.path().join("audit.log")).unwrap_or_default();
    let decisions: Vec<Value> = audit
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .filter(|v: &Value| v["event"] == "decision")
        .collect();
    // The writer may still be flushing the last batch; at least all but that are there.
    assert!(decisions.len() <= 320);
    if let Some(d) = decisions.first() {
        assert!(d["peer"]["pid"].as_i64().unwrap() > 0, "{d}");
        assert!(d["peer"]["uid"].is_u64(), "{d}");
    }
}

#[test]
fn malformed_and_oversized_requests_are_refused() {
    let f = fixture("serve-bad-requests");
    let server = Server::start(f.dir.path(), &f.policy, &[]);
    let mut c = server.client();
    for bad in [
        &b"not json\n"[..],
        b"{\"path\": 1}\n",
        b"{\"path\": \"/x\", \"extra\": true}\n",
        b"{\"path\": \"relative\"}\n",
        b"{\"path\": \"/proc/self/fd/0\"}\n",
    ] {
        let v = c.send_raw(bad);
        assert!(!allowed(&v), "{v}");
        assert!(v["reason"].is_string(), "{v}");
    }
    // Still usable after bad requests.
    assert!(allowed(&c.ask(&f.a)));

    let mut long = vec![b'a'; 64 * 1024];
    long.push(b'\n');
    let v = c.send_raw(&long);
    assert!(!allowed(&v));
    assert!(v["reason"].as_str().unwrap().contains("longer than"), "{v}");
    // …and the connection is closed.
    let mut rest = Vec::new();
    let _ = c.reader.read_to_end(&mut rest);
    assert!(rest.is_empty());
}

/// A kill -9 while the cache file is half written: after a restart nothing that was answered
/// before is lost, the torn write is not used, and nothing is wrongly allowed.
#[test]
fn survives_kill_9_during_a_cache_write() {
    let f = fixture("serve-kill9");
    let cache_file = f.dir.path().join("verdicts.cbor");

    // 1. An allow is durable before it is answered.
    let server = Server::start(f.dir.path(), &f.policy, &[]);
    let v = server.client().ask(&f.a);
    assert!(allowed(&v) && !cached(&v), "{v}");
    server.kill9();
    let durable = fs::read(&cache_file).unwrap();

    // 2. Restart; the verdict survived. Then stall the next cache write halfway and kill -9.
    let marker = f.dir.path().join("stalled");
    let server = Server::start(
        f.dir.path(),
        &f.policy,
        &[("EDGEVERIFY_TEST_STALL_CACHE_WRITE", &marker)],
    );
    let v = server.client().ask(&f.a);
    assert!(allowed(&v) && cached(&v), "lost after kill -9: {v}");
    let mut c = server.client();
    let b = f.b.clone();
    let pending = std::thread::spawn(move || {
        // A new verdict (rule "b"): its cache write stalls, so no answer ever comes.
        let mut line = json!({ "path": b }).to_string();
        line.push('\n');
        let _ = c.writer.write_all(line.as_bytes());
        let mut answer = String::new();
        let _ = c.reader.read_line(&mut answer);
        answer
    });
    wait_for("the cache write to stall halfway", || {
        marker.exists().then_some(())
    });
    let tmp = f.dir.path().join("verdicts.cbor.tmp");
    let partial = fs::read(&tmp).unwrap();
    assert!(!partial.is_empty(), "the temp file holds half a write");
    server.kill9();
    assert_eq!(
        pending.join().unwrap(),
        "",
        "no answer was sent for the torn write"
    );
    assert_eq!(
        fs::read(&cache_file).unwrap(),
        durable,
        "the cache file was not touched"
    );

    // 3. Restart: the old verdict is there, the unanswered one is verified afresh, and a
    //    tampered file (even one written in place over a cached program) is denied.
    let server = Server::start(f.dir.path(), &f.policy, &[]);
    let mut c = server.client();
    let v = c.ask(&f.a);
    assert!(allowed(&v) && cached(&v), "{v}");
    let v = c.ask(&f.b);
    assert!(allowed(&v) && !cached(&v), "{v}");
    assert!(!allowed(&c.ask(&f.tampered)));
    tamper(&f.a);
    let v = c.ask(&f.a);
    assert!(
        !allowed(&v),
        "a cached program changed in place must be re-verified: {v}"
    );
    tamper(&f.a); // back to the signed bytes
    assert!(allowed(&c.ask(&f.a)));
    drop(c);
    server.kill9();

    // 4. A torn or corrupted cache file (as a non-atomic writer would leave) is ignored as a
    //    whole: every answer is re-verified and stays correct.
    let whole = fs::read(&cache_file).unwrap();
    for broken in [whole[..whole.len() / 2].to_vec(), {
        let mut b = whole.clone();
        let last = b.len() - 3;
        b[last] ^= 0xff;
        b
    }] {
        fs::write(&cache_file, &broken).unwrap();
        let server = Server::start(f.dir.path(), &f.policy, &[]);
        let mut c = server.client();
        let v = c.ask(&f.a);
        assert!(allowed(&v) && !cached(&v), "{v}");
        assert!(!allowed(&c.ask(&f.tampered)));
        assert!(
            server.stderr().contains("ignoring the verdict cache"),
            "{}",
            server.stderr()
        );
        server.kill9();
    }
}

#[test]
fn sighup_reloads_the_policy_and_keeps_it_when_the_new_one_is_bad() {
    let f = fixture("serve-sighup");
    let root = f.dir.path();
    let server = Server::start(root, &f.policy, &[]);
    let mut c = server.client();
    assert!(allowed(&c.ask(&f.a)));

    // A stricter policy: the same program is now denied (the cached allow is not reused).
    fs::write(
        &f.policy,
        wrong_identity_rule("a", &format!("{}/a/*", root.display())),
    )
    .unwrap();
    server.signal(libc::SIGHUP);
    let v = wait_for("the reload to take effect", || {
        let v = c.ask(&f.a);
        (!allowed(&v)).then_some(v)
    });
    assert!(v["reason"].as_str().unwrap().contains("identity"), "{v}");

    // A broken policy: refused, the previous one stays in force, the audit log says why.
    fs::write(
        &f.policy,
        "[[rule]]\nname = \"a\"\npaths = [\"/x\"]\nbogus = \"1\"\n",
    )
    .unwrap();
    server.signal(libc::SIGHUP);
    let audit = root.join("audit.log");
    let failure = wait_for("the failed reload to be logged", || {
        fs::read_to_string(&audit).ok()?.lines().find_map(|l| {
            let v: Value = serde_json::from_str(l).ok()?;
            (v["event"] == "reload" && v["ok"] == json!(false)).then_some(v)
        })
    });
    assert!(
        failure["detail"]
            .as_str()
            .unwrap()
            .contains("policy.toml:4: unknown key"),
        "{failure}"
    );
    let v = c.ask(&f.a);
    assert!(!allowed(&v) && v["rule"] == "a", "{v}");

    // And back.
    fs::write(
        &f.policy,
        identity_rule("a", &format!("{}/a/*", root.display())),
    )
    .unwrap();
    server.signal(libc::SIGHUP);
    wait_for("the second reload", || allowed(&c.ask(&f.a)).then_some(()));
}

#[test]
fn sigterm_drains_and_exits_cleanly() {
    let f = fixture("serve-sigterm");
    let server = Server::start(f.dir.path(), &f.policy, &[]);
    let mut c = server.client();
    assert!(allowed(&c.ask(&f.a)));
    let socket = server.socket.clone();
    server.signal(libc::SIGTERM);
    let mut rest = Vec::new();
    let _ = c.reader.read_to_end(&mut rest); // the daemon closes idle connections
    let status = server.wait_exit();
    assert!(status.success(), "{status}");
    assert!(!socket.exists(), "the socket is removed");
    let audit = fs::read_to_string(f.dir.path().join("audit.log")).unwrap();
    assert!(
        audit.lines().last().unwrap().contains("\"event\":\"stop\""),
        "{audit}"
    );
}

#[test]
fn refuses_to_start_with_a_bad_policy_or_a_live_socket() {
    let f = fixture("serve-start");
    let bad = f.dir.path().join("bad.toml");
    fs::write(
        &bad,
        "[[rule]]\nname = \"a\"\npaths = [\"/x/[ab]\"]\nsource_uri = \"github.com/o/r\"\n",
    )
    .unwrap();
    let o = edgeverify_command()
        .args(["serve", "--policy"])
        .arg(&bad)
        .arg("--socket")
        .arg(f.dir.path().join("x.sock"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("bad.toml:3: "), "{}", stderr(&o));

    let server = Server::start(f.dir.path(), &f.policy, &[]);
    let o = edgeverify_command()
        .args(["serve", "--policy"])
        .arg(&f.policy)
        .arg("--socket")
        .arg(&server.socket)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("another daemon is listening"),
        "{}",
        stderr(&o)
    );
    drop(server);
}

/// `trust-root update` replaces the trust root file the policy names; SIGHUP makes the running
/// daemon use it, and clients asking throughout get an answer to every request.
#[test]
fn sighup_picks_up_a_root_installed_by_trust_root_update() {
    let f = fixture("serve-tuf-update");
    let root = f.dir.path();
    let tuf =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/tests/data/tuf/sigstore-production");
    // The old root: the 2025 trusted root with its Rekor log's ID changed, so the sample's
    // Rekor v1 entry is from a log it does not know and the program is denied.
    let trusted_root = root.join("trusted_root.json");
    let mut old: Value = serde_json::from_slice(
        &fs::read(tuf.join("2025-07-11/targets/trusted_root.json")).unwrap(),
    )
    .unwrap();
    old["tlogs"][0]["logId"]["keyId"] = json!("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
    fs::write(&trusted_root, serde_json::to_vec_pretty(&old).unwrap()).unwrap();
    fs::write(
        &f.policy,
        format!(
            "[trust_root]\npath = \"{}\"\n\n{}",
            trusted_root.display(),
            identity_rule("a", &format!("{}/a/*", root.display()))
        ),
    )
    .unwrap();
    let server = Server::start(root, &f.policy, &[]);
    let mut c = server.client();
    let v = c.ask(&f.a);
    assert!(!allowed(&v) && v["rule"] == "a", "{v}");
    assert!(
        v["reason"].as_str().unwrap().contains("transparency log"),
        "{v}"
    );

    // A client asking all the time: every request gets a verdict (allowed or denied, never an
    // error), before, during and after the update and the reload.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let asker = {
        let (stop, mut c2, a) = (stop.clone(), server.client(), f.a.clone());
        std::thread::spawn(move || {
            let mut answers = 0u32;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let v = c2.ask(&a);
                assert!(v["allow"].is_boolean(), "{v}");
                answers += 1;
            }
            answers
        })
    };

    // The update: the real 2026 repository, from the embedded TUF state (a fresh device).
    let update = root.join("update");
    fs::create_dir_all(update.join("targets")).unwrap();
    for role in ["timestamp", "snapshot", "targets"] {
        fs::copy(
            tuf.join(format!("2026-08-21/metadata/{role}.json")),
            update.join(format!("{role}.json")),
        )
        .unwrap();
    }
    fs::copy(
        tuf.join("2026-08-21/targets/trusted_root.json"),
        update.join("targets/trusted_root.json"),
    )
    .unwrap();
    let o = edgeverify_command()
        .args([
            "trust-root",
            "update",
            "--now",
            "2026-08-22T00:00:00Z",
            "--from",
        ])
        .arg(&update)
        .arg("--state")
        .arg(root.join("tuf-state"))
        .arg("--trusted-root-path")
        .arg(&trusted_root)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // Not yet: the daemon keeps the root it loaded until told.
    assert!(!allowed(&c.ask(&f.a)));
    server.signal(libc::SIGHUP);
    wait_for("the new root to take effect", || {
        allowed(&c.ask(&f.a)).then_some(())
    });
    let audit = fs::read_to_string(root.join("audit.log")).unwrap();
    assert!(
        audit.contains(edgeverify_core::EMBEDDED_PRODUCTION_SHA256),
        "{audit}"
    );
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    assert!(asker.join().unwrap() > 0);
}
