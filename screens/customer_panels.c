/* customer_panels.c — the customer view's list panels: usage month by month, bills with the one behind a high-bill call, the contact timeline, complaints with their deadlines, programmes. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careline/customer_screen.h"
#include "careline/keymap.h"
#include "careline/sla.h"
#include "careline/util.h"

/* A panel's list, or the sentence saying there is nothing in it. */
static void list_or(struct scr_customer *c, enum scr_cust_panel panel, enum db_cv_part part, struct tui_rect b,
                    const struct tui_column *cols, int ncols, const char *(*cell)(void *, int, int, enum tui_role *),
                    const char *none)
{
    if (scr_cust_rows(c, part) == 0)
        tui_put(b.y, b.x + 1, b.w - 1, TUI_ROLE_DIM, none);
    else
        tui_list_draw(&c->list[panel], b, cols, ncols, true, true, cell, c);
}

/* Cells hand back static text: the list copies it before asking again. */
static char cell_buf[128];

static const char *decimal(bool null, double v)
{
    if (null || isnan(v))
        return "-";
    util_format(cell_buf, sizeof cell_buf, "%.1f", v);
    return cell_buf;
}

/* ---- usage ------------------------------------------------------------------ */

static const char *read_word(const struct db_usage_month *m, enum tui_role *role)
{
    switch (m->read_type) {
    case 'a': return "actual";
    case 's':
        if (!isnan(m->night_flow) && m->night_flow >= DB_USAGE_NIGHT_LEAK) {
            *role = TUI_ROLE_WARN;
            util_format(cell_buf, sizeof cell_buf, "smart, night %.1f l/h", m->night_flow);
            return cell_buf;
        }
        return "smart";
    case 'c': return "customer";
    case 'e':
        *role = TUI_ROLE_WARN;
        return "ESTIMATED";
    }
    return "no read";
}

static const char *usage_cell(void *ctx, int row, int col, enum tui_role *role)
{
    struct scr_customer *c = ctx;
    int i = c->nusage - 1 - row;   /* newest first */
    const struct db_cv_usage *u = SCR_CUST_ROW(c, CV_USAGE, struct db_cv_usage, i);
    if (!u)
        return NULL;
    double max = 0;
    for (int k = 0; k < c->nusage; k++) {
        const struct db_cv_usage *o = SCR_CUST_ROW(c, CV_USAGE, struct db_cv_usage, k);
        if (!isnan(c->usage[k].m3) && c->usage[k].m3 > max)
            max = c->usage[k].m3;
        if (!o->similar_m3_null && o->similar_m3 > max)
            max = o->similar_m3;
    }
    switch (col) {
    case 0: return u->month;
    case 1: return decimal(false, c->usage[i].m3);
    case 2: {
        char *bar = tui_bar(c->usage[i].m3, max, 20, tui_ascii());
        util_format(cell_buf, sizeof cell_buf, "%s", bar);
        free(bar);
        return cell_buf;
    }
    case 3: return decimal(u->last_year_null, u->last_year);
    case 4: return decimal(u->similar_m3_null, u->similar_m3);
    case 5: return read_word(&c->usage[i], role);
    }
    return NULL;
}

void scr_cust_usage(struct scr_customer *c, struct tui_rect b)
{
    double vals[SCR_CUST_MONTHS];
    for (int i = 0; i < c->nusage; i++)
        vals[i] = c->usage[i].m3;
    char *spark = tui_sparkline(vals, c->nusage, 0, tui_ascii());
    char line[512];
    util_format(line, sizeof line, "24 months, oldest to newest: %s", spark);
    free(spark);
    tui_put(b.y, b.x + 1, b.w - 1, TUI_ROLE_NORMAL, line);
    if (b.h < 2)
        return;
    tui_put(b.y + 1, b.x + 1, b.w - 1, c->usage_flags ? TUI_ROLE_WARN : TUI_ROLE_DIM,
            c->usage_flags ? c->usage_reason : "No sign of a leak or of a catch-up bill in these reads.");
    static const struct tui_column cols[] = {
        {"Month", 7, 0, false},   {"m3", 6, 0, true},      {"", 20, 0, false},
        {"Last yr", 7, 0, true}, {"Similar", 7, 0, true}, {"Read", 0, 1, false},
    };
    struct tui_rect lr = {b.y + 2, b.x, b.h - 2, b.w};
    tui_list_draw(&c->list[SCR_CUST_USAGE], lr, cols, 6, true, true, usage_cell, c);
}

/* ---- billing ------------------------------------------------------------------ */

static const char *bill_cell(void *ctx, int row, int col, enum tui_role *role)
{
    struct scr_customer *c = ctx;
    const struct db_cv_bill *b = SCR_CUST_ROW(c, CV_BILLS, struct db_cv_bill, row);
    if (!b)
        return NULL;
    if (row == c->high_bill)
        *role = TUI_ROLE_WARN;
    switch (col) {
    case 0: return b->issued;
    case 1: return b->period;
    case 2: return scr_cust_money(b->amount, cell_buf, sizeof cell_buf);
    case 3: return b->due;
    case 4:
        if (strcmp(b->status, "overdue") == 0)
            *role = TUI_ROLE_WARN;
        return b->status;
    case 5:
        util_format(cell_buf, sizeof cell_buf, "%s%s", b->estimated ? "ESTIMATED " : "",
                    row == c->high_bill ? "HIGH" : "");
        return cell_buf;
    }
    return NULL;
}

/* Under the bills: the high bill, then the last payments. */
static void high_bill_line(const struct scr_customer *c, int y, struct tui_rect b)
{
    char line[512], keys[32];
    int sel = c->list[SCR_CUST_BILLING].sel;
    const struct db_cv_bill *high = SCR_CUST_ROW(c, CV_BILLS, struct db_cv_bill, c->high_bill);
    tui_keymap_keys_for("customer", TUI_ACT_HIGH_BILL, keys, sizeof keys);
    if (high && sel == c->high_bill)
        util_format(line, sizeof line, "High bill: %s", c->high_reason);
    else if (high)
        util_format(line, sizeof line, "Press %s for the bill that explains a high-bill call (%s).",
                    keys[0] ? keys : "F1: the key", high->issued);
    else
        util_format(line, sizeof line, "No bill stands out from the ones before it.");
    if (c->usage_flags & USAGE_CATCH_UP) {
        size_t n = strlen(line);
        util_format(line + n, sizeof line - n, " %s.", c->usage_reason);
    }
    tui_put(y, b.x + 1, b.w - 1, c->high_bill >= 0 ? TUI_ROLE_WARN : TUI_ROLE_DIM, line);
}

static void payments_line(const struct scr_customer *c, int y, struct tui_rect b)
{
    char line[512], amt[48];
    struct util_buf pays = {0};
    for (int i = 0; i < scr_cust_rows(c, CV_PAYMENTS) && i < 3; i++) {
        const struct db_cv_payment *p = SCR_CUST_ROW(c, CV_PAYMENTS, struct db_cv_payment, i);
        util_buf_printf(&pays, "%s%s %s %s", pays.len ? "; " : "", p->paid, scr_cust_money(p->amount, amt, sizeof amt),
                        p->method);
    }
    util_format(line, sizeof line, "Payments: %s", pays.len ? pays.data : "none");
    util_buf_free(&pays);
    tui_put(y, b.x + 1, b.w - 1, TUI_ROLE_NORMAL, line);
}

static void arrangement_line(const struct scr_customer *c, int y, struct tui_rect b)
{
    double vals[SCR_CUST_MONTHS];
    int nb = scr_cust_rows(c, CV_BALANCE) < SCR_CUST_MONTHS ? scr_cust_rows(c, CV_BALANCE) : SCR_CUST_MONTHS;
    for (int i = 0; i < nb; i++)
        vals[i] = (double)SCR_CUST_ROW(c, CV_BALANCE, struct db_cv_balance, i)->balance / 100.0;
    char *spark = tui_sparkline(vals, nb, 0, tui_ascii());
    const struct db_cv_arrangement *a = SCR_CUST_ROW(c, CV_ARRANGEMENTS, struct db_cv_arrangement, 0);
    char line[512], amt[48];
    if (a && strcmp(a->status, "active") == 0)
        util_format(line, sizeof line, "Arrangement: %s %s from %s to %s.  Balance, 24 months: %s",
                    scr_cust_money(a->instalment, amt, sizeof amt), a->frequency, a->start_on, a->end_on, spark);
    else
        util_format(line, sizeof line, "No active arrangement.  Balance, 24 months: %s", spark);
    free(spark);
    tui_put(y, b.x + 1, b.w - 1, TUI_ROLE_NORMAL, line);
}

void scr_cust_billing(struct scr_customer *c, struct tui_rect b)
{
    static const struct tui_column cols[] = {
        {"Issued", 11, 0, false}, {"Period", 21, 0, false}, {"Amount", 11, 0, true},
        {"Due", 11, 0, false},    {"Status", 9, 0, false},  {"", 0, 1, false},
    };
    int foot = b.h >= 10 ? 4 : 0;
    struct tui_rect lr = {b.y, b.x, b.h - foot, b.w};
    list_or(c, SCR_CUST_BILLING, CV_BILLS, lr, cols, 6, bill_cell, "No bills.");
    if (!foot)
        return;
    int y = b.y + b.h - foot;
    tui_hline(y++, b.x, b.w, TUI_ROLE_BORDER);
    high_bill_line(c, y++, b);
    payments_line(c, y++, b);
    arrangement_line(c, y, b);
}

/* ---- contacts, complaints, programmes ----------------------------------------- */

long long scr_cust_contact_total(const struct scr_customer *c)
{
    const struct db_cv_contact_count *n = SCR_CUST_ROW(c, CV_CONTACT_COUNT, struct db_cv_contact_count, 0);
    return n ? (long long)n->count : 0;
}

static const char *contact_cell(void *ctx, int row, int col, enum tui_role *role)
{
    (void)role;
    struct scr_customer *c = ctx;
    const struct db_cv_contact *t = SCR_CUST_ROW(c, CV_CONTACTS, struct db_cv_contact, row);
    if (!t)
        return NULL;
    const char *cells[] = {t->started, t->channel, t->agent, t->wrap_up, t->summary};
    return col >= 0 && col < 5 ? cells[col] : NULL;
}

void scr_cust_contacts(struct scr_customer *c, struct tui_rect b)
{
    int rows = scr_cust_rows(c, CV_CONTACTS);
    char line[160], keys[32];
    tui_keymap_keys_for("customer", TUI_ACT_LOG_CONTACT, keys, sizeof keys);
    if (rows == 0)
        util_format(line, sizeof line, "No contacts recorded. Press %s to record this one.",
                    keys[0] ? keys : "F1 for the key");
    else
        util_format(line, sizeof line, "Contacts %d-%d of %lld, newest first. %s shows the full text.",
                    c->v->contacts_offset + 1, c->v->contacts_offset + rows, scr_cust_contact_total(c),
                    tui_key_hint("customer", TUI_ACT_OPEN, keys, sizeof keys));
    tui_put(b.y, b.x + 1, b.w - 1, TUI_ROLE_DIM, line);
    static const struct tui_column cols[] = {
        {"When", 15, 0, false}, {"Channel", 11, 0, false}, {"Agent", 0, 2, false},
        {"Wrap-up", 0, 2, false}, {"Summary", 0, 5, false},
    };
    struct tui_rect lr = {b.y + 1, b.x, b.h - 1, b.w};
    if (rows)
        tui_list_draw(&c->list[SCR_CUST_CONTACTS], lr, cols, 5, true, true, contact_cell, c);
}

static const char *complaint_cell(void *ctx, int row, int col, enum tui_role *role)
{
    struct scr_customer *c = ctx;
    const struct db_cv_complaint *k = SCR_CUST_ROW(c, CV_COMPLAINTS, struct db_cv_complaint, row);
    if (!k)
        return NULL;
    if (k->done)
        *role = TUI_ROLE_DIM;
    switch (col) {
    case 0: return k->reference;
    case 1: return k->category;
    case 2: return k->paused ? "waiting on customer (clock paused)" : k->status;
    case 3: return k->opened;
    case 4:
        if (k->done)
            return "met";
        if (k->ack_state == DB_DEADLINE_OVERDUE)
            *role = scr_cust_deadline_role(k->ack_state);
        return scr_cust_time_left(k->ack_met, k->ack_left, cell_buf, sizeof cell_buf);
    case 5:
        if (k->done)
            return k->root_cause;
        if (k->resolution_state == DB_DEADLINE_OVERDUE)
            *role = scr_cust_deadline_role(k->resolution_state);
        return scr_cust_time_left(k->resolution_met, k->resolution_left, cell_buf, sizeof cell_buf);
    }
    return NULL;
}

void scr_cust_complaints(struct scr_customer *c, struct tui_rect b)
{
    static const struct tui_column cols[] = {
        {"Reference", 13, 0, false}, {"Category", 0, 3, false}, {"Status", 0, 2, false},
        {"Opened", 9, 0, false},     {"Acknowledge", 12, 0, false}, {"Resolution", 12, 0, false},
    };
    list_or(c, SCR_CUST_COMPLAINTS, CV_COMPLAINTS, b, cols, 6, complaint_cell, "No complaints.");
}

static const char *programme_cell(void *ctx, int row, int col, enum tui_role *role)
{
    (void)role;
    struct scr_customer *c = ctx;
    const struct db_cv_programme *p = SCR_CUST_ROW(c, CV_PROGRAMMES, struct db_cv_programme, row);
    if (!p)
        return NULL;
    switch (col) {
    case 0: return p->name;
    case 1: return p->kind;
    case 2: return p->status;
    case 3: return p->enrolled;
    case 4: return p->rebate_null ? "" : sla_money_text(p->rebate, cell_buf, sizeof cell_buf);
    }
    return NULL;
}

void scr_cust_programmes(struct scr_customer *c, struct tui_rect b)
{
    static const struct tui_column cols[] = {
        {"Programme", 0, 3, false}, {"Kind", 0, 2, false}, {"Status", 8, 0, false},
        {"Enrolled", 11, 0, false}, {"Rebate", 8, 0, true},
    };
    list_or(c, SCR_CUST_PROGRAMMES, CV_PROGRAMMES, b, cols, 5, programme_cell, "Not enrolled in any programme.");
}
