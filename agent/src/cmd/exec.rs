//! `edgeverify exec --policy FILE -- PROGRAM [ARGS...]`: verify, then run exactly what was
//! verified.
//!
//! The program is opened once. Its canonical path (the rule key) is read back from that
//! descriptor, its bytes are hashed from that descriptor, and that descriptor is executed
//! (`fexecve`, i.e. `execveat(fd, "", …, AT_EMPTY_PATH)`). Renaming or replacing the file at
//! the path at any moment after the open cannot change what runs.
//!
//! Refused before any verification: programs writable by group or others (anyone who can
//! write the inode could change it between hashing and exec; replacing it *at the path* is
//! harmless, writing it *in place* is not), and anything that is not an ELF executable.
//! Scripts (`#!`) are refused: the kernel would run the interpreter on `/dev/fd/N`, which
//! the close-on-exec descriptor no longer names (and the interpreter itself would be
//! unverified). Gate the interpreter instead: `edgeverify exec -- /usr/bin/python3 app.py`
//! verifies the interpreter; the script is then that program's input.

use std::ffi::OsString;
use std::os::unix::fs::{FileExt, PermissionsExt};
use std::path::{Path, PathBuf};

use clap::Parser;

use super::Outcome;
use crate::config;
use crate::gate::audit::{self, Settings, Writer};
use crate::gate::{self, Decision, Options};
use crate::{failpoint, sys};

#[derive(Parser)]
/// Arguments of `edgeverify exec`.
pub struct Args {
    /// The policy file (TOML; see `edgeverify policy check`).
    #[arg(long, value_name = "FILE")]
    policy: PathBuf,
    /// Append the decision to this audit log (JSON lines, fsynced) before running.
    #[arg(long, value_name = "FILE")]
    audit_log: Option<PathBuf>,
    /// The program (a path, or a name looked up in PATH) and its arguments.
    #[arg(
        value_name = "PROGRAM [ARGS]",
        required = true,
        num_args = 1..,
        trailing_var_arg = true,
        allow_hyphen_values = true
    )]
    command: Vec<OsString>,
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

    let decision = match precheck(&program) {
        Some(reason) => Decision {
            rule: cfg
                .rule_for(&program.canonical)
                .map(|(_, r)| r.name.clone()),
            reason: Some(reason),
            ..Decision::default()
        },
        None => gate::decide(&cfg, &program, &Options::default()),
    };
    if let Some(log) = &args.audit_log {
        let record =
            audit::decision_record(Some(&sys::own_credentials()), &program.canonical, &decision);
        let appended = Writer::open(Settings {
            path: log.clone(),
            max_bytes: audit::DEFAULT_MAX_BYTES,
            keep: audit::DEFAULT_KEEP,
        })
        .and_then(|mut w| w.append(format!("{record}\n").as_bytes()));
        if let Err(e) = appended {
            // The decision must be recorded before anything runs.
            return unusable(&format!(
                "cannot write the audit log {}: {e}",
                log.display()
            ));
        }
    }
    if !decision.allow {
        eprintln!("edgeverify: {}", decision.summary());
        return Outcome::Rejected;
    }
    if decision.audit_only {
        eprintln!("edgeverify: {}", decision.summary());
    }

    failpoint::pause_before_exec();
    let err = sys::exec_fd(&program.file, &args.command);
    eprintln!(
        "edgeverify: {} was allowed ({}) but could not be executed: {err}",
        program.canonical,
        decision.rule.as_deref().unwrap_or("")
    );
    Outcome::Unusable
}

/// Refusals that do not depend on the policy (see the module documentation).
fn precheck(program: &gate::Program) -> Option<String> {
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
    let n = program.file.read_at(&mut magic, 0).unwrap_or(0);
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

fn unusable(message: &str) -> Outcome {
    eprintln!("edgeverify: {message}");
    Outcome::Unusable
}
