/* duplicates.c — duplicate customers for supervisors: the likely pairs, two records side by side, merge into the one kept, "not the same person", and undoing a merge of the last day. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careline/app.h"
#include "careline/keymap.h"
#include "careline/merge.h"
#include "careline/prompt.h"
#include "careline/region.h"
#include "careline/screens.h"
#include "careline/sla.h"
#include "careline/tui.h"
#include "careline/util.h"

enum view { V_PAIRS, V_COMPARE, V_RECENT };

struct dup {
    enum view view;
    struct db_rows pairs;        /* struct db_merge_pair */
    struct db_rows sides;        /* struct db_merge_side: the pair compared, a first */
    struct db_rows recent;       /* struct db_merge_recent */
    struct tui_list plist, rlist;
    bool loading, have_pairs;
    char *error;
    long long a, b;              /* the pair compared */
    int keep;                    /* the side kept: 0 (a) or 1 (b) */
    bool keep_chosen;            /* by the supervisor (s); else the rule decides on each load */
    char merge_id[37];           /* the merge being made: the same id until it is saved */
    bool retry;                  /* refused: R merges again */
    char *notice;                /* what became of the last merge, shown whole */
    int top;                     /* first line of the comparison shown */
};

static const struct db_merge_pair *pair_at(const struct dup *d, int i)
{
    return i >= 0 && i < d->pairs.n ? DB_ROW(&d->pairs, const struct db_merge_pair, i) : NULL;
}

static const struct db_merge_recent *recent_at(const struct dup *d, int i)
{
    return i >= 0 && i < d->recent.n ? DB_ROW(&d->recent, const struct db_merge_recent, i) : NULL;
}

/* The pair as loaded: a and b, or NULL until both are there. */
static const struct db_merge_side *side(const struct dup *d, int i)
{
    return d->sides.n == 2 ? DB_ROW(&d->sides, const struct db_merge_side, i) : NULL;
}

static void set_notice(struct dup *d, char *text)
{
    free(d->notice);
    d->notice = text;
}

static void take_rows(struct dup *d, struct db_rows *into, struct db_rows *rows, const char *err)
{
    d->loading = false;
    free(d->error);
    d->error = err ? util_strdup(err) : NULL;
    if (!err) {
        db_rows_free(into);
        *into = *rows;
        *rows = (struct db_rows){0};
    }
    tui_invalidate();
}

static void pairs_loaded(void *ctx, struct db_rows *rows, const char *err)
{
    struct dup *d = ctx;
    take_rows(d, &d->pairs, rows, err);
    d->have_pairs = d->have_pairs || !err;
    tui_list_set_count(&d->plist, d->pairs.n);
}

static void sides_loaded(void *ctx, struct db_rows *rows, const char *err)
{
    struct dup *d = ctx;
    take_rows(d, &d->sides, rows, err);
    if (!err && d->sides.n != 2)
        d->error = util_strdup("One of these customers no longer exists: the list is fetched again.");
    if (!err && d->sides.n == 2 && !d->keep_chosen)
        d->keep = db_merge_survivor(side(d, 0), side(d, 1));
}

static void recent_loaded(void *ctx, struct db_rows *rows, const char *err)
{
    struct dup *d = ctx;
    take_rows(d, &d->recent, rows, err);
    tui_list_set_count(&d->rlist, d->recent.n);
}

static void reload(struct dup *d)
{
    d->loading = true;
    if (d->view == V_PAIRS)
        db_merge_pairs_load(app_db(), 200, pairs_loaded, d);
    else if (d->view == V_COMPARE)
        db_merge_compare_load(app_db(), d->a, d->b, sides_loaded, d);
    else
        db_merge_recent_load(app_db(), recent_loaded, d);
}

static void show(struct dup *d, enum view v)
{
    d->view = v;
    d->top = 0;
    set_notice(d, NULL);
    reload(d);
}

static void *dup_open(void *arg)
{
    (void)arg;
    if (strcmp(app_staff_role(), "supervisor") != 0 && strcmp(app_staff_role(), "admin") != 0) {
        tui_message(TUI_ROLE_WARN, "Merging duplicate customers is for supervisors.");
        return NULL;
    }
    struct dup *d = util_calloc(1, sizeof *d);
    tui_list_set_count(&d->plist, 0);
    tui_list_set_count(&d->rlist, 0);
    reload(d);
    return d;
}

static void dup_close(void *st)
{
    struct dup *d = st;
    db_forget_owner(app_db(), d);
    db_rows_free(&d->pairs);
    db_rows_free(&d->sides);
    db_rows_free(&d->recent);
    free(d->error);
    free(d->notice);
    free(d);
}

/* ---- drawing ---------------------------------------------------------------------- */

static const char *pair_cell(void *ctx, int row, int col, enum tui_role *role)
{
    const struct db_merge_pair *p = pair_at(ctx, row);
    static char buf[160];
    if (!p)
        return "";
    switch (col) {
    case 0:
        *role = TUI_ROLE_WARN;
        return p->reasons;
    case 1: util_format(buf, sizeof buf, "%s %s", p->a_account, p->a_name); return buf;
    case 2: util_format(buf, sizeof buf, "%s %s", p->b_account, p->b_name); return buf;
    }
    return "";
}

static const char *recent_cell(void *ctx, int row, int col, enum tui_role *role)
{
    const struct db_merge_recent *r = recent_at(ctx, row);
    static char buf[160];
    if (!r)
        return "";
    switch (col) {
    case 0: return r->at;
    case 1: return r->by;
    case 2: util_format(buf, sizeof buf, "%s %s", r->merged_account, r->merged); return buf;
    case 3: util_format(buf, sizeof buf, "%s %s", r->survivor_account, r->survivor); return buf;
    case 4:
        *role = r->undone ? TUI_ROLE_DIM : TUI_ROLE_NORMAL;
        return r->undone ? "undone" : "merged";
    }
    return "";
}

/* One field of the two records: what differs stands out. */
struct line {
    const char *label;
    char left[200], right[200];
};

static int compare_lines(const struct db_merge_side *s[2], struct line *out)
{
    int n = 0;
#define LINE(lbl, fmt, ...)                                                        \
    do {                                                                           \
        out[n].label = lbl;                                                        \
        for (int i = 0; i < 2; i++)                                                \
            util_format(i ? out[n].right : out[n].left, sizeof out[n].left, fmt, __VA_ARGS__); \
        n++;                                                                       \
    } while (0)
    char money[2][32], phone[2][40];
    for (int i = 0; i < 2; i++) {
        db_money_text(s[i]->balance, tui_ascii(), money[i], sizeof money[i]);
        db_phone_text(s[i]->phone, phone[i], sizeof phone[i]);
    }
    LINE("Name", "%s", s[i]->name);
    LINE("Account", "%s", s[i]->account_no);
    LINE("Segment", "%s", s[i]->segment);
    LINE("Phone", "%s", *phone[i] ? phone[i] : "-");
    LINE("E-mail", "%s", *s[i]->email ? s[i]->email : "-");
    LINE("Address", "%s", *s[i]->address ? s[i]->address : "-");
    LINE("Flags", "%s", *s[i]->flags ? s[i]->flags : "-");
    LINE("Since", "%s", s[i]->created);
    LINE("Balance", "%s", money[i]);
    LINE("Contacts", "%lld%s%s", (long long)s[i]->contacts, *s[i]->last_contact ? ", last " : "", s[i]->last_contact);
    LINE("Complaints", "%lld (%lld open)", (long long)s[i]->complaints, (long long)s[i]->open_complaints);
    LINE("Bills", "%lld, %lld payments", (long long)s[i]->bills, (long long)s[i]->payments);
    LINE("Credits", "%lld", (long long)s[i]->credits);
    LINE("Programmes", "%lld", (long long)s[i]->programmes);
    LINE("Premises", "%lld", (long long)s[i]->premises);
#undef LINE
    return n;
}

static void draw_compare(struct dup *d, struct tui_rect b)
{
    const struct db_merge_side *s[2] = {side(d, d->keep), side(d, !d->keep)};
    int y = b.y;
    if (!s[0]) {
        tui_put_lines(y, b, 2, d->error ? TUI_ROLE_ERROR : TUI_ROLE_DIM, d->error ? d->error : "Loading the two records...");
        return;
    }
    struct line lines[20];
    int n = compare_lines(s, lines);
    int lw = 11, cw = (b.w - 2 - lw - 2) / 2;
    tui_put(y, b.x + 1, lw, TUI_ROLE_HEADER, "");
    tui_put(y, b.x + 2 + lw, cw, TUI_ROLE_HEADER, "Kept (survivor)");
    tui_put(y, b.x + 3 + lw + cw, cw, TUI_ROLE_HEADER, "Merged into it (a pointer)");
    y++;
    char *sum = db_merge_summary(s[0], s[1]);
    int foot = tui_wrap_count(sum, b.w - 1) + (d->notice ? tui_wrap_count(d->notice, b.w - 1) : 0);
    foot = foot > 7 ? 7 : foot;
    for (int i = d->top; i < n && y < b.y + b.h - foot; i++) {
        /* A value that does not fit its column takes a second row, not a cut. */
        int h = tui_wrap_count(lines[i].left, cw) > 1 || tui_wrap_count(lines[i].right, cw) > 1 ? 2 : 1;
        bool differ = strcmp(lines[i].left, lines[i].right) != 0 && i != 1;
        tui_put(y, b.x + 1, lw, TUI_ROLE_LABEL, lines[i].label);
        tui_put_wrapped((struct tui_rect){y, b.x + 2 + lw, h, cw}, differ ? TUI_ROLE_WARN : TUI_ROLE_NORMAL,
                        lines[i].left, 0, false);
        tui_put_wrapped((struct tui_rect){y, b.x + 3 + lw + cw, h, cw}, differ ? TUI_ROLE_WARN : TUI_ROLE_NORMAL,
                        lines[i].right, 0, false);
        y += h;
    }
    y = tui_put_lines(b.y + b.h - foot, b, foot, TUI_ROLE_NORMAL, sum);
    if (d->notice)
        tui_put_lines(y, b, b.y + b.h - y, TUI_ROLE_ERROR, d->notice);
    free(sum);
}

static void dup_draw(void *st, struct tui_rect b)
{
    struct dup *d = st;
    if (b.h < 6 || b.w < 30)
        return;
    if (d->view == V_COMPARE) {
        draw_compare(d, b);
        return;
    }
    char keys[3][32];
    tui_keymap_keys_for("duplicates", TUI_ACT_OPEN, keys[0], sizeof keys[0]);
    tui_keymap_keys_for("duplicates", TUI_ACT_RECENT_MERGES, keys[1], sizeof keys[1]);
    tui_keymap_keys_for("duplicates", TUI_ACT_UNDO, keys[2], sizeof keys[2]);
    char *head = d->error ? util_strdup(d->error)
               : d->view == V_PAIRS
                   ? util_asprintf("%d likely duplicate pair%s found by the database (same phone, same e-mail, a "
                                   "similar name at the same premise). %s compares a pair; %s lists the merges "
                                   "of the last day.", d->pairs.n, d->pairs.n == 1 ? "" : "s", keys[0], keys[1])
                   : util_asprintf("Merges of the last day, newest first. %s undoes the selected one: everything "
                                   "it moved goes back.", keys[2]);
    int y = tui_put_lines(b.y, b, 3, d->error ? TUI_ROLE_ERROR : TUI_ROLE_DIM, head);
    free(head);
    if (d->notice)
        y = tui_put_lines(y, b, 3, TUI_ROLE_ERROR, d->notice);
    /* The selected pair whole at the bottom: the columns may cut names. */
    const struct db_merge_pair *p = d->view == V_PAIRS ? pair_at(d, d->plist.sel) : NULL;
    const struct db_merge_recent *r = d->view == V_RECENT ? recent_at(d, d->rlist.sel) : NULL;
    char *whole = p ? util_asprintf("%s %s and %s %s: %s.", p->a_account, p->a_name, p->b_account, p->b_name,
                                    p->reasons)
                : r ? util_asprintf("%s: %s %s merged into %s %s%s%s.", r->at, r->merged_account, r->merged,
                                    r->survivor_account, r->survivor, *r->by ? " by " : "", r->by)
                    : NULL;
    int wh = whole ? tui_wrap_count(whole, b.w - 1) : 0;
    wh = wh > 3 ? 3 : wh;
    if (whole)
        tui_put_lines(b.y + b.h - wh, b, wh, TUI_ROLE_NORMAL, whole);
    free(whole);
    struct tui_rect lr = {y + 1, b.x, b.y + b.h - y - 1 - wh, b.w};
    if (d->view == V_PAIRS) {
        static const struct tui_column cols[] = {{"Why", 0, 2, false}, {"One", 0, 3, false}, {"Other", 0, 3, false}};
        tui_list_draw(&d->plist, lr, cols, 3, true, true, pair_cell, d);
    } else {
        static const struct tui_column cols[] = {{"When", 12, 0, false}, {"By", 0, 2, false},
                                                 {"Merged", 0, 3, false}, {"Into", 0, 3, false},
                                                 {"Now", 6, 0, false}};
        tui_list_draw(&d->rlist, lr, cols, 5, true, true, recent_cell, d);
    }
}

/* ---- actions ---------------------------------------------------------------------- */

static void merged(void *ctx, bool conflict, const char *err)
{
    struct dup *d = ctx;
    char again[32];
    tui_keymap_keys_for("duplicates", TUI_ACT_RETRY, again, sizeof again);
    if (conflict) {
        d->retry = true;
        set_notice(d, util_asprintf("Not merged: one of the two records changed after you compared them; they "
                                    "are shown as they are now. Your choice is kept: %s merges them again.", again));
        reload(d);
    } else if (err) {
        d->retry = true;
        set_notice(d, util_asprintf("Not merged: %s Your choice is kept: %s tries again.", err, again));
    } else {
        const struct db_merge_side *gone = side(d, !d->keep), *kept = side(d, d->keep);
        tui_message(TUI_ROLE_OK, "Merged: %s now points to %s.", gone ? gone->account_no : "",
                    kept ? kept->account_no : "");
        d->retry = false;
        d->merge_id[0] = '\0';
        d->keep_chosen = false;
        show(d, V_PAIRS);
    }
    tui_invalidate();
}

static void send_merge(struct dup *d)
{
    const struct db_merge_side *kept = side(d, d->keep), *gone = side(d, !d->keep);
    if (!kept || !gone)
        return;
    if (!d->merge_id[0])
        util_uuid(d->merge_id);
    d->retry = false;
    set_notice(d, NULL);
    db_merge_customers(app_db(), d->merge_id, kept, gone, merged, d);
}

static void on_confirm_merge(void *ctx, int choice, const char *text)
{
    (void)text;
    if (choice == 0)
        send_merge(ctx);
}

static void ask_merge(struct dup *d)
{
    const struct db_merge_side *kept = side(d, d->keep), *gone = side(d, !d->keep);
    if (!kept || !gone)
        return;
    char *sum = db_merge_summary(kept, gone);
    char *yes = util_asprintf("Merge: keep %s, %s becomes a pointer", kept->account_no, gone->account_no);
    const char *choices[] = {yes, "Do not merge"};
    struct prompt_spec p = {.title = "Merge the two records", .question = sum, .choices = choices, .nchoices = 2,
                            .done = on_confirm_merge, .ctx = d};
    scr_open_prompt(&p);
    free(yes);
    free(sum);
}

static void answered(void *ctx, const char *err)
{
    struct dup *d = ctx;
    if (err)
        set_notice(d, util_asprintf("Not done: %s", err));
    else
        tui_message(TUI_ROLE_OK, "%s", d->view == V_RECENT ? "Merge undone: everything it moved is back."
                                                           : "The pair is left out of the list from now on.");
    if (!err && d->view == V_COMPARE)
        d->view = V_PAIRS;
    reload(d);
}

static void on_confirm_dismiss(void *ctx, int choice, const char *text)
{
    (void)text;
    struct dup *d = ctx;
    if (choice == 0)
        db_merge_dismiss(app_db(), d->a, d->b, answered, d);
}

static void on_confirm_undo(void *ctx, int choice, const char *text)
{
    (void)text;
    struct dup *d = ctx;
    const struct db_merge_recent *r = recent_at(d, d->rlist.sel);
    if (choice == 0 && r)
        db_merge_undo(app_db(), r->id, answered, d);
}

static void confirm(struct dup *d, const char *title, char *question, const char *yes,
                    void (*done)(void *, int, const char *))
{
    const char *choices[] = {yes, "Cancel"};
    struct prompt_spec p = {.title = title, .question = question, .choices = choices, .nchoices = 2, .done = done,
                            .ctx = d};
    scr_open_prompt(&p);
    free(question);
}

/* The pair under the cursor (or being compared) is not one person. */
static enum scr_result dismiss(struct dup *d)
{
    if (d->view == V_PAIRS) {
        const struct db_merge_pair *p = pair_at(d, d->plist.sel);
        if (!p)
            return SCR_HANDLED;
        d->a = (long long)p->a_id;
        d->b = (long long)p->b_id;
    }
    confirm(d, "Not the same person",
            util_asprintf("Leave this pair out of the list for good? (Decided by you, kept in the audit log.)"),
            "They are different customers", on_confirm_dismiss);
    return SCR_REDRAW;
}

static enum scr_result undo(struct dup *d)
{
    const struct db_merge_recent *r = recent_at(d, d->rlist.sel);
    if (!r)
        return SCR_HANDLED;
    if (r->undone) {
        tui_message(TUI_ROLE_WARN, "This merge was undone already.");
        return SCR_REDRAW;
    }
    confirm(d, "Undo the merge",
            util_asprintf("Undo merging %s into %s? Everything the merge moved goes back to %s; what was added to "
                          "%s since stays there.", r->merged_account, r->survivor_account, r->merged_account,
                          r->survivor_account),
            "Undo it", on_confirm_undo);
    return SCR_REDRAW;
}

static enum scr_result open_pair(struct dup *d)
{
    const struct db_merge_pair *p = pair_at(d, d->plist.sel);
    if (!p)
        return SCR_HANDLED;
    d->a = (long long)p->a_id;
    d->b = (long long)p->b_id;
    d->keep_chosen = false;
    d->merge_id[0] = '\0';
    d->retry = false;
    db_rows_free(&d->sides);
    show(d, V_COMPARE);
    return SCR_REDRAW;
}

/* Keys of the comparison; anything else falls to the common keys. */
static enum scr_result compare_action(struct dup *d, enum tui_action a)
{
    switch (a) {
    case TUI_ACT_MERGE_CUSTOMERS: ask_merge(d); return SCR_REDRAW;
    case TUI_ACT_RETRY:
        if (d->retry)
            send_merge(d);
        return SCR_REDRAW;
    case TUI_ACT_SWAP:
        d->keep = !d->keep;
        d->keep_chosen = true;
        return SCR_REDRAW;
    case TUI_ACT_UP: d->top -= d->top > 0; return SCR_REDRAW;
    case TUI_ACT_DOWN: d->top += d->top < 14; return SCR_REDRAW;
    case TUI_ACT_BACK: show(d, V_PAIRS); return SCR_REDRAW;
    default: return SCR_UNHANDLED;
    }
}

static enum scr_result dup_action(void *st, enum tui_action a)
{
    struct dup *d = st;
    if (d->view == V_COMPARE && compare_action(d, a) != SCR_UNHANDLED)
        return SCR_REDRAW;
    switch (a) {
    case TUI_ACT_BACK:
        if (d->view == V_RECENT) {
            show(d, V_PAIRS);
            return SCR_REDRAW;
        }
        return SCR_CLOSE;
    case TUI_ACT_OPEN:
    case TUI_ACT_MERGE_CUSTOMERS:
        return d->view == V_PAIRS ? open_pair(d) : SCR_HANDLED;
    case TUI_ACT_NOT_DUPLICATE:
        return d->view == V_RECENT ? SCR_HANDLED : dismiss(d);
    case TUI_ACT_RECENT_MERGES:
        show(d, d->view == V_RECENT ? V_PAIRS : V_RECENT);
        return SCR_REDRAW;
    case TUI_ACT_UNDO:
        return d->view == V_RECENT ? undo(d) : SCR_HANDLED;
    case TUI_ACT_RELOAD:
        reload(d);
        return SCR_REDRAW;
    default:
        return tui_list_action(d->view == V_RECENT ? &d->rlist : &d->plist, a) ? SCR_REDRAW : SCR_UNHANDLED;
    }
}

static const enum tui_action *dup_status(void *st)
{
    struct dup *d = st;
    static const enum tui_action pairs[] = {TUI_ACT_OPEN, TUI_ACT_NOT_DUPLICATE, TUI_ACT_RECENT_MERGES,
                                            TUI_ACT_BACK, TUI_ACT_HELP, TUI_ACT_NONE};
    static const enum tui_action compare[] = {TUI_ACT_MERGE_CUSTOMERS, TUI_ACT_SWAP, TUI_ACT_NOT_DUPLICATE,
                                              TUI_ACT_BACK, TUI_ACT_HELP, TUI_ACT_NONE};
    static const enum tui_action retry[] = {TUI_ACT_RETRY, TUI_ACT_SWAP, TUI_ACT_BACK, TUI_ACT_HELP, TUI_ACT_NONE};
    static const enum tui_action recent[] = {TUI_ACT_UNDO, TUI_ACT_RECENT_MERGES, TUI_ACT_BACK, TUI_ACT_HELP,
                                             TUI_ACT_NONE};
    return d->view == V_PAIRS ? pairs : d->view == V_RECENT ? recent : d->retry ? retry : compare;
}

const struct screen_ops scr_duplicates_ops = {
    SCR_HEAD(duplicates),
    .open = dup_open,
    .close = dup_close,
    .draw = dup_draw,
    .action = dup_action,
    .status_keys = dup_status,
};
