//! The only module of the agent with `unsafe` code (the workspace denies it elsewhere): thin
//! wrappers over the few Linux calls std does not expose.
//!
//! - [`memfd_for_exec`], [`seal_contents`], [`exec_fd`]: the exec gate copies the program
//!   into a sealed memory file while hashing it and executes that (`fexecve`);
//! - [`peer_credentials`]: `SO_PEERCRED` of a Unix socket peer (limits and logging);
//! - [`wait_readable`], [`peer_hung_up`], [`poll_priority`]: `poll` on sockets (the daemon's
//!   accept loop, abandoned requests) and on `/proc/self/mountinfo` (mount-table changes);
//! - [`SignalWaiter`]: block SIGHUP/SIGTERM/SIGINT and `sigwait` for them on a dedicated thread
//!   (no signal handlers, so no async-signal-safety concerns);
//! - [`set_umask`], [`effective_uid`].
//!
//! Each `unsafe` block states why it is sound. Everything here is Linux-only, like the agent.

#![allow(unsafe_code)]

use std::ffi::{CString, OsStr, OsString};
use std::fs::File;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, RawFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::net::UnixStream;

/// A new anonymous memory file (`memfd_create`) that can be sealed and executed,
/// close-on-exec. `MFD_EXEC` is asked for explicitly (kernels ≥ 6.3 with
/// `vm.memfd_noexec = 1` would otherwise make it non-executable); a kernel that does not know
/// the flag (`EINVAL`) is asked again without it, where memfds are always executable.
/// Fails with the kernel's error where memfds do not exist (`ENOSYS`, kernels < 3.17) or
/// may not be executable (`vm.memfd_noexec = 2`: `EACCES`).
pub(crate) fn memfd_for_exec(name: &str) -> io::Result<File> {
    let name = CString::new(name.replace('\0', "_")).map_err(io::Error::other)?;
    let base = libc::MFD_CLOEXEC | libc::MFD_ALLOW_SEALING;
    let mut flags = base | libc::MFD_EXEC;
    loop {
        // SAFETY: `name` is a NUL-terminated string that outlives the call; the flags are
        // plain integers. The syscall returns a new descriptor or -1.
        let fd = unsafe { libc::syscall(libc::SYS_memfd_create, name.as_ptr(), flags) };
        if fd >= 0 {
            let fd = i32::try_from(fd).map_err(io::Error::other)?;
            // SAFETY: the kernel just returned this descriptor to us; nothing else owns it.
            return Ok(unsafe { File::from_raw_fd(fd) });
        }
        let err = io::Error::last_os_error();
        if err.raw_os_error() == Some(libc::EINVAL) && flags != base {
            flags = base;
            continue;
        }
        return Err(err);
    }
}

/// Seals a memory file for good: no write, shrink or grow, and no further seal changes. After
/// this nobody (this process included) can change its bytes; the kernel refuses the seal
/// while a writable shared mapping exists, and we never map it.
pub(crate) fn seal_contents(file: &File) -> io::Result<()> {
    let seals = libc::F_SEAL_SEAL | libc::F_SEAL_SHRINK | libc::F_SEAL_GROW | libc::F_SEAL_WRITE;
    // SAFETY: fcntl(F_ADD_SEALS) takes an int argument; the descriptor is open (borrowed).
    let rc = unsafe { libc::fcntl(file.as_raw_fd(), libc::F_ADD_SEALS, seals) };
    if rc != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// Replaces the current process with the program open as `file`, with `argv` and exactly
/// the environment `env` (`NAME=value` entries). Returns only on failure.
///
/// `fexecve` (glibc and musl) is `execveat(fd, "", argv, envp, AT_EMPTY_PATH)`, falling back
/// to `/proc/self/fd/N` on kernels without `execveat`; either way the kernel executes the
/// inode the descriptor refers to, never whatever the original path names now.
pub(crate) fn exec_fd(file: &File, argv: &[OsString], env: &[OsString]) -> io::Error {
    let to_c = |s: &OsStr| CString::new(s.as_bytes());
    let Ok(args) = argv.iter().map(|a| to_c(a)).collect::<Result<Vec<_>, _>>() else {
        return io::Error::new(
            io::ErrorKind::InvalidInput,
            "an argument contains a NUL byte",
        );
    };
    // Environment entries cannot contain NUL (they came from the kernel as C strings).
    let env: Vec<CString> = env.iter().filter_map(|kv| to_c(kv).ok()).collect();
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

/// `poll` on `fds` for `events` with a timeout in milliseconds (-1: none); the `revents`
/// of each, in order. `EINTR` counts as "nothing happened".
fn poll(fds: &[RawFd], events: libc::c_short, timeout_ms: i32) -> io::Result<Vec<libc::c_short>> {
    let mut pfds: Vec<libc::pollfd> = fds
        .iter()
        .map(|&fd| libc::pollfd {
            fd,
            events,
            revents: 0,
        })
        .collect();
    let n = libc::nfds_t::try_from(pfds.len()).map_err(io::Error::other)?;
    // SAFETY: `pfds` is a valid, writable array of `n` pollfd structures for the duration
    // of the call.
    let rc = unsafe { libc::poll(pfds.as_mut_ptr(), n, timeout_ms) };
    if rc < 0 {
        let err = io::Error::last_os_error();
        if err.kind() != io::ErrorKind::Interrupted {
            return Err(err);
        }
    }
    Ok(pfds.iter().map(|p| p.revents).collect())
}

/// Blocks until one of `fds` is readable (or hung up); which ones are.
pub(crate) fn wait_readable(fds: &[RawFd]) -> io::Result<Vec<bool>> {
    let revents = poll(fds, libc::POLLIN, -1)?;
    Ok(revents.iter().map(|r| *r != 0).collect())
}

/// Whether the peer of a connected socket has closed it entirely (a client that only shut
/// down its writing side still waits for its answer and is not "gone").
pub(crate) fn peer_hung_up(fd: RawFd) -> bool {
    poll(&[fd], 0, 0).is_ok_and(|r| r.first().is_some_and(|e| e & libc::POLLHUP != 0))
}

/// Whether `/proc/self/mountinfo` (open as `fd`) reports a mount-table change since the last
/// call (`POLLPRI`/`POLLERR`; the kernel resets the event when it reports it).
pub(crate) fn poll_priority(fd: RawFd) -> bool {
    poll(&[fd], libc::POLLPRI, 0).map_or(true, |r| {
        r.first()
            .is_some_and(|e| e & (libc::POLLPRI | libc::POLLERR) != 0)
    })
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

/// Whether this process (its effective ids) may execute the file open as `file`, as the
/// kernel would judge an `execve` of it: permission bits and ACLs, and not on a `noexec`
/// mount. The exec gate executes a memory copy, which the kernel no longer checks against
/// the original file, so it asks here.
pub(crate) fn may_execute(file: &File) -> bool {
    let Ok(path) = CString::new(format!("/proc/self/fd/{}", file.as_raw_fd())) else {
        return false;
    };
    // SAFETY: `path` is a NUL-terminated string that outlives the call; the other arguments
    // are plain integers.
    let rc =
        unsafe { libc::faccessat(libc::AT_FDCWD, path.as_ptr(), libc::X_OK, libc::AT_EACCESS) };
    rc == 0
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

/// Keeps the daemon's memory bounded by what it holds, not by what it once held: with glibc,
/// large blocks (an evidence file of up to 4 MiB) are always mapped and unmapped on their own
/// (glibc would otherwise raise its mmap threshold after the first free and keep such blocks
/// in per-thread arenas), and at most two arenas exist. Other C libraries: nothing to do.
pub(crate) fn bound_allocator_retention() {
    #[cfg(target_env = "gnu")]
    // SAFETY: mallopt only adjusts allocator tuning parameters; it is called at start-up,
    // before the daemon's threads allocate; the values are valid for these parameters.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 256 * 1024);
        libc::mallopt(libc::M_ARENA_MAX, 2);
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
