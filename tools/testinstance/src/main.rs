//! `edgeverify-testinstance`: writes scenario directories (bundle, trust root, artifact or its
//! digests, identity/issuer or key, expected sigstore-go verdict) from a private, in-memory
//! Sigstore-like instance.

use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use edgeverify_testinstance::catalog::{self, Scenario, DEFAULT_SEED};
use edgeverify_testinstance::{files, Artifact, Error, GeneratedContent};

#[derive(Parser)]
#[command(name = "edgeverify-testinstance", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// List the scenarios with their expected sigstore-go verdict.
    List,
    /// Write one scenario (or all of them) to a directory.
    Gen {
        /// The scenario (see `list`).
        #[arg(long, required_unless_present = "all", conflicts_with = "all")]
        scenario: Option<String>,
        /// Every scenario, each in its own subdirectory of --out.
        #[arg(long)]
        all: bool,
        /// Output directory (created if missing).
        #[arg(long)]
        out: PathBuf,
        /// Seed for every key, serial number and nonce; same seed, same bytes.
        #[arg(long, default_value = DEFAULT_SEED)]
        seed: String,
        /// Sign this file instead of the scenario's small text artifact (streamed; not
        /// copied into the scenario directory).
        #[arg(long, conflicts_with = "artifact_size")]
        artifact: Option<PathBuf>,
        /// Sign generated content of this many bytes (suffixes K, M, G: KiB, MiB, GiB),
        /// written to <out>/artifact while it is hashed, in one pass.
        #[arg(long, value_parser = parse_size)]
        artifact_size: Option<u64>,
    },
}

fn parse_size(s: &str) -> Result<u64, String> {
    let (digits, unit) = match s.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((i, _)) => s.split_at(i),
        None => (s, ""),
    };
    let n: u64 = digits.parse().map_err(|_| format!("not a size: {s}"))?;
    let mult: u64 = match unit {
        "" => 1,
        "K" | "KiB" => 1 << 10,
        "M" | "MiB" => 1 << 20,
        "G" | "GiB" => 1 << 30,
        _ => return Err(format!("unknown size unit in {s} (use K, M or G)")),
    };
    n.checked_mul(mult)
        .ok_or_else(|| format!("size too large: {s}"))
}

/// Copies everything it reads into a file.
struct Tee<R> {
    inner: R,
    file: BufWriter<File>,
}

impl<R: Read> Read for Tee<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.file.write_all(buf.get(..n).unwrap_or_default())?;
        if n == 0 {
            self.file.flush()?;
        }
        Ok(n)
    }
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("edgeverify-testinstance: {e}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<(), Error> {
    match cli.command {
        Command::List => {
            for s in catalog::all() {
                let verdict = s.expectation().map(|e| e.verdict.as_str()).unwrap_or("-");
                println!("{:<42} {:<9} {}", s.name, verdict, s.description);
            }
            Ok(())
        }
        Command::Gen {
            scenario,
            all,
            out,
            seed,
            artifact,
            artifact_size,
        } => {
            let scenarios: Vec<Scenario> = if all {
                catalog::all()
            } else {
                let name = scenario.unwrap_or_default();
                vec![catalog::find(&name).ok_or_else(|| {
                    Error::Message(format!("no scenario named {name} (see `list`)"))
                })?]
            };
            for s in &scenarios {
                let dir = if all { out.join(s.name) } else { out.clone() };
                std::fs::create_dir_all(&dir)?;
                let input = match (&artifact, artifact_size) {
                    (Some(path), _) => Artifact::file(path),
                    (None, Some(size)) => generated(&dir, s.name, size)?,
                    (None, None) => catalog::default_artifact(s.name),
                };
                let mut output = s.generate(&seed, input)?;
                if artifact_size.is_some() {
                    // Written next to the bundle while it was hashed.
                    output.artifact.path = Some(PathBuf::from(files::ARTIFACT));
                }
                output.write_dir(&dir, s.name, s.description)?;
                println!("{}: {}", s.name, dir.display());
            }
            Ok(())
        }
    }
}

fn generated(dir: &Path, name: &str, size: u64) -> Result<Artifact, Error> {
    let file = File::create(dir.join(files::ARTIFACT))?;
    Ok(Artifact::reader(
        files::ARTIFACT,
        Tee {
            inner: GeneratedContent::new(name, size),
            file: BufWriter::with_capacity(1 << 20, file),
        },
    ))
}
