//! The C API tested from C: compiles each program in `tests/c/` against `include/edgeverify.h`
//! and the `libedgeverify.a` that cargo built for this test run, then runs it on the real
//! conformance vectors and the example artifact.
//!
//! By default the programs are built with AddressSanitizer and UndefinedBehaviorSanitizer (leak
//! detection on). With `EV_C_TESTS=valgrind` they are built without sanitizers and run under
//! valgrind, which must report no errors and no leaks (`.ci/steps/30-ffi.sh` does this).
//! `CC` selects the compiler (default `cc`).

#![cfg(unix)]
#![allow(clippy::expect_used, clippy::panic)]

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
