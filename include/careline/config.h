/* config.h — loading careline.conf (libconfig): built-in defaults, then the user's file. */
#ifndef CARELINE_CONFIG_H
#define CARELINE_CONFIG_H

#include <stddef.h>

#include "careline/tui.h"

struct conf {
    char *path;               /* the file read over the defaults, or NULL */
    char *conninfo;           /* libpq connection string or URI; "" = environment */
    char *service;            /* pg_service.conf name; "" = none */
    int connect_timeout;      /* seconds */
    int statement_timeout_ms;
    int prepared_statements;  /* 0 behind a transaction-mode pooler */
    char *report_conninfo;    /* database.report_conninfo: the dashboard's and reports' reads; "" = conninfo */
    enum tui_theme_pref theme;
    enum tui_ascii_pref ascii;
    int search_delay_ms;
    int search_limit;
    char *journal_dir;        /* resolved: never empty after conf_load */
    struct conf_notify {      /* `careline notify`: see the notify group of careline.conf */
        char *sendmail;       /* path of sendmail(8) */
        char *mail_from;      /* the From header */
        char *sms_url;        /* the gateway's sendsms URL; "" = no SMS */
        char *sms_username, *sms_password, *sms_from;
        int batch, max_attempts, retry_seconds, timeout_seconds, lease_seconds;
    } notify;
};

/* Where the configuration is looked for when no --config is given:
 * $XDG_CONFIG_HOME/careline/careline.conf (or ~/.config/...), then
 * /etc/careline/careline.conf. Returns a heap path or NULL when none exists. */
char *conf_find(void);

/* Load the built-in defaults, then `path` (NULL: conf_find(); none found:
 * defaults only). Compiles the validation patterns and loads the key maps.
 * On error writes "file:line: reason" to err and returns -1. */
int conf_load(struct conf *c, const char *path, char *err, size_t errlen);
void conf_free(struct conf *c);

/* The built-in default configuration text (conf/careline.conf). */
const char *conf_default_text(void);

#endif
