/* test_import.c — the 311 import's pure parts: text as the mapping compares it, trailing codes, dates, coordinates, the mapping's lookup, and the CSV, JSON and XML readers on good and hostile files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careline/import.h"
#include "careline/util.h"

static void test_norm(void **state)
{
    (void)state;
    char a[64], b[64];
    db_import_norm("NO WATER - WNW", a, sizeof a);
    db_import_norm("No Water (WNW)", b, sizeof b);
    assert_string_equal(a, "no water wnw");
    assert_string_equal(a, b);
    db_import_norm("  Wasting Faucets,Sinks,Flushometer,Urinal,Etc. - Other (CWO)", a, sizeof a);
    assert_string_equal(a, "wasting faucets sinks flushometer urinal etc other cwo");
    db_import_norm("", a, sizeof a);
    assert_string_equal(a, "");
    /* A cut never splits a character. */
    db_import_norm("caf\xc3\xa9 \xc3\xa9\xc3\xa9", a, 8);
    assert_string_equal(a, "caf\xc3\xa9");
}

static void test_code(void **state)
{
    (void)state;
    char c[16];
    assert_true(db_import_code("No Water (WNW)", c, sizeof c));
    assert_string_equal(c, "WNW");
    assert_true(db_import_code("NO WATER - WNW", c, sizeof c));
    assert_string_equal(c, "WNW");
    assert_true(db_import_code("Leak (Use Comments) (WA2)", c, sizeof c));
    assert_string_equal(c, "WA2");
    assert_true(db_import_code("Low Water Pressure - WLWP  ", c, sizeof c));
    assert_string_equal(c, "WLWP");
    assert_false(db_import_code("Leak (Use Comments)", c, sizeof c));
    assert_string_equal(c, "");
    assert_false(db_import_code("HEAT/HOT WATER", c, sizeof c));
    assert_false(db_import_code("(TOOLONGCODE)", c, sizeof c));
    assert_false(db_import_code("()", c, sizeof c));
    assert_false(db_import_code("", c, sizeof c));
}

static void time_is(const char *in, const char *want)
{
    char out[48], why[160];
    if (db_import_time(in, out, sizeof out, why, sizeof why) < 0)
        fail_msg("\"%s\" refused: %s", in, why);
    if (strcmp(out, want) != 0)
        fail_msg("\"%s\" gave \"%s\", not \"%s\"", in, out, want);
}

static void time_bad(const char *in, const char *why_has)
{
    char out[48], why[160];
    if (db_import_time(in, out, sizeof out, why, sizeof why) == 0)
        fail_msg("\"%s\" accepted as \"%s\"", in, out);
    if (!strstr(why, why_has))
        fail_msg("\"%s\": \"%s\" does not say \"%s\"", in, why, why_has);
}

static void test_time(void **state)
{
    (void)state;
    time_is("01/15/2024 08:30:00 AM", "2024-01-15 08:30:00");
    time_is("01/15/2024 12:05:09 AM", "2024-01-15 00:05:09");
    time_is("01/15/2024 12:05:09 PM", "2024-01-15 12:05:09");
    time_is("1/5/2024 9:05 pm", "2024-01-05 21:05:00");
    time_is("02/29/2024", "2024-02-29 00:00:00");
    time_is("07/04/2024 17:30:00", "2024-07-04 17:30:00");
    time_is("2024-01-15T08:30:00", "2024-01-15 08:30:00");
    time_is("2024-01-15T08:30:00.123", "2024-01-15 08:30:00");
    time_is("2024-01-15 08:30", "2024-01-15 08:30:00");
    time_is("2024-01-15T08:30:00Z", "2024-01-15 08:30:00+00:00");
    time_is("2024-01-15T08:30:00-05:00", "2024-01-15 08:30:00-05:00");
    time_is("2024-01-15T08:30:00+0530", "2024-01-15 08:30:00+05:30");
    time_is("2024-01-15T08:30:00-08", "2024-01-15 08:30:00-08:00");
    time_is("2024-01-15", "2024-01-15 00:00:00");
    time_is("  ", "");
    time_is("", "");
    time_bad("13/45/2024 10:00:00 AM", "no such month");
    time_bad("02/30/2024 10:00:00 AM", "no such day");
    time_bad("02/29/2023", "no such day");
    time_bad("01/15/2024 13:00:00 PM", "outside 1-12");
    time_bad("01/15/2024 10:61:00", "no such time");
    time_bad("2024-01-15T25:00:00", "no such time");
    time_bad("2024-01-15T08:30:00+15:00", "past 14 hours");
    time_bad("2024-01-15 08:30:00 EST", "something after");
    time_bad("yesterday", "is not YYYY-MM-DD");
    time_bad("01/15/24 08:30:00 AM", "is not MM/DD/YYYY");
    time_bad("0001-01-01", "outside 1900-2999");
    time_bad("\x1b[2J01/15/2024", "is not");
    char big[100];
    memset(big, '1', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    time_bad(big, "too long");
}

static void test_coord(void **state)
{
    (void)state;
    char out[40];
    assert_int_equal(db_import_coord(" 40.7484 ", -90, 90, out, sizeof out), 0);
    assert_string_equal(out, "40.7484");
    assert_int_equal(db_import_coord("", -90, 90, out, sizeof out), 0);
    assert_string_equal(out, "");
    assert_int_equal(db_import_coord("-73.9857", -180, 180, out, sizeof out), 0);
    assert_int_equal(db_import_coord("91", -90, 90, out, sizeof out), -1);
    assert_int_equal(db_import_coord("nan", -90, 90, out, sizeof out), -1);
    assert_int_equal(db_import_coord("0x10", -90, 90, out, sizeof out), -1);
    assert_int_equal(db_import_coord("1e2", -180, 180, out, sizeof out), -1);
    assert_int_equal(db_import_coord("40.7,", -90, 90, out, sizeof out), -1);
}

static void test_header_name(void **state)
{
    (void)state;
    char n[64];
    db_import_header_name("Unique Key", n, sizeof n);
    assert_string_equal(n, "unique_key");
    db_import_header_name("X Coordinate (State Plane)", n, sizeof n);
    assert_string_equal(n, "x_coordinate_state_plane");
    db_import_header_name("cross_street_1", n, sizeof n);
    assert_string_equal(n, "cross_street_1");
    db_import_header_name(" Resolution Action Updated Date ", n, sizeof n);
    assert_string_equal(n, "resolution_action_updated_date");
}

/* A map as import_conf.c builds it. */
static void add_rule(struct db_import_map *m, const char *agency, const char *type, const char *descriptor,
                     const char *category)
{
    char a[64], t[64], d[128], c[16];
    db_import_norm(agency, a, sizeof a);
    db_import_norm(type, t, sizeof t);
    db_import_norm(descriptor, d, sizeof d);
    db_import_code(descriptor, c, sizeof c);
    m->rules = util_realloc(m->rules, sizeof *m->rules * (size_t)(m->nrules + 1));
    m->rules[m->nrules++] = (struct db_import_rule){util_strdup(a), util_strdup(t), util_strdup(d), util_strdup(c),
                                                    util_strdup(category), 1};
}

static void test_map(void **state)
{
    (void)state;
    struct db_import_map m = {0};
    m.agencies = util_calloc(1, sizeof *m.agencies);
    m.agencies[0] = util_strdup("dep");
    m.nagencies = 1;
    add_rule(&m, "DEP", "Water System", "No Water (WNW)", "supply.interruption");
    add_rule(&m, "DEP", "Water System", "Leak (Use Comments) (WA2)", "supply.leak_public");
    add_rule(&m, "DEP", "Sewer", "Odour (SA2)", "wastewater.odour");
    add_rule(&m, "DEP", "Sewer", "Smell (SA2)", "wastewater.blockage");
    const char *cat;
    assert_int_equal(db_import_map_find(&m, "DEP", "WATER SYSTEM", "NO WATER - WNW", &cat), DB_IMPORT_MAPPED);
    assert_string_equal(cat, "supply.interruption");
    /* The words changed, the code did not. */
    assert_int_equal(db_import_map_find(&m, "DEP", "Water System", "Leak (WA2)", &cat), DB_IMPORT_MAPPED);
    assert_string_equal(cat, "supply.leak_public");
    /* A code two rules share with different categories is not guessed. */
    assert_int_equal(db_import_map_find(&m, "DEP", "Sewer", "Bad (SA2)", &cat), DB_IMPORT_UNMAPPED);
    /* The code belongs to its complaint type. */
    assert_int_equal(db_import_map_find(&m, "DEP", "Sewer", "Leak (WA2)", &cat), DB_IMPORT_UNMAPPED);
    assert_int_equal(db_import_map_find(&m, "HPD", "HEAT/HOT WATER", "ENTIRE BUILDING", &cat), DB_IMPORT_SKIPPED);
    assert_int_equal(db_import_map_find(&m, "DEP", "Water System", "Something New", &cat), DB_IMPORT_UNMAPPED);
    assert_null(cat);
    /* Careline's own codes only when asked, and only real leaves. */
    assert_int_equal(db_import_map_find(&m, "DEP", "x", "supply.low_pressure", &cat), DB_IMPORT_UNMAPPED);
    m.careline_codes = true;
    m.leaves = util_calloc(1, sizeof *m.leaves);
    m.leaves[0] = util_strdup("supply.low_pressure");
    m.nleaves = 1;
    assert_int_equal(db_import_map_find(&m, "DEP", "x", "supply.low_pressure", &cat), DB_IMPORT_MAPPED);
    assert_string_equal(cat, "supply.low_pressure");
    assert_int_equal(db_import_map_find(&m, "DEP", "x", "supply.nonsense", &cat), DB_IMPORT_UNMAPPED);
    m.statuses = util_calloc(2, sizeof *m.statuses);
    m.statuses[0] = (struct db_import_status){util_strdup("in progress"), util_strdup("investigating"), 1};
    m.nstatuses = 1;
    assert_string_equal(db_import_status_find(&m, "In Progress"), "investigating");
    assert_string_equal(db_import_status_find(&m, "IN-PROGRESS"), "investigating");
    assert_null(db_import_status_find(&m, "Closed"));
    db_import_map_free(&m);
}

/* ---- readers ------------------------------------------------------------- */

struct got {
    int records, bad;
    enum db_import_read last;
    char why[512];
    long lines[16];
    char ids[16][80];
    char descr[16][64];
    size_t descr_len[16];
};

/* Read a whole in-memory file; remembers the first 16 records. */
static struct got read_all(const char *text, size_t len, enum db_import_source source)
{
    struct got g;
    memset(&g, 0, sizeof g);
    FILE *f = fmemopen((void *)text, len, "rb");
    assert_non_null(f);
    struct db_import_reader *r = db_import_reader_new(f, source);
    struct db_import_record rec;
    char why[400];
    for (;;) {
        enum db_import_read k = db_import_reader_next(r, &rec, why, sizeof why);
        g.last = k;
        if (k == DB_READ_END || k == DB_READ_FATAL) {
            if (k == DB_READ_FATAL)
                util_format(g.why, sizeof g.why, "%s", why);
            break;
        }
        if (k == DB_READ_BAD) {
            g.bad++;
            util_format(g.why, sizeof g.why, "%ld: %s", rec.line, why);
            continue;
        }
        if (g.records < 16) {
            g.lines[g.records] = rec.line;
            util_format(g.ids[g.records], sizeof g.ids[0], "%s", rec.v[DB_IF_ID]);
            util_format(g.descr[g.records], sizeof g.descr[0], "%s", rec.v[DB_IF_DESCRIPTOR]);
            g.descr_len[g.records] = strlen(rec.v[DB_IF_RESOLUTION]);
        }
        g.records++;
    }
    db_import_reader_free(r);
    (void)fclose(f);   /* a memory stream, only read */
    return g;
}

static struct got read_text(const char *text, enum db_import_source source)
{
    return read_all(text, strlen(text), source);
}

static void test_csv_layouts(void **state)
{
    (void)state;
    /* 23 columns, in another order than the portal's. */
    struct got g = read_text("Descriptor,Unique Key,Agency,Complaint Type,Created Date,Closed Date,Location Type,"
                             "Incident Zip,Incident Address,Street Name,Cross Street 1,Cross Street 2,Intersection "
                             "Street 1,Intersection Street 2,City,Status,Due Date,Resolution Description,"
                             "Resolution Action Updated Date,Borough,Latitude,Longitude,Location\r\n"
                             "No Water (WNW),101,DEP,Water System,01/15/2024 08:30:00 AM,,,10118,350 5 AVENUE,"
                             "5 AVENUE,,,,,NEW YORK,Open,,,,MANHATTAN,40.7,-73.9,\r\n",
                             DB_IMPORT_NYC311);
    assert_int_equal(g.records, 1);
    assert_string_equal(g.ids[0], "101");
    assert_string_equal(g.descr[0], "No Water (WNW)");
    assert_int_equal(g.lines[0], 2);
    /* snake_case, a byte order mark, no final newline. */
    g = read_text("\xef\xbb\xbfunique_key,created_date,agency,complaint_type,descriptor,status\n"
                  "7,2024-01-15T08:30:00,DEP,Sewer,Sewer Odor (SA2),Open", DB_IMPORT_NYC311);
    assert_int_equal(g.records, 1);
    assert_string_equal(g.ids[0], "7");
    /* A required column missing: the whole file, with its line. */
    g = read_text("Unique Key,Agency,Complaint Type,Descriptor\n1,DEP,Sewer,x\n", DB_IMPORT_NYC311);
    assert_int_equal(g.last, DB_READ_FATAL);
    assert_non_null(strstr(g.why, "line 1: no \"Created Date\" column"));
    g = read_text("", DB_IMPORT_NYC311);
    assert_int_equal(g.last, DB_READ_FATAL);
    assert_non_null(strstr(g.why, "empty"));
}

static void test_csv_hostile(void **state)
{
    (void)state;
    struct util_buf b = {0};
    util_buf_puts(&b, "Unique Key,Created Date,Agency,Complaint Type,Descriptor,Resolution Description\n");
    /* Quotes, a comma and two line breaks inside one field. */
    util_buf_puts(&b, "1,01/01/2024,DEP,Sewer,\"Odor \"\"bad\"\", strong\",\"line one\nline two\r\nthree\"\n");
    /* An escape sequence and a tab stay text (drawn safely later). */
    util_buf_puts(&b, "2,01/01/2024,DEP,Sewer,\x1b[2J\x1b]0;x\x07,\ttab\n");
    /* A 10,000-character resolution. */
    util_buf_puts(&b, "3,01/01/2024,DEP,Sewer,Long,\"");
    for (int i = 0; i < 10000; i++)
        util_buf_add(&b, "x", 1);
    util_buf_puts(&b, "\"\n");
    /* Too few fields; invalid UTF-8; a NUL byte; then good again. */
    util_buf_puts(&b, "4,01/01/2024,DEP\n");
    util_buf_puts(&b, "5,01/01/2024,DEP,Sewer,\xff\xfe,x\n");
    util_buf_add(&b, "6,01/01/2024,DEP,Sewer,a\0b,x\n", 29);
    util_buf_puts(&b, "7,01/01/2024,DEP,Sewer,after,x\n");
    /* A quote opened and never closed swallows the rest: that row is bad. */
    util_buf_puts(&b, "8,01/01/2024,DEP,Sewer,\"never closed,x\n9,01/01/2024,DEP,Sewer,y,z\n");
    struct got g = read_all(b.data, b.len, DB_IMPORT_NYC311);
    assert_int_equal(g.records, 4);
    assert_string_equal(g.descr[0], "Odor \"bad\", strong");
    assert_int_equal(g.lines[0], 2);
    assert_int_equal(g.lines[1], 5);
    assert_string_equal(g.ids[2], "3");
    assert_int_equal(g.descr_len[2], 10000);
    assert_string_equal(g.ids[3], "7");
    assert_int_equal(g.bad, 4);
    if (!strstr(g.why, "opened on line 11, that never closes"))
        fail_msg("%s", g.why);
    util_buf_free(&b);
    g = read_text("Unique Key,Created Date,Agency,Complaint Type,Descriptor\n1,x,y\n", DB_IMPORT_NYC311);
    assert_int_equal(g.bad, 1);
    assert_non_null(strstr(g.why, "2: the row has 3 fields, the header 5"));
}

static void test_json(void **state)
{
    (void)state;
    struct got g = read_text(
        "[\n"
        "  {\"service_request_id\": \"638344\", \"status\": \"open\", \"service_code\": \"001\",\n"
        "   \"service_name\": \"Cans left out\", \"description\": \"Quote \\\" slash \\/ \\u00e9 \\ud83d\\ude00\",\n"
        "   \"requested_datetime\": \"2010-04-14T06:37:38-08:00\", \"lat\": 37.76, \"long\": -122.4,\n"
        "   \"extended_attributes\": {\"x\": [1, {\"y\": \"]\"}]}, \"media_url\": null},\n"
        "  42,\n"
        "  {\"status\": \"open\"},\n"
        "  {\"service_request_id\": 638345}\n"
        "]\n",
        DB_IMPORT_OPEN311);
    assert_int_equal(g.last, DB_READ_END);
    assert_int_equal(g.records, 2);
    assert_string_equal(g.ids[0], "638344");
    assert_string_equal(g.descr[0], "001");
    assert_int_equal(g.lines[0], 2);
    assert_string_equal(g.ids[1], "638345");
    assert_int_equal(g.bad, 2);
    /* Wrapped in an object; an error a server sends instead. */
    g = read_text("{\"meta\": {}, \"service_requests\": [{\"service_request_id\": \"a\"}]}", DB_IMPORT_OPEN311);
    assert_int_equal(g.records, 1);
    g = read_text("[{\"code\": 403, \"description\": \"Invalid api_key\"}]", DB_IMPORT_OPEN311);
    assert_int_equal(g.bad, 1);
    assert_non_null(strstr(g.why, "the server sent an error, not a request: Invalid api_key"));
    /* Broken documents stop with the line. */
    g = read_text("[\n{\"service_request_id\": \"1\"}\n{\"service_request_id\": \"2\"}]", DB_IMPORT_OPEN311);
    assert_int_equal(g.last, DB_READ_FATAL);
    assert_non_null(strstr(g.why, "line 3: JSON: expected ',' or ']'"));
    g = read_text("[{\"service_request_id\": \"1\", \"x\": tru}]", DB_IMPORT_OPEN311);
    assert_int_equal(g.last, DB_READ_FATAL);
    g = read_text("[{\"service_request_id\": \"1\\q\"}]", DB_IMPORT_OPEN311);
    assert_non_null(strstr(g.why, "unknown escape"));
    g = read_text("hello", DB_IMPORT_OPEN311);
    assert_non_null(strstr(g.why, "neither JSON nor XML"));
    g = read_text("[{\"service_request_id\": \"a\\u0000b\"}]", DB_IMPORT_OPEN311);
    assert_int_equal(g.bad, 1);
    assert_non_null(strstr(g.why, "NUL"));
    /* Deep nesting is skipped without recursion. */
    struct util_buf b = {0};
    util_buf_puts(&b, "[{\"service_request_id\": \"d\", \"x\": ");
    for (int i = 0; i < 100000; i++)
        util_buf_add(&b, "[", 1);
    for (int i = 0; i < 100000; i++)
        util_buf_add(&b, "]", 1);
    util_buf_puts(&b, "}]");
    g = read_all(b.data, b.len, DB_IMPORT_OPEN311);
    assert_int_equal(g.records, 1);
    util_buf_free(&b);
}

static void test_xml(void **state)
{
    (void)state;
    struct got g = read_text(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
        "<!DOCTYPE service_requests [ <!ENTITY e \"x\"> ]>\n"
        "<!-- a comment -->\n"
        "<service_requests>\n"
        "  <request>\n"
        "    <service_request_id>638344</service_request_id>\n"
        "    <service_code attr='a>b'>001</service_code>\n"
        "    <description>Fish &amp; chips &#233; &#x1F600; <![CDATA[<raw> & ]]]]></description>\n"
        "    <attributes><attribute><code>1</code></attribute></attributes>\n"
        "    <media_url/>\n"
        "  </request>\n"
        "  <request><service_request_id>2</service_request_id></request>\n"
        "  <error><code>403</code><description>Invalid api_key</description></error>\n"
        "</service_requests>\n",
        DB_IMPORT_OPEN311);
    assert_int_equal(g.last, DB_READ_END);
    assert_int_equal(g.records, 2);
    assert_string_equal(g.ids[0], "638344");
    assert_string_equal(g.descr[0], "001");
    assert_int_equal(g.lines[0], 5);
    assert_int_equal(g.bad, 1);
    assert_non_null(strstr(g.why, "<error> is not a <request>: Invalid api_key"));
    g = read_text("<service_requests><request><service_request_id>1</service_code></request></service_requests>",
                  DB_IMPORT_OPEN311);
    assert_int_equal(g.last, DB_READ_FATAL);
    assert_non_null(strstr(g.why, "does not match"));
    g = read_text("<service_requests>\n<request><service_request_id>&e;</service_request_id></request>",
                  DB_IMPORT_OPEN311);
    assert_non_null(strstr(g.why, "line 2: XML: an unknown entity"));
    g = read_text("<service_requests><request>", DB_IMPORT_OPEN311);
    assert_int_equal(g.last, DB_READ_FATAL);
    g = read_text("<service_requests/>", DB_IMPORT_OPEN311);
    assert_int_equal(g.last, DB_READ_END);
    assert_int_equal(g.records, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_norm),       cmocka_unit_test(test_code),        cmocka_unit_test(test_time),
        cmocka_unit_test(test_coord),      cmocka_unit_test(test_header_name), cmocka_unit_test(test_map),
        cmocka_unit_test(test_csv_layouts), cmocka_unit_test(test_csv_hostile), cmocka_unit_test(test_json),
        cmocka_unit_test(test_xml),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
