/* cmd_report.h — `careline report`: argument checks and running a report on a connected database. */
#ifndef CARELINE_CMD_REPORT_H
#define CARELINE_CMD_REPORT_H

#include "careline/db.h"

/* argv[0] is "report". cmd_report_parse() only checks the arguments (0, or
 * APP_EXIT_USAGE with a message on stderr); cmd_report_run() parses them
 * again and runs the report, returning the exit code (0 with or without
 * rows, 1 when the database failed). See careline(1). */
int cmd_report_parse(int argc, char **argv);
int cmd_report_run(int argc, char **argv, struct db_conn *db);

#endif
