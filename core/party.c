/*
** party.c: ids of members that are not municipalities, and the order of
** members (party.h).
*/
#include <string.h>
#include "coopsim/party.h"

static int is_letter(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
static int is_digit(char c) { return c >= '0' && c <= '9'; }

int cs_party_id_check(const char *id, const cs_registry *reg, cs_error *err) {
  if (!id || !id[0]) return cs_error_set(err, CS_EINVAL, "a party needs an id (1-16 characters)");
  size_t n = strlen(id);
  if (n > CS_PARTY_ID_MAX)
    return cs_error_set(err, CS_EINVAL, "party id \"%s\" has %zu characters; at most %d", id, n,
                        CS_PARTY_ID_MAX);
  for (size_t i = 0; i < n; i++)
    if (!is_letter(id[i]) && !is_digit(id[i]) && id[i] != '_' && id[i] != '-')
      return cs_error_set(err, CS_EINVAL,
                          "party id \"%s\": character %zu is not one of A-Z a-z 0-9 _ -", id,
                          i + 1);
  if (!is_letter(id[0]))
    return cs_error_set(err, CS_EINVAL, "party id \"%s\" does not begin with a letter", id);
  if (id[0] == 'H' && n > 1 && strspn(id + 1, "0123456789") == n - 1)
    return cs_error_set(err, CS_EINVAL,
                        "party id \"%s\" looks like a hypothetical merger's (H followed by "
                        "digits): choose another",
                        id);
  if (reg) {
    /* every period of a municipality is valid on its first day; the
    ** periods begin on a few dates (the reforms) */
    const cs_municipality *all;
    size_t nall = cs_registry_all(reg, &all);
    for (size_t i = 0; i < nall; i++) {
      int seen = 0;
      for (size_t j = 0; j < i && !seen; j++)
        seen = cs_date_cmp(all[j].valid_from, all[i].valid_from) == 0;
      if (seen) continue;
      const cs_municipality *m;
      int rc = cs_registry_find(reg, id, all[i].valid_from, &m, NULL);
      if (rc == CS_OK || rc == CS_EAMBIGUOUS)
        return cs_error_set(err, CS_EINVAL,
                            "party id \"%s\" is the name of a municipality (%s %s): choose "
                            "another",
                            id, rc == CS_OK ? m->code : "several", rc == CS_OK ? m->name : "");
    }
  }
  return CS_OK;
}

int cs_member_id_cmp(const char *a, const char *b) { return strcmp(a, b); }
