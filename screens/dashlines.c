/* dashlines.c — turns a load of figures into the dashboard's lines: each with its value, its bar and the list behind it. */
#include "careline/dashlines.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careline/keymap.h"
#include "careline/region.h"
#include "careline/sla.h"
#include "careline/util.h"

static struct dash_line *add(struct dash_lines *l, char *label, char *value, char *detail)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 64;
        l->v = util_realloc(l->v, (size_t)l->cap * sizeof *l->v);
    }
    struct dash_line *x = &l->v[l->n++];
    *x = (struct dash_line){.label = label, .value = value, .detail = detail, .bar = NAN};
    return x;
}

static void section(struct dash_lines *l, const char *title)
{
    add(l, util_strdup(title), NULL, NULL)->section = true;
}

/* A group with nothing in it says so (a line that is not a figure). */
static void none(struct dash_lines *l, int before)
{
    if (l->n == before)
        add(l, util_strdup("  nothing in this period"), NULL, NULL)->note = true;
}

/* The list behind a line: what it counts, and its title. */
static void behind(struct dash_line *x, enum db_drill_kind kind, const char *k0, const char *k1, const char *k2,
                   char *title)
{
    x->drill = true;
    x->kind = kind;
    x->key[0] = util_strdup(k0);
    x->key[1] = util_strdup(k1);
    x->key[2] = util_strdup(k2);
    x->title = title;
}

static char *count(int64_t n) { return util_asprintf("%" PRId64, n); }

static char *pct(double share)
{
    char b[16];
    return isnan(share) ? util_strdup("-") : util_asprintf("%s %%", db_pct_text(share, b, sizeof b));
}

static char *money(int64_t pence, bool ascii)
{
    char b[48];
    return util_strdup(db_money_text(pence, ascii, b, sizeof b));
}

/* "field_visit" -> "field visit" */
static char *words(const char *code)
{
    char *s = util_strdup(code);
    for (char *p = s; *p; p++)
        if (*p == '_')
            *p = ' ';
    return s;
}

static void summary_complaints(struct dash_lines *l, const struct db_fig_summary *s, int repeat_days)
{
    add(l, util_strdup("Complaints opened"), count(s->opened),
        isnan(s->per_10k) ? util_strdup("")
                          : util_asprintf("%.2f per 10,000 connections", s->per_10k));
    behind(&l->v[l->n - 1], DB_DRILL_COMPLAINTS, "opened", NULL, NULL, util_strdup("Complaints opened"));
    add(l, util_strdup("Complaints resolved"), count(s->resolved), util_strdup(""));
    behind(&l->v[l->n - 1], DB_DRILL_COMPLAINTS, "resolved", NULL, NULL, util_strdup("Complaints resolved"));
    add(l, util_strdup("Complaints closed"), count(s->closed), util_strdup(""));
    behind(&l->v[l->n - 1], DB_DRILL_COMPLAINTS, "closed", NULL, NULL, util_strdup("Complaints closed"));
    add(l, util_strdup("Deadlines met"), pct(s->compliance),
        util_asprintf("%" PRId64 " of %" PRId64 "; %" PRId64 " paused, %" PRId64 " not due", s->on_time,
                      s->on_time + s->late, s->paused, s->pending));
    behind(&l->v[l->n - 1], DB_DRILL_DEADLINES, NULL, NULL, NULL, util_strdup("Deadlines that fell due"));
    add(l, util_strdup("Resolved, no repeat contact"), pct(s->fcr),
        util_asprintf("%" PRId64 " of %" PRId64 "; %" PRId64 " under %d days ago", s->fcr_first,
                      s->fcr_first + s->fcr_repeat, s->fcr_pending, repeat_days));
    behind(&l->v[l->n - 1], DB_DRILL_COMPLAINTS, "resolved", NULL, NULL,
           util_strdup("Complaints resolved, and whether the customer came back"));
}

static void summary_scores(struct dash_lines *l, const struct db_fig_summary *s)
{
    char *share = pct(s->csat_share);
    add(l, util_strdup("Satisfaction (CSAT 1-5)"),
        isnan(s->csat_mean) ? util_strdup("-") : util_asprintf("%.2f", s->csat_mean),
        util_asprintf("%s gave 4-5; %" PRId64 " answers", share, s->csat_n));
    free(share);
    behind(&l->v[l->n - 1], DB_DRILL_SURVEYS, NULL, NULL, NULL, util_strdup("Survey answers"));
    add(l, util_strdup("Net Promoter Score"), s->nps_ok ? util_asprintf("%+d", s->nps) : util_strdup("-"),
        util_asprintf("of %" PRId64 " answers", s->nps_n));
    behind(&l->v[l->n - 1], DB_DRILL_SURVEYS, NULL, NULL, NULL, util_strdup("Survey answers"));
    static const struct {
        const char *label, *key, *title;
    } groups[] = {{"  promoters (9-10)", "promoter", "Promoters (NPS 9-10)"},
                  {"  passives (7-8)", "passive", "Passives (NPS 7-8)"},
                  {"  detractors (0-6)", "detractor", "Detractors (NPS 0-6)"}};
    int64_t n[3] = {s->promoters, s->passives, s->detractors};
    for (int i = 0; i < 3; i++) {
        struct dash_line *x = add(l, util_strdup(groups[i].label), count(n[i]), util_strdup(""));
        x->bar = s->nps_n ? (double)n[i] / (double)s->nps_n : NAN;
        behind(x, DB_DRILL_SURVEYS, groups[i].key, NULL, NULL, util_strdup(groups[i].title));
    }
}

static void summary(struct dash_lines *l, const struct db_figures *f, bool ascii)
{
    struct db_fig_summary s;
    db_figures_summarise(f, &s);
    int repeat = f->part[DB_FIG_CLOCK].n ? DB_FIG_ROW(f, DB_FIG_CLOCK, struct db_fig_clock, 0)->repeat_days : 7;
    section(l, "At a glance");
    add(l, util_strdup("Contacts"), count(s.contacts), util_strdup("all channels, in and out"));
    behind(&l->v[l->n - 1], DB_DRILL_CONTACTS, NULL, NULL, NULL, util_strdup("Contacts"));
    summary_complaints(l, &s, repeat);
    summary_scores(l, &s);
    /* A region without a compensation scheme owes nothing: no lines about it. */
    if (db_region_pays()) {
        add(l, util_strdup("Guaranteed payments made"), money(s.paid_amount, ascii),
            util_asprintf("%" PRId64 " paid in the period", s.paid_n));
        behind(&l->v[l->n - 1], DB_DRILL_PAYMENTS, "paid", NULL, NULL, util_strdup("Guaranteed payments made"));
        add(l, util_strdup("Guaranteed payments owed"), money(s.owed_amount, ascii),
            util_asprintf("%" PRId64 " unpaid at the period's end", s.owed_n));
        behind(&l->v[l->n - 1], DB_DRILL_PAYMENTS, "owed", NULL, NULL, util_strdup("Guaranteed payments owed"));
    }
    add(l, util_strdup("Follow-ups overdue"), count(s.followups_overdue),
        s.followups_overdue ? util_asprintf("now; oldest %d day%s late", s.oldest_followup_days,
                                            s.oldest_followup_days == 1 ? "" : "s")
                            : util_strdup("now"));
    behind(&l->v[l->n - 1], DB_DRILL_FOLLOWUPS, NULL, NULL, NULL, util_strdup("Follow-ups overdue"));
}

static void contacts(struct dash_lines *l, const struct db_figures *f, bool by_wrap_up)
{
    struct db_fig_count *c;
    int n = db_figures_contacts_by(f, by_wrap_up, &c);
    int64_t total = 0;
    for (int i = 0; i < n; i++)
        total += c[i].n;
    section(l, by_wrap_up ? "Contacts by wrap-up code" : "Contacts by channel");
    int at = l->n;
    for (int i = 0; i < n; i++) {
        char *label = by_wrap_up ? util_strdup(*c[i].key ? c[i].label : "(no wrap-up code)") : words(c[i].key);
        char b[16];
        struct dash_line *x = add(l, label, count(c[i].n),
                                  util_asprintf("%s %%", db_pct_text(db_share(c[i].n, total), b, sizeof b)));
        x->bar = (double)c[i].n / (double)c[0].n;
        behind(x, DB_DRILL_CONTACTS, by_wrap_up ? NULL : c[i].key, by_wrap_up ? c[i].key : NULL, NULL,
               util_asprintf("Contacts: %s", x->label));
    }
    none(l, at);
    free(c);
}

static void categories(struct dash_lines *l, const struct db_figures *f)
{
    const struct db_rows *r = &f->part[DB_FIG_CATEGORIES];
    int64_t max = 1;
    for (int i = 0; i < r->n; i++)
        if (DB_ROW(r, struct db_fig_category, i)->opened > max)
            max = DB_ROW(r, struct db_fig_category, i)->opened;
    section(l, "Complaints by category: opened");
    for (int i = 0; i < r->n; i++) {
        const struct db_fig_category *c = DB_ROW(r, struct db_fig_category, i);
        struct dash_line *x =
            add(l, util_strdup(c->category), count(c->opened),
                util_asprintf("resolved %" PRId64 ", closed %" PRId64, c->resolved, c->closed));
        x->bar = (double)c->opened / (double)max;
        char id[16];
        util_format(id, sizeof id, "%d", c->category_id);
        behind(x, DB_DRILL_COMPLAINTS, NULL, id, NULL,
               util_asprintf("%s: complaints opened, resolved or closed", c->category));
    }
}

static void causes(struct dash_lines *l, const struct db_figures *f)
{
    const struct db_rows *r = &f->part[DB_FIG_CAUSES];
    int64_t total = 0, running = 0;
    for (int i = 0; i < r->n; i++)
        total += DB_ROW(r, struct db_fig_cause, i)->resolved;
    char keys[32], head[96];
    tui_keymap_keys_for("dashboard", TUI_ACT_IMPROVE, keys, sizeof keys);
    util_format(head, sizeof head, "Root causes of resolved complaints%s%s%s", *keys ? " (" : "", keys,
                *keys ? ": what was changed)" : "");
    section(l, head);
    int at = l->n;
    for (int i = 0; i < r->n; i++) {
        const struct db_fig_cause *c = DB_ROW(r, struct db_fig_cause, i);
        running += c->resolved;
        char b[16];
        struct dash_line *x = add(l, util_strdup(c->root_cause), count(c->resolved),
                                  util_asprintf("%s %% to here; %" PRId64 " change%s made",
                                                db_pct_text(db_share(running, total), b, sizeof b), c->actions,
                                                c->actions == 1 ? "" : "s"));
        x->bar = (double)c->resolved / (double)DB_ROW(r, struct db_fig_cause, 0)->resolved;
        x->cause_id = c->root_cause_id;
        char id[16];
        util_format(id, sizeof id, "%d", c->root_cause_id);
        behind(x, DB_DRILL_COMPLAINTS, "resolved", NULL, id, util_asprintf("Resolved with root cause: %s", c->root_cause));
    }
    none(l, at);
}

static void deadlines(struct dash_lines *l, const struct db_figures *f, const char *by, const char *head)
{
    struct db_fig_sla *g;
    int n = db_figures_sla_by(f, by, &g);
    section(l, head);
    int at = l->n;
    for (int i = 0; i < n; i++) {
        double share = db_fig_sla_share(&g[i], -1);
        char k[DB_FIG_KINDS][8];
        for (int j = 0; j < DB_FIG_KINDS; j++) {
            double v = db_fig_sla_share(&g[i], j);
            util_format(k[j], sizeof k[j], isnan(v) ? "-" : "%.0f", v * 100.0);
        }
        bool agent = strcmp(by, "agent") == 0;
        struct dash_line *x = add(l, util_strdup(g[i].name), pct(share),
                                  util_asprintf("%" PRId64 " late; ack %s, reply %s, res %s%s%s",
                                                db_fig_sla_count(g[i].late, -1), k[0], k[1], k[2],
                                                agent && *g[i].team ? "; " : "", agent ? g[i].team : ""));
        x->bar = share;
        behind(x, DB_DRILL_DEADLINES, by, g[i].key, NULL, util_asprintf("Deadlines due: %s", g[i].name));
    }
    none(l, at);
    free(g);
}

static void scores(struct dash_lines *l, const struct db_figures *f)
{
    struct db_fig_summary s;
    db_figures_summarise(f, &s);
    section(l, "Satisfaction scores (CSAT 1-5)");
    char *dist = util_asprintf("5: %" PRId64 "  4: %" PRId64 "  3: %" PRId64 "  2: %" PRId64 "  1: %" PRId64,
                               s.csat[5], s.csat[4], s.csat[3], s.csat[2], s.csat[1]);
    struct dash_line *x = add(l, util_strdup("4 or 5 (satisfied)"), count(s.csat_top2), dist);
    x->bar = s.csat_n ? (double)s.csat_top2 / (double)s.csat_n : NAN;
    behind(x, DB_DRILL_SURVEYS, "csat_4_5", NULL, NULL, util_strdup("Satisfied customers (CSAT 4 or 5)"));
    x = add(l, util_strdup("1 to 3"), count(s.csat_n - s.csat_top2), util_strdup(""));
    x->bar = s.csat_n ? (double)(s.csat_n - s.csat_top2) / (double)s.csat_n : NAN;
    behind(x, DB_DRILL_SURVEYS, "csat_1_3", NULL, NULL, util_strdup("Customers not satisfied (CSAT 1 to 3)"));
    x = add(l, util_strdup("declined the survey"), count(s.declined), util_strdup(""));
    behind(x, DB_DRILL_SURVEYS, "declined", NULL, NULL, util_strdup("Surveys declined"));
}

static void payments(struct dash_lines *l, const struct db_figures *f, bool ascii)
{
    const struct db_rows *r = &f->part[DB_FIG_PAYMENTS];
    if (r->n == 0)
        return;
    section(l, "Guaranteed payments by standard: paid");
    for (int i = 0; i < r->n;) {
        const char *code = DB_ROW(r, struct db_fig_payment, i)->gss_code;
        int64_t v[4] = {0};
        for (; i < r->n && strcmp(DB_ROW(r, struct db_fig_payment, i)->gss_code, code) == 0; i++) {
            const struct db_fig_payment *p = DB_ROW(r, struct db_fig_payment, i);
            int at = strcmp(p->state, "paid") == 0 ? 0 : 2;
            v[at] += p->n;
            v[at + 1] += p->amount;
        }
        char *owed = money(v[3], ascii);
        struct dash_line *x = add(l, util_strdup(*code ? code : "(no code)"), money(v[1], ascii),
                                  util_asprintf("%" PRId64 " paid; %s owed (%" PRId64 ")", v[0], owed, v[2]));
        free(owed);
        behind(x, DB_DRILL_PAYMENTS, NULL, code, NULL, util_asprintf("Guaranteed payments: %s", x->label));
    }
}

void scr_dash_lines_build(struct dash_lines *out, const struct db_figures *f, bool ascii)
{
    scr_dash_lines_free(out);
    summary(out, f, ascii);
    contacts(out, f, false);
    contacts(out, f, true);
    categories(out, f);
    causes(out, f);
    deadlines(out, f, "category", "Deadlines met by category");
    deadlines(out, f, "team", "Deadlines met by team");
    deadlines(out, f, "agent", "Deadlines met by agent (the complaint's owner)");
    scores(out, f);
    payments(out, f, ascii);
}

void scr_dash_lines_free(struct dash_lines *l)
{
    for (int i = 0; i < l->n; i++) {
        struct dash_line *x = &l->v[i];
        free(x->label);
        free(x->value);
        free(x->detail);
        free(x->title);
        for (int k = 0; k < 3; k++)
            free(x->key[k]);
    }
    free(l->v);
    memset(l, 0, sizeof *l);
}
