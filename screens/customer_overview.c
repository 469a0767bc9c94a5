/* customer_overview.c — the customer view's first panel: one labelled line (or two) per thing an agent should see first, from premises to the last bill. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careline/customer_screen.h"
#include "careline/keymap.h"
#include "careline/util.h"

/* label: value lines. Returns the next free row. */
static int kv(int y, struct tui_rect b, const char *label, enum tui_role role, const char *value)
{
    if (y >= b.y + b.h)
        return y;
    tui_put(y, b.x + 1, 15, TUI_ROLE_LABEL, label);
    /* A value that does not fit takes a second line rather than lose its end. */
    int rows = tui_wrap_count(value, b.w - 17) > 1 && y + 1 < b.y + b.h ? 2 : 1;
    struct tui_rect r = {y, b.x + 17, rows, b.w - 17};
    tui_put_wrapped(r, role, value, 0, false);
    return y + rows;
}

#define PREMISE(c, i) SCR_CUST_ROW(c, CV_PREMISES, struct db_cv_premise, i)

/* One line per premise (its meters follow on it), three at most. */
static int premises(const struct scr_customer *c, int y, struct tui_rect b)
{
    int n = scr_cust_rows(c, CV_PREMISES), shown = 0;
    char line[1024];
    for (int i = 0; i < n && shown < 3; i++) {
        const struct db_cv_premise *p = PREMISE(c, i);
        if (i > 0 && p->id == PREMISE(c, i - 1)->id)
            continue;
        struct util_buf meters = {0};
        for (int k = i; k < n && PREMISE(c, k)->id == p->id; k++)
            if (*PREMISE(c, k)->serial)
                util_buf_printf(&meters, "%s%s %s", meters.len ? ", " : "", PREMISE(c, k)->serial,
                                PREMISE(c, k)->meter_type);
        util_format(line, sizeof line, "%s %s (%s, %s); meter %s", p->address, p->postcode, p->zone, p->premise_type,
                    meters.len ? meters.data : "none");
        util_buf_free(&meters);
        y = kv(y, b, shown ? "" : "Supplied at", TUI_ROLE_NORMAL, line);
        shown++;
    }
    if (!n)
        return kv(y, b, "Supplied at", TUI_ROLE_DIM, "no current premises");
    if (n > shown) {
        int count = 0;
        for (int i = 0; i < n; i++)
            count += i == 0 || PREMISE(c, i)->id != PREMISE(c, i - 1)->id;
        if (count > shown) {
            util_format(line, sizeof line, "and %d more premises", count - shown);
            y = kv(y, b, "", TUI_ROLE_DIM, line);
        }
    }
    return y;
}

/* Events after the newest (the banner shows that one). */
static int other_events(const struct scr_customer *c, int y, struct tui_rect b)
{
    char line[1024];
    for (int i = 1; i < scr_cust_rows(c, CV_EVENTS); i++) {
        const struct db_cv_event *e = SCR_CUST_ROW(c, CV_EVENTS, struct db_cv_event, i);
        util_format(line, sizeof line, "%s: %s (since %s)", scr_cust_event_word(e->kind), e->title, e->started);
        y = kv(y, b, "Also affected", TUI_ROLE_BANNER, line);
    }
    return y;
}

static int last_contact(const struct scr_customer *c, int y, struct tui_rect b)
{
    const struct db_cv_contact *co = SCR_CUST_ROW(c, CV_CONTACTS, struct db_cv_contact, 0);
    if (!co)
        return kv(y, b, "Last contact", TUI_ROLE_DIM, "none recorded");
    char line[1024];
    util_format(line, sizeof line, "%s %s %s: %s; %s", co->started, co->channel, co->agent, co->wrap_up, co->summary);
    return kv(y, b, "Last contact", TUI_ROLE_NORMAL, line);
}

static int open_complaints(const struct scr_customer *c, int y, struct tui_rect b)
{
    char line[1024];
    int open = 0;
    for (int i = 0; i < scr_cust_rows(c, CV_COMPLAINTS); i++) {
        const struct db_cv_complaint *k = SCR_CUST_ROW(c, CV_COMPLAINTS, struct db_cv_complaint, i);
        if (k->done)
            continue;
        if (open < 3) {
            char left[32];
            scr_cust_time_left(k->resolution_met, k->resolution_left, left, sizeof left);
            util_format(line, sizeof line, "%s %s, %s, resolution %s", k->reference, k->category, k->status, left);
            y = kv(y, b, open ? "" : "Open complaints", scr_cust_deadline_role(k->resolution_state), line);
        }
        open++;
    }
    if (!open)
        return kv(y, b, "Open complaints", TUI_ROLE_DIM, "none");
    if (open > 3) {
        util_format(line, sizeof line, "and %d more (panel 5)", open - 3);
        y = kv(y, b, "", TUI_ROLE_DIM, line);
    }
    return y;
}

static int follow_ups(const struct scr_customer *c, int y, struct tui_rect b)
{
    char line[1024];
    for (int i = 0; i < scr_cust_rows(c, CV_FOLLOWUPS) && i < 2; i++) {
        const struct db_cv_follow_up *f = SCR_CUST_ROW(c, CV_FOLLOWUPS, struct db_cv_follow_up, i);
        util_format(line, sizeof line, "%s by %s: %s%s", f->due, f->channel, f->what, f->overdue ? " (OVERDUE)" : "");
        y = kv(y, b, i ? "" : "Follow-ups due", f->overdue ? TUI_ROLE_WARN : TUI_ROLE_NORMAL, line);
    }
    return y;
}

static int programmes(const struct scr_customer *c, int y, struct tui_rect b)
{
    struct util_buf progs = {0};
    for (int i = 0; i < scr_cust_rows(c, CV_PROGRAMMES); i++) {
        const struct db_cv_programme *p = SCR_CUST_ROW(c, CV_PROGRAMMES, struct db_cv_programme, i);
        if (strcmp(p->status, "ended") != 0)
            util_buf_printf(&progs, "%s%s (%s)", progs.len ? ", " : "", p->name, p->status);
    }
    y = kv(y, b, "Programmes", progs.len ? TUI_ROLE_NORMAL : TUI_ROLE_DIM, progs.len ? progs.data : "none");
    util_buf_free(&progs);
    return y;
}

static int usage(const struct scr_customer *c, int y, struct tui_rect b)
{
    double vals[SCR_CUST_MONTHS];
    for (int i = 0; i < c->nusage; i++)
        vals[i] = c->usage[i].m3;
    char *spark = tui_sparkline(vals, c->nusage, 0, tui_ascii());
    const struct db_cv_usage *u = SCR_CUST_ROW(c, CV_USAGE, struct db_cv_usage, c->nusage - 1);
    int last_i = c->nusage > 0 ? c->nusage - 1 : 0;
    double last = c->nusage > 0 ? c->usage[last_i].m3 : NAN;
    double ly = u && !u->last_year_null ? u->last_year : NAN;
    char line[1024];
    if (isnan(last))
        util_format(line, sizeof line, "%s no reads", spark);
    else if (!isnan(ly) && ly > 0)
        util_format(line, sizeof line, "%s %.1f m3 last month (%+.0f%% on a year ago)%s%s", spark, last,
                    (last / ly - 1) * 100, c->usage_flags ? "  " : "", c->usage_reason);
    else
        util_format(line, sizeof line, "%s %.1f m3 last month%s%s", spark, last, c->usage_flags ? "  " : "",
                    c->usage_reason);
    free(spark);
    return kv(y, b, "Usage (24 mo)", c->usage_flags ? TUI_ROLE_WARN : TUI_ROLE_NORMAL, line);
}

static int last_bill(const struct scr_customer *c, int y, struct tui_rect b)
{
    const struct db_cv_bill *bi = SCR_CUST_ROW(c, CV_BILLS, struct db_cv_bill, 0);
    if (!bi)
        return kv(y, b, "Bills", TUI_ROLE_DIM, "none");
    char line[1024], amt[48], keys[32], high[64] = "";
    if (c->high_bill >= 0) {
        tui_keymap_keys_for("customer", TUI_ACT_HIGH_BILL, keys, sizeof keys);
        util_format(high, sizeof high, "; HIGH BILL%s%s", keys[0] ? ": press " : "", keys);
    }
    util_format(line, sizeof line, "last %s issued %s, due %s, %s%s%s", scr_cust_money(bi->amount, amt, sizeof amt),
                bi->issued, bi->due, bi->status, bi->estimated ? ", estimated" : "", high);
    bool warn = strcmp(bi->status, "overdue") == 0 || c->high_bill >= 0;
    return kv(y, b, "Bills", warn ? TUI_ROLE_WARN : TUI_ROLE_NORMAL, line);
}

void scr_cust_overview(const struct scr_customer *c, struct tui_rect b)
{
    int y = premises(c, b.y, b);
    y = other_events(c, y, b);
    y = last_contact(c, y, b);
    y = open_complaints(c, y, b);
    y = follow_ups(c, y, b);
    y = programmes(c, y, b);
    y = usage(c, y, b);
    last_bill(c, y, b);
}
