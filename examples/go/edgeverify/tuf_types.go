package edgeverify

// UpdateTime says what UpdateTrustRoot checks metadata expiry against: TrustedNow,
// NewestVerifiedTime or DangerSkipExpiryChecks.
type UpdateTime struct {
	policy    uint32
	nowMillis uint64
}

// TrustRootUpdate is a verified offline trust-root update.
type TrustRootUpdate struct {
	// TrustedRoot is the verified trusted_root.json: exactly the bytes the TUF targets
	// metadata vouches for. Load it with NewVerifierWithTrustRoot or install it.
	TrustedRoot []byte
	// State is the TUF state to persist (JSON): the next UpdateTrustRoot's state.
	State []byte
}
