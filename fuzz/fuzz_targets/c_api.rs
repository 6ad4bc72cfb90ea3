//! The C API (`ffi/`, `ev_*`) as C code calls it, with fuzzed buffers: trust roots from JSON,
//! policies from C strings and PEM, bundles verified (bytes and digest forms) against the
//! embedded root, every accessor of a verification with short and long buffers, and the
//! result-message and last-error functions. Every call must return a code, never crash, and
//! leave its outputs consistent (`out_n` within bounds, NUL-terminated text).
//!
//! `[mode][selector][rest]`: mode picks the entry point, rest is the fuzzed buffer.
#![no_main]

use std::ffi::{c_char, CString};
use std::ptr;

use edgeverify::*;
use libfuzzer_sys::fuzz_target;

const IDENTITY: &str = "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
const ISSUER: &str = "https://token.actions.githubusercontent.com";
const A_TXT: &[u8] = include_bytes!("../../core/tests/data/sigstore-conformance/a.txt");

/// NUL-free pieces of `rest`, split at NUL bytes, as C strings.
fn c_strings(rest: &[u8], n: usize) -> Vec<Option<CString>> {
    let mut parts: Vec<Option<CString>> = rest
        .split(|b| *b == 0)
        .take(n)
        .map(|p| CString::new(p).ok())
        .collect();
    parts.resize(n, None);
    parts
}

fn text_accessor(
    f: unsafe extern "C" fn(*const ev_verification, *mut c_char, usize, *mut usize) -> u32,
    v: *const ev_verification,
) {
    for len in [0usize, 1, 8, 4096] {
        let mut buf = vec![0x55 as c_char; len];
        let mut n = usize::MAX;
        // SAFETY: `v` is a live verification; `buf` has `len` writable bytes.
        let code = unsafe { f(v, buf.as_mut_ptr(), len, &mut n) };
        if code == 0 && len > 0 {
            assert!(buf.contains(&0), "text output not NUL-terminated");
        }
    }
}

fn exercise(v: *mut ev_verification) {
    let cv = v.cast_const();
    text_accessor(ev_verification_identity, cv);
    text_accessor(ev_verification_issuer, cv);
    // SAFETY (all below): `cv` is a live verification and every output pointer is valid.
    unsafe {
        let mut t = 0u64;
        ev_verification_integrated_time(cv, &mut t);
        ev_verification_log_index(cv, &mut t);
        for len in [0usize, 1, 64] {
            let mut times = vec![0u64; len];
            let mut n = 0usize;
            if ev_verification_verified_times(cv, times.as_mut_ptr(), len, &mut n) == 0 {
                assert!(n <= len || len == 0);
            }
        }
        let mut digest = [0u8; 32];
        ev_verification_artifact_sha256(cv, digest.as_mut_ptr());
        let (mut p, mut n) = (ptr::null(), 0usize);
        if ev_verification_statement(cv, &mut p, &mut n) == 0 && n > 0 {
            assert!(!p.is_null());
            let _ = std::slice::from_raw_parts(p, n)
                .iter()
                .fold(0u8, |a, b| a ^ b);
        }
        if ev_verification_provenance(cv, &mut p, &mut n) == 0 && n > 0 {
            assert!(!p.is_null());
            let _ = std::slice::from_raw_parts(p, n)
                .iter()
                .fold(0u8, |a, b| a ^ b);
        }
        ev_verification_free(v);
    }
}

fn describe(code: u32, selector: u8) {
    let len = usize::from(selector % 64);
    let mut buf = vec![0 as c_char; len];
    let mut n = 0usize;
    // SAFETY: `buf` has `len` writable bytes; `n` is writable.
    unsafe {
        ev_result_message(code, buf.as_mut_ptr(), len, &mut n);
        let _ = ev_result_is_denial(code);
        ev_last_error_detail(buf.as_mut_ptr(), len, &mut n);
    }
    if len > 0 {
        assert!(buf.contains(&0), "message not NUL-terminated");
    }
}

fuzz_target!(|data: &[u8]| {
    let [mode, selector, rest @ ..] = data else {
        return;
    };
    let code = match mode % 5 {
        0 => {
            let mut root = ptr::null();
            // SAFETY: `rest` is readable for its length; `root` is writable.
            let code = unsafe { ev_trust_root_from_json(rest.as_ptr(), rest.len(), &mut root) };
            if code == 0 {
                let mut sha = [0u8; 32];
                // SAFETY: `root` was just returned live; `sha` has 32 writable bytes.
                unsafe {
                    ev_trust_root_sha256(root, sha.as_mut_ptr());
                    ev_trust_root_free(root);
                }
            }
            code
        }
        1 => {
            let mut policy = ptr::null_mut();
            let p = c_strings(rest, 3);
            let s = |i: usize| p[i].as_ref().map_or(ptr::null(), |c| c.as_ptr());
            // SAFETY: C strings live until the end of this block; `policy` is writable.
            let code = unsafe {
                if selector % 2 == 0 {
                    ev_policy_new_identity(s(0), s(1), &mut policy)
                } else {
                    ev_policy_new_slsa(s(0), s(1), s(2), &mut policy)
                }
            };
            // SAFETY: NULL or a live policy.
            unsafe { ev_policy_free(policy) };
            code
        }
        2 => {
            let mut policy = ptr::null_mut();
            // SAFETY: `rest` is readable; `policy` is writable.
            let code = unsafe { ev_policy_new_public_key(rest.as_ptr(), rest.len(), &mut policy) };
            // SAFETY: NULL or a live policy.
            unsafe { ev_policy_free(policy) };
            code
        }
        _ => {
            let mut root = ptr::null();
            let mut policy = ptr::null_mut();
            let (id, iss) = (
                CString::new(IDENTITY).expect("no NUL"),
                CString::new(ISSUER).expect("no NUL"),
            );
            // SAFETY: outputs are writable; strings live for the calls.
            unsafe {
                assert_eq!(ev_trust_root_embedded(&mut root), 0);
                assert_eq!(
                    ev_policy_new_identity(id.as_ptr(), iss.as_ptr(), &mut policy),
                    0
                );
            }
            let mut v = ptr::null_mut();
            let digest = edgeverify_core::HashAlgorithm::Sha256.digest(A_TXT);
            // SAFETY: handles are live; `rest`, `A_TXT` and `digest` are readable.
            let code = unsafe {
                if mode % 5 == 3 {
                    ev_verify_bundle(
                        root,
                        policy,
                        rest.as_ptr(),
                        rest.len(),
                        A_TXT.as_ptr(),
                        A_TXT.len(),
                        &mut v,
                    )
                } else {
                    ev_verify_bundle_digest(
                        root,
                        policy,
                        rest.as_ptr(),
                        rest.len(),
                        digest.as_bytes().as_ptr(),
                        &mut v,
                    )
                }
            };
            if code == 0 {
                assert!(!v.is_null());
                exercise(v);
            } else {
                assert!(v.is_null(), "output written on failure");
            }
            // SAFETY: live handles, freed once.
            unsafe {
                ev_policy_free(policy);
                ev_trust_root_free(root);
            }
            code
        }
    };
    describe(code, *selector);
});
