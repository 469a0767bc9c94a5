/* event.c — one critical event: its area, times, reach, notification progress, message and read-out, history, and its complaints handled as one; supervisors update and close it from here. Updated live. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careline/app.h"
#include "careline/event.h"
#include "careline/event_screens.h"
#include "careline/keymap.h"
#include "careline/notify.h"
#include "careline/prompt.h"
#include "careline/region.h"
#include "careline/screens.h"
#include "careline/sla.h"
#include "careline/textview.h"
#include "careline/tui.h"
#include "careline/util.h"

struct event_screen {
    char id[37];
    struct db_event_view v;
    bool have;
    char *error;
    int top;                   /* scroll of the whole page, in lines */
    char request[37];          /* the note being added: kept for a retry of the same note */
    char cause[64];            /* the root cause chosen to resolve the complaints */
    struct db_event_setup setup;   /* root causes, for resolving */
    int ticks;                 /* seconds since the last reload while messages are going out */
};

static const struct db_event *ev(const struct event_screen *s)
{
    return s->have && s->v.event.n == 1 ? DB_ROW(&s->v.event, const struct db_event, 0) : NULL;
}

static void loaded(void *ctx, struct db_event_view *v, const char *err)
{
    struct event_screen *s = ctx;
    free(s->error);
    s->error = err ? util_strdup(err) : NULL;
    if (v) {
        db_event_view_free(&s->v);
        s->v = *v;
        memset(v, 0, sizeof *v);
        s->have = true;
    }
    tui_invalidate();
}

static void reload(struct event_screen *s)
{
    db_event_load(app_db(), s->id, loaded, s);
}

/* Any event changed, or messages were sent: this one may be among them. */
static void on_notify(void *ctx, const char *payload)
{
    struct event_screen *s = ctx;
    if (!payload || strcmp(payload, s->id) == 0 || strlen(payload) != 36)
        reload(s);
}

/* Messages going out do not notify (one per message would flood every
 * terminal): while some are queued or in a worker's hands, the progress is
 * fetched again every few seconds. */
#define PROGRESS_EVERY_S 3

static void on_tick(void *ctx, const char *payload)
{
    (void)payload;
    struct event_screen *s = ctx;
    const struct db_notify_progress *p =
        s->have && s->v.progress.n == 1 ? DB_ROW(&s->v.progress, const struct db_notify_progress, 0) : NULL;
    if (!p || p->queued + p->sending == 0) {
        s->ticks = 0;
        return;
    }
    if (++s->ticks >= PROGRESS_EVERY_S) {
        s->ticks = 0;
        reload(s);
    }
}

static void got_setup(void *ctx, struct db_event_setup *setup, const char *err)
{
    struct event_screen *s = ctx;
    if (setup) {
        db_event_setup_free(&s->setup);
        s->setup = *setup;
        memset(setup, 0, sizeof *setup);
    } else if (err) {
        tui_message(TUI_ROLE_ERROR, "Root causes could not be loaded: %s", err);
    }
}

static void *event_open(void *arg)
{
    const char *id = arg;
    if (!id || strlen(id) != 36)
        return NULL;
    struct event_screen *s = util_calloc(1, sizeof *s);
    memcpy(s->id, id, sizeof s->id);   /* 36 characters and the end, checked above */
    app_on_notify("careline_event", on_notify, s);
    app_on_tick(on_tick, s);
    reload(s);
    db_event_setup_load(app_db(), got_setup, s);
    return s;
}

static void event_close(void *st)
{
    struct event_screen *s = st;
    app_off_notify(s);
    db_forget_owner(app_db(), s);
    db_event_view_free(&s->v);
    db_event_setup_free(&s->setup);
    free(s->error);
    free(s);
}

static void event_resume(void *st)
{
    reload(st);
}

/* ---- the page as text ------------------------------------------------------------------------ */

static void reach_lines(const struct event_screen *s, struct util_buf *b)
{
    struct db_event_reach t;
    db_event_reach_total(&s->v.reach, &t);
    util_buf_printf(b, "Reaches %lld customer%s: %lld Priority Services, %lld vulnerable, %lld non-digital.\n",
                    (long long)t.customers, t.customers == 1 ? "" : "s", (long long)t.priority_services,
                    (long long)t.vulnerable, (long long)t.non_digital);
    if (s->v.reach.n) {
        util_buf_puts(b, "By preferred channel:");
        for (int i = 0; i < s->v.reach.n; i++) {
            const struct db_event_reach *r = DB_ROW(&s->v.reach, const struct db_event_reach, i);
            util_buf_printf(b, "%s %s %lld", i ? "," : "", r->preferred_channel, (long long)r->customers);
        }
        util_buf_puts(b, ".\n");
    }
    if (s->v.progress.n == 1 && DB_ROW(&s->v.progress, const struct db_notify_progress, 0)->event_version > 0) {
        const struct db_notify_progress *p = DB_ROW(&s->v.progress, const struct db_notify_progress, 0);
        util_buf_printf(b,
                        "Notifications of version %d: %" PRId64 " queued, %" PRId64 " sent, %" PRId64 " failed, %" PRId64
                        " to call, %" PRId64 " called.\n",
                        p->event_version, p->queued + p->sending, p->sent, p->failed, p->to_call, p->called);
    } else {
        util_buf_puts(b, "Notifications: none queued yet (they are queued as each version is saved).\n");
    }
}

static void page_text(const struct event_screen *s, struct util_buf *b)
{
    const struct db_event *e = ev(s);
    const struct db_event_kind *k = db_event_kind_find(e->kind);
    bool active = strcmp(e->status, "active") == 0;
    util_buf_printf(b, "%s %s: %s\n", active ? "ACTIVE" : "ENDED", k ? k->label : e->kind, e->title);
    util_buf_puts(b, "Area:");
    if (*e->zones)
        util_buf_printf(b, " %s (%s)%s", e->zone_names, e->zones, *e->sectors ? ";" : "");
    if (*e->sectors)
        util_buf_printf(b, " %s sectors %s", db_region_postcode_word(), e->sectors);
    util_buf_puts(b, ".\n");
    util_buf_printf(b, "Started %s; %s %s. Updated %s%s%s, version %d.\n", e->started_text,
                    active ? "restore est." : "supply back", active ? (*e->restore_text ? e->restore_text : "not yet known")
                                                                   : e->ended_text,
                    e->updated_day, *e->declared_by ? "; declared by " : "", e->declared_by, e->version);
    reach_lines(s, b);
    util_buf_printf(b, "Complaints about it: %d open, %d resolved, %d in all.\n", e->complaints_open,
                    e->complaints_resolved, e->complaints_total);
    if (!active && db_region_pays()) {
        char money[32];
        util_buf_printf(b, "Guaranteed payments credited to accounts: %d, %s in all.%s%s\n", e->payments,
                        db_money_text(e->payments_total, tui_ascii(), money, sizeof money),
                        *e->root_cause ? " Root cause: " : "", e->root_cause);
    } else if (!active && *e->root_cause) {
        util_buf_printf(b, "Root cause: %s\n", e->root_cause);
    }
    struct db_sms_length l;
    char words[96];
    db_sms_measure(e->customer_message, &l);
    util_buf_printf(b, "\nCustomers are told, %s:\n%s\n", db_sms_text(&l, words, sizeof words),
                    *e->customer_message ? e->customer_message : "(no message)");
    util_buf_printf(b, "\nAgents read out:\n%s\n\nHistory:\n", e->agent_message);
    for (int i = 0; i < s->v.revisions.n; i++) {
        const struct db_event_revision *r = DB_ROW(&s->v.revisions, const struct db_event_revision, i);
        util_buf_printf(b, "  version %d: %s at %s%s%s\n", r->version, r->action, r->at_text, *r->staff ? " by " : "",
                        r->staff);
    }
}

static void event_draw(void *st, struct tui_rect b)
{
    struct event_screen *s = st;
    if (!ev(s)) {
        tui_put(b.y, b.x + 1, b.w - 2, s->error ? TUI_ROLE_ERROR : TUI_ROLE_DIM, s->error ? s->error : "Loading...");
        return;
    }
    struct tui_rect r = b;
    if (s->error) {
        tui_put(b.y, b.x + 1, b.w - 2, TUI_ROLE_ERROR, s->error);
        r.y++;
        r.h--;
    }
    struct util_buf text = {0};
    page_text(s, &text);
    /* The status word leads, in the banner's colours while the event lasts. */
    bool active = strcmp(ev(s)->status, "active") == 0;
    if (active && s->top == 0)
        tui_fill(r.y, r.x, r.w, TUI_ROLE_BANNER);
    struct tui_rect tr = {r.y, r.x + 1, r.h, r.w - 2};
    int lines = tui_put_wrapped(tr, TUI_ROLE_NORMAL, text.data, s->top, false);
    if (active && s->top == 0) {
        char *first = util_strndup(text.data, strcspn(text.data, "\n"));
        struct tui_rect one = {r.y, r.x + 1, 1, r.w - 2};
        tui_put_wrapped(one, TUI_ROLE_BANNER, first, 0, false);
        free(first);
    }
    if (s->top > lines - 1)
        s->top = lines > 0 ? lines - 1 : 0;
    util_buf_free(&text);
}

/* ---- actions --------------------------------------------------------------------------------- */

static void written(void *ctx, const struct db_event_written *w, const char *err)
{
    struct event_screen *s = ctx;
    if (err)
        tui_message(TUI_ROLE_ERROR, "Not done: %.*s", (int)strcspn(err, "\n"), err);
    else
        tui_message(TUI_ROLE_OK, "%d complaint%s %s.", w->count, w->count == 1 ? "" : "s",
                    s->cause[0] ? "resolved" : "noted");
    if (!err)
        s->request[0] = '\0';   /* the next note is a new one */
    reload(s);
}

static void on_note(void *ctx, int choice, const char *text)
{
    (void)choice;
    struct event_screen *s = ctx;
    s->cause[0] = '\0';
    if (!s->request[0])
        util_uuid(s->request);
    db_event_note_complaints(app_db(), s->id, s->request, text, written, s);
}

static void on_summary(void *ctx, int choice, const char *text)
{
    (void)choice;
    struct event_screen *s = ctx;
    db_event_resolve_complaints(app_db(), s->id, s->cause, text, written, s);
}

static void on_cause(void *ctx, int choice, const char *text)
{
    (void)text;
    struct event_screen *s = ctx;
    const struct db_root_cause *c =
        choice >= 0 && choice < s->setup.causes.n ? DB_ROW(&s->setup.causes, const struct db_root_cause, choice) : NULL;
    if (!c)
        return;
    if (util_format_fits(s->cause, sizeof s->cause, "%s", c->code) < 0) {
        tui_message(TUI_ROLE_WARN, "The root cause's code came from the database in a form Careline cannot use: nothing was resolved.");
        return;
    }
    struct prompt_spec p = {.title = "Resolve every open complaint", .question = "What was done (each customer "
                            "sees it)?", .text_label = "Summary", .text_required = true, .text_max = 500,
                            .start_on_text = true, .done = on_summary, .ctx = s};
    scr_open_prompt(&p);
}

static enum scr_result resolve_all(struct event_screen *s, const struct db_event *e)
{
    int n = s->setup.causes.n;
    if (n == 0) {
        tui_message(TUI_ROLE_WARN, "The root causes are still loading; try again in a moment.");
        return SCR_REDRAW;
    }
    const char **names = util_calloc((size_t)n, sizeof *names);
    for (int i = 0; i < n; i++)
        names[i] = DB_ROW(&s->setup.causes, const struct db_root_cause, i)->name;
    char q[160];
    util_format(q, sizeof q, "Resolve the %d open complaint%s about this event. Root cause:", e->complaints_open,
                e->complaints_open == 1 ? "" : "s");
    struct prompt_spec p = {.title = "Resolve every open complaint", .question = q, .choices = names,
                            .nchoices = n, .done = on_cause, .ctx = s};
    scr_open_prompt(&p);
    free(names);
    return SCR_REDRAW;
}

static enum scr_result supervisor_action(struct event_screen *s, const struct db_event *e, enum tui_action a)
{
    if (!e->supervisor) {
        tui_message(TUI_ROLE_WARN, "Only a supervisor changes events and acts on all their complaints.");
        return SCR_REDRAW;
    }
    bool active = strcmp(e->status, "active") == 0;
    if ((a == TUI_ACT_UPDATE_EVENT || a == TUI_ACT_CLOSE_EVENT) && !active) {
        tui_message(TUI_ROLE_WARN, "This event has ended: declare a new one if it starts again.");
        return SCR_REDRAW;
    }
    if (a == TUI_ACT_UPDATE_EVENT || a == TUI_ACT_CLOSE_EVENT) {
        struct scr_eventform_arg arg = {a == TUI_ACT_UPDATE_EVENT ? DB_EVENT_UPDATE : DB_EVENT_CLOSE, s->id};
        scr_open_eventform(&arg);
        return SCR_REDRAW;
    }
    if (a == TUI_ACT_RESOLVE_ALL && e->complaints_open == 0) {
        tui_message(TUI_ROLE_WARN, "No open complaint is linked to this event.");
        return SCR_REDRAW;
    }
    if (a == TUI_ACT_RESOLVE_ALL)
        return resolve_all(s, e);
    if (e->complaints_open == 0) {
        tui_message(TUI_ROLE_WARN, "No complaint that is still open is linked to this event.");
        return SCR_REDRAW;
    }
    char q[160];
    util_format(q, sizeof q, "One note on each of the %d open complaint%s about this event:", e->complaints_open,
                e->complaints_open == 1 ? "" : "s");
    struct prompt_spec p = {.title = "Note on every complaint", .question = q, .text_label = "Note",
                            .text_required = true, .text_max = 1000, .done = on_note, .ctx = s};
    scr_open_prompt(&p);
    return SCR_REDRAW;
}

static enum scr_result event_action(void *st, enum tui_action a)
{
    struct event_screen *s = st;
    const struct db_event *e = ev(s);
    switch (a) {
    case TUI_ACT_BACK:
        return SCR_CLOSE;
    case TUI_ACT_RELOAD:
        reload(s);
        return SCR_REDRAW;
    case TUI_ACT_UP: case TUI_ACT_PAGE_UP: case TUI_ACT_FIRST:
        s->top = a == TUI_ACT_FIRST ? 0 : s->top - (a == TUI_ACT_UP ? 1 : 10);
        if (s->top < 0)
            s->top = 0;
        return SCR_REDRAW;
    case TUI_ACT_DOWN: case TUI_ACT_PAGE_DOWN: case TUI_ACT_LAST:
        s->top += a == TUI_ACT_LAST ? 10000 : a == TUI_ACT_DOWN ? 1 : 10;
        return SCR_REDRAW;
    case TUI_ACT_READ_OUT:
        if (e)
            scr_textview_push("What agents read out", e->agent_message);
        return SCR_REDRAW;
    case TUI_ACT_UPDATE_EVENT: case TUI_ACT_CLOSE_EVENT: case TUI_ACT_NOTE_ALL: case TUI_ACT_RESOLVE_ALL:
        return e ? supervisor_action(s, e, a) : SCR_HANDLED;
    default:
        return SCR_UNHANDLED;
    }
}

static const enum tui_action *event_status(void *st)
{
    struct event_screen *s = st;
    const struct db_event *e = ev(s);
    static enum tui_action keys[12];
    int n = 0;
    if (e && e->supervisor && strcmp(e->status, "active") == 0) {
        keys[n++] = TUI_ACT_UPDATE_EVENT;
        keys[n++] = TUI_ACT_CLOSE_EVENT;
    }
    if (e && e->supervisor && e->complaints_open > 0) {
        keys[n++] = TUI_ACT_NOTE_ALL;
        keys[n++] = TUI_ACT_RESOLVE_ALL;
    }
    keys[n++] = TUI_ACT_READ_OUT;
    keys[n++] = TUI_ACT_DOWN;
    keys[n++] = TUI_ACT_BACK;
    keys[n++] = TUI_ACT_HELP;
    keys[n] = TUI_ACT_NONE;
    return keys;
}

const struct screen_ops scr_event_ops = {
    SCR_HEAD(event),
    .open = event_open,
    .close = event_close,
    .draw = event_draw,
    .action = event_action,
    .status_keys = event_status,
    .resume = event_resume,
};
