/* test_event_rules.c — critical-event rules: SMS length (GSM-7, extension characters, UCS-2, multi-part), template fields and filling, times as typed, zone and sector lists, and the one check with bad inputs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careline/config.h"
#include "careline/event.h"
#include "careline/util.h"
#include "careline/validate.h"

/* n copies of c; two calls in one expression get two buffers. */
static const char *rep(char c, int n)
{
    static char buf[2][400];
    static int which;
    char *b = buf[which ^= 1];
    memset(b, c, (size_t)n);
    b[n] = '\0';
    return b;
}

static void sms_gsm7(void **state)
{
    (void)state;
    struct db_sms_length l;
    db_sms_measure("", &l);
    assert_int_equal(l.segments, 0);
    db_sms_measure(rep('a', 160), &l);
    assert_int_equal(l.encoding, DB_SMS_GSM7);
    assert_int_equal(l.segments, 1);
    assert_int_equal(l.left, 0);
    db_sms_measure(rep('a', 161), &l);
    assert_int_equal(l.segments, 2);
    assert_int_equal(l.per_segment, 153);
    assert_int_equal(l.left, 153 * 2 - 161);
    db_sms_measure(rep('a', 306), &l);
    assert_int_equal(l.segments, 2);
    db_sms_measure(rep('a', 307), &l);
    assert_int_equal(l.segments, 3);
    /* £, é and Greek capitals are in the basic alphabet: one septet each. */
    db_sms_measure("\xc2\xa3\xc3\xa9\xce\x94 @$_", &l);
    assert_int_equal(l.encoding, DB_SMS_GSM7);
    assert_int_equal(l.units, 7);
    assert_int_equal(l.chars, 7);
}

static void sms_extension_counts_two(void **state)
{
    (void)state;
    struct db_sms_length l;
    db_sms_measure("\xe2\x82\xac{}[]~|^\\", &l);   /* € and the brackets */
    assert_int_equal(l.encoding, DB_SMS_GSM7);
    assert_int_equal(l.chars, 9);
    assert_int_equal(l.units, 18);
    /* 159 plus one escape pair is 161: two segments. */
    char text[1000];
    util_format(text, sizeof text, "%s[", rep('a', 159));
    db_sms_measure(text, &l);
    assert_int_equal(l.units, 161);
    assert_int_equal(l.segments, 2);
    /* An escape pair never straddles two segments: 152 + pair goes to segment 2. */
    util_format(text, sizeof text, "%s[%s", rep('a', 152), rep('b', 10));
    db_sms_measure(text, &l);
    assert_int_equal(l.segments, 2);
    assert_int_equal(l.left, 153 - 12);
}

static void sms_ucs2(void **state)
{
    (void)state;
    struct db_sms_length l;
    char text[1000];
    /* One curly quote makes the whole message UCS-2. */
    util_format(text, sizeof text, "%s\xe2\x80\x99", rep('a', 69));
    db_sms_measure(text, &l);
    assert_int_equal(l.encoding, DB_SMS_UCS2);
    assert_int_equal(l.first_ucs2, 0x2019);
    assert_int_equal(l.segments, 1);
    assert_int_equal(l.left, 0);
    util_format(text, sizeof text, "%s\xe2\x80\x99", rep('a', 70));
    db_sms_measure(text, &l);
    assert_int_equal(l.segments, 2);
    assert_int_equal(l.per_segment, 67);
    /* A backtick is not GSM-7 either. */
    db_sms_measure("a`b", &l);
    assert_int_equal(l.encoding, DB_SMS_UCS2);
    /* An emoji is two UTF-16 units and is not split: 66 units then the pair. */
    util_format(text, sizeof text, "%s\xf0\x9f\x92\xa7%s", rep('a', 66), rep('b', 10));
    db_sms_measure(text, &l);
    assert_int_equal(l.units, 78);
    assert_int_equal(l.segments, 2);
    assert_int_equal(l.left, 67 - 12);
    db_sms_measure("bad \xff utf8", &l);
    assert_true(l.bad_utf8);
    char words[96];
    db_sms_measure(rep('a', 161), &l);
    assert_string_equal(db_sms_text(&l, words, sizeof words), "2 SMS (GSM-7, 161 characters, 145 left)");
}

static void template_fields_and_fill(void **state)
{
    (void)state;
    char names[4][32];
    int n = db_event_template_fields("In {area} by {restore}; water at {bottled_water_point}, {area} again {x y} {}",
                                     names, 4);
    assert_int_equal(n, 2);
    assert_string_equal(names[0], "area");
    assert_string_equal(names[1], "bottled_water_point");
    assert_int_equal(db_event_template_fields("{a}{b}{c}", names, 2), 2);   /* never beyond max */
    struct db_event_field f[] = {{"area", "Headingley"}, {"restore", "18:00"}};
    char err[128];
    char *s = db_event_fill("{area}: back by {restore}. {Not a field} {}", f, 2, err, sizeof err);
    assert_non_null(s);
    assert_string_equal(s, "Headingley: back by 18:00. {Not a field} {}");
    free(s);
    assert_null(db_event_fill("At {bottled_water_point}", f, 2, err, sizeof err));
    assert_string_equal(err, "the message needs a value for {bottled_water_point}");
    struct db_event_field empty[] = {{"area", ""}};
    assert_null(db_event_fill("{area}", empty, 1, err, sizeof err));
    /* A value is inserted as it is, never read as a field itself. */
    struct db_event_field sneaky[] = {{"area", "{area}"}};
    s = db_event_fill("{area}", sneaky, 1, err, sizeof err);
    assert_string_equal(s, "{area}");
    free(s);
}

#define TZ_LONDON "Europe/London"
/* 2026-03-02 10:00 UTC (a Monday, GMT) and 2026-07-01 10:00 UTC (BST). */
#define HOURS(n) ((time_t)(n) * 3600)
#define DAYS(n) ((time_t)(n) * 86400)
static const time_t winter = 1772445600;
static const time_t summer = 1782900000;

static void times_as_typed(void **state)
{
    (void)state;
    time_t t;
    char err[160], words[40];
    assert_int_equal(db_event_time_parse("", winter, winter, TZ_LONDON, &t, err, sizeof err), 0);
    assert_int_equal(db_event_time_parse("  ", winter, winter, TZ_LONDON, &t, err, sizeof err), 0);
    assert_int_equal(db_event_time_parse("now", winter, winter, TZ_LONDON, &t, err, sizeof err), 1);
    assert_true(t == winter);
    assert_int_equal(db_event_time_parse("+90m", winter, winter, TZ_LONDON, &t, err, sizeof err), 1);
    assert_true(t == winter + 5400);
    assert_int_equal(db_event_time_parse("+4h", winter, winter, TZ_LONDON, &t, err, sizeof err), 1);
    assert_true(t == winter + HOURS(4));
    assert_int_equal(db_event_time_parse("+2d", winter, winter, TZ_LONDON, &t, err, sizeof err), 1);
    assert_true(t == winter + DAYS(2));
    assert_int_equal(db_event_time_parse("18:30", winter, winter, TZ_LONDON, &t, err, sizeof err), 1);
    assert_true(t == winter + HOURS(8) + 1800);
    /* Earlier than `after`: the next day. */
    assert_int_equal(db_event_time_parse("02:00", winter, winter, TZ_LONDON, &t, err, sizeof err), 1);
    assert_true(t == winter + HOURS(16));
    /* In summer, local 12:00 is 11:00 UTC. */
    assert_int_equal(db_event_time_parse("2026-07-01 12:00", winter, winter, TZ_LONDON, &t, err, sizeof err), 1);
    assert_true(t == summer + 3600);
    assert_int_equal(db_event_time_parse("2026-07-01T12:00:00+00:00", winter, winter, TZ_LONDON, &t, err, sizeof err), 1);
    assert_true(t == summer + 7200);
    assert_int_equal(db_event_time_parse("2026-07-01T12:00Z", winter, winter, TZ_LONDON, &t, err, sizeof err), 1);
    assert_true(t == summer + 7200);
    assert_int_equal(db_event_time_parse("2026-07-01T12:00-0130", winter, winter, TZ_LONDON, &t, err, sizeof err), 1);
    assert_true(t == summer + 7200 + 5400);
    /* The process's own zone is left as it was. */
    setenv("TZ", "America/New_York", 1);
    db_event_time_parse("2026-07-01 12:00", winter, winter, TZ_LONDON, &t, err, sizeof err);
    assert_string_equal(getenv("TZ"), "America/New_York");
    assert_true(t == summer + 3600);
    unsetenv("TZ");
    static const char *const bad[] = {"25:00", "12:60", "1:2", "tomorrow", "+", "+4", "+4y", "+-4h", "+12345678h",
                                      "2026-02-29 10:00", "2026-13-01 10:00", "2026-01-01", "2026-01-01 10",
                                      "2026-01-01T10:00+25:00", "2026-01-01 10:00 extra", "99:99:99",
                                      "2026/01/01 10:00", "1999-01-01 10:00",
                                      /* signs and spaces a scanf would have read as numbers */
                                      "2026-+1-01 10:00", "2026- 1-01 10:00", "2026-01-+1 10:00"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = '\0';
        if (db_event_time_parse(bad[i], winter, winter, TZ_LONDON, &t, err, sizeof err) != -1)
            fail_msg("\"%s\" was taken as a time", bad[i]);
        assert_non_null(strstr(err, "not a time"));
    }
    assert_string_equal(db_event_time_words(winter + HOURS(8), winter, TZ_LONDON, words, sizeof words), "18:00");
    assert_string_equal(db_event_time_words(winter + 86400, winter, TZ_LONDON, words, sizeof words), "10:00 Tue 3 Mar");
    assert_string_equal(db_event_time_words(summer, winter, TZ_LONDON, words, sizeof words), "11:00 Wed 1 Jul");
}

static void zone_and_sector_lists(void **state)
{
    (void)state;
    char **v, err[160];
    int n = db_event_split_zones(" za, ZB  zc,za ", &v, err, sizeof err);
    assert_int_equal(n, 3);
    assert_string_equal(v[0], "ZA");
    assert_string_equal(v[2], "ZC");
    db_event_strv_free(v, n);
    assert_int_equal(db_event_split_zones("", &v, err, sizeof err), 0);
    assert_int_equal(db_event_split_zones("Z;A", &v, err, sizeof err), -1);
    assert_non_null(strstr(err, "\"Z;A\" is not a zone code"));
    n = db_event_split_sectors("ls6 2, LS6  3,W1A 1,EC1A 9, ls6 2", &v, err, sizeof err);
    assert_int_equal(n, 4);
    assert_string_equal(v[0], "LS6 2");
    assert_string_equal(v[1], "LS6 3");
    assert_string_equal(v[2], "W1A 1");
    assert_string_equal(v[3], "EC1A 9");
    db_event_strv_free(v, n);
    static const char *const bad[] = {"LS62", "LS6 2AB", "6LS 2", "LS 2", "L 2", "LS6 A", "LSX6 2", "LS6 2;",
                                      "ABC12 3"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (db_event_split_sectors(bad[i], &v, err, sizeof err) != -1)
            fail_msg("\"%s\" was taken as a sector", bad[i]);
    assert_non_null(strstr(err, "is not a postcode sector"));
}

static const struct db_event_template active_tmpl = {
    "supply_interruption", "supply_interruption", "active", "No water",
    "Careline: water supply in {area} is interrupted. Back by {restore}. Bottled water: {bottled_water_point}.",
};
static const struct db_event_template closed_tmpl = {
    "supply_interruption.restored", "supply_interruption", "closed", "Restored", "Water in {area} is back at {restore}.",
};
static struct db_event_field good_fields[] = {{"area", "Headingley"}, {"bottled_water_point", "Asda car park"}};

static struct db_event_input declare_input(void)
{
    return (struct db_event_input){
        .op = DB_EVENT_DECLARE, .kind = "supply_interruption", .title = "Burst main", .zones = "za",
        .sectors = "ls6 2", .start = "", .restore = "+4h", .read_out = "Sorry: a burst main.",
        .tmpl = &active_tmpl, .fields = good_fields, .nfields = 2, .now = winter, .tz = TZ_LONDON,
    };
}

static void check_declare(void **state)
{
    (void)state;
    struct db_event_input in = declare_input();
    struct db_event_checked c;
    struct db_event_problem p;
    assert_int_equal(db_event_check(&in, &c, &p), 0);
    assert_int_equal(c.nzones, 1);
    assert_string_equal(c.sectors[0], "LS6 2");
    assert_true(c.restore == winter + HOURS(4));
    assert_string_equal(c.message, "Careline: water supply in Headingley is interrupted. Back by 14:00. "
                                   "Bottled water: Asda car park.");
    assert_int_equal(c.sms.segments, 1);
    assert_string_equal(c.fields_json, "{\"area\": \"Headingley\", \"bottled_water_point\": \"Asda car park\"}");
    db_event_checked_free(&c);
}

/* One bad input at a time: the problem names the part at fault. */
static void expect(struct db_event_input in, enum db_event_part part, const char *words)
{
    struct db_event_checked c;
    struct db_event_problem p;
    if (db_event_check(&in, &c, &p) != -1)
        fail_msg("accepted; expected a problem with the %s", db_event_part_name(part));
    if (p.part != part || !strstr(p.text, words))
        fail_msg("got %s: \"%s\"; expected %s: \"%s\"", db_event_part_name(p.part), p.text, db_event_part_name(part),
                 words);
    assert_null(c.message);
    assert_int_equal(c.nzones, 0);
}

static void check_bad_inputs(void **state)
{
    (void)state;
    struct db_event_input in;
    in = declare_input(); in.kind = "flood"; expect(in, DB_EVP_KIND, "choose the kind");
    in = declare_input(); in.kind = NULL; expect(in, DB_EVP_KIND, "choose the kind");
    in = declare_input(); in.title = "   "; expect(in, DB_EVP_TITLE, "give the event a title");
    in = declare_input(); in.title = rep('t', 121); expect(in, DB_EVP_TITLE, "too long");
    in = declare_input(); in.title = "Bad\x1b[2Jtitle"; expect(in, DB_EVP_TITLE, "control character");
    in = declare_input(); in.title = "bad \xff"; expect(in, DB_EVP_TITLE, "not valid UTF-8");
    in = declare_input(); in.read_out = ""; expect(in, DB_EVP_READ_OUT, "read out");
    in = declare_input(); in.zones = ""; in.sectors = " , "; expect(in, DB_EVP_ZONES, "at least one zone");
    in = declare_input(); in.zones = "Z A;"; expect(in, DB_EVP_ZONES, "not a zone code");
    in = declare_input(); in.sectors = "LS62"; expect(in, DB_EVP_SECTORS, "not a postcode sector");
    struct db_zone zones[] = {{"ZA", "Alpha", "england"}, {"ZB", "Beta", "wales"}};
    struct db_rows known = {.v = zones, .n = 2};
    in = declare_input(); in.known_zones = &known; in.zones = "za, zq"; expect(in, DB_EVP_ZONES, "no zone has the code \"ZQ\"");
    in = declare_input(); in.start = "yesterday"; expect(in, DB_EVP_START, "not a time");
    in = declare_input(); in.start = "2020-01-01 10:00"; expect(in, DB_EVP_START, "30 days ago");
    in = declare_input(); in.start = "+100d"; expect(in, DB_EVP_START, "90 days ahead");
    in = declare_input(); in.restore = "25:61"; expect(in, DB_EVP_RESTORE, "not a time");
    in = declare_input(); in.start = "+5h"; in.restore = "+4h"; expect(in, DB_EVP_RESTORE, "after the start");
    in = declare_input(); in.restore = "+400d"; expect(in, DB_EVP_RESTORE, "more than a year");
    in = declare_input(); in.restore = ""; expect(in, DB_EVP_RESTORE, "give the estimated restore time");
    in = declare_input(); in.tmpl = NULL; expect(in, DB_EVP_TEMPLATE, "choose the customer message");
    in = declare_input(); in.tmpl = &closed_tmpl; expect(in, DB_EVP_TEMPLATE, "is not for an active");
    in = declare_input(); in.kind = "boil_water"; expect(in, DB_EVP_TEMPLATE, "is not for an active boil_water");
    in = declare_input(); in.nfields = 1; expect(in, DB_EVP_FIELD, "fill in {bottled_water_point}");
    struct db_event_field unknown[] = {{"area", "x"}, {"bottled_water_point", "y"}, {"aera", "typo"}};
    in = declare_input(); in.fields = unknown; in.nfields = 3; expect(in, DB_EVP_FIELD, "has no field {aera}");
    struct db_event_field braces[] = {{"area", "{restore}"}, {"bottled_water_point", "y"}};
    in = declare_input(); in.fields = braces; expect(in, DB_EVP_FIELD, "braces are not allowed");
    struct db_event_field blank_value[] = {{"area", " "}, {"bottled_water_point", "y"}};
    in = declare_input(); in.fields = blank_value; expect(in, DB_EVP_FIELD, "fill in {area}");
    struct db_event_field ctrl[] = {{"area", "a\nb"}, {"bottled_water_point", "y"}};
    in = declare_input(); in.fields = ctrl; expect(in, DB_EVP_FIELD, "control character");
    struct db_event_field longest[] = {{"area", rep('a', 80)}, {"bottled_water_point", "y"}};
    in = declare_input(); in.fields = longest;
    struct db_event_checked c;
    struct db_event_problem p;
    assert_int_equal(db_event_check(&in, &c, &p), 0);   /* 80 bytes is allowed... */
    db_event_checked_free(&c);
    struct db_event_field toolong[] = {{"area", rep('a', 81)}, {"bottled_water_point", "y"}};
    in = declare_input(); in.fields = toolong; expect(in, DB_EVP_FIELD, "too long");
    /* Long values in UCS-2 make too many segments. */
    static char wide[81];
    for (size_t i = 0; i < 26; i++)
        memcpy(wide + i * 3, "\xe2\x80\x99", 3);
    wide[78] = '\0';
    struct db_event_template big = active_tmpl;
    big.body = "{area} {area} {area} {area} {area} {area} {area} {bottled_water_point} {restore}";
    struct db_event_field many[] = {{"area", wide}, {"bottled_water_point", wide}};
    in = declare_input(); in.tmpl = &big; in.fields = many; expect(in, DB_EVP_MESSAGE, "at most 3 SMS");
}

static void check_update_and_close(void **state)
{
    (void)state;
    struct db_event_input in = {
        .op = DB_EVENT_UPDATE, .kind = "supply_interruption", .title = "", .zones = "", .sectors = "",
        .restore = "", .read_out = "", .tmpl = &active_tmpl, .fields = good_fields, .nfields = 2,
        .now = winter, .started = winter - 3600, .restore_was = winter + 7200, .has_area = true, .tz = TZ_LONDON,
    };
    struct db_event_checked c;
    struct db_event_problem p;
    assert_int_equal(db_event_check(&in, &c, &p), 0);
    assert_true(c.restore == 0);   /* unchanged */
    assert_non_null(strstr(c.message, "Back by 12:00."));
    /* The same again changes nothing and is refused. */
    char *same = strdup(c.message);
    in.message_was = same;
    db_event_checked_free(&c);
    expect(in, DB_EVP_RESTORE, "nothing to update");
    in.title_was = "Burst main";
    in.title = "Burst main";
    expect(in, DB_EVP_RESTORE, "nothing to update");
    in.title = "Burst main, Otley Road";
    assert_int_equal(db_event_check(&in, &c, &p), 0);
    db_event_checked_free(&c);
    in.title = "";
    in.sectors = "LS6 4";
    assert_int_equal(db_event_check(&in, &c, &p), 0);
    db_event_checked_free(&c);
    in.sectors = "";
    in.message_was = NULL;
    free(same);
    in.restore = "09:30";          /* before the start? no: the next 09:30 after now */
    assert_int_equal(db_event_check(&in, &c, &p), 0);
    assert_non_null(strstr(c.message, "09:30 Tue 3 Mar"));
    db_event_checked_free(&c);
    in.restore = "2026-03-02 08:00";
    expect(in, DB_EVP_RESTORE, "after the start");
    struct db_event_input cl = in;
    cl.op = DB_EVENT_CLOSE;
    cl.tmpl = &closed_tmpl;
    cl.nfields = 1;
    cl.restore = "";
    assert_int_equal(db_event_check(&cl, &c, &p), 0);
    assert_true(c.restore == winter);
    assert_string_equal(c.message, "Water in Headingley is back at 10:00.");
    db_event_checked_free(&c);
    cl.restore = "+1h";
    expect(cl, DB_EVP_RESTORE, "in the future");
    cl.restore = "2026-03-02 08:00";
    expect(cl, DB_EVP_RESTORE, "before the event started");
    cl.restore = "";
    cl.zones = "ZC";
    expect(cl, DB_EVP_ZONES, "not widened as it closes");
    cl.zones = "";
    cl.tmpl = &active_tmpl;
    expect(cl, DB_EVP_TEMPLATE, "is not for closing");
}

static void preview_while_typing(void **state)
{
    (void)state;
    struct db_event_input in = declare_input();
    struct db_sms_length l;
    in.nfields = 1;
    in.restore = "25:";
    char *m = db_event_preview_message(&in, &l);
    assert_string_equal(m, "Careline: water supply in Headingley is interrupted. Back by {restore}. "
                           "Bottled water: {bottled_water_point}.");
    assert_int_equal(l.segments, 1);
    free(m);
    in.restore = "18:00";
    m = db_event_preview_message(&in, &l);
    assert_non_null(strstr(m, "Back by 18:00."));
    free(m);
    in.tmpl = NULL;
    assert_null(db_event_preview_message(&in, &l));
    assert_int_equal(l.segments, 0);
}

static void kinds_are_the_schemas(void **state)
{
    (void)state;
    static const char *const schema[] = {"supply_interruption", "boil_water", "do_not_drink", "low_pressure",
                                         "planned_works", "sewer_flooding", "discolouration"};
    for (int i = 0; i < DB_EVENT_KINDS; i++) {
        assert_non_null(db_event_kind_find(schema[i]));
        assert_string_equal(db_event_kind_at(i)->code, schema[i]);
    }
    assert_null(db_event_kind_at(DB_EVENT_KINDS));
    assert_null(db_event_kind_at(-1));
    assert_null(db_event_kind_find("flood"));
    assert_null(db_event_kind_find(NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sms_gsm7),
        cmocka_unit_test(sms_extension_counts_two),
        cmocka_unit_test(sms_ucs2),
        cmocka_unit_test(template_fields_and_fill),
        cmocka_unit_test(times_as_typed),
        cmocka_unit_test(zone_and_sector_lists),
        cmocka_unit_test(check_declare),
        cmocka_unit_test(check_bad_inputs),
        cmocka_unit_test(check_update_and_close),
        cmocka_unit_test(preview_while_typing),
        cmocka_unit_test(kinds_are_the_schemas),
    };
    /* Sectors are checked by the configuration's pattern (the built-in one). */
    struct conf c;
    char err[512];
    setenv("XDG_CONFIG_HOME", "/nonexistent", 1);
    if (conf_load(&c, NULL, err, sizeof err) < 0) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    conf_free(&c);
    valid_free_all();
    return rc;
}
