/* cmd_check_connection.c — `careline check-connection`: connect as the screens do and say what stands between Careline and PostgreSQL (a pooler, a standby) and what Careline does about it. */
#include <stdio.h>
#include <stdlib.h>

#include "careline/app.h"
#include "careline/cli.h"

static void heard(void *ctx, const char *channel, const char *payload)
{
    (void)ctx, (void)channel, (void)payload;
}

static int check_connection_run(int argc, char **argv)
{
    int rc = cli_no_args(&cli_cmd_check_connection, argc, argv);
    if (rc)
        return rc;
    struct db_conn *db = cli_db();
    if (!db)
        return APP_EXIT_NODB;
    /* Listen as the screens do, and wait (at most the connect timeout and
     * a second) until the live updates work or say why not. */
    db_listen(db, "careline_queue", heard, NULL);
    bool live = db_listening_wait(db, (app_conf()->connect_timeout + 1) * 1000);
    char *text = db_route_text(db);
    fputs(text, stdout);
    free(text);
    return live ? APP_EXIT_OK : APP_EXIT_FAILED;
}

const struct cli_command cli_cmd_check_connection = {
    "check-connection", "check-connection\tconnect as the screens do and say what is between Careline and the database",
    true, check_connection_run, false,
};
