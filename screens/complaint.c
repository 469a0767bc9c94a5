/* complaint.c — one complaint: deadlines and time left, the history timeline, and the lifecycle actions the agent's role allows. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careline/app.h"
#include "careline/complaint.h"
#include "careline/followups.h"
#include "careline/keymap.h"
#include "careline/lifecycle.h"
#include "careline/prompt.h"
#include "careline/recovery.h"
#include "careline/region.h"
#include "careline/screens.h"
#include "careline/sla.h"
#include "careline/textview.h"
#include "careline/tui.h"
#include "careline/util.h"

/* A change the database refused (or is still saving): kept, with what the
 * agent typed, until it is saved or replaced, so nothing typed is lost. */
struct attempt {
    bool active;                 /* refused: the status line offers it again */
    bool conflict;               /* stale version: apply again as it is */
    enum tui_action act;         /* the key that made it */
    char *text;                  /* what was typed (reason, resolution, note, amount, reference) */
    int choice;                  /* the list choice in the dialog, -1 without */
};

struct complaint {
    char id[37];
    char amount_label[32];   /* "Amount (GBP)": the credit dialog's label, in the region's currency */
    struct db_complaint_detail *d;
    /* The complaint as it was when the last change was sent: a reload may
     * arrive meanwhile (the dialog closing), and a refusal as stale is
     * explained against what the agent saw, not against the reload. */
    struct db_complaint_detail *seen;
    char *error;                 /* the complaint could not be loaded */
    char *notice;                /* what became of the last change (a conflict, a refusal): shown in full */
    struct tui_list history;
    bool busy;
    bool diff_pending;           /* a conflict: say what changed once the complaint is loaded again */
    struct attempt last;
    char note_id[37];            /* one id per note typed: a retry adds it once */
    char credit_id[37], follow_up_id[37];
    struct scr_followup_doing fu;
};

static void attempt_clear(struct attempt *t)
{
    free(t->text);
    memset(t, 0, sizeof *t);
    t->choice = -1;
}

/* Remember what is being tried before it goes to the database. */
static void attempt_start(struct complaint *c, enum tui_action act, int choice, const char *text)
{
    char *copy = util_strdup(text ? text : "");
    attempt_clear(&c->last);
    c->last.act = act;
    c->last.choice = choice;
    c->last.text = copy;
}

static void set_notice(struct complaint *c, char *text);
static char *attempt_words(const struct complaint *c);

static void loaded(void *ctx, struct db_complaint_detail *d)
{
    struct complaint *c = ctx;
    free(c->error);
    c->error = d->error ? util_strdup(d->error) : NULL;
    if (d->error || !d->k) {
        if (!d->error)
            c->error = util_strdup("This complaint no longer exists.");
        db_complaint_detail_free(d);
        tui_invalidate();
        return;
    }
    const struct db_complaint_detail *base = c->seen ? c->seen : c->d;
    if (c->diff_pending && base) {
        /* Who changed what since the agent looked, from the two loads. */
        c->diff_pending = false;
        char *changes = db_complaint_changes(base, d);
        char *mine = attempt_words(c);
        char keys[32];
        tui_keymap_keys_for("complaint", TUI_ACT_RETRY, keys, sizeof keys);
        set_notice(c, util_asprintf("Not saved: someone else changed this complaint after you opened it.\n%s%s"
                                    "Your change is kept: %s. %s applies it to the complaint as it is now.",
                                    *changes ? changes : "", *changes ? "\n" : "", mine, keys));
        free(mine);
        free(changes);
    }
    struct db_complaint_detail *old = c->d;
    c->d = d;
    if (old && old != c->seen)
        db_complaint_detail_free(old);
    if (c->seen && !c->busy && !c->diff_pending) {
        /* Nothing in flight: the snapshot has served. */
        db_complaint_detail_free(c->seen);
        c->seen = NULL;
    }
    tui_list_set_count(&c->history, d->history.n);
    tui_invalidate();
}

static void reload(struct complaint *c)
{
    db_complaint_load(app_db(), c->id, false, loaded, c);
}

/* Back from the recovery script (or anything else opened over it): the
 * run, its credit and follow-up are in the history now. */
static void complaint_resume(void *st)
{
    reload(st);
}

static void *complaint_open(void *arg)
{
    const char *id = arg;
    if (!id || strlen(id) != 36)
        return NULL;
    struct complaint *c = util_calloc(1, sizeof *c);
    memcpy(c->id, id, sizeof c->id);   /* 36 characters and the end, checked above */
    attempt_clear(&c->last);
    tui_list_set_count(&c->history, 0);
    db_complaint_load(app_db(), c->id, true, loaded, c);
    return c;
}

static void complaint_close(void *st)
{
    struct complaint *c = st;
    db_forget_owner(app_db(), c);
    if (c->seen != c->d)
        db_complaint_detail_free(c->seen);
    db_complaint_detail_free(c->d);
    free(c->error);
    free(c->notice);
    attempt_clear(&c->last);
    free(c);
}

static void set_notice(struct complaint *c, char *text)
{
    free(c->notice);
    c->notice = text;
}

/* The refused change in words: "wait on the customer: \"Photos of the meter\"". */
static char *attempt_words(const struct complaint *c)
{
    const char *what;
    switch (c->last.act) {
    case TUI_ACT_ACKNOWLEDGE: what = "acknowledge"; break;
    case TUI_ACT_INVESTIGATE: what = "investigate"; break;
    case TUI_ACT_WAIT_CUSTOMER: what = "wait on the customer"; break;
    case TUI_ACT_RESOLVE: what = "resolve"; break;
    case TUI_ACT_CLOSE_COMPLAINT: what = "close"; break;
    case TUI_ACT_REOPEN: what = "reopen"; break;
    case TUI_ACT_MERGE: what = "merge into"; break;
    case TUI_ACT_NOTE: what = "note"; break;
    case TUI_ACT_CREDIT: what = "goodwill credit of"; break;
    case TUI_ACT_FOLLOW_UP: what = "follow-up to confirm"; break;
    default: what = "change"; break;
    }
    const char *t = c->last.text ? c->last.text : "";
    return *t ? util_asprintf("%s \"%s\"", what, t) : util_strdup(what);
}

/* What is left of a deadline: met, not set (none), or seconds to go. */
static void left(int64_t secs, bool none, const char *met, char *buf, size_t len)
{
    if (*met) {
        util_format(buf, len, "met %s", met);
        return;
    }
    if (none) {
        util_format(buf, len, "-");
        return;
    }
    long long s = (long long)secs;
    char span[32];
    sla_span_text(s, span, sizeof span);
    util_format(buf, len, s < 0 ? "OVERDUE by %s" : "%s left", span);
}

static const char *history_cell(void *ctx, int row, int col, enum tui_role *role)
{
    struct complaint *c = ctx;
    if (row < 0 || row >= c->d->history.n)
        return "";
    const struct db_complaint_history *h = DB_ROW(&c->d->history, const struct db_complaint_history, row);
    static char buf[200];
    switch (col) {
    case 0: return h->at;
    case 1: return h->who;
    case 2:
        if (*h->to_status) {
            util_format(buf, sizeof buf, "%s%s%s", h->from_status, *h->from_status ? " > " : "", h->to_status);
            return buf;
        }
        *role = TUI_ROLE_DIM;
        return h->kind;
    case 3: return h->note;
    }
    return NULL;
}

/* Each deadline separately, with what is left of it. */
static int draw_deadlines(const struct complaint *c, int y, struct tui_rect b)
{
    const struct db_complaint *k = c->d->k;
    char line[600], l1[64], l2[64], l3[64];
    left(k->ack_left, k->ack_left_null, k->ack_at, l1, sizeof l1);
    left(k->resp_left, k->resp_left_null, k->resp_at, l2, sizeof l2);
    left(k->res_left, k->res_left_null, k->res_at, l3, sizeof l3);
    bool paused = c->d->status == DB_LC_WAITING;
    /* The state, not the words, decides the colour. */
    const struct {
        const char *label, *due, *state;
        enum db_deadline_state st;
    } rows[] = {
        {"Acknowledge", k->ack_due, l1, db_deadline_state_of(*k->ack_at, k->ack_left_null ? 0 : k->ack_left)},
        {"First reply", k->resp_due, l2, db_deadline_state_of(*k->resp_at, k->resp_left_null ? 0 : k->resp_left)},
        {"Resolve", k->res_due, l3, db_deadline_state_of(*k->res_at, k->res_left_null ? 0 : k->res_left)},
    };
    for (int i = 0; i < 3 && y < b.y + b.h; i++) {
        util_format(line, sizeof line, "%-12s due %-20s %s%s", rows[i].label, rows[i].due, rows[i].state,
                    paused && rows[i].st != DB_DEADLINE_MET ? " (clock paused)" : "");
        tui_put(y++, b.x + 1, b.w - 1, rows[i].st == DB_DEADLINE_OVERDUE ? TUI_ROLE_WARN : TUI_ROLE_NORMAL, line);
    }
    return y;
}

static void complaint_draw(void *st, struct tui_rect b)
{
    struct complaint *c = st;
    if (b.h < 2 || b.w < 10)
        return;
    if (!c->d) {
        tui_put(b.y, b.x + 1, b.w - 1, c->error ? TUI_ROLE_ERROR : TUI_ROLE_DIM, c->error ? c->error : "Opening...");
        return;
    }
    const struct db_complaint *k = c->d->k;
    char line[600];
    int y = b.y;
    util_format(line, sizeof line, "%s  %s", k->reference, k->category);
    y = tui_put_lines(y, b, 2, TUI_ROLE_TITLE, line);
    util_format(line, sizeof line, "%s (Acct %s)  Status: %s%s%s  Severity: %s  Owner: %s", k->customer,
                k->account_no, k->status, *k->status_reason ? " - " : "",
                k->status_reason, k->severity, k->owner);
    y = tui_put_lines(y, b, 2, TUI_ROLE_NORMAL, line);
    if (*k->merged_into) {
        util_format(line, sizeof line, "Merged into %s: work on that one.", k->merged_into);
        tui_put(y++, b.x + 1, b.w - 1, TUI_ROLE_WARN, line);
    }
    if (*k->event) {
        util_format(line, sizeof line, "Linked to the event: %s", k->event);
        y = tui_put_lines(y, b, 2, TUI_ROLE_BANNER, line);
    }
    y = draw_deadlines(c, y, b);
    util_format(line, sizeof line, "Root cause: %s   Resolution: %s", *k->root_cause ? k->root_cause : "-",
                *k->resolution ? k->resolution : "-");
    y = tui_put_lines(y, b, 2, TUI_ROLE_NORMAL, line);
    const struct db_complaint_follow_up *fu =
        c->d->follow_ups.n > 0 ? DB_ROW(&c->d->follow_ups, const struct db_complaint_follow_up, 0) : NULL;
    if (*k->compensation || fu) {
        char rec[32];
        tui_keymap_keys_for("complaint", TUI_ACT_COMPLETE, rec, sizeof rec);
        struct util_buf t = {0};
        if (*k->compensation)
            util_buf_printf(&t, "Guaranteed payments: %s   ", k->compensation);
        if (fu)
            util_buf_printf(&t, "Follow-up open, due %s by %s: %s (%s records it, before its day too)", fu->due,
                            fu->channel, fu->what, rec);
        y = tui_put_lines(y, b, 2, TUI_ROLE_WARN, t.data);
        util_buf_free(&t);
    }
    /* The customer's words: whole, or the key that shows them whole. */
    char keys[32], more[96];
    tui_keymap_keys_for("complaint", TUI_ACT_DESCRIPTION, keys, sizeof keys);
    util_format(more, sizeof more, "... %s shows the whole description", keys);
    char *said = util_asprintf("Said: %s", k->description);
    if (y < b.y + b.h) {
        struct tui_rect dr = {y, b.x + 1, b.y + b.h - y < 2 ? 1 : 2, b.w - 1};
        y += tui_put_excerpt(dr, TUI_ROLE_DIM, said, more, false);
    }
    free(said);
    const char *msg = c->notice ? c->notice : c->error;
    if (msg && y < b.y + b.h) {
        /* What became of the agent's change is read whole: it says who
         * changed what, and how to apply the kept text again. */
        int room = b.y + b.h - y - 3;
        y = tui_put_lines(y, b, room < 2 ? 2 : room, TUI_ROLE_ERROR, msg);
    }
    static const struct tui_column cols[] = {
        {"When", 15, 0, false}, {"Who", 0, 2, false}, {"What", 0, 3, false}, {"Note", 0, 4, false},
    };
    struct tui_rect lr = {y, b.x, b.y + b.h - y, b.w};
    if (lr.h > 1)
        tui_list_draw(&c->history, lr, cols, 4, true, true, history_cell, c);
}

/* ---- what may be done ------------------------------------------------------ */

/* The screen's keys as the model's actions; -1 for keys that are not one. */
static int lc_action(enum tui_action a)
{
    switch (a) {
    case TUI_ACT_ACKNOWLEDGE: return DB_LC_ACKNOWLEDGE;
    case TUI_ACT_INVESTIGATE: return DB_LC_INVESTIGATE;
    case TUI_ACT_WAIT_CUSTOMER: return DB_LC_WAIT;
    case TUI_ACT_RESOLVE: return DB_LC_RESOLVE;
    case TUI_ACT_CLOSE_COMPLAINT: return DB_LC_CLOSE;
    case TUI_ACT_REOPEN: return DB_LC_REOPEN;
    case TUI_ACT_MERGE: return DB_LC_MERGE;
    case TUI_ACT_NOTE: return DB_LC_NOTE;
    case TUI_ACT_CREDIT: return DB_LC_CREDIT;
    case TUI_ACT_FOLLOW_UP: return DB_LC_FOLLOW_UP;
    case TUI_ACT_RUN_SCRIPT: return DB_LC_SCRIPT;
    default: return -1;
    }
}

/* db_lifecycle_allowed() for this complaint and this person. */
static bool allowed(const struct complaint *c, enum tui_action a, char *why, size_t len)
{
    int act = lc_action(a);
    return act >= 0 && db_lifecycle_allowed(c->d->status, act, (int)c->d->role, why, len);
}

/* Resolved or closed: what there is left to do is reopen it. */
static bool is_done(const struct complaint *c)
{
    return c->d->status == DB_LC_RESOLVED || c->d->status == DB_LC_CLOSED;
}

/* ---- changes ------------------------------------------------------------- */

/* The answer to any change: saved, refused as stale, or refused. What was
 * typed stays in c->last until it is saved. */
static void answered(struct complaint *c, bool conflict, const char *err, const char *ok)
{
    c->busy = false;
    set_notice(c, NULL);
    char keys[32];
    tui_keymap_keys_for("complaint", TUI_ACT_RETRY, keys, sizeof keys);
    if (conflict) {
        /* Never a silent overwrite: show what is there now, and who did it. */
        c->last.active = true;
        c->last.conflict = true;
        c->diff_pending = true;
        set_notice(c, util_strdup("Not saved: someone else changed this complaint since you opened it. "
                                  "Loading what changed..."));
    } else if (err) {
        c->last.active = true;
        c->last.conflict = false;
        char *mine = attempt_words(c);
        set_notice(c, util_asprintf("Not saved: %s\nYour %s is kept: %s opens it again.", err, mine, keys));
        free(mine);
    } else {
        attempt_clear(&c->last);
        tui_message(TUI_ROLE_OK, "%s", ok);
    }
    reload(c);
}

static void changed(void *ctx, bool conflict, const char *err)
{
    answered(ctx, conflict, err, "Saved.");
}

static void change_ex(struct complaint *c, const char *status, const char *reason, long long cause,
                      const char *resolution, const char *merge, bool override)
{
    struct db_complaint_change ch = {
        .id = c->id,
        .version = c->d->k->version,
        .status = status,
        .reason = reason,
        .root_cause_id = cause,
        .resolution = resolution,
        .merge_into = merge,
        .follow_up_override = override,
    };
    if (c->seen && c->seen != c->d)
        db_complaint_detail_free(c->seen);
    c->seen = c->d;
    c->busy = true;
    db_complaint_update(app_db(), &ch, changed, c);
}

static const char *const credit_reasons[] = {
    "Apology for the inconvenience", "Billing error", "Missed appointment", "Supply interruption",
    "Poor service or staff conduct", "Other (say in the note)",
};

static const char *const follow_up_plans[] = {
    "In 2 days, by phone", "In 7 days, by phone", "In 7 days, by letter", "In 14 days, by e-mail",
    "In 3 days, field visit",
};
static const int follow_up_days[] = {2, 7, 7, 14, 3};
static const char *const follow_up_channels[] = {"phone", "phone", "letter", "email", "field_visit"};

static void noted(void *ctx, const char *err);
static void credited(void *ctx, const char *status, const char *err);
static void credit_waiting(void *ctx);
static void booked(void *ctx, const char *err);
static bool credit_amount(const char *text, char *amount, size_t len);

/* Send c->last: the one place a kept change goes (first time and again). */
static void send_attempt(struct complaint *c)
{
    const char *text = c->last.text ? c->last.text : "";
    int choice = c->last.choice;
    switch (c->last.act) {
    case TUI_ACT_ACKNOWLEDGE: change_ex(c, "acknowledged", "", 0, "", NULL, false); break;
    case TUI_ACT_INVESTIGATE: change_ex(c, "investigating", "", 0, "", NULL, false); break;
    case TUI_ACT_REOPEN: change_ex(c, "investigating", "reopened", 0, "", NULL, false); break;
    case TUI_ACT_WAIT_CUSTOMER: change_ex(c, "waiting_customer", text, 0, "", NULL, false); break;
    case TUI_ACT_RESOLVE: {
        const struct db_rows *r = &c->d->root_causes;
        long long cause = choice >= 0 && choice < r->n ? (long long)DB_ROW(r, struct db_root_cause, choice)->id : 0;
        change_ex(c, "resolved", "", cause, text, NULL, false);
        break;
    }
    case TUI_ACT_CLOSE_COMPLAINT:
        /* choice 0: a supervisor closing over an open follow-up. */
        change_ex(c, "closed", choice == 0 ? "closed with an open follow-up" : "", 0, "", NULL, choice == 0);
        break;
    case TUI_ACT_MERGE: change_ex(c, NULL, "merged as a duplicate", 0, "", text, false); break;
    case TUI_ACT_NOTE:
        if (!c->note_id[0])
            util_uuid(c->note_id);
        c->busy = true;
        db_complaint_note(app_db(), c->id, c->note_id, text, noted, c);
        break;
    case TUI_ACT_CREDIT: {
        char amount[32];
        if (!credit_amount(text, amount, sizeof amount)) {
            c->last.active = true;
            char keys[32];
            tui_keymap_keys_for("complaint", TUI_ACT_RETRY, keys, sizeof keys);
            set_notice(c, util_asprintf("Credit not made: \"%s\" is not an amount (e.g. 25 or 25.50). "
                                        "%s opens it again.", text, keys));
            tui_invalidate();
            return;
        }
        if (!c->credit_id[0])
            util_uuid(c->credit_id);
        c->busy = true;
        const struct db_credit_draft d = {c->credit_id, (long long)c->d->k->customer_id, c->id, amount,
                                          credit_reasons[choice < 0 ? 0 : choice], c->d->k->customer,
                                          c->d->k->reference};
        const struct db_outbox_reply reply = {.done = credited, .waiting = credit_waiting, .ctx = c};
        char err[256];
        db_credit_offer(app_db(), app_conf()->journal_dir, &d, &reply, err, sizeof err);
        if (err[0])
            tui_message(TUI_ROLE_ERROR, "Not kept on this terminal: %s", err);
        break;
    }
    case TUI_ACT_FOLLOW_UP: {
        int i = choice < 0 ? 0 : choice;
        if (!c->follow_up_id[0])
            util_uuid(c->follow_up_id);
        c->busy = true;
        db_follow_up_add(app_db(), c->follow_up_id, c->id, follow_up_days[i], follow_up_channels[i], text, booked, c);
        break;
    }
    default:
        break;
    }
}

static void noted(void *ctx, const char *err)
{
    struct complaint *c = ctx;
    if (!err)
        c->note_id[0] = '\0';
    answered(c, false, err, "Note added.");
}

static void credited(void *ctx, const char *status, const char *err)
{
    struct complaint *c = ctx;
    if (!err)
        c->credit_id[0] = '\0';
    answered(c, false, err,
             err ? "" : strcmp(status, "applied") == 0
                            ? "Credit applied to the account at once."
                            : "Above your authority: sent to a supervisor. You will see the decision here.");
}

/* The connection went with the credit: it is on disk and goes again by itself. */
static void credit_waiting(void *ctx)
{
    (void)ctx;
    tui_message(TUI_ROLE_WARN, "Offline: the credit is kept on this terminal and goes as soon as the connection is back.");
    tui_invalidate();
}

static void booked(void *ctx, const char *err)
{
    struct complaint *c = ctx;
    if (!err)
        c->follow_up_id[0] = '\0';
    answered(c, false, err, "Follow-up booked.");
}

/* "20", "20.50", "£20" ("$20" in dollars): the region's rule, more than
 * nothing and at most 100,000; amount gets "20.50" for the database. */
static bool credit_amount(const char *text, char *amount, size_t len)
{
    int64_t v;
    if (db_region_money_parse(db_region(), text, &v) < 0 || v <= 0 || v > 10000000)
        return false;
    return util_format_fits(amount, len, "%lld.%02lld", (long long)(v / 100), (long long)(v % 100)) == 0;
}

/* Every dialog ends here: keep what was typed, then send it. */
static void prompted(struct complaint *c, enum tui_action act, int choice, const char *text)
{
    attempt_start(c, act, choice, text);
    send_attempt(c);
}

static void on_wait_reason(void *ctx, int choice, const char *text) { prompted(ctx, TUI_ACT_WAIT_CUSTOMER, choice, text); }
static void on_resolve(void *ctx, int choice, const char *text) { prompted(ctx, TUI_ACT_RESOLVE, choice, text); }
static void on_note(void *ctx, int choice, const char *text) { prompted(ctx, TUI_ACT_NOTE, choice, text); }
static void on_merge(void *ctx, int choice, const char *text) { prompted(ctx, TUI_ACT_MERGE, choice, text); }
static void on_credit(void *ctx, int choice, const char *text) { prompted(ctx, TUI_ACT_CREDIT, choice, text); }
static void on_follow_up(void *ctx, int choice, const char *text) { prompted(ctx, TUI_ACT_FOLLOW_UP, choice, text); }

static void on_override(void *ctx, int choice, const char *text)
{
    (void)text;
    if (choice == 0)
        prompted(ctx, TUI_ACT_CLOSE_COMPLAINT, 0, "");
}

/* The dialog of an action that asks for text; `initial` fills it again
 * after a refusal. */
static void ask(struct complaint *c, enum tui_action a, const char *initial, const char *warning)
{
    struct prompt_spec p = {.ctx = c, .text_initial = initial, .text_required = true};
    const char **names = NULL;
    switch (a) {
    case TUI_ACT_WAIT_CUSTOMER:
        p.title = "Wait on the customer";
        p.question = "The response clock pauses until you go back to investigating.";
        p.text_label = "What are we waiting for?";
        p.text_max = 500;
        p.done = on_wait_reason;
        break;
    case TUI_ACT_RESOLVE: {
        const struct db_rows *r = &c->d->root_causes;
        names = util_calloc((size_t)(r->n ? r->n : 1), sizeof *names);
        for (int i = 0; i < r->n; i++)
            names[i] = DB_ROW(r, struct db_root_cause, i)->name;
        p.title = "Resolve the complaint";
        p.question = "Why did it happen (root cause), and what was done?";
        p.choices = names;
        p.nchoices = r->n;
        p.text_label = "Resolution";
        p.text_max = 2000;
        p.start_on_text = initial != NULL;
        p.done = on_resolve;
        break;
    }
    case TUI_ACT_NOTE:
        p.title = "Add a note";
        p.question = "Kept in the complaint's history.";
        p.text_label = "Note";
        p.text_max = 2000;
        p.done = on_note;
        break;
    case TUI_ACT_CREDIT:
        p.title = "Goodwill credit";
        p.question = "Within your authority it is applied at once; above it a supervisor decides.";
        p.choices = credit_reasons;
        p.nchoices = (int)(sizeof credit_reasons / sizeof credit_reasons[0]);
        p.text_label = db_money_label("Amount", c->amount_label, sizeof c->amount_label);
        p.text_max = 12;
        p.start_on_text = true;
        p.done = on_credit;
        break;
    case TUI_ACT_FOLLOW_UP:
        p.title = "Book a follow-up";
        p.question = "When and how we check with the customer that the fix held.";
        p.choices = follow_up_plans;
        p.nchoices = (int)(sizeof follow_up_plans / sizeof follow_up_plans[0]);
        p.text_label = "What to confirm";
        p.text_max = 300;
        p.start_on_text = true;
        p.done = on_follow_up;
        break;
    case TUI_ACT_MERGE:
        p.title = "Merge into another complaint";
        p.question = "This one is closed and points to the one that carries on; history stays.";
        p.text_label = "Reference (C-YYYY-NNNNNN)";
        p.text_max = 40;
        p.done = on_merge;
        break;
    default:
        return;
    }
    char *question = NULL;
    if (warning) {
        char ok[32];
        question = util_asprintf("%s %s tries anyway; what you type is kept if it is refused.", warning,
                                 tui_key_hint("prompt", TUI_ACT_OPEN, ok, sizeof ok));
        p.question = question;
    }
    scr_open_prompt(&p);
    free(question);
    free(names);
}

static void follow_up_recorded(void *ctx, bool conflict, const char *err)
{
    scr_followup_report(conflict, err);
    reload(ctx);
}

/* The refused change again: as it was when the complaint moved on under
 * it, or back in its dialog when the database said no. */
static enum scr_result retry(struct complaint *c)
{
    if (!c->last.active) {
        tui_message(TUI_ROLE_NORMAL, "Nothing is waiting to be applied again.");
        return SCR_REDRAW;
    }
    char why[200];
    if (lc_action(c->last.act) >= 0 && !allowed(c, c->last.act, why, sizeof why)) {
        /* The complaint moved on: the kept text stays on screen. */
        char *mine = attempt_words(c);
        set_notice(c, util_asprintf("%s Your %s is still kept here.", why, mine));
        free(mine);
        return SCR_REDRAW;
    }
    if (c->last.conflict || !c->last.text || !*c->last.text) {
        set_notice(c, NULL);
        c->last.active = false;
        send_attempt(c);
        return SCR_REDRAW;
    }
    char *text = util_strdup(c->last.text);
    ask(c, c->last.act, text, NULL);
    free(text);
    return SCR_REDRAW;
}

static void show_history(struct complaint *c, int row)
{
    if (row < 0 || row >= c->d->history.n)
        return;
    const struct db_complaint_history *h = DB_ROW(&c->d->history, const struct db_complaint_history, row);
    char *text = util_asprintf("When: %s\nWho: %s\nWhat: %s%s%s%s%s\n\n%s", h->at, *h->who ? h->who : "-", h->kind,
                               *h->to_status ? ", " : "", h->from_status, *h->from_status ? " > " : "", h->to_status,
                               *h->note ? h->note : "(no note)");
    char *title = util_asprintf("%s: history", c->d->k->reference);
    scr_textview_push(title, text);
    free(title);
    free(text);
}

/* Closing: an open follow-up is recorded first, or a supervisor closes
 * over it, having said so. */
static void close_complaint(struct complaint *c)
{
    if (c->d->follow_ups.n == 0) {
        prompted(c, TUI_ACT_CLOSE_COMPLAINT, -1, "");
        return;
    }
    if (c->d->role != DB_LC_SUPERVISOR) {
        char rec[32];
        tui_keymap_keys_for("complaint", TUI_ACT_COMPLETE, rec, sizeof rec);
        set_notice(c, util_asprintf("A follow-up is still open: record it first (%s; it can be recorded "
                                    "before its day), or ask a supervisor to close over it.", rec));
        return;
    }
    static const char *const answers[] = {"Close it anyway: the follow-up is cancelled, naming you",
                                           "Do not close yet"};
    struct prompt_spec p = {.title = "Close over an open follow-up?",
                            .question = "The follow-up confirms the fix held; closing now cancels it.",
                            .choices = answers, .nchoices = 2, .done = on_override, .ctx = c};
    scr_open_prompt(&p);
}

/* The soonest open follow-up, recorded now (before its day too). */
static void record_follow_up(struct complaint *c)
{
    if (c->d->follow_ups.n == 0) {
        tui_message(TUI_ROLE_NORMAL, "This complaint has no open follow-up.");
        return;
    }
    const struct db_complaint_follow_up *fu = DB_ROW(&c->d->follow_ups, const struct db_complaint_follow_up, 0);
    if (util_format_fits(c->fu.id, sizeof c->fu.id, "%s", fu->id) < 0) {
        tui_message(TUI_ROLE_WARN, "The follow-up's id came from the database in a form Careline cannot use: nothing was recorded.");
        return;
    }
    c->fu.version = fu->version;
    c->fu.done = follow_up_recorded;
    c->fu.ctx = c;
    scr_followup_record(&c->fu, fu->what);
}

static enum scr_result complaint_action(void *st, enum tui_action a)
{
    struct complaint *c = st;
    if (a == TUI_ACT_BACK)
        return SCR_CLOSE;
    if (a == TUI_ACT_RELOAD) {
        reload(c);
        return SCR_REDRAW;
    }
    if (!c->d)
        return SCR_UNHANDLED;
    if (c->busy && (lc_action(a) >= 0 || a == TUI_ACT_RETRY || a == TUI_ACT_COMPLETE)) {
        tui_message(TUI_ROLE_NORMAL, "Still saving the last change...");
        return SCR_REDRAW;
    }
    char why[200];
    bool can = lc_action(a) < 0 || allowed(c, a, why, sizeof why);
    bool asks_text = a == TUI_ACT_WAIT_CUSTOMER || a == TUI_ACT_RESOLVE || a == TUI_ACT_MERGE ||
                     a == TUI_ACT_CREDIT || a == TUI_ACT_FOLLOW_UP;
    if (!can && !asks_text) {
        /* Not offered, so not sent: the database would refuse it. */
        set_notice(c, util_strdup(why));
        return SCR_REDRAW;
    }
    if (!can) {
        /* Not offered either; but what is shown may be out of date (someone
         * else may have moved it on), so the dialog says why it will
         * probably be refused, and whatever is typed is kept if it is. */
        ask(c, a, NULL, why);
        return SCR_REDRAW;
    }
    switch (a) {
    case TUI_ACT_ACKNOWLEDGE:
    case TUI_ACT_INVESTIGATE:
        prompted(c, a, -1, "");
        return SCR_REDRAW;
    case TUI_ACT_REOPEN:
        /* From resolved or closed; elsewhere investigating is the same move. */
        prompted(c, is_done(c) ? TUI_ACT_REOPEN : TUI_ACT_INVESTIGATE, -1, "");
        return SCR_REDRAW;
    case TUI_ACT_WAIT_CUSTOMER:
    case TUI_ACT_RESOLVE:
    case TUI_ACT_NOTE:
    case TUI_ACT_CREDIT:
    case TUI_ACT_FOLLOW_UP:
    case TUI_ACT_MERGE:
        ask(c, a, NULL, NULL);
        return SCR_REDRAW;
    case TUI_ACT_CLOSE_COMPLAINT:
        close_complaint(c);
        return SCR_REDRAW;
    case TUI_ACT_RUN_SCRIPT:
        scr_open_runner(c->id);
        return SCR_REDRAW;
    case TUI_ACT_RETRY:
        return retry(c);
    case TUI_ACT_COMPLETE:
        record_follow_up(c);
        return SCR_REDRAW;
    case TUI_ACT_DESCRIPTION: {
        char *title = util_asprintf("%s: what the customer said", c->d->k->reference);
        scr_textview_push(title, c->d->k->description);
        free(title);
        return SCR_REDRAW;
    }
    case TUI_ACT_OPEN:
        show_history(c, c->history.sel);
        return SCR_REDRAW;
    default:
        return tui_list_action(&c->history, a) ? SCR_REDRAW : SCR_UNHANDLED;
    }
}

/* The status line offers only what db_lifecycle_allowed() says the
 * database will accept from this person now; a refused change first. */
static const enum tui_action *complaint_status(void *st)
{
    struct complaint *c = st;
    static enum tui_action keys[24];
    int n = 0;
    if (c->d && c->last.active && !c->busy)
        keys[n++] = TUI_ACT_RETRY;
    if (c->d) {
        bool done = is_done(c);
        static const enum tui_action order[] = {
            TUI_ACT_ACKNOWLEDGE, TUI_ACT_INVESTIGATE, TUI_ACT_WAIT_CUSTOMER, TUI_ACT_RESOLVE, TUI_ACT_CLOSE_COMPLAINT,
            TUI_ACT_REOPEN, TUI_ACT_RUN_SCRIPT, TUI_ACT_NOTE, TUI_ACT_CREDIT, TUI_ACT_FOLLOW_UP, TUI_ACT_MERGE,
        };
        for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
            /* Investigating and reopening are one move: name it as it reads. */
            if ((order[i] == TUI_ACT_INVESTIGATE && done) || (order[i] == TUI_ACT_REOPEN && !done))
                continue;
            if (allowed(c, order[i], NULL, 0))
                keys[n++] = order[i];
        }
        if (c->d->follow_ups.n > 0)
            keys[n++] = TUI_ACT_COMPLETE;
        keys[n++] = TUI_ACT_DESCRIPTION;
    }
    keys[n++] = TUI_ACT_BACK;
    keys[n++] = TUI_ACT_HELP;
    keys[n] = TUI_ACT_NONE;
    return keys;
}

const struct screen_ops scr_complaint_ops = {
    SCR_HEAD(complaint),
    .open = complaint_open,
    .close = complaint_close,
    .draw = complaint_draw,
    .action = complaint_action,
    .status_keys = complaint_status,
    .resume = complaint_resume,
};
