/* admin.h — administrator commands on the database: schema migrations, demo data and the nightly maintenance. */
#ifndef CARELINE_ADMIN_H
#define CARELINE_ADMIN_H

#include <stdbool.h>
#include <stdio.h>

#include "careline/db.h"

/* Apply the migrations not yet recorded in schema_migrations, in file-name
 * order, each in its own transaction. They come from the folder named by
 * CARELINE_MIGRATIONS_DIR when set, else from the copies compiled in.
 * Progress goes to `out`. Returns 0, or -1 with the failing file and the
 * server's reason in err (the failed file left nothing behind). */
int db_migrate(struct db_conn *c, FILE *out, char *err, size_t errlen);

/* Generate demo data for n customers in one transaction: the region's file
 * (db/seed/REGION.sql: its region row, words and zones; NULL: "gb-eng"),
 * then db/seed.sql. Returns 0 or -1 with the reason in err. */
int db_seed(struct db_conn *c, long n, const char *region, FILE *out, char *err, size_t errlen);
/* Whether region names a demo region compiled in; when it does not, err
 * lists those that are ("gb-eng, us-nyc"). */
bool db_seed_region_known(const char *region, char *err, size_t errlen);

/* Bring the state that follows the calendar up to today (`careline
 * maintain`, nightly): bills past their due date become overdue, and the
 * arrears of customers whose cache a due date has passed are worked out
 * again. Idempotent, and two runs at once take turns (the second finds
 * nothing left). One line per kind of change goes to out (NULL: nowhere).
 * Returns 0, or -1 with the server's reason in err. */
int db_maintain(struct db_conn *c, FILE *out, char *err, size_t errlen);

/* The statements above whose answers are decoded, for the database test that
 * runs every listed statement against the schema (tests/db/statements.c). */
const struct db_statement *db_admin_statements(int *n);

/* A file compiled into the binary ("db/seed.sql"), or NULL. */
const char *db_embedded(const char *path);

#endif
