/* field.c — a one-line UTF-8 text field: editing keys, horizontal scrolling and secret input. */
#include "careline/tui.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careline/keymap.h"
#include "careline/text.h"
#include "careline/util.h"

#define DEFAULT_MAX 4096
#define CTRL(c) ((c) - 'a' + 1)
#define FN(code) (TUI_KEY_FN + (code))

void tui_field_init(struct tui_field *f, size_t max_bytes)
{
    *f = (struct tui_field){0};
    f->max_bytes = max_bytes ? max_bytes : DEFAULT_MAX;
    f->text = util_strdup("");
}

void tui_field_free(struct tui_field *f)
{
    free(f->text);
    f->text = NULL;
    f->len = f->cursor = 0;
}

static size_t max_bytes(const struct tui_field *f)
{
    return f->max_bytes ? f->max_bytes : DEFAULT_MAX;
}

/* The cursor moves over, and deletion removes, a whole character as the
 * terminal shows it: a base with its combining marks, so the cursor never
 * stands between "e" and its accent. */
static size_t next_char(const struct tui_field *f, size_t pos)
{
    if (pos >= f->len)
        return f->len;
    uint32_t cp;
    pos += (size_t)tui_utf8_decode(f->text + pos, f->len - pos, &cp);
    while (pos < f->len) {
        int k = tui_utf8_decode(f->text + pos, f->len - pos, &cp);
        if (tui_cp_width(cp) != 0)
            break;
        pos += (size_t)k;
    }
    return pos;
}

static size_t prev_codepoint(const struct tui_field *f, size_t pos)
{
    if (pos == 0)
        return 0;
    size_t p = pos - 1;
    /* Back over continuation bytes, at most three, to the lead byte. */
    while (p > 0 && pos - p < 4 && ((unsigned char)f->text[p] & 0xC0) == 0x80)
        p--;
    uint32_t cp;
    if ((size_t)tui_utf8_decode(f->text + p, f->len - p, &cp) != pos - p)
        return pos - 1; /* invalid bytes step one at a time */
    return p;
}

static size_t prev_char(const struct tui_field *f, size_t pos)
{
    size_t p = prev_codepoint(f, pos);
    while (p > 0) {
        uint32_t cp;
        tui_utf8_decode(f->text + p, f->len - p, &cp);
        if (tui_cp_width(cp) != 0)
            break;
        p = prev_codepoint(f, p);
    }
    return p;
}

/* Keeps text valid UTF-8 within max_bytes: a cut lands on a character boundary. */
void tui_field_set(struct tui_field *f, const char *text)
{
    f->left_out_full = f->left_out_controls = 0;
    if (!text)
        text = "";
    size_t n = strlen(text), max = max_bytes(f);
    if (n > max) {
        size_t i = 0;
        while (i < n) {
            uint32_t cp;
            size_t k = (size_t)tui_utf8_decode(text + i, n - i, &cp);
            if (i + k > max)
                break;
            i += k;
        }
        n = i;
    }
    free(f->text);
    f->text = util_strndup(text, n);
    f->len = n;
    f->cursor = n;
    f->scroll = 0;
}

static void delete_range(struct tui_field *f, size_t from, size_t to)
{
    if (from >= to)
        return;
    memmove(f->text + from, f->text + to, f->len - to + 1);
    f->len -= to - from;
    if (f->cursor >= to)
        f->cursor -= to - from;
    else if (f->cursor > from)
        f->cursor = from;
}

static bool insert(struct tui_field *f, int key)
{
    char enc[4];
    size_t n = (size_t)tui_utf8_encode((uint32_t)key, enc);
    if (f->len + n > max_bytes(f))
        return false; /* refuse the whole character, never a part of it */
    f->text = util_realloc(f->text, f->len + n + 1);
    memmove(f->text + f->cursor + n, f->text + f->cursor, f->len - f->cursor + 1);
    memcpy(f->text + f->cursor, enc, n);
    f->len += n;
    f->cursor += n;
    return true;
}

bool tui_field_insert_newline(struct tui_field *f)
{
    /* Newline is code point 10, inserted like any character (whole or not at all). */
    bool ok = insert(f, '\n');
    f->left_out_full += !ok;
    return ok;
}

const char *tui_field_notice(const struct tui_field *f, char *buf, size_t len)
{
    if (!len)
        return NULL;
    buf[0] = '\0';
    if (f->left_out_full)
        util_format(buf, len, "Full: %zu bytes at most; %u character%s left out.", max_bytes(f), f->left_out_full,
                    f->left_out_full == 1 ? " was" : "s were");
    if (f->left_out_controls) {
        size_t n = strlen(buf);
        util_format(buf + n, len - n, "%s%u control character%s in the pasted text left out (not text).", n ? " " : "",
                    f->left_out_controls, f->left_out_controls == 1 ? "" : "s");
    }
    return buf[0] ? buf : NULL;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t';
}

bool tui_field_key(struct tui_field *f, int key, bool *changed)
{
    bool dummy;
    if (!changed)
        changed = &dummy;
    *changed = false;
    size_t before = f->len;
    key = tui_key_normalize(key);
    if (TUI_KEY_IS_PASTE(key)) {
        /* Pasted text is only ever text: a line break or tab becomes a
         * space on one line, other control characters are left out (and
         * counted, for the notice beside the field). */
        int cp = TUI_KEY_PASTE_CP(key);
        if (cp == '\n' || cp == '\t')
            cp = ' ';
        if (!tui_key_printable(cp))
            f->left_out_controls++;
        else if (!(*changed = insert(f, cp)))
            f->left_out_full++;
        return true;
    }
    /* A key typed that is taken, or any other key, starts afresh: the
     * notice was about what came before. */
    if (tui_key_printable(key)) {
        *changed = insert(f, key);
        if (*changed)
            f->left_out_full = f->left_out_controls = 0;
        else
            f->left_out_full++;
        return true;
    }
    f->left_out_full = f->left_out_controls = 0;
    switch (key) {
    case TUI_KEY_BACKSPACE:
        delete_range(f, prev_char(f, f->cursor), f->cursor);
        break;
    case FN(KEY_DC):
        delete_range(f, f->cursor, next_char(f, f->cursor));
        break;
    case FN(KEY_LEFT):
        f->cursor = prev_char(f, f->cursor);
        break;
    case FN(KEY_RIGHT):
        f->cursor = next_char(f, f->cursor);
        break;
    case FN(KEY_HOME):
    case CTRL('a'):
        f->cursor = 0;
        break;
    case FN(KEY_END):
    case CTRL('e'):
        f->cursor = f->len;
        break;
    case CTRL('u'):
        delete_range(f, 0, f->cursor);
        break;
    case CTRL('k'):
        delete_range(f, f->cursor, f->len);
        break;
    case CTRL('w'): {
        size_t p = f->cursor;
        while (p > 0 && is_space(f->text[p - 1]))
            p--;
        while (p > 0 && !is_space(f->text[p - 1]))
            p--;
        delete_range(f, p, f->cursor);
        break;
    }
    default:
        return false;
    }
    *changed = f->len != before;
    return true;
}

void tui_field_draw(struct tui_field *f, int y, int x, int w, bool focused)
{
    if (w <= 0)
        return;
    bool ascii = tui_ascii();
    /* One pass to find the cursor's column, in shown (sanitised) columns. */
    int total = 0, curcol = -1;
    for (size_t p = 0; p < f->len;) {
        size_t q = next_char(f, p);
        if (p == f->cursor)
            curcol = total;
        if (f->secret) {
            total += 1;
        } else {
            char *piece = util_strndup(f->text + p, q - p);
            char *shown = tui_text_sanitize(piece, ascii);
            total += tui_text_width(shown);
            free(shown);
            free(piece);
        }
        p = q;
    }
    if (curcol < 0)
        curcol = total;
    /* Keep the cursor inside [scroll, scroll + w), and do not leave empty
     * space on the right while text is hidden on the left. */
    if (curcol < f->scroll)
        f->scroll = curcol;
    if (curcol >= f->scroll + w)
        f->scroll = curcol - w + 1;
    if (f->scroll > 0 && total + 1 - f->scroll < w)
        f->scroll = total + 1 - w > 0 ? total + 1 - w : 0;
    if (f->scroll > curcol)
        f->scroll = curcol;

    struct util_buf b = {0};
    util_buf_add(&b, "", 0);
    int col = 0, out = 0;
    for (size_t p = 0; p < f->len;) {
        size_t q = next_char(f, p);
        char *shown = f->secret ? util_strdup("*") : NULL;
        if (!shown) {
            char *piece = util_strndup(f->text + p, q - p);
            shown = tui_text_sanitize(piece, ascii);
            free(piece);
        }
        int cw = tui_text_width(shown);
        if (col >= f->scroll && col + cw <= f->scroll + w) {
            while (out < col - f->scroll) { /* a wide character cut by the left edge */
                util_buf_add(&b, " ", 1);
                out++;
            }
            util_buf_puts(&b, shown);
            out += cw;
        }
        free(shown);
        col += cw;
        p = q;
        if (col >= f->scroll + w)
            break;
    }
    /* The text in the terminal's own attributes, the room left underlined:
     * the field still shows where it is and how wide (on a vt100 and
     * without colour too), and a character typed costs the character alone
     * (curses ends every update with the attributes off, so text in an
     * attribute would cost switching it on and off again around each key). */
    int used = tui_put(y, x, w, TUI_ROLE_NORMAL, b.data);
    tui_fill(y, x + used, w - used, TUI_ROLE_INPUT);
    util_buf_free(&b);
    if (focused)
        tui_set_cursor(y, x + curcol - f->scroll);
}
