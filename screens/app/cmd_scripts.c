/* cmd_scripts.c — `careline scripts check|load|list|try`: recovery scripts checked, stored as versions, listed and walked. */
#include "careline/app.h"
#include "careline/cli.h"
#include "careline/script.h"

static int scripts_run(int argc, char **argv)
{
    int rc = script_cli_parse(argc, argv);
    if (rc)
        return rc;
    if (!script_cli_needs_db(argc, argv))
        return script_cli_run(argc, argv, NULL);   /* scripts check: no database */
    struct db_conn *db = cli_db();
    return db ? script_cli_run(argc, argv, db) : APP_EXIT_NODB;
}

const struct cli_command cli_cmd_scripts = {
    "scripts",
    "scripts check FILE...\tcheck recovery scripts (conf/scripts/*.conf), no database\n"
    "scripts load FILE...\tcheck them and store each changed one as a new version\n"
    "scripts list\tlist the stored recovery scripts and their versions\n"
    "scripts try REF [--record RUN_UUID] [ANSWER]...\twalk the script that fits complaint REF",
    true, scripts_run,
};
