//! Issue 13, items 1 to 3, through the real binary (and the agent library's policy loader):
//! a trust-root pin covers exactly the file loaded, whatever its form; identity patterns mean
//! exactly what they say; configurations that can never verify are refused up front.
//!
//! The attacks are built from real roots and bundles: the embedded public-good root and the
//! sigstore-conformance mock instance (`intoto-with-custom-trust-root`: a self-made CA whose
//! bundle verifies under its own root). Each test here fails on the code before the fix
//! (where the doctored root was accepted, the escaping pattern verified, the empty policy
//! served).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::time::Instant;

use common::*;
use edgeverify_core::{hex_encode, HashAlgorithm, EMBEDDED_PRODUCTION_SHA256};

const CONFORMANCE_SIGNER: &str = "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
/// The issue's pattern: it closes a pasted-on `\A(?:…)\z` and so accepted any identity.
const ESCAPING_PATTERN: &str = r"https://github\.com/victim-org/.*)|(.*";

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn production_json() -> PathBuf {
    repo().join("core/trust/production.trusted_root.json")
}

fn custom_case() -> PathBuf {
    repo().join("core/tests/data/sigstore-conformance/intoto-with-custom-trust-root")
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex_encode(HashAlgorithm::Sha256.digest(bytes).as_bytes())
}

fn run(args: &[&str]) -> Output {
    edgeverify_command()
        .current_dir(repo())
        .args(args)
        .output()
        .unwrap()
}

/// `verify-bundle` of the README's sample, with these flags, for `artifact`.
fn verify_sample(flags: &[&str], artifact: &str) -> Output {
    let mut args = vec![
        "verify-bundle",
        "--bundle",
        "examples/artifacts/binary-linux-amd64.intoto.jsonl",
    ];
    args.extend_from_slice(flags);
    args.push(artifact);
    run(&args)
}

fn compile(input: &Path, output: &Path) -> Output {
    run(&[
        "trust-root",
        "compile",
        input.to_str().unwrap(),
        output.to_str().unwrap(),
    ])
}

/// `json` compiled by the CLI, in the compact form of format 1 with `claim` as its recorded
/// JSON digest: the file the issue's attacks used. (Built from whichever format the binary
/// writes, so that the test means the same thing before and after the fix.)
fn format_1_claiming(dir: &Path, json: &Path, claim: &str) -> Vec<u8> {
    let out = dir.join("compiled.cbor");
    let o = compile(json, &out);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let mut cbor = fs::read(&out).unwrap();
    let claim = edgeverify_core::hex_decode(claim).unwrap();
    match cbor[23] {
        // [array, "edgeverify-trust-root", 1, bstr(32) claim, …]: 0x58 0x20 then the claim
        1 => cbor[26..58].copy_from_slice(&claim),
        2 => {
            cbor[23] = 1;
            let tail = cbor.split_off(24);
            cbor.extend_from_slice(&[0x58, 32]);
            cbor.extend_from_slice(&claim);
            cbor.extend_from_slice(&tail);
        }
        v => panic!("unknown compact format {v}"),
    }
    cbor
}

/// A policy with one identity rule for the files in `dir`, trusting `root` pinned to `pin`.
fn pinned_policy(dir: &Path, root: &Path, pin: &str) -> PathBuf {
    write_policy(
        dir,
        &format!(
            "[trust_root]\npath = \"{}\"\nsha256 = \"{pin}\"\n\n[[rule]]\nname = \"apps\"\n\
             paths = [\"{}/*\"]\nprovenance = \"{{path}}.sigstore.json\"\n\
             certificate_identity = \"{CONFORMANCE_SIGNER}\"\n\
             certificate_oidc_issuer = \"{ISSUER}\"\n",
            root.display(),
            dir.display()
        ),
    )
}

/// `serve` with `policy` must refuse to start (exit 2) with `needle` on stderr. If it starts,
/// the test asks it about `probe` and fails with its answer: that is the attack succeeding.
fn serve_refuses(dir: &Path, policy: &Path, probe: &Path, needle: &str) {
    let socket = dir.join("ev.sock");
    let err_file = dir.join("serve.stderr");
    let mut child = edgeverify_command()
        .args(["serve", "--policy"])
        .arg(policy)
        .arg("--socket")
        .arg(&socket)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(fs::File::create(&err_file).unwrap())
        .spawn()
        .unwrap();
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let err = fs::read_to_string(&err_file).unwrap();
            assert_eq!(status.code(), Some(2), "{err}");
            assert!(err.contains(needle), "expected {needle:?} in {err}");
            return;
        }
        if let Ok(mut s) = UnixStream::connect(&socket) {
            let mut line = serde_json::json!({ "path": probe }).to_string();
            line.push('\n');
            s.write_all(line.as_bytes()).unwrap();
            let mut answer = String::new();
            BufReader::new(&s).read_line(&mut answer).unwrap();
            let _ = child.kill();
            let _ = child.wait();
            panic!("serve started with this policy and answered {answer}");
        }
        assert!(
            start.elapsed() < TIMEOUT,
            "serve neither started nor exited"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

fn exec_refuses(policy: &Path, program: &Path, needle: &str) {
    let o = edgeverify_command()
        .args(["exec", "--policy"])
        .arg(policy)
        .arg("--")
        .arg(program)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(!stdout(&o).contains("Hello world"), "the program ran");
    assert!(
        stderr(&o).contains(needle),
        "expected {needle:?} in {}",
        stderr(&o)
    );
}

fn policy_check_refuses(policy: &Path, needle: &str) -> String {
    let o = run(&["policy", "check", policy.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}{}", stdout(&o), stderr(&o));
    assert!(
        stderr(&o).contains(needle),
        "expected {needle:?} in {}",
        stderr(&o)
    );
    stderr(&o)
}

/// The custom case's artifact and bundle, installed in `dir` as `dir/artifact` with its
/// evidence at `{path}.sigstore.json`.
fn install_custom_artifact(dir: &Path) -> PathBuf {
    let artifact = dir.join("artifact");
    fs::copy(custom_case().join("artifact"), &artifact).unwrap();
    fs::copy(
        custom_case().join("bundle.sigstore.json"),
        dir.join("artifact.sigstore.json"),
    )
    .unwrap();
    artifact
}

// ---- item 1: the pin covers the bytes loaded ----

/// The issue's second attack, end to end: a compact root built from a self-made CA, claiming
/// the production root's digest, under a policy pinned to the production root. Before the fix
/// `policy check` said OK and `serve` allowed the self-made CA's artifact.
#[test]
fn self_made_root_claiming_the_production_digest_is_refused_everywhere() {
    let t = TempDir::new("pin-self-made");
    let attack = t.path().join("root.cbor");
    fs::write(
        &attack,
        format_1_claiming(
            t.path(),
            &custom_case().join("trusted_root.json"),
            EMBEDDED_PRODUCTION_SHA256,
        ),
    )
    .unwrap();
    let artifact = install_custom_artifact(t.path());
    let policy = pinned_policy(t.path(), &attack, EMBEDDED_PRODUCTION_SHA256);
    let err = policy_check_refuses(&policy, "but the policy pins");
    assert!(err.contains("policy.toml:2: "), "{err}");
    serve_refuses(t.path(), &policy, &artifact, "but the policy pins");
    exec_refuses(&policy, &artifact, "but the policy pins");

    // The same root in its current compact form, or as JSON, does not match the pin either.
    let o = compile(&custom_case().join("trusted_root.json"), &attack);
    assert_eq!(o.status.code(), Some(0));
    policy_check_refuses(&policy, "but the policy pins");
    let policy = pinned_policy(
        t.path(),
        &custom_case().join("trusted_root.json"),
        EMBEDDED_PRODUCTION_SHA256,
    );
    policy_check_refuses(&policy, "but the policy pins");
}

/// The issue's first attack: the production root compiled by `trust-root compile`, its Rekor
/// key replaced by another P-256 key, pinned with the production digest or with the genuine
/// compiled file's digest (the one `compile` prints): refused by `policy check`, `serve` and
/// `exec`. The genuine compiled file with its printed digest is accepted.
#[test]
fn swapped_rekor_key_in_a_compiled_root_is_refused() {
    let t = TempDir::new("pin-swapped-key");
    let genuine_path = t.path().join("genuine.cbor");
    let o = compile(&production_json(), &genuine_path);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let genuine = fs::read(&genuine_path).unwrap();
    let genuine_pin = sha256_hex(&genuine);

    let rekor_key = log_key(&production_json(), "https://rekor.sigstore.dev");
    let other_key = log_key(
        &custom_case().join("trusted_root.json"),
        "http://localhost:8000",
    );
    let at = genuine
        .windows(rekor_key.len())
        .position(|w| w == rekor_key.as_slice())
        .unwrap();
    let mut swapped = genuine.clone();
    swapped[at..at + other_key.len()].copy_from_slice(&other_key);
    let swapped_path = t.path().join("swapped.cbor");
    fs::write(&swapped_path, &swapped).unwrap();

    let (app_dir, app) = (
        t.path().join("apps"),
        install_app(&t.path().join("apps"), "app"),
    );
    for pin in [EMBEDDED_PRODUCTION_SHA256, genuine_pin.as_str()] {
        let policy = pinned_policy(&app_dir, &swapped_path, pin);
        policy_check_refuses(&policy, "but the policy pins");
        serve_refuses(&app_dir, &policy, &app, "but the policy pins");
        exec_refuses(&policy, &app, "but the policy pins");
    }
    let good = pinned_policy(&app_dir, &genuine_path, &genuine_pin);
    let check = run(&["policy", "check", good.to_str().unwrap()]);
    assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));
    assert!(stdout(&check).contains(&genuine_pin), "{}", stdout(&check));
    assert!(
        stdout(&o).contains(&format!("sha256 {genuine_pin}: pin this digest")),
        "compile prints the digest to pin: {}",
        stdout(&o)
    );
}

/// Every one-byte change of a pinned root file, JSON or compact CBOR, is refused by the
/// agent's policy loader (in-process: thousands of loads).
#[test]
fn policy_loader_refuses_every_one_byte_change_of_a_pinned_root() {
    let t = TempDir::new("pin-every-byte");
    let json = fs::read(production_json()).unwrap();
    let cbor_path = t.path().join("genuine.cbor");
    assert_eq!(
        compile(&production_json(), &cbor_path).status.code(),
        Some(0)
    );
    let cbor = fs::read(&cbor_path).unwrap();
    let start = Instant::now();
    let mut loads = 0;
    for genuine in [&json, &cbor] {
        let pin = sha256_hex(genuine);
        // A new file each time: rewriting one in place makes ext4 flush it on every close.
        let load = |bytes: &[u8], n: usize| {
            let path = t.path().join(format!("root-{n}"));
            fs::write(&path, bytes).unwrap();
            let text = format!(
                "[trust_root]\npath = \"{}\"\nsha256 = \"{pin}\"\n",
                path.display()
            );
            let loaded = edgeverify_agent::config::parse(Path::new("p.toml"), &text);
            fs::remove_file(&path).unwrap();
            loaded
        };
        assert!(load(genuine, 0).is_ok());
        for i in 0..genuine.len() {
            let mut altered = genuine.clone();
            altered[i] = altered[i].wrapping_add(1);
            let err = load(&altered, i + 1).err().unwrap().to_string();
            assert!(err.contains("but the policy pins"), "byte {i}: {err}");
            loads += 1;
        }
    }
    eprintln!("{loads} pinned policy loads in {:?}", start.elapsed());
}

/// `trust-root compile IN IN` (or any name for the same file) refuses and leaves IN intact.
#[test]
fn compile_refuses_to_overwrite_its_input() {
    let t = TempDir::new("pin-compile-same");
    let input = t.path().join("root.json");
    fs::copy(production_json(), &input).unwrap();
    let original = fs::read(&input).unwrap();
    let link = t.path().join("link.cbor");
    std::os::unix::fs::symlink(&input, &link).unwrap();
    let hard = t.path().join("hard.cbor");
    fs::hard_link(&input, &hard).unwrap();
    let dotted = t.path().join(".").join("root.json");
    let via_dir = t.path().join("sub/../root.json");
    fs::create_dir(t.path().join("sub")).unwrap();
    for out in [&input, &dotted, &via_dir, &link, &hard] {
        let o = compile(&input, out);
        assert_eq!(
            o.status.code(),
            Some(2),
            "{}: {}",
            out.display(),
            stderr(&o)
        );
        assert!(
            stderr(&o).contains("refusing to overwrite"),
            "{}",
            stderr(&o)
        );
        assert_eq!(fs::read(&input).unwrap(), original, "{}", out.display());
    }
    // The symlink given as the input and the file as the output: the same file too.
    let o = compile(&link, &input);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(fs::read(&input).unwrap(), original);
    // A relative ./IN from the input's own directory.
    let o = edgeverify_command()
        .current_dir(t.path())
        .args(["trust-root", "compile", "root.json", "./root.json"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(fs::read(&input).unwrap(), original);
    // Another file is fine.
    let o = compile(&input, &t.path().join("root.cbor"));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

// ---- item 2: patterns and digests mean exactly what they say ----

/// The issue's pattern accepted the sample's identity (any identity) through
/// `verify-bundle`, a policy rule, and so `exec`; it is now a usage error naming the fault.
#[test]
fn escaping_identity_pattern_is_a_usage_error() {
    let sample = "examples/artifacts/binary-linux-amd64";
    let o = verify_sample(
        &[
            "--certificate-identity-regexp",
            ESCAPING_PATTERN,
            "--certificate-oidc-issuer",
            ISSUER,
        ],
        sample,
    );
    assert_eq!(o.status.code(), Some(2), "{}{}", stdout(&o), stderr(&o));
    assert!(
        stderr(&o).contains("--certificate-identity-regexp: unopened group at byte 33"),
        "{}",
        stderr(&o)
    );
    let o = verify_sample(
        &[
            "--certificate-identity",
            IDENTITY,
            "--certificate-oidc-issuer-regexp",
            "https://(token",
        ],
        sample,
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("unclosed group"), "{}", stderr(&o));

    let t = TempDir::new("regex-escape");
    let app = install_app(t.path(), "app");
    let policy = write_policy(
        t.path(),
        &format!(
            "[[rule]]\nname = \"victim\"\npaths = [\"{}/*\"]\n\
             certificate_identity_regexp = '{ESCAPING_PATTERN}'\n\
             certificate_oidc_issuer = \"{ISSUER}\"\n",
            t.path().display()
        ),
    );
    let err = policy_check_refuses(&policy, "unopened group");
    assert!(err.contains("policy.toml:4: "), "{err}");
    exec_refuses(&policy, &app, "unopened group");
    serve_refuses(t.path(), &policy, &app, "unopened group");
}

/// A pin must be 64 hex digits: a sign inside a pair (`u8::from_str_radix` takes `+a`) is not.
#[test]
fn digests_accept_hex_digits_only() {
    let signed: String = EMBEDDED_PRODUCTION_SHA256
        .as_bytes()
        .chunks(2)
        .map(|pair| {
            if pair[0] == b'0' {
                format!("+{}", pair[1] as char)
            } else {
                String::from_utf8(pair.to_vec()).unwrap()
            }
        })
        .collect();
    assert_ne!(signed, EMBEDDED_PRODUCTION_SHA256);
    assert_eq!(signed.len(), 64);
    let t = TempDir::new("hex-pin");
    let policy = write_policy(t.path(), &format!("[trust_root]\nsha256 = \"{signed}\"\n"));
    policy_check_refuses(&policy, "must be 64 hex digits");
    let o = verify_sample(
        &[
            "--certificate-identity",
            IDENTITY,
            "--certificate-oidc-issuer",
            ISSUER,
        ],
        &format!("sha256:{}", "+a".repeat(32)),
    );
    // No such file, and not a digest: a usage error that says why, never a verification.
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("malformed digest") && stderr(&o).contains("not hexadecimal"),
        "{}",
        stderr(&o)
    );
}

// ---- item 3: configurations that can never verify are refused up front ----

/// `json` with the named top-level arrays emptied, written to `dir/name`.
fn root_without(dir: &Path, name: &str, json: &Path, emptied: &[&str]) -> PathBuf {
    let mut doc: serde_json::Value = serde_json::from_slice(&fs::read(json).unwrap()).unwrap();
    for key in emptied {
        doc[*key] = serde_json::Value::Array(Vec::new());
    }
    let path = dir.join(name);
    fs::write(&path, serde_json::to_vec(&doc).unwrap()).unwrap();
    path
}

#[test]
fn roots_that_can_never_verify_are_configuration_errors() {
    let t = TempDir::new("unusable-roots");
    let app = install_app(&t.path().join("apps"), "app");
    for (emptied, missing) in [
        ("tlogs", "no transparency log"),
        ("certificateAuthorities", "no certificate authority"),
        ("ctlogs", "no certificate-transparency log"),
    ] {
        let root = root_without(
            t.path(),
            &format!("{emptied}.json"),
            &production_json(),
            &[emptied],
        );
        let policy = write_policy(
            t.path(),
            &format!(
                "[trust_root]\npath = \"{}\"\n\n{}",
                root.display(),
                identity_rule("app", &format!("{}/apps/*", t.path().display()))
            ),
        );
        let err = policy_check_refuses(&policy, missing);
        assert!(
            err.contains("policy.toml:2: ") && err.contains("rule \"app\""),
            "{err}"
        );
        serve_refuses(t.path(), &policy, &app, missing);
        exec_refuses(&policy, &app, missing);
        for command in ["verify-bundle", "verify-artifact"] {
            let mut args = vec![command];
            if command == "verify-bundle" {
                args.extend([
                    "--bundle",
                    "examples/artifacts/binary-linux-amd64.intoto.jsonl",
                    "--certificate-identity",
                    IDENTITY,
                    "--certificate-oidc-issuer",
                    ISSUER,
                ]);
            } else {
                args.extend([
                    "--provenance-path",
                    "examples/artifacts/binary-linux-amd64.intoto.jsonl",
                    "--source-uri",
                    SOURCE,
                ]);
            }
            args.extend([
                "--trusted-root",
                root.to_str().unwrap(),
                "examples/artifacts/binary-linux-amd64",
            ]);
            let o = run(&args);
            assert_eq!(o.status.code(), Some(2), "{command}: {}", stderr(&o));
            assert!(stderr(&o).contains(missing), "{command}: {}", stderr(&o));
        }
    }
}

/// A self-managed key needs no certificate authority or CT log: the conformance case
/// `managed-key-and-trusted-root` still verifies with them removed, and a root with no log is
/// refused for it.
#[test]
fn key_verification_needs_only_a_log() {
    let t = TempDir::new("key-only-root");
    let case = repo().join("core/tests/data/sigstore-conformance/managed-key-and-trusted-root");
    let json = case.join("trusted_root.json");
    let key_only = root_without(
        t.path(),
        "key-only.json",
        &json,
        &["certificateAuthorities", "ctlogs"],
    );
    let no_log = root_without(t.path(), "no-log.json", &json, &["tlogs"]);
    let verify = |root: &Path| {
        run(&[
            "verify-bundle",
            "--bundle",
            case.join("bundle.sigstore.json").to_str().unwrap(),
            "--key",
            case.join("key.pub").to_str().unwrap(),
            "--trusted-root",
            root.to_str().unwrap(),
            "core/tests/data/sigstore-conformance/a.txt",
        ])
    };
    let o = verify(&key_only);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = verify(&no_log);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("no transparency log"), "{}", stderr(&o));
}

/// A policy with no rules denies everything: `policy check` says so, `serve` refuses it
/// unless `--allow-empty-policy` says that is intended, and then denies.
#[test]
fn an_empty_policy_is_refused_by_serve_unless_allowed() {
    let t = TempDir::new("empty-policy");
    let app = install_app(t.path(), "app");
    let policy = write_policy(t.path(), "# no rules\n");
    let o = run(&["policy", "check", policy.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("denies everything"), "{}", stdout(&o));
    serve_refuses(t.path(), &policy, &app, "denies everything");

    let socket = t.path().join("allowed.sock");
    let mut child = edgeverify_command()
        .args(["serve", "--allow-empty-policy", "--policy"])
        .arg(&policy)
        .arg("--socket")
        .arg(&socket)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stream = wait_for("the socket", || {
        assert!(child.try_wait().unwrap().is_none(), "serve exited");
        UnixStream::connect(&socket).ok()
    });
    let mut line = serde_json::json!({ "path": app }).to_string();
    line.push('\n');
    (&stream).write_all(line.as_bytes()).unwrap();
    let mut answer = String::new();
    BufReader::new(&stream).read_line(&mut answer).unwrap();
    let answer: serde_json::Value = serde_json::from_str(&answer).unwrap();
    assert_eq!(answer["allow"], false, "{answer}");
    assert!(
        answer["reason"]
            .as_str()
            .unwrap()
            .contains("no rule matches"),
        "{answer}"
    );
    child.kill().unwrap();
    child.wait().unwrap();
}

/// The SPKI DER of the log at `base_url` in a `trusted_root.json`.
fn log_key(json: &Path, base_url: &str) -> Vec<u8> {
    let doc: serde_json::Value = serde_json::from_slice(&fs::read(json).unwrap()).unwrap();
    let raw = doc["tlogs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["baseUrl"] == base_url)
        .unwrap()["publicKey"]["rawBytes"]
        .as_str()
        .unwrap()
        .to_string();
    base64_decode(&raw)
}

/// Standard base64 (the test needs it for two keys; no extra dev-dependency).
fn base64_decode(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0);
    for c in text.bytes().filter(|&c| c != b'=') {
        let v = ALPHABET.iter().position(|&a| a == c).unwrap();
        acc = (acc << 6) | u32::try_from(v).unwrap();
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from((acc >> bits) & 0xff).unwrap());
        }
    }
    out
}
