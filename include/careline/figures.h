/* figures.h — the supervisor's figures as typed records: one statement per figure, shared by the dashboard and `careline report`, the lists behind each figure, and the period and score rules. */
#ifndef CARELINE_FIGURES_H
#define CARELINE_FIGURES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "careline/db.h"
#include "careline/period.h"
#include "careline/record.h"

/* ---- score arithmetic (pure) -------------------------------------------------- */

/* part / whole, or NAN when whole is 0 (nothing to measure: shown as "-"). */
double db_share(int64_t part, int64_t whole);
/* Net Promoter Score: promoters (9-10) minus detractors (0-6) as a whole
 * percentage of all answers (passives 7-8 count in the whole), rounded half
 * away from zero. False (score untouched) when there are no answers. */
bool db_nps(int64_t promoters, int64_t passives, int64_t detractors, int *score);
/* "82.4" (one decimal) or "-" when v is NAN; returns buf. */
char *db_pct_text(double share, char *buf, size_t len);

/* ---- the figures ---------------------------------------------------------------- */

/* The parts of one load, in the order they travel (ONE round trip). */
enum db_fig_part {
    DB_FIG_CLOCK,        /* struct db_fig_clock, one row */
    DB_FIG_CONTACTS,     /* struct db_fig_contact: per channel and wrap-up code */
    DB_FIG_CATEGORIES,   /* struct db_fig_category: per top-level category */
    DB_FIG_CAUSES,       /* struct db_fig_cause: resolved complaints per root cause, most first */
    DB_FIG_SLA,          /* struct db_fig_sla_row: deadlines per category, team and agent, and kind */
    DB_FIG_SCORES,       /* struct db_fig_score: survey answers per scale and score */
    DB_FIG_PAYMENTS,     /* struct db_fig_payment: guaranteed payments per state and GSS code */
    DB_FIG_FOLLOWUPS,    /* struct db_fig_followups, one row */
    DB_FIG__PARTS
};
#define DB_FIG_ALL ((1u << DB_FIG__PARTS) - 1)

/* The database's clock and the constants the figures use. */
struct db_fig_clock {
    int64_t today;           /* careline_today() as a day number */
    int64_t now;             /* epoch seconds */
    char *timezone;
    int64_t connections;     /* premises supplied (CCW: complaints per 10,000 connections) */
    bool connections_unknown;/* not counted in this load (see db_figures_load) */
    int repeat_days;         /* a contact within this many days of a resolution is a repeat */
};

struct db_fig_contact {
    char *channel;
    char *wrap_up_code;      /* "" when none was recorded */
    char *wrap_up_label;     /* "" when none */
    int64_t n;
};

/* Complaints of one top-level category in the period. fcr_*: of those
 * resolved, whether the customer came back within repeat_days. */
struct db_fig_category {
    int category_id;
    char *category;
    int64_t opened, resolved, closed;
    int64_t fcr_first, fcr_repeat, fcr_pending;
};

struct db_fig_cause {
    int root_cause_id;
    char *root_cause;
    char *parent;            /* the cause it refines, "" for a top-level one */
    int64_t resolved;        /* complaints resolved in the period with this cause */
    int64_t actions;         /* improvement actions made against it in the period */
};

/* Deadlines that fell due in the period, by outcome, for one group and
 * kind. group_by: "category" (key: its id), "team" (key: the team, "" for none)
 * or "agent" (key: the owner's staff id, "" for unassigned). */
struct db_fig_sla_row {
    char *group_by, *key, *name;
    char *team;              /* agent rows: the agent's team */
    char *kind;              /* acknowledge, first_response, resolution */
    int sort;
    int64_t on_time, late, paused, pending;
};

struct db_fig_score {
    char *scale;             /* "csat" (1-5), "nps" (0-10) or "declined" (score 0) */
    int score;
    char *grp;               /* promoter, passive, detractor, csat_4_5, csat_1_3, declined */
    int64_t n;
};

/* state "paid": paid in the period; "owed": recorded by its end, unpaid then. */
struct db_fig_payment {
    char *state;
    char *gss_code;          /* "" for a standard without one */
    int64_t n;
    int64_t amount;          /* pence */
};

struct db_fig_followups {
    int64_t overdue;         /* open follow-ups past their day, now */
    int oldest_days;
};

struct db_figures {
    struct db_period period;
    struct db_rows part[DB_FIG__PARTS];
    double ms;               /* the round trip (async loads) */
};
void db_figures_free(struct db_figures *f);

/* The statement of each part: parameters $1 the first day, $2 the day
 * after the last (YYYY-MM-DD), $3 the team or NULL; the clock takes only
 * whether to count the connections, the follow-ups only the team. */

/* Load every part in one round trip (pipeline). The newest load of an
 * owner wins (slot); delay_ms holds it back (live updates: at most one a
 * second). connections: count them (they change rarely and counting reads
 * every premise: a live update reuses the last count); when false the
 * clock's connections_unknown is set. done gets the figures (move them out
 * to keep them; the rest is freed after it returns) or err, a sentence. */
typedef void (*db_figures_fn)(void *ctx, struct db_figures *f, const char *err);
unsigned db_figures_load(struct db_conn *c, const struct db_period *p, const char *team, bool connections,
                         int delay_ms, db_figures_fn done, void *ctx);
/* The parts in mask (1u << part), synchronously (commands): the same
 * statements and records. Returns 0 or -1 with the reason in err; out is
 * filled (free it either way). */
int db_figures_fetch(struct db_conn *c, const struct db_period *p, const char *team, unsigned mask,
                     struct db_figures *out, char *err, size_t len);
/* The database's today (careline_today) as a day number, synchronously. */
int db_figures_today(struct db_conn *c, long *today, char *err, size_t len);

#define DB_FIG_ROW(f, which, type, i) DB_ROW(&(f)->part[which], type, i)

/* ---- what the figures add up to (pure) ---------------------------------------- */

struct db_fig_summary {
    int64_t contacts;
    int64_t opened, resolved, closed;
    int64_t fcr_first, fcr_repeat, fcr_pending;
    double fcr;                          /* first / (first + repeat), NAN without any */
    int64_t connections;
    double per_10k;                      /* opened per 10,000 connections, NAN without connections */
    int64_t csat[6];                     /* answers per score 1..5 (index 0 unused) */
    int64_t csat_n, csat_top2;           /* answers, and of them 4 or 5 */
    double csat_mean, csat_share;        /* NAN without answers */
    int64_t nps_n, promoters, passives, detractors, declined;
    bool nps_ok;
    int nps;
    int64_t paid_n, paid_amount, owed_n, owed_amount;
    int64_t on_time, late, paused, pending;  /* every deadline, by category */
    double compliance;                   /* on_time / (on_time + late) */
    int64_t followups_overdue;
    int oldest_followup_days;
};
void db_figures_summarise(const struct db_figures *f, struct db_fig_summary *s);

/* Contacts folded by channel (by_wrap_up false) or by wrap-up code, most
 * first: key and label point into f. Returns the count; free *out. */
struct db_fig_count {
    const char *key, *label;
    int64_t n;
};
int db_figures_contacts_by(const struct db_figures *f, bool by_wrap_up, struct db_fig_count **out);

/* Deadlines of one group (a category, team or agent) over the three kinds. */
enum { DB_FIG_KINDS = 3 };
struct db_fig_sla {
    const char *key, *name, *team;       /* point into f */
    int64_t on_time[DB_FIG_KINDS], late[DB_FIG_KINDS], paused[DB_FIG_KINDS], pending[DB_FIG_KINDS];
};
/* The groups of one "by" (category, team, agent) in the statement's order.
 * Returns the count; free *out. */
int db_figures_sla_by(const struct db_figures *f, const char *by, struct db_fig_sla **out);
/* Compliance of a group for one kind (0..2), or all kinds (-1); NAN without any decided deadline. */
double db_fig_sla_share(const struct db_fig_sla *g, int kind);
int64_t db_fig_sla_count(const int64_t *v, int kind);   /* v[kind], or the sum for -1 */
const char *db_fig_kind_name(int kind);                 /* "acknowledge", "first_response", "resolution" */

/* ---- the rows behind a figure ----------------------------------------------------- */

enum db_drill_kind {
    DB_DRILL_CONTACTS,      /* keys: channel, wrap-up code ("" none) */
    DB_DRILL_SURVEYS,       /* key: promoter, passive, detractor, csat_4_5, csat_1_3, declined */
    DB_DRILL_COMPLAINTS,    /* keys: opened|resolved|closed|first_contact|repeat|pending, category id, root cause id */
    DB_DRILL_DEADLINES,     /* keys: by (category|team|agent), its key, outcome */
    DB_DRILL_PAYMENTS,      /* keys: state (paid|owed), gss code */
    DB_DRILL_FOLLOWUPS,     /* no keys */
    DB_DRILL__KINDS
};
struct db_drill {
    enum db_drill_kind kind;
    const char *key[3];     /* NULL: any */
};

/* One complaint or contact behind a figure. complaint_id "" for a contact
 * (then it opens the customer). */
struct db_fig_item {
    char *complaint_id;
    char *reference;
    int64_t customer_id;
    char *customer;
    char *account_no;
    int64_t at;             /* epoch: when it happened (opened, started, due, paid) */
    char *what;             /* category, channel, deadline, payment */
    char *detail;           /* status, outcome, score, amount */
    char *who;              /* agent or owner, "" when none */
    int64_t total;          /* rows behind the figure in all (at most 1000 are listed) */
};
typedef void (*db_figures_rows_fn)(void *ctx, struct db_rows *rows, const char *err);
unsigned db_figures_drill(struct db_conn *c, const struct db_period *p, const char *team, const struct db_drill *d,
                          db_figures_rows_fn done, void *ctx);
/* The same list synchronously (tests and commands). */
int db_figures_drill_fetch(struct db_conn *c, const struct db_period *p, const char *team, const struct db_drill *d,
                           struct db_rows *out, char *err, size_t len);

/* Every statement of this module with parameters that run on the demo data
 * (tests/db/statements.c). Sets *n. */
const struct db_statement *db_figures_statements(int *n);

#endif
