/* outbox.c — the outbox against a real database: a write lands once however often it is sent, answers come back, the journal holds a write until the database has it, a refusal stays on disk, a connection lost on the way is made good, and an old journal file still sends. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "careline/complaint.h"
#include "careline/contact.h"
#include "careline/outbox.h"
#include "careline/recovery.h"
#include "careline/util.h"
#include "dbtap.h"
#include "../unit/fixture.h"

/* What one write came to. */
struct outcome {
    bool done;
    int waits;
    char answer[64];
    char err[300];
};

static void on_done(void *ctx, const char *answer, const char *err)
{
    struct outcome *o = ctx;
    o->done = true;
    util_format(o->answer, sizeof o->answer, "%s", answer ? answer : "(none)");
    util_format(o->err, sizeof o->err, "%s", err ? err : "");
}

static void on_wait(void *ctx)
{
    ((struct outcome *)ctx)->waits++;
}

static struct db_conn *db, *other;
static char *dir;

static long long count(const char *sql, const char *param)
{
    const char *p[1] = {param};
    PGresult *r = db_exec(other, sql, param ? 1 : 0, param ? p : NULL);
    long long n = r && PQntuples(r) ? strtoll(PQgetvalue(r, 0, 0), NULL, 10) : -1;
    PQclear(r);
    return n;
}

static bool on_disk(const char *key, const char *state)
{
    struct journal_draft *d;
    int n = db_journal_list(dir, &d);
    bool found = false;
    for (int i = 0; i < n; i++) {
        const char *s = db_journal_get(&d[i], "state");
        found |= strcmp(d[i].id, key) == 0 && (!state || (s && strcmp(s, state) == 0));
    }
    db_journal_free(d, n);
    return found;
}

static struct outcome contact(const char *key, long long customer)
{
    struct db_contact_draft d;
    db_contact_draft_init(&d, customer);
    memcpy(d.id, key, sizeof d.id);
    d.summary = "outbox test";
    d.csat = 4;
    d.nps = -1;
    struct outcome o = {0};
    const struct db_outbox_reply r = {.done = on_done, .waiting = on_wait, .ctx = &o};
    char err[256];
    db_contact_save(db, dir, &d, &r, err, sizeof err);
    tap(err[0] == '\0', "the contact is kept on disk while it goes%s%s", *err ? ": " : "", err);
    db_wait(db, 30000);
    return o;
}

static void exactly_once(void)
{
    char key[37];
    util_uuid(key);
    struct outcome a = contact(key, 1), b = contact(key, 1);
    tap(a.done && !*a.err && b.done && !*b.err, "sent twice under one key, both answered (%s / %s)", a.err, b.err);
    tap(count("SELECT count(*) FROM interaction WHERE id = $1::uuid", key) == 1, "one contact in the database");
    tap(count("SELECT count(*) FROM satisfaction_survey WHERE interaction_id = $1::uuid", key) == 1,
        "and one survey, in the same round trip");
    tap(!on_disk(key, NULL), "the database has it: off the disk");
}

static void answers(void)
{
    char key[37];
    util_uuid(key);
    const struct db_credit_draft d = {key, 1, NULL, "1.50", "Apology for the inconvenience", "Test", ""};
    struct outcome o = {0};
    const struct db_outbox_reply r = {.done = on_done, .waiting = on_wait, .ctx = &o};
    char err[256];
    db_credit_offer(db, dir, &d, &r, err, sizeof err);
    tap(on_disk(key, "submitting"), "a credit on its way is on disk as submitting");
    db_wait(db, 30000);
    PGresult *res = db_exec(other, "SELECT status FROM goodwill_credit WHERE id = $1::uuid", 1, (const char *[]){key});
    const char *status = res && PQntuples(res) ? PQgetvalue(res, 0, 0) : "(no row)";
    tap(o.done && strcmp(o.answer, status) == 0, "the credit's answer is its status (%s, stored %s%s%s)", o.answer,
        status, *o.err ? "; " : "", o.err);
    PQclear(res);
}

static void refused(void)
{
    char key[37];
    util_uuid(key);
    struct outcome o = contact(key, 999999999);   /* no such customer */
    tap(o.done && *o.err && strcmp(o.answer, "(none)") == 0, "a refused write is answered with a sentence: %s", o.err);
    tap(on_disk(key, "draft"), "and stays on disk as a draft to put right");
    db_outbox_discard(dir, key);
    tap(!on_disk(key, NULL), "until it is thrown away");
}

static void lost_connection(void)
{
    char pid[16], key[37];
    util_format(pid, sizeof pid, "%d", PQbackendPID(db_pg(db)));
    PQclear(db_exec(other, "SELECT pg_terminate_backend($1::integer)", 1, (const char *[]){pid}));
    usleep(200 * 1000);
    util_uuid(key);
    struct outcome o = contact(key, 1);
    tap(o.waits == 1, "the connection was gone: the write waited for it once (%d)", o.waits);
    tap(o.done && !*o.err, "and went when it was back%s%s", *o.err ? ": " : "", o.err);
    tap(count("SELECT count(*) FROM interaction WHERE id = $1::uuid", key) == 1, "once");
    tap(!on_disk(key, NULL), "and is off the disk");
}

/* A journal file as every version has written it (kind, state, fields). */
static void old_journal_file(void)
{
    char key[37];
    util_uuid(key);
    long long cat = count("SELECT min(id) FROM complaint_category WHERE parent_id IS NOT NULL", NULL);
    char *path = util_asprintf("%s/%s.draft", dir, key);
    FILE *f = fopen(path, "w");
    if (!f) {
        tap(false, "an old journal file can be written: %s", path);
        free(path);
        return;
    }
    fprintf(f, "careline-draft 1\nkind=complaint\nstate=submitting\ncustomer_id=1\ncustomer=Someone (Acct 1)\n"
               "premise_id=0\ncategory_id=%lld\ncategory=Some / Thing\nevent_id=\nchannel=phone\nseverity=medium\n"
               "preference=phone\ncallback=no\ndescription=Line one\\nline two\nend\n", cat);
    if (fclose(f) != 0) {
        tap(false, "an old journal file can be written: %s", path);
        free(path);
        return;
    }
    free(path);
    struct journal_draft *d;
    int n = db_journal_list(dir, &d);
    struct outcome a = {0}, b = {0};
    const struct db_outbox_reply ra = {.done = on_done, .waiting = on_wait, .ctx = &a};
    const struct db_outbox_reply rb = {.done = on_done, .waiting = on_wait, .ctx = &b};
    char err[256] = "";
    for (int i = 0; i < n; i++)
        if (strcmp(d[i].id, key) == 0) {
            db_outbox_send_kept(db, dir, &d[i], &ra, err, sizeof err);
            db_wait(db, 30000);
            db_outbox_send_kept(db, dir, &d[i], &rb, err, sizeof err);   /* again: a second terminal, a retry */
            db_wait(db, 30000);
        }
    db_journal_free(d, n);
    tap(a.done && !*a.err && strncmp(a.answer, "C-", 2) == 0, "an old journal file sends as it is: %s%s", a.answer,
        a.err);
    tap(b.done && strcmp(a.answer, b.answer) == 0, "sent again, the same complaint comes back (%s)", b.answer);
    tap(count("SELECT count(*) FROM complaint WHERE id = $1::uuid AND description = E'Line one\\nline two'", key) == 1,
        "one complaint, with the text as typed");
    tap(!on_disk(key, NULL), "off the disk");
}

int main(void)
{
    const char *tmp = getenv("TMPDIR");
    dir = util_asprintf("%s/careline-outbox-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        printf("not ok 1 - a journal folder\n1..1\n");
        return 1;
    }
    struct db_params p = {.connect_timeout = 10, .application_name = "careline outbox test"};
    db = db_new(&p);
    other = db_new(&p);
    if (db_connect(db, NULL) < 0 || db_connect(other, NULL) < 0) {
        printf("not ok 1 - connect: %s\n1..1\n", db_error(db));
        return 1;
    }
    exactly_once();
    answers();
    refused();
    lost_connection();
    old_journal_file();
    printf("1..%d\n", tap_n);
    db_free(db);
    db_free(other);
    if (fixture_remove_tree(dir) != 0)
        tap_failed++;
    free(dir);
    return tap_failed ? 1 : 0;
}
