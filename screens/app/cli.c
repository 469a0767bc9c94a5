/* cli.c — the command table: finding and running a `careline` command, its connection, and the usage text written from the table. */
#include "careline/cli.h"

#include <stdarg.h>
#include <string.h>
#include <unistd.h>

#include "careline/app.h"
#include "careline/session.h"

#define CLI_ENTRY(name) &cli_cmd_##name,
const struct cli_command *const cli_commands[] = {CLI_COMMANDS(CLI_ENTRY) NULL};
#undef CLI_ENTRY

static const struct cli_command *running;

const struct cli_command *cli_find(const char *name)
{
    for (int i = 0; name && cli_commands[i]; i++)
        if (strcmp(cli_commands[i]->name, name) == 0)
            return cli_commands[i];
    return NULL;
}

int cli_run(const struct cli_command *c, int argc, char **argv)
{
    running = c;
    int rc = c->run(argc, argv);
    running = NULL;
    return rc;
}

struct db_conn *cli_db(void)
{
    if (!running || !running->needs_db) {
        fprintf(stderr, "careline %s: this command does not use the database\n", running ? running->name : "");
        return NULL;
    }
    if (app_db() && db_state(app_db()) == DB_ONLINE)
        return app_db();
    if (app_connect(isatty(STDIN_FILENO), running->reads_reports) < 0)
        return NULL;
    /* Commands print money, times and read phone numbers as the screens do;
     * migrate runs on a schema that may not have the region yet. */
    if (strcmp(running->name, "migrate") == 0)
        return app_db();
    char err[300];
    if (app_use_region(app_db(), err, sizeof err) < 0)
        fprintf(stderr, "careline %s: %s\n", running->name, err);
    db_session_zone(app_db());
    return app_db();
}

/* Each form of c as "SYNOPSIS  WHAT IT DOES", after `lead` on the first
 * line and `more` on the others: descriptions start 26 columns after the
 * lead, or on the next line when the synopsis is longer; two blanks at
 * least end a synopsis (.ci/man.sh reads them from --help). */
static void print_forms(FILE *f, const struct cli_command *c, const char *lead, const char *more, bool what)
{
    for (const char *p = c->usage; *p; lead = more) {
        size_t n = strcspn(p, "\n");
        size_t syn = strcspn(p, "\t");
        if (syn > n)
            syn = n;
        int pad = 26 - (int)syn; /* two blanks at least, or the next line */
        fprintf(f, "%s%.*s", lead, (int)syn, p);
        if (what && syn < n) {
            if (pad >= 2)
                fprintf(f, "%*s%.*s\n", pad, "", (int)(n - syn - 1), p + syn + 1);
            else
                fprintf(f, "\n%*s%.*s\n", (int)strlen(lead) + 26, "", (int)(n - syn - 1), p + syn + 1);
        } else {
            fputc('\n', f);
        }
        p += n + (p[n] == '\n');
    }
}

void cli_print_commands(FILE *f)
{
    for (int i = 0; cli_commands[i]; i++)
        print_forms(f, cli_commands[i], "  ", "  ", true);
}

void cli_usage_print(const struct cli_command *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "careline %s: ", c->name);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs("\n", stderr);
    print_forms(stderr, c, "Usage: careline ", "       careline ", false);
    fputs("Try 'careline --help', or see careline(1).\n", stderr);
}

int cli_no_args(const struct cli_command *c, int argc, char **argv)
{
    return argc > 1 ? cli_usage_error(c, "takes no arguments, got '%s'", argv[1]) : 0;
}

int cli_db_job(const struct cli_command *c, int argc, char **argv,
               int (*job)(struct db_conn *db, FILE *out, char *err, size_t errlen), const char *failed)
{
    int rc = cli_no_args(c, argc, argv);
    if (rc)
        return rc;
    struct db_conn *db = cli_db();
    if (!db)
        return APP_EXIT_NODB;
    char err[2048];
    if (job(db, stdout, err, sizeof err) < 0) {
        fprintf(stderr, "%s%s\n", failed, err);
        return APP_EXIT_FAILED;
    }
    return APP_EXIT_OK;
}
