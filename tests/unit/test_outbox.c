/* test_outbox.c — the outbox without a database: each kind's parameters found by name, a statement skipped when its field says so, the journal format kept (state first, old files readable), kept writes queued under their key, unknown kinds refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "careline/complaint.h"
#include "careline/contact.h"
#include "careline/outbox.h"
#include "careline/recovery.h"
#include "careline/util.h"
#include "fixture.h"

static char *dir;

static int setup(void **state)
{
    (void)state;
    const char *tmp = getenv("TMPDIR");
    dir = util_asprintf("%s/careline-outbox-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    int rc = fixture_remove_tree(dir);
    free(dir);
    return rc;
}

#define N(a) ((int)(sizeof(a) / sizeof (a)[0]))

/* The intake journal's keys since the first version: the complaint's
 * statement must find every parameter among them. */
static const struct journal_field intake_fields[] = {
    {"customer_id", "990001"}, {"customer", "Zebedee (Acct 1)"}, {"premise_id", "0"},   {"category_id", "12"},
    {"category", "A / B"},     {"event_id", ""},                 {"channel", "phone"},  {"severity", "medium"},
    {"preference", "email"},   {"callback", "yes"},              {"description", "Text"},
};

static void test_params_by_name(void **state)
{
    (void)state;
    const char *key = "00000000-0000-4000-8000-000000000001";
    struct db_outbox_write w = {&db_complaint_outbox, key, intake_fields, N(intake_fields), NULL};
    const char *v[12];
    bool run;
    int n = db_outbox_params(&w, 0, v, &run);
    assert_true(run);
    assert_int_equal(n, 10);
    const char *want[] = {key, "990001", "0", "12", "", "phone", "medium", "email", "yes", "Text"};
    for (int i = 0; i < n; i++) {
        assert_non_null(v[i]);
        assert_string_equal(v[i], want[i]);
    }
    /* A field the write lacks goes as NULL, never as another field's value. */
    w.nfields = 3;
    assert_int_equal(db_outbox_params(&w, 0, v, &run), 10);
    assert_string_equal(v[1], "990001");
    assert_null(v[3]);
    assert_null(v[9]);
}

static void test_only_if(void **state)
{
    (void)state;
    const struct journal_field asked[] = {{"survey", "yes"}, {"csat", "4"}, {"nps", "-1"}, {"comment", ""},
                                          {"declined", "false"}};
    struct db_outbox_write w = {&db_contact_outbox, "00000000-0000-4000-8000-000000000002", asked, N(asked), NULL};
    const char *v[12];
    bool run = false;
    assert_int_equal(db_outbox_params(&w, 1, v, &run), 5);
    assert_true(run);
    assert_string_equal(v[1], "4");
    const struct journal_field not_asked[] = {{"survey", "no"}};
    w.fields = not_asked;
    w.nfields = 1;
    db_outbox_params(&w, 1, v, &run);
    assert_false(run);
    w.nfields = 0;   /* no field at all: not run either */
    db_outbox_params(&w, 1, v, &run);
    assert_false(run);
    db_outbox_params(&w, 0, v, &run);
    assert_true(run);   /* the contact itself always goes */
}

static void test_kinds(void **state)
{
    (void)state;
    assert_ptr_equal(db_outbox_kind("complaint"), &db_complaint_outbox);
    assert_ptr_equal(db_outbox_kind("contact"), &db_contact_outbox);
    assert_ptr_equal(db_outbox_kind("credit"), &db_credit_outbox);
    assert_ptr_equal(db_outbox_kind("complaint_contact"), &db_complaint_contact_outbox);
    assert_null(db_outbox_kind("telegram"));
    assert_null(db_outbox_kind(NULL));
}

/* On disk: the state first, then the fields, in the journal's format. */
static void test_keep_and_discard(void **state)
{
    (void)state;
    char key[37], err[256];
    util_uuid(key);
    struct db_outbox_write w = {&db_complaint_outbox, key, intake_fields, N(intake_fields), dir};
    assert_int_equal(db_outbox_keep(&w, "draft", err, sizeof err), 0);
    char *path = util_asprintf("%s/%s.draft", dir, key);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[128];
    assert_non_null(fgets(line, sizeof line, f));
    assert_string_equal(line, "careline-draft 1\n");
    assert_non_null(fgets(line, sizeof line, f));
    assert_string_equal(line, "kind=complaint\n");
    assert_non_null(fgets(line, sizeof line, f));
    assert_string_equal(line, "state=draft\n");
    assert_non_null(fgets(line, sizeof line, f));
    assert_string_equal(line, "customer_id=990001\n");
    assert_int_equal(fclose(f), 0);
    assert_int_equal(db_outbox_discard(dir, key), 0);
    assert_int_equal(access(path, F_OK), -1);
    assert_int_equal(db_outbox_discard(dir, key), 0);   /* gone already: fine */
    assert_int_equal(db_outbox_discard(NULL, key), 0);  /* never kept */
    free(path);
}

/* A kept write sent again: queued under its own key (never connected here,
 * so it waits), on disk as submitting; an unknown kind is refused. */
static void test_send_kept(void **state)
{
    (void)state;
    char key[37], err[256];
    util_uuid(key);
    const struct journal_field f[] = {{"customer_id", "1"}, {"amount", "2.00"}, {"reason", "Sorry"}};
    struct db_outbox_write w = {&db_credit_outbox, key, f, N(f), dir};
    assert_int_equal(db_outbox_keep(&w, "draft", err, sizeof err), 0);
    struct journal_draft *d;
    assert_int_equal(db_journal_list(dir, &d), 1);
    struct db_params p = {.connect_timeout = 1};
    struct db_conn *c = db_new(&p);
    const struct db_outbox_reply r = {0};
    assert_true(db_outbox_send_kept(c, dir, &d[0], &r, err, sizeof err) > 0);
    assert_string_equal(err, "");
    assert_true(db_busy(c));
    db_journal_free(d, 1);
    assert_int_equal(db_journal_list(dir, &d), 1);
    assert_string_equal(db_journal_get(&d[0], "state"), "submitting");
    assert_string_equal(db_journal_get(&d[0], "reason"), "Sorry");
    free(d[0].kind);
    d[0].kind = util_strdup("telegram");
    assert_int_equal(db_outbox_send_kept(c, dir, &d[0], &r, err, sizeof err), 0);
    assert_non_null(strstr(err, "telegram"));
    db_journal_free(d, 1);
    db_free(c);   /* the queued write is dropped: what is on disk stays */
    db_outbox_discard(dir, key);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_params_by_name),
        cmocka_unit_test(test_only_if),
        cmocka_unit_test(test_kinds),
        cmocka_unit_test(test_keep_and_discard),
        cmocka_unit_test(test_send_kept),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
