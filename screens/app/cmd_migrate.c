/* cmd_migrate.c — `careline migrate`: apply the database migrations not yet applied. */
#include "careline/admin.h"
#include "careline/cli.h"

static int migrate_run(int argc, char **argv)
{
    return cli_db_job(&cli_cmd_migrate, argc, argv, db_migrate, "careline migrate: ");
}

const struct cli_command cli_cmd_migrate = {
    "migrate", "migrate\tapply the database migrations not yet applied", true, migrate_run, false,
};
