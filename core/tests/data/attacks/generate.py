#!/usr/bin/env python3
"""Derives one test-vector directory per attack or scenario from real conformance bundles.

Each directory gets `bundle.sigstore.json` (and `trusted_root.json`, `artifact`, `identity`,
`issuer` when the scenario changes them) plus `expected`: `pass`, or the name of the
`edgeverify_core::Error` variant that must reject it. `core/tests/attacks.rs` runs them all.

Deterministic: re-running rewrites identical files; CI reruns it and fails on any diff.
Standard library only. Usage: python3 generate.py   (from this directory)
"""
import base64
import copy
import hashlib
import json
import os
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
CONF = os.path.join(HERE, "..", "sigstore-conformance")


def load(case, name="bundle.sigstore.json"):
    with open(os.path.join(CONF, case, name)) as f:
        return json.load(f)


def production_root():
    with open(os.path.join(CONF, "default_trusted_root.production.json")) as f:
        return json.load(f)


def b64(data):
    return base64.b64encode(data).decode()


def unb64(text):
    return base64.b64decode(text)


def flip(text, index=-5):
    """Flips one bit of a base64 value's decoded bytes."""
    raw = bytearray(unb64(text))
    raw[index] ^= 1
    return b64(bytes(raw))


def entry(bundle):
    return bundle["verificationMaterial"]["tlogEntries"][0]


def write(name, expected, bundle, root=None, artifact=None, identity=None, issuer=None,
          note=""):
    out = os.path.join(HERE, name)
    if os.path.isdir(out):
        shutil.rmtree(out)
    os.makedirs(out)
    with open(os.path.join(out, "bundle.sigstore.json"), "w") as f:
        json.dump(bundle, f, indent=2, ensure_ascii=False)
        f.write("\n")
    if root is not None:
        with open(os.path.join(out, "trusted_root.json"), "w") as f:
            json.dump(root, f, indent=2)
            f.write("\n")
    if artifact is not None:
        with open(os.path.join(out, "artifact"), "wb") as f:
            f.write(artifact)
    for fname, value in (("identity", identity), ("issuer", issuer)):
        if value is not None:
            with open(os.path.join(out, fname), "w") as f:
                f.write(value + "\n")
    with open(os.path.join(out, "expected"), "w") as f:
        f.write(expected + "\n")
    with open(os.path.join(out, "README"), "w") as f:
        f.write(note.strip() + "\n")


def main():
    v1 = load("happy-path-v0.3")  # Rekor v1 hashedrekord 0.0.1, SET + proof, production root
    v2 = load("rekor2-happy-path")  # Rekor v2 hashedrekord 0.0.2 + RFC 3161, staging root
    v2_root = load("rekor2-happy-path", "trusted_root.json")
    dsse = load("happy-path-intoto-in-dsse-v3")  # DSSE, dsse 0.0.1, production root
    dsse_artifact = open(os.path.join(CONF, "a.txt"), "rb").read()

    # --- transparency log: threshold inflation and SET ---
    b = copy.deepcopy(v1)
    b["verificationMaterial"]["tlogEntries"].append(copy.deepcopy(entry(v1)))
    write("duplicate-tlog-entry", "BundleInvalid", b,
          note="The same (logId, logIndex) twice: would count one log entry twice.")

    b = copy.deepcopy(v1)
    e = entry(b)
    e["inclusionPromise"]["signedEntryTimestamp"] = flip(e["inclusionPromise"]["signedEntryTimestamp"], 10)
    write("set-bad-signature", "SetInvalid", b, note="One bit of the SET signature flipped.")

    b = copy.deepcopy(v1)
    entry(b)["integratedTime"] = str(int(entry(b)["integratedTime"]) + 1)
    write("set-integrated-time-shifted", "SetInvalid", b,
          note="integratedTime moved by one second: the SET no longer covers it.")

    b = copy.deepcopy(v1)
    entry(b)["logIndex"] = str(int(entry(b)["logIndex"]) + 1)
    write("set-log-index-changed", "SetInvalid", b,
          note="Top-level logIndex changed: the SET binds the global index.")

    b = copy.deepcopy(v1)
    entry(b)["logId"]["keyId"] = b64(bytes(32))
    write("unknown-log-only", "TlogThresholdNotMet", b,
          note="The only entry claims a log the trust root does not know: skipped, so no log vouches.")

    root = production_root()
    root["tlogs"][0]["publicKey"]["validFor"]["start"] = "2024-03-20T00:00:00Z"
    write("tlog-key-not-yet-valid", "SetInvalid", copy.deepcopy(v1), root=root,
          note="Rekor key validity starts after the integrated time.")

    root = production_root()
    root["tlogs"][0]["hashAlgorithm"] = "SHA2_384"
    write("trust-root-tlog-hash-algorithm", "TrustRootInvalid", copy.deepcopy(v1), root=root,
          note="A log whose Merkle hash is not SHA-256 is refused when loading the trust root.")

    # --- inclusion proof and checkpoint (Rekor v1) ---
    b = copy.deepcopy(v1)
    e = entry(b)
    e["inclusionProof"]["hashes"][0] = flip(e["inclusionProof"]["hashes"][0], 0)
    write("inclusion-proof-tampered-hash", "InclusionProofInvalid", b,
          note="One proof hash altered: the computed root differs.")

    b = copy.deepcopy(v1)
    entry(b)["inclusionProof"]["hashes"].append(b64(bytes(32)))
    write("inclusion-proof-extra-hash", "InclusionProofInvalid", b,
          note="Proof longer than the index and tree size imply.")

    b = copy.deepcopy(v1)
    entry(b)["inclusionProof"]["hashes"] = [b64(bytes(32))] * 65
    write("oversized-proof", "LimitExceeded", b,
          note="65 proof hashes: more than any tree of 2^64 leaves needs; refused while parsing.")

    b = copy.deepcopy(v1)
    e = entry(b)
    e["inclusionProof"]["logIndex"] = e["inclusionProof"]["treeSize"]
    write("inclusion-index-not-below-size", "InclusionProofInvalid", b,
          note="Proof index equal to the tree size.")

    b = copy.deepcopy(v1)
    e = entry(b)
    cp = e["inclusionProof"]["checkpoint"]["envelope"]
    e["inclusionProof"]["checkpoint"]["envelope"] = cp.replace("rekor.sigstore.dev - ", "rekor.sigstage.dev - ", 1)
    write("checkpoint-wrong-origin", "CheckpointInvalid", b,
          note="Checkpoint origin changed to name another log: the log's signature no longer covers the text.")

    b = copy.deepcopy(v1)
    e = entry(b)
    cp = e["inclusionProof"]["checkpoint"]["envelope"]
    head, sigs = cp.rsplit("\n\n", 1)
    # A Rekor v1 signer is found by its key hint (the name is not checked, as in Rekor's
    # SignedNote.Verify), so the line is renamed and its hint replaced: another signer's line.
    name, sig = sigs.split("\n", 1)[0].rsplit(" ", 1)
    foreign = "\u2014 witness.example " + b64(bytes(4) + unb64(sig)[4:])
    e["inclusionProof"]["checkpoint"]["envelope"] = head + "\n\n" + sigs.replace(name + " " + sig, foreign, 1)
    write("checkpoint-no-log-signature", "CheckpointInvalid", b,
          note="The log's signature line replaced by another signer's (other name, other key hint): no line from the log's key remains.")

    b = copy.deepcopy(v1)
    e = entry(b)
    cp = e["inclusionProof"]["checkpoint"]["envelope"]
    e["inclusionProof"]["checkpoint"]["envelope"] = cp + "\u2014 witness.example " + b64(bytes(4) + bytes(72)) + "\n"
    write("rekor1-checkpoint-extra-witness", "pass", b,
          note="A Rekor v1 checkpoint with an extra line from another key: ignored, still verifies (rekor's SignedNote.Verify would refuse it; TESTING.md).")

    # --- Rekor v2 checkpoints ---
    b = copy.deepcopy(v2)
    e = entry(b)
    cp = e["inclusionProof"]["checkpoint"]["envelope"]
    e["inclusionProof"]["checkpoint"]["envelope"] = cp + "\u2014 witness.example " + b64(bytes(4) + bytes(72)) + "\n"
    write("rekor2-checkpoint-extra-witness", "pass", b, root=v2_root,
          note="An extra cosignature from an unknown witness is ignored: still verifies.")

    b = copy.deepcopy(v2)
    entry(b)["inclusionPromise"] = {"signedEntryTimestamp": b64(b"\x30\x00")}
    write("rekor2-entry-with-set", "BundleInvalid", b, root=v2_root,
          note="Rekor v2 issues no SETs: an entry carrying one is malformed.")

    b = copy.deepcopy(v2)
    ts = b["verificationMaterial"]["timestampVerificationData"]["rfc3161Timestamps"]
    ts.append(copy.deepcopy(ts[0]))
    write("timestamp-duplicate", "BundleInvalid", b, root=v2_root,
          note="The same RFC 3161 timestamp twice: would count one authority twice.")

    root = copy.deepcopy(v2_root)
    root["timestampAuthorities"] = []
    write("timestamp-no-trusted-tsa", "TimestampInvalid", copy.deepcopy(v2), root=root,
          note="No timestamping authority in the trust root: the timestamp cannot verify.")

    # --- bundle structure ---
    b = copy.deepcopy(v1)
    cert = b["verificationMaterial"].pop("certificate")
    b["verificationMaterial"]["x509CertificateChain"] = {"certificates": [cert]}
    write("v03-with-certificate-chain", "BundleInvalid", b,
          note="v0.3 bundles must carry `certificate`, not `x509CertificateChain`.")

    b = copy.deepcopy(v1)
    b["verificationMaterial"]["unexpected"] = True
    write("unknown-field", "MalformedJson", b, note="Unknown fields are rejected, as protojson does.")

    b = copy.deepcopy(v1)
    entry(b)["kindVersion"] = {"kind": "dsse", "version": "0.0.1"}
    write("kind-version-mismatch", "EntryBodyMismatch", b,
          note="kindVersion claims dsse while the body is hashedrekord.")

    b = copy.deepcopy(v1)
    entry(b)["kindVersion"] = {"kind": "rekord", "version": "0.0.1"}
    write("unsupported-entry-kind", "UnsupportedEntryKind", b,
          note="Legacy `rekord` entries are not accepted.")

    # --- certificate, SCT ---
    root = production_root()
    root["ctlogs"] = []
    write("sct-unknown-log", "SctInvalid", copy.deepcopy(v1), root=root,
          note="No CT log in the trust root: the embedded SCT cannot count.")

    root = production_root()
    root["certificateAuthorities"][1]["validFor"]["end"] = "2023-01-01T00:00:00Z"
    write("ca-window-ended", "CertificateChainInvalid", copy.deepcopy(v1), root=root,
          note="The Fulcio CA's validFor ends before the signing time.")

    # --- what the bundle's content decides (denials, never "could not decide") ---
    artifact = open(os.path.join(CONF, "a.txt"), "rb").read()
    sha512_hint = {"algorithm": "SHA2_512", "digest": b64(hashlib.sha512(artifact).digest())}
    b = copy.deepcopy(v1)
    cert = bytearray(unb64(b["verificationMaterial"]["certificate"]["rawBytes"]))
    p256_key = bytes.fromhex("2a8648ce3d030107034200")  # prime256v1 OID, BIT STRING, unused bits
    at = cert.index(p256_key) + len(p256_key) - 1
    cert[at] = 0x01
    b["verificationMaterial"]["certificate"]["rawBytes"] = b64(bytes(cert))
    write("certificate-key-unused-bits", "CertificateInvalid", b,
          note="The leaf's public-key BIT STRING declares one unused bit: the certificate (evidence) "
               "is invalid, a denial, never an unusable argument.")

    b = copy.deepcopy(v1)
    b["messageSignature"]["messageDigest"] = dict(sha512_hint)
    write("message-digest-hint-sha512", "EntryBodyMismatch", b,
          note="The unsigned messageDigest hint names SHA2_512 (with the artifact's true SHA-512) "
               "while the log recorded SHA-256: refused against the log entry (sigstore-go's rule), "
               "so the artifact and its SHA-256 get the same answer.")

    b = copy.deepcopy(v1)
    body = json.loads(unb64(entry(b)["canonicalizedBody"]))
    body["spec"]["data"]["hash"] = {"algorithm": "sha512",
                                    "value": hashlib.sha512(artifact).hexdigest()}
    entry(b)["canonicalizedBody"] = b64(json.dumps(body, separators=(",", ":")).encode())
    b["messageSignature"]["messageDigest"] = dict(sha512_hint)
    write("log-entry-records-sha512", "SetInvalid", b,
          note="Log body and hint record the artifact's SHA-512. Given the artifact, the binding "
               "holds and the SET (over the original body) fails; given only its SHA-256, the "
               "evidence cannot be matched (ArtifactDigestMissing). Both are denials.")

    # --- identity ---
    write("identity-mismatch", "SubjectMismatch", copy.deepcopy(v1),
          identity="https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/other.yml@refs/heads/main",
          note="Valid bundle, different expected SAN.")
    write("issuer-mismatch", "IssuerMismatch", copy.deepcopy(v1),
          issuer="https://accounts.google.com", note="Valid bundle, different expected issuer.")

    # --- DSSE ---
    b = copy.deepcopy(dsse)
    b["dsseEnvelope"]["payloadType"] = "application/json"
    write("dsse-payload-type", "DsseInvalid", b, artifact=dsse_artifact,
          note="Payload type other than in-toto: payload-type confusion.")

    b = copy.deepcopy(dsse)
    b["dsseEnvelope"]["signatures"].append(copy.deepcopy(b["dsseEnvelope"]["signatures"][0]))
    write("dsse-two-signatures", "DsseInvalid", b, artifact=dsse_artifact,
          note="DSSE envelopes must carry exactly one signature.")

    write("dsse-subject-mismatch", "ArtifactDigestMismatch", copy.deepcopy(dsse),
          artifact=dsse_artifact + b"x", note="Valid envelope, artifact not among the subjects.")

    write("dsse-happy-path-control", "pass", copy.deepcopy(dsse), artifact=dsse_artifact,
          note="Control: the unmodified DSSE bundle and its subject verify.")


if __name__ == "__main__":
    main()
