/* textview.c — a read-only page of text, word-wrapped to the screen and scrolled with the list keys. */
#include "careline/textview.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careline/screens.h"
#include "careline/text.h"
#include "careline/tui.h"
#include "careline/util.h"

struct textview {
    char *title;
    char *text;
    char **lines;      /* wrapped for `width` */
    int nlines;
    int width;
    int top;
    int page;
};

void scr_textview_push(const char *title, const char *text)
{
    struct textview_arg a = {title, text};
    scr_open_textview(&a);
}

static void free_lines(struct textview *t)
{
    for (int i = 0; t->lines && i < t->nlines; i++)
        free(t->lines[i]);
    free(t->lines);
    t->lines = NULL;
    t->nlines = 0;
}

/* Wrap again only when the width changed (resize). */
static void wrap(struct textview *t, int width)
{
    if (t->lines && width == t->width)
        return;
    free_lines(t);
    t->width = width;
    const char *p = t->text;
    while (p) {
        const char *nl = strchr(p, '\n');
        char *raw = util_strndup(p, nl ? (size_t)(nl - p) : strlen(p));
        char *clean = tui_text_sanitize(raw, tui_ascii());
        char **out;
        int n = tui_text_wrap(clean, width, &out);
        t->lines = util_realloc(t->lines, sizeof *t->lines * (size_t)(t->nlines + n));
        memcpy(t->lines + t->nlines, out, sizeof *out * (size_t)n);
        t->nlines += n;
        free(out);
        free(clean);
        free(raw);
        p = nl ? nl + 1 : NULL;
    }
}

static void *textview_open(void *arg)
{
    const struct textview_arg *a = arg;
    struct textview *t = util_calloc(1, sizeof *t);
    t->title = util_strdup(a->title ? a->title : "");
    t->text = util_strdup(a->text ? a->text : "");
    return t;
}

static void textview_close(void *st)
{
    struct textview *t = st;
    free_lines(t);
    free(t->title);
    free(t->text);
    free(t);
}

static void textview_draw(void *st, struct tui_rect b)
{
    struct textview *t = st;
    if (b.h < 2 || b.w < 4)
        return;
    tui_put(b.y, b.x + 1, b.w - 1, TUI_ROLE_TITLE, t->title);
    wrap(t, b.w - 2);
    t->page = b.h - 1;
    if (t->top > t->nlines - t->page)
        t->top = t->nlines - t->page;
    if (t->top < 0)
        t->top = 0;
    for (int i = 0; i < t->page && t->top + i < t->nlines; i++)
        tui_put(b.y + 1 + i, b.x + 1, b.w - 2, TUI_ROLE_NORMAL, t->lines[t->top + i]);
    if (t->nlines > t->page) {
        char more[64];
        util_format(more, sizeof more, " %d-%d of %d lines ", t->top + 1,
                    t->top + t->page < t->nlines ? t->top + t->page : t->nlines, t->nlines);
        tui_put_right(b.y, b.x, b.w - 1, TUI_ROLE_DIM, more);
    }
}

static enum scr_result textview_action(void *st, enum tui_action a)
{
    struct textview *t = st;
    int page = t->page > 1 ? t->page : 1;
    switch (a) {
    case TUI_ACT_BACK:
    case TUI_ACT_CANCEL:
        return SCR_CLOSE;
    case TUI_ACT_UP: t->top--; break;
    case TUI_ACT_DOWN: t->top++; break;
    case TUI_ACT_PAGE_UP: t->top -= page; break;
    case TUI_ACT_PAGE_DOWN: t->top += page; break;
    case TUI_ACT_FIRST: t->top = 0; break;
    case TUI_ACT_LAST: t->top = t->nlines; break;
    default: return SCR_UNHANDLED;
    }
    return SCR_REDRAW;   /* draw clamps top */
}

static const enum tui_action *textview_status(void *st)
{
    (void)st;
    static const enum tui_action keys[] = {TUI_ACT_UP, TUI_ACT_DOWN, TUI_ACT_PAGE_DOWN, TUI_ACT_BACK,
                                           TUI_ACT_HELP, TUI_ACT_NONE};
    return keys;
}

const struct screen_ops scr_textview_ops = {
    SCR_HEAD(textview),
    .open = textview_open,
    .close = textview_close,
    .draw = textview_draw,
    .action = textview_action,
    .status_keys = textview_status,
};
