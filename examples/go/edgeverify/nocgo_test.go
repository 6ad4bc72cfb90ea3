//go:build !cgo

package edgeverify

import (
	"errors"
	"testing"
)

func TestWithoutCgoEverythingIsUnavailable(t *testing.T) {
	if _, err := VerifyFile("a", "b", IdentityPolicy("x", "y")); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("VerifyFile: %v", err)
	}
	if _, err := NewVerifier(); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("NewVerifier: %v", err)
	}
	if errors.Is(ErrUnavailable, ErrDenied) {
		t.Fatal("unavailable must not count as a denial")
	}
	if !CodeSignatureInvalid.IsDenial() || CodeIO.IsDenial() {
		t.Fatal("code classification")
	}
}
