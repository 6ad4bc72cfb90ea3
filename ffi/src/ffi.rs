//! Pointer plumbing between C and Rust: NULL checks, borrowing caller memory, and handing out
//! and taking back owned handles. All other modules go through these helpers, so the
//! assumptions about caller pointers are stated (and reviewed) once.

use core::ffi::{c_char, CStr};
use core::marker::PhantomData;
use core::ptr::NonNull;
use std::boxed::Box;
use std::sync::Arc;

use crate::error::{ev_result, Failure};

/// Marks a handle type that is handed to C inside an `Arc` (shared, `const` pointer).
pub(crate) enum OwnedByArc {}
/// Marks a handle type that is handed to C inside a `Box` (exclusively owned).
pub(crate) enum OwnedByBox {}

/// A Rust type whose pointer C holds as an opaque handle. `Ownership` fixes how it was
/// allocated, so a handle can only be freed the way it was made (checked at compile time).
pub(crate) trait Castable {
    /// [`OwnedByArc`] or [`OwnedByBox`].
    type Ownership;
}

/// Moves `value` into a new `Arc` and returns the pointer C will hold.
pub(crate) fn arc_into_raw<T: Castable<Ownership = OwnedByArc>>(value: T) -> *const T {
    Arc::into_raw(Arc::new(value))
}

/// Releases the reference that [`arc_into_raw`] handed out. NULL is ignored.
///
/// # Safety
/// `ptr` is NULL or came from [`arc_into_raw`] for this `T` and has not been released yet.
pub(crate) unsafe fn arc_free<T: Castable<Ownership = OwnedByArc>>(ptr: *const T) {
    if !ptr.is_null() {
        // SAFETY: per the contract, `ptr` is a live reference produced by `Arc::into_raw`.
        drop(unsafe { Arc::from_raw(ptr) });
    }
}

/// Moves `value` into a new `Box` and returns the pointer C will hold.
pub(crate) fn box_into_raw<T: Castable<Ownership = OwnedByBox>>(value: T) -> *mut T {
    Box::into_raw(Box::new(value))
}

/// Frees a handle made by [`box_into_raw`]. NULL is ignored.
///
/// # Safety
/// `ptr` is NULL or came from [`box_into_raw`] for this `T` and has not been freed yet.
pub(crate) unsafe fn box_free<T: Castable<Ownership = OwnedByBox>>(ptr: *mut T) {
    if !ptr.is_null() {
        // SAFETY: per the contract, `ptr` is a live allocation produced by `Box::into_raw`.
        drop(unsafe { Box::from_raw(ptr) });
    }
}

/// Borrows the handle behind `ptr` for the duration of the call.
///
/// # Safety
/// `ptr` is NULL or a live handle of type `T` made by this library; it stays live for `'a`.
pub(crate) unsafe fn try_ref<'a, T: Castable>(ptr: *const T, name: &str) -> Result<&'a T, Failure> {
    // SAFETY: per the contract, a non-NULL `ptr` points to a live, immutable `T`.
    unsafe { ptr.as_ref() }.ok_or_else(|| Failure::null(name))
}

/// Borrows the caller's `len` bytes at `ptr`. NULL is refused even when `len` is 0.
///
/// # Safety
/// `ptr` is NULL or valid for reads of `len` bytes that nobody writes during the call.
pub(crate) unsafe fn try_bytes<'a>(
    ptr: *const u8,
    len: usize,
    name: &str,
) -> Result<&'a [u8], Failure> {
    if ptr.is_null() {
        return Err(Failure::null(name));
    }
    // SAFETY: forwarded contract; `ptr` is non-NULL.
    unsafe { bytes_unchecked_null(ptr, len, name) }
}

/// Like [`try_bytes`], but NULL with `len` 0 is the empty slice (an empty artifact is valid).
///
/// # Safety
/// As for [`try_bytes`].
pub(crate) unsafe fn try_bytes_or_empty<'a>(
    ptr: *const u8,
    len: usize,
    name: &str,
) -> Result<&'a [u8], Failure> {
    if ptr.is_null() && len == 0 {
        return Ok(&[]);
    }
    // SAFETY: forwarded contract.
    unsafe { try_bytes(ptr, len, name) }
}

/// # Safety
/// `ptr` is non-NULL and valid for reads of `len` bytes not written during the call.
unsafe fn bytes_unchecked_null<'a>(
    ptr: *const u8,
    len: usize,
    name: &str,
) -> Result<&'a [u8], Failure> {
    if isize::try_from(len).is_err() {
        return Err(Failure::new(
            ev_result::InvalidParameter,
            std::format!("{name}: length {len} is larger than any object"),
        ));
    }
    // SAFETY: `ptr` is non-NULL and, per the contract, valid for `len` bytes for the call; `len`
    // fits in `isize`; `u8` has no alignment requirement.
    Ok(unsafe { core::slice::from_raw_parts(ptr, len) })
}

/// Borrows a NUL-terminated C string.
///
/// # Safety
/// `ptr` is NULL or points to a NUL-terminated string that is not written during the call.
pub(crate) unsafe fn try_cstr<'a>(ptr: *const c_char, name: &str) -> Result<&'a CStr, Failure> {
    if ptr.is_null() {
        return Err(Failure::null(name));
    }
    // SAFETY: non-NULL and NUL-terminated per the contract.
    Ok(unsafe { CStr::from_ptr(ptr) })
}

/// Borrows a NUL-terminated C string that must be UTF-8.
///
/// # Safety
/// As for [`try_cstr`].
pub(crate) unsafe fn try_str<'a>(ptr: *const c_char, name: &str) -> Result<&'a str, Failure> {
    // SAFETY: forwarded contract.
    let cstr = unsafe { try_cstr(ptr, name) }?;
    cstr.to_str().map_err(|_| {
        Failure::new(
            ev_result::InvalidParameter,
            std::format!("{name} is not valid UTF-8"),
        )
    })
}

/// Like [`try_str`], but NULL means "not given".
///
/// # Safety
/// As for [`try_cstr`].
pub(crate) unsafe fn try_opt_str<'a>(
    ptr: *const c_char,
    name: &str,
) -> Result<Option<&'a str>, Failure> {
    if ptr.is_null() {
        return Ok(None);
    }
    // SAFETY: forwarded contract.
    unsafe { try_str(ptr, name) }.map(Some)
}

/// An output parameter known to be non-NULL. Checking every output before any work is done
/// lets a call fail with `EV_RESULT_NULL_PARAMETER` without side effects, and keeps the rule
/// that outputs are written only on success.
pub(crate) struct Out<'a, T> {
    ptr: NonNull<T>,
    _caller: PhantomData<&'a mut T>,
}

impl<T> Out<'_, T> {
    /// Checks `ptr`.
    ///
    /// # Safety
    /// `ptr` is NULL or valid and suitably aligned for a write of `T` for the whole call.
    pub(crate) unsafe fn new(ptr: *mut T, name: &str) -> Result<Self, Failure> {
        NonNull::new(ptr)
            .map(|ptr| Self {
                ptr,
                _caller: PhantomData,
            })
            .ok_or_else(|| Failure::null(name))
    }

    /// Stores `value`; whatever was there is overwritten without being read or dropped.
    pub(crate) fn write(self, value: T) {
        // SAFETY: `new`'s contract: the pointer is non-NULL, aligned and writable for the call.
        unsafe { self.ptr.as_ptr().write(value) };
    }
}

/// A caller's output buffer of `len` elements of `T` (plus its `out_n` length output).
pub(crate) struct OutBuf<'a, T> {
    buf: Out<'a, T>,
    len: usize,
    out_n: Out<'a, usize>,
}

impl<'a, T: Copy> OutBuf<'a, T> {
    /// Checks `buf` and `out_n`.
    ///
    /// # Safety
    /// `buf` is NULL or valid for writes of `len` elements of `T`; `out_n` is NULL or valid for
    /// a write; both for the whole call.
    pub(crate) unsafe fn new(buf: *mut T, len: usize, out_n: *mut usize) -> Result<Self, Failure> {
        Ok(Self {
            // SAFETY: forwarded contract (a valid buffer of `len >= 1` elements is valid for
            // one write; with `len == 0` nothing is ever written through it).
            buf: unsafe { Out::new(buf, "buf") }?,
            len,
            // SAFETY: forwarded contract.
            out_n: unsafe { Out::new(out_n, "out_n") }?,
        })
    }

    /// Copies `values` and then `terminator` (if any) into the buffer and stores
    /// `values.len()` in `*out_n`; `EV_RESULT_INSUFFICIENT_SIZE` without writing anything if
    /// they do not fit.
    pub(crate) fn write(self, values: &[T], terminator: Option<T>) -> Result<(), Failure> {
        let needed = values.len() + usize::from(terminator.is_some());
        if needed > self.len {
            return Err(Failure::new(
                ev_result::InsufficientSize,
                std::format!(
                    "the value needs {needed} elements, the buffer holds {}",
                    self.len
                ),
            ));
        }
        let dst = self.buf.ptr.as_ptr();
        // SAFETY: `values.len() <= len` elements fit in the caller's buffer (contract of
        // `new`); Rust-owned `values` cannot overlap it.
        unsafe { core::ptr::copy_nonoverlapping(values.as_ptr(), dst, values.len()) };
        if let Some(t) = terminator {
            // SAFETY: `values.len() < needed <= len`: still inside the buffer.
            unsafe { dst.add(values.len()).write(t) };
        }
        self.out_n.write(values.len());
        Ok(())
    }
}

/// Copies `value` into a caller's `char` buffer as a NUL-terminated string.
///
/// # Safety
/// As for [`OutBuf::new`] with `T = c_char`.
pub(crate) unsafe fn write_c_string(
    value: &str,
    buf: *mut c_char,
    len: usize,
    out_n: *mut usize,
) -> Result<(), Failure> {
    // SAFETY: forwarded contract.
    let out = unsafe { OutBuf::new(buf.cast::<u8>(), len, out_n) }?;
    if value.as_bytes().contains(&0) {
        return Err(Failure::new(
            ev_result::NotRepresentable,
            "the value contains a NUL byte",
        ));
    }
    out.write(value.as_bytes(), Some(0))
}
