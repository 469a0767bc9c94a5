/* test_approval_notice.c — what the agent who asked for a goodwill credit is told when a supervisor decides it, read from the notification's payload; other people's credits, other states and bad payloads say nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <string.h>

#include "careline/recovery.h"

/* As json_build_object(...)::text writes it (004_rules.sql). */
#define PAYLOAD(status, who) \
    "{\"credit_id\" : \"3f2b6a1e-0c4d-4e8f-9a7b-1c2d3e4f5a6b\", \"status\" : \"" status "\", \"requested_by\" : " who "}"

static void test_decisions(void **state)
{
    (void)state;
    bool warn = true;
    const char *s = db_approval_notice(PAYLOAD("approved", "12"), 12, &warn);
    assert_non_null(s);
    assert_string_equal(s, "A supervisor approved your goodwill credit.");
    assert_false(warn);
    s = db_approval_notice(PAYLOAD("rejected", "12"), 12, &warn);
    assert_non_null(s);
    assert_non_null(strstr(s, "rejected your goodwill credit"));
    assert_true(warn);
    /* Written without blanks, in another order: the same. */
    s = db_approval_notice("{\"requested_by\":12,\"status\":\"approved\",\"credit_id\":\"x\"}", 12, &warn);
    assert_non_null(s);
    assert_false(warn);
}

static void test_not_for_them(void **state)
{
    (void)state;
    bool warn;
    /* Someone else's credit; a credit asked for by nobody known; nobody logged in. */
    assert_null(db_approval_notice(PAYLOAD("approved", "13"), 12, &warn));
    assert_null(db_approval_notice(PAYLOAD("approved", "null"), 12, &warn));
    assert_null(db_approval_notice(PAYLOAD("approved", "12"), 0, &warn));
    /* 120 is not 12, nor is 12 with something after it. */
    assert_null(db_approval_notice(PAYLOAD("approved", "120"), 12, &warn));
    assert_null(db_approval_notice(PAYLOAD("approved", "12x"), 12, &warn));
    /* Nothing decided: a new pending credit, one applied at once. */
    assert_null(db_approval_notice(PAYLOAD("pending", "12"), 12, &warn));
    assert_null(db_approval_notice(PAYLOAD("applied", "12"), 12, &warn));
    /* The word elsewhere than the status is not a decision. */
    assert_null(db_approval_notice("{\"credit_id\" : \"approved\", \"status\" : \"pending\", \"requested_by\" : 12}", 12,
                                   &warn));
}

static void test_bad_payloads(void **state)
{
    (void)state;
    bool warn;
    const char *const bad[] = {
        "", "approved", "{", "{}", "[12]", "{\"status\" : \"approved\"}", "{\"requested_by\" : 12}",
        "{\"status\" : \"approved, \"requested_by\" : 12", "{\"status\" \"approved\", \"requested_by\" : 12}",
        "{\"status\" : \"approved\", \"requested_by\" : }", "{\"sta", "{\"status\" : \"approved\\",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_null(db_approval_notice(bad[i], 12, &warn));
    assert_null(db_approval_notice(NULL, 12, &warn));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decisions),
        cmocka_unit_test(test_not_for_them),
        cmocka_unit_test(test_bad_payloads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
