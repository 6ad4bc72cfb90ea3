/*
 * Issue 12 through the C API: every interoperability case (real bundles from other Sigstore
 * clients, test-instance scenarios) streamed from its files (ev_verify_file, which hashes the
 * artifact with every algorithm the bundle needs) and by each digest form
 * (ev_verify_bundle_artifact_digest), with the verdict and matched digest the manifest gives.
 * The manifest is written by ffi/tests/c_api.rs from each case's expectation.json (sigstore-go's
 * verdict) and core/tests/data/interop/DIFFERENCES.tsv, one check per line:
 *   CASE_DIR \t INPUT (file|sha256|sha384|sha512) \t GIVEN_HEX|- \t verified|rejected \t
 *   MATCHED (ALG_CODE:HEX)|-
 * Each digest input of a case whose file verified is also checked from that verification
 * (ev_verification_for_artifact_digest, a release's further artifacts), which must give the same
 * code and matched digest as the whole verification; and a foreign digest must be denied.
 * Usage: interop_test MANIFEST CHECKS RELEASE_MINIMUM (the number of lines, as a guard against a
 * short read; the fewest digests that must be checked from a file's verification)
 * SPDX-License-Identifier: Apache-2.0
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <sys/stat.h>

#include "test_util.h"

static const struct ev_trust_root *production_root;

static int exists(const char *path) {
  struct stat st;
  return stat(path, &st) == 0;
}

static void first_line(const char *path, char *out, size_t out_len) {
  size_t len;
  unsigned char *text = must_read(path, &len);
  size_t n = strcspn((const char *)text, "\r\n");
  if (n >= out_len) FAIL("%s: line too long", path);
  memcpy(out, text, n);
  out[n] = 0;
  free(text);
}

static size_t unhex(const char *hex, uint8_t *out, size_t cap) {
  size_t n = strlen(hex);
  if (n % 2 != 0 || n / 2 > cap) FAIL("bad hex %s", hex);
  for (size_t i = 0; i < n / 2; i++) {
    unsigned v;
    if (sscanf(hex + 2 * i, "%2x", &v) != 1) FAIL("bad hex %s", hex);
    out[i] = (uint8_t)v;
  }
  return n / 2;
}

static uint32_t algorithm_code(const char *name) {
  if (strcmp(name, "sha256") == 0) return EV_HASH_SHA256;
  if (strcmp(name, "sha384") == 0) return EV_HASH_SHA384;
  if (strcmp(name, "sha512") == 0) return EV_HASH_SHA512;
  FAIL("unknown algorithm %s", name);
}

/* The matched digest as "CODE:HEX". */
static void matched_text(const struct ev_verification *v, char *out, size_t out_len) {
  uint8_t digest[EV_MAX_DIGEST_LEN];
  size_t n = 0;
  uint32_t alg = 0;
  CHECK_RC(ev_verification_matched_digest(v, &alg, digest, sizeof digest, &n), EV_RESULT_OK);
  int w = snprintf(out, out_len, "%u:", (unsigned)alg);
  for (size_t i = 0; i < n && w > 0 && (size_t)w + 2 < out_len; i++)
    w += snprintf(out + w, out_len - (size_t)w, "%02x", digest[i]);
}

/* The API's own rules, on the first verified digest input: unknown algorithm and wrong
 * length are unusable parameters; a short output buffer writes nothing. */
static void check_contract(const struct ev_trust_root *root, const struct ev_policy *policy,
                           const unsigned char *bundle, size_t bundle_len, uint32_t alg,
                           const uint8_t *digest, size_t digest_len) {
  struct ev_verification *out = NULL;
  CHECK_RC(ev_verify_bundle_artifact_digest(root, policy, bundle, bundle_len, 99, digest,
                                            digest_len, &out),
           EV_RESULT_INVALID_PARAMETER);
  CHECK_RC(ev_verify_bundle_artifact_digest(root, policy, bundle, bundle_len, alg, digest,
                                            digest_len - 1, &out),
           EV_RESULT_INVALID_PARAMETER);
  CHECK_RC(ev_verify_bundle_artifact_digest(root, policy, bundle, bundle_len, alg, NULL,
                                            digest_len, &out),
           EV_RESULT_NULL_PARAMETER);
  CHECK(out == NULL);
  CHECK_RC(ev_verify_bundle_artifact_digest(root, policy, bundle, bundle_len, alg, digest,
                                            digest_len, &out),
           EV_RESULT_OK);
  uint8_t small[EV_MAX_DIGEST_LEN];
  memset(small, 0xAA, sizeof small);
  uint32_t code = 12345;
  size_t n = 777;
  CHECK_RC(ev_verification_matched_digest(out, &code, small, digest_len - 1, &n),
           EV_RESULT_INSUFFICIENT_SIZE);
  CHECK(code == 12345 && n == 777 && small[0] == 0xAA);
  CHECK_RC(ev_verification_matched_digest(out, &code, small, sizeof small, NULL),
           EV_RESULT_NULL_PARAMETER);
  CHECK_RC(ev_verification_matched_digest(out, &code, small, sizeof small, &n), EV_RESULT_OK);
  CHECK(code == alg && n == digest_len && memcmp(small, digest, n) == 0);
  ev_verification_free(out);
}

/* A trust root that cannot verify anything under the policy (for example one without a
 * transparency log, when the policy needs one) is refused as a configuration error, as the
 * CLI refuses it (exit 2): not verified, which is sigstore-go's verdict on those cases. */
static int trust_root_refused(uint32_t rc) {
  return rc >= EV_RESULT_TRUST_ROOT_MALFORMED_JSON && rc <= EV_RESULT_TRUST_ROOT_TOO_LARGE;
}

/* The same bundle for another artifact, from the verification of this case's file: the code
 * and matched digest of the whole verification (rc, whole), and a foreign digest denied. */
static void check_another_artifact(const struct ev_verification *first, uint32_t alg,
                                   const uint8_t *digest, size_t digest_len, uint32_t rc,
                                   const struct ev_verification *whole, const char *dir,
                                   unsigned *wrong) {
  struct ev_verification *again = NULL;
  uint32_t rc_again = ev_verification_for_artifact_digest(first, alg, digest, digest_len, &again);
  char a[256], b[256];
  if (rc_again != rc) {
    fprintf(stderr, "WRONG %s: for another artifact %u, whole verification %u\n", dir,
            (unsigned)rc_again, (unsigned)rc);
    (*wrong)++;
  } else if (rc == EV_RESULT_OK) {
    matched_text(again, a, sizeof a);
    matched_text(whole, b, sizeof b);
    if (strcmp(a, b) != 0) {
      fprintf(stderr, "WRONG %s: for another artifact matched %s, whole %s\n", dir, a, b);
      (*wrong)++;
    }
  }
  ev_verification_free(again);
  uint8_t foreign[EV_MAX_DIGEST_LEN];
  memcpy(foreign, digest, digest_len);
  foreign[0] ^= 1;
  again = NULL;
  rc_again = ev_verification_for_artifact_digest(first, alg, foreign, digest_len, &again);
  if (rc_again == EV_RESULT_OK || !ev_result_is_denial(rc_again) || again != NULL) {
    fprintf(stderr, "WRONG %s: a foreign digest gave %u\n", dir, (unsigned)rc_again);
    (*wrong)++;
  }
  CHECK_RC(ev_verification_for_artifact_digest(first, 99, digest, digest_len, &again),
           EV_RESULT_INVALID_PARAMETER);
  CHECK_RC(ev_verification_for_artifact_digest(NULL, alg, digest, digest_len, &again),
           EV_RESULT_NULL_PARAMETER);
  CHECK_RC(ev_verification_for_artifact_digest(first, alg, digest, digest_len, NULL),
           EV_RESULT_NULL_PARAMETER);
  CHECK(again == NULL);
}

int main(int argc, char **argv) {
  if (argc != 4) FAIL("usage: %s MANIFEST CHECKS RELEASE_MINIMUM", argv[0]);
  unsigned expected_checks = (unsigned)strtoul(argv[2], NULL, 10);
  unsigned release_minimum = (unsigned)strtoul(argv[3], NULL, 10);
  CHECK_RC(ev_trust_root_embedded(&production_root), EV_RESULT_OK);
  size_t manifest_len;
  char *manifest = (char *)must_read(argv[1], &manifest_len);
  unsigned checks = 0, wrong = 0, contract_checked = 0, release_checked = 0;
  /* The verification of the current case's file, for its digest inputs. */
  struct ev_verification *file_verified = NULL;
  char file_dir[4096] = "";
  char *save_line = NULL;
  for (char *line = strtok_r(manifest, "\n", &save_line); line != NULL;
       line = strtok_r(NULL, "\n", &save_line)) {
    char *save = NULL;
    const char *dir = strtok_r(line, "\t", &save);
    const char *input = strtok_r(NULL, "\t", &save);
    const char *given = strtok_r(NULL, "\t", &save);
    const char *expect = strtok_r(NULL, "\t", &save);
    const char *matched = strtok_r(NULL, "\t", &save);
    if (matched == NULL) FAIL("short manifest line");
    int must_verify = strcmp(expect, "verified") == 0;
    checks++;

    char path[4096], bundle_path[4096], artifact_path[4096];
    const struct ev_trust_root *root = production_root;
    const struct ev_trust_root *own_root = NULL;
    JOIN(path, "%s/trusted_root.json", dir);
    if (exists(path)) {
      size_t len;
      unsigned char *json = must_read(path, &len);
      uint32_t rc = ev_trust_root_from_json(json, len, &own_root);
      free(json);
      if (rc != EV_RESULT_OK) {
        /* An unusable trust root decides nothing: never a pass, never a denial. */
        if (must_verify || ev_result_is_denial(rc)) {
          fprintf(stderr, "WRONG %s %s: trust root gave %u\n", dir, input, (unsigned)rc);
          wrong++;
        }
        continue;
      }
      root = own_root;
    }

    struct ev_policy *policy = NULL;
    JOIN(path, "%s/key.pub", dir);
    if (exists(path)) {
      size_t len;
      unsigned char *pem = must_read(path, &len);
      CHECK_RC(ev_policy_new_public_key(pem, len, &policy), EV_RESULT_OK);
      free(pem);
    } else {
      char identity[2048], issuer[1024];
      JOIN(path, "%s/identity", dir);
      first_line(path, identity, sizeof identity);
      JOIN(path, "%s/issuer", dir);
      first_line(path, issuer, sizeof issuer);
      CHECK_RC(ev_policy_new_identity(identity, issuer, &policy), EV_RESULT_OK);
    }

    JOIN(bundle_path, "%s/bundle.sigstore.json", dir);
    JOIN(artifact_path, "%s/artifact", dir);
    struct ev_verification *out = NULL;
    uint32_t rc;
    if (strcmp(input, "file") == 0) {
      rc = ev_verify_file(root, policy, artifact_path, bundle_path, &out);
      ev_verification_free(file_verified);
      file_verified = NULL;
      if (rc == EV_RESULT_OK) {
        /* A second verification to keep: `out` is released below. */
        CHECK_RC(ev_verify_file(root, policy, artifact_path, bundle_path, &file_verified),
                 EV_RESULT_OK);
        JOIN(file_dir, "%s", dir);
      }
    } else {
      uint8_t digest[EV_MAX_DIGEST_LEN];
      size_t digest_len = unhex(given, digest, sizeof digest);
      uint32_t alg = algorithm_code(input);
      size_t bundle_len;
      unsigned char *bundle = must_read(bundle_path, &bundle_len);
      rc = ev_verify_bundle_artifact_digest(root, policy, bundle, bundle_len, alg, digest,
                                            digest_len, &out);
      if (rc == EV_RESULT_OK && !contract_checked) {
        check_contract(root, policy, bundle, bundle_len, alg, digest, digest_len);
        contract_checked = 1;
      }
      if (file_verified != NULL && strcmp(file_dir, dir) == 0) {
        check_another_artifact(file_verified, alg, digest, digest_len, rc, out, dir, &wrong);
        release_checked++;
      }
      free(bundle);
    }

    char msg[1024];
    if (must_verify && rc != EV_RESULT_OK) {
      fprintf(stderr, "WRONG %s %s: rejected with %u (%s), must verify\n", dir, input,
              (unsigned)rc, detail(msg, sizeof msg));
      wrong++;
    } else if (!must_verify && (rc == EV_RESULT_OK ||
                                (!ev_result_is_denial(rc) && !trust_root_refused(rc)))) {
      fprintf(stderr, "WRONG %s %s: got %u, must be denied\n", dir, input, (unsigned)rc);
      wrong++;
    } else if (rc == EV_RESULT_OK) {
      char got[256];
      matched_text(out, got, sizeof got);
      if (strcmp(got, matched) != 0) {
        fprintf(stderr, "WRONG %s %s: matched %s, expected %s\n", dir, input, got, matched);
        wrong++;
      }
    }
    ev_verification_free(out);
    ev_policy_free(policy);
    ev_trust_root_free(own_root);
  }
  ev_verification_free(file_verified);
  free(manifest);
  ev_trust_root_free(production_root);
  printf("interop_test: %u checks (%u from a file's verification), %u wrong\n", checks,
         release_checked, wrong);
  if (release_checked < release_minimum)
    FAIL("only %u digests checked from a file's verification", release_checked);
  if (!contract_checked) FAIL("no verified digest input to check the API contract on");
  if (checks != expected_checks || checks < 40)
    FAIL("%u checks, the manifest has %u", checks, expected_checks);
  return wrong == 0 ? 0 : 1;
}
