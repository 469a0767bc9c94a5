/* cmd_report.c — `careline report overdue|due`: complaints past or near a deadline, and a calendar check. */
#include "careline/app.h"
#include "careline/cli.h"
#include "careline/report.h"

static int report_cmd_run(int argc, char **argv)
{
    int rc = report_parse(argc, argv);
    if (rc)
        return rc;
    struct db_conn *db = cli_db();
    return db ? report_run(argc, argv, db) : APP_EXIT_NODB;
}

const struct cli_command cli_cmd_report = {
    "report",
    "report overdue [--csv] [--within HOURS] [--team TEAM]\tlist complaints past or near a deadline\n"
    "report due --from TIMESTAMP|- (--hours N|--days N) [--region R]\t"
    "the due time N working hours or days later, by the calendar",
    true, report_cmd_run,
};
