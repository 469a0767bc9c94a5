/* dashboard.c — the supervisor's figures for a day, week, month or chosen days, from one round trip, refreshed live (at most once a second), each opening the rows behind it. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "careline/app.h"
#include "careline/dashboard.h"
#include "careline/dashlines.h"
#include "careline/keymap.h"
#include "careline/prompt.h"
#include "careline/screens.h"
#include "careline/sla.h"
#include "careline/tui.h"
#include "careline/util.h"

/* Live updates: at most one load a second however busy the floor is; a
 * standby is given a moment to replay what the primary just told us about. */
#define REFRESH_MS 1000
#define STANDBY_LAG_MS 300

struct dashboard {
    struct db_period period;
    bool following;              /* the current day, week or month: moves on at midnight */
    long today;                  /* the database's, once known (before: this machine's) */
    char team[64];               /* "" = every team */
    struct db_figures fig;
    bool have;
    char *error;
    int64_t updated;             /* the database's clock at the last load */
    int64_t connections;         /* counted once; -1: not yet */
    bool loading, dirty;
    long long next_at;           /* no load is sent before this */
    struct dash_lines lines;
    int sel, top, page;
    char range_text[32];         /* what was typed for a range, kept when it is refused */
};

static void load(struct dashboard *d);

static char *team_choices[32];
static int nteam_choices;

/* Line i, or NULL past either end (an empty list may have no array). */
static const struct dash_line *line_at(const struct dashboard *d, int i)
{
    return d->lines.v && i >= 0 && i < d->lines.n ? &d->lines.v[i] : NULL;
}

static const struct dash_line *selected(const struct dashboard *d)
{
    return line_at(d, d->sel);
}

/* The nearest figure from i in direction dir (or the other way at an end). */
static int figure_near(const struct dashboard *d, int i, int dir)
{
    for (int j = i; j >= 0 && j < d->lines.n; j += dir)
        if (!d->lines.v[j].section && !d->lines.v[j].note)
            return j;
    for (int j = i; j >= 0 && j < d->lines.n; j -= dir)
        if (!d->lines.v[j].section && !d->lines.v[j].note)
            return j;
    return d->sel;
}


static void on_loaded(void *ctx, struct db_figures *f, const char *err)
{
    struct dashboard *d = ctx;
    d->loading = false;
    free(d->error);
    d->error = err ? util_strdup(err) : NULL;
    if (f) {
        struct db_fig_clock *clk = f->part[DB_FIG_CLOCK].n ? DB_FIG_ROW(f, DB_FIG_CLOCK, struct db_fig_clock, 0) : NULL;
        if (clk && !clk->connections_unknown)
            d->connections = clk->connections;
        else if (clk)
            clk->connections = d->connections;
        if (clk && clk->today != d->today) {
            /* The database's calendar decides what "today" is. */
            d->today = (long)clk->today;
            if (d->following) {
                d->period = db_period_of(d->period.kind, d->today);
                d->dirty = true;
            }
        }
        db_figures_free(&d->fig);
        d->fig = *f;
        memset(f, 0, sizeof *f);
        d->have = true;
        d->updated = clk ? clk->now : 0;
        /* The same line stays selected when the figures move under it. */
        const char *was = d->sel >= 0 && d->sel < d->lines.n ? d->lines.v[d->sel].label : NULL;
        char *keep = util_strdup(was);
        int old = d->sel;
        scr_dash_lines_build(&d->lines, &d->fig, tui_ascii());
        d->sel = -1;
        for (int i = 0; keep && i < d->lines.n && d->sel < 0; i++)
            if (!d->lines.v[i].section && !d->lines.v[i].note && strcmp(d->lines.v[i].label, keep) == 0 &&
                abs(i - old) < 40)
                d->sel = i;
        free(keep);
        if (d->sel < 0)
            d->sel = figure_near(d, old >= 0 && old < d->lines.n ? old : 0, 1);
    }
    if (d->dirty) {
        d->dirty = false;
        load(d);
    }
    tui_invalidate();
}

static void load(struct dashboard *d)
{
    if (d->loading) {
        d->dirty = true;
        return;
    }
    long long now = util_now_ms();
    int delay = d->next_at > now ? (int)(d->next_at - now) : 0;
    d->loading = true;
    d->next_at = now + delay + REFRESH_MS;
    db_figures_load(app_report_db(), &d->period, d->team, d->connections < 0, delay, on_loaded, d);
}

/* Something the figures count changed somewhere. */
static void on_notify(void *ctx, const char *payload)
{
    (void)payload;
    struct dashboard *d = ctx;
    if (app_report_db() != app_db()) {
        long long at = util_now_ms() + STANDBY_LAG_MS;
        if (d->next_at < at)
            d->next_at = at;
    }
    load(d);
}

static void *dashboard_open(void *arg)
{
    (void)arg;
    struct dashboard *d = util_calloc(1, sizeof *d);
    d->today = sla_local_day(time(NULL), NULL);
    d->period = db_period_of(DB_PERIOD_MONTH, d->today);
    d->following = true;
    d->sel = 1;
    d->connections = -1;
    app_listen("careline_figures");
    app_on_notify("careline_figures", on_notify, d);
    load(d);
    return d;
}

static void dashboard_close(void *st)
{
    struct dashboard *d = st;
    app_off_notify(d);
    db_forget_owner(app_report_db(), d);
    for (int i = 0; i < nteam_choices; i++)
        free(team_choices[i]);
    nteam_choices = 0;
    db_figures_free(&d->fig);
    scr_dash_lines_free(&d->lines);
    free(d->error);
    free(d);
}

/* ---- drawing ---------------------------------------------------------------- */

static bool problem(const struct dashboard *d)
{
    struct db_conn *rdb = app_report_db();
    return d->error || (rdb != app_db() && db_state(rdb) != DB_ONLINE);
}

static int head_rows(const struct dashboard *d) { return problem(d) ? 3 : 2; }

static void draw_head(struct dashboard *d, struct tui_rect b)
{
    char label[96], line[200];
    db_period_label(&d->period, d->today, label, sizeof label);
    util_format(line, sizeof line, "%s%s%s", label, *d->team ? " - team " : "", d->team);
    tui_put(b.y, b.x + 1, b.w - 18, TUI_ROLE_HEADER, line);
    if (d->updated) {
        time_t t = (time_t)d->updated;
        struct tm tm;
        localtime_r(&t, &tm);
        util_format(line, sizeof line, "%supdated %02d:%02d:%02d", d->loading ? "* " : "", tm.tm_hour, tm.tm_min,
                    tm.tm_sec);
        tui_put_right(b.y, b.x, b.w - 1, TUI_ROLE_DIM, line);
    }
    char per[100], k[5][24];
    tui_keymap_keys_for("dashboard", TUI_ACT_FIG_TODAY, k[0], sizeof k[0]);
    tui_keymap_keys_for("dashboard", TUI_ACT_FIG_WEEK, k[1], sizeof k[1]);
    tui_keymap_keys_for("dashboard", TUI_ACT_FIG_MONTH, k[2], sizeof k[2]);
    tui_keymap_keys_for("dashboard", TUI_ACT_PERIOD_RANGE, k[3], sizeof k[3]);
    util_format(per, sizeof per, "%s/%s/%s/%s", k[0], k[1], k[2], k[3]);
    tui_keymap_keys_for("global", TUI_ACT_OPEN, k[4], sizeof k[4]);
    struct db_conn *rdb = app_report_db();
    char state[64];
    if (rdb != app_db() && db_state(rdb) != DB_ONLINE)
        util_format(line, sizeof line, "The report database is %s: %.*s", db_state_text(rdb, state, sizeof state),
                    (int)strcspn(db_error(rdb), "\n"), db_error(rdb));
    else if (d->error)
        util_format(line, sizeof line, "%s%s", d->error, d->have ? " (the figures below are older)" : "");
    else if (!d->have)
        util_format(line, sizeof line, "Loading the figures...");
    else
        util_format(line, sizeof line, "Live. %s lists what a figure counts; %s: day, week, month, days.", k[4], per);
    /* A problem may take two rows (the list moves down one): never cut. */
    struct tui_rect r = {b.y + 1, b.x + 1, head_rows(d) - 1, b.w - 2};
    tui_put_wrapped(r, problem(d) ? TUI_ROLE_ERROR : TUI_ROLE_DIM, line, 0, false);
}

static void draw_line(const struct dash_line *x, int y, struct tui_rect b, bool selected)
{
    if (x->section || x->note) {
        tui_put(y, b.x + 1, b.w - 1, x->note ? TUI_ROLE_DIM : TUI_ROLE_HEADER, x->label);
        return;
    }
    enum tui_role role = selected ? TUI_ROLE_SELECTED : TUI_ROLE_NORMAL;
    if (selected)
        tui_fill(y, b.x, b.w, role);
    tui_put(y, b.x, 2, role, selected ? ">" : " ");
    int lw = b.w >= 100 ? 36 : b.w >= 70 ? 28 : b.w / 3;
    int vw = 11, bw = b.w >= 100 ? 16 : b.w >= 76 ? 10 : 0;
    int x0 = b.x + 2;
    tui_put(y, x0, lw, role, x->label);
    tui_put_right(y, x0 + lw, vw, role, x->value);
    int xd = x0 + lw + vw + 1;
    if (bw) {
        char *bar = tui_bar(x->bar, 1.0, bw, tui_ascii());
        tui_put(y, xd, bw, selected ? role : TUI_ROLE_OK, bar);
        free(bar);
        xd += bw + 1;
    }
    if (xd < b.x + b.w)
        tui_put(y, xd, b.x + b.w - xd, selected ? role : TUI_ROLE_DIM, x->detail);
}

/* Keep the selection on screen, with the heading of its group when it is
 * the group's first line. */
static void scroll(struct dashboard *d, int h)
{
    if (d->sel < d->top) {
        const struct dash_line *above = line_at(d, d->sel - 1);
        d->top = above && above->section ? d->sel - 1 : d->sel;
    }
    if (d->sel >= d->top + h)
        d->top = d->sel - h + 1;
    if (d->top > d->lines.n - h)
        d->top = d->lines.n - h;
    if (d->top < 0)
        d->top = 0;
}

static void dashboard_draw(void *st, struct tui_rect b)
{
    struct dashboard *d = st;
    draw_head(d, b);
    /* The selected figure whole, under the list: a line may be cut. */
    int head = head_rows(d), foot = b.h >= 12 ? 2 : 0, h = b.h - head - foot;
    d->page = h;
    if (h <= 0 || !d->have)
        return;
    const struct dash_line *sel = selected(d);
    if (foot && sel && !sel->section) {
        char *whole = util_asprintf("%s: %s%s%s", sel->label, sel->value ? sel->value : "",
                                    sel->detail && *sel->detail ? "; " : "", sel->detail ? sel->detail : "");
        struct tui_rect r = {b.y + b.h - foot, b.x + 1, foot, b.w - 2};
        tui_hline(r.y, b.x, b.w, TUI_ROLE_BORDER);
        r.y++;
        r.h--;
        tui_put_wrapped(r, TUI_ROLE_NORMAL, whole, 0, false);
        free(whole);
    }
    scroll(d, h);
    for (int i = 0; i < h && d->top + i < d->lines.n; i++)
        draw_line(&d->lines.v[d->top + i], b.y + head + i, b, d->top + i == d->sel);
    /* More above or below: a mark in the last column. */
    if (d->top > 0)
        tui_put(b.y + head, b.x + b.w - 1, 1, TUI_ROLE_DIM, tui_glyph("up"));
    if (d->top + h < d->lines.n)
        tui_put(b.y + head - 1 + h, b.x + b.w - 1, 1, TUI_ROLE_DIM, tui_glyph("down"));
}

/* ---- keys --------------------------------------------------------------------- */

static bool move(struct dashboard *d, enum tui_action a)
{
    int step = d->page > 1 ? d->page - 1 : 1, n = d->lines.n;
    switch (a) {
    case TUI_ACT_UP: d->sel = figure_near(d, d->sel - 1 < 0 ? 0 : d->sel - 1, -1); break;
    case TUI_ACT_DOWN: d->sel = figure_near(d, d->sel + 1 >= n ? n - 1 : d->sel + 1, 1); break;
    case TUI_ACT_PAGE_UP: d->sel = figure_near(d, d->sel - step < 0 ? 0 : d->sel - step, -1); break;
    case TUI_ACT_PAGE_DOWN: d->sel = figure_near(d, d->sel + step >= n ? n - 1 : d->sel + step, 1); break;
    case TUI_ACT_FIRST: d->sel = figure_near(d, 0, 1); break;
    case TUI_ACT_LAST: d->sel = figure_near(d, n - 1, -1); break;
    case TUI_ACT_NEXT_SECTION: {
        int j = d->sel + 1;
        while (j < n && !d->lines.v[j].section)
            j++;
        if (j >= n)
            return false;
        d->sel = figure_near(d, j, 1);
        d->top = j;
        break;
    }
    case TUI_ACT_PREV_SECTION: {
        /* the heading of this group, then the one before it */
        int here = d->sel, j;
        while (here >= 0 && !d->lines.v[here].section)
            here--;
        for (j = here - 1; j >= 0 && !d->lines.v[j].section;)
            j--;
        if (j < 0)
            return false;
        d->sel = figure_near(d, j, 1);
        d->top = j;
        break;
    }
    default: return false;
    }
    return true;
}

static void set_period(struct dashboard *d, struct db_period p, bool following)
{
    d->period = p;
    d->following = following;
    d->next_at = 0;
    load(d);
}

static void on_range(void *ctx, int choice, const char *text)
{
    (void)choice;
    struct dashboard *d = ctx;
    util_format(d->range_text, sizeof d->range_text, "%s", text);
    char a[16] = "", b[16] = "", extra[4] = "";
    long first, last;
    struct db_period p;
    const char *why = NULL;
    int n = sscanf(text, " %15s %15s %3s", a, b, extra);
    if (n < 1 || n > 2 || db_date_parse(a, &first) < 0 || (n == 2 && db_date_parse(b, &last) < 0))
        why = "type the first and last day as YYYY-MM-DD YYYY-MM-DD (one day: just the one)";
    else
        why = db_period_range(first, n == 2 ? last : first, &p);
    if (why) {
        tui_message(TUI_ROLE_ERROR, "Not a period: %s.", why);
        return;
    }
    set_period(d, p, false);
}

static void ask_range(struct dashboard *d)
{
    char a[16], b[16], now[40] = "";
    if (!*d->range_text)
        util_format(now, sizeof now, "%s %s", db_date_text(d->period.from, a, sizeof a),
                    db_date_text(d->period.to - 1, b, sizeof b));
    struct prompt_spec p = {.title = "Figures for which days?",
                            .question = "The first and the last day, both included, as YYYY-MM-DD YYYY-MM-DD.",
                            .text_label = "Days", .text_required = true, .text_max = 30,
                            .text_initial = *d->range_text ? d->range_text : now, .done = on_range, .ctx = d};
    scr_open_prompt(&p);
}

/* Teams seen in the figures, and every team (the prompt's choices). */
static void on_team(void *ctx, int choice, const char *text)
{
    (void)text;
    struct dashboard *d = ctx;
    const char *team = choice > 0 && choice < nteam_choices ? team_choices[choice] : "";
    if (util_format_fits(d->team, sizeof d->team, "%s", team) < 0)
        tui_message(TUI_ROLE_WARN, "The team's name is longer than a team's can be: every team is counted.");
    set_period(d, d->period, d->following);
}

static void ask_team(struct dashboard *d)
{
    for (int i = 0; i < nteam_choices; i++)
        free(team_choices[i]);
    nteam_choices = 0;
    team_choices[nteam_choices++] = util_strdup("Every team");
    for (int i = 0; i < d->fig.part[DB_FIG_SLA].n && nteam_choices < 32; i++) {
        const struct db_fig_sla_row *r = DB_FIG_ROW(&d->fig, DB_FIG_SLA, struct db_fig_sla_row, i);
        bool seen = !*r->team;
        for (int k = 1; k < nteam_choices && !seen; k++)
            seen = strcmp(team_choices[k], r->team) == 0;
        if (!seen)
            team_choices[nteam_choices++] = util_strdup(r->team);
    }
    struct prompt_spec p = {.title = "Figures of which team?",
                            .question = "The teams with complaints due in this period.",
                            .choices = (const char *const *)team_choices, .nchoices = nteam_choices,
                            .done = on_team, .ctx = d};
    scr_open_prompt(&p);
}

static enum scr_result open_line(struct dashboard *d, bool improve)
{
    const struct dash_line *x = selected(d);
    char label[96], why[160];
    db_period_label(&d->period, d->today, label, sizeof label);
    if (improve) {
        if (!x || !x->cause_id) {
            tui_message(TUI_ROLE_NORMAL, "Improvement actions belong to a root cause: choose one in its group.");
            return SCR_REDRAW;
        }
        util_format(why, sizeof why, "%s resolved complaint%s: %s", x->value, strcmp(x->value, "1") ? "s" : "", label);
        struct scr_improve_arg a = {x->cause_id, x->label, why};
        scr_open_improve(&a);
        return SCR_REDRAW;
    }
    if (!x || !x->drill)
        return SCR_HANDLED;
    struct scr_figlist_arg a = {x->title, label, d->period, *d->team ? d->team : NULL,
                                {x->kind, {x->key[0], x->key[1], x->key[2]}}};
    scr_open_figlist(&a);
    return SCR_REDRAW;
}

static enum scr_result dashboard_action(void *st, enum tui_action a)
{
    struct dashboard *d = st;
    switch (a) {
    case TUI_ACT_BACK: return SCR_CLOSE;
    case TUI_ACT_RELOAD:
        d->next_at = 0;
        d->connections = -1;
        load(d);
        return SCR_REDRAW;
    case TUI_ACT_OPEN: return open_line(d, false);
    case TUI_ACT_IMPROVE: return open_line(d, true);
    case TUI_ACT_FIG_TODAY: set_period(d, db_period_of(DB_PERIOD_TODAY, d->today), true); return SCR_REDRAW;
    case TUI_ACT_FIG_WEEK: set_period(d, db_period_of(DB_PERIOD_WEEK, d->today), true); return SCR_REDRAW;
    case TUI_ACT_FIG_MONTH: set_period(d, db_period_of(DB_PERIOD_MONTH, d->today), true); return SCR_REDRAW;
    case TUI_ACT_PERIOD_RANGE: ask_range(d); return SCR_REDRAW;
    case TUI_ACT_TEAM_FILTER: ask_team(d); return SCR_REDRAW;
    case TUI_ACT_EARLIER:
    case TUI_ACT_LATER: {
        struct db_period p = db_period_step(&d->period, a == TUI_ACT_EARLIER ? -1 : 1);
        set_period(d, p, p.kind != DB_PERIOD_RANGE && d->today >= p.from && d->today < p.to);
        return SCR_REDRAW;
    }
    default: return move(d, a) ? SCR_REDRAW : SCR_UNHANDLED;
    }
}

static const enum tui_action *dashboard_status(void *st)
{
    struct dashboard *d = st;
    static enum tui_action keys[10];
    int n = 0;
    const struct dash_line *x = selected(d);
    if (x && x->drill)
        keys[n++] = TUI_ACT_OPEN;
    if (x && x->cause_id)
        keys[n++] = TUI_ACT_IMPROVE;
    keys[n++] = TUI_ACT_EARLIER;
    keys[n++] = TUI_ACT_LATER;
    keys[n++] = TUI_ACT_TEAM_FILTER;
    keys[n++] = TUI_ACT_NEXT_SECTION;
    keys[n++] = TUI_ACT_BACK;
    keys[n++] = TUI_ACT_HELP;
    keys[n] = TUI_ACT_NONE;
    return keys;
}

const struct screen_ops scr_dashboard_ops = {
    SCR_HEAD(dashboard),
    .open = dashboard_open,
    .close = dashboard_close,
    .draw = dashboard_draw,
    .action = dashboard_action,
    .status_keys = dashboard_status,
};
