/* drafts.c — complaints kept on this terminal that never reached the database (a kill, a closed terminal, no connection): restore, send or discard. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "careline/app.h"
#include "careline/intake.h"
#include "careline/journal.h"
#include "careline/screens.h"
#include "careline/tui.h"
#include "careline/util.h"

struct drafts {
    struct journal_draft *d;
    int n;
    struct tui_list list;
    bool discard_armed;
};

static void reload(struct drafts *s)
{
    db_journal_free(s->d, s->n);
    s->n = db_journal_list(app_conf()->journal_dir, &s->d);
    tui_list_set_count(&s->list, s->n);
}

static void *drafts_open(void *arg)
{
    (void)arg;
    struct drafts *s = util_calloc(1, sizeof *s);
    tui_list_set_count(&s->list, 0);
    reload(s);
    if (s->n == 0) {
        free(s);
        return NULL;   /* nothing to offer: the screen does not open */
    }
    return s;
}

static void drafts_close(void *st)
{
    struct drafts *s = st;
    db_journal_free(s->d, s->n);
    free(s);
}

static void drafts_resume(void *st)
{
    struct drafts *s = st;
    reload(s);
    /* Everything restored or sent: back to the search. */
    if (s->n == 0)
        tui_pop();
}

static const char *cell(void *ctx, int row, int col, enum tui_role *role)
{
    struct drafts *s = ctx;
    const struct journal_draft *d = &s->d[row];
    static char buf[64];
    const char *v;
    switch (col) {
    case 0: {
        struct tm tm;
        localtime_r(&d->saved, &tm);
        strftime(buf, sizeof buf, "%d %b %H:%M", &tm);
        return buf;
    }
    case 1: return (v = db_journal_get(d, "customer")) ? v : "";
    case 2: return (v = db_journal_get(d, "category")) && *v ? v : "(no category yet)";
    case 3:
        if ((v = db_journal_get(d, "state")) && strcmp(v, "submitting") == 0) {
            *role = TUI_ROLE_WARN;
            return "SENT, NOT CONFIRMED";
        }
        return "draft";
    case 4: return (v = db_journal_get(d, "description")) ? v : "";
    }
    return NULL;
}

static void drafts_draw(void *st, struct tui_rect b)
{
    struct drafts *s = st;
    tui_put(b.y, b.x + 1, b.w - 1, TUI_ROLE_WARN,
            "Complaints kept on this terminal that the database has not confirmed.");
    tui_put(b.y + 1, b.x + 1, b.w - 1, TUI_ROLE_HINT,
            "Enter reopens one to finish it; s sends it as it is; d throws it away (press twice).");
    static const struct tui_column cols[] = {
        {"Saved", 12, 0, false}, {"Customer", 0, 3, false}, {"Category", 0, 3, false},
        {"State", 19, 0, false}, {"Description", 0, 3, false},
    };
    struct tui_rect lr = {b.y + 3, b.x, b.h - 3, b.w};
    tui_list_draw(&s->list, lr, cols, 5, true, true, cell, s);
}

static enum scr_result drafts_action(void *st, enum tui_action a)
{
    struct drafts *s = st;
    if (a != TUI_ACT_DISCARD)
        s->discard_armed = false;
    const struct journal_draft *d = s->list.sel >= 0 && s->list.sel < s->n ? &s->d[s->list.sel] : NULL;
    switch (a) {
    case TUI_ACT_OPEN:
    case TUI_ACT_SUBMIT: {
        if (!d)
            return SCR_HANDLED;
        const char *cust = db_journal_get(d, "customer_id");
        if (!cust || strtoll(cust, NULL, 10) <= 0) {
            tui_message(TUI_ROLE_ERROR, "This draft names no customer; discard it with d.");
            return SCR_REDRAW;
        }
        /* Sending "as it is" is the form opened on the draft; it checks and
         * saves with the draft's own id, so nothing is ever doubled. */
        struct intake_arg arg = {.customer_id = strtoll(cust, NULL, 10), .restore = d};
        scr_open_intake(&arg);
        if (a == TUI_ACT_SUBMIT)
            tui_message(TUI_ROLE_NORMAL, "Check it, then C-x sends it.");
        return SCR_REDRAW;
    }
    case TUI_ACT_DISCARD:
        if (!d)
            return SCR_HANDLED;
        if (!s->discard_armed) {
            s->discard_armed = true;
            tui_message(TUI_ROLE_WARN, "Press d again to throw this complaint away for good.");
            return SCR_REDRAW;
        }
        s->discard_armed = false;
        db_journal_remove(app_conf()->journal_dir, d->id);
        reload(s);
        tui_message(TUI_ROLE_OK, "Draft thrown away.");
        return s->n ? SCR_REDRAW : SCR_CLOSE;
    case TUI_ACT_BACK:
        return SCR_CLOSE;
    default:
        return tui_list_action(&s->list, a) ? SCR_REDRAW : SCR_UNHANDLED;
    }
}

static const enum tui_action *drafts_status(void *st)
{
    (void)st;
    static const enum tui_action keys[] = {TUI_ACT_OPEN, TUI_ACT_SUBMIT, TUI_ACT_DISCARD, TUI_ACT_BACK, TUI_ACT_HELP,
                                           TUI_ACT_NONE};
    return keys;
}

const struct screen_ops scr_drafts_ops = {
    SCR_HEAD(drafts),
    .open = drafts_open,
    .close = drafts_close,
    .draw = drafts_draw,
    .action = drafts_action,
    .status_keys = drafts_status,
    .resume = drafts_resume,
};
