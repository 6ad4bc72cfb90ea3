//! Link-time proof that `edgeverify-core` and every crate it depends on are `no_std` + `alloc`.
//!
//! This staticlib defines its own `#[panic_handler]` and `#[global_allocator]`. If any crate in
//! the graph links `std`, the build fails (`duplicate lang item panic_impl` on a hosted target,
//! `can't find crate for std` on bare metal). The exported function runs the public API end to
//! end, so all of it is compiled and monomorphised: trust root (JSON and compact CBOR), bundle,
//! identity policy, `verify`, and a TUF trust-root update (`verify_update`).
#![no_std]

extern crate alloc;

use core::alloc::{GlobalAlloc, Layout};
use core::cell::UnsafeCell;
use core::panic::PanicInfo;
use core::sync::atomic::{AtomicUsize, Ordering};

use edgeverify_core::{
    verify, verify_update, Artifact, Bundle, CertificateIdentity, HashAlgorithm, Policy,
    ReadFailed, TimePolicy, TrustRoot, TufState, UnixTime,
};

/// A bump allocator over a static arena, as firmware without an OS would have: frees are
/// ignored, which is enough for one verification.
struct Arena {
    memory: UnsafeCell<[u8; ARENA_BYTES]>,
    next: AtomicUsize,
}

const ARENA_BYTES: usize = 512 * 1024;

// SAFETY: `next` hands out disjoint ranges atomically.
unsafe impl Sync for Arena {}

unsafe impl GlobalAlloc for Arena {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let base = self.memory.get() as usize;
        let mut current = self.next.load(Ordering::Relaxed);
        loop {
            let start = (base + current + layout.align() - 1) & !(layout.align() - 1);
            let end = start - base + layout.size();
            if end > ARENA_BYTES {
                return core::ptr::null_mut();
            }
            match self
                .next
                .compare_exchange(current, end, Ordering::Relaxed, Ordering::Relaxed)
            {
                Ok(_) => return start as *mut u8,
                Err(seen) => current = seen,
            }
        }
    }

    unsafe fn dealloc(&self, _: *mut u8, _: Layout) {}
}

#[global_allocator]
static ALLOCATOR: Arena = Arena {
    memory: UnsafeCell::new([0; ARENA_BYTES]),
    next: AtomicUsize::new(0),
};

#[panic_handler]
fn panic(_: &PanicInfo) -> ! {
    loop {}
}

/// Verifies a bundle for an artifact digest against a trust root (JSON or compact CBOR) and an
/// exact identity. Returns 0 when verified, 1 when rejected, 2 on unusable input.
///
/// # Safety
/// Every `(pointer, length)` pair must describe readable memory (UTF-8 for the identity and
/// the issuer).
#[no_mangle]
pub unsafe extern "C" fn ev_nostd_verify(
    root: *const u8,
    root_len: usize,
    bundle: *const u8,
    bundle_len: usize,
    sha256: *const u8,
    identity: *const u8,
    identity_len: usize,
    issuer: *const u8,
    issuer_len: usize,
) -> u32 {
    let slice = |p: *const u8, n: usize| core::slice::from_raw_parts(p, n);
    let (Ok(identity), Ok(issuer)) = (
        core::str::from_utf8(slice(identity, identity_len)),
        core::str::from_utf8(slice(issuer, issuer_len)),
    ) else {
        return 2;
    };
    let root_bytes = slice(root, root_len);
    let root = match TrustRoot::from_bytes(root_bytes) {
        Ok(r) => r,
        Err(_) => return 2,
    };
    // Both forms explicitly, so each parser is linked in.
    let _ = TrustRoot::from_cbor(&root.to_cbor());
    let _ = TrustRoot::from_json(root_bytes);
    let Ok(policy) = CertificateIdentity::exact(identity, issuer).map(Policy::Identity) else {
        return 2;
    };
    let Ok(bundle) = Bundle::from_json(slice(bundle, bundle_len)) else {
        return 1;
    };
    let Some(digest) = edgeverify_core::Digest::new(HashAlgorithm::Sha256, slice(sha256, 32))
    else {
        return 2;
    };
    match verify(&root, &bundle, Artifact::Digests(&[digest]), &policy) {
        Ok(_) => 0,
        Err(_) => 1,
    }
}

/// Verifies a TUF update whose files the caller supplies through `read` (a name and its length,
/// an output buffer and its capacity; returns the file's length, -1 when it does
/// not exist, -2 on error) against the embedded Sigstore TUF state at `now` (Unix seconds).
/// Returns 0 when the update verified, 1 when it was refused, 2 on unusable input.
///
/// # Safety
/// `read` must be callable with those arguments and write at most `capacity` bytes.
#[no_mangle]
pub unsafe extern "C" fn ev_nostd_tuf_update(
    read: unsafe extern "C" fn(*const u8, usize, *mut u8, usize) -> isize,
    now: u64,
) -> u32 {
    let Ok(state) = TufState::embedded_sigstore_production() else {
        return 2;
    };
    let mut source = |name: &str, max_len: usize| -> Result<Option<alloc::vec::Vec<u8>>, ReadFailed> {
        let mut buffer = alloc::vec![0u8; max_len + 1];
        // SAFETY: the caller guarantees `read` writes at most `capacity` bytes to `buffer`.
        let n = unsafe { read(name.as_ptr(), name.len(), buffer.as_mut_ptr(), buffer.len()) };
        match n {
            -1 => Ok(None),
            n if n < 0 => Err(ReadFailed),
            n => {
                buffer.truncate(n as usize);
                Ok(Some(buffer))
            }
        }
    };
    match verify_update(&state, &mut source, TimePolicy::TrustedNow(UnixTime::from_secs(now))) {
        Ok(update) => {
            let _ = TufState::from_json(&update.state().to_json());
            0
        }
        Err(_) => 1,
    }
}
