/* stats.c — the load driver's figures: CPU of the database server (all its processes, from /proc), of PgBouncer and of the driver; each action's latency percentiles; and the server's CPU per action, measured alone on one connection (calibration) from its process's scheduler clock. */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "careline/search.h"
#include "careline/session.h"
#include "load.h"

/* ---- /proc ------------------------------------------------------------------ */

/* utime+stime (and with children, cutime+cstime) of a process in seconds,
 * and its parent; -1 when it is gone. */
static double proc_cpu(int pid, bool children, int *ppid)
{
    char path[64], buf[1024];
    util_format(path, sizeof path, "/proc/%d/stat", pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    (void)fclose(f);   /* only read */
    buf[n] = '\0';
    /* The name may hold spaces and parentheses: fields follow the last ')'. */
    char *p = strrchr(buf, ')');
    if (!p)
        return -1;
    unsigned long long v[20] = {0};
    int k = 0;
    for (char *save = NULL, *w = strtok_r(p + 2, " ", &save); w && k < 20; w = strtok_r(NULL, " ", &save))
        v[k++] = strtoull(w, NULL, 10);
    if (k < 15)
        return -1;
    /* From the state field on: 0 state, 1 ppid, ..., 11 utime, 12 stime, 13 cutime, 14 cstime. */
    if (ppid)
        *ppid = (int)v[1];
    double ticks = (double)sysconf(_SC_CLK_TCK);
    return (double)(v[11] + v[12] + (children ? v[13] + v[14] : 0)) / ticks;
}

/* Nanoseconds a process has run on a CPU (the scheduler's own clock). */
/* The first line of a file (a /proc entry, a pid file); "" when unreadable. */
static void first_line(const char *path, char *buf, size_t len)
{
    FILE *f = fopen(path, "r");
    if (!f || !fgets(buf, (int)len, f))
        buf[0] = '\0';
    if (f)
        (void)fclose(f);   /* only read */
}

unsigned long long load_run_ns(int pid)
{
    char path[64], line[128];
    util_format(path, sizeof path, "/proc/%d/schedstat", pid);
    first_line(path, line, sizeof line);
    return strtoull(line, NULL, 10);
}

static int backend_pid(struct db_conn *c)
{
    PGresult *r = db_exec(c, "SELECT pg_backend_pid()", 0, NULL);
    int pid = 0;
    if (!r || PQntuples(r) != 1 || util_parse_int(PQgetvalue(r, 0, 0), &pid) < 0)
        pid = 0;
    PQclear(r);
    return pid;
}

/* The whole server: the postmaster with the processes it reaped, and the
 * processes alive now (backends, LISTEN sessions, background workers). */
static double server_cpu(int postmaster)
{
    double sum = proc_cpu(postmaster, true, NULL);
    DIR *d = opendir("/proc");
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        int pid = 0, ppid = 0;
        if (util_parse_int(e->d_name, &pid) < 0 || pid <= 0)
            continue;   /* not a process */
        double s = proc_cpu(pid, false, &ppid);
        if (ppid == postmaster && s > 0)
            sum += s;
    }
    if (d)
        closedir(d);
    return sum;
}

static void machine(double *busy, double *total)
{
    unsigned long long v[8] = {0};
    char line[512];
    *busy = *total = 0;
    first_line("/proc/stat", line, sizeof line);
    if (strncmp(line, "cpu ", 4) != 0)
        return;
    char *p = line + 4;
    for (int i = 0; i < 8; i++) {
        char *end;
        v[i] = strtoull(p, &end, 10);
        if (end == p)
            return;
        p = end;
    }
    double ticks = (double)sysconf(_SC_CLK_TCK), all = 0;
    for (int i = 0; i < 8; i++)
        all += (double)v[i];
    *total = all / ticks;
    *busy = (all - (double)v[3] - (double)v[4]) / ticks;
}

void load_cpu_read(struct db_conn *c, struct load_cpu *out)
{
    static int postmaster;
    if (!postmaster) {
        int pid = backend_pid(c), ppid = 0;
        if (pid > 0 && proc_cpu(pid, false, &ppid) >= 0)
            postmaster = ppid;
    }
    memset(out, 0, sizeof *out);
    out->server_s = postmaster ? server_cpu(postmaster) : NAN;
    out->pooler_s = NAN;
    if (load_opt.pgbouncer_pid) {
        char line[32];
        int pid = 0;
        first_line(load_opt.pgbouncer_pid, line, sizeof line);
        line[strcspn(line, "\n")] = '\0';
        if (util_parse_int(line, &pid) == 0 && pid > 0)
            out->pooler_s = proc_cpu(pid, false, NULL);
    }
    machine(&out->machine_busy_s, &out->machine_s);
    PGresult *r = db_exec(c,
                          "SELECT (SELECT wal_bytes FROM pg_stat_wal), blks_read, blks_hit FROM pg_stat_database"
                          " WHERE datname = current_database()",
                          0, NULL);
    if (r && PQntuples(r) == 1) {
        out->wal_bytes = strtod(PQgetvalue(r, 0, 0), NULL);
        out->blks_read = strtod(PQgetvalue(r, 0, 1), NULL);
        out->blks_hit = strtod(PQgetvalue(r, 0, 2), NULL);
    }
    PQclear(r);
}

/* ---- latency per action, and what the server spent ----------------------------- */

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

double load_calibrated_cpu_ms[A__COUNT];

/* One row: on stdout, and in the Markdown table. */
static void row(FILE *md, const char *label, double *v, size_t n, long errors, double per_s, double cpu_ms)
{
    char cpu[16] = "-", rate[16] = "-";
    if (cpu_ms > 0)
        util_format(cpu, sizeof cpu, "%.2f", cpu_ms);
    if (per_s >= 0)
        util_format(rate, sizeof rate, "%.1f", per_s);
    if (n)
        qsort(v, n, sizeof *v, cmp_double);
    printf("%-34s %7zu %7s %7.1f %7.1f %7.1f %8.1f %6ld %8s\n", label, n, rate, pct(v, n, 50), pct(v, n, 95),
           pct(v, n, 99), n ? v[n - 1] : NAN, errors, cpu);
    if (md)
        fprintf(md, "| %s | %zu | %s | %.1f | %.1f | %.1f | %.1f | %ld | %s |\n", label, n, rate, pct(v, n, 50),
                pct(v, n, 95), pct(v, n, 99), n ? v[n - 1] : NAN, errors, cpu);
}

static const char head[] = "action                                   n   per s     p50     p95     p99      max errors  db CPU";

/* The server's CPU in the run against the sum of (actions x each one's CPU
 * alone): what concurrency added (contention, the pooler's traffic, LISTEN). */
static void totals(const struct load_run *run, const size_t *n, FILE *md)
{
    double server = run->after.server_s - run->before.server_s, pooler = run->after.pooler_s - run->before.pooler_s;
    double busy = run->after.machine_busy_s - run->before.machine_busy_s;
    double all = run->after.machine_s - run->before.machine_s, expected = 0;
    size_t actions = 0;
    for (int a = 0; a < A__COUNT; a++)
        if (a != A_CONNECT && a != A_HEARD) {
            actions += n[a];
            expected += (double)n[a] * load_calibrated_cpu_ms[a] / 1000.0;
        }
    char line[700];
    int len = snprintf(line, sizeof line,
                       "database server CPU during the run: %.1f s = %.2f cores, %.2f ms per action (%zu actions)", server,
                       server / run->elapsed, actions ? server * 1000 / (double)actions : NAN, actions);
    if (expected > 0)
        len += snprintf(line + len, sizeof line - (size_t)len, "; %.2fx the sum of each action's CPU alone", server / expected);
    if (!isnan(pooler))
        len += snprintf(line + len, sizeof line - (size_t)len, "; PgBouncer %.1f s = %.3f cores", pooler, pooler / run->elapsed);
    util_format(line + len, sizeof line - (size_t)len, "; the driver's %d processes %.2f cores; machine busy %.0f%% of %ld cores",
                run->total, run->driver_s / run->elapsed, all > 0 ? 100 * busy / all : NAN, sysconf(_SC_NPROCESSORS_ONLN));
    printf("%s\n", line);
    if (md)
        fprintf(md, "\n%s\n", line);
    double wal = run->after.wal_bytes - run->before.wal_bytes, rd = run->after.blks_read - run->before.blks_read;
    double hit = run->after.blks_hit - run->before.blks_hit;
    util_format(line, sizeof line,
             "WAL written: %.1f MB = %.1f kB per action; blocks read from outside shared buffers: %.0f (%.2f per"
             " action), found in them: %.0f (%.0f per action)",
             wal / 1048576, actions ? wal / 1024 / (double)actions : NAN, rd, actions ? rd / (double)actions : NAN, hit,
             actions ? hit / (double)actions : NAN);
    printf("%s\n", line);
    if (md)
        fprintf(md, "\n%s\n", line);
}

void load_report(const struct load_run *run, FILE *md)
{
    double *v[A__COUNT] = {0}, *all = NULL;
    size_t n[A__COUNT] = {0}, nall = 0;
    long errors[A__COUNT] = {0}, allerr = 0;
    load_read_samples(v, n, errors);
    printf("\nLoad (%s): %d agents + %d supervisors, each a terminal with its own connection and process; %d s;"
           " think time %d ms mean between an agent's actions\n%s\n", load_opt.label, load_opt.agents,
           load_opt.supervisors, load_opt.seconds, load_opt.think_ms, head);
    if (md)
        fprintf(md, "\n**%s**: %d agents + %d supervisors, %d s, think time %d ms mean; times in ms, db CPU = the"
                " server's CPU per action measured alone (ms)\n\n| action | n | per s | p50 | p95 | p99 | max | errors |"
                " db CPU |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n",
                load_opt.label, load_opt.agents, load_opt.supervisors, load_opt.seconds, load_opt.think_ms);
    for (int a = 0; a < A__COUNT; a++) {
        if (a == A_CONNECT || a == A_HEARD)
            continue;
        if (load_agent_action(a)) {
            all = util_realloc(all, (nall + n[a] + 1) * sizeof *all);
            memcpy(all + nall, v[a], n[a] * sizeof *all);
            nall += n[a];
            allerr += errors[a];
        }
        row(md, load_action_name[a], v[a], n[a], errors[a], (double)n[a] / run->elapsed, load_calibrated_cpu_ms[a]);
    }
    row(md, "every agent action", all, nall, allerr, (double)nall / run->elapsed, -1);
    row(md, load_action_name[A_CONNECT], v[A_CONNECT], n[A_CONNECT], errors[A_CONNECT], -1, -1);
    printf("(%d of %d terminals connected, all in %.0f ms; %d process%s failed)\n", run->up, run->total, run->conn_ms,
           run->failed_children, run->failed_children == 1 ? "" : "es");
    totals(run, n, md);
    struct util_buf errs = {0};
    load_gather("errors", &errs);
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
        printf("error (%s): %s\n", a >= 0 ? load_action_name[a] : "?", msg + 1);
    }
    util_buf_free(&errs);
    for (int a = 0; a < A__COUNT; a++)
        free(v[a]);
    free(all);
}

/* ---- calibration ------------------------------------------------------------------ */

static void calibration_write(void);

static double cal_ns[A__COUNT];
static long cal_n[A__COUNT];
static int cal_pid;
static unsigned long long cal_ns0;

double load_start(void)
{
    if (cal_pid)
        cal_ns0 = load_run_ns(cal_pid);
    return load_now_ms();
}

void load_cpu_account(enum action a)
{
    if (!cal_pid || a == A_CONNECT || a == A_HEARD)
        return;
    cal_ns[a] += (double)(load_run_ns(cal_pid) - cal_ns0);
    cal_n[a]++;
}

/* One terminal alone: connect straight to the server (its process is
 * known then), warm up, and run rounds of calls with no think time. */
static void calibrate_one(bool supervisor, int rounds)
{
    struct db_conn *c = load_connect(supervisor ? load_opt.supervisor_role : load_opt.agent_role, 0, load_opt.direct);
    if (!c)
        return;
    char role[16];
    db_session_start(c, &load_staff_id, role, sizeof role);
    db_search_prepare(c);
    load_listen(c, supervisor);
    double far = load_now_ms() + 3600e3;
    load_measuring = false;
    if (supervisor)
        load_supervisor_round(c, 0, far);
    else
        load_agent_call(c, 0, 0, far);
    cal_pid = backend_pid(c);
    load_measuring = true;
    for (int i = 1; i <= rounds; i++) {
        if (supervisor)
            load_supervisor_round(c, 0, far);
        else
            load_agent_call(c, 0, i, far);
    }
    cal_pid = 0;
    load_measuring = false;
    db_free(c);
}

void load_calibrate(int rounds, FILE *md)
{
    struct load_opt keep = load_opt;
    char tag[64];
    util_format(tag, sizeof tag, "%s", load_world.run_tag);
    util_format(load_world.run_tag, sizeof load_world.run_tag, "%s-alone", tag);   /* not the run's rows */
    load_opt.think_ms = load_opt.poll_ms = 0;
    calibrate_one(false, rounds);
    calibrate_one(true, rounds / 4 + 1);
    load_opt = keep;
    util_format(load_world.run_tag, sizeof load_world.run_tag, "%s", tag);
    printf("\nThe database server's CPU per action, each alone on one connection straight to PostgreSQL (%d calls of"
           " one agent, %d rounds of one supervisor; the process's scheduler clock, /proc/PID/schedstat):\n",
           rounds, rounds / 4 + 1);
    if (md)
        fprintf(md, "\n**The server's CPU per action**, alone on one direct connection (%d agent calls):\n\n"
                "| action | n | CPU ms |\n| --- | ---: | ---: |\n", rounds);
    for (int a = 0; a < A__COUNT; a++) {
        if (!cal_n[a])
            continue;
        load_calibrated_cpu_ms[a] = cal_ns[a] / (double)cal_n[a] / 1e6;
        printf("  %-34s %5ld  %.3f ms\n", load_action_name[a], cal_n[a], load_calibrated_cpu_ms[a]);
        if (md)
            fprintf(md, "| %s | %ld | %.3f |\n", load_action_name[a], cal_n[a], load_calibrated_cpu_ms[a]);
    }
    calibration_write();
}

/* The figures of an earlier calibration, so a second run need not measure again. */
static void calibration_write(void)
{
    FILE *f = load_opt.calibration ? fopen(load_opt.calibration, "w") : NULL;
    for (int a = 0; f && a < A__COUNT; a++)
        fprintf(f, "%d %.6f\n", a, load_calibrated_cpu_ms[a]);
    if (f && fclose(f) != 0)
        fprintf(stderr, "load: could not write %s\n", load_opt.calibration);
}

void load_calibration_read(void)
{
    FILE *f = load_opt.calibration ? fopen(load_opt.calibration, "r") : NULL;
    char line[64];
    while (f && fgets(line, sizeof line, f)) {
        char *end;
        long a = strtol(line, &end, 10);
        double ms = strtod(end, NULL);
        if (end != line && a >= 0 && a < A__COUNT)
            load_calibrated_cpu_ms[a] = ms;
    }
    if (f)
        (void)fclose(f);   /* only read */
}
