/* config.h — loading careline.conf (libconfig): built-in defaults, then the user's file. */
#ifndef CARELINE_CONFIG_H
#define CARELINE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "careline/tui.h"
#include "careline/validate.h"

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
    int idle_lock_minutes;    /* 0: no idle lock */
    int idle_lock_seconds;    /* for tests: wins over minutes when not 0 */
    int unlock_attempts;      /* refused passwords at the lock before the session ends */
    char *journal_dir;        /* resolved: never empty after conf_load */
    int queue_at_risk_percent;  /* a complaint is at risk with less than this share of its time left */
    int queue_limit;            /* rows the queue fetches at most */
    struct conf_notify {      /* `careline notify`: see the notify group of careline.conf */
        char *sendmail;       /* path of sendmail(8) */
        char *mail_from;      /* the From header */
        char *sms_url;        /* the gateway's sendsms URL; "" = no SMS */
        char *sms_username, *sms_password, *sms_from;
        int batch, max_attempts, retry_seconds, timeout_seconds, lease_seconds;
    } notify;
    /* patterns: the text of each kind, and the sets of countries
     * (patterns.US = { phone = ...; }) that replace some of them when the
     * utility is in that country (utility_region.country). */
    char *patterns[VALID__COUNT];
    struct conf_pattern_set {
        char country[3];                /* ISO 3166-1 alpha-2, upper case */
        char *text[VALID__COUNT];       /* NULL: the default pattern */
    } *pattern_sets;
    int npattern_sets;
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

/* Read the `keys` group of a configuration (a libconfig group like
 *   keys = { global = [ "F1 help", "? help" ]; search = [ "Enter open" ]; };)
 * into the key map as (section, key, action) triples; `file` names the file
 * for messages. The sections are "global" and every screen of screens.h
 * (registered here) plus any added with tui_keymap_add_section. Later loads
 * override earlier bindings of the same key in the same section (so the
 * user's file overrides the built-in defaults); binding a key twice within
 * one load, an unknown section, key name or action is an error
 * "file:line: reason" written to err, and a load with an error changes
 * nothing. Returns 0 or -1. */
struct config_setting_t;
int conf_keys_load(const struct config_setting_t *keys, const char *file, char *err, size_t errlen);

/* config_patterns.c: the patterns group. A setting of patterns named by
 * two capital letters is a country's set. */
bool conf_is_country_set(const char *name);
struct config_t;
/* Check and keep every pattern of the defaults and the user's file (file:line
 * in err), then compile the defaults. Returns 0 or -1. */
int conf_patterns_load(struct conf *c, const struct config_t *user, const struct config_t *def,
                       const char *user_file, char *err, size_t errlen);
/* Compile the patterns for a utility in `country` (NULL or a country with no
 * set: the defaults): its set's patterns, the defaults for the rest. */
int conf_use_country(const struct conf *c, const char *country, char *err, size_t errlen);
void conf_patterns_free(struct conf *c);

/* The built-in default configuration text (conf/careline.conf). */
const char *conf_default_text(void);

#endif
