//! `bench-report`: the figures divan does not give, as Markdown, each with the baseline it is
//! compared to measured in the same run:
//! per-stage verify time (vs the whole), the crypto floor (vs the whole), peak heap per
//! verification (counting allocator), trust-root forms (CBOR vs JSON: size and load time),
//! streaming SHA-256 of a large file (vs `sha256sum`), and the peak RSS of `edgeverify
//! verify-bundle` on that file (vs `sha256sum`).
//!
//! `cargo run --profile bench -p edgeverify-benches --bin bench-report -- [--edgeverify PATH]
//! [--big-mib N] [--iterations N]`; build `edgeverify` first (`cargo build --profile dist -p
//! edgeverify-agent`, the default PATH is `target/dist/edgeverify`).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    unsafe_code
)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use edgeverify_benches::{cases, repo, Floor, IDENTITY, ISSUER};
use edgeverify_core::{Artifact, Bundle, HashAlgorithm, Hasher, Stage, TrustRoot};

/// Counts live heap bytes and their high-water mark.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to the system allocator unchanged; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
            ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size >= layout.size() {
                let live = LIVE.fetch_add(new_size - layout.size(), Ordering::Relaxed)
                    + (new_size - layout.size());
                PEAK.fetch_max(live, Ordering::Relaxed);
            } else {
                LIVE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
            ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        }
        p
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

struct Options {
    edgeverify: PathBuf,
    big_mib: usize,
    iterations: usize,
}

fn options() -> Options {
    let mut o = Options {
        edgeverify: repo().join("target/dist/edgeverify"),
        big_mib: 256,
        iterations: 300,
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || args.next().expect("missing value");
        match a.as_str() {
            "--edgeverify" => o.edgeverify = value().into(),
            "--big-mib" => o.big_mib = value().parse().unwrap(),
            "--iterations" => o.iterations = value().parse().unwrap(),
            "--bench" => {} // passed by `cargo bench`
            other => panic!("unknown argument {other}"),
        }
    }
    o
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort_unstable();
    v[v.len() / 2]
}

fn micros(d: Duration) -> String {
    format!("{:.1} µs", d.as_secs_f64() * 1e6)
}

fn ratio(a: Duration, b: Duration) -> f64 {
    a.as_secs_f64() / b.as_secs_f64()
}

fn main() {
    let o = options();
    let cases = cases();
    let floor = Floor::new();
    println!(
        "<!-- bench-report: {} iterations per figure -->",
        o.iterations
    );

    println!(
        "\n### In-process verification, per stage (median of {} runs)\n",
        o.iterations
    );
    println!("| case | parse | signer, digests | tlog | times | certificate + SCT | signature | policy | whole | crypto floor | whole ÷ floor |");
    println!("|---|---|---|---|---|---|---|---|---|---|---|");
    let stages = [
        Stage::Input,
        Stage::TransparencyLog,
        Stage::Time,
        Stage::Certificate,
        Stage::Signature,
        Stage::Identity,
    ];
    for case in &cases {
        let mut per_stage: Vec<Vec<Duration>> = vec![Vec::new(); stages.len() + 1];
        let mut whole = Vec::new();
        let mut floor_times = Vec::new();
        for _ in 0..o.iterations {
            let t0 = Instant::now();
            let bundle = Bundle::from_json(&case.bundle_json).unwrap();
            let mut marks = vec![(None, Instant::now())];
            let result = edgeverify_core::__bench::verify_probed(
                &case.root,
                &bundle,
                Artifact::Bytes(&case.artifact),
                &case.policy,
                &mut |s| marks.push((Some(s), Instant::now())),
            );
            let end = Instant::now();
            assert!(result.is_ok(), "{}: {result:?}", case.dir);
            per_stage[0].push(marks[0].1 - t0);
            for (i, stage) in stages.iter().enumerate() {
                let at = marks.iter().position(|(s, _)| *s == Some(*stage)).unwrap();
                per_stage[i + 1].push(marks[at].1 - marks[at - 1].1);
            }
            whole.push(end - t0);
            let f0 = Instant::now();
            floor.run(case.ops);
            floor_times.push(f0.elapsed());
        }
        let whole = median(whole);
        let floor_t = median(floor_times);
        let cells: Vec<String> = per_stage
            .into_iter()
            .map(|v| {
                let m = median(v);
                format!("{} ({:.0} %)", micros(m), 100.0 * ratio(m, whole))
            })
            .collect();
        println!(
            "| {} | {} | {} | {} | {:.2} |",
            case.label,
            cells.join(" | "),
            micros(whole),
            micros(floor_t),
            ratio(whole, floor_t)
        );
    }
    let ops: Vec<String> = cases
        .iter()
        .map(|c| {
            format!(
                "{}: {}×P-256 {}×P-384 {}×Ed25519",
                c.label, c.ops.p256, c.ops.p384, c.ops.ed25519
            )
        })
        .collect();
    println!(
        "\nCrypto floor = the signature checks of one verification, directly with ring ({}).",
        ops.join("; ")
    );

    println!(
        "\n### Trust root with its chain signatures remembered (median of {} runs)\n",
        o.iterations
    );
    println!(
        "`TrustRoot::remember_chain_signatures`, as the daemon and the C API hold the root: the"
    );
    println!("intermediate ← root (and TSA) signatures are checked once at load, not per verification.\n");
    println!("| case | whole, root as loaded | whole, remembered | remembered ÷ as loaded |");
    println!("|---|---|---|---|");
    for case in &cases {
        let (mut plain, mut remembered) = (Vec::new(), Vec::new());
        for _ in 0..o.iterations {
            let t0 = Instant::now();
            drop(case.verify());
            let t1 = Instant::now();
            drop(case.verify_remembered());
            remembered.push(t1.elapsed());
            plain.push(t1 - t0);
        }
        let (plain, remembered) = (median(plain), median(remembered));
        println!(
            "| {} | {} | {} | {:.2} |",
            case.label,
            micros(plain),
            micros(remembered),
            ratio(remembered, plain)
        );
    }

    println!("\n### Peak heap per verification (counting allocator)\n");
    println!("| case | peak heap above baseline | allocations |");
    println!("|---|---|---|");
    for case in &cases {
        let base = LIVE.load(Ordering::Relaxed);
        PEAK.store(base, Ordering::Relaxed);
        let count0 = ALLOCATIONS.load(Ordering::Relaxed);
        drop(case.verify_digest());
        let peak = PEAK.load(Ordering::Relaxed) - base;
        let count = ALLOCATIONS.load(Ordering::Relaxed) - count0;
        println!(
            "| {} | {:.1} KiB | {count} |",
            case.label,
            peak as f64 / 1024.0
        );
    }
    println!("\n(parse + verify with the artifact's digest, trust root already loaded; the trust root itself:");
    let base = LIVE.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let root = TrustRoot::embedded_production().unwrap();
    let root_peak = PEAK.load(Ordering::Relaxed) - base;
    let root_live = LIVE.load(Ordering::Relaxed) - base;
    println!(
        "{:.1} KiB peak while loading the production root from JSON, {:.1} KiB kept.)",
        root_peak as f64 / 1024.0,
        root_live as f64 / 1024.0
    );

    println!("\n### Trust root: compact CBOR vs JSON (production root)\n");
    let json = std::fs::read(repo().join("core/trust/production.trusted_root.json")).unwrap();
    let cbor = root.to_cbor();
    let mut tj = Vec::new();
    let mut tc = Vec::new();
    for _ in 0..o.iterations {
        let t = Instant::now();
        drop(TrustRoot::from_json(&json).unwrap());
        tj.push(t.elapsed());
        let t = Instant::now();
        drop(TrustRoot::from_cbor(&cbor).unwrap());
        tc.push(t.elapsed());
    }
    let (tj, tc) = (median(tj), median(tc));
    println!("| form | size | load (median) |");
    println!("|---|---|---|");
    println!("| JSON | {} B | {} |", json.len(), micros(tj));
    println!("| CBOR | {} B | {} |", cbor.len(), micros(tc));
    println!(
        "| CBOR ÷ JSON | {:.2} | {:.2} |",
        cbor.len() as f64 / json.len() as f64,
        ratio(tc, tj)
    );

    big_file(&o);
}

fn big_file(o: &Options) {
    let dir = repo().join("target/bench-tmp");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("artifact-{}MiB", o.big_mib));
    if std::fs::metadata(&path).map(|m| m.len()).ok() != Some((o.big_mib as u64) << 20) {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut block = vec![0u8; 1 << 20];
        for _ in 0..o.big_mib {
            for chunk in block.chunks_exact_mut(8) {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                chunk.copy_from_slice(&x.to_le_bytes());
            }
            f.write_all(&block).unwrap();
        }
        f.flush().unwrap();
    }
    // Warm the page cache so both sides read from memory.
    let _ = Command::new("cat")
        .arg(&path)
        .stdout(std::process::Stdio::null())
        .status();

    println!(
        "\n### Streaming SHA-256 of a {} MiB file vs `sha256sum` (median of 3)\n",
        o.big_mib
    );
    let mut ours = Vec::new();
    let mut theirs = Vec::new();
    for _ in 0..3 {
        let t = Instant::now();
        let mut f = std::fs::File::open(&path).unwrap();
        let mut h = Hasher::new(HashAlgorithm::Sha256);
        let mut buf = vec![0u8; 256 * 1024];
        loop {
            let n = f.read(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            h.update(&buf[..n]);
        }
        let hex = edgeverify_core::hex_encode(h.finish().as_bytes());
        ours.push(t.elapsed());
        let t = Instant::now();
        let out = Command::new("sha256sum").arg(&path).output().unwrap();
        theirs.push(t.elapsed());
        assert!(String::from_utf8_lossy(&out.stdout).starts_with(&hex));
    }
    let (ours, theirs) = (median(ours), median(theirs));
    let mib_s = |d: Duration| o.big_mib as f64 / d.as_secs_f64();
    println!("| | time | throughput |");
    println!("|---|---|---|");
    println!(
        "| edgeverify-core `Hasher` (256 KiB reads) | {:.0} ms | {:.0} MiB/s |",
        ours.as_secs_f64() * 1e3,
        mib_s(ours)
    );
    println!(
        "| `sha256sum` (process) | {:.0} ms | {:.0} MiB/s |",
        theirs.as_secs_f64() * 1e3,
        mib_s(theirs)
    );
    println!(
        "| ratio (ours ÷ sha256sum) | {:.2} | |",
        ratio(ours, theirs)
    );

    println!("\n### Peak RSS (`/usr/bin/time -v`)\n");
    if !o.edgeverify.exists() {
        println!("(skipped: {} not built)", o.edgeverify.display());
        return;
    }
    let bundle =
        repo().join("core/tests/data/sigstore-conformance/happy-path-v0.3/bundle.sigstore.json");
    let small = repo().join("core/tests/data/sigstore-conformance/a.txt");
    let verify_cmd = |artifact: &Path| -> Vec<String> {
        vec![
            o.edgeverify.display().to_string(),
            "verify-bundle".into(),
            "--bundle".into(),
            bundle.display().to_string(),
            "--certificate-identity".into(),
            IDENTITY.into(),
            "--certificate-oidc-issuer".into(),
            ISSUER.into(),
            artifact.display().to_string(),
        ]
    };
    let big = verify_cmd(&path);
    let (rss_big, code_big) = peak_rss(&big);
    let (rss_small, code_small) = peak_rss(&verify_cmd(&small));
    let (rss_sum, _) = peak_rss(&["sha256sum".to_string(), path.display().to_string()]);
    println!("| command | exit | peak RSS |");
    println!("|---|---|---|");
    println!("| `edgeverify verify-bundle` on the conformance artifact (verifies) | {code_small} | {rss_small} KiB |");
    println!("| `edgeverify verify-bundle` on the {} MiB file (streams it all, then the digest does not match) | {code_big} | {rss_big} KiB |", o.big_mib);
    println!(
        "| `sha256sum` on the {} MiB file | 0 | {rss_sum} KiB |",
        o.big_mib
    );
    println!(
        "| ratio ({} MiB: edgeverify ÷ sha256sum) | | {:.2} |",
        o.big_mib,
        rss_big as f64 / rss_sum as f64
    );
}

/// Runs `cmd` under `/usr/bin/time -v`; returns (maximum resident set size in KiB, exit code).
fn peak_rss(cmd: &[String]) -> (u64, i32) {
    let out = Command::new("/usr/bin/time")
        .arg("-v")
        .args(cmd)
        .output()
        .expect("/usr/bin/time (Debian package `time`)");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let kib = stderr
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("Maximum resident set size (kbytes): ")
        })
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    let code = stderr
        .lines()
        .find_map(|l| l.trim().strip_prefix("Exit status: "))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(-1);
    (kib, code)
}
