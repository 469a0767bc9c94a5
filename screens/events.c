/* events.c — the list of critical events, active first, updated live; Enter opens one, supervisors declare a new one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careline/app.h"
#include "careline/event.h"
#include "careline/event_screens.h"
#include "careline/keymap.h"
#include "careline/screens.h"
#include "careline/tui.h"
#include "careline/util.h"

struct events {
    struct db_rows rows;       /* struct db_event_row */
    bool have, supervisor;
    char *error;
    struct tui_list list;
};

static const struct db_event_row *row_at(const struct events *v, int i)
{
    return i >= 0 && i < v->rows.n ? DB_ROW(&v->rows, const struct db_event_row, i) : NULL;
}

/* A failed reload keeps the list under the error; the selection stays on the same event. */
static void loaded(void *ctx, struct db_rows *rows, bool supervisor, const char *err)
{
    struct events *v = ctx;
    free(v->error);
    v->error = err ? util_strdup(err) : NULL;
    if (!err) {
        const struct db_event_row *sel = row_at(v, v->list.sel);
        char *keep = sel ? util_strdup(sel->id) : NULL;   /* the row the cursor stays on, whole */
        db_rows_free(&v->rows);
        v->rows = *rows;
        *rows = (struct db_rows){0};
        v->have = true;
        v->supervisor = supervisor;
        tui_list_set_count(&v->list, v->rows.n);
        for (int i = 0; keep && i < v->rows.n; i++)
            if (strcmp(row_at(v, i)->id, keep) == 0)
                v->list.sel = i;
        free(keep);
    }
    tui_invalidate();
}

static void reload(struct events *v)
{
    db_event_list(app_db(), loaded, v);
}

static void on_event(void *ctx, const char *payload)
{
    (void)payload;
    reload(ctx);
}

static void *events_open(void *arg)
{
    (void)arg;
    struct events *v = util_calloc(1, sizeof *v);
    tui_list_set_count(&v->list, 0);
    app_on_notify("careline_event", on_event, v);
    reload(v);
    return v;
}

static void events_close(void *st)
{
    struct events *v = st;
    app_off_notify(v);
    db_forget_owner(app_db(), v);
    db_rows_free(&v->rows);
    free(v->error);
    free(v);
}

static void events_resume(void *st)
{
    reload(st);
}

static const char *cell(void *ctx, int row, int col, enum tui_role *role)
{
    const struct db_event_row *r = row_at(ctx, row);
    static char buf[64];
    if (!r)
        return "";
    bool active = strcmp(r->status, "active") == 0;
    if (!active)
        *role = TUI_ROLE_DIM;
    switch (col) {
    case 0:
        if (active)
            *role = TUI_ROLE_WARN;
        return active ? "ACTIVE" : "ended";
    case 1: {
        const struct db_event_kind *k = db_event_kind_find(r->kind);
        return k ? k->label : r->kind;
    }
    case 2: return r->title;
    case 3: return r->area;
    case 4: return r->updated_text;
    case 5:
        util_format(buf, sizeof buf, "%d", r->complaints_open);
        return buf;
    }
    return "";
}

static void events_draw(void *st, struct tui_rect b)
{
    struct events *v = st;
    char line[200], declare[32] = "", open[32];
    int active = 0;
    for (int i = 0; i < v->rows.n; i++)
        active += strcmp(row_at(v, i)->status, "active") == 0;
    if (v->supervisor)
        tui_keymap_keys_for("events", TUI_ACT_DECLARE, declare, sizeof declare);
    if (v->error)
        util_format(line, sizeof line, "%s", v->error);
    else if (!v->have)
        util_format(line, sizeof line, "Loading...");
    else
        util_format(line, sizeof line, "%d active event%s, then the latest ended ones. %s opens one%s%s.", active,
                    active == 1 ? "" : "s", tui_key_hint("events", TUI_ACT_OPEN, open, sizeof open),
                    declare[0] ? "; declare a new one with " : "", declare);
    struct tui_rect top = {b.y, b.x + 1, 2, b.w - 2};
    int used = tui_put_wrapped(top, v->error ? TUI_ROLE_ERROR : TUI_ROLE_DIM, line, 0, false);
    if (!v->have || v->rows.n == 0) {
        if (v->have && b.h > 3)
            tui_put(b.y + 2, b.x + 1, b.w - 2, TUI_ROLE_NORMAL, "No critical events.");
        return;
    }
    static const struct tui_column cols[] = {
        {"Status", 6, 0, false}, {"Kind", 19, 0, false}, {"Title", 0, 3, false},
        {"Area", 0, 2, false},   {"Upd", 5, 0, false},   {"Open", 4, 0, true},
    };
    int y = b.y + (used > 1 ? 2 : 1) + 1;
    struct tui_rect lr = {y, b.x, b.h - (y - b.y), b.w};
    tui_list_draw(&v->list, lr, cols, 6, true, true, cell, v);
}

static enum scr_result events_action(void *st, enum tui_action a)
{
    struct events *v = st;
    switch (a) {
    case TUI_ACT_BACK:
        return SCR_CLOSE;
    case TUI_ACT_RELOAD:
        reload(v);
        return SCR_REDRAW;
    case TUI_ACT_OPEN: {
        const struct db_event_row *r = row_at(v, v->list.sel);
        if (r)
            scr_open_event(r->id);
        return SCR_REDRAW;
    }
    case TUI_ACT_DECLARE: {
        if (!v->supervisor) {
            tui_message(TUI_ROLE_WARN, "Only a supervisor declares critical events.");
            return SCR_REDRAW;
        }
        struct scr_eventform_arg arg = {.op = DB_EVENT_DECLARE};
        scr_open_eventform(&arg);
        return SCR_REDRAW;
    }
    default:
        return tui_list_action(&v->list, a) ? SCR_REDRAW : SCR_UNHANDLED;
    }
}

static const enum tui_action *events_status(void *st)
{
    struct events *v = st;
    static enum tui_action keys[8];
    int n = 0;
    keys[n++] = TUI_ACT_OPEN;
    if (v->supervisor)
        keys[n++] = TUI_ACT_DECLARE;
    keys[n++] = TUI_ACT_UP;
    keys[n++] = TUI_ACT_DOWN;
    keys[n++] = TUI_ACT_BACK;
    keys[n++] = TUI_ACT_HELP;
    keys[n] = TUI_ACT_NONE;
    return keys;
}

const struct screen_ops scr_events_ops = {
    SCR_HEAD(events),
    .open = events_open,
    .close = events_close,
    .draw = events_draw,
    .action = events_action,
    .status_keys = events_status,
    .resume = events_resume,
};
