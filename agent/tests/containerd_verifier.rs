//! `edgeverify containerd-verifier` driven exactly as containerd 2.x's bindir image verifier
//! (`pkg/imageverifier/bindir/bindir.go`) drives the executables in its `bin_dir`: entries run
//! in name order, each as `BIN -name REF -digest DIGEST -stdin-media-type
//! application/vnd.oci.descriptor.v1+json`, the descriptor written as one JSON line (Go's
//! `json.Encoder`) on stdin which is then closed, at most 32 KiB of stdout kept (trimmed, with
//! "(stdout truncated)" if more came), exit status 0 = ok, anything else rejects the pull,
//! and a per-verifier timeout (default 10 s) is an error. The evidence is the real
//! `cosign save` layouts of slsa-verifier's image tests, side-loaded into a store.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::fs;
use std::io::{Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::TempDir;

const OUTPUT_LIMIT: usize = 1 << 15; // bindir.go outputLimitBytes
const PER_VERIFIER_TIMEOUT: Duration = Duration::from_secs(10); // containerd's default
const DESCRIPTOR: &str = "application/vnd.oci.descriptor.v1+json";
const GENERATOR: &str =
    "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_container_slsa3.yml";
const VERSIONS: [&str; 9] = [
    "v1.4.0", "v1.5.0", "v1.6.0", "v1.7.0", "v1.8.0", "v1.9.0", "v1.10.0", "v2.0.0", "v2.1.0",
];
const NAME: &str = "ghcr.io/slsa-framework/example-package:v1";

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../core/tests/data/oci/slsa-verifier-gha_generic_container")
}

fn layout(version: &str) -> PathBuf {
    data().join(format!("{version}/container_workflow_dispatch"))
}

fn digest(version: &str) -> String {
    fs::read_to_string(data().join(format!("{version}/container_workflow_dispatch.digest")))
        .unwrap()
        .trim()
        .to_string()
}

/// The top-level descriptor containerd resolved for the image: read from the layout's
/// index.json, as Go's `json.Encoder` writes an `ocispec.Descriptor` (one line, newline).
fn descriptor(version: &str) -> String {
    let index: serde_json::Value =
        serde_json::from_slice(&fs::read(layout(version).join("index.json")).unwrap()).unwrap();
    let want = digest(version);
    let d = index["manifests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["digest"] == want.as_str())
        .unwrap();
    format!(
        "{{\"mediaType\":{},\"digest\":{},\"size\":{}}}\n",
        d["mediaType"], d["digest"], d["size"]
    )
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            fs::copy(e.path(), target).unwrap();
        }
    }
}

/// The evidence store: `<store>/sha256-<hex>/` holds the image's OCI layout.
fn store_with(dir: &Path, versions: &[&str]) -> PathBuf {
    let store = dir.join("store");
    for v in versions {
        let hex = digest(v).strip_prefix("sha256:").unwrap().to_string();
        copy_dir(&layout(v), &store.join(format!("sha256-{hex}")));
    }
    store
}

/// A store with v2.1.0's layout, an enforcing SLSA rule for it, and a bin_dir with the wrapper.
fn enforcing_fixture(tag: &str) -> (TempDir, PathBuf, PathBuf) {
    let dir = TempDir::new(tag);
    let store = store_with(dir.path(), &["v2.1.0"]);
    let policy = common::write_policy(
        dir.path(),
        &slsa_policy(&store, common::SOURCE, "enforce", ""),
    );
    let bin_dir = bin_dir_with_wrapper(dir.path(), &policy);
    (dir, store, bin_dir)
}

/// `edgeverify policy check` on `text`: the exit code and stderr.
fn policy_check(dir: &Path, text: &str) -> (Option<i32>, String) {
    let policy = common::write_policy(dir, text);
    let out = common::edgeverify_command()
        .args(["policy", "check"])
        .arg(&policy)
        .output()
        .unwrap();
    (out.status.code(), common::stderr(&out))
}

/// A bin_dir holding one verifier: a wrapper script, as documented in examples/containerd.
fn bin_dir_with_wrapper(dir: &Path, policy: &Path) -> PathBuf {
    let bin_dir = dir.join("bin");
    fs::create_dir_all(&bin_dir).unwrap();
    let runner = std::env::var("EDGEVERIFY_TEST_RUNNER").unwrap_or_default();
    let script = format!(
        "#!/bin/sh\nexec {runner} {} containerd-verifier --policy {} \"$@\"\n",
        common::BIN,
        policy.display()
    );
    let path = bin_dir.join("edgeverify");
    fs::write(&path, script).unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).unwrap();
    bin_dir
}

#[derive(Debug)]
struct Judgement {
    ok: bool,
    reason: String,
}

/// One verifier run as `runVerifier` does it: exit code and reason.
fn run_verifier(bin: &Path, args: &[&str], stdin: &str) -> (i32, String) {
    let start = Instant::now();
    let mut child = Command::new(bin)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    let payload = stdin.to_string();
    let writer = std::thread::spawn(move || {
        // Broken pipe is tolerated, as bindir.go only logs it.
        let _ = input.write_all(payload.as_bytes());
    });
    let mut out = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut kept = Vec::new();
        (&mut out)
            .take(OUTPUT_LIMIT as u64)
            .read_to_end(&mut kept)
            .unwrap();
        let mut peek = [0u8; 1];
        let truncated = out.read(&mut peek).unwrap_or(0) > 0;
        std::io::copy(&mut out, &mut std::io::sink()).unwrap();
        let mut reason = String::from_utf8_lossy(&kept).trim().to_string();
        if truncated {
            reason.push_str("(stdout truncated)");
        }
        reason
    });
    let mut err = child.stderr.take().unwrap();
    let stderr = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = err.read_to_end(&mut s);
    });
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > PER_VERIFIER_TIMEOUT {
            child.kill().unwrap();
            panic!("verifier exceeded containerd's default per_verifier_timeout (10 s)");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    writer.join().unwrap();
    stderr.join().unwrap();
    let reason = reader.join().unwrap();
    (status.code().expect("exited, not killed"), reason)
}

/// `VerifyImage`: every entry of bin_dir in name order (`os.ReadDir`), ANDed.
fn verify_image(bin_dir: &Path, name: &str, digest: &str, descriptor: &str) -> Judgement {
    let mut entries: Vec<_> = match fs::read_dir(bin_dir) {
        Ok(rd) => rd.map(|e| e.unwrap().file_name()).collect(),
        Err(_) => {
            return Judgement {
                ok: true,
                reason: "no bin_dir".into(),
            }
        }
    };
    entries.sort();
    let mut reasons = Vec::new();
    for bin in entries {
        let args = [
            "-name",
            name,
            "-digest",
            digest,
            "-stdin-media-type",
            DESCRIPTOR,
        ];
        let (code, reason) = run_verifier(&bin_dir.join(&bin), &args, descriptor);
        if code != 0 {
            return Judgement {
                ok: false,
                reason: format!(
                    "verifier {} rejected image (exit code {code}): {reason}",
                    bin.to_string_lossy()
                ),
            };
        }
        reasons.push(format!("{} => {reason}", bin.to_string_lossy()));
    }
    Judgement {
        ok: true,
        reason: reasons.join(", "),
    }
}

fn slsa_policy(store: &Path, source: &str, mode: &str, extra: &str) -> String {
    format!(
        "[images]\nstore = \"{}\"\n{extra}\n[[image_rule]]\nname = \"example\"\nimages = \
         [\"ghcr.io/slsa-framework/*\"]\nsource_uri = \"{source}\"\nmode = \"{mode}\"\n",
        store.display()
    )
}

#[test]
fn slsa_rule_allows_every_real_layout_and_denies_another_source() {
    let dir = TempDir::new("ctrd-slsa");
    let store = store_with(dir.path(), &VERSIONS);
    let policy = common::write_policy(
        dir.path(),
        &slsa_policy(&store, common::SOURCE, "enforce", ""),
    );
    let bin_dir = bin_dir_with_wrapper(dir.path(), &policy);
    for v in VERSIONS {
        let j = verify_image(&bin_dir, NAME, &digest(v), &descriptor(v));
        assert!(j.ok, "{v}: {j:?}");
        assert!(
            j.reason.starts_with("edgeverify => edgeverify: allow: ")
                && j.reason
                    .contains(&format!("built by {GENERATOR}@refs/tags/{v}"))
                && j.reason.contains(&digest(v)),
            "{v}: {}",
            j.reason
        );
    }
    // Another source repository: denied (exit 1) with slsa-verifier's error name.
    let policy = common::write_policy(
        dir.path(),
        &slsa_policy(&store, "github.com/slsa-framework/other", "enforce", ""),
    );
    let bin_dir = bin_dir_with_wrapper(dir.path(), &policy);
    let j = verify_image(&bin_dir, NAME, &digest("v2.1.0"), &descriptor("v2.1.0"));
    assert!(!j.ok);
    assert!(
        j.reason
            .starts_with("verifier edgeverify rejected image (exit code 1): edgeverify: deny: ")
            && j.reason.contains("ErrorMismatchSource"),
        "{}",
        j.reason
    );
}

#[test]
fn identity_rules_check_the_attestation_signer() {
    let dir = TempDir::new("ctrd-identity");
    let store = store_with(dir.path(), &["v2.0.0"]);
    let rule = |identity: &str| {
        format!(
            "[images]\nstore = \"{}\"\n\n[[image_rule]]\nname = \"signed\"\nimages = \
             [\"ghcr.io/**\"]\ntype = \"slsaprovenance\"\ncertificate_identity = \
             \"{identity}\"\ncertificate_oidc_issuer = \"{}\"\n",
            store.display(),
            common::ISSUER
        )
    };
    let good = common::write_policy(dir.path(), &rule(&format!("{GENERATOR}@refs/tags/v2.0.0")));
    let bin_dir = bin_dir_with_wrapper(dir.path(), &good);
    let j = verify_image(&bin_dir, NAME, &digest("v2.0.0"), &descriptor("v2.0.0"));
    assert!(j.ok, "{j:?}");
    assert!(
        j.reason.contains(
            "legacy-attestation by https://github.com/slsa-framework/slsa-github-generator"
        ),
        "{}",
        j.reason
    );
    let bad = common::write_policy(dir.path(), &rule(&format!("{GENERATOR}@refs/tags/v9.9.9")));
    let bin_dir = bin_dir_with_wrapper(dir.path(), &bad);
    let j = verify_image(&bin_dir, NAME, &digest("v2.0.0"), &descriptor("v2.0.0"));
    assert!(!j.ok);
    assert!(
        j.reason.contains("(exit code 1)") && j.reason.contains("identity"),
        "{}",
        j.reason
    );
}

#[test]
fn unmatched_images_and_missing_evidence_are_denied() {
    let (dir, store, bin_dir) = enforcing_fixture("ctrd-unmatched");
    // No rule names docker.io/library/nginx: denied.
    let j = verify_image(
        &bin_dir,
        "docker.io/library/nginx:latest",
        &digest("v2.1.0"),
        &descriptor("v2.1.0"),
    );
    assert!(!j.ok);
    assert!(
        j.reason.contains("(exit code 1)")
            && j.reason
                .contains("no [[image_rule]] names docker.io/library/nginx:latest"),
        "{}",
        j.reason
    );
    // `*` stays within one name component: ghcr.io/slsa-framework/a/b is not matched.
    let j = verify_image(
        &bin_dir,
        "ghcr.io/slsa-framework/a/b:v1",
        &digest("v2.1.0"),
        &descriptor("v2.1.0"),
    );
    assert!(
        !j.ok && j.reason.contains("no [[image_rule]]"),
        "{}",
        j.reason
    );
    // A digest given with the name selects the rule by name; the digest decides.
    let by_digest = format!(
        "ghcr.io/slsa-framework/example-package@{}",
        digest("v2.1.0")
    );
    let j = verify_image(
        &bin_dir,
        &by_digest,
        &digest("v2.1.0"),
        &descriptor("v2.1.0"),
    );
    assert!(j.ok, "{j:?}");
    // An image with nothing in the store: denied.
    let j = verify_image(&bin_dir, NAME, &digest("v1.4.0"), &descriptor("v1.4.0"));
    assert!(!j.ok);
    assert!(
        j.reason.contains("(exit code 1)") && j.reason.contains("no evidence in the store"),
        "{}",
        j.reason
    );
    // unmatched = "allow": an image no rule names is allowed.
    let policy = common::write_policy(
        dir.path(),
        &slsa_policy(&store, common::SOURCE, "enforce", "unmatched = \"allow\"\n"),
    );
    let bin_dir = bin_dir_with_wrapper(dir.path(), &policy);
    let j = verify_image(
        &bin_dir,
        "docker.io/library/nginx:latest",
        &digest("v2.1.0"),
        &descriptor("v2.1.0"),
    );
    assert!(j.ok, "{j:?}");
}

#[test]
fn audit_mode_allows_and_records_what_it_would_deny() {
    let dir = TempDir::new("ctrd-audit");
    let store = store_with(dir.path(), &["v2.1.0"]);
    let log = dir.path().join("images.jsonl");
    let policy = common::write_policy(
        dir.path(),
        &slsa_policy(
            &store,
            "github.com/slsa-framework/other",
            "audit",
            &format!("audit_log = \"{}\"\n", log.display()),
        ),
    );
    let bin_dir = bin_dir_with_wrapper(dir.path(), &policy);
    let j = verify_image(&bin_dir, NAME, &digest("v2.1.0"), &descriptor("v2.1.0"));
    assert!(j.ok, "{j:?}");
    assert!(
        j.reason.contains("allow (audit): audit mode: would deny")
            && j.reason.contains("ErrorMismatchSource"),
        "{}",
        j.reason
    );
    let text = fs::read_to_string(&log).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 1, "{text}");
    assert_eq!(lines[0]["event"], "image");
    assert_eq!(lines[0]["verdict"], "allow-audit");
    assert_eq!(lines[0]["rule"], "example");
    assert_eq!(lines[0]["image"], NAME);
    assert_eq!(lines[0]["digest"], digest("v2.1.0").as_str());
}

#[test]
fn the_descriptor_on_stdin_must_be_the_image_named() {
    let (_dir, _store, bin_dir) = enforcing_fixture("ctrd-stdin");
    // Another image's descriptor: refused (exit 2).
    let j = verify_image(&bin_dir, NAME, &digest("v2.1.0"), &descriptor("v2.0.0"));
    assert!(!j.ok);
    assert!(
        j.reason.contains("(exit code 2)") && j.reason.contains("the descriptor on stdin is for"),
        "{}",
        j.reason
    );
    // Not JSON.
    let j = verify_image(&bin_dir, NAME, &digest("v2.1.0"), "not json\n");
    assert!(!j.ok && j.reason.contains("(exit code 2)"), "{}", j.reason);
    // More than the bound.
    let big = format!("{}\n", " ".repeat(100 * 1024));
    let j = verify_image(&bin_dir, NAME, &digest("v2.1.0"), &big);
    assert!(
        !j.ok && j.reason.contains("more than 65536 bytes"),
        "{}",
        j.reason
    );
}

#[test]
fn protocol_arguments_are_checked() {
    let (_dir, _store, bin_dir) = enforcing_fixture("ctrd-args");
    let bin = bin_dir.join("edgeverify");
    let d = digest("v2.1.0");
    let desc = descriptor("v2.1.0");
    // Go flag forms: --name, -name=value.
    let (code, reason) = run_verifier(
        &bin,
        &[
            &format!("--name={NAME}"),
            "--digest",
            &d,
            &format!("-stdin-media-type={DESCRIPTOR}"),
        ],
        &desc,
    );
    assert_eq!(code, 0, "{reason}");
    // verify_on_run: -operation run and containerd's input wrapper; the digest decides.
    let (code, reason) = run_verifier(
        &bin,
        &[
            "-name",
            NAME,
            "-digest",
            &d,
            "-stdin-media-type",
            "application/vnd.containerd.image-verifier.input.v1+json",
            "-operation",
            "run",
        ],
        "{}\n",
    );
    assert_eq!(code, 0, "{reason}");
    for (args, says) in [
        (
            vec!["-name", NAME, "-stdin-media-type", DESCRIPTOR],
            "-digest is required",
        ),
        (
            vec![
                "-name",
                NAME,
                "-digest",
                &d,
                "-stdin-media-type",
                "text/plain",
            ],
            "is not one this verifier reads",
        ),
        (
            vec![
                "-name",
                NAME,
                "-digest",
                &d,
                "-stdin-media-type",
                DESCRIPTOR,
                "-future",
                "x",
            ],
            "unknown flag -future",
        ),
        (
            vec![
                "-name",
                NAME,
                "-digest",
                "sha512:00",
                "-stdin-media-type",
                DESCRIPTOR,
            ],
            "is not sha256:<64 hex>",
        ),
        (
            vec![
                "-name",
                NAME,
                "-digest",
                &d,
                "-stdin-media-type",
                DESCRIPTOR,
                "-operation",
                "delete",
            ],
            "unknown -operation",
        ),
    ] {
        let (code, reason) = run_verifier(&bin, &args, &desc);
        assert_eq!(code, 2, "{args:?}: {reason}");
        assert!(
            reason.starts_with("edgeverify: deny (undecided): ") && reason.contains(says),
            "{args:?}: {reason}"
        );
    }
}

#[test]
fn stdout_stays_within_containerds_limit() {
    let (_dir, _store, bin_dir) = enforcing_fixture("ctrd-limit");
    // A 40 KiB name no rule matches: the reason is cut, never containerd's truncation.
    let long = format!("docker.io/{}:v1", "a".repeat(40 * 1024));
    let j = verify_image(&bin_dir, &long, &digest("v2.1.0"), &descriptor("v2.1.0"));
    assert!(!j.ok);
    assert!(
        !j.reason.contains("(stdout truncated)"),
        "{}",
        &j.reason[..200]
    );
    assert!(j.reason.len() < 4096, "{}", j.reason.len());
}

#[test]
fn stdin_left_open_is_answered_before_containerds_timeout() {
    let dir = TempDir::new("ctrd-open");
    let policy = common::write_policy(
        dir.path(),
        &slsa_policy(dir.path(), common::SOURCE, "enforce", ""),
    );
    let start = Instant::now();
    let mut child = common::edgeverify_command()
        .args(["containerd-verifier", "--policy"])
        .arg(&policy)
        .args([
            "-name",
            NAME,
            "-digest",
            &digest("v2.1.0"),
            "-stdin-media-type",
            DESCRIPTOR,
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let _held_open = child.stdin.take();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        common::stdout(&out).contains("stdin was not closed within 2 s"),
        "{}",
        common::stdout(&out)
    );
    assert!(start.elapsed() < PER_VERIFIER_TIMEOUT);
}

#[test]
fn program_name_selects_the_mode_with_the_default_policy() {
    if Path::new("/etc/edgeverify/policy.toml").exists()
        || std::env::var_os("EDGEVERIFY_TEST_RUNNER").is_some()
    {
        eprintln!("skipped: a real /etc/edgeverify/policy.toml exists, or binaries run through qemu (argv[0] is qemu's)");
        return;
    }
    let dir = TempDir::new("ctrd-argv0");
    let bin_dir = dir.path().join("bin");
    fs::create_dir_all(&bin_dir).unwrap();
    std::os::unix::fs::symlink(common::BIN, bin_dir.join("edgeverify-containerd-verifier"))
        .unwrap();
    let j = verify_image(&bin_dir, NAME, &digest("v2.1.0"), &descriptor("v2.1.0"));
    assert!(!j.ok);
    assert!(
        j.reason.contains("(exit code 2)") && j.reason.contains("/etc/edgeverify/policy.toml"),
        "{}",
        j.reason
    );
}

#[test]
fn the_example_policy_is_valid() {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/containerd/policy.toml");
    let out = common::edgeverify_command()
        .args(["policy", "check"])
        .arg(&example)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    let text = common::stdout(&out);
    assert!(
        text.contains("image rule \"slsa-example\": SLSA provenance; enforce; images [\"ghcr.io/slsa-framework/*\"]")
            && text.contains("image rule \"kubeedge-signed\": attestations (https://slsa.dev/provenance/v0.2); audit"),
        "{text}"
    );
}

#[test]
fn image_rule_mistakes_are_configuration_errors_naming_the_line() {
    let dir = TempDir::new("ctrd-config");
    let head = "[images]\nstore = \"/var/lib/edgeverify/images\"\n\n[[image_rule]]\nname = \"r\"\n";
    for (body, line, says) in [
        ("images = [\"/ghcr.io/*\"]\nsource_uri = \"github.com/o/r\"\n", 6, "no leading /"),
        ("images = [\"ghcr.io/o/r@sha256:00\"]\nsource_uri = \"github.com/o/r\"\n", 6, "no @digest"),
        ("images = [\"ghcr.io/[ab]\"]\nsource_uri = \"github.com/o/r\"\n", 6, "character classes"),
        ("images = [\"ghcr.io/*\"]\n", 5, "neither an SLSA requirement"),
        ("images = [\"ghcr.io/*\"]\nsource_uri = \"github.com/o/r\"\ntype = \"spdx\"\n", 8, "not both"),
        ("images = [\"ghcr.io/*\"]\ncertificate_identity = \"x\"\ncertificate_oidc_issuer = \"y\"\ntype = \"nonsense\"\n", 9, "neither a cosign predicate type"),
        ("images = [\"ghcr.io/*\"]\ncertificate_identity = \"x\"\n", 5, "certificate_oidc_issuer or certificate_oidc_issuer_regexp is required"),
        ("images = [\"ghcr.io/*\"]\nsource_uri = \"github.com/o/r\"\nmode = \"warn\"\n", 8, "mode must be"),
        ("images = [\"ghcr.io/*\"]\nsource_uri = \"github.com/o/r\"\npaths = [\"/x\"]\n", 8, "unknown key \"paths\" in [[image_rule]]"),
    ] {
        let (code, err) = policy_check(dir.path(), &format!("{head}{body}"));
        assert_eq!(code, Some(2), "{body}: {err}");
        assert!(err.contains(&format!("policy.toml:{line}: ")) && err.contains(says), "{body}: {err}");
    }
    for (text, says) in [
        (
            "[images]\nstore = \"relative/dir\"\n",
            "store must be an absolute path",
        ),
        ("[images]\nunmatched = \"maybe\"\n", "unmatched must be"),
        (
            "[image_rule]\nname = \"x\"\n",
            "image rules are [[image_rule]]",
        ),
    ] {
        let (code, err) = policy_check(dir.path(), text);
        assert_eq!(code, Some(2));
        assert!(err.contains(says), "{text}: {err}");
    }
}
