/* import_apply.c — the set-based phases of a 311 import after the COPY (known requests updated, new ones stored, matched, opened as complaints, complaints moved on, the run recorded), and the mapping's check against the database. */
#include <stdlib.h>
#include <string.h>

#include "careline/import.h"
#include "careline/util.h"
#include "import_int.h"

/* The same request twice in one file: the later row is the newer. */
static const char dedupe_sql[] =
    "DELETE FROM import_stage s USING (SELECT line, row_number() OVER (PARTITION BY external_id ORDER BY line DESC) AS n"
    " FROM import_stage) d WHERE d.line = s.line AND d.n > 1";

/* Requests seen before: what they said then, and whether this row says
 * the same ($1 the source). */
static const char known_sql[] =
    "CREATE TEMP TABLE import_known ON COMMIT DROP AS"
    " SELECT s.line, r.id, r.status, r.resolution, r.row_hash = s.hash AS same, r.complaint_id IS NOT NULL AS linked,"
    " r.dismissed_at IS NOT NULL AS dismissed"
    " FROM import_stage s JOIN service_request r ON r.source = $1 AND r.external_id = s.external_id";

/* The stored form of a staged row's columns ($2 the time zone); the closing
 * time of a GeoReport request is when it was last updated, as closed. */
#define STAGED_VALUES                                                                                          \
    " s.agency, s.agency_name, s.request_type, s.descriptor, c.id, s.status_raw, s.status,"                    \
    " import_time(s.created, $2), import_time(coalesce(s.closed, CASE WHEN s.status = 'closed' THEN s.updated END), $2)," \
    " import_time(s.due, $2), import_time(s.expected, $2), import_time(s.updated, $2), s.resolution, s.description," \
    " s.location_type, s.address, s.street, s.zip, s.city, s.borough, s.cross1, s.cross2, s.inter1, s.inter2,"  \
    " s.address_type, s.lat::double precision, s.lon::double precision, s.media_url, s.hash, $3"
#define STORED_COLUMNS                                                                                         \
    "agency, agency_name, request_type, descriptor, category_id, status_raw, status, requested_at, closed_at,"   \
    " due_at, expected_at, source_updated_at, resolution, description, location_type, address, street, zip, city," \
    " borough, cross_street_1, cross_street_2, intersection_street_1, intersection_street_2, address_type,"     \
    " latitude, longitude, media_url, row_hash, last_run"

/* Known requests whose row changed ($1 source, $2 zone, $3 run). */
static const char update_sql[] =
    "UPDATE service_request r SET (" STORED_COLUMNS ") = ROW(" STAGED_VALUES ")"
    " FROM import_stage s JOIN import_known k ON k.line = s.line JOIN complaint_category c ON c.code = s.category"
    " WHERE r.id = k.id AND NOT k.same AND r.source = $1";

/* What the match is to place: the new rows by line (key minus the line), the
 * known ones still waiting by id ($1 the zone). */
static const char to_match_sql[] =
    "WITH n AS (INSERT INTO sr_match (k, line, requested_at, address, street_name, zip_raw, inter)"
    " SELECT -s.line, s.line, import_time(s.created, $1), s.address, s.street, s.zip,"
    " concat_ws(' and ', nullif(btrim(s.inter1), ''), nullif(btrim(s.inter2), '')) FROM import_stage s"
    " WHERE NOT EXISTS (SELECT 1 FROM import_known k WHERE k.line = s.line) RETURNING 1)"
    " INSERT INTO sr_match (k, id, requested_at, address, street_name, zip_raw, inter)"
    " SELECT r.id, r.id, r.requested_at, r.address, r.street, r.zip,"
    " concat_ws(' and ', nullif(btrim(r.intersection_street_1), ''), nullif(btrim(r.intersection_street_2), ''))"
    " FROM import_known k JOIN service_request r ON r.id = k.id WHERE NOT k.linked AND NOT k.dismissed";

/* New requests, with where the match placed them ($1 source, $2 zone, $3 run): one write each. */
static const char insert_sql[] =
    "WITH ins AS (INSERT INTO service_request (source, external_id, first_run, premise_id, customer_id, match_kind,"
    " match_score, match_note, complaint_id, " STORED_COLUMNS ")"
    " SELECT $1, s.external_id, $3, m.premise_id, m.customer_id, m.kind, m.score, m.note, m.complaint_id,"
    STAGED_VALUES
    " FROM import_stage s JOIN complaint_category c ON c.code = s.category JOIN sr_match m ON m.line = s.line"
    " RETURNING id)"
    " INSERT INTO import_new (id) SELECT id FROM ins";

/* Known requests still waiting, where the match now places them. */
static const char placed_sql[] =
    "UPDATE service_request r SET premise_id = m.premise_id, customer_id = m.customer_id, match_kind = m.kind,"
    " match_score = m.score, match_note = m.note, complaint_id = m.complaint_id"
    " FROM sr_match m WHERE m.id = r.id"
    " AND (r.premise_id, r.customer_id, r.match_kind, r.match_score, r.match_note)"
    " IS DISTINCT FROM (m.premise_id, m.customer_id, m.kind, m.score, m.note)";

static const char match_sql[] = "SELECT service_request_match($1::real)";

/* Which requests to open: the new ones, and known ones that were waiting
 * (a premise added since may have placed them). */
#define WAITING_IDS                                                                                            \
    "ARRAY(SELECT id FROM import_new UNION ALL SELECT id FROM import_known WHERE NOT linked AND NOT dismissed)"

static const char open_sql[] =
    "SELECT service_request_open(" WAITING_IDS ", (SELECT id FROM root_cause WHERE code = $1))";

/* After opening: new requests with a complaint, new ones without, known
 * ones that found their premise now, how the known rows compare, those
 * kept resolved for a follow-up, and every request still waiting. */
static const char counts_sql[] =
    "SELECT (SELECT count(*) FROM import_new n JOIN service_request r ON r.id = n.id WHERE r.complaint_id IS NOT NULL)"
    " AS imported,"
    " (SELECT count(*) FROM import_new n JOIN service_request r ON r.id = n.id WHERE r.complaint_id IS NULL) AS unmatched,"
    " (SELECT count(*) FROM import_known k JOIN service_request r ON r.id = k.id"
    "   WHERE NOT k.linked AND r.complaint_id IS NOT NULL) AS matched_later,"
    " (SELECT count(*) FROM import_known WHERE NOT same) AS updated,"
    " (SELECT count(*) FROM import_known WHERE same) AS unchanged,"
    " (SELECT count(*) FROM import_known k JOIN service_request r ON r.id = k.id"
    "   WHERE k.linked AND NOT k.same AND r.status = 'closed' AND k.status <> 'closed'"
    "   AND EXISTS (SELECT 1 FROM follow_up f WHERE f.complaint_id = r.complaint_id AND f.status = 'open')) AS kept_open,"
    " (SELECT count(*) FROM service_request WHERE complaint_id IS NULL AND dismissed_at IS NULL) AS waiting";
struct import_counts {
    int64_t imported, unmatched, matched_later, updated, unchanged, kept_open, waiting;
};
#define N(f) DB_COL(DB_INT64, struct import_counts, f)
static const struct db_col counts_cols[] = {
    N(imported), N(unmatched), N(matched_later), N(updated), N(unchanged), N(kept_open), N(waiting),
};
#undef N
static const struct db_shape counts_shape = DB_SHAPE("311 import: counts", struct import_counts, counts_cols);

/* Complaints of changed known requests brought up to the city's status. */
static const char apply_sql[] =
    "SELECT service_request_apply((SELECT coalesce(jsonb_agg(jsonb_build_object('id', id, 'status', status,"
    " 'resolution', resolution)), '[]') FROM import_known WHERE linked AND NOT same),"
    " (SELECT id FROM root_cause WHERE code = $1)) AS moved";
struct import_moved {
    int64_t moved;
};
static const struct db_col moved_cols[] = {DB_COL(DB_INT64, struct import_moved, moved)};
static const struct db_shape moved_shape = DB_SHAPE("311 import: complaints moved on", struct import_moved, moved_cols);

static const char record_sql[] =
    "UPDATE import_run SET finished_at = clock_timestamp(), rows_read = $2, imported = $3, updated = $4,"
    " unchanged = $5, skipped_agency = $6, unmapped = $7, unmatched = $8, bad = $9, duplicates = $10,"
    " details = jsonb_build_object('skipped', $11::jsonb, 'unmapped', $12::jsonb, 'bad', $13::jsonb,"
    " 'matched_later', $14::integer, 'moved', $15::integer, 'kept_open', $16::integer)"
    " WHERE id = $1";

void import_json_string(struct util_buf *b, const char *s)
{
    util_buf_add(b, "\"", 1);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            util_buf_printf(b, "\\%c", *p);
        else if (*p < 0x20 || *p == 0x7f)
            util_buf_printf(b, "\\u%04x", *p);
        else
            util_buf_add(b, (const char *)p, 1);
    }
    util_buf_add(b, "\"", 1);
}

/* One statement; with rows set, how many rows it changed. */
static int step(struct db_conn *c, const char *sql, int n, const char *const *p, long *rows, char *err, size_t errlen)
{
    PGresult *res = db_exec(c, sql, n, p);
    if (!res) {
        util_format(err, errlen, "%s", db_error(c));
        return -1;
    }
    int64_t v = 0;
    if (rows && util_parse_int64(PQcmdTuples(res), &v) < 0)
        v = 0;
    if (rows)
        *rows = (long)v;
    PQclear(res);
    return 0;
}

static void phase(const struct db_import_hooks *h, const char *what, const struct db_import_summary *out)
{
    if (h && h->progress)
        h->progress(h->ctx, what, 0, 0, out->rows);
}

/* The tallies as a JSON object {"what": rows} (skipped) or array of
 * {"what", "rows"} (unmapped). */
static char *tallies_json(const struct db_import_tally *t, int n, bool object)
{
    struct util_buf b = {0};
    util_buf_puts(&b, object ? "{" : "[");
    for (int i = 0; i < n; i++) {
        util_buf_puts(&b, i ? ", " : "");
        if (!object)
            util_buf_puts(&b, "{\"what\": ");
        import_json_string(&b, t[i].what);
        util_buf_printf(&b, object ? ": %ld" : ", \"rows\": %ld}", t[i].rows);
    }
    util_buf_puts(&b, object ? "}" : "]");
    return util_buf_steal(&b);
}

static int record(struct db_conn *c, const struct db_import_summary *o, const char *bad_json, char *err, size_t errlen)
{
    long v[] = {o->rows, o->imported, o->updated, o->unchanged, o->skipped, o->unmapped, o->unmatched, o->bad,
                o->duplicates};
    char num[16][24];
    const char *p[16];
    util_format(num[0], sizeof num[0], "%lld", (long long)o->run_id);
    p[0] = num[0];
    for (int i = 0; i < 9; i++) {
        util_format(num[i + 1], sizeof num[i + 1], "%ld", v[i]);
        p[i + 1] = num[i + 1];
    }
    char *skipped = tallies_json(o->skipped_by, o->nskipped_by, true);
    char *unmapped = tallies_json(o->unmapped_by, o->nunmapped_by, false);
    char *bad = util_asprintf("[%s]", bad_json);
    p[10] = skipped;
    p[11] = unmapped;
    p[12] = bad;
    long w[] = {o->matched_later, o->moved, o->kept_open};
    for (int i = 0; i < 3; i++) {
        util_format(num[13 + i], sizeof num[13 + i], "%ld", w[i]);
        p[13 + i] = num[13 + i];
    }
    int rc = step(c, record_sql, 16, p, NULL, err, errlen);
    free(skipped);
    free(unmapped);
    free(bad);
    return rc;
}

int import_apply(struct db_conn *c, const struct db_import_map *m, struct db_import_summary *out, const char *bad_json,
                 const struct db_import_hooks *h, char *err, size_t errlen)
{
    static const char *const sources[] = {"nyc311", "open311"};
    char run[24], score[24];
    util_format(run, sizeof run, "%lld", (long long)out->run_id);
    util_format(score, sizeof score, "%.3f", m->min_score);
    const char *src[1] = {sources[m->source]};
    const char *stored[3] = {sources[m->source], m->timezone ? m->timezone : "", run};
    const char *cause[1] = {m->root_cause};
    const char *min[1] = {score};
    const char *zone[1] = {m->timezone ? m->timezone : ""};
    phase(h, "storing", out);
    /* A temporary table has no statistics until asked: the joins below are planned on them. */
    if (step(c, "ANALYZE import_stage", 0, NULL, NULL, err, errlen) < 0 ||
        step(c, dedupe_sql, 0, NULL, &out->duplicates, err, errlen) < 0 ||
        step(c, known_sql, 1, src, NULL, err, errlen) < 0 ||
        step(c, "CREATE TEMP TABLE import_new (id bigint PRIMARY KEY) ON COMMIT DROP", 0, NULL, NULL, err, errlen) < 0 ||
        step(c, update_sql, 3, stored, NULL, err, errlen) < 0)
        return -1;
    phase(h, "matching", out);
    if (step(c, "SELECT service_request_match_table()", 0, NULL, NULL, err, errlen) < 0 ||
        step(c, to_match_sql, 1, zone, NULL, err, errlen) < 0 ||
        step(c, match_sql, 1, min, NULL, err, errlen) < 0 || step(c, insert_sql, 3, stored, NULL, err, errlen) < 0 ||
        step(c, placed_sql, 0, NULL, NULL, err, errlen) < 0)
        return -1;
    phase(h, "opening complaints", out);
    if (step(c, open_sql, 1, cause, NULL, err, errlen) < 0)
        return -1;
    struct db_rows q = {0};
    if (db_exec_one(c, counts_sql, 0, NULL, &counts_shape, &q, err, errlen) < 0)
        return -1;
    const struct import_counts *k = DB_ROW(&q, struct import_counts, 0);
    out->imported = (long)k->imported;
    out->unmatched = (long)k->unmatched;
    out->matched_later = (long)k->matched_later;
    out->updated = (long)k->updated;
    out->unchanged = (long)k->unchanged;
    out->kept_open = (long)k->kept_open;
    out->waiting = (long)k->waiting;
    db_rows_free(&q);
    out->fresh = out->imported + out->unmatched;
    out->known = out->updated + out->unchanged;
    phase(h, "updating complaints", out);
    if (db_exec_one(c, apply_sql, 1, cause, &moved_shape, &q, err, errlen) < 0)
        return -1;
    out->moved = (long)DB_ROW(&q, struct import_moved, 0)->moved;
    db_rows_free(&q);
    phase(h, "recording the run", out);
    return record(c, out, bad_json, err, errlen);
}

/* ---- the mapping against the database ---------------------------------- */

/* The categories complaints can be filed against. */
static const char leaves_sql[] = "SELECT code FROM complaint_category WHERE is_leaf AND active ORDER BY code";
struct leaf {
    char *code;
};
static const struct db_col leaf_cols[] = {DB_COL(DB_TEXT, struct leaf, code)};
static const struct db_shape leaf_shape = DB_SHAPE("311 import: categories", struct leaf, leaf_cols);

static bool in_list(char *const *list, int n, const char *s)
{
    for (int i = 0; i < n; i++)
        if (strcmp(list[i], s) == 0)
            return true;
    return false;
}

int db_import_map_check(struct db_conn *c, struct db_import_map *m, char *err, size_t errlen)
{
    struct db_rows leaves = {0};
    if (db_exec_rows(c, leaves_sql, 0, NULL, &leaf_shape, &leaves, err, errlen) < 0)
        return -1;
    for (int i = 0; i < m->nleaves; i++)
        free(m->leaves[i]);
    free(m->leaves);
    m->nleaves = leaves.n;
    m->leaves = util_calloc((size_t)m->nleaves + 1, sizeof *m->leaves);
    for (int i = 0; i < m->nleaves; i++)
        m->leaves[i] = util_strdup(DB_ROW(&leaves, struct leaf, i)->code);
    db_rows_free(&leaves);
    for (int i = 0; i < m->nrules; i++) {
        if (!in_list(m->leaves, m->nleaves, m->rules[i].category)) {
            util_format(err, errlen, "%s:%d: \"%s\" is not an active category complaints can be filed against (a leaf)",
                        m->file, m->rules[i].line, m->rules[i].category);
            return -1;
        }
    }
    const char *cause[1] = {m->root_cause};
    PGresult *res = db_exec(c, "SELECT 1 FROM root_cause WHERE code = $1", 1, cause);
    bool found = res && PQntuples(res) == 1;
    PQclear(res);
    if (!found) {
        util_format(err, errlen, "%s:%d: there is no root cause \"%s\"", m->file, m->root_cause_line, m->root_cause);
        return -1;
    }
    if (m->timezone && *m->timezone) {
        const char *tz[1] = {m->timezone};
        res = db_exec(c, "SELECT now() AT TIME ZONE $1", 1, tz);
        PQclear(res);
        if (!res) {
            util_format(err, errlen, "%s:%d: the database does not know the time zone \"%s\"", m->file, m->timezone_line,
                        m->timezone);
            return -1;
        }
    }
    return 0;
}

/* ---- the runs ---------------------------------------------------------- */

static const char runs_sql[] =
    "SELECT r.id, r.source, r.file_name AS file,"
    " to_char(r.started_at AT TIME ZONE careline_timezone(), 'YYYY-MM-DD HH24:MI') AS started, r.run_by,"
    " r.rows_read AS rows, r.imported, r.updated, r.unchanged, r.skipped_agency AS skipped, r.unmapped,"
    " r.unmatched, r.bad, coalesce(extract(epoch FROM r.finished_at - r.started_at), 0)::float8 AS seconds"
    " FROM import_run r ORDER BY r.id DESC LIMIT $1";

static const struct db_col run_cols[] = {
    DB_COL(DB_INT64, struct db_import_run_row, id),        DB_COL(DB_TEXT, struct db_import_run_row, source),
    DB_COL(DB_TEXT, struct db_import_run_row, file),       DB_COL(DB_TEXT, struct db_import_run_row, started),
    DB_COL(DB_TEXT, struct db_import_run_row, run_by),     DB_COL(DB_INT64, struct db_import_run_row, rows),
    DB_COL(DB_INT64, struct db_import_run_row, imported),  DB_COL(DB_INT64, struct db_import_run_row, updated),
    DB_COL(DB_INT64, struct db_import_run_row, unchanged), DB_COL(DB_INT64, struct db_import_run_row, skipped),
    DB_COL(DB_INT64, struct db_import_run_row, unmapped),  DB_COL(DB_INT64, struct db_import_run_row, unmatched),
    DB_COL(DB_INT64, struct db_import_run_row, bad),       DB_COL(DB_REAL, struct db_import_run_row, seconds),
};
static const struct db_shape run_shape = DB_SHAPE("import runs", struct db_import_run_row, run_cols);

int db_import_runs(struct db_conn *c, int limit, struct db_rows *out, char *err, size_t errlen)
{
    char n[16];
    util_format(n, sizeof n, "%d", limit);
    const char *p[1] = {n};
    return db_exec_rows(c, runs_sql, 1, p, &run_shape, out, err, errlen);
}

static const char *const runs_params[] = {"10"};
static const struct db_statement statements[] = {
    {leaves_sql, 0, NULL, &leaf_shape, false},
    {runs_sql, 1, runs_params, &run_shape, false},
};

const struct db_statement *db_import_map_statements(int *n)
{
    *n = (int)(sizeof statements / sizeof statements[0]);
    return statements;
}
