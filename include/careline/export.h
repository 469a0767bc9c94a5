/* export.h — a subject access request: everything held about one customer (a subject access request), as JSON or readable text. */
#ifndef CARELINE_EXPORT_H
#define CARELINE_EXPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "careline/db.h"

/* Write the customer with that account number to out: the JSON document of
 * customer_export() (pretty-printed), or with text set the same as
 * "key: value" lines, sanitised so stored text cannot drive a terminal.
 * The export is audited by the database. Returns 0, or -1 with the
 * server's reason in err (no such customer, not allowed). */
int db_export_customer(struct db_conn *c, const char *account, bool text, FILE *out, char *err, size_t errlen);

/* Its statements and their record, for the database test that runs every
 * listed statement against the schema (tests/db/statements.c). */
const struct db_statement *db_export_statements(int *n);

#endif
