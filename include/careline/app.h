/* app.h — what every screen may reach: the configuration and the database connection of this session. */
#ifndef CARELINE_APP_H
#define CARELINE_APP_H

#include "careline/config.h"
#include "careline/db.h"

const struct conf *app_conf(void);
struct db_conn *app_db(void);

/* Exit codes, documented in careline(1). */
enum app_exit {
    APP_EXIT_OK = 0,
    APP_EXIT_FAILED = 1,     /* the command ran and failed */
    APP_EXIT_USAGE = 2,      /* bad command line or configuration */
    APP_EXIT_NODB = 3,       /* the database cannot be reached */
    APP_EXIT_TERMINAL = 4    /* the terminal cannot be used */
};

#endif
