//! `ev_policy`: what the caller expects of the signer.

use core::ffi::c_char;

use edgeverify_core::slsa::{SlsaError, SlsaPolicy};
use edgeverify_core::{AnchoredRegex, CertificateIdentity, Error, Matcher, Policy, PublicKey};

use crate::error::{ev_result, Failure};
use crate::ffi::{
    box_free, box_into_raw, try_bytes, try_opt_str, try_str, Castable, Out, OwnedByBox,
};
use crate::panic::result_boundary;

/// A verification policy: the signer identity, self-managed key, or SLSA provenance that a
/// bundle must satisfy.
///
/// Made by one of the `ev_policy_new_*` functions, released with `ev_policy_free`. Immutable:
/// one policy may be used by any number of threads at once, as long as it is freed only after
/// the last call using it has returned. Policies do not refer to any trust root.
pub struct ev_policy {
    pub(crate) inner: Policy,
}

impl Castable for ev_policy {
    type Ownership = OwnedByBox;
}

fn new_policy(inner: Policy, out: Out<'_, *mut ev_policy>) {
    out.write(box_into_raw(ev_policy { inner }));
}

fn slsa_failure(err: &SlsaError) -> Failure {
    Failure::new(
        ev_result::InvalidParameter,
        std::format!("invalid SLSA policy: {err}"),
    )
}

/// A policy for keyless (Fulcio certificate) signatures: the certificate's identity (its URI or
/// e-mail subject alternative name) and its OIDC issuer must both equal the given strings
/// exactly.
///
/// `identity` and `oidc_issuer` are NUL-terminated UTF-8 strings, copied during the call (never
/// retained). For GitHub Actions the identity is the workflow URL with its ref, for example
/// `https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@refs/tags/v2.1.0`,
/// and the issuer `https://token.actions.githubusercontent.com`.
///
/// On success stores a new policy in `*policy_out` (release it with `ev_policy_free`). Errors:
/// `EV_RESULT_NULL_PARAMETER`, `EV_RESULT_INVALID_PARAMETER` (empty, over 1024 bytes, or not
/// UTF-8); `*policy_out` is then untouched. Thread-safe.
///
/// # Safety
/// `identity` and `oidc_issuer` are NULL or NUL-terminated strings; `policy_out` is NULL or
/// points to writable storage for one pointer.
#[no_mangle]
pub unsafe extern "C" fn ev_policy_new_identity(
    identity: *const c_char,
    oidc_issuer: *const c_char,
    policy_out: *mut *mut ev_policy,
) -> u32 {
    // SAFETY: the caller's contract is this function's.
    unsafe {
        ev_policy_new_identity_matching(
            identity,
            EV_MATCH_EXACT,
            oidc_issuer,
            EV_MATCH_EXACT,
            policy_out,
        )
    }
}

/// `ev_policy_new_identity_matching`: the string must equal the certificate's value byte for
/// byte.
pub const EV_MATCH_EXACT: u32 = 0;

/// `ev_policy_new_identity_matching`: the string is a regular expression that must match the
/// certificate's whole value (it is anchored for you, on its parsed form: the expression must be
/// valid by itself, so an unbalanced `)` is refused rather than able to escape the anchors; the
/// syntax is Rust `regex` without Unicode classes, matched in linear time).
pub const EV_MATCH_REGEX: u32 = 1;

fn matcher(value: &str, how: u32, name: &str) -> Result<Matcher, Failure> {
    match how {
        EV_MATCH_EXACT => Matcher::exact(value).map_err(|e| Failure::core(&e)),
        // Parsed on its own and anchored on its parsed form; a refusal carries the regex
        // engine's explanation in the detail.
        EV_MATCH_REGEX => AnchoredRegex::compile(value)
            .map(Matcher::Regex)
            .map_err(|e| {
                let mut failure = Failure::core(&Error::from(e.clone()));
                failure.detail = std::format!("{name}: {e}");
                failure
            }),
        _ => Err(Failure::new(
            ev_result::InvalidParameter,
            std::format!("{name}_match is {how}: neither EV_MATCH_EXACT nor EV_MATCH_REGEX"),
        )),
    }
}

/// A policy for keyless (Fulcio certificate) signatures where the identity, the issuer, or both
/// are regular expressions (cosign's `--certificate-identity-regexp` and
/// `--certificate-oidc-issuer-regexp`), for example every release of one workflow:
/// `https://github\.com/slsa-framework/slsa-github-generator/\.github/workflows/generator_generic_slsa3\.yml@refs/tags/v2\.[0-9]+\.[0-9]+`.
///
/// `identity_match` and `issuer_match` are each `EV_MATCH_EXACT` or `EV_MATCH_REGEX`. A regular
/// expression must match the whole value: write `.*` where anything may follow. Prefer exact
/// issuers, and escape the dots of host names (`github\.com`): an unescaped `.` matches any
/// character. With both `EV_MATCH_EXACT` this is `ev_policy_new_identity`.
///
/// Strings are NUL-terminated UTF-8, copied (and compiled) during the call. On success stores a
/// new policy in `*policy_out` (release it with `ev_policy_free`). Errors:
/// `EV_RESULT_NULL_PARAMETER`, `EV_RESULT_INVALID_PARAMETER` (empty, over 1024 bytes, not UTF-8,
/// an invalid or too large regular expression, or an unknown match kind; the detail says which);
/// `*policy_out` is then untouched. Thread-safe.
///
/// # Safety
/// `identity` and `oidc_issuer` are NULL or NUL-terminated strings; `policy_out` is NULL or
/// points to writable storage for one pointer.
#[no_mangle]
pub unsafe extern "C" fn ev_policy_new_identity_matching(
    identity: *const c_char,
    identity_match: u32,
    oidc_issuer: *const c_char,
    issuer_match: u32,
    policy_out: *mut *mut ev_policy,
) -> u32 {
    result_boundary(|| {
        // SAFETY: caller's contract on the strings.
        let identity = unsafe { try_str(identity, "identity") }?;
        // SAFETY: caller's contract on the strings.
        let issuer = unsafe { try_str(oidc_issuer, "oidc_issuer") }?;
        // SAFETY: caller's contract on `policy_out`.
        let out = unsafe { Out::new(policy_out, "policy_out") }?;
        let expected = CertificateIdentity::new(
            matcher(identity, identity_match, "identity")?,
            matcher(issuer, issuer_match, "issuer")?,
        );
        new_policy(Policy::Identity(expected), out);
        Ok(())
    })
}

/// A policy for SLSA provenance (slsa-verifier's `verify-artifact` semantics): the bundle must
/// be a DSSE envelope with an in-toto SLSA statement, signed by a trusted builder's Fulcio
/// certificate, whose subject is the artifact and whose source is `source_uri` (for example
/// `github.com/kubeedge/kubeedge`).
///
/// `source_tag` (for example `v1.21.0`) and `builder_id` (`name[@version]`) are optional: NULL
/// means "not checked". All strings are NUL-terminated UTF-8, copied during the call. On
/// success stores a new policy in `*policy_out` (release it with `ev_policy_free`). Errors:
/// `EV_RESULT_NULL_PARAMETER` (`source_uri` or `policy_out` NULL), `EV_RESULT_INVALID_PARAMETER`;
/// `*policy_out` is then untouched. Thread-safe.
///
/// # Safety
/// Each string is NULL or NUL-terminated; `policy_out` is NULL or points to writable storage
/// for one pointer.
#[no_mangle]
pub unsafe extern "C" fn ev_policy_new_slsa(
    source_uri: *const c_char,
    source_tag: *const c_char,
    builder_id: *const c_char,
    policy_out: *mut *mut ev_policy,
) -> u32 {
    // SAFETY: the caller's contract is this function's, with the two extra strings NULL.
    unsafe {
        ev_policy_new_slsa_with_options(
            source_uri,
            source_tag,
            core::ptr::null(),
            core::ptr::null(),
            builder_id,
            policy_out,
        )
    }
}

/// `ev_policy_new_slsa` with every check slsa-verifier's `verify-artifact` offers:
/// `source_versioned_tag` (`--source-versioned-tag`: a semantic-version prefix such as `v1` or
/// `v1.21` that the build's tag must match, so that a policy accepts later patch releases) and
/// `source_branch` (`--source-branch`: the branch, without `refs/heads/`, the build ran on).
///
/// Every string but `source_uri` may be NULL ("not checked"). `source_tag` and
/// `source_versioned_tag` are mutually exclusive (`EV_RESULT_INVALID_PARAMETER` when both are
/// given); a versioned tag that is not semantic-version syntax is also invalid. Strings are
/// NUL-terminated UTF-8, copied during the call. On success stores a new policy in
/// `*policy_out` (release it with `ev_policy_free`); on failure `*policy_out` is untouched.
/// Thread-safe.
///
/// # Safety
/// Each string is NULL or NUL-terminated; `policy_out` is NULL or points to writable storage
/// for one pointer.
#[no_mangle]
pub unsafe extern "C" fn ev_policy_new_slsa_with_options(
    source_uri: *const c_char,
    source_tag: *const c_char,
    source_versioned_tag: *const c_char,
    source_branch: *const c_char,
    builder_id: *const c_char,
    policy_out: *mut *mut ev_policy,
) -> u32 {
    result_boundary(|| {
        // SAFETY: caller's contract on the strings.
        let source_uri = unsafe { try_str(source_uri, "source_uri") }?;
        // SAFETY: caller's contract on the strings.
        let source_tag = unsafe { try_opt_str(source_tag, "source_tag") }?;
        // SAFETY: caller's contract on the strings.
        let versioned_tag = unsafe { try_opt_str(source_versioned_tag, "source_versioned_tag") }?;
        // SAFETY: caller's contract on the strings.
        let branch = unsafe { try_opt_str(source_branch, "source_branch") }?;
        // SAFETY: caller's contract on the strings.
        let builder_id = unsafe { try_opt_str(builder_id, "builder_id") }?;
        // SAFETY: caller's contract on `policy_out`.
        let out = unsafe { Out::new(policy_out, "policy_out") }?;
        let mut policy = SlsaPolicy::new(source_uri).map_err(|e| slsa_failure(&e))?;
        if let Some(tag) = source_tag {
            policy = policy.with_source_tag(tag).map_err(|e| slsa_failure(&e))?;
        }
        if let Some(version) = versioned_tag {
            policy = policy
                .with_source_versioned_tag(version)
                .map_err(|e| slsa_failure(&e))?;
        }
        if let Some(branch) = branch {
            policy = policy
                .with_source_branch(branch)
                .map_err(|e| slsa_failure(&e))?;
        }
        if let Some(builder) = builder_id {
            policy = policy
                .with_builder_id(builder)
                .map_err(|e| slsa_failure(&e))?;
        }
        new_policy(Policy::Slsa(policy), out);
        Ok(())
    })
}

/// A policy for bundles signed with a self-managed key (cosign `--key`): the signature must
/// verify with this key. The transparency-log and verified-time checks still apply; there is
/// no certificate, so no identity.
///
/// `pem` points to `pem_len` bytes of one PEM `PUBLIC KEY` block (SubjectPublicKeyInfo: ECDSA
/// P-256/P-384, Ed25519 or RSA), copied during the call. On success stores a new policy in
/// `*policy_out` (release it with `ev_policy_free`). Errors: `EV_RESULT_NULL_PARAMETER`,
/// `EV_RESULT_INVALID_PARAMETER` (not UTF-8 or not a supported key); `*policy_out` is then
/// untouched. Thread-safe.
///
/// # Safety
/// `pem` is NULL or readable for `pem_len` bytes; `policy_out` is NULL or points to writable
/// storage for one pointer.
#[no_mangle]
pub unsafe extern "C" fn ev_policy_new_public_key(
    pem: *const u8,
    pem_len: usize,
    policy_out: *mut *mut ev_policy,
) -> u32 {
    result_boundary(|| {
        // SAFETY: caller's contract on `pem`.
        let pem = unsafe { try_bytes(pem, pem_len, "pem") }?;
        // SAFETY: caller's contract on `policy_out`.
        let out = unsafe { Out::new(policy_out, "policy_out") }?;
        let pem = core::str::from_utf8(pem)
            .map_err(|_| Failure::new(ev_result::InvalidParameter, "pem is not valid UTF-8"))?;
        let key = PublicKey::from_pem(pem).map_err(|e| Failure::core(&e))?;
        new_policy(Policy::PublicKey(key), out);
        Ok(())
    })
}

/// Releases a policy. NULL is ignored.
///
/// Call it once per policy, after every call using it has returned (other threads included).
///
/// # Safety
/// `policy` is NULL or a policy from an `ev_policy_new_*` function that has not been released.
#[no_mangle]
pub unsafe extern "C" fn ev_policy_free(policy: *mut ev_policy) {
    crate::panic::value_boundary((), || {
        // SAFETY: caller's contract.
        unsafe { box_free(policy) }
    })
}
