/* test_region.c — the region's pure rules: money drawn and read in a currency, E.164 country codes, phone numbers normalised by a country's plan and drawn in its national form, and careline.conf's pattern sets per country. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "careline/config.h"
#include "careline/event.h"
#include "careline/region.h"
#include "careline/validate.h"

static struct db_region region(const char *code, const char *symbol, int decimals)
{
    return (struct db_region){.currency_code = (char *)code, .currency_symbol = (char *)symbol,
                              .currency_decimals = decimals, .calling_code = (char *)"1",
                              .trunk_prefix = (char *)"1", .international_prefix = (char *)"011",
                              .national_digits = 10};
}

static void test_money_text(void **state)
{
    (void)state;
    char b[48];
    struct db_region gb = region("GBP", "\u00a3", 2), us = region("USD", "$", 2), jp = region("JPY", "\u00a5", 0),
                     one = region("XYZ", "X", 1);
    assert_string_equal(db_region_money_text(&gb, 1230, false, b, sizeof b), "\u00a312.30");
    assert_string_equal(db_region_money_text(&gb, 1230, true, b, sizeof b), "GBP 12.30");
    assert_string_equal(db_region_money_text(&gb, -405, false, b, sizeof b), "-\u00a34.05");
    assert_string_equal(db_region_money_text(&gb, 0, false, b, sizeof b), "\u00a30.00");
    assert_string_equal(db_region_money_text(&us, 1230, false, b, sizeof b), "$12.30");
    /* The dollar sign is ASCII: drawn on any terminal. */
    assert_string_equal(db_region_money_text(&us, -1230, true, b, sizeof b), "-$12.30");
    assert_string_equal(db_region_money_text(&us, 123456789, false, b, sizeof b), "$1234567.89");
    assert_string_equal(db_region_money_text(&jp, 123450, false, b, sizeof b), "\u00a51235");
    assert_string_equal(db_region_money_text(&jp, 123449, true, b, sizeof b), "JPY 1234");
    assert_string_equal(db_region_money_text(&one, 1235, false, b, sizeof b), "X12.4");
    assert_string_equal(db_region_money_text(&one, 1299, false, b, sizeof b), "X13.0");
    assert_string_equal(db_region_money_text(&us, INT64_MIN, false, b, sizeof b), "-$92233720368547758.08");
    /* A buffer too small is cut, never overrun. */
    char small[4];
    db_region_money_text(&us, 123456, false, small, sizeof small);
    assert_true(strlen(small) < sizeof small);
}

static void test_money_parse(void **state)
{
    (void)state;
    struct db_region gb = region("GBP", "\u00a3", 2), us = region("USD", "$", 2), jp = region("JPY", "\u00a5", 0);
    const struct {
        const struct db_region *r;
        const char *in;
        int64_t want;   /* -1: refused */
    } cases[] = {
        {&us, "20", 2000},      {&us, "20.5", 2050},   {&us, "20.50", 2050},   {&us, " $ 20.50 ", 2050},
        {&us, "USD 20", 2000},  {&us, ".5", 50},       {&us, "$0.01", 1},      {&gb, "\u00a320", 2000},
        {&gb, "25.50", 2550},   {&jp, "\u00a5500", 50000},
        {&us, "20.505", 2051},  {&us, "20.5049", 2050}, {&us, "25.001", 2500},  {&jp, "20.5", 2100},
        {&jp, "20.4", 2000},    {&us, "", -1},         {&us, "$", -1},         {&us, "20x", -1},
        {&us, "\u00a320", -1},  {&us, "-5", -1},       {&us, "1,000", -1},     {&us, "2 0", -1},
        {&us, ".", -1},         {&us, "1.2.3", -1},    {&us, "99999999999999999999", -1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int64_t v = -7;
        int rc = db_region_money_parse(cases[i].r, cases[i].in, &v);
        if (cases[i].want < 0 && rc == 0)
            fail_msg("\"%s\" should be refused, read as %lld", cases[i].in, (long long)v);
        if (cases[i].want >= 0 && (rc != 0 || v != cases[i].want))
            fail_msg("\"%s\" should read as %lld (rc %d, got %lld)", cases[i].in, (long long)cases[i].want, rc,
                     (long long)v);
    }
}

static void test_country_code(void **state)
{
    (void)state;
    const struct {
        const char *d;
        int len;
    } cases[] = {
        {"12125550134", 1}, {"79161234567", 1}, {"447700900123", 2}, {"33123456789", 2}, {"20", 2},  {"27", 2},
        {"21", 3},          {"353861234567", 3}, {"420", 3},          {"42", 3},          {"86", 2},  {"85", 3},
        {"98", 2},          {"99", 3},           {"0", 0},            {"", 0},            {"x1", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        if (valid_country_code_len(cases[i].d) != cases[i].len)
            fail_msg("country code of \"%s\": want %d digits, got %d", cases[i].d, cases[i].len,
                     valid_country_code_len(cases[i].d));
}

static void nsn_cases(const struct valid_phone_plan *plan, const char *const (*cases)[2], size_t n)
{
    char out[32];
    for (size_t i = 0; i < n; i++) {
        size_t len = valid_phone_nsn(plan, cases[i][0], out, sizeof out);
        if (!cases[i][1] && len)
            fail_msg("\"%s\" should be refused, got \"%s\"", cases[i][0], out);
        if (cases[i][1] && (!len || strcmp(out, cases[i][1]) != 0))
            fail_msg("\"%s\" should be \"%s\", got \"%s\"", cases[i][0], cases[i][1], len ? out : "(refused)");
    }
}

static void test_phone_nanp(void **state)
{
    (void)state;
    const struct valid_phone_plan us = {"1", "1", "011", 10};
    const char *const cases[][2] = {
        {"(212) 555-0134", "2125550134"},    {"212-555-0134", "2125550134"},    {"212.555.0134", "2125550134"},
        {"+1 212 555 0134", "2125550134"},   {"1-212-555-0134", "2125550134"},  {"12125550134", "2125550134"},
        {"1 212 555", "212555"},             {"1555", "1555"},                  {"0134", "0134"},
        {"011 44 7700 900123", "7700900123"}, {"+44 7700 900123", "7700900123"}, {"+33 1 23 45 67 89", "123456789"},
        {"555x", NULL},                      {"212 555 0134 ext 5", NULL},      {"++1 212", NULL},
    };
    nsn_cases(&us, cases, sizeof cases / sizeof cases[0]);
}

static void test_phone_british(void **state)
{
    (void)state;
    const struct valid_phone_plan gb = {"44", "0", "00", 10};
    const char *const cases[][2] = {
        {"+44 7700 900123", "7700900123"}, {"07700 900123", "7700900123"}, {"+44 (0)7700 900123", "7700900123"},
        {"0044 7700 900123", "7700900123"}, {"447700900123", "7700900123"}, {"+1 212 555 0134", "2125550134"},
        {"001 212 555 0134", "2125550134"}, {"0123", "0123"},              {"020 7946 0", "2079460"},
    };
    nsn_cases(&gb, cases, sizeof cases / sizeof cases[0]);
    /* The plan in effect: British until a region says otherwise. */
    char out[32];
    valid_set_phone_plan(NULL);
    assert_int_equal(valid_phone_digits("07700 900123", out, sizeof out), 10);
    const struct valid_phone_plan us = {"1", "1", "011", 10};
    valid_set_phone_plan(&us);
    assert_int_equal(valid_phone_digits("1-212-555-0134", out, sizeof out), 10);
    assert_string_equal(out, "2125550134");
    assert_int_equal(valid_phone_plan()->national_digits, 10);
    valid_set_phone_plan(NULL);
    assert_string_equal(valid_phone_plan()->calling_code, "44");
}

static void test_phone_plan_of_region(void **state)
{
    (void)state;
    struct db_region r = region("USD", "$", 2);
    struct valid_phone_plan p;
    assert_int_equal(db_region_phone_plan(&r, &p), 0);
    assert_string_equal(p.international_prefix, "011");
    r.calling_code = (char *)"12345";   /* longer than any country code */
    assert_int_equal(db_region_phone_plan(&r, &p), -1);
    /* Before any database was read: the British region. */
    assert_string_equal(db_region()->currency_code, "GBP");
    assert_string_equal(db_region()->postcode_label, "Postcode");
}

static bool m(enum valid_kind k, const char *s) { return valid_match(k, s, strlen(s)); }

static void test_country_patterns(void **state)
{
    (void)state;
    struct conf c;
    char err[512];
    assert_int_equal(conf_load(&c, NULL, err, sizeof err), 0);
    assert_true(m(VALID_POSTCODE, "SW1A 1AA"));
    assert_int_equal(conf_use_country(&c, "US", err, sizeof err), 0);
    const char *phones[] = {"(212) 555-0134", "212-555-0134", "+1 212 555 0134", "1-212-555-0134", "212.555.0134"};
    for (size_t i = 0; i < sizeof phones / sizeof phones[0]; i++)
        if (!m(VALID_PHONE, phones[i]))
            fail_msg("a US phone pattern should accept %s", phones[i]);
    assert_false(m(VALID_PHONE, "07700 900123"));
    assert_false(m(VALID_PHONE, "(112) 555-0134"));   /* no area code begins with 1 */
    assert_true(m(VALID_PHONE_PARTIAL, "(212) 555"));
    assert_true(m(VALID_POSTCODE, "10001-1234"));
    assert_false(m(VALID_POSTCODE, "SW1A 1AA"));
    assert_true(m(VALID_POSTCODE_PARTIAL, "10001"));
    assert_true(m(VALID_POSTCODE_PARTIAL, "10001-12"));
    assert_false(m(VALID_POSTCODE_PARTIAL, "1000"));
    assert_true(m(VALID_ACCOUNT_NO, "4000000001"));   /* not in the set: the default stays */
    /* Another country (or none) with no set of its own: the defaults again. */
    assert_int_equal(conf_use_country(&c, "GB", err, sizeof err), 0);
    assert_true(m(VALID_POSTCODE, "SW1A 1AA"));
    assert_false(m(VALID_POSTCODE, "10001-1234"));
    assert_int_equal(conf_use_country(&c, NULL, err, sizeof err), 0);
    assert_true(m(VALID_PHONE, "07700 900123"));
    conf_free(&c);
}

/* An event's sectors are written as the utility's country writes them. */
static void test_event_sectors(void **state)
{
    (void)state;
    struct conf c;
    char err[512];
    char **v;
    assert_int_equal(conf_load(&c, NULL, err, sizeof err), 0);
    assert_int_equal(conf_use_country(&c, "US", err, sizeof err), 0);
    int n = db_event_split_sectors(" 104, 10462 ,11354", &v, err, sizeof err);
    assert_int_equal(n, 3);
    assert_string_equal(v[0], "104");
    assert_string_equal(v[1], "10462");
    db_event_strv_free(v, n);
    static const char *const bad[] = {"LS6 2", "1046", "10462-1234", "10", "1 04", "104;"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (db_event_split_sectors(bad[i], &v, err, sizeof err) != -1)
            fail_msg("\"%s\" was taken as a US sector", bad[i]);
    assert_int_equal(conf_use_country(&c, "GB", err, sizeof err), 0);
    n = db_event_split_sectors("ls6  2", &v, err, sizeof err);
    assert_int_equal(n, 1);
    assert_string_equal(v[0], "LS6 2");
    db_event_strv_free(v, n);
    assert_int_equal(db_event_split_sectors("104", &v, err, sizeof err), -1);
    assert_non_null(strstr(err, "\"104\" is not a postcode sector: write it as outward code, space, digit (LS6 2)"));
    conf_free(&c);
}

/* A user's file with `body` as its patterns group: conf_load's answer. */
static int load_with(const char *body, char *err, size_t errlen)
{
    const char *tmp = getenv("TMPDIR");
    char p[512];
    assert_true(snprintf(p, sizeof p, "%s/careline-region-XXXXXX", tmp && *tmp ? tmp : "/tmp") < (int)sizeof p);
    int fd = mkstemp(p);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    assert_non_null(f);
    assert_true(fprintf(f, "# a user's file\npatterns = {\n%s\n};\n", body) > 0);
    assert_int_equal(fclose(f), 0);
    struct conf c;
    int rc = conf_load(&c, p, err, errlen);
    conf_free(&c);
    unlink(p);
    return rc;
}

static void test_country_patterns_checked(void **state)
{
    (void)state;
    char err[512];
    assert_int_equal(load_with("  US = {\n    phone = \"(\";\n  };", err, sizeof err), -1);
    assert_non_null(strstr(err, ":4: patterns.US.phone: pattern does not compile"));
    assert_int_equal(load_with("  US = { zip = \"x\"; };", err, sizeof err), -1);
    assert_non_null(strstr(err, ":3: patterns.US.zip: unknown pattern"));
    assert_int_equal(load_with("  FR = \"x\";", err, sizeof err), -1);
    assert_non_null(strstr(err, ":3: patterns.FR: must be a group"));
    assert_int_equal(load_with("  fr = { phone = \"x\"; };", err, sizeof err), -1);
    assert_non_null(strstr(err, "unknown setting 'patterns.fr'"));
    /* A user's set replaces what it names and keeps the built-in rest. */
    assert_int_equal(load_with("  US = { postcode = \"^[0-9]{5}$\"; };", err, sizeof err), 0);
    assert_int_equal(load_with("  FR = { postcode = \"^[0-9]{5}$\"; };", err, sizeof err), 0);
}

/* Phone numbers drawn in the region's national form where it has one. */
static void test_phone_text(void **state)
{
    (void)state;
    char b[32];
    struct db_region us = region("USD", "$", 2), gb = region("GBP", "\u00a3", 2);
    gb.calling_code = (char *)"44";
    assert_string_equal(db_region_phone_text(&us, "+12125550100", b, sizeof b), "(212) 555-0100");
    /* Not ten digits after +1, another country, or not digits: left as stored. */
    assert_string_equal(db_region_phone_text(&us, "+1212555010", b, sizeof b), "+1212555010");
    assert_string_equal(db_region_phone_text(&us, "+121255501000", b, sizeof b), "+121255501000");
    assert_string_equal(db_region_phone_text(&us, "+447700900123", b, sizeof b), "+447700900123");
    assert_string_equal(db_region_phone_text(&us, "+1212555010x", b, sizeof b), "+1212555010x");
    assert_string_equal(db_region_phone_text(&us, "", b, sizeof b), "");
    assert_string_equal(db_region_phone_text(&us, "+", b, sizeof b), "+");
    /* Britain has no one national form: E.164 as stored, a +1 number too. */
    assert_string_equal(db_region_phone_text(&gb, "+447700900123", b, sizeof b), "+447700900123");
    assert_string_equal(db_region_phone_text(&gb, "+12125550100", b, sizeof b), "+12125550100");
    char small[6];
    db_region_phone_text(&us, "+12125550100", small, sizeof small);
    assert_true(strlen(small) < sizeof small);
}

int main(void)
{
    setenv("XDG_CONFIG_HOME", "/nonexistent", 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_money_text),        cmocka_unit_test(test_money_parse),
        cmocka_unit_test(test_country_code),      cmocka_unit_test(test_phone_nanp),
        cmocka_unit_test(test_phone_british),     cmocka_unit_test(test_phone_plan_of_region),
        cmocka_unit_test(test_country_patterns),  cmocka_unit_test(test_country_patterns_checked),
        cmocka_unit_test(test_event_sectors),     cmocka_unit_test(test_phone_text),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    valid_free_all();
    return rc;
}
