/* drafts.c — work kept on this terminal that never reached the database (a kill, a closed terminal, no connection): complaints to restore or send, contacts and credits to send, or discard. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "careline/app.h"
#include "careline/intake.h"
#include "careline/journal.h"
#include "careline/outbox.h"
#include "careline/region.h"
#include "careline/screens.h"
#include "careline/tui.h"
#include "careline/util.h"

struct drafts {
    struct journal_draft *d;
    int n;
    struct tui_list list;
    bool discard_armed;
    bool sending;         /* one kept write on its way */
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
    db_forget_owner(app_db(), s);
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

static const char *get(const struct journal_draft *d, const char *key)
{
    const char *v = db_journal_get(d, key);
    return v ? v : "";
}

static bool is_complaint(const struct journal_draft *d)
{
    return strcmp(d->kind, "complaint") == 0;
}

/* What it is, in a few words, for the list. */
static const char *what(const struct journal_draft *d, char *buf, size_t len)
{
    if (is_complaint(d))
        return *get(d, "category") ? get(d, "category") : "(no category yet)";
    if (strcmp(d->kind, "contact") == 0)
        util_format(buf, len, "Contact by %s", get(d, "channel"));
    else if (strcmp(d->kind, "credit") == 0)
    {
        char amount[48];
        util_format(buf, len, "Goodwill credit %s %s",
                    db_money_text_of(get(d, "amount"), tui_ascii(), amount, sizeof amount), get(d, "reference"));
    }
    else if (strcmp(d->kind, "complaint_contact") == 0)
        util_format(buf, len, "Call added to a complaint");
    else
        util_format(buf, len, "(%s)", d->kind);
    return buf;
}

/* Its text: the customer's words, the contact's summary, the reason. */
static const char *text(const struct journal_draft *d)
{
    static const char *const keys[] = {"description", "summary", "reason", "text"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (db_journal_get(d, keys[i]))
            return get(d, keys[i]);
    return "";
}

static const char *cell(void *ctx, int row, int col, enum tui_role *role)
{
    struct drafts *s = ctx;
    const struct journal_draft *d = &s->d[row];
    static char buf[128];
    switch (col) {
    case 0: {
        struct tm tm;
        localtime_r(&d->saved, &tm);
        if (strftime(buf, sizeof buf, "%d %b %H:%M", &tm) == 0)
            buf[0] = '\0';   /* did not fit: the buffer says nothing */
        return buf;
    }
    case 1:
        if (*get(d, "customer"))
            return get(d, "customer");
        util_format(buf, sizeof buf, "customer %s", get(d, "customer_id"));
        return buf;
    case 2: return what(d, buf, sizeof buf);
    case 3:
        if (strcmp(get(d, "state"), "submitting") == 0) {
            *role = TUI_ROLE_WARN;
            return "SENT, NOT CONFIRMED";
        }
        return "draft";
    case 4: return text(d);
    }
    return NULL;
}

static void drafts_draw(void *st, struct tui_rect b)
{
    struct drafts *s = st;
    tui_put(b.y, b.x + 1, b.w - 1, TUI_ROLE_WARN,
            s->sending ? "Sending..." : "Work kept on this terminal that the database has not confirmed.");
    char open[32], send[32], discard[32], hint[160];
    util_format(hint, sizeof hint, "%s reopens a complaint; %s sends as it is; %s throws away (press twice).",
                tui_key_hint("drafts", TUI_ACT_OPEN, open, sizeof open),
                tui_key_hint("drafts", TUI_ACT_SUBMIT, send, sizeof send),
                tui_key_hint("drafts", TUI_ACT_DISCARD, discard, sizeof discard));
    tui_put(b.y + 1, b.x + 1, b.w - 1, TUI_ROLE_HINT, hint);
    static const struct tui_column cols[] = {
        {"Saved", 12, 0, false}, {"Customer", 0, 3, false}, {"What", 0, 3, false},
        {"State", 19, 0, false}, {"Description", 0, 3, false},
    };
    struct tui_rect lr = {b.y + 3, b.x, b.h - 3, b.w};
    tui_list_draw(&s->list, lr, cols, 5, true, true, cell, s);
}

static void sent(void *ctx, const char *answer, const char *err)
{
    (void)answer;
    struct drafts *s = ctx;
    s->sending = false;
    if (err)
        tui_message(TUI_ROLE_ERROR, "Not sent: %s", err);
    else
        tui_message(TUI_ROLE_OK, "Sent: the database has it.");
    reload(s);
    if (s->n == 0)
        tui_pop();   /* s is freed: touch nothing after */
    else
        tui_invalidate();
}

static void send_waiting(void *ctx)
{
    (void)ctx;
    tui_message(TUI_ROLE_WARN, "Offline: it goes as soon as the connection is back.");
}

/* A complaint opens in the form, which checks it and sends it under its own
 * id; anything else goes as it is, under its own id too: never doubled. */
static enum scr_result send_one(struct drafts *s, const struct journal_draft *d, bool as_is)
{
    if (!is_complaint(d)) {
        if (s->sending)
            return SCR_HANDLED;
        char err[256];
        const struct db_outbox_reply reply = {.done = sent, .waiting = send_waiting, .ctx = s};
        if (!db_outbox_send_kept(app_db(), app_conf()->journal_dir, d, &reply, err, sizeof err)) {
            tui_message(TUI_ROLE_ERROR, "%s; discard it with d.", err);
            return SCR_REDRAW;
        }
        s->sending = true;
        return SCR_REDRAW;
    }
    const char *cust = db_journal_get(d, "customer_id");
    if (!cust || strtoll(cust, NULL, 10) <= 0) {
        char key[32];
        tui_message(TUI_ROLE_ERROR, "This draft names no customer; discard it with %s.",
                    tui_key_hint("drafts", TUI_ACT_DISCARD, key, sizeof key));
        return SCR_REDRAW;
    }
    struct intake_arg arg = {.customer_id = strtoll(cust, NULL, 10), .restore = d};
    scr_open_intake(&arg);
    if (as_is) {
        char key[32];
        tui_message(TUI_ROLE_NORMAL, "Check it, then %s sends it.", tui_key_hint("intake", TUI_ACT_SUBMIT, key, sizeof key));
    }
    return SCR_REDRAW;
}

static enum scr_result drafts_action(void *st, enum tui_action a)
{
    struct drafts *s = st;
    if (a != TUI_ACT_DISCARD)
        s->discard_armed = false;
    const struct journal_draft *d = s->list.sel >= 0 && s->list.sel < s->n ? &s->d[s->list.sel] : NULL;
    switch (a) {
    case TUI_ACT_OPEN:
    case TUI_ACT_SUBMIT:
        return d ? send_one(s, d, a == TUI_ACT_SUBMIT) : SCR_HANDLED;
    case TUI_ACT_DISCARD:
        if (!d || s->sending)
            return SCR_HANDLED;
        if (!s->discard_armed) {
            s->discard_armed = true;
            char key[32];
            tui_message(TUI_ROLE_WARN, "Press %s again to throw this away for good.",
                        tui_key_hint("drafts", TUI_ACT_DISCARD, key, sizeof key));
            return SCR_REDRAW;
        }
        s->discard_armed = false;
        db_outbox_discard(app_conf()->journal_dir, d->id);
        reload(s);
        tui_message(TUI_ROLE_OK, "Thrown away.");
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
