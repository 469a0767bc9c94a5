/* cmd_seed.c — `careline seed --customers N [--region CODE]`: generate demo data for N customers of a British or New York utility in an empty database. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careline/admin.h"
#include "careline/app.h"
#include "careline/cli.h"
#include "careline/script_load.h"

/* The value of --name V or --name=V at argv[*i] (moving *i past it), NULL
 * when argv[*i] is not that option; *missing when V is not there. */
static const char *option(int argc, char **argv, int *i, const char *name, bool *missing)
{
    size_t n = strlen(name);
    if (!argv[*i])
        return NULL;
    if (strcmp(argv[*i], name) == 0) {
        *missing = *i + 1 >= argc;
        return *missing ? "" : argv[++*i];
    }
    if (strncmp(argv[*i], name, n) == 0 && argv[*i][n] == '=')
        return argv[*i] + n + 1;
    return NULL;
}

static int seed_run(int argc, char **argv)
{
    const struct cli_command *c = &cli_cmd_seed;
    long customers = -1;
    const char *region = "gb-eng";
    for (int i = 1; i < argc; i++) {
        bool missing = false;
        const char *v;
        if ((v = option(argc, argv, &i, "--region", &missing)) != NULL) {
            if (missing)
                return cli_usage_error(c, "%s", "--region needs a region code");
            region = v;
            continue;
        }
        if ((v = option(argc, argv, &i, "--customers", &missing)) == NULL)
            return cli_usage_error(c, "unknown argument '%s'", argv[i]);
        if (missing)
            return cli_usage_error(c, "%s", "--customers needs a number");
        char *end;
        errno = 0;
        long n = strtol(v, &end, 10);
        if (errno || *end || end == v || n < 1 || n > 50000000)
            return cli_usage_error(c, "--customers wants a whole number from 1 to 50000000, not '%s'", v);
        customers = n;
    }
    if (customers < 0)
        return cli_usage_error(c, "%s", "needs --customers N");
    char err[2048];
    if (!db_seed_region_known(region, err, sizeof err))
        return cli_usage_error(c, "%s", err);
    struct db_conn *db = cli_db();
    if (!db)
        return APP_EXIT_NODB;
    if (db_seed(db, customers, region, stdout, err, sizeof err) < 0) {
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
    "seed", "seed --customers N [--region gb-eng|us-nyc]\tgenerate demo data for N customers (empty database)", true,
    seed_run, false,
};
