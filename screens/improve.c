/* improve.c — what was changed because of one root cause: the improvement actions recorded against it, added, changed and withdrawn by supervisors. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "careline/app.h"
#include "careline/dashboard.h"
#include "careline/feedback.h"
#include "careline/keymap.h"
#include "careline/prompt.h"
#include "careline/screens.h"
#include "careline/sla.h"
#include "careline/tui.h"
#include "careline/util.h"

struct improve {
    int cause_id;
    char *cause, *why;
    struct db_rows rows;         /* struct db_action */
    bool have;
    char *error;
    struct tui_list list;
    char withdrawing[37];
    int withdrawing_version;
};

static const struct db_action *action_at(const struct improve *m, int i)
{
    return i >= 0 && i < m->rows.n ? DB_ROW(&m->rows, const struct db_action, i) : NULL;
}

static void loaded(void *ctx, struct db_rows *rows, const char *err)
{
    struct improve *m = ctx;
    free(m->error);
    m->error = err ? util_strdup(err) : NULL;
    if (!err) {
        int sel = m->list.sel;
        db_rows_free(&m->rows);
        m->rows = *rows;
        *rows = (struct db_rows){0};
        m->have = true;
        tui_list_set_count(&m->list, m->rows.n);
        if (sel >= 0 && sel < m->rows.n)
            m->list.sel = sel;
    }
    tui_invalidate();
}

/* Read from the primary, where they are written: a new one shows at once. */
static void reload(struct improve *m) { db_actions_load(app_db(), m->cause_id, loaded, m); }

static void *improve_open(void *arg)
{
    const struct scr_improve_arg *a = arg;
    if (!a || a->cause_id <= 0)
        return NULL;
    struct improve *m = util_calloc(1, sizeof *m);
    m->cause_id = a->cause_id;
    m->cause = util_strdup(a->cause ? a->cause : "");
    m->why = util_strdup(a->why ? a->why : "");
    tui_list_set_count(&m->list, 0);
    reload(m);
    return m;
}

static void improve_close(void *st)
{
    struct improve *m = st;
    db_forget_owner(app_db(), m);
    db_rows_free(&m->rows);
    free(m->cause);
    free(m->why);
    free(m->error);
    free(m);
}

static const char *cell(void *ctx, int row, int col, enum tui_role *role)
{
    (void)role;
    const struct db_action *r = action_at(ctx, row);
    static char day[16];
    if (!r)
        return "";
    switch (col) {
    case 0: return db_date_text((long)r->changed_on, day, sizeof day);
    case 1: return r->what_changed;
    case 2: return r->recorded_by;
    }
    return "";
}

static void improve_draw(void *st, struct tui_rect b)
{
    struct improve *m = st;
    char line[240], add[32];
    util_format(line, sizeof line, "Root cause: %s", m->cause);
    tui_put(b.y, b.x + 1, b.w - 1, TUI_ROLE_HEADER, line);
    tui_keymap_keys_for("improve", TUI_ACT_ADD, add, sizeof add);
    if (m->error)
        util_format(line, sizeof line, "%s", m->error);
    else if (!m->have)
        util_format(line, sizeof line, "%s. Loading the actions...", m->why);
    else if (m->rows.n == 0)
        util_format(line, sizeof line, "%s. Nothing recorded yet: %s records what was changed.", m->why, add);
    else
        util_format(line, sizeof line, "%s. %d action%s, newest first; %s records another.", m->why, m->rows.n,
                    m->rows.n == 1 ? "" : "s", add);
    struct tui_rect r = {b.y + 1, b.x + 1, 2, b.w - 2};
    tui_put_wrapped(r, m->error ? TUI_ROLE_ERROR : TUI_ROLE_DIM, line, 0, false);
    if (!m->have || m->rows.n == 0)
        return;
    static const struct tui_column cols[] = {
        {"Changed on", 10, 0, false}, {"What was changed", 0, 5, false}, {"Recorded by", 0, 1, false}};
    struct tui_rect lr = {b.y + 4, b.x, b.h - 7, b.w};
    tui_list_draw(&m->list, lr, cols, 3, true, true, cell, m);
    /* The selected action whole: the list cuts long ones. */
    const struct db_action *sel = action_at(m, m->list.sel);
    if (sel && b.h > 9) {
        struct tui_rect whole = {b.y + b.h - 3, b.x + 1, 3, b.w - 2};
        tui_put_excerpt(whole, TUI_ROLE_NORMAL, sel->what_changed, "(the rest when you edit it)", false);
    }
}

static void form(struct improve *m, const struct db_action *a)
{
    long today = sla_local_day(time(NULL), NULL);
    struct scr_actionform_arg arg = {m->cause_id, m->cause, a ? a->id : NULL, a ? a->version : 0,
                                     a ? a->what_changed : NULL, a ? (long)a->changed_on : today};
    scr_open_actionform(&arg);
}

static void withdrawn(void *ctx, bool conflict, const char *err)
{
    struct improve *m = ctx;
    if (conflict)
        tui_message(TUI_ROLE_WARN, "Someone changed this action first; the list is up to date now.");
    else if (err)
        tui_message(TUI_ROLE_ERROR, "Not withdrawn: %.*s", (int)strcspn(err, "\n"), err);
    else
        tui_message(TUI_ROLE_OK, "Withdrawn: it no longer appears in the published feedback.");
    reload(m);
}

static void on_confirm(void *ctx, int choice, const char *text)
{
    (void)text;
    struct improve *m = ctx;
    if (choice == 0)
        db_action_withdraw(app_db(), m->withdrawing, m->withdrawing_version, withdrawn, m);
}

static enum scr_result improve_action(void *st, enum tui_action a)
{
    struct improve *m = st;
    const struct db_action *sel = action_at(m, m->list.sel);
    switch (a) {
    case TUI_ACT_BACK: return SCR_CLOSE;
    case TUI_ACT_RELOAD: reload(m); return SCR_REDRAW;
    case TUI_ACT_ADD: form(m, NULL); return SCR_REDRAW;
    case TUI_ACT_EDIT:
    case TUI_ACT_OPEN:
        if (sel)
            form(m, sel);
        return SCR_REDRAW;
    case TUI_ACT_WITHDRAW: {
        if (!sel)
            return SCR_HANDLED;
        if (util_format_fits(m->withdrawing, sizeof m->withdrawing, "%s", sel->id) < 0) {
            tui_message(TUI_ROLE_WARN, "This action's id came from the database in a form Careline cannot use: nothing was withdrawn.");
            return SCR_REDRAW;
        }
        m->withdrawing_version = sel->version;
        static const char *const choices[] = {"Withdraw it", "Keep it"};
        struct prompt_spec p = {.title = "Withdraw this action?",
                                .question = "It stays in the audit trail but is no longer published.",
                                .choices = choices, .nchoices = 2, .done = on_confirm, .ctx = m};
        scr_open_prompt(&p);
        return SCR_REDRAW;
    }
    default: return tui_list_action(&m->list, a) ? SCR_REDRAW : SCR_UNHANDLED;
    }
}

static void improve_resume(void *st) { reload(st); }

static const enum tui_action *improve_status(void *st)
{
    struct improve *m = st;
    static enum tui_action keys[8];
    int n = 0;
    keys[n++] = TUI_ACT_ADD;
    if (action_at(m, m->list.sel)) {
        keys[n++] = TUI_ACT_EDIT;
        keys[n++] = TUI_ACT_WITHDRAW;
    }
    keys[n++] = TUI_ACT_BACK;
    keys[n++] = TUI_ACT_HELP;
    keys[n] = TUI_ACT_NONE;
    return keys;
}

const struct screen_ops scr_improve_ops = {
    SCR_HEAD(improve),
    .open = improve_open,
    .close = improve_close,
    .draw = improve_draw,
    .action = improve_action,
    .status_keys = improve_status,
    .resume = improve_resume,
};
