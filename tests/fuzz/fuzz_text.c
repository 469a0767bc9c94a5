/* fuzz_text.c — fuzzes the terminal-text sanitizer and the UTF-8 width, fit and wrap helpers (include/base/text.c) and checks what they promise. */
#include <stdbool.h>
#include <string.h>

#include "careline/text.h"
#include "fuzz.h"

/* Formatting characters that reorder text (bidi overrides and isolates). */
static bool is_bidi(uint32_t cp)
{
    return cp == 0x061C || cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) ||
           (cp >= 0x2066 && cp <= 0x2069);
}

static void check_sanitized(const char *out, bool ascii)
{
    size_t n = strlen(out);
    FUZZ_CHECK(tui_utf8_valid(out, n), "sanitized text is not valid UTF-8");
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        i += (size_t)tui_utf8_decode(out + i, n - i, &cp);
        FUZZ_CHECK(cp >= 0x20 && cp != 0x7f, "control U+%04X left in sanitized text", (unsigned)cp);
        FUZZ_CHECK(cp < 0x80 || cp >= 0xA0, "C1 control U+%04X left in sanitized text", (unsigned)cp);
        FUZZ_CHECK(!is_bidi(cp), "bidi control U+%04X left in sanitized text", (unsigned)cp);
        FUZZ_CHECK(!ascii || cp < 0x80, "non-ASCII U+%04X in ASCII mode", (unsigned)cp);
    }
    /* Sanitizing twice changes nothing: what is drawn is what was checked. */
    char *again = tui_text_sanitize(out, ascii);
    FUZZ_CHECK(strcmp(again, out) == 0, "sanitize is not idempotent");
    free(again);
}

static void check_fit(const char *s, int width, bool ascii)
{
    int w = -1;
    char *fit = tui_text_fit(s, width, ascii, &w);
    int total = tui_text_width(s);
    FUZZ_CHECK(w == tui_text_width(fit), "fit reports width %d but its text is %d wide", w, tui_text_width(fit));
    if (width <= 0) {
        FUZZ_CHECK(fit[0] == '\0' && w == 0, "fit into %d columns is not empty", width);
    } else if (total <= width) {
        FUZZ_CHECK(strcmp(fit, s) == 0, "text that fits was changed");
    } else {
        FUZZ_CHECK(w <= width, "fit gave %d columns for %d", w, width);
        const char *marker = ascii ? "~" : "\xE2\x80\xA6";
        size_t fl = strlen(fit), ml = strlen(marker);
        FUZZ_CHECK(fl >= ml && strcmp(fit + fl - ml, marker) == 0, "cut text does not end with the marker");
        FUZZ_CHECK(strncmp(fit, s, fl - ml) == 0, "cut text is not a prefix of the text");
        FUZZ_CHECK(tui_utf8_valid(fit, fl), "cut inside a UTF-8 character");
    }
    free(fit);
}

/* Every line fits (unless it is one character wider than the line), and
 * the lines joined, with at most one space between two of them where
 * the line was broken, give back the whole text. */
static void check_wrap(const char *s, int width)
{
    char **lines;
    int n = tui_text_wrap(s, width, &lines);
    FUZZ_CHECK(n >= 1, "wrap gave %d lines", n);
    size_t len = strlen(s);
    int ew = width < 1 ? 1 : width;   /* what wrap takes a width below 1 for */
    /* Where the text may stand after each line: each break dropped a
     * space or not. Kept sorted and without duplicates. */
    size_t *cand = malloc((len + 2) * sizeof *cand), *next = malloc(2 * (len + 2) * sizeof *next);
    size_t ncand = 1;
    cand[0] = 0;
    for (int i = 0; i < n; i++) {
        size_t ll = strlen(lines[i]);
        int lw = tui_text_width(lines[i]);
        uint32_t cp = ' ';
        if (ll)
            tui_utf8_decode(lines[i], ll, &cp);
        /* A character wider than the line (with its marks) stands alone. */
        int fw = tui_cp_width(cp);
        FUZZ_CHECK(lw <= ew || (fw > ew && lw == fw), "line %d is %d columns for %d", i, lw, ew);
        size_t nn = 0;
        for (size_t c = 0; c < ncand; c++) {
            for (size_t at = cand[c]; at <= cand[c] + (i ? 1 : 0); at++) {
                if (at > cand[c] && (cand[c] >= len || s[cand[c]] != ' '))
                    break;
                if (at + ll <= len && memcmp(s + at, lines[i], ll) == 0 && (nn == 0 || next[nn - 1] != at + ll))
                    next[nn++] = at + ll;
            }
        }
        FUZZ_CHECK(nn > 0, "line %d of the wrap is not the text that follows the line before", i);
        memcpy(cand, next, nn * sizeof *cand);
        ncand = nn;
        free(lines[i]);
    }
    free(lines);
    /* A space the last line broke at is dropped like any other. */
    bool whole = false;
    for (size_t c = 0; c < ncand; c++)
        whole |= cand[c] == len || (cand[c] + 1 == len && s[cand[c]] == ' ');
    free(cand);
    free(next);
    FUZZ_CHECK(whole, "wrap lost the end of the text");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* First byte: the width and ASCII mode; the rest is the text. Long
     * lines are worth trying, but wrap checks are quadratic. */
    if (size < 1 || size > 4096)
        return 0;
    int width = (data[0] & 0x7f) - 4;   /* -4 .. 123: zero and negative widths too */
    bool ascii = data[0] & 0x80;
    char *raw = malloc(size);
    memcpy(raw, data + 1, size - 1);
    raw[size - 1] = '\0';

    /* Raw bytes: decoding agrees with validity, and width never fails. */
    size_t n = strlen(raw);
    bool valid = true;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        int k = tui_utf8_decode(raw + i, n - i, &cp);
        FUZZ_CHECK(k >= 1 && (size_t)k <= n - i, "decode consumed %d of %zu bytes", k, n - i);
        char enc[4];
        if (!(cp == 0xFFFD && k == 1))
            FUZZ_CHECK(tui_utf8_encode(cp, enc) == k && memcmp(enc, raw + i, (size_t)k) == 0,
                       "decode and encode of U+%04X disagree", (unsigned)cp);
        else
            valid = false;
        i += (size_t)k;
    }
    FUZZ_CHECK(valid == tui_utf8_valid(raw, n), "tui_utf8_valid disagrees with decoding");
    FUZZ_CHECK(tui_text_width(raw) >= 0, "negative width");

    char *safe = tui_text_sanitize(raw, ascii);
    check_sanitized(safe, ascii);
    check_fit(safe, width, ascii);
    check_wrap(safe, width);
    free(safe);
    free(raw);
    return 0;
}
