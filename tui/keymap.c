/* keymap.c — key names, and key bindings per section as (section, key, action) triples; the keys for an action. */
#include "careline/keymap.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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
            util_format(buf, len, "%s", named_keys[i].name);
            return buf;
        }
    }
    if (key >= 1 && key < 32) {
        util_format(buf, len, "C-%c", key < 27 ? 'a' + key - 1 : '@' + key);
    } else if (key >= FN(KEY_F(1)) && key <= FN(KEY_F(12))) {
        util_format(buf, len, "F%d", key - FN(KEY_F0));
    } else if (TUI_KEY_IS_FN(key)) {
        util_format(buf, len, "Key-%d", key - TUI_KEY_FN);
    } else if (key > 32 && key <= 0x10FFFF) {
        char enc[5] = {0};
        tui_utf8_encode((uint32_t)key, enc);
        util_format(buf, len, "%s", enc);
    } else {
        util_format(buf, len, "Key-%d", key);
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

/* "global" is always there; the application adds a section per screen
 * before it binds anything (tui_keymap_add_section). */
static void builtin_sections(void)
{
    if (!nsections)
        add_section("global");
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

bool tui_keymap_has_section(const char *section)
{
    builtin_sections();
    return section && find_section(section) != NULL;
}

int tui_keymap_bind(const struct tui_binding *b, size_t n)
{
    builtin_sections();
    /* All or nothing: a load with an unknown section changes no binding. */
    for (size_t i = 0; i < n; i++)
        if (!find_section(b[i].section ? b[i].section : "") || (unsigned)b[i].action >= TUI_ACT__COUNT)
            return -1;
    for (size_t i = 0; i < n; i++)
        bind(find_section(b[i].section), tui_key_normalize(b[i].key), b[i].action);
    return 0;
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

struct key_search {
    const char *section;
    enum tui_action action;
    bool skip_printable;
    bool from_global;
    int found;
};

static void find_key_cb(void *ctx, int key, enum tui_action a)
{
    struct key_search *ks = ctx;
    if (ks->found >= 0 || a != ks->action)
        return;
    if (ks->skip_printable && tui_key_printable(key))
        return;
    /* A global key that the screen rebinds does not do this here. */
    if (ks->from_global && tui_keymap_lookup(ks->section, key) != a)
        return;
    ks->found = key;
}

int tui_keymap_first_key(const char *section, enum tui_action a, bool skip_printable)
{
    struct key_search ks = {section, a, skip_printable, false, -1};
    if (section && strcmp(section, "global") != 0)
        tui_keymap_each(section, find_key_cb, &ks);
    if (ks.found < 0) {
        ks.from_global = true;
        tui_keymap_each("global", find_key_cb, &ks);
    }
    return ks.found;
}
