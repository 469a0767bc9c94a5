/* test_queue.c — the queue's rules: time left and at-risk/breached, the one order, merging rows fetched again without losing the cursor, who may take/assign/escalate, and the words shown. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careline/picker.h"
#include "careline/queue.h"
#include "careline/util.h"

/* A fixed "now" for this machine; the rows say the server is 5 s ahead. */
#define NOW 1900000000
#define OFFSET 5

/* The number in a reference: "C-2026-000123" is 123. */
static int number_of(const char *ref)
{
    int n;
    assert_int_equal(util_parse_int(ref + 7, &n), 0);
    return n;
}

static struct db_queue_row row(const char *ref, int64_t due_in, int64_t window, bool paused)
{
    struct db_queue_row r = {0};
    r.id = util_asprintf("00000000-0000-4000-8000-%012d", number_of(ref));
    r.reference = util_strdup(ref);
    r.due_epoch = NOW + OFFSET + due_in;
    r.left_s = due_in;
    r.window_s = window;
    r.paused = paused;
    r.clock_offset = OFFSET;
    r.owner = util_strdup("");
    r.team = util_strdup("Billing");
    r.status = util_strdup("new");
    r.severity = util_strdup("medium");
    r.category = util_strdup("Billing / High bill");
    r.event = util_strdup("");
    return r;
}

static void row_free(struct db_queue_row *r) { db_queue_row_clear(r); }

static void at_risk_and_breached(void **state)
{
    (void)state;
    int64_t left;
    struct db_queue_row r = row("C-2026-000001", 3600, (int64_t)4 * 3600, false);
    /* 1 h of 4 h left is 25 %: not less than 25, so on time; at 30 % at risk. */
    assert_int_equal(db_queue_sla(&r, NOW, 25, &left), DB_QUEUE_ON_TIME);
    assert_int_equal(left, 3600);
    assert_int_equal(db_queue_sla(&r, NOW, 30, NULL), DB_QUEUE_AT_RISK);
    /* A second later it has less than a quarter left. */
    assert_int_equal(db_queue_sla(&r, NOW + 1, 25, &left), DB_QUEUE_AT_RISK);
    assert_int_equal(left, 3599);
    /* At the deadline it is not yet breached; a second after, it is. */
    assert_int_equal(db_queue_sla(&r, NOW + 3600, 25, &left), DB_QUEUE_AT_RISK);
    assert_int_equal(left, 0);
    assert_int_equal(db_queue_sla(&r, NOW + 3601, 25, &left), DB_QUEUE_BREACHED);
    assert_int_equal(left, -1);
    assert_string_equal(db_queue_sla_word(DB_QUEUE_BREACHED), "BREACHED");
    assert_string_equal(db_queue_sla_word(DB_QUEUE_AT_RISK), "AT RISK");
    row_free(&r);
}

static void paused_clocks_stand_still(void **state)
{
    (void)state;
    int64_t left;
    struct db_queue_row r = row("C-2026-000002", 600, (int64_t)4 * 3600, true);
    assert_int_equal(db_queue_sla(&r, NOW + 86400, 25, &left), DB_QUEUE_PAUSED);
    assert_int_equal(left, 600);
    /* Paused after the deadline had passed: still breached. */
    r.left_s = -60;
    assert_int_equal(db_queue_sla(&r, NOW, 25, &left), DB_QUEUE_BREACHED);
    row_free(&r);
    struct db_queue_row n = row("C-2026-000003", 0, 0, false);
    n.no_deadline = true;
    assert_int_equal(db_queue_sla(&n, NOW, 25, &left), DB_QUEUE_NO_DEADLINE);
    /* A deadline no later than the opening (a standard of zero hours): at risk, never "on time". */
    n.no_deadline = false;
    n.due_epoch = NOW + OFFSET + 10;
    assert_int_equal(db_queue_sla(&n, NOW, 25, NULL), DB_QUEUE_AT_RISK);
    row_free(&n);
}

static void one_order(void **state)
{
    (void)state;
    struct db_queue_row a = row("C-2026-000010", -100, 3600, false);   /* overdue */
    struct db_queue_row b = row("C-2026-000011", 50, 3600, false);
    struct db_queue_row c = row("C-2026-000009", 50, 3600, false);     /* same deadline: by reference */
    struct db_queue_row p = row("C-2026-000001", 10, 3600, true);      /* paused: after every running one */
    struct db_queue_row n = row("C-2026-000002", 0, 0, false);
    n.no_deadline = true;                                              /* after those with a deadline */
    assert_true(db_queue_compare(&a, &b) < 0);
    assert_true(db_queue_compare(&c, &b) < 0);
    assert_true(db_queue_compare(&b, &n) < 0);
    assert_true(db_queue_compare(&n, &p) < 0);
    assert_true(db_queue_compare(&p, &a) > 0);
    assert_int_equal(db_queue_compare(&a, &a), 0);
    /* The order uses the deadline, not the time left when loaded: a row
     * fetched later (less left, later clock) still sorts by its deadline. */
    b.left_s -= 30;
    assert_true(db_queue_compare(&c, &b) < 0);
    row_free(&a), row_free(&b), row_free(&c), row_free(&p), row_free(&n);
}

/* A list of rows as the decoder makes them. */
static void push(struct db_rows *l, struct db_queue_row r)
{
    l->v = util_realloc(l->v, (size_t)(l->n + 1) * sizeof r);
    DB_ROW(l, struct db_queue_row, l->n)[0] = r;
    l->n++;
}

static const char *ref_at(const struct db_rows *l, int i) { return DB_ROW(l, struct db_queue_row, i)->reference; }

static void free_list(struct db_rows *l)
{
    for (int i = 0; i < l->n; i++)
        row_free(DB_ROW(l, struct db_queue_row, i));
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

static void merging_keeps_the_cursor(void **state)
{
    (void)state;
    struct db_rows list = {0}, fresh = {0};
    push(&list, row("C-2026-000001", 100, 3600, false));
    push(&list, row("C-2026-000002", 200, 3600, false));
    push(&list, row("C-2026-000003", 300, 3600, false));
    char keep[40];
    util_format(keep, sizeof keep, "%s", DB_ROW(&list, struct db_queue_row, 1)->id);
    /* A new complaint more urgent than all: the cursor's complaint moves down one. */
    struct db_queue_row n = row("C-2026-000004", 50, 3600, false);
    char nid[40];
    util_format(nid, sizeof nid, "%s", n.id);
    push(&fresh, n);
    const char *ids[] = {nid};
    assert_int_equal(db_queue_merge(&list, &fresh, ids, 1, keep), 2);
    assert_int_equal(list.n, 4);
    assert_int_equal(fresh.n, 0);
    assert_string_equal(ref_at(&list, 0), "C-2026-000004");
    /* C-3 changed (assigned, deadline now sooner) and C-1 left the list. */
    struct db_queue_row c3 = row("C-2026-000003", 10, 3600, false);
    free(c3.owner);
    c3.owner = util_strdup("Amy Agent");
    char id1[40], id3[40];
    util_format(id1, sizeof id1, "%s", DB_ROW(&list, struct db_queue_row, 1)->id);
    util_format(id3, sizeof id3, "%s", c3.id);
    push(&fresh, c3);
    const char *ids2[] = {id3, id1};
    assert_int_equal(db_queue_merge(&list, &fresh, ids2, 2, keep), 2);
    assert_int_equal(list.n, 3);
    assert_string_equal(ref_at(&list, 0), "C-2026-000003");
    assert_string_equal(DB_ROW(&list, struct db_queue_row, 0)->owner, "Amy Agent");
    assert_string_equal(ref_at(&list, 1), "C-2026-000004");
    assert_string_equal(ref_at(&list, 2), "C-2026-000002");
    /* The complaint under the cursor leaves: -1, the screen keeps the row position. */
    const char *ids3[] = {keep};
    assert_int_equal(db_queue_merge(&list, &fresh, ids3, 1, keep), -1);
    assert_int_equal(list.n, 2);
    assert_int_equal(db_queue_find(&list, keep), -1);
    free_list(&list);
}

static void who_may_do_what(void **state)
{
    (void)state;
    char why[200];
    struct db_queue_row r = row("C-2026-000005", 100, 3600, false);
    /* Unassigned: an agent takes it, but does not assign it. */
    assert_true(db_queue_allowed(DB_QUEUE_TAKE, DB_LC_AGENT, 7, &r, why, sizeof why));
    assert_false(db_queue_allowed(DB_QUEUE_ASSIGN, DB_LC_AGENT, 7, &r, why, sizeof why));
    assert_non_null(strstr(why, "Only a supervisor assigns"));
    assert_true(db_queue_allowed(DB_QUEUE_ASSIGN, DB_LC_SUPERVISOR, 9, &r, why, sizeof why));
    assert_true(db_queue_allowed(DB_QUEUE_ESCALATE, DB_LC_AGENT, 7, &r, why, sizeof why));
    assert_false(db_queue_allowed(DB_QUEUE_TAKE, DB_LC_FIELD, 7, &r, why, sizeof why));
    assert_false(db_queue_allowed(DB_QUEUE_TAKE, DB_LC_AGENT, 0, &r, why, sizeof why));
    /* Someone else's: only a supervisor takes it over. */
    r.owner_id = 3;
    free(r.owner);
    r.owner = util_strdup("Bob Brown");
    assert_false(db_queue_allowed(DB_QUEUE_TAKE, DB_LC_AGENT, 7, &r, why, sizeof why));
    assert_string_equal(why, "C-2026-000005 is Bob Brown's: only a supervisor reassigns it.");
    assert_true(db_queue_allowed(DB_QUEUE_TAKE, DB_LC_SUPERVISOR, 9, &r, why, sizeof why));
    /* Already mine. */
    assert_false(db_queue_allowed(DB_QUEUE_TAKE, DB_LC_SUPERVISOR, 3, &r, why, sizeof why));
    assert_string_equal(why, "C-2026-000005 is already yours.");
    /* Critical is as far as escalation goes. */
    free(r.severity);
    r.severity = util_strdup("critical");
    assert_false(db_queue_allowed(DB_QUEUE_ESCALATE, DB_LC_SUPERVISOR, 9, &r, why, sizeof why));
    assert_false(db_queue_allowed(DB_QUEUE_TAKE, DB_LC_AGENT, 7, NULL, why, sizeof why));
    assert_string_equal(db_queue_next_severity("low"), "medium");
    assert_string_equal(db_queue_next_severity("high"), "critical");
    assert_null(db_queue_next_severity("critical"));
    assert_null(db_queue_next_severity("bogus"));
    row_free(&r);
}

static void words_for_people(void **state)
{
    (void)state;
    struct db_queue_row a = row("C-2026-000006", 100, 3600, false), b;
    db_queue_row_copy(&b, &a);
    char *t = db_queue_changes(&a, &b);
    assert_string_equal(t, "");
    free(t);
    free(b.owner), free(b.status);
    b.owner = util_strdup("Amy Agent");
    b.status = util_strdup("acknowledged");
    t = db_queue_changes(&a, &b);
    assert_string_equal(t, "owner: unassigned -> Amy Agent; status: new -> acknowledged");
    free(t);
    t = db_queue_changes(&a, NULL);
    assert_non_null(strstr(t, "no longer in this list"));
    free(t);
    row_free(&a), row_free(&b);

    struct db_queue_filter f = {0};
    t = db_queue_filter_text(&f, NULL);
    assert_string_equal(t, "");
    free(t);
    util_format(f.team, sizeof f.team, "*");
    util_format(f.owner, sizeof f.owner, "42");
    util_format(f.status, sizeof f.status, "waiting_customer");
    struct db_queue_choice amy = {"staff", "42", "Amy Agent", "Billing, agent, 4 open"};
    struct db_rows choices = {.v = &amy, .n = 1};
    t = db_queue_filter_text(&f, &choices);
    assert_string_equal(t, "team any; agent Amy Agent; status waiting customer");
    free(t);
    /* My work is the person's own: team and agent filters do not apply. */
    f.mine = true;
    t = db_queue_filter_text(&f, &choices);
    assert_string_equal(t, "status waiting customer");
    free(t);
}

static void filter_values(void **state)
{
    (void)state;
    struct db_queue_choice c[] = {
        {"team", "Billing", "Billing", "5 open, 1 unassigned"},
        {"staff", "42", "Amy Agent", "Billing, agent, 4 open"},
        {"category", "7", "Billing / High bill", ""},
    };
    struct db_rows choices = {.v = c, .n = 3};
    struct db_queue_option o[16];
    int n = db_queue_filter_options(DB_QF_TEAM, &choices, "Billing, Ops", o, 16);
    assert_int_equal(n, 4);
    assert_string_equal(o[0].key, "");
    assert_string_equal(o[0].detail, "Billing, Ops");
    assert_string_equal(o[1].key, "*");
    assert_string_equal(o[2].key, "-");
    assert_string_equal(o[3].label, "Billing");
    n = db_queue_filter_options(DB_QF_AGENT, &choices, "", o, 16);
    assert_int_equal(n, 3);
    assert_string_equal(o[1].label, "Nobody yet");
    assert_string_equal(o[2].key, "42");
    assert_int_equal(db_queue_filter_options(DB_QF_STATUS, NULL, "", o, 16), 5);
    assert_string_equal(o[4].key, "waiting_customer");
    assert_int_equal(db_queue_filter_options(DB_QF_CHANNEL, NULL, "", o, 3), 3);   /* never past max */
    struct db_queue_filter f = {0};
    assert_string_equal(db_queue_filter_shown(&f, DB_QF_TEAM, &choices, ""), "Your teams");
    assert_true(db_queue_filter_set(&f, DB_QF_AGENT, "42"));
    assert_string_equal(db_queue_filter_get(&f, DB_QF_AGENT), "42");
    assert_string_equal(db_queue_filter_shown(&f, DB_QF_AGENT, &choices, ""), "Amy Agent");
    assert_string_equal(db_queue_filter_shown(&f, DB_QF_AGENT, NULL, ""), "42");
    assert_false(db_queue_filter_set(&f, DB_QF_AGENT, "12345678901234567890"));
    assert_string_equal(db_queue_filter_get(&f, DB_QF_AGENT), "42");
    assert_false(db_queue_filter_set(&f, DB_QF__COUNT, "x"));
    assert_string_equal(db_queue_filter_name(DB_QF_EVENT), "Event");
}

static void notifications(void **state)
{
    (void)state;
    char id[37];
    assert_true(db_queue_notice_id("{\"id\" : \"f5ffbc30-1369-682e-8589-98eb8bcf64a2\", \"team\" : \"Billing\"}", id));
    assert_string_equal(id, "f5ffbc30-1369-682e-8589-98eb8bcf64a2");
    assert_true(db_queue_notice_id("{\"id\":\"F5FFBC30-1369-682E-8589-98EB8BCF64A2\"}", id));
    assert_false(db_queue_notice_id("{\"id\" : \"f5ffbc30'; DROP TABLE complaint; --\"}", id));
    assert_string_equal(id, "");
    assert_false(db_queue_notice_id("{\"team\" : \"Billing\"}", id));
    assert_false(db_queue_notice_id("", id));
    assert_false(db_queue_notice_id(NULL, id));
    assert_false(db_queue_notice_id("{\"id\" : 12}", id));
}

static void picker_narrowing(void **state)
{
    (void)state;
    assert_true(scr_picker_matches("Amy Agent Billing, agent, 4 open", "amy bill"));
    assert_true(scr_picker_matches("Amy Agent", ""));
    assert_true(scr_picker_matches("Amy Agent", "  "));
    assert_false(scr_picker_matches("Amy Agent", "amy ops"));
    assert_true(scr_picker_matches("Team: Operations", "OPER"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(at_risk_and_breached),
        cmocka_unit_test(paused_clocks_stand_still),
        cmocka_unit_test(one_order),
        cmocka_unit_test(merging_keeps_the_cursor),
        cmocka_unit_test(who_may_do_what),
        cmocka_unit_test(words_for_people),
        cmocka_unit_test(filter_values),
        cmocka_unit_test(notifications),
        cmocka_unit_test(picker_narrowing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
