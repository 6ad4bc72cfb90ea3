#!/usr/bin/env python3
"""Builds the seed corpora for the fuzz targets from the test vectors (stdlib only).

Writes fuzz/corpus/<target>/seed-*; the corpora are not committed (libFuzzer grows them while
it runs), this script is. Run from anywhere: `python3 fuzz/seeds.py`.

Selector bytes must agree with fuzz/src/lib.rs: `cases()` order for verify/verify_fields and
`roots()` order for the parsers that take a trust root.
"""

import base64
import glob
import hashlib
import json
import os
import struct
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "core", "tests", "data")
CONF = os.path.join(DATA, "sigstore-conformance")
CORPUS = os.path.join(HERE, "corpus")

# fuzz/src/lib.rs cases(), in order.
CASES = [
    "happy-path-v0.1",
    "happy-path-v0.3",
    "happy-path-intoto-in-dsse-v3",
    "intoto-with-custom-trust-root",
    "managed-key-happy-path",
    "rekor2-happy-path",
    "rekor2-dsse-happy-path",
    "rekor2-timestamp-with-embedded-cert",
]
# fuzz/src/lib.rs roots(), in order (index 0 is production).
ROOTS = [
    None,
    "rekor2-happy-path",
    "rekor2-dsse-happy-path",
    "intoto-with-custom-trust-root",
    "rekor2-timestamp-with-embedded-cert",
    "bundle-with-sct-with-extensions",
]
SCT_LIST_OID = bytes.fromhex("060a2b06010401d679020402")
SLSA_FIXTURES = [
    "generic-v2.1.0-push-v13.0.30",
    "delegator-v2.1.0-push-v13.0.30",
    "container-based-v2.1.0-push-v13.0.30",
]
CLAIM_ORDER = [
    "san_uri", "issuer", "issuer_v1", "github_workflow_trigger", "github_workflow_sha",
    "github_workflow_repository", "source_repository_uri", "source_repository_digest",
    "build_config_uri", "build_config_digest", "build_trigger",
]


def write(target, data):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    name = "seed-" + hashlib.sha1(data).hexdigest()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def read(path):
    with open(path, "rb") as f:
        return f.read()


def cbor_seeds(json_roots):
    """trust_root_cbor seeds: the JSON roots compiled by the project's own CLI
    (`edgeverify trust-root compile`), built with cargo if it is not there yet. Roots the CLI
    refuses (the invalid ones among the vectors) give no seed."""
    repo = os.path.join(HERE, "..")
    cli = os.path.join(repo, "target", "debug", "edgeverify")
    if not os.path.exists(cli):
        subprocess.run(["cargo", "build", "--quiet", "--locked", "-p", "edgeverify-agent"],
                       cwd=repo, check=True)
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "root.cbor")
        for path in json_roots:
            done = subprocess.run([cli, "trust-root", "compile", path, out],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if done.returncode == 0:
                write("trust_root_cbor", read(out))


def root_index(case_dir):
    name = os.path.basename(case_dir)
    return ROOTS.index(name) if name in ROOTS else 0


def der_length(buf, i):
    """(length, index after the length octets) of the DER length at buf[i]."""
    first = buf[i]
    if first < 0x80:
        return first, i + 1
    n = first & 0x7F
    return int.from_bytes(buf[i + 1:i + 1 + n], "big"), i + 1 + n


def sct_list(cert):
    """The TLS-encoded SCT list inside a certificate's SCT extension, if any."""
    at = cert.find(SCT_LIST_OID)
    if at < 0:
        return None
    i = at + len(SCT_LIST_OID)
    if cert[i] == 0x01:  # critical BOOLEAN
        i += 3
    if cert[i] != 0x04:
        return None
    _, i = der_length(cert, i + 1)
    if cert[i] != 0x04:
        return None
    n, i = der_length(cert, i + 1)
    return cert[i:i + n]


def leaf_of(bundle):
    vm = bundle.get("verificationMaterial") or {}
    if "certificate" in vm:
        return base64.b64decode(vm["certificate"]["rawBytes"])
    chain = (vm.get("x509CertificateChain") or {}).get("certificates") or []
    return base64.b64decode(chain[0]["rawBytes"]) if chain else None


def signature_of(bundle):
    if "messageSignature" in bundle:
        return base64.b64decode(bundle["messageSignature"]["signature"])
    sigs = bundle.get("dsseEnvelope", {}).get("signatures") or [{}]
    return base64.b64decode(sigs[0].get("sig", ""))


def main():
    bundles = sorted(glob.glob(os.path.join(CONF, "*", "bundle.sigstore.json")))
    bundles += sorted(glob.glob(os.path.join(DATA, "attacks", "*", "bundle.sigstore.json")))
    small_slsa = [p for p in sorted(glob.glob(os.path.join(DATA, "slsa-verifier", "**", "*.intoto.jsonl"), recursive=True))
                  if os.path.getsize(p) < 64 * 1024][:12]

    for path in bundles + small_slsa:
        raw = read(path)
        write("bundle_json", raw)
        try:
            b = json.loads(raw)
        except ValueError:
            continue
        if not isinstance(b, dict):
            continue
        case_dir = os.path.dirname(path)
        sel = root_index(case_dir)
        for e in (b.get("verificationMaterial") or {}).get("tlogEntries") or []:
            cp = ((e.get("inclusionProof") or {}).get("checkpoint") or {}).get("envelope")
            if cp:
                write("checkpoint", cp.encode())
        try:
            leaf = leaf_of(b)
            sig = signature_of(b)
        except (ValueError, KeyError, TypeError):
            continue
        if leaf:
            write("sct", bytes([1, sel]) + leaf)
            scts = sct_list(leaf)
            if scts:
                write("sct", bytes([0, 0]) + scts)
        for ts in ((b.get("verificationMaterial") or {}).get("timestampVerificationData") or {}).get("rfc3161Timestamps") or []:
            if len(sig) < 256:
                write("timestamp", bytes([sel, len(sig)]) + sig + base64.b64decode(ts["signedTimestamp"]))
        env = b.get("dsseEnvelope")
        if env:
            write("dsse", b"\0" + json.dumps(env).encode())
            try:
                write("dsse", b"\1" + base64.b64decode(env["payload"]))
            except (ValueError, KeyError):
                pass

    # tuf_update: selector byte (fuzz_targets/tuf_update.rs FILES order; 6 = state, 7 = root
    # the update starts from) + the real file it replaces.
    tuf = os.path.join(DATA, "tuf", "sigstore-production")
    for sel, rel in enumerate(["2026-08-21/metadata/timestamp.json",
                               "2026-08-21/metadata/snapshot.json",
                               "2026-08-21/metadata/targets.json",
                               "root_history/14.root.json",
                               "2026-08-21/metadata/root.json",
                               "2026-08-21/targets/trusted_root.json"]):
        write("tuf_update", bytes([sel]) + read(os.path.join(tuf, rel)))
    write("tuf_update", bytes([7]) + read(os.path.join(tuf, "root_history", "13.root.json")))

    trust_roots = sorted(glob.glob(os.path.join(CONF, "*", "trusted_root.json"))) + \
        sorted(glob.glob(os.path.join(DATA, "**", "trusted_root.json"), recursive=True)) + \
        [os.path.join(HERE, "..", "core", "trust", "production.trusted_root.json")]
    for path in trust_roots:
        write("trust_root", read(path))
    cbor_seeds(trust_roots)

    for i, name in enumerate(SLSA_FIXTURES):
        statement = read(os.path.join(DATA, "slsa", name + ".statement.json"))
        write("dsse", b"\1" + statement)
        for policy in range(6):
            write("slsa", bytes([(policy << 2) | i]) + statement)
        claims = json.loads(read(os.path.join(DATA, "slsa", name + ".claims.json")))
        lines = "\n".join(claims.get(k) or "" for k in CLAIM_ORDER).encode()
        write("slsa", bytes([3]) + lines)

    for i, name in enumerate(CASES):
        bundle = read(os.path.join(CONF, name, "bundle.sigstore.json"))
        write("verify", bytes([i]) + bundle)
        write("verify", bytes([i | 0x80]) + bundle)
        # verify_fields: a bit flip in each of the first sites, and one whole replacement.
        for site in range(0, 48, 3):
            write("verify_fields", bytes([i, site, 0]) + struct.pack("<H", 7 * site + 1) + b"\x01")
        write("verify_fields", bytes([i, 5, 3, 0, 0]) + b"AAAA")

    agent = os.path.join(HERE, "..", "agent")
    policies = [os.path.join(HERE, "..", "examples", "policy.toml")]
    policies += sorted(glob.glob(os.path.join(agent, "tests", "**", "*.toml"), recursive=True))
    for path in policies:
        if os.path.exists(path):
            write("policy_toml", read(path))
    # Policies written inline in the agent's tests (raw strings that start with a table).
    for path in sorted(glob.glob(os.path.join(agent, "**", "*.rs"), recursive=True)):
        text = read(path).decode("utf-8", "replace")
        for chunk in text.split('r#"')[1:]:
            body = chunk.split('"#')[0]
            if "[[rule]]" in body or "[trust_root]" in body:
                write("policy_toml", body.encode())

    # c_api: [mode][selector][buffer] (fuzz_targets/c_api.rs); bundles verify against the
    # embedded production root with the conformance identity.
    for name in ["happy-path-v0.1", "happy-path-v0.3", "happy-path-intoto-in-dsse-v3"]:
        bundle = read(os.path.join(CONF, name, "bundle.sigstore.json"))
        write("c_api", bytes([3, 40]) + bundle)
        write("c_api", bytes([4, 7]) + bundle)
    for path in sorted(glob.glob(os.path.join(CONF, "*", "trusted_root.json")))[:4]:
        write("c_api", bytes([0, 0]) + read(path))
    write("c_api", bytes([1, 0]) + b"https://github.com/o/r/.github/workflows/w.yml@refs/heads/main\0https://token.actions.githubusercontent.com")
    write("c_api", bytes([1, 1]) + b"github.com/slsa-framework/example-package\0v13.0.30\0")
    write("c_api", bytes([2, 0]) + read(os.path.join(CONF, "managed-key-happy-path", "key.pub")))

    # trust_root_pin: [file selector][4-byte steps] (fuzz_targets/trust_root_pin.rs): each
    # genuine file unchanged, and one change of each kind near its start, middle and end.
    for which in range(2 * len(ROOTS)):
        write("trust_root_pin", bytes([which]))
        for op in range(4):
            for at in (0, 0x8000, 0xfffe):
                write("trust_root_pin", bytes([which, op]) + struct.pack("<H", at) + b"\x41")

    # identity_regex: pattern, NUL, value. The identities and issuers of the vectors with the
    # patterns the tests use, and the escaping pattern.
    values = [
        "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main",
        "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@refs/tags/v2.1.0",
        "https://token.actions.githubusercontent.com",
        "a@example.com",
    ]
    patterns = [
        r"https://github\.com/slsa-framework/slsa-github-generator/\.github/workflows/generator_generic_slsa3\.yml@refs/tags/v2\.[0-9]+\.[0-9]+",
        r"https://github\.com/sigstore-conformance/.*",
        r".*@refs/heads/main",
        r"https://token\.actions\.githubusercontent\.com",
        r"https://github\.com/victim-org/.*)|(.*",
        r"a|ab",
        r"(?x) a @ example \. com # comment",
        r"[a-z]+@(?:example|test)\.com",
    ]
    for pattern in patterns:
        for value in values:
            write("identity_regex", pattern.encode() + b"\0" + value.encode())

    # hex: digests as the CLI and the policy take them, and their near misses.
    digest = "6494e21ea73fa7ee769f85f57d5a3e6a08725eae1e38c755fc3517c9e6bc0b66"
    for text in [digest, digest.upper(), "+a" * 32, digest[:63], digest + "0", "0x" + digest[2:]]:
        write("hex", text.encode())
    write("hex", bytes(range(32)))

    # p384_vs_ring (fuzz_targets/p384_vs_ring.rs): `signed` seeds (odd mode: secret, hash,
    # mutation, message) for every mutation kind, and `raw` seeds (even mode: point, hash,
    # signature length, signature, message) from Wycheproof's P-384 vectors, valid and not.
    for kind in range(8):
        secret = bytes(range(1 + kind, 49 + kind))
        write("p384_vs_ring", bytes([1, kind % 2, kind, 3, 0, 5]) + b"a message to sign")
        write("p384_vs_ring", bytes([3]) + secret + bytes([0, kind, 17, 0, 1]) + b"x" * 40)
    wycheproof = os.path.join(DATA, "wycheproof", "ecdsa_secp384r1_sha384_test.json")
    for group in json.loads(read(wycheproof))["testGroups"][:6]:
        point = bytes.fromhex(group["publicKey"]["uncompressed"])
        for case in group["tests"][:8]:
            sig, msg = bytes.fromhex(case["sig"]), bytes.fromhex(case["msg"])
            if len(sig) < 256:
                write("p384_vs_ring", bytes([0]) + point[1:] + bytes([0, len(sig)]) + sig + msg)

    # p256_vs_ring (fuzz_targets/p256_vs_ring.rs): the same for P-256 (32-byte secrets,
    # 64-byte points, Wycheproof's P-256 vectors), plus `embedded` seeds (mode 2: one of the
    # embedded root's log keys, with its static table, and a signature).
    for kind in range(8):
        secret = bytes(range(1 + kind, 33 + kind))
        write("p256_vs_ring", bytes([1, kind % 2, kind, 3, 0, 5]) + b"a message to sign")
        write("p256_vs_ring", bytes([3]) + secret + bytes([0, kind, 17, 0, 1]) + b"x" * 40)
    wycheproof = os.path.join(DATA, "wycheproof", "ecdsa_secp256r1_sha256_test.json")
    for group in json.loads(read(wycheproof))["testGroups"][:6]:
        point = bytes.fromhex(group["publicKey"]["uncompressed"])
        for case in group["tests"][:8]:
            sig, msg = bytes.fromhex(case["sig"]), bytes.fromhex(case["msg"])
            if len(sig) < 256:
                write("p256_vs_ring", bytes([0]) + point[1:] + bytes([1, len(sig)]) + sig + msg)
                write("p256_vs_ring", bytes([2, len(msg) % 3, 1, len(sig)]) + sig + msg)

    for target in sorted(os.listdir(CORPUS)):
        print(f"{target}: {len(os.listdir(os.path.join(CORPUS, target)))} seeds")


if __name__ == "__main__":
    main()
