//! # libedgeverify: the C API of edgeverify
//!
//! Offline verification of Sigstore bundles and SLSA provenance from C, Go (cgo) or any
//! language with a C FFI. The header is `ffi/include/edgeverify.h` (generated from this crate
//! by a pinned cbindgen; see `ffi/README.md`).
//!
//! ## Conventions
//!
//! - Names are `ev_<object>_<verb>`. Objects are opaque handles: `ev_trust_root`, `ev_policy`,
//!   `ev_verification`. Each is made by a constructor (`_new_*`, `_from_json`, `_embedded`, or a
//!   successful `ev_verify_*`) and released by its `_free`, which accepts NULL.
//! - Fallible functions return a `uint32_t` result code: `EV_RESULT_OK` (0) or a stable code
//!   from `enum ev_result`, never renumbered. `ev_result_message` describes a code,
//!   `ev_result_is_denial` says whether the evidence or policy rejected the artifact (as opposed
//!   to a broken call), and `ev_last_error_detail` gives the specifics of the last failure on the
//!   calling thread.
//! - Inputs come first, outputs last. A byte buffer is a pointer followed by its `size_t`
//!   length; strings are NUL-terminated UTF-8. Inputs are read during the call only: parsed or
//!   copied, **never retained**, so cgo's pointer-passing rules are met and the caller may free
//!   them as soon as the call returns.
//! - Outputs are written **only on success**; every pointer argument is checked for NULL
//!   (`EV_RESULT_NULL_PARAMETER`) before any work is done.
//! - Handles are immutable after construction and `Send + Sync`: one trust root and one policy
//!   can serve any number of threads at once. Free a handle only after every call using it has
//!   returned.
//! - No callbacks, no global state except the per-thread last-error detail, no clock, no
//!   network. Time comes only from signed evidence.
//! - Every entry point is a panic boundary: a Rust panic becomes `EV_RESULT_PANIC` (or the
//!   documented default), never an unwind into C. This relies on `panic = "unwind"` (the
//!   workspace's `release` profile); out-of-memory still aborts, as in any Rust program.

// The handle and result types carry their C names (`ev_trust_root`, `ev_result`), so the
// generated header and the Rust source use the same words.
#![allow(non_camel_case_types)]
#![cfg_attr(
    test,
    allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::panic
    )
)]

mod error;
mod ffi;
mod image;
mod panic;
mod policy;
mod trust_root;
mod tuf;
mod verification;

pub use error::{ev_last_error_detail, ev_result, ev_result_is_denial, ev_result_message};
pub use image::ev_verify_image_layout;
pub use policy::{
    ev_policy, ev_policy_free, ev_policy_new_identity, ev_policy_new_identity_matching,
    ev_policy_new_public_key, ev_policy_new_slsa, ev_policy_new_slsa_with_options, EV_MATCH_EXACT,
    EV_MATCH_REGEX,
};
pub use trust_root::{
    ev_trust_root, ev_trust_root_embedded, ev_trust_root_free, ev_trust_root_from_json,
    ev_trust_root_sha256,
};
pub use tuf::{
    ev_trust_root_update, ev_tuf_update, ev_tuf_update_free, ev_tuf_update_state,
    ev_tuf_update_trusted_root, EV_TUF_TIME_DANGER_SKIP_EXPIRY_CHECKS, EV_TUF_TIME_NEWEST_VERIFIED,
    EV_TUF_TIME_TRUSTED_NOW,
};
pub use verification::{
    ev_verification, ev_verification_artifact_sha256, ev_verification_for_artifact_digest,
    ev_verification_free, ev_verification_identity, ev_verification_integrated_time,
    ev_verification_issuer, ev_verification_log_index, ev_verification_matched_digest,
    ev_verification_provenance, ev_verification_statement, ev_verification_verified_times,
    ev_verify_bundle, ev_verify_bundle_artifact_digest, ev_verify_bundle_digest, ev_verify_file,
    EV_HASH_SHA256, EV_HASH_SHA384, EV_HASH_SHA512, EV_MAX_DIGEST_LEN, EV_MAX_VERIFIED_TIMES,
};

/// Major version of the library this header belongs to (`ev_version()` gives the library's).
pub const EV_VERSION_MAJOR: u32 = 0;
/// Minor version of the library this header belongs to.
pub const EV_VERSION_MINOR: u32 = 1;
/// Patch version of the library this header belongs to.
pub const EV_VERSION_PATCH: u32 = 0;

/// Returns the library version (for example `"0.1.0"`) as a static NUL-terminated string: never
/// free or modify it. It matches the header's `EV_VERSION_MAJOR`, `EV_VERSION_MINOR` and
/// `EV_VERSION_PATCH` when header and library belong together.
/// Thread-safe; never fails.
#[no_mangle]
pub extern "C" fn ev_version() -> *const core::ffi::c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}

/// Compile-time proof that handles may be shared across threads.
const _: fn() = || {
    fn shareable<T: Send + Sync>() {}
    shareable::<ev_trust_root>();
    shareable::<ev_policy>();
    shareable::<ev_verification>();
    shareable::<ev_tuf_update>();
};

#[cfg(test)]
mod tests {
    use super::*;

    /// Every declaration in the generated header (functions, types, enumerators, constants)
    /// carries documentation: the line before it closes a doc comment.
    #[test]
    fn header_items_are_documented() {
        let header = include_str!("../include/edgeverify.h");
        let lines: Vec<&str> = header.lines().collect();
        let mut checked = 0;
        for (i, line) in lines.iter().enumerate() {
            let t = line.trim_start();
            let declares = t.starts_with("EV_")
                || t.starts_with("#define EV_")
                || t.starts_with("typedef struct ev_")
                || t.starts_with("enum ev_")
                || ((t.starts_with("uint32_t ev_")
                    || t.starts_with("void ev_")
                    || t.starts_with("bool ev_")
                    || t.starts_with("const char *ev_"))
                    && t.contains('('));
            if !declares {
                continue;
            }
            let before = lines[..i]
                .iter()
                .rev()
                .find(|l| !l.trim().is_empty())
                .map(|l| l.trim());
            assert_eq!(before, Some("*/"), "undocumented in the header: {t}");
            checked += 1;
        }
        // 34 functions, 4 handle types, the result enum and its 41 codes, 13 constants.
        assert_eq!(checked, 34 + 4 + 1 + 41 + 13);
    }

    #[test]
    fn version_matches_cargo_toml() {
        let expected = std::format!("{EV_VERSION_MAJOR}.{EV_VERSION_MINOR}.{EV_VERSION_PATCH}");
        assert_eq!(expected, env!("CARGO_PKG_VERSION"));
        // SAFETY: `ev_version` returns a static NUL-terminated string.
        let v = unsafe { core::ffi::CStr::from_ptr(ev_version()) };
        assert_eq!(v.to_str().ok(), Some(expected.as_str()));
    }
}
