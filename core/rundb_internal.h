/*
** rundb_internal.h: what the run store's tests reach inside it (rundb.c).
*/
#ifndef COOPSIM_RUNDB_INTERNAL_H
#define COOPSIM_RUNDB_INTERNAL_H

#include <stddef.h>

/* From now on, this process's reads of a stored run (cs_rundb_load_doc)
** read the parts, and the scenarios' rows past row_share percent of them,
** on a second thread beside the other rows when the run claims at least
** min_rows rows (0: every run; SIZE_MAX: none). The defaults are 20 000
** and 73 (100: no rows on the second thread). */
void cs_rundb_test_beside(size_t min_rows, size_t row_share);

/* How many reads of this process took the parts read beside the rows, and
** how many took rows read there. */
size_t cs_rundb_test_beside_taken(void);
size_t cs_rundb_test_beside_rows_taken(void);

#endif
