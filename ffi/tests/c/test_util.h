/*
 * Helpers shared by the C tests of libedgeverify. Written against edgeverify.h only.
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef EV_TEST_UTIL_H
#define EV_TEST_UTIL_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "edgeverify.h"

/* The conformance suite's default expectations (see its README.md). */
#define DEFAULT_IDENTITY                                                                  \
  "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/"       \
  ".github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main"
#define DEFAULT_ISSUER "https://token.actions.githubusercontent.com"

#define FAIL(...)                                        \
  do {                                                   \
    fprintf(stderr, "%s:%d: ", __FILE__, __LINE__);      \
    fprintf(stderr, __VA_ARGS__);                        \
    fputc('\n', stderr);                                 \
    exit(1);                                             \
  } while (0)

#define CHECK(cond)                                      \
  do {                                                   \
    if (!(cond)) FAIL("check failed: %s", #cond);        \
  } while (0)

/* Evaluates `call` once and fails unless it returned `expected`; prints the detail if not. */
#define CHECK_RC(call, expected)                                                        \
  do {                                                                                  \
    uint32_t rc_ = (call);                                                              \
    uint32_t want_ = (uint32_t)(expected);                                              \
    if (rc_ != want_) {                                                                 \
      char detail_[1024];                                                               \
      ev_last_error_detail(detail_, sizeof detail_, NULL);                              \
      FAIL("%s returned %u, expected %u (%s)", #call, (unsigned)rc_, (unsigned)want_,   \
           detail_);                                                                    \
    }                                                                                   \
  } while (0)

/* Reads a whole file into a new buffer (NUL-terminated for convenience). */
static inline unsigned char *read_file(const char *path, size_t *len_out) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) return NULL;
  size_t cap = 4096, len = 0;
  unsigned char *buf = malloc(cap + 1);
  if (buf == NULL) FAIL("out of memory");
  for (;;) {
    size_t n = fread(buf + len, 1, cap - len, f);
    len += n;
    if (len < cap) break;
    cap *= 2;
    unsigned char *grown = realloc(buf, cap + 1);
    if (grown == NULL) FAIL("out of memory");
    buf = grown;
  }
  if (ferror(f)) FAIL("cannot read %s: %s", path, strerror(errno));
  fclose(f);
  buf[len] = 0;
  *len_out = len;
  return buf;
}

static inline unsigned char *must_read(const char *path, size_t *len_out) {
  unsigned char *buf = read_file(path, len_out);
  if (buf == NULL) FAIL("cannot open %s: %s", path, strerror(errno));
  return buf;
}

static inline void write_file(const char *path, const unsigned char *data, size_t len) {
  FILE *f = fopen(path, "wb");
  if (f == NULL || fwrite(data, 1, len, f) != len || fclose(f) != 0)
    FAIL("cannot write %s: %s", path, strerror(errno));
}

/* snprintf into a fixed buffer, failing on truncation. */
#define JOIN(buf, ...)                                                       \
  do {                                                                       \
    int n_ = snprintf((buf), sizeof(buf), __VA_ARGS__);                      \
    if (n_ < 0 || (size_t)n_ >= sizeof(buf)) FAIL("path too long");         \
  } while (0)

/*
 * Changes one character inside the base64 value of the first "signature" or "sig" member of a
 * bundle, so the signature no longer matches anything. Returns 0 if no such member exists.
 */
static inline int tamper_signature(unsigned char *json) {
  static const char *const keys[] = {"\"signature\"", "\"sig\""};
  for (size_t k = 0; k < 2; k++) {
    char *p = strstr((char *)json, keys[k]);
    if (p == NULL) continue;
    p += strlen(keys[k]);
    while (*p == ' ' || *p == ':') p++;
    if (*p != '"') continue;
    p += 11; /* well inside any signature's base64 */
    *p = (*p == 'A') ? 'B' : 'A';
    return 1;
  }
  return 0;
}

/* The current thread's last error detail, in a static-per-call buffer supplied by the caller. */
static inline const char *detail(char *buf, size_t len) {
  ev_last_error_detail(buf, len, NULL);
  return buf;
}

#endif /* EV_TEST_UTIL_H */
