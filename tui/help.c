/* help.c — the help screen: every key of the screen below it and the global ones, with what each does, in a box drawn over that screen. */
#include "careline/shell.h"

#include <stdlib.h>
#include <string.h>

#include "careline/keymap.h"
#include "careline/text.h"
#include "careline/util.h"

struct help_line {
    char *keys, *text; /* keys NULL: a heading */
};

struct help {
    const char *section;    /* the key map of the screen below */
    char *title;
    struct help_line *lines;
    int n;
    int top, inner;         /* first line shown, lines that fit at last draw */
};

/* ---- notes screens add (what short forms mean), by screen name ---------- */

static struct {
    const char *screen, *note;
} help_notes[16];

void tui_set_help_note(const char *screen, const char *note)
{
    for (size_t i = 0; i < sizeof help_notes / sizeof help_notes[0]; i++)
        if (!help_notes[i].screen || strcmp(help_notes[i].screen, screen) == 0) {
            help_notes[i].screen = screen;
            help_notes[i].note = note;
            return;
        }
}

static const char *help_note_for(const char *screen)
{
    for (size_t i = 0; i < sizeof help_notes / sizeof help_notes[0] && help_notes[i].screen; i++)
        if (strcmp(help_notes[i].screen, screen) == 0)
            return help_notes[i].note;
    return NULL;
}

/* ---- the lines ---------------------------------------------------------- */

struct help_build {
    const char *section;
    bool global;
    char *keys[TUI_ACT__COUNT];
};

static void help_collect(void *ctx, int key, enum tui_action a)
{
    struct help_build *hb = ctx;
    if ((unsigned)a >= TUI_ACT__COUNT)
        return;
    if (hb->global && hb->section && tui_keymap_lookup(hb->section, key) != a)
        return; /* overridden on this screen */
    char name[32];
    const char *shown = tui_key_show(key, name, sizeof name);
    if (hb->keys[a]) {
        char *joined = util_asprintf("%s, %s", hb->keys[a], shown);
        free(hb->keys[a]);
        hb->keys[a] = joined;
    } else {
        hb->keys[a] = util_strdup(shown);
    }
}

static void help_add(struct help *h, char *keys, char *text)
{
    h->lines = util_realloc(h->lines, sizeof *h->lines * (size_t)(h->n + 1));
    h->lines[h->n++] = (struct help_line){keys, text};
}

/* One line per action, its keys joined, in the order the keys were bound:
 * the screen's own keys, then the global keys still in force here. */
struct order {
    enum tui_action seq[TUI_ACT__COUNT];
    int n;
    bool seen[TUI_ACT__COUNT];
};

static void order_cb(void *ctx, int key, enum tui_action a)
{
    (void)key;
    struct order *o = ctx;
    if ((unsigned)a < TUI_ACT__COUNT && !o->seen[a]) {
        o->seen[a] = true;
        o->seq[o->n++] = a;
    }
}

static void help_section(struct help *h, const char *heading, const char *section, const char *screen)
{
    struct help_build hb = {screen, section != screen, {NULL}};
    tui_keymap_each(section, help_collect, &hb);
    struct order o = {.n = 0};
    tui_keymap_each(section, order_cb, &o);
    bool any = false;
    for (int i = 0; i < o.n; i++) {
        enum tui_action a = o.seq[i];
        if (!hb.keys[a])
            continue;
        if (!any) {
            if (h->n)
                help_add(h, util_strdup(""), util_strdup(""));
            help_add(h, NULL, util_strdup(heading));
            any = true;
        }
        help_add(h, hb.keys[a], util_strdup(tui_action_help(a)));
        hb.keys[a] = NULL;
    }
    for (int a = 0; a < TUI_ACT__COUNT; a++)
        free(hb.keys[a]);
}

static void help_note(struct help *h, const char *note)
{
    help_add(h, util_strdup(""), util_strdup(""));
    help_add(h, NULL, util_strdup("On this screen"));
    for (const char *p = note; *p;) {
        size_t n = strcspn(p, "\n");
        help_add(h, util_strdup(""), util_strndup(p, n));
        p += n;
        if (*p)
            p++;
    }
}

/* ---- the screen ----------------------------------------------------------- */

static void *help_open(void *arg)
{
    const struct screen_ops *below = arg;
    struct help *h = util_calloc(1, sizeof *h);
    const char *name = below ? below->name : NULL;
    const char *title = below && below->title ? below->title : "Careline";
    h->section = name;
    if (name && strcmp(name, "global") != 0) {
        char *heading = util_asprintf("%s keys", title);
        help_section(h, heading, name, name);
        free(heading);
    }
    help_section(h, "Keys on every screen", "global", name);
    const char *note = name ? help_note_for(name) : NULL;
    if (note)
        help_note(h, note);
    h->title = util_asprintf("Help: %s", title);
    return h;
}

static void help_close(void *st)
{
    struct help *h = st;
    for (int i = 0; i < h->n; i++) {
        free(h->lines[i].keys);
        free(h->lines[i].text);
    }
    free(h->lines);
    free(h->title);
    free(h);
}

/* The box: as wide as its longest line needs (keys cut at 24 columns),
 * centred on the whole terminal, never wider or taller than it. Returns
 * false when there is no room for one. */
static bool help_box(const struct help *h, int rows, int cols, struct tui_rect *r, int *kw)
{
    int tw = 0;
    *kw = 0;
    for (int i = 0; i < h->n; i++) {
        const struct help_line *l = &h->lines[i];
        int a = l->keys ? tui_text_width(l->keys) : 0, b = tui_text_width(l->text);
        if (!l->keys)
            b -= 2; /* headings start two columns further left */
        *kw = a > *kw ? a : *kw;
        tw = b > tw ? b : tw;
    }
    if (*kw > 24)
        *kw = 24;
    int w = *kw + tw + 7, ht = h->n + 2;
    if (w > cols - 2)
        w = cols - 2;
    if (w < 12 && cols >= 12)
        w = 12;
    if (ht > rows - 2)
        ht = rows - 2;
    if (w < 4 || ht < 3)
        return false;
    if (*kw > (w - 5) / 2)
        *kw = (w - 5) / 2; /* a narrow box shares its width between keys and help */
    *r = (struct tui_rect){(rows - ht) / 2, (cols - w) / 2, ht, w};
    return true;
}

static void help_draw(void *st, struct tui_rect body)
{
    (void)body; /* an overlay: centred on the whole terminal */
    struct help *h = st;
    struct tui_rect r;
    int kw;
    if (!help_box(h, tui_rows(), tui_cols(), &r, &kw)) {
        h->inner = 0;
        return;
    }
    h->inner = r.h - 2;
    int maxtop = h->n - h->inner;
    if (h->top > maxtop)
        h->top = maxtop > 0 ? maxtop : 0;
    for (int i = 0; i < r.h; i++)
        tui_fill(r.y + i, r.x, r.w, TUI_ROLE_NORMAL);
    tui_box(r, TUI_ROLE_BORDER, h->title);
    for (int i = 0; i < h->inner && h->top + i < h->n; i++) {
        const struct help_line *l = &h->lines[h->top + i];
        int y = r.y + 1 + i;
        if (!l->keys) {
            tui_put(y, r.x + 2, r.w - 4, TUI_ROLE_HEADER, l->text);
            continue;
        }
        tui_put(y, r.x + 3, kw, TUI_ROLE_LABEL, l->keys);
        int tx = r.x + 3 + kw + 2;
        if (tx < r.x + r.w - 1)
            tui_put(y, tx, r.x + r.w - 1 - tx, TUI_ROLE_NORMAL, l->text);
    }
    /* Say there is more, and how it closes, on the bottom border. */
    bool more = h->top + h->inner < h->n;
    char note[64];
    util_format(note, sizeof note, " %s%s ", more ? tui_glyph("down") : h->top > 0 ? tui_glyph("up") : "",
                more            ? " more, any other key closes"
                : h->top > 0    ? " back up, any other key closes"
                                : "any key closes");
    tui_put_right(r.y + r.h - 1, r.x + 2, r.w - 4, TUI_ROLE_BORDER, note);
}

/* The movement keys (of the screen below) scroll help when it is longer
 * than the box; every other key closes it, and goes nowhere else: it
 * wants every key as text, so the shell offers it nothing. */
static enum scr_result help_key(void *st, int key)
{
    struct help *h = st;
    enum tui_action a = TUI_KEY_IS_PASTE(key) ? TUI_ACT_NONE : tui_keymap_lookup(h->section, key);
    int maxtop = h->n - h->inner;
    if (h->inner <= 0 || maxtop <= 0)
        return SCR_CLOSE;
    int page = h->inner > 1 ? h->inner - 1 : 1, top = h->top;
    switch (a) {
    case TUI_ACT_UP: top--; break;
    case TUI_ACT_DOWN: top++; break;
    case TUI_ACT_PAGE_UP: top -= page; break;
    case TUI_ACT_PAGE_DOWN: top += page; break;
    case TUI_ACT_FIRST: top = 0; break;
    case TUI_ACT_LAST: top = maxtop; break;
    default: return SCR_CLOSE;
    }
    h->top = top < 0 ? 0 : top > maxtop ? maxtop : top;
    return SCR_REDRAW;
}

static enum scr_result help_action(void *st, enum tui_action a)
{
    (void)st;
    (void)a;
    return SCR_CLOSE; /* not reached: help_key takes every key */
}

static bool help_wants_text(void *st)
{
    (void)st;
    return true;
}

const struct screen_ops tui_help_ops = {
    .name = "help",
    .title = "Help",
    .open = help_open,
    .close = help_close,
    .draw = help_draw,
    .action = help_action,
    .key = help_key,
    .wants_text = help_wants_text,
    .overlay = true,
};

void tui_help_open(const struct screen_ops *below) { tui_push(&tui_help_ops, (void *)below); }
