/* unmatched.c — the 311 requests that found no premise: the agent picks one, finds its premise by search (address words, ZIP or account) and links it with one key, which opens the complaint; or sets it aside with a reason. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careline/app.h"
#include "careline/import.h"
#include "careline/keymap.h"
#include "careline/prompt.h"
#include "careline/region.h"
#include "careline/screens.h"
#include "careline/textview.h"
#include "careline/tui.h"
#include "careline/util.h"

#define REQUESTS_SHOWN 200
#define PREMISES_SHOWN 50

/* Three areas, top to bottom: the requests, the search field, the premises. */
enum focus { F_REQUESTS, F_SEARCH, F_PREMISES };

struct unmatched {
    struct db_rows reqs;          /* struct db_unmatched */
    struct tui_list rlist;
    bool have, loading;
    char *error;
    int64_t shown_id;             /* the request the search was filled for */
    struct tui_field search;
    struct db_rows prem;          /* struct db_premise_hit */
    struct tui_list plist;
    bool prem_have, searching;
    char *prem_error;
    enum focus focus;
    bool busy;                    /* a link or set-aside waits for its answer */
    bool linking;                 /* which of the two */
    char reason[320];             /* the reason typed for setting aside, kept until it is written */
    char acting[160];             /* what it is about, for the message */
};

static const struct db_unmatched *req_at(const struct unmatched *u, int i)
{
    return i >= 0 && i < u->reqs.n ? DB_ROW(&u->reqs, const struct db_unmatched, i) : NULL;
}

static const struct db_premise_hit *prem_at(const struct unmatched *u, int i)
{
    return i >= 0 && i < u->prem.n ? DB_ROW(&u->prem, const struct db_premise_hit, i) : NULL;
}

static void set_text(char **slot, const char *text)
{
    free(*slot);
    *slot = text ? util_strdup(text) : NULL;
}

static void found(void *ctx, struct db_rows *rows, const char *err)
{
    struct unmatched *u = ctx;
    u->searching = false;
    set_text(&u->prem_error, err);
    if (!err) {
        db_rows_free(&u->prem);
        u->prem = *rows;
        *rows = (struct db_rows){0};
        u->prem_have = true;
        tui_list_set_count(&u->plist, u->prem.n);
        u->plist.sel = u->prem.n ? 0 : -1;
        u->plist.top = 0;
    }
    tui_invalidate();
}

/* Premises for what the field holds now (the newest text wins). */
static void search_premises(struct unmatched *u, int delay_ms)
{
    const char *t = u->search.text ? u->search.text : "";
    bool any = false;
    for (const char *p = t; *p && !any; p++)
        any = (unsigned char)*p > ' ';
    if (!any) {
        db_rows_free(&u->prem);
        tui_list_set_count(&u->plist, 0);
        u->prem_have = false;
        u->searching = false;
        return;
    }
    u->searching = true;
    db_unmatched_premises(app_db(), t, PREMISES_SHOWN, delay_ms, found, u);
}

/* The selected request's words go into the field when the selection moves. */
static void follow_selection(struct unmatched *u)
{
    const struct db_unmatched *r = req_at(u, u->rlist.sel);
    if (!r || r->id == u->shown_id)
        return;
    u->shown_id = r->id;
    tui_field_set(&u->search, r->search);
    search_premises(u, 0);
}

static void loaded(void *ctx, struct db_rows *rows, const char *err)
{
    struct unmatched *u = ctx;
    u->loading = false;
    set_text(&u->error, err);
    if (!err) {
        /* Keep the same request selected when it is still waiting. */
        int64_t keep = req_at(u, u->rlist.sel) ? req_at(u, u->rlist.sel)->id : 0;
        db_rows_free(&u->reqs);
        u->reqs = *rows;
        *rows = (struct db_rows){0};
        u->have = true;
        tui_list_set_count(&u->rlist, u->reqs.n);
        for (int i = 0; i < u->reqs.n; i++)
            if (req_at(u, i)->id == keep)
                u->rlist.sel = i;
        follow_selection(u);
    }
    tui_invalidate();
}

static void reload(struct unmatched *u)
{
    u->loading = true;
    db_unmatched_load(app_db(), REQUESTS_SHOWN, loaded, u);
}

static void *unmatched_open(void *arg)
{
    (void)arg;
    struct unmatched *u = util_calloc(1, sizeof *u);
    tui_list_set_count(&u->rlist, 0);
    tui_list_set_count(&u->plist, 0);
    tui_field_init(&u->search, 200);
    u->focus = F_SEARCH;
    tui_set_help_note("unmatched", "Requests from the city's 311 system that found no premise of their own:\n"
                                   "an intersection, an address no premise has, or several premises at it.\n"
                                   "Type words of the address, a ZIP code or postcode, or an account number;\n"
                                   "the link opens the complaint on the premise's customer.");
    reload(u);
    return u;
}

static void unmatched_close(void *st)
{
    struct unmatched *u = st;
    db_forget_owner(app_db(), u);
    db_rows_free(&u->reqs);
    db_rows_free(&u->prem);
    tui_field_free(&u->search);
    free(u->error);
    free(u->prem_error);
    free(u);
}

static void unmatched_resume(void *st)
{
    reload(st);
}

static const char *req_cell(void *ctx, int row, int col, enum tui_role *role)
{
    const struct db_unmatched *r = req_at(ctx, row);
    (void)role;
    if (!r)
        return "";
    switch (col) {
    case 0: return r->requested;
    case 1: return r->number;
    case 2: return r->category;
    case 3: return r->address;
    case 4: return r->zip;
    }
    return "";
}

static const char *prem_cell(void *ctx, int row, int col, enum tui_role *role)
{
    const struct db_premise_hit *p = prem_at(ctx, row);
    (void)role;
    if (!p)
        return "";
    switch (col) {
    case 0: return p->address;
    case 1: return p->postcode;
    case 2: return p->customer;
    case 3: return p->account_no;
    }
    return "";
}

/* The first line: how many wait, or why nothing shows. */
static void draw_info(const struct unmatched *u, struct tui_rect b)
{
    char line[256];
    enum tui_role role = TUI_ROLE_DIM;
    if (u->error) {
        util_format(line, sizeof line, "%s", u->error);
        role = TUI_ROLE_ERROR;
    } else if (!u->have) {
        util_format(line, sizeof line, "Loading...");
    } else if (u->reqs.n == 0) {
        util_format(line, sizeof line, "No 311 request waits for a premise.");
        role = TUI_ROLE_OK;
    } else {
        long long total = (long long)req_at(u, 0)->total;
        util_format(line, sizeof line, "%lld request%s wait%s for a premise, newest first%s.", total,
                    total == 1 ? "" : "s", total == 1 ? "s" : "",
                    total > u->reqs.n ? " (the newest 200 shown)" : "");
    }
    tui_fill(b.y, b.x, b.w, TUI_ROLE_NORMAL);
    tui_put(b.y, b.x + 1, b.w - 1, role, line);
}

/* The selected request: what and why, as much as fits; the key that shows all. */
static void draw_detail(const struct unmatched *u, struct tui_rect r)
{
    const struct db_unmatched *q = req_at(u, u->rlist.sel);
    if (!q || r.h < 1)
        return;
    char key[32], more[96];
    tui_key_hint("unmatched", TUI_ACT_REQUEST_DETAILS, key, sizeof key);
    util_format(more, sizeof more, "%s shows everything the city sent", key);
    char *text = util_asprintf("%s %s: %s\nWhy: %s\n%s", q->source, q->number, q->request, q->note, q->detail);
    struct tui_rect t = {r.y, r.x + 1, r.h, r.w - 1};
    tui_put_excerpt(t, TUI_ROLE_NORMAL, text, more, false);
    free(text);
}

/* Under the field: what the search found, or what to type. */
static void draw_search_hint(const struct unmatched *u, int y, struct tui_rect b)
{
    char line[256], notice[160];
    enum tui_role role = TUI_ROLE_HINT;
    if (tui_field_notice(&u->search, notice, sizeof notice)) {
        util_format(line, sizeof line, "%s", notice);
        role = TUI_ROLE_WARN;
    } else if (u->prem_error) {
        util_format(line, sizeof line, "%s", u->prem_error);
        role = TUI_ROLE_ERROR;
    } else if (u->searching) {
        util_format(line, sizeof line, "Searching...");
    } else if (u->prem_have && u->prem.n == 0) {
        util_format(line, sizeof line, "No premise held now matches: try fewer words, the ZIP, or the account number");
        role = TUI_ROLE_WARN;
    } else if (u->prem_have) {
        char key[32];
        tui_key_hint("unmatched", TUI_ACT_LINK, key, sizeof key);
        util_format(line, sizeof line, "%d premise%s%s; %s links the request to the one highlighted", u->prem.n,
                    u->prem.n == 1 ? "" : "s", u->prem.n == PREMISES_SHOWN ? " (more: type more)" : "", key);
    } else {
        util_format(line, sizeof line, "Type words of the address, a %s or an account number", db_region_postcode_word());
    }
    tui_fill(y, b.x, b.w, TUI_ROLE_NORMAL);
    tui_put(y, b.x + 1, b.w - 1, role, line);
}

static void unmatched_draw(void *st, struct tui_rect b)
{
    struct unmatched *u = st;
    if (b.h < 1 || b.w < 4)
        return;
    draw_info(u, b);
    if (!u->have || u->reqs.n == 0 || b.h < 8)
        return;
    static const struct tui_column rcols[] = {
        {"Received", 16, 0, false}, {"Number", 10, 0, false}, {"Category", 0, 2, false},
        {"Address", 0, 3, false},   {"ZIP", 10, 0, false},
    };
    /* The premises' postcodes under the region's name for them; a ZIP+4 whole. */
    struct tui_column pcols[] = {
        {"Premise", 0, 4, false}, {"Postcode", 10, 0, false}, {"Held by", 0, 2, false}, {"Account", 10, 0, false},
    };
    pcols[1].title = db_region()->postcode_label;
    int rows = (b.h - 9) / 2 < 3 ? 3 : (b.h - 9) / 2;
    struct tui_rect rl = {b.y + 1, b.x, rows, b.w};
    tui_list_draw(&u->rlist, rl, rcols, 5, true, u->focus == F_REQUESTS, req_cell, u);
    int y = b.y + 1 + rows;
    struct tui_rect dr = {y, b.x, 3, b.w};
    draw_detail(u, dr);
    y += 3;
    int x = b.x + 1 + tui_put(y, b.x + 1, b.w - 1, TUI_ROLE_LABEL, "Find the premise: ");
    tui_field_draw(&u->search, y, x, b.x + b.w - x, u->focus == F_SEARCH);
    draw_search_hint(u, y + 1, b);
    struct tui_rect pl = {y + 2, b.x, b.y + b.h - (y + 2), b.w};
    if (u->prem_have && u->prem.n > 0 && pl.h > 1)
        tui_list_draw(&u->plist, pl, pcols, 4, true, u->focus == F_PREMISES, prem_cell, u);
}

/* ---- link and set aside --------------------------------------------------- */

static void answered(void *ctx, const char *reference, bool stale, const char *err)
{
    struct unmatched *u = ctx;
    u->busy = false;
    char key[32];
    tui_key_hint("unmatched", u->linking ? TUI_ACT_LINK : TUI_ACT_SET_ASIDE, key, sizeof key);
    if (stale && u->linking)
        tui_message(TUI_ROLE_WARN, "Someone else changed the request first; the list is fresh now.");
    else if (stale)
        tui_message(TUI_ROLE_WARN, "Someone else changed it first; %s again: your reason is kept.", key);
    else if (err)
        tui_message(TUI_ROLE_ERROR, "Not done: %.*s", (int)strcspn(err, "\n"), err);
    else if (u->linking)
        tui_message(TUI_ROLE_OK, "Complaint %s opened: %s.", reference ? reference : "", u->acting);
    else
        tui_message(TUI_ROLE_OK, "%s.", u->acting);
    if (!stale && !err && !u->linking)
        u->reason[0] = '\0';
    reload(u);
}

static enum scr_result link_selected(struct unmatched *u)
{
    const struct db_unmatched *r = req_at(u, u->rlist.sel);
    const struct db_premise_hit *p = prem_at(u, u->plist.sel);
    if (u->busy)
        return SCR_HANDLED;
    if (!r || !p) {
        tui_message(TUI_ROLE_WARN, "Find the premise first: type its address, ZIP or account number.");
        return SCR_REDRAW;
    }
    util_format(u->acting, sizeof u->acting, "%s %s linked", r->source, r->number);
    u->busy = u->linking = true;
    db_unmatched_link(app_db(), r->id, r->version, p->premise_id, p->customer_id, answered, u);
    return SCR_REDRAW;
}

static void on_reason(void *ctx, int choice, const char *text)
{
    (void)choice;
    struct unmatched *u = ctx;
    const struct db_unmatched *r = req_at(u, u->rlist.sel);
    if (!r || u->busy)
        return;
    util_format(u->acting, sizeof u->acting, "%s %s set aside", r->source, r->number);
    util_format(u->reason, sizeof u->reason, "%s", text);
    u->busy = true;
    u->linking = false;
    db_unmatched_dismiss(app_db(), r->id, r->version, text, answered, u);
}

static enum scr_result set_aside(struct unmatched *u)
{
    const struct db_unmatched *r = req_at(u, u->rlist.sel);
    if (!r || u->busy)
        return SCR_HANDLED;
    struct prompt_spec p = {.title = "Set the request aside",
                            .question = "It leaves this list without a complaint. Say why (a hydrant, a street, "
                                        "not our customer): the reason stays with the request.",
                            .text_label = "Why", .text_required = true, .text_max = 300,
                            .text_initial = u->reason[0] ? u->reason : NULL, .done = on_reason, .ctx = u};
    scr_open_prompt(&p);
    return SCR_REDRAW;
}

static enum scr_result show_details(const struct unmatched *u)
{
    const struct db_unmatched *r = req_at(u, u->rlist.sel);
    if (!r)
        return SCR_HANDLED;
    char title[96];
    util_format(title, sizeof title, "%s %s", r->source, r->number);
    char *text = util_asprintf("Received: %s\nCategory: %s\nRequest: %s\nAddress: %s %s\nWhy it waits: %s\n%s",
                               r->requested, r->category, r->request, r->address, r->zip, r->note, r->detail);
    scr_textview_push(title, text);
    free(text);
    return SCR_REDRAW;
}

/* ---- keys ------------------------------------------------------------------ */

static enum scr_result move(struct unmatched *u, enum tui_action a)
{
    if (u->focus == F_PREMISES) {
        if (a == TUI_ACT_UP && u->plist.sel <= 0) {
            u->focus = F_SEARCH;
            return SCR_REDRAW;
        }
        return tui_list_action(&u->plist, a) ? SCR_REDRAW : SCR_HANDLED;
    }
    if (u->focus == F_SEARCH) {
        if (a == TUI_ACT_DOWN && u->prem.n > 0)
            u->focus = F_PREMISES;
        else if (a == TUI_ACT_UP && u->reqs.n > 0)
            u->focus = F_REQUESTS;
        return SCR_REDRAW;
    }
    if (a == TUI_ACT_DOWN && u->rlist.sel == u->reqs.n - 1) {
        u->focus = F_SEARCH;
        return SCR_REDRAW;
    }
    if (tui_list_action(&u->rlist, a))
        follow_selection(u);
    return SCR_REDRAW;
}

static enum scr_result unmatched_action(void *st, enum tui_action a)
{
    struct unmatched *u = st;
    switch (a) {
    case TUI_ACT_BACK:
        return SCR_CLOSE;
    case TUI_ACT_RELOAD:
        reload(u);
        return SCR_REDRAW;
    case TUI_ACT_LINK:
        return link_selected(u);
    case TUI_ACT_OPEN:
        if (u->focus == F_PREMISES)
            return link_selected(u);
        u->focus = u->focus == F_REQUESTS ? F_SEARCH : u->prem.n > 0 ? F_PREMISES : F_SEARCH;
        return SCR_REDRAW;
    case TUI_ACT_SET_ASIDE:
        return set_aside(u);
    case TUI_ACT_CLEAR:
        tui_field_set(&u->search, "");
        u->focus = F_SEARCH;
        search_premises(u, 0);
        return SCR_REDRAW;
    case TUI_ACT_REQUEST_DETAILS:
        return show_details(u);
    case TUI_ACT_NEXT_FIELD:
        u->focus = u->focus == F_REQUESTS ? F_SEARCH : u->focus == F_SEARCH && u->prem.n ? F_PREMISES : F_REQUESTS;
        return SCR_REDRAW;
    case TUI_ACT_PREV_FIELD:
        u->focus = u->focus == F_PREMISES ? F_SEARCH : u->focus == F_SEARCH ? F_REQUESTS : u->prem.n ? F_PREMISES : F_SEARCH;
        return SCR_REDRAW;
    case TUI_ACT_UP:
    case TUI_ACT_DOWN:
    case TUI_ACT_PAGE_UP:
    case TUI_ACT_PAGE_DOWN:
    case TUI_ACT_FIRST:
    case TUI_ACT_LAST:
        return move(u, a);
    default:
        return SCR_UNHANDLED;
    }
}

static enum scr_result unmatched_key(void *st, int key)
{
    struct unmatched *u = st;
    if (u->focus != F_SEARCH) {
        /* Typing anywhere goes to the search: agents type first. */
        if (!tui_key_printable(key))
            return SCR_UNHANDLED;
        u->focus = F_SEARCH;
    }
    bool changed = false;
    if (!tui_field_key(&u->search, key, &changed))
        return SCR_UNHANDLED;
    if (changed)
        search_premises(u, app_conf()->search_delay_ms);
    return SCR_REDRAW;
}

static bool unmatched_wants_text(void *st)
{
    return ((struct unmatched *)st)->focus == F_SEARCH;
}

static const enum tui_action *unmatched_status(void *st)
{
    struct unmatched *u = st;
    static enum tui_action keys[8];
    int n = 0;
    if (req_at(u, u->rlist.sel) && prem_at(u, u->plist.sel))
        keys[n++] = TUI_ACT_LINK;
    if (req_at(u, u->rlist.sel)) {
        keys[n++] = TUI_ACT_SET_ASIDE;
        keys[n++] = TUI_ACT_REQUEST_DETAILS;
    }
    keys[n++] = TUI_ACT_NEXT_FIELD;
    keys[n++] = TUI_ACT_BACK;
    keys[n++] = TUI_ACT_HELP;
    keys[n] = TUI_ACT_NONE;
    return keys;
}

const struct screen_ops scr_unmatched_ops = {
    SCR_HEAD(unmatched),
    .open = unmatched_open,
    .close = unmatched_close,
    .draw = unmatched_draw,
    .action = unmatched_action,
    .key = unmatched_key,
    .wants_text = unmatched_wants_text,
    .status_keys = unmatched_status,
    .resume = unmatched_resume,
};
