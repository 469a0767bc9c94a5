/* approvals.c — the supervisor's queue of goodwill credits above an agent's authority, updated live. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careline/app.h"
#include "careline/keymap.h"
#include "careline/prompt.h"
#include "careline/recovery.h"
#include "careline/region.h"
#include "careline/screens.h"
#include "careline/sla.h"
#include "careline/tui.h"
#include "careline/util.h"

struct approvals {
    struct db_rows rows;   /* struct db_approval */
    bool have;             /* rows loaded at least once */
    char *error;
    struct tui_list list;
    bool loading;
    char deciding[37];
    bool approve;
};

static const struct db_approval *row_at(const struct approvals *a, int i)
{
    return i >= 0 && i < a->rows.n ? DB_ROW(&a->rows, const struct db_approval, i) : NULL;
}

/* A failed reload keeps the queue on screen under the error. */
static void loaded(void *ctx, struct db_rows *rows, const char *err)
{
    struct approvals *a = ctx;
    a->loading = false;
    free(a->error);
    a->error = err ? util_strdup(err) : NULL;
    if (!err) {
        int sel = a->list.sel;
        db_rows_free(&a->rows);
        a->rows = *rows;
        *rows = (struct db_rows){0};
        a->have = true;
        tui_list_set_count(&a->list, a->rows.n);
        if (sel >= 0 && sel < a->rows.n)
            a->list.sel = sel;
    }
    tui_invalidate();
}

static void reload(struct approvals *a)
{
    a->loading = true;
    db_approvals_load(app_db(), loaded, a);
}

/* Any credit requested or decided anywhere: the queue is fetched again. */
static void on_notify(void *ctx, const char *payload)
{
    (void)payload;
    reload(ctx);
}

static void *approvals_open(void *arg)
{
    (void)arg;
    struct approvals *a = util_calloc(1, sizeof *a);
    tui_list_set_count(&a->list, 0);
    app_on_notify("careline_approval", on_notify, a);
    reload(a);
    return a;
}

static void approvals_close(void *st)
{
    struct approvals *a = st;
    app_off_notify(a);
    db_forget_owner(app_db(), a);
    db_rows_free(&a->rows);
    free(a->error);
    free(a);
}

static const char *cell(void *ctx, int row, int col, enum tui_role *role)
{
    const struct db_approval *r = row_at(ctx, row);
    static char buf[64];
    if (!r)
        return "";
    switch (col) {
    case 0: return r->requested_text;
    case 1:
        if (r->mine)
            *role = TUI_ROLE_DIM;   /* nobody approves their own */
        return r->agent;
    case 2: return r->customer;
    case 3:
        return db_money_text(r->amount, tui_ascii(), buf, sizeof buf);
    case 4: return r->reason;
    case 5: return r->complaint_ref;
    }
    return "";
}

static void approvals_draw(void *st, struct tui_rect b)
{
    struct approvals *a = st;
    char line[200];
    if (a->error)
        util_format(line, sizeof line, "%s", a->error);
    else if (!a->have)
        util_format(line, sizeof line, "Loading...");
    else {
        /* Only what the database would accept is offered: an agent sees
         * the queue but decides nothing. */
        bool any = false;
        for (int i = 0; i < a->rows.n && !any; i++)
            any = row_at(a, i)->may_approve || row_at(a, i)->may_reject;
        char yes[32], no[32];
        tui_keymap_keys_for("approvals", TUI_ACT_APPROVE, yes, sizeof yes);
        tui_keymap_keys_for("approvals", TUI_ACT_REJECT, no, sizeof no);
        if (any)
            util_format(line, sizeof line, "%d credit%s waiting for a decision, oldest first. %s approves, %s rejects.",
                        a->rows.n, a->rows.n == 1 ? "" : "s", yes, no);
        else
            util_format(line, sizeof line, "%d credit%s waiting for a supervisor's decision, oldest first.", a->rows.n,
                        a->rows.n == 1 ? "" : "s");
    }
    tui_put(b.y, b.x + 1, b.w - 1, a->error ? TUI_ROLE_ERROR : TUI_ROLE_DIM, line);
    if (!a->have || a->rows.n == 0)
        return;
    static const struct tui_column cols[] = {
        {"Asked", 12, 0, false}, {"Agent", 0, 2, false}, {"Customer", 0, 3, false},
        {"Amount", 10, 0, true}, {"Reason", 0, 3, false}, {"Complaint", 13, 0, false},
    };
    struct tui_rect lr = {b.y + 2, b.x, b.h - 2, b.w};
    tui_list_draw(&a->list, lr, cols, 6, true, true, cell, a);
}

static void decided(void *ctx, bool conflict, const char *err)
{
    struct approvals *a = ctx;
    if (conflict)
        tui_message(TUI_ROLE_WARN, "Someone decided on this credit first; the queue is up to date now.");
    else if (err)
        tui_message(TUI_ROLE_ERROR, "Not decided: %.*s", (int)strcspn(err, "\n"), err);
    else
        tui_message(TUI_ROLE_OK, a->approve ? "Credit approved." : "Credit rejected.");
    reload(a);
}

static void on_note(void *ctx, int choice, const char *text)
{
    (void)choice;
    struct approvals *a = ctx;
    /* The queue may have been reloaded while the note was typed: the
     * credit is found again by id, and decided at the version seen now. */
    for (int i = 0; i < a->rows.n; i++)
        if (strcmp(row_at(a, i)->id, a->deciding) == 0)
            db_credit_decide(app_db(), a->deciding, row_at(a, i)->version, a->approve, text, decided, a);
}

static enum scr_result approvals_action(void *st, enum tui_action act)
{
    struct approvals *a = st;
    switch (act) {
    case TUI_ACT_BACK:
        return SCR_CLOSE;
    case TUI_ACT_RELOAD:
        reload(a);
        return SCR_REDRAW;
    case TUI_ACT_APPROVE:
    case TUI_ACT_REJECT: {
        const struct db_approval *r = row_at(a, a->list.sel);
        if (!r)
            return SCR_HANDLED;
        if (r->mine) {
            tui_message(TUI_ROLE_WARN, "You asked for this credit: another supervisor decides on it.");
            return SCR_REDRAW;
        }
        if (!(act == TUI_ACT_APPROVE ? r->may_approve : r->may_reject)) {
            tui_message(TUI_ROLE_WARN, act == TUI_ACT_APPROVE && r->may_reject
                                           ? "This credit is above your own authority: a manager approves it."
                                           : "Only a supervisor decides on credits.");
            return SCR_REDRAW;
        }
        if (util_format_fits(a->deciding, sizeof a->deciding, "%s", r->id) < 0) {
            tui_message(TUI_ROLE_WARN, "This credit's id came from the database in a form Careline cannot use: nothing was decided.");
            return SCR_REDRAW;
        }
        a->approve = act == TUI_ACT_APPROVE;
        struct prompt_spec p = {.title = a->approve ? "Approve the credit" : "Reject the credit",
                                .question = a->approve ? "The agent is told at once." : "Say why: the agent sees it.",
                                .text_label = "Note", .text_required = !a->approve, .text_max = 500,
                                .done = on_note, .ctx = a};
        scr_open_prompt(&p);
        return SCR_REDRAW;
    }
    default:
        return tui_list_action(&a->list, act) ? SCR_REDRAW : SCR_UNHANDLED;
    }
}

/* Approve and reject only where the database would take them. */
static const enum tui_action *approvals_status(void *st)
{
    struct approvals *a = st;
    static enum tui_action keys[8];
    int n = 0;
    const struct db_approval *r = row_at(a, a->list.sel);
    if (r && r->may_approve)
        keys[n++] = TUI_ACT_APPROVE;
    if (r && r->may_reject)
        keys[n++] = TUI_ACT_REJECT;
    keys[n++] = TUI_ACT_UP;
    keys[n++] = TUI_ACT_DOWN;
    keys[n++] = TUI_ACT_BACK;
    keys[n++] = TUI_ACT_HELP;
    keys[n] = TUI_ACT_NONE;
    return keys;
}

const struct screen_ops scr_approvals_ops = {
    SCR_HEAD(approvals),
    .open = approvals_open,
    .close = approvals_close,
    .draw = approvals_draw,
    .action = approvals_action,
    .status_keys = approvals_status,
};
