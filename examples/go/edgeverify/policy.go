package edgeverify

// Policy says what a bundle must prove about its signer. Make one with IdentityPolicy,
// SLSAPolicy or PublicKeyPolicy; the zero Policy is invalid. Policies are plain values: copy
// and share them freely.
type Policy struct {
	kind policyKind

	identity, issuer string

	sourceURI, sourceTag, builderID string

	publicKeyPEM []byte
}

type policyKind int

const (
	policyNone policyKind = iota
	policyIdentity
	policySLSA
	policyPublicKey
)

// IdentityPolicy expects a keyless (Fulcio) signature whose certificate identity (the URI or
// e-mail subject alternative name; for GitHub Actions the workflow URL with its ref) and OIDC
// issuer equal these strings exactly.
func IdentityPolicy(identity, oidcIssuer string) Policy {
	return Policy{kind: policyIdentity, identity: identity, issuer: oidcIssuer}
}

// SLSAPolicy expects SLSA provenance (slsa-verifier's verify-artifact semantics) from a
// trusted builder for the source repository sourceURI (for example
// "github.com/kubeedge/kubeedge"). sourceTag and builderID may be empty: not checked.
func SLSAPolicy(sourceURI, sourceTag, builderID string) Policy {
	return Policy{kind: policySLSA, sourceURI: sourceURI, sourceTag: sourceTag, builderID: builderID}
}

// PublicKeyPolicy expects a signature by this self-managed key (one PEM "PUBLIC KEY" block:
// ECDSA P-256/P-384, Ed25519 or RSA), as with cosign --key. The slice is copied.
func PublicKeyPolicy(pem []byte) Policy {
	return Policy{kind: policyPublicKey, publicKeyPEM: append([]byte(nil), pem...)}
}
