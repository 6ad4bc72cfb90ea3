//go:build !cgo

package edgeverify

import (
	"strconv"
	"time"
)

// Verifier is unavailable without cgo: every method returns ErrUnavailable. This twin keeps
// CGO_ENABLED=0 builds of importing packages compiling.
type Verifier struct{}

// NewVerifier returns ErrUnavailable without cgo.
func NewVerifier() (*Verifier, error) { return nil, ErrUnavailable }

// NewVerifierWithTrustRoot returns ErrUnavailable without cgo.
func NewVerifierWithTrustRoot([]byte) (*Verifier, error) { return nil, ErrUnavailable }

// DefaultVerifier returns ErrUnavailable without cgo.
func DefaultVerifier() (*Verifier, error) { return nil, ErrUnavailable }

// Close does nothing without cgo.
func (*Verifier) Close() error { return nil }

// TrustRootSHA256 returns ErrUnavailable without cgo.
func (*Verifier) TrustRootSHA256() ([32]byte, error) { return [32]byte{}, ErrUnavailable }

// VerifyFile returns ErrUnavailable without cgo.
func (*Verifier) VerifyFile(string, string, Policy) (*Verification, error) {
	return nil, ErrUnavailable
}

// VerifyBundle returns ErrUnavailable without cgo.
func (*Verifier) VerifyBundle([]byte, []byte, Policy) (*Verification, error) {
	return nil, ErrUnavailable
}

// VerifyBundleArtifactDigest returns ErrUnavailable without cgo.
func (*Verifier) VerifyBundleArtifactDigest([]byte, Digest, Policy) (*Verification, error) {
	return nil, ErrUnavailable
}

// VerifyBundleDigest returns ErrUnavailable without cgo.
func (*Verifier) VerifyBundleDigest([]byte, [32]byte, Policy) (*Verification, error) {
	return nil, ErrUnavailable
}

// VerifyRelease returns ErrUnavailable without cgo.
func (*Verifier) VerifyRelease([]byte, []Digest, Policy) ([]*Verification, error) {
	return nil, ErrUnavailable
}

// VerifyImageLayout returns ErrUnavailable without cgo.
func (*Verifier) VerifyImageLayout(string, Digest, string, Policy) (*Verification, error) {
	return nil, ErrUnavailable
}

// VerifyImageInStore returns ErrUnavailable without cgo.
func (*Verifier) VerifyImageInStore(string, Digest, string, Policy) (*Verification, error) {
	return nil, ErrUnavailable
}

// VerifyFile returns ErrUnavailable without cgo.
func VerifyFile(string, string, Policy) (*Verification, error) { return nil, ErrUnavailable }

// codeIsDenial follows the documented ranges (the library is not there to ask).
func codeIsDenial(c Code) bool {
	return (c >= 2000 && c <= 2999) || (c >= 4000 && c <= 7999)
}

func codeMessage(c Code) string { return "result code " + strconv.FormatUint(uint64(c), 10) }

// UpdateTrustRoot returns ErrUnavailable without cgo.
func UpdateTrustRoot([]byte, []byte, string, UpdateTime) (*TrustRootUpdate, error) {
	return nil, ErrUnavailable
}

// TrustedNow is inert without cgo.
func TrustedNow(time.Time) UpdateTime { return UpdateTime{} }

// NewestVerifiedTime is inert without cgo.
func NewestVerifiedTime() UpdateTime { return UpdateTime{} }

// DangerSkipExpiryChecks is inert without cgo.
func DangerSkipExpiryChecks() UpdateTime { return UpdateTime{} }
