package edgeverify

import (
	"errors"
	"strings"
	"testing"
)

func TestParseDigest(t *testing.T) {
	for alg, n := range map[HashAlgorithm]int{SHA256: 64, SHA384: 96, SHA512: 128} {
		text := strings.Repeat("aB", n/2)
		d, err := ParseDigest(alg.String() + ":" + text)
		if err != nil || d.Algorithm != alg || len(d.Value) != alg.Size() {
			t.Fatalf("%v: %+v %v", alg, d, err)
		}
		if d.String() != alg.String()+":"+strings.ToLower(text) {
			t.Fatalf("String() = %s", d)
		}
	}
	for in, says := range map[string]string{
		"sha256:abc":                           "sha256 needs 64 hex digits, got 3",
		"sha512:" + strings.Repeat("0", 127):   "needs 128 hex digits, got 127",
		"sha384:" + strings.Repeat("z", 96):    "not hexadecimal",
		"md5:d41d8cd98f00b204e9800998ecf8427e": `unknown algorithm "md5"`,
		"no-colon":                             "expected <algorithm>:<hex>",
	} {
		_, err := ParseDigest(in)
		var e *Error
		if !errors.As(err, &e) || e.Code != CodeInvalidParameter || !strings.Contains(e.Detail, says) {
			t.Fatalf("%s: %v", in, err)
		}
		if errors.Is(err, ErrDenied) {
			t.Fatalf("%s: a malformed argument is not a denial", in)
		}
	}
}
