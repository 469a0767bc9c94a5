/* test_tui_shell.c — the shell in scripted mode: layout, status line, help overlay, stack, waiting for idle, dumps, script errors, trace. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "careline/keymap.h"
#include "careline/text.h"
#include "careline/tui.h"
#include "careline/util.h"

#include "fixture.h"

/* ---- a small screen: a field over a list, and a detail screen ----------- */

static const char *const names[] = {"Zo\xC3\xAB \xC3\x85ngstr\xC3\xB6m", "\xE7\x8E\x8B\xE5\xB0\x8F\xE6\x98\x8E",
                                    "Evil \x1b[2J name", "Ann Lee", "Bob Ray"};
#define NNAMES 5

struct st {
    struct tui_field field;
    struct tui_list list;
    bool typing;
    int rows[64], nrows;
    long long due; /* a pretend query in flight until then */
};
static struct st *live;
static int polls;

static void run_query(struct st *s)
{
    s->nrows = 0;
    for (int i = 0; i < 40; i++)
        if (!s->field.len || strstr(names[i % NNAMES], s->field.text))
            s->rows[s->nrows++] = i;
    tui_list_set_count(&s->list, s->nrows);
}

static void *s_open(void *arg)
{
    (void)arg;
    struct st *s = util_calloc(1, sizeof *s);
    tui_field_init(&s->field, 32);
    s->list.sel = -1;
    s->typing = true;
    run_query(s);
    live = s;
    return s;
}

static void s_close(void *p)
{
    struct st *s = p;
    tui_field_free(&s->field);
    free(s);
    live = NULL;
}

static const char *cell(void *ctx, int row, int col, enum tui_role *role)
{
    (void)role;
    struct st *s = ctx;
    static char buf[32];
    int i = s->rows[row];
    if (col == 0) {
        assert_int_equal(util_format_fits(buf, sizeof buf, "%04d", i), 0);
        return buf;
    }
    if (col == 1)
        return names[i % NNAMES];
    assert_int_equal(util_format_fits(buf, sizeof buf, "%d.00", i * 7), 0);
    return buf;
}

static void s_draw(void *p, struct tui_rect b)
{
    struct st *s = p;
    int x = tui_put(b.y, b.x, b.w, TUI_ROLE_LABEL, "Find: ");
    tui_field_draw(&s->field, b.y, b.x + x, b.w - x, s->typing);
    static const struct tui_column cols[] = {{"No", 4, 0, false}, {"Name", 0, 1, false}, {"Due", 7, 0, true}};
    tui_list_draw(&s->list, (struct tui_rect){b.y + 1, b.x, b.h - 1, b.w}, cols, 3, true, !s->typing, cell, s);
}

static const struct screen_ops detail_ops;

static enum scr_result s_action(void *p, enum tui_action a)
{
    struct st *s = p;
    switch (a) {
    case TUI_ACT_OPEN:
        if (s->list.sel < 0) {
            tui_message(TUI_ROLE_ERROR, "Nothing to open");
            return SCR_HANDLED;
        }
        tui_push(&detail_ops, (void *)names[s->rows[s->list.sel] % NNAMES]);
        return SCR_REDRAW;
    case TUI_ACT_FOCUS_LIST:
        s->typing = false;
        return SCR_REDRAW;
    case TUI_ACT_FOCUS_INPUT:
        s->typing = true;
        return SCR_REDRAW;
    default:
        return tui_list_action(&s->list, a) ? SCR_REDRAW : SCR_UNHANDLED;
    }
}

static enum scr_result s_key(void *p, int key)
{
    struct st *s = p;
    bool changed;
    if (s->typing && tui_field_key(&s->field, key, &changed)) {
        if (changed)
            s->due = util_now_ms() + 30;
        return SCR_REDRAW;
    }
    return SCR_UNHANDLED;
}

static bool s_wants_text(void *p) { return ((struct st *)p)->typing; }

static const enum tui_action *s_status(void *p)
{
    (void)p;
    static const enum tui_action k[] = {TUI_ACT_OPEN, TUI_ACT_UP, TUI_ACT_DOWN, TUI_ACT_HELP, TUI_ACT_QUIT,
                                        TUI_ACT_NONE};
    return k;
}

static int resumes;
static void s_resume(void *p)
{
    (void)p;
    resumes++;
}

static const struct screen_ops search_ops = {
    "search", "Search", s_open, s_close, s_draw, s_action, s_key, s_wants_text, s_status, s_resume, NULL, false,
};

static void *d_open(void *arg) { return arg; }
static void d_close(void *p) { (void)p; }
static void d_draw(void *p, struct tui_rect b)
{
    tui_box(b, TUI_ROLE_BORDER, "Customer");
    tui_put(b.y + 1, b.x + 2, b.w - 4, TUI_ROLE_NORMAL, p);
}
static enum scr_result d_action(void *p, enum tui_action a)
{
    (void)p;
    (void)a;
    return SCR_UNHANDLED;
}
static const struct screen_ops detail_ops = {
    "customer", "Customer", d_open, d_close, d_draw, d_action, NULL, NULL, NULL, NULL, NULL, false,
};

/* A pretend database: busy while a query is due; ready() runs it. */
static int h_timeout(void)
{
    if (!live || !live->due)
        return -1;
    long long t = live->due - util_now_ms();
    return t < 0 ? 0 : (int)t;
}
static void h_ready(const struct pollfd *fds, int n)
{
    (void)fds;
    (void)n;
    polls++;
    if (live && live->due && util_now_ms() >= live->due) {
        live->due = 0;
        run_query(live);
        tui_invalidate();
    }
}
static bool h_busy(void) { return live && live->due; }
static const struct tui_loop_hooks hooks = {NULL, h_timeout, h_ready, h_busy};

/* ---- running scripts ------------------------------------------------------ */

static char dir[] = "/tmp/careline-shell-XXXXXX";

static char *path_in_dir(const char *name) { return util_asprintf("%s/%s", dir, name); }

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    struct util_buf b = {0};
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        util_buf_add(&b, buf, n);
    assert_int_equal(fclose(f), 0);
    return util_buf_steal(&b);
}

/* Run `script` on a rows x cols screen; returns tui_run's result. */
static int run(const char *script, int rows, int cols, enum tui_ascii_pref ascii, const char *trace)
{
    char *sp = path_in_dir("script");
    FILE *f = fopen(sp, "w");
    assert_non_null(f);
    fputs(script, f);
    assert_int_equal(fclose(f), 0);
    struct tui_options o = {.theme = TUI_THEME_AUTO, .ascii = ascii, .script_file = sp,
                            .script_rows = rows, .script_cols = cols, .trace_file = trace};
    if (tui_init(&o) != 0)
        fail_msg("tui_init: %s", tui_error());
    free(sp);
    tui_set_loop_hooks(&hooks);
    tui_set_conn_status("online", TUI_ROLE_OK);
    tui_push(&search_ops, NULL);
    int rc = tui_run();
    tui_end();
    return rc;
}

/* Line `n` (0-based) of the `k`-th dump (0-based) in the text. */
static char *dump_line(const char *text, int k, int n)
{
    const char *p = text;
    for (int i = 0; i < k; i++) {
        p = strstr(p, "\n--\n");
        if (!p)
            return NULL;
        p += 4;
    }
    for (int i = 0; i < n; i++) {
        p = strchr(p, '\n');
        if (!p)
            return NULL;
        p++;
    }
    return util_strndup(p, strcspn(p, "\n"));
}

static void line_is(const char *text, int k, int n, const char *want)
{
    char *got = dump_line(text, k, n);
    assert_non_null(got);
    if (strcmp(got, want) != 0)
        fail_msg("dump %d line %d:\n got: [%s]\nwant: [%s]", k, n, got, want);
    free(got);
}

static int setup(void **state)
{
    (void)state;
    if (!mkdtemp(dir))
        return -1;
    /* Pinned, so the expected dumps hold on any machine. */
    setenv("LC_ALL", "C.UTF-8", 1);
    unsetenv("NO_COLOR");
    static const struct {
        const char *section, *key;
        enum tui_action action;
    } keys[] = {
        {"global", "F1", TUI_ACT_HELP},    {"global", "?", TUI_ACT_HELP},        {"global", "C-c", TUI_ACT_QUIT},
        {"global", "Esc", TUI_ACT_BACK},   {"global", "Up", TUI_ACT_UP},         {"global", "Down", TUI_ACT_DOWN},
        {"global", "PgDn", TUI_ACT_PAGE_DOWN}, {"global", "Enter", TUI_ACT_OPEN}, {"global", "Tab", TUI_ACT_FOCUS_LIST},
        {"search", "/", TUI_ACT_FOCUS_INPUT}, {"search", "q", TUI_ACT_QUIT},
    };
    struct tui_binding b[sizeof keys / sizeof keys[0]];
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        b[i] = (struct tui_binding){keys[i].section, tui_key_parse(keys[i].key), keys[i].action};
    tui_keymap_reset();
    tui_keymap_add_section("search");
    tui_keymap_add_section("customer");
    int rc = tui_keymap_bind(b, sizeof b / sizeof b[0]);
    return rc;
}

static int teardown(void **state)
{
    (void)state;
    return fixture_remove_tree(dir);
}

/* ---- tests ---------------------------------------------------------------- */

static void test_layout_and_status_line(void **state)
{
    (void)state;
    char *out = path_in_dir("d1");
    char *script = util_asprintf(":dump %s\n", out);
    assert_int_equal(run(script, 10, 60, TUI_ASCII_AUTO, NULL), 0);
    char *d = slurp(out);
    assert_non_null(d);
    line_is(d, 0, 0, " Careline \xE2\x80\x94 Search");
    line_is(d, 0, 1, "Find:");
    /* marker column, fixed "No", weighted "Name", right-aligned "Due" */
    line_is(d, 0, 2, "  No   Name                                              Due");
    line_is(d, 0, 3, "> 0000 Zo\xC3\xAB \xC3\x85ngstr\xC3\xB6m                                     0.00");
    line_is(d, 0, 4, "  0001 \xE7\x8E\x8B\xE5\xB0\x8F\xE6\x98\x8E                                           7.00");
    line_is(d, 0, 5, "  0002 Evil ^[[2J name                                 14.00");
    /* typing: printable keys ("q") are left out, arrows shown as arrows */
    line_is(d, 0, 9, " Enter open  \xE2\x86\x91\xE2\x86\x93 move  F1 help  C-c quit              online");
    line_is(d, 1, 0, ""); /* the dump ends with "--" */
    free(d);
    free(script);
    free(out);
}

static void test_status_when_list_focused(void **state)
{
    (void)state;
    char *out = path_in_dir("d2");
    char *script = util_asprintf("Tab\n:dump %s\n", out);
    assert_int_equal(run(script, 10, 60, TUI_ASCII_AUTO, NULL), 0);
    char *d = slurp(out);
    /* the list has focus: "q" no longer types, so it is the quit key shown */
    line_is(d, 0, 9, " Enter open  \xE2\x86\x91\xE2\x86\x93 move  F1 help  q quit                online");
    free(d);
    free(script);
    free(out);
}

static void test_message_until_next_key(void **state)
{
    (void)state;
    char *out = path_in_dir("d3");
    /* typing "zzz" finds nothing; Enter has nothing to open: a message */
    char *script = util_asprintf(":type zzz\nEnter\n:dump %s.a\nBackspace\n:dump %s.b\n", out, out);
    assert_int_equal(run(script, 8, 50, TUI_ASCII_AUTO, NULL), 0);
    char *a = util_asprintf("%s.a", out), *b = util_asprintf("%s.b", out);
    char *da = slurp(a), *db = slurp(b);
    line_is(da, 0, 1, "Find: zzz");
    line_is(da, 0, 3, "");
    line_is(da, 0, 7, " Nothing to open                           online");
    /* the next key brings the keys back */
    line_is(db, 0, 1, "Find: zz");
    line_is(db, 0, 7, " Enter open  \xE2\x86\x91\xE2\x86\x93 move  F1 help  C-c quit    online");
    free(da);
    free(db);
    free(a);
    free(b);
    free(script);
    free(out);
}

static void test_waits_for_idle(void **state)
{
    (void)state;
    char *out = path_in_dir("d4");
    /* the query runs 30 ms after the last key, in ready(); the dump on the
     * next line must already show its result */
    char *script = util_asprintf(":type Ann\n:dump %s\n", out);
    polls = 0;
    assert_int_equal(run(script, 8, 50, TUI_ASCII_AUTO, NULL), 0);
    assert_true(polls > 0);
    char *d = slurp(out);
    line_is(d, 0, 1, "Find: Ann");
    line_is(d, 0, 3, "> 0003 Ann Lee                               21.00");
    line_is(d, 0, 4, "  0008 Ann Lee                               56.00");
    free(d);
    free(script);
    free(out);
}

/* The line of a dump that contains needle (heap), or NULL. */
static char *line_with(const char *text, const char *needle)
{
    const char *p = strstr(text, needle);
    if (!p)
        return NULL;
    const char *start = p;
    while (start > text && start[-1] != '\n')
        start--;
    return util_strndup(start, strcspn(start, "\n"));
}

static void assert_line_has(const char *text, const char *needle, const char *also)
{
    char *l = line_with(text, needle);
    if (!l) {
        fail_msg("no line with [%s]", needle);
        return;
    }
    if (!strstr(l, also))
        fail_msg("line [%s] lacks [%s]", l, also);
    free(l);
}

static void test_help_overlay(void **state)
{
    (void)state;
    char *out = path_in_dir("d5");
    char *script = util_asprintf("F1\n:dump %s.a\nx\n:dump %s.b\n", out, out);
    assert_int_equal(run(script, 16, 60, TUI_ASCII_AUTO, NULL), 0);
    char *a = util_asprintf("%s.a", out), *b = util_asprintf("%s.b", out);
    char *da = slurp(a), *db = slurp(b);
    line_is(da, 0, 1, "Find:    \xE2\x94\x8C\xE2\x94\x80 Help: Search \xE2\x94\x80\xE2\x94\x80\xE2\x94\x80\xE2\x94\x80"
                      "\xE2\x94\x80\xE2\x94\x80\xE2\x94\x80\xE2\x94\x80\xE2\x94\x80\xE2\x94\x80\xE2\x94\x80\xE2\x94\x80"
                      "\xE2\x94\x80\xE2\x94\x80\xE2\x94\x80\xE2\x94\x80\xE2\x94\x80\xE2\x94\x80\xE2\x94\x80\xE2\x94\x80"
                      "\xE2\x94\x80\xE2\x94\x80\xE2\x94\x80\xE2\x94\x80\xE2\x94\x90");
    /* the screen's own keys, then the global ones, each with its help */
    line_is(da, 0, 2, "  No   Na\xE2\x94\x82 Search keys                           \xE2\x94\x82       Due");
    line_is(da, 0, 3, "> 0000 Zo\xE2\x94\x82  /      Go to the input field         \xE2\x94\x82      0.00");
    assert_line_has(da, "Keys on every screen", "\xE2\x94\x82");
    assert_line_has(da, "Show every key of this screen", "F1, ?");
    assert_line_has(da, "Move up one row", "\xE2\x86\x91");
    assert_line_has(da, "Close this screen and go back", "Esc");
    /* q is bound to quit on this screen, C-c globally: both listed */
    assert_line_has(da, "  q      Quit Careline", "\xE2\x94\x82");
    assert_line_has(da, "  C-c    Quit Careline", "\xE2\x94\x82");
    /* longer than the box: it says there is more */
    assert_line_has(da, "more, any other key closes", "\xE2\x94\x98");
    /* any key closes it, and is not passed on ("x" is not typed) */
    assert_null(strstr(db, "Help: Search"));
    line_is(db, 0, 1, "Find:");
    free(da);
    free(db);
    free(a);
    free(b);
    free(script);
    free(out);
}

static void test_help_scrolls(void **state)
{
    (void)state;
    char *out = path_in_dir("d5s");
    char *script = util_asprintf("F1\nDown Down Down Down Down Down Down Down\n:dump %s\n", out);
    assert_int_equal(run(script, 16, 60, TUI_ASCII_AUTO, NULL), 0);
    char *d = slurp(out);
    assert_non_null(strstr(d, "Help: Search"));       /* still open */
    assert_null(strstr(d, "Search keys"));            /* scrolled past the top */
    assert_line_has(d, "Go to the results", "Tab"); /* the last line came into view */
    assert_line_has(d, "back up, any other key closes", "\xE2\x94\x98");
    free(d);
    free(script);
    free(out);
}

static void test_stack_back_and_resume(void **state)
{
    (void)state;
    char *out = path_in_dir("d6");
    char *script = util_asprintf("Down Enter\n:dump %s.a\nEsc\n:dump %s.b\nEsc\n:dump %s.c\n", out, out, out);
    resumes = 0;
    assert_int_equal(run(script, 8, 40, TUI_ASCII_AUTO, NULL), 0);
    char *a = util_asprintf("%s.a", out), *b = util_asprintf("%s.b", out);
    char *da = slurp(a), *db = slurp(b);
    line_is(da, 0, 0, " Careline \xE2\x80\x94 Customer");
    line_is(da, 0, 1, "\xE2\x94\x8C\xE2\x94\x80 Customer \xE2\x94\x80\xE2\x94\x80\xE2\x94\x80\xE2\x94\x80\xE2\x94\x80"
                      "\xE2\x94\x80\xE2\x94\x80\xE2\x94\x80\xE2\x94\x80\xE2\x94\x80\xE2\x94\x80\xE2\x94\x80\xE2\x94\x80"
                      "\xE2\x94\x80\xE2\x94\x80\xE2\x94\x80\xE2\x94\x80\xE2\x94\x80\xE2\x94\x80\xE2\x94\x80\xE2\x94\x80"
                      "\xE2\x94\x80\xE2\x94\x80\xE2\x94\x80\xE2\x94\x80\xE2\x94\x80\xE2\x94\x80\xE2\x94\x90");
    line_is(da, 0, 2, "\xE2\x94\x82 \xE7\x8E\x8B\xE5\xB0\x8F\xE6\x98\x8E                               \xE2\x94\x82");
    line_is(da, 0, 7, " F1 help  C-c quit               online"); /* no status_keys: help and quit */
    /* Esc: the detail screen does not handle BACK, so the shell closes it */
    line_is(db, 0, 0, " Careline \xE2\x80\x94 Search");
    line_is(db, 0, 4, "> 0001 \xE7\x8E\x8B\xE5\xB0\x8F\xE6\x98\x8E                       7.00");
    assert_int_equal(resumes, 1);
    /* Esc on the last screen does not close it (nor quit) */
    char *c = util_asprintf("%s.c", out);
    char *dc = slurp(c);
    assert_non_null(dc);
    line_is(dc, 0, 0, " Careline \xE2\x80\x94 Search");
    free(dc);
    free(c);
    free(da);
    free(db);
    free(a);
    free(b);
    free(script);
    free(out);
}

static void test_field_scrolls(void **state)
{
    (void)state;
    char *out = path_in_dir("d10");
    /* "Find: " leaves a 14-column field on a 20-column screen */
    char *script = util_asprintf(":type abcdefghijklmnopqrstuvwxyz\n:dump %s.a\nHome\n:dump %s.b\nC-k\n"
                                 ":type \xE7\x8E\x8B\xE5\xB0\x8F\xE6\x98\x8E\xE7\x8E\x8B\xE5\xB0\x8F"
                                 "\xE6\x98\x8E\xE7\x8E\x8B\xE5\xB0\x8F\xE6\x98\x8E\n:dump %s.c\n",
                                 out, out, out);
    assert_int_equal(run(script, 6, 20, TUI_ASCII_AUTO, NULL), 0);
    char *a = util_asprintf("%s.a", out), *b = util_asprintf("%s.b", out), *c = util_asprintf("%s.c", out);
    char *da = slurp(a), *db = slurp(b), *dc = slurp(c);
    line_is(da, 0, 1, "Find: nopqrstuvwxyz"); /* the end shows, with room for the cursor */
    line_is(db, 0, 1, "Find: abcdefghijklmn");
    /* a wide character cut by the left edge becomes a blank */
    line_is(dc, 0, 1, "Find:  \xE7\x8E\x8B\xE5\xB0\x8F\xE6\x98\x8E\xE7\x8E\x8B\xE5\xB0\x8F\xE6\x98\x8E");
    free(da);
    free(db);
    free(dc);
    free(a);
    free(b);
    free(c);
    free(script);
    free(out);
}

static void test_ascii_mode(void **state)
{
    (void)state;
    char *out = path_in_dir("d7");
    char *script = util_asprintf(":dump %s\n", out);
    assert_int_equal(run(script, 8, 40, TUI_ASCII_YES, NULL), 0);
    char *d = slurp(out);
    for (const unsigned char *p = (const unsigned char *)d; *p; p++)
        assert_true(*p < 0x80);
    line_is(d, 0, 0, " Careline - Search");
    line_is(d, 0, 3, "> 0000 Zo? ?ngstr?m                 0.00");
    line_is(d, 0, 4, "  0001 ??????                       7.00"); /* wide: two '?' each */
    line_is(d, 0, 5, "  0002 Evil ^[[2J name             14.00");
    line_is(d, 0, 7, " Enter open  Up/Down move        online");
    free(d);
    free(script);
    free(out);
}

static void test_resize_and_tiny(void **state)
{
    (void)state;
    char *out = path_in_dir("d8");
    char *script = util_asprintf(":resize 5 20\n:dump %s.a\n:resize 1 1\n:dump %s.b\nF1\n:resize 3 10\n:dump %s.c\n"
                                 ":resize 12 50\nEsc\n:dump %s.d\n",
                                 out, out, out, out);
    assert_int_equal(run(script, 10, 60, TUI_ASCII_AUTO, NULL), 0);
    char *a = util_asprintf("%s.a", out), *b = util_asprintf("%s.b", out);
    char *c = util_asprintf("%s.c", out), *dd = util_asprintf("%s.d", out);
    char *da = slurp(a), *db = slurp(b), *dc = slurp(c), *ddd = slurp(dd);
    line_is(da, 0, 0, " Careline \xE2\x80\x94 Search");
    line_is(da, 0, 3, "> 0000 Zo\xC3\xAB \xE2\x80\xA6    0.00");
    line_is(da, 0, 4, "             online"); /* no key entry fits beside the status */
    line_is(db, 0, 0, "\xE2\x80\xA6");           /* "Terminal too small", fitted to one column */
    line_is(db, 0, 1, "--");
    line_is(dc, 0, 0, " Careline\xE2\x80\xA6");   /* help open but no room for it: no crash */
    line_is(dc, 0, 2, "    onli\xE2\x80\xA6");
    line_is(dc, 0, 3, "--");
    line_is(ddd, 0, 0, " Careline \xE2\x80\x94 Search");
    line_is(ddd, 0, 3, "> 0000 Zo\xC3\xAB \xC3\x85ngstr\xC3\xB6m                           0.00");
    line_is(ddd, 0, 12, "--");
    free(da);
    free(db);
    free(dc);
    free(ddd);
    free(a);
    free(b);
    free(c);
    free(dd);
    free(script);
    free(out);
}

static void test_script_errors(void **state)
{
    (void)state;
    /* the "file:line: reason" lines would clutter the TAP output */
    assert_int_equal(fflush(stderr), 0);
    int saved = dup(2);
    assert_non_null(freopen("/dev/null", "w", stderr));
    assert_int_equal(run("# comment\n\nDown Hyper-x Down\n", 8, 40, TUI_ASCII_AUTO, NULL), 2);
    assert_non_null(strstr(tui_error(), "script:3: unknown key name \"Hyper-x\""));
    assert_int_equal(run(":frobnicate\n", 8, 40, TUI_ASCII_AUTO, NULL), 2);
    assert_non_null(strstr(tui_error(), "script:1: unknown command \":frobnicate\""));
    assert_int_equal(run(":resize 0 80\n", 8, 40, TUI_ASCII_AUTO, NULL), 2);
    assert_non_null(strstr(tui_error(), "script:1: :resize"));
    /* two whole numbers and nothing else */
    static const char *const bad_sizes[] = {":resize 24x80\n", ":resize 24 80 1\n", ":resize 24\n", ":resize 2.5 80\n"};
    for (size_t i = 0; i < sizeof bad_sizes / sizeof bad_sizes[0]; i++) {
        assert_int_equal(run(bad_sizes[i], 8, 40, TUI_ASCII_AUTO, NULL), 2);
        assert_non_null(strstr(tui_error(), "script:1: :resize needs ROWS COLS"));
    }
    assert_int_equal(run(":dump /nonexistent/dir/x\n", 8, 40, TUI_ASCII_AUTO, NULL), 2);
    /* a dump that cannot be written is a failure, not a lost screen */
    assert_int_equal(run(":dump /dev/full\n", 8, 40, TUI_ASCII_AUTO, NULL), 2);
    assert_non_null(strstr(tui_error(), ":dump: /dev/full: cannot write"));
    assert_int_equal(fflush(stderr), 0);
    dup2(saved, 2);
    close(saved);
    struct tui_options o = {.script_file = "/nonexistent/script"};
    assert_int_equal(tui_init(&o), -1);
    assert_non_null(strstr(tui_error(), "/nonexistent/script"));
}

static void test_quit_stops_the_script(void **state)
{
    (void)state;
    char *out = path_in_dir("d9");
    char *script = util_asprintf("C-c\n:dump %s\n", out);
    assert_int_equal(run(script, 8, 40, TUI_ASCII_AUTO, NULL), 0);
    assert_true(access(out, F_OK) != 0); /* nothing ran after the quit */
    free(script);
    script = util_asprintf(":quit\n:dump %s\n", out);
    assert_int_equal(run(script, 8, 40, TUI_ASCII_AUTO, NULL), 0);
    assert_true(access(out, F_OK) != 0);
    free(script);
    free(out);
}

static void test_trace_and_bytes(void **state)
{
    (void)state;
    char *trace = path_in_dir("trace");
    assert_int_equal(run("Tab\nDown\n:type x\n", 24, 80, TUI_ASCII_AUTO, trace), 0);
    char *t = slurp(trace);
    assert_non_null(t);
    int keys = 0, paints = 0;
    size_t first_paint = 0, move_paint = 0;
    for (char *line = strtok(t, "\n"); line; line = strtok(NULL, "\n")) {
        /* "key MS NAME" and "paint MS BYTES" */
        bool key = strncmp(line, "key ", 4) == 0, paint = strncmp(line, "paint ", 6) == 0;
        char *at = line + (key ? 4 : 6), *end = at;
        double ms = key || paint ? strtod(at, &end) : 0;
        char *num = end;
        size_t bytes = paint ? (size_t)strtoull(num, &end, 10) : 0;
        if (key && ms > 0 && *end == ' ') {
            keys++;
        } else if (paint && ms > 0 && end != num && *end == '\0') {
            if (paints == 0)
                first_paint = bytes;
            if (paints == 2)
                move_paint = bytes;
            paints++;
        } else {
            fail_msg("unexpected trace line [%s]", line);
        }
    }
    assert_int_equal(keys, 3);
    assert_int_equal(paints, 3); /* before lines 1, 2 and 3 */
    /* curses output is counted: a whole 80x24 screen, then a small change */
    if (first_paint == 0)
        skip(); /* no /proc/self/io here */
    assert_true(first_paint > 500 && first_paint < 4096);
    assert_true(move_paint > 0 && move_paint < 300);
    free(t);
    free(trace);
}

/* Hints name the key in effect: the screen's own first, then the global
 * one it does not take over; an action without a key says so. */
static void test_key_hint(void **state)
{
    (void)state;
    char buf[64];
    assert_string_equal(tui_key_hint("search", TUI_ACT_QUIT, buf, sizeof buf), "q");
    assert_string_equal(tui_key_hint("customer", TUI_ACT_QUIT, buf, sizeof buf), "C-c");
    assert_string_equal(tui_key_hint("customer", TUI_ACT_HELP, buf, sizeof buf), "F1");
    assert_string_equal(tui_key_hint("search", TUI_ACT_APPROVE, buf, sizeof buf), "[approve: no key]");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layout_and_status_line),
        cmocka_unit_test(test_status_when_list_focused),
        cmocka_unit_test(test_message_until_next_key),
        cmocka_unit_test(test_waits_for_idle),
        cmocka_unit_test(test_help_overlay),
        cmocka_unit_test(test_help_scrolls),
        cmocka_unit_test(test_stack_back_and_resume),
        cmocka_unit_test(test_field_scrolls),
        cmocka_unit_test(test_ascii_mode),
        cmocka_unit_test(test_resize_and_tiny),
        cmocka_unit_test(test_script_errors),
        cmocka_unit_test(test_quit_stops_the_script),
        cmocka_unit_test(test_trace_and_bytes),
        cmocka_unit_test(test_key_hint),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
