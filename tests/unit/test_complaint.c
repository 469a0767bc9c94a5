/* test_complaint.c — what someone else changed between two loads of a complaint, worded from the typed records alone. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "careline/complaint.h"

static char none[] = "", status_kind[] = "status";

/* Every text field "", as a decoded NULL would be. */
static void blank(struct db_complaint *k)
{
    memset(k, 0, sizeof *k);
    char **text[] = {&k->id, &k->reference, &k->customer, &k->account_no, &k->category, &k->status,
                     &k->status_reason, &k->severity, &k->channel, &k->opened, &k->owner, &k->ack_due,
                     &k->ack_at, &k->resp_due, &k->resp_at, &k->res_due, &k->res_at, &k->root_cause,
                     &k->resolution, &k->description, &k->merged_into, &k->preference, &k->event, &k->sla,
                     &k->compensation, &k->updated};
    for (size_t i = 0; i < sizeof text / sizeof text[0]; i++)
        *text[i] = none;
}

static void detail(struct db_complaint_detail *d, const struct db_complaint *k, struct db_complaint_history *h,
                   int nh)
{
    memset(d, 0, sizeof *d);
    d->k = k;
    d->history.v = h;
    d->history.n = nh;
}

static struct db_complaint_history row(char *id, char *at, char *who, char *to)
{
    return (struct db_complaint_history){.at = at, .who = who, .kind = to[0] ? status_kind : none,
                                         .from_status = none, .to_status = to, .note = none, .id = id};
}

static void test_changes(void **state)
{
    (void)state;
    struct db_complaint was, is;
    blank(&was);
    blank(&is);
    was.status = (char[]){"new"};
    was.version = 1;
    is.status = (char[]){"acknowledged"};
    is.version = 2;
    is.updated = (char[]){"30 Nov 26 09:15"};
    struct db_complaint_history old[] = {row((char[]){"1"}, (char[]){"30 Nov 26 08:00"}, (char[]){"Bo"}, none)};
    /* Newest first: a note after the status change. */
    struct db_complaint_history now[] = {
        row((char[]){"3"}, (char[]){"30 Nov 26 09:14"}, (char[]){"Cy Agent"}, none),
        row((char[]){"2"}, (char[]){"30 Nov 26 09:12"}, (char[]){"Amy Agent"}, (char[]){"acknowledged"}),
        old[0],
    };
    struct db_complaint_detail before, after;
    detail(&before, &was, old, 1);
    detail(&after, &is, now, 3);
    char *t = db_complaint_changes(&before, &after);
    /* The status names whoever changed the status, not the latest row. */
    assert_string_equal(t, "Status: new -> acknowledged, by Amy Agent at 30 Nov 26 09:12");
    free(t);

    /* Two fields: one line each, the other by the latest new row. */
    is.callback = true;
    is.owner = (char[]){"Cy Agent (north)"};
    t = db_complaint_changes(&before, &after);
    assert_string_equal(t, "Status: new -> acknowledged, by Amy Agent at 30 Nov 26 09:12\n"
                           "Owner: (none) -> Cy Agent (north), by Cy Agent at 30 Nov 26 09:14\n"
                           "Call-back: f -> t, by Cy Agent at 30 Nov 26 09:14");
    free(t);

    /* Saved again with nothing shown changed, and no history row: when from the complaint. */
    blank(&is);
    is.status = was.status;
    is.version = 3;
    is.updated = (char[]){"30 Nov 26 09:20"};
    detail(&after, &is, old, 1);
    t = db_complaint_changes(&before, &after);
    assert_string_equal(t, "Saved again by someone else at 30 Nov 26 09:20, with no change to what is shown here");
    free(t);

    /* The same version: nothing to say. */
    is.version = was.version;
    t = db_complaint_changes(&before, &after);
    assert_string_equal(t, "");
    free(t);

    /* A load without the complaint (gone, or refused): nothing compared. */
    detail(&after, NULL, old, 1);
    t = db_complaint_changes(&before, &after);
    assert_string_equal(t, "");
    free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_changes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
