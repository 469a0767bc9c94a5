/* test_event_cap.c — CAP 1.2 pieces without a database: XML escaping of hostile text, CAP times (never "Z"), msgType and references by version, and the feed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "careline/event.h"

static char *escaped(const char *s)
{
    struct util_buf b = {0};
    util_buf_puts(&b, "");
    db_event_xml_escape(&b, s);
    return util_buf_steal(&b);
}

static void escaping(void **state)
{
    (void)state;
    char *e = escaped("a<b>&\"c\" 'd' ]]> \x01\x1b[2J\t\n\r\xff\xef\xbf\xbe \xc3\xa9");
    assert_string_equal(e, "a&lt;b&gt;&amp;&quot;c&quot; &apos;d&apos; ]]&gt; \xef\xbf\xbd\xef\xbf\xbd[2J\t\n&#13;"
                           "\xef\xbf\xbd\xef\xbf\xbd \xc3\xa9");
    free(e);
    e = escaped(NULL);
    assert_string_equal(e, "");
    free(e);
}

static void times(void **state)
{
    (void)state;
    char buf[40];
    /* 2026-03-02 10:00 UTC: London is on UTC, which CAP writes -00:00. */
    assert_string_equal(db_event_cap_time(1772445600, "Europe/London", buf, sizeof buf), "2026-03-02T10:00:00-00:00");
    assert_string_equal(db_event_cap_time(1782900000, "Europe/London", buf, sizeof buf), "2026-07-01T11:00:00+01:00");
    assert_string_equal(db_event_cap_time(1772445600, "America/St_Johns", buf, sizeof buf),
                        "2026-03-02T06:30:00-03:30");
}

static struct db_event_cap_info info(const char *status, int version, const char *earlier)
{
    return (struct db_event_cap_info){
        .id = "00000000-0000-4000-8000-000000000001", .kind = "boil_water", .title = "Boil <notice>",
        .description = "", .status = (char *)status, .customer_message = "Boil it & cool it",
        .agent_message = "Read this", .sent = 1772445600, .effective = 1772445600, .expires = 0,
        .area_desc = "Alpha", .zones = "ZA ZB", .sectors = "LS6 2,LS6 3", .version = version, .earlier = (char *)earlier,
    };
}

static void alerts(void **state)
{
    (void)state;
    struct db_event_cap_meta m = {.sender = "alerts, <bad>@water.example", .tz = "Europe/London", .now = 1772445600};
    struct util_buf b = {0};
    struct db_event_cap_info i = info("active", 1, "");
    db_event_cap_write(&b, &i, &m, false);
    assert_non_null(strstr(b.data, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<alert xmlns=\"urn:oasis:names:tc:"
                                   "emergency:cap:1.2\">"));
    assert_non_null(strstr(b.data, "<msgType>Alert</msgType>"));
    assert_null(strstr(b.data, "<references>"));
    assert_null(strstr(b.data, "<expires>"));   /* no estimate: none */
    assert_non_null(strstr(b.data, "<sender>alertsbad@water.example</sender>"));
    assert_non_null(strstr(b.data, "<headline>Boil &lt;notice&gt;</headline>"));
    assert_non_null(strstr(b.data, "<description>Read this</description>"));   /* no description: the read-out */
    assert_non_null(strstr(b.data, "<category>Health</category>"));
    assert_non_null(strstr(b.data, "<value>LS6 3</value>"));
    assert_non_null(strstr(b.data, "<value>ZB</value>"));
    util_buf_clear(&b);
    i = info("active", 3, "1:1772440000 2:1772442000");
    db_event_cap_write(&b, &i, &m, true);
    assert_null(strstr(b.data, "<?xml"));
    assert_non_null(strstr(b.data, "<msgType>Update</msgType>"));
    assert_non_null(strstr(b.data, "<identifier>careline-event-00000000-0000-4000-8000-000000000001-v3</identifier>"));
    assert_non_null(strstr(b.data, "<references>alertsbad@water.example,careline-event-00000000-0000-4000-8000-"
                                   "000000000001-v1,2026-03-02T08:26:40-00:00 alertsbad@water.example,careline-event-"
                                   "00000000-0000-4000-8000-000000000001-v2,2026-03-02T09:00:00-00:00</references>"));
    util_buf_clear(&b);
    i = info("ended", 4, "1:1772440000 2:1772442000 3:1772443000");
    i.expires = 1772445600;
    db_event_cap_write(&b, &i, &m, false);
    assert_non_null(strstr(b.data, "<msgType>Cancel</msgType>"));
    assert_non_null(strstr(b.data, "<urgency>Past</urgency>"));
    assert_non_null(strstr(b.data, "<expires>2026-03-02T10:00:00-00:00</expires>"));
    util_buf_clear(&b);
    struct db_event_cap_info two[2] = {info("active", 1, ""), info("active", 2, "1:1772440000")};
    struct db_rows rows = {.v = two, .n = 2};
    db_event_cap_feed(&b, &rows, &m);
    assert_non_null(strstr(b.data, "<feed xmlns=\"http://www.w3.org/2005/Atom\">"));
    int alerts = 0;
    for (const char *p = b.data; (p = strstr(p, "<alert xmlns")); p++)
        alerts++;
    assert_int_equal(alerts, 2);
    util_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(escaping),
        cmocka_unit_test(times),
        cmocka_unit_test(alerts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
