/* cmd_notify.c — `careline notify`: claim batches of queued notifications, hand each to the MTA or SMS gateway, settle it; until stopped, or once. */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "careline/app.h"
#include "careline/cli.h"
#include "careline/notify.h"
#include "careline/notify_send.h"
#include "careline/util.h"

struct options {
    bool once;
    bool verbose;
    int batch;                 /* 0: the configuration's */
    const char *worker;        /* NULL: host:pid */
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

static int parse(int argc, char **argv, struct options *o)
{
    memset(o, 0, sizeof *o);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--once") == 0) {
            o->once = true;
        } else if (strcmp(a, "--verbose") == 0 || strcmp(a, "-v") == 0) {
            o->verbose = true;
        } else if (strcmp(a, "--batch") == 0 || strcmp(a, "--worker") == 0) {
            if (i + 1 >= argc)
                return cli_usage_error(&cli_cmd_notify, "%s needs a value", a);
            const char *v = argv[++i];
            if (a[2] == 'w') {
                if (!*v || strlen(v) > 100)
                    return cli_usage_error(&cli_cmd_notify, "--worker wants a name of 1 to 100 characters, not '%s'", v);
                o->worker = v;
                continue;
            }
            char *end;
            errno = 0;
            long n = strtol(v, &end, 10);
            if (errno || *end || end == v || n < 1 || n > 10000)
                return cli_usage_error(&cli_cmd_notify, "--batch wants a whole number from 1 to 10000, not '%s'", v);
            o->batch = (int)n;
        } else {
            return cli_usage_error(&cli_cmd_notify, "unknown argument '%s'", a);
        }
    }
    return 0;
}

struct tally {
    long long sent_email, sent_sms, retried, failed;
};

static void say(const char *what, const struct db_notify_msg *m, const char *detail)
{
    printf("%s %s to %s (account %s, event %s version %d, attempt %d): %s\n", what, m->channel, m->address,
           m->account_no, m->event_id, m->event_version, m->attempts, detail);
}

/* Hand off one claimed message and settle it. Returns -1 when the
 * database could not record it (the claim lapses and it is tried again). */
static int deliver(struct db_conn *db, struct notify_sender *s, const struct conf_notify *cfg, const char *worker,
                   const struct db_notify_msg *m, bool verbose, struct tally *t)
{
    char said[600], detail[700], err[512];
    enum notify_outcome o = notify_send(s, m, said, sizeof said);
    util_format(detail, sizeof detail, "%s", said);
    if (o == NOTIFY_RETRY && m->attempts >= cfg->max_attempts) {
        util_format(detail, sizeof detail, "gave up after %d attempts: %s", m->attempts, said);
        o = NOTIFY_FAILED;
    }
    int wait_s = notify_text_backoff(cfg->retry_seconds, m->attempts);
    if (db_notify_settle(db, m->id, worker, o, false, detail, wait_s, err, sizeof err) < 0) {
        fprintf(stderr, "careline notify: could not record message %s: %s\n", m->id, err);
        return -1;
    }
    if (o == NOTIFY_SENT) {
        if (strcmp(m->channel, "sms") == 0)
            t->sent_sms++;
        else
            t->sent_email++;
        if (verbose)
            say("sent", m, detail);
    } else if (o == NOTIFY_RETRY) {
        t->retried++;
        say("retry in a while:", m, detail);
    } else {
        t->failed++;
        say("failed, on the call list:", m, detail);
    }
    return 0;
}

/* One batch. Returns how many were claimed, or -1 on a database error. */
static int one_batch(struct db_conn *db, struct notify_sender *s, const struct conf_notify *cfg,
                     const struct options *o, const char *worker, struct tally *t)
{
    struct db_rows rows = {0};
    char err[512];
    if (db_notify_claim(db, worker, o->batch ? o->batch : cfg->batch, &rows, err, sizeof err) < 0) {
        fprintf(stderr, "careline notify: cannot claim messages: %s\n", err);
        return -1;
    }
    int n = rows.n, rc = n;
    for (int i = 0; i < rows.n; i++) {
        const struct db_notify_msg *m = DB_ROW(&rows, const struct db_notify_msg, i);
        if (stop) {
            /* Stopping: what was claimed and not tried goes back at once. */
            db_notify_settle(db, m->id, worker, NOTIFY_RETRY, true, "the worker stopped", 0, err, sizeof err);
            continue;
        }
        if (deliver(db, s, cfg, worker, m, o->verbose, t) < 0) {
            rc = -1;
            break;
        }
    }
    db_rows_free(&rows);
    return rc;
}

/* Sleep until a message may be due, a notification comes, or a signal. */
static int idle(struct db_conn *db)
{
    char err[512];
    double next = db_notify_next_due(db, err, sizeof err);
    if (next < -1.5)
        return -1;
    int ms = next < 0 ? 60000 : (int)(next * 1000) + 20;
    if (ms > 60000)
        ms = 60000;
    return db_notify_wait(db, ms) < 0 ? -1 : 0;
}

/* After a lost connection: connect again (every 5 s) and LISTEN again. */
static bool reconnect(struct db_conn *db)
{
    char err[512];
    while (!stop) {
        if (db_connect(db, NULL) == 0 && db_notify_listen(db, err, sizeof err) == 0) {
            fprintf(stderr, "careline notify: connected again\n");
            return true;
        }
        fprintf(stderr, "careline notify: database unreachable (%s); trying again in 5 s\n", db_error(db));
        sleep(5);
    }
    return false;
}

static void summary(const struct tally *t, struct db_conn *db)
{
    long long queued = 0, sending = 0;
    char err[512];
    printf("notify: sent %lld (e-mail %lld, SMS %lld), %lld to retry, %lld failed to the call list",
           t->sent_email + t->sent_sms, t->sent_email, t->sent_sms, t->retried, t->failed);
    if (db_notify_waiting(db, &queued, &sending, err, sizeof err) == 0)
        printf("; %lld still queued, %lld being sent by other workers", queued, sending);
    printf("\n");
}

/* Run until SIGTERM or SIGINT (or, with --once, until nothing is due). */
static int notify_run(int argc, char **argv)
{
    struct options o;
    int prc = parse(argc, argv, &o);
    if (prc)
        return prc;
    struct db_conn *db = cli_db();
    if (!db)
        return APP_EXIT_NODB;
    const struct conf *conf = app_conf();
    char err[512], worker[160];
    struct notify_sender *s = notify_send_new(&conf->notify, err, sizeof err);
    if (!s) {
        fprintf(stderr, "careline notify: %s\n", err);
        return APP_EXIT_USAGE;
    }
    if (o.worker) {
        util_format(worker, sizeof worker, "%s", o.worker);
    } else {
        char host[64] = "";
        gethostname(host, sizeof host - 1);
        util_format(worker, sizeof worker, "%s:%ld", host, (long)getpid());
    }
    struct sigaction sa = {.sa_handler = on_signal};   /* no SA_RESTART: the wait ends at once */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    struct sigaction ignore = {.sa_handler = SIG_IGN};   /* an MTA that quits early is a failed attempt, not our end */
    sigemptyset(&ignore.sa_mask);
    sigaction(SIGPIPE, &ignore, NULL);
    if (db_notify_listen(db, err, sizeof err) < 0) {
        fprintf(stderr, "careline notify: %s\n", err);
        notify_send_free(s);
        return APP_EXIT_FAILED;
    }
    if (!o.once)
        printf("careline notify: worker %s started\n", worker);
    (void)fflush(stdout);   /* the log's lines: one lost is no reason to stop sending */
    struct tally t = {0};
    long long last_reclaim = 0;
    int rc = APP_EXIT_OK;
    while (!stop) {
        if (util_now_ms() - last_reclaim > 30000) {
            int back = db_notify_reclaim(db, conf->notify.lease_seconds, err, sizeof err);
            if (back > 0)
                printf("careline notify: %d message(s) of a stopped worker queued again\n", back);
            last_reclaim = util_now_ms();
        }
        int n = one_batch(db, s, &conf->notify, &o, worker, &t);
        (void)fflush(stdout);   /* as above */
        if (n > 0)
            continue;
        if (n == 0 && o.once)
            break;
        if (n < 0 || idle(db) < 0) {
            if (PQstatus(db_pg(db)) == CONNECTION_OK && n < 0) {
                rc = APP_EXIT_FAILED;   /* the database refused: a set-up problem, not an outage */
                break;
            }
            if (o.once || !reconnect(db)) {
                rc = APP_EXIT_FAILED;
                break;
            }
        }
    }
    summary(&t, db);
    notify_send_free(s);
    return rc;
}

const struct cli_command cli_cmd_notify = {
    "notify", "notify [--once] [--batch N] [--worker NAME] [--verbose]\t"
    "send queued event notifications (e-mail, SMS) until stopped",
    true, notify_run, false,
};
