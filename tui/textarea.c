/* textarea.c — a multi-line text area with word wrap, built on the one-line field's editing. */
#include "careline/tui.h"

#include <stdlib.h>
#include <string.h>

#include "careline/keymap.h"
#include "careline/text.h"
#include "careline/util.h"

void tui_textarea_init(struct tui_textarea *t, size_t max_bytes)
{
    memset(t, 0, sizeof *t);
    tui_field_init(&t->f, max_bytes);
    t->goal_col = -1;
}

void tui_textarea_free(struct tui_textarea *t) { tui_field_free(&t->f); }

void tui_textarea_set(struct tui_textarea *t, const char *text)
{
    tui_field_set(&t->f, text);
    t->top = 0;
    t->goal_col = -1;
}

static int cp_width_at(const char *s, size_t len, size_t i, size_t *next)
{
    uint32_t cp;
    int k = tui_utf8_decode(s + i, len - i, &cp);
    *next = i + (size_t)k;
    int w = tui_cp_width(cp);
    return w < 0 ? 1 : w;   /* controls are drawn as one visible mark */
}

int tui_textarea_layout(const char *s, size_t len, int width, size_t *starts, int max)
{
    int n = 0;
    if (width < 1)
        width = 1;
    size_t start = 0, i = 0, brk = 0;
    int col = 0, col_after_brk = 0;
    bool have_brk = false;
    if (max > 0)
        starts[n] = 0;
    n = 1;
    while (i < len) {
        if (s[i] == '\n') {
            i++;
            start = i;
            col = 0;
            have_brk = false;
            if (n < max)
                starts[n] = start;
            n++;
            continue;
        }
        size_t next;
        int w = cp_width_at(s, len, i, &next);
        if (col + w > width && i > start) {
            if (s[i] == ' ') {
                start = next;   /* the space that does not fit ends the line */
                i = next;
                col = 0;
            } else if (have_brk && brk > start) {
                start = brk;    /* the word moves down whole */
                col -= col_after_brk;
            } else {
                start = i;      /* a word longer than the line is cut */
                col = 0;
            }
            have_brk = false;
            if (n < max)
                starts[n] = start;
            n++;
            continue;
        }
        if (s[i] == ' ') {
            brk = next;
            col_after_brk = col + w;
            have_brk = true;
        }
        col += w;
        i = next;
    }
    return n;
}

/* Screen line of the cursor and its column. */
static int locate(const struct tui_textarea *t, const size_t *starts, int n, int *col)
{
    int line = 0;
    for (int i = 1; i < n; i++)
        if (starts[i] <= t->f.cursor)
            line = i;
    int c = 0;
    for (size_t i = starts[line]; i < t->f.cursor && i < t->f.len && t->f.text[i] != '\n';) {
        size_t next;
        c += cp_width_at(t->f.text, t->f.len, i, &next);
        i = next;
    }
    *col = c;
    return line;
}

/* Byte offset in screen line `line` closest to column `goal`. */
static size_t offset_at(const struct tui_textarea *t, const size_t *starts, int n, int line, int goal)
{
    size_t end = line + 1 < n ? starts[line + 1] : t->f.len;
    size_t i = starts[line];
    int c = 0;
    while (i < end && t->f.text[i] != '\n') {
        size_t next;
        int w = cp_width_at(t->f.text, t->f.len, i, &next);
        if (c + w > goal)
            break;
        c += w;
        i = next;
    }
    /* A wrapped line ends where the next begins; stay on this one. */
    if (i == end && line + 1 < n && i > starts[line] && t->f.text[i - 1] == ' ')
        i--;
    return i;
}

#define MAX_LINES 4096

bool tui_textarea_key(struct tui_textarea *t, int key, bool *changed)
{
    bool dummy;
    if (!changed)
        changed = &dummy;
    *changed = false;
    key = tui_key_normalize(key);
    int up = tui_key_parse("Up"), down = tui_key_parse("Down");
    int pgup = tui_key_parse("PgUp"), pgdn = tui_key_parse("PgDn");
    if (key == TUI_KEY_ENTER || key == (TUI_KEY_PASTE | '\n')) {
        *changed = tui_field_insert_newline(&t->f);
        t->full = !*changed;
        t->goal_col = -1;
        return true;
    }
    if (key == up || key == down || key == pgup || key == pgdn) {
        size_t *starts = util_calloc(MAX_LINES, sizeof *starts);
        int n = tui_textarea_layout(t->f.text, t->f.len, t->width > 0 ? t->width : 40, starts, MAX_LINES);
        if (n > MAX_LINES)
            n = MAX_LINES;
        int col, line = locate(t, starts, n, &col);
        if (t->goal_col < 0)
            t->goal_col = col;
        int step = key == up ? -1 : key == down ? 1 : key == pgup ? -8 : 8;
        int target = line + step;
        bool used = target >= 0 && target < n;
        if (target < 0)
            target = 0;
        if (target >= n)
            target = n - 1;
        if (used || key == pgup || key == pgdn)
            t->f.cursor = offset_at(t, starts, n, target, t->goal_col);
        free(starts);
        /* Up on the first line and Down on the last are not ours: the form
         * moves to the previous or next field. */
        return used || key == pgup || key == pgdn;
    }
    size_t before = t->f.len;
    bool used = tui_field_key(&t->f, key, changed);
    if (used) {
        t->goal_col = -1;
        int cp = TUI_KEY_IS_PASTE(key) ? TUI_KEY_PASTE_CP(key) : key;
        t->full = (tui_key_printable(cp) || (cp == '\t' && cp != key)) && t->f.len == before;
    }
    return used;
}

void tui_textarea_draw(struct tui_textarea *t, struct tui_rect r, bool focused)
{
    if (r.h < 1 || r.w < 2)
        return;
    t->width = r.w;
    size_t *starts = util_calloc(MAX_LINES, sizeof *starts);
    int n = tui_textarea_layout(t->f.text, t->f.len, r.w, starts, MAX_LINES);
    if (n > MAX_LINES)
        n = MAX_LINES;
    int col, line = locate(t, starts, n, &col);
    if (line < t->top)
        t->top = line;
    if (line >= t->top + r.h)
        t->top = line - r.h + 1;
    for (int i = 0; i < r.h; i++) {
        int l = t->top + i, used = 0;
        if (l < n) {
            size_t end = l + 1 < n ? starts[l + 1] : t->f.len;
            while (end > starts[l] && (t->f.text[end - 1] == '\n'))
                end--;
            char *piece = util_strndup(t->f.text + starts[l], end - starts[l]);
            /* As in a one-line field: the text plain, the room underlined,
             * so a character typed costs only itself (tui/field.c). */
            used = tui_put(r.y + i, r.x, r.w, TUI_ROLE_NORMAL, piece);
            free(piece);
        }
        tui_fill(r.y + i, r.x + used, r.w - used, TUI_ROLE_INPUT);
    }
    if (focused)
        tui_set_cursor(r.y + line - t->top, r.x + (col < r.w ? col : r.w - 1));
    free(starts);
}
