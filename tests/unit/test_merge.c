/* test_merge.c — merging duplicate customers: which record is kept by default, and the sentence that says what a merge will do. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "careline/merge.h"

static void the_one_with_more_history_is_kept(void **state)
{
    (void)state;
    struct db_merge_side a = {.id = 7, .account_no = "4000000007", .contacts = 2, .bills = 10};
    struct db_merge_side b = {.id = 3, .account_no = "4000000003", .contacts = 1, .bills = 3};
    assert_int_equal(db_merge_survivor(&a, &b), 0);
    assert_int_equal(db_merge_survivor(&b, &a), 1);
    /* As much history on both: the older record (the lower id). */
    b.contacts = 2;
    b.bills = 10;
    assert_int_equal(db_merge_survivor(&a, &b), 1);
    assert_int_equal(db_merge_survivor(&b, &a), 0);
    /* Every kind of history counts. */
    a.premises = 1;
    assert_int_equal(db_merge_survivor(&a, &b), 0);
}

static void what_a_merge_does(void **state)
{
    (void)state;
    struct db_merge_side kept = {.account_no = "4999999991"};
    struct db_merge_side gone = {.account_no = "4999999911", .contacts = 1, .complaints = 2, .bills = 12,
                                 .credits = 1, .premises = 1};
    char *s = db_merge_summary(&kept, &gone);
    assert_string_equal(s, "Everything of 4999999911 (1 contact, 2 complaints, 12 bills, 1 credit, 1 premise) moves "
                           "to 4999999991; 4999999911 stays as a pointer to it, and searching for it finds 4999999991.");
    free(s);
    struct db_merge_side empty = {.account_no = "4999999912"};
    s = db_merge_summary(&kept, &empty);
    assert_non_null(strstr(s, "(no history)"));
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_one_with_more_history_is_kept),
        cmocka_unit_test(what_a_merge_does),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
