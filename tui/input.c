/* input.c — the terminal's bytes to keys: UTF-8, a table of every common terminal's escape sequences, bracketed paste, a short wait for a lone Esc. */
#include "careline/input.h"

#include <curses.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "careline/keymap.h"
#include "careline/text.h"
#include "careline/util.h"

#define FN(code) (TUI_KEY_FN + (code))
#define ESC 0x1b
/* Half an end-of-paste marker waits this long: a large paste over a slow
 * link arrives in pieces, and a piece may end inside the marker. */
#define PASTE_HOLD_MS 1000
/* A paste whose end marker never came (a terminal that lost it) ends
 * when the terminal has been quiet this long, so keys act again. */
#define PASTE_IDLE_MS 2000
#define MAX_SEQ 64
#define MAX_CONTROL_STRING 4096   /* longer without its end: not a control string */

struct tui_input {
    unsigned char *buf;
    size_t len, cap;
    int delay;
    long long last;       /* when the last bytes arrived */
    bool paste, paste_cr;
    bool skip_csi;        /* the rest of an over-long CSI sequence is still arriving */
};

/* CSI <n> ~ : the same codes on xterm, vt220, the Linux console, PuTTY,
 * screen, tmux and rxvt (7 and 8 are rxvt's Home and End). */
static const struct {
    int n, key;
} tilde[] = {
    {1, FN(KEY_HOME)}, {2, FN(KEY_IC)},  {3, FN(KEY_DC)},  {4, FN(KEY_END)},
    {5, FN(KEY_PPAGE)}, {6, FN(KEY_NPAGE)}, {7, FN(KEY_HOME)}, {8, FN(KEY_END)},
    {11, FN(KEY_F(1))}, {12, FN(KEY_F(2))}, {13, FN(KEY_F(3))}, {14, FN(KEY_F(4))}, {15, FN(KEY_F(5))},
    {17, FN(KEY_F(6))}, {18, FN(KEY_F(7))}, {19, FN(KEY_F(8))}, {20, FN(KEY_F(9))}, {21, FN(KEY_F(10))},
    {23, FN(KEY_F(11))}, {24, FN(KEY_F(12))},
};

/* The final letter of CSI (ESC [) and SS3 (ESC O) sequences; lower-case
 * a..d are rxvt's shifted (CSI) and controlled (SS3) arrows. */
static int letter_key(int c)
{
    switch (c) {
    case 'A': case 'a': return FN(KEY_UP);
    case 'B': case 'b': return FN(KEY_DOWN);
    case 'C': case 'c': return FN(KEY_RIGHT);
    case 'D': case 'd': return FN(KEY_LEFT);
    case 'H': return FN(KEY_HOME);
    case 'F': return FN(KEY_END);
    case 'P': return FN(KEY_F(1));
    case 'Q': return FN(KEY_F(2));
    case 'R': return FN(KEY_F(3));
    case 'S': return FN(KEY_F(4));
    case 'Z': return FN(KEY_BTAB);
    default: return -1;
    }
}

/* SS3 only: the application keypad (vt100/vt220 DECKPAM) and its Enter. */
static int keypad_key(int c)
{
    if (c >= 'p' && c <= 'y')
        return '0' + (c - 'p');
    switch (c) {
    case 'M': return '\r';
    case 'j': return '*';
    case 'k': return '+';
    case 'l': return ',';
    case 'm': return '-';
    case 'n': return '.';
    case 'o': return '/';
    case 'X': return '=';
    default: return letter_key(c);
    }
}

struct tui_input *tui_input_new(int esc_delay_ms)
{
    struct tui_input *in = util_calloc(1, sizeof *in);
    in->delay = esc_delay_ms > 0 ? esc_delay_ms : 0;
    return in;
}

void tui_input_free(struct tui_input *in)
{
    if (!in)
        return;
    free(in->buf);
    free(in);
}

void tui_input_feed(struct tui_input *in, const void *bytes, size_t n, long long now_ms)
{
    if (in->paste && in->len == 0 && now_ms - in->last >= PASTE_IDLE_MS)
        in->paste = false;
    /* The rest of an over-long sequence that never came: what follows a
     * pause is typed again. */
    if (in->skip_csi && in->len == 0 && now_ms - in->last >= in->delay)
        in->skip_csi = false;
    if (!n)
        return;
    if (in->len + n > in->cap) {
        in->cap = (in->len + n) * 2;
        in->buf = util_realloc(in->buf, in->cap);
    }
    memcpy(in->buf + in->len, bytes, n);
    in->len += n;
    in->last = now_ms;
}

bool tui_input_pasting(const struct tui_input *in) { return in->paste; }

static void consume(struct tui_input *in, size_t n)
{
    if (n > in->len)
        n = in->len;
    memmove(in->buf, in->buf + n, in->len - n);
    in->len -= n;
}

static bool timed_out(const struct tui_input *in, long long now, int wait)
{
    return now - in->last >= wait;
}

/* One UTF-8 character at the front: its code point and length, 0 when
 * its lead byte promises more bytes than have arrived. */
static size_t take_char(const struct tui_input *in, uint32_t *cp)
{
    unsigned char c = in->buf[0];
    size_t want = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xC2 && c <= 0xDF ? 2 : 1;
    if (in->len < want) {
        bool all_cont = true;
        for (size_t i = 1; i < in->len; i++)
            all_cont = all_cont && (in->buf[i] & 0xC0) == 0x80;
        if (all_cont)
            return 0;
    }
    int k = tui_utf8_decode((const char *)in->buf, in->len, cp);
    /* A byte that is not UTF-8 (a terminal in Latin-1) is taken as the
     * Latin-1 character it would be, rather than lost. */
    if (*cp == 0xFFFD && k == 1 && c >= 0xA0)
        *cp = c;
    return (size_t)k;
}

static int paste_next(struct tui_input *in, long long now)
{
    static const char end[] = "\x1b[201~";
    for (;;) {
        if (!in->len)
            return -1;
        if (in->buf[0] == ESC) {
            size_t whole = sizeof end - 1, m = in->len < whole ? in->len : whole;
            if (memcmp(in->buf, end, m) == 0) {
                if (m < whole && !timed_out(in, now, PASTE_HOLD_MS))
                    return -1;
                /* The marker, or half a marker and nothing more: the paste
                 * is over, back to keys. */
                consume(in, m);
                in->paste = false;
                return -2;
            }
            /* An Esc inside pasted text is not a key: it comes out as a
             * pasted character, which a field leaves out and counts. */
            consume(in, 1);
            in->paste_cr = false;
            return TUI_KEY_PASTE | ESC;
        }
        uint32_t cp;
        size_t k = take_char(in, &cp);
        if (!k) {
            if (!timed_out(in, now, PASTE_HOLD_MS))
                return -1;
            k = 1;
            cp = 0xFFFD;
        }
        consume(in, k);
        if (cp == '\n' && in->paste_cr) {
            in->paste_cr = false; /* CR LF is one line break */
            continue;
        }
        in->paste_cr = cp == '\r';
        if (cp == '\r')
            cp = '\n';
        return TUI_KEY_PASTE | (int)cp;
    }
}

/* Drop what is left of an over-long CSI sequence: parameter and
 * intermediate bytes, then its final byte. True once it is all gone; a
 * control byte ends it too and is a key of its own. */
static bool skip_rest(struct tui_input *in)
{
    size_t i = 0;
    while (i < in->len && in->buf[i] >= 0x20 && in->buf[i] <= 0x3F)
        i++;
    if (i >= in->len) {
        consume(in, i);
        return false;
    }
    consume(in, in->buf[i] >= 0x40 && in->buf[i] <= 0x7E ? i + 1 : i);
    in->skip_csi = false;
    return true;
}

/* A control string (OSC ESC ], DCS ESC P, APC ESC _: a terminal's answer,
 * or bytes typed or pasted without brackets): never keys, whatever it holds
 * (an OSC ends with BEL, which is C-g). Dropped whole up to its BEL or ST
 * (ESC \\). When no end arrives in time it was not one: Esc, then the
 * bytes as keys (Alt-P typed). Returns -2 when dropped, -1 to wait, ESC. */
static int control_string(struct tui_input *in, long long now)
{
    for (size_t i = 2; i < in->len; i++) {
        if (in->buf[i] == 0x07 || (in->buf[i] == ESC && i + 1 < in->len && in->buf[i + 1] == '\\')) {
            consume(in, in->buf[i] == 0x07 ? i + 1 : i + 2);
            return -2;
        }
    }
    if (!timed_out(in, now, in->delay) && in->len < MAX_CONTROL_STRING)
        return -1;
    consume(in, 1);
    return ESC;
}

/* Parse a CSI sequence starting at buf[0] = ESC, buf[1] = '['. Returns the
 * key, -1 to wait for more bytes, -2 when the sequence was dropped, -3
 * when it began a paste. */
static int csi(struct tui_input *in, long long now)
{
    size_t i = 2;
    if (in->len > 2 && in->buf[2] == '[') {
        /* The Linux console and PuTTY: ESC [ [ A .. E are F1 .. F5. */
        if (in->len < 4)
            return timed_out(in, now, in->delay) ? (consume(in, in->len), -2) : -1;
        int c = in->buf[3];
        /* Broken off by a control byte (the Esc of the next key): that
         * byte is a key of its own, as below. */
        consume(in, c < 0x20 ? 3 : 4);
        return c >= 'A' && c <= 'E' ? FN(KEY_F(1 + c - 'A')) : -2;
    }
    bool priv = false;
    int p[2] = {-1, -1}, np = 0;
    while (i < in->len && in->buf[i] >= 0x30 && in->buf[i] <= 0x3F) {
        unsigned char c = in->buf[i];
        if (c <= '9') {   /* the loop takes 0x30 ('0') and up */
            if (np < 2) {
                p[np] = (p[np] < 0 ? 0 : p[np]) * 10 + (c - '0');
                if (p[np] > 100000)
                    p[np] = 100000;
            }
        } else if (c == ';') {
            np++;
        } else {
            priv = true; /* < = > ?: reports and mouse, never keys we bind */
        }
        i++;
    }
    while (i < in->len && in->buf[i] >= 0x20 && in->buf[i] <= 0x2F)
        i++;
    if (i > MAX_SEQ) {
        /* Longer than any key (a report, or noise): dropped whole, and
         * the same whether it arrived at once or in pieces, else the
         * part after the cut would be typed as text. */
        in->skip_csi = true;
        consume(in, i);
        return skip_rest(in) ? -2 : -1;
    }
    if (i >= in->len) {
        if (timed_out(in, now, in->delay)) {
            consume(in, in->len); /* half a sequence: dropped whole, never typed */
            return -2;
        }
        return -1;
    }
    unsigned char f = in->buf[i];
    if (f < 0x40 || f > 0x7E) {
        consume(in, i); /* broken off by a control byte: that byte is a key of its own */
        return -2;
    }
    consume(in, i + 1);
    if (priv)
        return -2;
    if (f == '~') {
        if (p[0] == 200) {
            in->paste = true;
            in->paste_cr = false;
            return -3;
        }
        for (size_t k = 0; k < sizeof tilde / sizeof tilde[0]; k++)
            if (tilde[k].n == p[0])
                return tilde[k].key;
        return -2;
    }
    int key = letter_key(f);
    return key >= 0 ? key : -2;
}

/* ESC O x (cursor keys in application mode, F1-F4, the keypad); old
 * xterms put modifiers between: ESC O 5 P. */
static int ss3(struct tui_input *in, long long now)
{
    size_t i = 2;
    while (i < in->len && ((in->buf[i] >= '0' && in->buf[i] <= '9') || in->buf[i] == ';'))
        i++;
    if (i >= in->len) {
        if (timed_out(in, now, in->delay)) {
            consume(in, in->len);
            return -2;
        }
        return -1;
    }
    int c = in->buf[i];
    if (c < 0x20 || c > 0x7E) {
        consume(in, i);
        return -2;
    }
    consume(in, i + 1);
    int key = keypad_key(c);
    return key >= 0 ? key : -2;
}

int tui_input_next(struct tui_input *in, long long now_ms)
{
    for (;;) {
        if (in->paste) {
            int k = paste_next(in, now_ms);
            if (k == -2)
                continue;
            return k;
        }
        if (!in->len)
            return -1;
        if (in->skip_csi) {
            if (!skip_rest(in))
                return -1;
            continue;
        }
        if (in->buf[0] != ESC) {
            uint32_t cp;
            size_t k = take_char(in, &cp);
            if (!k) {
                if (!timed_out(in, now_ms, in->delay))
                    return -1;
                k = 1;
                cp = 0xFFFD;
            }
            consume(in, k);
            return (int)cp;
        }
        if (in->len == 1) {
            if (!timed_out(in, now_ms, in->delay))
                return -1;
            consume(in, 1);
            return ESC; /* a lone Esc: nothing followed it in time */
        }
        if (in->buf[1] == ESC && in->len > 2 && (in->buf[2] == '[' || in->buf[2] == 'O')) {
            /* Alt with a cursor or function key (xterm's metaSendsEscape,
             * PuTTY): the key alone, never an Esc that backs out first. */
            consume(in, 1);
            continue;
        }
        if (in->buf[1] == ESC && in->len == 2 && !timed_out(in, now_ms, in->delay))
            return -1; /* Alt-Esc, or an Alt-key sequence still arriving */
        int k;
        switch (in->buf[1]) {
        case '[': k = csi(in, now_ms); break;
        case 'O': k = ss3(in, now_ms); break;
        case ']':
        case 'P':
        case '_': k = control_string(in, now_ms); break;
        default:
            /* Esc Esc, or Esc then a key (Alt as Meta): Esc first, the rest
             * is read as what it is. */
            consume(in, 1);
            return ESC;
        }
        if (k == -2 || k == -3)
            continue;
        return k;
    }
}

int tui_input_timeout(const struct tui_input *in, long long now_ms)
{
    if (!in->len)
        return -1;
    long long left = in->last + (in->paste ? PASTE_HOLD_MS : in->delay) - now_ms;
    return left < 0 ? 0 : left > 100000 ? 100000 : (int)left;
}
