/* test_audit.c — audit entries in words: every kind of entry the database and the sessions write, vulnerability reads marked, hostile details kept as text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "careline/audit.h"

static struct db_audit_entry entry(const char *action, const char *entity)
{
    return (struct db_audit_entry){
        .id = 42, .at = "Mon 12 May 14:02", .at_long = "Monday 12 May 2026 14:02:09", .at_key = "",
        .actor = "jsmith", .actor_name = "Jo Smith", .action = (char *)action, .entity = (char *)entity,
        .entity_id = "7", .customer_id = 7, .customer = "Nora North", .account_no = "5000000001",
        .purpose = "", .reference = "", .fields = "", .changes = "", .extra = "",
    };
}

static const char *what(const struct db_audit_entry *e)
{
    static char buf[256];
    return db_audit_what(e, buf, sizeof buf);
}

static void test_words(void **state)
{
    (void)state;
    struct db_audit_entry e = entry("customer.open", "customer");
    assert_string_equal(what(&e), "opened the customer view");
    assert_false(db_audit_is_vulnerability_read(&e));
    e = entry("customer.vulnerability", "customer");
    e.purpose = "call list";
    assert_string_equal(what(&e), "READ VULNERABILITY DETAILS (call list)");
    assert_true(db_audit_is_vulnerability_read(&e));
    e.purpose = "";
    assert_string_equal(what(&e), "READ VULNERABILITY DETAILS (purpose not given)");
    e = entry("complaint.open", "complaint");
    e.reference = "C-2026-000123";
    assert_string_equal(what(&e), "opened complaint C-2026-000123");
    e = entry("update", "interaction");
    e.fields = "summary, wrap_up_code";
    assert_string_equal(what(&e), "changed a contact: summary, wrap_up_code");
    e = entry("insert", "goodwill_credit");
    assert_string_equal(what(&e), "added a goodwill credit");
    e = entry("delete", "office_zone");
    assert_string_equal(what(&e), "removed the zones of an office");
    e = entry("update", "some_new_table");
    assert_string_equal(what(&e), "changed a record of some_new_table");
    e = entry("customer.export", "customer");
    assert_string_equal(what(&e), "exported everything held (subject access request)");
    e = entry("session.unlock_failed", "session");
    assert_string_equal(what(&e), "WRONG PASSWORD at the locked screen");
    e = entry("session.locked", "session");
    assert_string_equal(what(&e), "left the terminal idle: screen locked");
    /* Anything else a client wrote in its own name is shown as written. */
    e = entry("something.else", "");
    assert_string_equal(what(&e), "something.else");
}

static void test_describe(void **state)
{
    (void)state;
    struct db_audit_entry e = entry("update", "customer");
    e.fields = "email";
    e.changes = "email: old@example.org -> new@example.org";
    e.customer_vulnerable = true;
    char *d = db_audit_describe(&e);
    assert_non_null(strstr(d, "When:      Monday 12 May 2026 14:02:09\n"));
    assert_non_null(strstr(d, "Who:       Jo Smith (login jsmith)\n"));
    assert_non_null(strstr(d, "Customer:  Nora North, account 5000000001 (vulnerability details on file)\n"));
    assert_non_null(strstr(d, "Before -> after:\n  email: old@example.org -> new@example.org\n"));
    assert_non_null(strstr(d, "Audit entry 42."));
    free(d);
    /* A login with no staff record, no customer, hostile text kept as text
     * (the page that shows it sanitises it). */
    e = entry("insert", "complaint");
    e.actor_name = "";
    e.customer_id = 0;
    e.changes = "description: \x1b[2J\xe2\x80\xae evil\nseverity: high";
    e.extra = "{\"x\": 1}";
    d = db_audit_describe(&e);
    assert_non_null(strstr(d, "Who:       login jsmith (no staff record)\n"));
    assert_null(strstr(d, "Customer:"));
    assert_non_null(strstr(d, "What was recorded:\n  description: \x1b[2J\xe2\x80\xae evil\n  severity: high\n"));
    assert_non_null(strstr(d, "Details:   {\"x\": 1}"));
    free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_words),
        cmocka_unit_test(test_describe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
