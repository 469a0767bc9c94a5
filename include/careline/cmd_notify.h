/* cmd_notify.h — `careline notify`: the worker that hands queued event notifications to the MTA and the SMS gateway. */
#ifndef CARELINE_CMD_NOTIFY_H
#define CARELINE_CMD_NOTIFY_H

#include "careline/config.h"
#include "careline/db.h"

/* Check the command's arguments (argv[0] is "notify"). Returns 0, or the
 * usage exit code after a message on stderr. */
int cmd_notify_parse(int argc, char **argv);
/* Run until SIGTERM or SIGINT (or, with --once, until nothing is due);
 * returns the exit code (careline(1)). */
int cmd_notify_run(int argc, char **argv, struct db_conn *db, const struct conf *conf);

#endif
