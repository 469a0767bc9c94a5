/* test_lifecycle.c — the complaint action function: the database's transition pairs, roles, closed complaints, the sentence that says why not, and how a deadline stands. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "careline/lifecycle.h"

/* complaint_transition_allowed() of 004_rules.sql, copied by hand: the
 * function must agree with it, not with itself. */
static const char *const db_pairs[][2] = {
    {"new", "acknowledged"},          {"acknowledged", "investigating"},  {"investigating", "resolved"},
    {"resolved", "closed"},           {"acknowledged", "waiting_customer"}, {"investigating", "waiting_customer"},
    {"waiting_customer", "acknowledged"}, {"waiting_customer", "investigating"}, {"resolved", "investigating"},
    {"closed", "investigating"},
};

static bool db_allows(const char *from, const char *to)
{
    for (size_t i = 0; i < sizeof db_pairs / sizeof db_pairs[0]; i++)
        if (strcmp(db_pairs[i][0], from) == 0 && strcmp(db_pairs[i][1], to) == 0)
            return true;
    return false;
}

static void status_changes_follow_the_database(void **state)
{
    (void)state;
    static const int changes[] = {DB_LC_ACKNOWLEDGE, DB_LC_INVESTIGATE, DB_LC_WAIT, DB_LC_RESOLVE, DB_LC_CLOSE,
                                  DB_LC_REOPEN};
    for (int s = 0; s < DB_LC_STATUS__COUNT; s++)
        for (size_t i = 0; i < sizeof changes / sizeof changes[0]; i++)
            for (int r = DB_LC_AGENT; r <= DB_LC_SUPERVISOR; r++) {
                int a = changes[i];
                const char *from = db_lifecycle_status_name((enum db_lifecycle_status)s);
                const char *to = db_lifecycle_status_name((enum db_lifecycle_status)db_lifecycle_target((enum db_lifecycle_action)a));
                bool want = db_allows(from, to);
                if (db_lifecycle_allowed(s, a, r, NULL, 0) != want)
                    fail_msg("%s on %s as %s: got %d, the database says %d", db_lifecycle_action_name((enum db_lifecycle_action)a),
                             from, db_lifecycle_role_name((enum db_lifecycle_role)r), !want, want);
            }
}

static void the_reported_cases(void **state)
{
    (void)state;
    char why[200];
    /* `v` on an acknowledged complaint: not offered, and says what to do. */
    assert_false(db_lifecycle_allowed(DB_LC_ACKNOWLEDGED, DB_LC_RESOLVE, DB_LC_AGENT, why, sizeof why));
    assert_non_null(strstr(why, "investigating first"));
    assert_null(strstr(why, "ERROR"));
    assert_true(db_lifecycle_allowed(DB_LC_INVESTIGATING, DB_LC_RESOLVE, DB_LC_AGENT, why, sizeof why));
    assert_false(db_lifecycle_allowed(DB_LC_NEW, DB_LC_ACKNOWLEDGE + 0, DB_LC_FIELD, why, sizeof why));
    assert_false(db_lifecycle_allowed(DB_LC_ACKNOWLEDGED, DB_LC_ACKNOWLEDGE, DB_LC_AGENT, why, sizeof why));
    assert_string_equal(why, "The complaint is already acknowledged.");
}

static void roles(void **state)
{
    (void)state;
    for (int s = 0; s < DB_LC_STATUS__COUNT; s++) {
        bool closed = s == DB_LC_CLOSED;
        assert_false(db_lifecycle_allowed(s, DB_LC_MERGE, DB_LC_AGENT, NULL, 0));
        assert_int_equal(db_lifecycle_allowed(s, DB_LC_MERGE, DB_LC_SUPERVISOR, NULL, 0), !closed);
        for (int r = 0; r < DB_LC_ROLE__COUNT; r++) {
            assert_true(db_lifecycle_allowed(s, DB_LC_NOTE, r, NULL, 0));
            assert_int_equal(db_lifecycle_allowed(s, DB_LC_CREDIT, r, NULL, 0), !closed);
            assert_int_equal(db_lifecycle_allowed(s, DB_LC_FOLLOW_UP, r, NULL, 0), !closed && r != DB_LC_FIELD);
            assert_int_equal(db_lifecycle_allowed(s, DB_LC_SCRIPT, r, NULL, 0), !closed && r != DB_LC_FIELD);
        }
        for (int a = DB_LC_ACKNOWLEDGE; a <= DB_LC_REOPEN; a++)
            assert_false(db_lifecycle_allowed(s, a, DB_LC_FIELD, NULL, 0));
    }
    assert_int_equal(db_lifecycle_role_parse("admin"), DB_LC_SUPERVISOR);
    assert_int_equal(db_lifecycle_role_parse("supervisor"), DB_LC_SUPERVISOR);
    assert_int_equal(db_lifecycle_role_parse("field"), DB_LC_FIELD);
    assert_int_equal(db_lifecycle_role_parse("agent"), DB_LC_AGENT);
    assert_int_equal(db_lifecycle_role_parse(NULL), DB_LC_AGENT);
    assert_int_equal(db_lifecycle_role_parse(""), DB_LC_AGENT);
}

static void bad_input_is_refused(void **state)
{
    (void)state;
    char why[8];   /* a short buffer is cut, never overrun */
    assert_false(db_lifecycle_allowed(-1, DB_LC_NOTE, DB_LC_AGENT, why, sizeof why));
    assert_true(strlen(why) < sizeof why);
    assert_false(db_lifecycle_allowed(DB_LC_NEW, DB_LC_ACTION__COUNT, DB_LC_AGENT, why, sizeof why));
    assert_false(db_lifecycle_allowed(DB_LC_NEW, DB_LC_NOTE, DB_LC_ROLE__COUNT, NULL, 0));
    assert_int_equal(db_lifecycle_status_parse("waiting_customer"), DB_LC_WAITING);
    assert_int_equal(db_lifecycle_status_parse("Closed"), -1);
    assert_int_equal(db_lifecycle_status_parse(NULL), -1);
    assert_int_equal(db_lifecycle_status_parse(""), -1);
    assert_int_equal(db_lifecycle_target(DB_LC_NOTE), -1);
    for (int s = 0; s < DB_LC_STATUS__COUNT; s++)
        assert_int_equal(db_lifecycle_status_parse(db_lifecycle_status_name((enum db_lifecycle_status)s)), s);
}

/* A deadline's state: met whatever is left, overdue only once past. */
static void test_deadline(void **state)
{
    (void)state;
    assert_int_equal(db_deadline_state_of(true, -500), DB_DEADLINE_MET);
    assert_int_equal(db_deadline_state_of(false, -1), DB_DEADLINE_OVERDUE);
    assert_int_equal(db_deadline_state_of(false, 0), DB_DEADLINE_RUNNING);
    assert_int_equal(db_deadline_state_of(false, 86400), DB_DEADLINE_RUNNING);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_deadline),
        cmocka_unit_test(status_changes_follow_the_database),
        cmocka_unit_test(the_reported_cases),
        cmocka_unit_test(roles),
        cmocka_unit_test(bad_input_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
