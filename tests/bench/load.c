/* load.c — the load driver: N simulated terminals (agents and supervisors, one process and one connection each, through Careline's own db/ layer and whatever stands in front of PostgreSQL) doing a call centre's whole day for a bounded time; then latency per action, the server's CPU, and a check of every write against the database. */
/*
 * Usage: load [-a AGENTS] [-s SUPERVISORS] [-t SECONDS] [-k THINK_MS] [-r REPLAY_PCT] [-e EDIT_PCT]
 *             [-p POLL_MS] [-c CONFIG] [-u AGENT_ROLE] [-U SUPERVISOR_ROLE] [-l LABEL] [-m MARKDOWN] [-R RAMP_MS]
 *             [-C ROUNDS -D DIRECT_CONNINFO] [-K CALIBRATION_FILE] [-B PGBOUNCER_PIDFILE]
 *        load -N LISTENERS -D DIRECT_CONNINFO [-m MARKDOWN]
 *
 * The connection comes from the PG* environment (through PgBouncer when
 * PGHOST/PGPORT point at it: Careline finds that out by itself); agents log
 * in as AGENT_ROLE and supervisors as SUPERVISOR_ROLE, each a role or a
 * pattern with %d (careline_load_a%d: one login per terminal, as staff log
 * in); the set-up and the final check as the environment's user.
 *
 * An agent's call (tests/bench/load/mix.c): a search of one of seven kinds,
 * the customer opened, then a complaint taken (and six times in ten its
 * recovery script run to the end, with its credits, three in ten above the
 * agent's authority, and follow-ups), a goodwill credit, or a due follow-up
 * recorded; always the contact with the wrap-up survey (REPLAY_PCT of them
 * sent twice under the same UUID); in EDIT_PCT of calls an e-mail edited
 * under a version check. Exponential think time of mean THINK_MS between
 * actions. Supervisors (super.c) decide pending credits and reassign
 * complaints, every POLL_MS. Every terminal LISTENs as the screens do.
 *
 * -C ROUNDS first runs one agent and one supervisor alone on a connection
 * straight to PostgreSQL (DIRECT_CONNINFO) to measure the server's CPU per
 * action (kept in CALIBRATION_FILE; without -C a run reads it from there).
 * -R spreads the terminals' logins over RAMP_MS, as staff arrive over a
 * while (a thousand at once is a login storm: measure that without -R).
 * -m appends the figures to MARKDOWN. -N alone measures what LISTEN costs the
 * server: LISTENERS idle sessions listening, the CPU of 2,000 notifications
 * with them and without them, and their memory. Exit 0 when every terminal
 * ran and the check found nothing wrong.
 */
#include <errno.h>
#include <ftw.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "load/load.h"

struct load_opt load_opt = {200, 4, 60, 3000, 5, 5, 2000, 0, 0, 0, NULL, "careline_bench_agent",
                            "careline_bench_supervisor", "direct", NULL, NULL, NULL, NULL};
struct load_world load_world;

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

/* ---- what the terminals work on ------------------------------------------------ */

/* A name typed in a hurry: two letters of the surname swapped. */
static void misspell(char *name)
{
    char *sur = strchr(name, ' ');
    if (sur && strlen(sur) > 4) {
        int k = sur[3] == sur[4] ? 2 : 3;
        char t = sur[k];
        sur[k] = sur[k + 1];
        sur[k + 1] = t;
    }
}

static void sample_customers(struct db_conn *c)
{
    PGresult *r = db_exec(
        c,
        "WITH pick AS (SELECT id FROM customer WHERE phone_nsn ~ '^[0-9]{10}$'"
        "  AND name ~ '^[A-Z][a-z]+ [A-Z][a-z]{4,}$' ORDER BY random() LIMIT 5000)"
        " SELECT c.id, c.account_no, '0' || c.phone_nsn, c.name, p.postcode, coalesce(m.serial, c.account_no),"
        "  p.address_line1"
        " FROM pick JOIN customer c ON c.id = pick.id"
        " JOIN LATERAL (SELECT p.* FROM customer_premise cp JOIN premise p ON p.id = cp.premise_id"
        "  WHERE cp.customer_id = c.id AND cp.end_date IS NULL ORDER BY cp.start_date DESC LIMIT 1) p ON true"
        " LEFT JOIN LATERAL (SELECT serial FROM meter m WHERE m.premise_id = p.id AND m.status = 'active'"
        "  ORDER BY m.id LIMIT 1) m ON true",
        0, NULL);
    if (!r || PQntuples(r) < LOAD_HOT)
        die("cannot sample customers: %s", r ? "too few" : db_error(c));
    load_world.ncust = PQntuples(r);
    load_world.cust = util_calloc((size_t)load_world.ncust, sizeof *load_world.cust);
    for (int i = 0; i < load_world.ncust; i++) {
        struct load_customer *cu = &load_world.cust[i];
        int64_t id;
        /* Searched for as they are: a cut one would find someone else. */
        if (util_parse_int64(PQgetvalue(r, i, 0), &id) < 0 ||
            util_format_fits(cu->account, sizeof cu->account, "%s", PQgetvalue(r, i, 1)) < 0 ||
            util_format_fits(cu->phone, sizeof cu->phone, "%s", PQgetvalue(r, i, 2)) < 0 ||
            util_format_fits(cu->name, sizeof cu->name, "%s", PQgetvalue(r, i, 3)) < 0 ||
            util_format_fits(cu->postcode, sizeof cu->postcode, "%s", PQgetvalue(r, i, 4)) < 0 ||
            util_format_fits(cu->meter, sizeof cu->meter, "%s", PQgetvalue(r, i, 5)) < 0 ||
            util_format_fits(cu->street, sizeof cu->street, "%s", PQgetvalue(r, i, 6)) < 0)
            die("customer %s: a field does not fit the driver", PQgetvalue(r, i, 0));
        cu->id = id;
        util_format(cu->misspelt, sizeof cu->misspelt, "%s", cu->name);
        misspell(cu->misspelt);
    }
    PQclear(r);
    for (int i = 0; i < LOAD_HOT; i++)
        load_world.hot[i] = load_world.cust[i].id;
}

/* The hot customers' versions just before the run (the calibration edits them too). */
static void hot_versions(struct db_conn *c)
{
    for (int i = 0; i < LOAD_HOT; i++) {
        char ids[24];
        util_format(ids, sizeof ids, "%lld", load_world.hot[i]);
        const char *p[1] = {ids};
        load_world.version0[i] = (int)load_number(c, "SELECT version FROM customer WHERE id = $1", 1, p);
    }
}

/* Open complaints of customers nobody calls about in the run: only the
 * supervisors change them. The agents' staff ids, to assign to. */
static void sample_queue(struct db_conn *c)
{
    struct util_buf ids = {0};
    util_buf_puts(&ids, "{");
    for (int i = 0; i < load_world.ncust; i++)
        util_buf_printf(&ids, "%s%lld", i ? "," : "", load_world.cust[i].id);
    util_buf_puts(&ids, "}");
    const char *p[1] = {ids.data};
    PGresult *r = db_exec(c,
                          "SELECT k.id FROM complaint k WHERE k.status NOT IN ('resolved', 'closed')"
                          " AND k.merged_into IS NULL AND NOT (k.customer_id = ANY($1::bigint[])) ORDER BY k.id LIMIT 40",
                          1, p);
    util_buf_free(&ids);
    load_world.nreassign = r ? PQntuples(r) : 0;
    load_world.reassign = util_calloc((size_t)load_world.nreassign + 1, sizeof *load_world.reassign);
    for (int i = 0; i < load_world.nreassign; i++)
        util_format(load_world.reassign[i], sizeof load_world.reassign[i], "%s", PQgetvalue(r, i, 0));
    PQclear(r);
    char like[64];
    util_format(like, sizeof like, "%s", load_opt.agent_role);
    char *d = strstr(like, "%d");
    if (d)
        memmove(d + 1, d + 2, strlen(d + 2) + 1);   /* careline_load_a%d -> careline_load_a% */
    const char *pl[1] = {like};
    r = db_exec(c, "SELECT id FROM staff WHERE login_role LIKE $1 AND active AND group_role = 'agent' ORDER BY id LIMIT 200",
                1, pl);
    load_world.nstaff = r ? PQntuples(r) : 0;
    load_world.staff = util_calloc((size_t)load_world.nstaff + 1, sizeof *load_world.staff);
    for (int i = 0; i < load_world.nstaff; i++) {
        int64_t id;
        if (util_parse_int64(PQgetvalue(r, i, 0), &id) < 0)
            die("staff id '%s' is not a number", PQgetvalue(r, i, 0));
        load_world.staff[i] = id;
    }
    PQclear(r);
}

/* Set-up as the environment's user (the cluster owner in the bench);
 * returns the deadlock counter before the run. */
static long long set_up(void)
{
    if (load_conf() < 0)
        exit(2);
    const char *tmp = getenv("TMPDIR");
    if (util_format_fits(load_world.dir, sizeof load_world.dir, "%s/careline-load.XXXXXX", tmp && *tmp ? tmp : "/tmp") < 0 ||
        !mkdtemp(load_world.dir))
        die("mkdtemp in %s: %s", tmp && *tmp ? tmp : "/tmp", strerror(errno));
    util_format(load_world.run_tag, sizeof load_world.run_tag, "load-%ld-%d", (long)time(NULL), (int)getpid());
    struct db_conn *admin = load_connect(NULL, 0, NULL);
    if (!admin)
        exit(3);
    /* Sampling a million customers on a busy server may take seconds. */
    db_setting(admin, "statement_timeout", "0");
    sample_customers(admin);
    sample_queue(admin);
    load_world.limit_pounds =
        (int)load_number(admin, "SELECT per_credit::int FROM authority_limit WHERE group_role = 'agent'", 0, NULL);
    long long deadlocks0 =
        load_number(admin, "SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()", 0, NULL);
    /* Children must not share the parent's socket: close it over the fork. */
    db_free(admin);
    return deadlocks0;
}

/* ---- the run --------------------------------------------------------------------- */

/* Fork the terminals, wait until they are connected, start them together,
 * wait for them to finish; the CPU of everything meanwhile. */
static void run_children(struct load_run *run, struct db_conn *admin)
{
    run->total = load_opt.agents + load_opt.supervisors;
    int ready[2], go[2];
    if (fflush(NULL) != 0 || pipe(ready) < 0 || pipe(go) < 0)
        die("pipe: %s", strerror(errno));
    pid_t *pids = util_calloc((size_t)run->total, sizeof *pids);
    double t_conn = load_now_ms();
    for (int i = 0; i < run->total; i++) {
        pids[i] = fork();
        if (pids[i] < 0)
            die("fork: %s", strerror(errno));
        if (pids[i] == 0) {
            close(ready[0]);
            close(go[1]);
            bool sup = i >= load_opt.agents;
            _exit(load_child(sup ? i - load_opt.agents : i, sup, ready[1], go[0]));
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
    run->conn_ms = load_now_ms() - t_conn;
    fprintf(stderr, "load: %d of %d connected in %.0f ms (%s); running %d s...\n", run->up, run->total, run->conn_ms,
            load_opt.label, load_opt.seconds);
    double t0 = load_now_ms();
    load_cpu_read(admin, &run->before);
    struct rusage ru0, ru1;
    getrusage(RUSAGE_CHILDREN, &ru0);
    close(go[1]);   /* go */
    /* Halfway: the memory of the server processes the terminals keep busy. */
    load_sleep_ms(load_opt.seconds * 500.0);
    load_memory(admin, run->md);
    for (int i = 0; i < run->total; i++) {
        int st;
        while (waitpid(pids[i], &st, 0) < 0 && errno == EINTR)
            ;
        run->failed_children += !(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    }
    run->elapsed = (load_now_ms() - t0) / 1000.0;
    load_cpu_read(admin, &run->after);
    getrusage(RUSAGE_CHILDREN, &ru1);
    /* Children's times arrive when they are waited for: ru0 holds none of the run. */
    run->driver_s = (double)(ru1.ru_utime.tv_sec - ru0.ru_utime.tv_sec + ru1.ru_stime.tv_sec - ru0.ru_stime.tv_sec) +
                    (double)(ru1.ru_utime.tv_usec - ru0.ru_utime.tv_usec + ru1.ru_stime.tv_usec - ru0.ru_stime.tv_usec) /
                        1e6;
    free(pids);
}

static void usage(void)
{
    fputs("usage: load [-a AGENTS] [-s SUPERVISORS] [-t SECONDS] [-k THINK_MS] [-r REPLAY_PCT] [-e EDIT_PCT]\n"
          "            [-p POLL_MS] [-c CONFIG] [-u AGENT_ROLE] [-U SUPERVISOR_ROLE] [-l LABEL] [-m MARKDOWN] [-R RAMP_MS]\n"
          "            [-C ROUNDS -D DIRECT_CONNINFO] [-K CALIBRATION_FILE] [-B PGBOUNCER_PIDFILE]\n"
          "       load -N LISTENERS -D DIRECT_CONNINFO [-m MARKDOWN]\n",
          stderr);
    exit(2);
}

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
    while ((ch = getopt(argc, argv, "a:s:t:k:r:e:p:c:u:U:l:m:C:D:B:K:N:R:")) != -1) {
        switch (ch) {
        case 'a': load_opt.agents = number(optarg); break;
        case 's': load_opt.supervisors = number(optarg); break;
        case 't': load_opt.seconds = number(optarg); break;
        case 'k': load_opt.think_ms = number(optarg); break;
        case 'r': load_opt.replay_pct = number(optarg); break;
        case 'e': load_opt.edit_pct = number(optarg); break;
        case 'p': load_opt.poll_ms = number(optarg); break;
        case 'c': load_opt.config = optarg; break;
        case 'u': load_opt.agent_role = optarg; break;
        case 'U': load_opt.supervisor_role = optarg; break;
        case 'l': load_opt.label = optarg; break;
        case 'm': load_opt.markdown = optarg; break;
        case 'C': load_opt.calibrate = number(optarg); break;
        case 'D': load_opt.direct = optarg; break;
        case 'B': load_opt.pgbouncer_pid = optarg; break;
        case 'K': load_opt.calibration = optarg; break;
        case 'N': load_opt.fanout = number(optarg); break;
        case 'R': load_opt.ramp_ms = number(optarg); break;
        default: usage();
        }
    }
    if (optind != argc || load_opt.agents < 1 || load_opt.seconds < 1 ||
        ((load_opt.calibrate || load_opt.fanout) && !load_opt.direct))
        usage();
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st, (void)type, (void)ftw;
    return remove(path);
}

int main(int argc, char **argv)
{
    parse_options(argc, argv);
    if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
        die("signal: %s", strerror(errno));
    if (load_opt.fanout) {
        FILE *f = load_opt.markdown ? fopen(load_opt.markdown, "a") : NULL;
        load_fanout(load_opt.fanout, f);
        return f && fclose(f) != 0;
    }
    long long deadlocks0 = set_up();
    FILE *md = load_opt.markdown ? fopen(load_opt.markdown, "a") : NULL;
    if (load_opt.markdown && !md)
        die("%s: %s", load_opt.markdown, strerror(errno));
    if (md)
        fprintf(md, "\n#### Load: %s\n", load_opt.label);
    if (load_opt.calibrate)
        load_calibrate(load_opt.calibrate, md);
    else
        load_calibration_read();
    struct db_conn *admin = load_connect(NULL, 0, NULL);
    if (!admin)
        return 3;
    hot_versions(admin);
    struct load_run run = {.md = md};
    run_children(&run, admin);
    load_report(&run, md);
    /* Backends flush their statistics when they exit; give them a moment. */
    sleep(1);
    int problems = load_check(admin, deadlocks0, md);
    db_free(admin);
    if (md && fclose(md) != 0)
        problems++;
    if (nftw(load_world.dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS) != 0)
        fprintf(stderr, "load: could not remove %s\n", load_world.dir);
    return problems || run.failed_children || run.up < run.total ? 1 : 0;
}
