/* term.c — one simulated terminal in a child process of the load driver: its connection (made as the screens make it, through whatever is in between), its loop over the database while the agent thinks, the samples and the lines the final check reads. */
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "careline/config.h"
#include "careline/recovery.h"
#include "careline/search.h"
#include "careline/session.h"
#include "load.h"

const char *const load_action_name[A__COUNT] = {
    "search: account number", "search: phone number", "search: postcode", "search: meter serial",
    "search: name", "search: misspelt name", "search: street", "open customer (one pipeline)",
    "log contact (+ survey)", "log contact again, same UUID", "intake form (load)", "take a complaint",
    "recovery script: fit", "recovery script: step", "recovery script: credit", "goodwill credit",
    "follow-up: book", "follow-ups due (list)", "follow-up: record", "edit e-mail (version check)",
    "supervisor: approvals", "supervisor: decide a credit", "supervisor: queue", "supervisor: reassign",
    "supervisor: dashboard (live reload)",
    "decision heard by the agent", "connect (once per terminal)",
};

bool load_agent_action(enum action a) { return a < A_APPROVALS; }

double load_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

double load_now_real_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* xorshift64*: each process its own stream. */
static unsigned long long rng = 0x9E3779B97F4A7C15ULL;
void load_seed(unsigned long long seed) { rng = seed ? seed : 0x9E3779B97F4A7C15ULL; }
double load_uniform(void)
{
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return (double)((rng * 2685821657736338717ULL) >> 11) / 9007199254740992.0;
}
int load_pick(int n) { return n > 0 ? (int)(load_uniform() * n) % n : 0; }

void load_sleep_ms(double ms)
{
    if (ms <= 0)
        return;
    struct timespec ts = {(time_t)(ms / 1000), (long)(fmod(ms, 1000) * 1e6)};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

/* ---- the connection ------------------------------------------------------ */

static struct conf conf;

/* role_pattern: a role, or a pattern with %d for one role per terminal
 * (staff log in as themselves). NULL: the environment's user. */
struct db_conn *load_connect(const char *role_pattern, int n, const char *base)
{
    char role[64] = "", conninfo[512] = "";
    if (role_pattern && *role_pattern) {
        const char *d = strstr(role_pattern, "%d");
        if (d)
            util_format(role, sizeof role, "%.*s%d%s", (int)(d - role_pattern), role_pattern, n + 1, d + 2);
        else
            util_format(role, sizeof role, "%s", role_pattern);
    }
    if (util_format_fits(conninfo, sizeof conninfo, "%s%s%s%s", base ? base : "", base && *role ? " " : "",
                         *role ? "user=" : "", role) < 0)
        return NULL;
    struct db_params p = {
        .conninfo = conninfo,
        .connect_timeout = 30,
        .statement_timeout_ms = conf.statement_timeout_ms,
        .application_name = "careline-load",
        .pooler = (enum db_pooler)conf.pooler,
        .listen_conninfo = conf.listen_conninfo,
    };
    struct db_conn *c = db_new(&p);
    if (db_connect(c, NULL) < 0) {
        fprintf(stderr, "load: connect as %s: %s\n", *role ? role : "(environment)", db_error(c));
        db_free(c);
        return NULL;
    }
    return c;
}

int load_conf(void)
{
    char err[1024];
    if (conf_load(&conf, load_opt.config, err, sizeof err) < 0) {
        fprintf(stderr, "load: %s\n", err);
        return -1;
    }
    return 0;
}

int load_search_limit(void) { return conf.search_limit; }

/* Run the loop (poll over the connection and LISTEN's) for ms: the agent
 * thinks, notifications arrive and are timed as they do. */
void load_idle(struct db_conn *c, double ms)
{
    double end = load_now_ms() + ms, left = ms;
    while (left > 0) {
        struct pollfd fds[4];
        int n = db_pollfds(c, fds, 4);
        int t = db_timeout_ms(c);
        if (t < 0 || t > left)
            t = (int)ceil(left);
        if (poll(fds, (nfds_t)n, t) < 0 && errno != EINTR)
            load_sleep_ms(t);
        db_ready(c, fds, n);
        left = end - load_now_ms();
    }
}

/* Until *done (the request's callback ran) or 30 s. */
bool load_await(struct db_conn *c, const bool *done)
{
    double end = load_now_ms() + 30000;
    while (!*done && load_now_ms() < end) {
        struct pollfd fds[4];
        int n = db_pollfds(c, fds, 4);
        int t = db_timeout_ms(c);
        if (poll(fds, (nfds_t)n, t < 0 || t > 100 ? 100 : t) < 0 && errno != EINTR)
            load_sleep_ms(1);
        db_ready(c, fds, n);
    }
    return *done;
}

void load_failed(struct load_waiter *w, const char *err)
{
    w->done = true;
    w->ok = false;
    util_format(w->err, sizeof w->err, "%s", err && *err ? err : "failed");
}

bool load_timed(struct db_conn *c, enum action a, struct load_waiter *w, double t0)
{
    bool got = load_await(c, &w->done);
    /* Given up on: its answer must never land in a wait that has returned
     * (every request's owner is the wait it fills). */
    if (!got)
        db_forget_owner(c, w);
    bool answered = got && (w->ok || w->conflict);
    load_record(a, load_now_ms() - t0, answered);
    if (!answered)
        load_note_error(a, got ? w->err : "no answer within 30 s");
    return got && w->ok;
}

void load_on_versioned(void *ctx, bool conflict, const char *err)
{
    struct load_waiter *w = ctx;
    w->conflict = conflict;
    if (err && !conflict) {
        load_failed(w, err);
    } else {
        w->done = true;
        w->ok = !conflict;
    }
}

void load_on_plain(void *ctx, const char *err)
{
    struct load_waiter *w = ctx;
    if (err) {
        load_failed(w, err);
    } else {
        w->done = true;
        w->ok = true;
    }
}

/* ---- samples and the lines the check reads ------------------------------- */

struct sample_rec {
    unsigned char action;
    unsigned char ok;
    float ms;
};
bool load_measuring;   /* false during the first call, before the clock starts */
static struct sample_rec *recs;
static size_t nrecs, caprecs;
static FILE *writes;   /* "KIND ok|failed|conflict KEY ..." per write */
static FILE *errlog;   /* "ACTION message" per failed action */

void load_note_error(enum action a, const char *msg)
{
    if (errlog && load_measuring)
        fprintf(errlog, "%d %.200s\n", (int)a, msg && *msg ? msg : "unknown error");
}

void load_record(enum action a, double ms, bool ok)
{
    if (!load_measuring && a != A_CONNECT)
        return;
    load_cpu_account(a);
    if (nrecs == caprecs) {
        caprecs = caprecs ? caprecs * 2 : 1024;
        recs = util_realloc(recs, caprecs * sizeof *recs);
    }
    recs[nrecs++] = (struct sample_rec){(unsigned char)a, ok, (float)ms};
}

/* Every write is told to the check, warm-up call included: its rows are there too. */
void load_write(const char *fmt, ...)
{
    if (!writes)
        return;
    va_list ap;
    va_start(ap, fmt);
    vfprintf(writes, fmt, ap);
    va_end(ap);
    fputc('\n', writes);
}

static FILE *child_file(bool supervisor, int n, const char *suffix)
{
    char path[512];
    load_child_path(path, sizeof path, supervisor, n, suffix);
    return fopen(path, "w");
}

static int write_samples(bool supervisor, int n)
{
    int bad = fclose(writes) != 0;
    bad |= fclose(errlog) != 0;
    writes = errlog = NULL;
    FILE *f = child_file(supervisor, n, "samples");
    if (!f)
        return 1;
    bad |= fwrite(recs, sizeof *recs, nrecs, f) != nrecs;
    bad |= fclose(f) != 0;
    return bad;
}

/* Read the samples every child wrote: per action the times of successes,
 * and the failures. */
void load_read_samples(double **v, size_t *n, long *errors)
{
    char path[512];
    size_t cap[A__COUNT] = {0};
    for (int s = 0; s < 2; s++)
        for (int i = 0; i < (s ? load_opt.supervisors : load_opt.agents); i++) {
            load_child_path(path, sizeof path, s, i, "samples");
            FILE *f = fopen(path, "r");
            if (!f)
                continue;
            struct sample_rec r;
            while (fread(&r, sizeof r, 1, f) == 1) {
                if (r.action >= A__COUNT)
                    continue;
                if (!r.ok) {
                    errors[r.action]++;
                    continue;
                }
                if (n[r.action] == cap[r.action]) {
                    cap[r.action] = cap[r.action] ? cap[r.action] * 2 : 256;
                    v[r.action] = util_realloc(v[r.action], cap[r.action] * sizeof **v);
                }
                v[r.action][n[r.action]++] = r.ms;
            }
            (void)fclose(f);   /* only read */
        }
}

/* ---- the child ------------------------------------------------------------ */

long long load_staff_id;

/* The first call before the clock starts: a new backend's first statements
 * load catalogue caches, which a terminal logged in all day never pays. */
static void warm_up(struct db_conn *c, bool supervisor, int n, double deadline)
{
    int think = load_opt.think_ms, poll = load_opt.poll_ms;
    load_opt.think_ms = load_opt.poll_ms = 0;   /* this process's copy: no pause before the clock starts */
    if (supervisor)
        load_supervisor_round(c, n, deadline);
    else
        load_agent_call(c, n, 0, deadline);
    load_opt.think_ms = think;
    load_opt.poll_ms = poll;
}

int load_child(int n, bool supervisor, int ready_fd, int go_fd)
{
    load_seed(0x9E3779B97F4A7C15ULL ^ ((unsigned long long)getpid() << 20) ^ (unsigned long long)load_now_ms());
    writes = child_file(supervisor, n, "writes");
    errlog = child_file(supervisor, n, "errors");
    if (!writes || !errlog || load_conf() < 0)
        return 1;
    double t0 = load_now_ms();
    nrecs = 0;   /* the parent's calibration is not this terminal's */
    /* Staff log in over a while, not all in one second (-R). */
    load_sleep_ms(load_opt.ramp_ms * (double)(supervisor ? load_opt.agents + n : n) /
                  (double)(load_opt.agents + load_opt.supervisors));
    struct db_conn *c = load_connect(supervisor ? load_opt.supervisor_role : load_opt.agent_role, n, NULL);
    if (c) {
        char role[16];
        db_session_start(c, &load_staff_id, role, sizeof role);   /* the time zone, who is logged in */
        db_search_prepare(c);
        load_listen(c, supervisor);
    }
    load_record(A_CONNECT, load_now_ms() - t0, c != NULL);
    if (c)
        warm_up(c, supervisor, n, load_now_ms() + 60000);
    char b = c ? 'r' : 'x';
    if (write(ready_fd, &b, 1) != 1)
        return 1;
    close(ready_fd);
    if (read(go_fd, &b, 1) < 0)   /* EOF: the parent says go */
        return 1;
    load_measuring = true;
    double deadline = load_now_ms() + load_opt.seconds * 1000.0;
    /* Terminals do not all start a call in the same millisecond. */
    if (c)
        load_idle(c, load_uniform() * (supervisor ? load_opt.poll_ms : load_opt.think_ms));
    for (int seq = 1; c && load_now_ms() < deadline; seq++) {
        if (supervisor)
            load_supervisor_round(c, n, deadline);
        else
            load_agent_call(c, n, seq, deadline);
    }
    db_free(c);
    conf_free(&conf);
    return write_samples(supervisor, n);
}
