//! `ev_trust_root`: the pinned Sigstore trust material (`trusted_root.json`).

use edgeverify_core::TrustRoot;

use crate::error::Failure;
use crate::ffi::{arc_free, arc_into_raw, try_bytes, try_ref, Castable, Out, OwnedByArc};
use crate::panic::result_boundary;

/// A parsed Sigstore trust root: the transparency-log, certificate-transparency, Fulcio CA and
/// timestamp-authority keys and certificates that verification trusts, each with its validity
/// window.
///
/// Made by `ev_trust_root_embedded` or `ev_trust_root_from_json`, released with
/// `ev_trust_root_free`. Immutable: one trust root may be used by any number of threads at once
/// (for example one per process, shared by all goroutines), as long as it is freed only after
/// the last call using it has returned.
pub struct ev_trust_root {
    pub(crate) inner: TrustRoot,
}

impl ev_trust_root {
    /// A handle is made to verify many bundles (EdgeCore keeps one per process), so the trust
    /// root's own chain signatures are checked once here and not again per verification.
    fn new(mut inner: TrustRoot) -> Self {
        inner.remember_chain_signatures();
        Self { inner }
    }
}

impl Castable for ev_trust_root {
    type Ownership = OwnedByArc;
}

/// Loads the Sigstore public-good production trust root embedded in the library (checked against
/// its recorded SHA-256).
///
/// On success stores a new handle in `*root_out` (release it with `ev_trust_root_free`) and
/// returns `EV_RESULT_OK`; on failure leaves `*root_out` untouched. Thread-safe.
///
/// # Safety
/// `root_out` is NULL or points to writable storage for one pointer.
#[no_mangle]
pub unsafe extern "C" fn ev_trust_root_embedded(root_out: *mut *const ev_trust_root) -> u32 {
    result_boundary(|| {
        // SAFETY: caller's contract on `root_out`.
        let out = unsafe { Out::new(root_out, "root_out") }?;
        let inner = TrustRoot::embedded_production().map_err(|e| Failure::core(&e))?;
        out.write(arc_into_raw(ev_trust_root::new(inner)));
        Ok(())
    })
}

/// Parses a `trusted_root.json` document (media types v0.1 and v0.2), for example a pinned
/// private-deployment or staging root, or its compact CBOR form written by `edgeverify
/// trust-root compile` (told apart by content; the CBOR form loads without a JSON parser).
///
/// `json` points to `json_len` bytes; they are read during the call only (parsed and copied,
/// never retained), so the caller may free them as soon as the call returns. At most 1 MiB is
/// accepted. On success stores a new handle in `*root_out` (release it with
/// `ev_trust_root_free`); on failure returns an `EV_RESULT_TRUST_ROOT_*` code (never a denial)
/// and leaves `*root_out` untouched. Thread-safe.
///
/// # Safety
/// `json` is NULL or readable for `json_len` bytes; `root_out` is NULL or points to writable
/// storage for one pointer.
#[no_mangle]
pub unsafe extern "C" fn ev_trust_root_from_json(
    json: *const u8,
    json_len: usize,
    root_out: *mut *const ev_trust_root,
) -> u32 {
    result_boundary(|| {
        // SAFETY: caller's contract on `json`.
        let json = unsafe { try_bytes(json, json_len, "json") }?;
        // SAFETY: caller's contract on `root_out`.
        let out = unsafe { Out::new(root_out, "root_out") }?;
        let inner = TrustRoot::from_bytes(json).map_err(|e| Failure::core(&e))?;
        out.write(arc_into_raw(ev_trust_root::new(inner)));
        Ok(())
    })
}

/// Copies the SHA-256 of exactly the bytes the trust root was loaded from into the 32 bytes at
/// `sha256_out`: the `trusted_root.json` or the compact CBOR file as given to
/// `ev_trust_root_from_json` (a CBOR file's own digest, never that of the JSON it was compiled
/// from), or the embedded root's pinned JSON. A caller compares it with a pinned value (the
/// SHA-256 of the file as stored, `sha256sum FILE`) or keys a cache on it.
///
/// Returns `EV_RESULT_OK`, or `EV_RESULT_NULL_PARAMETER` (nothing written). Thread-safe.
///
/// # Safety
/// `root` is NULL or a live trust root; `sha256_out` is NULL or points to 32 writable bytes.
#[no_mangle]
pub unsafe extern "C" fn ev_trust_root_sha256(
    root: *const ev_trust_root,
    sha256_out: *mut u8,
) -> u32 {
    result_boundary(|| {
        // SAFETY: caller's contract on `root`.
        let root = unsafe { try_ref(root, "root") }?;
        // SAFETY: caller's contract: 32 writable bytes, and `[u8; 32]` has alignment 1.
        let out = unsafe { Out::new(sha256_out.cast::<[u8; 32]>(), "sha256_out") }?;
        out.write(*root.inner.source_sha256());
        Ok(())
    })
}

/// Releases a trust root. NULL is ignored.
///
/// Call it once per handle, after every call using the handle has returned (other threads
/// included); verifications made with it stay valid, they do not refer to it.
///
/// # Safety
/// `root` is NULL or a handle from `ev_trust_root_embedded`/`ev_trust_root_from_json` that has
/// not been released yet.
#[no_mangle]
pub unsafe extern "C" fn ev_trust_root_free(root: *const ev_trust_root) {
    crate::panic::value_boundary((), || {
        // SAFETY: caller's contract.
        unsafe { arc_free(root) }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The compact CBOR form loads through the same entry point and reports the SHA-256 of its
    /// own bytes (not of the JSON it was compiled from); a damaged CBOR file is a trust-root
    /// error.
    #[test]
    fn from_json_accepts_the_compact_cbor_form() {
        let cbor = TrustRoot::embedded_production().unwrap().to_cbor();
        let mut root: *const ev_trust_root = core::ptr::null();
        // SAFETY: valid pointers for the duration of each call.
        unsafe {
            assert_eq!(
                ev_trust_root_from_json(cbor.as_ptr(), cbor.len(), &mut root),
                0
            );
            let mut sha = [0u8; 32];
            assert_eq!(ev_trust_root_sha256(root, sha.as_mut_ptr()), 0);
            assert_eq!(
                sha.as_slice(),
                edgeverify_core::HashAlgorithm::Sha256
                    .digest(&cbor)
                    .as_bytes()
            );
            assert_ne!(
                edgeverify_core::hex_encode(&sha),
                edgeverify_core::EMBEDDED_PRODUCTION_SHA256
            );
            ev_trust_root_free(root);
            let mut other: *const ev_trust_root = core::ptr::null();
            let rc = ev_trust_root_from_json(cbor.as_ptr(), cbor.len() - 1, &mut other);
            assert_ne!(rc, 0);
            assert!(other.is_null());
        }
    }
}
