/* test_errtext.c — database refusals as sentences: our own messages kept and tidied, known states and constraints mapped, never "ERROR:" or a SQLSTATE. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "careline/errtext.h"

static void sentence_like(const char *got)
{
    assert_null(strstr(got, "ERROR"));
    assert_null(strstr(got, "SQLSTATE"));
    assert_true(got[0] >= 'A' && got[0] <= 'Z');
    assert_int_equal(got[strlen(got) - 1], '.');
}

static void our_own_messages_are_kept(void **state)
{
    (void)state;
    char out[200];
    db_errtext("23514", "complaint C-2026-000001 cannot go from acknowledged to resolved", out, sizeof out);
    assert_string_equal(out, "Complaint C-2026-000001 cannot go from acknowledged to resolved.");
    db_errtext("42501", "only a supervisor may merge complaints", out, sizeof out);
    assert_string_equal(out, "Only a supervisor may merge complaints.");
    db_errtext("23514", "complaint C-1 is already waiting_customer", out, sizeof out);
    assert_string_equal(out, "Complaint C-1 is already waiting customer.");
    sentence_like(out);
}

static void known_states_and_constraints(void **state)
{
    (void)state;
    char out[200];
    db_errtext("42501", "permission denied for table goodwill_credit", out, sizeof out);
    assert_string_equal(out, "Your role may not do that; a supervisor can.");
    db_errtext("23514", "new row for relation \"complaint\" violates check constraint \"complaint_resolution_needs_cause\"",
               out, sizeof out);
    assert_string_equal(out, "A root cause and what was done are needed to resolve or close it.");
    db_errtext("40001", "could not serialize access due to concurrent update", out, sizeof out);
    sentence_like(out);
    db_errtext("57014", "canceling statement due to statement timeout", out, sizeof out);
    assert_string_equal(out, "The database took too long to answer; try again.");
    db_errtext("08006", "server closed the connection unexpectedly", out, sizeof out);
    sentence_like(out);
    db_errtext("XX000", "ERROR:  something internal\nDETAIL: x", out, sizeof out);
    sentence_like(out);
    assert_null(strstr(out, "internal"));
}

static void hostile_and_short(void **state)
{
    (void)state;
    char out[8];
    db_errtext(NULL, NULL, out, sizeof out);
    assert_true(strlen(out) < sizeof out);
    char big[64];
    db_errtext("P0001", "", big, sizeof big);
    sentence_like(big);
    db_errtext("P0001", "ERROR:  line one\nline two", big, sizeof big);
    assert_string_equal(big, "Line one.");
    assert_null(db_errtext("P0001", "x", NULL, 0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(our_own_messages_are_kept),
        cmocka_unit_test(known_states_and_constraints),
        cmocka_unit_test(hostile_and_short),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
