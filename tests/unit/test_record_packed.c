/* test_record_packed.c — rows packed as one JSON object of columns: decoded by name into the same typed records, escapes and nulls undone exactly, anything malformed or changed refused with a sentence, never a crash. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careline/record.h"

struct rec {
    int64_t id;
    bool score_null;
    char *name;
    int64_t amount;
    bool urgent;
    double score;
};
static const struct db_col rec_cols[] = {
    DB_COL(DB_INT64, struct rec, id),
    DB_COL(DB_TEXT, struct rec, name),
    DB_COL(DB_MONEY, struct rec, amount),
    DB_COL(DB_BOOL, struct rec, urgent),
    DB_COL_NULL(DB_REAL, struct rec, score, score_null),
};
static const struct db_shape shape = DB_SHAPE("packed test", struct rec, rec_cols);

#define ROW(rows, i) DB_ROW(rows, struct rec, i)

static void test_rows_by_name(void **state)
{
    (void)state;
    struct db_rows rows = {0};
    char err[200] = "";
    /* Any order of the columns: they are found by name. */
    const char *json = " {\"urgent\":[true,false],\"score\":[1.5,null],\"name\":[\"Ann\",null],"
                       "\"id\":[7,8],\"amount\":[12.30,-0.05]} ";
    assert_int_equal(db_rows_decode_packed(&rows, &shape, json, err, sizeof err), 0);
    assert_int_equal(rows.n, 2);
    assert_true(ROW(&rows, 0)->id == 7);
    assert_string_equal(ROW(&rows, 0)->name, "Ann");
    assert_true(ROW(&rows, 0)->amount == 1230);
    assert_true(ROW(&rows, 0)->urgent);
    assert_false(ROW(&rows, 0)->score_null);
    assert_true(ROW(&rows, 0)->score == 1.5);
    assert_string_equal(ROW(&rows, 1)->name, "");   /* NULL text: "" as in a plain result */
    assert_true(ROW(&rows, 1)->amount == -5);
    assert_false(ROW(&rows, 1)->urgent);
    assert_true(ROW(&rows, 1)->score_null);
    db_rows_free(&rows);
}

static void test_no_rows_and_null_columns(void **state)
{
    (void)state;
    struct db_rows rows = {0};
    char err[200] = "";
    assert_int_equal(db_rows_decode_packed(&rows, &shape, NULL, err, sizeof err), 0);
    assert_int_equal(rows.n, 0);
    assert_ptr_equal(rows.shape, &shape);
    assert_int_equal(db_rows_decode_packed(&rows, &shape, "", err, sizeof err), 0);
    assert_int_equal(rows.n, 0);
    /* A column of nulls travels as one null; every column so: the count says how many rows. */
    const char *all_null = "{\"#\":2,\"id\":null,\"name\":null,\"amount\":null,\"urgent\":null,\"score\":null}";
    assert_int_equal(db_rows_decode_packed(&rows, &shape, all_null, err, sizeof err), 0);
    assert_int_equal(rows.n, 2);
    assert_true(ROW(&rows, 1)->score_null);
    assert_string_equal(ROW(&rows, 1)->name, "");
    const char *json = "{\"#\":3,\"id\":[1,2,3],\"name\":[\"a\",\"b\",\"c\"],\"amount\":[1,2,3],"
                       "\"urgent\":[false,false,true],\"score\":null}";
    assert_int_equal(db_rows_decode_packed(&rows, &shape, json, err, sizeof err), 0);
    assert_int_equal(rows.n, 3);
    for (int i = 0; i < 3; i++)
        assert_true(ROW(&rows, i)->score_null);
    db_rows_free(&rows);
}

static void test_escapes(void **state)
{
    (void)state;
    struct db_rows rows = {0};
    char err[200] = "";
    /* Quote, backslash, slash, the control escapes, an escape character
     * (drawn visibly later, never raw), a pound sign and an emoji as a
     * surrogate pair. */
    const char *json = "{\"id\":[1],\"amount\":[0],\"urgent\":[false],\"score\":[0],"
                       "\"name\":[\"a\\\"b\\\\c\\/d\\n\\t\\u001b[2J \\u00a3 \\ud83d\\ude00 \\u00e9\"]}";
    assert_int_equal(db_rows_decode_packed(&rows, &shape, json, err, sizeof err), 0);
    assert_string_equal(ROW(&rows, 0)->name, "a\"b\\c/d\n\t\x1b[2J \xc2\xa3 \xf0\x9f\x98\x80 \xc3\xa9");
    db_rows_free(&rows);
}

static void test_refused(void **state)
{
    (void)state;
    static const struct {
        const char *json, *says;
    } bad[] = {
        {"[1,2]", "not a JSON object"},
        {"{\"id\":[1],\"name\":[\"a\"],\"amount\":[1],\"urgent\":[true]}", "column score is missing"},
        {"{\"id\":[1],\"name\":[\"a\"],\"amount\":[1],\"urgent\":[true],\"score\":[1],\"extra\":[1]}",
         "an unknown column extra"},
        {"{\"id\":[1],\"id\":[2],\"name\":[\"a\"],\"amount\":[1],\"urgent\":[true],\"score\":[1]}", "twice"},
        {"{\"#\":1,\"id\":[1,2],\"name\":[\"a\",\"b\"],\"amount\":[1,1],\"urgent\":[true,true],\"score\":[1,1]}",
         "different number of rows"},
        {"{\"#\":x}", "number of rows"},
        {"{\"id\":null,\"name\":null,\"amount\":null,\"urgent\":null,\"score\":null}", "not given"},
        {"{\"id\":[1,2],\"name\":[\"a\"],\"amount\":[1],\"urgent\":[true],\"score\":[1]}", "different number of rows"},
        {"{\"id\":[\"x\"],\"name\":[\"a\"],\"amount\":[1],\"urgent\":[true],\"score\":[1]}", "column id"},
        {"{\"id\":[1],\"name\":[\"a\"],\"amount\":[1.234],\"urgent\":[true],\"score\":[1]}", "column amount"},
        {"{\"id\":[1],\"name\":[\"a\"],\"amount\":[1],\"urgent\":[true],\"score\":[1]} x", "follows"},
        {"{\"id\":[1],\"name\":[\"a\\u0000\"],\"amount\":[1],\"urgent\":[true],\"score\":[1]}", "column name"},
        {"{\"id\":[1],\"name\":[\"\\ud83d\"],\"amount\":[1],\"urgent\":[true],\"score\":[1]}", "column name"},
        {"{\"id\":[1],\"name\":[\"a\\q\"],\"amount\":[1],\"urgent\":[true],\"score\":[1]}", "column name"},
        {"{\"id\":[1],\"name\":[\"a", "column name"},
        {"{\"id\":[1],\"name\":[\"a\\", "column name"},   /* a backslash at the very end */
        {"{\"id\":[1,", "column id"},
        {"{\"id\"", "not valid JSON"},
        {"{", "not valid JSON"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct db_rows rows = {0};
        char err[200] = "";
        assert_int_equal(db_rows_decode_packed(&rows, &shape, bad[i].json, err, sizeof err), -1);
        assert_int_equal(rows.n, 0);
        if (!strstr(err, bad[i].says) || !strstr(err, "packed test"))
            fail_msg("%s: said \"%s\", expected \"%s\"", bad[i].json, err, bad[i].says);
        db_rows_free(&rows);
    }
}

/* Every prefix of a good value: refused or decoded, never a crash or a leak
 * (under the sanitizers). */
static void test_every_prefix(void **state)
{
    (void)state;
    const char *json = "{\"id\":[1,2],\"name\":[\"\\u00e9\\n\",null],\"amount\":[1.5,2],"
                       "\"urgent\":[true,false],\"score\":null}";
    size_t n = strlen(json);
    for (size_t k = 0; k <= n; k++) {
        char *cut = strndup(json, k);
        struct db_rows rows = {0};
        char err[200];
        int rc = db_rows_decode_packed(&rows, &shape, cut, err, sizeof err);
        assert_true(rc == (k == n || k == 0 ? 0 : -1));
        db_rows_free(&rows);
        free(cut);
    }
}

static void test_split(void **state)
{
    (void)state;
    static const char *const names[] = {"a", "b", "c", "d"};
    char *v[4];
    char err[200] = "";
    const char *json = "{\"a\":{\"#\":1,\"x\":[\"}],{\\\"\"]},\"b\":null,\"zz\":[1,[2,{}]],\"c\":{}}";
    assert_int_equal(db_packed_split(json, names, 4, v, err, sizeof err), 0);
    assert_string_equal(v[0], "{\"#\":1,\"x\":[\"}],{\\\"\"]}");
    assert_null(v[1]);   /* null: no rows */
    assert_string_equal(v[2], "{}");
    assert_null(v[3]);   /* missing */
    for (int i = 0; i < 4; i++)
        free(v[i]);
    static const char *const bad[] = {"", "{", "{\"a\":", "{\"a\":{]}", "{\"a\":[1,}", "{\"a\":\"x}", "{\"a\":1} x",
                                      "{\"a\":1,}", "[]"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(db_packed_split(bad[i], names, 4, v, err, sizeof err), -1);
        for (int k = 0; k < 4; k++)
            assert_null(v[k]);
    }
    /* Nesting past any view's is refused, not followed down the stack. */
    char deep[200] = "{\"a\":";
    size_t at = strlen(deep);
    for (int i = 0; i < 40; i++)
        deep[at++] = '[';
    for (int i = 0; i < 40; i++)
        deep[at++] = ']';
    deep[at++] = '}';
    deep[at] = '\0';
    assert_int_equal(db_packed_split(deep, names, 4, v, err, sizeof err), -1);
}

static void test_sql(void **state)
{
    (void)state;
    char *sql = db_packed_sql("SELECT 1 AS id", &shape, "part");
    assert_non_null(strstr(sql, "FROM (SELECT 1 AS id) x"));
    assert_non_null(strstr(sql, "to_json(x.\"score\")"));
    assert_non_null(strstr(sql, ") AS part"));
    free(sql);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows_by_name),     cmocka_unit_test(test_no_rows_and_null_columns),
        cmocka_unit_test(test_escapes),          cmocka_unit_test(test_refused),
        cmocka_unit_test(test_every_prefix),     cmocka_unit_test(test_split),
        cmocka_unit_test(test_sql),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
