/* prompt.c — a small dialog that asks for one choice and/or one line of text, then hands the answer back. */
#include "careline/prompt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careline/keymap.h"
#include "careline/screens.h"
#include "careline/tui.h"
#include "careline/util.h"

struct prompt {
    char *title, *question, *text_label;
    char **choices;
    int nchoices;
    struct tui_list list;
    bool want_text, text_required;
    struct tui_field text;
    bool on_text;              /* focus on the text field rather than the list */
    char error[200];
    void (*done)(void *ctx, int choice, const char *text);
    void *ctx;
};

static void *prompt_open(void *arg)
{
    const struct prompt_spec *sp = arg;
    struct prompt *p = util_calloc(1, sizeof *p);
    p->title = util_strdup(sp->title ? sp->title : "");
    p->question = util_strdup(sp->question ? sp->question : "");
    p->text_label = util_strdup(sp->text_label ? sp->text_label : "");
    p->nchoices = sp->nchoices;
    p->choices = util_calloc((size_t)(sp->nchoices ? sp->nchoices : 1), sizeof *p->choices);
    for (int i = 0; i < sp->nchoices; i++)
        p->choices[i] = util_strdup(sp->choices[i]);
    tui_list_set_count(&p->list, p->nchoices);
    p->want_text = sp->text_label != NULL;
    p->text_required = sp->text_required;
    tui_field_init(&p->text, sp->text_max ? sp->text_max : 1000);
    if (sp->text_initial)
        tui_field_set(&p->text, sp->text_initial);
    p->on_text = p->nchoices == 0 || (sp->start_on_text && p->want_text);
    p->done = sp->done;
    p->ctx = sp->ctx;
    return p;
}

static void prompt_close(void *st)
{
    struct prompt *p = st;
    for (int i = 0; i < p->nchoices; i++)
        free(p->choices[i]);
    free(p->choices);
    free(p->title);
    free(p->question);
    free(p->text_label);
    tui_field_free(&p->text);
    free(p);
}

static const char *cell(void *ctx, int row, int col, enum tui_role *role)
{
    (void)col;
    (void)role;
    return ((struct prompt *)ctx)->choices[row];
}

static void prompt_draw(void *st, struct tui_rect b)
{
    struct prompt *p = st;
    int y = b.y + 1;
    tui_put(y++, b.x + 2, b.w - 3, TUI_ROLE_TITLE, p->title);
    /* The question may say why the action will probably be refused: whole. */
    int qh = tui_wrap_count(p->question, b.w - 3);
    struct tui_rect qr = {y, b.x + 2, qh < 4 ? qh : 4, b.w - 3};
    tui_put_wrapped(qr, TUI_ROLE_NORMAL, p->question, 0, false);
    y += qr.h + 1;
    if (p->nchoices) {
        static const struct tui_column cols[] = {{"", 0, 1, false}};
        int h = p->nchoices < 10 ? p->nchoices : 10;
        struct tui_rect lr = {y, b.x + 2, h, b.w - 4};
        tui_list_draw(&p->list, lr, cols, 1, false, !p->on_text, cell, p);
        y += h + 1;
    }
    if (p->want_text) {
        int x = b.x + 2 + tui_put(y, b.x + 2, b.w - 3, p->on_text ? TUI_ROLE_SELECTED : TUI_ROLE_LABEL, p->text_label);
        x++;
        tui_field_draw(&p->text, y, x, b.x + b.w - x - 2, p->on_text);
        y += 2;
    }
    char note[200];
    if (p->error[0])
        tui_put(y++, b.x + 2, b.w - 3, TUI_ROLE_ERROR, p->error);
    else if (p->want_text && tui_field_notice(&p->text, note, sizeof note))
        y += tui_put_wrapped((struct tui_rect){y, b.x + 2, 2, b.w - 3}, TUI_ROLE_WARN, note, 0, false);
    char tab[32], ok[32], cancel[32], hint[160];
    tui_key_hint("prompt", TUI_ACT_OPEN, ok, sizeof ok);
    tui_key_hint("prompt", TUI_ACT_CANCEL, cancel, sizeof cancel);
    if (p->nchoices && p->want_text)
        util_format(hint, sizeof hint, "%s between the list and the text; %s confirms; %s cancels.",
                    tui_key_hint("prompt", TUI_ACT_NEXT_FIELD, tab, sizeof tab), ok, cancel);
    else
        util_format(hint, sizeof hint, "%s confirms; %s cancels.", ok, cancel);
    tui_put(y, b.x + 2, b.w - 3, TUI_ROLE_HINT, hint);
}

static enum scr_result prompt_action(void *st, enum tui_action a)
{
    struct prompt *p = st;
    switch (a) {
    case TUI_ACT_OPEN:
    case TUI_ACT_SUBMIT: {
        if (p->nchoices && p->list.sel < 0) {
            util_format(p->error, sizeof p->error, "Choose one from the list");
            return SCR_REDRAW;
        }
        const char *t = p->text.text;
        while (*t == ' ')
            t++;
        if (p->want_text && p->text_required && !*t) {
            util_format(p->error, sizeof p->error, "%s cannot be empty", p->text_label);
            p->on_text = true;
            return SCR_REDRAW;
        }
        void (*done)(void *, int, const char *) = p->done;
        void *ctx = p->ctx;
        int choice = p->nchoices ? p->list.sel : -1;
        char *text = util_strdup(p->text.text);
        tui_pop();   /* p is gone; the answer goes to the screen below */
        done(ctx, choice, text);
        free(text);
        return SCR_REDRAW;
    }
    case TUI_ACT_BACK:
    case TUI_ACT_CANCEL:
        return SCR_CLOSE;
    case TUI_ACT_NEXT_FIELD:
    case TUI_ACT_PREV_FIELD:
        if (p->nchoices && p->want_text)
            p->on_text = !p->on_text;
        return SCR_REDRAW;
    default:
        if (!p->on_text && tui_list_action(&p->list, a))
            return SCR_REDRAW;
        return SCR_UNHANDLED;
    }
}

static enum scr_result prompt_key(void *st, int key)
{
    struct prompt *p = st;
    if (!p->on_text)
        return SCR_UNHANDLED;
    bool changed;
    if (!tui_field_key(&p->text, key, &changed))
        return SCR_UNHANDLED;
    p->error[0] = '\0';
    return SCR_REDRAW;
}

static bool prompt_wants_text(void *st)
{
    return ((struct prompt *)st)->on_text;
}

static const enum tui_action *prompt_status(void *st)
{
    (void)st;
    static const enum tui_action keys[] = {TUI_ACT_OPEN, TUI_ACT_NEXT_FIELD, TUI_ACT_CANCEL, TUI_ACT_NONE};
    return keys;
}

const struct screen_ops scr_prompt_ops = {
    SCR_HEAD(prompt),
    .open = prompt_open,
    .close = prompt_close,
    .draw = prompt_draw,
    .action = prompt_action,
    .key = prompt_key,
    .wants_text = prompt_wants_text,
    .status_keys = prompt_status,
};
