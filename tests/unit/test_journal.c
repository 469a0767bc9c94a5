/* test_journal.c — the local draft journal: atomic saves, escaping, listing, torn and foreign files, removal. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "careline/journal.h"
#include "careline/util.h"

#include "fixture.h"

static char dir[] = "/tmp/careline-journal-XXXXXX";

static int setup(void **state)
{
    (void)state;
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    return fixture_remove_tree(dir);
}

static void test_round_trip(void **state)
{
    (void)state;
    char id[37], err[256];
    util_uuid(id);
    char *sub = util_asprintf("%s/a/b", dir);   /* created on the way */
    const struct journal_field f[] = {
        {"customer_id", "990001"},
        {"description", "Line one\nLine two with a back\\slash\r\nand \xE6\xB8\xA1\xE8\xBE\xBA = equals"},
        {"empty", ""},
    };
    assert_int_equal(db_journal_save(sub, id, "complaint", f, 3, err, sizeof err), 0);
    struct stat st;
    char *path = util_asprintf("%s/%s.draft", sub, id);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    struct journal_draft *d;
    assert_int_equal(db_journal_list(sub, &d), 1);
    assert_string_equal(d[0].id, id);
    assert_string_equal(d[0].kind, "complaint");
    assert_string_equal(db_journal_get(&d[0], "customer_id"), "990001");
    assert_string_equal(db_journal_get(&d[0], "description"), f[1].value);
    assert_string_equal(db_journal_get(&d[0], "empty"), "");
    assert_null(db_journal_get(&d[0], "missing"));
    db_journal_free(d, 1);
    /* Saving again replaces it: still one draft. */
    const struct journal_field g[] = {{"customer_id", "990002"}};
    assert_int_equal(db_journal_save(sub, id, "complaint", g, 1, err, sizeof err), 0);
    assert_int_equal(db_journal_list(sub, &d), 1);
    assert_string_equal(db_journal_get(&d[0], "customer_id"), "990002");
    db_journal_free(d, 1);
    assert_int_equal(db_journal_remove(sub, id), 0);
    assert_int_equal(db_journal_list(sub, &d), 0);
    assert_int_equal(db_journal_remove(sub, id), 0);   /* already gone is fine */
    free(path);
    free(sub);
}

static void test_torn_and_foreign_files(void **state)
{
    (void)state;
    char id[37], err[256];
    util_uuid(id);
    const struct journal_field f[] = {{"k", "v"}};
    assert_int_equal(db_journal_save(dir, id, "complaint", f, 1, err, sizeof err), 0);
    /* A draft cut short by a crash mid-write has no "end" line. */
    char other[37];
    util_uuid(other);
    char *torn = util_asprintf("%s/%s.draft", dir, other);
    FILE *t = fopen(torn, "w");
    fputs("careline-draft 1\nkind=complaint\nk=half", t);
    assert_int_equal(fclose(t), 0);
    char *foreign = util_asprintf("%s/notes.txt", dir);
    t = fopen(foreign, "w");
    fputs("hello\n", t);
    assert_int_equal(fclose(t), 0);
    struct journal_draft *d;
    assert_int_equal(db_journal_list(dir, &d), 1);
    assert_string_equal(d[0].id, id);
    db_journal_free(d, 1);
    unlink(torn);
    unlink(foreign);
    db_journal_remove(dir, id);
    free(torn);
    free(foreign);
}

static void test_bad_input(void **state)
{
    (void)state;
    char err[256];
    const struct journal_field f[] = {{"k", "v"}};
    assert_int_equal(db_journal_save(dir, "../../etc/passwd", "complaint", f, 1, err, sizeof err), -1);
    assert_non_null(strstr(err, "not a draft id"));
    assert_int_equal(db_journal_remove(dir, "../x"), -1);
    assert_int_equal(db_journal_save("/proc/careline-no", "00000000-0000-4000-8000-000000000000", "complaint", f, 1,
                                     err, sizeof err),
                     -1);
    struct journal_draft *d;
    assert_int_equal(db_journal_list("/nonexistent/dir", &d), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_torn_and_foreign_files),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
