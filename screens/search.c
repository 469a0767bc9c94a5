/* search.c — the agent's home screen: one input, search as you type, a ranked list of customers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careline/app.h"
#include "careline/audit_screen.h"
#include "careline/keymap.h"
#include "careline/region.h"
#include "careline/screens.h"
#include "careline/search.h"
#include "careline/text.h"
#include "careline/tui.h"
#include "careline/util.h"

enum focus { FOCUS_INPUT, FOCUS_LIST };

struct search {
    struct tui_field input;
    struct tui_list list;
    struct db_search_result *res;   /* what the list shows; NULL before the first answer */
    enum focus focus;
    bool searching;                 /* a search is queued or in flight */
    bool fetching;                  /* the next rows of the shown search are on their way */
    bool near;                      /* the first page has near matches (told on the line above) */
    char hint[256];                 /* why the text cannot be searched, or the last error */
    char stale[160];                /* the results come from a standby this far behind, "" fresh */
    bool hint_is_error;
    char shown_for[256];            /* the text the current results answer */
    char pending_for[256];
    bool narrow;                    /* drawn with the narrow column set */
    bool short_flags;               /* flags as letters (see the help note); once set, for the rest of the list */
};

static const char *segment_label(const char *code)
{
    static const struct {
        const char *code, *label;
    } labels[] = {
        {"residential_single", "household"}, {"residential_multi", "flats"},   {"senior", "senior"},
        {"small_business", "small biz"},     {"commercial", "commercial"},     {"industrial", "industrial"},
        {"key_account", "key account"},      {"public_sector", "public"},
    };
    for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
        if (strcmp(labels[i].code, code) == 0)
            return labels[i].label;
    return code;
}

/* Rows a fetch asks for: what the list shows (its height at the last draw;
 * 19 at 80x24 before the first). A search answers with that much, and the
 * next page follows when the agent stops typing for PREFETCH_MS, so it is
 * there when they scroll; the rest comes a page at a time as they do. A far
 * database pays for every row sent, and most searches are superseded by
 * the next key before anyone looks past the first page. ui.search_limit
 * caps a fetch. */
#define PREFETCH_MS 150
#define FLAGS_WIDTH 12   /* the flags column: wider flags show as letters */
#define POSTCODE_MAX 10   /* the longest postcode the database takes (2 to 10 characters) */
static int page_rows(const struct search *s)
{
    int page = s->list.page > 0 ? s->list.page : 19;
    return page < app_conf()->search_limit ? page : app_conf()->search_limit;
}

static void on_results(void *ctx, struct db_search_result *r);

/* The rows after the ones held, while the agent is within a page of their
 * end: scrolling never waits for them but at the very end. */
static void fetch_more(struct search *s)
{
    if (!s->res || !s->res->more || s->fetching || s->searching || s->list.sel < s->res->count - page_rows(s))
        return;
    s->fetching = true;
    db_search_page(app_search_db(), s->shown_for, s->res->count, page_rows(s), 0, on_results, s);
}

static bool long_flags(const struct db_search_hit *h, int from, int to)
{
    for (int i = from; i < to; i++)
        if ((int)strlen(h[i].flags) > FLAGS_WIDTH)
            return true;
    return false;
}

static enum tui_role result_line(const struct search *s, char *line, size_t len);

/* More rows of the shown search: drawn only when the agent can see a
 * difference (rows in view, the line above, the flags' form), so a page
 * fetched ahead costs the terminal nothing. */
static void on_page(struct search *s, struct db_search_result *r)
{
    s->fetching = false;
    if (r->error) {
        util_format(s->hint, sizeof s->hint, "%s", r->error);
        s->hint_is_error = true;
        tui_invalidate();
    } else if (s->res && strcmp(s->pending_for, s->shown_for) == 0) {
        char before[320], after[320];
        result_line(s, before, sizeof before);
        int old = s->res->count;
        db_search_result_append(s->res, r);
        tui_list_set_count(&s->list, s->res->count);
        result_line(s, after, sizeof after);
        if (s->list.top + s->list.page > old || strcmp(before, after) != 0)
            tui_invalidate();
        fetch_more(s);
    }
    db_search_result_free(r);
    free(r);
}

static void on_results(void *ctx, struct db_search_result *r)
{
    struct search *s = ctx;
    if (r->offset > 0) {
        on_page(s, r);
        return;
    }
    s->searching = false;
    s->fetching = false;
    if (r->error) {
        /* Keep what the agent already has on screen: a lost connection must
         * not blank the list they are reading. */
        util_format(s->hint, sizeof s->hint, "%s", r->error);
        s->hint_is_error = true;
        db_search_result_free(r);
        free(r);
        tui_invalidate();
        return;
    }
    if (s->res) {
        db_search_result_free(s->res);
        free(s->res);
    }
    s->res = r;
    s->near = !r->total_capped && r->count > r->total;
    s->short_flags = false;
    /* Measured with the answer (db_standby_lag). */
    db_standby_note(app_search_db(), app_conf()->stale_after_seconds, s->stale, sizeof s->stale);
    util_format(s->shown_for, sizeof s->shown_for, "%s", s->pending_for);
    tui_list_set_count(&s->list, r->count);
    s->list.sel = r->count ? 0 : -1;
    s->list.top = 0;
    s->hint[0] = '\0';
    s->hint_is_error = false;
    if (r->more) {
        s->fetching = true;
        db_search_page(app_search_db(), s->shown_for, r->count, page_rows(s), PREFETCH_MS, on_results, s);
    }
    tui_invalidate();
}

static void start_search(struct search *s)
{
    const char *text = s->input.text;
    struct db_conn *db = app_search_db();
    if (db_search_check(text, s->hint, sizeof s->hint) < 0) {
        /* Input that cannot be searched gets a hint, never a database error;
         * an older search still in flight must not overwrite the hint. */
        db_forget_owner(db, s);
        s->searching = false;
        s->hint_is_error = text[0] != '\0';
        if (s->res) {
            db_search_result_free(s->res);
            free(s->res);
            s->res = NULL;
        }
        tui_list_set_count(&s->list, 0);
        s->shown_for[0] = '\0';
        return;
    }
    s->hint[0] = '\0';
    s->searching = true;
    s->fetching = false;
    util_format(s->pending_for, sizeof s->pending_for, "%s", text);
    db_search_start(db, text, page_rows(s), app_conf()->search_delay_ms, on_results, s);
}

static void *search_open(void *arg)
{
    (void)arg;
    struct search *s = util_calloc(1, sizeof *s);
    tui_set_help_note("search", "Flags: EVENT (E) a critical event affects the customer's area;\n"
                                "PSR (P) on the Priority Services Register; VULN (V) vulnerable;\n"
                                "NODIGI (N) non-digital; KEY (K) key account; ARREARS (A) in arrears.\n"
                                "When the words do not all fit, each flag shows as its letter.");
    tui_field_init(&s->input, DB_SEARCH_INPUT_MAX);
    tui_list_set_count(&s->list, 0);
    db_search_check("", s->hint, sizeof s->hint);
    return s;
}

static void search_close(void *st)
{
    struct search *s = st;
    db_forget_owner(app_search_db(), s);
    tui_field_free(&s->input);
    if (s->res) {
        db_search_result_free(s->res);
        free(s->res);
    }
    free(s);
}

enum col { COL_ACCOUNT, COL_NAME, COL_ADDRESS, COL_POSTCODE, COL_SEGMENT, COL_FLAGS };

/* Wide terminals get every column; narrow ones keep what identifies the
 * customer on the phone (account, name, postcode) rather than squeezing
 * every column to a single character. */
static const struct tui_column wide_columns[] = {
    {"Account", 10, 0, false}, {"Name", 0, 3, false},     {"Address", 0, 2, false},
    {"Postcode", 8, 0, false}, {"Segment", 11, 0, false}, {"Flags", FLAGS_WIDTH, 0, false},
};
static const enum col wide_map[] = {COL_ACCOUNT, COL_NAME, COL_ADDRESS, COL_POSTCODE, COL_SEGMENT, COL_FLAGS};
static const struct tui_column narrow_columns[] = {
    {"Account", 10, 0, false}, {"Name", 0, 1, false}, {"Postcode", 8, 0, false},
};
static const enum col narrow_map[] = {COL_ACCOUNT, COL_NAME, COL_POSTCODE};
#define NARROW_BELOW 64

/* The postcode column is as wide as its title or the longest postcode found,
 * so a ZIP+4 (10462-1234) is never cut and a British list keeps its width. */
static int postcode_width(const char *title, const struct db_search_result *res)
{
    int w = tui_text_width(title);
    for (int i = 0; i < res->count && w < POSTCODE_MAX; i++) {
        int n = (int)strlen(res->hits[i].postcode);
        if (n > w)
            w = n < POSTCODE_MAX ? n : POSTCODE_MAX;
    }
    return w;
}

/* The flags as one letter each ("EVENT PSR VULN" -> "E P V") when the words
 * do not all fit the column: every flag stays on screen, and the help
 * (F1) says what the letters mean. */
static const struct {
    const char *word, *letter;
} flag_letters[] = {
    {"EVENT", "E"}, {"PSR", "P"}, {"VULN", "V"}, {"NODIGI", "N"}, {"KEY", "K"}, {"ARREARS", "A"},
};

static const char *short_flags(const char *flags)
{
    static char buf[64];
    size_t n = 0;
    buf[0] = '\0';
    for (const char *p = flags; *p && n + 12 < sizeof buf;) {
        size_t w = strcspn(p, " ");
        const char *letter = NULL;
        for (size_t i = 0; i < sizeof flag_letters / sizeof flag_letters[0] && !letter; i++)
            if (strlen(flag_letters[i].word) == w && strncmp(p, flag_letters[i].word, w) == 0)
                letter = flag_letters[i].letter;
        /* A flag this screen does not know keeps its word. */
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%.*s", n ? " " : "", letter ? 1 : (int)(w < 10 ? w : 10),
                              letter ? letter : p);
        p += w;
        while (*p == ' ')
            p++;
    }
    return buf;
}

static const char *cell(void *ctx, int row, int col, enum tui_role *role)
{
    struct search *s = ctx;
    const struct db_search_hit *h = &s->res->hits[row];
    switch (s->narrow ? narrow_map[col] : wide_map[col]) {
    case COL_ACCOUNT: return h->account_no;
    case COL_NAME: return h->name;
    case COL_ADDRESS: return h->address;
    case COL_POSTCODE: return h->postcode;
    case COL_SEGMENT: return segment_label(h->segment);
    case COL_FLAGS:
        if (*h->flags)
            *role = TUI_ROLE_WARN;
        return s->short_flags ? short_flags(h->flags) : h->flags;
    }
    return NULL;
}

/* The line under the input: why the text cannot be searched, progress, or
 * what was found. */
static enum tui_role result_line(const struct search *s, char *line, size_t len)
{
    enum tui_role role = TUI_ROLE_HINT;
    if (tui_field_notice(&s->input, line, len)) {
        role = TUI_ROLE_WARN;
    } else if (s->hint[0]) {
        util_format(line, len, "%s", s->hint);
        role = s->hint_is_error ? TUI_ROLE_ERROR : TUI_ROLE_HINT;
    } else if (s->searching && db_state(app_search_db()) != DB_ONLINE) {
        util_format(line, len, "Offline: the search runs as soon as the connection is back");
        role = TUI_ROLE_WARN;
    } else if (s->searching) {
        util_format(line, len, "Searching...");
    } else if (s->res && s->res->count == 0) {
        util_format(line, len, "No customer matches \"%s\"", s->shown_for);
        role = TUI_ROLE_WARN;
    } else if (s->res) {
        /* The true total, not the rows fetched ("27 customers" when 19
         * fit); rows past it have all the words but one: shown, not
         * counted. Said when the first page has them: a page fetched
         * later changes nothing on this line. */
        util_format(line, len, "%s%d customer%s%s, best match first (%.0f ms)", s->res->total_capped ? "more than " : "",
                    s->res->total, s->res->total == 1 && !s->res->total_capped ? "" : "s",
                    s->near ? " + near matches" : "", s->res->elapsed_ms);
    } else {
        line[0] = '\0';
    }
    return role;
}

static void search_draw(void *st, struct tui_rect b)
{
    struct search *s = st;
    if (b.h < 1 || b.w < 1)
        return;
    int x = b.x + tui_put(b.y, b.x, b.w, TUI_ROLE_LABEL, "Search: ");
    tui_field_draw(&s->input, b.y, x, b.x + b.w - x, s->focus == FOCUS_INPUT);
    if (b.h < 2)
        return;

    char line[320];
    enum tui_role role = result_line(s, line, sizeof line);
    tui_fill(b.y + 1, b.x, b.w, TUI_ROLE_NORMAL);
    tui_put(b.y + 1, b.x, b.w, role, line);
    if (b.h < 3 || !s->res)
        return;
    /* Results from a standby that lags: how old they may be, on a row of their own. */
    int top = 2;
    if (s->stale[0] && b.h >= 4) {
        tui_fill(b.y + 2, b.x, b.w, TUI_ROLE_NORMAL);
        tui_put(b.y + 2, b.x, b.w, TUI_ROLE_WARN, s->stale);
        top = 3;
    }
    struct tui_rect lr = {b.y + top, b.x, b.h - top, b.w};
    s->narrow = b.w < NARROW_BELOW;
    /* One form for the list: letters from the moment a row in view (or
     * about to be) has words that do not fit, and from then on, so
     * scrolling never switches back and forth and a page fetched ahead
     * changes nothing until its rows are shown. */
    int from = s->list.top < s->list.sel ? s->list.top : s->list.sel;
    int to = s->list.top + (s->list.page > 0 ? s->list.page : lr.h);
    if (s->list.sel >= to)
        to = s->list.sel + 1;
    if (from < 0)
        from = 0;
    if (!s->short_flags)
        s->short_flags = long_flags(s->res->hits, from, to < s->res->count ? to : s->res->count);
    /* The postcode column says what the region calls it ("ZIP code"). */
    struct tui_column cols[sizeof wide_columns / sizeof wide_columns[0]];
    int ncols = s->narrow ? (int)(sizeof narrow_columns / sizeof narrow_columns[0])
                          : (int)(sizeof wide_columns / sizeof wide_columns[0]);
    memcpy(cols, s->narrow ? narrow_columns : wide_columns, sizeof cols[0] * (size_t)ncols);
    struct tui_column *pc = &cols[s->narrow ? 2 : COL_POSTCODE];
    pc->title = db_region()->postcode_label;
    pc->width = postcode_width(pc->title, s->res);
    tui_list_draw(&s->list, lr, cols, ncols, true, s->focus == FOCUS_LIST, cell, s);
}

static enum scr_result open_selected(struct search *s)
{
    if (!s->res || s->list.sel < 0 || s->list.sel >= s->res->count)
        return SCR_HANDLED;
    scr_open_customer(&s->res->hits[s->list.sel]);
    return SCR_REDRAW;
}

/* The screens search opens by their own keys; false for any other action. */
static bool open_screen(enum tui_action a)
{
    switch (a) {
    case TUI_ACT_APPROVALS: scr_open_approvals(); return true;
    case TUI_ACT_FOLLOW_UPS: scr_open_followups(); return true;
    case TUI_ACT_QUEUE: scr_open_queue("team"); return true;
    case TUI_ACT_DUPLICATES: scr_open_duplicates(); return true;
    case TUI_ACT_CALL_LIST: scr_open_calllist(); return true;
    case TUI_ACT_EVENTS: scr_open_events(); return true;
    case TUI_ACT_AUDIT: scr_open_audit(NULL); return true;
    case TUI_ACT_DASHBOARD: scr_open_dashboard(); return true;
    case TUI_ACT_UNMATCHED: scr_open_unmatched(); return true;
    default: return false;
    }
}

static enum scr_result search_action(void *st, enum tui_action a)
{
    struct search *s = st;
    int count = s->res ? s->res->count : 0;
    if (open_screen(a))
        return SCR_REDRAW;
    switch (a) {
    case TUI_ACT_OPEN:
        return open_selected(s);
    case TUI_ACT_FOCUS_INPUT:
        s->focus = FOCUS_INPUT;
        return SCR_REDRAW;
    case TUI_ACT_FOCUS_LIST:
    case TUI_ACT_NEXT_FIELD:
    case TUI_ACT_PREV_FIELD:
        if (s->focus == FOCUS_LIST || count == 0)
            s->focus = FOCUS_INPUT;
        else
            s->focus = FOCUS_LIST;
        return SCR_REDRAW;
    case TUI_ACT_CLEAR:
        tui_field_set(&s->input, "");
        s->focus = FOCUS_INPUT;
        start_search(s);
        return SCR_REDRAW;
    case TUI_ACT_BACK:
        /* Esc empties the search before anything else: the agent's next
         * call starts from a clean screen. */
        if (s->input.len == 0 && s->focus == FOCUS_INPUT)
            return SCR_HANDLED;
        tui_field_set(&s->input, "");
        s->focus = FOCUS_INPUT;
        start_search(s);
        return SCR_REDRAW;
    case TUI_ACT_UP:
        if (s->focus == FOCUS_LIST && s->list.sel <= 0) {
            s->focus = FOCUS_INPUT;
            return SCR_REDRAW;
        }
        break;
    case TUI_ACT_DOWN:
    case TUI_ACT_PAGE_DOWN:
        if (s->focus == FOCUS_INPUT) {
            if (count == 0)
                return SCR_HANDLED;
            s->focus = FOCUS_LIST;
            return SCR_REDRAW;
        }
        break;
    default:
        break;
    }
    if (tui_list_action(&s->list, a)) {
        s->focus = FOCUS_LIST;
        fetch_more(s);
        return SCR_REDRAW;
    }
    return SCR_UNHANDLED;
}

static enum scr_result search_key(void *st, int key)
{
    struct search *s = st;
    if (s->focus == FOCUS_LIST) {
        /* Typing in the list goes back to the input: agents type first. */
        if (!tui_key_printable(key))
            return SCR_UNHANDLED;
        s->focus = FOCUS_INPUT;
    }
    bool changed = false;
    if (!tui_field_key(&s->input, key, &changed))
        return SCR_UNHANDLED;
    if (changed)
        start_search(s);
    return SCR_REDRAW;
}

static bool search_wants_text(void *st)
{
    return ((struct search *)st)->focus == FOCUS_INPUT;
}

static const enum tui_action *search_status(void *st)
{
    static const enum tui_action input_keys[] = {TUI_ACT_OPEN, TUI_ACT_FOCUS_LIST, TUI_ACT_CLEAR, TUI_ACT_HELP,
                                                 TUI_ACT_QUIT, TUI_ACT_NONE};
    static const enum tui_action list_keys[] = {TUI_ACT_OPEN, TUI_ACT_UP, TUI_ACT_DOWN, TUI_ACT_FOCUS_INPUT,
                                                TUI_ACT_HELP, TUI_ACT_QUIT, TUI_ACT_NONE};
    return ((struct search *)st)->focus == FOCUS_INPUT ? input_keys : list_keys;
}

const struct screen_ops scr_search_ops = {
    SCR_HEAD(search),
    .open = search_open,
    .close = search_close,
    .draw = search_draw,
    .action = search_action,
    .key = search_key,
    .wants_text = search_wants_text,
    .status_keys = search_status,
};
