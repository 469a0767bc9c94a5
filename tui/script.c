/* script.c — scripted, display-less mode: keys from a text file, an in-memory screen dumped as text, waiting for the database to settle before every line. */
#include "careline/shell.h"

#include <curses.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

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

static int script_fail(int code, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int script_fail(int code, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char reason[512];
    util_vformat(reason, sizeof reason, fmt, ap);
    va_end(ap);
    fprintf(stderr, "%s:%d: %s\n", tui_term_script_path(), line, reason);
    tui_term_error("%s:%d: %s", tui_term_script_path(), line, reason);
    return code;
}

/* Let the database layer finish what is in flight (busy() includes timers
 * such as the search delay), so every line meets a settled screen. */
static int wait_idle(void)
{
    const struct tui_loop_hooks *hooks = tui_shell_hooks();
    long long deadline = util_now_ms() + SCRIPT_IDLE_MS;
    while (hooks->busy && hooks->busy() && !tui_term_stop_signal()) {
        struct pollfd fds[MAX_HOOK_FDS];
        int n = tui_shell_hook_fds(fds, MAX_HOOK_FDS);
        int t = hooks->timeout_ms ? hooks->timeout_ms() : -1;
        if (t < 0 || t > 50)
            t = 50; /* look at busy() again even when no descriptor moves */
        if (poll(fds, (nfds_t)n, t) < 0)
            for (int i = 0; i < n; i++)
                fds[i].revents = 0;
        if (hooks->ready)
            hooks->ready(fds, n);
        if (util_now_ms() > deadline)
            return -1;
    }
    tui_shell_settle();
    return 0;
}

/* One row of curscr as UTF-8 into line, trailing blanks removed. */
static void screen_row(int y, int cols, cchar_t *cells, struct util_buf *line)
{
    memset(cells, 0, sizeof *cells * ((size_t)cols + 1));
    util_buf_clear(line);
    util_buf_add(line, "", 0);
    int n = mvwin_wchnstr(curscr, y, 0, cells, cols);
    for (int i = 0; n != ERR && i < cols; i++) {
        wchar_t wch[CCHARW_MAX + 1] = {0};
        attr_t attrs;
        short pair;
        if (getcchar(&cells[i], wch, &attrs, &pair, NULL) == ERR || !wch[0])
            break; /* the terminating empty cell */
        for (int k = 0; wch[k]; k++) {
            char enc[4];
            util_buf_add(line, enc, (size_t)tui_utf8_encode((uint32_t)wch[k], enc));
        }
    }
    while (line->len > 0 && line->data[line->len - 1] == ' ')
        line->data[--line->len] = '\0';
}

/* Write what is on the (virtual) terminal: read back from curscr after
 * doupdate(), so the dump is what a terminal would show, status line too. */
static int dump_screen(FILE *f)
{
    int rows = LINES, cols = COLS, cy, cx;
    /* curscr's cursor is where curses believes the terminal's cursor is:
     * put it back after reading, or the next update would be wrong. */
    getyx(curscr, cy, cx);
    cchar_t *cells = util_calloc((size_t)cols + 1, sizeof *cells);
    struct util_buf line = {0};
    for (int y = 0; y < rows; y++) {
        screen_row(y, cols, cells, &line);
        wmove(curscr, cy, cx);
        fprintf(f, "%s\n", line.data);
    }
    fputs("--\n", f);
    util_buf_free(&line);
    free(cells);
    return fflush(f) == 0 && !ferror(f) ? 0 : -1;   /* a test reads the dump: a lost one is a failure */
}

/* ":dump [FILE]" */
static int script_dump(const char *rest, int lineno)
{
    tui_shell_paint();
    if (!*rest)
        return dump_screen(stdout) == 0 ? 0
                                        : script_fail(SCRIPT_ERROR, lineno, ":dump: cannot write the screen out");
    FILE *f = fopen(rest, "w");
    if (!f)
        return script_fail(SCRIPT_ERROR, lineno, ":dump: %s: %s", rest, strerror(errno));
    int rc = dump_screen(f);
    if (fclose(f) != 0 || rc < 0)
        return script_fail(SCRIPT_ERROR, lineno, ":dump: %s: cannot write the screen to it", rest);
    return 0;
}

/* "ROWS COLS": two whole numbers and nothing else. 0 or -1. */
static int size_pair(const char *text, int *rows, int *cols)
{
    char *copy = util_strdup(text), *save = NULL;
    const char *a = strtok_r(copy, " \t", &save), *b = strtok_r(NULL, " \t", &save);
    int rc = a && b && !strtok_r(NULL, " \t", &save) && util_parse_int(a, rows) == 0 && util_parse_int(b, cols) == 0
                 ? 0
                 : -1;
    free(copy);
    return rc;
}

/* A line starting with ':'. */
static int script_command(char *cmd, int lineno)
{
    size_t cl = strcspn(cmd, " \t");
    char *rest = cmd + cl;
    if (cl == 4 && strncmp(cmd, "type", 4) == 0) {
        const char *text = *rest ? rest + 1 : rest; /* exactly one separator */
        size_t n = strlen(text);
        for (size_t i = 0; i < n && tui_shell_running();) {
            uint32_t cp;
            i += (size_t)tui_utf8_decode(text + i, n - i, &cp);
            tui_shell_key((int)cp);
        }
        return 0;
    }
    while (*rest == ' ' || *rest == '\t')
        rest++;
    if (cl == 4 && strncmp(cmd, "dump", 4) == 0)
        return script_dump(rest, lineno);
    if (cl == 6 && strncmp(cmd, "resize", 6) == 0) {
        int r, c;
        if (size_pair(rest, &r, &c) < 0 || r < 1 || c < 1 || r > 1000 || c > 1000)
            return script_fail(SCRIPT_ERROR, lineno, ":resize needs ROWS COLS (1..1000), got \"%s\"", rest);
        tui_term_resize(r, c);
        return 0;
    }
    if (cl == 4 && strncmp(cmd, "wait", 4) == 0)
        return 0; /* the wait happens before every line */
    if (cl == 4 && strncmp(cmd, "quit", 4) == 0) {
        tui_shell_quit();
        return 0;
    }
    return script_fail(SCRIPT_ERROR, lineno, "unknown command \":%.*s\"", (int)cl, cmd);
}

static int script_line(char *s, int lineno)
{
    if (s[0] == ':')
        return script_command(s + 1, lineno);
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
    for (int i = 0; i < nk && tui_shell_running(); i++)
        tui_shell_key(keys[i]);
    return 0;
}

int tui_script_run(void)
{
    char *buf = NULL;
    size_t cap = 0;
    int lineno = 0, rc = 0;
    while (tui_shell_running() && getline(&buf, &cap, tui_term_script()) >= 0) {
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
        if (tui_term_stop_signal())
            break;
        tui_shell_paint();
        rc = script_line(s, lineno);
        if (rc)
            break;
        tui_shell_settle();
    }
    free(buf);
    return rc;
}
