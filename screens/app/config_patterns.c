/* config_patterns.c — the patterns group of careline.conf: the default patterns and the sets of a country (patterns.US = { ... }) that replace them for a utility in that country. */
#include "careline/config.h"

#include <ctype.h>
#include <libconfig.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careline/util.h"
#include "careline/validate.h"

bool conf_is_country_set(const char *name)
{
    return name && strlen(name) == 2 && isupper((unsigned char)name[0]) && isupper((unsigned char)name[1]);
}

static int fail(const config_setting_t *s, const char *file, char *err, size_t errlen, const char *path,
                const char *what)
{
    util_format(err, errlen, "%s:%u: %s: %s", file, s ? config_setting_source_line(s) : 0u, path, what);
    return -1;
}

/* One pattern setting: a string that compiles. Returns its text or NULL with err. */
static const char *checked(const config_setting_t *s, const char *file, const char *path, char *err,
                           size_t errlen)
{
    if (config_setting_type(s) != CONFIG_TYPE_STRING) {
        fail(s, file, err, errlen, path, "expected a pattern in double quotes");
        return NULL;
    }
    char why[300], msg[360];
    if (valid_check(config_setting_get_string(s), why, sizeof why) < 0) {
        util_format(msg, sizeof msg, "pattern does not compile: %s", why);
        fail(s, file, err, errlen, path, msg);
        return NULL;
    }
    return config_setting_get_string(s);
}

static struct conf_pattern_set *set_for(struct conf *c, const char *country)
{
    for (int i = 0; i < c->npattern_sets; i++)
        if (strcmp(c->pattern_sets[i].country, country) == 0)
            return &c->pattern_sets[i];
    c->pattern_sets = util_realloc(c->pattern_sets, sizeof *c->pattern_sets * (size_t)(c->npattern_sets + 1));
    struct conf_pattern_set *s = &c->pattern_sets[c->npattern_sets++];
    memset(s, 0, sizeof *s);
    util_format(s->country, sizeof s->country, "%s", country);
    return s;
}

/* The country groups of one file's patterns group, over what earlier files set. */
static int load_sets(struct conf *c, const config_t *cfg, const char *file, char *err, size_t errlen)
{
    const config_setting_t *g = cfg ? config_lookup(cfg, "patterns") : NULL;
    for (int i = 0; g && i < config_setting_length(g); i++) {
        const config_setting_t *grp = config_setting_get_elem(g, (unsigned)i);
        const char *country = config_setting_name(grp);
        if (!conf_is_country_set(country))
            continue;
        char path[64];
        util_format(path, sizeof path, "patterns.%s", country);
        if (!config_setting_is_group(grp))
            return fail(grp, file, err, errlen, path, "must be a group { ... } of patterns");
        struct conf_pattern_set *set = set_for(c, country);
        for (int j = 0; j < config_setting_length(grp); j++) {
            const config_setting_t *s = config_setting_get_elem(grp, (unsigned)j);
            util_format(path, sizeof path, "patterns.%s.%s", country, config_setting_name(s));
            int k = valid_kind_lookup(config_setting_name(s));
            if (k < 0)
                return fail(s, file, err, errlen, path, "unknown pattern");
            const char *text = checked(s, file, path, err, errlen);
            if (!text)
                return -1;
            free(set->text[k]);
            set->text[k] = util_strdup(text);
        }
    }
    return 0;
}

int conf_patterns_load(struct conf *c, const config_t *user, const config_t *def, const char *user_file,
                       char *err, size_t errlen)
{
    for (int k = 0; k < VALID__COUNT; k++) {
        char path[64];
        util_format(path, sizeof path, "patterns.%s", valid_kind_name((enum valid_kind)k));
        const char *file = user_file;
        const config_setting_t *s = user ? config_lookup(user, path) : NULL;
        if (!s) {
            file = "<built-in defaults>";
            s = config_lookup(def, path);
        }
        if (!s) {
            util_format(err, errlen, "%s:0: missing setting '%s'", file, path);
            return -1;
        }
        const char *text = checked(s, file, path, err, errlen);
        if (!text)
            return -1;
        c->patterns[k] = util_strdup(text);
    }
    if (load_sets(c, def, "<built-in defaults>", err, errlen) < 0 || load_sets(c, user, user_file, err, errlen) < 0)
        return -1;
    return conf_use_country(c, NULL, err, errlen);
}

int conf_use_country(const struct conf *c, const char *country, char *err, size_t errlen)
{
    const struct conf_pattern_set *set = NULL;
    for (int i = 0; country && i < c->npattern_sets; i++)
        if (strcmp(c->pattern_sets[i].country, country) == 0)
            set = &c->pattern_sets[i];
    for (int k = 0; k < VALID__COUNT; k++) {
        const char *text = set && set->text[k] ? set->text[k] : c->patterns[k];
        char why[300];
        if (text && valid_set((enum valid_kind)k, text, why, sizeof why) < 0) {
            util_format(err, errlen, "patterns%s%s.%s: %s", set ? "." : "", set ? set->country : "",
                     valid_kind_name((enum valid_kind)k), why);
            return -1;
        }
    }
    return 0;
}

void conf_patterns_free(struct conf *c)
{
    for (int k = 0; k < VALID__COUNT; k++) {
        free(c->patterns[k]);
        c->patterns[k] = NULL;
    }
    for (int i = 0; i < c->npattern_sets; i++)
        for (int k = 0; k < VALID__COUNT; k++)
            free(c->pattern_sets[i].text[k]);
    free(c->pattern_sets);
    c->pattern_sets = NULL;
    c->npattern_sets = 0;
}
