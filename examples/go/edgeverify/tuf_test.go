//go:build cgo

package edgeverify

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// Sigstore's real TUF repository at two dates (core/tests/data/tuf, see its NOTICE).
var tufData = filepath.Join("..", "..", "..", "core", "tests", "data", "tuf", "sigstore-production")

// tufUpdateDir lays out the 2026-08-21 repository with root versions 14 and 15 (the update
// from root v13), with the target changed by change.
func tufUpdateDir(t *testing.T, change func([]byte) []byte) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "targets"), 0o755); err != nil {
		t.Fatal(err)
	}
	copyAs := func(src, dst string, change func([]byte) []byte) {
		data, err := os.ReadFile(filepath.Join(tufData, src))
		if err != nil {
			t.Fatal(err)
		}
		if change != nil {
			data = change(data)
		}
		if err := os.WriteFile(filepath.Join(dir, dst), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, role := range []string{"root", "timestamp", "snapshot", "targets"} {
		copyAs("2026-08-21/metadata/"+role+".json", role+".json", nil)
	}
	copyAs("root_history/14.root.json", "14.root.json", nil)
	copyAs("root_history/15.root.json", "15.root.json", nil)
	copyAs("2026-08-21/targets/trusted_root.json", "targets/trusted_root.json", change)
	return dir
}

var in2026 = time.Date(2026, 8, 22, 0, 0, 0, 0, time.UTC)

func TestUpdateTrustRootRealUpdate(t *testing.T) {
	root13, err := os.ReadFile(filepath.Join(tufData, "2025-07-11", "metadata", "root.json"))
	if err != nil {
		t.Fatal(err)
	}
	dir := tufUpdateDir(t, nil)
	// From the given TUF root v13 to v15: the production trusted root, with its pinned digest.
	u, err := UpdateTrustRoot(nil, root13, dir, TrustedNow(in2026))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(u.TrustedRoot)
	if hex.EncodeToString(sum[:]) != productionRootSHA256 {
		t.Fatalf("installed root sha256 %x", sum)
	}
	v, err := NewVerifierWithTrustRoot(u.TrustedRoot)
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	if _, err := v.VerifyFile(exampleBinary, exampleProvenance, generatorPolicy); err != nil {
		t.Fatalf("the updated root does not verify the example: %v", err)
	}
	var state map[string]interface{}
	if err := json.Unmarshal(u.State, &state); err != nil {
		t.Fatal(err)
	}
	if state["targets_version"] != 14.0 || state["timestamp_version"] != 762.0 {
		t.Fatalf("state %v", state)
	}
	// Again from the returned state: the same state (an interrupted install is retried).
	again, err := UpdateTrustRoot(u.State, nil, dir, TrustedNow(in2026))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again.State, u.State) || !bytes.Equal(again.TrustedRoot, u.TrustedRoot) {
		t.Fatal("a repeated update changed the state")
	}
	// The embedded TUF root v15 takes the same directory; so does the newest verified time.
	if _, err := UpdateTrustRoot(nil, nil, dir, NewestVerifiedTime()); err != nil {
		t.Fatal(err)
	}
	// Giving both starting points is a usage error.
	_, err = UpdateTrustRoot(u.State, root13, dir, TrustedNow(in2026))
	asError(t, err, CodeInvalidParameter, false)
}

func TestUpdateTrustRootRefusals(t *testing.T) {
	// A target one byte off: a denial.
	tampered := tufUpdateDir(t, func(b []byte) []byte { b[100] ^= 1; return b })
	_, err := UpdateTrustRoot(nil, nil, tampered, TrustedNow(in2026))
	asError(t, err, CodeTrustRootUpdateRefused, true)
	// Expired (the 2026-08-21 timestamp expires on 2026-08-28), unless expiry is skipped.
	dir := tufUpdateDir(t, nil)
	_, err = UpdateTrustRoot(nil, nil, dir, TrustedNow(in2026.AddDate(0, 0, 10)))
	asError(t, err, CodeTrustRootUpdateRefused, true)
	if _, err := UpdateTrustRoot(nil, nil, dir, DangerSkipExpiryChecks()); err != nil {
		t.Fatal(err)
	}
	// A time before the embedded state's newest verified time (2026-08-21): nothing decided.
	_, err = UpdateTrustRoot(nil, nil, dir, TrustedNow(in2026.AddDate(0, 0, -2)))
	asError(t, err, CodeTrustRootUpdateUnusable, false)
	// The target missing: nothing decided.
	if err := os.Remove(filepath.Join(dir, "targets", "trusted_root.json")); err != nil {
		t.Fatal(err)
	}
	_, err = UpdateTrustRoot(nil, nil, dir, TrustedNow(in2026))
	asError(t, err, CodeTrustRootUpdateUnusable, false)
}
