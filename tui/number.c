/* number.c — a small whole number typed as digits (survey scores): empty, declined, in range or out of range with a message. */
#include "careline/tui.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careline/keymap.h"
#include "careline/util.h"

#define FN(code) (TUI_KEY_FN + (code))
#define CTRL(c) ((c) - 'a' + 1)

void tui_number_init(struct tui_number *n, int min, int max, bool can_decline)
{
    *n = (struct tui_number){.min = min, .max = max, .can_decline = can_decline};
}

void tui_number_clear(struct tui_number *n)
{
    n->text[0] = '\0';
    n->declined = false;
    n->left_out = 0;
}

void tui_number_set(struct tui_number *n, int v)
{
    n->declined = false;
    util_format(n->text, sizeof n->text, "%d", v < 0 ? 0 : v > 999 ? 999 : v);
}

enum tui_number_state tui_number_value(const struct tui_number *n, int *value)
{
    if (n->declined)
        return TUI_NUMBER_DECLINED;
    if (!n->text[0])
        return TUI_NUMBER_EMPTY;
    int v = 0;
    bool whole = util_parse_int(n->text, &v) == 0;   /* digits only, but perhaps too many */
    if (value)
        *value = v;
    return !whole || v < n->min || v > n->max ? TUI_NUMBER_OUT_OF_RANGE : TUI_NUMBER_OK;
}

bool tui_number_key(struct tui_number *n, int key, bool *changed)
{
    bool dummy;
    if (!changed)
        changed = &dummy;
    *changed = false;
    key = tui_key_normalize(key);
    if (TUI_KEY_IS_PASTE(key)) {
        /* Pasted digits are the number; pasted letters never act (they are
         * counted, for the sentence beside the field). */
        key = TUI_KEY_PASTE_CP(key);
        if (key < '0' || key > '9') {
            n->left_out++;
            return true;
        }
    } else {
        n->left_out = 0;
    }
    size_t len = strlen(n->text);
    if (key >= '0' && key <= '9') {
        /* Digits add up as typed: "1" then "0" is ten. A number already
         * as long as the field holds is refused whole, never cut. */
        if (n->declined) {
            n->declined = false;
            len = 0;
            n->text[0] = '\0';
        }
        if (len + 1 >= sizeof n->text)
            return true;
        n->text[len] = (char)key;
        n->text[len + 1] = '\0';
        *changed = true;
        return true;
    }
    if (n->can_decline && (key == 'd' || key == 'D')) {
        *changed = !n->declined || len;
        n->declined = true;
        n->text[0] = '\0';
        return true;
    }
    switch (key) {
    case TUI_KEY_BACKSPACE:
    case FN(KEY_DC):
        if (n->declined) {
            n->declined = false;
            *changed = true;
        } else if (len) {
            n->text[len - 1] = '\0';
            *changed = true;
        }
        return true;
    case CTRL('u'):
    case CTRL('k'):
        *changed = n->declined || len;
        tui_number_clear(n);
        return true;
    default:
        return false;
    }
}

void tui_number_step(struct tui_number *n, int step)
{
    /* Stepped through in this order, and round: empty, declined (when it
     * can be), min .. max. Index 0 is empty; values start at base. */
    int base = n->can_decline ? 2 : 1, count = base + (n->max - n->min + 1), v = 0, idx;
    switch (tui_number_value(n, &v)) {
    case TUI_NUMBER_EMPTY: idx = (step + count) % count; break;
    case TUI_NUMBER_DECLINED: idx = (1 + step + count) % count; break;
    case TUI_NUMBER_OUT_OF_RANGE:
        /* From a typed value out of range, step to the nearest end. */
        if (v > n->max)
            idx = step > 0 ? 0 : count - 1;
        else
            idx = step > 0 ? base : base - 1;
        break;
    default: idx = ((base + v - n->min + step) % count + count) % count; break;
    }
    tui_number_clear(n);
    if (idx >= base)
        tui_number_set(n, n->min + idx - base);
    else if (idx == 1 && n->can_decline)
        n->declined = true;
}

const char *tui_number_problem(const struct tui_number *n, char *buf, size_t len)
{
    if (tui_number_value(n, NULL) != TUI_NUMBER_OUT_OF_RANGE) {
        if (len)
            buf[0] = '\0';
        if (n->left_out)
            util_format(buf, len, "digits only: %u pasted character%s left out", n->left_out,
                        n->left_out == 1 ? "" : "s");
        return buf;
    }
    util_format(buf, len, "%s is out of range: type %d to %d%s", n->text, n->min, n->max,
                n->can_decline ? ", d for declined" : "");
    return buf;
}
