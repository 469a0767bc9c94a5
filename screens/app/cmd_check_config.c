/* cmd_check_config.c — `careline check-config`: check the configuration file and say what it resolves to. */
#include <stdio.h>

#include "careline/app.h"
#include "careline/cli.h"

static int check_config_run(int argc, char **argv)
{
    int rc = cli_no_args(&cli_cmd_check_config, argc, argv);
    if (rc)
        return rc;
    /* Reaching here means it loaded: main stops on a bad file with its
     * file:line: reason. */
    const struct conf *c = app_conf();
    static const char *const themes[] = {"auto", "color", "mono"};
    static const char *const ascii[] = {"auto", "yes", "no"};
    printf("configuration: %s\n", c->path ? c->path : "built-in defaults (no file found)");
    printf("connection: %s%s%s\n", *c->conninfo ? c->conninfo : "(PG* environment)",
           *c->service ? ", service " : "", c->service);
    static const char *const poolers[] = {"auto (found out on every connection)", "none", "transaction"};
    printf("pooler: %s%s%s\n", poolers[c->pooler], *c->listen_conninfo ? "; live updates: " : "", c->listen_conninfo);
    printf("reports: %s\n", c->report_conninfo && *c->report_conninfo ? c->report_conninfo : "(the connection above)");
    printf("search: %s\n", c->search_conninfo && *c->search_conninfo ? c->search_conninfo : "(the connection above)");
    printf("theme: %s, ascii: %s\n", themes[c->theme], ascii[c->ascii]);
    printf("journal: %s\n", c->journal_dir);
    printf("ok\n");
    return APP_EXIT_OK;
}

const struct cli_command cli_cmd_check_config = {
    "check-config", "check-config\tcheck the configuration file and exit", false, check_config_run, false,
};
