/* script_parse.h — recovery scripts from their files (libconfig, conf/scripts/NAME.conf): every setting checked, the steps' graph walked, each problem as file:line: reason. */
#ifndef CARELINE_SCRIPT_PARSE_H
#define CARELINE_SCRIPT_PARSE_H

#include "careline/script.h"

/* Parse and validate one script from text, as read from `file` (the name
 * used in messages). Every problem is appended to errs, not just the
 * first: syntax errors, unknown settings, missing or mistyped settings,
 * unknown step kinds or actions, duplicate step keys, branches to missing
 * steps, unreachable steps, steps from which no end can be reached,
 * unknown placeholders, asks without answers or free text, and, when
 * categories is not NULL, category codes not in that NULL-terminated list
 * (NULL: only their form is checked; `scripts load` passes the
 * database's codes). Returns 0 when the script is valid, -1 when not; out
 * is filled either way as far as it could be read (script_free it). */
int script_parse(const char *file, const char *text, const char *const *categories, struct script *out,
                 struct script_errors *errs);
/* The same for a file on disk ("file:0: cannot read: ..." when it cannot
 * be read). */
int script_parse_file(const char *path, const char *const *categories, struct script *out,
                      struct script_errors *errs);
/* Every one of n scripts (texts[i], or the file files[i] when texts is
 * NULL; files name them in messages either way) into scripts[i], also
 * refusing two with one code (in one load the second would silently
 * replace the first). Returns how many are not valid. */
int script_parse_all(int n, const char *const *files, const char *const *texts, const char *const *categories,
                     struct script *scripts, struct script_errors *errs);

#endif
