/* export.h — `careline customer export`: everything held about one customer (a subject access request), as JSON or readable text. */
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

/* The command line (argv[0] is "customer"): parse returns 0 or the usage
 * exit code with a message on stderr; run returns the exit code. */
int db_export_cli_parse(int argc, char **argv);
int db_export_cli_run(int argc, char **argv, struct db_conn *db);

#endif
