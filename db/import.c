/* import.c — one 311 import run: the file read request by request, each one checked, mapped and COPYed into a staging table, then the set-based phases (import_apply.c), all in one transaction. */
#include <stdlib.h>
#include <string.h>

#include "careline/import.h"
#include "careline/util.h"
#include "import_int.h"

/* The staging table: one row per request read, in the COPY's column order. */
static const char stage_sql[] =
    "CREATE TEMP TABLE import_stage ("
    " line integer NOT NULL, external_id text NOT NULL, category text NOT NULL, status_raw text NOT NULL,"
    " status text NOT NULL, created text NOT NULL, closed text, updated text, due text, expected text,"
    " agency text, agency_name text, request_type text, descriptor text, location_type text, address text,"
    " street text, zip text, city text, borough text, cross1 text, cross2 text, inter1 text, inter2 text,"
    " address_type text, lat text, lon text, resolution text, description text, media_url text, hash text NOT NULL)"
    " ON COMMIT DROP";

/* Whether the login may import, and the run's row. */
static const char may_sql[] =
    "SELECT has_table_privilege('service_request', 'INSERT, UPDATE')"
    " AND has_table_privilege('import_run', 'INSERT, UPDATE') AS may";
struct may_import {
    bool may;
};
static const struct db_col may_cols[] = {DB_COL(DB_BOOL, struct may_import, may)};
static const struct db_shape may_shape = DB_SHAPE("311 import: may import", struct may_import, may_cols);
static const char new_run_sql[] =
    "INSERT INTO import_run (source, file_name, file_bytes) VALUES ($1, $2, $3::bigint) RETURNING id";
struct import_run {
    int64_t id;
};
static const struct db_col run_cols[] = {DB_COL(DB_INT64, struct import_run, id)};
static const struct db_shape run_shape = DB_SHAPE("311 import: the run", struct import_run, run_cols);

/* The staged columns after line, external_id, category, status_raw, status:
 * which field each is and whether it is a time. */
static const struct {
    enum db_import_field f;
    bool time;
    bool nullable;   /* an empty value is NULL (the stored column has no '' default) */
} staged[] = {
    {DB_IF_CREATED, true, false},      {DB_IF_CLOSED, true, true},         {DB_IF_UPDATED, true, true},
    {DB_IF_DUE, true, true},           {DB_IF_EXPECTED, true, true},       {DB_IF_AGENCY, false, false},
    {DB_IF_AGENCY_NAME, false, true},  {DB_IF_TYPE, false, false},         {DB_IF_DESCRIPTOR, false, false},
    {DB_IF_LOCATION_TYPE, false, true}, {DB_IF_ADDRESS, false, true},      {DB_IF_STREET, false, true},
    {DB_IF_ZIP, false, true},          {DB_IF_CITY, false, true},          {DB_IF_BOROUGH, false, true},
    {DB_IF_CROSS1, false, true},       {DB_IF_CROSS2, false, true},        {DB_IF_INTER1, false, true},
    {DB_IF_INTER2, false, true},       {DB_IF_ADDRESS_TYPE, false, true},  {DB_IF_LAT, false, true},
    {DB_IF_LON, false, true},          {DB_IF_RESOLUTION, false, true},    {DB_IF_DESCRIPTION, false, true},
    {DB_IF_MEDIA_URL, false, true},
};

static const char *const field_titles[DB_IF__COUNT] = {
    [DB_IF_CREATED] = "created date", [DB_IF_CLOSED] = "closed date", [DB_IF_UPDATED] = "updated date",
    [DB_IF_DUE] = "due date", [DB_IF_EXPECTED] = "expected date", [DB_IF_LAT] = "latitude",
    [DB_IF_LON] = "longitude",
};

/* A value without the blanks around it: [*s, *s + *n). */
static void trimmed(const char *v, const char **s, size_t *n)
{
    while (*v == ' ' || *v == '\t' || *v == '\r' || *v == '\n')
        v++;
    size_t k = strlen(v);
    while (k && (v[k - 1] == ' ' || v[k - 1] == '\t' || v[k - 1] == '\r' || v[k - 1] == '\n'))
        k--;
    *s = v;
    *n = k;
}

/* One COPY text-format field: "\N" when empty and nullable. */
static void copy_field(struct util_buf *b, const char *v, bool nullable, bool last)
{
    const char *s;
    size_t n;
    trimmed(v, &s, &n);
    if (n == 0 && nullable) {
        util_buf_add(b, "\\N", 2);
    } else {
        size_t run = 0;
        for (size_t i = 0; i < n; i++) {
            const char *esc = s[i] == '\\' ? "\\\\" : s[i] == '\t' ? "\\t" : s[i] == '\n' ? "\\n" : s[i] == '\r' ? "\\r" : NULL;
            if (!esc)
                continue;
            util_buf_add(b, s + run, i - run);
            util_buf_add(b, esc, 2);
            run = i + 1;
        }
        util_buf_add(b, s + run, n - run);
    }
    util_buf_add(b, last ? "\n" : "\t", 1);
}

/* Count one more under what (agency; agency / type / descriptor). */
static void tally(struct db_import_tally **list, int *n, const char *what)
{
    for (int i = 0; i < *n; i++) {
        if (strcmp((*list)[i].what, what) == 0) {
            (*list)[i].rows++;
            return;
        }
    }
    *list = util_realloc(*list, sizeof **list * (size_t)(*n + 1));
    (*list)[*n] = (struct db_import_tally){util_strdup(what), 1};
    (*n)++;
}

struct run {
    struct db_conn *c;
    const struct db_import_map *m;
    const struct db_import_hooks *h;
    struct db_import_summary *out;
    struct util_buf copy;        /* COPY data not yet sent */
    struct util_buf bad;         /* the first bad rows, as a JSON array's items */
    int nbad_kept;
};

static void report_bad(struct run *r, long line, const char *why)
{
    r->out->bad++;
    if (r->h && r->h->bad)
        r->h->bad(r->h->ctx, line, why);
    if (r->nbad_kept++ < 200) {
        util_buf_printf(&r->bad, "%s{\"line\": %ld, \"reason\": \"", r->bad.len ? ", " : "", line);
        for (const char *p = why; *p; p++) {
            if (*p == '"' || *p == '\\')
                util_buf_printf(&r->bad, "\\%c", *p);
            else if ((unsigned char)*p < 0x20)
                util_buf_printf(&r->bad, "\\u%04x", (unsigned char)*p);
            else
                util_buf_add(&r->bad, p, 1);
        }
        util_buf_puts(&r->bad, "\"}");
    }
}

/* The request's number: present, one line, at most 64 bytes. */
static const char *check_id(const char *v, char *id, size_t len)
{
    const char *s;
    size_t n;
    trimmed(v, &s, &n);
    if (n == 0)
        return "has no request number (Unique Key, service_request_id)";
    if (n > 64 || n >= len)
        return "has a request number longer than 64 characters";
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return "has a control character in its request number";
    memcpy(id, s, n);
    id[n] = '\0';
    return NULL;
}

/* 64-bit FNV-1a of a row's text, as 16 hex digits: a later extract whose
 * row hashes the same changed nothing. */
static void row_hash(const char *s, size_t n, char out[17])
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 0x100000001b3ULL;
    }
    util_format(out, 17, "%016llx", (unsigned long long)h);   /* 16 digits always fit */
}

/* A mapped request into the COPY data: 0, or -1 with why it is bad. */
static int stage_record(struct run *r, const struct db_import_record *rec, const char *category, char *why,
                        size_t whylen)
{
    char id[80], msg[160];
    const char *bad = check_id(rec->v[DB_IF_ID], id, sizeof id);
    if (bad) {
        util_format(why, whylen, "%s", bad);
        return -1;
    }
    const char *status = db_import_status_find(r->m, rec->v[DB_IF_STATUS]);
    if (!status) {
        util_format(why, whylen, "has a status the mapping file does not list: \"%.60s\"", rec->v[DB_IF_STATUS]);
        return -1;
    }
    enum { NSTAGED = sizeof staged / sizeof staged[0] };
    char conv[NSTAGED][48];
    for (size_t i = 0; i < NSTAGED; i++) {
        enum db_import_field f = staged[i].f;
        bool coord = f == DB_IF_LAT || f == DB_IF_LON;
        int rc = 0;
        conv[i][0] = '\0';
        if (staged[i].time)
            rc = db_import_time(rec->v[f], conv[i], sizeof conv[i], msg, sizeof msg);
        else if (coord)
            rc = db_import_coord(rec->v[f], f == DB_IF_LAT ? -90 : -180, f == DB_IF_LAT ? 90 : 180, conv[i],
                                 sizeof conv[i]);
        if (rc < 0) {
            util_format(why, whylen, "has a %s that cannot be read: %s%.60s%s", field_titles[f], coord ? "\"" : "",
                        coord ? rec->v[f] : msg, coord ? "\"" : "");
            return -1;
        }
        if (f == DB_IF_CREATED && !conv[i][0]) {
            util_format(why, whylen, "has no created date (Created Date, requested_datetime)");
            return -1;
        }
    }
    char line[24], hash[17];
    util_format(line, sizeof line, "%ld", rec->line);
    copy_field(&r->copy, line, false, false);
    size_t from = r->copy.len;
    copy_field(&r->copy, id, false, false);
    copy_field(&r->copy, category, false, false);
    copy_field(&r->copy, rec->v[DB_IF_STATUS], false, false);
    copy_field(&r->copy, status, false, false);
    for (size_t i = 0; i < NSTAGED; i++) {
        enum db_import_field f = staged[i].f;
        bool converted = staged[i].time || f == DB_IF_LAT || f == DB_IF_LON;
        copy_field(&r->copy, converted ? conv[i] : rec->v[f], staged[i].nullable, false);
    }
    row_hash(r->copy.data + from, r->copy.len - from, hash);
    copy_field(&r->copy, hash, false, true);
    return 0;
}

static int copy_flush(struct run *r, bool force, char *err, size_t errlen)
{
    if (r->copy.len == 0 || (!force && r->copy.len < (size_t)256 * 1024))
        return 0;
    if (PQputCopyData(db_pg(r->c), r->copy.data, (int)r->copy.len) != 1) {
        util_format(err, errlen, "the database stopped taking the rows: %s", PQerrorMessage(db_pg(r->c)));
        return -1;
    }
    util_buf_clear(&r->copy);
    return 0;
}

/* One request read: counted, mapped, staged. */
static void take(struct run *r, const struct db_import_record *rec)
{
    const char *category;
    enum db_import_verdict v = db_import_map_find(r->m, rec->v[DB_IF_AGENCY], rec->v[DB_IF_TYPE],
                                                  rec->v[DB_IF_DESCRIPTOR], &category);
    if (v == DB_IMPORT_SKIPPED) {
        const char *s;
        size_t n;
        trimmed(rec->v[DB_IF_AGENCY], &s, &n);
        char agency[80];
        if (n)
            util_format(agency, sizeof agency, "%.*s", (int)n, s);
        else
            util_format(agency, sizeof agency, "(no agency)");
        r->out->skipped++;
        tally(&r->out->skipped_by, &r->out->nskipped_by, agency);
        return;
    }
    if (v == DB_IMPORT_UNMAPPED) {
        char what[400];
        util_format(what, sizeof what, "%.80s / %.120s / %.180s", rec->v[DB_IF_AGENCY], rec->v[DB_IF_TYPE],
                    rec->v[DB_IF_DESCRIPTOR]);
        r->out->unmapped++;
        tally(&r->out->unmapped_by, &r->out->nunmapped_by, what);
        return;
    }
    char why[320];
    if (stage_record(r, rec, category, why, sizeof why) < 0)
        report_bad(r, rec->line, why);
}

/* Read the whole file into the staging table. 0, or -1 (err) after
 * ending the COPY with an error, so the transaction can be rolled back. */
static int read_file(struct run *r, FILE *in, long long size, char *err, size_t errlen)
{
    struct db_import_reader *rd = db_import_reader_new(in, r->m->source);
    struct db_import_record rec;
    char why[512];
    int rc = 0;
    for (;;) {
        enum db_import_read got = db_import_reader_next(rd, &rec, why, sizeof why);
        if (got == DB_READ_END)
            break;
        if (got == DB_READ_FATAL) {
            util_format(err, errlen, "%s", why);
            rc = -1;
            break;
        }
        r->out->rows++;
        if (got == DB_READ_BAD)
            report_bad(r, rec.line, why);
        else
            take(r, &rec);
        if (copy_flush(r, false, err, errlen) < 0) {
            rc = -1;
            break;
        }
        if (r->h && r->h->progress && r->out->rows % 2048 == 0)
            r->h->progress(r->h->ctx, "reading", db_import_reader_bytes(rd), size, r->out->rows);
    }
    if (rc == 0 && r->h && r->h->progress)
        r->h->progress(r->h->ctx, "reading", db_import_reader_bytes(rd), size, r->out->rows);
    db_import_reader_free(rd);
    if (rc == 0 && copy_flush(r, true, err, errlen) < 0)
        rc = -1;
    if (PQputCopyEnd(db_pg(r->c), rc == 0 ? NULL : "the file could not be read") != 1 && rc == 0) {
        util_format(err, errlen, "the database stopped taking the rows: %s", PQerrorMessage(db_pg(r->c)));
        rc = -1;
    }
    PGresult *res;
    while ((res = PQgetResult(db_pg(r->c))) != NULL) {
        if (rc == 0 && PQresultStatus(res) != PGRES_COMMAND_OK) {
            util_format(err, errlen, "the database refused the rows: %s", PQresultErrorMessage(res));
            rc = -1;
        }
        PQclear(res);
    }
    return rc;
}

static bool run_sql(struct db_conn *c, const char *sql, char *err, size_t errlen)
{
    PGresult *res = db_exec(c, sql, 0, NULL);
    if (!res)
        util_format(err, errlen, "%s", db_error(c));
    PQclear(res);
    return res != NULL;
}

/* The transaction, the run's row and the staging table, then the COPY. */
static int stage(struct run *r, const char *name, FILE *in, long long size, char *err, size_t errlen)
{
    static const char *const source_names[] = {"nyc311", "open311"};
    char bytes[24];
    util_format(bytes, sizeof bytes, "%lld", size);
    const char *p[3] = {source_names[r->m->source], name, size > 0 ? bytes : NULL};
    if (!run_sql(r->c, "SET LOCAL statement_timeout = 0", err, errlen))
        return -1;
    struct db_rows q = {0};
    char why[256];
    int asked = db_exec_one(r->c, may_sql, 0, NULL, &may_shape, &q, why, sizeof why);
    bool may = asked == 0 && DB_ROW(&q, struct may_import, 0)->may;
    db_rows_free(&q);
    if (!may) {
        util_format(err, errlen, "only supervisors and administrators import 311 requests (%s)",
                    asked == 0 ? "this database role is neither" : why);
        return -1;
    }
    /* Two imports at once take turns: a request in both files is stored once. */
    if (!run_sql(r->c, "SELECT pg_advisory_xact_lock(hashtext('careline.import'))", err, errlen))
        return -1;
    if (db_exec_one(r->c, new_run_sql, 3, p, &run_shape, &q, err, errlen) < 0)
        return -1;
    r->out->run_id = DB_ROW(&q, struct import_run, 0)->id;
    db_rows_free(&q);
    if (!run_sql(r->c, stage_sql, err, errlen))
        return -1;
    PGresult *res = PQexecParams(db_pg(r->c), "COPY import_stage FROM STDIN", 0, NULL, NULL, NULL, NULL, 0);
    bool copying = PQresultStatus(res) == PGRES_COPY_IN;
    if (!copying)
        util_format(err, errlen, "%s", PQresultErrorMessage(res));
    PQclear(res);
    if (!copying)
        return -1;
    return read_file(r, in, size, err, errlen);
}

static int by_rows(const void *a, const void *b)
{
    const struct db_import_tally *x = a, *y = b;
    return x->rows != y->rows ? (x->rows < y->rows ? 1 : -1) : strcmp(x->what, y->what);
}

int db_import_run(struct db_conn *c, const struct db_import_map *m, const char *name, FILE *in, long long size,
                  const struct db_import_hooks *h, struct db_import_summary *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    long long t0 = util_now_ms();
    struct run r = {.c = c, .m = m, .h = h, .out = out};
    if (!run_sql(c, "BEGIN", err, errlen))
        return -1;
    int rc = stage(&r, name, in, size, err, errlen);
    if (rc == 0)
        rc = import_apply(c, m, out, r.bad.data ? r.bad.data : "", h, err, errlen);
    if (rc == 0 && !run_sql(c, h && h->dry_run ? "ROLLBACK" : "COMMIT", err, errlen))
        rc = -1;
    if (rc < 0) {
        PGresult *res = db_exec(c, "ROLLBACK", 0, NULL);
        PQclear(res);
    }
    util_buf_free(&r.copy);
    util_buf_free(&r.bad);
    qsort(out->skipped_by, (size_t)out->nskipped_by, sizeof *out->skipped_by, by_rows);
    qsort(out->unmapped_by, (size_t)out->nunmapped_by, sizeof *out->unmapped_by, by_rows);
    out->seconds = (double)(util_now_ms() - t0) / 1000.0;
    return rc;
}

void db_import_summary_free(struct db_import_summary *s)
{
    for (int i = 0; i < s->nskipped_by; i++)
        free(s->skipped_by[i].what);
    for (int i = 0; i < s->nunmapped_by; i++)
        free(s->unmapped_by[i].what);
    free(s->skipped_by);
    free(s->unmapped_by);
    memset(s, 0, sizeof *s);
}

static const char *const run_params[] = {"nyc311", "statements.csv", "100"};
static const struct db_statement statements[] = {
    {may_sql, 0, NULL, &may_shape, false},
    {new_run_sql, 3, run_params, &run_shape, true},
};

const struct db_statement *db_import_statements(int *n)
{
    *n = (int)(sizeof statements / sizeof statements[0]);
    return statements;
}
