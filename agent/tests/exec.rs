//! `edgeverify exec` and `edgeverify policy check`, driven through the real binary with the
//! real sample program (slsa-framework/example-package) and its real Sigstore bundle.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::fs::{self, OpenOptions};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;
use std::process::{Command, Output, Stdio};

use common::*;

/// The sample program ran (or, on a machine that cannot run x86-64 code, was allowed and
/// failed only at exec, which is reported distinctly).
fn assert_ran(o: &Output) {
    if sample_runs_here() {
        assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(o));
        assert!(stdout(o).contains("Hello world"), "stdout: {}", stdout(o));
        assert!(!stderr(o).contains("edgeverify"), "stderr: {}", stderr(o));
    } else {
        assert_eq!(o.status.code(), Some(2));
        assert!(stderr(o).contains("could not be executed"), "{}", stderr(o));
    }
}

fn assert_denied(o: &Output, needle: &str) {
    assert_eq!(o.status.code(), Some(1), "stderr: {}", stderr(o));
    assert!(!stdout(o).contains("Hello world"), "the program ran");
    let err = stderr(o);
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    assert!(err.starts_with("edgeverify: denied"), "{err}");
    assert!(err.contains(needle), "expected {needle:?} in {err}");
}

#[test]
fn allow_runs_the_program_with_its_arguments() {
    let t = TempDir::new("exec-allow");
    let app = install_app(&t.path().join("opt"), "app");
    let policy = write_policy(
        t.path(),
        &identity_rule("app", &format!("{}/opt/*", t.path().display())),
    );
    let out = t.path().join("written");
    let o = exec(
        &policy,
        &app,
        &["-filename", out.to_str().unwrap(), "-content", "ran"],
    );
    assert_ran(&o);
    if sample_runs_here() {
        assert_eq!(fs::read_to_string(&out).unwrap(), "ran");
    }
}

#[test]
fn allowed_program_exit_status_is_its_own() {
    if !sample_runs_here() {
        return;
    }
    let t = TempDir::new("exec-status");
    let app = install_app(&t.path().join("opt"), "app");
    let policy = write_policy(
        t.path(),
        &identity_rule("app", &format!("{}/opt/*", t.path().display())),
    );
    // Go's flag package exits 2 on an unknown flag.
    let o = exec(&policy, &app, &["-no-such-flag"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("flag provided but not defined"),
        "{}",
        stderr(&o)
    );
    assert!(!stderr(&o).contains("edgeverify"), "{}", stderr(&o));
}

#[test]
fn program_found_through_path_and_symlinks_resolve_to_the_rule_path() {
    let t = TempDir::new("exec-path");
    install_app(&t.path().join("opt"), "app");
    fs::create_dir_all(t.path().join("bin")).unwrap();
    std::os::unix::fs::symlink(t.path().join("opt/app"), t.path().join("bin/app-link")).unwrap();
    let policy = write_policy(
        t.path(),
        &identity_rule("app", &format!("{}/opt/*", t.path().display())),
    );
    let o = edgeverify_command()
        .args(["exec", "--policy"])
        .arg(&policy)
        .args(["--", "app-link"])
        .env("PATH", t.path().join("bin"))
        .output()
        .unwrap();
    assert_ran(&o);
}

/// SLSA rule (slsa-verifier semantics) with the real provenance.
#[test]
fn allow_under_an_slsa_rule() {
    let t = TempDir::new("exec-slsa");
    let app = install_app(&t.path().join("opt"), "app");
    let policy = write_policy(
        t.path(),
        &slsa_rule("app", &format!("{}/opt/*", t.path().display()), SOURCE),
    );
    assert_ran(&exec(&policy, &app, &[]));
}

#[test]
fn wrong_source_is_denied() {
    let t = TempDir::new("exec-source");
    let app = install_app(&t.path().join("opt"), "app");
    let policy = write_policy(
        t.path(),
        &slsa_rule(
            "app",
            &format!("{}/opt/*", t.path().display()),
            "github.com/slsa-framework/another-package",
        ),
    );
    assert_denied(&exec(&policy, &app, &[]), "rule \"app\": evidence");
    let o = exec(&policy, &app, &[]);
    assert!(stderr(&o).contains("provenance"), "{}", stderr(&o));
    assert!(stderr(&o).contains("ErrorMismatchSource"), "{}", stderr(&o));
    // The stage is named once, where it arose (issue 15: once "provenance: provenance failed").
    assert_eq!(
        stderr(&o).matches("provenance failed").count(),
        1,
        "{}",
        stderr(&o)
    );
    assert!(
        !stderr(&o).contains("provenance: provenance"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn wrong_signer_is_denied() {
    let t = TempDir::new("exec-signer");
    let app = install_app(&t.path().join("opt"), "app");
    let policy = write_policy(
        t.path(),
        &wrong_identity_rule("app", &format!("{}/opt/*", t.path().display())),
    );
    assert_denied(&exec(&policy, &app, &[]), "identity");
}

#[test]
fn tampered_program_is_denied() {
    let t = TempDir::new("exec-tampered");
    let app = install_app(&t.path().join("opt"), "app");
    tamper(&app);
    let policy = write_policy(
        t.path(),
        &identity_rule("app", &format!("{}/opt/*", t.path().display())),
    );
    assert_denied(&exec(&policy, &app, &[]), "denied by rule \"app\"");
}

#[test]
fn tampered_evidence_is_denied() {
    let t = TempDir::new("exec-bad-evidence");
    let app = install_app(&t.path().join("opt"), "app");
    let ev = t.path().join("opt/app.intoto.jsonl");
    let text = fs::read_to_string(&ev).unwrap();
    fs::write(&ev, text.replacen("\"logIndex\"", "\"logIndexX\"", 1)).unwrap();
    let policy = write_policy(
        t.path(),
        &identity_rule("app", &format!("{}/opt/*", t.path().display())),
    );
    assert_denied(&exec(&policy, &app, &[]), "evidence");
}

#[test]
fn missing_evidence_is_denied() {
    let t = TempDir::new("exec-no-evidence");
    let app = install_app(&t.path().join("opt"), "app");
    fs::remove_file(t.path().join("opt/app.intoto.jsonl")).unwrap();
    let policy = write_policy(
        t.path(),
        &identity_rule("app", &format!("{}/opt/*", t.path().display())),
    );
    assert_denied(&exec(&policy, &app, &[]), "no evidence found");
}

#[test]
fn evidence_from_a_configured_location() {
    let t = TempDir::new("exec-provenance");
    let app = install_app(&t.path().join("opt"), "app");
    let store = t.path().join("bundles");
    fs::create_dir_all(&store).unwrap();
    fs::rename(
        t.path().join("opt/app.intoto.jsonl"),
        store.join("app.sigstore.json"),
    )
    .unwrap();
    let mut rule = identity_rule("app", &format!("{}/opt/*", t.path().display()));
    rule.push_str(&format!(
        "provenance = \"{}/{{name}}.sigstore.json\"\n",
        store.display()
    ));
    // `provenance` must belong to the rule table: put it before the blank line.
    let rule = rule.replacen("\n\nprovenance", "\nprovenance", 1);
    let policy = write_policy(t.path(), &rule);
    assert_ran(&exec(&policy, &app, &[]));
}

#[test]
fn no_matching_rule_is_denied() {
    let t = TempDir::new("exec-no-rule");
    let app = install_app(&t.path().join("opt"), "app");
    let policy = write_policy(t.path(), &identity_rule("other", "/srv/apps/*"));
    assert_denied(&exec(&policy, &app, &[]), "no rule matches");
}

#[test]
fn audit_mode_logs_and_runs() {
    let t = TempDir::new("exec-audit");
    let app = install_app(&t.path().join("opt"), "app");
    tamper(&app);
    let mut rule = wrong_identity_rule("app", &format!("{}/opt/*", t.path().display()));
    rule = rule.trim_end().to_string() + "\nmode = \"audit\"\n";
    let policy = write_policy(t.path(), &rule);
    let log = t.path().join("audit.log");
    let o = edgeverify_command()
        .args(["exec", "--policy"])
        .arg(&policy)
        .arg("--audit-log")
        .arg(&log)
        .arg("--")
        .arg(&app)
        .output()
        .unwrap();
    assert!(stderr(&o).contains("audit mode"), "{}", stderr(&o));
    if sample_runs_here() {
        // Tampered in the middle of a Go binary: it still starts (or at least exec works).
        assert!(o.status.code().is_some());
    }
    let line = fs::read_to_string(&log).unwrap();
    let v: serde_json::Value = serde_json::from_str(line.trim()).unwrap();
    assert_eq!(v["verdict"], "allow-audit");
    assert_eq!(v["rule"], "app");
    assert!(v["reason"].as_str().unwrap().contains("evidence"));
}

#[test]
fn scripts_and_writable_programs_are_refused() {
    let t = TempDir::new("exec-script");
    let dir = t.path().join("opt");
    fs::create_dir_all(&dir).unwrap();
    let script = dir.join("script");
    fs::write(&script, "#!/bin/sh\necho SCRIPT RAN\n").unwrap();
    fs::set_permissions(&script, fs::Permissions::from_mode(0o755)).unwrap();
    let policy = write_policy(
        t.path(),
        &identity_rule("app", &format!("{}/opt/*", t.path().display())),
    );
    let o = exec(&policy, &script, &[]);
    assert_denied(&o, "is a script");
    assert!(!stdout(&o).contains("SCRIPT RAN"));

    let app = install_app(&dir, "app");
    fs::set_permissions(&app, fs::Permissions::from_mode(0o775)).unwrap();
    assert_denied(&exec(&policy, &app, &[]), "writable by group or others");
}

/// The path is replaced (atomically renamed over) *after* the verification, while the gate
/// holds the verified descriptor: the verified bytes run, never the replacement. A gate that
/// executed the path would run the replacement (the last assertion shows what the path now
/// holds).
#[test]
fn replacing_the_file_after_verification_does_not_run_the_new_bytes() {
    let t = TempDir::new("exec-swap");
    let app = install_app(&t.path().join("opt"), "app");
    let evil = t.path().join("opt/evil");
    fs::write(&evil, "#!/bin/sh\necho SWAPPED\n").unwrap();
    fs::set_permissions(&evil, fs::Permissions::from_mode(0o755)).unwrap();
    let policy = write_policy(
        t.path(),
        &identity_rule("app", &format!("{}/opt/*", t.path().display())),
    );
    let fifo = t.path().join("pause");
    assert!(Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());

    let mut child = edgeverify_command()
        .args(["exec", "--policy"])
        .arg(&policy)
        .arg("--")
        .arg(&app)
        .env("EDGEVERIFY_TEST_PAUSE_BEFORE_EXEC", &fifo)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The gate opens the FIFO only after its decision; until then there is no reader and a
    // non-blocking open for writing fails with ENXIO.
    let writer = wait_for("the gate to pause after verification", || {
        if let Ok(Some(status)) = child.try_wait() {
            panic!("the gate exited before pausing: {status}");
        }
        OpenOptions::new()
            .write(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(&fifo)
            .ok()
    });
    fs::rename(&evil, &app).unwrap();
    drop(writer); // EOF: the gate resumes and executes.
    let o = child.wait_with_output().unwrap();
    assert!(!stdout(&o).contains("SWAPPED"), "the replacement ran");
    assert_ran(&o);

    let direct = Command::new(&app).output().unwrap();
    assert!(
        stdout(&direct).contains("SWAPPED"),
        "the path now holds the replacement"
    );
}

#[test]
fn bad_policies_exit_2_with_file_line_and_reason() {
    let t = TempDir::new("exec-bad-policy");
    let app = install_app(&t.path().join("opt"), "app");
    let cases = [
        ("[[rule]]\nname = \"a\"\npaths = [\"/x\"]\nsource_uri = \"github.com/o/r\"\nsorce_tag = \"v1\"\n", 5, "unknown key"),
        ("[[rule]]\nname = \"a\"\npaths = [\"/x\"]\n", 2, "neither"),
        ("[[rule]]\nname = \"a\"\npaths = [\"x/*\"]\nsource_uri = \"github.com/o/r\"\n", 3, "bad glob"),
    ];
    for (text, line, reason) in cases {
        let policy = write_policy(t.path(), text);
        for o in [
            exec(&policy, &app, &[]),
            edgeverify_command()
                .args(["policy", "check"])
                .arg(&policy)
                .output()
                .unwrap(),
        ] {
            assert_eq!(o.status.code(), Some(2), "{text}");
            let err = stderr(&o);
            let prefix = format!("edgeverify: {}:{line}: ", policy.display());
            assert!(err.starts_with(&prefix), "{err} (want {prefix})");
            assert!(err.contains(reason), "{err}");
            assert!(!stdout(&o).contains("Hello world"));
        }
    }
    let policy = write_policy(t.path(), &identity_rule("a", "/opt/**"));
    let o = edgeverify_command()
        .args(["policy", "check"])
        .arg(&policy)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("OK: 1 rule(s)"));

    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/policy.toml");
    let o = edgeverify_command()
        .args(["policy", "check"])
        .arg(&example)
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "examples/policy.toml: {}",
        stderr(&o)
    );
}

#[test]
fn unreadable_or_missing_programs_exit_2() {
    let t = TempDir::new("exec-missing");
    let policy = write_policy(t.path(), &identity_rule("a", "/opt/**"));
    let o = exec(&policy, &t.path().join("nope"), &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("cannot open"), "{}", stderr(&o));
    let o = exec(&policy, t.path(), &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("not a regular file"), "{}", stderr(&o));
}
