/* term.c — the terminal under the shell: set-up and restore, signals, reading keys, sending frames, bracketed paste, byte counting and the timing trace. */
#include "careline/shell.h"

#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "careline/input.h"
#include "careline/keymap.h"
#include "careline/util.h"

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
    int saved_stderr;     /* the real standard error while it goes to the log; -1 when not moved */
    char *stderr_log;     /* where it goes */
    off_t log_start;      /* the log's size when the screen came up */
    char err[512];
} T = {.ttyfd = -1, .procio = -1, .curs = -1, .saved_stderr = -1};

static volatile sig_atomic_t sig_stop, sig_winch;
static int wake_pipe[2] = {-1, -1};
static const int handled_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGWINCH};
#define NSIG_HANDLED (sizeof handled_signals / sizeof handled_signals[0])
static struct sigaction old_actions[NSIG_HANDLED];
static bool exit_hook;

const char *tui_error(void) { return T.err; }

void tui_term_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    util_vformat(T.err, sizeof T.err, fmt, ap);
    va_end(ap);
}

bool tui_term_active(void) { return T.active; }
bool tui_term_scripted(void) { return T.scripted; }
FILE *tui_term_script(void) { return T.script; }
const char *tui_term_script_path(void) { return T.script_path; }
int tui_term_fd(void) { return T.ttyfd; }
int tui_term_wake_fd(void) { return wake_pipe[0]; }
int tui_term_stop_signal(void) { return sig_stop; }
void tui_term_set_stop(int sig)
{
    if (!sig_stop)
        sig_stop = sig;
}
size_t tui_bytes_written(void) { return T.bytes; }

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

void tui_term_drain_wake(void)
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

void tui_term_trace_key(int key)
{
    if (!T.trace)
        return;
    char name[32];
    fprintf(T.trace, "key %.3f %s\n", now_ms(), tui_key_name(key, name, sizeof name));
    (void)fflush(T.trace);   /* a trace line lost is no reason to stop */
}

/* ---- bracketed paste ------------------------------------------------------------- */

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

/* ---- set-up and restore ----------------------------------------------------------- */

static bool codeset_is_utf8(void)
{
    const char *cs = nl_langinfo(CODESET);
    return cs && (strcasecmp(cs, "UTF-8") == 0 || strcasecmp(cs, "utf8") == 0);
}

/* A last resort when main returns or exit() is called without tui_end():
 * give the terminal back; screens are not closed (their modules may be gone). */
/* While curses owns the terminal, whatever a library writes to standard
 * error (libpq's warning about a .pgpass others may read, on every
 * reconnect) would land over the screen: it goes to the log file instead
 * (or nowhere when that cannot be opened), and standard error comes back
 * with the terminal. */
static void stderr_to_log(const char *path)
{
    int fd = open(path && *path ? path : "/dev/null", O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0 && path && *path)
        fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    /* What waits goes out before the switch; standard error has nowhere
     * better to report that it could not. */
    (void)fflush(stderr);
    T.saved_stderr = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
    if (T.saved_stderr < 0 || dup2(fd, STDERR_FILENO) < 0) {
        if (T.saved_stderr >= 0)
            close(T.saved_stderr);
        T.saved_stderr = -1;
        close(fd);
        return;
    }
    T.log_start = lseek(fd, 0, SEEK_END);
    close(fd);
    free(T.stderr_log);
    T.stderr_log = path && *path ? util_strdup(path) : NULL;
}

/* Standard error back on the terminal; says where the log is when something
 * was written to it while the screen was up. */
static void stderr_back(void)
{
    if (T.saved_stderr < 0)
        return;
    (void)fflush(stderr);   /* as above, into the log */
    off_t end = lseek(STDERR_FILENO, 0, SEEK_END);
    if (dup2(T.saved_stderr, STDERR_FILENO) >= 0 && T.stderr_log && end > T.log_start)
        fprintf(stderr, "careline: messages written while the screen was up are in %s\n", T.stderr_log);
    close(T.saved_stderr);
    T.saved_stderr = -1;
    free(T.stderr_log);
    T.stderr_log = NULL;
}

static void restore_at_exit(void)
{
    if (T.active && !isendwin()) {
        paste_mode(false);
        endwin();
    }
    stderr_back();
}

/* The locale of the drawing; true when it draws in ASCII. */
static bool setup_locale(enum tui_ascii_pref pref)
{
    /* A locale the system does not have leaves "C": not UTF-8, so drawn in
     * ASCII (below). "C" itself is always there. */
    (void)setlocale(LC_ALL, "");
    (void)setlocale(LC_NUMERIC, "C"); /* trace and config numbers use '.' whatever the locale */
    bool utf8 = codeset_is_utf8();
    if (!utf8 && pref == TUI_ASCII_NO) {
        /* ascii = no: the terminal is known to be UTF-8 although the locale
         * does not say so; curses needs a UTF-8 LC_CTYPE to encode it. */
        if (setlocale(LC_CTYPE, "C.UTF-8") || setlocale(LC_CTYPE, "en_US.UTF-8"))
            utf8 = codeset_is_utf8();
    }
    return pref == TUI_ASCII_YES || !utf8;
}

/* Where keys come from and where the trace goes. Returns 0 or -1. */
static int open_inputs(const struct tui_options *opt)
{
    T.scripted = opt->script_file != NULL;
    if (T.scripted) {
        T.script = fopen(opt->script_file, "r");
        if (!T.script) {
            tui_term_error("%s: %s", opt->script_file, strerror(errno));
            return -1;
        }
        T.script_path = util_strdup(opt->script_file);
        T.rows = opt->script_rows > 0 ? opt->script_rows : 24;
        T.cols = opt->script_cols > 0 ? opt->script_cols : 80;
    } else if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        tui_term_error("standard input and output must be a terminal");
        return -1;
    }
    if (opt->trace_file) {
        T.trace = fopen(opt->trace_file, "a");
        if (!T.trace) {
            tui_term_error("%s: %s", opt->trace_file, strerror(errno));
            return -1;
        }
        util_trace_to(T.trace);
    }
    return 0;
}

/* The curses screen: in memory, pinned to a known terminal type, for
 * scripts; else the real terminal. Returns 0 or -1. */
static int open_screen(void)
{
    if (T.scripted) {
        T.in = fopen("/dev/null", "r");
        T.out = fopen("/dev/null", "w");
        if (!T.in || !T.out) {
            tui_term_error("/dev/null: %s", strerror(errno));
            return -1;
        }
        use_env(FALSE); /* LINES/COLUMNS must not change the pinned size */
        static const char *const pinned[] = {"xterm-256color", "xterm", "vt100"};
        for (size_t i = 0; i < sizeof pinned / sizeof pinned[0] && !T.sp; i++)
            T.sp = newterm(pinned[i], T.out, T.in);
        if (!T.sp) {
            tui_term_error("no terminal description for scripted mode (xterm-256color, xterm, vt100)");
            return -1;
        }
        set_term(T.sp);
        resizeterm(T.rows, T.cols);
        return 0;
    }
    const char *term = getenv("TERM");
    T.sp = newterm(NULL, stdout, stdin);
    if (!T.sp) {
        tui_term_error("unknown terminal type \"%s\" (set TERM)", term ? term : "");
        return -1;
    }
    set_term(T.sp);
    T.ttyfd = STDIN_FILENO;
    return 0;
}

static void input_modes(void)
{
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
        return;
    }
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

static bool use_color(enum tui_theme_pref theme)
{
    bool color = false;
    if (theme != TUI_THEME_MONO && has_colors()) {
        const char *nc = getenv("NO_COLOR"); /* no-color.org: set and not empty */
        color = theme == TUI_THEME_COLOR || !(nc && *nc);
    }
    return color && start_color() == OK;
}

/* Streams and the trace opened so far, closed again. */
static void close_streams(void)
{
    /* The terminal is being given back: a failure here has nobody left to
     * tell, and the script was only read. */
    if (T.in)
        (void)fclose(T.in);
    if (T.out)
        (void)fclose(T.out);
    T.in = T.out = NULL;
    if (T.script)
        (void)fclose(T.script);
    T.script = NULL;
    free(T.script_path);
    T.script_path = NULL;
    util_trace_to(NULL);
    if (T.trace)
        (void)fclose(T.trace);   /* the trace's last lines: as for each line */
    T.trace = NULL;
}

int tui_init(const struct tui_options *opt)
{
    static const struct tui_options defaults = {0};
    if (!opt)
        opt = &defaults;
    if (T.active) {
        tui_term_error("the terminal is already set up");
        return -1;
    }
    T.err[0] = '\0';
    sig_stop = sig_winch = 0;
    bool ascii = setup_locale(opt->ascii);
    if (open_inputs(opt) < 0) {
        close_streams();
        return -1;
    }
    install_signals();
    if (open_screen() < 0) {
        if (T.sp) {
            endwin();
            delscreen(T.sp);
            T.sp = NULL;
        }
        close_streams();
        restore_signals();
        return -1;
    }
    T.active = true;
    if (!exit_hook && atexit(restore_at_exit) == 0)
        exit_hook = true;
    input_modes();
    tui_draw_setup(true, ascii, use_color(opt->theme));
    T.curs = -1;
    T.bytes = 0;
    T.procio = open("/proc/self/io", O_RDONLY | O_CLOEXEC);
    if (!T.scripted)
        stderr_to_log(opt->stderr_log);
    tui_shell_dirty();
    return 0;
}

void tui_term_close(void)
{
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
    close_streams();
    if (T.procio >= 0)
        close(T.procio);
    T.procio = -1;
    T.ttyfd = -1;
    restore_signals();
    stderr_back();
}

/* ---- output ------------------------------------------------------------------------ */

static void set_cursor_visibility(int vis)
{
    if (vis != T.curs) {
        curs_set(vis); /* may fail on terminals without civis/cnorm: harmless */
        T.curs = vis;
    }
}

void tui_term_update(bool cursor, int y, int x)
{
    if (cursor) {
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
        (void)fflush(T.trace);   /* as above */
    }
}

void tui_term_resize(int rows, int cols)
{
    if (rows <= 0 || cols <= 0)
        return;
    resizeterm(rows, cols);
    clearok(curscr, TRUE); /* the terminal may have reflowed: repaint all */
    tui_shell_dirty();
}

void tui_term_check_resize(void)
{
    if (!sig_winch)
        return;
    sig_winch = 0;
    struct winsize ws;
    if (T.ttyfd >= 0 && ioctl(T.ttyfd, TIOCGWINSZ, &ws) == 0)
        tui_term_resize(ws.ws_row, ws.ws_col);
}

/* ---- input ------------------------------------------------------------------------- */

bool tui_term_read(void)
{
    char buf[4096];
    ssize_t n = read(T.ttyfd, buf, sizeof buf);
    if (n == 0)
        return false;
    if (n > 0)
        tui_input_feed(T.input, buf, (size_t)n, util_now_ms());
    return true;
}

int tui_term_input_timeout(void) { return T.input ? tui_input_timeout(T.input, util_now_ms()) : -1; }

int tui_term_next_key(void)
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
                tui_shell_dirty();
                continue;
            }
            return tui_key_normalize(TUI_KEY_FN + (int)wc);
        }
        return tui_key_normalize((int)wc);
    }
}
