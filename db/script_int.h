/* script_int.h — what the script files of db/ share: text checks, the placeholder syntax, the default next step; nothing outside db/script*.c includes it. */
#ifndef CARELINE_DB_SCRIPT_INT_H
#define CARELINE_DB_SCRIPT_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "careline/script.h"

/* NULL, "" or only spaces, tabs and line ends. */
bool script_blank(const char *s);
/* s is one of the NULL-terminated list. */
bool script_in_list(const char *s, const char *const *list);
/* The list as "a, b, c" in out (n bytes; cut at n - 1). */
void script_join_list(const char *const *list, char *out, size_t n);
/* The length of the name of a placeholder starting at p ("{name}"), or -1
 * when p does not start one: names are [a-z0-9_], 1 to 40 of them. */
int script_placeholder_len(const char *p);
/* Where step i goes when no answer says otherwise: its next, else the
 * following step; -1 for an end step or a next naming no step. */
int script_default_next(const struct script *s, int i);
/* Append msg (heap; e takes it). */
void script_errors_add(struct script_errors *e, char *msg);

#endif
