/* cli.h — the non-interactive commands: migrate, seed, maintain, check-config, search. */
#ifndef CARELINE_CLI_H
#define CARELINE_CLI_H

#include <stdbool.h>

#include "careline/config.h"
#include "careline/db.h"

struct cli_cmd {
    const char *name;     /* argv[0] of the command */
    int argc;
    char **argv;
    /* parsed */
    long customers;       /* seed --customers N */
    bool csv;             /* search --csv */
    const char *text;     /* search TEXT */
};

/* Parse the command's own arguments. Returns 0, or the usage exit code with
 * a message and usage on stderr. */
int cli_parse(struct cli_cmd *c);
/* Run a parsed command on a connected database; returns the exit code. */
int cli_run(struct cli_cmd *c, struct db_conn *db);
/* Print the key reference (Markdown) of the loaded key maps. */
int cli_keys(void);
/* Print the complaint action table (status, action, role, yes/no), one
 * triple a line, from db_lifecycle_allowed(): what the screens offer. */
int cli_lifecycle(void);
/* Print what the configuration resolves to; returns the exit code. */
int cli_check_config(const struct conf *c);

#endif
