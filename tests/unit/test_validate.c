/* test_validate.c — the default validation patterns with valid and invalid samples, and phone/postcode normalising. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "careline/config.h"
#include "careline/validate.h"

static int setup(void **state)
{
    (void)state;
    struct conf c;
    char err[512];
    setenv("XDG_CONFIG_HOME", "/nonexistent", 1);
    if (conf_load(&c, NULL, err, sizeof err) < 0)
        return -1;
    conf_free(&c);
    return 0;
}

static bool m(enum valid_kind k, const char *s) { return valid_match(k, s, strlen(s)); }

static void samples(enum valid_kind k, const char *const *good, const char *const *bad)
{
    for (; *good; good++)
        if (!m(k, *good))
            fail_msg("%s should accept \"%s\"", valid_kind_name(k), *good);
    for (; *bad; bad++)
        if (m(k, *bad))
            fail_msg("%s should refuse \"%s\"", valid_kind_name(k), *bad);
}

static void test_account(void **state)
{
    (void)state;
    const char *good[] = {"4000000001", "1234567890", NULL};
    const char *bad[] = {"", "123456789", "12345678901", "12345 67890", "A234567890", "1234567890\n", NULL};
    samples(VALID_ACCOUNT_NO, good, bad);
}

static void test_phone(void **state)
{
    (void)state;
    const char *good[] = {"07700 900123", "+44 7700 900123", "+447700900123", "020 7946 0018", "(020) 7946-0018",
                          "01632 960 001", NULL};
    const char *bad[] = {"", "12345", "+1 555 0100 123", "07700 900123 ext 4", "0044", "phone", NULL};
    samples(VALID_PHONE, good, bad);
    const char *pgood[] = {"900123", "7700 900", "+44 7700", NULL};
    const char *pbad[] = {"12", "abc12", "9001x", NULL};
    samples(VALID_PHONE_PARTIAL, pgood, pbad);
}

static void test_postcode(void **state)
{
    (void)state;
    const char *good[] = {"SW1A 1AA", "sw1a1aa", "M1 1AE", "B33 8TH", "CR2 6XH", "DN55 1PT", "GIR 0AA", NULL};
    const char *bad[] = {"", "SW1A", "1AA SW1", "SW1A 1AAA", "ZZZZ 1AA", "SW1A-1AA", NULL};
    samples(VALID_POSTCODE, good, bad);
    const char *pgood[] = {"SW1A", "sw1a 1", "M1", "B33 8T", NULL};
    const char *pbad[] = {"S", "12", "SW1A 1AAA", NULL};
    samples(VALID_POSTCODE_PARTIAL, pgood, pbad);
}

static void test_meter_and_email(void **state)
{
    (void)state;
    const char *mgood[] = {"KM12345678", "km123456", "ABCD123456789012", "QX1234", NULL};
    const char *mbad[] = {"", "KM123", "12345678", "KM-12345678", "KMXXX12345678", "KM1234567890123", NULL};
    samples(VALID_METER_SERIAL, mgood, mbad);
    const char *egood[] = {"a.jones@example.org", "x+y@mail.example.co.uk", NULL};
    const char *ebad[] = {"", "jones", "a@b", "a b@example.org", "a@@example.org", NULL};
    samples(VALID_EMAIL, egood, ebad);
}

static void test_search_text(void **state)
{
    (void)state;
    const char *good[] = {"Smith", "Zoë", "渡辺", "42", "O'Brien", NULL};
    const char *bad[] = {"", "   ", "'; --", "\"\\", NULL};
    samples(VALID_SEARCH, good, bad);
}

static void test_invalid_utf8_never_matches(void **state)
{
    (void)state;
    assert_false(valid_match(VALID_SEARCH, "Sm\xffith", 6));
    assert_false(valid_match(VALID_SEARCH, "\xc3", 1));
}

static void test_bad_pattern_keeps_old(void **state)
{
    (void)state;
    char err[256] = "";
    assert_int_equal(valid_set(VALID_ACCOUNT_NO, "([0-9]", err, sizeof err), -1);
    assert_non_null(strstr(err, "missing closing parenthesis at offset 6"));
    assert_true(m(VALID_ACCOUNT_NO, "1234567890"));
}

static void test_phone_digits(void **state)
{
    (void)state;
    char out[32];
    const struct {
        const char *in, *want;
    } cases[] = {
        {"+44 7700 900123", "7700900123"}, {"07700 900123", "7700900123"},   {"0044 7700 900123", "7700900123"},
        {"+44 (0) 7700 900123", "7700900123"}, {"447700900123", "7700900123"}, {"900123", "900123"},
        {"(020) 7946-0018", "2079460018"}, {"4412", "4412"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_true(valid_phone_digits(cases[i].in, out, sizeof out) > 0);
        assert_string_equal(out, cases[i].want);
    }
    assert_int_equal(valid_phone_digits("0770x", out, sizeof out), 0);
    valid_postcode_compact(" sw1a 1aa ", out, sizeof out);
    assert_string_equal(out, "SW1A1AA");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_account),        cmocka_unit_test(test_phone),
        cmocka_unit_test(test_postcode),       cmocka_unit_test(test_meter_and_email),
        cmocka_unit_test(test_search_text),    cmocka_unit_test(test_invalid_utf8_never_matches),
        cmocka_unit_test(test_bad_pattern_keeps_old), cmocka_unit_test(test_phone_digits),
    };
    int rc = cmocka_run_group_tests(tests, setup, NULL);
    valid_free_all();
    return rc;
}
