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
        (b"", "the daemon closed the connection without answering"),
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

// ---- Messages (issue 18): each on real data, exact exit code and the words that matter. ----

fn repo(path: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(path)
}

/// A legacy bare-DSSE `.intoto.jsonl` (slsa-github-generator < v2.1.0) from slsa-verifier's
/// test data (core/tests/data/NOTICE).
fn legacy_envelope() -> std::path::PathBuf {
    repo(
        "core/tests/data/slsa-verifier/legacy-online-only/slsa-verifier/cli/slsa-verifier/\
         testdata/binary-linux-amd64-no-tlog-upload.intoto.jsonl",
    )
}

const LEGACY: &str = "is a legacy DSSE envelope (slsa-github-generator before v2.1.0, e.g. \
                      KubeEdge <= v1.20) with no transparency-log proof inside, so it cannot be \
                      verified offline";

fn verify_bundle(bundle: &Path, artifact: &str, extra: &[&str]) -> Output {
    edgeverify_command()
        .arg("verify-bundle")
        .arg("--bundle")
        .arg(bundle)
        .args(["--certificate-identity", IDENTITY])
        .args(["--certificate-oidc-issuer", ISSUER])
        .args(extra)
        .arg(artifact)
        .output()
        .unwrap()
}

fn verify_artifact(provenance: &Path, artifacts: &[&str], extra: &[&str]) -> Output {
    edgeverify_command()
        .arg("verify-artifact")
        .arg("--provenance-path")
        .arg(provenance)
        .args(["--source-uri", SOURCE])
        .args(extra)
        .args(artifacts)
        .output()
        .unwrap()
}

fn sample() -> String {
    example("binary-linux-amd64").display().to_string()
}

fn sample_bundle() -> std::path::PathBuf {
    example("binary-linux-amd64.intoto.jsonl")
}

#[test]
fn a_legacy_envelope_is_explained_the_same_way_everywhere() {
    let legacy = legacy_envelope();
    let shown = legacy.display().to_string();
    let out = verify_bundle(&legacy, &sample(), &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).starts_with(&format!(
            "edgeverify: verification failed: {shown}: the provenance {LEGACY}"
        )),
        "{}",
        stderr(&out)
    );
    let out = verify_bundle(&legacy, &sample(), &["--json"]);
    let v: Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(v["verified"], false);
    assert_eq!(v["stage"], "bundle");
    assert!(v["error"].as_str().unwrap().contains(LEGACY), "{v}");

    let out = verify_artifact(&legacy, &[&sample()], &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).starts_with(&format!(
            "FAILED: SLSA verification failed: {shown}: the provenance {LEGACY}"
        )),
        "{}",
        stderr(&out)
    );

    // exec and serve: the same words, naming the evidence file and the rule.
    let dir = TempDir::new("legacy-gate");
    let app = install_app(dir.path(), "app");
    let evidence = dir.path().join("app.intoto.jsonl");
    std::fs::copy(&legacy, &evidence).unwrap();
    let policy = write_policy(
        dir.path(),
        &identity_rule("apps", &format!("{}/*", dir.path().display())),
    );
    let out = edgeverify_command()
        .args(["exec", "--policy"])
        .arg(&policy)
        .arg("--")
        .arg(&app)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout(&out), "", "the program must not run");
    assert!(
        stderr(&out).starts_with(&format!(
            "edgeverify: denied by rule \"apps\": evidence {}: the provenance {LEGACY}",
            evidence.display()
        )),
        "{}",
        stderr(&out)
    );
    let server = Server::start(dir.path(), &policy, &[]);
    let out = check(&server.socket, &["--json", &app.display().to_string()]);
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(v["rule"], "apps");
    assert!(v["reason"].as_str().unwrap().contains(LEGACY), "{v}");
}

#[test]
fn print_provenance_puts_only_the_statement_on_stdout() {
    let out = verify_artifact(&sample_bundle(), &[&sample()], &["--print-provenance"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // The whole of stdout is one JSON document: `| jq` works.
    let statement: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(statement["_type"], "https://in-toto.io/Statement/v0.1");
    let err = stderr(&out);
    assert!(
        err.starts_with(&format!("Verified {}: built by ", sample())),
        "{err}"
    );
    assert!(err.ends_with("PASSED: SLSA verification passed\n"), "{err}");
}

#[test]
fn verify_artifact_json_prints_one_object_for_every_kind_of_failure() {
    let dir = TempDir::new("json-failures");
    let missing = dir.path().join("missing.intoto.jsonl");
    let cases: [(std::path::PathBuf, String, &str, i32); 3] = [
        // I/O: no provenance file.
        (missing.clone(), sample(), "ErrorInput", 2),
        // Legacy format.
        (legacy_envelope(), sample(), "ErrorLegacyEnvelope", 1),
        // I/O: no artifact.
        (
            sample_bundle(),
            dir.path().join("missing").display().to_string(),
            "ErrorInput",
            2,
        ),
    ];
    for (provenance, artifact, error, code) in cases {
        let out = verify_artifact(&provenance, &[&artifact], &["--json"]);
        assert_eq!(out.status.code(), Some(code), "{}", stderr(&out));
        let text = stdout(&out);
        assert_eq!(text.lines().count(), 1, "{text}");
        let v: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["verified"], false, "{v}");
        assert_eq!(v["error"], error, "{v}");
        assert!(v["reason"].as_str().is_some_and(|r| !r.is_empty()), "{v}");
    }
}

#[test]
fn fifos_and_devices_are_refused_not_read() {
    let dir = TempDir::new("fifo");
    let fifo = dir.path().join("fifo");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(status.success());
    let fifo_text = fifo.display().to_string();
    let refused = "not a regular file (a FIFO, device or socket)";
    // Nobody ever writes the FIFO: reading it would block forever; /dev/zero never ends.
    for (out, what) in [
        (
            verify_bundle(&fifo, &sample(), &[]),
            format!("cannot open {fifo_text}"),
        ),
        (
            verify_bundle(&sample_bundle(), &fifo_text, &[]),
            format!("cannot read {fifo_text}"),
        ),
        (
            verify_bundle(&sample_bundle(), "/dev/zero", &[]),
            "cannot read /dev/zero".into(),
        ),
        (
            verify_artifact(&fifo, &[&sample()], &[]),
            format!("cannot open {fifo_text}"),
        ),
        (
            verify_artifact(&sample_bundle(), &[&fifo_text], &[]),
            format!("cannot read {fifo_text}"),
        ),
        (
            verify_artifact(&sample_bundle(), &["/dev/zero"], &[]),
            "cannot read /dev/zero".into(),
        ),
    ] {
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        assert_eq!(
            stderr(&out),
            format!("edgeverify: error: {what}: {refused}\n")
        );
    }
}

fn with_stdin(mut cmd: std::process::Command, input: &[u8]) -> Output {
    let mut child = cmd
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    // A failing write means the command stopped reading: its exit status says why.
    let _ = stdin.write_all(input);
    drop(stdin);
    child.wait_with_output().unwrap()
}

#[test]
fn dash_reads_the_artifact_from_stdin() {
    let bytes = std::fs::read(example("binary-linux-amd64")).unwrap();
    let mut tampered = bytes.clone();
    tampered[1000] ^= 1;
    for (input, code) in [(&bytes, 0), (&tampered, 1)] {
        let mut cmd = edgeverify_command();
        cmd.arg("verify-bundle")
            .arg("--bundle")
            .arg(sample_bundle())
            .args([
                "--certificate-identity",
                IDENTITY,
                "--certificate-oidc-issuer",
                ISSUER,
                "-",
            ]);
        let out = with_stdin(cmd, input);
        assert_eq!(out.status.code(), Some(code), "{}", stderr(&out));
        let mut cmd = edgeverify_command();
        cmd.arg("verify-artifact")
            .arg("--provenance-path")
            .arg(sample_bundle())
            .args(["--source-uri", SOURCE, "-"]);
        let out = with_stdin(cmd, input);
        assert_eq!(out.status.code(), Some(code), "{}", stderr(&out));
        if code == 0 {
            assert!(
                stderr(&out).starts_with("Verified -: built by "),
                "{}",
                stderr(&out)
            );
        }
    }
    // Standard input can be read once.
    let out = verify_artifact(&sample_bundle(), &["-", "-"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "edgeverify: error: `-` (standard input) can be given as one artifact only\n"
    );
}

#[test]
fn swapped_files_an_empty_object_and_a_bad_digest_say_what_is_wrong() {
    let dir = TempDir::new("not-a-bundle");
    let empty = dir.path().join("empty.json");
    std::fs::write(&empty, "{}\n").unwrap();
    let sample_path = example("binary-linux-amd64");
    let bundle_text = sample_bundle().display().to_string();
    // Bundle and artifact swapped.
    let out = verify_bundle(&sample_path, &bundle_text, &[]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        format!(
            "edgeverify: verification failed: {}: not a Sigstore bundle: not a JSON object (an \
             artifact given in place of the bundle? The bundle is the .sigstore.json or \
             .intoto.jsonl file)\n",
            sample()
        )
    );
    let out = verify_artifact(&sample_path, &[&bundle_text], &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out)
            .contains("not a Sigstore bundle: not a JSON object (an artifact given in place"),
        "{}",
        stderr(&out)
    );
    // `{}`.
    let no_media_type = format!(
        "{}: not a Sigstore bundle: a JSON object without \"mediaType\"",
        empty.display()
    );
    let out = verify_bundle(&empty, &sample(), &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains(&no_media_type), "{}", stderr(&out));
    let out = verify_artifact(&empty, &[&sample()], &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains(&no_media_type), "{}", stderr(&out));
    // A malformed digest: a usage error naming what is wrong.
    let out = verify_bundle(&sample_bundle(), "sha256:abc", &[]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "edgeverify: error: malformed digest \"sha256:abc\": sha256 needs 64 hex digits, got 3\n"
    );
    let out = verify_bundle(&sample_bundle(), &format!("sha256:{}", "g".repeat(64)), &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).ends_with(": not hexadecimal\n"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn serve_refuses_a_cache_file_in_a_missing_directory_naming_it() {
    let dir = TempDir::new("cache-dir");
    let policy = write_policy(dir.path(), &identity_rule("a", "/opt/a/*"));
    let missing = dir.path().join("no-such-dir");
    let out = Server::bare_command(dir.path(), &policy)
        .arg("--cache-file")
        .arg(missing.join("verdicts.cbor"))
        .stderr(std::process::Stdio::piped())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        format!(
            "edgeverify: cannot resolve the cache directory {}: No such file or directory (os \
             error 2)\n",
            missing.display()
        )
    );
    assert!(
        !dir.path().join("ev.sock").exists(),
        "it must fail before listening"
    );
}

/// README's exec example, as written, from the repository root: the sample program is stored
/// executable and runs once verified.
#[test]
fn the_readme_exec_example_runs_as_written() {
    if !sample_runs_here() {
        eprintln!("skipped: the sample program is an x86-64 Linux executable");
        return;
    }
    let root = std::fs::canonicalize(repo("")).unwrap();
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let sed = "sed \"s|/opt/example/\\*|$PWD/examples/artifacts/*|\" examples/policy.toml > /tmp/example-policy.toml";
    let exec = "edgeverify exec --policy /tmp/example-policy.toml -- examples/artifacts/binary-linux-amd64";
    assert!(
        readme.contains(&format!("{sed}\n{exec}\n")),
        "README changed: update this test"
    );
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(root.join("examples/artifacts/binary-linux-amd64"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(
        mode & 0o111,
        0o111,
        "stored executable (git mode 100755): {mode:o}"
    );
    let dir = TempDir::new("readme-exec");
    let script = format!(
        "{}\n{}",
        sed.replace("/tmp/", &format!("{}/", dir.path().display())),
        exec.replace("/tmp/", &format!("{}/", dir.path().display()))
            // Under an emulator (cross tests) the binary runs through it, as everywhere else.
            .replace(
                "edgeverify ",
                &format!(
                    "{} {BIN} ",
                    std::env::var("EDGEVERIFY_TEST_RUNNER").unwrap_or_default()
                )
            )
    );
    let out = std::process::Command::new("sh")
        .current_dir(&root)
        .env("PWD", &root)
        .args(["-e", "-c", &script])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("Hello world: "), "{}", stdout(&out));
}

#[test]
fn mismatches_name_what_was_expected_and_regexes_are_whole_value() {
    // A cosign-style prefix regex: denied, and the message says why.
    let out = edgeverify_command()
        .arg("verify-bundle")
        .arg("--bundle")
        .arg(sample_bundle())
        .args([
            "--certificate-identity-regexp",
            "^https://github.com/slsa-framework/",
            "--certificate-oidc-issuer",
            ISSUER,
        ])
        .arg(sample())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        format!(
            "edgeverify: verification failed: identity failed: certificate identity \
             \"{IDENTITY}\" is not the expected one (expected a match of \
             --certificate-identity-regexp \"^https://github.com/slsa-framework/\", which must \
             match the whole value: add \".*\" to accept what follows a prefix)\n"
        )
    );
    // An exact issuer: found and expected.
    let out = edgeverify_command()
        .arg("verify-bundle")
        .arg("--bundle")
        .arg(sample_bundle())
        .args([
            "--certificate-identity",
            IDENTITY,
            "--certificate-oidc-issuer",
            "https://accounts.google.com",
        ])
        .arg(sample())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        format!(
            "edgeverify: verification failed: identity failed: OIDC issuer \"{ISSUER}\" is not \
             the expected issuer (expected --certificate-oidc-issuer \
             \"https://accounts.google.com\")\n"
        )
    );
    // A bad regex: the engine's reason.
    let out = edgeverify_command()
        .arg("verify-bundle")
        .arg("--bundle")
        .arg(sample_bundle())
        .args([
            "--certificate-identity-regexp",
            "https://(",
            "--certificate-oidc-issuer",
            ISSUER,
        ])
        .arg(sample())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "edgeverify: error: --certificate-identity-regexp: unclosed group at byte 8 of the \
         pattern\n"
    );
    // --help says it.
    let out = edgeverify_command()
        .args(["verify-bundle", "--help"])
        .output()
        .unwrap();
    assert!(
        stdout(&out).contains("must match the whole SAN"),
        "{}",
        stdout(&out)
    );
    // SLSA: the expected source and branch.
    for (flag, value, error) in [
        (
            "--source-uri",
            "github.com/other/repo",
            "ErrorMismatchSource",
        ),
        ("--source-branch", "dev", "ErrorMismatchBranch"),
    ] {
        let mut cmd = edgeverify_command();
        cmd.arg("verify-artifact")
            .arg("--provenance-path")
            .arg(sample_bundle());
        if flag != "--source-uri" {
            cmd.args(["--source-uri", SOURCE]);
        }
        let out = cmd.args([flag, value]).arg(sample()).output().unwrap();
        assert_eq!(out.status.code(), Some(1));
        let err = stderr(&out);
        assert!(err.contains(error), "{err}");
        assert!(
            err.ends_with(&format!(" (expected {flag} \"{value}\")\n")),
            "{err}"
        );
    }
}

#[test]
fn gate_denials_name_the_rule_and_policy_key_not_a_flag() {
    let dir = TempDir::new("gate-words");
    let app = install_app(dir.path(), "app");
    let glob = format!("{}/*", dir.path().display());
    for (rule, expected) in [
        (
            format!(
                "[[rule]]\nname = \"apps\"\npaths = [\"{glob}\"]\n\
                 certificate_identity_regexp = \"^https://github.com/slsa-framework/\"\n\
                 certificate_oidc_issuer = \"{ISSUER}\"\n"
            ),
            "is not the expected one (rule \"apps\" expects certificate_identity_regexp = \
             \"^https://github.com/slsa-framework/\", a pattern that must match the whole value)"
                .to_string(),
        ),
        (
            slsa_rule("slsa", &glob, "github.com/other/repo"),
            "certificate source repository differs from source_uri (rule \"slsa\" expects \
             source_uri = \"github.com/other/repo\")"
                .to_string(),
        ),
    ] {
        let policy = write_policy(dir.path(), &rule);
        let out = edgeverify_command()
            .args(["exec", "--policy"])
            .arg(&policy)
            .arg("--")
            .arg(&app)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        let err = stderr(&out);
        assert!(err.ends_with(&format!("{expected}\n")), "{err}");
        assert!(!err.contains("--"), "no CLI flag in a policy denial: {err}");
        let sub = TempDir::new("gate-words-serve");
        let server = Server::start(sub.path(), &policy, &[]);
        let out = check(&server.socket, &["--json", &app.display().to_string()]);
        assert_eq!(out.status.code(), Some(1));
        let v: Value = serde_json::from_str(stdout(&out).trim()).unwrap();
        assert!(v["reason"].as_str().unwrap().ends_with(&expected), "{v}");
    }
}
