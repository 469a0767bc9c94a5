/* mix.c — an agent's call in the load driver, through the same db/ calls the screens make: search (every kind), open the customer, then log a contact with a survey, take a complaint and run its recovery script (credits, some above the agent's authority; follow-ups), offer a credit, or record a follow-up that is due; now and then an e-mail edited under a version check. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "careline/complaint.h"
#include "careline/contact.h"
#include "careline/customer.h"
#include "careline/recovery.h"
#include "careline/script.h"
#include "careline/search.h"
#include "load.h"

static void think(struct db_conn *c, double deadline, double scale)
{
    double ms = -log1p(-load_uniform()) * load_opt.think_ms * scale;
    double left = deadline - load_now_ms();
    load_idle(c, ms < left ? ms : left > 0 ? left : 0);
}

/* ---- search and open ------------------------------------------------------ */

static void on_search(void *ctx, struct db_search_result *r)
{
    struct load_waiter *w = ctx;
    if (r->error)
        load_failed(w, r->error);
    else
        w->done = w->ok = true;
    db_search_result_free(r);
    free(r);
}

static void search(struct db_conn *c, const struct load_customer *cu)
{
    static const struct {
        enum action a;
        double share;
    } kinds[] = {{A_SEARCH_ACCOUNT, .25}, {A_SEARCH_PHONE, .15}, {A_SEARCH_POSTCODE, .10}, {A_SEARCH_METER, .05},
                 {A_SEARCH_NAME, .20},    {A_SEARCH_MISSPELT, .15}, {A_SEARCH_ADDRESS, .10}};
    double r = load_uniform();
    size_t k = 0;
    while (k + 1 < sizeof kinds / sizeof kinds[0] && (r -= kinds[k].share) > 0)
        k++;
    const char *text[] = {cu->account, cu->phone, cu->postcode, cu->meter, cu->name, cu->misspelt, cu->street};
    struct load_waiter w = {0};
    double t0 = load_start();
    db_search_start(c, text[k], load_search_limit(), 0, on_search, &w);
    load_timed(c, kinds[k].a, &w, t0);
}

struct view_wait {
    struct load_waiter w;
};

static void on_view(void *ctx, struct db_customer_view *v)
{
    struct view_wait *vw = ctx;
    if (v->error)
        load_failed(&vw->w, v->error);
    else
        vw->w.done = vw->w.ok = true;
    db_customer_view_free(v);
    free(v);
}

static void open_customer(struct db_conn *c, const struct load_customer *cu)
{
    struct view_wait vw = {{0}};
    double t0 = load_start();
    db_customer_open(c, cu->id, on_view, &vw);
    load_timed(c, A_OPEN, &vw.w, t0);
}

/* ---- writes through the outbox ---------------------------------------------- */

struct write_wait {
    struct load_waiter w;
    char answer[64];
};

static void on_written(void *ctx, const char *answer, const char *err)
{
    struct write_wait *ww = ctx;
    if (err) {
        load_failed(&ww->w, err);
        return;
    }
    util_format(ww->answer, sizeof ww->answer, "%s", answer ? answer : "");
    ww->w.done = ww->w.ok = true;
}

static void on_waiting(void *ctx)
{
    (void)ctx;   /* the connection was lost: the outbox sends it again when it is back */
}

static struct db_outbox_reply reply_to(struct write_wait *ww)
{
    return (struct db_outbox_reply){.done = on_written, .waiting = on_waiting, .ctx = ww};
}

/* The contact that ends every call, with the short survey most of the time. */
static void contact(struct db_conn *c, struct db_contact_draft *d, int n, int seq)
{
    char summary[160];
    util_format(summary, sizeof summary, "%s agent %d call %d: asked about the bill", load_world.run_tag, n, seq);
    d->summary = summary;
    double r = load_uniform();
    d->csat = r < .6 ? 1 + load_pick(5) : 0;
    d->nps = r < .6 ? load_pick(11) : -1;
    d->survey_declined = r >= .6 && r < .7;
    const char *survey = r < .7 ? "survey" : "nosurvey";
    for (int attempt = 0; attempt < 2; attempt++) {
        struct write_wait ww = {{0}, ""};
        struct db_outbox_reply rep = reply_to(&ww);
        char err[256];
        double t0 = load_start();
        db_contact_save(c, NULL, d, &rep, err, sizeof err);
        if (load_timed(c, A_CONTACT, &ww.w, t0)) {
            load_write("contact ok %s %s", d->id, survey);
            break;
        }
        /* What the screen does after a failure: the same draft again. */
        load_write("contact %s %s %s", attempt ? "failed" : "retried", d->id, survey);
    }
    if (load_uniform() * 100 < load_opt.replay_pct) {
        struct write_wait ww = {{0}, ""};
        struct db_outbox_reply rep = reply_to(&ww);
        char err[256];
        double t0 = load_start();
        db_contact_save(c, NULL, d, &rep, err, sizeof err);
        load_timed(c, A_REPLAY, &ww.w, t0);
        load_write("contact replay %s", d->id);
    }
}

/* A credit within the agent's authority, or (three times in ten) above it. */
static void amount_for(char *buf, size_t len, long long suggested_pence)
{
    if (load_uniform() < .3)
        util_format(buf, len, "%d.00", load_world.limit_pounds + 10 + load_pick(40));
    else if (suggested_pence > 0 && suggested_pence <= load_world.limit_pounds * 100LL)
        util_format(buf, len, "%lld.%02lld", suggested_pence / 100, suggested_pence % 100);
    else
        util_format(buf, len, "%d.50", 5 + load_pick(load_world.limit_pounds > 10 ? load_world.limit_pounds - 10 : 1));
}

static void offer_credit(struct db_conn *c, const struct load_customer *cu)
{
    char id[37], amount[24];
    util_uuid(id);
    amount_for(amount, sizeof amount, 0);
    struct db_credit_draft d = {.id = id, .customer_id = cu->id, .amount = amount, .reason = load_world.run_tag};
    struct write_wait ww = {{0}, ""};
    struct db_outbox_reply rep = reply_to(&ww);
    char err[256];
    double t0 = load_start();
    db_credit_offer(c, NULL, &d, &rep, err, sizeof err);
    load_write("credit %s %s %s", load_timed(c, A_CREDIT, &ww.w, t0) ? "ok" : "failed", id, ww.answer);
}

/* ---- a complaint and its recovery script ----------------------------------------- */

struct intake_wait {
    struct load_waiter w;
    long long category, premise;
    char event[37];
};

static void on_intake(void *ctx, struct db_intake *in)
{
    struct intake_wait *iw = ctx;
    if (in->error) {
        load_failed(&iw->w, in->error);
        db_intake_free(in);
        return;
    }
    /* Any category: every one has a recovery script (general.conf fits all). */
    if (in->categories.n) {
        const struct db_intake_category *cat =
            DB_ROW(&in->categories, struct db_intake_category, load_pick(in->categories.n));
        iw->category = cat->id;
        util_format(iw->event, sizeof iw->event, "%s", cat->event_id);
    }
    if (in->customer.n)
        iw->premise = DB_ROW(&in->customer, struct db_intake_customer, 0)->premise_id;
    iw->w.done = iw->w.ok = iw->category != 0;
    if (!iw->category)
        load_failed(&iw->w, "the intake form offered no category");
    db_intake_free(in);
}

static void on_deadlines(void *ctx, struct db_deadlines *d)
{
    struct load_waiter *w = ctx;
    if (d->error)
        load_failed(w, d->error);
    else
        w->done = w->ok = true;
    db_deadlines_free(d);
}

/* The intake form: its load, the deadlines of the category chosen, the save.
 * Returns the complaint's id in id, "" when it was not saved. */
static void take_complaint(struct db_conn *c, const struct load_customer *cu, char id[37], double deadline)
{
    id[0] = '\0';
    struct intake_wait iw = {{0}, 0, 0, ""};
    double t0 = load_start();
    db_intake_load(c, cu->id, on_intake, &iw);
    if (!load_timed(c, A_INTAKE, &iw.w, t0))
        return;
    struct load_waiter dw = {0};
    t0 = load_start();
    db_deadlines_load(c, cu->id, iw.category, on_deadlines, &dw);
    load_timed(c, A_INTAKE, &dw, t0);
    think(c, deadline, 1);   /* typing the description */
    char key[37], cust[24], prem[24], cat[24], desc[160];
    util_uuid(key);
    util_format(cust, sizeof cust, "%lld", cu->id);
    util_format(prem, sizeof prem, "%lld", iw.premise);
    util_format(cat, sizeof cat, "%lld", iw.category);
    util_format(desc, sizeof desc, "%s: the water has been brown since this morning", load_world.run_tag);
    const struct journal_field f[] = {
        {"customer_id", cust}, {"premise_id", prem},     {"category_id", cat},  {"event_id", iw.event},
        {"channel", "phone"},  {"severity", "medium"},   {"preference", "phone"}, {"callback", "no"},
        {"description", desc},
    };
    struct db_outbox_write wr = {&db_complaint_outbox, key, f, (int)(sizeof f / sizeof f[0]), NULL};
    struct write_wait ww = {{0}, ""};
    struct db_outbox_reply rep = reply_to(&ww);
    char err[256];
    t0 = load_start();
    db_outbox_send(c, &wr, &rep, err, sizeof err);
    bool ok = load_timed(c, A_COMPLAINT, &ww.w, t0);
    load_write("complaint %s %s %s", ok ? "ok" : "failed", key, ww.answer);
    if (ok)
        util_format(id, 37, "%s", key);
}

struct fit_wait {
    struct load_waiter w;
    struct db_script_fit *fit;
};

static void on_fit(void *ctx, struct db_script_fit *f)
{
    struct fit_wait *fw = ctx;
    if (f->error || !f->found) {
        load_failed(&fw->w, f->error ? f->error : "no script fits the complaint");
        db_script_fit_free(f);
        return;
    }
    fw->fit = f;
    fw->w.done = fw->w.ok = true;
}

struct credit_wait {
    struct load_waiter w;
    char status[16];
};

static void on_script_credit(void *ctx, const char *status, const char *err)
{
    struct credit_wait *cw = ctx;
    if (err) {
        load_failed(&cw->w, err);
        return;
    }
    util_format(cw->status, sizeof cw->status, "%s", status);
    cw->w.done = cw->w.ok = true;
}

/* An action step: the credit or the follow-up it asks for, before its answer. */
static void act(struct db_conn *c, const struct db_script_fit *fit, const char *run_id, const struct script_step *st)
{
    if (st->action == SCRIPT_ACT_GOODWILL_CREDIT) {
        char amount[24];
        amount_for(amount, sizeof amount, st->amount_pence);
        struct credit_wait cw = {{0}, ""};
        double t0 = load_start();
        db_script_credit(c, run_id, st->id, amount, on_script_credit, &cw);
        bool ok = load_timed(c, A_SCRIPT_CREDIT, &cw.w, t0);
        load_write("scredit %s %s %d %s", ok ? "ok" : "failed", run_id, st->id, cw.status);
    } else if (st->action == SCRIPT_ACT_FOLLOW_UP) {
        char id[37];
        util_uuid(id);
        char *what = script_expand(st->text, &fit->vars);
        struct load_waiter w = {0};
        double t0 = load_start();
        db_follow_up_add(c, id, fit->complaint_id, st->days > 0 ? st->days : 7,
                         script_channel(st, fit->vars.v[SV_PREFERRED_CHANNEL], fit->sit.non_digital), what,
                         load_on_plain, &w);
        free(what);
        load_write("followup %s %s", load_timed(c, A_FOLLOWUP_BOOK, &w, t0) ? "ok" : "failed", id);
    }
}

/* The script that fits the complaint, walked to its end as the runner
 * screen walks it: every answer recorded, a step's credit made first. */
static void run_script(struct db_conn *c, const char *complaint_id, double deadline)
{
    struct fit_wait fw = {{0}, NULL};
    double t0 = load_start();
    db_script_for_complaint(c, complaint_id, on_fit, &fw);
    if (!load_timed(c, A_SCRIPT_FIT, &fw.w, t0))
        return;
    struct db_script_fit *fit = fw.fit;
    char run_id[37];
    util_uuid(run_id);
    struct load_waiter w = {0};
    t0 = load_start();
    db_script_run_start(c, run_id, complaint_id, fit->script.id, load_on_plain, &w);
    bool started = load_timed(c, A_SCRIPT_STEP, &w, t0);
    load_write("run %s %s", started ? "ok" : "failed", run_id);
    struct script_run run;
    script_run_start(&run, &fit->script, &fit->sit);
    for (int steps = 0; started && !script_run_finished(&run) && steps < 40; steps++) {
        const struct script_step *st = script_run_step(&run);
        think(c, deadline, 0.3);   /* reading the step to the customer */
        act(c, fit, run_id, st);
        int index = run.current;
        const char *value = st->noptions ? st->options[load_pick(st->noptions)].value : st->free_text ? "yes" : NULL;
        if (script_run_answer(&run, value) != SCRIPT_OK)
            break;
        const struct script_given *g = script_run_given(&run, index);
        struct load_waiter aw = {0};
        t0 = load_start();
        db_script_answer(c, run_id, fit->script.steps[index].id, g ? g->answer : NULL, g ? g->skipped : NULL,
                         load_on_plain, &aw);
        load_write("answer %s %s %d", load_timed(c, A_SCRIPT_STEP, &aw, t0) ? "ok" : "failed", run_id,
                   fit->script.steps[index].id);
    }
    if (started && script_run_finished(&run)) {
        struct load_waiter fin = {0};
        t0 = load_start();
        db_script_run_finish(c, run_id, "completed", load_on_plain, &fin);
        load_write("finish %s %s", load_timed(c, A_SCRIPT_STEP, &fin, t0) ? "ok" : "failed", run_id);
    }
    script_run_free(&run);
    db_script_fit_free(fit);
}

/* ---- follow-ups due ------------------------------------------------------------- */

struct due_wait {
    struct load_waiter w;
    char id[37];
    int version;
};

static void on_due(void *ctx, struct db_rows *rows, const char *err)
{
    struct due_wait *dw = ctx;
    if (err) {
        load_failed(&dw->w, err);
        return;
    }
    if (rows->n) {
        const struct db_follow_up *f = DB_ROW(rows, struct db_follow_up, load_pick(rows->n));
        util_format(dw->id, sizeof dw->id, "%s", f->id);
        dw->version = f->version;
    }
    dw->w.done = dw->w.ok = true;
}

/* Another agent may record the same one meanwhile: the version decides. */
static void record_follow_up(struct db_conn *c, double deadline)
{
    struct due_wait dw = {{0}, "", 0};
    double t0 = load_start();
    db_follow_ups_due(c, false, true, on_due, &dw);
    if (!load_timed(c, A_FOLLOWUP_LIST, &dw.w, t0) || !dw.id[0])
        return;
    think(c, deadline, 1);
    struct load_waiter w = {0};
    t0 = load_start();
    db_follow_up_complete(c, dw.id, dw.version, true, "Confirmed on the call", load_on_versioned, &w);
    bool ok = load_timed(c, A_FOLLOWUP_DONE, &w, t0);
    if (ok)
        load_write("fdone ok %s %d", dw.id, dw.version);
    else if (w.conflict)
        load_write("fdone conflict %s", dw.id);
}

/* ---- the e-mail edit (Careline has no edit function yet: the statement 004_rules.sql prescribes) --- */

static void edit_email(struct db_conn *c, int n, int seq, double deadline)
{
    long long id = load_world.hot[load_pick(LOAD_HOT)];
    char ids[24], email[160];
    util_format(ids, sizeof ids, "%lld", id);
    if (util_format_fits(email, sizeof email, "load.%d.%d@%s.example", n, seq, load_world.run_tag) < 0)
        return;
    double t0 = load_start();
    const char *p1[1] = {ids};
    PGresult *r = db_exec(c, "SELECT version FROM customer WHERE id = $1", 1, p1);
    bool ok = r && PQntuples(r) == 1;
    double read_ms = load_now_ms() - t0;
    if (ok) {
        think(c, deadline, 1);   /* the form is open while the agent types */
        t0 = load_now_ms() - read_ms;
        const char *p3[3] = {ids, email, PQgetvalue(r, 0, 0)};
        PGresult *u = db_exec(c, "UPDATE customer SET email = $2 WHERE id = $1 AND version = $3::integer RETURNING version",
                              3, p3);
        ok = u != NULL;
        if (u && PQntuples(u) == 1)
            load_write("edit ok %lld %s %s", id, PQgetvalue(u, 0, 0), email);
        else if (u)
            load_write("edit conflict %lld", id);
        PQclear(u);
    }
    PQclear(r);
    load_record(A_EDIT, load_now_ms() - t0, ok);
    if (!ok)
        load_note_error(A_EDIT, db_error(c));
}

/* ---- one call ------------------------------------------------------------------- */

void load_agent_call(struct db_conn *c, int n, int seq, double deadline)
{
    const struct load_customer *cu = &load_world.cust[load_pick(load_world.ncust)];
    struct db_contact_draft d;
    db_contact_draft_init(&d, cu->id);   /* the call begins */
    search(c, cu);
    think(c, deadline, 1);
    if (load_now_ms() >= deadline)
        return;
    open_customer(c, cu);
    think(c, deadline, 1);
    if (load_now_ms() >= deadline)
        return;
    double r = load_uniform();
    if (r < .25) {
        char complaint[37];
        take_complaint(c, cu, complaint, deadline);
        if (complaint[0] && load_uniform() < .6)
            run_script(c, complaint, deadline);
    } else if (r < .35) {
        offer_credit(c, cu);
    } else if (r < .42) {
        record_follow_up(c, deadline);
    }
    contact(c, &d, n, seq);
    if (load_uniform() * 100 < load_opt.edit_pct && load_now_ms() < deadline)
        edit_email(c, n, seq, deadline);
    think(c, deadline, 1);
}
