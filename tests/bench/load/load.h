/* load.h — what the load driver's parts share (tests/bench/load.c and tests/bench/load/): the actions, the run's options, what the terminals work on, and each part's entry points. */
#ifndef CARELINE_BENCH_LOAD_H
#define CARELINE_BENCH_LOAD_H

#include <stdbool.h>
#include <stdio.h>

#include "careline/db.h"
#include "careline/util.h"

/* What a terminal does, each timed from the request to its answer. */
enum action {
    A_SEARCH_ACCOUNT, A_SEARCH_PHONE, A_SEARCH_POSTCODE, A_SEARCH_METER, A_SEARCH_NAME, A_SEARCH_MISSPELT,
    A_SEARCH_ADDRESS, A_OPEN, A_CONTACT, A_REPLAY, A_INTAKE, A_COMPLAINT, A_SCRIPT_FIT, A_SCRIPT_STEP,
    A_SCRIPT_CREDIT, A_CREDIT, A_FOLLOWUP_BOOK, A_FOLLOWUP_LIST, A_FOLLOWUP_DONE, A_EDIT,
    A_APPROVALS, A_DECIDE, A_QUEUE, A_REASSIGN, A_DASHBOARD, A_HEARD, A_CONNECT,
    A__COUNT
};
extern const char *const load_action_name[A__COUNT];
/* Actions an agent waits for (the "every agent action" row). */
bool load_agent_action(enum action a);

#define LOAD_HOT 10           /* customers whose e-mail many agents edit */

struct load_opt {
    int agents, supervisors, seconds, think_ms, replay_pct, edit_pct, poll_ms, calibrate, fanout, ramp_ms;
    const char *config;
    const char *agent_role, *supervisor_role;   /* a role, or a pattern with %d: one role per terminal */
    const char *label;
    const char *markdown;                       /* append the figures here as Markdown, or NULL */
    const char *pgbouncer_pid;                  /* PgBouncer's pid file: its CPU is measured too */
    const char *direct;                         /* conninfo straight to PostgreSQL, for the calibration */
    const char *calibration;                    /* -C: write the CPU per action here; else read it from here */
};
extern struct load_opt load_opt;

/* A customer to ask about, with what an agent would type for each search kind. */
struct load_customer {
    long long id;
    char account[16], phone[24], postcode[12], meter[24], name[96], misspelt[96], street[96];
};

/* What the parent found before the run; the children inherit it. */
struct load_world {
    struct load_customer *cust;
    int ncust;
    long long hot[LOAD_HOT];
    int version0[LOAD_HOT];
    char (*reassign)[37];     /* open complaints from before the run: only supervisors change them */
    int nreassign;
    long long *staff;         /* agents' staff ids, to assign to */
    int nstaff;
    int limit_pounds;         /* an agent's authority per credit */
    char run_tag[64];
    char dir[256];            /* the children's files */
};
extern struct load_world load_world;

/* The clock, a random stream per process, the exponential think time. */
double load_now_ms(void);
double load_now_real_ms(void);
void load_seed(unsigned long long seed);
double load_uniform(void);
int load_pick(int n);
void load_sleep_ms(double ms);

/* term.c and mix.c: one terminal in a child process. */
struct db_conn *load_connect(const char *role_pattern, int n, const char *base);
/* The time a request starts (and, calibrating, the server process's clock). */
double load_start(void);
void load_cpu_account(enum action a);
unsigned long long load_run_ns(int pid);
int load_child(int n, bool supervisor, int ready_fd, int go_fd);
/* Run this terminal's loop for ms (notifications are heard meanwhile). */
void load_idle(struct db_conn *c, double ms);
/* Wait until *done (a request's callback ran), at most 30 s. */
bool load_await(struct db_conn *c, const bool *done);
/* What every wait starts with: the callback ran, and how it went. A
 * version conflict is an answer (someone else's change won), not an error. */
struct load_waiter {
    bool done, ok, conflict;
    char err[300];
};
void load_failed(struct load_waiter *w, const char *err);
/* Wait for the answer and record its time (from t0); true when it succeeded. */
bool load_timed(struct db_conn *c, enum action a, struct load_waiter *w, double t0);
void load_on_versioned(void *ctx, bool conflict, const char *err);   /* ctx: a struct load_waiter */
void load_on_plain(void *ctx, const char *err);
int load_conf(void);
int load_search_limit(void);
void load_read_samples(double **v, size_t *n, long *errors);
void load_record(enum action a, double ms, bool ok);
void load_note_error(enum action a, const char *msg);
void load_write(const char *fmt, ...) __attribute__((format(printf, 1, 2)));   /* a line for the final check */
void load_agent_call(struct db_conn *c, int n, int seq, double deadline);
void load_supervisor_round(struct db_conn *c, int n, double deadline);
void load_listen(struct db_conn *c, bool supervisor);
extern long long load_staff_id;   /* this terminal's staff id */
extern bool load_measuring;

/* check.c: after the run, against the database. Returns the problems found. */
int load_check(struct db_conn *admin, long long deadlocks0, FILE *md);
void load_gather(const char *suffix, struct util_buf *out);
void load_child_path(char *path, size_t len, bool supervisor, int n, const char *suffix);
long long load_number(struct db_conn *c, const char *sql, int n, const char *const *p);

/* stats.c: CPU of the server, the pooler and the driver; the tables. */
struct load_cpu {
    double server_s, pooler_s, machine_busy_s, machine_s;
    double wal_bytes, blks_read, blks_hit;   /* the server's counters (pg_stat_wal, pg_stat_database) */
};
void load_cpu_read(struct db_conn *c, struct load_cpu *out);
struct load_run {
    FILE *md;
    int total, up, failed_children;
    double conn_ms, elapsed, driver_s;
    struct load_cpu before, after;
};
void load_report(const struct load_run *run, FILE *md);
/* Calibration: each action alone on one direct connection, the server
 * process's CPU per action from /proc. Prints and appends the table. */
void load_calibrate(int rounds, FILE *md);
void load_calibration_read(void);   /* from load_opt.calibration, when there */
/* fanout.c: the memory of the run's server processes; the CPU of
 * notifications with N idle listening sessions. */
void load_memory(struct db_conn *admin, FILE *md);
void load_fanout(int listeners, FILE *md);
extern double load_calibrated_cpu_ms[A__COUNT];   /* 0: not calibrated */

#endif
