/* picker.c — a dialog that lists many choices and narrows them as the user types, then hands the chosen one back. */
#include "careline/picker.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careline/keymap.h"
#include "careline/screens.h"
#include "careline/tui.h"
#include "careline/util.h"

struct picker {
    char *title, *question;
    char **labels, **details;
    int nitems;
    int *shown;                /* indexes into the items that match what is typed */
    int nshown;
    struct tui_list list;
    struct tui_field find;
    void (*done)(void *ctx, int index);
    void *ctx;
};

static char lower(char c)
{
    if (c >= 'A' && c <= 'Z')
        return (char)(c - 'A' + 'a');
    return c;
}

/* Needle of n bytes somewhere in hay, ASCII case ignored. */
static bool contains(const char *hay, const char *needle, size_t n)
{
    for (; *hay; hay++) {
        size_t i = 0;
        while (i < n && hay[i] && lower(hay[i]) == lower(needle[i]))
            i++;
        if (i == n)
            return true;
    }
    return n == 0;
}

bool scr_picker_matches(const char *text, const char *words)
{
    const char *w = words ? words : "";
    while (*w) {
        while (*w == ' ')
            w++;
        size_t n = strcspn(w, " ");
        if (n && !contains(text ? text : "", w, n))
            return false;
        w += n;
    }
    return true;
}

/* The list again after a key: the selection stays on the same item when
 * it still matches. */
static void narrow(struct picker *p)
{
    int was = p->list.sel >= 0 && p->list.sel < p->nshown ? p->shown[p->list.sel] : -1;
    p->nshown = 0;
    int sel = -1;
    for (int i = 0; i < p->nitems; i++) {
        char *both = util_asprintf("%s %s", p->labels[i], p->details[i]);
        if (scr_picker_matches(both, p->find.text)) {
            if (i == was)
                sel = p->nshown;
            p->shown[p->nshown++] = i;
        }
        free(both);
    }
    p->list.sel = sel < 0 ? 0 : sel;
    tui_list_set_count(&p->list, p->nshown);
}

static void *picker_open(void *arg)
{
    const struct picker_spec *sp = arg;
    struct picker *p = util_calloc(1, sizeof *p);
    p->title = util_strdup(sp->title ? sp->title : "");
    p->question = util_strdup(sp->question ? sp->question : "");
    p->nitems = sp->nitems > 0 ? sp->nitems : 0;
    p->labels = util_calloc((size_t)p->nitems + 1, sizeof *p->labels);
    p->details = util_calloc((size_t)p->nitems + 1, sizeof *p->details);
    p->shown = util_calloc((size_t)p->nitems + 1, sizeof *p->shown);
    for (int i = 0; i < p->nitems; i++) {
        p->labels[i] = util_strdup(sp->items[i].label ? sp->items[i].label : "");
        p->details[i] = util_strdup(sp->items[i].detail ? sp->items[i].detail : "");
    }
    tui_field_init(&p->find, 200);
    p->done = sp->done;
    p->ctx = sp->ctx;
    p->list.sel = sp->selected;
    narrow(p);
    if (sp->selected >= 0 && sp->selected < p->nitems)
        p->list.sel = sp->selected;
    tui_list_set_count(&p->list, p->nshown);
    return p;
}

static void picker_close(void *st)
{
    struct picker *p = st;
    for (int i = 0; i < p->nitems; i++) {
        free(p->labels[i]);
        free(p->details[i]);
    }
    free(p->labels);
    free(p->details);
    free(p->shown);
    free(p->title);
    free(p->question);
    tui_field_free(&p->find);
    free(p);
}

static const char *cell(void *ctx, int row, int col, enum tui_role *role)
{
    struct picker *p = ctx;
    if (row < 0 || row >= p->nshown)
        return "";
    if (col == 1)
        *role = TUI_ROLE_DIM;
    return col == 0 ? p->labels[p->shown[row]] : p->details[p->shown[row]];
}

static void picker_draw(void *st, struct tui_rect b)
{
    struct picker *p = st;
    if (b.h < 4 || b.w < 10)
        return;
    int y = b.y;
    tui_put(y++, b.x + 1, b.w - 2, TUI_ROLE_TITLE, p->title);
    if (*p->question) {
        int qh = tui_wrap_count(p->question, b.w - 2);
        struct tui_rect qr = {y, b.x + 1, qh < 3 ? qh : 3, b.w - 2};
        tui_put_wrapped(qr, TUI_ROLE_NORMAL, p->question, 0, false);
        y += qr.h;
    }
    int x = b.x + 1 + tui_put(y, b.x + 1, b.w - 2, TUI_ROLE_LABEL, "Find:");
    tui_field_draw(&p->find, y, x + 1, b.x + b.w - x - 2, true);
    y++;
    /* The keys in effect on this dialog, as configured (tui_key_hint). */
    char take[32], cancel[32], clear[32], up[32], down[32], hint[240];
    tui_key_hint("picker", TUI_ACT_OPEN, take, sizeof take);
    tui_key_hint("picker", TUI_ACT_CANCEL, cancel, sizeof cancel);
    if (p->nshown == 0)
        util_format(hint, sizeof hint, "Nothing matches \"%s\": %s clears the search; %s cancels.", p->find.text,
                    tui_key_hint("picker", TUI_ACT_CLEAR, clear, sizeof clear), cancel);
    else
        util_format(hint, sizeof hint, "%d of %d. Type to narrow the list; %s and %s choose; %s takes it; %s cancels.",
                    p->nshown, p->nitems, tui_key_hint("picker", TUI_ACT_UP, up, sizeof up),
                    tui_key_hint("picker", TUI_ACT_DOWN, down, sizeof down), take, cancel);
    /* Configured key names can be long ("[clear: no key]"): up to three lines. */
    int hh = tui_wrap_count(hint, b.w - 2);
    hh = hh < 1 ? 1 : hh > 3 ? 3 : hh;
    if (hh > b.y + b.h - y)   /* a tiny window: never over the search line */
        hh = b.y + b.h - y;
    struct tui_rect hr = {b.y + b.h - hh, b.x + 1, hh, b.w - 2};
    tui_put_wrapped(hr, p->nshown ? TUI_ROLE_HINT : TUI_ROLE_ERROR, hint, 0, false);
    static const struct tui_column cols[] = {{"", 0, 3, false}, {"", 0, 2, false}};
    struct tui_rect lr = {y + 1, b.x, hr.y - y - 1, b.w};
    tui_list_draw(&p->list, lr, cols, 2, false, true, cell, p);
}

static enum scr_result picker_action(void *st, enum tui_action a)
{
    struct picker *p = st;
    switch (a) {
    case TUI_ACT_OPEN:
    case TUI_ACT_SUBMIT: {
        if (p->list.sel < 0 || p->list.sel >= p->nshown)
            return SCR_HANDLED;
        void (*done)(void *, int) = p->done;
        void *ctx = p->ctx;
        int index = p->shown[p->list.sel];
        tui_pop();   /* p is gone; the answer goes to the screen below */
        if (done)
            done(ctx, index);
        return SCR_REDRAW;
    }
    case TUI_ACT_CLEAR:
        tui_field_set(&p->find, "");
        narrow(p);
        return SCR_REDRAW;
    case TUI_ACT_BACK:
    case TUI_ACT_CANCEL:
        return SCR_CLOSE;
    default:
        return tui_list_action(&p->list, a) ? SCR_REDRAW : SCR_UNHANDLED;
    }
}

/* Every key a field takes goes to the search text; moving keys (Up, Down,
 * PgUp, PgDn) reach the list through the key map. */
static enum scr_result picker_key(void *st, int key)
{
    struct picker *p = st;
    bool changed = false;
    if (!tui_field_key(&p->find, key, &changed))
        return SCR_UNHANDLED;
    if (changed)
        narrow(p);
    return SCR_REDRAW;
}

static bool picker_wants_text(void *st)
{
    (void)st;
    return true;
}

static const enum tui_action *picker_status(void *st)
{
    (void)st;
    static const enum tui_action keys[] = {TUI_ACT_OPEN, TUI_ACT_UP, TUI_ACT_DOWN, TUI_ACT_CLEAR, TUI_ACT_CANCEL,
                                           TUI_ACT_NONE};
    return keys;
}

const struct screen_ops scr_picker_ops = {
    SCR_HEAD(picker),
    .open = picker_open,
    .close = picker_close,
    .draw = picker_draw,
    .action = picker_action,
    .key = picker_key,
    .wants_text = picker_wants_text,
    .status_keys = picker_status,
};
