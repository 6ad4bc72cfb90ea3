//! The C API tested from C: compiles each program in `tests/c/` against `include/edgeverify.h`
//! and the `libedgeverify.a` that cargo built for this test run, then runs it on the real
//! conformance vectors and the example artifact.
//!
//! By default the programs are built with AddressSanitizer and UndefinedBehaviorSanitizer (leak
//! detection on). With `EV_C_TESTS=valgrind` they are built without sanitizers and run under
//! valgrind, which must report no errors and no leaks (`.ci/steps/30-ffi.sh` does this).
//! `CC` selects the compiler (default `cc`).

#![cfg(unix)]
#![allow(clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// What `cargo rustc -- --print native-static-libs` prints for Linux/glibc targets.
const NATIVE_LIBS: &[&str] = &[
    "-lgcc_s",
    "-lutil",
    "-lrt",
    "-lpthread",
    "-lm",
    "-ldl",
    "-lc",
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Sanitizers,
    Valgrind,
}

fn mode() -> Mode {
    match std::env::var("EV_C_TESTS").as_deref() {
        Ok("valgrind") => Mode::Valgrind,
        Ok("") | Ok("asan") | Err(_) => Mode::Sanitizers,
        Ok(other) => panic!("EV_C_TESTS={other}: expected `asan` or `valgrind`"),
    }
}

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn conformance_dir() -> PathBuf {
    manifest_dir().join("../core/tests/data/sigstore-conformance")
}

fn examples_dir() -> PathBuf {
    manifest_dir().join("../examples/artifacts")
}

/// The static library built for this test binary: cargo builds the crate's `staticlib` next to
/// the test executable (`target/<profile>/deps/`).
fn static_lib() -> PathBuf {
    let exe = std::env::current_exe().expect("test executable path");
    let deps = exe.parent().expect("deps directory");
    for dir in [deps, deps.parent().unwrap_or(deps)] {
        let lib = dir.join("libedgeverify.a");
        if lib.exists() {
            return lib;
        }
    }
    panic!("libedgeverify.a not found next to {}", exe.display());
}

fn scratch_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("c-tests")
        .join(name);
    std::fs::create_dir_all(&dir).expect("create scratch directory");
    dir
}

/// Compiles `tests/c/<name>.c` into the scratch directory and returns the executable.
fn build(name: &str, mode: Mode) -> PathBuf {
    let out = scratch_dir(name).join(name);
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".into());
    let mut cmd = Command::new(&cc);
    cmd.args([
        "-std=c11",
        "-Wall",
        "-Wextra",
        "-Werror",
        "-pedantic",
        "-g",
        "-O1",
    ])
    .arg("-I")
    .arg(manifest_dir().join("include"))
    .arg(manifest_dir().join("tests/c").join(format!("{name}.c")))
    .arg("-o")
    .arg(&out);
    if mode == Mode::Sanitizers {
        cmd.args([
            "-fsanitize=address,undefined",
            "-fno-sanitize-recover=all",
            "-fno-omit-frame-pointer",
        ]);
    }
    cmd.arg("-pthread").arg(static_lib()).args(NATIVE_LIBS);
    let output = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run the C compiler `{cc}`: {e}"));
    assert!(
        output.status.success(),
        "compiling {name}.c failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    out
}

/// Runs a built C test with `args`; it must exit 0 (and, under valgrind, report nothing).
fn run(name: &str, args: &[&std::ffi::OsStr]) {
    let mode = mode();
    let exe = build(name, mode);
    let mut cmd = match mode {
        Mode::Sanitizers => {
            let mut cmd = Command::new(&exe);
            cmd.env("ASAN_OPTIONS", "detect_leaks=1:abort_on_error=0")
                .env("UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=1");
            cmd
        }
        Mode::Valgrind => {
            let mut cmd = Command::new("valgrind");
            cmd.args([
                "--quiet",
                "--error-exitcode=99",
                "--leak-check=full",
                "--show-leak-kinds=definite,indirect,possible",
                "--errors-for-leak-kinds=definite,indirect,possible",
            ])
            .arg(&exe);
            cmd
        }
    };
    let output = cmd
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {name}: {e}"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    println!("{stdout}");
    eprintln!("{stderr}");
    assert!(
        output.status.success(),
        "{name} failed with {}:\n{stderr}",
        output.status
    );
    if mode == Mode::Valgrind {
        assert!(
            !stderr.contains("=="),
            "{name}: valgrind reported problems:\n{stderr}"
        );
    }
}

#[test]
fn c_api_contract() {
    let scratch = scratch_dir("api_test-scratch");
    // The compact form of the embedded root and the SHA-256 of that file: a CBOR root must
    // report its own digest through ev_trust_root_sha256.
    let cbor = edgeverify_core::TrustRoot::embedded_production()
        .expect("the embedded root loads")
        .to_cbor();
    std::fs::write(scratch.join("production.cbor"), &cbor).expect("write the CBOR root");
    let digest = edgeverify_core::HashAlgorithm::Sha256.digest(&cbor);
    std::fs::write(scratch.join("production.cbor.sha256"), digest.as_bytes())
        .expect("write its digest");
    run(
        "api_test",
        &[
            conformance_dir().as_os_str(),
            examples_dir().as_os_str(),
            scratch.as_os_str(),
        ],
    );
}

/// `tuf_test.c`: the scratch directory holds a v13 TUF state, the v13 TUF root, the real 2026
/// update directory (`update/`), a copy with the target one byte off (`tampered/`), one
/// without the target (`no-target/`), and the trusted root the update must return.
#[test]
fn c_tuf_update() {
    let scratch = scratch_dir("tuf_test-scratch");
    let tuf = manifest_dir().join("../core/tests/data/tuf/sigstore-production");
    let read = |rel: &str| std::fs::read(tuf.join(rel)).expect("read the TUF data");
    let root13 = read("2025-07-11/metadata/root.json");
    std::fs::write(scratch.join("root_v13.json"), &root13).expect("write");
    // The device state of the 2025 repository: root v13 and its floors, verified 2025-07-10.
    let state = edgeverify_core::TufState::from_trusted_root(&root13).expect("root v13");
    let mut v: serde_json::Value = serde_json::from_slice(&state.to_json()).expect("JSON");
    v["timestamp_version"] = 398.into();
    v["snapshot_version"] = 159.into();
    v["targets_version"] = 11.into();
    v["newest_verified_time_ms"] = 1_752_148_800_000_u64.into();
    std::fs::write(
        scratch.join("state_v13.json"),
        serde_json::to_vec(&v).expect("JSON"),
    )
    .expect("write");
    let target = read("2026-08-21/targets/trusted_root.json");
    std::fs::write(scratch.join("expected_trusted_root.json"), &target).expect("write");
    for (dir, target) in [
        ("update", Some(target.clone())),
        ("tampered", {
            let mut t = target.clone();
            t[100] ^= 1;
            Some(t)
        }),
        ("no-target", None),
    ] {
        let d = scratch.join(dir);
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(d.join("targets")).expect("mkdir");
        for role in ["root", "timestamp", "snapshot", "targets"] {
            std::fs::write(
                d.join(format!("{role}.json")),
                read(&format!("2026-08-21/metadata/{role}.json")),
            )
            .expect("write");
        }
        for n in [14, 15] {
            std::fs::write(
                d.join(format!("{n}.root.json")),
                read(&format!("root_history/{n}.root.json")),
            )
            .expect("write");
        }
        if let Some(t) = target {
            std::fs::write(d.join("targets/trusted_root.json"), t).expect("write");
        }
    }
    run("tuf_test", &[scratch.as_os_str()]);
}

#[test]
fn c_conformance_suite() {
    let scratch = scratch_dir("conformance_test-scratch");
    let mut args = vec![conformance_dir().into_os_string(), scratch.into_os_string()];
    if mode() == Mode::Valgrind {
        // Valgrind looks for memory errors and leaks, and is ~50 times slower: every case
        // once from memory and once from files covers the code paths; the tampered variants
        // are checked in the sanitizer run.
        args.push("--no-tamper".into());
    }
    let args: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_os_str()).collect();
    run("conformance_test", &args);
}

#[test]
fn c_many_threads_share_one_trust_root() {
    // Valgrind runs threads one at a time and ~50 times slower: fewer iterations there.
    let (threads, iterations) = match mode() {
        Mode::Sanitizers => ("16", "8"),
        Mode::Valgrind => ("4", "1"),
    };
    run(
        "threads_test",
        &[
            conformance_dir().as_os_str(),
            threads.as_ref(),
            iterations.as_ref(),
        ],
    );
}

#[path = "../../core/tests/interop_cases/mod.rs"]
mod interop_cases;

/// One check of `interop_test.c`: a case directory, an input, the verdict it must get.
struct InteropCheck {
    dir: PathBuf,
    input: String,
    given: Option<edgeverify_core::Digest>,
    verified: bool,
    matched: Option<edgeverify_core::Digest>,
}

/// Every interoperability case (`core/tests/data/{interop,testinstance}`) by path and by each
/// digest form, with sigstore-go's verdict turned into edgeverify's by `DIFFERENCES.tsv`, and
/// the digest the core matches when it verifies.
fn interop_checks() -> Vec<InteropCheck> {
    use edgeverify_core::{
        verify, Artifact, Bundle, CertificateIdentity, Digest, HashAlgorithm, Policy, PublicKey,
        TrustRoot,
    };
    let data = manifest_dir().join("../core/tests/data");
    let differences = interop_cases::differences(&data);
    let mut checks = Vec::new();
    for case in interop_cases::cases(&data, &["interop", "testinstance"]) {
        let dir = &case.dir;
        let artifact = std::fs::read(dir.join("artifact")).ok();
        let digest_of = |alg: HashAlgorithm| match &artifact {
            Some(bytes) => alg.digest(bytes),
            None => {
                let line = case
                    .listed_digest(alg.rekor_name())
                    .expect("a digest in that algorithm");
                let hex = line.split_once(':').expect("alg:hex").1;
                Digest::new(alg, &edgeverify_core::hex_decode(hex).expect("hex")).expect("digest")
            }
        };
        // The digest the core matches, for the cases that verify.
        let core_run = |given: Option<Digest>| {
            let root = match std::fs::read(dir.join("trusted_root.json")) {
                Ok(json) => TrustRoot::from_json(&json).ok()?,
                Err(_) => TrustRoot::embedded_production().ok()?,
            };
            let bundle =
                Bundle::from_json(&std::fs::read(dir.join("bundle.sigstore.json")).ok()?).ok()?;
            let policy = match case.read("key.pub") {
                Some(pem) => Policy::PublicKey(PublicKey::from_pem(&pem).ok()?),
                None => Policy::Identity(
                    CertificateIdentity::exact(&case.read("identity")?, &case.read("issuer")?)
                        .ok()?,
                ),
            };
            let verified = match (given, &artifact) {
                (Some(d), _) => verify(&root, &bundle, Artifact::Digests(&[d]), &policy),
                (None, Some(bytes)) => verify(&root, &bundle, Artifact::Bytes(bytes), &policy),
                (None, None) => return None,
            };
            verified.ok().map(|v| *v.matched_digest())
        };
        for (input, go) in case.inputs() {
            let given = (input != "file")
                .then(|| digest_of(HashAlgorithm::from_name(&input).expect("digest algorithm")));
            let verified = interop_cases::expected(&differences, &case.name, &input, go);
            checks.push(InteropCheck {
                dir: dir.clone(),
                input,
                given,
                verified,
                matched: if verified { core_run(given) } else { None },
            });
        }
    }
    checks
}

#[test]
fn c_interop_cases() {
    let code = |d: &edgeverify_core::Digest| match d.algorithm().rekor_name() {
        "sha256" => 1,
        "sha384" => 2,
        _ => 3,
    };
    let mut manifest = String::new();
    let mut lines = 0usize;
    // Under valgrind: case → (its order, inputs taken).
    let mut per_case = std::collections::BTreeMap::new();
    for check in interop_checks() {
        // Valgrind is ~50 times slower and looks for memory errors, not verdicts: one input per
        // case there, two (the file, then a digest that interop_test also checks from the
        // file's verification) for the first eight cases; every input in the sanitizer run.
        if mode() == Mode::Valgrind {
            let order = per_case.len();
            let (case_order, taken) = per_case.entry(check.dir.clone()).or_insert((order, 0));
            let limit = if *case_order < 8 { 2 } else { 1 };
            if *taken == limit {
                continue;
            }
            *taken += 1;
        }
        let given = check
            .given
            .map_or("-".into(), |d| edgeverify_core::hex_encode(d.as_bytes()));
        let matched = check.matched.map_or("-".into(), |d| {
            std::format!("{}:{}", code(&d), edgeverify_core::hex_encode(d.as_bytes()))
        });
        if check.verified && check.matched.is_none() {
            panic!(
                "{}: the core does not verify {}",
                check.dir.display(),
                check.input
            );
        }
        manifest.push_str(&std::format!(
            "{}\t{}\t{given}\t{}\t{matched}\n",
            check.dir.display(),
            check.input,
            if check.verified {
                "verified"
            } else {
                "rejected"
            },
        ));
        lines += 1;
    }
    let path = scratch_dir("interop_test-scratch").join("manifest.tsv");
    std::fs::write(&path, manifest).expect("write manifest");
    let count = lines.to_string();
    // Digests checked again from a file's verification (ev_verification_for_artifact_digest).
    let release_minimum = if mode() == Mode::Valgrind { "1" } else { "40" };
    run(
        "interop_test",
        &[path.as_os_str(), count.as_ref(), release_minimum.as_ref()],
    );
}

#[test]
fn c_image_layouts() {
    let data = manifest_dir().join("../core/tests/data/oci/slsa-verifier-gha_generic_container");
    run("image_test", &[data.as_os_str()]);
}
