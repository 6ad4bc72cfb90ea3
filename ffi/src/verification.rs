//! Verifying a bundle (`ev_verify_*`) and reading the verified facts (`ev_verification`).

use core::ffi::{c_char, CStr};
use std::fs::File;
use std::io::{BufReader, Read as _};
use std::path::PathBuf;
use std::vec::Vec;

use edgeverify_core::{
    artifact_hash_algorithms, limits, verify, Artifact, Bundle, Digest, HashAlgorithm, Hasher,
    VerifiedBundle,
};

use crate::error::{ev_result, Failure};
use crate::ffi::{
    box_free, box_into_raw, try_bytes, try_bytes_or_empty, try_cstr, try_ref, write_c_string,
    Castable, Out, OutBuf, OwnedByBox,
};
use crate::panic::result_boundary;
use crate::policy::ev_policy;
use crate::trust_root::ev_trust_root;

/// Capacity that always suffices for `ev_verification_verified_times`: one time per verified
/// transparency-log entry (at most 32) plus one per RFC 3161 timestamp (at most 32).
pub const EV_MAX_VERIFIED_TIMES: usize = 64;

const _: () = assert!(EV_MAX_VERIFIED_TIMES == limits::MAX_TLOG_ENTRIES + limits::MAX_TIMESTAMPS);

/// `ev_verify_bundle_artifact_digest`, `ev_verification_matched_digest`: SHA-256 (32 bytes).
pub const EV_HASH_SHA256: u32 = 1;
/// `ev_verify_bundle_artifact_digest`, `ev_verification_matched_digest`: SHA-384 (48 bytes).
pub const EV_HASH_SHA384: u32 = 2;
/// `ev_verify_bundle_artifact_digest`, `ev_verification_matched_digest`: SHA-512 (64 bytes).
pub const EV_HASH_SHA512: u32 = 3;

/// Capacity that always suffices for `ev_verification_matched_digest`: a SHA-512 digest.
pub const EV_MAX_DIGEST_LEN: usize = 64;

fn hash_algorithm(code: u32) -> Option<HashAlgorithm> {
    match code {
        EV_HASH_SHA256 => Some(HashAlgorithm::Sha256),
        EV_HASH_SHA384 => Some(HashAlgorithm::Sha384),
        EV_HASH_SHA512 => Some(HashAlgorithm::Sha512),
        _ => None,
    }
}

fn hash_code(algorithm: HashAlgorithm) -> Result<u32, Failure> {
    match algorithm {
        HashAlgorithm::Sha256 => Ok(EV_HASH_SHA256),
        HashAlgorithm::Sha384 => Ok(EV_HASH_SHA384),
        HashAlgorithm::Sha512 => Ok(EV_HASH_SHA512),
        // The core's list may grow before this API names the new algorithm.
        _ => Err(Failure::new(
            ev_result::NotRepresentable,
            "the matched digest's algorithm has no EV_HASH_* code",
        )),
    }
}

const _: () = assert!(EV_MAX_DIGEST_LEN == HashAlgorithm::Sha512.output_len());

/// Read buffer for streaming an artifact from disk.
const READ_BUFFER_BYTES: usize = 64 * 1024;

/// The outcome of a successful verification: every check passed, and these are the facts the
/// evidence established (signer identity and issuer, log entry, verified times, artifact
/// digest, verified statement or provenance).
///
/// Made only by a successful `ev_verify_*` call, read through the `ev_verification_*`
/// accessors, released with `ev_verification_free`. Immutable and independent of the trust
/// root, policy and input buffers it was made from; may be read from several threads at once.
pub struct ev_verification {
    inner: VerifiedBundle,
}

impl Castable for ev_verification {
    type Ownership = OwnedByBox;
}

/// The checked arguments every `ev_verify_*` function shares.
pub(crate) struct Call<'a> {
    pub(crate) root: &'a ev_trust_root,
    pub(crate) policy: &'a ev_policy,
    out: Out<'a, *mut ev_verification>,
}

impl<'a> Call<'a> {
    /// # Safety
    /// As for the `ev_verify_*` functions.
    pub(crate) unsafe fn new(
        root: *const ev_trust_root,
        policy: *const ev_policy,
        verification_out: *mut *mut ev_verification,
    ) -> Result<Self, Failure> {
        Ok(Self {
            // SAFETY: caller's contract on `root`.
            root: unsafe { try_ref(root, "root") }?,
            // SAFETY: caller's contract on `policy`.
            policy: unsafe { try_ref(policy, "policy") }?,
            // SAFETY: caller's contract on `verification_out`.
            out: unsafe { Out::new(verification_out, "verification_out") }?,
        })
    }

    fn run(self, bundle: &Bundle, artifact: Artifact<'_>) -> Result<(), Failure> {
        self.check_root()?;
        let inner = verify(&self.root.inner, bundle, artifact, &self.policy.inner)
            .map_err(|e| Failure::core(&e))?;
        self.finish(inner);
        Ok(())
    }

    /// A root that can never verify under this policy is a configuration error, not a denial
    /// of this evidence.
    pub(crate) fn check_root(&self) -> Result<(), Failure> {
        self.root
            .inner
            .check_usable_for(&self.policy.inner)
            .map_err(|e| Failure::core(&e))
    }

    /// Hands the verified facts to the caller.
    pub(crate) fn finish(self, inner: VerifiedBundle) {
        self.out.write(box_into_raw(ev_verification { inner }));
    }
}

fn parse_bundle(json: &[u8]) -> Result<Bundle, Failure> {
    Bundle::from_json(json).map_err(|e| Failure::core(&e))
}

/// Verifies a Sigstore bundle (JSON, v0.1–v0.3) for an artifact held in memory, against a trust
/// root and a policy. Offline: no network, no clock (times come only from signed evidence).
///
/// Checks the transparency-log evidence, verified times, the certificate chain at those times
/// and its SCT, the signature (message or DSSE/in-toto subject) and finally the policy. `bundle`
/// (`bundle_len` bytes, at most 4 MiB) and `artifact` (`artifact_len` bytes; NULL is allowed
/// when `artifact_len` is 0) are read during the call only, never retained.
///
/// Returns `EV_RESULT_OK` and stores a new verification in `*verification_out` (release it with
/// `ev_verification_free`) only if everything passed. Otherwise `*verification_out` is
/// untouched and the code says why: `ev_result_is_denial` tells a rejected artifact from a
/// broken call, `ev_last_error_detail` gives the specifics. `root` and `policy` are only read,
/// so they may be shared by concurrent calls on other threads.
///
/// # Safety
/// `root` and `policy` are NULL or live handles from this library; `bundle` is NULL or readable
/// for `bundle_len` bytes; `artifact` is NULL or readable for `artifact_len` bytes;
/// `verification_out` is NULL or points to writable storage for one pointer. None of the
/// buffers is written by another thread during the call.
#[no_mangle]
pub unsafe extern "C" fn ev_verify_bundle(
    root: *const ev_trust_root,
    policy: *const ev_policy,
    bundle: *const u8,
    bundle_len: usize,
    artifact: *const u8,
    artifact_len: usize,
    verification_out: *mut *mut ev_verification,
) -> u32 {
    result_boundary(|| {
        // SAFETY: caller's contract on the handles and the output.
        let call = unsafe { Call::new(root, policy, verification_out) }?;
        // SAFETY: caller's contract on `bundle`.
        let bundle = unsafe { try_bytes(bundle, bundle_len, "bundle") }?;
        // SAFETY: caller's contract on `artifact`.
        let artifact = unsafe { try_bytes_or_empty(artifact, artifact_len, "artifact") }?;
        let bundle = parse_bundle(bundle)?;
        call.run(&bundle, Artifact::Bytes(artifact))
    })
}

/// Like `ev_verify_bundle`, for an artifact known only by its SHA-256 digest (the 32 bytes at
/// `sha256_digest`, read during the call).
///
/// A digest is enough for DSSE/in-toto bundles with a SHA-256 subject and for message
/// signatures made with an ECDSA key over SHA-256 (all Sigstore keyless signatures); other
/// bundles fail with `EV_RESULT_BUNDLE_UNSUITABLE` or a signature error. Everything else,
/// including ownership and thread safety, is as for `ev_verify_bundle`.
///
/// # Safety
/// As for `ev_verify_bundle`; `sha256_digest` is NULL or readable for 32 bytes.
#[no_mangle]
pub unsafe extern "C" fn ev_verify_bundle_digest(
    root: *const ev_trust_root,
    policy: *const ev_policy,
    bundle: *const u8,
    bundle_len: usize,
    sha256_digest: *const u8,
    verification_out: *mut *mut ev_verification,
) -> u32 {
    // SAFETY: this function's contract is that one's, with 32 bytes of SHA-256 at `digest`.
    unsafe {
        ev_verify_bundle_artifact_digest(
            root,
            policy,
            bundle,
            bundle_len,
            EV_HASH_SHA256,
            sha256_digest,
            HashAlgorithm::Sha256.output_len(),
            verification_out,
        )
    }
}

/// Like `ev_verify_bundle_digest`, for an artifact known by its digest in any supported
/// algorithm: `algorithm` is `EV_HASH_SHA256`, `EV_HASH_SHA384` or `EV_HASH_SHA512`, and
/// `digest` holds exactly `digest_len` = 32, 48 or 64 bytes (read during the call).
///
/// The bundle must name the artifact in that algorithm: an in-toto subject digest (npm
/// provenance names packages by SHA-512 only), or the digest a message signature covers (the
/// signing key's hash). Otherwise the call is a denial (`EV_RESULT_BUNDLE_UNSUITABLE`) whose
/// detail names the algorithm needed. An unknown `algorithm`, or a `digest_len` that does not
/// fit it, is `EV_RESULT_INVALID_PARAMETER`. Everything else is as for `ev_verify_bundle`.
///
/// # Safety
/// As for `ev_verify_bundle`; `digest` is NULL or readable for `digest_len` bytes.
#[no_mangle]
pub unsafe extern "C" fn ev_verify_bundle_artifact_digest(
    root: *const ev_trust_root,
    policy: *const ev_policy,
    bundle: *const u8,
    bundle_len: usize,
    algorithm: u32,
    digest: *const u8,
    digest_len: usize,
    verification_out: *mut *mut ev_verification,
) -> u32 {
    result_boundary(|| {
        // SAFETY: caller's contract on the handles and the output.
        let call = unsafe { Call::new(root, policy, verification_out) }?;
        // SAFETY: caller's contract on `bundle`.
        let bundle = unsafe { try_bytes(bundle, bundle_len, "bundle") }?;
        // SAFETY: caller's contract on `digest`.
        let digest = unsafe { artifact_digest(algorithm, digest, digest_len) }?;
        let bundle = parse_bundle(bundle)?;
        call.run(&bundle, Artifact::Digests(&[digest]))
    })
}

/// An artifact digest given as an `EV_HASH_*` code and `digest_len` bytes at `digest`.
///
/// # Safety
/// `digest` is NULL or readable for `digest_len` bytes.
unsafe fn artifact_digest(
    algorithm: u32,
    digest: *const u8,
    digest_len: usize,
) -> Result<Digest, Failure> {
    let alg = hash_algorithm(algorithm).ok_or_else(|| {
        Failure::new(
            ev_result::InvalidParameter,
            std::format!(
                "algorithm is {algorithm}: not EV_HASH_SHA256, EV_HASH_SHA384 or EV_HASH_SHA512"
            ),
        )
    })?;
    // SAFETY: caller's contract on `digest`.
    let value = unsafe { try_bytes(digest, digest_len, "digest") }?;
    Digest::new(alg, value).ok_or_else(|| {
        Failure::new(
            ev_result::InvalidParameter,
            std::format!(
                "a {} digest is {} bytes, digest_len is {digest_len}",
                alg.rekor_name(),
                alg.output_len()
            ),
        )
    })
}

/// The bundle of `verification`, verified for another artifact known by its digest: for a
/// release, one provenance and many binaries (`keadm`, `edgecore`, …). Only the steps that
/// depend on the artifact run again — the in-toto subject match (and, under an SLSA policy, the
/// provenance checks) for a DSSE bundle; for a message signature, which covers one digest,
/// equality with it — so each further artifact costs its hash and microseconds. The verdict is
/// the one `ev_verify_bundle_artifact_digest` would give with the same bundle, root, policy and
/// digest (denials and their codes included).
///
/// `algorithm` and `digest`/`digest_len` are as for `ev_verify_bundle_artifact_digest`.
/// Returns `EV_RESULT_OK` and stores a new verification in `*verification_out` (release it with
/// `ev_verification_free`; `verification` stays valid and unchanged) only if the artifact is
/// covered; otherwise a denial or parameter code, `*verification_out` untouched. Thread-safe.
///
/// # Safety
/// `verification` is NULL or a live verification; `digest` is NULL or readable for
/// `digest_len` bytes; `verification_out` is NULL or points to writable storage for one pointer.
#[no_mangle]
pub unsafe extern "C" fn ev_verification_for_artifact_digest(
    verification: *const ev_verification,
    algorithm: u32,
    digest: *const u8,
    digest_len: usize,
    verification_out: *mut *mut ev_verification,
) -> u32 {
    result_boundary(|| {
        // SAFETY: caller's contract on `verification`.
        let v = unsafe { self::verification(verification) }?;
        // SAFETY: caller's contract on `verification_out`.
        let out = unsafe { Out::new(verification_out, "verification_out") }?;
        // SAFETY: caller's contract on `digest`.
        let digest = unsafe { artifact_digest(algorithm, digest, digest_len) }?;
        let inner = v
            .for_another_artifact(&[digest])
            .map_err(|e| Failure::core(&e))?;
        out.write(box_into_raw(ev_verification { inner }));
        Ok(())
    })
}

/// Verifies the artifact at the file path `artifact_path` with the bundle at the file path
/// `bundle_path` (for example a release binary and its `.intoto.jsonl` / `.sigstore.json`).
///
/// The artifact is streamed from disk once, until end of file (never held in memory), and
/// hashed with every algorithm the bundle names it by: SHA-256, plus a message signature's
/// digest and log-entry algorithm and its key's hash, or every in-toto subject algorithm. So
/// the limits of `ev_verify_bundle_artifact_digest` apply (RSA and Ed25519 message signatures
/// need `ev_verify_bundle`). The bundle file is read whole, at most 4 MiB (larger:
/// `EV_RESULT_LIMIT_EXCEEDED`). Paths are NUL-terminated; on Unix any bytes, elsewhere UTF-8.
/// A file that cannot be opened or read gives `EV_RESULT_IO` (not a denial).
///
/// The verdict covers the bytes read during the call: if the file may change afterwards (before
/// it is executed, say), verify a copy that only the caller can write. Results, ownership and
/// thread safety are as for `ev_verify_bundle`.
///
/// # Safety
/// As for `ev_verify_bundle`; `artifact_path` and `bundle_path` are NULL or NUL-terminated
/// strings.
#[no_mangle]
pub unsafe extern "C" fn ev_verify_file(
    root: *const ev_trust_root,
    policy: *const ev_policy,
    artifact_path: *const c_char,
    bundle_path: *const c_char,
    verification_out: *mut *mut ev_verification,
) -> u32 {
    result_boundary(|| {
        // SAFETY: caller's contract on the handles and the output.
        let call = unsafe { Call::new(root, policy, verification_out) }?;
        // SAFETY: caller's contract on the paths.
        let artifact_path = path(unsafe { try_cstr(artifact_path, "artifact_path") }?)?;
        // SAFETY: caller's contract on the paths.
        let bundle_path = path(unsafe { try_cstr(bundle_path, "bundle_path") }?)?;

        let bundle = parse_bundle(&read_bundle_file(&bundle_path)?)?;
        let algorithms = artifact_hash_algorithms(&bundle, &call.policy.inner);
        let digests = hash_file(&artifact_path, &algorithms)?;
        call.run(&bundle, Artifact::Digests(&digests))
    })
}

#[cfg(unix)]
pub(crate) fn path(cstr: &CStr) -> Result<PathBuf, Failure> {
    use std::os::unix::ffi::OsStrExt as _;
    Ok(PathBuf::from(std::ffi::OsStr::from_bytes(cstr.to_bytes())))
}

#[cfg(not(unix))]
pub(crate) fn path(cstr: &CStr) -> Result<PathBuf, Failure> {
    cstr.to_str()
        .map(PathBuf::from)
        .map_err(|_| Failure::new(ev_result::InvalidParameter, "path is not valid UTF-8"))
}

fn io_failure(what: &str, path: &std::path::Path, err: &std::io::Error) -> Failure {
    Failure::new(
        ev_result::Io,
        std::format!("cannot read {what} {}: {err}", path.display()),
    )
}

/// Opens `path` only if it is a regular file: reading a FIFO would block until a writer comes
/// and a device such as `/dev/zero` never ends. Checked before the open (so a FIFO is never
/// opened) and again on the open file (a path swapped in between is still refused; a FIFO
/// swapped in exactly then can only block this call, as any `open` of a hostile path can).
fn open_regular(what: &str, path: &std::path::Path) -> Result<File, Failure> {
    let not_regular = || {
        Failure::new(
            ev_result::Io,
            std::format!(
                "cannot read {what} {}: not a regular file (a FIFO, device, socket or \
                 directory)",
                path.display()
            ),
        )
    };
    let before = std::fs::metadata(path).map_err(|e| io_failure(what, path, &e))?;
    if !before.is_file() {
        return Err(not_regular());
    }
    let file = File::open(path).map_err(|e| io_failure(what, path, &e))?;
    match file.metadata() {
        Ok(m) if m.is_file() => Ok(file),
        Ok(_) => Err(not_regular()),
        Err(e) => Err(io_failure(what, path, &e)),
    }
}

/// Reads the bundle file, refusing to read more than [`limits::MAX_BUNDLE_BYTES`].
fn read_bundle_file(path: &std::path::Path) -> Result<Vec<u8>, Failure> {
    let file = open_regular("bundle", path)?;
    let mut json = Vec::new();
    // One byte past the limit tells "too large" from "exactly at the limit".
    let cap = u64::try_from(limits::MAX_BUNDLE_BYTES)
        .unwrap_or(u64::MAX)
        .saturating_add(1);
    file.take(cap)
        .read_to_end(&mut json)
        .map_err(|e| io_failure("bundle", path, &e))?;
    if json.len() > limits::MAX_BUNDLE_BYTES {
        return Err(Failure::new(
            ev_result::LimitExceeded,
            std::format!(
                "bundle failed: bundle file {} exceeds the limit of {} bytes",
                path.display(),
                limits::MAX_BUNDLE_BYTES
            ),
        ));
    }
    Ok(json)
}

/// Streams the file through one hasher per algorithm.
fn hash_file(path: &std::path::Path, algorithms: &[HashAlgorithm]) -> Result<Vec<Digest>, Failure> {
    let file = open_regular("artifact", path)?;
    let mut reader = BufReader::with_capacity(READ_BUFFER_BYTES, file);
    let mut hashers: Vec<Hasher> = algorithms.iter().map(|a| Hasher::new(*a)).collect();
    loop {
        let chunk = match std::io::BufRead::fill_buf(&mut reader) {
            Ok([]) => break,
            Ok(chunk) => chunk,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(io_failure("artifact", path, &e)),
        };
        for h in &mut hashers {
            h.update(chunk);
        }
        let n = chunk.len();
        std::io::BufRead::consume(&mut reader, n);
    }
    Ok(hashers.into_iter().map(Hasher::finish).collect())
}

/// Borrows the verification behind `ptr`.
///
/// # Safety
/// `ptr` is NULL or a live verification.
unsafe fn verification<'a>(ptr: *const ev_verification) -> Result<&'a VerifiedBundle, Failure> {
    // SAFETY: forwarded contract.
    unsafe { try_ref(ptr, "verification") }.map(|v| &v.inner)
}

fn not_present(what: &str) -> Failure {
    Failure::new(
        ev_result::NotPresent,
        std::format!("the verification has no {what}"),
    )
}

/// Copies the signer identity (the certificate's URI or e-mail subject alternative name, for
/// example a GitHub workflow URL with its ref) into `buf` as a NUL-terminated string and stores
/// its length (without the NUL) in `*out_n`.
///
/// Returns `EV_RESULT_OK`; `EV_RESULT_NOT_PRESENT` for bundles signed with a self-managed key;
/// `EV_RESULT_INSUFFICIENT_SIZE` if `len` cannot hold the string and its NUL (nothing written:
/// retry with a larger buffer); `EV_RESULT_NULL_PARAMETER`. Thread-safe.
///
/// # Safety
/// `verification` is NULL or a live verification; `buf` is NULL or writable for `len` bytes;
/// `out_n` is NULL or points to a writable `size_t`.
#[no_mangle]
pub unsafe extern "C" fn ev_verification_identity(
    verification: *const ev_verification,
    buf: *mut c_char,
    len: usize,
    out_n: *mut usize,
) -> u32 {
    result_boundary(|| {
        // SAFETY: caller's contract.
        let v = unsafe { self::verification(verification) }?;
        let identity = v.identity().ok_or_else(|| not_present("signer identity"))?;
        // SAFETY: caller's contract on `buf`, `len` and `out_n`.
        unsafe { write_c_string(identity, buf, len, out_n) }
    })
}

/// Copies the OIDC issuer from the signing certificate (for example
/// `https://token.actions.githubusercontent.com`) into `buf`. Results and arguments as for
/// `ev_verification_identity`.
///
/// # Safety
/// As for `ev_verification_identity`.
#[no_mangle]
pub unsafe extern "C" fn ev_verification_issuer(
    verification: *const ev_verification,
    buf: *mut c_char,
    len: usize,
    out_n: *mut usize,
) -> u32 {
    result_boundary(|| {
        // SAFETY: caller's contract.
        let v = unsafe { self::verification(verification) }?;
        let issuer = v.issuer().ok_or_else(|| not_present("OIDC issuer"))?;
        // SAFETY: caller's contract on `buf`, `len` and `out_n`.
        unsafe { write_c_string(issuer, buf, len, out_n) }
    })
}

/// Stores in `*time_out` the earliest time (Unix seconds) at which a transparency log
/// integrated the entry, as vouched for by a verified signed entry timestamp.
///
/// Returns `EV_RESULT_OK`; `EV_RESULT_NOT_PRESENT` when no entry carries one (Rekor v2 bundles
/// get their time from RFC 3161 timestamps: see `ev_verification_verified_times`);
/// `EV_RESULT_NULL_PARAMETER`. Thread-safe.
///
/// # Safety
/// `verification` is NULL or a live verification; `time_out` is NULL or points to a writable
/// `uint64_t`.
#[no_mangle]
pub unsafe extern "C" fn ev_verification_integrated_time(
    verification: *const ev_verification,
    time_out: *mut u64,
) -> u32 {
    result_boundary(|| {
        // SAFETY: caller's contract.
        let v = unsafe { self::verification(verification) }?;
        // SAFETY: caller's contract on `time_out`.
        let out = unsafe { Out::new(time_out, "time_out") }?;
        let t = v
            .integrated_time()
            .ok_or_else(|| not_present("integrated time"))?;
        out.write(t.as_secs());
        Ok(())
    })
}

/// Copies every verified time (Unix seconds, ascending: SET-backed integrated times and RFC 3161
/// timestamps) into `times`, which holds `len` values, and stores how many in `*out_n` (at least
/// one). The signing certificate was valid at each of them.
///
/// A buffer of `EV_MAX_VERIFIED_TIMES` always suffices. Returns `EV_RESULT_OK`;
/// `EV_RESULT_INSUFFICIENT_SIZE` (nothing written); `EV_RESULT_NULL_PARAMETER`. Thread-safe.
///
/// # Safety
/// `verification` is NULL or a live verification; `times` is NULL or writable for `len`
/// values; `out_n` is NULL or points to a writable `size_t`.
#[no_mangle]
pub unsafe extern "C" fn ev_verification_verified_times(
    verification: *const ev_verification,
    times: *mut u64,
    len: usize,
    out_n: *mut usize,
) -> u32 {
    result_boundary(|| {
        // SAFETY: caller's contract.
        let v = unsafe { self::verification(verification) }?;
        // SAFETY: caller's contract on `times`, `len` and `out_n`.
        let out = unsafe { OutBuf::new(times, len, out_n) }?;
        let secs: Vec<u64> = v.verified_times().iter().map(|t| t.as_secs()).collect();
        out.write(&secs, None)
    })
}

/// Stores in `*index_out` the log index of the first verified transparency-log entry (bundles
/// normally carry exactly one).
///
/// Returns `EV_RESULT_OK`, `EV_RESULT_NOT_PRESENT` (no entry) or `EV_RESULT_NULL_PARAMETER`.
/// Thread-safe.
///
/// # Safety
/// `verification` is NULL or a live verification; `index_out` is NULL or points to a writable
/// `uint64_t`.
#[no_mangle]
pub unsafe extern "C" fn ev_verification_log_index(
    verification: *const ev_verification,
    index_out: *mut u64,
) -> u32 {
    result_boundary(|| {
        // SAFETY: caller's contract.
        let v = unsafe { self::verification(verification) }?;
        // SAFETY: caller's contract on `index_out`.
        let out = unsafe { Out::new(index_out, "index_out") }?;
        let entry = v
            .log_entries()
            .first()
            .ok_or_else(|| not_present("transparency-log entry"))?;
        out.write(entry.log_index);
        Ok(())
    })
}

/// Copies the artifact's SHA-256 (given, or computed while verifying) into the 32 bytes at
/// `sha256_out`, for example to cache the verdict by content.
///
/// Returns `EV_RESULT_OK`, `EV_RESULT_NOT_PRESENT` or `EV_RESULT_NULL_PARAMETER`. Thread-safe.
///
/// # Safety
/// `verification` is NULL or a live verification; `sha256_out` is NULL or writable for 32 bytes.
#[no_mangle]
pub unsafe extern "C" fn ev_verification_artifact_sha256(
    verification: *const ev_verification,
    sha256_out: *mut u8,
) -> u32 {
    result_boundary(|| {
        // SAFETY: caller's contract.
        let v = unsafe { self::verification(verification) }?;
        // SAFETY: caller's contract: 32 writable bytes; `[u8; 32]` has alignment 1.
        let out = unsafe { Out::new(sha256_out.cast::<[u8; 32]>(), "sha256_out") }?;
        let digest = v
            .artifact_sha256()
            .ok_or_else(|| not_present("artifact SHA-256"))?;
        let bytes =
            <[u8; 32]>::try_from(digest.as_bytes()).map_err(|_| not_present("artifact SHA-256"))?;
        out.write(bytes);
        Ok(())
    })
}

/// Copies the artifact digest the evidence was matched on into `digest` (which holds `len`
/// bytes; `EV_MAX_DIGEST_LEN` always suffices), stores its length in `*out_n` and its
/// algorithm (`EV_HASH_SHA256`, `EV_HASH_SHA384` or `EV_HASH_SHA512`) in `*algorithm_out`.
/// That is the digest a message signature covers, or the in-toto subject digest equal to the
/// artifact's (the strongest algorithm the two share): for an npm package, its SHA-512.
///
/// Returns `EV_RESULT_OK`; `EV_RESULT_INSUFFICIENT_SIZE` (nothing written);
/// `EV_RESULT_NULL_PARAMETER`. Thread-safe.
///
/// # Safety
/// `verification` is NULL or a live verification; `algorithm_out` is NULL or points to a
/// writable `uint32_t`; `digest` is NULL or writable for `len` bytes; `out_n` is NULL or points
/// to a writable `size_t`.
#[no_mangle]
pub unsafe extern "C" fn ev_verification_matched_digest(
    verification: *const ev_verification,
    algorithm_out: *mut u32,
    digest: *mut u8,
    len: usize,
    out_n: *mut usize,
) -> u32 {
    result_boundary(|| {
        // SAFETY: caller's contract.
        let v = unsafe { self::verification(verification) }?;
        // SAFETY: caller's contract on `algorithm_out`.
        let algorithm = unsafe { Out::new(algorithm_out, "algorithm_out") }?;
        // SAFETY: caller's contract on `digest`, `len` and `out_n`.
        let out = unsafe { OutBuf::new(digest, len, out_n) }?;
        let matched = v.matched_digest();
        let code = hash_code(matched.algorithm())?;
        // The bytes first: if they do not fit, nothing at all is written.
        out.write(matched.as_bytes(), None)?;
        algorithm.write(code);
        Ok(())
    })
}

/// Borrows `bytes` for C: stores its address and length.
fn lend(bytes: &[u8], data_out: Out<'_, *const u8>, len_out: Out<'_, usize>) {
    data_out.write(bytes.as_ptr());
    len_out.write(bytes.len());
}

/// For DSSE bundles: points `*statement_out` at the verified in-toto statement (JSON, the
/// envelope's payload whose signature verified) and stores its length in `*len_out`.
///
/// The bytes belong to the verification: they stay valid and unchanged until
/// `ev_verification_free`, and must not be freed or written. They are not NUL-terminated.
/// With a SLSA policy, `ev_verification_provenance` returns the statement that the policy
/// checked. Returns `EV_RESULT_OK`; `EV_RESULT_NOT_PRESENT` for message-signature bundles;
/// `EV_RESULT_NULL_PARAMETER`. Thread-safe.
///
/// # Safety
/// `verification` is NULL or a live verification; `statement_out` and `len_out` are NULL or
/// point to writable storage.
#[no_mangle]
pub unsafe extern "C" fn ev_verification_statement(
    verification: *const ev_verification,
    statement_out: *mut *const u8,
    len_out: *mut usize,
) -> u32 {
    result_boundary(|| {
        // SAFETY: caller's contract.
        let v = unsafe { self::verification(verification) }?;
        // SAFETY: caller's contract on `statement_out`.
        let data_out = unsafe { Out::new(statement_out, "statement_out") }?;
        // SAFETY: caller's contract on `len_out`.
        let len_out = unsafe { Out::new(len_out, "len_out") }?;
        let (_, payload) = v.payload().ok_or_else(|| not_present("DSSE statement"))?;
        lend(payload, data_out, len_out);
        Ok(())
    })
}

/// For verifications made with a SLSA policy (`ev_policy_new_slsa`): points `*provenance_out`
/// at the verified provenance (the in-toto statement JSON that satisfied the policy) and stores
/// its length in `*len_out`.
///
/// The bytes belong to the verification: valid until `ev_verification_free`, not
/// NUL-terminated, never to be freed or written. Returns `EV_RESULT_OK`;
/// `EV_RESULT_NOT_PRESENT` when the policy was not SLSA; `EV_RESULT_NULL_PARAMETER`. Thread-safe.
///
/// # Safety
/// `verification` is NULL or a live verification; `provenance_out` and `len_out` are NULL or
/// point to writable storage.
#[no_mangle]
pub unsafe extern "C" fn ev_verification_provenance(
    verification: *const ev_verification,
    provenance_out: *mut *const u8,
    len_out: *mut usize,
) -> u32 {
    result_boundary(|| {
        // SAFETY: caller's contract.
        let v = unsafe { self::verification(verification) }?;
        // SAFETY: caller's contract on `provenance_out`.
        let data_out = unsafe { Out::new(provenance_out, "provenance_out") }?;
        // SAFETY: caller's contract on `len_out`.
        let len_out = unsafe { Out::new(len_out, "len_out") }?;
        let provenance = v
            .provenance()
            .ok_or_else(|| not_present("verified provenance"))?;
        lend(provenance.statement(), data_out, len_out);
        Ok(())
    })
}

/// Releases a verification (and the bytes lent by its accessors). NULL is ignored.
///
/// # Safety
/// `verification` is NULL or a verification from an `ev_verify_*` function that has not been
/// released; no other thread is using it.
#[no_mangle]
pub unsafe extern "C" fn ev_verification_free(verification: *mut ev_verification) {
    crate::panic::value_boundary((), || {
        // SAFETY: caller's contract.
        unsafe { box_free(verification) }
    })
}
