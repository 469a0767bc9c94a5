/* cmd_migrate.c — `careline migrate`: apply the database migrations not yet applied. */
#include <stdio.h>

#include "careline/admin.h"
#include "careline/app.h"
#include "careline/cli.h"

static int migrate_run(int argc, char **argv)
{
    int rc = cli_no_args(&cli_cmd_migrate, argc, argv);
    if (rc)
        return rc;
    struct db_conn *db = cli_db();
    if (!db)
        return APP_EXIT_NODB;
    char err[2048];
    if (db_migrate(db, stdout, err, sizeof err) < 0) {
        fprintf(stderr, "careline migrate: %s\n", err);
        return APP_EXIT_FAILED;
    }
    return APP_EXIT_OK;
}

const struct cli_command cli_cmd_migrate = {
    "migrate", "migrate\tapply the database migrations not yet applied", true, migrate_run,
};
