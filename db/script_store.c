/* script_store.c — recovery scripts into the database: each changed script a new active version in one transaction, the stored versions, and the complaint categories they may name. */
#include "careline/script.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careline/record.h"
#include "careline/util.h"

static void json_str(struct util_buf *b, const char *s)
{
    util_buf_add(b, "\"", 1);
    for (const unsigned char *q = (const unsigned char *)s; *q; q++) {
        if (*q == '"' || *q == '\\') {
            util_buf_add(b, "\\", 1);
            util_buf_add(b, (const char *)q, 1);
        } else if (*q == '\n') {
            util_buf_puts(b, "\\n");
        } else if (*q == '\t') {
            util_buf_puts(b, "\\t");
        } else if (*q < 0x20) {
            util_buf_printf(b, "\\u%04x", *q);
        } else {
            util_buf_add(b, (const char *)q, 1);
        }
    }
    util_buf_add(b, "\"", 1);
}

static void json_key(struct util_buf *b, bool *first, const char *key)
{
    util_buf_puts(b, *first ? "" : ",");
    *first = false;
    json_str(b, key);
    util_buf_add(b, ":", 1);
}

static void json_tri(struct util_buf *b, bool *first, const char *key, int v)
{
    if (v == SCRIPT_EITHER)
        return;
    json_key(b, first, key);
    util_buf_puts(b, v == SCRIPT_YES ? "true" : "false");
}

/* A step's options object: {"answers": [{"answer", "label", "next"}],
 * "next", "free_text", "amount", "days", "channel", "hours", "priority"},
 * the parts it has. */
static void options_json(struct util_buf *o, const struct script_step *st)
{
    bool first = true;
    if (st->noptions > 0) {
        json_key(o, &first, "answers");
        util_buf_add(o, "[", 1);
        for (int j = 0; j < st->noptions; j++) {
            util_buf_puts(o, j ? ",{\"answer\":" : "{\"answer\":");
            json_str(o, st->options[j].value);
            util_buf_puts(o, ",\"label\":");
            json_str(o, st->options[j].label);
            if (st->options[j].next) {
                util_buf_puts(o, ",\"next\":");
                json_str(o, st->options[j].next);
            }
            util_buf_add(o, "}", 1);
        }
        util_buf_add(o, "]", 1);
    }
    if (st->next) {
        json_key(o, &first, "next");
        json_str(o, st->next);
    }
    if (st->free_text) {
        json_key(o, &first, "free_text");
        util_buf_puts(o, "true");
    }
    if (st->amount_pence > 0) {
        json_key(o, &first, "amount");
        util_buf_printf(o, "%lld.%02lld", st->amount_pence / 100, st->amount_pence % 100);
    }
    if (st->days >= 0) {
        json_key(o, &first, "days");
        util_buf_printf(o, "%d", st->days);
    }
    if (st->channel) {
        json_key(o, &first, "channel");
        json_str(o, st->channel);
    }
    if (st->hours > 0) {
        json_key(o, &first, "hours");
        util_buf_printf(o, "%d", st->hours);
    }
    if (st->priority) {
        json_key(o, &first, "priority");
        json_str(o, st->priority);
    }
}

/* A step's condition object: {"vulnerable", "priority_services",
 * "non_digital", "event", "compensation", "language"}, the parts it has. */
static void condition_json(struct util_buf *w, const struct script_when *when)
{
    bool first = true;
    json_tri(w, &first, "vulnerable", when->vulnerable);
    json_tri(w, &first, "priority_services", when->priority_services);
    json_tri(w, &first, "non_digital", when->non_digital);
    json_tri(w, &first, "event", when->event);
    json_tri(w, &first, "compensation", when->compensation);
    if (when->language) {
        json_key(w, &first, "language");
        json_str(w, when->language);
    }
}

/* The steps as a JSON array for jsonb_to_recordset: what script_step
 * holds; options and condition are left out when empty. */
static char *steps_json(const struct script *s)
{
    struct util_buf b = {0};
    util_buf_add(&b, "[", 1);
    for (int i = 0; i < s->nsteps; i++) {
        const struct script_step *st = &s->steps[i];
        util_buf_printf(&b, "%s{\"step_no\":%d,\"step_key\":", i ? "," : "", i + 1);
        json_str(&b, st->key);
        util_buf_puts(&b, ",\"kind\":");
        json_str(&b, script_kind_name(st->kind));
        util_buf_puts(&b, ",\"text\":");
        json_str(&b, st->text);
        if (st->action != SCRIPT_ACT_NONE) {
            util_buf_puts(&b, ",\"action_kind\":");
            json_str(&b, st->action_name ? st->action_name : script_action_name(st->action));
        }
        struct util_buf part = {0};
        options_json(&part, st);
        if (part.len)
            util_buf_printf(&b, ",\"options\":{%s}", part.data);
        util_buf_clear(&part);
        condition_json(&part, &st->when);
        if (part.len)
            util_buf_printf(&b, ",\"condition\":{%s}", part.data);
        util_buf_free(&part);
        util_buf_add(&b, "}", 1);
    }
    util_buf_add(&b, "]", 1);
    return util_buf_steal(&b);
}

static const char *tri_param(int v)
{
    return v == SCRIPT_EITHER ? NULL : v == SCRIPT_YES ? "true" : "false";
}

static const char store_insert_sql[] =
    "INSERT INTO recovery_script (code, name, version, categories, segment, language, requires_vulnerability,"
    " requires_event, active, source)"
    " VALUES ($1, $2, (SELECT coalesce(max(version), 0) + 1 FROM recovery_script WHERE code = $1),"
    " CASE WHEN $3 = '*' THEN '{}'::text[] ELSE string_to_array($3, ' ') END, $4, $5, $6::boolean, $7::boolean,"
    " true, $8)"
    " RETURNING id, version";

static const char store_steps_sql[] =
    "INSERT INTO script_step (script_id, step_no, step_key, kind, text, options, condition, action_kind)"
    " SELECT $1::integer, x.step_no, x.step_key, x.kind, x.text, x.options, x.condition, x.action_kind"
    " FROM jsonb_to_recordset($2::jsonb) AS x(step_no integer, step_key text, kind text, text text,"
    " options jsonb, condition jsonb, action_kind text)";

/* db_exec that keeps the reason; NULL on failure. */
static PGresult *exec_or(struct db_conn *c, const char *sql, int n, const char *const *params, const char *what,
                         char *err, size_t errlen)
{
    PGresult *r = db_exec(c, sql, n, params);
    if (!r)
        util_format(err, errlen, "%s: %s", what, db_error(c));
    return r;
}

/* The active version of a code, and the row a new version got. */
static const char active_sql[] =
    "SELECT version, source FROM recovery_script WHERE code = $1 AND active ORDER BY version DESC LIMIT 1";
struct stored_version {
    int id, version;
    char *source;
};
static const struct db_col active_cols[] = {
    DB_COL(DB_INT, struct stored_version, version),
    DB_COL(DB_TEXT, struct stored_version, source),
};
static const struct db_shape active_shape = DB_SHAPE("recovery script: active version", struct stored_version,
                                                     active_cols);
static const struct db_col inserted_cols[] = {
    DB_COL(DB_INT, struct stored_version, id),
    DB_COL(DB_INT, struct stored_version, version),
};
static const struct db_shape inserted_shape = DB_SHAPE("recovery script: new version", struct stored_version,
                                                       inserted_cols);

/* db_exec_rows with the reason prefixed by what. */
static int rows_or(struct db_conn *c, const char *sql, int n, const char *const *params,
                   const struct db_shape *shape, struct db_rows *out, const char *what, char *err, size_t errlen)
{
    char why[512];
    if (db_exec_rows(c, sql, n, params, shape, out, why, sizeof why) == 0)
        return 0;
    util_format(err, errlen, "%s: %s", what, why);
    return -1;
}

/* Store one script inside the transaction: unchanged, or a new version. */
static int store_one(struct db_conn *c, const struct script *s, struct db_script_stored *out, char *err,
                     size_t errlen)
{
    char what[200];
    util_format(what, sizeof what, "storing %s", s->code);
    const char *p1[1] = {s->code};
    struct db_rows rows = {0};
    if (rows_or(c, active_sql, 1, p1, &active_shape, &rows, what, err, errlen) < 0)
        return -1;
    const struct stored_version *active = rows.n == 1 ? DB_ROW(&rows, struct stored_version, 0) : NULL;
    out->unchanged = active && strcmp(active->source, s->source) == 0;
    out->version = out->unchanged ? active->version : 0;
    db_rows_free(&rows);
    if (out->unchanged)
        return 0;
    PGresult *r = exec_or(c, "UPDATE recovery_script SET active = false WHERE code = $1 AND active", 1, p1, what, err, errlen);
    if (!r)
        return -1;
    PQclear(r);
    struct util_buf cats = {0};
    for (int j = 0; j < s->ncategories; j++) {
        if (j)
            util_buf_add(&cats, " ", 1);
        util_buf_puts(&cats, s->categories[j]);
    }
    const char *params[8] = {s->code, s->name, cats.data ? cats.data : "*", s->segment, s->language,
                             tri_param(s->requires_vulnerability), tri_param(s->requires_event), s->source};
    int rc = rows_or(c, store_insert_sql, 8, params, &inserted_shape, &rows, what, err, errlen);
    util_buf_free(&cats);
    if (rc == 0 && rows.n != 1) {
        util_format(err, errlen, "%s: the database answered %d rows for the new version", what, rows.n);
        rc = -1;
    }
    int id = rc == 0 ? DB_ROW(&rows, struct stored_version, 0)->id : 0;
    out->version = rc == 0 ? DB_ROW(&rows, struct stored_version, 0)->version : 0;
    db_rows_free(&rows);
    if (rc < 0)
        return -1;
    char idtext[16];
    util_format(idtext, sizeof idtext, "%d", id);
    char *json = steps_json(s);
    const char *sp[2] = {idtext, json};
    r = exec_or(c, store_steps_sql, 2, sp, what, err, errlen);
    free(json);
    if (!r)
        return -1;
    PQclear(r);
    return 0;
}

int db_script_store(struct db_conn *c, const struct script *const *scripts, int n, struct db_script_stored *out,
                    char *err, size_t errlen)
{
    PGresult *r = exec_or(c, "BEGIN", 0, NULL, "begin", err, errlen);
    if (!r)
        return -1;
    PQclear(r);
    /* Two administrators loading at once take turns, so version numbers
     * and the one active version per code stay right. */
    r = exec_or(c, "SELECT pg_advisory_xact_lock(hashtext('careline.recovery_script'))", 0, NULL, "lock", err,
                errlen);
    if (!r)
        goto fail;
    PQclear(r);
    for (int i = 0; i < n; i++)
        if (store_one(c, scripts[i], &out[i], err, errlen) < 0)
            goto fail;
    r = exec_or(c, "COMMIT", 0, NULL, "commit", err, errlen);
    if (!r)
        goto fail;
    PQclear(r);
    return 0;
fail:
    r = db_exec(c, "ROLLBACK", 0, NULL);
    if (r)
        PQclear(r);
    return -1;
}

static const char categories_sql[] = "SELECT code FROM complaint_category ORDER BY code";
struct category_code {
    char *code;
};
static const struct db_col category_cols[] = {DB_COL(DB_TEXT, struct category_code, code)};
static const struct db_shape category_shape = DB_SHAPE("categories", struct category_code, category_cols);

char **db_script_categories(struct db_conn *c, char *err, size_t errlen)
{
    struct db_rows rows = {0};
    if (rows_or(c, categories_sql, 0, NULL, &category_shape, &rows, "categories", err, errlen) < 0)
        return NULL;
    char **v = util_calloc((size_t)rows.n + 1, sizeof *v);
    for (int i = 0; i < rows.n; i++)
        v[i] = util_strdup(DB_ROW(&rows, struct category_code, i)->code);
    db_rows_free(&rows);
    return v;
}

/* ---- what is stored ------------------------------------------------------------ */

static const char versions_sql[] =
    "SELECT code, version, active, name,"
    " CASE WHEN cardinality(categories) = 0 THEN '*' ELSE array_to_string(categories, ' ') END AS categories"
    " FROM recovery_script ORDER BY code, version";
static const struct db_col version_cols[] = {
    DB_COL(DB_TEXT, struct db_script_version, code),
    DB_COL(DB_INT, struct db_script_version, version),
    DB_COL(DB_BOOL, struct db_script_version, active),
    DB_COL(DB_TEXT, struct db_script_version, name),
    DB_COL(DB_TEXT, struct db_script_version, categories),
};
static const struct db_shape version_shape = DB_SHAPE("recovery script versions", struct db_script_version,
                                                      version_cols);

static const char complaint_id_sql[] = "SELECT id::text AS id FROM complaint WHERE reference = $1";
struct complaint_id {
    char *id;
};
static const struct db_col complaint_id_cols[] = {DB_COL(DB_TEXT, struct complaint_id, id)};
static const struct db_shape complaint_id_shape = DB_SHAPE("complaint id", struct complaint_id, complaint_id_cols);

static const char *const demo_reference[] = {"C-2026-000001"};
static const char *const demo_script[] = {"general"};
static const struct db_statement statements[] = {
    {versions_sql, 0, NULL, &version_shape, false},
    {complaint_id_sql, 1, demo_reference, &complaint_id_shape, false},
    {active_sql, 1, demo_script, &active_shape, false},
    {categories_sql, 0, NULL, &category_shape, false},
};

const struct db_statement *db_script_statements(int *n)
{
    *n = (int)(sizeof statements / sizeof statements[0]);
    return statements;
}

/* One statement decoded with its shape; 0, or -1 with the reason. */
static int fetch(struct db_conn *c, const char *sql, int n, const char *const *params, const struct db_shape *shape,
                 struct db_rows *out, char *err, size_t errlen)
{
    PGresult *r = db_exec(c, sql, n, params);
    if (!r) {
        util_format(err, errlen, "%s", db_error(c));
        return -1;
    }
    int rc = db_rows_decode(out, shape, r, err, errlen);
    PQclear(r);
    return rc;
}

int db_script_versions(struct db_conn *c, struct db_rows *out, char *err, size_t errlen)
{
    return fetch(c, versions_sql, 0, NULL, &version_shape, out, err, errlen);
}

int db_script_complaint_id(struct db_conn *c, const char *reference, char id[37], char *err, size_t errlen)
{
    struct db_rows rows = {0};
    const char *params[1] = {reference};
    if (fetch(c, complaint_id_sql, 1, params, &complaint_id_shape, &rows, err, errlen) < 0)
        return -1;
    int found = rows.n == 1;
    if (found && util_format_fits(id, 37, "%s", DB_ROW(&rows, struct complaint_id, 0)->id) < 0) {
        util_format(err, errlen, "complaint %s: the database sent an id that is not a UUID", reference);
        found = -1;
    }
    db_rows_free(&rows);
    return found;
}
