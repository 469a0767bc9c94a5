/* record_packed.c — rows packed by the database as one JSON object of columns ({"name": [v, v, ...]}), decoded by name into the same typed records as a plain result: a far database then sends one column description per part instead of one per column, and no framing per row. */
#include "careline/record.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careline/util.h"

/* The SQL that packs a statement's rows: the number of rows under "#",
 * each column of the shape with its values in the rows' order under its
 * name, a column of nulls as one null; NULL when there are no rows.
 * Compact: no blanks between values. The names are the shape's own
 * (identifiers written in the program, never data). */
char *db_packed_sql(const char *sql, const struct db_shape *shape, const char *as)
{
    struct util_buf b = {0};
    util_buf_puts(&b, "(SELECT '{\"#\":' || count(*)");
    for (int i = 0; i < shape->ncols; i++) {
        const char *n = shape->cols[i].name;
        util_buf_printf(&b,
                        " || ',\"%s\":' || CASE WHEN count(x.\"%s\") = 0 THEN 'null'"
                        " ELSE '[' || string_agg(coalesce(to_json(x.\"%s\")::text, 'null'), ',') || ']' END",
                        n, n, n);
    }
    util_buf_printf(&b, " || '}' FROM (%s) x HAVING count(*) > 0)%s%s", sql, as ? " AS " : "", as ? as : "");
    return util_buf_steal(&b);
}

struct cur {
    const char *p;
};

static void ws(struct cur *c)
{
    while (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r')
        c->p++;
}

static bool eat(struct cur *c, char ch)
{
    ws(c);
    if (*c->p != ch)
        return false;
    c->p++;
    return true;
}

static int hex4(const char *s)
{
    int v = 0;
    for (int i = 0; i < 4; i++) {
        char h = s[i];
        int d = h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10 : h >= 'A' && h <= 'F' ? h - 'A' + 10 : -1;
        if (d < 0)
            return -1;
        v = v * 16 + d;
    }
    return v;
}

/* One \uXXXX (a surrogate pair as one character) as UTF-8. */
static int unicode(struct cur *c, struct util_buf *b)
{
    int u = hex4(c->p);
    if (u < 0)
        return -1;
    c->p += 4;
    if (u >= 0xD800 && u <= 0xDBFF) {
        int lo = c->p[0] == '\\' && c->p[1] == 'u' ? hex4(c->p + 2) : -1;
        if (lo < 0xDC00 || lo > 0xDFFF)
            return -1;
        c->p += 6;
        u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
    } else if (u >= 0xDC00 && u <= 0xDFFF) {
        return -1;
    }
    if (u == 0)
        return -1;   /* a C string cannot hold it, and text columns never have it */
    char o[4];
    int n = u < 0x80 ? 1 : u < 0x800 ? 2 : u < 0x10000 ? 3 : 4;
    static const unsigned char lead[] = {0, 0, 0xC0, 0xE0, 0xF0};
    for (int i = n - 1; i > 0; i--, u >>= 6)
        o[i] = (char)(0x80 | (u & 0x3F));
    o[0] = (char)(lead[n] | u);
    util_buf_add(b, o, (size_t)n);
    return 0;
}

/* A JSON string, its escapes undone, into b. */
static int string(struct cur *c, struct util_buf *b)
{
    if (!eat(c, '"'))
        return -1;
    for (;;) {
        const char *run = c->p;
        while (*c->p && *c->p != '"' && *c->p != '\\' && (unsigned char)*c->p >= 0x20)
            c->p++;
        util_buf_add(b, run, (size_t)(c->p - run));
        if (*c->p == '"') {
            c->p++;
            return 0;
        }
        if (*c->p != '\\')
            return -1;   /* the end, or a raw control character */
        char e = c->p[1];
        if (!e)
            return -1;   /* a backslash at the very end */
        c->p += 2;
        static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
        const char *k = strchr(from, e);
        if (k)
            util_buf_add(b, &to[k - from], 1);
        else if (e != 'u' || unicode(c, b) < 0)
            return -1;
    }
}

/* One value as the text a plain result would carry: strings unescaped,
 * numbers as written, true/false as t/f; *v NULL for null. */
static int value(struct cur *c, char **v)
{
    ws(c);
    struct util_buf b = {0};
    if (*c->p == '"') {
        if (string(c, &b) < 0) {
            util_buf_free(&b);
            return -1;
        }
        util_buf_add(&b, "", 0);
        *v = util_buf_steal(&b);
        return 0;
    }
    static const char *const words[] = {"true", "false", "null"};
    for (int i = 0; i < 3; i++)
        if (strncmp(c->p, words[i], strlen(words[i])) == 0) {
            c->p += strlen(words[i]);
            *v = i == 2 ? NULL : util_strdup(i == 0 ? "t" : "f");
            return 0;
        }
    size_t n = strspn(c->p, "0123456789+-.eE");
    if (n == 0)
        return -1;
    *v = util_strndup(c->p, n);
    c->p += n;
    return 0;
}

/* The values of one column. */
struct column {
    char **v;
    int n;
    bool seen;
    bool nulls;   /* sent as one null: a null in every row */
};

static int array(struct cur *c, struct column *col)
{
    ws(c);
    if (strncmp(c->p, "null", 4) == 0) {
        c->p += 4;
        col->nulls = true;
        return 0;
    }
    if (!eat(c, '['))
        return -1;
    int cap = 0;
    if (eat(c, ']'))
        return 0;
    do {
        if (col->n == cap) {
            cap = cap ? cap * 2 : 16;
            col->v = util_realloc(col->v, sizeof *col->v * (size_t)cap);
        }
        if (value(c, &col->v[col->n]) < 0)
            return -1;
        col->n++;
    } while (eat(c, ','));
    return eat(c, ']') ? 0 : -1;
}

static int find(const struct db_shape *shape, const char *name)
{
    for (int i = 0; i < shape->ncols; i++)
        if (strcmp(shape->cols[i].name, name) == 0)
            return i;
    return -1;
}

/* The object: every column of the shape once, nothing else. */
/* "#": the number of rows. */
static int count(struct cur *c, int *rows)
{
    ws(c);
    int n = 0;
    if (*c->p < '0' || *c->p > '9')
        return -1;
    for (; *c->p >= '0' && *c->p <= '9'; c->p++) {
        if (n > 10000000)
            return -1;
        n = n * 10 + (*c->p - '0');
    }
    *rows = n;
    return 0;
}

static int columns(struct cur *c, const struct db_shape *shape, struct column *cols, int *rows, char *err,
                   size_t errlen)
{
    if (!eat(c, '{')) {
        util_format(err, errlen, "%s: the packed rows are not a JSON object", shape->what);
        return -1;
    }
    bool first = true;
    while (!eat(c, '}')) {
        struct util_buf key = {0};
        int k = -1;
        if ((!first && !eat(c, ',')) || (ws(c), string(c, &key)) < 0 || !eat(c, ':')) {
            util_format(err, errlen, "%s: the packed rows are not valid JSON", shape->what);
        } else if (key.data && strcmp(key.data, "#") == 0) {
            k = count(c, rows) < 0 ? -1 : 0;
            if (k < 0)
                util_format(err, errlen, "%s: the number of rows is not a number", shape->what);
        } else if ((k = find(shape, key.data ? key.data : "")) < 0 || cols[k].seen) {
            util_format(err, errlen, "%s: the statement has %s column %.40s", shape->what, k < 0 ? "an unknown" : "twice the",
                        key.data ? key.data : "");
            k = -1;
        } else {
            cols[k].seen = true;
            if (array(c, &cols[k]) < 0) {
                util_format(err, errlen, "%s: column %s: the values are not valid JSON", shape->what, shape->cols[k].name);
                k = -1;
            }
        }
        util_buf_free(&key);
        if (k < 0)
            return -1;
        first = false;
    }
    ws(c);
    if (*c->p) {
        util_format(err, errlen, "%s: something follows the packed rows", shape->what);
        return -1;
    }
    return 0;
}

/* The columns' values into records, as db_rows_decode does a result's. */
static int fill(struct db_rows *out, const struct db_shape *shape, struct column *cols, int n, char *err,
                size_t errlen)
{
    for (int k = 0; k < shape->ncols && n < 0; k++)
        if (!cols[k].nulls)
            n = cols[k].n;
    if (n < 0) {
        util_format(err, errlen, "%s: every column is null and the number of rows is not given", shape->what);
        return -1;
    }
    for (int k = 0; k < shape->ncols; k++)
        if (!cols[k].seen || (!cols[k].nulls && cols[k].n != n)) {
            util_format(err, errlen, "%s: column %s %s", shape->what, shape->cols[k].name,
                        cols[k].seen ? "has a different number of rows" : "is missing");
            return -1;
        }
    out->v = util_calloc((size_t)n + 1, shape->size);
    for (int i = 0; i < n; i++) {
        char *rec = (char *)out->v + (size_t)i * shape->size;
        out->n = i + 1;   /* freed as far as filled on failure */
        for (int k = 0; k < shape->ncols; k++) {
            const struct db_col *col = &shape->cols[k];
            const char *s = cols[k].nulls ? NULL : cols[k].v[i];
            if (!s) {
                if (col->type == DB_TEXT)
                    *(char **)(rec + col->offset) = util_strdup("");
                if (col->null_offset)
                    *(bool *)(rec + col->null_offset) = true;
            } else if (db_value_parse(col->type, s, rec + col->offset) != 0) {
                util_format(err, errlen, "%s: row %d, column %s: \"%.40s\" is not the type of the record", shape->what,
                            i + 1, col->name, s);
                db_rows_free(out);
                return -1;
            }
        }
    }
    out->n = n;
    return 0;
}

/* Past one JSON value of any kind (checked only as far as finding its end). */
static int skip(struct cur *c, int depth)
{
    ws(c);
    if (depth > 32)
        return -1;
    if (*c->p == '"') {
        struct util_buf b = {0};
        int rc = string(c, &b);
        util_buf_free(&b);
        return rc;
    }
    char close = '\0';
    if (*c->p == '{' || *c->p == '[')
        close = *c->p == '{' ? '}' : ']';
    if (!close) {
        size_t n = strspn(c->p, "0123456789+-.eEtrufalsn");
        c->p += n;
        return n ? 0 : -1;
    }
    c->p++;
    if (eat(c, close))
        return 0;
    do {
        if (close == '}' && (skip(c, depth + 1) < 0 || !eat(c, ':')))
            return -1;
        if (skip(c, depth + 1) < 0)
            return -1;
    } while (eat(c, ','));
    return eat(c, close) ? 0 : -1;
}

int db_packed_split(const char *json, const char *const *names, int n, char **values, char *err, size_t errlen)
{
    for (int i = 0; i < n; i++)
        values[i] = NULL;
    struct cur c = {json ? json : ""};
    bool ok = eat(&c, '{'), first = true;
    while (ok && !eat(&c, '}')) {
        struct util_buf key = {0};
        ok = (first || eat(&c, ',')) && (ws(&c), string(&c, &key)) == 0 && eat(&c, ':');
        ws(&c);
        const char *start = c.p;
        ok = ok && skip(&c, 0) == 0;
        for (int i = 0; ok && i < n; i++)
            if (strcmp(names[i], key.data ? key.data : "") == 0 && strncmp(start, "null", 4) != 0 && !values[i])
                values[i] = util_strndup(start, (size_t)(c.p - start));
        util_buf_free(&key);
        first = false;
    }
    ws(&c);
    if (ok && !*c.p)
        return 0;
    for (int i = 0; i < n; i++) {
        free(values[i]);
        values[i] = NULL;
    }
    util_format(err, errlen, "the packed parts are not valid JSON");
    return -1;
}

int db_rows_decode_packed(struct db_rows *out, const struct db_shape *shape, const char *json, char *err,
                          size_t errlen)
{
    db_rows_free(out);
    out->shape = shape;
    if (!json || !*json)
        return 0;   /* SQL NULL: no rows */
    struct column *cols = util_calloc((size_t)shape->ncols + 1, sizeof *cols);
    struct cur c = {json};
    int n = -1;   /* "#", when given */
    int rc = columns(&c, shape, cols, &n, err, errlen);
    if (rc == 0)
        rc = fill(out, shape, cols, n, err, errlen);
    for (int k = 0; k < shape->ncols; k++) {
        for (int i = 0; i < cols[k].n; i++)
            free(cols[k].v[i]);
        free(cols[k].v);
    }
    free(cols);
    return rc;
}

/* The value of the one-row result column named so, in whichever of res has it. */
const char *db_packed_column(const char *name, const PGresult *const *res, int n, bool *found)
{
    for (int i = 0; i < n; i++) {
        bool one = res[i] && PQresultStatus(res[i]) == PGRES_TUPLES_OK && PQntuples(res[i]) == 1;
        int col = one ? PQfnumber(res[i], name) : -1;
        if (col >= 0) {
            *found = true;
            return PQgetisnull(res[i], 0, col) ? NULL : PQgetvalue(res[i], 0, col);
        }
    }
    *found = false;
    return NULL;
}
