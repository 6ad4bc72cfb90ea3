//! How much independent evidence a verification requires: the deployment's choice, as
//! sigstore-go's `VerifierConfig` (`WithTransparencyLog(n)`, `WithSignedCertificateTimestamps(n)`,
//! `WithObserverTimestamps(n)`).

use core::num::NonZeroUsize;

/// Evidence thresholds. Each is at least one by construction: a configuration that requires
/// no evidence of some kind cannot be written (sigstore-go's `Validate` rejects it at run time).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Thresholds {
    /// Distinct trusted transparency logs whose entries must verify (spec §5.1 step 10).
    pub(crate) transparency_logs: NonZeroUsize,
    /// Distinct trusted CT logs whose embedded SCT must verify (spec §8).
    pub(crate) ct_logs: NonZeroUsize,
    /// Verified times: SET-backed integrated times (one per log) and RFC 3161 timestamps (one
    /// per authority) together (spec §4).
    pub(crate) verified_times: NonZeroUsize,
}

impl Thresholds {
    /// What the Sigstore public-good instance provides, and what sigstore-go's and cosign's
    /// defaults require of it: one of each.
    pub(crate) const PUBLIC_GOOD: Self = Self {
        transparency_logs: NonZeroUsize::MIN,
        ct_logs: NonZeroUsize::MIN,
        verified_times: NonZeroUsize::MIN,
    };
}
