//go:build cgo

package edgeverify

/*
#include <stdlib.h>
#include "edgeverify.h"
*/
import "C"

import (
	"time"
	"unsafe"
)

// UpdateTrustRoot verifies an offline TUF update directory (Sigstore's TUF metadata:
// N.root.json for each root version after the device's, timestamp.json, snapshot.json,
// targets.json, and targets/trusted_root.json) against the device's TUF state, following the
// TUF client workflow (root chain, thresholds, rollback floors, expiry per time, the target's
// length and hashes), and returns the verified trusted_root.json with the state to persist.
//
// The starting point is state (what a previous update returned); if state is nil, tufRoot (a
// private instance's TUF root.json); if both are nil, the Sigstore TUF root v15 embedded in
// the library. Nothing is written: store State and then TrustedRoot, each atomically (temp
// file, fsync, rename, fsync the directory), so the rollback floors are never behind the root
// in use; running the same update again completes an interrupted install.
//
// A refusal (signatures, versions, rollback, expiry, lengths, hashes) is an *Error with
// CodeTrustRootUpdateRefused, a denial; an incomplete directory or an unusable state or time
// is CodeTrustRootUpdateUnusable, not a denial.
func UpdateTrustRoot(state, tufRoot []byte, dir string, at UpdateTime) (*TrustRootUpdate, error) {
	cdir, err := cString(dir, "dir")
	if err != nil {
		return nil, err
	}
	defer C.free(unsafe.Pointer(cdir))
	var statePtr, rootPtr *C.uint8_t
	var stateLen, rootLen C.size_t
	if state != nil {
		statePtr, stateLen = bytesArg(state)
	}
	if tufRoot != nil {
		rootPtr, rootLen = bytesArg(tufRoot)
	}
	var u *C.struct_ev_tuf_update
	err = call(func() C.uint32_t {
		return C.ev_trust_root_update(statePtr, stateLen, rootPtr, rootLen, cdir,
			C.uint32_t(at.policy), C.uint64_t(at.nowMillis), &u)
	})
	if err != nil {
		return nil, err
	}
	defer C.ev_tuf_update_free(u)
	var data *C.uint8_t
	var n C.size_t
	out := &TrustRootUpdate{}
	if err := call(func() C.uint32_t { return C.ev_tuf_update_trusted_root(u, &data, &n) }); err != nil {
		return nil, err
	}
	out.TrustedRoot = C.GoBytes(unsafe.Pointer(data), C.int(n))
	if err := call(func() C.uint32_t { return C.ev_tuf_update_state(u, &data, &n) }); err != nil {
		return nil, err
	}
	out.State = C.GoBytes(unsafe.Pointer(data), C.int(n))
	return out, nil
}

// TrustedNow checks expiry against t, which the caller vouches is now (a trusted clock, an
// operator's time); refused if earlier than a time the state has already verified.
func TrustedNow(t time.Time) UpdateTime {
	ms := t.UnixMilli()
	if ms < 0 {
		ms = 0
	}
	return UpdateTime{policy: C.EV_TUF_TIME_TRUSTED_NOW, nowMillis: uint64(ms)}
}

// NewestVerifiedTime checks expiry against the newest time the state has verified (no trusted
// clock): metadata that expired since then is not detected.
func NewestVerifiedTime() UpdateTime {
	return UpdateTime{policy: C.EV_TUF_TIME_NEWEST_VERIFIED}
}

// DangerSkipExpiryChecks checks no expiry at all: a replay of an old, validly signed
// repository state newer than the state's floors is accepted (a freeze attack goes
// undetected). Everything else is still checked.
func DangerSkipExpiryChecks() UpdateTime {
	return UpdateTime{policy: C.EV_TUF_TIME_DANGER_SKIP_EXPIRY_CHECKS}
}
