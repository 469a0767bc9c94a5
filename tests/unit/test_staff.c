/* test_staff.c — which login names and groups `careline staff` accepts before anything reaches the database. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "careline/staff.h"

static void test_ordinary_logins(void **state)
{
    (void)state;
    assert_true(db_staff_login_valid("jsmith"));
    assert_true(db_staff_login_valid("agent_07"));
    assert_true(db_staff_login_valid("_svc"));
    assert_true(db_staff_login_valid("careline_demo"));   /* a person, not a group */
    char max[64];
    memset(max, 'a', 63);
    max[63] = '\0';
    assert_true(db_staff_login_valid(max));
}

static void test_refused_logins(void **state)
{
    (void)state;
    assert_false(db_staff_login_valid(NULL));
    assert_false(db_staff_login_valid(""));
    assert_false(db_staff_login_valid("JSmith"));          /* would need quoting to keep its case */
    assert_false(db_staff_login_valid("7agent"));
    assert_false(db_staff_login_valid("j smith"));
    assert_false(db_staff_login_valid("x\"; DROP TABLE customer; --"));
    assert_false(db_staff_login_valid("jsmith\n"));
    assert_false(db_staff_login_valid("pg_signal_backend"));
    assert_false(db_staff_login_valid("public"));
    assert_false(db_staff_login_valid("careline_admin"));
    assert_false(db_staff_login_valid("careline_field"));
    assert_false(db_staff_login_valid("j\xc3\xa9r\xc3\xb4me"));
    char over[65];
    memset(over, 'a', 64);
    over[64] = '\0';
    assert_false(db_staff_login_valid(over));
}

static void test_groups(void **state)
{
    (void)state;
    assert_true(db_staff_group_valid("agent"));
    assert_true(db_staff_group_valid("supervisor"));
    assert_true(db_staff_group_valid("field"));
    assert_true(db_staff_group_valid("admin"));
    assert_false(db_staff_group_valid("careline_admin"));
    assert_false(db_staff_group_valid("Admin"));
    assert_false(db_staff_group_valid(""));
    assert_false(db_staff_group_valid(NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ordinary_logins),
        cmocka_unit_test(test_refused_logins),
        cmocka_unit_test(test_groups),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
