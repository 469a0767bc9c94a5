/* test_record.c — typed records: each value type parsed exactly or refused, columns found by name, a changed statement refused loudly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "careline/record.h"

struct rec {
    int64_t id;
    bool has_owner_null;
    char *name;
    int version;
    int64_t amount;
    bool urgent;
    double score;
    int64_t due;
    bool due_null;
};
static const struct db_col rec_cols[] = {
    DB_COL(DB_INT64, struct rec, id),
    DB_COL(DB_TEXT, struct rec, name),
    DB_COL(DB_INT, struct rec, version),
    DB_COL(DB_MONEY, struct rec, amount),
    DB_COL(DB_BOOL, struct rec, urgent),
    DB_COL(DB_REAL, struct rec, score),
    DB_COL_NULL(DB_EPOCH, struct rec, due, due_null),
};
static const struct db_shape rec_shape = DB_SHAPE("test record", struct rec, rec_cols);

/* A result as the server would send it, without a server. */
static PGresult *result(const char *const *names, int ncols, const char *const *vals, int nrows)
{
    PGresult *r = PQmakeEmptyPGresult(NULL, PGRES_TUPLES_OK);
    PGresAttDesc att[16];
    memset(att, 0, sizeof att);
    for (int c = 0; c < ncols; c++) {
        att[c].name = (char *)names[c];
        att[c].format = 0;
        att[c].typid = 25;
        att[c].typlen = -1;
        att[c].atttypmod = -1;
    }
    assert_int_equal(PQsetResultAttrs(r, ncols, att), 1);
    for (int i = 0; i < nrows; i++)
        for (int c = 0; c < ncols; c++) {
            const char *v = vals[i * ncols + c];
            assert_int_equal(PQsetvalue(r, i, c, (char *)v, v ? (int)strlen(v) : -1), 1);
        }
    return r;
}

static const char *const good_names[] = {"name", "id", "version", "amount", "urgent", "score", "due"};

static void test_values(void **state)
{
    (void)state;
    int i;
    int64_t l;
    bool b;
    double d;
    assert_int_equal(db_value_parse(DB_INT, "42", &i), 0);
    assert_int_equal(i, 42);
    assert_int_equal(db_value_parse(DB_INT, "-7", &i), 0);
    assert_int_equal(i, -7);
    assert_int_equal(db_value_parse(DB_INT, "", &i), -1);
    assert_int_equal(db_value_parse(DB_INT, "1.5", &i), -1);
    assert_int_equal(db_value_parse(DB_INT, " 1", &i), -1);
    assert_int_equal(db_value_parse(DB_INT, "NaN", &i), -1);
    assert_int_equal(db_value_parse(DB_INT, "3000000000", &i), -1);   /* does not fit an int */
    assert_int_equal(db_value_parse(DB_INT64, "3000000000", &l), 0);
    assert_true(l == 3000000000LL);
    assert_int_equal(db_value_parse(DB_INT64, "99999999999999999999", &l), -1);
    assert_int_equal(db_value_parse(DB_MONEY, "12.3", &l), 0);
    assert_true(l == 1230);
    assert_int_equal(db_value_parse(DB_MONEY, "-0.05", &l), 0);
    assert_true(l == -5);
    assert_int_equal(db_value_parse(DB_MONEY, "7", &l), 0);
    assert_true(l == 700);
    assert_int_equal(db_value_parse(DB_MONEY, "1.100", &l), 0);
    assert_true(l == 110);
    assert_int_equal(db_value_parse(DB_MONEY, "1.105", &l), -1);      /* not rounded away */
    assert_int_equal(db_value_parse(DB_MONEY, "1.", &l), -1);
    assert_int_equal(db_value_parse(DB_MONEY, "£1", &l), -1);
    assert_int_equal(db_value_parse(DB_MONEY, "", &l), -1);
    assert_int_equal(db_value_parse(DB_MONEY, "92233720368547758.07", &l), 0);   /* the largest */
    assert_true(l == INT64_MAX);
    assert_int_equal(db_value_parse(DB_MONEY, "92233720368547758.08", &l), -1);
    assert_int_equal(db_value_parse(DB_MONEY, "92233720368547759", &l), -1);
    assert_int_equal(db_value_parse(DB_MONEY, "99999999999999999999999", &l), -1);
    assert_int_equal(db_value_parse(DB_BOOL, "t", &b), 0);
    assert_true(b);
    assert_int_equal(db_value_parse(DB_BOOL, "f", &b), 0);
    assert_false(b);
    assert_int_equal(db_value_parse(DB_BOOL, "true", &b), -1);
    assert_int_equal(db_value_parse(DB_REAL, "0.25", &d), 0);
    assert_true(d == 0.25);
    assert_int_equal(db_value_parse(DB_REAL, "NaN", &d), -1);
    assert_int_equal(db_value_parse(DB_REAL, "x", &d), -1);
    assert_int_equal(db_value_parse(DB_EPOCH, "1796000000.123456", &l), 0);
    assert_true(l == 1796000000LL);
    assert_int_equal(db_value_parse(DB_EPOCH, "-1.5", &l), 0);
    assert_true(l == -2);   /* whole seconds before, not after */
    assert_int_equal(db_value_parse(DB_EPOCH, "Infinity", &l), -1);
}

static void test_decode_by_name(void **state)
{
    (void)state;
    /* Columns in another order than the record's table: found by name. */
    const char *const vals[] = {"Ann \x1b[31mLee", "7", "3", "10.50", "t", "0.5", "1796000000",
                                "Bo", "8", "4", "0", "f", "1", NULL};
    PGresult *r = result(good_names, 7, vals, 2);
    struct db_rows rows = {0};
    char err[256] = "";
    assert_int_equal(db_rows_decode(&rows, &rec_shape, r, err, sizeof err), 0);
    assert_int_equal(rows.n, 2);
    const struct rec *a = DB_ROW(&rows, const struct rec, 0), *b = DB_ROW(&rows, const struct rec, 1);
    assert_true(a->id == 7);
    assert_string_equal(a->name, "Ann \x1b[31mLee");   /* verbatim: drawing sanitises */
    assert_int_equal(a->version, 3);
    assert_true(a->amount == 1050);
    assert_true(a->urgent);
    assert_true(a->due == 1796000000LL);
    assert_false(a->due_null);
    assert_true(b->id == 8);
    assert_true(b->amount == 0);
    assert_false(b->urgent);
    assert_true(b->due_null);
    assert_true(b->due == 0);
    db_rows_free(&rows);
    assert_null(rows.v);
    PQclear(r);
}

static void test_changed_statement_refused(void **state)
{
    (void)state;
    char err[256];
    struct db_rows rows = {0};
    /* a renamed column */
    const char *const renamed[] = {"name", "id", "version", "amount", "urgent", "score", "due_at"};
    const char *const vals[] = {"x", "1", "1", "1", "t", "1", "1"};
    PGresult *r = result(renamed, 7, vals, 1);
    assert_int_equal(db_rows_decode(&rows, &rec_shape, r, err, sizeof err), -1);
    assert_non_null(strstr(err, "no column due"));
    assert_int_equal(rows.n, 0);
    PQclear(r);
    /* a dropped column */
    r = result(good_names, 6, vals, 1);
    assert_int_equal(db_rows_decode(&rows, &rec_shape, r, err, sizeof err), -1);
    assert_non_null(strstr(err, "6 columns"));
    PQclear(r);
    /* a value of the wrong type, in the second row: nothing half-decoded is kept */
    const char *const bad[] = {"x", "1", "1", "1", "t", "1", "1", "y", "2", "two", "1", "t", "1", "1"};
    r = result(good_names, 7, bad, 2);
    assert_int_equal(db_rows_decode(&rows, &rec_shape, r, err, sizeof err), -1);
    assert_non_null(strstr(err, "row 2, column version"));
    assert_int_equal(rows.n, 0);
    assert_null(rows.v);
    PQclear(r);
    /* no result at all */
    assert_int_equal(db_rows_decode(&rows, &rec_shape, NULL, err, sizeof err), -1);
}

/* A versioned write's answer: a value applied, NULL or no row stale, a
 * column under another name refused (never read as "applied"). */
static void test_applied_stale(void **state)
{
    (void)state;
    char why[256];
    const char *err = NULL;
    const char *const applied[] = {"applied"};
    const char *const version[] = {"7"}, *const null[] = {NULL};
    PGresult *r = result(applied, 1, version, 1);
    assert_false(db_applied_stale(r, &err, why, sizeof why));
    assert_null(err);
    PQclear(r);
    r = result(applied, 1, null, 1);
    assert_true(db_applied_stale(r, &err, why, sizeof why));
    assert_null(err);
    PQclear(r);
    r = result(applied, 1, version, 0);
    assert_true(db_applied_stale(r, &err, why, sizeof why));
    PQclear(r);
    const char *const renamed[] = {"complaint_change"};
    r = result(renamed, 1, null, 1);
    assert_false(db_applied_stale(r, &err, why, sizeof why));
    assert_ptr_equal(err, why);
    assert_non_null(strstr(why, "no column applied"));
    PQclear(r);
    /* a failed write stays failed, never stale */
    const char *failed = "the database refused it";
    r = result(applied, 1, null, 1);
    err = failed;
    assert_false(db_applied_stale(r, &err, why, sizeof why));
    assert_ptr_equal(err, failed);
    PQclear(r);
}

/* A screen's pipeline: each part with its own shape, all or nothing. */
/* Pages of one list joined: the records and their strings move, nothing
 * is freed twice or lost (the sanitizer build checks both). */
static void test_append(void **state)
{
    (void)state;
    const char *const a[] = {"Ann", "1", "1", "1.00", "t", "1", "1796000000",
                             "Bob", "2", "1", "2.00", "f", "2", "1796000000"};
    const char *const b[] = {"Cy", "3", "1", "3.00", "t", "3", "1796000000"};
    PGresult *ra = result(good_names, 7, a, 2), *rb = result(good_names, 7, b, 1);
    struct db_rows all = {0}, page = {0};
    char err[256] = "";
    db_rows_append(&all, &page);   /* empty onto empty */
    assert_int_equal(all.n, 0);
    assert_int_equal(db_rows_decode(&page, &rec_shape, ra, err, sizeof err), 0);
    db_rows_append(&all, &page);
    assert_int_equal(all.n, 2);
    assert_int_equal(page.n, 0);
    assert_null(page.v);
    assert_int_equal(db_rows_decode(&page, &rec_shape, rb, err, sizeof err), 0);
    db_rows_append(&all, &page);
    assert_int_equal(all.n, 3);
    assert_string_equal(DB_ROW(&all, struct rec, 0)->name, "Ann");
    assert_string_equal(DB_ROW(&all, struct rec, 2)->name, "Cy");
    assert_true(DB_ROW(&all, struct rec, 2)->amount == 300);
    db_rows_append(&all, &page);   /* an empty page changes nothing */
    assert_int_equal(all.n, 3);
    db_rows_free(&all);
    db_rows_free(&page);
    PQclear(ra);
    PQclear(rb);
}

static void test_parts(void **state)
{
    (void)state;
    struct pair {
        int64_t id;
        char *label;
    };
    static const struct db_col pair_cols[] = {
        DB_COL(DB_INT64, struct pair, id),
        DB_COL(DB_TEXT, struct pair, label),
    };
    static const struct db_shape pair_shape = DB_SHAPE("pairs", struct pair, pair_cols);
    const char *const pair_names[] = {"label", "id"};
    const char *const pair_vals[] = {"one", "1", "two", "2"};
    const char *const vals[] = {"Ann", "7", "3", "10.50", "t", "0.5", "1796000000"};
    const PGresult *res[2] = {result(good_names, 7, vals, 1), result(pair_names, 2, pair_vals, 2)};
    struct db_rows recs = {0}, pairs = {0};
    struct db_rows *const out[] = {&recs, &pairs};
    const struct db_shape *const shapes[] = {&rec_shape, &pair_shape};
    char err[256] = "";
    assert_int_equal(db_parts_decode(out, shapes, 2, res, 2, err, sizeof err), 0);
    assert_int_equal(recs.n, 1);
    assert_int_equal(pairs.n, 2);
    if (!recs.v || !pairs.v) {   /* said so the analyzer knows the rows are there below */
        fail_msg("decoded rows missing");
        return;
    }
    assert_true(DB_ROW(&recs, struct rec, 0)->amount == 1050);
    assert_string_equal(DB_ROW(&pairs, struct pair, 1)->label, "two");
    assert_true(DB_ROW(&pairs, struct pair, 1)->id == 2);
    /* The second part's statement changed: the first part is not kept either. */
    const char *const renamed[] = {"label", "pair_id"};
    PGresult *changed = result(renamed, 2, pair_vals, 2);
    const PGresult *res2[2] = {res[0], changed};
    assert_int_equal(db_parts_decode(out, shapes, 2, res2, 2, err, sizeof err), -1);
    assert_non_null(strstr(err, "pairs: the statement has no column id"));
    assert_int_equal(recs.n, 0);
    assert_int_equal(pairs.n, 0);
    /* Fewer results than parts (a pipeline cut short) is refused. */
    assert_int_equal(db_parts_decode(out, shapes, 2, res, 1, err, sizeof err), -1);
    assert_non_null(strstr(err, "1 of 2 parts"));
    assert_int_equal(recs.n, 0);
    db_rows_free(&recs);
    db_rows_free(&pairs);
    PQclear(changed);
    PQclear((PGresult *)res[0]);
    PQclear((PGresult *)res[1]);
}

/* What `careline view` prints for each field. */
static void test_field_text(void **state)
{
    (void)state;
    const char *const vals[] = {"O'Brien", "7", "-3", "-0.05", "f", "2.5", NULL};
    PGresult *r = result(good_names, 7, vals, 1);
    struct db_rows rows = {0};
    char err[256];
    assert_int_equal(db_rows_decode(&rows, &rec_shape, r, err, sizeof err), 0);
    const char *const want[] = {"7", "O'Brien", "-3", "-0.05", "f", "2.5", ""};
    for (int c = 0; c < 7; c++) {
        char *t = db_rows_field_text(&rows, 0, c);
        assert_string_equal(t, want[c]);
        free(t);
    }
    char *out = db_rows_field_text(&rows, 1, 0);   /* past the end: empty, never a crash */
    assert_string_equal(out, "");
    free(out);
    db_rows_free(&rows);
    PQclear(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_values),
        cmocka_unit_test(test_decode_by_name),
        cmocka_unit_test(test_changed_statement_refused),
        cmocka_unit_test(test_applied_stale),
        cmocka_unit_test(test_parts),
        cmocka_unit_test(test_append),
        cmocka_unit_test(test_field_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
