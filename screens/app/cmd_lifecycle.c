/* cmd_lifecycle.c — `careline lifecycle`: which complaint actions each role may take in each status, from the model's rule. */
#include <stdio.h>

#include "careline/app.h"
#include "careline/cli.h"
#include "careline/lifecycle.h"

/* One triple a line, from db_lifecycle_allowed(): what the screens offer. */
static int lifecycle_run(int argc, char **argv)
{
    int rc = cli_no_args(&cli_cmd_lifecycle, argc, argv);
    if (rc)
        return rc;
    for (int s = 0; s < DB_LC_STATUS__COUNT; s++)
        for (int a = 0; a < DB_LC_ACTION__COUNT; a++)
            for (int r = 0; r < DB_LC_ROLE__COUNT; r++)
                printf("%s %s %s %s\n", db_lifecycle_status_name((enum db_lifecycle_status)s),
                       db_lifecycle_action_name((enum db_lifecycle_action)a),
                       db_lifecycle_role_name((enum db_lifecycle_role)r),
                       db_lifecycle_allowed(s, a, r, NULL, 0) ? "yes" : "no");
    return fflush(stdout) == 0 ? APP_EXIT_OK : APP_EXIT_FAILED;
}

const struct cli_command cli_cmd_lifecycle = {
    "lifecycle", "lifecycle\tprint which complaint actions each role may take in each status", false, lifecycle_run, false,
};
