/* status.c — the title bar and the status line (the keys that matter, a message, the connection), and key names for people. */
#include "careline/shell.h"

#include <curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careline/keymap.h"
#include "careline/text.h"
#include "careline/util.h"

static char *message;
static enum tui_role message_role;
static char *conn_text;
static enum tui_role conn_role;
static char *note_text;   /* tui_set_status_note: news every screen shows, left of conn_text */
static enum tui_role note_role;

void tui_message(enum tui_role role, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char buf[1024];
    util_vformat(buf, sizeof buf, fmt, ap);
    va_end(ap);
    free(message);
    message = util_strdup(buf);
    message_role = role;
    tui_shell_dirty();
}

bool tui_status_clear_message(void)
{
    if (!message)
        return false;
    free(message);
    message = NULL;
    return true;
}

void tui_set_conn_status(const char *text, enum tui_role role)
{
    if ((text && conn_text && strcmp(text, conn_text) == 0 && role == conn_role) || (!text && !conn_text))
        return;
    free(conn_text);
    conn_text = text && *text ? util_strdup(text) : NULL;
    conn_role = role;
    tui_shell_dirty();
}

void tui_set_status_note(const char *text, enum tui_role role)
{
    free(note_text);
    note_text = text && *text ? util_strdup(text) : NULL;
    note_role = role;
    tui_shell_dirty();
}

void tui_status_free(void)
{
    free(message);
    message = NULL;
    free(conn_text);
    conn_text = NULL;
    free(note_text);
    note_text = NULL;
}

/* ---- key names for people -------------------------------------------------------------- */

/* The arrows read better as arrows; ASCII mode keeps the names. */
const char *tui_key_show(int key, char *buf, size_t len)
{
    if (!tui_ascii()) {
        switch (key) {
        case TUI_KEY_FN + KEY_UP: return tui_glyph("up");
        case TUI_KEY_FN + KEY_DOWN: return tui_glyph("down");
        case TUI_KEY_FN + KEY_LEFT: return tui_glyph("left");
        case TUI_KEY_FN + KEY_RIGHT: return tui_glyph("right");
        default: break;
        }
    }
    return tui_key_name(key, buf, len);
}

const char *tui_key_hint(const char *section, enum tui_action a, char *buf, size_t len)
{
    if (!buf || len == 0)
        return "";
    int key = tui_keymap_first_key(section, a, false);
    if (key < 0) {
        /* Unbound by the configuration: say which action wants a key. */
        util_format(buf, len, "[%s: no key]", tui_action_name(a));
        return buf;
    }
    char name[32];
    util_format(buf, len, "%s", tui_key_show(key, name, sizeof name));
    return buf;
}

/* ---- title and status lines -------------------------------------------------------------- */

void tui_status_draw_title(int cols)
{
    const struct tui_entry *e = tui_shell_base();
    tui_fill(0, 0, cols, TUI_ROLE_TITLE);
    char *t;
    if (e && e->ops->title && *e->ops->title)
        t = util_asprintf(" Careline %s %s", tui_glyph("dash"), e->ops->title);
    else
        t = util_strdup(" Careline");
    tui_put(0, 0, cols, TUI_ROLE_TITLE, t);
    free(t);
}

/* Actions shown in pairs as one entry ("↑↓ move"). */
static const struct {
    enum tui_action first, second;
    const char *label;
} pairs[] = {
    {TUI_ACT_UP, TUI_ACT_DOWN, "move"},
    {TUI_ACT_PAGE_UP, TUI_ACT_PAGE_DOWN, "page"},
    {TUI_ACT_FIRST, TUI_ACT_LAST, "first/last"},
    {TUI_ACT_NEXT_FIELD, TUI_ACT_PREV_FIELD, "field"},
    {TUI_ACT_NEXT_PANEL, TUI_ACT_PREV_PANEL, "panel"},
};

static bool in_list(const enum tui_action *acts, enum tui_action a)
{
    for (int i = 0; acts[i] != TUI_ACT_NONE; i++)
        if (acts[i] == a)
            return true;
    return false;
}

struct status_ctx {
    const enum tui_action *acts;
    const char *section;
    bool typing;
    bool done[TUI_ACT__COUNT];
};

/* The keys of action a as the status line shows them, with its label:
 * an action and its pair's other half (both in the list) share one entry
 * ("↑↓ move", "PgUp/PgDn page"). Returns false when no key does it. */
static bool status_entry(struct status_ctx *c, enum tui_action a, char *kbuf, size_t klen, const char **label)
{
    char n1[32], n2[32];
    *label = tui_action_label(a);
    int k1 = tui_keymap_first_key(c->section, a, c->typing);
    kbuf[0] = '\0';
    for (size_t p = 0; p < sizeof pairs / sizeof pairs[0]; p++) {
        enum tui_action other = pairs[p].first == a ? pairs[p].second
                                : pairs[p].second == a ? pairs[p].first
                                                       : TUI_ACT_NONE;
        if (other == TUI_ACT_NONE || !in_list(c->acts, other) || c->done[other])
            continue;
        int k2 = tui_keymap_first_key(c->section, other, c->typing);
        if (k1 < 0 || k2 < 0)
            break;
        c->done[other] = true;
        int ka = pairs[p].first == a ? k1 : k2, kb = pairs[p].first == a ? k2 : k1;
        const char *sa = tui_key_show(ka, n1, sizeof n1), *sb = tui_key_show(kb, n2, sizeof n2);
        /* "↑↓" when both are single glyphs, else "PgUp/PgDn". */
        bool glyphs = tui_text_width(sa) == 1 && tui_text_width(sb) == 1;
        util_format(kbuf, klen, "%s%s%s", sa, glyphs ? "" : "/", sb);
        *label = pairs[p].label;
        return true;
    }
    if (k1 < 0)
        return false;
    util_format(kbuf, klen, "%s", tui_key_show(k1, n1, sizeof n1));
    return true;
}

/* Right-aligned to end before column `end` in at most max columns;
 * returns the columns used. */
static int put_right_part(int row, int end, int max, const char *text, enum tui_role role)
{
    char *clean = tui_text_sanitize(text, tui_ascii());
    int w = tui_text_width(clean);
    free(clean);
    if (w > max)
        w = max;
    if (w > 0)
        tui_put_right(row, end - w, w, role, text);
    return w;
}

/* The connection state on the right, and left of it the news every screen
 * shows (unless a message needs the room); returns the columns they took. */
static int draw_conn(int row, int cols)
{
    int right = conn_text ? put_right_part(row, cols - 1, cols / 2, conn_text, conn_role) : 0;
    if (note_text && !message) {
        int gap = right ? 2 : 0;
        right += gap + put_right_part(row, cols - 1 - right - gap, cols / 3, note_text, note_role);
    }
    return right;
}

void tui_status_draw(int row, int cols)
{
    const struct tui_entry *e = tui_shell_base();
    tui_fill(row, 0, cols, TUI_ROLE_STATUS);
    int right = draw_conn(row, cols);
    int avail = cols - 1 - (right ? right + 3 : 1); /* last usable column + 1 */
    if (avail <= 1)
        return;
    if (message) {
        tui_put(row, 1, avail - 1, message_role, message);
        return;
    }
    static const enum tui_action fallback[] = {TUI_ACT_HELP, TUI_ACT_QUIT, TUI_ACT_NONE};
    struct status_ctx c = {.acts = e && e->ops->status_keys ? e->ops->status_keys(e->st) : fallback};
    if (!c.acts)
        c.acts = fallback;
    c.section = e ? e->ops->name : NULL;
    c.typing = e && e->ops->wants_text && e->ops->wants_text(e->st);
    int x = 1;
    for (int i = 0; c.acts[i] != TUI_ACT_NONE; i++) {
        enum tui_action a = c.acts[i];
        if ((unsigned)a >= TUI_ACT__COUNT || c.done[a])
            continue;
        c.done[a] = true;
        char kbuf[80];
        const char *label;
        if (!status_entry(&c, a, kbuf, sizeof kbuf, &label))
            continue;
        int need = tui_text_width(kbuf) + 1 + tui_text_width(label);
        if (x + need > avail)
            break; /* shorten: drop the rest rather than cut an entry */
        x += tui_put(row, x, need, TUI_ROLE_STATUS_KEY, kbuf) + 1;
        x += tui_put(row, x, avail - x, TUI_ROLE_STATUS, label) + 2;
    }
}
