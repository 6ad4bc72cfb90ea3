/*
 * ev_trust_root_update from C on Sigstore's real TUF repository (the update root v13 -> v15 of
 * core/tests/data/tuf): the verified trusted root and state, the starting points (a persisted
 * state, a given TUF root, the embedded one), each time policy, refusals, and the contract
 * (NULLs, outputs untouched on failure). The Rust driver (tests/c_api.rs) lays out SCRATCH_DIR.
 * Usage: tuf_test SCRATCH_DIR
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdint.h>

#include "test_util.h"

#define SENTINEL ((void *)0x5a5a5a5a)

/* 2026-08-22T00:00:00Z and 2026-09-01T00:00:00Z (after the timestamp's expiry), in ms. */
#define IN_2026_MS UINT64_C(1787356800000)
#define AFTER_EXPIRY_MS UINT64_C(1788220800000)

/* SHA-256 of the embedded production trusted_root.json, which targets v14 publishes. */
static const uint8_t PRODUCTION_ROOT_SHA256[32] = {
    0x64, 0x94, 0xe2, 0x1e, 0xa7, 0x3f, 0xa7, 0xee, 0x76, 0x9f, 0x85, 0xf5, 0x7d, 0x5a, 0x3e, 0x6a,
    0x08, 0x72, 0x5e, 0xae, 0x1e, 0x38, 0xc7, 0x55, 0xfc, 0x35, 0x17, 0xc9, 0xe6, 0xbc, 0x0b, 0x66};

static char scratch[4096];

static const char *in_scratch(const char *name) {
  static char path[8192];
  snprintf(path, sizeof path, "%s/%s", scratch, name);
  return path;
}

/* Runs an update from `state` (or NULL) and checks its result code. */
static struct ev_tuf_update *update(const unsigned char *state, size_t state_len,
                                    const unsigned char *root, size_t root_len, const char *dir,
                                    uint32_t policy, uint64_t now, uint32_t expected) {
  struct ev_tuf_update *u = SENTINEL;
  char dir_path[8192];
  snprintf(dir_path, sizeof dir_path, "%s", in_scratch(dir));
  CHECK_RC(ev_trust_root_update(state, state_len, root, root_len, dir_path, policy, now, &u),
           expected);
  if (expected != EV_RESULT_OK) {
    CHECK(u == SENTINEL);
    return NULL;
  }
  CHECK(u != SENTINEL && u != NULL);
  return u;
}

/* The update installs the production trusted root: loadable, with the pinned SHA-256. */
static void check_installs_production_root(const struct ev_tuf_update *u) {
  const uint8_t *data = SENTINEL;
  size_t len = 0;
  CHECK_RC(ev_tuf_update_trusted_root(u, &data, &len), EV_RESULT_OK);
  size_t expected_len;
  unsigned char *expected = must_read(in_scratch("expected_trusted_root.json"), &expected_len);
  CHECK(len == expected_len && memcmp(data, expected, len) == 0);
  free(expected);
  const struct ev_trust_root *root = NULL;
  CHECK_RC(ev_trust_root_from_json(data, len, &root), EV_RESULT_OK);
  uint8_t sha[32];
  CHECK_RC(ev_trust_root_sha256(root, sha), EV_RESULT_OK);
  CHECK(memcmp(sha, PRODUCTION_ROOT_SHA256, 32) == 0);
  ev_trust_root_free(root);
}

static void test_signatures(void) {
  uint32_t (*f)(const uint8_t *, size_t, const uint8_t *, size_t, const char *, uint32_t,
                uint64_t, struct ev_tuf_update **) = ev_trust_root_update;
  uint32_t (*root)(const struct ev_tuf_update *, const uint8_t **, size_t *) =
      ev_tuf_update_trusted_root;
  uint32_t (*state)(const struct ev_tuf_update *, const uint8_t **, size_t *) =
      ev_tuf_update_state;
  void (*release)(struct ev_tuf_update *) = ev_tuf_update_free;
  CHECK(f && root && state && release);
}

int main(int argc, char **argv) {
  if (argc != 2) FAIL("usage: tuf_test SCRATCH_DIR");
  snprintf(scratch, sizeof scratch, "%s", argv[1]);
  test_signatures();
  size_t v13_len, root13_len;
  unsigned char *v13 = must_read(in_scratch("state_v13.json"), &v13_len);
  unsigned char *root13 = must_read(in_scratch("root_v13.json"), &root13_len);

  /* The real update from a v13 state, then again from the state it returned: unchanged. */
  struct ev_tuf_update *u =
      update(v13, v13_len, NULL, 0, "update", EV_TUF_TIME_TRUSTED_NOW, IN_2026_MS, EV_RESULT_OK);
  check_installs_production_root(u);
  const uint8_t *state = NULL;
  size_t state_len = 0;
  CHECK_RC(ev_tuf_update_state(u, &state, &state_len), EV_RESULT_OK);
  CHECK(state_len > 0 && state[0] == '{');
  struct ev_tuf_update *again = update(state, state_len, NULL, 0, "update",
                                       EV_TUF_TIME_TRUSTED_NOW, IN_2026_MS, EV_RESULT_OK);
  const uint8_t *state2 = NULL;
  size_t state2_len = 0;
  CHECK_RC(ev_tuf_update_state(again, &state2, &state2_len), EV_RESULT_OK);
  CHECK(state2_len == state_len && memcmp(state, state2, state_len) == 0);
  ev_tuf_update_free(again);
  /* A time before the one the new state has verified: nothing decided. */
  update(state, state_len, NULL, 0, "update", EV_TUF_TIME_TRUSTED_NOW, IN_2026_MS - 1,
         EV_RESULT_TRUST_ROOT_UPDATE_UNUSABLE);
  ev_tuf_update_free(u);

  /* Starting points: the embedded TUF root v15, a given TUF root v13. */
  u = update(NULL, 0, NULL, 0, "update", EV_TUF_TIME_TRUSTED_NOW, IN_2026_MS, EV_RESULT_OK);
  check_installs_production_root(u);
  ev_tuf_update_free(u);
  u = update(NULL, 0, root13, root13_len, "update", EV_TUF_TIME_TRUSTED_NOW, IN_2026_MS,
             EV_RESULT_OK);
  check_installs_production_root(u);
  ev_tuf_update_free(u);

  /* Time policies: the v13 state has verified 2025-07-10, before the 2026 expiries. */
  u = update(v13, v13_len, NULL, 0, "update", EV_TUF_TIME_NEWEST_VERIFIED, 0, EV_RESULT_OK);
  ev_tuf_update_free(u);
  update(v13, v13_len, NULL, 0, "update", EV_TUF_TIME_TRUSTED_NOW, AFTER_EXPIRY_MS,
         EV_RESULT_TRUST_ROOT_UPDATE_REFUSED);
  CHECK(ev_result_is_denial(EV_RESULT_TRUST_ROOT_UPDATE_REFUSED));
  u = update(v13, v13_len, NULL, 0, "update", EV_TUF_TIME_DANGER_SKIP_EXPIRY_CHECKS,
             AFTER_EXPIRY_MS, EV_RESULT_OK);
  ev_tuf_update_free(u);
  /* No verified time in a state made from a given root: NEWEST_VERIFIED decides nothing. */
  update(NULL, 0, root13, root13_len, "update", EV_TUF_TIME_NEWEST_VERIFIED, 0,
         EV_RESULT_TRUST_ROOT_UPDATE_UNUSABLE);

  /* Refusals: a target one byte off (a denial), a missing target (nothing decided). */
  update(v13, v13_len, NULL, 0, "tampered", EV_TUF_TIME_TRUSTED_NOW, IN_2026_MS,
         EV_RESULT_TRUST_ROOT_UPDATE_REFUSED);
  char detail[1024];
  ev_last_error_detail(detail, sizeof detail, NULL);
  CHECK(strstr(detail, "trusted_root.json") != NULL);
  update(v13, v13_len, NULL, 0, "no-target", EV_TUF_TIME_TRUSTED_NOW, IN_2026_MS,
         EV_RESULT_TRUST_ROOT_UPDATE_UNUSABLE);
  CHECK(!ev_result_is_denial(EV_RESULT_TRUST_ROOT_UPDATE_UNUSABLE));
  update(v13, v13_len, NULL, 0, "no-such-dir", EV_TUF_TIME_TRUSTED_NOW, IN_2026_MS,
         EV_RESULT_IO);
  /* A damaged state is not a starting point. */
  update(v13, v13_len - 1, NULL, 0, "update", EV_TUF_TIME_TRUSTED_NOW, IN_2026_MS,
         EV_RESULT_TRUST_ROOT_UPDATE_UNUSABLE);

  /* The contract: NULLs, unknown time policy, both starting points. */
  struct ev_tuf_update *out = SENTINEL;
  CHECK_RC(ev_trust_root_update(v13, v13_len, NULL, 0, NULL, EV_TUF_TIME_TRUSTED_NOW,
                                IN_2026_MS, &out),
           EV_RESULT_NULL_PARAMETER);
  CHECK(out == SENTINEL);
  CHECK_RC(ev_trust_root_update(v13, v13_len, NULL, 0, in_scratch("update"),
                                EV_TUF_TIME_TRUSTED_NOW, IN_2026_MS, NULL),
           EV_RESULT_NULL_PARAMETER);
  CHECK_RC(ev_trust_root_update(v13, v13_len, NULL, 0, in_scratch("update"), 99, IN_2026_MS, &out),
           EV_RESULT_INVALID_PARAMETER);
  CHECK_RC(ev_trust_root_update(v13, v13_len, root13, root13_len, in_scratch("update"),
                                EV_TUF_TIME_TRUSTED_NOW, IN_2026_MS, &out),
           EV_RESULT_INVALID_PARAMETER);
  CHECK(out == SENTINEL);
  const uint8_t *data = SENTINEL;
  size_t len = 0;
  CHECK_RC(ev_tuf_update_trusted_root(NULL, &data, &len), EV_RESULT_NULL_PARAMETER);
  CHECK(data == SENTINEL);
  CHECK_RC(ev_tuf_update_state(NULL, &data, &len), EV_RESULT_NULL_PARAMETER);
  ev_tuf_update_free(NULL);

  free(v13);
  free(root13);
  puts("tuf_test: ok");
  return 0;
}
