/*
 * Many threads sharing one trust root and one policy (plus a second root for Rekor v2): every
 * thread verifies good and tampered bundles concurrently and must get exactly the verdicts a
 * single thread gets, and its own last-error detail.
 * Usage: threads_test CONFORMANCE_DIR THREADS ITERATIONS
 * SPDX-License-Identifier: Apache-2.0
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdint.h>

#include "test_util.h"

/* Shared, read-only after main() sets them up. */
static const struct ev_trust_root *production_root, *rekor2_root;
static const struct ev_policy *policy;
static unsigned char *v03_bundle, *rekor2_bundle, *artifact, *tampered_artifact;
static size_t v03_len, rekor2_len, artifact_len;
static int iterations;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned wrong, verified, denied;

static void record(int ok_verified, int ok_denied, int is_wrong) {
  pthread_mutex_lock(&lock);
  verified += (unsigned)ok_verified;
  denied += (unsigned)ok_denied;
  wrong += (unsigned)is_wrong;
  pthread_mutex_unlock(&lock);
}

static void *worker(void *arg) {
  (void)arg;
  for (int i = 0; i < iterations; i++) {
    struct ev_verification *v = NULL;
    char buf[512];
    size_t n = 0;

    /* Good bundle, production root: verified, with the expected identity. */
    uint32_t rc = ev_verify_bundle(production_root, policy, v03_bundle, v03_len, artifact,
                                   artifact_len, &v);
    int ok = rc == EV_RESULT_OK &&
             ev_verification_identity(v, buf, sizeof buf, &n) == EV_RESULT_OK &&
             strcmp(buf, DEFAULT_IDENTITY) == 0;
    ev_verification_free(v);
    v = NULL;
    record(ok, 0, !ok);

    /* Tampered artifact: a denial, and this thread's detail says why. */
    rc = ev_verify_bundle(production_root, policy, v03_bundle, v03_len, tampered_artifact,
                          artifact_len, &v);
    ev_last_error_detail(buf, sizeof buf, &n);
    ok = rc == EV_RESULT_ARTIFACT_DIGEST_MISMATCH && v == NULL &&
         strstr(buf, "artifact digest") != NULL;
    record(0, ok, !ok);

    /* Rekor v2 bundle with its own root: verified (time from an RFC 3161 timestamp). */
    rc = ev_verify_bundle(rekor2_root, policy, rekor2_bundle, rekor2_len, artifact,
                          artifact_len, &v);
    uint64_t t = 0;
    ok = rc == EV_RESULT_OK && ev_verification_integrated_time(v, &t) == EV_RESULT_NOT_PRESENT;
    ev_verification_free(v);
    v = NULL;
    record(ok, 0, !ok);
  }
  return NULL;
}

int main(int argc, char **argv) {
  if (argc != 4) FAIL("usage: %s CONFORMANCE_DIR THREADS ITERATIONS", argv[0]);
  const char *dir = argv[1];
  int threads = atoi(argv[2]);
  iterations = atoi(argv[3]);
  if (threads < 1 || threads > 256 || iterations < 1) FAIL("bad THREADS or ITERATIONS");

  char path[4096];
  size_t len;
  CHECK_RC(ev_trust_root_embedded(&production_root), EV_RESULT_OK);
  JOIN(path, "%s/rekor2-happy-path/trusted_root.json", dir);
  unsigned char *json = must_read(path, &len);
  CHECK_RC(ev_trust_root_from_json(json, len, &rekor2_root), EV_RESULT_OK);
  free(json);
  struct ev_policy *p = NULL;
  CHECK_RC(ev_policy_new_identity(DEFAULT_IDENTITY, DEFAULT_ISSUER, &p), EV_RESULT_OK);
  policy = p;

  JOIN(path, "%s/happy-path-v0.3/bundle.sigstore.json", dir);
  v03_bundle = must_read(path, &v03_len);
  JOIN(path, "%s/rekor2-happy-path/bundle.sigstore.json", dir);
  rekor2_bundle = must_read(path, &rekor2_len);
  JOIN(path, "%s/a.txt", dir);
  artifact = must_read(path, &artifact_len);
  tampered_artifact = malloc(artifact_len);
  CHECK(tampered_artifact != NULL);
  memcpy(tampered_artifact, artifact, artifact_len);
  tampered_artifact[artifact_len - 1] ^= 0x20;

  pthread_t *ids = calloc((size_t)threads, sizeof *ids);
  CHECK(ids != NULL);
  for (int i = 0; i < threads; i++)
    if (pthread_create(&ids[i], NULL, worker, NULL) != 0) FAIL("pthread_create");
  for (int i = 0; i < threads; i++)
    if (pthread_join(ids[i], NULL) != 0) FAIL("pthread_join");
  free(ids);

  unsigned expected_verified = 2u * (unsigned)threads * (unsigned)iterations;
  unsigned expected_denied = (unsigned)threads * (unsigned)iterations;
  printf("threads_test: %d threads x %d iterations: %u verified, %u denied, %u wrong\n",
         threads, iterations, verified, denied, wrong);

  ev_policy_free(p);
  ev_trust_root_free(production_root);
  ev_trust_root_free(rekor2_root);
  free(v03_bundle);
  free(rekor2_bundle);
  free(artifact);
  free(tampered_artifact);
  return (wrong == 0 && verified == expected_verified && denied == expected_denied) ? 0 : 1;
}
