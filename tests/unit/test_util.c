/* test_util.c — checked conversions (bad text refused, never read as 0) and formatting into fixed buffers (a cut shows, or is refused where it would change the meaning). */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "careline/text.h"
#include "careline/util.h"

static void test_parse_int_accepts(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        int want;
    } ok[] = {{"0", 0}, {"42", 42}, {"-7", -7}, {"+7", 7}, {"007", 7}, {"2147483647", INT_MAX},
              {"-2147483648", INT_MIN}};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        int v = -99;
        assert_int_equal(util_parse_int(ok[i].s, &v), 0);
        assert_int_equal(v, ok[i].want);
    }
    int64_t big = 0;
    assert_int_equal(util_parse_int64("9223372036854775807", &big), 0);
    assert_true(big == INT64_MAX);
    assert_int_equal(util_parse_int64("-9223372036854775808", &big), 0);
    assert_true(big == INT64_MIN);
}

/* What atoi would have read as 0 (or as the digits in front): refused, and
 * the destination left alone. */
static void test_parse_int_refuses(void **state)
{
    (void)state;
    static const char *const bad[] = {"", " 1", "1 ", "abc", "12abc", "1.5", "-", "+", "--1", "+-1", "0x10",
                                      "2147483648", "-2147483649", "99999999999999999999", "1e3", "\t2"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int v = -99;
        if (util_parse_int(bad[i], &v) == 0)
            fail_msg("'%s' was read as %d", bad[i], v);
        assert_int_equal(v, -99);
    }
    int v = -99;
    assert_int_equal(util_parse_int(NULL, &v), -1);
    int64_t w = -99;
    assert_int_equal(util_parse_int64("9223372036854775808", &w), -1);
    assert_int_equal(util_parse_int64("12 ", &w), -1);
    assert_true(w == -99);
}

static void test_format_fits_or_shows_the_cut(void **state)
{
    (void)state;
    char buf[12];
    util_format(buf, sizeof buf, "%s %d", "ok", 7);
    assert_string_equal(buf, "ok 7");
    util_format(buf, sizeof buf, "%s", "exactly 11!");
    assert_string_equal(buf, "exactly 11!");
    /* Too long: the end says it was cut. */
    util_format(buf, sizeof buf, "%s", "a message of many words");
    assert_string_equal(buf, "a messag...");
    assert_int_equal(strlen(buf), sizeof buf - 1);
    /* A cut never splits a character: "ééééé" is 10 bytes. */
    util_format(buf, sizeof buf, "%s", "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9");
    assert_true(tui_utf8_valid(buf, strlen(buf)));
    assert_string_equal(buf, "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9...");
    util_format(buf, sizeof buf, "%s", "xxxxxxx\xe6\xb8\xa1\xe6\xb8\xa1");
    assert_string_equal(buf, "xxxxxxx...");
    /* Buffers too small for the marker still end on a whole character. */
    char tiny[4];
    util_format(tiny, sizeof tiny, "%s", "a\xc3\xa9z");
    assert_string_equal(tiny, "a\xc3\xa9");
    util_format(tiny, sizeof tiny, "%s", "ab\xc3\xa9");
    assert_string_equal(tiny, "ab");
    char one[1] = {'x'};
    util_format(one, sizeof one, "%s", "anything");
    assert_int_equal(one[0], '\0');
}

static void test_format_fits_refuses_a_cut(void **state)
{
    (void)state;
    char id[8];
    assert_int_equal(util_format_fits(id, sizeof id, "%d", 1234567), 0);
    assert_string_equal(id, "1234567");
    /* One byte more would cut it: refused, and nothing half-written left. */
    assert_int_equal(util_format_fits(id, sizeof id, "%d", 12345678), -1);
    assert_string_equal(id, "");
    assert_int_equal(util_format_fits(id, sizeof id, "%s/%s", "dir", "file"), -1);
    assert_string_equal(id, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_int_accepts),
        cmocka_unit_test(test_parse_int_refuses),
        cmocka_unit_test(test_format_fits_or_shows_the_cut),
        cmocka_unit_test(test_format_fits_refuses_a_cut),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
