/*
 * ev_verify_image_layout from C over the nine real `cosign save` layouts of slsa-verifier's
 * Test_runVerifyGHAArtifactImage (an image built by generator_container_slsa3 v1.4.0 ... v2.1.0,
 * with its legacy cosign .att provenance): SLSA and identity policies, both directions.
 *
 *   image_test OCI_DATA_DIR   (core/tests/data/oci/slsa-verifier-gha_generic_container)
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdint.h>

#include "test_util.h"

static const char *data_dir;

static const char *const VERSIONS[] = {"v1.4.0", "v1.5.0", "v1.6.0", "v1.7.0", "v1.8.0",
                                       "v1.9.0", "v1.10.0", "v2.0.0", "v2.1.0"};

#define GENERATOR                                                                       \
  "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/"          \
  "generator_container_slsa3.yml"
#define SOURCE "github.com/slsa-framework/example-package"
#define ISSUER "https://token.actions.githubusercontent.com"

static int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

/* The image digest from `<version>/container_workflow_dispatch.digest` ("sha256:<hex>"). */
static void image_digest(const char *version, uint8_t out[32]) {
  char path[4096];
  JOIN(path, "%s/%s/container_workflow_dispatch.digest", data_dir, version);
  size_t len = 0;
  unsigned char *text = must_read(path, &len);
  CHECK(len >= 7 + 64 && memcmp(text, "sha256:", 7) == 0);
  for (size_t i = 0; i < 32; i++) {
    int hi = hex_value((char)text[7 + 2 * i]), lo = hex_value((char)text[8 + 2 * i]);
    CHECK(hi >= 0 && lo >= 0);
    out[i] = (uint8_t)(hi * 16 + lo);
  }
  free(text);
}

static void layout(const char *version, char *buf, size_t len) {
  int n = snprintf(buf, len, "%s/%s/container_workflow_dispatch", data_dir, version);
  if (n < 0 || (size_t)n >= len) FAIL("path too long");
}

static void identity_of(const struct ev_verification *v, char *buf, size_t len) {
  size_t n = 0;
  CHECK_RC(ev_verification_identity(v, buf, len, &n), EV_RESULT_OK);
}

/* slsa-verifier verify-image --source-uri: every builder version verifies; another source is
 * a provenance denial. */
static void test_slsa(const struct ev_trust_root *root) {
  struct ev_policy *policy = NULL, *other = NULL;
  CHECK_RC(ev_policy_new_slsa(SOURCE, NULL, NULL, &policy), EV_RESULT_OK);
  CHECK_RC(ev_policy_new_slsa("github.com/slsa-framework/other", NULL, NULL, &other),
           EV_RESULT_OK);
  for (size_t i = 0; i < sizeof VERSIONS / sizeof VERSIONS[0]; i++) {
    char dir[4096], id[1024], want[1024];
    uint8_t digest[32];
    layout(VERSIONS[i], dir, sizeof dir);
    image_digest(VERSIONS[i], digest);
    struct ev_verification *v = NULL;
    CHECK_RC(ev_verify_image_layout(root, policy, dir, digest, NULL, &v), EV_RESULT_OK);
    identity_of(v, id, sizeof id);
    JOIN(want, "%s@refs/tags/%s", GENERATOR, VERSIONS[i]);
    if (strcmp(id, want) != 0) FAIL("%s: identity %s", VERSIONS[i], id);
    const uint8_t *prov = NULL;
    size_t prov_len = 0;
    CHECK_RC(ev_verification_provenance(v, &prov, &prov_len), EV_RESULT_OK);
    CHECK(prov_len > 0 && memchr(prov, '{', prov_len) != NULL);
    ev_verification_free(v);

    v = NULL;
    uint32_t rc = ev_verify_image_layout(root, other, dir, digest, NULL, &v);
    CHECK(rc == EV_RESULT_PROVENANCE_REJECTED && ev_result_is_denial(rc) && v == NULL);
    char d[1024];
    CHECK(strstr(detail(d, sizeof d), "source") != NULL);
  }
  /* With an SLSA policy the provenance attestation is checked: no attestation type. */
  char dir[4096];
  uint8_t digest[32];
  layout("v2.1.0", dir, sizeof dir);
  image_digest("v2.1.0", digest);
  struct ev_verification *v = NULL;
  CHECK_RC(ev_verify_image_layout(root, policy, dir, digest, "slsaprovenance", &v),
           EV_RESULT_INVALID_PARAMETER);
  ev_policy_free(policy);
  ev_policy_free(other);
}

/* cosign verify-attestation --type slsaprovenance with the certificate identity. */
static void test_identity(const struct ev_trust_root *root) {
  char dir[4096], d[1024];
  uint8_t digest[32];
  layout("v2.0.0", dir, sizeof dir);
  image_digest("v2.0.0", digest);
  struct ev_policy *policy = NULL, *wrong = NULL;
  CHECK_RC(ev_policy_new_identity(GENERATOR "@refs/tags/v2.0.0", ISSUER, &policy), EV_RESULT_OK);
  CHECK_RC(ev_policy_new_identity(GENERATOR "@refs/tags/v9.9.9", ISSUER, &wrong), EV_RESULT_OK);

  struct ev_verification *v = NULL;
  CHECK_RC(ev_verify_image_layout(root, policy, dir, digest, "slsaprovenance", &v), EV_RESULT_OK);
  const uint8_t *statement = NULL;
  size_t statement_len = 0;
  CHECK_RC(ev_verification_statement(v, &statement, &statement_len), EV_RESULT_OK);
  CHECK(statement_len > 0);
  ev_verification_free(v);
  CHECK_RC(ev_verify_image_layout(root, policy, dir, digest, "any", &v), EV_RESULT_OK);
  ev_verification_free(v);
  CHECK_RC(ev_verify_image_layout(root, policy, dir, digest,
                                  "https://slsa.dev/provenance/v0.2", &v),
           EV_RESULT_OK);
  ev_verification_free(v);

  v = NULL;
  /* Another signer: an identity denial. */
  CHECK_RC(ev_verify_image_layout(root, wrong, dir, digest, "slsaprovenance", &v),
           EV_RESULT_IDENTITY_MISMATCH);
  /* The layout holds no image signature (.sig), and no attestation of another type. */
  CHECK_RC(ev_verify_image_layout(root, policy, dir, digest, NULL, &v),
           EV_RESULT_IMAGE_EVIDENCE_INVALID);
  CHECK(ev_result_is_denial(EV_RESULT_IMAGE_EVIDENCE_INVALID));
  CHECK_RC(ev_verify_image_layout(root, policy, dir, digest, "slsaprovenance1", &v),
           EV_RESULT_IMAGE_EVIDENCE_INVALID);
  /* Another image's digest: the layout's attestation names another subject. */
  uint8_t other[32];
  memcpy(other, digest, sizeof other);
  other[31] ^= 1;
  CHECK_RC(ev_verify_image_layout(root, policy, dir, other, "slsaprovenance", &v),
           EV_RESULT_ARTIFACT_DIGEST_MISMATCH);
  /* The evidence of v2.1.0's image is not v2.0.0's. */
  uint8_t newer[32];
  image_digest("v2.1.0", newer);
  CHECK_RC(ev_verify_image_layout(root, policy, dir, newer, "slsaprovenance", &v),
           EV_RESULT_ARTIFACT_DIGEST_MISMATCH);
  CHECK(v == NULL);

  /* What decides nothing: not a layout, an unknown type, NULLs. */
  CHECK_RC(ev_verify_image_layout(root, policy, data_dir, digest, "slsaprovenance", &v),
           EV_RESULT_INVALID_PARAMETER);
  CHECK(strstr(detail(d, sizeof d), "not an OCI image layout") != NULL);
  CHECK(!ev_result_is_denial(EV_RESULT_INVALID_PARAMETER));
  CHECK_RC(ev_verify_image_layout(root, policy, dir, digest, "nonsense", &v),
           EV_RESULT_INVALID_PARAMETER);
  CHECK_RC(ev_verify_image_layout(NULL, policy, dir, digest, NULL, &v), EV_RESULT_NULL_PARAMETER);
  CHECK_RC(ev_verify_image_layout(root, NULL, dir, digest, NULL, &v), EV_RESULT_NULL_PARAMETER);
  CHECK_RC(ev_verify_image_layout(root, policy, NULL, digest, NULL, &v), EV_RESULT_NULL_PARAMETER);
  CHECK_RC(ev_verify_image_layout(root, policy, dir, NULL, NULL, &v), EV_RESULT_NULL_PARAMETER);
  CHECK_RC(ev_verify_image_layout(root, policy, dir, digest, NULL, NULL),
           EV_RESULT_NULL_PARAMETER);
  CHECK(v == NULL);
  ev_policy_free(policy);
  ev_policy_free(wrong);
}

int main(int argc, char **argv) {
  if (argc != 2) FAIL("usage: %s OCI_DATA_DIR", argv[0]);
  data_dir = argv[1];
  uint32_t (*verify_image_layout)(const struct ev_trust_root *, const struct ev_policy *,
                                  const char *, const uint8_t *, const char *,
                                  struct ev_verification **) = ev_verify_image_layout;
  CHECK(verify_image_layout != NULL);
  const struct ev_trust_root *root = NULL;
  CHECK_RC(ev_trust_root_embedded(&root), EV_RESULT_OK);
  test_slsa(root);
  test_identity(root);
  ev_trust_root_free(root);
  printf("image_test: all checks passed\n");
  return 0;
}
