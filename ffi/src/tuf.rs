//! `ev_trust_root_update`: the offline TUF update of `edgeverify trust-root update`, for
//! programs that keep their own trust root and TUF state (EdgeCore through the Go package).
//! The library verifies and returns bytes; storing them (atomically, state first) is the
//! caller's job, as is the clock.

use core::ffi::c_char;
use std::fs::File;
use std::io::Read as _;
use std::path::Path;
use std::string::String;
use std::vec::Vec;

use edgeverify_core::{verify_update, ReadFailed, TimePolicy, TufState, UnixTime};

use crate::error::{ev_result, Failure};
use crate::ffi::{box_free, box_into_raw, try_bytes, try_cstr, try_ref, Castable, Out, OwnedByBox};
use crate::panic::result_boundary;
use crate::verification::path;

/// `time_policy` of `ev_trust_root_update`: every metadata role must be unexpired at `now_ms`,
/// a time the caller vouches is now (a trusted clock, an operator's time). Refused if earlier
/// than the newest time the state has verified.
pub const EV_TUF_TIME_TRUSTED_NOW: u32 = 1;
/// `time_policy` of `ev_trust_root_update`: no trusted clock; expiry is checked against the
/// newest time the state has verified (a lower bound of now; `now_ms` is ignored). Metadata
/// that expired since then is not detected.
pub const EV_TUF_TIME_NEWEST_VERIFIED: u32 = 2;
/// `time_policy` of `ev_trust_root_update`: DANGER, no expiry check at all (a replay of an old,
/// validly signed repository state newer than the state's floors is accepted: a freeze attack
/// is not detected). Signatures, versions, floors, lengths and hashes are still checked.
pub const EV_TUF_TIME_DANGER_SKIP_EXPIRY_CHECKS: u32 = 3;

/// A verified trust-root update: the new `trusted_root.json` and the TUF state to persist.
///
/// Made by `ev_trust_root_update`, released with `ev_tuf_update_free`. Immutable and
/// thread-safe; it does not refer to the buffers or directory it came from.
pub struct ev_tuf_update {
    trusted_root: Vec<u8>,
    state: Vec<u8>,
}

impl Castable for ev_tuf_update {
    type Ownership = OwnedByBox;
}

/// Verifies the TUF update directory `update_dir` (Sigstore's TUF metadata: `N.root.json` for
/// each root version after the state's, `timestamp.json`, `snapshot.json` or
/// `V.snapshot.json`, `targets.json` or `V.targets.json`, and `targets/trusted_root.json` or
/// `targets/HASH.trusted_root.json`) against the device's TUF state, following the TUF
/// client workflow: root versions one by one, each signed by a threshold of the previous and of
/// its own root keys; timestamp, snapshot and targets signed by their roles' thresholds under
/// the newest root; no version below the state's rollback floors; expiry per `time_policy`;
/// the target exactly the length and hashes targets lists.
///
/// The starting point: `state` (`state_len` bytes, the state JSON a previous update returned
/// through `ev_tuf_update_state`); or, when `state` is NULL, `tuf_root` (`tuf_root_len` bytes:
/// a TUF `root.json` of a private instance, signed by its own root keys); or, when both are
/// NULL, the Sigstore TUF root v15 embedded in the library. Giving both is
/// `EV_RESULT_INVALID_PARAMETER`. `time_policy` is an `EV_TUF_TIME_*` constant; `now_ms`
/// (milliseconds since the Unix epoch) is read only with `EV_TUF_TIME_TRUSTED_NOW`. Files are
/// read during the call, each bounded by the library's limits.
///
/// On success stores a new handle in `*update_out` (release with `ev_tuf_update_free`):
/// install `ev_tuf_update_trusted_root` and persist `ev_tuf_update_state`, each atomically,
/// the state first (so the rollback floors are never behind the root in use; an interrupted
/// install is completed by running the same update again). Nothing is written anywhere by the
/// library. Returns `EV_RESULT_TRUST_ROOT_UPDATE_REFUSED` (a denial: signatures, versions,
/// rollback, expiry, lengths, hashes, or a verified target that is not a loadable trust
/// root), `EV_RESULT_TRUST_ROOT_UPDATE_UNUSABLE` (a file missing or unreadable, an unusable
/// state or time), `EV_RESULT_NULL_PARAMETER` or `EV_RESULT_INVALID_PARAMETER`; on failure
/// `*update_out` is untouched and `ev_last_error_detail` says why. Thread-safe.
///
/// # Safety
/// `state` and `tuf_root` are NULL or readable for their lengths; `update_dir` is NULL or a
/// NUL-terminated path; `update_out` is NULL or points to writable storage for one pointer.
#[no_mangle]
pub unsafe extern "C" fn ev_trust_root_update(
    state: *const u8,
    state_len: usize,
    tuf_root: *const u8,
    tuf_root_len: usize,
    update_dir: *const c_char,
    time_policy: u32,
    now_ms: u64,
    update_out: *mut *mut ev_tuf_update,
) -> u32 {
    result_boundary(|| {
        // SAFETY: caller's contract on `state`.
        let state = unsafe { optional_bytes(state, state_len, "state") }?;
        // SAFETY: caller's contract on `tuf_root`.
        let tuf_root = unsafe { optional_bytes(tuf_root, tuf_root_len, "tuf_root") }?;
        // SAFETY: caller's contract on `update_dir`.
        let dir = path(unsafe { try_cstr(update_dir, "update_dir") }?)?;
        // SAFETY: caller's contract on `update_out`.
        let out = unsafe { Out::new(update_out, "update_out") }?;
        let time = match time_policy {
            EV_TUF_TIME_TRUSTED_NOW => TimePolicy::TrustedNow(UnixTime::from_millis(now_ms)),
            EV_TUF_TIME_NEWEST_VERIFIED => TimePolicy::NewestVerifiedTime,
            EV_TUF_TIME_DANGER_SKIP_EXPIRY_CHECKS => TimePolicy::DangerSkipExpiryChecks,
            other => {
                return Err(Failure::new(
                    ev_result::InvalidParameter,
                    std::format!("time_policy {other} is not an EV_TUF_TIME_* constant"),
                ))
            }
        };
        let start = match (state, tuf_root) {
            (Some(s), None) => TufState::from_json(s),
            (None, Some(r)) => TufState::from_trusted_root(r),
            (None, None) => TufState::embedded_sigstore_production(),
            (Some(_), Some(_)) => {
                return Err(Failure::new(
                    ev_result::InvalidParameter,
                    "state and tuf_root are both given: tuf_root is only for a device without \
                     a state",
                ))
            }
        }
        .map_err(|e| Failure::core(&e))?;
        if !dir.is_dir() {
            return Err(Failure::new(
                ev_result::Io,
                std::format!("update_dir {} is not a directory", dir.display()),
            ));
        }
        let mut read_error: Option<String> = None;
        let mut source = |name: &str, max_len: usize| -> Result<Option<Vec<u8>>, ReadFailed> {
            let file = dir.join(name);
            read_optional(&file, max_len).map_err(|e| {
                read_error.get_or_insert(std::format!("{}: {e}", file.display()));
                ReadFailed
            })
        };
        let updated = verify_update(&start, &mut source, time).map_err(|e| {
            let mut f = Failure::core(&e);
            if let Some(r) = &read_error {
                f.detail = std::format!("{} ({r})", f.detail);
            }
            f
        })?;
        let (trusted_root, new_state) = updated.into_parts();
        // TUF vouches for the bytes; they must also be a trust root the library can load.
        edgeverify_core::TrustRoot::from_json(&trusted_root).map_err(|e| {
            Failure::new(
                ev_result::TrustRootUpdateRefused,
                std::format!("the verified trusted_root.json cannot be loaded: {e}"),
            )
        })?;
        out.write(box_into_raw(ev_tuf_update {
            trusted_root,
            state: new_state.to_json(),
        }));
        Ok(())
    })
}

/// NULL means "not given"; otherwise the bytes (an empty buffer is not a state or a root).
///
/// # Safety
/// `ptr` is NULL or readable for `len` bytes.
unsafe fn optional_bytes<'a>(
    ptr: *const u8,
    len: usize,
    name: &str,
) -> Result<Option<&'a [u8]>, Failure> {
    if ptr.is_null() {
        return Ok(None);
    }
    // SAFETY: forwarded contract.
    unsafe { try_bytes(ptr, len, name) }.map(Some)
}

/// A file of the update directory: `None` if absent, at most `max_len + 1` bytes, regular
/// files only (a FIFO could block the call forever).
fn read_optional(file: &Path, max_len: usize) -> std::io::Result<Option<Vec<u8>>> {
    let meta = match std::fs::metadata(file) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    if !meta.is_file() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a regular file",
        ));
    }
    let mut data = Vec::new();
    let cap = u64::try_from(max_len).unwrap_or(u64::MAX).saturating_add(1);
    File::open(file)?.take(cap).read_to_end(&mut data)?;
    Ok(Some(data))
}

/// Points `*data_out` at the verified `trusted_root.json` (exactly the bytes TUF vouched for;
/// not NUL-terminated) and stores its length in `*len_out`. The bytes belong to the update:
/// valid until `ev_tuf_update_free`, never to be freed or written. Load them with
/// `ev_trust_root_from_json`, or install them as the device's trust root file. Returns
/// `EV_RESULT_OK` or `EV_RESULT_NULL_PARAMETER`. Thread-safe.
///
/// # Safety
/// `update` is NULL or a live update; `data_out` and `len_out` are NULL or point to writable
/// storage.
#[no_mangle]
pub unsafe extern "C" fn ev_tuf_update_trusted_root(
    update: *const ev_tuf_update,
    data_out: *mut *const u8,
    len_out: *mut usize,
) -> u32 {
    // SAFETY: forwarded contract.
    unsafe { lend(update, data_out, len_out, |u| &u.trusted_root) }
}

/// Points `*data_out` at the new TUF state (JSON, the `state` argument of the next
/// `ev_trust_root_update`: the trusted TUF root, rollback floors, newest verified time and the
/// verified target's SHA-256) and stores its length in `*len_out`. Lent like
/// `ev_tuf_update_trusted_root`'s bytes. Returns `EV_RESULT_OK` or `EV_RESULT_NULL_PARAMETER`.
/// Thread-safe.
///
/// # Safety
/// As for `ev_tuf_update_trusted_root`.
#[no_mangle]
pub unsafe extern "C" fn ev_tuf_update_state(
    update: *const ev_tuf_update,
    data_out: *mut *const u8,
    len_out: *mut usize,
) -> u32 {
    // SAFETY: forwarded contract.
    unsafe { lend(update, data_out, len_out, |u| &u.state) }
}

/// Lends the bytes `field` picks from the update: their address and length.
///
/// # Safety
/// As for `ev_tuf_update_trusted_root`.
unsafe fn lend(
    update: *const ev_tuf_update,
    data_out: *mut *const u8,
    len_out: *mut usize,
    field: fn(&ev_tuf_update) -> &Vec<u8>,
) -> u32 {
    result_boundary(|| {
        // SAFETY: caller's contract on `update`.
        let u = unsafe { try_ref(update, "update") }?;
        // SAFETY: caller's contract on the outputs.
        let data_out = unsafe { Out::new(data_out, "data_out") }?;
        // SAFETY: caller's contract on the outputs.
        let len_out = unsafe { Out::new(len_out, "len_out") }?;
        let bytes = field(u);
        data_out.write(bytes.as_ptr());
        len_out.write(bytes.len());
        Ok(())
    })
}

/// Releases an update. NULL is ignored.
///
/// # Safety
/// `update` is NULL or a handle from `ev_trust_root_update` not released yet.
#[no_mangle]
pub unsafe extern "C" fn ev_tuf_update_free(update: *mut ev_tuf_update) {
    crate::panic::value_boundary((), || {
        // SAFETY: caller's contract.
        unsafe { box_free(update) }
    })
}
