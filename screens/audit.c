/* audit.c — the audit screen for supervisors and administrators: who has seen a customer, what a staff member opened and changed, or everyone's entries, by period, vulnerability reads marked in words. */
#include "careline/audit_screen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careline/app.h"
#include "careline/audit.h"
#include "careline/keymap.h"
#include "careline/screens.h"
#include "careline/textview.h"
#include "careline/tui.h"
#include "careline/util.h"

struct audit {
    long long customer_id;
    char *customer, *account_no, *login, *staff_name;
    struct db_audit_filter filter;
    struct db_rows entries;     /* struct db_audit_entry, every page loaded so far */
    struct db_rows people;      /* struct db_audit_person_total */
    long long count;
    bool have, loading, more, refused;
    char *error;
    struct tui_list list;
    enum col_kind { COL_WHEN, COL_WHO, COL_CUSTOMER, COL_WHAT } cols[4];   /* as drawn */
};

static const struct db_audit_entry *row_at(const struct audit *a, int i)
{
    return i >= 0 && i < a->entries.n ? DB_ROW(&a->entries, const struct db_audit_entry, i) : NULL;
}

static void loaded(void *ctx, struct db_audit_page *p)
{
    struct audit *a = ctx;
    a->loading = false;
    free(a->error);
    a->error = p->error ? util_strdup(p->error) : NULL;
    a->refused = p->refused;
    if (!p->error) {
        if (p->count >= 0) {
            /* A first page: the list starts again (period or filter changed). */
            db_rows_free(&a->entries);
            db_rows_free(&a->people);
            a->people = p->people;
            p->people = (struct db_rows){0};
            a->count = p->count;
            a->list.sel = 0;
            a->list.top = 0;
        }
        db_rows_append(&a->entries, &p->entries);
        a->more = p->more;
        a->have = true;
    } else if (p->count < 0) {
        a->more = false;   /* a later page failed: stop asking until reloaded */
    } else {
        /* A failed first load empties the list: never stale rows under a new period. */
        db_rows_free(&a->entries);
        db_rows_free(&a->people);
        a->have = false;
    }
    tui_list_set_count(&a->list, a->entries.n);
    db_audit_page_free(p);
    tui_invalidate();
}

static void reload(struct audit *a)
{
    db_forget_owner(app_db(), a);
    a->loading = true;
    a->more = false;
    db_audit_load(app_db(), &a->filter, NULL, loaded, a, a);
}

/* The next page, when the selection comes near the end of what is held. */
static void maybe_more(struct audit *a)
{
    if (!a->more || a->loading || a->list.sel < a->entries.n - 5)
        return;
    a->loading = true;
    db_audit_load(app_db(), &a->filter, row_at(a, a->entries.n - 1), loaded, a, a);
}

static void *audit_open(void *arg)
{
    const struct scr_audit_arg *in = arg;
    struct audit *a = util_calloc(1, sizeof *a);
    if (in) {
        a->customer_id = in->customer_id;
        a->customer = util_strdup(in->customer ? in->customer : "");
        a->account_no = util_strdup(in->account_no ? in->account_no : "");
        a->login = util_strdup(in->login ? in->login : "");
        a->staff_name = util_strdup(in->staff_name ? in->staff_name : "");
    } else {
        a->customer = util_strdup("");
        a->account_no = util_strdup("");
        a->login = util_strdup("");
        a->staff_name = util_strdup("");
    }
    a->filter.customer_id = a->customer_id;
    a->filter.login = a->login;
    a->filter.days = 7;   /* "last week" is the question supervisors ask most */
    tui_list_set_count(&a->list, 0);
    tui_set_help_note("audit",
                      "Each entry is one thing a login did: opened a customer or a complaint, read\n"
                      "vulnerability details (marked in words), exported a customer, changed a record\n"
                      "(opening the entry shows before and after), or locked and unlocked an idle\n"
                      "terminal. Only supervisors and administrators may read the audit log; nobody\n"
                      "can change it.");
    reload(a);
    return a;
}

static void audit_close(void *st)
{
    struct audit *a = st;
    db_forget_owner(app_db(), a);
    db_rows_free(&a->entries);
    db_rows_free(&a->people);
    free(a->error);
    free(a->customer);
    free(a->account_no);
    free(a->login);
    free(a->staff_name);
    free(a);
}

/* ---- drawing ------------------------------------------------------------------ */

static const char *period_words(int days)
{
    return days <= 0 ? "today" : days == 7 ? "the last 7 days" : days == 30 ? "the last 30 days" : "the period";
}

static void heading(const struct audit *a, struct util_buf *b)
{
    if (a->customer_id > 0)
        util_buf_printf(b, "Who has seen %s (account %s)", *a->customer ? a->customer : "this customer",
                        *a->account_no ? a->account_no : "-");
    else if (*a->login)
        util_buf_printf(b, "What %s%s%s%s opened and changed", *a->staff_name ? a->staff_name : "", *a->staff_name ? " (" : "",
                        a->login, *a->staff_name ? ")" : "");
    else
        util_buf_printf(b, "Everyone's entries");
}

/* "Last 7 days, vulnerability reads only: 42 entries. t w m period, v ..." */
static void filter_line(const struct audit *a, struct util_buf *b)
{
    char t[24], w[24], m[24], v[24];
    tui_keymap_keys_for("audit", TUI_ACT_PERIOD_TODAY, t, sizeof t);
    tui_keymap_keys_for("audit", TUI_ACT_PERIOD_WEEK, w, sizeof w);
    tui_keymap_keys_for("audit", TUI_ACT_PERIOD_MONTH, m, sizeof m);
    tui_keymap_keys_for("audit", TUI_ACT_VULN_ONLY, v, sizeof v);
    const char *p = period_words(a->filter.days);
    util_buf_printf(b, "%c%s, %s", p[0] - 'a' + 'A', p + 1,
                    a->filter.vulnerability_only ? "vulnerability reads only" : "everything");
    if (a->have && a->count > DB_AUDIT_COUNT_CAP)
        util_buf_printf(b, ": more than %d entries", DB_AUDIT_COUNT_CAP);
    else if (a->have)
        util_buf_printf(b, ": %lld entr%s", a->count, a->count == 1 ? "y" : "ies");
    if (a->have && a->entries.n < a->count)
        util_buf_printf(b, " (%d loaded, more as you move down)", a->entries.n);
    util_buf_printf(b, ". %s today, %s 7 days, %s 30 days, %s %s.", t, w, m, v,
                    a->filter.vulnerability_only ? "everything" : "vulnerability reads only");
}

/* Who has seen the customer, or what the person did, in one paragraph. */
static void people_line(const struct audit *a, struct util_buf *b)
{
    const struct db_rows *p = &a->people;
    if (a->customer_id > 0) {
        if (!p->n) {
            util_buf_printf(b, "Nobody has opened this customer in %s.", period_words(a->filter.days));
            return;
        }
        util_buf_printf(b, "Seen by %d: ", p->n);
        for (int i = 0; i < p->n; i++) {
            const struct db_audit_person_total *t = DB_ROW(p, const struct db_audit_person_total, i);
            util_buf_printf(b, "%s%s %lld open%s%s, last %s", i ? "; " : "", *t->name ? t->name : t->actor,
                            (long long)t->opens, t->opens == 1 ? "" : "s",
                            t->vulnerability_reads ? ", READ VULNERABILITY DETAILS" : "", t->last);
        }
        util_buf_puts(b, ".");
    } else if (*a->login) {
        const struct db_audit_person_total *t = p->n ? DB_ROW(p, const struct db_audit_person_total, 0) : NULL;
        if (!t)
            util_buf_printf(b, "Nothing recorded for %s in %s.", a->login, period_words(a->filter.days));
        else
            util_buf_printf(b, "%lld customer%s opened, %lld read%s of vulnerability details, %lld change%s; last %s.",
                            (long long)t->customers, t->customers == 1 ? "" : "s", (long long)t->vulnerability_reads,
                            t->vulnerability_reads == 1 ? "" : "s", (long long)t->changes, t->changes == 1 ? "" : "s",
                            t->last);
    }
}

static const char *cell(void *ctx, int row, int col, enum tui_role *role)
{
    const struct audit *a = ctx;
    const struct db_audit_entry *e = row_at(a, row);
    static char buf[600];
    if (!e)
        return "";
    switch (a->cols[col]) {
    case COL_WHEN: return e->at;
    case COL_WHO: return *e->actor_name ? e->actor_name : e->actor;
    case COL_CUSTOMER:
        if (!e->customer_id)
            return "";
        return *e->customer ? e->customer : e->account_no;
    case COL_WHAT:
        if (db_audit_is_vulnerability_read(e) || strcmp(e->action, "session.unlock_failed") == 0)
            *role = TUI_ROLE_WARN;
        return db_audit_what(e, buf, sizeof buf);
    }
    return "";
}

static void draw_list(struct audit *a, struct tui_rect r)
{
    static const struct tui_column when = {"When", 16, 0, false}, who = {"Who", 0, 2, false},
                                   cust = {"Customer", 0, 2, false}, what = {"What", 0, 6, false};
    /* Who, unless it is one person's list; the customer, unless it is one customer's. */
    struct tui_column cols[4];
    int n = 0;
    a->cols[n] = COL_WHEN;
    cols[n++] = when;
    if (!*a->login) {
        a->cols[n] = COL_WHO;
        cols[n++] = who;
    }
    if (!a->customer_id) {
        a->cols[n] = COL_CUSTOMER;
        cols[n++] = cust;
    }
    a->cols[n] = COL_WHAT;
    cols[n++] = what;
    tui_list_draw(&a->list, r, cols, n, true, true, cell, a);
}

/* Below the list: the selected entry in one sentence, never cut (the
 * cells above may be). */
static void draw_selected(const struct audit *a, struct tui_rect r)
{
    const struct db_audit_entry *e = row_at(a, a->list.sel);
    if (!e || r.h < 2)
        return;
    tui_hline(r.y, r.x, r.w, TUI_ROLE_BORDER);
    char what[600], open[24];
    tui_keymap_keys_for("audit", TUI_ACT_OPEN, open, sizeof open);
    struct util_buf b = {0};
    util_buf_printf(&b, "%s %s (%s) %s", e->at_long, *e->actor_name ? e->actor_name : "login", e->actor,
                    db_audit_what(e, what, sizeof what));
    if (e->customer_id)
        util_buf_printf(&b, ": %s, account %s%s", *e->customer ? e->customer : "a customer no longer on file",
                        *e->account_no ? e->account_no : "-", e->customer_vulnerable ? ", vulnerable" : "");
    util_buf_puts(&b, ".");
    char more[64];
    util_format(more, sizeof more, "%s shows the whole entry", open);
    tui_put_excerpt((struct tui_rect){r.y + 1, r.x + 1, r.h - 1, r.w - 1},
                    db_audit_is_vulnerability_read(e) ? TUI_ROLE_WARN : TUI_ROLE_NORMAL, b.data, more, false);
    util_buf_free(&b);
}

static void audit_draw(void *st, struct tui_rect b)
{
    struct audit *a = st;
    struct util_buf t = {0};
    heading(a, &t);
    tui_put(b.y, b.x + 1, b.w - 1, TUI_ROLE_LABEL, t.data);
    util_buf_clear(&t);
    filter_line(a, &t);
    int y = b.y + 1;
    y += tui_put_excerpt((struct tui_rect){y, b.x + 1, 2, b.w - 1}, TUI_ROLE_DIM, t.data, "", false);
    util_buf_clear(&t);
    if (a->error) {
        if (a->refused)
            util_buf_printf(&t, "The audit log is for supervisors and administrators: the database refused it "
                                "to your login. Ask a supervisor who has seen a customer.");
        else
            util_buf_printf(&t, "%s", a->error);
        y += tui_put_wrapped((struct tui_rect){y, b.x + 1, 3, b.w - 1}, TUI_ROLE_ERROR, t.data, 0, false);
    } else if (!a->have) {
        tui_put(y++, b.x + 1, b.w - 1, TUI_ROLE_DIM, "Loading...");
    } else {
        people_line(a, &t);
        if (t.len)
            y += tui_put_excerpt((struct tui_rect){y, b.x + 1, 3, b.w - 1}, TUI_ROLE_NORMAL, t.data, "", false);
        if (!a->entries.n)
            tui_put(y + 1, b.x + 1, b.w - 1, TUI_ROLE_DIM, "No entries in this period.");
    }
    util_buf_free(&t);
    int left = b.y + b.h - y - 1;
    if (!a->entries.n || left < 2)
        return;
    /* The selected entry below the list when there is room for both. */
    int detail = left >= 9 ? 3 : 0;
    draw_list(a, (struct tui_rect){y + 1, b.x, left - detail, b.w});
    draw_selected(a, (struct tui_rect){y + 1 + left - detail, b.x, detail, b.w});
}

/* ---- keys --------------------------------------------------------------------- */

static void set_period(struct audit *a, int days)
{
    a->filter.days = days;
    reload(a);
}

static enum scr_result audit_action(void *st, enum tui_action act)
{
    struct audit *a = st;
    const struct db_audit_entry *e = row_at(a, a->list.sel);
    switch (act) {
    case TUI_ACT_BACK:
        return SCR_CLOSE;
    case TUI_ACT_RELOAD:
        reload(a);
        return SCR_REDRAW;
    case TUI_ACT_PERIOD_TODAY: set_period(a, 0); return SCR_REDRAW;
    case TUI_ACT_PERIOD_WEEK: set_period(a, 7); return SCR_REDRAW;
    case TUI_ACT_PERIOD_MONTH: set_period(a, 30); return SCR_REDRAW;
    case TUI_ACT_VULN_ONLY:
        a->filter.vulnerability_only = !a->filter.vulnerability_only;
        reload(a);
        return SCR_REDRAW;
    case TUI_ACT_PICK_STAFF:
        scr_open_auditstaff();
        return SCR_REDRAW;
    case TUI_ACT_OPEN: {
        if (!e)
            return SCR_HANDLED;
        char *text = db_audit_describe(e);
        scr_textview_push("Audit entry", text);
        free(text);
        return SCR_REDRAW;
    }
    case TUI_ACT_WHO_HAS_SEEN:
        if (!e || !e->customer_id || e->customer_id == a->customer_id) {
            tui_message(TUI_ROLE_WARN, "%s", !e || !e->customer_id ? "This entry is about no customer."
                                                                    : "This is that customer's list already.");
            return SCR_REDRAW;
        }
        scr_open_audit(&(struct scr_audit_arg){.customer_id = e->customer_id, .customer = e->customer,
                                               .account_no = e->account_no});
        return SCR_REDRAW;
    case TUI_ACT_STAFF_AUDIT:
        if (!e || strcmp(e->actor, a->login) == 0) {
            tui_message(TUI_ROLE_WARN, "%s", e ? "This is that person's list already." : "No entry is selected.");
            return SCR_REDRAW;
        }
        scr_open_audit(&(struct scr_audit_arg){.login = e->actor, .staff_name = e->actor_name});
        return SCR_REDRAW;
    default:
        if (!tui_list_action(&a->list, act))
            return SCR_UNHANDLED;
        maybe_more(a);
        return SCR_REDRAW;
    }
}

static const enum tui_action *audit_status(void *st)
{
    const struct audit *a = st;
    static const enum tui_action rows[] = {TUI_ACT_OPEN, TUI_ACT_PERIOD_TODAY, TUI_ACT_PERIOD_WEEK,
                                           TUI_ACT_PERIOD_MONTH, TUI_ACT_VULN_ONLY, TUI_ACT_WHO_HAS_SEEN,
                                           TUI_ACT_STAFF_AUDIT, TUI_ACT_PICK_STAFF, TUI_ACT_BACK, TUI_ACT_HELP,
                                           TUI_ACT_NONE};
    static const enum tui_action empty[] = {TUI_ACT_PERIOD_TODAY, TUI_ACT_PERIOD_WEEK, TUI_ACT_PERIOD_MONTH,
                                            TUI_ACT_VULN_ONLY, TUI_ACT_PICK_STAFF, TUI_ACT_BACK, TUI_ACT_HELP,
                                            TUI_ACT_NONE};
    return a->entries.n ? rows : empty;
}

const struct screen_ops scr_audit_ops = {
    SCR_HEAD(audit),
    .open = audit_open,
    .close = audit_close,
    .draw = audit_draw,
    .action = audit_action,
    .status_keys = audit_status,
};
