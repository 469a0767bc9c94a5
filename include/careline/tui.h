/* tui.h — the toolkit: terminal set-up, themes, drawing, widgets, the screen stack and its event loop; it knows no screen and no database. */
#ifndef CARELINE_TUI_H
#define CARELINE_TUI_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>

#include "careline/actions.h"
#include "careline/screen.h"

/* ---- set-up ---------------------------------------------------------- */

enum tui_theme_pref { TUI_THEME_AUTO, TUI_THEME_COLOR, TUI_THEME_MONO };
enum tui_ascii_pref { TUI_ASCII_AUTO, TUI_ASCII_YES, TUI_ASCII_NO };

struct tui_options {
    enum tui_theme_pref theme;   /* auto: colour unless NO_COLOR or no colours */
    enum tui_ascii_pref ascii;   /* auto: ASCII unless the locale's codeset is UTF-8 */
    /* Scripted, display-less mode (tests): draw into an in-memory screen
     * of script_rows x script_cols, read keys from script_file. */
    const char *script_file;
    int script_rows, script_cols;
    const char *trace_file;      /* CARELINE_TRACE: key/paint timestamps and bytes */
    /* While the screen is up (not in scripted mode), standard error goes to
     * this file, appended (NULL: nowhere), so nothing a library prints lands
     * over the screen; tui_end says where it is when something was written. */
    const char *stderr_log;
};

/* Take over the terminal (or the in-memory screen). Returns 0 or -1 with a
 * message in tui_error(). Installs SIGINT/SIGTERM/SIGHUP/SIGWINCH handlers
 * that only set flags; every exit path restores the terminal (an atexit
 * handler too). Calls setlocale(LC_ALL, "") and then LC_NUMERIC "C". The
 * terminal is in raw mode: C-c is a key (bound to quit; when C-c has no
 * binding at all it quits anyway). Scripted mode: see tui/script.c. */
int tui_init(const struct tui_options *opt);
/* Close every screen on the stack (without resume), restore the terminal;
 * safe to call twice and before tui_init. */
void tui_end(void);
const char *tui_error(void);
bool tui_ascii(void);               /* draw with ASCII fallbacks */
bool tui_color(void);

/* ---- drawing (screens use only these, never curses) ------------------- */

enum tui_role {
    TUI_ROLE_NORMAL,
    TUI_ROLE_TITLE,       /* top title bar */
    TUI_ROLE_STATUS,      /* bottom status line */
    TUI_ROLE_STATUS_KEY,  /* key names in the status line */
    TUI_ROLE_HEADER,      /* column headers, panel tabs */
    TUI_ROLE_SELECTED,    /* selected list row (focused) */
    TUI_ROLE_SELECTED_DIM,/* selected list row (list not focused) */
    TUI_ROLE_DIM,         /* secondary text */
    TUI_ROLE_INPUT,       /* text field */
    TUI_ROLE_LABEL,       /* field labels */
    TUI_ROLE_HINT,        /* help next to a field */
    TUI_ROLE_ERROR,       /* validation errors, failures */
    TUI_ROLE_WARN,        /* flags that must not be missed */
    TUI_ROLE_BANNER,      /* critical-event banner */
    TUI_ROLE_OK,          /* good news: online, saved */
    TUI_ROLE_BORDER,
    TUI_ROLE__COUNT
};

/* Coordinates are absolute screen rows/columns (a screen gets its body
 * rectangle in draw()). Text is sanitised and fitted (tui_text_*) here, so
 * callers pass raw database text. Drawing is clipped to the screen. */
int tui_put(int y, int x, int maxw, enum tui_role role, const char *text); /* returns columns used */
/* Like tui_put, right-aligned within [x, x+w). */
void tui_put_right(int y, int x, int w, enum tui_role role, const char *text);
/* Raw text word-wrapped into r (newlines break lines), from wrapped line
 * `top` on (clamped): nothing is cut. When it takes more lines than r.h,
 * it wraps one column narrower and the last column shows an up/down mark
 * where more lies above/below. fill: blank each drawn row in role first
 * (banners). Returns the number of lines the whole text takes. */
int tui_put_wrapped(struct tui_rect r, enum tui_role role, const char *text, int top, bool fill);
/* As much of raw text as fits in r, wrapped; when it does not all fit, the
 * last row says `more` instead (e.g. "F3 reads the whole message") and the
 * rows above end with a down mark. Returns the rows used (<= r.h). */
int tui_put_excerpt(struct tui_rect r, enum tui_role role, const char *text, const char *more, bool fill);
/* A screen's paragraph: raw text wrapped from row y of body b, one column
 * in from its left, over at most max rows and never below b (a scroll
 * mark when it does not fit). Returns the row after it. */
int tui_put_lines(int y, struct tui_rect b, int max, enum tui_role role, const char *text);
/* Lines text takes at width (the same wrapping, without the scroll column). */
int tui_wrap_count(const char *text, int width);
void tui_fill(int y, int x, int w, enum tui_role role);   /* blanks */
void tui_hline(int y, int x, int w, enum tui_role role);  /* ─ or - */
void tui_box(struct tui_rect r, enum tui_role role, const char *title);
void tui_set_cursor(int y, int x);   /* show the cursor here after this draw (text fields) */
int tui_rows(void);
int tui_cols(void);
/* Glyphs with ASCII fallbacks, each one column: "bullet", "up", "down",
 * "left", "right", "block", "shade", "warn", "ellipsis", "check", "cross",
 * "dash", "hline", "vline", "corner-tl/-tr/-bl/-br", "marker",
 * "spark1".."spark8" (eighths, for sparklines). Unknown names give "?". */
const char *tui_glyph(const char *name);
/* Bytes curses has written to the terminal (or /dev/null in scripted mode)
 * in paints since tui_init; for tests and benchmarks. */
size_t tui_bytes_written(void);

/* ---- charts (plain strings: they work in monochrome and ASCII) -------- */

/* One character per value, eighths of a cell high (▁..█, or _.-=# in
 * ASCII); NAN or negative values are gaps. max <= 0: the largest value.
 * Returns a heap string. */
char *tui_sparkline(const double *v, int n, double max, bool ascii);
/* A bar of value/max over width columns with eighth-cell precision (or
 * whole '#' in ASCII); empty for zero or NAN. Returns a heap string. */
char *tui_bar(double value, double max, int width, bool ascii);

/* ---- widgets ---------------------------------------------------------- */

/* A list: the owner supplies rows as cells; the widget moves and draws. */
struct tui_column {
    const char *title;
    int width;      /* fixed width, or 0: share of the remaining space by weight */
    int weight;
    bool right;     /* right-align (amounts) */
};
struct tui_list {
    int count;      /* rows available */
    int sel;        /* selected row, -1 when count == 0 */
    int top;        /* first visible row */
    int page;       /* visible rows at last draw */
};
void tui_list_set_count(struct tui_list *l, int count);   /* keeps sel in range */
/* Handle the move actions (up, down, page, first, last); true when it moved. */
bool tui_list_action(struct tui_list *l, enum tui_action a);
/* Draw header (when show_header) and rows; cell() returns raw text for a
 * cell (may be NULL for empty) and may set *role for that cell (the
 * selected row uses SELECTED, or SELECTED_DIM when not focused, for all
 * cells). The first two columns of r hold the selection marker '>' (so
 * the selection shows without attributes and in text dumps); columns
 * follow, one blank apart: fixed widths first, the rest shared by weight
 * (weight 0 counts as 1), clipped on the right when r is too narrow. */
void tui_list_draw(struct tui_list *l, struct tui_rect r, const struct tui_column *cols, int ncols,
                   bool show_header, bool focused,
                   const char *(*cell)(void *ctx, int row, int col, enum tui_role *role), void *ctx);

/* A one-line text field holding UTF-8 text, edited in place. */
struct tui_field {
    char *text;         /* heap, NUL-terminated, owned by the field */
    size_t len;         /* bytes */
    size_t cursor;      /* byte offset, always at a character boundary */
    size_t max_bytes;   /* refuse input beyond this (0: 4096) */
    bool secret;        /* draw as '*' (passwords) */
    int scroll;         /* first visible column (kept by draw) */
    /* What the field could not take since the last key typed: characters
     * past max_bytes, and control characters in pasted text (they are not
     * text). The form says so beside the field (tui_field_notice). */
    unsigned left_out_full, left_out_controls;
};
void tui_field_init(struct tui_field *f, size_t max_bytes);
void tui_field_free(struct tui_field *f);
/* Replace the text (cut at a character boundary to max_bytes); cursor at the end. */
void tui_field_set(struct tui_field *f, const char *text);
/* Editing keys: printable characters, Backspace, Delete, Left, Right, Home,
 * End, C-a, C-e, C-u (clear to start), C-k (clear to end), C-w (word back).
 * The cursor moves over, and Backspace/Delete remove, a whole character as
 * shown (a base with its combining marks). A character that would take the
 * text past max_bytes is refused whole (key used, *changed false).
 * Returns true when the key was used; *changed says whether the text changed.
 * changed may be NULL. */
bool tui_field_key(struct tui_field *f, int key, bool *changed);
/* Draw in w columns, scrolled so the cursor shows; places the terminal
 * cursor there when focused. Control characters show as in tui_put. */
void tui_field_draw(struct tui_field *f, int y, int x, int w, bool focused);
/* Insert a line break at the cursor (multi-line text areas); false when full. */
bool tui_field_insert_newline(struct tui_field *f);
/* A sentence for beside the field when typed or pasted text was not all
 * taken ("Full: 1,000 bytes at most; 35 characters were left out."), NULL
 * when everything was taken. buf holds the sentence. */
const char *tui_field_notice(const struct tui_field *f, char *buf, size_t len);

/* A small whole number typed as digits (survey scores): "1" then "0" is
 * ten. Empty means not answered; when can_decline, 'd' records that the
 * customer declined. A value out of [min, max] is kept as typed (so it
 * can be corrected with Backspace) and reported by tui_number_problem. */
struct tui_number {
    char text[4];       /* the digits typed, "" when empty */
    int min, max;
    bool can_decline;
    bool declined;
    unsigned left_out;  /* pasted characters that are not digits, since the last key typed */
};
enum tui_number_state { TUI_NUMBER_EMPTY, TUI_NUMBER_DECLINED, TUI_NUMBER_OK, TUI_NUMBER_OUT_OF_RANGE };
void tui_number_init(struct tui_number *n, int min, int max, bool can_decline);
void tui_number_clear(struct tui_number *n);
void tui_number_set(struct tui_number *n, int v);
/* The state, and the value typed (also when out of range) in *value. */
enum tui_number_state tui_number_value(const struct tui_number *n, int *value);
/* Digits, Backspace and Delete (remove the last digit, or "declined"),
 * C-u/C-k (clear), 'd' (declined, when allowed); digits beyond three are
 * refused (used, unchanged). Returns true when the key was used. */
bool tui_number_key(struct tui_number *n, int key, bool *changed);
/* Arrows and PgUp/PgDn still step: empty, declined, min .. max, round. */
void tui_number_step(struct tui_number *n, int step);
/* A sentence for beside the field when the value is out of range, or
 * when pasted characters other than digits were left out, else "". */
const char *tui_number_problem(const struct tui_number *n, char *buf, size_t len);

/* A multi-line text area with word wrap (complaint descriptions): the text
 * lives in a tui_field; Enter breaks the line, Up/Down move by screen line. */
struct tui_textarea {
    struct tui_field f;
    int top;            /* first visible screen line (kept by draw) */
    int width;          /* width at the last draw, for Up/Down */
    int goal_col;       /* column Up/Down aim for, -1 when unset */
    bool full;          /* the last key was refused: the text is at its limit */
};
void tui_textarea_init(struct tui_textarea *t, size_t max_bytes);
void tui_textarea_free(struct tui_textarea *t);
void tui_textarea_set(struct tui_textarea *t, const char *text);
/* Editing keys of a field plus Enter (new line), Up/Down (screen lines),
 * PgUp/PgDn. Returns true when used; *changed says whether the text changed. */
bool tui_textarea_key(struct tui_textarea *t, int key, bool *changed);
void tui_textarea_draw(struct tui_textarea *t, struct tui_rect r, bool focused);
/* Break text into screen lines of at most width columns (word wrap, hard
 * breaks at newlines): fills starts[] with the byte offset where each line
 * begins (at most max entries) and returns the number of lines. */
int tui_textarea_layout(const char *text, size_t len, int width, size_t *starts, int max);

/* ---- the shell -------------------------------------------------------- */

void tui_push(const struct screen_ops *ops, void *arg);  /* opens and shows it; nothing when open() fails */
void tui_pop(void);                  /* closes the top screen; the new top gets resume() */
/* A screen over the whole stack (the idle lock): while it stands, only it
 * is drawn and gets keys; pushes and pops go on beneath it unseen. One at a
 * time (a second tui_lock does nothing); tui_unlock closes it. */
void tui_lock(const struct screen_ops *ops, void *arg);
void tui_unlock(void);
/* Monotonic milliseconds (util_now_ms) of the last key, 0 before the first. */
long long tui_last_key_ms(void);
/* End tui_run() after this turn of the loop, as a handler's SCR_QUIT does
 * (for decisions made outside a key handler). */
void tui_quit(void);
void tui_invalidate(void);           /* something changed: redraw soon (safe from db callbacks) */
/* A message in the status line until the next key (role ERROR/OK/WARN/NORMAL). */
void tui_message(enum tui_role role, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Lines the help overlay of screen `screen` (its ops name) shows after its
 * keys, '\n'-separated (what short forms mean). Both strings must live as
 * long as the program (string literals). */
void tui_set_help_note(const char *screen, const char *note);
/* The application's handler for actions no screen took (actions that work
 * everywhere, such as opening the queue); it may push screens. */
void tui_set_global_action(enum scr_result (*fn)(enum tui_action a));
/* Hints name the key in effect, never a fixed one: the key that does
 * action a on screen `section` (its own keys, then the global ones it does
 * not take over) as the status line shows it ("C-x", "F2", "↑"), written
 * into buf; "[name: no key]" when the configuration leaves the action
 * without a key. Returns buf. */
const char *tui_key_hint(const char *section, enum tui_action a, char *buf, size_t len);
/* Right-hand part of the status line (connection state); the text is
 * copied, NULL or "" clears it. */
void tui_set_conn_status(const char *text, enum tui_role role);
/* News every screen's status line shows, left of the connection state
 * ("! event 14:05"): the text is copied, NULL or "" clears it. */
void tui_set_status_note(const char *text, enum tui_role role);

/* The event loop polls the terminal together with the descriptors the
 * database layer gives it, so the screen never waits on the database. */
struct tui_loop_hooks {
    int (*fds)(struct pollfd *out, int max);     /* fill pollfds, return count */
    int (*timeout_ms)(void);                     /* -1: none */
    void (*ready)(const struct pollfd *fds, int n); /* after poll (also on timeout, n may be 0) */
    bool (*busy)(void);                          /* work in flight (scripted mode waits for idle) */
};
/* Every member may be NULL. busy() must also count pending timers (the
 * search delay): the script runner only polls while busy() is true. */
void tui_set_loop_hooks(const struct tui_loop_hooks *h);
/* Run until the stack is empty, a handler returns SCR_QUIT or a signal asks
 * to stop. Returns 0, or 128+signal when a signal ended it (then tui_end()
 * has already restored the terminal; SIGHUP also when the terminal goes
 * away). Scripted mode: 2 for an error in the script, 3 when the database
 * never became idle (file:line: reason on stderr). An unhandled BACK closes the screen unless it is the last one. */
int tui_run(void);

#endif
