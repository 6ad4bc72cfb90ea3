/*
 * Every sigstore-conformance bundle-verification case through the C API, as the upstream
 * harness decides it: a directory whose name ends in "fail" must be rejected, any other must
 * verify. Each case runs twice: from memory (ev_verify_bundle) and streamed from its files
 * (ev_verify_file). Every case that verifies is then tampered with three ways (one artifact
 * byte, one signature character, the expected identity) and must be denied (skipped with
 * --no-tamper, which the slow valgrind run uses: it looks for memory errors, not verdicts).
 * Usage: conformance_test CONFORMANCE_DIR SCRATCH_DIR [--no-tamper]
 * SPDX-License-Identifier: Apache-2.0
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdint.h>
#include <sys/stat.h>

#include "test_util.h"

static const char *data_dir, *scratch_dir;
static const struct ev_trust_root *production_root;
static int tamper = 1;

static int exists(const char *path) {
  struct stat st;
  return stat(path, &st) == 0;
}

/* The first line of a small text file, or `fallback` if there is no such file. */
static void read_line_or(const char *path, const char *fallback, char *out, size_t out_len) {
  size_t len;
  unsigned char *text = read_file(path, &len);
  const char *src = text != NULL ? (const char *)text : fallback;
  size_t n = strcspn(src, "\r\n");
  if (n >= out_len) FAIL("%s: line too long", path);
  memcpy(out, src, n);
  out[n] = 0;
  free(text);
}

struct verdicts {
  unsigned cases, checks, failures;
};

static void expect(struct verdicts *v, const char *name, const char *mode, uint32_t rc,
                   int must_pass) {
  v->checks++;
  char msg[1024];
  ev_last_error_detail(msg, sizeof msg, NULL);
  if (must_pass && rc != EV_RESULT_OK) {
    fprintf(stderr, "WRONG %s (%s): rejected with %u (%s), must verify\n", name, mode,
            (unsigned)rc, msg);
    v->failures++;
  } else if (!must_pass && rc == EV_RESULT_OK) {
    fprintf(stderr, "WRONG %s (%s): verified, must be rejected\n", name, mode);
    v->failures++;
  } else if (!must_pass) {
    printf("ok    %s (%s): rejected with %u%s: %s\n", name, mode, (unsigned)rc,
           ev_result_is_denial(rc) ? " (denial)" : "", msg);
  }
}

static void expect_denial(struct verdicts *v, const char *name, const char *mode, uint32_t rc,
                          uint32_t exactly) {
  v->checks++;
  if (rc == EV_RESULT_OK || !ev_result_is_denial(rc) || (exactly != 0 && rc != exactly)) {
    char msg[1024];
    ev_last_error_detail(msg, sizeof msg, NULL);
    fprintf(stderr, "WRONG %s (%s): got %u (%s), expected a denial %u\n", name, mode,
            (unsigned)rc, msg, (unsigned)exactly);
    v->failures++;
  }
}

static void run_case(const char *name, struct verdicts *v) {
  char dir[4096], path[4096], artifact_path[4096], bundle_path[4096];
  JOIN(dir, "%s/%s", data_dir, name);
  JOIN(bundle_path, "%s/bundle.sigstore.json", dir);
  if (!exists(bundle_path)) return;
  v->cases++;
  size_t name_len = strlen(name);
  int must_pass = !(name_len >= 4 && strcmp(name + name_len - 4, "fail") == 0);

  /* Trust root: the case's own, else the embedded production root. */
  const struct ev_trust_root *root = production_root;
  const struct ev_trust_root *own_root = NULL;
  JOIN(path, "%s/trusted_root.json", dir);
  size_t len;
  unsigned char *json = read_file(path, &len);
  if (json != NULL) {
    uint32_t rc = ev_trust_root_from_json(json, len, &own_root);
    free(json);
    if (rc != EV_RESULT_OK) {
      /* An unusable trust root is a valid way to reject a case, never to pass one. */
      expect(v, name, "trust root", rc, must_pass);
      return;
    }
    root = own_root;
  }

  /* Policy: the case's key, else its identity and issuer (or the suite's defaults). */
  struct ev_policy *policy = NULL;
  char identity[1024], issuer[1024];
  JOIN(path, "%s/key.pub", dir);
  unsigned char *pem = read_file(path, &len);
  int keyed = pem != NULL;
  if (keyed) {
    uint32_t rc = ev_policy_new_public_key(pem, len, &policy);
    free(pem);
    if (rc != EV_RESULT_OK) {
      /* An unusable key is a valid way to reject a case, never to pass one. */
      expect(v, name, "public key", rc, must_pass);
      ev_trust_root_free(own_root);
      return;
    }
  } else {
    JOIN(path, "%s/identity", dir);
    read_line_or(path, DEFAULT_IDENTITY, identity, sizeof identity);
    JOIN(path, "%s/issuer", dir);
    read_line_or(path, DEFAULT_ISSUER, issuer, sizeof issuer);
    CHECK_RC(ev_policy_new_identity(identity, issuer, &policy), EV_RESULT_OK);
  }

  JOIN(artifact_path, "%s/artifact", dir);
  if (!exists(artifact_path)) JOIN(artifact_path, "%s/a.txt", data_dir);
  size_t bundle_len, artifact_len;
  unsigned char *bundle = must_read(bundle_path, &bundle_len);
  unsigned char *artifact = must_read(artifact_path, &artifact_len);

  struct ev_verification *out = NULL;
  uint32_t rc = ev_verify_bundle(root, policy, bundle, bundle_len, artifact, artifact_len, &out);
  expect(v, name, "bytes", rc, must_pass);
  ev_verification_free(out);
  out = NULL;
  rc = ev_verify_file(root, policy, artifact_path, bundle_path, &out);
  expect(v, name, "file", rc, must_pass);
  ev_verification_free(out);
  out = NULL;

  if (must_pass && tamper) {
    /* 1. One byte of the artifact changed. */
    artifact[0] ^= 0x01;
    rc = ev_verify_bundle(root, policy, bundle, bundle_len, artifact, artifact_len, &out);
    expect_denial(v, name, "tampered artifact", rc, 0);
    artifact[0] ^= 0x01;
    CHECK(out == NULL);

    /* 2. One character of the signature changed. */
    if (tamper_signature(bundle)) {
      rc = ev_verify_bundle(root, policy, bundle, bundle_len, artifact, artifact_len, &out);
      expect_denial(v, name, "tampered signature", rc, 0);
      CHECK(out == NULL);
      /* The same, streamed from a file. */
      char tampered[4096];
      JOIN(tampered, "%s/%s.tampered.json", scratch_dir, name);
      write_file(tampered, bundle, bundle_len);
      rc = ev_verify_file(root, policy, artifact_path, tampered, &out);
      expect_denial(v, name, "tampered signature, file", rc, 0);
      CHECK(out == NULL);
      remove(tampered);
    } else {
      FAIL("%s: no signature found to tamper with", name);
    }

    /* 3. Someone else expected as the signer. */
    if (!keyed) {
      struct ev_policy *other = NULL;
      CHECK_RC(ev_policy_new_identity("https://github.com/someone/else/.github/workflows/"
                                      "release.yml@refs/heads/main",
                                      issuer, &other),
               EV_RESULT_OK);
      free(bundle); /* the signature was tampered with above: start again from the file */
      bundle = must_read(bundle_path, &bundle_len);
      rc = ev_verify_bundle(root, other, bundle, bundle_len, artifact, artifact_len, &out);
      expect_denial(v, name, "other identity", rc, EV_RESULT_IDENTITY_MISMATCH);
      CHECK(out == NULL);
      ev_policy_free(other);
    }
  }

  free(bundle);
  free(artifact);
  ev_policy_free(policy);
  ev_trust_root_free(own_root);
}

static int by_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv) {
  if (argc == 4 && strcmp(argv[3], "--no-tamper") == 0)
    tamper = 0;
  else if (argc != 3)
    FAIL("usage: %s CONFORMANCE_DIR SCRATCH_DIR [--no-tamper]", argv[0]);
  data_dir = argv[1];
  scratch_dir = argv[2];
  CHECK_RC(ev_trust_root_embedded(&production_root), EV_RESULT_OK);

  DIR *d = opendir(data_dir);
  if (d == NULL) FAIL("cannot open %s", data_dir);
  char *names[256];
  size_t count = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.') continue;
    if (count == sizeof names / sizeof *names) FAIL("too many entries");
    names[count] = strdup(e->d_name);
    CHECK(names[count] != NULL);
    count++;
  }
  closedir(d);
  qsort(names, count, sizeof *names, by_name);

  struct verdicts v = {0, 0, 0};
  for (size_t i = 0; i < count; i++) {
    run_case(names[i], &v);
    free(names[i]);
  }
  ev_trust_root_free(production_root);

  printf("conformance_test: %u cases, %u checks, %u wrong\n", v.cases, v.checks, v.failures);
  if (v.cases != 70) FAIL("expected the suite's 70 cases, found %u", v.cases);
  return v.failures == 0 ? 0 : 1;
}
