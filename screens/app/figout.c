/* figout.c — `careline report sla|agents|categories|root-causes|per-10k|csat-nps|compensation|fcr|feedback`: the dashboard's records as tables, CSV or a Markdown summary. */
#include "careline/figout.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "careline/feedback.h"
#include "careline/region.h"
#include "careline/sla.h"
#include "careline/text.h"
#include "careline/util.h"

#define P(part) (1u << (part))

static const struct figout_spec specs[FIGOUT__COUNT] = {
    [FIGOUT_SLA] = {"sla", P(DB_FIG_SLA), true},
    [FIGOUT_AGENTS] = {"agents", P(DB_FIG_SLA), true},
    [FIGOUT_CATEGORIES] = {"categories", P(DB_FIG_CATEGORIES), true},
    [FIGOUT_CAUSES] = {"root-causes", P(DB_FIG_CAUSES), true},
    [FIGOUT_PER_10K] = {"per-10k", P(DB_FIG_CLOCK) | P(DB_FIG_CATEGORIES), false},
    [FIGOUT_CSAT_NPS] = {"csat-nps", P(DB_FIG_SCORES), true},
    [FIGOUT_COMPENSATION] = {"compensation", P(DB_FIG_PAYMENTS), true},
    [FIGOUT_FCR] = {"fcr", P(DB_FIG_CLOCK) | P(DB_FIG_CATEGORIES), true},
    [FIGOUT_FEEDBACK] = {"feedback", P(DB_FIG_CLOCK) | P(DB_FIG_CONTACTS) | P(DB_FIG_CATEGORIES) | P(DB_FIG_CAUSES) |
                                         P(DB_FIG_SCORES),
                         false},
};

const struct figout_spec *figout_find(const char *name, enum figout_report *which)
{
    for (int i = 0; i < FIGOUT__COUNT; i++)
        if (strcmp(specs[i].name, name) == 0) {
            *which = (enum figout_report)i;
            return &specs[i];
        }
    return NULL;
}

const char *figout_names(void)
{
    return "sla, agents, categories, root-causes, per-10k, csat-nps, compensation, fcr, feedback";
}

/* ---- cells -------------------------------------------------------------------- */

/* A cell's text in one of a few rotating buffers: a row's cells are
 * formatted, added, then the buffers are used again. */
__attribute__((format(printf, 1, 2)))
static const char *cell(const char *fmt, ...)
{
    static char cells[16][48];
    static int next;
    char *b = cells[next++ % 16];
    va_list ap;
    va_start(ap, fmt);
    util_vformat(b, sizeof cells[0], fmt, ap);
    va_end(ap);
    return b;
}

static const char *num(int64_t v)
{
    return cell("%" PRId64, v);
}

/* A share as a percentage with one decimal; nothing measured: "-" for
 * people, empty for tools. */
static const char *pct(double share, enum textout_format fmt)
{
    char b[48];
    if (isnan(share))
        return cell("%s", fmt == TEXTOUT_CSV ? "" : "-");
    db_pct_text(share, b, sizeof b);
    return cell("%s", b);
}

static const char *money(int64_t pence)
{
    char b[48];
    return cell("%s", sla_money_text(pence, b, sizeof b));
}

static const char *real2(double v, enum textout_format fmt)
{
    if (isnan(v))
        return cell("%s", fmt == TEXTOUT_CSV ? "" : "-");
    return cell("%.2f", v);
}

static void emit(FILE *f, struct textout_table *t, enum textout_format fmt)
{
    textout_print(f, t, fmt);
    textout_free(t);
}

/* ---- deadlines ------------------------------------------------------------------ */

static void sla_cells(const struct db_fig_sla *g, const char **v, enum textout_format fmt)
{
    int64_t due = db_fig_sla_count(g->on_time, -1) + db_fig_sla_count(g->late, -1) +
                  db_fig_sla_count(g->paused, -1) + db_fig_sla_count(g->pending, -1);
    v[0] = num(due);
    v[1] = num(db_fig_sla_count(g->on_time, -1));
    v[2] = num(db_fig_sla_count(g->late, -1));
    v[3] = num(db_fig_sla_count(g->paused, -1));
    v[4] = num(db_fig_sla_count(g->pending, -1));
    v[5] = pct(db_fig_sla_share(g, -1), fmt);
    for (int k = 0; k < DB_FIG_KINDS; k++)
        v[6 + k] = pct(db_fig_sla_share(g, k), fmt);
}

static void sla_total(struct db_fig_sla *all, const struct db_fig_sla *g)
{
    for (int k = 0; k < DB_FIG_KINDS; k++) {
        all->on_time[k] += g->on_time[k];
        all->late[k] += g->late[k];
        all->paused[k] += g->paused[k];
        all->pending[k] += g->pending[k];
    }
}

static void print_sla(FILE *f, const struct db_figures *fig, const char *by, enum textout_format fmt)
{
    bool team = by && strcmp(by, "team") == 0;
    const struct textout_col cols[] = {
        {team ? "TEAM" : "CATEGORY", team ? "team" : "category", false, 40},
        {"DUE", "due", true, 0},          {"ON TIME", "on_time", true, 0},
        {"LATE", "late", true, 0},        {"PAUSED", "paused", true, 0},
        {"PENDING", "pending", true, 0},  {"MET %", "met_pct", true, 0},
        {"ACK %", "acknowledge_pct", true, 0}, {"RESPONSE %", "first_response_pct", true, 0},
        {"RESOLUTION %", "resolution_pct", true, 0},
    };
    enum { N = sizeof cols / sizeof cols[0] };
    struct textout_table t;
    textout_init(&t, cols, N);
    struct db_fig_sla *g, all = {.name = "All"};
    int n = db_figures_sla_by(fig, team ? "team" : "category", &g);
    const char *v[N];
    for (int i = 0; i < n; i++) {
        v[0] = g[i].name;
        sla_cells(&g[i], v + 1, fmt);
        textout_add(&t, v);
        sla_total(&all, &g[i]);
    }
    v[0] = all.name;
    sla_cells(&all, v + 1, fmt);
    textout_add(&t, v);
    free(g);
    emit(f, &t, fmt);
}

static void print_agents(FILE *f, const struct db_figures *fig, enum textout_format fmt)
{
    static const struct textout_col cols[] = {
        {"AGENT", "agent", false, 30}, {"STAFF ID", "staff_id", true, 0}, {"TEAM", "team", false, 20},
        {"DUE", "due", true, 0},       {"ON TIME", "on_time", true, 0},   {"LATE", "late", true, 0},
        {"PAUSED", "paused", true, 0}, {"PENDING", "pending", true, 0},   {"MET %", "met_pct", true, 0},
    };
    enum { N = sizeof cols / sizeof cols[0] };
    struct textout_table t;
    textout_init(&t, cols, N);
    struct db_fig_sla *g;
    int n = db_figures_sla_by(fig, "agent", &g);
    for (int i = 0; i < n; i++) {
        const char *s[DB_FIG_KINDS + 6];
        sla_cells(&g[i], s, fmt);
        const char *v[N] = {g[i].name, g[i].key, g[i].team, s[0], s[1], s[2], s[3], s[4], s[5]};
        textout_add(&t, v);
    }
    free(g);
    emit(f, &t, fmt);
}

/* ---- complaints ------------------------------------------------------------------ */

static void print_categories(FILE *f, const struct db_figures *fig, enum figout_report r, enum textout_format fmt)
{
    static const struct textout_col cat_cols[] = {
        {"CATEGORY", "category", false, 40}, {"OPENED", "opened", true, 0},
        {"RESOLVED", "resolved", true, 0},   {"CLOSED", "closed", true, 0},
    };
    static const struct textout_col k_cols[] = {
        {"CATEGORY", "category", false, 40}, {"OPENED", "opened", true, 0},
        {"CONNECTIONS", "connections", true, 0}, {"PER 10,000", "per_10k", true, 0},
    };
    static const struct textout_col fcr_cols[] = {
        {"CATEGORY", "category", false, 40}, {"RESOLVED", "resolved", true, 0},
        {"NO REPEAT", "first_contact", true, 0}, {"REPEAT", "repeat", true, 0},
        {"WINDOW OPEN", "pending", true, 0}, {"FCR %", "fcr_pct", true, 0},
    };
    const struct textout_col *cols = r == FIGOUT_PER_10K ? k_cols : r == FIGOUT_FCR ? fcr_cols : cat_cols;
    int ncols = r == FIGOUT_FCR ? 6 : 4;
    struct db_fig_summary s;
    db_figures_summarise(fig, &s);
    struct textout_table t;
    textout_init(&t, cols, ncols);
    for (int i = 0; i <= fig->part[DB_FIG_CATEGORIES].n; i++) {
        struct db_fig_category all = {0, "All", s.opened, s.resolved, s.closed, s.fcr_first, s.fcr_repeat,
                                      s.fcr_pending};
        const struct db_fig_category *c = i < fig->part[DB_FIG_CATEGORIES].n
                                              ? DB_FIG_ROW(fig, DB_FIG_CATEGORIES, struct db_fig_category, i)
                                              : &all;
        const char *v[6] = {c->category, num(c->opened), num(c->resolved), num(c->closed)};
        if (r == FIGOUT_PER_10K) {
            v[2] = num(s.connections);
            v[3] = real2(s.connections > 0 ? (double)c->opened * 10000.0 / (double)s.connections : NAN, fmt);
        } else if (r == FIGOUT_FCR) {
            v[1] = num(c->resolved);
            v[2] = num(c->fcr_first);
            v[3] = num(c->fcr_repeat);
            v[4] = num(c->fcr_pending);
            v[5] = pct(db_share(c->fcr_first, c->fcr_first + c->fcr_repeat), fmt);
        }
        textout_add(&t, v);
    }
    emit(f, &t, fmt);
}

static void print_causes(FILE *f, const struct db_figures *fig, enum textout_format fmt)
{
    static const struct textout_col cols[] = {
        {"ROOT CAUSE", "root_cause", false, 40}, {"REFINES", "parent", false, 30},
        {"RESOLVED", "resolved", true, 0},       {"SHARE %", "share_pct", true, 0},
        {"CUMULATIVE %", "cumulative_pct", true, 0}, {"ACTIONS", "actions", true, 0},
    };
    enum { N = sizeof cols / sizeof cols[0] };
    const struct db_rows *rows = &fig->part[DB_FIG_CAUSES];
    int64_t total = 0, running = 0;
    for (int i = 0; i < rows->n; i++)
        total += DB_ROW(rows, struct db_fig_cause, i)->resolved;
    struct textout_table t;
    textout_init(&t, cols, N);
    for (int i = 0; i < rows->n; i++) {
        const struct db_fig_cause *c = DB_ROW(rows, struct db_fig_cause, i);
        running += c->resolved;
        const char *v[N] = {c->root_cause, c->parent, num(c->resolved), pct(db_share(c->resolved, total), fmt),
                            pct(db_share(running, total), fmt), num(c->actions)};
        textout_add(&t, v);
    }
    emit(f, &t, fmt);
}

/* ---- satisfaction and money ---------------------------------------------------------- */

static void print_scores(FILE *f, const struct db_figures *fig, enum textout_format fmt)
{
    static const struct textout_col cols[] = {{"MEASURE", "measure", false, 0}, {"VALUE", "value", true, 0}};
    struct db_fig_summary s;
    db_figures_summarise(fig, &s);
    struct textout_table t;
    textout_init(&t, cols, 2);
    char nps[16] = "";
    if (s.nps_ok)
        util_format(nps, sizeof nps, "%+d", s.nps);
    else if (fmt != TEXTOUT_CSV)
        util_format(nps, sizeof nps, "-");
    const char *rows[][2] = {
        {"csat_answers", num(s.csat_n)},          {"csat_mean", real2(s.csat_mean, fmt)},
        {"csat_4_5_pct", pct(s.csat_share, fmt)}, {"nps_answers", num(s.nps_n)},
        {"promoters", num(s.promoters)},          {"passives", num(s.passives)},
        {"detractors", num(s.detractors)},        {"nps", nps},
        {"declined", num(s.declined)},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        textout_add(&t, rows[i]);
    for (int k = 1; k <= 5; k++) {
        char name[24];
        util_format(name, sizeof name, "csat_%d", k);
        const char *v[2] = {name, num(s.csat[k])};
        textout_add(&t, v);
    }
    emit(f, &t, fmt);
}

static void print_payments(FILE *f, const struct db_figures *fig, enum textout_format fmt)
{
    static const struct textout_col cols[] = {
        {"GSS CODE", "gss_code", false, 30}, {"PAID", "paid", true, 0},    {"PAID AMOUNT", "paid_amount", true, 0},
        {"OWED", "owed", true, 0},           {"OWED AMOUNT", "owed_amount", true, 0},
    };
    enum { N = sizeof cols / sizeof cols[0] };
    const struct db_rows *rows = &fig->part[DB_FIG_PAYMENTS];
    struct textout_table t;
    textout_init(&t, cols, N);
    int64_t sum[4] = {0};
    /* Rows come by code, then state: one line per code. */
    for (int i = 0; i < rows->n;) {
        const char *code = DB_ROW(rows, struct db_fig_payment, i)->gss_code;
        int64_t v4[4] = {0};
        for (; i < rows->n && strcmp(DB_ROW(rows, struct db_fig_payment, i)->gss_code, code) == 0; i++) {
            const struct db_fig_payment *p = DB_ROW(rows, struct db_fig_payment, i);
            int at = strcmp(p->state, "paid") == 0 ? 0 : 2;
            v4[at] += p->n;
            v4[at + 1] += p->amount;
        }
        const char *v[N] = {*code ? code : "(none)", num(v4[0]), money(v4[1]), num(v4[2]), money(v4[3])};
        textout_add(&t, v);
        for (int k = 0; k < 4; k++)
            sum[k] += v4[k];
    }
    const char *v[N] = {"All", num(sum[0]), money(sum[1]), num(sum[2]), money(sum[3])};
    textout_add(&t, v);
    /* The zeros of a region without a scheme say why (CSV stays a table for tools). */
    if (!db_region_pays() && fmt != TEXTOUT_CSV)
        fprintf(f, "No compensation scheme applies in %s (utility_region.compensation_scheme is 'none'): nothing is owed.\n",
                db_region()->name);
    emit(f, &t, fmt);
}

void figout_print(FILE *f, enum figout_report r, const struct db_figures *fig, const char *by,
                  enum textout_format fmt)
{
    switch (r) {
    case FIGOUT_SLA: print_sla(f, fig, by, fmt); break;
    case FIGOUT_AGENTS: print_agents(f, fig, fmt); break;
    case FIGOUT_CATEGORIES:
    case FIGOUT_PER_10K:
    case FIGOUT_FCR: print_categories(f, fig, r, fmt); break;
    case FIGOUT_CAUSES: print_causes(f, fig, fmt); break;
    case FIGOUT_CSAT_NPS: print_scores(f, fig, fmt); break;
    case FIGOUT_COMPENSATION: print_payments(f, fig, fmt); break;
    case FIGOUT_FEEDBACK:
    case FIGOUT__COUNT: break;
    }
}

/* ---- the published feedback summary ------------------------------------------------- */

#define TOP_CAUSES 5

/* Text for Markdown: control characters made visible, and the characters
 * that would start a heading, list, link or emphasis escaped. */
static void md_text(FILE *f, const char *s)
{
    char *clean = tui_text_sanitize(s ? s : "", false);
    for (const char *p = clean; *p; p++) {
        if (strchr("\\`*_[]<>#|", *p))
            fputc('\\', f);
        fputc(*p, f);
    }
    free(clean);
}

struct fb {
    FILE *f;
    enum textout_format fmt;
    struct textout_table t;      /* Markdown: the current section's table; CSV: every row */
};

static const struct textout_col md_cols[] = {{"Measure", "", false, 0}, {"Value", "", true, 0}};
static const struct textout_col csv_cols[] = {
    {"", "section", false, 0}, {"", "item", false, 0}, {"", "value", false, 0},
    {"", "percent", false, 0}, {"", "date", false, 0}, {"", "text", false, 0},
};

/* One measure: a row of the section's table (Markdown) or of the CSV. */
static void fb_row(struct fb *b, const char *section, const char *item, const char *label, const char *value,
                   const char *percent, const char *date, const char *text)
{
    if (b->fmt == TEXTOUT_CSV) {
        const char *v[6] = {section, item, value, percent, date, text};
        textout_add(&b->t, v);
    } else {
        const char *v[2] = {label, value};
        textout_add(&b->t, v);
    }
}

static void fb_section(struct fb *b, const char *title)
{
    if (b->fmt == TEXTOUT_CSV)
        return;
    if (b->t.nrows) {
        textout_print(b->f, &b->t, TEXTOUT_MD);
        textout_free(&b->t);
        fputs("\n", b->f);
    }
    textout_init(&b->t, md_cols, 2);
    if (title)
        fprintf(b->f, "## %s\n\n", title);
}

static void fb_volumes(struct fb *b, const struct db_figures *fig, const struct db_fig_summary *s)
{
    fb_section(b, "How many customers contacted us");
    fb_row(b, "volume", "contacts", "Contacts, all channels", num(s->contacts), "", "", "");
    struct db_fig_count *c;
    int n = db_figures_contacts_by(fig, false, &c);
    for (int i = 0; i < n; i++) {
        char *item = util_asprintf("contacts_%s", c[i].key);   /* a key tools read: whole */
        char label[64];
        util_format(label, sizeof label, "of which by %s", c[i].label);
        tui_text_words(label);
        fb_row(b, "volume", item, label, num(c[i].n), "", "", "");
        free(item);
    }
    free(c);
    fb_row(b, "volume", "complaints_received", "Complaints received", num(s->opened), "", "", "");
    fb_row(b, "volume", "complaints_resolved", "Complaints resolved", num(s->resolved), "", "", "");
    fb_row(b, "volume", "complaints_per_10k", "Complaints per 10,000 connections", real2(s->per_10k, b->fmt), "",
           "", "");
}

static void fb_satisfaction(struct fb *b, const struct db_fig_summary *s, int repeat_days)
{
    char v[160], label[96];
    fb_section(b, "How satisfied they were");
    if (b->fmt == TEXTOUT_CSV) {
        fb_row(b, "satisfaction", "csat_answers", "", num(s->csat_n), "", "", "");
        fb_row(b, "satisfaction", "csat_mean", "", real2(s->csat_mean, b->fmt), "", "", "");
        fb_row(b, "satisfaction", "csat_4_5", "", num(s->csat_top2), pct(s->csat_share, b->fmt), "", "");
        util_format(v, sizeof v, "%+d", s->nps);
        fb_row(b, "satisfaction", "nps", "", s->nps_ok ? v : "", "", "", "");
        fb_row(b, "satisfaction", "promoters", "", num(s->promoters), "", "", "");
        fb_row(b, "satisfaction", "passives", "", num(s->passives), "", "", "");
        fb_row(b, "satisfaction", "detractors", "", num(s->detractors), "", "", "");
        fb_row(b, "satisfaction", "resolved_without_repeat", "", num(s->fcr_first), pct(s->fcr, b->fmt), "", "");
        return;
    }
    util_format(v, sizeof v, "%s from %s answers", real2(s->csat_mean, b->fmt), num(s->csat_n));
    fb_row(b, "", "", "Satisfaction (1 to 5), average", v, "", "", "");
    util_format(v, sizeof v, isnan(s->csat_share) ? "%s" : "%s %%", pct(s->csat_share, b->fmt));
    fb_row(b, "", "", "Satisfied (4 or 5)", v, "", "", "");
    if (s->nps_ok)
        util_format(v, sizeof v, "%+d (%s promoters, %s passives, %s detractors)", s->nps, num(s->promoters),
                    num(s->passives), num(s->detractors));
    else
        util_format(v, sizeof v, "- (no answers)");
    fb_row(b, "", "", "Net Promoter Score", v, "", "", "");
    util_format(label, sizeof label, "Resolved without the customer coming back within %d days", repeat_days);
    if (isnan(s->fcr))
        util_format(v, sizeof v, "- (none measured yet)");
    else
        util_format(v, sizeof v, "%s %% (%s of %s)", pct(s->fcr, b->fmt), num(s->fcr_first),
                    num(s->fcr_first + s->fcr_repeat));
    if (s->fcr_pending) {
        size_t n = strlen(v);
        util_format(v + n, sizeof v - n, "; %s more resolved too recently to tell", num(s->fcr_pending));
    }
    fb_row(b, "", "", label, v, "", "", "");
}

static void fb_causes(struct fb *b, const struct db_figures *fig, const struct db_rows *actions)
{
    const struct db_rows *rows = &fig->part[DB_FIG_CAUSES];
    int64_t total = 0;
    for (int i = 0; i < rows->n; i++)
        total += DB_ROW(rows, struct db_fig_cause, i)->resolved;
    fb_section(b, NULL);
    if (b->fmt != TEXTOUT_CSV) {
        fputs("## What caused complaints, and what we changed\n\n", b->f);
        if (rows->n == 0)
            fputs("No complaint was resolved in this period.\n", b->f);
    }
    for (int i = 0; i < rows->n && i < TOP_CAUSES; i++) {
        const struct db_fig_cause *c = DB_ROW(rows, struct db_fig_cause, i);
        const char *share = pct(db_share(c->resolved, total), b->fmt);
        if (b->fmt == TEXTOUT_CSV) {
            fb_row(b, "root_cause", c->root_cause, "", num(c->resolved), share, "", c->parent);
        } else {
            fprintf(b->f, "### %d. ", i + 1);
            md_text(b->f, c->root_cause);
            if (*c->parent) {
                fputs(" (", b->f);
                md_text(b->f, c->parent);
                fputs(")", b->f);
            }
            fprintf(b->f, ": %s resolved complaint%s, %s %%\n\n", num(c->resolved), c->resolved == 1 ? "" : "s",
                    share);
        }
        int listed = 0;
        for (int a = 0; a < actions->n; a++) {
            const struct db_action *x = DB_ROW(actions, struct db_action, a);
            if (x->root_cause_id != c->root_cause_id)
                continue;
            char day[16];
            db_date_text((long)x->changed_on, day, sizeof day);
            listed++;
            if (b->fmt == TEXTOUT_CSV) {
                fb_row(b, "action", c->root_cause, "", "", "", day, x->what_changed);
            } else {
                fprintf(b->f, "- %s: ", day);
                md_text(b->f, x->what_changed);
                fputs("\n", b->f);
            }
        }
        if (b->fmt != TEXTOUT_CSV)
            fputs(listed ? "\n" : "No change recorded against it in this period.\n\n", b->f);
    }
}

void figout_feedback(FILE *f, const struct db_figures *fig, const struct db_rows *actions, enum textout_format fmt)
{
    struct db_fig_summary s;
    db_figures_summarise(fig, &s);
    const struct db_fig_clock *clk =
        fig->part[DB_FIG_CLOCK].n ? DB_FIG_ROW(fig, DB_FIG_CLOCK, struct db_fig_clock, 0) : NULL;
    char label[80], first[16], last[16];
    db_period_label(&fig->period, clk ? (long)clk->today : 0, label, sizeof label);
    db_date_text(fig->period.from, first, sizeof first);
    db_date_text(fig->period.to - 1, last, sizeof last);
    struct fb b = {.f = f, .fmt = fmt};
    if (fmt == TEXTOUT_CSV) {
        textout_init(&b.t, csv_cols, 6);
        fb_row(&b, "period", "month", "", "", "", first, last);
    } else {
        fprintf(f, "# What our customers told us, and what we changed: %s\n\n", label);
        fprintf(f, "Figures for %s to %s. No customer or member of staff is named in this summary.\n\n", first,
                last);
    }
    fb_volumes(&b, fig, &s);
    fb_satisfaction(&b, &s, clk ? clk->repeat_days : 7);
    fb_causes(&b, fig, actions);
    if (fmt == TEXTOUT_CSV)
        textout_print(f, &b.t, TEXTOUT_CSV);
    textout_free(&b.t);
}
