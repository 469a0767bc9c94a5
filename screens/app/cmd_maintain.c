/* cmd_maintain.c — `careline maintain`: bring bill statuses and arrears up to today (run nightly). */
#include "careline/admin.h"
#include "careline/cli.h"

/* The job's reasons start with "maintain: ". */
static int maintain_run(int argc, char **argv)
{
    return cli_db_job(&cli_cmd_maintain, argc, argv, db_maintain, "careline ");
}

const struct cli_command cli_cmd_maintain = {
    "maintain", "maintain\tbring bill statuses and arrears up to today (nightly)", true, maintain_run, false,
};
