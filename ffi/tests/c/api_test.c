/*
 * The C API contract, checked from C: NULL handling, outputs written only on success, buffer
 * sizes, result codes and their classification, accessors on real verifications, file
 * streaming. Usage: api_test CONFORMANCE_DIR EXAMPLES_DIR SCRATCH_DIR
 * SPDX-License-Identifier: Apache-2.0
 */
/* mkfifo */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <sys/stat.h>

#include "test_util.h"

static const char *conformance_dir, *examples_dir, *scratch_dir;

/* A pointer value that no call may write: outputs must stay untouched on failure. */
#define SENTINEL ((void *)0x5a5a5a5a)

/* SHA-256 of the conformance suite's a.txt. */
static const uint8_t A_TXT_SHA256[32] = {
    0xa0, 0xcf, 0xc7, 0x12, 0x71, 0xd6, 0xe2, 0x78, 0xe5, 0x7c, 0xd3, 0x32, 0xff, 0x95, 0x7c, 0x3f,
    0x70, 0x43, 0xfd, 0xda, 0x35, 0x4c, 0x4c, 0xbb, 0x19, 0x0a, 0x30, 0xd5, 0x6e, 0xfa, 0x01, 0xbf};

/* SHA-256 of the embedded production trusted_root.json (core's EMBEDDED_PRODUCTION_SHA256). */
static const uint8_t PRODUCTION_ROOT_SHA256[32] = {
    0x64, 0x94, 0xe2, 0x1e, 0xa7, 0x3f, 0xa7, 0xee, 0x76, 0x9f, 0x85, 0xf5, 0x7d, 0x5a, 0x3e, 0x6a,
    0x08, 0x72, 0x5e, 0xae, 0x1e, 0x38, 0xc7, 0x55, 0xfc, 0x35, 0x17, 0xc9, 0xe6, 0xbc, 0x0b, 0x66};

#define SLSA_GENERIC_IDENTITY                                                       \
  "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/"      \
  "generator_generic_slsa3.yml@refs/tags/v2.1.0"

/*
 * The signatures fixed by the API's specification, exactly: assigning each function to a
 * pointer of the specified type does not compile (-Werror) if the header differs.
 */
static void test_signatures(void) {
  uint32_t (*trust_root_embedded)(const struct ev_trust_root **) = ev_trust_root_embedded;
  uint32_t (*trust_root_from_json)(const uint8_t *, size_t, const struct ev_trust_root **) =
      ev_trust_root_from_json;
  void (*trust_root_free)(const struct ev_trust_root *) = ev_trust_root_free;
  uint32_t (*policy_new_identity)(const char *, const char *, struct ev_policy **) =
      ev_policy_new_identity;
  uint32_t (*policy_new_slsa)(const char *, const char *, const char *, struct ev_policy **) =
      ev_policy_new_slsa;
  void (*policy_free)(struct ev_policy *) = ev_policy_free;
  uint32_t (*verify_bundle)(const struct ev_trust_root *, const struct ev_policy *,
                            const uint8_t *, size_t, const uint8_t *, size_t,
                            struct ev_verification **) = ev_verify_bundle;
  uint32_t (*verify_bundle_digest)(const struct ev_trust_root *, const struct ev_policy *,
                                   const uint8_t *, size_t, const uint8_t *,
                                   struct ev_verification **) = ev_verify_bundle_digest;
  uint32_t (*verify_file)(const struct ev_trust_root *, const struct ev_policy *, const char *,
                          const char *, struct ev_verification **) = ev_verify_file;
  uint32_t (*verification_identity)(const struct ev_verification *, char *, size_t, size_t *) =
      ev_verification_identity;
  void (*verification_free)(struct ev_verification *) = ev_verification_free;
  void (*result_message)(uint32_t, char *, size_t, size_t *) = ev_result_message;
  bool (*result_is_denial)(uint32_t) = ev_result_is_denial;
  const char *(*version)(void) = ev_version;
  CHECK(trust_root_embedded && trust_root_from_json && trust_root_free && policy_new_identity &&
        policy_new_slsa && policy_free && verify_bundle && verify_bundle_digest && verify_file &&
        verification_identity && verification_free && result_message && result_is_denial &&
        version);
}

static void test_version_and_messages(void) {
  char expected[32];
  JOIN(expected, "%d.%d.%d", EV_VERSION_MAJOR, EV_VERSION_MINOR, EV_VERSION_PATCH);
  CHECK(strcmp(ev_version(), expected) == 0);

  char buf[128];
  size_t n = 999;
  ev_result_message(EV_RESULT_OK, buf, sizeof buf, &n);
  CHECK(strcmp(buf, "success") == 0 && n == 7);
  ev_result_message(EV_RESULT_IDENTITY_MISMATCH, buf, sizeof buf, &n);
  CHECK(strstr(buf, "identity") != NULL && n == strlen(buf));
  ev_result_message(4242, buf, sizeof buf, &n);
  CHECK(strcmp(buf, "unknown result code") == 0);

  /* Truncation: always NUL-terminated, `n` counts the bytes before the NUL. */
  char small[4] = {'x', 'x', 'x', 'x'};
  ev_result_message(EV_RESULT_OK, small, sizeof small, &n);
  CHECK(n == 3 && memcmp(small, "suc", 4) == 0);
  /* No buffer: nothing written, n = 0; NULL out_n is allowed. */
  n = 999;
  ev_result_message(EV_RESULT_OK, NULL, 10, &n);
  CHECK(n == 0);
  ev_result_message(EV_RESULT_OK, small, 0, NULL);
  ev_result_message(EV_RESULT_OK, NULL, 0, NULL);
  ev_last_error_detail(NULL, 0, NULL);

  /* Every defined code has its own message, and only denial ranges are denials. */
  const uint32_t not_denials[] = {EV_RESULT_OK,
                                  EV_RESULT_NULL_PARAMETER,
                                  EV_RESULT_INVALID_PARAMETER,
                                  EV_RESULT_INSUFFICIENT_SIZE,
                                  EV_RESULT_PANIC,
                                  EV_RESULT_IO,
                                  EV_RESULT_NOT_PRESENT,
                                  EV_RESULT_UNEXPECTED_ERROR,
                                  EV_RESULT_NOT_REPRESENTABLE,
                                  EV_RESULT_TRUST_ROOT_MALFORMED_JSON,
                                  EV_RESULT_TRUST_ROOT_INVALID,
                                  EV_RESULT_TRUST_ROOT_UNSUPPORTED_MEDIA_TYPE,
                                  EV_RESULT_TRUST_ROOT_TOO_LARGE,
                                  EV_RESULT_TRUST_ROOT_UPDATE_UNUSABLE,
                                  1,
                                  999,
                                  2999,
                                  8000,
                                  UINT32_MAX};
  for (size_t i = 0; i < sizeof not_denials / sizeof *not_denials; i++)
    CHECK(!ev_result_is_denial(not_denials[i]));
  const uint32_t denials[] = {EV_RESULT_BUNDLE_MALFORMED_JSON,
                              EV_RESULT_BUNDLE_INVALID,
                              EV_RESULT_BUNDLE_UNSUPPORTED_MEDIA_TYPE,
                              EV_RESULT_LIMIT_EXCEEDED,
                              EV_RESULT_BUNDLE_UNSUITABLE,
                              EV_RESULT_DENIED,
                              EV_RESULT_SET_INVALID,
                              EV_RESULT_INCLUSION_PROOF_INVALID,
                              EV_RESULT_CHECKPOINT_INVALID,
                              EV_RESULT_LOG_ENTRY_MISMATCH,
                              EV_RESULT_UNSUPPORTED_LOG_ENTRY_KIND,
                              EV_RESULT_LOG_THRESHOLD_NOT_MET,
                              EV_RESULT_TIMESTAMP_INVALID,
                              EV_RESULT_NO_VERIFIED_TIME,
                              EV_RESULT_CERTIFICATE_INVALID,
                              EV_RESULT_CERTIFICATE_CHAIN_INVALID,
                              EV_RESULT_SCT_INVALID,
                              EV_RESULT_SIGNATURE_INVALID,
                              EV_RESULT_ARTIFACT_DIGEST_MISMATCH,
                              EV_RESULT_DSSE_INVALID,
                              EV_RESULT_UNSUPPORTED_ALGORITHM,
                              EV_RESULT_PUBLIC_KEY_INVALID,
                              EV_RESULT_IDENTITY_MISMATCH,
                              EV_RESULT_ISSUER_MISMATCH,
                              EV_RESULT_PROVENANCE_REJECTED,
                              EV_RESULT_TRUST_ROOT_UPDATE_REFUSED};
  for (size_t i = 0; i < sizeof denials / sizeof *denials; i++) {
    CHECK(ev_result_is_denial(denials[i]));
    ev_result_message(denials[i], buf, sizeof buf, &n);
    CHECK(strcmp(buf, "unknown result code") != 0);
  }
}

static const struct ev_trust_root *test_trust_roots(void) {
  const struct ev_trust_root *root = SENTINEL;
  char d[1024];

  CHECK_RC(ev_trust_root_embedded(NULL), EV_RESULT_NULL_PARAMETER);
  CHECK(strstr(detail(d, sizeof d), "root_out") != NULL);
  CHECK_RC(ev_trust_root_from_json(NULL, 10, &root), EV_RESULT_NULL_PARAMETER);
  CHECK(root == SENTINEL);
  CHECK_RC(ev_trust_root_from_json((const uint8_t *)"{", 1, &root),
           EV_RESULT_TRUST_ROOT_MALFORMED_JSON);
  CHECK(root == SENTINEL);
  CHECK(strstr(detail(d, sizeof d), "trust root") != NULL);

  /* The conformance suite's production root is the embedded one: same SHA-256. */
  char path[4096];
  JOIN(path, "%s/default_trusted_root.production.json", conformance_dir);
  size_t len;
  unsigned char *json = must_read(path, &len);
  const struct ev_trust_root *from_file = NULL;
  CHECK_RC(ev_trust_root_from_json(json, len, &from_file), EV_RESULT_OK);

  /* The same document with an unknown media type is refused, as configuration error. */
  char *media = strstr((char *)json, "trustedroot");
  CHECK(media != NULL);
  media[0] = 'x';
  uint32_t rc = ev_trust_root_from_json(json, len, &root);
  CHECK(rc == EV_RESULT_TRUST_ROOT_UNSUPPORTED_MEDIA_TYPE && !ev_result_is_denial(rc));
  CHECK(root == SENTINEL);
  free(json); /* inputs are never retained */
  CHECK_RC(ev_trust_root_embedded(&root), EV_RESULT_OK);
  uint8_t a[32], b[32];
  CHECK_RC(ev_trust_root_sha256(root, a), EV_RESULT_OK);
  CHECK_RC(ev_trust_root_sha256(from_file, b), EV_RESULT_OK);
  CHECK(memcmp(a, PRODUCTION_ROOT_SHA256, 32) == 0 && memcmp(b, a, 32) == 0);
  CHECK_RC(ev_trust_root_sha256(NULL, a), EV_RESULT_NULL_PARAMETER);
  CHECK_RC(ev_trust_root_sha256(root, NULL), EV_RESULT_NULL_PARAMETER);
  ev_trust_root_free(from_file);
  ev_trust_root_free(NULL);
  return root;
}

static void test_policies(void) {
  struct ev_policy *p = SENTINEL;
  CHECK_RC(ev_policy_new_identity(NULL, DEFAULT_ISSUER, &p), EV_RESULT_NULL_PARAMETER);
  CHECK_RC(ev_policy_new_identity(DEFAULT_IDENTITY, NULL, &p), EV_RESULT_NULL_PARAMETER);
  CHECK_RC(ev_policy_new_identity(DEFAULT_IDENTITY, DEFAULT_ISSUER, NULL),
           EV_RESULT_NULL_PARAMETER);
  CHECK_RC(ev_policy_new_identity("", DEFAULT_ISSUER, &p), EV_RESULT_INVALID_PARAMETER);
  CHECK_RC(ev_policy_new_identity("\xff\xfe", DEFAULT_ISSUER, &p), EV_RESULT_INVALID_PARAMETER);
  CHECK(p == SENTINEL);

  CHECK_RC(ev_policy_new_slsa(NULL, NULL, NULL, &p), EV_RESULT_NULL_PARAMETER);
  CHECK_RC(ev_policy_new_slsa("github.com/org/repo", "\xff", NULL, &p),
           EV_RESULT_INVALID_PARAMETER);
  CHECK(p == SENTINEL);
  CHECK_RC(ev_policy_new_slsa("github.com/org/repo", NULL, NULL, &p), EV_RESULT_OK);
  ev_policy_free(p);
  CHECK_RC(ev_policy_new_slsa("github.com/org/repo", "v1.0.0", SLSA_GENERIC_IDENTITY, &p),
           EV_RESULT_OK);
  ev_policy_free(p);

  /* Matching kinds: each string must parse as what its kind says. */
  p = SENTINEL;
  CHECK_RC(ev_policy_new_identity_matching(NULL, EV_MATCH_REGEX, DEFAULT_ISSUER, EV_MATCH_EXACT,
                                           &p),
           EV_RESULT_NULL_PARAMETER);
  CHECK_RC(ev_policy_new_identity_matching(DEFAULT_IDENTITY, EV_MATCH_EXACT, DEFAULT_ISSUER, 2,
                                           &p),
           EV_RESULT_INVALID_PARAMETER);
  char d[1024];
  CHECK(strstr(detail(d, sizeof d), "issuer_match is 2") != NULL);
  CHECK_RC(ev_policy_new_identity_matching("https://(unclosed", EV_MATCH_REGEX, DEFAULT_ISSUER,
                                           EV_MATCH_EXACT, &p),
           EV_RESULT_INVALID_PARAMETER);
  /* The same text is a fine exact string. */
  CHECK(p == SENTINEL);
  CHECK_RC(ev_policy_new_identity_matching("https://(unclosed", EV_MATCH_EXACT, DEFAULT_ISSUER,
                                           EV_MATCH_EXACT, &p),
           EV_RESULT_OK);
  ev_policy_free(p);

  p = SENTINEL;
  CHECK_RC(ev_policy_new_slsa_with_options("github.com/org/repo", "v1.0.0", "v1", NULL, NULL, &p),
           EV_RESULT_INVALID_PARAMETER);
  CHECK(strstr(detail(d, sizeof d), "mutually exclusive") != NULL);
  CHECK_RC(ev_policy_new_slsa_with_options("github.com/org/repo", NULL, "one.two", NULL, NULL,
                                           &p),
           EV_RESULT_INVALID_PARAMETER);
  CHECK_RC(ev_policy_new_slsa_with_options("github.com/org/repo", NULL, NULL, "", NULL, &p),
           EV_RESULT_INVALID_PARAMETER);
  CHECK_RC(ev_policy_new_slsa_with_options(NULL, NULL, "v1", NULL, NULL, &p),
           EV_RESULT_NULL_PARAMETER);
  CHECK(p == SENTINEL);

  p = SENTINEL;
  const char *garbage = "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n";
  CHECK_RC(ev_policy_new_public_key((const uint8_t *)garbage, strlen(garbage), &p),
           EV_RESULT_INVALID_PARAMETER);
  CHECK_RC(ev_policy_new_public_key(NULL, 0, &p), EV_RESULT_NULL_PARAMETER);
  CHECK(p == SENTINEL);
  ev_policy_free(NULL);
}

/* The happy-path v0.3 bundle and its artifact (a.txt), read into memory; the caller frees
 * both. */
static void read_happy_path(unsigned char **bundle, size_t *bundle_len, unsigned char **artifact,
                            size_t *artifact_len) {
  char path[4096];
  JOIN(path, "%s/happy-path-v0.3/bundle.sigstore.json", conformance_dir);
  *bundle = must_read(path, bundle_len);
  JOIN(path, "%s/a.txt", conformance_dir);
  *artifact = must_read(path, artifact_len);
}

static void test_verify_arguments(const struct ev_trust_root *root) {
  struct ev_policy *policy = NULL;
  CHECK_RC(ev_policy_new_identity(DEFAULT_IDENTITY, DEFAULT_ISSUER, &policy), EV_RESULT_OK);
  size_t bundle_len, artifact_len;
  unsigned char *bundle, *artifact;
  read_happy_path(&bundle, &bundle_len, &artifact, &artifact_len);
  char path[4096];
  JOIN(path, "%s/a.txt", conformance_dir);
  struct ev_verification *v = SENTINEL;

  CHECK_RC(ev_verify_bundle(NULL, policy, bundle, bundle_len, artifact, artifact_len, &v),
           EV_RESULT_NULL_PARAMETER);
  CHECK_RC(ev_verify_bundle(root, NULL, bundle, bundle_len, artifact, artifact_len, &v),
           EV_RESULT_NULL_PARAMETER);
  CHECK_RC(ev_verify_bundle(root, policy, NULL, bundle_len, artifact, artifact_len, &v),
           EV_RESULT_NULL_PARAMETER);
  CHECK_RC(ev_verify_bundle(root, policy, bundle, bundle_len, NULL, artifact_len, &v),
           EV_RESULT_NULL_PARAMETER);
  CHECK_RC(ev_verify_bundle(root, policy, bundle, bundle_len, artifact, artifact_len, NULL),
           EV_RESULT_NULL_PARAMETER);
  CHECK_RC(ev_verify_bundle_digest(root, policy, bundle, bundle_len, NULL, &v),
           EV_RESULT_NULL_PARAMETER);
  CHECK_RC(ev_verify_file(root, policy, NULL, path, &v), EV_RESULT_NULL_PARAMETER);
  CHECK_RC(ev_verify_file(root, policy, path, NULL, &v), EV_RESULT_NULL_PARAMETER);
  CHECK(v == SENTINEL);

  /* An empty artifact is a valid input (NULL with length 0), just not this bundle's. */
  CHECK_RC(ev_verify_bundle(root, policy, bundle, bundle_len, NULL, 0, &v),
           EV_RESULT_ARTIFACT_DIGEST_MISMATCH);
  CHECK(v == SENTINEL);

  /* Malformed and truncated bundles are denials with a line/column detail. */
  const char *not_json = "this is not a bundle";
  uint32_t rc = ev_verify_bundle(root, policy, (const uint8_t *)not_json, strlen(not_json),
                                 artifact, artifact_len, &v);
  CHECK(rc == EV_RESULT_BUNDLE_MALFORMED_JSON && ev_result_is_denial(rc));
  char d[1024];
  CHECK(strstr(detail(d, sizeof d), "line 1") != NULL);
  CHECK_RC(ev_verify_bundle(root, policy, bundle, bundle_len / 2, artifact, artifact_len, &v),
           EV_RESULT_BUNDLE_MALFORMED_JSON);
  CHECK(v == SENTINEL);

  /* A bundle signed with a certificate cannot be checked against a key policy. */
  JOIN(path, "%s/managed-key-happy-path/key.pub", conformance_dir);
  size_t pem_len;
  unsigned char *pem = must_read(path, &pem_len);
  struct ev_policy *key_policy = NULL;
  CHECK_RC(ev_policy_new_public_key(pem, pem_len, &key_policy), EV_RESULT_OK);
  free(pem);
  rc = ev_verify_bundle(root, key_policy, bundle, bundle_len, artifact, artifact_len, &v);
  CHECK(rc == EV_RESULT_BUNDLE_UNSUITABLE && ev_result_is_denial(rc));
  ev_policy_free(key_policy);

  free(bundle);
  free(artifact);
  ev_policy_free(policy);
}

static void test_accessors(const struct ev_trust_root *root) {
  struct ev_policy *policy = NULL;
  CHECK_RC(ev_policy_new_identity(DEFAULT_IDENTITY, DEFAULT_ISSUER, &policy), EV_RESULT_OK);
  size_t bundle_len, artifact_len;
  unsigned char *bundle, *artifact;
  read_happy_path(&bundle, &bundle_len, &artifact, &artifact_len);

  struct ev_verification *v = NULL;
  CHECK_RC(ev_verify_bundle(root, policy, bundle, bundle_len, artifact, artifact_len, &v),
           EV_RESULT_OK);
  /* The verification does not refer to its inputs. */
  memset(bundle, 0, bundle_len);
  memset(artifact, 0, artifact_len);
  free(bundle);
  free(artifact);
  ev_policy_free(policy);

  char buf[512];
  size_t n = 0;
  CHECK_RC(ev_verification_identity(v, buf, sizeof buf, &n), EV_RESULT_OK);
  CHECK(strcmp(buf, DEFAULT_IDENTITY) == 0 && n == strlen(DEFAULT_IDENTITY));
  CHECK_RC(ev_verification_issuer(v, buf, sizeof buf, &n), EV_RESULT_OK);
  CHECK(strcmp(buf, DEFAULT_ISSUER) == 0 && n == strlen(DEFAULT_ISSUER));

  /* Too small by one (no room for the NUL): nothing is written. */
  char tight[sizeof DEFAULT_ISSUER];
  memset(tight, '#', sizeof tight);
  n = 12345;
  CHECK_RC(ev_verification_issuer(v, tight, sizeof tight - 1, &n), EV_RESULT_INSUFFICIENT_SIZE);
  CHECK(n == 12345 && tight[0] == '#' && tight[sizeof tight - 2] == '#');
  CHECK_RC(ev_verification_issuer(v, tight, sizeof tight, &n), EV_RESULT_OK);
  CHECK(strcmp(tight, DEFAULT_ISSUER) == 0);
  CHECK_RC(ev_verification_identity(NULL, buf, sizeof buf, &n), EV_RESULT_NULL_PARAMETER);
  CHECK_RC(ev_verification_identity(v, NULL, sizeof buf, &n), EV_RESULT_NULL_PARAMETER);
  CHECK_RC(ev_verification_identity(v, buf, sizeof buf, NULL), EV_RESULT_NULL_PARAMETER);

  /* Times: integrated time from the verified SET (the bundle says 1710869186). */
  uint64_t t = 0;
  CHECK_RC(ev_verification_integrated_time(v, &t), EV_RESULT_OK);
  CHECK(t == 1710869186u);
  uint64_t times[EV_MAX_VERIFIED_TIMES];
  times[0] = 7;
  n = 99;
  CHECK_RC(ev_verification_verified_times(v, times, 0, &n), EV_RESULT_INSUFFICIENT_SIZE);
  CHECK(n == 99 && times[0] == 7);
  CHECK_RC(ev_verification_verified_times(v, times, EV_MAX_VERIFIED_TIMES, &n), EV_RESULT_OK);
  CHECK(n == 1 && times[0] == 1710869186u);
  CHECK_RC(ev_verification_integrated_time(v, NULL), EV_RESULT_NULL_PARAMETER);

  uint64_t index = 0;
  CHECK_RC(ev_verification_log_index(v, &index), EV_RESULT_OK);
  CHECK(index == 79571823u);

  uint8_t sha[32];
  CHECK_RC(ev_verification_artifact_sha256(v, sha), EV_RESULT_OK);
  CHECK(memcmp(sha, A_TXT_SHA256, 32) == 0);

  /* A message signature has no statement and, without a SLSA policy, no provenance. */
  const uint8_t *data = SENTINEL;
  size_t data_len = 77;
  CHECK_RC(ev_verification_statement(v, &data, &data_len), EV_RESULT_NOT_PRESENT);
  CHECK_RC(ev_verification_provenance(v, &data, &data_len), EV_RESULT_NOT_PRESENT);
  CHECK(data == SENTINEL && data_len == 77);
  ev_verification_free(v);
  ev_verification_free(NULL);
}

static void test_digest(const struct ev_trust_root *root) {
  struct ev_policy *policy = NULL;
  CHECK_RC(ev_policy_new_identity(DEFAULT_IDENTITY, DEFAULT_ISSUER, &policy), EV_RESULT_OK);
  char path[4096];
  size_t bundle_len;
  JOIN(path, "%s/happy-path-v0.3/bundle.sigstore.json", conformance_dir);
  unsigned char *bundle = must_read(path, &bundle_len);

  struct ev_verification *v = NULL;
  CHECK_RC(ev_verify_bundle_digest(root, policy, bundle, bundle_len, A_TXT_SHA256, &v),
           EV_RESULT_OK);
  uint8_t sha[32];
  CHECK_RC(ev_verification_artifact_sha256(v, sha), EV_RESULT_OK);
  CHECK(memcmp(sha, A_TXT_SHA256, 32) == 0);
  ev_verification_free(v);

  uint8_t wrong[32];
  memcpy(wrong, A_TXT_SHA256, 32);
  wrong[31] ^= 1;
  v = SENTINEL;
  uint32_t rc = ev_verify_bundle_digest(root, policy, bundle, bundle_len, wrong, &v);
  CHECK(rc == EV_RESULT_ARTIFACT_DIGEST_MISMATCH && ev_result_is_denial(rc) && v == SENTINEL);
  free(bundle);
  ev_policy_free(policy);
}

/* What the bundle's content decides is a denial, whether the artifact or its digest is given,
 * and both give the same code (core/tests/data/attacks/<scenario>). */
static void test_content_decides(const struct ev_trust_root *root) {
  char path[4096];
  size_t artifact_len;
  JOIN(path, "%s/a.txt", conformance_dir);
  unsigned char *artifact = must_read(path, &artifact_len);
  struct ev_policy *policy = NULL;
  CHECK_RC(ev_policy_new_identity(DEFAULT_IDENTITY, DEFAULT_ISSUER, &policy), EV_RESULT_OK);
  static const struct {
    const char *scenario;
    uint32_t by_bytes, by_digest;
  } cases[] = {
      /* The unsigned messageDigest hint names SHA2_512; the log recorded SHA-256. */
      {"message-digest-hint-sha512", EV_RESULT_LOG_ENTRY_MISMATCH, EV_RESULT_LOG_ENTRY_MISMATCH},
      /* The leaf's public-key BIT STRING declares an unused bit. */
      {"certificate-key-unused-bits", EV_RESULT_CERTIFICATE_INVALID,
       EV_RESULT_CERTIFICATE_INVALID},
      /* The log body records SHA-512: from a SHA-256 alone the evidence cannot be matched. */
      {"log-entry-records-sha512", EV_RESULT_SET_INVALID, EV_RESULT_BUNDLE_UNSUITABLE},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    size_t bundle_len;
    JOIN(path, "%s/../attacks/%s/bundle.sigstore.json", conformance_dir, cases[i].scenario);
    unsigned char *bundle = must_read(path, &bundle_len);
    struct ev_verification *v = SENTINEL;
    uint32_t rc = ev_verify_bundle(root, policy, bundle, bundle_len, artifact, artifact_len, &v);
    CHECK(rc == cases[i].by_bytes && ev_result_is_denial(rc) && v == SENTINEL);
    rc = ev_verify_bundle_digest(root, policy, bundle, bundle_len, A_TXT_SHA256, &v);
    CHECK(rc == cases[i].by_digest && ev_result_is_denial(rc) && v == SENTINEL);
    free(bundle);
  }
  free(artifact);
  ev_policy_free(policy);
}

static void test_files(const struct ev_trust_root *root) {
  struct ev_policy *policy = NULL;
  CHECK_RC(ev_policy_new_identity(DEFAULT_IDENTITY, DEFAULT_ISSUER, &policy), EV_RESULT_OK);
  char bundle_path[4096], artifact_path[4096], missing[4096], big[4096];
  JOIN(bundle_path, "%s/happy-path-v0.3/bundle.sigstore.json", conformance_dir);
  JOIN(artifact_path, "%s/a.txt", conformance_dir);
  JOIN(missing, "%s/does-not-exist", scratch_dir);
  struct ev_verification *v = SENTINEL;
  char d[1024];

  uint32_t rc = ev_verify_file(root, policy, missing, bundle_path, &v);
  CHECK(rc == EV_RESULT_IO && !ev_result_is_denial(rc));
  CHECK(strstr(detail(d, sizeof d), "does-not-exist") != NULL);
  CHECK_RC(ev_verify_file(root, policy, artifact_path, missing, &v), EV_RESULT_IO);
  /* A directory, a FIFO (no writer: reading would block) and a device (never ends) are
     refused without being read. */
  CHECK_RC(ev_verify_file(root, policy, artifact_path, scratch_dir, &v), EV_RESULT_IO);
  CHECK(v == SENTINEL);
  char fifo[4096];
  JOIN(fifo, "%s/fifo", scratch_dir);
  CHECK(mkfifo(fifo, 0600) == 0);
  CHECK_RC(ev_verify_file(root, policy, artifact_path, fifo, &v), EV_RESULT_IO);
  CHECK(strstr(detail(d, sizeof d), "not a regular file") != NULL);
  CHECK_RC(ev_verify_file(root, policy, fifo, bundle_path, &v), EV_RESULT_IO);
  CHECK(strstr(detail(d, sizeof d), "not a regular file") != NULL);
  remove(fifo);
  CHECK_RC(ev_verify_file(root, policy, "/dev/zero", bundle_path, &v), EV_RESULT_IO);
  CHECK(strstr(detail(d, sizeof d), "not a regular file") != NULL);
  CHECK_RC(ev_verify_file(root, policy, artifact_path, "/dev/zero", &v), EV_RESULT_IO);
  CHECK(v == SENTINEL);

  /* A bundle file over the 4 MiB limit is refused before parsing. */
  JOIN(big, "%s/big.json", scratch_dir);
  size_t big_len = 4 * 1024 * 1024 + 1;
  unsigned char *spaces = malloc(big_len);
  CHECK(spaces != NULL);
  memset(spaces, ' ', big_len);
  write_file(big, spaces, big_len);
  free(spaces);
  rc = ev_verify_file(root, policy, artifact_path, big, &v);
  CHECK(rc == EV_RESULT_LIMIT_EXCEEDED && ev_result_is_denial(rc) && v == SENTINEL);
  remove(big);

  CHECK_RC(ev_verify_file(root, policy, artifact_path, bundle_path, &v), EV_RESULT_OK);
  uint8_t sha[32];
  CHECK_RC(ev_verification_artifact_sha256(v, sha), EV_RESULT_OK);
  CHECK(memcmp(sha, A_TXT_SHA256, 32) == 0);
  ev_verification_free(v);
  ev_policy_free(policy);
}

/* Identity regular expressions match the whole value, never a part of it. */
static void test_identity_regex(const struct ev_trust_root *root) {
  size_t bundle_len, artifact_len;
  unsigned char *bundle, *artifact;
  read_happy_path(&bundle, &bundle_len, &artifact, &artifact_len);
  static const struct {
    const char *identity;
    uint32_t identity_match;
    const char *issuer;
    uint32_t issuer_match;
    uint32_t expected;
  } cases[] = {
      {"https://github\\.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.*",
       EV_MATCH_REGEX, DEFAULT_ISSUER, EV_MATCH_EXACT, EV_RESULT_OK},
      {DEFAULT_IDENTITY, EV_MATCH_EXACT, "https://token\\.actions\\.githubusercontent\\.com",
       EV_MATCH_REGEX, EV_RESULT_OK},
      {".*@refs/heads/main", EV_MATCH_REGEX, ".*", EV_MATCH_REGEX, EV_RESULT_OK},
      /* A prefix is not a match: the pattern is anchored at both ends. */
      {"https://github\\.com/sigstore-conformance/", EV_MATCH_REGEX, DEFAULT_ISSUER,
       EV_MATCH_EXACT, EV_RESULT_IDENTITY_MISMATCH},
      {".*@refs/heads/release", EV_MATCH_REGEX, DEFAULT_ISSUER, EV_MATCH_EXACT,
       EV_RESULT_IDENTITY_MISMATCH},
      {DEFAULT_IDENTITY, EV_MATCH_EXACT, "https://token\\.actions\\.github", EV_MATCH_REGEX,
       EV_RESULT_ISSUER_MISMATCH},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    struct ev_policy *policy = NULL;
    CHECK_RC(ev_policy_new_identity_matching(cases[i].identity, cases[i].identity_match,
                                             cases[i].issuer, cases[i].issuer_match, &policy),
             EV_RESULT_OK);
    struct ev_verification *v = NULL;
    CHECK_RC(ev_verify_bundle(root, policy, bundle, bundle_len, artifact, artifact_len, &v),
             cases[i].expected);
    if (cases[i].expected == EV_RESULT_OK) {
      char buf[512];
      size_t n = 0;
      /* The verification reports the certificate's identity, not the pattern. */
      CHECK_RC(ev_verification_identity(v, buf, sizeof buf, &n), EV_RESULT_OK);
      CHECK(strcmp(buf, DEFAULT_IDENTITY) == 0);
    }
    ev_verification_free(v);
    ev_policy_free(policy);
  }

  /* A pattern is a regular expression by itself: one that would close a pasted-on anchor
   * group (and so match any identity) is refused, with the regex engine's reason; it never
   * reaches a verification. */
  static const char *const escaping[] = {
      "https://github\\.com/victim-org/.*)|(.*",
      ".*)|(.*",
  };
  for (size_t i = 0; i < sizeof escaping / sizeof escaping[0]; i++) {
    struct ev_policy *policy = SENTINEL;
    uint32_t rc = ev_policy_new_identity_matching(escaping[i], EV_MATCH_REGEX, DEFAULT_ISSUER,
                                                  EV_MATCH_EXACT, &policy);
    CHECK(rc == EV_RESULT_INVALID_PARAMETER && !ev_result_is_denial(rc));
    CHECK(policy == SENTINEL);
    char d[1024];
    CHECK(strstr(detail(d, sizeof d), "identity: unopened group") != NULL);
  }
  free(bundle);
  free(artifact);
}

/* What ev_trust_root_sha256 reports is the digest of the bytes loaded: for the compact CBOR
 * form, the CBOR file's own (written with its digest by the test harness), never the JSON's it
 * was compiled from; a changed file reports another. A root that can never verify (here, one
 * with nothing in it) loads, and every verification with it is a trust-root error, not a
 * denial. */
static void test_trust_root_forms(void) {
  char path[4096];
  size_t cbor_len, sha_len;
  JOIN(path, "%s/production.cbor", scratch_dir);
  unsigned char *cbor = must_read(path, &cbor_len);
  JOIN(path, "%s/production.cbor.sha256", scratch_dir);
  unsigned char *expected = must_read(path, &sha_len);
  CHECK(sha_len == 32);
  const struct ev_trust_root *root = NULL;
  CHECK_RC(ev_trust_root_from_json(cbor, cbor_len, &root), EV_RESULT_OK);
  uint8_t sha[32];
  CHECK_RC(ev_trust_root_sha256(root, sha), EV_RESULT_OK);
  CHECK(memcmp(sha, expected, 32) == 0);
  CHECK(memcmp(sha, PRODUCTION_ROOT_SHA256, 32) != 0);
  ev_trust_root_free(root);
  /* The middle byte is inside a certificate, which is not parsed at load: the changed file
   * still loads. */
  cbor[cbor_len / 2] ^= 1;
  CHECK_RC(ev_trust_root_from_json(cbor, cbor_len, &root), EV_RESULT_OK);
  CHECK_RC(ev_trust_root_sha256(root, sha), EV_RESULT_OK);
  CHECK(memcmp(sha, expected, 32) != 0 && memcmp(sha, PRODUCTION_ROOT_SHA256, 32) != 0);
  ev_trust_root_free(root);
  free(cbor);
  free(expected);

  static const char empty[] = "{\"mediaType\":\"application/vnd.dev.sigstore.trustedroot+json;version=0.1\"}";
  CHECK_RC(ev_trust_root_from_json((const uint8_t *)empty, strlen(empty), &root), EV_RESULT_OK);
  struct ev_policy *policy = NULL;
  CHECK_RC(ev_policy_new_identity(DEFAULT_IDENTITY, DEFAULT_ISSUER, &policy), EV_RESULT_OK);
  size_t bundle_len, artifact_len;
  unsigned char *bundle, *artifact;
  read_happy_path(&bundle, &bundle_len, &artifact, &artifact_len);
  struct ev_verification *v = SENTINEL;
  uint32_t rc = ev_verify_bundle(root, policy, bundle, bundle_len, artifact, artifact_len, &v);
  CHECK(rc == EV_RESULT_TRUST_ROOT_INVALID && !ev_result_is_denial(rc) && v == SENTINEL);
  char d[1024];
  CHECK(strstr(detail(d, sizeof d), "no transparency log") != NULL);
  free(bundle);
  free(artifact);
  ev_policy_free(policy);
  ev_trust_root_free(root);
}

/* The README's artifact: a SLSA generic-generator build and its DSSE provenance bundle. */
static void test_example_artifact(const struct ev_trust_root *root) {
  char artifact[4096], bundle[4096], tampered[4096];
  JOIN(artifact, "%s/binary-linux-amd64", examples_dir);
  JOIN(bundle, "%s/binary-linux-amd64.intoto.jsonl", examples_dir);
  struct ev_policy *policy = NULL;
  CHECK_RC(ev_policy_new_identity(SLSA_GENERIC_IDENTITY, DEFAULT_ISSUER, &policy), EV_RESULT_OK);

  struct ev_verification *v = NULL;
  CHECK_RC(ev_verify_file(root, policy, artifact, bundle, &v), EV_RESULT_OK);
  uint64_t t = 0, index = 0;
  CHECK_RC(ev_verification_integrated_time(v, &t), EV_RESULT_OK);
  CHECK(t == 1740520730u);
  CHECK_RC(ev_verification_log_index(v, &index), EV_RESULT_OK);
  CHECK(index == 174304204u);
  const uint8_t *statement = NULL;
  size_t statement_len = 0;
  CHECK_RC(ev_verification_statement(v, &statement, &statement_len), EV_RESULT_OK);
  CHECK(statement != NULL && statement_len > 100);
  /* Not NUL-terminated: copy before using string functions. */
  char *copy = malloc(statement_len + 1);
  CHECK(copy != NULL);
  memcpy(copy, statement, statement_len);
  copy[statement_len] = 0;
  CHECK(strstr(copy, "https://slsa.dev/provenance/v0.2") != NULL);
  CHECK(strstr(copy, "376e7e01348585b6e6643bc6663146b9d525d9b41228bf180eaeb4d4a3706caa") != NULL);
  free(copy);
  ev_verification_free(v);

  /* One flipped byte in the binary: a denial naming the artifact. */
  size_t len;
  unsigned char *bytes = must_read(artifact, &len);
  bytes[len / 2] ^= 0x01;
  JOIN(tampered, "%s/binary-linux-amd64.tampered", scratch_dir);
  write_file(tampered, bytes, len);
  free(bytes);
  v = SENTINEL;
  uint32_t rc = ev_verify_file(root, policy, tampered, bundle, &v);
  CHECK(rc != EV_RESULT_OK && ev_result_is_denial(rc) && v == SENTINEL);
  remove(tampered);
  ev_policy_free(policy);

  /* SLSA (slsa-verifier semantics): the right source and builder verify and lend the
   * provenance; a wrong source or a tag the build does not have are provenance denials, whose
   * detail names slsa-verifier's error. */
  struct ev_policy *slsa = NULL;
  CHECK_RC(ev_policy_new_slsa("github.com/slsa-framework/example-package", NULL,
                              SLSA_GENERIC_IDENTITY, &slsa),
           EV_RESULT_OK);
  CHECK_RC(ev_verify_file(root, slsa, artifact, bundle, &v), EV_RESULT_OK);
  const uint8_t *prov = NULL;
  size_t prov_len = 0;
  CHECK_RC(ev_verification_provenance(v, &prov, &prov_len), EV_RESULT_OK);
  copy = malloc(prov_len + 1);
  CHECK(copy != NULL);
  memcpy(copy, prov, prov_len);
  copy[prov_len] = 0;
  CHECK(strstr(copy, "376e7e01348585b6e6643bc6663146b9d525d9b41228bf180eaeb4d4a3706caa") != NULL);
  free(copy);
  ev_verification_free(v);
  ev_policy_free(slsa);

  char d[1024];
  CHECK_RC(ev_policy_new_slsa("github.com/evil/example-package", NULL, NULL, &slsa), EV_RESULT_OK);
  v = SENTINEL;
  rc = ev_verify_file(root, slsa, artifact, bundle, &v);
  CHECK(rc == EV_RESULT_PROVENANCE_REJECTED && ev_result_is_denial(rc) && v == SENTINEL);
  CHECK(strstr(detail(d, sizeof d), "ErrorMismatchSource") != NULL);
  ev_policy_free(slsa);
  CHECK_RC(ev_policy_new_slsa("github.com/slsa-framework/example-package", "v9.9.9", NULL, &slsa),
           EV_RESULT_OK);
  CHECK_RC(ev_verify_file(root, slsa, artifact, bundle, &v), EV_RESULT_PROVENANCE_REJECTED);
  ev_policy_free(slsa);

  /* The build ran on branch main, from no tag: another branch is a denial, and so is any
   * versioned-tag requirement (slsa-verifier's ErrorInvalidRef: the build ref is no tag); the
   * right branch verifies. */
  CHECK_RC(ev_policy_new_slsa_with_options("github.com/slsa-framework/example-package", NULL,
                                           NULL, "main", SLSA_GENERIC_IDENTITY, &slsa),
           EV_RESULT_OK);
  CHECK_RC(ev_verify_file(root, slsa, artifact, bundle, &v), EV_RESULT_OK);
  ev_verification_free(v);
  ev_policy_free(slsa);
  const char *denied[][3] = {{NULL, "release-1.0", "ErrorMismatchBranch"},
                             {"v2", NULL, "ErrorInvalidRef"},
                             {"v2.1", "main", "ErrorInvalidRef"}};
  for (size_t i = 0; i < sizeof denied / sizeof denied[0]; i++) {
    CHECK_RC(ev_policy_new_slsa_with_options("github.com/slsa-framework/example-package", NULL,
                                             denied[i][0], denied[i][1], NULL, &slsa),
             EV_RESULT_OK);
    v = SENTINEL;
    CHECK_RC(ev_verify_file(root, slsa, artifact, bundle, &v), EV_RESULT_PROVENANCE_REJECTED);
    CHECK(v == SENTINEL);
    CHECK(strstr(detail(d, sizeof d), denied[i][2]) != NULL);
    ev_policy_free(slsa);
  }

  /* A builder that is not on GitHub is a bad argument, not a denial. */
  slsa = SENTINEL;
  CHECK_RC(ev_policy_new_slsa("github.com/org/repo", NULL, "https://gitlab.com/org/builder@v1",
                              &slsa),
           EV_RESULT_INVALID_PARAMETER);
  CHECK(slsa == SENTINEL);
}

int main(int argc, char **argv) {
  if (argc != 4) FAIL("usage: %s CONFORMANCE_DIR EXAMPLES_DIR SCRATCH_DIR", argv[0]);
  conformance_dir = argv[1];
  examples_dir = argv[2];
  scratch_dir = argv[3];

  test_signatures();
  test_version_and_messages();
  const struct ev_trust_root *root = test_trust_roots();
  test_policies();
  test_verify_arguments(root);
  test_accessors(root);
  test_digest(root);
  test_content_decides(root);
  test_files(root);
  test_identity_regex(root);
  test_trust_root_forms();
  test_example_artifact(root);
  ev_trust_root_free(root);
  printf("api_test: all checks passed\n");
  return 0;
}
