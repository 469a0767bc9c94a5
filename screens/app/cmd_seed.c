/* cmd_seed.c — `careline seed --customers N`: generate demo data for N customers in an empty database. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careline/admin.h"
#include "careline/app.h"
#include "careline/cli.h"
#include "careline/script_load.h"

static int seed_run(int argc, char **argv)
{
    const struct cli_command *c = &cli_cmd_seed;
    long customers = -1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = NULL;
        if (strcmp(a, "--customers") == 0) {
            if (i + 1 >= argc)
                return cli_usage_error(c, "%s needs a number", a);
            v = argv[++i];
        } else if (strncmp(a, "--customers=", 12) == 0) {
            v = a + 12;
        } else {
            return cli_usage_error(c, "unknown argument '%s'", a);
        }
        char *end;
        errno = 0;
        long n = strtol(v, &end, 10);
        if (errno || *end || end == v || n < 1 || n > 50000000)
            return cli_usage_error(c, "--customers wants a whole number from 1 to 50000000, not '%s'", v);
        customers = n;
    }
    if (customers < 0)
        return cli_usage_error(c, "%s", "needs --customers N");
    struct db_conn *db = cli_db();
    if (!db)
        return APP_EXIT_NODB;
    char err[2048];
    if (db_seed(db, customers, stdout, err, sizeof err) < 0) {
        fprintf(stderr, "careline %s\n", err);
        return APP_EXIT_FAILED;
    }
    /* The shipped recovery scripts, stored as `scripts load` stores them:
     * the demo runs exactly what an installation loads. */
    if (script_load_shipped(db, NULL) < 0) {
        fputs("careline seed: storing the shipped recovery scripts failed (see above)\n", stderr);
        return APP_EXIT_FAILED;
    }
    return APP_EXIT_OK;
}

const struct cli_command cli_cmd_seed = {
    "seed", "seed --customers N\tgenerate demo data for N customers (empty database)", true, seed_run, false,
};
