//! The panic boundary: no Rust panic ever unwinds into C.
//!
//! Every exported function runs its body through [`result_boundary`] (functions returning a
//! result code) or [`value_boundary`] (functions returning a value or nothing). A panic is
//! caught, recorded as the thread's last error detail, and turned into `EV_RESULT_PANIC` or the
//! function's documented default (`false`, nothing). This needs `panic = "unwind"`, which the
//! workspace's `release` profile keeps for this reason; built with `panic = "abort"` a panic
//! aborts the process instead (still never undefined behaviour).

use core::any::Any;
use core::panic::AssertUnwindSafe;
use std::panic::catch_unwind;
use std::string::String;

use crate::error::{ev_result, record_detail, Failure};

/// Runs an entry point that reports through a result code: `Ok(())` becomes `EV_RESULT_OK`; a
/// failure records its detail for `ev_last_error_detail` and returns its code; a panic becomes
/// `EV_RESULT_PANIC`.
pub(crate) fn result_boundary(body: impl FnOnce() -> Result<(), Failure>) -> u32 {
    // AssertUnwindSafe: after a panic nothing the body touched is observed again. Handles are
    // immutable, and outputs are written only as the last step of a successful call.
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => ev_result::Ok as u32,
        Ok(Err(failure)) => {
            record_detail(&failure.detail);
            failure.code as u32
        }
        Err(payload) => {
            record_panic(payload.as_ref());
            ev_result::Panic as u32
        }
    }
}

/// Runs an entry point that returns a plain value; a panic yields `default`.
pub(crate) fn value_boundary<T>(default: T, body: impl FnOnce() -> T) -> T {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(value) => value,
        Err(payload) => {
            record_panic(payload.as_ref());
            default
        }
    }
}

fn record_panic(payload: &(dyn Any + Send)) {
    let what = payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(|s| s.as_str()))
        .unwrap_or("no message");
    record_detail(&std::format!("internal error (caught panic): {what}"));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ev_last_error_detail;

    fn last_detail() -> String {
        let mut buf = [0u8; 256];
        let mut n = 0usize;
        // SAFETY: the buffer holds 256 bytes and `n` is a valid usize.
        unsafe { ev_last_error_detail(buf.as_mut_ptr().cast(), buf.len(), &mut n) };
        String::from_utf8(buf[..n].to_vec()).unwrap_or_default()
    }

    #[test]
    fn panics_become_codes_and_defaults() {
        let code = result_boundary(|| panic!("boom"));
        assert_eq!(code, ev_result::Panic as u32);
        assert_eq!(last_detail(), "internal error (caught panic): boom");

        let code = result_boundary(|| panic!("{}", 42));
        assert_eq!(code, ev_result::Panic as u32);
        assert_eq!(last_detail(), "internal error (caught panic): 42");

        assert_eq!(value_boundary(7, || -> i32 { panic!("no") }), 7);
        assert_eq!(last_detail(), "internal error (caught panic): no");
    }

    #[test]
    fn failures_record_their_detail_and_success_leaves_it() {
        let code = result_boundary(|| Err(Failure::null("root")));
        assert_eq!(code, ev_result::NullParameter as u32);
        assert_eq!(last_detail(), "root is NULL");
        assert_eq!(result_boundary(|| Ok(())), 0);
        assert_eq!(last_detail(), "root is NULL");
    }
}
