/* complaint.c — one complaint: deadlines and time left, the history timeline, and the lifecycle actions the agent's role allows. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careline/app.h"
#include "careline/complaint.h"
#include "careline/prompt.h"
#include "careline/recovery.h"
#include "careline/screens.h"
#include "careline/sla.h"
#include "careline/tui.h"
#include "careline/util.h"

struct complaint {
    char id[37];
    struct db_complaint_detail *d;
    char *error;                 /* the complaint could not be loaded */
    char *notice;                /* what became of the last change (a conflict, a refusal) */
    struct tui_list history;
    bool busy;
    char note_id[37];            /* one id per note typed: a retry adds it once */
    char credit_id[37], follow_up_id[37];
};

static void loaded(void *ctx, struct db_complaint_detail *d)
{
    struct complaint *c = ctx;
    free(c->error);
    c->error = d->error ? util_strdup(d->error) : NULL;
    if (d->error || d->part[CD_COMPLAINT].rows == 0) {
        if (!d->error)
            c->error = util_strdup("This complaint no longer exists.");
        db_complaint_detail_free(d);
        tui_invalidate();
        return;
    }
    db_complaint_detail_free(c->d);
    c->d = d;
    tui_list_set_count(&c->history, d->part[CD_HISTORY].rows);
    tui_invalidate();
}

static void reload(struct complaint *c)
{
    db_complaint_load(app_db(), c->id, loaded, c);
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
    snprintf(c->id, sizeof c->id, "%s", id);
    tui_list_set_count(&c->history, 0);
    reload(c);
    return c;
}

static void complaint_close(void *st)
{
    struct complaint *c = st;
    db_forget_owner(app_db(), c);
    db_complaint_detail_free(c->d);
    free(c->error);
    free(c->notice);
    free(c);
}

static const char *cell(const struct complaint *c, int col)
{
    return db_cell(&c->d->part[CD_COMPLAINT], 0, col);
}

static void left(const char *secs, const char *met, char *buf, size_t len)
{
    if (*met) {
        snprintf(buf, len, "met %s", met);
        return;
    }
    if (!*secs) {
        snprintf(buf, len, "-");
        return;
    }
    long long s = strtoll(secs, NULL, 10);
    char span[32];
    sla_span_text(s, span, sizeof span);
    snprintf(buf, len, s < 0 ? "OVERDUE by %s" : "%s left", span);
}

static const char *history_cell(void *ctx, int row, int col, enum tui_role *role)
{
    struct complaint *c = ctx;
    const struct db_table *h = &c->d->part[CD_HISTORY];
    static char buf[200];
    switch (col) {
    case 0: return db_cell(h, row, CH_AT);
    case 1: return db_cell(h, row, CH_WHO);
    case 2:
        if (*db_cell(h, row, CH_TO)) {
            snprintf(buf, sizeof buf, "%s%s%s", db_cell(h, row, CH_FROM), *db_cell(h, row, CH_FROM) ? " > " : "",
                     db_cell(h, row, CH_TO));
            return buf;
        }
        *role = TUI_ROLE_DIM;
        return db_cell(h, row, CH_KIND);
    case 3: return db_cell(h, row, CH_NOTE);
    }
    return NULL;
}

static void complaint_draw(void *st, struct tui_rect b)
{
    struct complaint *c = st;
    if (!c->d) {
        tui_put(b.y, b.x + 1, b.w - 1, c->error ? TUI_ROLE_ERROR : TUI_ROLE_DIM, c->error ? c->error : "Opening...");
        return;
    }
    char line[600], l1[64], l2[64], l3[64];
    int y = b.y;
    snprintf(line, sizeof line, "%s  %s", cell(c, CD_REFERENCE), cell(c, CD_CATEGORY));
    tui_put(y++, b.x + 1, b.w - 1, TUI_ROLE_TITLE, line);
    snprintf(line, sizeof line, "%s (Acct %s)  Status: %s%s%s  Severity: %s  Owner: %s", cell(c, CD_CUSTOMER),
             cell(c, CD_ACCOUNT), cell(c, CD_STATUS), *cell(c, CD_STATUS_REASON) ? " - " : "",
             cell(c, CD_STATUS_REASON), cell(c, CD_SEVERITY), cell(c, CD_OWNER));
    tui_put(y++, b.x + 1, b.w - 1, TUI_ROLE_NORMAL, line);
    if (*cell(c, CD_MERGED_INTO)) {
        snprintf(line, sizeof line, "Merged into %s: work on that one.", cell(c, CD_MERGED_INTO));
        tui_put(y++, b.x + 1, b.w - 1, TUI_ROLE_WARN, line);
    }
    if (*cell(c, CD_EVENT)) {
        snprintf(line, sizeof line, "Linked to the event: %s", cell(c, CD_EVENT));
        tui_put(y++, b.x + 1, b.w - 1, TUI_ROLE_BANNER, line);
    }
    /* Each deadline separately, with what is left of it. */
    left(cell(c, CD_ACK_LEFT), cell(c, CD_ACK_AT), l1, sizeof l1);
    left(cell(c, CD_RESP_LEFT), cell(c, CD_RESP_AT), l2, sizeof l2);
    left(cell(c, CD_RES_LEFT), cell(c, CD_RES_AT), l3, sizeof l3);
    bool paused = strcmp(cell(c, CD_STATUS), "waiting_customer") == 0;
    const struct {
        const char *label, *due, *state;
    } rows[] = {
        {"Acknowledge", cell(c, CD_ACK_DUE), l1},
        {"First reply", cell(c, CD_RESP_DUE), l2},
        {"Resolve", cell(c, CD_RES_DUE), l3},
    };
    for (int i = 0; i < 3; i++) {
        snprintf(line, sizeof line, "%-12s due %-20s %s%s", rows[i].label, rows[i].due, rows[i].state,
                 paused && !strstr(rows[i].state, "met") ? " (clock paused)" : "");
        tui_put(y++, b.x + 1, b.w - 1, strstr(rows[i].state, "OVERDUE") ? TUI_ROLE_WARN : TUI_ROLE_NORMAL, line);
    }
    snprintf(line, sizeof line, "Root cause: %s   Resolution: %s", *cell(c, CD_ROOT_CAUSE) ? cell(c, CD_ROOT_CAUSE) : "-",
             *cell(c, CD_RESOLUTION) ? cell(c, CD_RESOLUTION) : "-");
    tui_put(y++, b.x + 1, b.w - 1, TUI_ROLE_NORMAL, line);
    if (*cell(c, CD_COMPENSATION) || db_cell_num(&c->d->part[CD_COMPLAINT], 0, CD_OPEN_FOLLOW_UPS) > 0) {
        snprintf(line, sizeof line, "%s%s%s%s", *cell(c, CD_COMPENSATION) ? "Guaranteed payments: " : "",
                 cell(c, CD_COMPENSATION), *cell(c, CD_COMPENSATION) ? "   " : "",
                 db_cell_num(&c->d->part[CD_COMPLAINT], 0, CD_OPEN_FOLLOW_UPS) > 0 ? "Follow-up open" : "");
        tui_put(y++, b.x + 1, b.w - 1, TUI_ROLE_WARN, line);
    }
    snprintf(line, sizeof line, "Said: %s", cell(c, CD_DESCRIPTION));
    tui_put(y++, b.x + 1, b.w - 1, TUI_ROLE_DIM, line);
    if (c->error || c->notice)
        tui_put(y++, b.x + 1, b.w - 1, TUI_ROLE_ERROR, c->notice ? c->notice : c->error);
    static const struct tui_column cols[] = {
        {"When", 15, 0, false}, {"Who", 0, 2, false}, {"What", 0, 3, false}, {"Note", 0, 4, false},
    };
    struct tui_rect lr = {y, b.x, b.y + b.h - y, b.w};
    if (lr.h > 1)
        tui_list_draw(&c->history, lr, cols, 4, true, true, history_cell, c);
}

/* ---- changes ------------------------------------------------------------- */

static void changed(void *ctx, bool conflict, const char *err)
{
    struct complaint *c = ctx;
    c->busy = false;
    free(c->notice);
    c->notice = NULL;
    if (conflict) {
        /* Never a silent overwrite: say so, and show what is there now. */
        c->notice = util_strdup("Not saved: someone else changed this complaint since you opened it. "
                                "It is shown as it is now; check the history, then try again.");
    } else if (err) {
        c->notice = util_asprintf("Not saved: %.*s", (int)strcspn(err, "\n"), err);
    } else {
        tui_message(TUI_ROLE_OK, "Saved.");
    }
    reload(c);
}

static void change_ex(struct complaint *c, const char *status, const char *reason, long long cause,
                      const char *resolution, const char *merge, bool override)
{
    struct db_complaint_change ch = {
        .id = c->id,
        .version = (int)db_cell_num(&c->d->part[CD_COMPLAINT], 0, CD_VERSION),
        .status = status,
        .reason = reason,
        .root_cause_id = cause,
        .resolution = resolution,
        .merge_into = merge,
        .follow_up_override = override,
    };
    c->busy = true;
    db_complaint_update(app_db(), &ch, changed, c);
}

static void change(struct complaint *c, const char *status, const char *reason, long long cause, const char *resolution,
                   const char *merge)
{
    change_ex(c, status, reason, cause, resolution, merge, false);
}

static void on_override(void *ctx, int choice, const char *text)
{
    (void)text;
    if (choice == 0)
        change_ex(ctx, "closed", "closed with an open follow-up", 0, "", NULL, true);
}

static void on_wait_reason(void *ctx, int choice, const char *text)
{
    (void)choice;
    change(ctx, "waiting_customer", text, 0, "", NULL);
}

static void on_resolve(void *ctx, int choice, const char *text)
{
    struct complaint *c = ctx;
    const struct db_table *r = &c->d->part[CD_ROOT_CAUSES];
    change(c, "resolved", "", (long long)db_cell_num(r, choice, CR_ID), text, NULL);
}

static void noted(void *ctx, const char *err)
{
    struct complaint *c = ctx;
    c->busy = false;
    free(c->notice);
    c->notice = err ? util_asprintf("Note not saved: %s", err) : NULL;
    if (!err) {
        c->note_id[0] = '\0';
        tui_message(TUI_ROLE_OK, "Note added.");
    }
    reload(c);
}

static void on_note(void *ctx, int choice, const char *text)
{
    (void)choice;
    struct complaint *c = ctx;
    if (!c->note_id[0])
        util_uuid(c->note_id);
    c->busy = true;
    db_complaint_note(app_db(), c->id, c->note_id, text, noted, c);
}

static void on_merge(void *ctx, int choice, const char *text)
{
    (void)choice;
    change(ctx, NULL, "merged as a duplicate", 0, "", text);
}

static const char *const credit_reasons[] = {
    "Apology for the inconvenience", "Billing error", "Missed appointment", "Supply interruption",
    "Poor service or staff conduct", "Other (say in the note)",
};

static void credited(void *ctx, const char *status, const char *err)
{
    struct complaint *c = ctx;
    c->busy = false;
    free(c->notice);
    c->notice = NULL;
    if (err)
        c->notice = util_asprintf("Credit not made: %.*s", (int)strcspn(err, "\n"), err);
    else if (strcmp(status, "applied") == 0)
        tui_message(TUI_ROLE_OK, "Credit applied to the account at once.");
    else
        tui_message(TUI_ROLE_WARN, "Above your authority: sent to a supervisor. You will see the decision here.");
    c->credit_id[0] = '\0';
    reload(c);
}

static void on_credit(void *ctx, int choice, const char *text)
{
    struct complaint *c = ctx;
    /* "20", "20.50", "£20": digits and one point, nothing else. */
    char amount[32];
    size_t n = 0;
    bool point = false, bad = false;
    for (const char *p = text; *p && n + 1 < sizeof amount; p++) {
        if (*p >= '0' && *p <= '9')
            amount[n++] = *p;
        else if (*p == '.' && !point)
            point = true, amount[n++] = *p;
        else if (*p != ' ' && (unsigned char)*p != 0xC2 && (unsigned char)*p != 0xA3)
            bad = true;
    }
    amount[n] = '\0';
    if (bad || n == 0 || strtod(amount, NULL) <= 0 || strtod(amount, NULL) > 100000) {
        free(c->notice);
        c->notice = util_asprintf("Credit not made: \"%s\" is not an amount (e.g. 25 or 25.50)", text);
        tui_invalidate();
        return;
    }
    if (!c->credit_id[0])
        util_uuid(c->credit_id);
    c->busy = true;
    const struct db_table *k = &c->d->part[CD_COMPLAINT];
    db_credit_offer(app_db(), c->credit_id, (long long)db_cell_num(k, 0, CD_CUSTOMER_ID), c->id, amount,
                    credit_reasons[choice < 0 ? 0 : choice], credited, c);
}

static const char *const follow_up_plans[] = {
    "In 2 days, by phone", "In 7 days, by phone", "In 7 days, by letter", "In 14 days, by e-mail",
    "In 3 days, field visit",
};
static const int follow_up_days[] = {2, 7, 7, 14, 3};
static const char *const follow_up_channels[] = {"phone", "phone", "letter", "email", "field_visit"};

static void booked(void *ctx, const char *err)
{
    struct complaint *c = ctx;
    c->busy = false;
    c->follow_up_id[0] = '\0';
    free(c->notice);
    c->notice = err ? util_asprintf("Follow-up not booked: %.*s", (int)strcspn(err, "\n"), err) : NULL;
    if (!err)
        tui_message(TUI_ROLE_OK, "Follow-up booked.");
    reload(c);
}

static void on_follow_up(void *ctx, int choice, const char *text)
{
    struct complaint *c = ctx;
    int i = choice < 0 ? 0 : choice;
    if (!c->follow_up_id[0])
        util_uuid(c->follow_up_id);
    c->busy = true;
    db_follow_up_add(app_db(), c->follow_up_id, c->id, follow_up_days[i], follow_up_channels[i], text, booked, c);
}

static bool is_supervisor(const struct complaint *c)
{
    const char *role = db_cell(&c->d->part[CD_ME], 0, ME_ROLE);
    return strcmp(role, "supervisor") == 0 || strcmp(role, "admin") == 0;
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
    if (c->busy && ((a >= TUI_ACT_ACKNOWLEDGE && a <= TUI_ACT_FOLLOW_UP) || a == TUI_ACT_RUN_SCRIPT)) {
        tui_message(TUI_ROLE_NORMAL, "Still saving the last change...");
        return SCR_REDRAW;
    }
    if (a >= TUI_ACT_ACKNOWLEDGE && a <= TUI_ACT_FOLLOW_UP) {
        free(c->notice);
        c->notice = NULL;
    }
    const char *status = cell(c, CD_STATUS);
    bool open = strcmp(status, "resolved") != 0 && strcmp(status, "closed") != 0;
    switch (a) {
    case TUI_ACT_ACKNOWLEDGE:
        change(c, "acknowledged", "", 0, "", NULL);
        return SCR_REDRAW;
    case TUI_ACT_INVESTIGATE:
        change(c, "investigating", "", 0, "", NULL);
        return SCR_REDRAW;
    case TUI_ACT_WAIT_CUSTOMER: {
        struct prompt_spec p = {.title = "Wait on the customer",
                                .question = "The response clock pauses until you go back to investigating.",
                                .text_label = "What are we waiting for?", .text_required = true, .text_max = 500,
                                .done = on_wait_reason, .ctx = c};
        scr_prompt_push(&p);
        return SCR_REDRAW;
    }
    case TUI_ACT_RESOLVE: {
        const struct db_table *r = &c->d->part[CD_ROOT_CAUSES];
        const char **names = util_calloc((size_t)(r->rows ? r->rows : 1), sizeof *names);
        for (int i = 0; i < r->rows; i++)
            names[i] = db_cell(r, i, CR_NAME);
        struct prompt_spec p = {.title = "Resolve the complaint",
                                .question = "Why did it happen (root cause), and what was done?",
                                .choices = names, .nchoices = r->rows, .text_label = "Resolution",
                                .text_required = true, .text_max = 2000, .done = on_resolve, .ctx = c};
        scr_prompt_push(&p);
        free(names);
        return SCR_REDRAW;
    }
    case TUI_ACT_CLOSE_COMPLAINT:
        if (db_cell_num(&c->d->part[CD_COMPLAINT], 0, CD_OPEN_FOLLOW_UPS) > 0) {
            if (!is_supervisor(c)) {
                free(c->notice);
                c->notice = util_strdup("A follow-up is still open: record it first (follow-ups screen), "
                                        "or ask a supervisor to close over it.");
                return SCR_REDRAW;
            }
            static const char *const answers[] = {"Close it anyway (recorded as a supervisor override)",
                                                  "Do not close yet"};
            struct prompt_spec p = {.title = "Close over an open follow-up?",
                                    .question = "The follow-up confirms the fix held; closing now skips it.",
                                    .choices = answers, .nchoices = 2, .done = on_override, .ctx = c};
            scr_prompt_push(&p);
            return SCR_REDRAW;
        }
        change(c, "closed", "", 0, "", NULL);
        return SCR_REDRAW;
    case TUI_ACT_REOPEN:
        if (open) {
            tui_message(TUI_ROLE_NORMAL, "It is still open.");
            return SCR_REDRAW;
        }
        change(c, "investigating", "reopened", 0, "", NULL);
        return SCR_REDRAW;
    case TUI_ACT_NOTE: {
        struct prompt_spec p = {.title = "Add a note", .question = "Kept in the complaint's history.",
                                .text_label = "Note", .text_required = true, .text_max = 2000, .done = on_note,
                                .ctx = c};
        scr_prompt_push(&p);
        return SCR_REDRAW;
    }
    case TUI_ACT_RUN_SCRIPT:
        tui_push(&scr_runner_ops, c->id);
        return SCR_REDRAW;
    case TUI_ACT_CREDIT: {
        struct prompt_spec p = {.title = "Goodwill credit",
                                .question = "Within your authority it is applied at once; above it a supervisor decides.",
                                .choices = credit_reasons,
                                .nchoices = (int)(sizeof credit_reasons / sizeof credit_reasons[0]),
                                .text_label = "Amount (GBP)", .text_required = true, .text_max = 12,
                                .start_on_text = true,
                                .done = on_credit, .ctx = c};
        scr_prompt_push(&p);
        return SCR_REDRAW;
    }
    case TUI_ACT_FOLLOW_UP: {
        struct prompt_spec p = {.title = "Book a follow-up",
                                .question = "When and how we check with the customer that the fix held.",
                                .choices = follow_up_plans,
                                .nchoices = (int)(sizeof follow_up_plans / sizeof follow_up_plans[0]),
                                .text_label = "What to confirm", .text_required = true, .text_max = 300,
                                .start_on_text = true,
                                .done = on_follow_up, .ctx = c};
        scr_prompt_push(&p);
        return SCR_REDRAW;
    }
    case TUI_ACT_MERGE: {
        if (!is_supervisor(c)) {
            tui_message(TUI_ROLE_WARN, "Merging complaints needs a supervisor.");
            return SCR_REDRAW;
        }
        struct prompt_spec p = {.title = "Merge into another complaint",
                                .question = "This one is closed and points to the one that carries on; history stays.",
                                .text_label = "Reference (C-YYYY-NNNNNN)", .text_required = true, .text_max = 40,
                                .done = on_merge, .ctx = c};
        scr_prompt_push(&p);
        return SCR_REDRAW;
    }
    default:
        return tui_list_action(&c->history, a) ? SCR_REDRAW : SCR_UNHANDLED;
    }
}

/* The status line offers what the complaint's state and the agent's role allow. */
static const enum tui_action *complaint_status(void *st)
{
    struct complaint *c = st;
    static enum tui_action keys[16];
    int n = 0;
    const char *s = c->d ? cell(c, CD_STATUS) : "";
    if (strcmp(s, "new") == 0)
        keys[n++] = TUI_ACT_ACKNOWLEDGE;
    if (strcmp(s, "acknowledged") == 0 || strcmp(s, "waiting_customer") == 0)
        keys[n++] = TUI_ACT_INVESTIGATE;
    if (strcmp(s, "acknowledged") == 0 || strcmp(s, "investigating") == 0)
        keys[n++] = TUI_ACT_WAIT_CUSTOMER;
    if (strcmp(s, "investigating") == 0 || strcmp(s, "acknowledged") == 0)
        keys[n++] = TUI_ACT_RESOLVE;
    if (strcmp(s, "resolved") == 0)
        keys[n++] = TUI_ACT_CLOSE_COMPLAINT;
    if (strcmp(s, "resolved") == 0 || strcmp(s, "closed") == 0)
        keys[n++] = TUI_ACT_REOPEN;
    if (strcmp(s, "closed") != 0)
        keys[n++] = TUI_ACT_RUN_SCRIPT;
    keys[n++] = TUI_ACT_NOTE;
    if (strcmp(s, "closed") != 0) {
        keys[n++] = TUI_ACT_CREDIT;
        keys[n++] = TUI_ACT_FOLLOW_UP;
    }
    if (c->d && is_supervisor(c) && strcmp(s, "closed") != 0)
        keys[n++] = TUI_ACT_MERGE;
    keys[n++] = TUI_ACT_BACK;
    keys[n++] = TUI_ACT_HELP;
    keys[n] = TUI_ACT_NONE;
    return keys;
}

const struct screen_ops scr_complaint_ops = {
    .name = "complaint",
    .title = "Complaint",
    .open = complaint_open,
    .close = complaint_close,
    .draw = complaint_draw,
    .action = complaint_action,
    .status_keys = complaint_status,
    .resume = complaint_resume,
};
