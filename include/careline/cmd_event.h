/* cmd_event.h — `careline event`: list, show, declare, update and close critical events, and print them as CAP 1.2 alerts. */
#ifndef CARELINE_CMD_EVENT_H
#define CARELINE_CMD_EVENT_H

#include "careline/db.h"

/* Check the command's arguments (argv[0] is "event") without a database.
 * Returns 0, or the usage exit code after a message on stderr. */
int cmd_event_parse(int argc, char **argv);
/* Run it; returns the exit code (careline(1)): 0, 1 failed, 2 bad usage or
 * a value the check refused, 5 the event changed since --version. */
int cmd_event_run(int argc, char **argv, struct db_conn *db);

#endif
