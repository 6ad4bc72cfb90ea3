//! `edgeverify trust-root compile IN.json OUT.cbor`: the compact CBOR form of a trust root, for
//! devices that should not parse JSON. `--trusted-root` accepts either form. The CBOR file is
//! a file of its own: a device that loads it pins its SHA-256, which `compile` prints.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand};
use edgeverify_core::{hex_encode, limits, TrustRoot};

use super::Outcome;
use crate::files::read_bounded;
use crate::gate::artifact::sha256;

#[derive(Parser)]
/// Arguments of `edgeverify trust-root`.
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Compile a trusted_root.json into the compact CBOR form (only what verification uses)
    /// and print the SHA-256 to pin it by.
    Compile {
        /// The trusted_root.json to compile.
        #[arg(value_name = "IN.json")]
        input: PathBuf,
        /// Where to write the CBOR form (replaced atomically; never the input itself).
        #[arg(value_name = "OUT.cbor")]
        output: PathBuf,
    },
}

/// Runs `edgeverify trust-root …`.
pub fn run(args: &Args) -> Outcome {
    match &args.command {
        Command::Compile { input, output } => match compile(input, output) {
            Ok(message) => {
                println!("{message}");
                Outcome::Verified
            }
            Err(message) => {
                eprintln!("edgeverify: error: {message}");
                Outcome::Unusable
            }
        },
    }
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
    write_atomically(output, &cbor)
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

/// Write to a temporary file next to `path`, flush it to disk, then rename over `path`: a power
/// cut leaves either the old file or the new one, never half of it.
fn write_atomically(path: &Path, data: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let tmp = dir.join(format!(".{name}.tmp{}", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(data)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)?;
        // Persist the rename itself (best effort: not every filesystem lets a directory be
        // opened for syncing).
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
