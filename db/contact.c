/* contact.c — recording contacts: validation, an idempotent insert keyed by a terminal-made UUID, wrap-up codes. */
#include "careline/contact.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "careline/record.h"
#include "careline/text.h"
#include "careline/util.h"

static const char wrapup_sql[] =
    "SELECT code, label FROM wrap_up_code WHERE active ORDER BY sort_order, label";

/* The premise is the customer's current billing premise, when there is one:
 * agents do not pick it for a contact. */
static const char save_sql[] =
    "INSERT INTO interaction (id, customer_id, premise_id, channel, direction, staff_id, started_at, ended_at,"
    " wrap_up_code, subject, summary)"
    " VALUES ($1::uuid, $2::bigint,"
    "  (SELECT cp.premise_id FROM customer_premise cp WHERE cp.customer_id = $2::bigint AND cp.end_date IS NULL"
    "    ORDER BY cp.role, cp.premise_id LIMIT 1),"
    /* The terminal's clock may run ahead of the server's: a call never
     * starts after it is recorded. */
    "  $3, $4, current_staff_id(), least(to_timestamp($5::double precision), now()), now(), nullif($6, ''),"
    "  nullif($7, ''), $8)"
    " ON CONFLICT (id) DO NOTHING";

void db_choices_free(struct db_choice *list, int n)
{
    for (int i = 0; i < n; i++) {
        free(list[i].code);
        free(list[i].label);
    }
    free(list);
}

/* The list is the decoded rows themselves: struct db_choice is the record. */
static const struct db_col choice_cols[] = {
    DB_COL(DB_TEXT, struct db_choice, code),
    DB_COL(DB_TEXT, struct db_choice, label),
};
static const struct db_shape choice_shape = DB_SHAPE("wrap-up codes", struct db_choice, choice_cols);

struct wrapup_pending {
    void (*done)(void *ctx, struct db_choice *list, int n, const char *err);
    void *ctx;
};

static void on_wrapups(void *ctx, const PGresult *res, const char *err, double ms)
{
    (void)ms;
    struct wrapup_pending *p = ctx;
    struct db_rows rows = {0};
    char why[256];
    if (!err && db_rows_decode(&rows, &choice_shape, res, why, sizeof why) < 0)
        err = why;
    if (err)
        p->done(p->ctx, NULL, 0, err);
    else
        p->done(p->ctx, rows.v, rows.n, NULL);   /* theirs now: db_choices_free */
    free(p);
}

unsigned db_wrapup_codes(struct db_conn *c, void (*done)(void *ctx, struct db_choice *list, int n, const char *err),
                         void *ctx)
{
    struct wrapup_pending *p = util_calloc(1, sizeof *p);
    p->done = done;
    p->ctx = ctx;
    struct db_query q = {.sql = wrapup_sql, .done = on_wrapups, .ctx = p, .owner = ctx, .cleanup = free};
    return db_send(c, &q);
}

void db_contact_prepare(struct db_conn *c)
{
    db_prepare_ahead(c, wrapup_sql, 0);   /* the save is the outbox's (db_outbox_prepare) */
}

void db_contact_draft_init(struct db_contact_draft *d, long long customer_id)
{
    memset(d, 0, sizeof *d);
    util_uuid(d->id);
    d->customer_id = customer_id;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    d->started = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
    d->channel = "phone";
    d->direction = "inbound";
    d->nps = -1;
}

int db_contact_check(const struct db_contact_draft *d, char *why, size_t len)
{
    const char *summary = d->summary ? d->summary : "";
    const char *subject = d->subject ? d->subject : "";
    size_t n = strlen(summary);
    while (n && (summary[n - 1] == ' ' || summary[n - 1] == '\t'))
        n--;
    const char *p = summary;
    while (*p == ' ' || *p == '\t')
        p++;
    if (!*p) {
        util_format(why, len, "Write what the customer wanted and what you did");
        return DB_CONTACT_SUMMARY;
    }
    if (!tui_utf8_valid(summary, strlen(summary))) {
        util_format(why, len, "The summary has characters that are not valid text");
        return DB_CONTACT_SUMMARY;
    }
    if (strlen(summary) > 2000) {
        util_format(why, len, "The summary is too long: at most 2000 bytes");
        return DB_CONTACT_SUMMARY;
    }
    for (p = subject; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_')) {
            util_format(why, len, "Subject: lower-case letters, digits and _ only (e.g. high_bill)");
            return DB_CONTACT_SUBJECT;
        }
    if (strlen(subject) > 40) {
        util_format(why, len, "Subject: at most 40 characters");
        return DB_CONTACT_SUBJECT;
    }
    return -1;
}

struct save_params {
    char id[37], customer[24], started[24];
    const char *v[8];
};

static void fill(struct save_params *sp, const struct db_contact_draft *d)
{
    memcpy(sp->id, d->id, sizeof sp->id);
    util_format(sp->customer, sizeof sp->customer, "%lld", d->customer_id);
    util_format(sp->started, sizeof sp->started, "%.3f", d->started);
    sp->v[0] = sp->id;
    sp->v[1] = sp->customer;
    sp->v[2] = d->channel;
    sp->v[3] = d->direction;
    sp->v[4] = sp->started;
    sp->v[5] = d->wrap_up_code;
    sp->v[6] = d->subject ? d->subject : "";
    sp->v[7] = d->summary;
}

/* One survey per interaction: a replay keeps the first answer. */
static const char survey_sql[] =
    "INSERT INTO satisfaction_survey (interaction_id, csat, nps, comment, declined)"
    " VALUES ($1::uuid, nullif($2, '0')::smallint, nullif($3, '-1')::smallint, nullif($4, ''), $5::boolean)"
    " ON CONFLICT (interaction_id) DO NOTHING";

/* One round trip either way: the contact, and the survey when asked. */
const struct db_outbox_kind db_contact_outbox = {
    .kind = "contact",
    .what = "contact",
    .nstmts = 2,
    .stmts = {{save_sql,
               {"id", "customer_id", "channel", "direction", "started", "wrap_up_code", "subject", "summary", NULL},
               NULL},
              {survey_sql, {"id", "csat", "nps", "comment", "declined", NULL}, "survey"}},
};

unsigned db_contact_save(struct db_conn *c, const char *dir, const struct db_contact_draft *d,
                         const struct db_outbox_reply *r, char *err, size_t errlen)
{
    char cust[24], started[24], csat[8], nps[8];
    util_format(cust, sizeof cust, "%lld", d->customer_id);
    util_format(started, sizeof started, "%.3f", d->started);
    util_format(csat, sizeof csat, "%d", d->csat);
    util_format(nps, sizeof nps, "%d", d->nps);
    bool survey = d->csat > 0 || d->nps >= 0 || d->survey_declined;
    const struct journal_field f[] = {
        {"customer_id", cust},
        {"customer", d->customer ? d->customer : ""},
        {"channel", d->channel},
        {"direction", d->direction},
        {"started", started},
        {"wrap_up_code", d->wrap_up_code ? d->wrap_up_code : ""},
        {"subject", d->subject ? d->subject : ""},
        {"summary", d->summary},
        {"survey", survey ? "yes" : "no"},
        {"csat", csat},
        {"nps", nps},
        {"comment", d->comment ? d->comment : ""},
        {"declined", d->survey_declined ? "true" : "false"},
    };
    struct db_outbox_write w = {&db_contact_outbox, d->id, f, (int)(sizeof f / sizeof f[0]), dir};
    return db_outbox_send(c, &w, r, err, errlen);
}

int db_contact_save_sync(struct db_conn *c, const struct db_contact_draft *d)
{
    struct save_params sp;
    fill(&sp, d);
    PGresult *r = db_exec(c, save_sql, 8, sp.v);
    PQclear(r);
    return r ? 0 : -1;
}
