/* cli.h — the `careline` commands: one table {name, usage, needs database, run}; main dispatches from it, --help and careline(1) are written from it. */
#ifndef CARELINE_CLI_H
#define CARELINE_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "careline/app.h"
#include "careline/db.h"

struct cli_command {
    const char *name;   /* as typed: "check-config" */
    /* Its forms, one a line: "SYNOPSIS\tWHAT IT DOES", the synopsis
     * without "careline" ("staff role LOGIN GROUP\tmove to agent, ...").
     * --help lists them, careline(1)'s SYNOPSIS is made from them
     * (`make docs`) and usage errors repeat them. */
    const char *usage;
    /* It talks to the database: run() connects with cli_db() once its
     * arguments are checked, so bad usage exits 2 before any password is
     * asked. Commands without it never connect. */
    bool needs_db;
    /* argv[0] is the name; returns the exit code (enum app_exit). */
    int (*run)(int argc, char **argv);
    /* It only reads figures: cli_db() connects to database.report_conninfo
     * when that is set (a standby), and then never to the primary. */
    bool reads_reports;
};

/* Adding a command: its front end in screens/app/cmd_NAME.c defining
 * `const struct cli_command cli_cmd_NAME`, and one X(NAME) line here
 * (--help lists the commands in this order). */
#define CLI_COMMANDS(X) \
    X(migrate) \
    X(seed) \
    X(maintain) \
    X(check_config) \
    X(check_connection) \
    X(search) \
    X(keys) \
    X(lifecycle) \
    X(view) \
    X(report) \
    X(scripts) \
    X(staff) \
    X(customer) \
    X(notify) \
    X(event) \
    X(import) \
    X(export)

#define CLI_DECLARE(name) extern const struct cli_command cli_cmd_##name;
CLI_COMMANDS(CLI_DECLARE)
#undef CLI_DECLARE

/* The table, in the order above, ending with NULL. */
extern const struct cli_command *const cli_commands[];

/* The command called name, or NULL. */
const struct cli_command *cli_find(const char *name);
/* Run it: its exit code. Frees the connection it made, if any. */
int cli_run(const struct cli_command *c, int argc, char **argv);
/* Every form of every command, aligned, for --help. */
void cli_print_commands(FILE *f);
/* For the command running now (needs_db): the connection, made on the
 * first call (asking for a password on a terminal when the server wants
 * one); NULL after saying why on stderr (exit APP_EXIT_NODB). */
struct db_conn *cli_db(void);
/* Bad usage of c: "careline NAME: reason", its forms and where to read
 * more on stderr. */
void cli_usage_print(const struct cli_command *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The same as the command's exit code, APP_EXIT_USAGE: never 0, which the
 * parsers' `if (rc) return rc;` count on. A macro, so that every file
 * (and the static analyser, which looks at one file at a time) sees the
 * value. */
#define cli_usage_error(c, ...) (cli_usage_print((c), __VA_ARGS__), APP_EXIT_USAGE)

/* A command without arguments that runs one job of the model on the
 * database (migrate, maintain): its exit code; a failure is printed as
 * `failed` followed by the job's reason. */
int cli_db_job(const struct cli_command *c, int argc, char **argv,
               int (*job)(struct db_conn *db, FILE *out, char *err, size_t errlen), const char *failed);
/* A command that takes no arguments: 0, or the usage error for the first. */
int cli_no_args(const struct cli_command *c, int argc, char **argv);

#endif
