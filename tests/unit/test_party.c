/* Unit tests: party ids and the order of members (party.c), and that the
** rounding breaks ties in that order also for party ids (round.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include "coopsim/party.h"
#include "coopsim/round.h"

static void ids(void **state) {
  (void)state;
  cs_error err;
  static const char *const good[] = {"P01", "Helgeland_RR", "KS-Nord", "a", "H1x", "H",
                                     "Abcdefghijklmnop"};
  for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
    if (cs_party_id_check(good[i], NULL, &err)) fail_msg("%s: %s", good[i], err.msg);
  static const struct {
    const char *id, *why;
  } bad[] = {{"", "needs an id"},
             {"Abcdefghijklmnopq", "17 characters; at most 16"},
             {"1833", "does not begin with a letter"},
             {"_x", "does not begin with a letter"},
             {"P 01", "character 2"},
             {"Bod\xC3\xB8", "character 4"},
             {"H001", "hypothetical merger"},
             {"H7", "hypothetical merger"}};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    assert_int_equal(cs_party_id_check(bad[i].id, NULL, &err), CS_EINVAL);
    if (!strstr(err.msg, bad[i].why)) fail_msg("%s: %s", bad[i].id, err.msg);
  }
  /* with the registry: not a municipality's name, at any date */
  cs_registry *reg;
  assert_int_equal(cs_registry_open_embedded(&reg, &err), 0);
  assert_int_equal(cs_party_id_check("Rana", reg, &err), CS_EINVAL);
  assert_non_null(strstr(err.msg, "1833"));
  assert_int_equal(cs_party_id_check("Raane", reg, &err), CS_EINVAL); /* Rana - Raane */
  assert_int_equal(cs_party_id_check("Verran", reg, &err), CS_EINVAL); /* 5039 until 2020 */
  assert_int_equal(cs_party_id_check("Heroy", reg, &err), CS_OK);
  assert_int_equal(cs_party_id_check("P01", reg, &err), CS_OK);
  cs_registry_free(reg);
}

static void order(void **state) {
  (void)state;
  assert_true(cs_member_id_cmp("0301", "1833") < 0);
  assert_true(cs_member_id_cmp("1833", "P01") < 0);
  assert_true(cs_member_id_cmp("P01", "P01") == 0);
  assert_true(cs_member_id_cmp("P01", "P1") < 0);
  assert_true(cs_member_id_cmp("Z", "a") < 0); /* bytes, not letters */
  /* equal remainders go to the lower id: 10 kr in three equal shares */
  cs_q third[3];
  for (int i = 0; i < 3; i++) assert_int_equal(cs_q_from_frac(&third[i], 10, 3), 0);
  const char *codes[3] = {"P01", "1833", "0301"};
  int64_t out[3];
  assert_int_equal(cs_round_shares(out, third, codes, 3, NULL), 0);
  assert_int_equal(out[0], 3);
  assert_int_equal(out[1], 3);
  assert_int_equal(out[2], 4);
  const char *codes2[3] = {"P01", "P02", "1833"};
  cs_q two[3];
  for (int i = 0; i < 3; i++) assert_int_equal(cs_q_from_frac(&two[i], 11, 3), 0);
  assert_int_equal(cs_round_shares(out, two, codes2, 3, NULL), 0);
  assert_int_equal(out[0], 4); /* 11: 3 + 1 to 1833, 3 + 1 to P01 */
  assert_int_equal(out[1], 3);
  assert_int_equal(out[2], 4);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(ids), cmocka_unit_test(order)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
