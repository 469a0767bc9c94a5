/* app.h — what every screen may reach: the configuration and the database connection of this session. */
#ifndef CARELINE_APP_H
#define CARELINE_APP_H

#include "careline/config.h"
#include "careline/db.h"

const struct conf *app_conf(void);
struct db_conn *app_db(void);
/* Where the dashboard and reports read: a connection of its own to
 * database.report_conninfo when that is set (made in the background on
 * first use; a standby, say), else app_db(). */
struct db_conn *app_report_db(void);

/* Notifications pushed by the database (LISTEN/NOTIFY through the event
 * loop), relayed to whichever screens asked: "careline_event",
 * "careline_approval". A screen removes its handlers when it closes. */
void app_on_notify(const char *channel, void (*fn)(void *ctx, const char *payload), void *ctx);
void app_off_notify(void *ctx);
/* LISTEN on channel (once per session, also after reconnects) and relay it
 * to the app_on_notify handlers. Notifications come from the primary. */
void app_listen(const char *channel);
/* Once connected (at start or after the login screen): who is logged in,
 * and the notifications every session listens to. */
void app_session_start(void);
/* The staff id of the person logged in, 0 when they have no staff row. */
long long app_staff_id(void);

/* Exit codes, documented in careline(1). */
enum app_exit {
    APP_EXIT_OK = 0,
    APP_EXIT_FAILED = 1,     /* the command ran and failed */
    APP_EXIT_USAGE = 2,      /* bad command line or configuration */
    APP_EXIT_NODB = 3,       /* the database cannot be reached */
    APP_EXIT_TERMINAL = 4    /* the terminal cannot be used */
};

#endif
