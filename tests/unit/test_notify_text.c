/* test_notify_text.c — notification rules: mail headers that cannot be injected, RFC 2047 subjects, quoted-printable bodies, GSM-7 versus UCS-2, backoff, and what sendmail's and Kannel's answers mean. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "careline/notify_text.h"
#include "careline/util.h"

static void test_addresses(void **state)
{
    (void)state;
    assert_true(notify_text_addr_ok("jo.bloggs@example.co.uk"));
    assert_true(notify_text_addr_ok("o'brien+water@example.com"));
    assert_true(notify_text_addr_ok("care@localhost"));
    /* What the database's loose check lets through, refused here. */
    const char *bad[] = {"a,b@example.com", "a b@example.com", "\"q\"@example.com", "a@b@c", "@example.com",
                         "a@", "a@-x.com", "a@x-.com", "a..b@x.com", ".a@x.com", "a.@x.com", "a@x..com",
                         "a@x.com\nBcc: victim@x.com", "a@x.com>", "-oQ@x.com\x01", NULL};
    for (int i = 0; bad[i]; i++)
        assert_false(notify_text_addr_ok(bad[i]));
    char long_addr[300];
    memset(long_addr, 'a', sizeof long_addr);
    memcpy(long_addr + 250, "@x.com", sizeof "@x.com");
    assert_false(notify_text_addr_ok(long_addr));
}

static void test_from(void **state)
{
    (void)state;
    char a[256];
    assert_true(notify_text_from_addr("Careline <care@water.example>", a, sizeof a));
    assert_string_equal(a, "care@water.example");
    assert_true(notify_text_from_addr("care@water.example", a, sizeof a));
    assert_string_equal(a, "care@water.example");
    assert_false(notify_text_from_addr("Careline", a, sizeof a));
    assert_false(notify_text_from_addr("Careline <care@water.example", a, sizeof a));
    assert_false(notify_text_from_addr("Care\nBcc: x@y.z <care@water.example>", a, sizeof a));
    assert_false(notify_text_from_addr("Careline <care@water.example> trailing", a, sizeof a));
}

static char *header(const char *value, size_t name_len)
{
    struct util_buf b = {0};
    notify_text_header(&b, value, name_len);
    return util_buf_steal(&b);
}

static void test_subject_ascii(void **state)
{
    (void)state;
    char *h = header("Boil water notice - Westfield", 7);
    assert_string_equal(h, "Boil water notice - Westfield");
    free(h);
    /* A line break in the subject cannot start a header of its own. */
    h = header("Hi\r\nBcc: victim@example.com", 7);
    assert_null(strchr(h, '\n'));
    free(h);
    /* Long: folded at spaces, every line within 78 columns. */
    h = header("Update: Water supply interruption - burst main on the corner of Station Road and the High Street,"
               " Westfield and Eastfield", 7);
    assert_non_null(strchr(h, '\n'));
    int col = 9;
    for (const char *p = h; *p; p++) {
        col = *p == '\n' ? 0 : col + 1;
        assert_true(col <= 78);
    }
    assert_true(strstr(h, "\n ") != NULL);
    free(h);
}

static void test_subject_utf8(void **state)
{
    (void)state;
    char *h = header("Dŵr: Rhybudd berwi dŵr", 7);
    assert_true(strncmp(h, "=?UTF-8?B?", 10) == 0);
    assert_string_equal(h, "=?UTF-8?B?RMW1cjogUmh5YnVkZCBiZXJ3aSBkxbVy?=");
    free(h);
    /* Long text: several encoded-words, each at most 75 characters, split
     * between characters (45 bytes each). */
    struct util_buf lb = {0};
    for (int i = 0; i < 40; i++)
        util_buf_puts(&lb, "ŵ ");
    char *long_s = util_buf_steal(&lb);
    h = header(long_s, 7);
    int words = 0;
    for (char *line = strtok(h, "\n"); line; line = strtok(NULL, "\n")) {
        if (*line == ' ')
            line++;
        assert_true(strlen(line) <= 75);
        assert_true(strncmp(line, "=?UTF-8?B?", 10) == 0);
        words++;
    }
    assert_true(words >= 3);
    free(h);
    free(long_s);
    /* ASCII that looks like an encoded-word is encoded, not passed through. */
    h = header("=?UTF-8?B?xx?=", 7);
    assert_true(strncmp(h, "=?UTF-8?B?PT9", 13) == 0);
    free(h);
}

static void test_qp(void **state)
{
    (void)state;
    struct util_buf b = {0};
    notify_text_qp(&b, "Caf\xc3\xa9 = 5\nline with trailing space \n.\nend");
    assert_string_equal(b.data, "Caf=C3=A9 =3D 5\nline with trailing space=20\n=2E\nend");
    util_buf_clear(&b);
    char longline[300];
    memset(longline, 'x', sizeof longline - 1);
    longline[sizeof longline - 1] = '\0';
    notify_text_qp(&b, longline);
    for (char *line = strtok(b.data, "\n"); line; line = strtok(NULL, "\n"))
        assert_true(strlen(line) <= 76);
    util_buf_free(&b);
}

static void test_mail(void **state)
{
    (void)state;
    struct util_buf b = {0};
    struct notify_mail m = {.from = "Careline <care@water.example>", .to = "jo@example.com",
                            .subject = "Boil water notice - Westfield", .body = "Boil all water.\n",
                            .message_id = "5f0c6a2e-1111-4222-8333-944455556666", .date = 1767225600};
    notify_text_mail(&b, &m);
    assert_non_null(strstr(b.data, "From: Careline <care@water.example>\nTo: jo@example.com\n"));
    assert_non_null(strstr(b.data, "\nSubject: Boil water notice - Westfield\n"));
    assert_non_null(strstr(b.data, "\nMessage-ID: <5f0c6a2e-1111-4222-8333-944455556666@water.example>\n"));
    assert_non_null(strstr(b.data, "\nDate: Thu, 01 Jan 2026 00:00:00 +0000\n"));
    assert_non_null(strstr(b.data, "\nMIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\n"
                                   "Content-Transfer-Encoding: quoted-printable\n"));
    assert_non_null(strstr(b.data, "\n\nBoil all water.\n"));
    /* Headers end at the first empty line and have no CR. */
    assert_null(strchr(b.data, '\r'));
    util_buf_free(&b);
}

static void test_gsm7(void **state)
{
    (void)state;
    assert_false(notify_text_sms_ucs2("Supply restored by 18:00. Bottled water at 5 High St (£0). Sorry!"));
    assert_false(notify_text_sms_ucs2("Café Ñoño Ä Ö Ü ß É [x] {y} ~ | ^ \\ €"));
    assert_true(notify_text_sms_ucs2("Dŵr"));              /* Welsh w circumflex: not GSM */
    assert_true(notify_text_sms_ucs2("Ñandú"));            /* ù is GSM, ú is not */
    assert_true(notify_text_sms_ucs2("渡辺"));
    assert_true(notify_text_sms_ucs2("back `soon`"));        /* the grave accent is not GSM */
    assert_true(notify_text_sms_ucs2("bad \xff byte"));
    assert_false(notify_text_sms_ucs2(""));
}

static void test_backoff(void **state)
{
    (void)state;
    assert_int_equal(notify_text_backoff(30, 1), 30);
    assert_int_equal(notify_text_backoff(30, 2), 60);
    assert_int_equal(notify_text_backoff(30, 3), 120);
    assert_int_equal(notify_text_backoff(30, 20), 3600);
    assert_int_equal(notify_text_backoff(0, 1), 1);
    assert_int_equal(notify_text_backoff(3600, 5), 3600);
}

static void test_answers(void **state)
{
    (void)state;
    assert_int_equal(notify_text_sendmail_outcome(0), NOTIFY_SENT);
    assert_int_equal(notify_text_sendmail_outcome(67), NOTIFY_FAILED);
    assert_int_equal(notify_text_sendmail_outcome(65), NOTIFY_FAILED);
    assert_int_equal(notify_text_sendmail_outcome(75), NOTIFY_RETRY);   /* EX_TEMPFAIL */
    assert_int_equal(notify_text_sendmail_outcome(127), NOTIFY_RETRY);  /* no such program */
    assert_int_equal(notify_text_sendmail_outcome(1), NOTIFY_RETRY);
    assert_int_equal(notify_text_sms_outcome(202, "0: Accepted for delivery"), NOTIFY_SENT);
    assert_int_equal(notify_text_sms_outcome(202, "3: Queued for later delivery"), NOTIFY_SENT);
    assert_int_equal(notify_text_sms_outcome(400, "Missing receiver number, rejected"), NOTIFY_FAILED);
    assert_int_equal(notify_text_sms_outcome(403, "4: Not routable. Do not try again."), NOTIFY_FAILED);
    /* Our own set-up's fault: nobody goes on the call list for it. */
    assert_int_equal(notify_text_sms_outcome(403, "Authorization failed for sendsms"), NOTIFY_RETRY);
    assert_int_equal(notify_text_sms_outcome(400, "Sender missing and no global set, rejected"), NOTIFY_RETRY);
    assert_int_equal(notify_text_sms_outcome(503, "busy"), NOTIFY_RETRY);
    assert_int_equal(notify_text_sms_outcome(0, NULL), NOTIFY_RETRY);
    assert_int_equal(notify_text_sms_outcome(200, "garbage"), NOTIFY_RETRY);
    assert_string_equal(notify_text_outcome_name(NOTIFY_FAILED), "failed");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_addresses), cmocka_unit_test(test_from), cmocka_unit_test(test_subject_ascii),
        cmocka_unit_test(test_subject_utf8), cmocka_unit_test(test_qp), cmocka_unit_test(test_mail),
        cmocka_unit_test(test_gsm7), cmocka_unit_test(test_backoff), cmocka_unit_test(test_answers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
