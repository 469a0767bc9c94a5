/* import_unmatched.c — the requests that found no premise, as the agent's screen reads them: the list, premises found as the agent types, and the link (or setting aside) that opens the complaint. */
#include <stdlib.h>
#include <string.h>

#include "careline/import.h"
#include "careline/util.h"

/* Newest first; $1 the limit. The total counts every waiting request. */
static const char list_sql[] =
    "SELECT r.id, r.version, CASE r.source WHEN 'nyc311' THEN 'NYC 311' ELSE 'Open311' END AS source,"
    " r.external_id AS number,"
    " to_char(r.requested_at AT TIME ZONE careline_timezone(), 'YYYY-MM-DD HH24:MI') AS requested,"
    " cat.name AS category,"
    " concat_ws(': ', nullif(r.request_type, ''), nullif(r.descriptor, '')) AS request,"
    " coalesce(nullif(btrim(r.address), ''),"
    "  nullif(concat_ws(' and ', nullif(btrim(r.intersection_street_1), ''), nullif(btrim(r.intersection_street_2), '')), ''),"
    "  nullif(btrim(r.street), ''), '(no address)') AS address,"
    " coalesce(r.zip, '') AS zip, coalesce(r.match_note, '') AS note,"
    " concat_ws(E'\\n',"
    "  'City: ' || nullif(concat_ws(', ', nullif(r.city, ''), nullif(r.borough, '')), ''),"
    "  'Cross streets: ' || nullif(concat_ws(' and ', nullif(r.cross_street_1, ''), nullif(r.cross_street_2, '')), ''),"
    "  'Location type: ' || nullif(r.location_type, ''),"
    "  'Status at the city: ' || nullif(r.status_raw, ''),"
    "  'Agency: ' || nullif(concat_ws(' - ', nullif(r.agency, ''), nullif(r.agency_name, '')), ''),"
    "  'Latitude, longitude: ' || (r.latitude::text || ', ' || r.longitude::text),"
    "  'Description: ' || nullif(btrim(r.description), ''),"
    "  'Resolution: ' || nullif(btrim(r.resolution), '')) AS detail,"
    /* What to search with first: the address, else the ZIP (an intersection's premises are around it). */
    " coalesce(nullif(btrim(r.address), ''), nullif(btrim(r.zip), ''), nullif(btrim(r.intersection_street_1), ''),"
    "  nullif(btrim(r.street), ''), '') AS search,"
    " count(*) OVER () AS total"
    " FROM service_request r JOIN complaint_category cat ON cat.id = r.category_id"
    " WHERE r.complaint_id IS NULL AND r.dismissed_at IS NULL"
    " ORDER BY r.requested_at DESC, r.id LIMIT $1";

#define U(t, f) DB_COL(t, struct db_unmatched, f)
static const struct db_col list_cols[] = {
    U(DB_INT64, id),      U(DB_INT, version),  U(DB_TEXT, source),  U(DB_TEXT, number), U(DB_TEXT, requested),
    U(DB_TEXT, category), U(DB_TEXT, request), U(DB_TEXT, address), U(DB_TEXT, zip),    U(DB_TEXT, note),
    U(DB_TEXT, detail),   U(DB_TEXT, search),  U(DB_INT64, total),
};
#undef U
static const struct db_shape list_shape = DB_SHAPE("unmatched requests", struct db_unmatched, list_cols);

/* Premises held now whose address has every word typed but the street
 * types and directions (when there are others: "123 WEST 45 STREET" looks
 * for 123 and 45, written 45 or 45th), the last one maybe begun; whose
 * postcode is the text; or whose customer has the text as account number.
 * $1 the text, $2 the limit. */
static const char premises_sql[] =
    "WITH w AS (SELECT x AS word, n, n = max(n) OVER () AS is_last"
    " FROM regexp_split_to_table(lower($1), '[^[:alnum:]]+') WITH ORDINALITY AS t(x, n) WHERE x <> ''),"
    " k AS (SELECT * FROM w WHERE NOT import_generic_word(word) OR NOT EXISTS"
    " (SELECT 1 FROM w w2 WHERE NOT import_generic_word(w2.word))),"
    " q AS (SELECT string_agg(g, ' & ')::tsquery AS q FROM (SELECT '(' || string_agg(quote_literal(v)"
    " || CASE WHEN k.is_last THEN ':*' ELSE '' END, ' | ') || ')' AS g"
    " FROM k CROSS JOIN LATERAL unnest(import_word_variants(k.word)) v GROUP BY k.n, k.is_last) y),"
    " hits AS (SELECT d.customer_id, d.premise_id FROM search_doc d, q WHERE d.source = 'a' AND d.tokens @@ q.q"
    " UNION SELECT cp.customer_id, cp.premise_id FROM premise p"
    "  JOIN customer_premise cp ON cp.premise_id = p.id AND cp.end_date IS NULL"
    "  WHERE p.postcode_nospace = upper(replace(btrim($1), ' ', ''))"
    " UNION SELECT cp.customer_id, cp.premise_id FROM customer c"
    "  JOIN customer_premise cp ON cp.customer_id = c.id AND cp.end_date IS NULL WHERE c.account_no = btrim($1))"
    " SELECT p.id AS premise_id, c.id AS customer_id,"
    " concat_ws(', ', p.address_line1, nullif(p.address_line2, ''), p.town) AS address, p.postcode,"
    " c.name AS customer, c.account_no,"
    " (SELECT 'since ' || to_char(min(cp.start_date), 'YYYY-MM-DD') FROM customer_premise cp"
    "   WHERE cp.customer_id = c.id AND cp.premise_id = p.id AND cp.end_date IS NULL) AS held"
    " FROM (SELECT * FROM hits LIMIT 500) h JOIN premise p ON p.id = h.premise_id JOIN customer c ON c.id = h.customer_id"
    " WHERE c.merged_into IS NULL"
    " ORDER BY p.postcode, p.address_line1, c.name, p.id, c.id LIMIT $2";

#define P(t, f) DB_COL(t, struct db_premise_hit, f)
static const struct db_col premise_cols[] = {
    P(DB_INT64, premise_id), P(DB_INT64, customer_id), P(DB_TEXT, address),
    P(DB_TEXT, postcode),    P(DB_TEXT, customer),     P(DB_TEXT, account_no), P(DB_TEXT, held),
};
#undef P
static const struct db_shape premise_shape = DB_SHAPE("premises", struct db_premise_hit, premise_cols);

/* NULL back: someone changed the request first. */
static const char link_sql[] =
    "SELECT service_request_link($1::bigint, $2::integer, $3::bigint, $4::bigint) AS reference";
static const char dismiss_sql[] =
    "SELECT service_request_dismiss($1::bigint, $2::integer, $3)::text AS reference";

struct answer {
    char *reference;
    bool stale;
};
static const struct db_col answer_cols[] = {
    DB_COL_NULL(DB_TEXT, struct answer, reference, stale),
};
static const struct db_shape answer_shape = DB_SHAPE("link", struct answer, answer_cols);

struct pending {
    void (*rows_done)(void *ctx, struct db_rows *rows, const char *err);
    void (*write_done)(void *ctx, const char *reference, bool stale, const char *err);
    const struct db_shape *shape;
    void *ctx;
};

/* The caller's ctx may go with its callback (a screen closing): ours is
 * freed first. */
static void on_result(void *arg, const PGresult *res, const char *err, double ms)
{
    (void)ms;
    struct pending p = *(struct pending *)arg;
    free(arg);
    struct db_rows rows = {.shape = p.shape};
    char why[256];
    if (!err && db_rows_decode(&rows, p.shape, res, why, sizeof why) < 0)
        err = why;
    if (p.rows_done) {
        p.rows_done(p.ctx, &rows, err);
    } else {
        const struct answer *a = !err && rows.n == 1 ? DB_ROW(&rows, const struct answer, 0) : NULL;
        if (!err && !a)
            err = "the database gave no answer";
        p.write_done(p.ctx, a && !a->stale ? a->reference : NULL, a && a->stale, err);
    }
    db_rows_free(&rows);
}

static unsigned send(struct db_conn *c, const struct db_query *base, struct pending *p)
{
    struct db_query q = *base;
    q.done = on_result;
    q.ctx = p;
    q.cleanup = free;
    return db_send(c, &q);
}

unsigned db_unmatched_load(struct db_conn *c, int limit, void (*done)(void *ctx, struct db_rows *rows, const char *err),
                           void *ctx)
{
    char n[16];
    util_format(n, sizeof n, "%d", limit);
    const char *v[1] = {n};
    struct pending *p = util_calloc(1, sizeof *p);
    *p = (struct pending){.rows_done = done, .shape = &list_shape, .ctx = ctx};
    struct db_query q = {.sql = list_sql, .nparams = 1, .params = v, .slot = "unmatched-list", .owner = ctx};
    return send(c, &q, p);
}

unsigned db_unmatched_premises(struct db_conn *c, const char *text, int limit, int delay_ms,
                               void (*done)(void *ctx, struct db_rows *rows, const char *err), void *ctx)
{
    char n[16];
    util_format(n, sizeof n, "%d", limit);
    const char *v[2] = {text, n};
    struct pending *p = util_calloc(1, sizeof *p);
    *p = (struct pending){.rows_done = done, .shape = &premise_shape, .ctx = ctx};
    struct db_query q = {.sql = premises_sql, .nparams = 2, .params = v, .slot = "unmatched-premises",
                         .delay_ms = delay_ms, .owner = ctx};
    return send(c, &q, p);
}

static unsigned write_request(struct db_conn *c, const char *sql, int n, const char *const *v,
                      void (*done)(void *ctx, const char *reference, bool stale, const char *err), void *ctx)
{
    struct pending *p = util_calloc(1, sizeof *p);
    *p = (struct pending){.write_done = done, .shape = &answer_shape, .ctx = ctx};
    struct db_query q = {.sql = sql, .nparams = n, .params = v, .owner = ctx};
    return send(c, &q, p);
}

unsigned db_unmatched_link(struct db_conn *c, int64_t id, int version, int64_t premise, int64_t customer,
                           void (*done)(void *ctx, const char *reference, bool stale, const char *err), void *ctx)
{
    char a[24], b[16], d[24], e[24];
    util_format(a, sizeof a, "%lld", (long long)id);
    util_format(b, sizeof b, "%d", version);
    util_format(d, sizeof d, "%lld", (long long)premise);
    util_format(e, sizeof e, "%lld", (long long)customer);
    const char *v[4] = {a, b, d, e};
    return write_request(c, link_sql, 4, v, done, ctx);
}

unsigned db_unmatched_dismiss(struct db_conn *c, int64_t id, int version, const char *why,
                              void (*done)(void *ctx, const char *reference, bool stale, const char *err), void *ctx)
{
    char a[24], b[16];
    util_format(a, sizeof a, "%lld", (long long)id);
    util_format(b, sizeof b, "%d", version);
    const char *v[3] = {a, b, why};
    return write_request(c, dismiss_sql, 3, v, done, ctx);
}

/* With the values of the statements test: the demo data has no request,
 * so the list is empty but decoded; "road" finds premises. */
static const char *const check_list[] = {"20"};
static const char *const check_premises[] = {"road", "20"};

const struct db_statement *db_unmatched_statements(int *n)
{
    static const struct db_statement list[] = {
        {list_sql, 1, check_list, &list_shape, false},
        {premises_sql, 2, check_premises, &premise_shape, false},
    };
    *n = (int)(sizeof list / sizeof list[0]);
    return list;
}
