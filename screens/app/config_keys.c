/* config_keys.c — the `keys` group of careline.conf: "KEY action" strings read with libconfig into (section, key, action) triples for the key map. */
#include "careline/config.h"

#include <libconfig.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careline/keymap.h"
#include "careline/screens.h"
#include "careline/util.h"

/* libconfig records the line of a string in a list only once it has seen the
 * next token (adjacent strings are concatenated), so the last element of a
 * multi-line list reports the line of the closing bracket. When the text came
 * from a file, look for the quoted string between the previous element's line
 * and the reported one. */
static int refine_line(const config_setting_t *elem, int lo, int reported)
{
    const char *path = config_setting_source_file(elem);
    const char *value = config_setting_get_string(elem);
    if (!path || !value || reported <= lo)
        return reported;
    FILE *f = fopen(path, "r");
    if (!f)
        return reported;
    char *quoted = util_asprintf("\"%s\"", value);
    char *line = NULL;
    size_t cap = 0;
    int ln = 0, found = reported;
    while (getline(&line, &cap, f) >= 0 && ++ln <= reported) {
        if (ln >= lo && strstr(line, quoted))
            found = ln;
    }
    free(line);
    free(quoted);
    (void)fclose(f);   /* only read, and only to find a line for a message */
    return found;
}

/* What a load has read so far: the triples and the line of each, so a key
 * bound twice names both lines. */
struct pending {
    struct tui_binding *b;
    int *line;
    int n, cap;
};

static void pending_add(struct pending *p, struct tui_binding b, int line)
{
    if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 32;
        p->b = util_realloc(p->b, sizeof *p->b * (size_t)p->cap);
        p->line = util_realloc(p->line, sizeof *p->line * (size_t)p->cap);
    }
    p->b[p->n] = b;
    p->line[p->n++] = line;
}

static int fail(char *err, size_t errlen, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static int fail(char *err, size_t errlen, const char *file, int line, const char *fmt, ...)
{
    if (err && errlen) {
        char reason[256];
        va_list ap;
        va_start(ap, fmt);
        util_vformat(reason, sizeof reason, fmt, ap);
        va_end(ap);
        util_format(err, errlen, "%s:%d: %s", file ? file : "(config)", line, reason);
    }
    return -1;
}

/* Split "KEY action" on blanks; the key name itself never contains one
 * (the space bar is "Space"). */
static int split_binding(const char *text, char *key, size_t keylen, char *act, size_t actlen)
{
    const char *p = text;
    while (*p == ' ' || *p == '\t')
        p++;
    const char *k = p;
    while (*p && *p != ' ' && *p != '\t')
        p++;
    size_t kn = (size_t)(p - k);
    while (*p == ' ' || *p == '\t')
        p++;
    const char *a = p;
    while (*p && *p != ' ' && *p != '\t')
        p++;
    size_t an = (size_t)(p - a);
    while (*p == ' ' || *p == '\t')
        p++;
    if (kn == 0 || an == 0 || *p || kn >= keylen || an >= actlen)
        return -1;
    memcpy(key, k, kn);
    key[kn] = '\0';
    memcpy(act, a, an);
    act[an] = '\0';
    return 0;
}

/* One "KEY action" string of section sname into p; `first` is where this
 * section's triples begin (a key bound twice within it is an error). */
static int read_binding(struct pending *p, int first, const char *sname, const config_setting_t *e, int line,
                        const char *file, char *err, size_t errlen)
{
    const char *text = config_setting_get_string(e);
    char kname[64], aname[64];
    if (!text)
        return fail(err, errlen, file, line, "%s: expected a string \"KEY action\"", sname);
    if (split_binding(text, kname, sizeof kname, aname, sizeof aname) < 0)
        return fail(err, errlen, file, line, "\"%s\" is not \"KEY action\"", text);
    int key = tui_key_parse(kname);
    if (key < 0)
        return fail(err, errlen, file, line, "unknown key name \"%s\"", kname);
    int act = tui_action_lookup(aname);
    if (act < 0)
        return fail(err, errlen, file, line, "unknown action \"%s\"", aname);
    for (int q = first; q < p->n; q++)
        if (p->b[q].key == key)
            return fail(err, errlen, file, line, "key \"%s\" is bound twice in %s (first on line %d)", kname, sname,
                        p->line[q]);
    pending_add(p, (struct tui_binding){sname, key, (enum tui_action)act}, line);
    return 0;
}

static int read_section(struct pending *p, const config_setting_t *sec, const char *file, char *err, size_t errlen)
{
    const char *sname = config_setting_name(sec);
    int sline = config_setting_source_line(sec);
    if (!tui_keymap_has_section(sname))
        return fail(err, errlen, file, sline, "unknown key section \"%s\"", sname ? sname : "");
    if (!config_setting_is_aggregate(sec) || config_setting_is_group(sec))
        return fail(err, errlen, file, sline, "%s must be a list of \"KEY action\" strings", sname);
    int first = p->n, prev_line = sline;
    int nb = config_setting_length(sec);
    for (int j = 0; j < nb; j++) {
        const config_setting_t *e = config_setting_get_elem(sec, (unsigned)j);
        int line = refine_line(e, prev_line, config_setting_source_line(e));
        prev_line = line;
        if (read_binding(p, first, sname, e, line, file, err, errlen) < 0)
            return -1;
    }
    return 0;
}

int conf_keys_load(const config_setting_t *keys, const char *file, char *err, size_t errlen)
{
    scr_key_sections();
    if (err && errlen)
        err[0] = '\0';
    if (!keys)
        return 0;
    if (!config_setting_is_group(keys))
        return fail(err, errlen, file, config_setting_source_line(keys),
                    "keys must be a group of lists like global = [ \"F1 help\" ]");
    /* Check everything first and apply only a complete, valid load, so a
     * bad file leaves the previous bindings untouched. */
    struct pending p = {0};
    int rc = 0;
    int nsec = config_setting_length(keys);
    for (int i = 0; i < nsec && rc == 0; i++)
        rc = read_section(&p, config_setting_get_elem(keys, (unsigned)i), file, err, errlen);
    if (rc == 0 && tui_keymap_bind(p.b, (size_t)p.n) < 0)
        rc = fail(err, errlen, file, 0, "%s", "a key section is not registered");
    free(p.b);
    free(p.line);
    return rc;
}
