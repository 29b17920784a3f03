#ifndef COOPSIM_TEMP_FILES_H
#define COOPSIM_TEMP_FILES_H
#include <signal.h>
/*
** Temporary files that a signal must not leave behind.
**
** A whole-file write (atomic_file.h) fills a hidden temporary file beside
** its target and renames it into place at the end. Were the process ended
** by Ctrl-C, a closed terminal or `kill` while it fills one, the partial
** file would stay. Each writer therefore lists its temporary file here while
** it exists, and cs_temp_files_on_signals() installs a handler that removes
** every listed file of this process, in whatever thread the signal
** arrives, and then ends the process by the same signal and its default
** action: the exit status a shell sees is the one it saw before.
**
** SIGKILL cannot be caught, and power loss is not a signal: a file may be
** left then (its hidden name says what it was). Entries are per process: a
** forked child never removes its parent's files. A file listed after the
** handler began (by another thread, in the microseconds before the process
** ends) is removed by the thread that lists it.
*/

/* Lists the temporary file name in the folder dirfd (AT_FDCWD for a path)
** while it exists. Returns a ticket for cs_temp_files_forget, or -1 when the
** list is full (CS_TEMP_FILES_MAX files at once) or name is too long; the
** file is then written as before but not removed on a signal. Call it
** right after the file was created, never before: only files this process
** made are ever removed. name is copied. Thread-safe and lock-free. */
int cs_temp_files_remember(int dirfd, const char *name);

/* Takes the file of ticket (from cs_temp_files_remember; -1 is ignored) off
** the list: call it once the file was renamed into place or removed, and
** before dirfd is closed. */
void cs_temp_files_forget(int ticket);

#define CS_TEMP_FILES_MAX 16

/* For SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGPIPE, SIGALRM and SIGXCPU, each
** one that is not ignored now (nohup, a background job): installs the
** handler that removes the listed files and then dies of the signal. Call
** it once, early in main, before threads start. */
void cs_temp_files_on_signals(void);

/* Sets sig's action back to what cs_temp_files_on_signals left it (the
** handler, or the action sig had when the handler was not installed), for
** code that changed it for a while (the REPL's Ctrl-C). Async-signal-safe:
** a signal handler may call it. */
void cs_temp_files_signal_restore(int sig);

/* Blocks the handled signals in the calling thread, its mask before in
** *saved, while a temporary file is created and listed (a signal handled
** by this thread in between would end the process with the file made but
** not listed); cs_temp_files_unblock puts the mask back, and a signal that
** came meanwhile is handled then, the file listed. A signal handled by
** another thread meanwhile is seen by cs_temp_files_remember, which then
** removes the file itself. */
void cs_temp_files_block(sigset_t *saved);
void cs_temp_files_unblock(const sigset_t *saved);

/* In a child that writes no file (the sandboxed worker): each signal gets
** its default action back where the handler was installed. */
void cs_temp_files_signals_default(void);

#endif
