/* draw.c — colour and monochrome themes, glyphs with ASCII fallbacks, and the drawing primitives screens use. */
#include "careline/tui.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "careline/shell.h"
#include "careline/text.h"
#include "careline/util.h"

static bool ready;     /* a curses screen exists */
static bool ascii_mode = true;
static bool color_mode;
static int cur_y = -1, cur_x = -1;

/* Colour theme: readable on dark and light terminals (-1 is the terminal's
 * own colour), attributes kept so it degrades gracefully. */
static const struct {
    short fg, bg;
    attr_t attr;
} color_theme[TUI_ROLE__COUNT] = {
    [TUI_ROLE_NORMAL] = {-1, -1, A_NORMAL},
    [TUI_ROLE_TITLE] = {COLOR_WHITE, COLOR_BLUE, A_BOLD},
    [TUI_ROLE_STATUS] = {COLOR_WHITE, COLOR_BLUE, A_NORMAL},
    [TUI_ROLE_STATUS_KEY] = {COLOR_YELLOW, COLOR_BLUE, A_BOLD},
    [TUI_ROLE_HEADER] = {COLOR_CYAN, -1, A_BOLD | A_UNDERLINE},
    [TUI_ROLE_SELECTED] = {COLOR_BLACK, COLOR_CYAN, A_NORMAL},
    [TUI_ROLE_SELECTED_DIM] = {COLOR_BLACK, COLOR_WHITE, A_NORMAL},
    [TUI_ROLE_DIM] = {-1, -1, A_DIM},
    [TUI_ROLE_INPUT] = {-1, -1, A_UNDERLINE},
    [TUI_ROLE_LABEL] = {-1, -1, A_BOLD},
    [TUI_ROLE_HINT] = {COLOR_CYAN, -1, A_NORMAL},
    [TUI_ROLE_ERROR] = {COLOR_RED, -1, A_BOLD},
    [TUI_ROLE_WARN] = {COLOR_BLACK, COLOR_YELLOW, A_BOLD},
    [TUI_ROLE_BANNER] = {COLOR_WHITE, COLOR_RED, A_BOLD},
    [TUI_ROLE_OK] = {COLOR_GREEN, -1, A_BOLD},
    [TUI_ROLE_BORDER] = {COLOR_BLUE, -1, A_NORMAL},
};

/* Monochrome theme: only attributes that vt100-class terminals have
 * (reverse, bold, underline; dim only where losing it costs nothing), so
 * every role that must stand out still does without colour. */
static const attr_t mono_theme[TUI_ROLE__COUNT] = {
    [TUI_ROLE_NORMAL] = A_NORMAL,
    [TUI_ROLE_TITLE] = A_REVERSE | A_BOLD,
    [TUI_ROLE_STATUS] = A_REVERSE,
    [TUI_ROLE_STATUS_KEY] = A_REVERSE | A_BOLD,
    [TUI_ROLE_HEADER] = A_BOLD | A_UNDERLINE,
    [TUI_ROLE_SELECTED] = A_REVERSE | A_BOLD,
    [TUI_ROLE_SELECTED_DIM] = A_REVERSE,
    [TUI_ROLE_DIM] = A_DIM,
    [TUI_ROLE_INPUT] = A_UNDERLINE,
    [TUI_ROLE_LABEL] = A_BOLD,
    [TUI_ROLE_HINT] = A_DIM,
    [TUI_ROLE_ERROR] = A_BOLD | A_UNDERLINE,
    [TUI_ROLE_WARN] = A_REVERSE | A_BOLD,
    [TUI_ROLE_BANNER] = A_REVERSE | A_BOLD,
    [TUI_ROLE_OK] = A_BOLD,
    [TUI_ROLE_BORDER] = A_NORMAL,
};

void tui_draw_setup(bool active, bool ascii, bool color)
{
    ready = active;
    ascii_mode = ascii;
    color_mode = active && color;
    cur_y = cur_x = -1;
    if (!color_mode)
        return;
    bool defaults = use_default_colors() == OK;
    for (int r = 0; r < TUI_ROLE__COUNT; r++) {
        short fg = color_theme[r].fg, bg = color_theme[r].bg;
        if (!defaults) { /* no "terminal's own colour": assume light on dark */
            if (fg < 0)
                fg = COLOR_WHITE;
            if (bg < 0)
                bg = COLOR_BLACK;
        }
        init_pair((short)(r + 1), fg, bg);
    }
}

bool tui_ascii(void) { return ascii_mode; }
bool tui_color(void) { return color_mode; }

static attr_t role_attr(enum tui_role role)
{
    if ((unsigned)role >= TUI_ROLE__COUNT)
        role = TUI_ROLE_NORMAL;
    /* Normal text is the terminal's own colours: pair 0, not a pair of the
     * same colours, which curses would switch off after every update. */
    if (color_mode && role != TUI_ROLE_NORMAL)
        return color_theme[role].attr | (attr_t)COLOR_PAIR(role + 1);
    if (color_mode)
        return A_NORMAL;
    return mono_theme[role];
}

int tui_rows(void) { return ready ? LINES : 0; }
int tui_cols(void) { return ready ? COLS : 0; }

void tui_set_cursor(int y, int x)
{
    if (ready && y >= 0 && y < LINES && x >= 0 && x < COLS) {
        cur_y = y;
        cur_x = x;
    }
}

bool tui_draw_take_cursor(int *y, int *x)
{
    bool want = cur_y >= 0;
    *y = cur_y;
    *x = cur_x;
    cur_y = cur_x = -1;
    return want;
}

/* Draw text that is already sanitised and fitted. In UTF-8 mode characters go
 * through the wide-character API; a character whose width the C library sees
 * differently from tui_cp_width() is drawn as '?' of our width, so curses and
 * our layout always agree on columns. */
static void draw_text(int y, int x, const char *s, attr_t attr)
{
    attrset(attr);
    if (ascii_mode) {
        mvaddstr(y, x, s);
        attrset(A_NORMAL);
        return;
    }
    size_t n = strlen(s);
    wchar_t *w = util_malloc((n + 1) * sizeof *w);
    size_t k = 0;
    bool base = false;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        i += (size_t)tui_utf8_decode(s + i, n - i, &cp);
        int ours = tui_cp_width(cp);
        int libc = wcwidth((wchar_t)cp);
        if (ours == 0) {
            /* A mark with nothing before it would land on a neighbour's cell. */
            if (libc == 0 && base)
                w[k++] = (wchar_t)cp;
            continue;
        }
        base = true;
        if (ours == libc) {
            w[k++] = (wchar_t)cp;
        } else {
            for (int c = 0; c < ours; c++)
                w[k++] = L'?';
        }
    }
    w[k] = 0;
    if (k)
        mvaddnwstr(y, x, w, (int)k);
    free(w);
    attrset(A_NORMAL);
}

int tui_put(int y, int x, int maxw, enum tui_role role, const char *text)
{
    if (!ready || !text || y < 0 || y >= LINES || x < 0 || x >= COLS || maxw <= 0)
        return 0;
    if (maxw > COLS - x)
        maxw = COLS - x;
    char *clean = tui_text_sanitize(text, ascii_mode);
    int w = 0;
    char *fit = tui_text_fit(clean, maxw, ascii_mode, &w);
    draw_text(y, x, fit, role_attr(role));
    free(fit);
    free(clean);
    return w;
}

void tui_put_right(int y, int x, int w, enum tui_role role, const char *text)
{
    if (!ready || !text || w <= 0)
        return;
    char *clean = tui_text_sanitize(text, ascii_mode);
    int tw = tui_text_width(clean);
    free(clean);
    if (tw > w)
        tw = w;
    tui_put(y, x + w - tw, tw, role, text);
}

/* Wrap raw (untrusted) text into lines of at most width columns: hard
 * breaks at newlines, each paragraph sanitised, then word-wrapped. */
static int wrap_raw(const char *text, int width, char ***out)
{
    int n = 0;
    *out = NULL;
    const char *p = text ? text : "";
    for (;;) {
        const char *nl = strchr(p, '\n');
        char *para = util_strndup(p, nl ? (size_t)(nl - p) : strlen(p));
        char *clean = tui_text_sanitize(para, ascii_mode);
        char **lines;
        int k = tui_text_wrap(clean, width, &lines);
        *out = util_realloc(*out, sizeof **out * (size_t)(n + k));
        memcpy(*out + n, lines, sizeof *lines * (size_t)k);
        n += k;
        free(lines);
        free(clean);
        free(para);
        if (!nl)
            break;
        p = nl + 1;
    }
    return n;
}

static void free_lines(char **lines, int n)
{
    for (int i = 0; i < n; i++)
        free(lines[i]);
    free(lines);
}

int tui_wrap_count(const char *text, int width)
{
    char **lines;
    int n = wrap_raw(text, width < 1 ? 1 : width, &lines);
    free_lines(lines, n);
    return n;
}

int tui_put_wrapped(struct tui_rect r, enum tui_role role, const char *text, int top, bool fill)
{
    if (r.w < 2 || r.h < 1)
        return 0;
    char **lines;
    int n = wrap_raw(text, r.w, &lines);
    bool more = n > r.h;
    if (more) {
        /* Longer than the room: the last column carries the scroll marks,
         * so the text wraps one column narrower and no line loses its end. */
        free_lines(lines, n);
        n = wrap_raw(text, r.w - 1, &lines);
    }
    if (top > n - r.h)
        top = n - r.h;
    if (top < 0)
        top = 0;
    for (int i = 0; i < r.h && top + i < n; i++) {
        if (fill)
            tui_fill(r.y + i, r.x, r.w, role);
        tui_put(r.y + i, r.x, more ? r.w - 1 : r.w, role, lines[top + i]);
    }
    if (more) {
        if (top > 0)
            tui_put(r.y, r.x + r.w - 1, 1, role, tui_glyph("up"));
        if (top + r.h < n)
            tui_put(r.y + r.h - 1, r.x + r.w - 1, 1, role, tui_glyph("down"));
    }
    free_lines(lines, n);
    return n;
}

int tui_put_lines(int y, struct tui_rect b, int max, enum tui_role role, const char *text)
{
    int n = tui_wrap_count(text, b.w - 1);
    struct tui_rect r = {y, b.x + 1, n < max ? n : max, b.w - 1};
    if (r.y + r.h > b.y + b.h)
        r.h = b.y + b.h - r.y;
    if (r.h < 1)
        return y;
    tui_put_wrapped(r, role, text, 0, false);
    return y + r.h;
}

int tui_put_excerpt(struct tui_rect r, enum tui_role role, const char *text, const char *more, bool fill)
{
    if (r.w < 2 || r.h < 1)
        return 0;
    int n = tui_wrap_count(text, r.w);
    if (n <= r.h || r.h < 2) {
        tui_put_wrapped(r, role, text, 0, fill);
        return n < r.h ? n : r.h;
    }
    struct tui_rect t = {r.y, r.x, r.h - 1, r.w};
    tui_put_wrapped(t, role, text, 0, fill);
    if (fill)
        tui_fill(r.y + r.h - 1, r.x, r.w, role);
    tui_put(r.y + r.h - 1, r.x, r.w, role, more ? more : "");
    return r.h;
}

/* Clip a horizontal run to the screen; false when nothing is left. */
static bool clip(int y, int *x, int *w)
{
    if (!ready || y < 0 || y >= LINES || *w <= 0)
        return false;
    if (*x < 0) {
        *w += *x;
        *x = 0;
    }
    if (*x + *w > COLS)
        *w = COLS - *x;
    return *w > 0 && *x < COLS;
}

void tui_fill(int y, int x, int w, enum tui_role role)
{
    if (!clip(y, &x, &w))
        return;
    mvhline(y, x, (chtype)' ' | role_attr(role), w);
}

void tui_hline(int y, int x, int w, enum tui_role role)
{
    if (!clip(y, &x, &w))
        return;
    if (ascii_mode) {
        mvhline(y, x, (chtype)'-' | role_attr(role), w);
        return;
    }
    cchar_t c;
    wchar_t line[2] = {0x2500, 0};
    attr_t a = role_attr(role);
    setcchar(&c, line, a & ~A_COLOR, (short)PAIR_NUMBER(a), NULL);
    mvhline_set(y, x, &c, w);
}

void tui_box(struct tui_rect r, enum tui_role role, const char *title)
{
    if (!ready || r.h < 2 || r.w < 2)
        return;
    const char *tl = tui_glyph("corner-tl"), *tr = tui_glyph("corner-tr");
    const char *bl = tui_glyph("corner-bl"), *br = tui_glyph("corner-br");
    const char *v = tui_glyph("vline");
    tui_put(r.y, r.x, 1, role, tl);
    tui_hline(r.y, r.x + 1, r.w - 2, role);
    tui_put(r.y, r.x + r.w - 1, 1, role, tr);
    for (int i = 1; i < r.h - 1; i++) {
        tui_put(r.y + i, r.x, 1, role, v);
        tui_put(r.y + i, r.x + r.w - 1, 1, role, v);
    }
    tui_put(r.y + r.h - 1, r.x, 1, role, bl);
    tui_hline(r.y + r.h - 1, r.x + 1, r.w - 2, role);
    tui_put(r.y + r.h - 1, r.x + r.w - 1, 1, role, br);
    if (title && *title && r.w > 6) {
        char *t = util_asprintf(" %s ", title);
        tui_put(r.y, r.x + 2, r.w - 4, role, t);
        free(t);
    }
}

/* Unicode glyph and its ASCII stand-in. Every UTF-8 glyph here is one
 * column wide in both our table and glibc's, so layouts do not shift. */
static const struct {
    const char *name, *utf8, *ascii;
} glyphs[] = {
    {"bullet", "\xE2\x80\xA2", "*"},    /* • */
    {"up", "\xE2\x86\x91", "^"},        /* ↑ */
    {"down", "\xE2\x86\x93", "v"},      /* ↓ */
    {"left", "\xE2\x86\x90", "<"},      /* ← */
    {"right", "\xE2\x86\x92", ">"},     /* → */
    {"block", "\xE2\x96\x88", "#"},     /* █ */
    {"shade", "\xE2\x96\x91", ":"},     /* ░ */
    {"warn", "\xE2\x9A\xA0", "!"},      /* ⚠ */
    {"ellipsis", "\xE2\x80\xA6", "~"},  /* … */
    {"check", "\xE2\x9C\x93", "+"},     /* ✓ */
    {"cross", "\xE2\x9C\x97", "x"},     /* ✗ */
    {"dash", "\xE2\x80\x94", "-"},      /* — */
    {"hline", "\xE2\x94\x80", "-"},     /* ─ */
    {"vline", "\xE2\x94\x82", "|"},     /* │ */
    {"corner-tl", "\xE2\x94\x8C", "+"}, /* ┌ */
    {"corner-tr", "\xE2\x94\x90", "+"}, /* ┐ */
    {"corner-bl", "\xE2\x94\x94", "+"}, /* └ */
    {"corner-br", "\xE2\x94\x98", "+"}, /* ┘ */
    {"marker", ">", ">"},
    {"spark1", "\xE2\x96\x81", "_"},    /* ▁ .. █: sparklines, eighths of a cell */
    {"spark2", "\xE2\x96\x82", "_"},
    {"spark3", "\xE2\x96\x83", "."},
    {"spark4", "\xE2\x96\x84", "-"},
    {"spark5", "\xE2\x96\x85", "-"},
    {"spark6", "\xE2\x96\x86", "="},
    {"spark7", "\xE2\x96\x87", "#"},
    {"spark8", "\xE2\x96\x88", "#"},
};

const char *tui_glyph(const char *name)
{
    if (name)
        for (size_t i = 0; i < sizeof glyphs / sizeof glyphs[0]; i++)
            if (strcmp(glyphs[i].name, name) == 0)
                return ascii_mode ? glyphs[i].ascii : glyphs[i].utf8;
    return "?";
}
