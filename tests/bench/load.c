/* load.c — N simulated agents (one process and one connection each, through Careline's db/ layer) doing a call centre's mix for a bounded time, then throughput, latency percentiles and a consistency check. */
/*
 * Usage: load [-a AGENTS] [-s SUPERVISORS] [-t SECONDS] [-k THINK_MS]
 *             [-r REPLAY_PCT] [-e EDIT_PCT] [-p POLL_MS] [-c CONFIG]
 *             [-u AGENT_ROLE] [-U SUPERVISOR_ROLE] [-l LABEL]
 *
 * The connection comes from the PG* environment (through PgBouncer when
 * PGHOST/PGPORT point at it); agents log in as AGENT_ROLE and supervisors
 * as SUPERVISOR_ROLE (staff roles, so privileges are an agent's), the
 * set-up and the final check as the environment's user.
 *
 * One call of an agent: search (account 40%, phone 30%, misspelt name 30%,
 * db_search_run), open the customer (db_customer_open_sync: the pipeline
 * the screen sends, audit row included), log the contact
 * (db_contact_save_sync with a UUID made at the terminal; REPLAY_PCT of the
 * saves are sent a second time with the same UUID, as a retry after a lost
 * answer would be), and in EDIT_PCT of the calls change the e-mail of one
 * of ten shared "hot" customers with the version-checked UPDATE that
 * db/migrations/004_rules.sql prescribes (Careline has no edit function
 * yet, so that statement is the driver's). Between actions each agent
 * thinks for an exponentially distributed time of mean THINK_MS.
 * Supervisors poll the open-complaints queue every POLL_MS.
 * Complaint intake and recovery scripts are not in the mix yet (they were
 * not built when this was written).
 *
 * Children keep their samples in memory and hand them to the parent through
 * files in a private directory; the parent checks, against the database,
 * that every acknowledged contact is there exactly once, that replays added
 * nothing, that no deadlock was counted, and that no edit was lost.
 */
#include <errno.h>
#include <ftw.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "careline/config.h"
#include "careline/contact.h"
#include "careline/customer.h"
#include "careline/db.h"
#include "careline/search.h"
#include "careline/util.h"

enum action {
    A_SEARCH_ACCOUNT, A_SEARCH_PHONE, A_SEARCH_NAME, A_OPEN, A_CONTACT, A_REPLAY, A_EDIT, A_QUEUE, A_CONNECT,
    A__COUNT
};
static const char *const action_name[A__COUNT] = {
    "search: exact account", "search: phone", "search: misspelt name", "open customer (pipeline)",
    "log contact", "log contact again, same UUID", "edit e-mail (version check)", "supervisor queue poll",
    "connect (once per agent)",
};

#define HOT 10

struct customer {
    long long id;
    char account[16];
    char phone[24];
    char name[96];
};

static struct {
    int agents, supervisors, seconds, think_ms, replay_pct, edit_pct, poll_ms;
    const char *config, *agent_role, *supervisor_role, *label;
} opt = {200, 4, 60, 3000, 5, 10, 2000, NULL, "careline_bench_agent", "careline_bench_supervisor", "direct"};

static struct conf conf;
static struct customer *sample;
static int nsample;
static long long hot[HOT];
static int version0[HOT];     /* each hot customer's version before the run */
static char run_tag[64];
static char dir[256];

static const char queue_sql[] =
    "SELECT k.id, k.reference, k.customer_id, k.status, k.severity, k.resolution_due_at"
    " FROM complaint k WHERE k.status NOT IN ('resolved', 'closed') AND k.merged_into IS NULL"
    " ORDER BY k.resolution_due_at LIMIT 50";
static const char version_sql[] = "SELECT version FROM customer WHERE id = $1";
static const char edit_sql[] =
    "UPDATE customer SET email = $2 WHERE id = $1 AND version = $3::integer RETURNING version";

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("load: ", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs("\n", stderr);
    exit(1);
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* xorshift64*: each process its own stream. */
static unsigned long long rng;
static double uniform(void)
{
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return (double)((rng * 2685821657736338717ULL) >> 11) / 9007199254740992.0;
}

static struct db_conn *connect_as(const char *role)
{
    char conninfo[128] = "";
    if (role && *role && util_format_fits(conninfo, sizeof conninfo, "user=%s", role) < 0)
        die("role name too long: %s", role);
    struct db_params p = {
        .conninfo = conninfo,
        .connect_timeout = 30,
        .statement_timeout_ms = conf.statement_timeout_ms,
        .application_name = "careline-load",
    };
    struct db_conn *c = db_new(&p);
    if (db_connect(c, NULL) < 0) {
        fprintf(stderr, "load: connect as %s: %s\n", role && *role ? role : "(environment)", db_error(c));
        db_free(c);
        return NULL;
    }
    return c;
}

/* ---- one child's samples ----------------------------------------------- */

struct sample_rec {
    unsigned char action;
    unsigned char ok;
    float ms;
};
static bool measuring;   /* false during the warm-up call */
static struct sample_rec *recs;
static size_t nrecs, caprecs;
static FILE *uuids;   /* "ok UUID" / "failed UUID" per contact */
static FILE *edits;   /* "ok ID VERSION EMAIL" / "conflict ID" */
static FILE *errlog;  /* "ACTION message" for every failed action */

static void note_error(enum action a, const char *msg)
{
    if (errlog && measuring)
        fprintf(errlog, "%d %.200s\n", (int)a, msg && *msg ? msg : "unknown error");
}

static void record(enum action a, double ms, bool ok)
{
    if (!measuring && a != A_CONNECT)
        return;
    if (nrecs == caprecs) {
        caprecs = caprecs ? caprecs * 2 : 1024;
        recs = util_realloc(recs, caprecs * sizeof *recs);
    }
    recs[nrecs++] = (struct sample_rec){(unsigned char)a, ok, (float)ms};
}

static void sleep_ms(double ms)
{
    struct timespec ts = {(time_t)(ms / 1000), (long)(fmod(ms, 1000) * 1e6)};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

static void think(double deadline)
{
    if (opt.think_ms <= 0)
        return;
    double ms = -log(1.0 - uniform()) * opt.think_ms;
    double left = deadline - now_ms();
    if (ms > left)
        ms = left > 0 ? left : 0;
    sleep_ms(ms);
}

static void do_search(struct db_conn *c, const struct customer *cu)
{
    double r = uniform();
    enum action a = r < 0.4 ? A_SEARCH_ACCOUNT : r < 0.7 ? A_SEARCH_PHONE : A_SEARCH_NAME;
    const char *text = a == A_SEARCH_ACCOUNT ? cu->account : a == A_SEARCH_PHONE ? cu->phone : cu->name;
    struct db_search_result res;
    double t0 = now_ms();
    int rc = db_search_run(c, text, conf.search_limit, &res);
    record(a, now_ms() - t0, rc == 0 && !res.error);
    if (rc < 0 || res.error)
        note_error(a, res.error ? res.error : db_error(c));
    db_search_result_free(&res);
}

static void do_open(struct db_conn *c, const struct customer *cu)
{
    struct db_customer_view v;
    double t0 = now_ms();
    int rc = db_customer_open_sync(c, cu->id, &v);
    record(A_OPEN, now_ms() - t0, rc == 0);
    if (rc < 0)
        note_error(A_OPEN, v.error);
    db_customer_view_free(&v);
}

/* d was made when the call began (its start time is the call's). */
static void do_contact(struct db_conn *c, struct db_contact_draft *d, int agent, int seq)
{
    char summary[160];
    util_format(summary, sizeof summary, "%s agent %d call %d: asked about the bill", run_tag, agent, seq);
    d->summary = summary;
    double t0 = now_ms();
    int rc = db_contact_save_sync(c, d);
    if (rc < 0) {
        /* What the screen does after a failure: the same draft again. */
        fprintf(uuids, "retried %s %s\n", d->id, db_error(c));
        sleep_ms(100);
        rc = db_contact_save_sync(c, d);
    }
    record(A_CONTACT, now_ms() - t0, rc == 0);
    if (rc < 0)
        note_error(A_CONTACT, db_error(c));
    fprintf(uuids, "%s %s\n", rc == 0 ? "ok" : "failed", d->id);
    if (rc == 0 && uniform() * 100 < opt.replay_pct) {
        t0 = now_ms();
        rc = db_contact_save_sync(c, d);
        record(A_REPLAY, now_ms() - t0, rc == 0);
        fprintf(uuids, "replay %s\n", d->id);
    }
}

static void do_edit(struct db_conn *c, int agent, int seq, double deadline)
{
    long long id = hot[(int)(uniform() * HOT) % HOT];
    char ids[24], email[160];
    util_format(ids, sizeof ids, "%lld", id);
    /* The check compares it with what is stored: never cut. */
    if (util_format_fits(email, sizeof email, "load.%d.%d@%s.example", agent, seq, run_tag) < 0)
        die("e-mail address too long for run tag %s", run_tag);
    double t0 = now_ms();
    const char *p1[1] = {ids};
    PGresult *r = db_exec(c, version_sql, 1, p1);
    bool ok = r && PQntuples(r) == 1;
    double read_ms = now_ms() - t0;
    if (ok) {
        /* The form is open while the agent types the new address: others
         * may save the same customer meanwhile. */
        think(deadline);
        t0 = now_ms() - read_ms;   /* time the two round trips, not the typing */
        const char *p3[3] = {ids, email, PQgetvalue(r, 0, 0)};
        PGresult *u = db_exec(c, edit_sql, 3, p3);
        ok = u != NULL;
        if (u && PQntuples(u) == 1)
            fprintf(edits, "ok %lld %s %s\n", id, PQgetvalue(u, 0, 0), email);
        else if (u)
            fprintf(edits, "conflict %lld\n", id);   /* someone else's edit won: refused, not lost */
        PQclear(u);
    }
    PQclear(r);
    record(A_EDIT, now_ms() - t0, ok);
    if (!ok)
        note_error(A_EDIT, db_error(c));
}

static void do_queue(struct db_conn *c)
{
    double t0 = now_ms();
    PGresult *r = db_exec(c, queue_sql, 0, NULL);
    record(A_QUEUE, now_ms() - t0, r != NULL);
    if (!r)
        note_error(A_QUEUE, db_error(c));
    PQclear(r);
}

/* The file of child n (a supervisor's or an agent's) with this suffix. */
static void child_path(char *path, size_t len, bool supervisor, int n, const char *suffix)
{
    if (util_format_fits(path, len, "%s/%c%d.%s", dir, supervisor ? 's' : 'a', n, suffix) < 0)
        die("path too long in %s", dir);
}

static FILE *child_file(bool supervisor, int n, const char *suffix)
{
    char path[512];
    child_path(path, sizeof path, supervisor, n, suffix);
    return fopen(path, "w");
}

/* An agent's calls until the deadline. */
static void agent_calls(struct db_conn *c, int n, double deadline)
{
    int seq = 0;
    /* Agents do not all start a call in the same millisecond: a random
     * first pause spreads them as a real shift would be spread. */
    think(deadline);
    while (now_ms() < deadline) {
        const struct customer *cu = &sample[(int)(uniform() * nsample) % nsample];
        seq++;
        struct db_contact_draft d;
        db_contact_draft_init(&d, cu->id);   /* the call begins */
        do_search(c, cu);
        think(deadline);
        if (now_ms() >= deadline)
            break;
        do_open(c, cu);
        think(deadline);
        if (now_ms() >= deadline)
            break;
        do_contact(c, &d, n, seq);
        if (uniform() * 100 < opt.edit_pct) {
            think(deadline);
            if (now_ms() < deadline)
                do_edit(c, n, seq, deadline);
        }
        think(deadline);
    }
}

/* The samples for the parent; 0, or 1 when they could not be written. */
static int write_samples(bool supervisor, int n)
{
    int bad = fclose(uuids) != 0;
    bad |= fclose(edits) != 0;
    bad |= fclose(errlog) != 0;
    FILE *f = child_file(supervisor, n, "samples");
    if (!f)
        return 1;
    bad |= fwrite(recs, sizeof *recs, nrecs, f) != nrecs;
    bad |= fclose(f) != 0;
    return bad;
}

/* A child: connect, say ready, wait for the start, work until the deadline,
 * write the samples. */
static int child(int n, bool supervisor, int ready_fd, int go_fd)
{
    rng = 0x9E3779B97F4A7C15ULL ^ ((unsigned long long)getpid() << 20) ^ (unsigned long long)now_ms();
    uuids = child_file(supervisor, n, "uuids");
    edits = child_file(supervisor, n, "edits");
    errlog = child_file(supervisor, n, "errors");
    if (!uuids || !edits || !errlog)
        return 1;
    double t0 = now_ms();
    struct db_conn *c = connect_as(supervisor ? opt.supervisor_role : opt.agent_role);
    record(A_CONNECT, now_ms() - t0, c != NULL);
    /* One call before the clock starts: a new backend's first statements
     * load catalogue caches, which an agent logged in all day never sees. */
    if (c && supervisor) {
        do_queue(c);
    } else if (c) {
        const struct customer *cu = &sample[(int)(uniform() * nsample) % nsample];
        struct db_contact_draft d;
        db_contact_draft_init(&d, cu->id);
        do_search(c, cu);
        do_open(c, cu);
        do_contact(c, &d, n, 0);
    }
    measuring = true;
    char b = c ? 'r' : 'x';
    if (write(ready_fd, &b, 1) != 1)
        return 1;
    close(ready_fd);
    if (read(go_fd, &b, 1) < 0) /* EOF: the parent says go */
        return 1;
    double deadline = now_ms() + opt.seconds * 1000.0;
    if (c && !supervisor)
        agent_calls(c, n, deadline);
    while (c && supervisor && now_ms() < deadline) {
        do_queue(c);
        sleep_ms(opt.poll_ms * (0.5 + uniform()));
    }
    db_free(c);
    return write_samples(supervisor, n);
}

/* ---- the parent ---------------------------------------------------------- */

static void load_sample(struct db_conn *c)
{
    /* Real customers to ask about; the name with two letters swapped, as
     * typed in a hurry (pg_trgm must still find it). */
    PGresult *r = db_exec(c,
                          "SELECT id, account_no, '0' || phone_nsn, name FROM customer"
                          " WHERE phone_nsn ~ '^[0-9]{10}$' AND name ~ '^[A-Z][a-z]+ [A-Z][a-z]{4,}$'"
                          " ORDER BY random() LIMIT 5000",
                          0, NULL);
    if (!r || PQntuples(r) < HOT)
        die("cannot sample customers: %s", r ? "too few" : db_error(c));
    nsample = PQntuples(r);
    sample = util_calloc((size_t)nsample, sizeof *sample);
    for (int i = 0; i < nsample; i++) {
        struct customer *cu = &sample[i];
        int64_t id;
        /* Searched for as they are: a cut one would find someone else. */
        if (util_parse_int64(PQgetvalue(r, i, 0), &id) < 0 ||
            util_format_fits(cu->account, sizeof cu->account, "%s", PQgetvalue(r, i, 1)) < 0 ||
            util_format_fits(cu->phone, sizeof cu->phone, "%s", PQgetvalue(r, i, 2)) < 0 ||
            util_format_fits(cu->name, sizeof cu->name, "%s", PQgetvalue(r, i, 3)) < 0)
            die("customer %s: id, account, phone or name does not fit the driver", PQgetvalue(r, i, 0));
        cu->id = id;
        char *sur = strchr(cu->name, ' ');
        if (sur && strlen(sur) > 4) {
            int k = sur[3] == sur[4] ? 2 : 3;
            char t = sur[k];
            sur[k] = sur[k + 1];
            sur[k + 1] = t;
        }
    }
    for (int i = 0; i < HOT; i++)
        hot[i] = sample[i].id;
    PQclear(r);
}

static long long one_number(struct db_conn *c, const char *sql, int n, const char *const *p)
{
    PGresult *r = db_exec(c, sql, n, p);
    if (!r || PQntuples(r) < 1)
        die("%s: %s", sql, db_error(c));
    int64_t v;
    if (util_parse_int64(PQgetvalue(r, 0, 0), &v) < 0)
        die("%s: '%s' is not a whole number", sql, PQgetvalue(r, 0, 0));
    PQclear(r);
    return v;
}

/* Busy and total jiffies of the whole machine, from /proc/stat. */
static void cpu_jiffies(unsigned long long *busy, unsigned long long *total)
{
    unsigned long long v[8] = {0};
    char line[512];
    FILE *f = fopen("/proc/stat", "r");
    *busy = *total = 0;
    if (!f)
        return;
    bool got = fgets(line, sizeof line, f) && strncmp(line, "cpu ", 4) == 0;
    (void)fclose(f);   /* only read */
    char *p = line + 4;
    for (int i = 0; got && i < 8; i++) {
        char *end;
        errno = 0;
        v[i] = strtoull(p, &end, 10);
        got = end != p && errno == 0;
        p = end;
    }
    if (!got)
        return;
    for (int i = 0; i < 8; i++)
        *total += v[i];
    *busy = *total - v[3] - v[4];   /* all but idle and iowait */
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double pct(const double *v, size_t n, double p)
{
    if (!n)
        return NAN;
    size_t k = (size_t)ceil(p / 100.0 * (double)n);
    return v[k ? k - 1 : 0];
}

static void print_row(const char *label, double *v, size_t n, long errors, double per_s, const char *goal)
{
    if (!n) {
        printf("%-32s %7d %7s %7s %7s %7s %8s %6ld  %s\n", label, 0, "-", "-", "-", "-", "-", errors, goal);
        return;
    }
    qsort(v, n, sizeof *v, cmp_double);
    char rate[16] = "-";
    if (per_s >= 0)   /* -1: no rate */
        util_format(rate, sizeof rate, "%.1f", per_s);
    printf("%-32s %7zu %7s %7.1f %7.1f %7.1f %8.1f %6ld  %s\n", label, n, rate, pct(v, n, 50), pct(v, n, 95),
           pct(v, n, 99), v[n - 1], errors, goal);
}

/* Append every line of the children's files with this suffix to out. */
static void gather(const char *suffix, struct util_buf *out)
{
    char path[512], line[512];
    for (int s = 0; s < 2; s++)
        for (int i = 0; i < (s ? opt.supervisors : opt.agents); i++) {
            child_path(path, sizeof path, s, i, suffix);
            FILE *f = fopen(path, "r");
            if (!f)
                continue;
            while (fgets(line, sizeof line, f))
                util_buf_puts(out, line);
            (void)fclose(f);   /* only read */
        }
}

/* Contacts: every acknowledged UUID once; replays and retries add nothing. */
static int check_contacts(struct db_conn *c)
{
    struct util_buf lines = {0}, ok = {0}, failed = {0}, ids = {0};
    gather("uuids", &lines);
    long nok = 0, nfailed = 0, nreplay = 0, nretried = 0;
    char first_retry[300] = "";
    util_buf_puts(&ok, "{");
    util_buf_puts(&failed, "{");
    for (char *l = lines.data, *e; l && *l; l = e + 1) {
        e = strchr(l, '\n');
        if (!e)
            break;
        *e = '\0';
        char *u = strchr(l, ' ');
        if (!u)
            continue;
        u++;
        if (strncmp(l, "ok ", 3) == 0)
            util_buf_printf(&ok, "%s%s", nok++ ? "," : "", u);
        else if (strncmp(l, "failed ", 7) == 0)
            util_buf_printf(&failed, "%s%s", nfailed++ ? "," : "", u);
        else if (strncmp(l, "retried ", 8) == 0 && !nretried++)
            util_format(first_retry, sizeof first_retry, "%s", strlen(u) > 37 ? u + 37 : "");
        else if (strncmp(l, "replay ", 7) == 0)
            nreplay++;
    }
    util_buf_puts(&ok, "}");
    util_buf_puts(&failed, "}");
    util_buf_puts(&ids, "{");
    for (int i = 0; i < nsample; i++)
        util_buf_printf(&ids, "%s%lld", i ? "," : "", sample[i].id);
    util_buf_puts(&ids, "}");
    const char *p1[1] = {ok.data};
    long long found = one_number(c, "SELECT count(*) FROM interaction WHERE id = ANY($1::uuid[])", 1, p1);
    long long distinct_ok = one_number(c, "SELECT count(DISTINCT u) FROM unnest($1::uuid[]) u", 1, p1);
    const char *pf[1] = {failed.data};
    long long failed_present = one_number(c, "SELECT count(*) FROM interaction WHERE id = ANY($1::uuid[])", 1, pf);
    char *like = util_asprintf("%s agent %%", run_tag);
    const char *p2[2] = {ids.data, like};
    long long tagged = one_number(
        c, "SELECT count(*) FROM interaction WHERE customer_id = ANY($1::bigint[]) AND summary LIKE $2", 2, p2);
    free(like);
    long long dup = tagged - found - failed_present;
    printf("\nconsistency (%s):\n", opt.label);
    printf("  contacts acknowledged %ld (distinct UUIDs %lld), found in the database %lld: %s\n", nok,
           distinct_ok, found, found == distinct_ok && distinct_ok == nok ? "every one, once" : "MISSING ROWS");
    printf("  saves sent again with the same UUID %ld; rows of this run %lld = acknowledged %lld + failed-but-stored"
           " %lld: %s\n",
           nreplay, tagged, found, failed_present, dup == 0 ? "no duplicates" : "DUPLICATES");
    printf("  saves whose first attempt failed (sent again with the same UUID): %ld%s%s; failed even then: %ld\n",
           nretried, nretried ? ", e.g. " : "", first_retry, nfailed);
    util_buf_free(&lines);
    util_buf_free(&ok);
    util_buf_free(&failed);
    util_buf_free(&ids);
    return found != nok || distinct_ok != nok || dup != 0;
}

/* The winning edits the children wrote ("ok ID VERSION EMAIL"), per hot
 * customer: how many and the e-mail of the newest. */
struct edit_wins {
    long wins[HOT], total;
    int best_v[HOT];
    char best_email[HOT][160];
};

/* Returns the count of refused ("conflict") edits. */
static long read_edits(struct edit_wins *w)
{
    struct util_buf el = {0};
    gather("edits", &el);
    long conflicts = 0;
    memset(w, 0, sizeof *w);
    for (char *l = el.data, *e, *save; l && *l; l = e + 1) {
        e = strchr(l, '\n');
        if (!e)
            break;
        *e = '\0';
        if (strncmp(l, "conflict", 8) == 0) {
            conflicts++;
            continue;
        }
        char *word = strtok_r(l, " ", &save), *id = strtok_r(NULL, " ", &save), *v = strtok_r(NULL, " ", &save),
             *email = strtok_r(NULL, " ", &save);
        int64_t cid;
        int version;
        if (!word || strcmp(word, "ok") != 0 || util_parse_int64(id, &cid) < 0 || util_parse_int(v, &version) < 0 ||
            !email)
            die("edits: cannot read the line '%s'", l);
        for (int i = 0; i < HOT; i++)
            if (hot[i] == cid) {
                w->wins[i]++;
                w->total++;
                if (version > w->best_v[i]) {
                    w->best_v[i] = version;
                    if (util_format_fits(w->best_email[i], sizeof w->best_email[i], "%s", email) < 0)
                        die("edits: e-mail address too long: %s", email);
                }
            }
    }
    util_buf_free(&el);
    return conflicts;
}

/* Edits: each hot customer's version moved by exactly the number of edits
 * that were told they won, and holds the e-mail of the last. */
static int check_edits(struct db_conn *c)
{
    struct edit_wins w;
    long conflicts = read_edits(&w), moved = 0, lost = 0;
    for (int i = 0; i < HOT; i++) {
        char ids1[24];
        util_format(ids1, sizeof ids1, "%lld", hot[i]);
        const char *p[1] = {ids1};
        PGresult *r = db_exec(c, "SELECT version, coalesce(email, '') FROM customer WHERE id = $1", 1, p);
        int v;
        if (!r || PQntuples(r) != 1 || util_parse_int(PQgetvalue(r, 0, 0), &v) < 0)
            die("customer %s: %s", ids1, r ? "no version" : db_error(c));
        moved += v - version0[i];
        if (v - version0[i] != w.wins[i] || (w.wins[i] && strcmp(PQgetvalue(r, 0, 1), w.best_email[i]) != 0))
            lost++;
        PQclear(r);
    }
    printf("  edits that won %ld, refused as stale %ld; versions moved %ld; customers whose last winning edit"
           " is not what is stored: %ld: %s\n",
           w.total, conflicts, moved, lost, lost == 0 && moved == w.total ? "no lost update" : "LOST UPDATES");
    return lost != 0 || moved != w.total;
}

static int check(struct db_conn *c, long long deadlocks0)
{
    int problems = check_contacts(c);
    /* Deadlocks: the server's own counter, before and after. */
    long long deadlocks =
        one_number(c, "SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()", 0, NULL) -
        deadlocks0;
    printf("  deadlocks during the run (pg_stat_database): %lld\n", deadlocks);
    problems += deadlocks != 0;
    problems += check_edits(c);
    return problems;
}

static void usage(void)
{
    fputs("usage: load [-a AGENTS] [-s SUPERVISORS] [-t SECONDS] [-k THINK_MS] [-r REPLAY_PCT] [-e EDIT_PCT]\n"
          "            [-p POLL_MS] [-c CONFIG] [-u AGENT_ROLE] [-U SUPERVISOR_ROLE] [-l LABEL]\n",
          stderr);
    exit(2);
}

/* A whole number option, or the usage. */
static int number(const char *v)
{
    int n;
    if (util_parse_int(v, &n) < 0 || n < 0) {
        fprintf(stderr, "load: '%s' is not a whole number\n", v);
        usage();
    }
    return n;
}

static void parse_options(int argc, char **argv)
{
    int ch;
    while ((ch = getopt(argc, argv, "a:s:t:k:r:e:p:c:u:U:l:")) != -1) {
        switch (ch) {
        case 'a': opt.agents = number(optarg); break;
        case 's': opt.supervisors = number(optarg); break;
        case 't': opt.seconds = number(optarg); break;
        case 'k': opt.think_ms = number(optarg); break;
        case 'r': opt.replay_pct = number(optarg); break;
        case 'e': opt.edit_pct = number(optarg); break;
        case 'p': opt.poll_ms = number(optarg); break;
        case 'c': opt.config = optarg; break;
        case 'u': opt.agent_role = optarg; break;
        case 'U': opt.supervisor_role = optarg; break;
        case 'l': opt.label = optarg; break;
        default: usage();
        }
    }
    if (opt.agents < 1 || opt.seconds < 1)
        usage();
}

/* Set-up as the environment's user (the cluster owner in the bench): the
 * customers to ask about, the hot customers' versions; returns the
 * deadlock counter before the run. */
static long long set_up(void)
{
    char err[1024];
    if (conf_load(&conf, opt.config, err, sizeof err) < 0)
        die("%s", err);
    const char *tmp = getenv("TMPDIR");
    if (util_format_fits(dir, sizeof dir, "%s/careline-load.XXXXXX", tmp && *tmp ? tmp : "/tmp") < 0 || !mkdtemp(dir))
        die("mkdtemp in %s: %s", tmp && *tmp ? tmp : "/tmp", strerror(errno));
    util_format(run_tag, sizeof run_tag, "load-%ld-%d", (long)time(NULL), (int)getpid());
    struct db_conn *admin = connect_as(NULL);
    if (!admin)
        exit(3);
    load_sample(admin);
    for (int i = 0; i < HOT; i++) {
        char ids[24];
        util_format(ids, sizeof ids, "%lld", hot[i]);
        const char *p[1] = {ids};
        version0[i] = (int)one_number(admin, version_sql, 1, p);
    }
    long long deadlocks0 =
        one_number(admin, "SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()", 0, NULL);
    /* Children must not share the parent's socket: close it over the fork. */
    db_free(admin);
    return deadlocks0;
}

/* The run as the parent saw it. */
struct run {
    int total, up, failed_children;
    double conn_ms, elapsed, machine, driver_cores;
};

/* Fork the children, wait until they are connected, start them together,
 * wait for them to finish. */
static void run_children(struct run *run)
{
    run->total = opt.agents + opt.supervisors;
    int ready[2], go[2];
    if (fflush(NULL) != 0 || pipe(ready) < 0 || pipe(go) < 0)
        die("pipe: %s", strerror(errno));
    pid_t *pids = util_calloc((size_t)run->total, sizeof *pids);
    double t_conn = now_ms();
    for (int i = 0; i < run->total; i++) {
        pids[i] = fork();
        if (pids[i] < 0)
            die("fork: %s", strerror(errno));
        if (pids[i] == 0) {
            close(ready[0]);
            close(go[1]);
            bool sup = i >= opt.agents;
            _exit(child(sup ? i - opt.agents : i, sup, ready[1], go[0]));
        }
    }
    close(ready[1]);
    close(go[0]);
    for (int i = 0; i < run->total; i++) {
        char b;
        if (read(ready[0], &b, 1) != 1)
            break;
        run->up += b == 'r';
    }
    run->conn_ms = now_ms() - t_conn;
    fprintf(stderr, "load: %d of %d connected in %.0f ms (%s); running %d s...\n", run->up, run->total, run->conn_ms,
            opt.label, opt.seconds);
    double t0 = now_ms();
    unsigned long long busy0, total0, busy1, total1;
    cpu_jiffies(&busy0, &total0);
    struct rusage ru0, ru1;
    getrusage(RUSAGE_CHILDREN, &ru0);
    close(go[1]);   /* go */
    for (int i = 0; i < run->total; i++) {
        int st;
        while (waitpid(pids[i], &st, 0) < 0 && errno == EINTR)
            ;
        run->failed_children += !(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    }
    run->elapsed = (now_ms() - t0) / 1000.0;
    cpu_jiffies(&busy1, &total1);
    getrusage(RUSAGE_CHILDREN, &ru1);
    /* The driver's own processes run on the same cores as the server: say
     * how much of the machine they took. (Children's times arrive when they
     * are waited for, so ru0 holds nothing of the run.) */
    double drv = (double)(ru1.ru_utime.tv_sec - ru0.ru_utime.tv_sec + ru1.ru_stime.tv_sec - ru0.ru_stime.tv_sec) +
                 (double)(ru1.ru_utime.tv_usec - ru0.ru_utime.tv_usec + ru1.ru_stime.tv_usec - ru0.ru_stime.tv_usec) /
                     1e6;
    run->driver_cores = drv / run->elapsed;
    run->machine = total1 > total0 ? 100.0 * (double)(busy1 - busy0) / (double)(total1 - total0) : NAN;
    free(pids);
}

/* Every child's samples: the times of successful actions per action, and
 * of every agent action together; failures counted. */
struct samples {
    double *v[A__COUNT];
    size_t n[A__COUNT], cap[A__COUNT];
    long errors[A__COUNT];
    double *all;
    size_t nall, capall;
    long allerr;
};

static void push(double **v, size_t *n, size_t *cap, double x)
{
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 1024;
        *v = util_realloc(*v, *cap * sizeof **v);
    }
    (*v)[(*n)++] = x;
}

static void read_samples(struct samples *sm)
{
    memset(sm, 0, sizeof *sm);
    char path[512];
    for (int s = 0; s < 2; s++)
        for (int i = 0; i < (s ? opt.supervisors : opt.agents); i++) {
            child_path(path, sizeof path, s, i, "samples");
            FILE *f = fopen(path, "r");
            if (!f)
                continue;
            struct sample_rec r;
            while (fread(&r, sizeof r, 1, f) == 1) {
                if (r.action >= A__COUNT)
                    continue;
                bool agent_action = r.action != A_CONNECT && r.action != A_QUEUE;
                if (!r.ok) {
                    sm->errors[r.action]++;
                    sm->allerr += agent_action;
                    continue;
                }
                push(&sm->v[r.action], &sm->n[r.action], &sm->cap[r.action], r.ms);
                if (agent_action)
                    push(&sm->all, &sm->nall, &sm->capall, r.ms);
            }
            (void)fclose(f);   /* only read */
        }
}

static void report(struct samples *sm, const struct run *run)
{
    printf("\nLoad (%s): %d agents + %d supervisors, each its own connection and process; %d s;"
           " think time %d ms mean between an agent's actions; replay %d%% of saves; edit in %d%% of calls\n",
           opt.label, opt.agents, opt.supervisors, opt.seconds, opt.think_ms, opt.replay_pct, opt.edit_pct);
    printf("%-32s %7s %7s %7s %7s %7s %8s %6s  %s\n", "action", "n", "per s", "p50", "p95", "p99", "max", "errors",
           "goal (DESIGN.md)");
    printf("%s\n", "--------------------------------------------------------------------------------------------------");
    for (int a = 0; a < A__COUNT; a++)
        if (a != A_CONNECT)
            print_row(action_name[a], sm->v[a], sm->n[a], sm->errors[a], (double)sm->n[a] / run->elapsed,
                      "p95 < 50 ms");
    print_row("every agent action", sm->all, sm->nall, sm->allerr, (double)sm->nall / run->elapsed, "p95 < 50 ms");
    print_row(action_name[A_CONNECT], sm->v[A_CONNECT], sm->n[A_CONNECT], sm->errors[A_CONNECT], -1, "-");
    printf("(ms; n counts successful actions; %d of %d connected, all in %.0f ms; %d process%s failed;"
           " not in the mix yet: complaint intake, recovery scripts)\n",
           run->up, run->total, run->conn_ms, run->failed_children, run->failed_children == 1 ? "" : "es");
    printf("machine CPU busy during the run: %.0f%% of %ld cores; of that the driver's own %d processes: %.2f cores"
           " (the server had the rest)\n",
           run->machine, sysconf(_SC_NPROCESSORS_ONLN), run->total, run->driver_cores);
    struct util_buf errs = {0};
    gather("errors", &errs);
    int shown = 0;
    for (char *l = errs.data, *e; l && *l && shown < 3; l = e + 1, shown++) {
        e = strchr(l, '\n');
        char *msg = strchr(l, ' ');
        if (!e || !msg)
            break;
        *e = *msg = '\0';
        int a = -1;
        if (util_parse_int(l, &a) < 0 || a < 0 || a >= A__COUNT)
            a = -1;
        printf("error (%s): %s\n", a >= 0 ? action_name[a] : "?", msg + 1);
    }
    util_buf_free(&errs);
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st, (void)type, (void)ftw;
    return remove(path);
}

int main(int argc, char **argv)
{
    parse_options(argc, argv);
    long long deadlocks0 = set_up();
    struct run run = {0};
    run_children(&run);
    struct samples sm;
    read_samples(&sm);
    report(&sm, &run);
    struct db_conn *admin = connect_as(NULL);
    if (!admin)
        return 3;
    /* Backends flush their statistics when they exit; give them a moment. */
    sleep(1);
    int problems = check(admin, deadlocks0);
    db_free(admin);
    if (nftw(dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS) != 0)
        fprintf(stderr, "load: could not remove %s\n", dir);
    for (int a = 0; a < A__COUNT; a++)
        free(sm.v[a]);
    free(sm.all);
    free(sample);
    conf_free(&conf);
    return problems || run.failed_children || run.up < run.total ? 1 : 0;
}
