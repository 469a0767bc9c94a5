/* record.h — typed records from libpq results: each column decoded once, by name, into a struct field of a declared type. */
#ifndef CARELINE_RECORD_H
#define CARELINE_RECORD_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What a column becomes. A NULL leaves the field zero (empty string for
 * text) and, for columns that say so, sets the record's null flag. */
enum db_type {
    DB_TEXT,      /* char *, owned by the record ("" for NULL) */
    DB_INT,       /* int: a whole number that fits, or the column is refused */
    DB_INT64,     /* int64_t */
    DB_MONEY,     /* int64_t in minor units (pence): "12.3" -> 1230; more than 2 decimals refused */
    DB_BOOL,      /* bool: "t" / "f" */
    DB_REAL,      /* double */
    DB_EPOCH,     /* int64_t seconds: the statement selects extract(epoch ...) */
};

/* One column: its name in the statement, its type, where it goes. */
struct db_col {
    const char *name;
    enum db_type type;
    size_t offset;
    /* offset of a bool set true when the value is NULL; 0 = not tracked
     * (a record never has a bool at offset 0 that needs tracking: put the
     * flags after the first field). */
    size_t null_offset;
};
#define DB_COL(type_, rec, field) {#field, type_, offsetof(rec, field), 0}
#define DB_COL_NULL(type_, rec, field, isnull) {#field, type_, offsetof(rec, field), offsetof(rec, isnull)}
/* The same under a shorter name in the statement (where the names travel
 * with every answer, e.g. the customer view over a far link). */
#define DB_COL_AS(type_, rec, field, name_) {name_, type_, offsetof(rec, field), 0}
#define DB_COL_AS_NULL(type_, rec, field, isnull, name_) {name_, type_, offsetof(rec, field), offsetof(rec, isnull)}

/* A statement's columns, checked against the result: every column named
 * here must be in the result and the result must have no other, so a
 * renamed, dropped or added SELECT column fails loudly instead of shifting
 * data into the wrong field. */
struct db_shape {
    const char *what;             /* for messages: "complaint detail" */
    const struct db_col *cols;
    int ncols;
    size_t size;                  /* sizeof the record */
};
#define DB_SHAPE(what_, rec, cols_) {(what_), (cols_), (int)(sizeof(cols_) / sizeof (cols_)[0]), sizeof(rec)}

/* Rows of one shape. The array and every string in it belong to it. */
struct db_rows {
    const struct db_shape *shape;
    void *v;
    int n;
};
#define DB_ROW(rows, type, i) ((type *)(rows)->v + (i))

/* Field col of row i as text, for output that walks any shape (`careline
 * view`): "" for a NULL, money "12.30", booleans "t"/"f", numbers as
 * written. Heap string. */
char *db_rows_field_text(const struct db_rows *rows, int i, int col);

/* Decode a PGRES_TUPLES_OK result into out (freed first). Returns 0, or -1
 * with a sentence in err naming the statement, the column and the reason
 * (out left empty). */
int db_rows_decode(struct db_rows *out, const struct db_shape *shape, const PGresult *r, char *err, size_t errlen);
void db_rows_free(struct db_rows *rows);
/* Move from's rows onto the end of into (same shape; into may be empty):
 * pages of one list joined. from is left empty. */
void db_rows_append(struct db_rows *into, struct db_rows *from);

/* A multi-statement (pipeline) result: part i of res decoded with
 * shapes[i] into *out[i]. Returns 0, or -1 with the first part's sentence in
 * err and every part left empty, so a screen never shows half a load. */
int db_parts_decode(struct db_rows *const *out, const struct db_shape *const *shapes, int nparts,
                    const PGresult *const *res, int nres, char *err, size_t errlen);

/* A statement run synchronously (db_exec) and its rows decoded with shape
 * into out: 0, or -1 with the database's or the decoder's sentence in err
 * (out left empty). db_exec_one: the statement must answer exactly one row
 * (a function's result, a row looked up by its key). */
struct db_conn;
int db_exec_rows(struct db_conn *c, const char *sql, int nparams, const char *const *params,
                 const struct db_shape *shape, struct db_rows *out, char *err, size_t errlen);
int db_exec_one(struct db_conn *c, const char *sql, int nparams, const char *const *params,
                const struct db_shape *shape, struct db_rows *out, char *err, size_t errlen);

/* Whether a write that carries the row's version (complaint_change(),
 * customer_merge() ...) found it stale: the statement names its one column
 * "applied" (`... f(...) AS applied`), and no row or a NULL means the
 * version was stale and nothing was written. False when *err is set (the
 * write failed); an answer that cannot be read sets *err to why. */
bool db_applied_stale(const PGresult *r, const char **err, char *why, size_t whylen);

/* Rows packed by the database into one JSON value: an object with each
 * column's values in order under its name ({"id": [1, 2], "name": ["a",
 * null]}), or NULL for no rows. On a far database a part of a screen then
 * costs one column description, not one per column, and no framing per
 * row. db_packed_sql wraps a SELECT whose columns are the shape's so
 * (heap; "AS as" names the one column); db_rows_decode_packed decodes the value (NULL or "": no rows)
 * with the same checks as db_rows_decode: every column of the shape once,
 * no other, each value of its type. Returns 0, or -1 with a sentence in err. */
char *db_packed_sql(const char *sql, const struct db_shape *shape, const char *as);   /* as NULL: no name */
/* Several parts packed in one object ({"header": {...}, "events": null}):
 * values[i] becomes a heap copy of names[i]'s value, NULL when it is null
 * or missing. Returns 0, or -1 with a sentence in err (values all NULL). */
int db_packed_split(const char *json, const char *const *names, int n, char **values, char *err, size_t errlen);
/* The value of the column named so in whichever of the one-row results res
 * has it (NULL for SQL NULL); *found says whether one had it. */
const char *db_packed_column(const char *name, const PGresult *const *res, int n, bool *found);
int db_rows_decode_packed(struct db_rows *out, const struct db_shape *shape, const char *json, char *err,
                          size_t errlen);

/* A statement and the record its rows decode into. Each db/ module lists
 * its own, so one database test runs every statement against the schema
 * and decodes it: a SELECT changed without its record fails there. */
struct db_statement {
    const char *sql;
    int nparams;
    const char *const *params;   /* values that run it on the seeded demo data */
    const struct db_shape *shape;
    bool writes;                 /* changes data: the test runs it in a transaction it rolls back */
};

/* Parse one value as a type into dst (the field). Returns 0 or -1. Exposed
 * for the unit tests and the fuzzers. */
int db_value_parse(enum db_type type, const char *s, void *dst);

#endif
