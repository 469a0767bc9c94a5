/* actionform.c — record or change an improvement action against a root cause: what was changed and on which day; the text is published as written. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careline/app.h"
#include "careline/dashboard.h"
#include "careline/feedback.h"
#include "careline/keymap.h"
#include "careline/screens.h"
#include "careline/tui.h"
#include "careline/util.h"

enum field { F_WHAT, F_WHEN, F__COUNT };

struct actionform {
    int cause_id;
    char *cause;
    char id[37];                 /* made once: saving again after a lost answer is the same row */
    int version;                 /* 0: a new action */
    struct tui_textarea what;
    struct tui_field when;
    enum field focus;
    char error[300];
    enum field error_field;
    bool saving;
};

static void *actionform_open(void *arg)
{
    const struct scr_actionform_arg *a = arg;
    if (!a || a->cause_id <= 0)
        return NULL;
    struct actionform *f = util_calloc(1, sizeof *f);
    f->cause_id = a->cause_id;
    f->cause = util_strdup(a->cause ? a->cause : "");
    if (!a->id) {
        util_uuid(f->id);
    } else if (util_format_fits(f->id, sizeof f->id, "%s", a->id) < 0) {
        tui_message(TUI_ROLE_WARN, "This action's id came from the database in a form Careline cannot use: it cannot be changed here.");
        free(f->cause);
        free(f);
        return NULL;
    }
    f->version = a->id ? a->version : 0;
    tui_textarea_init(&f->what, DB_ACTION_TEXT_MAX);
    if (a->what)
        tui_textarea_set(&f->what, a->what);
    tui_field_init(&f->when, 10);
    char day[16];
    tui_field_set(&f->when, db_date_text(a->changed_on, day, sizeof day));
    return f;
}

static void actionform_close(void *st)
{
    struct actionform *f = st;
    db_forget_owner(app_db(), f);
    tui_textarea_free(&f->what);
    tui_field_free(&f->when);
    free(f->cause);
    free(f);
}

static void actionform_draw(void *st, struct tui_rect b)
{
    struct actionform *f = st;
    char line[200], keys[32];
    int y = b.y;
    util_format(line, sizeof line, "%s improvement action: %s", f->version ? "Change the" : "A new", f->cause);
    tui_put(y++, b.x + 1, b.w - 1, TUI_ROLE_HEADER, line);
    struct tui_rect note = {y, b.x + 1, 2, b.w - 2};
    tui_put_wrapped(note, TUI_ROLE_DIM,
                    "Published with the month's feedback as written: describe the change, never a customer "
                    "(no names, account numbers, phone numbers or e-mail addresses).",
                    0, false);
    y += 3;
    tui_put(y++, b.x + 1, b.w - 1, f->focus == F_WHAT ? TUI_ROLE_SELECTED : TUI_ROLE_LABEL, "What was changed");
    int h = b.h - 10 > 2 ? b.h - 10 : 2;
    if (h > 8)
        h = 8;
    struct tui_rect r = {y, b.x + 1, h, b.w - 2};
    tui_textarea_draw(&f->what, r, f->focus == F_WHAT);
    y += h;
    if (*f->error && f->error_field == F_WHAT) {
        struct tui_rect er = {y, b.x + 1, 2, b.w - 2};
        tui_put_wrapped(er, TUI_ROLE_ERROR, f->error, 0, false);
    }
    y += 3;
    int x = b.x + 1 + tui_put(y, b.x + 1, b.w - 1, f->focus == F_WHEN ? TUI_ROLE_SELECTED : TUI_ROLE_LABEL,
                              "When (YYYY-MM-DD)");
    tui_field_draw(&f->when, y, x + 1, 12, f->focus == F_WHEN);
    if (*f->error && f->error_field == F_WHEN)
        tui_put(y, x + 15, b.x + b.w - x - 15, TUI_ROLE_ERROR, f->error);
    tui_keymap_keys_for("actionform", TUI_ACT_SUBMIT, keys, sizeof keys);
    util_format(line, sizeof line, f->saving ? "Saving..." : "%s saves.", keys);
    tui_put(y + 2, b.x + 1, b.w - 1, TUI_ROLE_DIM, line);
}

static void saved(void *ctx, bool conflict, const char *err)
{
    struct actionform *f = ctx;
    f->saving = false;
    f->error_field = F_WHAT;
    if (conflict) {
        util_format(f->error, sizeof f->error,
                    "Someone changed or withdrew this action first; what you typed is still here.");
    } else if (err) {
        util_format(f->error, sizeof f->error, "Not saved: %.*s", (int)strcspn(err, "\n"), err);
    } else {
        tui_message(TUI_ROLE_OK, f->version ? "Improvement action changed." : "Improvement action recorded.");
        tui_pop();   /* f is freed here */
        return;
    }
    tui_invalidate();
}

static enum scr_result submit(struct actionform *f)
{
    long day;
    const char *text = f->what.f.text ? f->what.f.text : "";
    *f->error = '\0';
    if (strspn(text, " \t\r\n") == strlen(text)) {
        util_format(f->error, sizeof f->error, "Say what was changed.");
        f->error_field = F_WHAT;
        f->focus = F_WHAT;
    } else if (db_date_parse(f->when.text ? f->when.text : "", &day) < 0) {
        util_format(f->error, sizeof f->error, "A day as YYYY-MM-DD, e.g. 2026-11-30.");
        f->error_field = F_WHEN;
        f->focus = F_WHEN;
    } else if (!f->saving) {
        f->saving = true;
        db_action_save(app_db(), f->id, f->version, f->cause_id, text, day, saved, f);
    }
    return SCR_REDRAW;
}

static enum scr_result actionform_action(void *st, enum tui_action a)
{
    struct actionform *f = st;
    switch (a) {
    case TUI_ACT_CANCEL:
    case TUI_ACT_BACK: return SCR_CLOSE;
    case TUI_ACT_SUBMIT: return submit(f);
    case TUI_ACT_NEXT_FIELD:
    case TUI_ACT_PREV_FIELD: f->focus = f->focus == F_WHAT ? F_WHEN : F_WHAT; return SCR_REDRAW;
    default: return SCR_UNHANDLED;
    }
}

static enum scr_result actionform_key(void *st, int key)
{
    struct actionform *f = st;
    bool changed = false;
    bool used = f->focus == F_WHAT ? tui_textarea_key(&f->what, key, &changed) : tui_field_key(&f->when, key, &changed);
    if (changed && f->error_field == f->focus)
        *f->error = '\0';
    return used ? SCR_REDRAW : SCR_UNHANDLED;
}

static bool actionform_wants_text(void *st)
{
    (void)st;
    return true;
}

static const enum tui_action *actionform_status(void *st)
{
    (void)st;
    static const enum tui_action keys[] = {TUI_ACT_SUBMIT, TUI_ACT_NEXT_FIELD, TUI_ACT_CANCEL, TUI_ACT_HELP,
                                           TUI_ACT_NONE};
    return keys;
}

const struct screen_ops scr_actionform_ops = {
    SCR_HEAD(actionform),
    .open = actionform_open,
    .close = actionform_close,
    .draw = actionform_draw,
    .action = actionform_action,
    .key = actionform_key,
    .wants_text = actionform_wants_text,
    .status_keys = actionform_status,
};
