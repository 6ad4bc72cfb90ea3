//! Verifying a container image from an OCI image layout directory (`ev_verify_image_layout`).

use core::ffi::c_char;
use std::fs::{self, OpenOptions};
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::string::{String, ToString};
use std::vec::Vec;

use edgeverify_core::oci::{parse_digest, BlobSource, LayoutFile, SourceError};
use edgeverify_core::{verify_image, Digest, HashAlgorithm, ImageEvidence, Policy};

use crate::error::{ev_result, Failure};
use crate::ffi::{try_bytes, try_cstr, try_str};
use crate::panic::result_boundary;
use crate::policy::ev_policy;
use crate::trust_root::ev_trust_root;
use crate::verification::{ev_verification, path, Call};

/// Verifies the container image whose manifest (or index) SHA-256 digest is the 32 bytes at
/// `sha256_digest`, from the OCI image layout directory `layout_path` (as written by
/// `cosign save`, `skopeo copy … oci:DIR` or `oras`), offline.
///
/// The layout's cosign evidence for that digest is verified: the legacy `sha256-<hex>.sig` /
/// `.att` manifests (each layer with its certificate, Rekor SET and RFC 3161 annotations) and
/// cosign v3 OCI 1.1 referrers holding a Sigstore bundle. Each piece goes through the same checks
/// as `ev_verify_bundle`, with the image digest as the artifact; the image verifies when one
/// passes, and the verification describes that one.
///
/// - With an identity or public-key policy, `attestation_type` NULL checks the image's
///   signatures (`cosign verify`); otherwise its attestations of that predicate type (`cosign
///   verify-attestation --type`): a cosign name (`slsaprovenance`, `slsaprovenance1`, `spdx`,
///   `cyclonedx`, `link`, `vuln`, `openvex`, `custom`, …), a URI, or `any`.
/// - With an SLSA policy (`ev_policy_new_slsa*`) the image's provenance attestation is checked
///   with `slsa-verifier verify-image` semantics (only `generator_container_slsa3.yml` is
///   trusted without a builder ID; the provenance subject must be the image digest), and
///   `attestation_type` must be NULL.
///
/// An evidence store (a directory keyed by image digest, as `edgeverify containerd-verifier`
/// reads it) is a layout per image: pass `<store>/sha256-<64 hex>`.
///
/// Returns `EV_RESULT_OK` with a new verification in `*verification_out`. Denials: no signature
/// or attestation of that kind, or malformed evidence (`EV_RESULT_IMAGE_EVIDENCE_INVALID`), and
/// every code of `ev_verify_bundle`. Not a denial: `EV_RESULT_INVALID_PARAMETER` (no OCI layout
/// at the path, an unknown `attestation_type`), `EV_RESULT_IO` (a file of the layout cannot be
/// read). Files are read within the core's limits (a manifest at most 4 MiB) and only if they
/// are regular files. Ownership and thread safety are as for `ev_verify_bundle`.
///
/// # Safety
/// As for `ev_verify_bundle`; `layout_path` is NULL or a NUL-terminated string;
/// `sha256_digest` is NULL or readable for 32 bytes; `attestation_type` is NULL or a
/// NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn ev_verify_image_layout(
    root: *const ev_trust_root,
    policy: *const ev_policy,
    layout_path: *const c_char,
    sha256_digest: *const u8,
    attestation_type: *const c_char,
    verification_out: *mut *mut ev_verification,
) -> u32 {
    result_boundary(|| {
        // SAFETY: caller's contract on the handles and the output.
        let call = unsafe { Call::new(root, policy, verification_out) }?;
        // SAFETY: caller's contract on `layout_path`.
        let layout = path(unsafe { try_cstr(layout_path, "layout_path") }?)?;
        // SAFETY: caller's contract on `sha256_digest`.
        let digest = unsafe { try_bytes(sha256_digest, 32, "sha256_digest") }?;
        let image = Digest::new(HashAlgorithm::Sha256, digest).ok_or_else(|| {
            Failure::new(ev_result::InvalidParameter, "sha256_digest: not 32 bytes")
        })?;
        let type_name = if attestation_type.is_null() {
            None
        } else {
            // SAFETY: caller's contract on `attestation_type` (non-NULL here).
            Some(unsafe { try_str(attestation_type, "attestation_type") }?)
        };
        let evidence = ImageEvidence::from_type(type_name).ok_or_else(|| {
            Failure::new(
                ev_result::InvalidParameter,
                std::format!(
                    "attestation_type {:?} is neither a cosign predicate type name nor a URI",
                    type_name.unwrap_or_default()
                ),
            )
        })?;
        // An SLSA policy made for artifacts is used with verify-image's semantics here.
        let image_policy;
        let policy = match &call.policy.inner {
            Policy::Slsa(_) if type_name.is_some() => {
                return Err(Failure::new(
                    ev_result::InvalidParameter,
                    "attestation_type must be NULL with an SLSA policy (the provenance \
                     attestation is checked)",
                ))
            }
            Policy::Slsa(slsa) if !slsa.is_for_images() => {
                image_policy = Policy::Slsa(slsa.clone().for_images());
                &image_policy
            }
            other => other,
        };
        call.check_root()?;
        let mut source = LayoutDir {
            root: layout,
            io_error: None,
        };
        match verify_image(&call.root.inner, &mut source, &image, evidence, policy) {
            Ok(verified) => {
                call.finish(verified.verified().clone());
                Ok(())
            }
            Err(e) => Err(match source.io_error {
                // The core only learns that a file "could not be read"; say which and why.
                Some(io) if e.class() == edgeverify_core::ErrorClass::Undecided => {
                    Failure::new(ev_result::Io, std::format!("{e} ({io})"))
                }
                _ => Failure::core(&e),
            }),
        }
    })
}

/// An OCI image layout in a directory, read for the core.
struct LayoutDir {
    root: PathBuf,
    /// The last read failure other than "not found", for the error detail.
    io_error: Option<String>,
}

impl LayoutDir {
    fn failed(&mut self, path: &Path, e: &std::io::Error) -> SourceError {
        if e.kind() == std::io::ErrorKind::NotFound {
            return SourceError::NotFound;
        }
        self.io_error = Some(std::format!("cannot read {}: {e}", path.display()));
        SourceError::Unreadable
    }
}

/// `O_NONBLOCK`, so that a FIFO planted in a layout cannot block the caller: the file is
/// checked to be a regular file after it is opened and before it is read.
#[cfg(unix)]
fn open_for_reading(path: &Path) -> std::io::Result<fs::File> {
    use std::os::unix::fs::OpenOptionsExt as _;
    OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

#[cfg(not(unix))]
fn open_for_reading(path: &Path) -> std::io::Result<fs::File> {
    OpenOptions::new().read(true).open(path)
}

impl BlobSource for LayoutDir {
    fn read(&mut self, file: LayoutFile<'_>, limit: usize) -> Result<Vec<u8>, SourceError> {
        let path = self.root.join(file.path());
        let opened = open_for_reading(&path).and_then(|f| f.metadata().map(|m| (f, m)));
        let (handle, meta) = match opened {
            Ok(found) => found,
            Err(e) => return Err(self.failed(&path, &e)),
        };
        if !meta.is_file() {
            return Err(SourceError::NotFound);
        }
        let mut bytes = Vec::new();
        let cap = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
        if let Err(e) = handle.take(cap).read_to_end(&mut bytes) {
            return Err(self.failed(&path, &e));
        }
        if bytes.len() > limit {
            return Err(SourceError::TooLarge);
        }
        Ok(bytes)
    }

    fn list_blobs(&mut self, limit: usize) -> Result<Vec<(Digest, u64)>, SourceError> {
        let dir = self.root.join("blobs/sha256");
        let entries = match fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(self.failed(&dir, &e)),
        };
        let mut blobs = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| self.failed(&dir, &e))?;
            let name = entry.file_name().to_string_lossy().to_string();
            let Some(digest) = parse_digest(&std::format!("sha256:{name}")) else {
                continue;
            };
            let meta = entry
                .metadata()
                .map_err(|e| self.failed(&entry.path(), &e))?;
            if !meta.is_file() {
                continue;
            }
            if blobs.len() == limit {
                return Err(SourceError::TooLarge);
            }
            blobs.push((digest, meta.len()));
        }
        Ok(blobs)
    }
}
