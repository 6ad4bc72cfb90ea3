//! `edgeverify exec --policy FILE -- PROGRAM [ARGS...]`: verify, then run exactly what was
//! verified.
//!
//! The program is opened once (only if it is a regular file). Its canonical path (the rule
//! key, checked to name the opened file) is read back from that descriptor, and its bytes are
//! hashed from that descriptor **and copied, as they are hashed, into a memory file**
//! (`memfd_create`) which is then sealed (`F_SEAL_WRITE|F_SEAL_SHRINK|F_SEAL_GROW|
//! F_SEAL_SEAL`) and executed (`fexecve`). Nobody can change the bytes between hashing and
//! exec: not by replacing the file at its path, not by writing the inode in place (its owner,
//! or anyone who opened it for writing before a `chmod`), not through a shared mapping. The
//! cost is the program's size in memory (shmem) while it runs, and one copy
//! (`benches/exec-memfd.sh`).
//!
//! Where memory files cannot be created or executed (kernels before 3.17, or
//! `vm.memfd_noexec = 2`), `exec` refuses to run anything (exit 2), unless
//! `--insecure-exec-in-place` says to execute the verified descriptor itself, as older
//! versions did, with the in-place-write race that implies.
//!
//! The environment: dynamic-loader and libc variables that inject or redirect code
//! (`LD_PRELOAD`, `LD_LIBRARY_PATH`, `LD_AUDIT`, every `LD_*` and `MALLOC_*`,
//! `GLIBC_TUNABLES`, `GCONV_PATH`, … see `config::is_loader_variable`) are removed, unless
//! the matching rule lists them in `insecure_keep_env`. The gate verifies the program file
//! only: its ELF interpreter and shared libraries are not verified (see SECURITY.md).
//!
//! Refused before any verification: what the kernel would not execute (no execute permission
//! for the caller, or on a `noexec` mount: the memory copy must not bypass that), programs
//! writable by group or others, anything that is not an ELF executable, and scripts (`#!`): the kernel would run the interpreter on
//! `/dev/fd/N`, which the close-on-exec memory file no longer is by then (and the
//! interpreter itself would be unverified). Gate the interpreter instead: `edgeverify exec
//! -- /usr/bin/python3 app.py` verifies the interpreter; the script is then its input.
//!
//! Every line written to stderr has its control characters escaped: a file name cannot
//! print a forged "allowed" line.

use std::ffi::OsString;
use std::fs::File;
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{FileExt, PermissionsExt};
use std::path::{Path, PathBuf};

use super::cli::{Command, Opt, Positional, Stop};
use super::Outcome;
use crate::config::{self, Rule};
use crate::gate::audit::{self, Settings, Writer};
use crate::gate::{self, printable, Decision, Options};
use crate::{failpoint, sys};

/// Arguments of `edgeverify exec`.
pub struct Args {
    policy: PathBuf,
    audit_log: Option<PathBuf>,
    insecure_exec_in_place: bool,
    command: Vec<OsString>,
}

/// `edgeverify exec`'s command line.
pub static COMMAND: Command = Command {
    name: "exec",
    about: "Run a program only if its evidence satisfies the policy (executes the verified file \
            descriptor itself).",
    options: &[&[
        Opt {
            long: "policy",
            value: Some("FILE"),
            help: "The policy file (TOML; see `edgeverify policy check`).",
        },
        Opt {
            long: "audit-log",
            value: Some("FILE"),
            help: "Append the decision to this audit log (JSON lines, fsynced) before running.",
        },
        Opt {
            long: "insecure-exec-in-place",
            value: None,
            help: "Where a sealed memory copy cannot be made (no memfd, or vm.memfd_noexec = 2), \
                   execute the verified file itself: someone able to write it in place could \
                   then change what runs after the check. Without this flag such systems run \
                   nothing.",
        },
    ]],
    positionals: &[Positional::many(
        "PROGRAM [ARGS]",
        "The program (a path, or a name looked up in PATH) and its arguments.",
    )],
    trailing: true,
};

impl Args {
    /// Parses what follows `exec`: options, then the program and its arguments, taken as they
    /// are (an argument of the program that looks like an option is the program's).
    pub fn parse(args: Vec<OsString>) -> Result<Self, Stop> {
        let mut m = COMMAND.parse(args)?;
        Ok(Self {
            policy: m.required_path("policy")?,
            audit_log: m.path("audit-log"),
            insecure_exec_in_place: m.switch("insecure-exec-in-place"),
            command: m.positionals(),
        })
    }
}

/// Runs `edgeverify exec`: returns only when the program was not executed.
pub fn run(args: &Args) -> Outcome {
    let cfg = match config::load(&args.policy) {
        Ok(c) => c,
        Err(e) => return unusable(&e.to_string()),
    };
    let Some(program_arg) = args.command.first() else {
        return unusable("no program given");
    };
    let Some(path) = resolve(program_arg) else {
        return unusable(&format!(
            "{}: not found in PATH",
            Path::new(program_arg).display()
        ));
    };
    let program = match gate::open_program(&path) {
        Ok(p) => p,
        Err(e) => return unusable(&e.0),
    };
    let file = match program.reader() {
        Ok(f) => f,
        Err(e) => return unusable(&format!("cannot open {}: {e}", program.canonical)),
    };
    let copy = match sealed_copy_target(&program) {
        Ok(c) => c,
        Err(e) if args.insecure_exec_in_place => {
            say(&format!(
                "warning: cannot make a sealed memory copy ({e}); executing {} in place \
                 (--insecure-exec-in-place)",
                program.canonical
            ));
            None
        }
        Err(e) => {
            return unusable(&format!(
                "cannot make a sealed memory copy of {} to execute ({e}); refusing to run \
                 it (--insecure-exec-in-place executes the file itself, racing in-place \
                 writers)",
                program.canonical
            ))
        }
    };

    let decision = match precheck(&program, &file) {
        Some(reason) => Decision {
            rule: cfg
                .rule_for(&program.canonical)
                .map(|(_, r)| r.name.clone()),
            reason: Some(reason),
            ..Decision::default()
        },
        None => gate::decide(
            &cfg,
            &program,
            &Options {
                copy_to: copy.as_ref(),
                ..Options::default()
            },
        ),
    };
    if let Some(log) = &args.audit_log {
        let record = audit::decision_record(
            Some(&sys::own_credentials()),
            &program.canonical,
            None,
            &decision,
        );
        let appended = Writer::open(Settings {
            path: log.clone(),
            max_bytes: audit::DEFAULT_MAX_BYTES,
            keep: audit::DEFAULT_KEEP,
        })
        .and_then(|mut w| {
            w.append(format!("{record}\n").as_bytes())?;
            w.sync()
        });
        if let Err(e) = appended {
            // The decision must be recorded before anything runs.
            return unusable(&format!(
                "cannot write the audit log {}: {e}",
                log.display()
            ));
        }
    }
    if !decision.allow {
        say(&decision.summary());
        return Outcome::Rejected;
    }
    if decision.audit_only {
        say(&decision.summary());
    }

    let executable = match copy {
        Some(copy) => match finish_copy(copy, &program, &file, &decision, &cfg) {
            Ok(f) => f,
            Err(e) => {
                return unusable(&format!(
                    "{} was allowed but its sealed copy could not be completed: {e}",
                    program.canonical
                ))
            }
        },
        None => file,
    };
    let rule = cfg.rule_for(&program.canonical).map(|(_, r)| r);
    let env = gated_environment(rule);

    failpoint::pause_before_exec();
    let err = sys::exec_fd(&executable, &args.command, &env);
    say(&format!(
        "{} was allowed ({}) but could not be executed: {err}",
        program.canonical,
        decision.rule.as_deref().unwrap_or("")
    ));
    Outcome::Unusable
}

/// The memory file the program is copied into while it is hashed.
fn sealed_copy_target(program: &gate::Program) -> io::Result<Option<File>> {
    if failpoint::no_memfd() {
        return Err(io::Error::from_raw_os_error(libc::ENOSYS));
    }
    let name = Path::new(&program.canonical)
        .file_name()
        .map_or_else(|| "program".into(), |n| n.to_string_lossy());
    let name: String = format!("edgeverify:{name}").chars().take(200).collect();
    sys::memfd_for_exec(&name).map(Some)
}

/// Seals the copy. When the decision was taken without hashing the program (an audit-mode
/// rule allowing a program whose evidence is missing), the copy is made now, within the
/// rule's `max_size`.
fn finish_copy(
    mut copy: File,
    program: &gate::Program,
    file: &File,
    decision: &Decision,
    cfg: &config::Config,
) -> io::Result<File> {
    if decision.sha256.is_none() {
        let limit = cfg
            .rule_for(&program.canonical)
            .map_or(config::DEFAULT_MAX_PROGRAM_BYTES, |(_, r)| r.max_size);
        copy.set_len(0)?;
        let mut from = file;
        io::Seek::seek(&mut from, io::SeekFrom::Start(0))?;
        let copied = io::copy(
            &mut io::Read::take(from, limit.saturating_add(1)),
            &mut copy,
        )?;
        if copied > limit {
            return Err(io::Error::other(format!(
                "larger than max_size ({limit} bytes)"
            )));
        }
    }
    sys::seal_contents(&copy)?;
    Ok(copy)
}

/// The current environment without the loader variables the rule does not keep.
fn gated_environment(rule: Option<&Rule>) -> Vec<OsString> {
    std::env::vars_os()
        .filter(|(k, _)| {
            let name = String::from_utf8_lossy(k.as_bytes());
            !config::is_loader_variable(&name)
                || rule.is_some_and(|r| r.keep_env.iter().any(|kept| *kept == name))
        })
        .map(|(k, v)| {
            let mut kv = k;
            kv.push("=");
            kv.push(v);
            kv
        })
        .collect()
}

/// Refusals that do not depend on the policy (see the module documentation).
fn precheck(program: &gate::Program, file: &File) -> Option<String> {
    if !sys::may_execute(program.handle()) {
        return Some(format!(
            "{} may not be executed (no execute permission, or a noexec mount)",
            program.canonical
        ));
    }
    let mode = program.meta.permissions().mode();
    if mode & 0o022 != 0 {
        return Some(format!(
            "{} is writable by group or others (mode {:o}): it could be changed between \
             verification and exec",
            program.canonical,
            mode & 0o7777
        ));
    }
    let mut magic = [0u8; 4];
    let n = file.read_at(&mut magic, 0).unwrap_or(0);
    match magic.get(..n) {
        Some([0x7f, b'E', b'L', b'F']) => None,
        Some([b'#', b'!', ..]) => Some(format!(
            "{} is a script (#!): scripts are not run by the gate; gate the interpreter \
             instead (edgeverify exec -- INTERPRETER SCRIPT)",
            program.canonical
        )),
        _ => Some(format!("{} is not an ELF executable", program.canonical)),
    }
}

/// A path as given if it contains `/`, else the first executable regular file of that name
/// in `PATH` (as `execvp` does).
fn resolve(program: &OsString) -> Option<PathBuf> {
    let p = Path::new(program);
    if program.as_encoded_bytes().contains(&b'/') {
        return Some(p.to_path_buf());
    }
    let path_var = std::env::var_os("PATH")?;
    std::env::split_paths(&path_var)
        .filter(|dir| dir.is_absolute())
        .map(|dir| dir.join(p))
        .find(|candidate| {
            std::fs::metadata(candidate)
                .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        })
}

/// One line on stderr, control characters escaped.
fn say(message: &str) {
    eprintln!("edgeverify: {}", printable(message));
}

fn unusable(message: &str) -> Outcome {
    say(message);
    Outcome::Unusable
}
