/* figlist.c — the complaints or contacts behind one dashboard figure; Enter opens the complaint, or the customer of a contact. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "careline/app.h"
#include "careline/dashboard.h"
#include "careline/screens.h"
#include "careline/search.h"
#include "careline/tui.h"
#include "careline/util.h"

struct figlist {
    char *title, *period_label, *team;
    struct db_period period;
    enum db_drill_kind kind;
    char *key[3];
    struct db_rows rows;         /* struct db_fig_item */
    bool have, loading;
    char *error;
    struct tui_list list;
};

static const struct db_fig_item *item(const struct figlist *l, int i)
{
    return i >= 0 && i < l->rows.n ? DB_ROW(&l->rows, const struct db_fig_item, i) : NULL;
}

static void loaded(void *ctx, struct db_rows *rows, const char *err)
{
    struct figlist *l = ctx;
    l->loading = false;
    free(l->error);
    l->error = err ? util_strdup(err) : NULL;
    if (!err) {
        int sel = l->list.sel;
        db_rows_free(&l->rows);
        l->rows = *rows;
        *rows = (struct db_rows){0};
        l->have = true;
        tui_list_set_count(&l->list, l->rows.n);
        if (sel >= 0 && sel < l->rows.n)
            l->list.sel = sel;
    }
    tui_invalidate();
}

static void reload(struct figlist *l)
{
    struct db_drill d = {l->kind, {l->key[0], l->key[1], l->key[2]}};
    l->loading = true;
    db_figures_drill(app_report_db(), &l->period, l->team, &d, loaded, l);
}

static void *figlist_open(void *arg)
{
    const struct scr_figlist_arg *a = arg;
    if (!a || (unsigned)a->drill.kind >= DB_DRILL__KINDS)
        return NULL;
    struct figlist *l = util_calloc(1, sizeof *l);
    l->title = util_strdup(a->title ? a->title : "");
    l->period_label = util_strdup(a->period_label ? a->period_label : "");
    l->team = util_strdup(a->team);
    l->period = a->period;
    l->kind = a->drill.kind;
    for (int k = 0; k < 3; k++)
        l->key[k] = util_strdup(a->drill.key[k]);
    tui_list_set_count(&l->list, 0);
    reload(l);
    return l;
}

static void figlist_close(void *st)
{
    struct figlist *l = st;
    db_forget_owner(app_report_db(), l);
    db_rows_free(&l->rows);
    for (int k = 0; k < 3; k++)
        free(l->key[k]);
    free(l->title);
    free(l->period_label);
    free(l->team);
    free(l->error);
    free(l);
}

static const char *cell(void *ctx, int row, int col, enum tui_role *role)
{
    (void)role;
    const struct db_fig_item *r = item(ctx, row);
    static char when[32];
    if (!r)
        return "";
    switch (col) {
    case 0: {
        time_t t = (time_t)r->at;
        struct tm tm;
        localtime_r(&t, &tm);
        if (strftime(when, sizeof when, "%d %b %H:%M", &tm) == 0)
            when[0] = '\0';   /* did not fit: the buffer says nothing */
        return when;
    }
    case 1: return *r->reference ? r->reference : r->account_no;
    case 2: return r->customer;
    case 3: return r->what;
    case 4: return r->detail;
    case 5: return r->who;
    }
    return "";
}

static void figlist_draw(void *st, struct tui_rect b)
{
    struct figlist *l = st;
    char line[240];
    util_format(line, sizeof line, "%s%s%s", l->title, l->team ? " - team " : "", l->team ? l->team : "");
    tui_put(b.y, b.x + 1, b.w - 1, TUI_ROLE_HEADER, line);
    int64_t total = l->rows.n ? item(l, 0)->total : 0;
    if (l->error)
        util_format(line, sizeof line, "%s", l->error);
    else if (!l->have)
        util_format(line, sizeof line, "%s: loading...", l->period_label);
    else if (l->rows.n == 0)
        util_format(line, sizeof line, "%s: nothing is counted here.", l->period_label);
    else if (total > l->rows.n)
        util_format(line, sizeof line, "%s: %lld in all, the newest %d listed.", l->period_label, (long long)total,
                    l->rows.n);
    else
        util_format(line, sizeof line, "%s: %lld, newest first.", l->period_label, (long long)total);
    tui_put(b.y + 1, b.x + 1, b.w - 1, l->error ? TUI_ROLE_ERROR : TUI_ROLE_DIM, line);
    if (!l->have || l->rows.n == 0)
        return;
    static const struct tui_column cols[] = {
        {"When", 12, 0, false},  {"Ref/account", 13, 0, false}, {"Customer", 0, 3, false},
        {"What", 0, 3, false},   {"Detail", 0, 3, false},       {"Who", 0, 2, false},
    };
    int foot = b.h >= 12 ? 2 : 0;
    struct tui_rect lr = {b.y + 3, b.x, b.h - 3 - foot, b.w};
    tui_list_draw(&l->list, lr, cols, 6, true, true, cell, l);
    /* The selected row whole: the columns cut long names. */
    const struct db_fig_item *r = item(l, l->list.sel);
    if (foot && r) {
        char *whole = util_asprintf("%s %s, %s: %s%s%s%s%s", *r->reference ? r->reference : "account", r->account_no,
                                    r->customer, r->what, *r->detail ? "; " : "", r->detail, *r->who ? "; " : "",
                                    r->who);
        tui_hline(b.y + b.h - foot, b.x, b.w, TUI_ROLE_BORDER);
        struct tui_rect wr = {b.y + b.h - 1, b.x + 1, 1, b.w - 2};
        tui_put_excerpt(wr, TUI_ROLE_NORMAL, whole, "", false);
        free(whole);
    }
}

static enum scr_result open_selected(struct figlist *l)
{
    const struct db_fig_item *r = item(l, l->list.sel);
    if (!r)
        return SCR_HANDLED;
    if (*r->complaint_id) {
        scr_open_complaint(r->complaint_id);
    } else {
        struct db_search_hit h = {.customer_id = r->customer_id, .account_no = r->account_no, .name = r->customer};
        scr_open_customer(&h);
    }
    return SCR_REDRAW;
}

static enum scr_result figlist_action(void *st, enum tui_action a)
{
    struct figlist *l = st;
    switch (a) {
    case TUI_ACT_BACK: return SCR_CLOSE;
    case TUI_ACT_RELOAD: reload(l); return SCR_REDRAW;
    case TUI_ACT_OPEN: return open_selected(l);
    default: return tui_list_action(&l->list, a) ? SCR_REDRAW : SCR_UNHANDLED;
    }
}

static const enum tui_action *figlist_status(void *st)
{
    (void)st;
    static const enum tui_action keys[] = {TUI_ACT_OPEN, TUI_ACT_UP, TUI_ACT_DOWN, TUI_ACT_RELOAD,
                                           TUI_ACT_BACK, TUI_ACT_HELP, TUI_ACT_NONE};
    return keys;
}

const struct screen_ops scr_figlist_ops = {
    SCR_HEAD(figlist),
    .open = figlist_open,
    .close = figlist_close,
    .draw = figlist_draw,
    .action = figlist_action,
    .status_keys = figlist_status,
};
