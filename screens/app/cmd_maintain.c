/* cmd_maintain.c — `careline maintain`: bring bill statuses and arrears up to today (run nightly). */
#include <stdio.h>

#include "careline/admin.h"
#include "careline/app.h"
#include "careline/cli.h"

static int maintain_run(int argc, char **argv)
{
    int rc = cli_no_args(&cli_cmd_maintain, argc, argv);
    if (rc)
        return rc;
    struct db_conn *db = cli_db();
    if (!db)
        return APP_EXIT_NODB;
    char err[2048];
    if (db_maintain(db, stdout, err, sizeof err) < 0) {
        fprintf(stderr, "careline %s\n", err);
        return APP_EXIT_FAILED;
    }
    return APP_EXIT_OK;
}

const struct cli_command cli_cmd_maintain = {
    "maintain", "maintain\tbring bill statuses and arrears up to today (nightly)", true, maintain_run,
};
