/* record.c — decode libpq results into typed records through a column table checked against the result's column names. */
#include "careline/record.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careline/db.h"
#include "careline/util.h"

/* "-12.3" -> -1230. Exact: money never passes through a double, and a
 * third decimal place is refused rather than rounded away. */
static int parse_money(const char *s, int64_t *v)
{
    bool neg = *s == '-';
    if (*s == '-' || *s == '+')
        s++;
    if (*s < '0' || *s > '9')
        return -1;
    int64_t units = 0;
    for (; *s >= '0' && *s <= '9'; s++) {
        if (units > (INT64_MAX - 9) / 10)
            return -1;
        units = units * 10 + (*s - '0');
    }
    int64_t minor = 0;
    if (*s == '.') {
        s++;
        int places = 0;
        for (; *s >= '0' && *s <= '9'; s++, places++) {
            if (places >= 2) {
                if (*s != '0')   /* 12.300 is fine, 12.345 is not money */
                    return -1;
                continue;
            }
            minor = minor * 10 + (*s - '0');
        }
        if (places == 0)
            return -1;
        if (places == 1)
            minor *= 10;
    }
    if (*s || units > (INT64_MAX - minor) / 100)
        return -1;
    int64_t total = units * 100 + minor;
    *v = neg ? -total : total;
    return 0;
}

int db_value_parse(enum db_type type, const char *s, void *dst)
{
    int64_t i;
    switch (type) {
    case DB_TEXT:
        *(char **)dst = util_strdup(s);
        return 0;
    case DB_INT:
        return util_parse_int(s, (int *)dst);
    case DB_INT64:
        if (util_parse_int64(s, &i))
            return -1;
        *(int64_t *)dst = i;
        return 0;
    case DB_EPOCH: {
        /* extract(epoch ...) is numeric with a fraction: whole seconds. */
        char *end;
        errno = 0;
        double d = strtod(s, &end);
        if (errno || *end || end == s || !isfinite(d) || d < -9.2e18 || d > 9.2e18)
            return -1;
        *(int64_t *)dst = (int64_t)floor(d);
        return 0;
    }
    case DB_MONEY:
        if (parse_money(s, &i))
            return -1;
        *(int64_t *)dst = i;
        return 0;
    case DB_BOOL:
        if (strcmp(s, "t") != 0 && strcmp(s, "f") != 0)
            return -1;
        *(bool *)dst = *s == 't';
        return 0;
    case DB_REAL: {
        char *end;
        errno = 0;
        double d = strtod(s, &end);
        if (errno == ERANGE && d != 0)
            return -1;
        if (*end || end == s || isnan(d))
            return -1;
        *(double *)dst = d;
        return 0;
    }
    }
    return -1;
}

static const char *type_name(enum db_type t)
{
    switch (t) {
    case DB_TEXT: return "text";
    case DB_INT:
    case DB_INT64: return "a whole number";
    case DB_MONEY: return "an amount of money";
    case DB_BOOL: return "true or false";
    case DB_REAL: return "a number";
    case DB_EPOCH: return "a time in seconds";
    }
    return "?";
}

void db_rows_free(struct db_rows *rows)
{
    if (!rows->v) {
        rows->n = 0;
        return;
    }
    const struct db_shape *sh = rows->shape;
    for (int i = 0; i < rows->n; i++) {
        char *rec = (char *)rows->v + (size_t)i * sh->size;
        for (int c = 0; c < sh->ncols; c++)
            if (sh->cols[c].type == DB_TEXT)
                free(*(char **)(rec + sh->cols[c].offset));
    }
    free(rows->v);
    rows->v = NULL;
    rows->n = 0;
}

void db_rows_append(struct db_rows *into, struct db_rows *from)
{
    if (!from->v || from->n == 0) {
        db_rows_free(from);
        return;
    }
    if (!into->v) {
        db_rows_free(into);
        *into = *from;
        *from = (struct db_rows){.shape = from->shape};
        return;
    }
    size_t size = into->shape->size;
    into->v = util_realloc(into->v, size * ((size_t)into->n + (size_t)from->n + 1));
    memcpy((char *)into->v + size * (size_t)into->n, from->v, size * (size_t)from->n);
    into->n += from->n;
    /* The strings moved with the records: only the array is freed. */
    free(from->v);
    *from = (struct db_rows){.shape = from->shape};
}

char *db_rows_field_text(const struct db_rows *rows, int i, int col)
{
    const struct db_shape *sh = rows->shape;
    if (!sh || i < 0 || i >= rows->n || col < 0 || col >= sh->ncols)
        return util_strdup("");
    const struct db_col *c = &sh->cols[col];
    const char *rec = (const char *)rows->v + (size_t)i * sh->size;
    const void *f = rec + c->offset;
    if (c->null_offset && *(const bool *)(rec + c->null_offset))
        return util_strdup("");
    switch (c->type) {
    case DB_TEXT: return util_strdup(*(char *const *)f);
    case DB_INT: return util_asprintf("%d", *(const int *)f);
    case DB_INT64:
    case DB_EPOCH: return util_asprintf("%lld", (long long)*(const int64_t *)f);
    case DB_MONEY: {
        int64_t v = *(const int64_t *)f;
        unsigned long long a = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
        return util_asprintf("%s%llu.%02llu", v < 0 ? "-" : "", a / 100, a % 100);
    }
    case DB_BOOL: return util_strdup(*(const bool *)f ? "t" : "f");
    case DB_REAL: return util_asprintf("%.15g", *(const double *)f);
    }
    return util_strdup("");
}

int db_rows_decode(struct db_rows *out, const struct db_shape *shape, const PGresult *r, char *err, size_t errlen)
{
    db_rows_free(out);
    out->shape = shape;
    if (!r || PQresultStatus(r) != PGRES_TUPLES_OK) {
        util_format(err, errlen, "%s: the database sent no rows", shape->what);
        return -1;
    }
    int nf = PQnfields(r);
    if (nf != shape->ncols) {
        util_format(err, errlen, "%s: the statement has %d columns, the record %d", shape->what, nf, shape->ncols);
        return -1;
    }
    int map[64];
    if (shape->ncols > (int)(sizeof map / sizeof map[0])) {
        util_format(err, errlen, "%s: more than %zu columns", shape->what, sizeof map / sizeof map[0]);
        return -1;
    }
    for (int c = 0; c < shape->ncols; c++) {
        /* PQfnumber folds unquoted names to lower case, as SQL does. */
        map[c] = PQfnumber(r, shape->cols[c].name);
        if (map[c] < 0) {
            util_format(err, errlen, "%s: the statement has no column %s", shape->what, shape->cols[c].name);
            return -1;
        }
    }
    int n = PQntuples(r);
    out->v = util_calloc((size_t)n + 1, shape->size);
    for (int i = 0; i < n; i++) {
        char *rec = (char *)out->v + (size_t)i * shape->size;
        out->n = i + 1;   /* freed as far as filled on failure */
        for (int c = 0; c < shape->ncols; c++) {
            const struct db_col *col = &shape->cols[c];
            if (PQgetisnull(r, i, map[c])) {
                if (col->type == DB_TEXT)
                    *(char **)(rec + col->offset) = util_strdup("");
                if (col->null_offset)
                    *(bool *)(rec + col->null_offset) = true;
                continue;
            }
            const char *s = PQgetvalue(r, i, map[c]);
            if (db_value_parse(col->type, s, rec + col->offset) != 0) {
                util_format(err, errlen, "%s: row %d, column %s: \"%.40s\" is not %s", shape->what, i + 1, col->name, s,
                            type_name(col->type));
                db_rows_free(out);
                return -1;
            }
        }
    }
    out->n = n;
    return 0;
}

int db_parts_decode(struct db_rows *const *out, const struct db_shape *const *shapes, int nparts,
                    const PGresult *const *res, int nres, char *err, size_t errlen)
{
    int failed = nres < nparts ? nres : -1;
    for (int i = 0; i < nparts && failed < 0; i++)
        if (db_rows_decode(out[i], shapes[i], res[i], err, errlen) < 0)
            failed = i;
    if (failed < 0)
        return 0;
    if (nres < nparts)
        util_format(err, errlen, "%s: the database sent %d of %d parts", shapes[nres]->what, nres, nparts);
    for (int i = 0; i < nparts; i++) {
        db_rows_free(out[i]);
        out[i]->shape = shapes[i];
    }
    return -1;
}

int db_exec_rows(struct db_conn *c, const char *sql, int nparams, const char *const *params,
                 const struct db_shape *shape, struct db_rows *out, char *err, size_t errlen)
{
    PGresult *r = db_exec(c, sql, nparams, params);
    if (!r) {
        db_rows_free(out);
        out->shape = shape;
        util_format(err, errlen, "%s", db_error(c));
        return -1;
    }
    int rc = db_rows_decode(out, shape, r, err, errlen);
    PQclear(r);
    return rc;
}

int db_exec_one(struct db_conn *c, const char *sql, int nparams, const char *const *params,
                const struct db_shape *shape, struct db_rows *out, char *err, size_t errlen)
{
    if (db_exec_rows(c, sql, nparams, params, shape, out, err, errlen) < 0)
        return -1;
    if (out->n == 1)
        return 0;
    util_format(err, errlen, "%s: the database answered %d rows, not one", shape->what, out->n);
    db_rows_free(out);
    out->shape = shape;
    return -1;
}

/* The answer of a versioned write: one column named applied, NULL when the
 * version was stale. */
struct applied {
    char *applied;
    bool stale;
};
static const struct db_col applied_cols[] = {DB_COL_NULL(DB_TEXT, struct applied, applied, stale)};
static const struct db_shape applied_shape = DB_SHAPE("versioned write", struct applied, applied_cols);

bool db_applied_stale(const PGresult *r, const char **err, char *why, size_t whylen)
{
    if (*err)
        return false;
    struct db_rows rows = {0};
    if (db_rows_decode(&rows, &applied_shape, r, why, whylen) < 0) {
        *err = why;
        return false;
    }
    bool stale = rows.n == 0 || DB_ROW(&rows, struct applied, 0)->stale;
    db_rows_free(&rows);
    return stale;
}
