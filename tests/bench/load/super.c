/* super.c — a supervisor's round in the load driver (the approvals queue: decide the oldest credits; the complaints queue: reassign one), and what every terminal LISTENs to, as the screens do: agents hear the decisions on their credits. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "careline/figures.h"
#include "careline/period.h"
#include "careline/queue.h"
#include "careline/sla.h"
#include "careline/recovery.h"
#include "load.h"

/* ---- the approvals queue ------------------------------------------------------- */

#define DECIDE_AT_ONCE 3

struct pending_credit {
    char id[37];
    int version;
    bool may_approve, may_reject;
};

struct approvals_wait {
    struct load_waiter w;
    struct pending_credit c[DECIDE_AT_ONCE];
    int n;
};

static void on_approvals(void *ctx, struct db_rows *rows, const char *err)
{
    struct approvals_wait *aw = ctx;
    if (err) {
        load_failed(&aw->w, err);
        return;
    }
    /* The oldest first, as the screen lists them; supervisors start at
     * different places so they do not all race for the first row. */
    int skip = rows->n > DECIDE_AT_ONCE ? load_pick(rows->n / 2 + 1) : 0;
    for (int i = skip; i < rows->n && aw->n < DECIDE_AT_ONCE; i++) {
        const struct db_approval *a = DB_ROW(rows, struct db_approval, i);
        if (a->mine || (!a->may_approve && !a->may_reject))
            continue;
        struct pending_credit *p = &aw->c[aw->n++];
        util_format(p->id, sizeof p->id, "%s", a->id);
        p->version = a->version;
        p->may_approve = a->may_approve;
        p->may_reject = a->may_reject;
    }
    aw->w.done = aw->w.ok = true;
}

static void decide(struct db_conn *c, const struct pending_credit *p)
{
    bool approve = p->may_approve && (!p->may_reject || load_uniform() < .8);
    struct load_waiter w = {0};
    double t0 = load_start();
    db_credit_decide(c, p->id, p->version, approve, "Decided in the load run", load_on_versioned, &w);
    if (load_timed(c, A_DECIDE, &w, t0))
        load_write("decide ok %s %s", p->id, approve ? "approved" : "rejected");
    else if (w.conflict)
        load_write("decide conflict %s", p->id);   /* another supervisor decided first */
}

/* ---- the complaints queue -------------------------------------------------------- */

struct queue_wait {
    struct load_waiter w;
    int version;
    long long owner;
    bool found;
};

static void on_queue(void *ctx, struct db_queue *q)
{
    struct queue_wait *qw = ctx;
    if (q->error)
        load_failed(&qw->w, q->error);
    else
        qw->w.done = qw->w.ok = true;
    db_queue_free(q);
}

static void on_refresh(void *ctx, struct db_rows *rows, const char *err)
{
    struct queue_wait *qw = ctx;
    if (err) {
        load_failed(&qw->w, err);
        return;
    }
    qw->found = rows->n == 1;
    qw->version = qw->found ? DB_ROW(rows, struct db_queue_row, 0)->version : 0;
    qw->owner = qw->found ? DB_ROW(rows, struct db_queue_row, 0)->owner_id : 0;
    qw->w.done = qw->w.ok = true;
}

/* The list, then one complaint of those from before the run (agents never
 * change them) as it is now, reassigned to an agent. */
static void reassign(struct db_conn *c)
{
    struct db_queue_filter f = {.team = "*"};
    struct queue_wait qw = {{0}, 0, 0, false};
    double t0 = load_start();
    db_queue_load(c, &f, 50, false, on_queue, &qw);
    if (!load_timed(c, A_QUEUE, &qw.w, t0) || !load_world.nreassign)
        return;
    const char *id = load_world.reassign[load_pick(load_world.nreassign)];
    struct queue_wait rw = {{0}, 0, 0, false};
    t0 = load_start();
    db_queue_refresh(c, &f, &id, 1, on_refresh, &rw);
    if (!load_timed(c, A_QUEUE, &rw.w, t0) || !rw.found)
        return;
    /* Someone else than who has it now: nobody reassigns to the same person. */
    long long owner = 0;
    for (int tries = 0; tries < 4 && load_world.nstaff && (!owner || owner == rw.owner); tries++)
        owner = load_world.staff[load_pick(load_world.nstaff)];
    if (owner == rw.owner)
        owner = 0;   /* to the team instead */
    struct load_waiter w = {0};
    t0 = load_start();
    db_queue_assign(c, id, rw.version, owner, owner ? NULL : "bench", load_on_versioned, &w);
    if (load_timed(c, A_REASSIGN, &w, t0))
        load_write("assign ok %s %d %lld", id, rw.version, owner);
    else if (w.conflict)
        load_write("assign conflict %s", id);
}

static void on_figures(void *ctx, struct db_figures *f, const char *err)
{
    struct load_waiter *w = ctx;
    if (err) {
        load_failed(w, err);
        return;
    }
    (void)f;   /* freed by the caller when this returns */
    w->done = w->ok = true;
}

/* What an open dashboard does when it hears that something it counts
 * changed: the month to date again, the connections reused. */
static void dashboard(struct db_conn *c)
{
    struct db_period p = db_period_of(DB_PERIOD_MONTH, sla_local_day(time(NULL), NULL));
    struct load_waiter w = {0};
    double t0 = load_start();
    db_figures_load(c, &p, NULL, false, 0, on_figures, &w);
    load_timed(c, A_DASHBOARD, &w, t0);
}

void load_supervisor_round(struct db_conn *c, int n, double deadline)
{
    (void)n;
    struct approvals_wait aw = {{0}, {{"", 0, false, false}}, 0};
    double t0 = load_start();
    db_approvals_load(c, on_approvals, &aw);
    if (load_timed(c, A_APPROVALS, &aw.w, t0))
        for (int i = 0; i < aw.n && load_now_ms() < deadline; i++)
            decide(c, &aw.c[i]);
    if (load_now_ms() < deadline)
        reassign(c);
    if (load_now_ms() < deadline)
        dashboard(c);
    double left = deadline - load_now_ms();
    double ms = load_opt.poll_ms * (0.5 + load_uniform());
    load_idle(c, ms < left ? ms : left > 0 ? left : 0);
}

/* ---- what terminals hear ------------------------------------------------------------ */

/* "credit_id": "..." of a careline_approval payload (004_rules.sql). */
static bool field(const char *payload, const char *name, char *out, size_t len)
{
    char key[40];
    util_format(key, sizeof key, "\"%s\"", name);
    const char *p = strstr(payload, key);
    if (!p || !(p = strchr(p + strlen(key), ':')))
        return false;
    p++;
    while (*p == ' ' || *p == '"')
        p++;
    size_t n = strcspn(p, "\",} ");
    if (!n || n >= len)
        return false;
    memcpy(out, p, n);
    out[n] = '\0';
    return true;
}

/* The agent who asked hears the decision (the screens show a notice):
 * when it was heard, for the check to set against when it was decided. */
static void on_approval(void *ctx, const char *channel, const char *payload)
{
    (void)ctx, (void)channel;
    char id[40], status[16], who[24];
    if (!field(payload, "credit_id", id, sizeof id) || !field(payload, "status", status, sizeof status) ||
        !field(payload, "requested_by", who, sizeof who))
        return;
    if (strtoll(who, NULL, 10) == load_staff_id && (strcmp(status, "approved") == 0 || strcmp(status, "rejected") == 0))
        load_write("heard %s %.1f", id, load_now_real_ms());
}

static void on_any(void *ctx, const char *channel, const char *payload)
{
    (void)ctx, (void)channel, (void)payload;
}

void load_listen(struct db_conn *c, bool supervisor)
{
    /* What app_session_start listens to. */
    db_listen(c, "careline_approval", supervisor ? on_any : on_approval, NULL);
    db_listen(c, "careline_event", on_any, NULL);
    db_listen(c, "careline_queue", on_any, NULL);
}
