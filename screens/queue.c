/* queue.c — the team queue and "My work": open complaints most urgent first, kept live by LISTEN/NOTIFY, with take, assign, escalate and filters. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "careline/app.h"
#include "careline/keymap.h"
#include "careline/picker.h"
#include "careline/prompt.h"
#include "careline/queue.h"
#include "careline/screens.h"
#include "careline/sla.h"
#include "careline/tui.h"
#include "careline/text.h"
#include "careline/util.h"

/* A change sent or refused: kept, with the choice made, until it is saved
 * or replaced, so a conflict never loses what the supervisor chose. */
struct attempt {
    bool active;                 /* refused: the status line offers it again */
    bool diff_pending;           /* stale: say what changed once the row is fetched again */
    enum tui_action act;         /* TAKE, ASSIGN or ESCALATE */
    long long owner;             /* assign/take: the staff id; 0 for a team */
    char team[64];
    char *to;                    /* where it goes, in words: "Amy Agent", "the Billing team" */
    char *reason;                /* escalate */
    char request[37];            /* escalate: its history row, so a retry adds it once */
    struct db_queue_row seen;    /* the complaint as it was when the change was chosen */
};

struct queue {
    struct db_queue_filter f;
    struct db_rows rows;         /* struct db_queue_row, most urgent first */
    struct db_rows choices;      /* struct db_queue_choice */
    long long me;
    enum db_lifecycle_role role;
    char *teams;                 /* the person's teams, in words */
    bool have, loading;
    char *error;
    int64_t total;               /* matching at the last full load, before the limit */
    int loaded;                  /* rows that load returned */
    struct tui_list list;
    char **pending;              /* ids heard about, not yet asked for */
    int npending;
    char **asked;                /* ids being fetched again now */
    int nasked;
    bool refreshing;
    bool stale;                  /* a fetch failed: the whole list again at the next tick */
    unsigned long reconnects;    /* the connection's count when last loaded */
    long long minute;            /* the minute time left was drawn for */
    struct attempt last;
    char *notice;                /* what became of the last change, shown whole */
    int filter_kind;             /* the filter whose value is being chosen */
    char **fkeys;                /* the keys of the values offered for it */
    int nfkeys;
};

#define MAX_PENDING 40

static const struct db_queue_row *row_at(const struct queue *q, int i)
{
    return i >= 0 && i < q->rows.n ? DB_ROW(&q->rows, const struct db_queue_row, i) : NULL;
}

static const struct db_queue_row *selected(const struct queue *q) { return row_at(q, q->list.sel); }

static void set_notice(struct queue *q, char *text)
{
    free(q->notice);
    q->notice = text;
}

static void attempt_clear(struct attempt *t)
{
    free(t->to);
    free(t->reason);
    db_queue_row_clear(&t->seen);
    memset(t, 0, sizeof *t);
}

/* ---- loading and live updates ---------------------------------------------------- */

static void free_ids(char **ids, int n)
{
    for (int i = 0; i < n; i++)
        free(ids[i]);
    free(ids);
}

/* The cursor stays on the same complaint and, as far as the list allows,
 * on the same screen row; a complaint that left puts it on its neighbour. */
static void keep_cursor(struct queue *q, int now, int old_sel, int old_top)
{
    if (now < 0)
        now = old_sel < q->rows.n ? old_sel : q->rows.n - 1;
    q->list.sel = now;
    q->list.top = old_top + (now - old_sel);
    if (q->list.top < 0)
        q->list.top = 0;
    tui_list_set_count(&q->list, q->rows.n);
}

static void kick(struct queue *q);

static void loaded(void *ctx, struct db_queue *dq)
{
    struct queue *q = ctx;
    q->loading = false;
    free(q->error);
    q->error = dq->error ? util_strdup(dq->error) : NULL;
    if (!dq->error) {
        const struct db_queue_me *me = DB_ROW(&dq->me, const struct db_queue_me, 0);
        q->me = (long long)me->staff_id;
        q->role = db_lifecycle_role_parse(me->role);
        free(q->teams);
        q->teams = util_strdup(me->teams);
        const struct db_queue_row *was = selected(q);
        char *keep = was ? util_strdup(was->id) : NULL;   /* the row the cursor stays on, whole */
        int old_sel = q->list.sel, old_top = q->list.top;
        db_rows_free(&q->rows);
        q->rows = dq->rows;
        dq->rows = (struct db_rows){0};
        if (dq->choices.shape && dq->choices.n > 0) {
            db_rows_free(&q->choices);
            q->choices = dq->choices;
            dq->choices = (struct db_rows){0};
        }
        q->loaded = q->rows.n;
        q->total = q->rows.n > 0 ? row_at(q, 0)->total : 0;
        keep_cursor(q, q->have ? db_queue_find(&q->rows, keep) : 0, q->have ? old_sel : 0, q->have ? old_top : 0);
        free(keep);
        q->have = true;
    }
    db_queue_free(dq);
    kick(q);
    tui_invalidate();
}

static void reload(struct queue *q, bool with_choices)
{
    q->loading = true;
    q->reconnects = db_stats(app_db())->reconnects;
    db_queue_load(app_db(), &q->f, app_conf()->queue_limit, with_choices, loaded, q);
}

static void explain_conflict(struct queue *q);

static void refreshed(void *ctx, struct db_rows *rows, const char *err)
{
    struct queue *q = ctx;
    q->refreshing = false;
    if (!err) {
        const struct db_queue_row *was = selected(q);
        char *keep = was ? util_strdup(was->id) : NULL;   /* the row the cursor stays on, whole */
        int old_sel = q->list.sel, old_top = q->list.top;
        int now = db_queue_merge(&q->rows, rows, (const char *const *)q->asked, q->nasked, keep);
        free(keep);
        keep_cursor(q, now, old_sel, old_top);
        if (q->last.diff_pending)
            explain_conflict(q);
    } else {
        q->stale = true;   /* what was heard is not lost: the tick fetches everything */
    }
    free_ids(q->asked, q->nasked);
    q->asked = NULL;
    q->nasked = 0;
    kick(q);
    tui_invalidate();
}

/* Fetch again what the database told us about, one request at a time; a
 * burst (an event raising many complaints at once) loads the list again. */
static void kick(struct queue *q)
{
    if (q->refreshing || q->loading || !q->have || q->npending == 0)
        return;
    if (q->npending > MAX_PENDING) {
        free_ids(q->pending, q->npending);
        q->pending = NULL;
        q->npending = 0;
        reload(q, false);
        return;
    }
    q->asked = q->pending;
    q->nasked = q->npending;
    q->pending = NULL;
    q->npending = 0;
    q->refreshing = true;
    db_queue_refresh(app_db(), &q->f, (const char *const *)q->asked, q->nasked, refreshed, q);
}

static void heard(struct queue *q, const char *id)
{
    for (int i = 0; i < q->npending; i++)
        if (strcmp(q->pending[i], id) == 0)
            return;
    q->pending = util_realloc(q->pending, (size_t)(q->npending + 1) * sizeof *q->pending);
    q->pending[q->npending++] = util_strdup(id);
    kick(q);
}

static void on_notify(void *ctx, const char *payload)
{
    char id[37];
    if (db_queue_notice_id(payload, id))
        heard(ctx, id);
}

/* Time left is counted here; a new minute redraws it. A connection made
 * again may have missed notifications: the list is fetched again. */
static void on_tick(void *ctx, const char *payload)
{
    (void)payload;
    struct queue *q = ctx;
    long long minute = (long long)time(NULL) / 60;
    if (minute != q->minute) {
        q->minute = minute;
        tui_invalidate();
    }
    if (q->have && !q->loading && db_state(app_db()) == DB_ONLINE &&
        (q->stale || db_stats(app_db())->reconnects != q->reconnects)) {
        q->stale = false;
        reload(q, true);
    }
}

/* ---- opening ------------------------------------------------------------------------- */

/* arg: "team" (from the search screen), "team-anywhere" (a global key:
 * supervisors only) or "mine". */
static void *queue_open(void *arg)
{
    const char *how = arg ? arg : "team";
    bool super = strcmp(app_staff_role(), "supervisor") == 0 || strcmp(app_staff_role(), "admin") == 0;
    if (strcmp(how, "team-anywhere") == 0 && !super) {
        char mine[32];
        tui_keymap_keys_for("global", TUI_ACT_MY_WORK, mine, sizeof mine);
        tui_message(TUI_ROLE_WARN, "Agents open the team queue from search; %s: my work.", mine);
        return NULL;
    }
    struct queue *q = util_calloc(1, sizeof *q);
    q->f.mine = strcmp(how, "mine") == 0;
    q->minute = (long long)time(NULL) / 60;
    tui_list_set_count(&q->list, 0);
    app_on_notify("careline_queue", on_notify, q);
    app_on_tick(on_tick, q);
    reload(q, true);
    return q;
}

static void queue_close(void *st)
{
    struct queue *q = st;
    app_off_notify(q);
    db_forget_owner(app_db(), q);
    db_rows_free(&q->rows);
    db_rows_free(&q->choices);
    free_ids(q->pending, q->npending);
    free_ids(q->asked, q->nasked);
    attempt_clear(&q->last);
    free(q->teams);
    free(q->error);
    free(q->notice);
    free(q);
}

/* ---- drawing ------------------------------------------------------------------------------ */

static enum db_queue_sla state_of(const struct db_queue_row *r, int64_t *left)
{
    return db_queue_sla(r, time(NULL), app_conf()->queue_at_risk_percent, left);
}

/* "5h 20m", "-2d 04h" (overdue), "" with no deadline. */
static const char *left_text(const struct db_queue_row *r, char *buf, size_t len)
{
    int64_t left;
    if (state_of(r, &left) == DB_QUEUE_NO_DEADLINE) {
        util_format(buf, len, "-");
        return buf;
    }
    char span[32];
    sla_span_text(left, span, sizeof span);
    util_format(buf, len, "%s%s", left < 0 ? "-" : "", span);
    return buf;
}

static const char *cell(void *ctx, int row, int col, enum tui_role *role)
{
    struct queue *q = ctx;
    const struct db_queue_row *r = row_at(q, row);
    static char buf[64];
    if (!r)
        return "";
    /* My work has no owner column: it is always the person looking. */
    if (q->f.mine && col >= 5)
        col++;
    switch (col) {
    case 0: {
        enum db_queue_sla s = state_of(r, NULL);
        *role = s == DB_QUEUE_BREACHED ? TUI_ROLE_ERROR : s == DB_QUEUE_AT_RISK ? TUI_ROLE_WARN
              : s == DB_QUEUE_ON_TIME ? TUI_ROLE_NORMAL : TUI_ROLE_DIM;
        return s == DB_QUEUE_NO_DEADLINE ? "no SLA" : db_queue_sla_word(s);
    }
    case 1: return left_text(r, buf, sizeof buf);
    case 2: return r->reference;
    case 3:
        util_format(buf, sizeof buf, "%s", strcmp(r->status, "waiting_customer") == 0 ? "waiting" : r->status);
        return buf;
    case 4: return r->customer;
    case 5:
        if (!*r->owner)
            *role = TUI_ROLE_WARN;
        return *r->owner ? r->owner : "unassigned";
    case 6: return r->category;
    }
    return "";
}

/* The line above the list: whose queue, how many, how many in trouble. */
static char *summary(const struct queue *q)
{
    int breached = 0, risk = 0;
    for (int i = 0; i < q->rows.n; i++) {
        enum db_queue_sla s = state_of(row_at(q, i), NULL);
        breached += s == DB_QUEUE_BREACHED;
        risk += s == DB_QUEUE_AT_RISK;
    }
    const char *whose = q->f.mine ? "My work"
                      : *q->f.team ? "Queue"
                      : *q->teams ? "Team queue" : "Queue of every team";
    char scope[200] = "";
    if (!q->f.mine && !*q->f.team && *q->teams)
        util_format(scope, sizeof scope, " (%s, and complaints with no team)", q->teams);
    struct util_buf b = {0};
    util_buf_printf(&b, "%s%s: %d open, %d BREACHED, %d AT RISK (less than %d%% of the time left).", whose, scope,
                    q->rows.n, breached, risk, app_conf()->queue_at_risk_percent);
    if (q->total > q->loaded)
        util_buf_printf(&b, " Showing the %d most urgent of %lld: narrow with a filter.", q->loaded,
                        (long long)q->total);
    return util_buf_steal(&b);
}

static char *filters_line(const struct queue *q)
{
    char f[32], clear[32], mine[32];
    tui_keymap_keys_for("queue", TUI_ACT_FILTER, f, sizeof f);
    tui_keymap_keys_for("queue", TUI_ACT_CLEAR_FILTERS, clear, sizeof clear);
    tui_keymap_keys_for("queue", TUI_ACT_TOGGLE_ALL, mine, sizeof mine);
    char *text = db_queue_filter_text(&q->f, &q->choices);
    char *line = *text ? util_asprintf("Filters: %s. %s changes them, %s removes them.", text, f, clear)
                       : util_asprintf("No filters: %s filters, %s shows %s.", f, mine,
                                       q->f.mine ? "the team queue" : "my work");
    free(text);
    return line;
}

/* Stored words as people read them: waiting_customer, walk_in. */
static const char *words(const char *stored, char *buf, size_t len)
{
    util_format(buf, len, "%s", stored);
    return tui_text_words(buf);
}

/* Everything about the selected complaint, whole: the columns may be cut. */
static char *detail(const struct db_queue_row *r)
{
    int64_t left;
    enum db_queue_sla s = state_of(r, &left);
    char st[32], ch[32];
    struct util_buf b = {0};
    util_buf_printf(&b, "%s %s. %s (%s). Status %s, severity %s, by %s on %s. Owner: %s%s%s%s.", r->reference,
                    r->category, r->customer, r->account_no, words(r->status, st, sizeof st), r->severity,
                    words(r->channel, ch, sizeof ch), r->opened, *r->owner ? r->owner : "unassigned",
                    *r->team ? " (" : "", r->team, *r->team ? ")" : "");
    if (*r->event)
        util_buf_printf(&b, " Event: %s.", r->event);
    char span[32], allowed[32];
    sla_span_text(left, span, sizeof span);
    sla_span_text(r->window_s, allowed, sizeof allowed);
    if (s == DB_QUEUE_NO_DEADLINE)
        util_buf_puts(&b, " No response standard sets a deadline still to meet.");
    else
        util_buf_printf(&b, " %s: %s due %s, %s %s of %s%s.", db_queue_sla_word(s), r->deadline, r->due_text,
                        span, left < 0 ? "overdue" : "left", allowed, r->paused ? " (clock paused)" : "");
    return util_buf_steal(&b);
}

static void queue_draw(void *st, struct tui_rect b)
{
    struct queue *q = st;
    if (b.h < 6 || b.w < 20)
        return;
    int y = b.y;
    char *top = q->error ? util_strdup(q->error) : !q->have ? util_strdup("Loading the queue...") : summary(q);
    y = tui_put_lines(y, b, 2, q->error ? TUI_ROLE_ERROR : TUI_ROLE_NORMAL, top);
    free(top);
    if (!q->have)
        return;
    char *fl = filters_line(q);
    y = tui_put_lines(y, b, 2, TUI_ROLE_DIM, fl);
    free(fl);
    /* From the bottom up: what became of a change, then the selected complaint. */
    int bottom = b.y + b.h;
    const struct db_queue_row *r = selected(q);
    char *d = r ? detail(r) : util_strdup(q->rows.n ? "" : "Nothing here: no open complaint matches.");
    /* The list keeps its header and two rows on the smallest screens. */
    int dh = tui_wrap_count(d, b.w - 1), room = bottom - y - 3;
    if (dh > 5)
        dh = 5;
    if (dh > room)
        dh = room;   /* no room: nothing drawn */
    else if (dh < 1)
        dh = 1;
    int nh = q->notice ? tui_wrap_count(q->notice, b.w - 1) : 0;
    nh = nh > 4 ? 4 : nh;
    if (bottom - dh - nh - y < 3)
        nh = 0;
    tui_put_lines(bottom - dh, b, dh, TUI_ROLE_NORMAL, d);
    free(d);
    if (nh)
        tui_put_lines(bottom - dh - nh, b, nh, TUI_ROLE_ERROR, q->notice);
    static const struct tui_column team_cols[] = {
        {"State", 8, 0, false}, {"Left", 7, 0, true}, {"Reference", 13, 0, false}, {"Status", 13, 0, false},
        {"Customer", 0, 3, false}, {"Owner", 0, 3, false}, {"Category", 0, 3, false},
    };
    static const struct tui_column mine_cols[] = {
        {"State", 8, 0, false}, {"Left", 7, 0, true}, {"Reference", 13, 0, false}, {"Status", 13, 0, false},
        {"Customer", 0, 3, false}, {"Category", 0, 4, false},
    };
    struct tui_rect lr = {y, b.x, bottom - dh - nh - y, b.w};
    if (q->f.mine)
        tui_list_draw(&q->list, lr, mine_cols, 6, true, true, cell, q);
    else
        tui_list_draw(&q->list, lr, team_cols, 7, true, true, cell, q);
}

/* ---- changes ---------------------------------------------------------------------------------- */

/* The kept change in words: "assign it to Amy Agent". */
static char *attempt_words(const struct attempt *t)
{
    switch (t->act) {
    case TUI_ACT_TAKE: return util_strdup("take it");
    case TUI_ACT_ASSIGN: return util_asprintf("assign it to %s", t->to ? t->to : "?");
    case TUI_ACT_ESCALATE: return util_asprintf("escalate it (\"%s\")", t->reason ? t->reason : "");
    default: return util_strdup("change it");
    }
}

static void explain_conflict(struct queue *q)
{
    int at = db_queue_find(&q->rows, q->last.seen.id);
    const struct db_queue_row *now = row_at(q, at);
    char *changes = db_queue_changes(&q->last.seen, now);
    char *mine = attempt_words(&q->last);
    char keys[32];
    tui_keymap_keys_for("queue", TUI_ACT_RETRY, keys, sizeof keys);
    set_notice(q, util_asprintf("Not saved: someone else changed %s after you looked: %s. Your choice is kept: %s "
                                "to %s as it is now.",
                                q->last.seen.reference, *changes ? changes : "it was saved again", keys, mine));
    free(mine);
    free(changes);
    q->last.diff_pending = false;
}

static void send_attempt(struct queue *q);

static void written(void *ctx, bool conflict, const char *err)
{
    struct queue *q = ctx;
    char keys[32];
    tui_keymap_keys_for("queue", TUI_ACT_RETRY, keys, sizeof keys);
    if (conflict) {
        q->last.active = true;
        q->last.diff_pending = true;
        set_notice(q, util_asprintf("Not saved: someone else changed %s after you looked. Finding out what...",
                                    q->last.seen.reference));
    } else if (err) {
        q->last.active = true;
        char *mine = attempt_words(&q->last);
        set_notice(q, util_asprintf("Not saved: %s Your choice is kept: %s to %s again.", err, keys, mine));
        free(mine);
    } else {
        set_notice(q, NULL);
        if (q->last.act == TUI_ACT_TAKE)
            tui_message(TUI_ROLE_OK, "%s is yours now.", q->last.seen.reference);
        else if (q->last.act == TUI_ACT_ASSIGN)
            tui_message(TUI_ROLE_OK, "%s assigned to %s.", q->last.seen.reference, q->last.to);
        else
            tui_message(TUI_ROLE_OK, "%s escalated to %s.", q->last.seen.reference,
                        db_queue_next_severity(q->last.seen.severity));
    }
    /* The notification comes too; asking now shows the answer at once. */
    char *id = util_strdup(q->last.seen.id);   /* whole, and kept past attempt_clear */
    if (!conflict && !err)
        attempt_clear(&q->last);
    heard(q, id);
    free(id);
    tui_invalidate();
}

static void send_attempt(struct queue *q)
{
    struct attempt *t = &q->last;
    t->active = false;
    set_notice(q, NULL);
    if (t->act == TUI_ACT_ESCALATE)
        db_queue_escalate(app_db(), t->seen.id, t->seen.version, t->request, t->reason, written, q);
    else
        db_queue_assign(app_db(), t->seen.id, t->seen.version, t->owner, t->team, written, q);
}

/* A new change, from the complaint as it was when the key was pressed. */
static void attempt_start(struct queue *q, enum tui_action act, const struct db_queue_row *r)
{
    attempt_clear(&q->last);
    q->last.act = act;
    db_queue_row_copy(&q->last.seen, r);
}

/* The row the pending choice is about, as the list has it now. */
static const struct db_queue_row *seen_now(const struct queue *q)
{
    return row_at(q, db_queue_find(&q->rows, q->last.seen.id));
}

static void on_assign(void *ctx, int index)
{
    struct queue *q = ctx;
    /* items: the teams, then the staff, in the order of the choices */
    int n = 0;
    for (int i = 0; i < q->choices.n; i++) {
        const struct db_queue_choice *c = DB_ROW(&q->choices, const struct db_queue_choice, i);
        bool team = strcmp(c->kind, "team") == 0;
        if (!team && strcmp(c->kind, "staff") != 0)
            continue;
        if (n++ != index)
            continue;
        if (team && util_format_fits(q->last.team, sizeof q->last.team, "%s", c->key) < 0) {
            tui_message(TUI_ROLE_WARN, "The team's name is longer than a team's can be: nothing was assigned.");
            return;
        }
        free(q->last.to);
        if (team) {
            q->last.owner = 0;
            q->last.to = util_asprintf("the %s team", c->label);
        } else {
            q->last.owner = strtoll(c->key, NULL, 10);
            q->last.team[0] = '\0';
            q->last.to = util_strdup(c->label);
        }
        send_attempt(q);
        return;
    }
}

static void ask_assign(struct queue *q, const struct db_queue_row *r)
{
    attempt_start(q, TUI_ACT_ASSIGN, r);
    struct picker_item *items = util_calloc((size_t)q->choices.n + 1, sizeof *items);
    int n = 0, sel = -1;
    char **teams = util_calloc((size_t)q->choices.n + 1, sizeof *teams);
    for (int i = 0; i < q->choices.n; i++) {
        const struct db_queue_choice *c = DB_ROW(&q->choices, const struct db_queue_choice, i);
        bool team = strcmp(c->kind, "team") == 0;
        if (!team && strcmp(c->kind, "staff") != 0)
            continue;
        if (!team && strtoll(c->key, NULL, 10) == r->owner_id)
            sel = n;
        teams[n] = team ? util_asprintf("Team: %s", c->label) : NULL;
        items[n] = (struct picker_item){team ? teams[n] : c->label, c->detail};
        n++;
    }
    char *question = util_asprintf("%s (%s, owner %s). Choose an agent (it joins their team) or a team (nobody "
                                   "owns it until someone takes it).",
                                   r->reference, r->category, *r->owner ? r->owner : "none yet");
    struct picker_spec p = {.title = "Assign the complaint", .question = question, .items = items, .nitems = n,
                            .selected = sel, .done = on_assign, .ctx = q};
    scr_open_picker(&p);
    for (int i = 0; i < n; i++)
        free(teams[i]);
    free(teams);
    free(items);
    free(question);
}

static void on_reason(void *ctx, int choice, const char *text)
{
    (void)choice;
    struct queue *q = ctx;
    free(q->last.reason);
    q->last.reason = util_strdup(text);
    util_uuid(q->last.request);
    send_attempt(q);
}

static void ask_escalate(struct queue *q, const struct db_queue_row *r)
{
    attempt_start(q, TUI_ACT_ESCALATE, r);
    char *question = util_asprintf("%s: severity goes from %s to %s. Say why; the complaint's history keeps it.",
                                   r->reference, r->severity, db_queue_next_severity(r->severity));
    struct prompt_spec p = {.title = "Escalate the complaint", .question = question, .text_label = "Why",
                            .text_required = true, .text_max = 500, .done = on_reason, .ctx = q};
    scr_open_prompt(&p);
    free(question);
}

/* Take, assign or escalate the selected complaint, if the rules allow. */
static enum scr_result act_on(struct queue *q, enum tui_action act)
{
    const struct db_queue_row *r = selected(q);
    enum db_queue_action a = act == TUI_ACT_TAKE ? DB_QUEUE_TAKE
                           : act == TUI_ACT_ASSIGN ? DB_QUEUE_ASSIGN : DB_QUEUE_ESCALATE;
    char why[200];
    if (!db_queue_allowed(a, q->role, q->me, r, why, sizeof why)) {
        tui_message(TUI_ROLE_WARN, "%s", why);
        return SCR_REDRAW;
    }
    if (act == TUI_ACT_ASSIGN) {
        ask_assign(q, r);
    } else if (act == TUI_ACT_ESCALATE) {
        ask_escalate(q, r);
    } else {
        attempt_start(q, TUI_ACT_TAKE, r);
        q->last.owner = q->me;
        q->last.to = util_strdup("you");
        send_attempt(q);
    }
    return SCR_REDRAW;
}

/* Apply the kept change again, to the complaint as it is now. */
static enum scr_result retry(struct queue *q)
{
    if (!q->last.active)
        return SCR_HANDLED;
    const struct db_queue_row *now = seen_now(q);
    if (!now) {
        tui_message(TUI_ROLE_WARN, "%s is no longer in this list: open it from the customer to change it.",
                    q->last.seen.reference);
        return SCR_REDRAW;
    }
    enum db_queue_action a = q->last.act == TUI_ACT_TAKE ? DB_QUEUE_TAKE
                           : q->last.act == TUI_ACT_ASSIGN ? DB_QUEUE_ASSIGN : DB_QUEUE_ESCALATE;
    char why[200];
    if (!db_queue_allowed(a, q->role, q->me, now, why, sizeof why)) {
        tui_message(TUI_ROLE_WARN, "%s", why);
        return SCR_REDRAW;
    }
    struct db_queue_row copy;
    db_queue_row_copy(&copy, now);
    db_queue_row_clear(&q->last.seen);
    q->last.seen = copy;
    send_attempt(q);
    return SCR_REDRAW;
}

/* ---- filters --------------------------------------------------------------------------------- */

#define F_CLEAR DB_QF__COUNT     /* the last entry of the filter menu */

static void free_fkeys(struct queue *q)
{
    free_ids(q->fkeys, q->nfkeys);
    q->fkeys = NULL;
    q->nfkeys = 0;
}

static void on_filter_value(void *ctx, int index)
{
    struct queue *q = ctx;
    if (index >= 0 && index < q->nfkeys &&
        db_queue_filter_set(&q->f, (enum db_queue_filter_kind)q->filter_kind, q->fkeys[index])) {
        q->list.sel = 0;
        q->list.top = 0;
        reload(q, false);
    }
    free_fkeys(q);
}

static void ask_filter_value(struct queue *q, enum db_queue_filter_kind kind)
{
    int max = q->choices.n + 16;
    struct db_queue_option *opts = util_calloc((size_t)max, sizeof *opts);
    int n = db_queue_filter_options(kind, &q->choices, q->teams, opts, max);
    struct picker_item *items = util_calloc((size_t)n + 1, sizeof *items);
    free_fkeys(q);
    q->filter_kind = (int)kind;
    q->fkeys = util_calloc((size_t)n + 1, sizeof *q->fkeys);
    const char *now = db_queue_filter_get(&q->f, kind);
    int sel = 0;
    for (int i = 0; i < n; i++) {
        /* The picker copies the words; the keys are ours until it answers. */
        q->fkeys[q->nfkeys++] = util_strdup(opts[i].key);
        items[i] = (struct picker_item){opts[i].label, opts[i].detail};
        if (strcmp(opts[i].key, now) == 0)
            sel = i;
    }
    char *title = util_asprintf("%s filter", db_queue_filter_name(kind));
    struct picker_spec p = {.title = title, .items = items, .nitems = n, .selected = sel, .done = on_filter_value,
                            .ctx = q};
    scr_open_picker(&p);
    free(title);
    free(items);
    free(opts);
}

static void clear_filters(struct queue *q)
{
    bool mine = q->f.mine;
    memset(&q->f, 0, sizeof q->f);
    q->f.mine = mine;
    q->list.sel = 0;
    q->list.top = 0;
    reload(q, false);
}

static void on_filter_kind(void *ctx, int index)
{
    struct queue *q = ctx;
    if (index == F_CLEAR)
        clear_filters(q);
    else if (index >= 0 && index < F_CLEAR)
        ask_filter_value(q, (enum db_queue_filter_kind)index);
}

/* The filters with what each is set to now, then "remove every filter". */
static void ask_filter(struct queue *q)
{
    struct picker_item items[F_CLEAR + 1];
    for (int k = 0; k < F_CLEAR; k++) {
        enum db_queue_filter_kind kind = (enum db_queue_filter_kind)k;
        items[k] = (struct picker_item){db_queue_filter_name(kind),
                                        q->f.mine && k <= DB_QF_AGENT ? "(my work: yours only)"
                                        : db_queue_filter_shown(&q->f, kind, &q->choices, q->teams)};
    }
    items[F_CLEAR] = (struct picker_item){"Remove every filter", ""};
    struct picker_spec p = {.title = "Filter the list", .question = "Which filter? Each one narrows the list.",
                            .items = items, .nitems = F_CLEAR + 1, .selected = 0, .done = on_filter_kind, .ctx = q};
    scr_open_picker(&p);
}

/* ---- keys ---------------------------------------------------------------------------------------- */

static void show_scope(struct queue *q, bool mine)
{
    if (q->f.mine == mine)
        return;
    q->f.mine = mine;
    q->list.sel = 0;
    q->list.top = 0;
    q->have = false;
    reload(q, false);
}

static enum scr_result queue_action(void *st, enum tui_action a)
{
    struct queue *q = st;
    switch (a) {
    case TUI_ACT_BACK:
        return SCR_CLOSE;
    case TUI_ACT_OPEN: {
        const struct db_queue_row *r = selected(q);
        if (r)
            scr_open_complaint(r->id);
        return SCR_REDRAW;
    }
    case TUI_ACT_TAKE:
    case TUI_ACT_ASSIGN:
    case TUI_ACT_ESCALATE:
        return act_on(q, a);
    case TUI_ACT_RETRY:
        return retry(q);
    case TUI_ACT_FILTER:
        ask_filter(q);
        return SCR_REDRAW;
    case TUI_ACT_CLEAR_FILTERS:
        clear_filters(q);
        return SCR_REDRAW;
    case TUI_ACT_TOGGLE_ALL:
        show_scope(q, !q->f.mine);
        return SCR_REDRAW;
    case TUI_ACT_QUEUE:
    case TUI_ACT_MY_WORK:
        show_scope(q, a == TUI_ACT_MY_WORK);
        return SCR_REDRAW;
    case TUI_ACT_RELOAD:
        reload(q, true);
        return SCR_REDRAW;
    default:
        return tui_list_action(&q->list, a) ? SCR_REDRAW : SCR_UNHANDLED;
    }
}

/* Back from the complaint screen (or a dialog): what was done there
 * arrives as notifications; the list is fetched again after a lost
 * connection by the tick. */
static void queue_resume(void *st)
{
    struct queue *q = st;
    if (q->have && !q->loading)
        reload(q, false);
}

/* Only what this person may do on the selected complaint. */
static const enum tui_action *queue_status(void *st)
{
    struct queue *q = st;
    static enum tui_action keys[12];
    const struct db_queue_row *r = selected(q);
    int n = 0;
    if (q->last.active)
        keys[n++] = TUI_ACT_RETRY;
    if (r)
        keys[n++] = TUI_ACT_OPEN;
    if (db_queue_allowed(DB_QUEUE_TAKE, q->role, q->me, r, NULL, 0))
        keys[n++] = TUI_ACT_TAKE;
    if (db_queue_allowed(DB_QUEUE_ASSIGN, q->role, q->me, r, NULL, 0))
        keys[n++] = TUI_ACT_ASSIGN;
    if (db_queue_allowed(DB_QUEUE_ESCALATE, q->role, q->me, r, NULL, 0))
        keys[n++] = TUI_ACT_ESCALATE;
    keys[n++] = TUI_ACT_FILTER;
    keys[n++] = TUI_ACT_TOGGLE_ALL;
    keys[n++] = TUI_ACT_BACK;
    keys[n++] = TUI_ACT_HELP;
    keys[n] = TUI_ACT_NONE;
    return keys;
}

const struct screen_ops scr_queue_ops = {
    SCR_HEAD(queue),
    .open = queue_open,
    .close = queue_close,
    .draw = queue_draw,
    .action = queue_action,
    .status_keys = queue_status,
    .resume = queue_resume,
};
