/* cmd_export.c — `careline export open311 [--since T] [--format json|xml]`: complaints as an Open311 GeoReport v2 requests document for the city's portal, on standard output. */
#include <stdio.h>
#include <string.h>

#include "careline/app.h"
#include "careline/cli.h"
#include "careline/import.h"

static int export_run(int argc, char **argv)
{
    const struct cli_command *c = &cli_cmd_export;
    const char *since = "";
    bool xml = false;
    if (argc < 2)
        return cli_usage_error(c, "%s", "needs what to export: open311");
    if (strcmp(argv[1], "open311") != 0)
        return cli_usage_error(c, "unknown kind '%s': open311", argv[1]);
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--since") == 0 && i + 1 < argc) {
            since = argv[++i];
        } else if (strcmp(argv[i], "--format") == 0 && i + 1 < argc) {
            const char *f = argv[++i];
            if (strcmp(f, "json") != 0 && strcmp(f, "xml") != 0)
                return cli_usage_error(c, "--format is json or xml, not '%s'", f);
            xml = strcmp(f, "xml") == 0;
        } else if (strcmp(argv[i], "--since") == 0 || strcmp(argv[i], "--format") == 0) {
            return cli_usage_error(c, "%s needs a value", argv[i]);
        } else {
            return cli_usage_error(c, "unknown argument '%s'", argv[i]);
        }
    }
    /* The time is checked before any connection: a typo exits 2 at once. */
    char when[48], why[128];
    if (db_import_time(since, when, sizeof when, why, sizeof why) < 0)
        return cli_usage_error(c, "--since %s: give YYYY-MM-DD, YYYY-MM-DD HH:MM or ISO 8601", why);
    struct db_conn *db = cli_db();
    if (!db)
        return APP_EXIT_NODB;
    char err[1024];
    long n = db_import_export(db, since, xml, stdout, err, sizeof err);
    if (n < 0) {
        fprintf(stderr, "careline export: %s\n", err);
        return APP_EXIT_FAILED;
    }
    fprintf(stderr, "careline export: %ld request%s\n", n, n == 1 ? "" : "s");
    return APP_EXIT_OK;
}

const struct cli_command cli_cmd_export = {
    "export",
    "export open311 [--since T] [--format json|xml]\tcomplaints as an Open311 GeoReport v2 requests document",
    true, export_run, false,
};
