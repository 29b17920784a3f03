#ifndef COOPSIM_PROGRESS_H
#define COOPSIM_PROGRESS_H
/*
** A progress bar on the terminal for work that takes more than a second:
** drawn on stderr only when stderr is a terminal, first drawn one second
** after the start (quick work shows nothing), redrawn at most ten times a
** second, and erased when the work ends, so output and logs stay clean.
*/

typedef struct cs_progress cs_progress;

/* Starts measuring `total` steps of work named by label (copied, cut at 40
** bytes). Returns NULL when stderr is not a terminal or memory is short;
** every function below accepts NULL and then does nothing. The caller ends
** it with cs_progress_end. */
cs_progress *cs_progress_start(const char *label, long total);

/* Records that `done` of the total steps are done; draws when due. Safe to
** call often (it reads the clock and returns). Not thread-safe: one thread
** reports. */
void cs_progress_update(cs_progress *p, long done);

/* Erases the bar if it was drawn and frees p. */
void cs_progress_end(cs_progress *p);

#endif
