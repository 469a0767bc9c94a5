/* keymap.c — key names, and the per-screen key bindings loaded from the `keys` group of the configuration. */
#include "careline/keymap.h"

#include <curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "careline/screens.h"
#include "careline/text.h"
#include "careline/util.h"

/* ---- key names ---------------------------------------------------------- */

#define FN(code) (TUI_KEY_FN + (code))

/* Canonical names first: tui_key_name() uses the first entry for a key,
 * the others are accepted aliases. */
static const struct {
    const char *name;
    int key;
} named_keys[] = {
    {"Space", ' '},
    {"Enter", TUI_KEY_ENTER},
    {"Esc", 27},
    {"Tab", '\t'},
    {"BackTab", FN(KEY_BTAB)},
    {"Backspace", TUI_KEY_BACKSPACE},
    {"Delete", FN(KEY_DC)},
    {"Insert", FN(KEY_IC)},
    {"Up", FN(KEY_UP)},
    {"Down", FN(KEY_DOWN)},
    {"Left", FN(KEY_LEFT)},
    {"Right", FN(KEY_RIGHT)},
    {"PgUp", FN(KEY_PPAGE)},
    {"PgDn", FN(KEY_NPAGE)},
    {"Home", FN(KEY_HOME)},
    {"End", FN(KEY_END)},
    {"Return", TUI_KEY_ENTER},
    {"Escape", 27},
    {"Del", FN(KEY_DC)},
    {"Ins", FN(KEY_IC)},
    {"PageUp", FN(KEY_PPAGE)},
    {"PageDown", FN(KEY_NPAGE)},
    {"S-Tab", FN(KEY_BTAB)},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

int tui_key_normalize(int key)
{
    switch (key) {
    case '\n':
    case '\r':
    case FN(KEY_ENTER):
        return TUI_KEY_ENTER;
    case 8: /* many terminals send ^H for the backspace key */
    case 127:
    case FN(KEY_BACKSPACE):
        return TUI_KEY_BACKSPACE;
    default:
        return key;
    }
}

int tui_key_parse(const char *name)
{
    if (!name || !*name)
        return -1;
    size_t n = strlen(name);
    uint32_t cp;
    int k = tui_utf8_decode(name, n, &cp);
    if ((size_t)k == n) { /* a single character */
        if (cp == 0xFFFD && k == 1)
            return -1;
        return tui_key_normalize((int)cp);
    }
    for (size_t i = 0; i < COUNT(named_keys); i++)
        if (strcasecmp(name, named_keys[i].name) == 0)
            return named_keys[i].key;
    if ((name[0] == 'C' || name[0] == 'c') && name[1] == '-' && n == 3) {
        char c = name[2];
        if (c >= 'a' && c <= 'z')
            return tui_key_normalize(c - 'a' + 1);
        if (c >= 'A' && c <= 'Z')
            return tui_key_normalize(c - 'A' + 1);
        if (c == '[' || c == '\\' || c == ']' || c == '^' || c == '_')
            return c - '@';
        return -1;
    }
    if ((name[0] == 'F' || name[0] == 'f') && n >= 2 && n <= 3) {
        char *end;
        long f = strtol(name + 1, &end, 10);
        if (*end == '\0' && name[1] != '0' && f >= 1 && f <= 12)
            return FN(KEY_F((int)f));
    }
    return -1;
}

const char *tui_key_name(int key, char *buf, size_t len)
{
    if (!buf || len == 0)
        return "";
    key = tui_key_normalize(key);
    for (size_t i = 0; i < COUNT(named_keys); i++) {
        if (named_keys[i].key == key) {
            snprintf(buf, len, "%s", named_keys[i].name);
            return buf;
        }
    }
    if (key >= 1 && key < 32) {
        snprintf(buf, len, "C-%c", key < 27 ? 'a' + key - 1 : '@' + key);
    } else if (key >= FN(KEY_F(1)) && key <= FN(KEY_F(12))) {
        snprintf(buf, len, "F%d", key - FN(KEY_F0));
    } else if (TUI_KEY_IS_FN(key)) {
        snprintf(buf, len, "Key-%d", key - TUI_KEY_FN);
    } else if (key > 32 && key <= 0x10FFFF) {
        char enc[5] = {0};
        tui_utf8_encode((uint32_t)key, enc);
        snprintf(buf, len, "%s", enc);
    } else {
        snprintf(buf, len, "Key-%d", key);
    }
    return buf;
}

bool tui_key_printable(int key)
{
    if (key < 0x20 || TUI_KEY_IS_FN(key) || key > 0x10FFFF || key == 0x7F)
        return false;
    if (key >= 0xD800 && key <= 0xDFFF)
        return false;
    return tui_cp_width((uint32_t)key) >= 0;
}

/* ---- bindings ------------------------------------------------------------ */

struct binding {
    int key;
    enum tui_action action; /* TUI_ACT_NONE: explicitly unbound here */
};

struct section {
    char *name;
    struct binding *b; /* in the order first bound, so help and status are stable */
    int n, cap;
};

static struct section *sections;
static int nsections;

static struct section *find_section(const char *name)
{
    for (int i = 0; i < nsections; i++)
        if (strcmp(sections[i].name, name) == 0)
            return &sections[i];
    return NULL;
}

static void add_section(const char *name)
{
    if (find_section(name))
        return;
    sections = util_realloc(sections, sizeof *sections * (size_t)(nsections + 1));
    sections[nsections++] = (struct section){.name = util_strdup(name)};
}

/* "global" and every screen in screens.h are known before anything is
 * loaded, so the configuration can be checked before the screen is taken
 * over (no screen code has to run for its section to exist). */
static void builtin_sections(void)
{
    if (nsections)
        return;
    add_section("global");
#define SCR_SECTION(name) add_section(#name);
    SCR_SCREENS(SCR_SECTION)
#undef SCR_SECTION
}

void tui_keymap_add_section(const char *section)
{
    builtin_sections();
    if (section && *section)
        add_section(section);
}

void tui_keymap_reset(void)
{
    builtin_sections();
    for (int i = 0; i < nsections; i++) {
        free(sections[i].b);
        sections[i].b = NULL;
        sections[i].n = sections[i].cap = 0;
    }
}

static struct binding *find_binding(struct section *s, int key)
{
    for (int i = 0; i < s->n; i++)
        if (s->b[i].key == key)
            return &s->b[i];
    return NULL;
}

static void bind(struct section *s, int key, enum tui_action a)
{
    struct binding *b = find_binding(s, key);
    if (b) {
        b->action = a; /* an override keeps the key's place in the order */
        return;
    }
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 16;
        s->b = util_realloc(s->b, sizeof *s->b * (size_t)s->cap);
    }
    s->b[s->n++] = (struct binding){key, a};
}

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
    fclose(f);
    return found;
}

struct pending {
    struct section *section;
    int key;
    enum tui_action action;
    int line;
};

static int fail(char *err, size_t errlen, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static int fail(char *err, size_t errlen, const char *file, int line, const char *fmt, ...)
{
    if (err && errlen) {
        char reason[256];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(reason, sizeof reason, fmt, ap);
        va_end(ap);
        snprintf(err, errlen, "%s:%d: %s", file ? file : "(config)", line, reason);
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

int tui_keymap_load(const config_setting_t *keys, const char *file, char *err, size_t errlen)
{
    builtin_sections();
    if (err && errlen)
        err[0] = '\0';
    if (!keys)
        return 0;
    if (!config_setting_is_group(keys))
        return fail(err, errlen, file, config_setting_source_line(keys),
                    "keys must be a group of lists like global = [ \"F1 help\" ]");

    /* Check everything first and apply only a complete, valid load, so a
     * bad file leaves the previous bindings untouched. */
    struct pending *p = NULL;
    int np = 0, cap = 0, rc = 0;
    int nsec = config_setting_length(keys);
    for (int i = 0; i < nsec && rc == 0; i++) {
        const config_setting_t *sec = config_setting_get_elem(keys, (unsigned)i);
        const char *sname = config_setting_name(sec);
        int sline = config_setting_source_line(sec);
        struct section *s = find_section(sname ? sname : "");
        if (!s) {
            rc = fail(err, errlen, file, sline, "unknown key section \"%s\"", sname ? sname : "");
            break;
        }
        if (!config_setting_is_aggregate(sec) || config_setting_is_group(sec)) {
            rc = fail(err, errlen, file, sline, "%s must be a list of \"KEY action\" strings", sname);
            break;
        }
        int first = np, prev_line = sline;
        int nb = config_setting_length(sec);
        for (int j = 0; j < nb; j++) {
            const config_setting_t *e = config_setting_get_elem(sec, (unsigned)j);
            int line = refine_line(e, prev_line, config_setting_source_line(e));
            prev_line = line;
            const char *text = config_setting_get_string(e);
            char kname[64], aname[64];
            if (!text) {
                rc = fail(err, errlen, file, line, "%s: expected a string \"KEY action\"", sname);
                break;
            }
            if (split_binding(text, kname, sizeof kname, aname, sizeof aname) < 0) {
                rc = fail(err, errlen, file, line, "\"%s\" is not \"KEY action\"", text);
                break;
            }
            int key = tui_key_parse(kname);
            if (key < 0) {
                rc = fail(err, errlen, file, line, "unknown key name \"%s\"", kname);
                break;
            }
            int act = tui_action_lookup(aname);
            if (act < 0) {
                rc = fail(err, errlen, file, line, "unknown action \"%s\"", aname);
                break;
            }
            for (int q = first; q < np; q++) {
                if (p[q].key == key) {
                    rc = fail(err, errlen, file, line, "key \"%s\" is bound twice in %s (first on line %d)",
                              kname, sname, p[q].line);
                    break;
                }
            }
            if (rc)
                break;
            if (np == cap) {
                cap = cap ? cap * 2 : 32;
                p = util_realloc(p, sizeof *p * (size_t)cap);
            }
            p[np++] = (struct pending){s, key, (enum tui_action)act, line};
        }
    }
    if (rc == 0)
        for (int i = 0; i < np; i++)
            bind(p[i].section, p[i].key, p[i].action);
    free(p);
    return rc;
}

enum tui_action tui_keymap_lookup(const char *section, int key)
{
    builtin_sections();
    key = tui_key_normalize(key);
    struct section *s = section ? find_section(section) : NULL;
    struct binding *b = s ? find_binding(s, key) : NULL;
    if (b) /* an explicit "none" here hides the global binding */
        return b->action;
    s = find_section("global");
    b = s ? find_binding(s, key) : NULL;
    return b ? b->action : TUI_ACT_NONE;
}

bool tui_keymap_bound(const char *section, int key)
{
    builtin_sections();
    key = tui_key_normalize(key);
    struct section *s = section ? find_section(section) : NULL;
    if (s && find_binding(s, key))
        return true;
    s = find_section("global");
    return s && find_binding(s, key);
}

const char *tui_keymap_keys_for(const char *section, enum tui_action a, char *buf, size_t len)
{
    builtin_sections();
    if (!buf || len == 0)
        return "";
    buf[0] = '\0';
    struct section *s = find_section(section ? section : "global");
    if (!s || a == TUI_ACT_NONE)
        return buf;
    size_t used = 0;
    for (int i = 0; i < s->n; i++) {
        if (s->b[i].action != a)
            continue;
        char name[32];
        tui_key_name(s->b[i].key, name, sizeof name);
        int w = snprintf(buf + used, len - used, "%s%s", used ? "/" : "", name);
        if (w < 0 || (size_t)w >= len - used) {
            buf[used] = '\0'; /* whole names only */
            break;
        }
        used += (size_t)w;
    }
    return buf;
}

void tui_keymap_each(const char *section, void (*fn)(void *ctx, int key, enum tui_action a), void *ctx)
{
    builtin_sections();
    struct section *s = section ? find_section(section) : NULL;
    if (!s || !fn)
        return;
    for (int i = 0; i < s->n; i++)
        if (s->b[i].action != TUI_ACT_NONE)
            fn(ctx, s->b[i].key, s->b[i].action);
}
