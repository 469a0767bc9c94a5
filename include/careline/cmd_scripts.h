/* cmd_scripts.h — `careline scripts` (check, load, list, try): the command-line front end of the recovery scripts (script.h). */
#ifndef CARELINE_CMD_SCRIPTS_H
#define CARELINE_CMD_SCRIPTS_H

#include <stdbool.h>

#include "careline/db.h"

/* The subcommands:
 *   careline scripts check FILE...     validate, no database
 *   careline scripts load FILE...      validate against the database's categories, then store
 *   careline scripts list              every version: code, version, name, categories, active
 *   careline scripts try REFERENCE [--record RUN_UUID] [ANSWER...]
 *                                      walk the script that fits a complaint, answering
 *                                      with ANSWER... ("skip:REASON" skips; at a credit
 *                                      step "credit:AMOUNT", else the script's amount),
 *                                      and with --record store the run, answers and
 *                                      credits under RUN_UUID
 * argv[0] is "scripts". script_cli_parse() checks the arguments (0, or
 * APP_EXIT_USAGE with a message on stderr); script_cli_needs_db() says
 * whether to connect first; script_cli_run() runs (db may be NULL when no
 * database is needed) and returns the exit code: 0, 1 when the database
 * failed or no script fits, 2 when a file is not valid (nothing stored). */
int script_cli_parse(int argc, char **argv);
bool script_cli_needs_db(int argc, char **argv);
int script_cli_run(int argc, char **argv, struct db_conn *db);

#endif
