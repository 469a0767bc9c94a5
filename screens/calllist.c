/* calllist.c — the agents' outbound call list: customers to phone about a critical event (non-digital, no address, failed deliveries), priority first; take one, open the customer, record how the call went. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careline/app.h"
#include "careline/notify.h"
#include "careline/prompt.h"
#include "careline/region.h"
#include "careline/screens.h"
#include "careline/search.h"
#include "careline/tui.h"
#include "careline/util.h"

struct calllist {
    struct db_rows rows;       /* struct db_notify_call */
    long long due, later;
    bool have;
    char *error;
    struct tui_list list;
    /* The call being worked: taken at this version, recorded with this
     * contact id (made once, so a retried save records one contact). */
    char call_id[37];
    int call_version;
    char contact_id[37];
    bool open_after_take;      /* Enter: open the customer once taken */
    int top;                   /* scroll of the message below the list */
};

/* The open call list, if any, for notifications. */
static struct calllist *showing;
static bool listen_registered;

static const struct db_notify_call *row_at(const struct calllist *l, int i)
{
    return i >= 0 && i < l->rows.n ? DB_ROW(&l->rows, const struct db_notify_call, i) : NULL;
}

static const struct db_notify_call *find(const struct calllist *l, const char *id)
{
    for (int i = 0; i < l->rows.n; i++)
        if (strcmp(row_at(l, i)->id, id) == 0)
            return row_at(l, i);
    return NULL;
}

/* A failed reload keeps the list on screen under the error; the selection
 * stays on the same call when it is still there. */
static void loaded(void *ctx, struct db_rows *rows, long long due, long long later, const char *err)
{
    struct calllist *l = ctx;
    free(l->error);
    l->error = err ? util_strdup(err) : NULL;
    if (!err) {
        const struct db_notify_call *sel = row_at(l, l->list.sel);
        char *keep = sel ? util_strdup(sel->id) : NULL;   /* the row the cursor stays on, whole */
        db_rows_free(&l->rows);
        l->rows = *rows;
        *rows = (struct db_rows){0};
        l->due = due;
        l->later = later;
        l->have = true;
        tui_list_set_count(&l->list, l->rows.n);
        for (int i = 0; keep && i < l->rows.n; i++)
            if (strcmp(row_at(l, i)->id, keep) == 0)
                l->list.sel = i;
        free(keep);
    }
    tui_invalidate();
}

static void reload(struct calllist *l)
{
    db_notify_calls_load(app_db(), loaded, l);
}

/* A call taken, worked or queued anywhere: fetch the list again. */
static void relay(void *ctx, const char *channel, const char *payload)
{
    (void)ctx;
    (void)channel;
    (void)payload;
    if (showing)
        reload(showing);
}

static void *calllist_open(void *arg)
{
    (void)arg;
    struct calllist *l = util_calloc(1, sizeof *l);
    tui_list_set_count(&l->list, 0);
    if (!listen_registered) {
        db_listen(app_db(), "careline_notify", relay, NULL);
        listen_registered = true;
    }
    showing = l;
    reload(l);
    return l;
}

static void calllist_close(void *st)
{
    struct calllist *l = st;
    if (showing == l)
        showing = NULL;
    db_forget_owner(app_db(), l);
    db_rows_free(&l->rows);
    free(l->error);
    free(l);
}

/* Back from the customer view: the list may have moved on. */
static void calllist_resume(void *st)
{
    showing = st;
    reload(st);
}

static const char *reason_text(const struct db_notify_call *r)
{
    if (strcmp(r->reason, "non_digital") == 0)
        return "no internet";
    if (strcmp(r->reason, "no_address") == 0)
        return r->phone[0] ? "no mobile" : "no number";
    return "not delivered";
}

static const char *cell(void *ctx, int row, int col, enum tui_role *role)
{
    const struct db_notify_call *r = row_at(ctx, row);
    static char buf[96];
    if (!r)
        return "";
    if (r->taken_by_other)
        *role = TUI_ROLE_DIM;
    switch (col) {
    case 0:
        if (r->priority && !r->taken_by_other)
            *role = TUI_ROLE_WARN;
        return r->priority ? "PRIORITY" : "";
    case 1: return r->customer;
    case 2: return r->phone[0] ? db_phone_text(r->phone, buf, sizeof buf) : "none";
    case 3:
        if (r->no_answers)
            util_format(buf, sizeof buf, "%s, %d no answer", reason_text(r), r->no_answers);
        else
            util_format(buf, sizeof buf, "%s", reason_text(r));
        return buf;
    case 4: return r->queued_text;
    case 5:
        if (r->taken_by_me)
            return "you";
        return r->taken_by_other ? r->taken_by : "";
    }
    return "";
}

static void headline(const struct calllist *l, char *line, size_t len)
{
    if (l->error && !l->have)
        util_format(line, len, "%s", l->error);
    else if (!l->have)
        util_format(line, len, "Loading...");
    else if (l->rows.n == 0)
        util_format(line, len, "No calls to make now.%s",
                    l->later ? " Calls with no answer come back on the list later." : "");
    else
        util_format(line, len, "%lld call%s to make, priority first%s.", l->due, l->due == 1 ? "" : "s",
                    l->later ? "; more come back later after no answer" : "");
}

/* Below the list: who, why, and the words to say (wrapped, never cut). */
static void draw_detail(struct calllist *l, struct tui_rect r)
{
    const struct db_notify_call *c = row_at(l, l->list.sel);
    if (!c || r.h < 2)
        return;
    tui_hline(r.y, r.x, r.w, TUI_ROLE_BORDER);
    char line[400];
    util_format(line, sizeof line, "%s  account %s%s%s", c->event_title, c->account_no, c->flags[0] ? "  " : "",
                c->flags);
    tui_put(r.y + 1, r.x + 1, r.w - 1, c->flags[0] ? TUI_ROLE_WARN : TUI_ROLE_LABEL, line);
    struct util_buf say = {0};
    if (c->taken_by_other)
        util_buf_printf(&say, "%s is on this call now.\n", c->taken_by);
    if (c->detail[0])
        util_buf_printf(&say, "Not delivered: %s\n", c->detail);
    util_buf_printf(&say, "Say: %s", c->message);
    struct tui_rect text = {r.y + 2, r.x + 1, r.h - 2, r.w - 1};
    int lines = tui_put_wrapped(text, TUI_ROLE_NORMAL, say.data, l->top, false);
    if (l->top > lines - 1)
        l->top = lines > 0 ? lines - 1 : 0;
    util_buf_free(&say);
}

static void calllist_draw(void *st, struct tui_rect b)
{
    struct calllist *l = st;
    char line[200];
    headline(l, line, sizeof line);
    tui_put(b.y, b.x + 1, b.w - 1, l->error && !l->have ? TUI_ROLE_ERROR : TUI_ROLE_DIM, line);
    int top = 1;
    if (l->error && l->have) {
        tui_put(b.y + 1, b.x + 1, b.w - 1, TUI_ROLE_ERROR, l->error);
        top = 2;
    }
    if (!l->have || l->rows.n == 0)
        return;
    static const struct tui_column cols[] = {
        {"", 8, 0, false},           {"Customer", 0, 3, false}, {"Phone", 13, 0, false},
        {"Why a call", 0, 2, false}, {"Listed", 6, 0, false},  {"Taken by", 0, 2, false},
    };
    /* The list takes what the detail below leaves: at least five rows
     * when the screen allows it. */
    int detail_h = b.h - top >= 14 ? 7 : (b.h - top) / 3;
    struct tui_rect lr = {b.y + top, b.x, b.h - top - detail_h, b.w};
    tui_list_draw(&l->list, lr, cols, 6, true, true, cell, l);
    struct tui_rect dr = {lr.y + lr.h, b.x, detail_h, b.w};
    draw_detail(l, dr);
}

/* ---- taking, opening and recording ----------------------------------- */

static void open_customer(const struct db_notify_call *c)
{
    /* The customer view opens from a search hit; it needs the id and name. */
    struct db_search_hit h = {.customer_id = c->customer_id, .name = c->customer};
    scr_open_customer(&h);
}

static void record_prompt(struct calllist *l);

static void taken(void *ctx, int version, const char *err)
{
    struct calllist *l = ctx;
    const struct db_notify_call *c = find(l, l->call_id);
    if (err) {
        tui_message(TUI_ROLE_ERROR, "Could not take the call: %.*s", (int)strcspn(err, "\n"), err);
    } else if (version == 0 || !c) {
        tui_message(TUI_ROLE_WARN, "Someone else took or worked this call; the list is up to date now.");
        reload(l);
    } else {
        l->call_version = version;
        if (l->open_after_take)
            open_customer(c);
        else
            record_prompt(l);
    }
    tui_invalidate();
}

/* Take the selected call (a new contact id for it), then open or record. */
static enum scr_result take(struct calllist *l, bool open_after)
{
    const struct db_notify_call *c = row_at(l, l->list.sel);
    if (!c)
        return SCR_HANDLED;
    if (c->taken_by_other) {
        tui_message(TUI_ROLE_WARN, "%s is on this call: pick another.", c->taken_by);
        return SCR_REDRAW;
    }
    if (strcmp(l->call_id, c->id) != 0)
        util_uuid(l->contact_id);
    if (util_format_fits(l->call_id, sizeof l->call_id, "%s", c->id) < 0) {
        tui_message(TUI_ROLE_WARN, "This call's id came from the database in a form Careline cannot use: it was not taken.");
        return SCR_REDRAW;
    }
    l->open_after_take = open_after;
    db_notify_call_take(app_db(), c->id, c->version, taken, l);
    return SCR_REDRAW;
}

static void recorded(void *ctx, const char *result, const char *err)
{
    struct calllist *l = ctx;
    if (err) {
        /* Nothing is lost: the same contact id is sent again next time. */
        tui_message(TUI_ROLE_ERROR, "Not recorded: %.*s", (int)strcspn(err, "\n"), err);
        return;
    }
    if (strcmp(result, "done") == 0)
        tui_message(TUI_ROLE_OK, "Call recorded in the customer's contacts; it has left the list.");
    else if (strcmp(result, "again") == 0)
        tui_message(TUI_ROLE_OK, "No answer recorded; the call comes back on the list later.");
    else
        tui_message(TUI_ROLE_WARN, "Someone else worked this call first; the list is up to date now.");
    l->call_id[0] = '\0';
    reload(l);
}

static void on_outcome(void *ctx, int choice, const char *text)
{
    static const enum db_notify_call_outcome outcomes[] = {DB_CALL_REACHED, DB_CALL_NO_ANSWER,
                                                           DB_CALL_LEFT_MESSAGE};
    struct calllist *l = ctx;
    if (choice < 0 || choice > 2)
        return;
    db_notify_call_record(app_db(), l->call_id, l->call_version, outcomes[choice], text, l->contact_id, recorded,
                          l);
}

static void record_prompt(struct calllist *l)
{
    static const char *const choices[] = {"Reached: told them", "No answer", "Left a message"};
    struct prompt_spec p = {.title = "How did the call go?",
                            .question = "Recorded as an outbound call in the customer's contacts.",
                            .choices = choices, .nchoices = 3, .text_label = "Note", .text_required = false,
                            .text_max = 500, .done = on_outcome, .ctx = l};
    scr_open_prompt(&p);
}

static enum scr_result calllist_action(void *st, enum tui_action act)
{
    struct calllist *l = st;
    switch (act) {
    case TUI_ACT_BACK:
        return SCR_CLOSE;
    case TUI_ACT_RELOAD:
        reload(l);
        tui_message(TUI_ROLE_NORMAL, "Reloading...");
        return SCR_REDRAW;
    case TUI_ACT_OPEN:
        return take(l, true);
    case TUI_ACT_RECORD_CALL: {
        /* Already ours (taken before opening the customer): record at once. */
        const struct db_notify_call *c = row_at(l, l->list.sel);
        if (c && c->taken_by_me && strcmp(l->call_id, c->id) == 0) {
            l->call_version = c->version;
            record_prompt(l);
            return SCR_REDRAW;
        }
        return take(l, false);
    }
    case TUI_ACT_PAGE_DOWN:
    case TUI_ACT_PAGE_UP:
        if (!tui_list_action(&l->list, act))
            return SCR_HANDLED;
        l->top = 0;
        return SCR_REDRAW;
    default:
        if (tui_list_action(&l->list, act)) {
            l->top = 0;
            return SCR_REDRAW;
        }
        return SCR_UNHANDLED;
    }
}

static const enum tui_action *calllist_status(void *st)
{
    struct calllist *l = st;
    static enum tui_action keys[8];
    int n = 0;
    if (row_at(l, l->list.sel)) {
        keys[n++] = TUI_ACT_OPEN;
        keys[n++] = TUI_ACT_RECORD_CALL;
    }
    keys[n++] = TUI_ACT_RELOAD;
    keys[n++] = TUI_ACT_BACK;
    keys[n++] = TUI_ACT_HELP;
    keys[n] = TUI_ACT_NONE;
    return keys;
}

const struct screen_ops scr_calllist_ops = {
    SCR_HEAD(calllist),
    .open = calllist_open,
    .close = calllist_close,
    .draw = calllist_draw,
    .action = calllist_action,
    .status_keys = calllist_status,
    .resume = calllist_resume,
};
