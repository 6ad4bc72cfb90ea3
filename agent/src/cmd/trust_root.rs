//! `edgeverify trust-root …`: `compile IN.json OUT.cbor` writes the compact CBOR form of a
//! trust root, for devices that should not parse JSON (`--trusted-root` accepts either form;
//! the CBOR file is a file of its own, pinned by its own SHA-256, which `compile` prints).
//! `update` applies an offline TUF update (`trust_root/update.rs`); `show` prints what a trust root
//! trusts (`trust_root/show.rs`).

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use edgeverify_core::{hex_encode, limits, TrustRoot, UnixTime};

use super::cli::{Command, Positional, Stop, Subcommands};
use super::Outcome;
use crate::files::{read_bounded, write_atomically};
use crate::gate::artifact::sha256;

mod show;
mod update;

/// Where packaging installs a trust root other than the embedded one (`packaging/policy.toml`,
/// `[trust_root] path`), and so where `trust-root update` installs by default.
pub const DEFAULT_TRUSTED_ROOT_PATH: &str = "/etc/edgeverify/trusted_root.json";
/// The TUF state directory (`/var/lib/edgeverify` is root's: the daemon cannot change what
/// the device trusts).
pub const DEFAULT_STATE_DIR: &str = "/var/lib/edgeverify/tuf";
/// The state file inside it (core's `TufState::to_json`).
pub const STATE_FILE: &str = "tuf-state.json";

/// Arguments of `edgeverify trust-root`: one of its subcommands.
pub struct Args(Subcommand);

enum Subcommand {
    Compile { input: PathBuf, output: PathBuf },
    Update(update::UpdateArgs),
    Show(show::ShowArgs),
}

/// `edgeverify trust-root`'s subcommands.
pub static SUBCOMMANDS: Subcommands = Subcommands {
    name: "trust-root",
    about: "Trust-root tools: `trust-root compile IN.json OUT.cbor` writes the compact CBOR form.",
    list: &[
        ("compile", COMPILE.about),
        ("update", update::COMMAND.about),
        ("show", show::COMMAND.about),
    ],
    after: "",
};

/// `edgeverify trust-root compile`'s command line.
static COMPILE: Command = Command {
    name: "trust-root compile",
    about: "Compile a trusted_root.json into the compact CBOR form (only what verification uses) \
            and print the SHA-256 to pin it by.",
    options: &[],
    positionals: &[
        Positional::one("IN.json", "The trusted_root.json to compile."),
        Positional::one(
            "OUT.cbor",
            "Where to write the CBOR form (replaced atomically; never the input itself).",
        ),
    ],
    trailing: false,
};

impl Args {
    /// Parses what follows `trust-root`.
    pub fn parse(args: Vec<OsString>) -> Result<Self, Stop> {
        let (name, rest) = SUBCOMMANDS.choose(args)?;
        match name {
            "compile" => {
                let mut m = COMPILE.parse(rest)?;
                Ok(Self(Subcommand::Compile {
                    input: m.next_positional("IN.json")?.into(),
                    output: m.next_positional("OUT.cbor")?.into(),
                }))
            }
            "update" => update::UpdateArgs::parse(rest).map(|a| Self(Subcommand::Update(a))),
            "show" => show::ShowArgs::parse(rest).map(|a| Self(Subcommand::Show(a))),
            // `choose` returns only listed names; an unlisted one is refused, never run.
            other => Err(SUBCOMMANDS.unknown(other)),
        }
    }
}

/// Runs `edgeverify trust-root …`.
pub fn run(args: &Args) -> Outcome {
    match &args.0 {
        Subcommand::Compile { input, output } => match compile(input, output) {
            Ok(message) => {
                println!("{message}");
                Outcome::Verified
            }
            Err(message) => {
                eprintln!("edgeverify: error: {message}");
                Outcome::Unusable
            }
        },
        Subcommand::Update(args) => report(update::run(args)),
        Subcommand::Show(args) => report(show::run(args)),
    }
}

fn report(result: Result<String, (Outcome, String)>) -> Outcome {
    match result {
        Ok(text) => {
            println!("{text}");
            Outcome::Verified
        }
        Err((outcome, message)) => {
            eprintln!("edgeverify: {message}");
            outcome
        }
    }
}

/// `YYYY-MM-DDTHH:MM:SSZ` (UTC; milliseconds dropped).
pub(crate) fn format_time(t: UnixTime) -> String {
    let secs = t.as_secs();
    let (days, rem) = (secs / 86_400, secs % 86_400);
    // Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm, for non-negative
    // days).
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z % 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

fn compile(input: &Path, output: &Path) -> Result<String, String> {
    refuse_same_file(input, output)?;
    let json = read_bounded(input, limits::MAX_TRUST_ROOT_BYTES)?;
    let root = TrustRoot::from_json(&json).map_err(|e| format!("{}: {e}", input.display()))?;
    let cbor = root.to_cbor();
    // Never write something that does not load back to the same root.
    match TrustRoot::from_cbor(&cbor) {
        Ok(back) if back.to_cbor() == cbor => {}
        _ => return Err("internal error: the compiled trust root does not load back".into()),
    }
    write_atomically(output, &cbor, "compile")
        .map_err(|e| format!("cannot write {}: {e}", output.display()))?;
    Ok(format!(
        "wrote {} ({} bytes, sha256 {}: pin this digest in the policy's [trust_root] sha256 \
         where the device loads this file; from {}, {} bytes, sha256 {})",
        output.display(),
        cbor.len(),
        hex_encode(&sha256(&cbor)),
        input.display(),
        json.len(),
        hex_encode(root.source_sha256())
    ))
}

/// Refuses an output that is the input under another name (the same path, `./IN`, a symlink
/// or a hard link to it): the input would be replaced by its own compiled form.
fn refuse_same_file(input: &Path, output: &Path) -> Result<(), String> {
    use std::os::unix::fs::MetadataExt as _;
    let Ok(out) = std::fs::metadata(output) else {
        return Ok(()); // nothing there (or a dangling link): nothing to overwrite
    };
    let inp =
        std::fs::metadata(input).map_err(|e| format!("cannot open {}: {e}", input.display()))?;
    if (inp.dev(), inp.ino()) == (out.dev(), out.ino()) {
        return Err(format!(
            "{} is the input {} itself: refusing to overwrite it (give another output path)",
            output.display(),
            input.display()
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_times_as_rfc3339_and_back() {
        for text in [
            "1970-01-01T00:00:00Z",
            "2000-02-29T23:59:59Z",
            "2024-12-31T12:00:00Z",
            "2026-11-20T13:58:18Z",
            "2100-03-01T00:00:00Z",
        ] {
            let t = UnixTime::parse_rfc3339(text).unwrap();
            assert_eq!(format_time(t), text);
        }
    }
}
