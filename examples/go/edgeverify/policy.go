package edgeverify

// Policy says what a bundle must prove about its signer. Make one with IdentityPolicy,
// IdentityMatchingPolicy, SLSAPolicy, SLSAPolicyWithOptions or PublicKeyPolicy; the zero Policy
// is invalid. Policies are plain values: copy and share them freely.
type Policy struct {
	kind policyKind

	identity, issuer Matcher

	sourceURI string
	slsa      SLSAOptions

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
	return IdentityMatchingPolicy(Exact(identity), Exact(oidcIssuer))
}

// Matcher says how a certificate value is compared: Exact or Regexp.
type Matcher struct {
	value string
	regex bool
}

// Exact matches a value equal to s byte for byte.
func Exact(s string) Matcher { return Matcher{value: s} }

// Regexp matches a value that the regular expression pattern matches as a whole (it is
// anchored for you; Rust regex syntax without Unicode classes, matched in linear time). Escape
// the dots of host names: `https://github\.com/org/.*`.
func Regexp(pattern string) Matcher { return Matcher{value: pattern, regex: true} }

// IdentityMatchingPolicy expects a keyless (Fulcio) signature whose certificate identity and
// OIDC issuer satisfy these matchers, as cosign's --certificate-identity-regexp and
// --certificate-oidc-issuer-regexp do. For example, every v2 release of the SLSA generic
// generator:
//
//	IdentityMatchingPolicy(
//		Regexp(`https://github\.com/slsa-framework/slsa-github-generator/\.github/workflows/generator_generic_slsa3\.yml@refs/tags/v2\.[0-9]+\.[0-9]+`),
//		Exact("https://token.actions.githubusercontent.com"))
func IdentityMatchingPolicy(identity, oidcIssuer Matcher) Policy {
	return Policy{kind: policyIdentity, identity: identity, issuer: oidcIssuer}
}

// SLSAPolicy expects SLSA provenance (slsa-verifier's verify-artifact semantics) from a
// trusted builder for the source repository sourceURI (for example
// "github.com/kubeedge/kubeedge"). sourceTag and builderID may be empty: not checked.
func SLSAPolicy(sourceURI, sourceTag, builderID string) Policy {
	return SLSAPolicyWithOptions(sourceURI, SLSAOptions{Tag: sourceTag, BuilderID: builderID})
}

// SLSAOptions are slsa-verifier's optional verify-artifact checks. An empty field is not
// checked.
type SLSAOptions struct {
	// Tag is the exact source tag (--source-tag), e.g. "v1.21.0".
	Tag string
	// VersionedTag is a semantic-version prefix the source tag must match
	// (--source-versioned-tag), e.g. "v1" or "v1.21". Not with Tag.
	VersionedTag string
	// Branch is the source branch (--source-branch), without refs/heads/.
	Branch string
	// BuilderID is the expected builder, name[@version] (--builder-id).
	BuilderID string
}

// SLSAPolicyWithOptions is SLSAPolicy with every slsa-verifier check.
func SLSAPolicyWithOptions(sourceURI string, options SLSAOptions) Policy {
	return Policy{kind: policySLSA, sourceURI: sourceURI, slsa: options}
}

// PublicKeyPolicy expects a signature by this self-managed key (one PEM "PUBLIC KEY" block:
// ECDSA P-256/P-384, Ed25519 or RSA), as with cosign --key. The slice is copied.
func PublicKeyPolicy(pem []byte) Policy {
	return Policy{kind: policyPublicKey, publicKeyPEM: append([]byte(nil), pem...)}
}
