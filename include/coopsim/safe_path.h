#ifndef COOPSIM_SAFE_PATH_H
#define COOPSIM_SAFE_PATH_H
/*
** Safe paths: a file to be written, named by a folder held open and one
** name inside it. Whatever is done to the path's folders after it was
** checked (a folder swapped for a symbolic link, renamed, replaced), a
** write through the target lands in the folder that was checked: the file
** is created with openat() relative to the held folder, never by its path.
**
** Two ways to get one:
** - cs_safe_target_open: a path the user gave (--out, --db, golden files).
**   Its folders are the user's choice and are followed as the system does;
**   only the folder itself is then held.
** - cs_safe_target_walk: a path a scenario file from someone else asked
**   for, below a root folder held open. Each folder is opened relative to
**   the previous one with O_NOFOLLOW, so a symbolic link anywhere in the
**   path is refused; "..", hidden names (".x") and control characters are
**   refused too.
** Neither opens or checks the final name itself: the writer does that
** relative to the held folder (atomic_file.h, rundb.h).
*/
#include "coopsim/error.h"

/* The longest name inside a folder (Linux NAME_MAX). */
#define CS_SAFE_NAME_MAX 255

/* A folder held open and the name of a file in it. */
typedef struct cs_safe_target {
  int dirfd;                       /* the folder, open O_DIRECTORY; -1 when closed */
  char name[CS_SAFE_NAME_MAX + 1]; /* the file's name in it: one component */
  char *shown;                     /* the path as given, for messages (owned) */
} cs_safe_target;

/* A closed target, safe to pass to cs_safe_target_close. */
#define CS_SAFE_TARGET_INIT {-1, "", NULL}

/* Holds the folder of `path`, a path the user gave, and names its last
** component. The folder part is opened as the system resolves it
** (following symbolic links); the last component must be a file name (not
** empty, ".", ".." or ending in "/"). On success *out holds the folder
** and a copy of path; close it with cs_safe_target_close. CS_EINVAL (not a
** file name) or CS_EIO (the folder cannot be opened: the message names
** path and the system's reason); *out is then closed. */
int cs_safe_target_open(cs_safe_target *out, const char *path, cs_error *err);

/* Walks `rel`, a relative path, from the folder rootfd (which stays the
** caller's): every folder component is opened relative to the previous
** one with O_DIRECTORY | O_NOFOLLOW, and the last component is kept as
** the name. "." and empty components are skipped; "..", a name beginning
** with "." (hidden), a control character (below 0x20, 0x7f), an absolute
** path, a symbolic link or a missing folder are refused with a message
** naming `shown` (the path as the scenario gave it) and the component.
** On success *out holds the last folder; close it with
** cs_safe_target_close. CS_EINVAL (refused) or CS_EIO (a folder cannot be
** opened); *out is then closed. */
int cs_safe_target_walk(cs_safe_target *out, int rootfd, const char *rel, const char *shown,
                        cs_error *err);

/* Closes the folder and frees the copy of the path; a closed target (or
** NULL) is allowed, and the target is left closed. */
void cs_safe_target_close(cs_safe_target *t);

#endif
