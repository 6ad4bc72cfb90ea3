//! Test-only pauses (and one simulated missing kernel feature) at the moments the integration
//! tests must hit exactly: after a verification and before `exec`, in the middle of a cache
//! write, and at each step of an atomic file replacement (`trust-root update`). They exist only in
//! builds with debug assertions (the test builds); release and `dist` builds compile them to
//! nothing, whatever the environment says.

/// `EDGEVERIFY_TEST_PAUSE_BEFORE_EXEC=FIFO`: after the decision, before `exec`, open FIFO for
/// reading and read it to its end, so a test can change the file system while the gate
/// holds the verified descriptor.
pub(crate) fn pause_before_exec() {
    #[cfg(debug_assertions)]
    if let Some(fifo) = std::env::var_os("EDGEVERIFY_TEST_PAUSE_BEFORE_EXEC") {
        use std::io::Read;
        if let Ok(mut f) = std::fs::File::open(fifo) {
            let mut sink = Vec::new();
            let _ = f.read_to_end(&mut sink);
        }
    }
}

/// `EDGEVERIFY_TEST_STALL_CACHE_WRITE=MARKER`: halfway through writing the cache's temp
/// file, create MARKER and stop this thread forever, so a test can `kill -9` the daemon in
/// the middle of a cache write.
pub(crate) fn stall_cache_write() {
    #[cfg(debug_assertions)]
    if let Some(marker) = std::env::var_os("EDGEVERIFY_TEST_STALL_CACHE_WRITE") {
        if std::fs::write(marker, b"stalled\n").is_ok() {
            loop {
                std::thread::park();
            }
        }
    }
}

/// `EDGEVERIFY_TEST_CRASH_AT=STEP:POINT` (for example `trusted-root:written`): abort the
/// process there, as a kill or a power cut would stop it (no destructors, no buffered output),
/// so a test can check what an interrupted atomic write leaves behind
/// ([`crate::files::write_atomically`]).
pub(crate) fn crash_at(step: &str, point: &str) {
    #[cfg(debug_assertions)]
    if let Some(want) = std::env::var_os("EDGEVERIFY_TEST_CRASH_AT") {
        if want.to_str() == Some(&format!("{step}:{point}")) {
            std::process::abort();
        }
    }
    #[cfg(not(debug_assertions))]
    let _ = (step, point);
}

/// `EDGEVERIFY_TEST_NO_MEMFD=1`: `exec` behaves as on a system without executable memory
/// files, so a test can check that it then fails closed (and what the in-place opt-in does).
pub(crate) fn no_memfd() -> bool {
    #[cfg(debug_assertions)]
    if std::env::var_os("EDGEVERIFY_TEST_NO_MEMFD").is_some() {
        return true;
    }
    false
}
