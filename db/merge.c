/* merge.c — duplicate customers: the likely pairs, two records side by side, merge, undo and "not the same person", as typed records and idempotent writes the database polices. */
#include "careline/merge.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careline/util.h"

/* ---- statements ------------------------------------------------------------ */

static const char pairs_sql[] =
    "SELECT d.a_id, d.b_id, d.reasons, a.name AS a_name, a.account_no AS a_account,"
    " b.name AS b_name, b.account_no AS b_account"
    " FROM customer_duplicates($1::integer) d JOIN customer a ON a.id = d.a_id JOIN customer b ON b.id = d.b_id";

/* $1 first, then $2. */
static const char compare_sql[] =
    "SELECT c.id, c.version, c.name, c.account_no, c.segment, coalesce(c.phone_e164, '') AS phone,"
    " coalesce(c.email, '') AS email,"
    " coalesce((SELECT concat_ws(', ', p.address_line1, p.town, p.postcode) FROM customer_premise cp"
    "   JOIN premise p ON p.id = cp.premise_id WHERE cp.customer_id = c.id"
    "   ORDER BY cp.end_date IS NULL DESC, cp.start_date DESC, p.id LIMIT 1), '') AS address,"
    " concat_ws(', ', CASE WHEN c.priority_services THEN 'priority services' END,"
    "  CASE WHEN c.vulnerable THEN 'vulnerable: '"
    "   || array_to_string(customer_vulnerability(c.id, 'duplicate check'), ' ') END,"
    "  CASE WHEN c.non_digital THEN 'non-digital' END) AS flags,"
    " to_char(c.created_at, 'DD Mon YYYY') AS created, c.balance,"
    " (SELECT count(*) FROM interaction i WHERE i.customer_id = c.id) AS contacts,"
    " (SELECT count(*) FROM complaint k WHERE k.customer_id = c.id) AS complaints,"
    " (SELECT count(*) FROM complaint k WHERE k.customer_id = c.id AND k.status NOT IN ('resolved', 'closed'))"
    "  AS open_complaints,"
    " (SELECT count(*) FROM bill b WHERE b.customer_id = c.id) AS bills,"
    " (SELECT count(*) FROM payment p WHERE p.customer_id = c.id) AS payments,"
    " (SELECT count(*) FROM goodwill_credit g WHERE g.customer_id = c.id) AS credits,"
    " (SELECT count(*) FROM programme_enrolment e WHERE e.customer_id = c.id) AS programmes,"
    " (SELECT count(*) FROM customer_premise cp WHERE cp.customer_id = c.id) AS premises,"
    " coalesce((SELECT to_char(max(i.started_at), 'DD Mon YYYY') FROM interaction i WHERE i.customer_id = c.id), '')"
    "  AS last_contact"
    " FROM customer c WHERE c.id IN ($1::bigint, $2::bigint) ORDER BY c.id = $1::bigint DESC";

static const char recent_sql[] =
    "SELECT g.id, to_char(g.merged_at, 'DD Mon HH24:MI') AS at, coalesce(st.display_name, '') AS by,"
    " s.name AS survivor, s.account_no AS survivor_account, m.name AS merged, m.account_no AS merged_account,"
    " g.undone_at IS NOT NULL AS undone"
    " FROM customer_merge g JOIN customer s ON s.id = g.survivor_id JOIN customer m ON m.id = g.merged_id"
    " LEFT JOIN staff st ON st.id = g.merged_by"
    " WHERE g.merged_at > now() - interval '1 day' ORDER BY g.merged_at DESC, g.id LIMIT 200";

static const char merge_sql[] =
    "SELECT customer_merge($1::uuid, $2::bigint, $3::integer, $4::bigint, $5::integer) AS applied";
static const char undo_sql[] = "SELECT customer_unmerge($1::uuid)";
static const char dismiss_sql[] = "SELECT customer_not_duplicates($1::bigint, $2::bigint)";

/* ---- records ---------------------------------------------------------------- */

#define P(type, field) DB_COL(type, struct db_merge_pair, field)
static const struct db_col pair_cols[] = {
    P(DB_INT64, a_id), P(DB_INT64, b_id), P(DB_TEXT, reasons), P(DB_TEXT, a_name), P(DB_TEXT, a_account),
    P(DB_TEXT, b_name), P(DB_TEXT, b_account),
};
#undef P
#define S(type, field) DB_COL(type, struct db_merge_side, field)
static const struct db_col side_cols[] = {
    S(DB_INT64, id), S(DB_INT, version), S(DB_TEXT, name), S(DB_TEXT, account_no), S(DB_TEXT, segment),
    S(DB_TEXT, phone), S(DB_TEXT, email), S(DB_TEXT, address), S(DB_TEXT, flags), S(DB_TEXT, created),
    S(DB_MONEY, balance), S(DB_INT64, contacts), S(DB_INT64, complaints), S(DB_INT64, open_complaints),
    S(DB_INT64, bills), S(DB_INT64, payments), S(DB_INT64, credits), S(DB_INT64, programmes),
    S(DB_INT64, premises), S(DB_TEXT, last_contact),
};
#undef S
#define R(type, field) DB_COL(type, struct db_merge_recent, field)
static const struct db_col recent_cols[] = {
    R(DB_TEXT, id), R(DB_TEXT, at), R(DB_TEXT, by), R(DB_TEXT, survivor), R(DB_TEXT, survivor_account),
    R(DB_TEXT, merged), R(DB_TEXT, merged_account), R(DB_BOOL, undone),
};
#undef R
static const struct db_shape pair_shape = DB_SHAPE("likely duplicates", struct db_merge_pair, pair_cols);
static const struct db_shape side_shape = DB_SHAPE("two customers compared", struct db_merge_side, side_cols);
static const struct db_shape recent_shape = DB_SHAPE("recent merges", struct db_merge_recent, recent_cols);

/* ---- sending ------------------------------------------------------------------- */

struct pending {
    db_merge_rows_fn rows_done;
    void (*versioned_done)(void *ctx, bool conflict, const char *err);
    void (*plain_done)(void *ctx, const char *err);
    const struct db_shape *shape;
    void *ctx;
};

/* Callers' ctx may be freed by their callback: copy, free ours, then call. */
static void on_result(void *arg, const PGresult *res, const char *err, double ms)
{
    (void)ms;
    struct pending p = *(struct pending *)arg;
    free(arg);
    if (p.rows_done) {
        struct db_rows rows = {.shape = p.shape};
        char why[256];
        if (!err && db_rows_decode(&rows, p.shape, res, why, sizeof why) < 0)
            err = why;
        p.rows_done(p.ctx, &rows, err);
        db_rows_free(&rows);
    } else if (p.versioned_done) {
        char why[256];
        bool stale = db_applied_stale(res, &err, why, sizeof why);
        p.versioned_done(p.ctx, stale, err);
    } else {
        p.plain_done(p.ctx, err);
    }
}

static unsigned send(struct db_conn *c, const char *sql, int n, const char *const *params, struct pending p)
{
    struct pending *copy = util_calloc(1, sizeof *copy);
    *copy = p;
    struct db_query q = {.sql = sql, .nparams = n, .params = params, .done = on_result, .ctx = copy,
                         .owner = p.ctx, .cleanup = free};
    return db_send(c, &q);
}

unsigned db_merge_pairs_load(struct db_conn *c, int limit, db_merge_rows_fn done, void *ctx)
{
    char l[16];
    util_format(l, sizeof l, "%d", limit);
    const char *params[1] = {l};
    return send(c, pairs_sql, 1, params, (struct pending){.rows_done = done, .shape = &pair_shape, .ctx = ctx});
}

unsigned db_merge_compare_load(struct db_conn *c, long long a, long long b, db_merge_rows_fn done, void *ctx)
{
    char x[24], y[24];
    util_format(x, sizeof x, "%lld", a);
    util_format(y, sizeof y, "%lld", b);
    const char *params[2] = {x, y};
    return send(c, compare_sql, 2, params, (struct pending){.rows_done = done, .shape = &side_shape, .ctx = ctx});
}

unsigned db_merge_recent_load(struct db_conn *c, db_merge_rows_fn done, void *ctx)
{
    return send(c, recent_sql, 0, NULL, (struct pending){.rows_done = done, .shape = &recent_shape, .ctx = ctx});
}

unsigned db_merge_customers(struct db_conn *c, const char *id, const struct db_merge_side *survivor,
                            const struct db_merge_side *merged,
                            void (*done)(void *ctx, bool conflict, const char *err), void *ctx)
{
    char s[24], sv[16], m[24], mv[16];
    util_format(s, sizeof s, "%lld", (long long)survivor->id);
    util_format(sv, sizeof sv, "%d", survivor->version);
    util_format(m, sizeof m, "%lld", (long long)merged->id);
    util_format(mv, sizeof mv, "%d", merged->version);
    const char *params[5] = {id, s, sv, m, mv};
    return send(c, merge_sql, 5, params, (struct pending){.versioned_done = done, .ctx = ctx});
}

unsigned db_merge_undo(struct db_conn *c, const char *id, void (*done)(void *ctx, const char *err), void *ctx)
{
    const char *params[1] = {id};
    return send(c, undo_sql, 1, params, (struct pending){.plain_done = done, .ctx = ctx});
}

unsigned db_merge_dismiss(struct db_conn *c, long long a, long long b, void (*done)(void *ctx, const char *err),
                          void *ctx)
{
    char x[24], y[24];
    util_format(x, sizeof x, "%lld", a);
    util_format(y, sizeof y, "%lld", b);
    const char *params[2] = {x, y};
    return send(c, dismiss_sql, 2, params, (struct pending){.plain_done = done, .ctx = ctx});
}

/* ---- rules ------------------------------------------------------------------------ */

static int64_t history(const struct db_merge_side *s)
{
    return s->contacts + s->complaints + s->bills + s->payments + s->credits + s->programmes + s->premises;
}

int db_merge_survivor(const struct db_merge_side *a, const struct db_merge_side *b)
{
    if (history(a) != history(b))
        return history(a) > history(b) ? 0 : 1;
    return a->id <= b->id ? 0 : 1;
}

static void count(struct util_buf *b, int64_t n, const char *one, const char *many)
{
    if (n > 0)
        util_buf_printf(b, "%s%lld %s", b->len ? ", " : "", (long long)n, n == 1 ? one : many);
}

char *db_merge_summary(const struct db_merge_side *survivor, const struct db_merge_side *merged)
{
    struct util_buf what = {0};
    count(&what, merged->contacts, "contact", "contacts");
    count(&what, merged->complaints, "complaint", "complaints");
    count(&what, merged->bills, "bill", "bills");
    count(&what, merged->payments, "payment", "payments");
    count(&what, merged->credits, "credit", "credits");
    count(&what, merged->programmes, "programme", "programmes");
    count(&what, merged->premises, "premise", "premises");
    char *out = util_asprintf("Everything of %s (%s) moves to %s; %s stays as a pointer to it, and searching "
                              "for it finds %s.",
                              merged->account_no, what.len ? what.data : "no history", survivor->account_no,
                              merged->account_no, survivor->account_no);
    util_buf_free(&what);
    return out;
}

/* ---- the statements against the schema ---------------------------------------------- */

static const char *const pairs_check_params[] = {"50"};
static const char *const compare_check_params[] = {"1", "2"};
static const struct db_statement statements[] = {
    {compare_sql, 2, compare_check_params, &side_shape, false},
    {pairs_sql, 1, pairs_check_params, &pair_shape, false},
};

const struct db_statement *db_merge_statements(int *n)
{
    *n = (int)(sizeof statements / sizeof statements[0]);
    return statements;
}
