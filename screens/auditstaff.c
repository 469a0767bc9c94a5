/* auditstaff.c — choose a staff member by typing part of a name or login, then see what they opened and changed (the audit screen). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careline/app.h"
#include "careline/audit.h"
#include "careline/audit_screen.h"
#include "careline/keymap.h"
#include "careline/screens.h"
#include "careline/tui.h"
#include "careline/util.h"

struct auditstaff {
    struct tui_field input;
    struct tui_list list;
    struct db_rows rows;     /* struct db_audit_staff */
    bool have, refused, in_list;
    char *error;
};

static const struct db_audit_staff *row_at(const struct auditstaff *s, int i)
{
    return i >= 0 && i < s->rows.n ? DB_ROW(&s->rows, const struct db_audit_staff, i) : NULL;
}

static void found(void *ctx, struct db_rows *rows, bool refused, const char *err)
{
    struct auditstaff *s = ctx;
    free(s->error);
    s->error = err ? util_strdup(err) : NULL;
    s->refused = refused;
    db_rows_free(&s->rows);
    s->rows = *rows;
    *rows = (struct db_rows){0};
    s->have = true;
    tui_list_set_count(&s->list, s->rows.n);
    s->list.sel = s->rows.n ? 0 : -1;
    s->list.top = 0;
    tui_invalidate();
}

static void find(struct auditstaff *s)
{
    db_audit_staff_find(app_db(), s->input.text, found, s, s);
}

static void *auditstaff_open(void *arg)
{
    (void)arg;
    struct auditstaff *s = util_calloc(1, sizeof *s);
    tui_field_init(&s->input, 64);
    tui_list_set_count(&s->list, 0);
    find(s);
    return s;
}

static void auditstaff_close(void *st)
{
    struct auditstaff *s = st;
    db_forget_owner(app_db(), s);
    tui_field_free(&s->input);
    db_rows_free(&s->rows);
    free(s->error);
    free(s);
}

static const char *cell(void *ctx, int row, int col, enum tui_role *role)
{
    const struct db_audit_staff *r = row_at(ctx, row);
    if (!r)
        return "";
    if (!r->active)
        *role = TUI_ROLE_DIM;
    switch (col) {
    case 0: return r->name;
    case 1: return r->login;
    case 2: return r->group_role;
    case 3: return r->team;
    case 4: return r->active ? "" : "disabled";
    }
    return "";
}

static void auditstaff_draw(void *st, struct tui_rect b)
{
    struct auditstaff *s = st;
    tui_put(b.y, b.x + 1, 16, TUI_ROLE_LABEL, "Name or login:");
    tui_field_draw(&s->input, b.y, b.x + 16, b.w - 17, !s->in_list);
    char line[240], open[24];
    tui_keymap_keys_for("auditstaff", TUI_ACT_OPEN, open, sizeof open);
    if (s->refused)
        util_format(line, sizeof line, "Only supervisors and administrators may see whole staff records and the "
                                       "audit log: the database refused it to your login.");
    else if (s->error)
        util_format(line, sizeof line, "%s", s->error);
    else if (!s->have)
        util_format(line, sizeof line, "Loading...");
    else if (!s->rows.n)
        util_format(line, sizeof line, "No staff member's name or login contains that. %s shows the entries of the "
                                       "login exactly as typed.", open);
    else
        util_format(line, sizeof line, "%d staff member%s. %s shows what the selected one opened and changed.",
                    s->rows.n, s->rows.n == 1 ? "" : "s", open);
    int used = tui_put_wrapped((struct tui_rect){b.y + 1, b.x + 1, 2, b.w - 1},
                               s->error ? TUI_ROLE_ERROR : TUI_ROLE_DIM, line, 0, false);
    static const struct tui_column cols[] = {
        {"Name", 0, 3, false}, {"Login", 0, 2, false}, {"Group", 10, 0, false},
        {"Team", 0, 2, false}, {"", 8, 0, false},
    };
    int top = b.y + 1 + used + 1;
    if (s->rows.n && b.y + b.h - top > 1)
        tui_list_draw(&s->list, (struct tui_rect){top, b.x, b.y + b.h - top, b.w}, cols, 5, true, s->in_list, cell,
                      s);
}

/* The selected person, or the login typed when nobody matches. */
static enum scr_result open_selected(struct auditstaff *s)
{
    const struct db_audit_staff *r = row_at(s, s->list.sel);
    if (r) {
        scr_open_audit(&(struct scr_audit_arg){.login = r->login, .staff_name = r->name});
        return SCR_REDRAW;
    }
    const char *typed = s->input.text;
    bool login = *typed && strlen(typed) <= 63 && strspn(typed, "abcdefghijklmnopqrstuvwxyz0123456789_") == strlen(typed);
    if (!login) {
        tui_message(TUI_ROLE_WARN, "Type part of a name, or a whole login (lower-case letters, digits, _).");
        return SCR_REDRAW;
    }
    scr_open_audit(&(struct scr_audit_arg){.login = typed});
    return SCR_REDRAW;
}

static enum scr_result auditstaff_action(void *st, enum tui_action a)
{
    struct auditstaff *s = st;
    switch (a) {
    case TUI_ACT_BACK:
        return SCR_CLOSE;
    case TUI_ACT_OPEN:
        return open_selected(s);
    case TUI_ACT_NEXT_FIELD:
    case TUI_ACT_PREV_FIELD:
        s->in_list = !s->in_list && s->rows.n > 0;
        return SCR_REDRAW;
    case TUI_ACT_UP:
        if (s->in_list && s->list.sel <= 0) {
            s->in_list = false;
            return SCR_REDRAW;
        }
        break;
    case TUI_ACT_DOWN:
        if (!s->in_list) {
            s->in_list = s->rows.n > 0;
            return SCR_REDRAW;
        }
        break;
    default:
        break;
    }
    if (tui_list_action(&s->list, a)) {
        s->in_list = true;
        return SCR_REDRAW;
    }
    return SCR_UNHANDLED;
}

static enum scr_result auditstaff_key(void *st, int key)
{
    struct auditstaff *s = st;
    if (s->in_list) {
        if (!tui_key_printable(key))
            return SCR_UNHANDLED;
        s->in_list = false;   /* typing goes back to the name */
    }
    bool changed = false;
    if (!tui_field_key(&s->input, key, &changed))
        return SCR_UNHANDLED;
    if (changed)
        find(s);
    return SCR_REDRAW;
}

static bool auditstaff_wants_text(void *st)
{
    return !((struct auditstaff *)st)->in_list;
}

static const enum tui_action *auditstaff_status(void *st)
{
    (void)st;
    static const enum tui_action keys[] = {TUI_ACT_OPEN, TUI_ACT_NEXT_FIELD, TUI_ACT_UP, TUI_ACT_DOWN,
                                           TUI_ACT_BACK, TUI_ACT_HELP, TUI_ACT_NONE};
    return keys;
}

const struct screen_ops scr_auditstaff_ops = {
    SCR_HEAD(auditstaff),
    .open = auditstaff_open,
    .close = auditstaff_close,
    .draw = auditstaff_draw,
    .action = auditstaff_action,
    .key = auditstaff_key,
    .wants_text = auditstaff_wants_text,
    .status_keys = auditstaff_status,
};
