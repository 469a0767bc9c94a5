/* config.c — careline.conf: built-in defaults parsed with the same parser as the user's file, then checked. */
#include "careline/config.h"

#include <errno.h>
#include <stdarg.h>
#include <libconfig.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "careline/keymap.h"
#include "careline/util.h"
#include "careline/validate.h"
#include "embedded.h"

enum kind { K_STR, K_INT, K_CHOICE };

struct known {
    const char *path;
    enum kind kind;
    size_t off;
    int min, max;                 /* K_INT bounds */
    const char *const *choices;   /* K_CHOICE, NULL-terminated; value = index */
};

static const char *const theme_choices[] = {"auto", "color", "mono", NULL};
static const char *const ascii_choices[] = {"auto", "yes", "no", NULL};
static const char *const no_yes_choices[] = {"no", "yes", NULL};

#define OFF(f) offsetof(struct conf, f)
static const struct known known[] = {
    {"connection.conninfo", K_STR, OFF(conninfo), 0, 0, NULL},
    {"connection.service", K_STR, OFF(service), 0, 0, NULL},
    {"connection.connect_timeout", K_INT, OFF(connect_timeout), 1, 600, NULL},
    {"connection.statement_timeout_ms", K_INT, OFF(statement_timeout_ms), 0, 3600000, NULL},
    {"connection.prepared_statements", K_CHOICE, OFF(prepared_statements), 0, 0, no_yes_choices},
    {"database.report_conninfo", K_STR, OFF(report_conninfo), 0, 0, NULL},
    {"ui.theme", K_CHOICE, OFF(theme), 0, 0, theme_choices},
    {"ui.ascii", K_CHOICE, OFF(ascii), 0, 0, ascii_choices},
    {"ui.search_delay_ms", K_INT, OFF(search_delay_ms), 0, 5000, NULL},
    {"ui.search_limit", K_INT, OFF(search_limit), 1, 500, NULL},
    {"ui.idle_lock_minutes", K_INT, OFF(idle_lock_minutes), 0, 1440, NULL},
    {"ui.idle_lock_seconds", K_INT, OFF(idle_lock_seconds), 0, 86400, NULL},
    {"ui.unlock_attempts", K_INT, OFF(unlock_attempts), 1, 10, NULL},
    {"paths.journal_dir", K_STR, OFF(journal_dir), 0, 0, NULL},
    {"queue.at_risk_percent", K_INT, OFF(queue_at_risk_percent), 1, 99, NULL},
    {"queue.limit", K_INT, OFF(queue_limit), 10, 5000, NULL},
    {"notify.sendmail", K_STR, OFF(notify.sendmail), 0, 0, NULL},
    {"notify.mail_from", K_STR, OFF(notify.mail_from), 0, 0, NULL},
    {"notify.sms_url", K_STR, OFF(notify.sms_url), 0, 0, NULL},
    {"notify.sms_username", K_STR, OFF(notify.sms_username), 0, 0, NULL},
    {"notify.sms_password", K_STR, OFF(notify.sms_password), 0, 0, NULL},
    {"notify.sms_from", K_STR, OFF(notify.sms_from), 0, 0, NULL},
    {"notify.batch", K_INT, OFF(notify.batch), 1, 10000, NULL},
    {"notify.max_attempts", K_INT, OFF(notify.max_attempts), 1, 100, NULL},
    {"notify.retry_seconds", K_INT, OFF(notify.retry_seconds), 1, 3600, NULL},
    {"notify.timeout_seconds", K_INT, OFF(notify.timeout_seconds), 1, 600, NULL},
    {"notify.lease_seconds", K_INT, OFF(notify.lease_seconds), 10, 86400, NULL},
};
#undef OFF

/* Groups a file may contain; settings inside are checked against `known`,
 * the patterns list and the key-map loader. */
static const char *const groups[] = {"connection", "database", "ui", "patterns", "paths", "queue", "keys", "notify",
                                     NULL};

const char *conf_default_text(void)
{
    for (const struct embedded_file *f = embedded_files; f->path; f++)
        if (strcmp(f->path, "conf/careline.conf") == 0)
            return f->data;
    return "";
}

char *conf_find(void)
{
    const char *xdg = getenv("XDG_CONFIG_HOME");
    const char *home = getenv("HOME");
    char *p = NULL;
    if (xdg && *xdg)
        p = util_asprintf("%s/careline/careline.conf", xdg);
    else if (home && *home)
        p = util_asprintf("%s/.config/careline/careline.conf", home);
    if (p && access(p, F_OK) == 0)
        return p;
    free(p);
    if (access("/etc/careline/careline.conf", F_OK) == 0)
        return util_strdup("/etc/careline/careline.conf");
    return NULL;
}

__attribute__((format(printf, 5, 6)))
static int where(const config_setting_t *s, const char *file, char *err, size_t errlen, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    util_vformat(msg, sizeof msg, fmt, ap);
    va_end(ap);
    util_format(err, errlen, "%s:%u: %s", file, s ? config_setting_source_line(s) : 0u, msg);
    return -1;
}

static int read_file(config_t *cfg, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        util_format(err, errlen, "%s:0: cannot read: %s", path, strerror(errno));
        return -1;
    }
    /* Include files relative to the file's own folder. */
    char *dir = util_strdup(path);
    char *slash = strrchr(dir, '/');
    if (slash) {
        *slash = '\0';
        config_set_include_dir(cfg, dir);
    }
    int ok = config_read(cfg, f);
    (void)fclose(f);   /* only read: what was read is checked below */
    free(dir);
    if (!ok) {
        util_format(err, errlen, "%s:%d: %s", config_error_file(cfg) ? config_error_file(cfg) : path,
                    config_error_line(cfg), config_error_text(cfg));
        return -1;
    }
    return 0;
}

/* Reject settings we do not know: a typo must not be silently ignored. */
static int check_unknown(const config_t *cfg, const char *file, char *err, size_t errlen)
{
    const config_setting_t *root = config_root_setting(cfg);
    for (int i = 0; i < config_setting_length(root); i++) {
        const config_setting_t *g = config_setting_get_elem(root, (unsigned)i);
        const char *gname = config_setting_name(g);
        int known_group = 0;
        for (int k = 0; groups[k]; k++)
            known_group |= strcmp(groups[k], gname) == 0;
        if (!known_group)
            return where(g, file, err, errlen, "unknown setting '%s'", gname);
        if (!config_setting_is_group(g))
            return where(g, file, err, errlen, "'%s' must be a group { ... }", gname);
        if (strcmp(gname, "keys") == 0)
            continue;
        for (int j = 0; j < config_setting_length(g); j++) {
            const config_setting_t *s = config_setting_get_elem(g, (unsigned)j);
            char full[256];
            util_format(full, sizeof full, "%s.%s", gname, config_setting_name(s));
            /* A country's set is checked by conf_patterns_load, with its line. */
            int found = strcmp(gname, "patterns") == 0 && (valid_kind_lookup(config_setting_name(s)) >= 0 ||
                                                           conf_is_country_set(config_setting_name(s)));
            for (size_t k = 0; !found && k < sizeof known / sizeof known[0]; k++)
                found = strcmp(known[k].path, full) == 0;
            if (!found)
                return where(s, file, err, errlen, "unknown setting '%s'", full);
        }
    }
    return 0;
}

/* The user's setting when present, else the default's. */
static const config_setting_t *pick(const config_t *user, const config_t *def, const char *path,
                                    const char **file, const char *user_file)
{
    const config_setting_t *s = user ? config_lookup(user, path) : NULL;
    if (s) {
        *file = user_file;
        return s;
    }
    *file = "<built-in defaults>";
    return config_lookup(def, path);
}

static int apply_known(struct conf *c, const config_t *user, const config_t *def, const char *user_file,
                       char *err, size_t errlen)
{
    for (size_t k = 0; k < sizeof known / sizeof known[0]; k++) {
        const struct known *kn = &known[k];
        const char *file;
        const config_setting_t *s = pick(user, def, kn->path, &file, user_file);
        char *field = (char *)c + kn->off;
        if (!s)
            return where(NULL, file, err, errlen, "missing setting '%s'", kn->path);
        switch (kn->kind) {
        case K_STR:
            if (config_setting_type(s) != CONFIG_TYPE_STRING)
                return where(s, file, err, errlen, "%s: expected a string in double quotes", kn->path);
            free(*(char **)(void *)field);
            *(char **)(void *)field = util_strdup(config_setting_get_string(s));
            break;
        case K_INT: {
            if (config_setting_type(s) != CONFIG_TYPE_INT && config_setting_type(s) != CONFIG_TYPE_INT64)
                return where(s, file, err, errlen, "%s: expected a whole number", kn->path);
            long long v = config_setting_get_int64(s);
            if (v < kn->min || v > kn->max) {
                char range[64];
                util_format(range, sizeof range, "%d..%d", kn->min, kn->max);
                return where(s, file, err, errlen, "%s: must be in %s", kn->path, range);
            }
            *(int *)(void *)field = (int)v;
            break;
        }
        case K_CHOICE: {
            const char *v = config_setting_type(s) == CONFIG_TYPE_STRING ? config_setting_get_string(s) : NULL;
            int idx = -1;
            for (int i = 0; v && kn->choices[i]; i++)
                if (strcmp(v, kn->choices[i]) == 0)
                    idx = i;
            if (idx < 0) {
                char list[128] = "";
                for (int i = 0; kn->choices[i]; i++) {
                    strncat(list, i ? ", " : "", sizeof list - strlen(list) - 1);
                    strncat(list, kn->choices[i], sizeof list - strlen(list) - 1);
                }
                return where(s, file, err, errlen, "%s: must be one of %s", kn->path, list);
            }
            *(int *)(void *)field = idx;
            break;
        }
        }
    }
    return 0;
}

static void resolve_journal(struct conf *c)
{
    if (c->journal_dir && *c->journal_dir)
        return;
    free(c->journal_dir);
    const char *xdg = getenv("XDG_STATE_HOME");
    const char *home = getenv("HOME");
    if (xdg && *xdg)
        c->journal_dir = util_asprintf("%s/careline", xdg);
    else if (home && *home)
        c->journal_dir = util_asprintf("%s/.local/state/careline", home);
    else
        c->journal_dir = util_strdup("/tmp/careline-journal");
}

int conf_load(struct conf *c, const char *path, char *err, size_t errlen)
{
    memset(c, 0, sizeof *c);
    config_t def, user;
    config_init(&def);
    config_init(&user);
    int rc = -1;
    bool have_user = false;

    if (!config_read_string(&def, conf_default_text())) {
        util_format(err, errlen, "<built-in defaults>:%d: %s", config_error_line(&def), config_error_text(&def));
        goto out;
    }
    c->path = path ? util_strdup(path) : conf_find();
    if (c->path) {
        if (read_file(&user, c->path, err, errlen) < 0 || check_unknown(&user, c->path, err, errlen) < 0)
            goto out;
        have_user = true;
    }
    if (apply_known(c, have_user ? &user : NULL, &def, c->path, err, errlen) < 0 ||
        conf_patterns_load(c, have_user ? &user : NULL, &def, c->path, err, errlen) < 0)
        goto out;

    /* conf_keys_load registers the screens' sections first, so a typo in a
     * screen name is reported. */
    tui_keymap_reset();
    const config_setting_t *k = config_lookup(&def, "keys");
    if (k && conf_keys_load(k, "<built-in defaults>", err, errlen) < 0)
        goto out;
    k = have_user ? config_lookup(&user, "keys") : NULL;
    if (k && conf_keys_load(k, c->path, err, errlen) < 0)
        goto out;
    resolve_journal(c);
    rc = 0;
out:
    config_destroy(&def);
    config_destroy(&user);
    return rc;
}

void conf_free(struct conf *c)
{
    free(c->path);
    free(c->conninfo);
    free(c->service);
    free(c->report_conninfo);
    free(c->journal_dir);
    struct conf_notify *n = &c->notify;
    free(n->sendmail);
    free(n->mail_from);
    free(n->sms_url);
    free(n->sms_username);
    free(n->sms_password);
    free(n->sms_from);
    conf_patterns_free(c);
    memset(c, 0, sizeof *c);
}
