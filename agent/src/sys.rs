//! The only module of the agent with `unsafe` code (the workspace denies it elsewhere): thin
//! wrappers over the few Linux calls std does not expose.
//!
//! - [`exec_fd`]: `fexecve` of an already open descriptor (the exec gate);
//! - [`peer_credentials`]: `SO_PEERCRED` of a Unix socket peer (daemon logging);
//! - [`SignalWaiter`]: block SIGHUP/SIGTERM/SIGINT and `sigwait` for them on a dedicated thread
//!   (no signal handlers, so no async-signal-safety concerns);
//! - [`set_umask`], [`effective_uid`].
//!
//! Each `unsafe` block states why it is sound. Everything here is Linux-only, like the agent.

#![allow(unsafe_code)]

use std::ffi::{CString, OsStr, OsString};
use std::fs::File;
use std::io;
use std::os::fd::AsRawFd;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::net::UnixStream;

/// Replaces the current process with the program open as `file`, with `argv` and the
/// current environment. Returns only on failure.
///
/// `fexecve` (glibc and musl) is `execveat(fd, "", argv, envp, AT_EMPTY_PATH)`, falling back
/// to `/proc/self/fd/N` on kernels without `execveat`; either way the kernel executes the
/// inode the descriptor refers to, never whatever the original path names now.
pub(crate) fn exec_fd(file: &File, argv: &[OsString]) -> io::Error {
    let to_c = |s: &OsStr| CString::new(s.as_bytes());
    let Ok(args) = argv.iter().map(|a| to_c(a)).collect::<Result<Vec<_>, _>>() else {
        return io::Error::new(
            io::ErrorKind::InvalidInput,
            "an argument contains a NUL byte",
        );
    };
    // Environment entries cannot contain NUL (they came from the kernel as C strings).
    let env: Vec<CString> = std::env::vars_os()
        .filter_map(|(k, v)| {
            let mut kv = k;
            kv.push("=");
            kv.push(v);
            to_c(&kv).ok()
        })
        .collect();
    let mut argv_ptrs: Vec<*const libc::c_char> = args.iter().map(|a| a.as_ptr()).collect();
    argv_ptrs.push(core::ptr::null());
    let mut env_ptrs: Vec<*const libc::c_char> = env.iter().map(|e| e.as_ptr()).collect();
    env_ptrs.push(core::ptr::null());
    // SAFETY: `argv_ptrs` and `env_ptrs` are NULL-terminated arrays of pointers to
    // NUL-terminated strings owned by `args` and `env`, which outlive the call; the
    // descriptor is open (borrowed from `file`). On success the call does not return; on
    // failure it has no effect on memory.
    unsafe {
        libc::fexecve(file.as_raw_fd(), argv_ptrs.as_ptr(), env_ptrs.as_ptr());
    }
    io::Error::last_os_error()
}

/// The credentials of a Unix socket's peer, as the kernel recorded them at `connect`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct PeerCredentials {
    pub(crate) pid: i32,
    pub(crate) uid: u32,
    pub(crate) gid: u32,
}

/// `getsockopt(SO_PEERCRED)`.
pub(crate) fn peer_credentials(stream: &UnixStream) -> io::Result<PeerCredentials> {
    let mut cred = libc::ucred {
        pid: 0,
        uid: 0,
        gid: 0,
    };
    let mut len = libc::socklen_t::try_from(size_of::<libc::ucred>())
        .map_err(|_| io::Error::other("ucred size"))?;
    // SAFETY: `cred` is a valid, writable `ucred` and `len` holds its size, as SO_PEERCRED
    // requires; the descriptor is open (borrowed from `stream`).
    let rc = unsafe {
        libc::getsockopt(
            stream.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_PEERCRED,
            std::ptr::addr_of_mut!(cred).cast(),
            &mut len,
        )
    };
    if rc != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(PeerCredentials {
        pid: cred.pid,
        uid: cred.uid,
        gid: cred.gid,
    })
}

/// A signal the daemon acts on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Signal {
    /// SIGHUP: reload the policy.
    Hangup,
    /// SIGTERM or SIGINT: drain and exit.
    Terminate,
}

/// SIGHUP, SIGTERM and SIGINT blocked in every thread, to be taken with [`Self::wait`].
pub(crate) struct SignalWaiter {
    set: libc::sigset_t,
}

impl SignalWaiter {
    /// Blocks the signals in the calling thread. Call it before spawning any thread, so
    /// that every thread inherits the mask and the signals are only ever taken by `wait`.
    pub(crate) fn block() -> io::Result<Self> {
        // SAFETY: `sigset_t` is plain data; an all-zero value is a valid argument for
        // `sigemptyset`, which initialises it.
        let mut set: libc::sigset_t = unsafe { core::mem::zeroed() };
        // SAFETY: `set` is a valid, writable `sigset_t`; the signal numbers are valid.
        let rc = unsafe {
            libc::sigemptyset(&mut set)
                | libc::sigaddset(&mut set, libc::SIGHUP)
                | libc::sigaddset(&mut set, libc::SIGTERM)
                | libc::sigaddset(&mut set, libc::SIGINT)
        };
        if rc != 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: `set` is initialised; a null old-set pointer is allowed.
        let rc = unsafe { libc::pthread_sigmask(libc::SIG_BLOCK, &set, core::ptr::null_mut()) };
        if rc != 0 {
            return Err(io::Error::from_raw_os_error(rc));
        }
        Ok(Self { set })
    }

    /// Waits for one of the blocked signals.
    pub(crate) fn wait(&self) -> io::Result<Signal> {
        loop {
            let mut sig: libc::c_int = 0;
            // SAFETY: `self.set` is an initialised signal set and `sig` is writable.
            let rc = unsafe { libc::sigwait(&self.set, &mut sig) };
            if rc != 0 {
                return Err(io::Error::from_raw_os_error(rc));
            }
            match sig {
                libc::SIGHUP => return Ok(Signal::Hangup),
                libc::SIGTERM | libc::SIGINT => return Ok(Signal::Terminate),
                _ => {}
            }
        }
    }
}

/// Sets the process umask, returning the previous one.
pub(crate) fn set_umask(mask: u32) -> u32 {
    // SAFETY: umask has no preconditions and cannot fail.
    unsafe { libc::umask(mask) }
}

/// This process as a "peer" (for `exec`'s audit record: the program keeps this pid).
pub(crate) fn own_credentials() -> PeerCredentials {
    PeerCredentials {
        pid: i32::try_from(std::process::id()).unwrap_or(-1),
        uid: effective_uid(),
        // SAFETY: getegid has no preconditions and cannot fail.
        gid: unsafe { libc::getegid() },
    }
}

/// The effective user ID.
pub(crate) fn effective_uid() -> u32 {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() }
}
