package edgeverify

import "time"

// Verification is what a successful verification established. It is a plain Go value,
// independent of the library's memory.
type Verification struct {
	// Identity is the signer's certificate identity (URI or e-mail SAN); empty for bundles
	// signed with a self-managed key.
	Identity string
	// Issuer is the OIDC issuer recorded in the signing certificate; empty for key bundles.
	Issuer string
	// IntegratedTime is when the transparency log integrated the entry (vouched for by a
	// verified signed entry timestamp); zero for Rekor v2 bundles, which carry RFC 3161
	// timestamps instead.
	IntegratedTime time.Time
	// VerifiedTimes are all times established by signed evidence, ascending. The signing
	// certificate was valid at each of them.
	VerifiedTimes []time.Time
	// LogIndex is the index of the (first) verified transparency-log entry.
	LogIndex uint64
	// ArtifactSHA256 is the SHA-256 of the verified artifact.
	ArtifactSHA256 [32]byte
	// MatchedDigest is the artifact digest the evidence was matched on: the digest a message
	// signature covers, or the in-toto subject digest equal to the artifact's (the strongest
	// algorithm the two share; SHA-512 for an npm package).
	MatchedDigest Digest
	// Statement is the verified in-toto statement (JSON) for DSSE bundles, nil otherwise.
	Statement []byte
	// Provenance is the provenance the SLSA policy accepted (JSON), nil for other policies.
	Provenance []byte
}
