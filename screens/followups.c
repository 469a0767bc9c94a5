/* followups.c — follow-ups due (today and overdue) and upcoming: call the customer, record whether the fix held, early if need be. */
#include "careline/followups.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careline/app.h"
#include "careline/keymap.h"
#include "careline/prompt.h"
#include "careline/recovery.h"
#include "careline/region.h"
#include "careline/screens.h"
#include "careline/tui.h"
#include "careline/util.h"

struct followups {
    struct db_rows rows;   /* struct db_follow_up */
    bool have;             /* answered at least once (rows, or an error) */
    char *error;
    struct tui_list list;
    bool everyone;     /* the whole team's, not only mine */
    bool upcoming;     /* not yet due, rather than due */
    struct scr_followup_doing doing;
};

static const struct db_follow_up *row_at(const struct followups *f, int i)
{
    return i >= 0 && i < f->rows.n ? DB_ROW(&f->rows, const struct db_follow_up, i) : NULL;
}

/* A failed load empties the list: an error is never drawn over rows that
 * may be stale. */
static void loaded(void *ctx, struct db_rows *rows, const char *err)
{
    struct followups *f = ctx;
    free(f->error);
    f->error = err ? util_strdup(err) : NULL;
    db_rows_free(&f->rows);
    f->rows = *rows;
    *rows = (struct db_rows){0};
    f->have = true;
    tui_list_set_count(&f->list, f->rows.n);
    tui_invalidate();
}

static void reload(struct followups *f)
{
    db_follow_ups_due(app_db(), !f->everyone, f->upcoming, loaded, f);
}

static void *followups_open(void *arg)
{
    (void)arg;
    struct followups *f = util_calloc(1, sizeof *f);
    tui_list_set_count(&f->list, 0);
    /* Staff without a staff row (an administrator) see everyone's. */
    f->everyone = app_staff_id() == 0;
    reload(f);
    return f;
}

static void followups_close(void *st)
{
    struct followups *f = st;
    db_forget_owner(app_db(), f);
    db_rows_free(&f->rows);
    free(f->error);
    free(f);
}

static const char *cell(void *ctx, int row, int col, enum tui_role *role)
{
    const struct db_follow_up *r = row_at(ctx, row);
    static char buf[64];
    if (!r)
        return "";
    switch (col) {
    case 0: {
        /* long long: the negation of the smallest int stays defined. */
        long long late = r->overdue_days;
        if (late > 0) {
            *role = TUI_ROLE_WARN;
            util_format(buf, sizeof buf, "%lld d late", late);
        } else if (late < 0) {
            util_format(buf, sizeof buf, "in %lld d", -late);
        } else {
            util_format(buf, sizeof buf, "today");
        }
        return buf;
    }
    case 1: return r->customer;
    case 2: {
        char phone[40];
        util_format(buf, sizeof buf, "%s %s", r->channel, db_phone_text(r->phone, phone, sizeof phone));
        return buf;
    }
    case 3: return r->what;
    case 4: return r->reference;
    case 5: return r->owner;
    }
    return NULL;
}

static void followups_draw(void *st, struct tui_rect b)
{
    struct followups *f = st;
    char line[200];
    if (f->error)
        util_format(line, sizeof line, "%s", f->error);
    else if (!f->have)
        util_format(line, sizeof line, "Loading...");
    else {
        char rec[32], other[32];
        tui_keymap_keys_for("followups", TUI_ACT_COMPLETE, rec, sizeof rec);
        tui_keymap_keys_for("followups", TUI_ACT_UPCOMING, other, sizeof other);
        util_format(line, sizeof line, "%d follow-up%s %s (%s). %s records the outcome; %s shows those %s.", f->rows.n,
                    f->rows.n == 1 ? "" : "s", f->upcoming ? "not yet due" : "due today or overdue",
                    f->everyone ? "everyone's" : "yours", rec, other, f->upcoming ? "due" : "not yet due");
    }
    tui_put(b.y, b.x + 1, b.w - 1, f->error ? TUI_ROLE_ERROR : TUI_ROLE_DIM, line);
    if (!f->rows.n)
        return;
    static const struct tui_column cols[] = {
        {"Due", 10, 0, false}, {"Customer", 0, 3, false}, {"How", 0, 3, false},
        {"Confirm", 0, 4, false}, {"Complaint", 13, 0, false}, {"Owner", 0, 2, false},
    };
    struct tui_rect lr = {b.y + 2, b.x, b.h - 2, b.w};
    tui_list_draw(&f->list, lr, cols, 6, true, true, cell, f);
}

static void completed(void *ctx, bool conflict, const char *err)
{
    scr_followup_report(conflict, err);
    reload(ctx);
}

/* ---- recording, shared with the complaint screen --------------------------- */

static void on_outcome(void *ctx, int choice, const char *text)
{
    struct scr_followup_doing *d = ctx;
    db_follow_up_complete(app_db(), d->id, d->version, choice == 0, text, d->done, d->ctx);
}

void scr_followup_record(struct scr_followup_doing *d, const char *what_to_confirm)
{
    static const char *const outcomes[] = {"The customer confirmed the fix held",
                                           "Not confirmed: the problem is back or not fixed"};
    struct prompt_spec p = {.title = "Record the follow-up",
                            .question = what_to_confirm, .choices = outcomes, .nchoices = 2,
                            .text_label = "What was said", .text_required = true, .text_max = 1000,
                            .start_on_text = true,
                            .done = on_outcome, .ctx = d};
    scr_open_prompt(&p);
}

void scr_followup_report(bool conflict, const char *err)
{
    if (conflict)
        tui_message(TUI_ROLE_WARN, "Someone else recorded or changed this follow-up first; the list is up to date now.");
    else if (err)
        tui_message(TUI_ROLE_ERROR, "Not saved: %.*s", (int)strcspn(err, "\n"), err);
    else
        tui_message(TUI_ROLE_OK, "Follow-up recorded.");
}

static enum scr_result followups_action(void *st, enum tui_action a)
{
    struct followups *f = st;
    switch (a) {
    case TUI_ACT_BACK:
        return SCR_CLOSE;
    case TUI_ACT_RELOAD:
        reload(f);
        return SCR_REDRAW;
    case TUI_ACT_TOGGLE_ALL:
        f->everyone = !f->everyone;
        reload(f);
        return SCR_REDRAW;
    case TUI_ACT_UPCOMING:
        /* Beside the due list: a follow-up can be made before its day. */
        f->upcoming = !f->upcoming;
        f->list.sel = 0;
        f->list.top = 0;
        reload(f);
        return SCR_REDRAW;
    case TUI_ACT_COMPLETE:
    case TUI_ACT_OPEN: {
        const struct db_follow_up *r = row_at(f, f->list.sel);
        if (!r)
            return SCR_HANDLED;
        if (util_format_fits(f->doing.id, sizeof f->doing.id, "%s", r->id) < 0) {
            tui_message(TUI_ROLE_WARN, "This follow-up's id came from the database in a form Careline cannot use: nothing was recorded.");
            return SCR_REDRAW;
        }
        f->doing.version = r->version;
        f->doing.done = completed;
        f->doing.ctx = f;
        scr_followup_record(&f->doing, r->what);
        return SCR_REDRAW;
    }
    default:
        return tui_list_action(&f->list, a) ? SCR_REDRAW : SCR_UNHANDLED;
    }
}

static const enum tui_action *followups_status(void *st)
{
    (void)st;
    static const enum tui_action keys[] = {TUI_ACT_COMPLETE, TUI_ACT_UPCOMING, TUI_ACT_TOGGLE_ALL, TUI_ACT_UP,
                                           TUI_ACT_DOWN, TUI_ACT_BACK, TUI_ACT_HELP, TUI_ACT_NONE};
    return keys;
}

const struct screen_ops scr_followups_ops = {
    SCR_HEAD(followups),
    .open = followups_open,
    .close = followups_close,
    .draw = followups_draw,
    .action = followups_action,
    .status_keys = followups_status,
};
