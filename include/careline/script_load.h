/* script_load.h — `careline scripts check|load` and the seed's shipped scripts: files read (script_parse.h), checked against the database's categories and stored (db_script_store) all or nothing. */
#ifndef CARELINE_SCRIPT_LOAD_H
#define CARELINE_SCRIPT_LOAD_H

#include <stdio.h>

#include "careline/db.h"

/* What script_load_files() came to. */
enum script_load_result {
    SCRIPT_LOAD_OK,
    SCRIPT_LOAD_INVALID,   /* a file is not valid (nothing stored) */
    SCRIPT_LOAD_FAILED     /* the database failed (nothing stored) */
};
/* The one path of `scripts check`, `scripts load` and the seed: parse n
 * scripts (texts[i], or the file files[i] when texts is NULL) and, with a
 * connection c, check their categories against the database and store
 * them (db_script_store). Each problem goes to errout as "file:line:
 * reason" (sanitised), then a summary; what was checked ("FILE: ok: CODE,
 * N steps") or stored goes to out (NULL: nowhere). c NULL: check only. */
enum script_load_result script_load_files(struct db_conn *c, int n, const char *const *files,
                                          const char *const *texts, FILE *out, FILE *errout);
/* Store the recovery scripts compiled into the program (the source tree's
 * conf/scripts/NAME.conf files) exactly as `scripts load` stores those
 * files, so `careline seed` and the demo run the shipped scripts. What was
 * stored goes to out (NULL: nowhere); reasons to stderr. Returns 0, or -1
 * (nothing stored). */
int script_load_shipped(struct db_conn *c, FILE *out);

#endif
