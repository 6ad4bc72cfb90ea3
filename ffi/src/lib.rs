//! C API for edgeverify. This first version exposes only the library version; the full API
//! (trust roots, policies, verification handles) is issue 5.

/// The library version as a NUL-terminated string (static; never free it).
#[no_mangle]
pub extern "C" fn ev_version() -> *const core::ffi::c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}
