/* shell.c — the app shell: terminal set-up and restore, signals, screen stack, key dispatch, title and status lines, help overlay, event loop, scripted mode and timing trace. */
#include "careline/tui.h"

#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "careline/input.h"
#include "careline/keymap.h"
#include "careline/text.h"
#include "careline/util.h"

/*
 * Scripted mode (tui_options.script_file): keys come from a text file and
 * the screen is an in-memory curses screen of script_rows x script_cols
 * (default 24x80) whose output goes to /dev/null, with the terminal type
 * pinned to xterm-256color, so runs are the same on every machine and need
 * no terminal. Before each line the shell waits until the loop hooks say the
 * database is idle (busy() false), then redraws, then runs the line.
 *
 *   # comment           blank lines and lines starting with '#' are skipped
 *   Down Down Enter     key names as in the key map ("C-u", "?", "Space", "é"),
 *                       separated by blanks, fed one after another
 *   :type TEXT          every UTF-8 character of TEXT as a key (TEXT is the
 *                       rest of the line after one space; it may hold spaces)
 *   :dump               the screen as plain UTF-8 text to stdout: one line per
 *                       row, trailing blanks removed, then a line "--"
 *   :dump FILE          the same, written to FILE (replaced)
 *   :resize ROWS COLS   resize the in-memory screen, as a terminal resize would
 *   :wait               only wait until the database is idle
 *   :quit               stop here
 *
 * tui_run() returns 0 at the end of the script, at :quit, or when the
 * program quits by a key; 2 for an error in the script (unknown key name or
 * command, bad :resize, :dump cannot write) and 3 when the database stayed
 * busy for SCRIPT_IDLE_MS (the exit codes of app.h: usage, no database),
 * after printing "file:line: reason" to stderr; 128+signal when a signal
 * stopped it.
 */

#define SCRIPT_ERROR 2
#define SCRIPT_NODB 3
#define SCRIPT_IDLE_MS 30000
#define MAX_HOOK_FDS 16
#define CTRL_C 3

/* ---- terminal state -------------------------------------------------------- */

static struct {
    bool active;
    SCREEN *sp;
    FILE *out, *in;       /* /dev/null streams in scripted mode */
    int ttyfd;            /* input to poll; -1 in scripted mode */
    bool scripted;
    char *script_path;
    FILE *script;
    int rows, cols;       /* scripted size */
    FILE *trace;
    int procio;           /* /proc/self/io, to count bytes written */
    size_t bytes;
    int curs;             /* cursor visibility last set */
    struct tui_input *input; /* the terminal's bytes to keys (not in scripted mode) */
    bool paste_wanted;    /* the terminal takes bracketed paste mode */
    bool paste_on;        /* ... and it has been switched on */
    char err[512];
} T = {.ttyfd = -1, .procio = -1, .curs = -1};

static volatile sig_atomic_t sig_stop, sig_winch;
static int wake_pipe[2] = {-1, -1};
static const int handled_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGWINCH};
#define NSIG_HANDLED (sizeof handled_signals / sizeof handled_signals[0])
static struct sigaction old_actions[NSIG_HANDLED];
static bool exit_hook;

/* ---- shell state ------------------------------------------------------------ */

struct entry {
    const struct screen_ops *ops;
    void *st;
};
static struct entry *stack;
static int depth, stack_cap;

static bool dirty = true, invalid, quitting;
static char *message;
static enum tui_role message_role;
static char *conn_text;
static enum tui_role conn_role;
static struct tui_loop_hooks hooks;

struct help_line {
    char *keys, *text; /* keys NULL: a heading */
};
static struct {
    bool open;
    int top, inner; /* first line shown, lines that fit at last draw */
    struct help_line *lines;
    int n;
    char *title;
} help;

const char *tui_error(void) { return T.err; }

static void set_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void set_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(T.err, sizeof T.err, fmt, ap);
    va_end(ap);
}

/* ---- signals: handlers only set flags and wake the loop ----------------------- */

static void on_signal(int sig)
{
    int saved = errno;
    if (sig == SIGWINCH)
        sig_winch = 1;
    else if (!sig_stop)
        sig_stop = sig;
    if (wake_pipe[1] >= 0) {
        ssize_t r = write(wake_pipe[1], "", 1);
        (void)r; /* a full pipe already wakes the loop */
    }
    errno = saved;
}

static void install_signals(void)
{
    if (wake_pipe[0] < 0 && pipe(wake_pipe) == 0) {
        for (int i = 0; i < 2; i++) {
            fcntl(wake_pipe[i], F_SETFL, fcntl(wake_pipe[i], F_GETFL) | O_NONBLOCK);
            fcntl(wake_pipe[i], F_SETFD, FD_CLOEXEC);
        }
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    /* Installed before newterm(), so curses does not put its own handlers
     * (which call curses from signal context) in their place. */
    for (size_t i = 0; i < NSIG_HANDLED; i++)
        sigaction(handled_signals[i], &sa, &old_actions[i]);
}

static void restore_signals(void)
{
    for (size_t i = 0; i < NSIG_HANDLED; i++)
        sigaction(handled_signals[i], &old_actions[i], NULL);
    for (int i = 0; i < 2; i++) {
        if (wake_pipe[i] >= 0)
            close(wake_pipe[i]);
        wake_pipe[i] = -1;
    }
}

static void drain_wake_pipe(void)
{
    char buf[64];
    while (wake_pipe[0] >= 0 && read(wake_pipe[0], buf, sizeof buf) > 0)
        ;
}

/* ---- trace and byte counting ---------------------------------------------------- */

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* ncurses (6.x) writes its output with write(2) on the descriptor of the
 * stream it was given, bypassing stdio, so a counting FILE* (fopencookie)
 * cannot see the bytes. The kernel counts them instead: "wchar" in
 * /proc/self/io is every byte this process has written; the loop is single
 * threaded and nothing else writes during doupdate(), so the difference
 * around doupdate() is exactly what curses sent to the terminal. */
static long long written_so_far(void)
{
    if (T.procio < 0)
        return -1;
    char buf[512];
    ssize_t n = pread(T.procio, buf, sizeof buf - 1, 0);
    if (n <= 0)
        return -1;
    buf[n] = '\0';
    const char *p = strstr(buf, "wchar:");
    return p ? strtoll(p + 6, NULL, 10) : -1;
}

size_t tui_bytes_written(void) { return T.bytes; }

static void trace_key(int key)
{
    if (!T.trace)
        return;
    char name[32];
    fprintf(T.trace, "key %.3f %s\n", now_ms(), tui_key_name(key, name, sizeof name));
    fflush(T.trace);
}

/* ---- set-up and restore ----------------------------------------------------------- */

static bool codeset_is_utf8(void)
{
    const char *cs = nl_langinfo(CODESET);
    return cs && (strcasecmp(cs, "UTF-8") == 0 || strcasecmp(cs, "utf8") == 0);
}

static void paste_mode(bool on);

/* A last resort when main returns or exit() is called without tui_end():
 * give the terminal back; screens are not closed (their modules may be gone). */
static void restore_at_exit(void)
{
    if (T.active && !isendwin()) {
        paste_mode(false);
        endwin();
    }
}

/* Bracketed paste (ESC[?2004h) where the terminal has it: the terminal
 * description says so (BE), or the terminal is one of the families that
 * all have it. Written straight to the terminal between curses updates,
 * whose output is flushed by then. */
static bool terminal_has_paste(void)
{
    char be[] = "BE";
    const char *cap = tigetstr(be);
    if (cap && cap != (char *)-1)
        return true;
    const char *term = getenv("TERM");
    static const char *const families[] = {"xterm", "screen", "tmux", "rxvt", "putty", "alacritty", "foot",
                                           "kitty", "st-", "konsole", "gnome", "vte", "wezterm", "iterm"};
    for (size_t i = 0; term && i < sizeof families / sizeof families[0]; i++)
        if (strncmp(term, families[i], strlen(families[i])) == 0)
            return true;
    return false;
}

static void paste_mode(bool on)
{
    if (T.scripted || T.ttyfd < 0 || !T.paste_wanted || T.paste_on == on)
        return;
    const char *seq = on ? "\033[?2004h" : "\033[?2004l";
    ssize_t w = write(STDOUT_FILENO, seq, strlen(seq));
    (void)w; /* a terminal that went away needs no paste mode */
    T.paste_on = on;
}

int tui_init(const struct tui_options *opt)
{
    static const struct tui_options defaults = {0};
    if (!opt)
        opt = &defaults;
    if (T.active) {
        set_error("the terminal is already set up");
        return -1;
    }
    T.err[0] = '\0';
    sig_stop = sig_winch = 0;
    quitting = false;

    setlocale(LC_ALL, "");
    setlocale(LC_NUMERIC, "C"); /* trace and config numbers use '.' whatever the locale */
    bool utf8 = codeset_is_utf8();
    if (!utf8 && opt->ascii == TUI_ASCII_NO) {
        /* ascii = no: the terminal is known to be UTF-8 although the locale
         * does not say so; curses needs a UTF-8 LC_CTYPE to encode it. */
        if (setlocale(LC_CTYPE, "C.UTF-8") || setlocale(LC_CTYPE, "en_US.UTF-8"))
            utf8 = codeset_is_utf8();
    }
    bool ascii = opt->ascii == TUI_ASCII_YES || !utf8;

    T.scripted = opt->script_file != NULL;
    if (T.scripted) {
        T.script = fopen(opt->script_file, "r");
        if (!T.script) {
            set_error("%s: %s", opt->script_file, strerror(errno));
            return -1;
        }
        T.script_path = util_strdup(opt->script_file);
        T.rows = opt->script_rows > 0 ? opt->script_rows : 24;
        T.cols = opt->script_cols > 0 ? opt->script_cols : 80;
    } else if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        set_error("standard input and output must be a terminal");
        return -1;
    }
    if (opt->trace_file) {
        T.trace = fopen(opt->trace_file, "a");
        if (!T.trace) {
            set_error("%s: %s", opt->trace_file, strerror(errno));
            goto fail;
        }
        util_trace_to(T.trace);
    }

    install_signals();
    if (T.scripted) {
        T.in = fopen("/dev/null", "r");
        T.out = fopen("/dev/null", "w");
        if (!T.in || !T.out) {
            set_error("/dev/null: %s", strerror(errno));
            goto fail;
        }
        use_env(FALSE); /* LINES/COLUMNS must not change the pinned size */
        static const char *const pinned[] = {"xterm-256color", "xterm", "vt100"};
        for (size_t i = 0; i < sizeof pinned / sizeof pinned[0] && !T.sp; i++)
            T.sp = newterm(pinned[i], T.out, T.in);
        if (!T.sp) {
            set_error("no terminal description for scripted mode (xterm-256color, xterm, vt100)");
            goto fail;
        }
        set_term(T.sp);
        resizeterm(T.rows, T.cols);
    } else {
        const char *term = getenv("TERM");
        T.sp = newterm(NULL, stdout, stdin);
        if (!T.sp) {
            set_error("unknown terminal type \"%s\" (set TERM)", term ? term : "");
            goto fail;
        }
        set_term(T.sp);
        T.ttyfd = STDIN_FILENO;
    }
    T.active = true;
    if (!exit_hook && atexit(restore_at_exit) == 0)
        exit_hook = true;

    /* raw(): C-c, C-z and C-\ arrive as keys (C-c is bound to quit), flow
     * control is off, and no signal interrupts a half-drawn screen. */
    raw();
    noecho();
    nonl();
    intrflush(stdscr, FALSE);
    nodelay(stdscr, TRUE);
    /* Esc alone must feel instant; an escape sequence's bytes arrive
     * together even on slow links. ESCDELAY in the environment wins. */
    if (!getenv("ESCDELAY"))
        set_escdelay(25);
    if (T.scripted) {
        keypad(stdscr, TRUE);
    } else {
        /* The keys are decoded by tui/input.c from the bytes themselves:
         * terminfo knows one encoding per key, for the terminal TERM names,
         * and real terminals send others (End as ESC[4~ under TERM=xterm).
         * curses only draws; it must not look at the input either. */
        keypad(stdscr, FALSE);
        typeahead(-1);
        T.input = tui_input_new(get_escdelay());
        T.paste_wanted = terminal_has_paste();
        T.paste_on = false;
    }

    bool color = false;
    if (opt->theme != TUI_THEME_MONO && has_colors()) {
        const char *nc = getenv("NO_COLOR"); /* no-color.org: set and not empty */
        color = opt->theme == TUI_THEME_COLOR || !(nc && *nc);
    }
    if (color)
        color = start_color() == OK;
    tui_draw_setup(true, ascii, color);
    T.curs = -1;
    T.bytes = 0;
    T.procio = open("/proc/self/io", O_RDONLY | O_CLOEXEC);
    dirty = true;
    return 0;

fail:
    if (T.sp) {
        endwin();
        delscreen(T.sp);
        T.sp = NULL;
    }
    T.active = false;
    if (T.in)
        fclose(T.in);
    if (T.out)
        fclose(T.out);
    T.in = T.out = NULL;
    if (T.script)
        fclose(T.script);
    T.script = NULL;
    free(T.script_path);
    T.script_path = NULL;
    util_trace_to(NULL);
    if (T.trace)
        fclose(T.trace);
    T.trace = NULL;
    restore_signals();
    return -1;
}

static void remove_at(int i, bool resume);

static void help_free(void)
{
    for (int i = 0; i < help.n; i++) {
        free(help.lines[i].keys);
        free(help.lines[i].text);
    }
    free(help.lines);
    free(help.title);
    help.lines = NULL;
    help.title = NULL;
    help.n = help.top = 0;
    help.open = false;
}

void tui_end(void)
{
    /* Screens first: their close() may still cancel queries. */
    while (depth > 0)
        remove_at(depth - 1, false);
    free(stack);
    stack = NULL;
    stack_cap = 0;
    help_free();
    free(message);
    message = NULL;
    free(conn_text);
    conn_text = NULL;
    if (!T.active)
        return;
    paste_mode(false);
    endwin();
    tui_input_free(T.input);
    T.input = NULL;
    delscreen(T.sp);
    T.sp = NULL;
    T.active = false;
    tui_draw_setup(false, true, false);
    if (T.in)
        fclose(T.in);
    if (T.out)
        fclose(T.out);
    T.in = T.out = NULL;
    if (T.script)
        fclose(T.script);
    T.script = NULL;
    free(T.script_path);
    T.script_path = NULL;
    util_trace_to(NULL);
    if (T.trace)
        fclose(T.trace);
    T.trace = NULL;
    if (T.procio >= 0)
        close(T.procio);
    T.procio = -1;
    T.ttyfd = -1;
    restore_signals();
}

/* ---- screen stack --------------------------------------------------------------------- */

void tui_push(const struct screen_ops *ops, void *arg)
{
    if (!ops)
        return;
    void *st = ops->open ? ops->open(arg) : NULL;
    if (ops->open && !st) {
        dirty = true; /* it could not open; its message is shown */
        return;
    }
    if (depth == stack_cap) {
        stack_cap = stack_cap ? stack_cap * 2 : 8;
        stack = util_realloc(stack, sizeof *stack * (size_t)stack_cap);
    }
    stack[depth++] = (struct entry){ops, st};
    help_free();
    dirty = true;
}

/* Close the screen at index i; when it was on top, the new top resumes
 * (except while tearing everything down). */
static void remove_at(int i, bool resume)
{
    if (i < 0 || i >= depth)
        return;
    struct entry e = stack[i];
    bool top = i == depth - 1;
    memmove(stack + i, stack + i + 1, sizeof *stack * (size_t)(depth - i - 1));
    depth--;
    if (e.ops->close)
        e.ops->close(e.st);
    help_free();
    if (resume && top && depth > 0 && stack[depth - 1].ops->resume)
        stack[depth - 1].ops->resume(stack[depth - 1].st);
    dirty = true;
}

void tui_pop(void) { remove_at(depth - 1, true); }

void tui_invalidate(void) { invalid = true; }

void tui_message(enum tui_role role, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char buf[1024];
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    free(message);
    message = util_strdup(buf);
    message_role = role;
    dirty = true;
}

void tui_set_conn_status(const char *text, enum tui_role role)
{
    if ((text && conn_text && strcmp(text, conn_text) == 0 && role == conn_role) || (!text && !conn_text))
        return;
    free(conn_text);
    conn_text = text && *text ? util_strdup(text) : NULL;
    conn_role = role;
    dirty = true;
}

void tui_set_loop_hooks(const struct tui_loop_hooks *h)
{
    if (h)
        hooks = *h;
    else
        memset(&hooks, 0, sizeof hooks);
}

/* ---- key names for people -------------------------------------------------------------- */

/* The arrows read better as arrows; ASCII mode keeps the names. */
static const char *show_key(int key, char *buf, size_t len)
{
    if (!tui_ascii()) {
        switch (key) {
        case TUI_KEY_FN + KEY_UP: return tui_glyph("up");
        case TUI_KEY_FN + KEY_DOWN: return tui_glyph("down");
        case TUI_KEY_FN + KEY_LEFT: return tui_glyph("left");
        case TUI_KEY_FN + KEY_RIGHT: return tui_glyph("right");
        default: break;
        }
    }
    return tui_key_name(key, buf, len);
}

/* ---- title and status lines -------------------------------------------------------------- */

static struct entry *top_entry(void) { return depth > 0 ? &stack[depth - 1] : NULL; }

static bool wants_text(const struct entry *e)
{
    return e && e->ops->wants_text && e->ops->wants_text(e->st);
}

static void draw_title(int cols)
{
    struct entry *e = top_entry();
    tui_fill(0, 0, cols, TUI_ROLE_TITLE);
    char *t;
    if (e && e->ops->title && *e->ops->title)
        t = util_asprintf(" Careline %s %s", tui_glyph("dash"), e->ops->title);
    else
        t = util_strdup(" Careline");
    tui_put(0, 0, cols, TUI_ROLE_TITLE, t);
    free(t);
}

/* Actions shown in pairs as one entry ("↑↓ move"). */
static const struct {
    enum tui_action first, second;
    const char *label;
} pairs[] = {
    {TUI_ACT_UP, TUI_ACT_DOWN, "move"},
    {TUI_ACT_PAGE_UP, TUI_ACT_PAGE_DOWN, "page"},
    {TUI_ACT_FIRST, TUI_ACT_LAST, "first/last"},
    {TUI_ACT_NEXT_FIELD, TUI_ACT_PREV_FIELD, "field"},
    {TUI_ACT_NEXT_PANEL, TUI_ACT_PREV_PANEL, "panel"},
};

static bool in_list(const enum tui_action *acts, enum tui_action a)
{
    for (int i = 0; acts[i] != TUI_ACT_NONE; i++)
        if (acts[i] == a)
            return true;
    return false;
}

static void draw_status(int row, int cols)
{
    struct entry *e = top_entry();
    tui_fill(row, 0, cols, TUI_ROLE_STATUS);
    int right = 0;
    if (conn_text) {
        char *clean = tui_text_sanitize(conn_text, tui_ascii());
        right = tui_text_width(clean);
        free(clean);
        if (right > cols / 2)
            right = cols / 2;
        tui_put_right(row, cols - right - 1, right, conn_role, conn_text);
    }
    int avail = cols - 1 - (right ? right + 3 : 1); /* last usable column + 1 */
    if (avail <= 1)
        return;
    if (message) {
        tui_put(row, 1, avail - 1, message_role, message);
        return;
    }
    static const enum tui_action fallback[] = {TUI_ACT_HELP, TUI_ACT_QUIT, TUI_ACT_NONE};
    const enum tui_action *acts = e && e->ops->status_keys ? e->ops->status_keys(e->st) : fallback;
    if (!acts)
        acts = fallback;
    const char *section = e ? e->ops->name : NULL;
    bool typing = wants_text(e);
    bool done[TUI_ACT__COUNT] = {false};
    int x = 1;
    for (int i = 0; acts[i] != TUI_ACT_NONE; i++) {
        enum tui_action a = acts[i];
        if ((unsigned)a >= TUI_ACT__COUNT || done[a])
            continue;
        done[a] = true;
        char kbuf[80], n1[32], n2[32];
        const char *label = tui_action_label(a);
        int k1 = tui_keymap_first_key(section, a, typing);
        kbuf[0] = '\0';
        for (size_t p = 0; p < sizeof pairs / sizeof pairs[0]; p++) {
            enum tui_action other = pairs[p].first == a ? pairs[p].second
                                    : pairs[p].second == a ? pairs[p].first
                                                           : TUI_ACT_NONE;
            if (other == TUI_ACT_NONE || !in_list(acts, other) || done[other])
                continue;
            int k2 = tui_keymap_first_key(section, other, typing);
            if (k1 < 0 || k2 < 0)
                break;
            done[other] = true;
            int ka = pairs[p].first == a ? k1 : k2, kb = pairs[p].first == a ? k2 : k1;
            const char *sa = show_key(ka, n1, sizeof n1), *sb = show_key(kb, n2, sizeof n2);
            /* "↑↓" when both are single glyphs, else "PgUp/PgDn". */
            bool glyphs = tui_text_width(sa) == 1 && tui_text_width(sb) == 1;
            snprintf(kbuf, sizeof kbuf, "%s%s%s", sa, glyphs ? "" : "/", sb);
            label = pairs[p].label;
            break;
        }
        if (!kbuf[0]) {
            if (k1 < 0)
                continue;
            snprintf(kbuf, sizeof kbuf, "%s", show_key(k1, n1, sizeof n1));
        }
        int need = tui_text_width(kbuf) + 1 + tui_text_width(label);
        if (x + need > avail)
            break; /* shorten: drop the rest rather than cut an entry */
        x += tui_put(row, x, need, TUI_ROLE_STATUS_KEY, kbuf) + 1;
        x += tui_put(row, x, avail - x, TUI_ROLE_STATUS, label) + 2;
    }
}

/* ---- help overlay ----------------------------------------------------------------------- */

struct help_build {
    const char *section;
    bool global;
    char *keys[TUI_ACT__COUNT];
};

static void help_collect(void *ctx, int key, enum tui_action a)
{
    struct help_build *hb = ctx;
    if ((unsigned)a >= TUI_ACT__COUNT)
        return;
    if (hb->global && hb->section && tui_keymap_lookup(hb->section, key) != a)
        return; /* overridden on this screen */
    char name[32];
    const char *shown = show_key(key, name, sizeof name);
    if (hb->keys[a]) {
        char *joined = util_asprintf("%s, %s", hb->keys[a], shown);
        free(hb->keys[a]);
        hb->keys[a] = joined;
    } else {
        hb->keys[a] = util_strdup(shown);
    }
}

static void help_add(char *keys, char *text)
{
    help.lines = util_realloc(help.lines, sizeof *help.lines * (size_t)(help.n + 1));
    help.lines[help.n++] = (struct help_line){keys, text};
}

/* One line per action, its keys joined, in the order the keys were bound:
 * the screen's own keys, then the global keys still in force here. */
struct order {
    enum tui_action seq[TUI_ACT__COUNT];
    int n;
    bool seen[TUI_ACT__COUNT];
};

static void order_cb(void *ctx, int key, enum tui_action a)
{
    (void)key;
    struct order *o = ctx;
    if ((unsigned)a < TUI_ACT__COUNT && !o->seen[a]) {
        o->seen[a] = true;
        o->seq[o->n++] = a;
    }
}

static void help_section(const char *heading, const char *section, const char *screen)
{
    struct help_build hb = {screen, section != screen, {NULL}};
    tui_keymap_each(section, help_collect, &hb);
    struct order o = {.n = 0};
    tui_keymap_each(section, order_cb, &o);
    bool any = false;
    for (int i = 0; i < o.n; i++) {
        enum tui_action a = o.seq[i];
        if (!hb.keys[a])
            continue;
        if (!any) {
            if (help.n)
                help_add(util_strdup(""), util_strdup(""));
            help_add(NULL, util_strdup(heading));
            any = true;
        }
        help_add(hb.keys[a], util_strdup(tui_action_help(a)));
        hb.keys[a] = NULL;
    }
    for (int a = 0; a < TUI_ACT__COUNT; a++)
        free(hb.keys[a]);
}

/* Notes screens add to their help (what short forms mean), by screen name. */
static struct {
    const char *screen, *note;
} help_notes[16];

void tui_set_help_note(const char *screen, const char *note)
{
    for (size_t i = 0; i < sizeof help_notes / sizeof help_notes[0]; i++)
        if (!help_notes[i].screen || strcmp(help_notes[i].screen, screen) == 0) {
            help_notes[i].screen = screen;
            help_notes[i].note = note;
            return;
        }
}

static const char *help_note_for(const char *screen)
{
    for (size_t i = 0; i < sizeof help_notes / sizeof help_notes[0] && help_notes[i].screen; i++)
        if (strcmp(help_notes[i].screen, screen) == 0)
            return help_notes[i].note;
    return NULL;
}

static void help_open(void)
{
    help_free();
    struct entry *e = top_entry();
    const char *name = e ? e->ops->name : NULL;
    const char *title = e && e->ops->title ? e->ops->title : "Careline";
    if (name && strcmp(name, "global") != 0) {
        char *h = util_asprintf("%s keys", title);
        help_section(h, name, name);
        free(h);
    }
    help_section("Keys on every screen", "global", name);
    const char *note = name ? help_note_for(name) : NULL;
    if (note) {
        help_add(util_strdup(""), util_strdup(""));
        help_add(NULL, util_strdup("On this screen"));
        for (const char *p = note; *p;) {
            size_t n = strcspn(p, "\n");
            help_add(util_strdup(""), util_strndup(p, n));
            p += n;
            if (*p)
                p++;
        }
    }
    help.title = util_asprintf("Help: %s", title);
    help.open = true;
    help.top = 0;
}

static void draw_help(int rows, int cols)
{
    int kw = 0, tw = 0;
    for (int i = 0; i < help.n; i++) {
        const struct help_line *l = &help.lines[i];
        int a = l->keys ? tui_text_width(l->keys) : 0, b = tui_text_width(l->text);
        if (!l->keys)
            b -= 2; /* headings start two columns further left */
        kw = a > kw ? a : kw;
        tw = b > tw ? b : tw;
    }
    if (kw > 24)
        kw = 24;
    int w = kw + tw + 7, h = help.n + 2;
    if (w > cols - 2)
        w = cols - 2;
    if (w < 12 && cols >= 12)
        w = 12;
    if (h > rows - 2)
        h = rows - 2;
    if (w < 4 || h < 3) {
        help.inner = 0;
        return;
    }
    if (kw > (w - 5) / 2)
        kw = (w - 5) / 2; /* a narrow box shares its width between keys and help */
    struct tui_rect r = {(rows - h) / 2, (cols - w) / 2, h, w};
    help.inner = h - 2;
    int maxtop = help.n - help.inner;
    if (help.top > maxtop)
        help.top = maxtop > 0 ? maxtop : 0;
    for (int i = 0; i < h; i++)
        tui_fill(r.y + i, r.x, w, TUI_ROLE_NORMAL);
    tui_box(r, TUI_ROLE_BORDER, help.title);
    for (int i = 0; i < help.inner && help.top + i < help.n; i++) {
        const struct help_line *l = &help.lines[help.top + i];
        int y = r.y + 1 + i;
        if (!l->keys) {
            tui_put(y, r.x + 2, w - 4, TUI_ROLE_HEADER, l->text);
            continue;
        }
        tui_put(y, r.x + 3, kw, TUI_ROLE_LABEL, l->keys);
        int tx = r.x + 3 + kw + 2;
        if (tx < r.x + w - 1)
            tui_put(y, tx, r.x + w - 1 - tx, TUI_ROLE_NORMAL, l->text);
    }
    /* Say there is more, and how it closes, on the bottom border. */
    const char *note = help.top + help.inner < help.n ? (tui_ascii() ? " v more, any other key closes "
                                                                      : " \xE2\x86\x93 more, any other key closes ")
                                                      : " any key closes ";
    if (help.top > 0 && help.top + help.inner >= help.n)
        note = tui_ascii() ? " ^ back up, any other key closes " : " \xE2\x86\x91 back up, any other key closes ";
    tui_put_right(r.y + h - 1, r.x + 2, w - 4, TUI_ROLE_BORDER, note);
}

/* While help is open, the movement keys scroll it when it is longer than the
 * box; every other key closes it. */
static void help_key(int key)
{
    struct entry *e = top_entry();
    enum tui_action a = tui_keymap_lookup(e ? e->ops->name : NULL, key);
    int maxtop = help.n - help.inner;
    if (help.inner > 0 && maxtop > 0) {
        int page = help.inner > 1 ? help.inner - 1 : 1, top = help.top;
        switch (a) {
        case TUI_ACT_UP: top--; break;
        case TUI_ACT_DOWN: top++; break;
        case TUI_ACT_PAGE_UP: top -= page; break;
        case TUI_ACT_PAGE_DOWN: top += page; break;
        case TUI_ACT_FIRST: top = 0; break;
        case TUI_ACT_LAST: top = maxtop; break;
        default: help_free(); dirty = true; return;
        }
        help.top = top < 0 ? 0 : top > maxtop ? maxtop : top;
        dirty = true;
        return;
    }
    help_free();
    dirty = true;
}

/* ---- drawing a frame -------------------------------------------------------------------- */

static void draw_frame(void)
{
    int rows = LINES, cols = COLS;
    erase();
    if (rows < 3 || cols < 10) {
        tui_put(0, 0, cols, TUI_ROLE_ERROR, "Terminal too small");
        return;
    }
    draw_title(cols);
    struct entry *e = top_entry();
    if (e && e->ops->draw)
        e->ops->draw(e->st, (struct tui_rect){1, 0, rows - 2, cols});
    draw_status(rows - 1, cols);
    if (help.open)
        draw_help(rows, cols);
}

static void set_cursor_visibility(int vis)
{
    if (vis != T.curs) {
        curs_set(vis); /* may fail on terminals without civis/cnorm: harmless */
        T.curs = vis;
    }
}

static void paint(void)
{
    if (!T.active)
        return;
    draw_frame();
    int y, x;
    bool want = tui_draw_take_cursor(&y, &x) && !help.open;
    if (want) {
        move(y, x);
        set_cursor_visibility(1);
    } else {
        move(LINES - 1, 0); /* where a visible cursor does least harm */
        set_cursor_visibility(0);
    }
    wnoutrefresh(stdscr);
    long long before = written_so_far();
    doupdate();
    long long after = written_so_far();
    paste_mode(true); /* after curses' own set-up has gone out */
    size_t bytes = before >= 0 && after >= before ? (size_t)(after - before) : 0;
    T.bytes += bytes;
    if (T.trace) {
        fprintf(T.trace, "paint %.3f %zu\n", now_ms(), bytes);
        fflush(T.trace);
    }
    dirty = false;
    /* What the screens hold back until the echo is out (the journal):
     * done now, before the next key is read. A screen may pop itself here. */
    for (int i = depth - 1; i >= 0; i--)
        if (i < depth && stack[i].ops->painted)
            stack[i].ops->painted(stack[i].st);
}

static void resize_to(int rows, int cols)
{
    if (rows <= 0 || cols <= 0)
        return;
    resizeterm(rows, cols);
    clearok(curscr, TRUE); /* the terminal may have reflowed: repaint all */
    dirty = true;
}

static void handle_winch(void)
{
    sig_winch = 0;
    struct winsize ws;
    if (T.ttyfd >= 0 && ioctl(T.ttyfd, TIOCGWINSZ, &ws) == 0)
        resize_to(ws.ws_row, ws.ws_col);
}

/* ---- key dispatch ------------------------------------------------------------------------ */

static void apply(enum scr_result r, void *st)
{
    switch (r) {
    case SCR_REDRAW:
        dirty = true;
        break;
    case SCR_CLOSE:
        for (int i = depth - 1; i >= 0; i--) {
            if (stack[i].st == st) {
                remove_at(i, true);
                break;
            }
        }
        break;
    case SCR_QUIT:
        quitting = true;
        break;
    case SCR_UNHANDLED:
    case SCR_HANDLED:
        break;
    }
}

static void handle_key(int key)
{
    key = tui_key_normalize(key);
    trace_key(key);
    if (message) {
        free(message);
        message = NULL;
        dirty = true;
    }
    if (help.open) {
        help_key(key);
        return;
    }
    struct entry *top = top_entry();
    if (!top)
        return;
    /* Copies: a handler may push or pop and move the stack. */
    const struct screen_ops *ops = top->ops;
    void *st = top->st;
    if (TUI_KEY_IS_PASTE(key)) {
        /* Pasted text goes to a text field or nowhere: never to the key
         * map, so a pasted "q" or Esc can never act. */
        if (ops->key && ops->wants_text && ops->wants_text(st))
            apply(ops->key(st, key), st);
        return;
    }
    bool offered = false;
    if (ops->key && ops->wants_text && ops->wants_text(st)) {
        offered = true;
        enum scr_result r = ops->key(st, key);
        if (r != SCR_UNHANDLED) {
            apply(r, st);
            return;
        }
    }
    enum tui_action a = tui_keymap_lookup(ops->name, key);
    /* Without any binding for C-c (no key map loaded), raw mode would leave
     * no way out: it quits unless explicitly bound. */
    if (a == TUI_ACT_NONE && key == CTRL_C && !tui_keymap_bound(ops->name, key))
        a = TUI_ACT_QUIT;
    switch (a) {
    case TUI_ACT_NONE:
        break;
    case TUI_ACT_HELP:
        help_open();
        dirty = true;
        return;
    case TUI_ACT_QUIT:
        quitting = true;
        return;
    case TUI_ACT_REFRESH:
        clearok(curscr, TRUE);
        dirty = true;
        return;
    default:
        if (ops->action) {
            enum scr_result r = ops->action(st, a);
            if (r != SCR_UNHANDLED) {
                apply(r, st);
                return;
            }
        }
        /* Back on a screen that does not handle it closes that screen,
         * but never the last one: Esc must not quit by accident. */
        if (a == TUI_ACT_BACK && depth > 1) {
            apply(SCR_CLOSE, st);
            return;
        }
        break;
    }
    if (!offered && ops->key)
        apply(ops->key(st, key), st);
}

/* Read what the terminal has sent (one read: poll said it is there) into
 * the decoder. Returns false when the terminal has gone away. */
static bool read_terminal(void)
{
    char buf[4096];
    ssize_t n = read(T.ttyfd, buf, sizeof buf);
    if (n == 0)
        return false;
    if (n > 0)
        tui_input_feed(T.input, buf, (size_t)n, util_now_ms());
    return true;
}

/* Next key, normalised; -1 when none is waiting. The terminal's keys come
 * from the decoder; scripted mode has none here. */
static int read_key(void)
{
    if (T.input) {
        int k = tui_input_next(T.input, util_now_ms());
        return k < 0 ? -1 : TUI_KEY_IS_PASTE(k) ? k : tui_key_normalize(k);
    }
    for (;;) {
        wint_t wc;
        int r = get_wch(&wc);
        if (r == ERR)
            return -1;
        if (r == KEY_CODE_YES) {
            if (wc == KEY_RESIZE) {
                /* Our SIGWINCH flag does the resizing; resizeterm() itself
                 * queues KEY_RESIZE, so acting on it again would loop. */
                dirty = true;
                continue;
            }
            return tui_key_normalize(TUI_KEY_FN + (int)wc);
        }
        return tui_key_normalize((int)wc);
    }
}

static bool running(void) { return !quitting && depth > 0 && !sig_stop; }

/* ---- the interactive loop ------------------------------------------------------------------ */

static int hook_fds(struct pollfd *fds, int max)
{
    int n = hooks.fds ? hooks.fds(fds, max) : 0;
    return n < 0 ? 0 : n > max ? max : n;
}

static int run_terminal(void)
{
    struct pollfd fds[2 + MAX_HOOK_FDS];
    int rc = 0;
    while (running()) {
        if (sig_winch)
            handle_winch();
        if (invalid) {
            invalid = false;
            dirty = true;
        }
        if (dirty)
            paint();
        fds[0] = (struct pollfd){.fd = wake_pipe[0], .events = POLLIN};
        fds[1] = (struct pollfd){.fd = T.ttyfd, .events = POLLIN};
        int nh = hook_fds(fds + 2, MAX_HOOK_FDS);
        int timeout = hooks.timeout_ms ? hooks.timeout_ms() : -1;
        /* A lone Esc, or half a sequence, is decided when its delay ends. */
        int held = T.input ? tui_input_timeout(T.input, util_now_ms()) : -1;
        if (held >= 0 && (timeout < 0 || held < timeout))
            timeout = held;
        int r = poll(fds, (nfds_t)(2 + nh), timeout);
        if (r < 0 && errno != EINTR) {
            set_error("poll: %s", strerror(errno));
            rc = 1;
            break;
        }
        if (r < 0) {
            for (int i = 0; i < 2 + nh; i++)
                fds[i].revents = 0;
        }
        drain_wake_pipe();
        if (hooks.ready)
            hooks.ready(fds + 2, nh);
        if ((fds[1].revents & (POLLHUP | POLLERR | POLLNVAL)) ||
            ((fds[1].revents & POLLIN) && !read_terminal())) {
            if (!sig_stop)
                sig_stop = SIGHUP; /* the terminal went away */
            break;
        }
        /* Read every waiting key before drawing once: typing ahead over a
         * slow link costs one paint, not one per key. */
        int key;
        while (running() && (key = read_key()) >= 0)
            handle_key(key);
    }
    return rc;
}

/* ---- the scripted loop --------------------------------------------------------------------- */

static int script_fail(int code, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int script_fail(int code, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char reason[512];
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    fprintf(stderr, "%s:%d: %s\n", T.script_path, line, reason);
    set_error("%s:%d: %s", T.script_path, line, reason);
    return code;
}

/* Let the database layer finish what is in flight (busy() includes timers
 * such as the search delay), so every line meets a settled screen. */
static int wait_idle(void)
{
    double deadline = now_ms() + SCRIPT_IDLE_MS;
    while (hooks.busy && hooks.busy() && !sig_stop) {
        struct pollfd fds[MAX_HOOK_FDS];
        int n = hook_fds(fds, MAX_HOOK_FDS);
        int t = hooks.timeout_ms ? hooks.timeout_ms() : -1;
        if (t < 0 || t > 50)
            t = 50; /* look at busy() again even when no descriptor moves */
        if (poll(fds, (nfds_t)n, t) < 0)
            for (int i = 0; i < n; i++)
                fds[i].revents = 0;
        if (hooks.ready)
            hooks.ready(fds, n);
        if (now_ms() > deadline)
            return -1;
    }
    if (invalid) {
        invalid = false;
        dirty = true;
    }
    return 0;
}

/* Write what is on the (virtual) terminal: read back from curscr after
 * doupdate(), so the dump is what a terminal would show, status line too. */
static void dump_screen(FILE *f)
{
    int rows = LINES, cols = COLS, cy, cx;
    /* curscr's cursor is where curses believes the terminal's cursor is:
     * put it back after reading, or the next update would be wrong. */
    getyx(curscr, cy, cx);
    cchar_t *cells = util_calloc((size_t)cols + 1, sizeof *cells);
    struct util_buf line = {0};
    for (int y = 0; y < rows; y++) {
        memset(cells, 0, sizeof *cells * ((size_t)cols + 1));
        util_buf_clear(&line);
        util_buf_add(&line, "", 0);
        int n = mvwin_wchnstr(curscr, y, 0, cells, cols);
        wmove(curscr, cy, cx);
        for (int i = 0; n != ERR && i < cols; i++) {
            wchar_t wch[CCHARW_MAX + 1] = {0};
            attr_t attrs;
            short pair;
            if (getcchar(&cells[i], wch, &attrs, &pair, NULL) == ERR || !wch[0])
                break; /* the terminating empty cell */
            for (int k = 0; wch[k]; k++) {
                char enc[4];
                util_buf_add(&line, enc, (size_t)tui_utf8_encode((uint32_t)wch[k], enc));
            }
        }
        while (line.len > 0 && line.data[line.len - 1] == ' ')
            line.data[--line.len] = '\0';
        fprintf(f, "%s\n", line.data);
    }
    fputs("--\n", f);
    fflush(f);
    util_buf_free(&line);
    free(cells);
}

static int script_line(char *s, int lineno)
{
    if (s[0] == ':') {
        char *cmd = s + 1;
        size_t cl = strcspn(cmd, " \t");
        char *rest = cmd + cl;
        if (cl == 4 && strncmp(cmd, "type", 4) == 0) {
            const char *text = *rest ? rest + 1 : rest; /* exactly one separator */
            size_t n = strlen(text);
            for (size_t i = 0; i < n && running();) {
                uint32_t cp;
                i += (size_t)tui_utf8_decode(text + i, n - i, &cp);
                handle_key((int)cp);
            }
            return 0;
        }
        while (*rest == ' ' || *rest == '\t')
            rest++;
        if (cl == 4 && strncmp(cmd, "dump", 4) == 0) {
            if (dirty)
                paint();
            if (!*rest) {
                dump_screen(stdout);
                return 0;
            }
            FILE *f = fopen(rest, "w");
            if (!f)
                return script_fail(SCRIPT_ERROR, lineno, ":dump: %s: %s", rest, strerror(errno));
            dump_screen(f);
            fclose(f);
            return 0;
        }
        if (cl == 6 && strncmp(cmd, "resize", 6) == 0) {
            int r, c;
            char extra;
            if (sscanf(rest, "%d %d %c", &r, &c, &extra) != 2 || r < 1 || c < 1 || r > 1000 || c > 1000)
                return script_fail(SCRIPT_ERROR, lineno, ":resize needs ROWS COLS (1..1000), got \"%s\"", rest);
            resize_to(r, c);
            return 0;
        }
        if (cl == 4 && strncmp(cmd, "wait", 4) == 0)
            return 0; /* the wait happens before every line */
        if (cl == 4 && strncmp(cmd, "quit", 4) == 0) {
            quitting = true;
            return 0;
        }
        return script_fail(SCRIPT_ERROR, lineno, "unknown command \":%.*s\"", (int)cl, cmd);
    }
    /* Check every name before feeding any, so a typo does nothing. */
    int keys[256], nk = 0;
    for (char *tok = strtok(s, " \t"); tok; tok = strtok(NULL, " \t")) {
        int k = tui_key_parse(tok);
        if (k < 0)
            return script_fail(SCRIPT_ERROR, lineno, "unknown key name \"%s\"", tok);
        if (nk == (int)(sizeof keys / sizeof keys[0]))
            return script_fail(SCRIPT_ERROR, lineno, "more than %d keys on one line", nk);
        keys[nk++] = k;
    }
    for (int i = 0; i < nk && running(); i++)
        handle_key(keys[i]);
    return 0;
}

static int run_script(void)
{
    char *buf = NULL;
    size_t cap = 0;
    int lineno = 0, rc = 0;
    while (running() && getline(&buf, &cap, T.script) >= 0) {
        lineno++;
        size_t n = strlen(buf);
        while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
            buf[--n] = '\0';
        char *s = buf;
        while (*s == ' ' || *s == '\t')
            s++;
        if (!*s || *s == '#')
            continue;
        if (wait_idle() < 0) {
            rc = script_fail(SCRIPT_NODB, lineno, "the database stayed busy for %d ms", SCRIPT_IDLE_MS);
            break;
        }
        if (sig_stop)
            break;
        if (dirty)
            paint();
        rc = script_line(s, lineno);
        if (rc)
            break;
        if (invalid) {
            invalid = false;
            dirty = true;
        }
    }
    free(buf);
    return rc;
}

int tui_run(void)
{
    if (!T.active) {
        set_error("tui_run before tui_init");
        return 1;
    }
    quitting = false;
    dirty = true;
    int rc = T.scripted ? run_script() : run_terminal();
    if (sig_stop) {
        rc = 128 + sig_stop;
        tui_end();
    }
    return rc;
}
