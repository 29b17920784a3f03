/*
** rundb_internal.h: what the run store's tests reach inside it (rundb.c).
*/
#ifndef COOPSIM_RUNDB_INTERNAL_H
#define COOPSIM_RUNDB_INTERNAL_H

#include <stddef.h>

/* From now on, this process's reads of a stored run (cs_rundb_load_doc)
** read the parts on a second thread beside the rows when the run claims
** at least `rows` rows (0: every run; SIZE_MAX: none). The default is 20 000. */
void cs_rundb_test_beside_rows(size_t rows);

/* How many reads of this process took the parts read beside the rows. */
size_t cs_rundb_test_beside_taken(void);

#endif
