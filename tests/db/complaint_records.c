/* complaint_records.c — runs every statement of the complaint aggregate against a real schema and decodes it with its shape; the database test's driver. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careline/complaint.h"
#include "careline/util.h"

/* Usage: complaint_records COMPLAINT_ID CUSTOMER_ID CATEGORY_ID [RENAME_FROM RENAME_TO]
 * Prints one line per statement, "what|rows" or "what|error: sentence".
 * With a rename, every statement runs with " AS FROM" changed to " AS TO"
 * (those without it are left out), as if someone had renamed that column
 * in the SQL and not in the record. Connects through the PG* environment. */
static char *renamed(const char *sql, const char *from, const char *to)
{
    char pat[80], rep[80];
    if (util_format_fits(pat, sizeof pat, " AS %s,", from) < 0 || util_format_fits(rep, sizeof rep, " AS %s,", to) < 0)
        return NULL;
    const char *at = strstr(sql, pat);
    if (!at) {
        pat[strlen(pat) - 1] = ' ';
        rep[strlen(rep) - 1] = ' ';
        at = strstr(sql, pat);
    }
    if (!at)
        return NULL;
    return util_asprintf("%.*s%s%s", (int)(at - sql), sql, rep, at + strlen(pat));
}

int main(int argc, char **argv)
{
    if (argc != 4 && argc != 6) {
        fprintf(stderr, "usage: %s COMPLAINT_ID CUSTOMER_ID CATEGORY_ID [RENAME_FROM RENAME_TO]\n", argv[0]);
        return 2;
    }
    struct db_params p = {.connect_timeout = 10, .application_name = "complaint_records"};
    struct db_conn *db = db_new(&p);
    if (db_connect(db, NULL) < 0) {
        fprintf(stderr, "cannot connect: %s\n", db_error(db));
        db_free(db);
        return 1;
    }
    long long customer = strtoll(argv[2], NULL, 10), category = strtoll(argv[3], NULL, 10);
    for (int i = 0; i < db_complaint_statement_count(); i++) {
        char *sql = argc == 6 ? renamed(db_complaint_statement_sql(i), argv[4], argv[5]) : NULL;
        if (argc == 6 && !sql)
            continue;
        char err[512];
        int n = db_complaint_statement_check(db, i, sql, argv[1], customer, category, err, sizeof err);
        if (n < 0)
            printf("%s|error: %s\n", db_complaint_statement_what(i), err);
        else
            printf("%s|%d\n", db_complaint_statement_what(i), n);
        free(sql);
    }
    db_free(db);
    return fflush(stdout) == 0 ? 0 : 1;
}
