/* app.h — what every screen may reach: the configuration and the database connection of this session. */
#ifndef CARELINE_APP_H
#define CARELINE_APP_H

#include <stdbool.h>

#include "careline/config.h"
#include "careline/db.h"

const struct conf *app_conf(void);
struct db_conn *app_db(void);
/* Where the dashboard and reports read: a connection of its own to
 * database.report_conninfo when that is set (made in the background on
 * first use; a standby, say), else app_db(). */
struct db_conn *app_report_db(void);
/* Search's connection: database.search_conninfo's own (a standby, made on
 * first use), else app_db(). */
struct db_conn *app_search_db(void);

/* Notifications pushed by the database (LISTEN/NOTIFY through the event
 * loop), relayed to whichever screens asked: "careline_event",
 * "careline_approval", "careline_queue". A screen removes its handlers
 * when it closes. */
void app_on_notify(const char *channel, void (*fn)(void *ctx, const char *payload), void *ctx);
void app_off_notify(const void *ctx);
/* LISTEN on channel (once per session, also after reconnects) and relay it
 * to the app_on_notify handlers. Notifications come from the primary. */
void app_listen(const char *channel);
/* Once connected (at start or after the login screen): who is logged in,
 * and the notifications every session listens to. */
void app_session_start(void);
/* Read the utility's region from c once (db_region_load), use its
 * country's patterns (careline.conf's patterns.XX) and make its time zone
 * the process's (TZ). Returns 0, or -1 with the reason and what stays as it
 * was in err. */
int app_use_region(struct db_conn *c, char *err, size_t len);
/* The staff id of the person logged in, 0 when they have no staff row. */
long long app_staff_id(void);
/* Their group: "agent", "supervisor", "field" or "admin". */
const char *app_staff_role(void);
/* fn(ctx, "") about once a second while the screen is open (time left
 * counting down, noticing a reconnect); removed by app_off_notify(ctx). */
void app_on_tick(void (*fn)(void *ctx, const char *payload), void *ctx);

/* Start-up, in this order (main): the configuration (path NULL: looked for,
 * conf_find), whose errors are printed as "file:line: reason" (returns 0 or
 * APP_EXIT_USAGE); then the screens or a command; then app_end. */
int app_load_config(const char *path);
/* Connect this session's database. interactive: ask for a password on the
 * terminal when the server wants one; reports: a command that only reads
 * figures, which connects to database.report_conninfo when that is set.
 * Returns 0, or -1 after printing why (not when a password is wanted and
 * interactive is false: the login screen asks; db_needs_password(app_db())
 * says so). */
int app_connect(bool interactive, bool reports);
/* Take over the terminal (or run the key script with --script) with the
 * agent's first screens; returns the exit code. */
int app_run_screens(const char *script, int rows, int cols);
/* Close the connection, free the configuration and the patterns. */
void app_end(void);

/* Exit codes, documented in careline(1). */
enum app_exit {
    APP_EXIT_OK = 0,
    APP_EXIT_FAILED = 1,     /* the command ran and failed */
    APP_EXIT_USAGE = 2,      /* bad command line or configuration */
    APP_EXIT_NODB = 3,       /* the database cannot be reached */
    APP_EXIT_TERMINAL = 4,   /* the terminal cannot be used */
    APP_EXIT_CONFLICT = 5,   /* someone else changed it first (careline event --version) */
    APP_EXIT_PARTIAL = 6     /* done, but some rows of the input were bad and left out (careline import) */
};

#endif
