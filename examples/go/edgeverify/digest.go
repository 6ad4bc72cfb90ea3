package edgeverify

import (
	"encoding/hex"
	"fmt"
	"path/filepath"
	"strings"
)

// HashAlgorithm names a digest algorithm; its values are the library's EV_HASH_* codes.
type HashAlgorithm uint32

// The digest algorithms a bundle may name an artifact by.
const (
	SHA256 HashAlgorithm = 1
	SHA384 HashAlgorithm = 2
	SHA512 HashAlgorithm = 3
)

// Size is the digest length in bytes (0 for an unknown algorithm).
func (a HashAlgorithm) Size() int {
	switch a {
	case SHA256:
		return 32
	case SHA384:
		return 48
	case SHA512:
		return 64
	}
	return 0
}

// String is the lowercase name used in digests and in-toto subjects ("sha512").
func (a HashAlgorithm) String() string {
	switch a {
	case SHA256:
		return "sha256"
	case SHA384:
		return "sha384"
	case SHA512:
		return "sha512"
	}
	return fmt.Sprintf("HashAlgorithm(%d)", uint32(a))
}

// Digest is an artifact digest in one algorithm.
type Digest struct {
	Algorithm HashAlgorithm
	Value     []byte
}

// String is the "sha512:<hex>" form.
func (d Digest) String() string { return d.Algorithm.String() + ":" + hex.EncodeToString(d.Value) }

// ParseDigest reads "sha256:<64 hex>", "sha384:<96 hex>" or "sha512:<128 hex>" (hex in either
// case). A malformed digest is an *Error with CodeInvalidParameter saying what is wrong.
func ParseDigest(s string) (Digest, error) {
	invalid := func(why string) (Digest, error) {
		return Digest{}, &Error{Code: CodeInvalidParameter, Detail: fmt.Sprintf("malformed digest %q: %s", s, why)}
	}
	name, text, ok := strings.Cut(s, ":")
	if !ok {
		return invalid("expected <algorithm>:<hex>")
	}
	var alg HashAlgorithm
	switch name {
	case "sha256":
		alg = SHA256
	case "sha384":
		alg = SHA384
	case "sha512":
		alg = SHA512
	default:
		return invalid(fmt.Sprintf("unknown algorithm %q (sha256, sha384 or sha512)", name))
	}
	if want := 2 * alg.Size(); len(text) != want {
		return invalid(fmt.Sprintf("%s needs %d hex digits, got %d", name, want, len(text)))
	}
	value, err := hex.DecodeString(text)
	if err != nil {
		return invalid("not hexadecimal")
	}
	return Digest{Algorithm: alg, Value: value}, nil
}

// ImageStorePath is where an evidence store keeps an image's OCI layout:
// <storeDir>/sha256-<64 hex> (the digest's algorithm name, a dash, its hex value).
func ImageStorePath(storeDir string, image Digest) string {
	return filepath.Join(storeDir, image.Algorithm.String()+"-"+hex.EncodeToString(image.Value))
}
