/* journal.h — drafts kept on local disk (fsync'd) until the database confirms them, so a kill, a closed terminal or a lost connection loses nothing. */
#ifndef CARELINE_JOURNAL_H
#define CARELINE_JOURNAL_H

#include <stddef.h>
#include <time.h>

struct journal_field {
    const char *key;
    const char *value;
};

/* A draft read back from the journal; owns its strings. */
struct journal_draft {
    char id[37];          /* the row's client-made UUID: replaying it never duplicates */
    char *kind;           /* "complaint", ... */
    time_t saved;         /* file modification time */
    int n;
    char **keys, **values;
};

/* Write a draft as one file, atomically (temporary file, fsync, rename,
 * fsync of the folder), creating dir when missing (mode 0700: drafts hold
 * customer data). Returns 0 or -1 with the reason in err. */
int db_journal_save(const char *dir, const char *id, const char *kind, const struct journal_field *f, int n,
                    char *err, size_t errlen);
/* All drafts in dir, oldest first; unreadable or foreign files are
 * skipped. Returns the count (>= 0); *out is heap (db_journal_free). */
int db_journal_list(const char *dir, struct journal_draft **out);
/* The value of key in a draft, or NULL. */
const char *db_journal_get(const struct journal_draft *d, const char *key);
/* Forget a draft once the database has it. Missing is not an error. */
int db_journal_remove(const char *dir, const char *id);
void db_journal_free(struct journal_draft *d, int n);   /* the array from db_journal_list */

#endif
