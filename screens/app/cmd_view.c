/* cmd_view.c — `careline view ACCOUNT`: everything the customer view shows, one round trip, as lines "part|cell|cell". */
#include <stdio.h>
#include <stdlib.h>

#include "careline/app.h"
#include "careline/cli.h"
#include "careline/customer.h"
#include "careline/text.h"

/* Cells sanitised: for administrators checking what agents see, and tests. */
static void print_view(const struct db_customer_view *v)
{
    for (int part = 0; part < CV__COUNT; part++) {
        const struct db_rows *t = &v->part[part];
        for (int row = 0; row < t->n; row++) {
            fputs(db_cv_part_name((enum db_cv_part)part), stdout);
            for (int col = 0; col < t->shape->ncols; col++) {
                char *cell = db_rows_field_text(t, row, col);
                char *clean = tui_text_sanitize(cell, false);
                printf("|%s", clean);
                free(clean);
                free(cell);
            }
            putchar('\n');
        }
    }
}

static int view_run(int argc, char **argv)
{
    if (argc != 2 || argv[1][0] == '-')
        return cli_usage_error(&cli_cmd_view, "%s", "needs one ACCOUNT number");
    const char *account = argv[1];
    struct db_conn *db = cli_db();
    if (!db)
        return APP_EXIT_NODB;
    long long id;
    int found = db_customer_find_account(db, account, &id);
    if (found < 0) {
        fprintf(stderr, "careline view: %s\n", db_error(db));
        return APP_EXIT_FAILED;
    }
    if (!found) {
        fprintf(stderr, "careline view: no customer with account number %s\n", account);
        return APP_EXIT_FAILED;
    }
    struct db_customer_view v;
    if (db_customer_open_sync(db, id, &v) < 0) {
        fprintf(stderr, "careline view: %s\n", v.error ? v.error : db_error(db));
        db_customer_view_free(&v);
        return APP_EXIT_FAILED;
    }
    print_view(&v);
    fprintf(stderr, "one round trip, %.1f ms\n", v.ms);
    db_customer_view_free(&v);
    return APP_EXIT_OK;
}

const struct cli_command cli_cmd_view = {
    "view", "view ACCOUNT\tprint everything the customer view shows, one round trip", true, view_run, false,
};
