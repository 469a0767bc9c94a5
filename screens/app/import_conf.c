/* import_conf.c — reading a 311 mapping file (libconfig): the agencies taken, the city's statuses, and agency + type + descriptor -> category, every error as FILE:LINE: reason. */
#include "careline/import_conf.h"

#include <errno.h>
#include <libconfig.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "careline/admin.h"
#include "careline/util.h"

static const char *const source_names[] = {"nyc311", "open311"};
static const char *const statuses[] = {"new", "acknowledged", "investigating", "resolved", "closed", NULL};
static const char *const settings[] = {"timezone", "closed_root_cause", "match_min_score", "agencies", "status",
                                       "map", "careline_codes", NULL};

__attribute__((format(printf, 5, 6)))
static int fail(const config_setting_t *s, const char *file, char *err, size_t errlen, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    util_vformat(msg, sizeof msg, fmt, ap);
    va_end(ap);
    util_format(err, errlen, "%s:%u: %s", file, s ? config_setting_source_line(s) : 0u, msg);
    return -1;
}

static char *norm_dup(const char *s)
{
    char buf[512];
    db_import_norm(s, buf, sizeof buf);
    return util_strdup(buf);
}

/* A string setting (or none: dflt). */
static int text(const config_setting_t *root, const char *name, const char *dflt, char **out, int *line,
                const char *file, char *err, size_t errlen)
{
    const config_setting_t *s = config_setting_get_member(root, name);
    if (!s) {
        *out = util_strdup(dflt);
        return 0;
    }
    if (config_setting_type(s) != CONFIG_TYPE_STRING)
        return fail(s, file, err, errlen, "%s: expected a string in double quotes", name);
    *out = util_strdup(config_setting_get_string(s));
    if (line)
        *line = (int)config_setting_source_line(s);
    return 0;
}

static int agencies(const config_setting_t *root, struct db_import_map *m, const char *file, char *err, size_t errlen)
{
    const config_setting_t *s = config_setting_get_member(root, "agencies");
    if (!s)
        return 0;
    if (!config_setting_is_array(s) && !config_setting_is_list(s))
        return fail(s, file, err, errlen, "agencies: expected a list of names: [ \"DEP\" ]");
    int n = config_setting_length(s);
    m->agencies = util_calloc((size_t)n + 1, sizeof *m->agencies);
    m->agency_lines = util_calloc((size_t)n + 1, sizeof *m->agency_lines);
    for (int i = 0; i < n; i++) {
        const char *a = config_setting_get_string_elem(s, i);
        if (!a || !*a)
            return fail(s, file, err, errlen, "agencies: item %d is not a name in double quotes", i + 1);
        m->agencies[i] = norm_dup(a);
        m->nagencies = i + 1;
        if (!*m->agencies[i])
            return fail(s, file, err, errlen, "agencies: \"%s\" has no letters or digits to compare", a);
        m->agency_lines[i] = (int)config_setting_source_line(s);
    }
    return 0;
}

/* A pair ("city's text", "careline value") from a list. */
static int pair(const config_setting_t *p, const char **a, const char **b)
{
    if (!config_setting_is_list(p) && !config_setting_is_array(p))
        return -1;
    if (config_setting_length(p) != 2)
        return -1;
    *a = config_setting_get_string_elem(p, 0);
    *b = config_setting_get_string_elem(p, 1);
    return *a && *b ? 0 : -1;
}

static int status_list(const config_setting_t *root, struct db_import_map *m, const char *file, char *err,
                       size_t errlen)
{
    const config_setting_t *s = config_setting_get_member(root, "status");
    if (!s || !config_setting_is_list(s))
        return fail(s ? s : root, file, err, errlen, "status: expected a list of (\"city's status\", \"careline status\")");
    int n = config_setting_length(s);
    m->statuses = util_calloc((size_t)n + 1, sizeof *m->statuses);
    for (int i = 0; i < n; i++) {
        const config_setting_t *p = config_setting_get_elem(s, (unsigned)i);
        const char *from, *to;
        if (pair(p, &from, &to) < 0)
            return fail(p, file, err, errlen, "status: expected (\"city's status\", \"careline status\")");
        bool known = false;
        for (int k = 0; statuses[k] && !known; k++)
            known = strcmp(statuses[k], to) == 0;
        if (!known)
            return fail(p, file, err, errlen, "status: \"%s\" is not one of new, acknowledged, investigating, resolved, closed",
                        to);
        m->statuses[i] = (struct db_import_status){norm_dup(from), util_strdup(to), (int)config_setting_source_line(p)};
        m->nstatuses = i + 1;
    }
    return 0;
}

/* One group of the map: an agency and a type, then (descriptor, category) pairs. */
static int map_group(const config_setting_t *g, struct db_import_map *m, const char *file, char *err, size_t errlen)
{
    const char *agency = "", *type = "";
    const config_setting_t *list = config_setting_get_member(g, "descriptors");
    if (!config_setting_is_group(g) || !list || !config_setting_is_list(list))
        return fail(g, file, err, errlen, "map: expected { agency = \"...\"; type = \"...\"; descriptors = ( ... ); }");
    for (int i = 0; i < config_setting_length(g); i++) {
        const char *name = config_setting_name(config_setting_get_elem(g, (unsigned)i));
        if (strcmp(name, "agency") != 0 && strcmp(name, "type") != 0 && strcmp(name, "descriptors") != 0)
            return fail(config_setting_get_elem(g, (unsigned)i), file, err, errlen, "map: unknown setting '%s'", name);
    }
    config_setting_lookup_string(g, "agency", &agency);
    config_setting_lookup_string(g, "type", &type);
    char a[512], t[512];
    db_import_norm(agency, a, sizeof a);
    db_import_norm(type, t, sizeof t);
    /* A text with nothing to compare would match anything: never a guess. */
    if ((*agency && !*a) || (*type && !*t))
        return fail(g, file, err, errlen, "map: \"%s\" has no letters or digits to compare", *agency && !*a ? agency : type);
    if (m->source == DB_IMPORT_NYC311 && (!*a || !*t))
        return fail(g, file, err, errlen, "map: an NYC 311 rule names its agency and complaint type");
    int n = config_setting_length(list);
    m->rules = util_realloc(m->rules, sizeof *m->rules * (size_t)(m->nrules + n + 1));
    for (int i = 0; i < n; i++) {
        const config_setting_t *p = config_setting_get_elem(list, (unsigned)i);
        const char *descriptor, *category;
        char d[512], code[16];
        if (pair(p, &descriptor, &category) < 0)
            return fail(p, file, err, errlen, "map: expected (\"descriptor\", \"category code\")");
        db_import_norm(descriptor, d, sizeof d);
        if (*descriptor && !*d)
            return fail(p, file, err, errlen, "map: \"%s\" has no letters or digits to compare", descriptor);
        if (m->source == DB_IMPORT_NYC311 && !*d)
            return fail(p, file, err, errlen, "map: an NYC 311 rule names its descriptor");
        if (!*t && !*d)
            return fail(p, file, err, errlen, "map: a rule needs a type or a descriptor, not neither");
        db_import_code(descriptor, code, sizeof code);
        m->rules[m->nrules++] = (struct db_import_rule){util_strdup(a), util_strdup(t), util_strdup(d),
                                                        util_strdup(code), util_strdup(category),
                                                        (int)config_setting_source_line(p)};
    }
    return 0;
}

static int read_map(const config_setting_t *root, struct db_import_map *m, const char *file, char *err, size_t errlen)
{
    for (int i = 0; i < config_setting_length(root); i++) {
        const config_setting_t *s = config_setting_get_elem(root, (unsigned)i);
        bool known = false;
        for (int k = 0; settings[k] && !known; k++)
            known = strcmp(settings[k], config_setting_name(s)) == 0;
        if (!known)
            return fail(s, file, err, errlen, "unknown setting '%s'", config_setting_name(s));
    }
    const config_setting_t *s = config_setting_get_member(root, "match_min_score");
    m->min_score = 0.8;
    if (s) {
        if (config_setting_type(s) != CONFIG_TYPE_FLOAT && config_setting_type(s) != CONFIG_TYPE_INT)
            return fail(s, file, err, errlen, "match_min_score: expected a number from 0 to 1, such as 0.8");
        m->min_score = config_setting_type(s) == CONFIG_TYPE_INT ? config_setting_get_int(s) : config_setting_get_float(s);
        if (!(m->min_score >= 0 && m->min_score <= 1))
            return fail(s, file, err, errlen, "match_min_score: expected a number from 0 to 1, such as 0.8");
    }
    s = config_setting_get_member(root, "careline_codes");
    if (s && config_setting_type(s) != CONFIG_TYPE_BOOL)
        return fail(s, file, err, errlen, "careline_codes: expected true or false");
    m->careline_codes = s && config_setting_get_bool(s);
    m->root_cause_line = m->timezone_line = 0;
    if (text(root, "timezone", "", &m->timezone, &m->timezone_line, file, err, errlen) < 0 ||
        text(root, "closed_root_cause", "external", &m->root_cause, &m->root_cause_line, file, err, errlen) < 0 ||
        agencies(root, m, file, err, errlen) < 0 || status_list(root, m, file, err, errlen) < 0)
        return -1;
    const config_setting_t *map = config_setting_get_member(root, "map");
    if (!map || !config_setting_is_list(map))
        return fail(map ? map : root, file, err, errlen, "map: expected a list of { agency; type; descriptors }");
    for (int i = 0; i < config_setting_length(map); i++)
        if (map_group(config_setting_get_elem(map, (unsigned)i), m, file, err, errlen) < 0)
            return -1;
    return 0;
}

/* The file to read: given, found, or NULL for the copy compiled in. */
static char *find(enum db_import_source source)
{
    const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
    char *p = NULL;
    if (xdg && *xdg)
        p = util_asprintf("%s/careline/import/%s.conf", xdg, source_names[source]);
    else if (home && *home)
        p = util_asprintf("%s/.config/careline/import/%s.conf", home, source_names[source]);
    if (p && access(p, F_OK) == 0)
        return p;
    free(p);
    p = util_asprintf("/etc/careline/import/%s.conf", source_names[source]);
    if (access(p, F_OK) == 0)
        return p;
    free(p);
    return NULL;
}

int app_import_map_load(enum db_import_source source, const char *path, struct db_import_map *m, char *err,
                        size_t errlen)
{
    memset(m, 0, sizeof *m);
    m->source = source;
    char *found = path ? util_strdup(path) : find(source);
    char builtin[64];
    util_format(builtin, sizeof builtin, "conf/import/%s.conf", source_names[source]);
    m->file = found ? found : util_asprintf("<built-in %s>", builtin);
    config_t cfg;
    config_init(&cfg);
    int ok;
    if (found) {
        FILE *f = fopen(found, "r");
        if (!f) {
            util_format(err, errlen, "%s:0: cannot read: %s", found, strerror(errno));
            config_destroy(&cfg);
            db_import_map_free(m);
            return -1;
        }
        ok = config_read(&cfg, f);
        (void)fclose(f);   /* only read */
    } else {
        const char *t = db_embedded(builtin);
        ok = config_read_string(&cfg, t ? t : "");
    }
    int rc = 0;
    if (!ok) {
        util_format(err, errlen, "%s:%d: %s", m->file, config_error_line(&cfg), config_error_text(&cfg));
        rc = -1;
    } else {
        rc = read_map(config_root_setting(&cfg), m, m->file, err, errlen);
    }
    config_destroy(&cfg);
    if (rc < 0) {
        db_import_map_free(m);
        m->source = source;
    }
    return rc;
}

const char *app_import_map_origin(const struct db_import_map *m)
{
    return m->file ? m->file : "";
}
