/* pooler.c — the connection layer behind a real PgBouncer in transaction mode (tests/db/test_pooler.sh starts it): nothing is kept in the session (settings, statement names, LISTEN), found out with no setting, and straight to PostgreSQL everything stays as it was. */
/*
 * Usage: pooler pooled CONNINFO DIRECT_CONNINFO   (PgBouncer as Debian ships it)
 *        pooler ignoring CONNINFO                 (one told to ignore "options")
 *        pooler direct CONNINFO                   (PostgreSQL itself)
 *        pooler forced CONNINFO                   (PostgreSQL, connection.pooler = "transaction")
 *        pooler none CONNINFO                     (PgBouncer, connection.pooler = "none")
 *        pooler nolisten CONNINFO [LISTEN_CONNINFO] (a pooler whose server cannot be reached as it says)
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careline/db.h"
#include "careline/util.h"
#include "dbtap.h"

static struct db_conn *open_conn(const char *conninfo, enum db_pooler pooler, const char *listen)
{
    struct db_params p = {
        .conninfo = conninfo, .connect_timeout = 3, .statement_timeout_ms = 300, .application_name = "pooler-test",
        .pooler = pooler, .listen_conninfo = listen,
    };
    struct db_conn *c = db_new(&p);
    if (db_connect(c, NULL) < 0) {
        tap(false, "connect to %s: %s", conninfo, db_error(c));
        return c;
    }
    return c;
}

/* Run the loop (as the screens do) until done() or ms pass. */
static void pump(struct db_conn *c, int ms, bool (*done)(struct db_conn *c, void *ctx), void *ctx)
{
    long long end = util_now_ms() + ms;
    while (util_now_ms() < end && !(done && done(c, ctx))) {
        struct pollfd fds[4];
        int n = db_pollfds(c, fds, 4);
        int t = db_timeout_ms(c);
        poll(fds, (nfds_t)n, t < 0 || t > 50 ? 50 : t);
        db_ready(c, fds, n);
    }
}

static bool listening(struct db_conn *c, void *ctx)
{
    (void)ctx;
    return db_listening(c, NULL) && !db_busy(c);
}

/* Every transaction runs under the connection's settings, whichever server
 * connection it gets; returns how many different server processes ran them. */
static int settings_every_time(struct db_conn *c, const char *label)
{
    int pids[16] = {0}, npids = 0, bad = 0;
    char seen[200] = "";
    for (int i = 0; i < 16; i++) {
        if (i == 6)
            db_setting(c, "TimeZone", "America/New_York");
        PGresult *r = db_exec(c,
                              "SELECT current_setting('jit') || ' ' || current_setting('pg_trgm.word_similarity_threshold')"
                              " || ' ' || current_setting('statement_timeout') || ' ' || current_setting('TimeZone'),"
                              " pg_backend_pid()",
                              0, NULL);
        const char *want = i < 6 ? "off 0.5 300ms " : "off 0.5 300ms America/New_York";
        if (!r || strncmp(PQgetvalue(r, 0, 0), want, strlen(want)) != 0) {
            bad++;
            util_format(seen, sizeof seen, "%s", r ? PQgetvalue(r, 0, 0) : db_error(c));
        }
        int pid = 0;
        if (!r || util_parse_int(PQgetvalue(r, 0, 1), &pid) < 0)
            pid = 0;
        bool known = false;
        for (int k = 0; k < npids; k++)
            known |= pids[k] == pid;
        if (!known)
            pids[npids++] = pid;
        PQclear(r);
    }
    tap(bad == 0, "%s: every transaction ran with jit off, the trigram threshold, the statement timeout and the time zone%s%s",
        label, bad ? "; saw " : "", seen);
    /* A setting that is only in the session would not stop this. */
    long long t0 = util_now_ms();
    PGresult *r = db_exec(c, "SELECT pg_sleep(2)", 0, NULL);
    tap(!r && strcmp(db_sqlstate(c), "57014") == 0 && util_now_ms() - t0 < 1500,
        "%s: the statement timeout stops a long statement (%s)", label, r ? "it ran" : db_sqlstate(c));
    PQclear(r);
    return npids;
}

static void named_statements(struct db_conn *c, const char *label)
{
    int good = 0;
    for (int i = 0; i < 6; i++) {
        char v[8];
        util_format(v, sizeof v, "%d", i);
        const char *p[1] = {v};
        PGresult *r = db_exec_named(c, "pooler_plus_one", "SELECT $1::int + 1", 1, p);
        int sum = 0;
        good += r && util_parse_int(PQgetvalue(r, 0, 0), &sum) == 0 && sum == i + 1;
        PQclear(r);
    }
    tap(good == 6, "%s: a named statement runs again and again (%d of 6%s%s)", label, good, good < 6 ? "; " : "",
        good < 6 ? db_error(c) : "");
}

struct answers {
    int good, failed;
};

static void on_one(void *ctx, const PGresult *res, const char *err, double ms)
{
    (void)ms;
    struct answers *a = ctx;
    if (!err && res && PQntuples(res) == 1 && strcmp(PQgetvalue(res, 0, 0), "off") == 0)
        a->good++;
    else
        a->failed++;
}

static void on_batch(void *ctx, const PGresult *const *res, int n, const char *err, double ms)
{
    (void)ms;
    struct answers *a = ctx;
    if (!err && n == 2 && strcmp(PQgetvalue(res[0], 0, 0), "7") == 0 && strcmp(PQgetvalue(res[1], 0, 0), "0.5") == 0)
        a->good++;
    else
        a->failed++;
}

/* The screens' path: named requests and pipelines, answered in order. */
static void asynchronous(struct db_conn *c, const char *label)
{
    struct answers a = {0}, b = {0};
    for (int i = 0; i < 5; i++) {
        struct db_query q = {.sql = "SELECT current_setting('jit')", .name = "pooler_jit", .done = on_one, .ctx = &a};
        db_send(c, &q);
        db_wait(c, 3000);
    }
    static const char *const seven[1] = {"7"};
    const struct db_stmt stmts[2] = {{"SELECT $1::int", 1, seven},
                                     {"SELECT current_setting('pg_trgm.word_similarity_threshold')", 0, NULL}};
    for (int i = 0; i < 3; i++) {
        struct db_batch bt = {.stmts = stmts, .n = 2, .done = on_batch, .ctx = &b};
        db_send_batch(c, &bt);
        db_wait(c, 3000);
    }
    tap(a.good == 5 && a.failed == 0, "%s: named requests answered with the settings (%d of 5)", label, a.good);
    tap(b.good == 3 && b.failed == 0, "%s: pipelines answered whole (%d of 3)", label, b.good);
}

struct heard {
    char payload[64];
};

static void on_notify(void *ctx, const char *channel, const char *payload)
{
    (void)channel;
    util_format(((struct heard *)ctx)->payload, sizeof((struct heard *)ctx)->payload, "%s", payload);
}

static bool got(struct db_conn *c, void *ctx)
{
    (void)c;
    return ((struct heard *)ctx)->payload[0] != '\0';
}

static void live(struct db_conn *c, const char *notify_from, const char *label)
{
    struct heard h = {""};
    db_listen(c, "pooler_test", on_notify, &h);
    struct db_query q = {.sql = "SELECT 1"};
    db_send(c, &q);
    pump(c, 5000, listening, NULL);
    const char *why = NULL;
    tap(db_listening(c, &why), "%s: listening (%s)", label, why ? why : "ok");
    struct db_params p = {.conninfo = notify_from, .application_name = "pooler-notify"};
    struct db_conn *other = db_new(&p);
    PGresult *r = db_connect(other, NULL) == 0 ? db_exec(other, "SELECT pg_notify('pooler_test', 'hello')", 0, NULL) : NULL;
    PQclear(r);
    db_free(other);
    pump(c, 3000, got, &h);
    tap(strcmp(h.payload, "hello") == 0, "%s: a notification arrives (%s)", label, h.payload[0] ? h.payload : "none");
}

static bool has(const char *text, const char *what) { return strstr(text, what) != NULL; }

static void route(struct db_conn *c, const char *label, const char *want)
{
    char *t = db_route_text(c);
    tap(has(t, want), "%s: check-connection says '%s'", label, want);
    if (!has(t, want))
        printf("# %s", t);
    free(t);
}

int main(int argc, char **argv)
{
    if (argc < 3)
        return 2;
    const char *mode = argv[1], *conninfo = argv[2];
    bool pooler = strcmp(mode, "pooled") == 0 || strcmp(mode, "ignoring") == 0;
    enum db_pooler setting = strcmp(mode, "forced") == 0 ? DB_POOLER_TRANSACTION
                             : strcmp(mode, "none") == 0 ? DB_POOLER_NONE
                                                         : DB_POOLER_AUTO;
    if (strcmp(mode, "none") == 0) {
        struct db_conn *c = db_new(&(struct db_params){.conninfo = conninfo, .pooler = DB_POOLER_NONE});
        tap(db_connect(c, NULL) < 0 && has(db_error(c), "unsupported startup parameter"),
            "pooler = \"none\" through PgBouncer: the options are sent and refused, as configured (%s)", db_error(c));
        db_free(c);
        return tap_failed ? 1 : 0;
    }
    if (strcmp(mode, "nolisten") == 0) {
        const char *listen = argc > 3 ? argv[3] : NULL;
        struct db_conn *c = open_conn(conninfo, DB_POOLER_AUTO, listen);
        db_listen(c, "pooler_test", on_notify, &(struct heard){""});
        struct db_query q = {.sql = "SELECT 1"};
        db_send(c, &q);
        pump(c, 4000, listening, NULL);
        const char *why = NULL;
        bool ok = db_listening(c, &why);
        if (!listen)
            tap(!ok && why && has(why, "connection.listen_conninfo"),
                "the server behind the pooler cannot be reached as it says: live updates off, the sentence names "
                "connection.listen_conninfo (%s)",
                why ? why : "listening");
        else
            tap(ok, "with connection.listen_conninfo the live updates work (%s)", why ? why : "ok");
        db_free(c);
        return tap_failed ? 1 : 0;
    }
    struct db_conn *c = open_conn(conninfo, setting, NULL);
    bool expect_pooled = pooler || setting == DB_POOLER_TRANSACTION;
    tap(db_pooled(c) == expect_pooled && db_prepared_ok(c) == !expect_pooled, "%s: %s", mode,
        expect_pooled ? "a transaction pooler is in between: statements unnamed" : "a server of its own: statements named");
    int servers = settings_every_time(c, mode);
    if (pooler)
        tap(servers >= 2, "%s: the transactions ran on %d server connections", mode, servers);
    named_statements(c, mode);
    asynchronous(c, mode);
    live(c, argc > 3 ? argv[3] : conninfo, mode);
    route(c, mode,
          strcmp(mode, "pooled") == 0     ? "found out: it refused the startup options"
          : strcmp(mode, "ignoring") == 0 ? "found out: the server process is not the one"
          : strcmp(mode, "forced") == 0   ? "connection.pooler = \"transaction\""
                                          : "PostgreSQL itself");
    db_free(c);
    printf("1..%d\n", tap_n);
    return tap_failed ? 1 : 0;
}
