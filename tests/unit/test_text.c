/* test_text.c — UTF-8 decoding, display width, sanitising and fitting of untrusted text (include/base/text.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "careline/text.h"

#define ELLIPSIS "\xE2\x80\xA6"
#define FFFD "\xEF\xBF\xBD"

/* ---- decoding and encoding ---------------------------------------------- */

static void decode_one(const char *s, size_t n, int want_len, uint32_t want_cp)
{
    uint32_t cp = 0;
    int len = tui_utf8_decode(s, n, &cp);
    assert_int_equal(len, want_len);
    assert_int_equal(cp, want_cp);
}

static void test_decode_valid(void **state)
{
    (void)state;
    decode_one("A", 1, 1, 'A');
    decode_one("\xC3\xA9", 2, 2, 0xE9);             /* é */
    decode_one("\xE7\x8E\x8B", 3, 3, 0x738B);       /* 王 */
    decode_one("\xF0\x9F\x98\x80", 4, 4, 0x1F600);  /* 😀 */
    decode_one("\xF4\x8F\xBF\xBF", 4, 4, 0x10FFFF); /* the last code point */
    decode_one(FFFD, 3, 3, 0xFFFD);                 /* a real U+FFFD is kept */
}

static void test_decode_invalid(void **state)
{
    (void)state;
    decode_one("\x80", 1, 1, 0xFFFD);                 /* lone continuation */
    decode_one("\xBF" "A", 2, 1, 0xFFFD);
    decode_one("\xE2\x82", 2, 1, 0xFFFD);             /* truncated by n */
    decode_one("\xE2\x82" "A", 3, 1, 0xFFFD);         /* truncated by a non-continuation */
    decode_one("\xF0\x9F\x98", 3, 1, 0xFFFD);
    decode_one("\xC0\xAF", 2, 1, 0xFFFD);             /* overlong '/' */
    decode_one("\xC1\xBF", 2, 1, 0xFFFD);
    decode_one("\xE0\x80\xAF", 3, 1, 0xFFFD);         /* overlong, 3 bytes */
    decode_one("\xF0\x80\x80\xAF", 4, 1, 0xFFFD);     /* overlong, 4 bytes */
    decode_one("\xED\xA0\x80", 3, 1, 0xFFFD);         /* surrogate U+D800 */
    decode_one("\xED\xBF\xBF", 3, 1, 0xFFFD);         /* surrogate U+DFFF */
    decode_one("\xF4\x90\x80\x80", 4, 1, 0xFFFD);     /* above U+10FFFF */
    decode_one("\xF8\x88\x80\x80\x80", 5, 1, 0xFFFD); /* 5-byte form */
    decode_one("\xFF", 1, 1, 0xFFFD);
}

static void test_encode_round_trip(void **state)
{
    (void)state;
    static const uint32_t cps[] = {0x24, 0x7F, 0x80, 0xE9, 0x7FF, 0x800, 0x738B, 0xFFFD, 0xFFFF, 0x10000, 0x1F600,
                                   0x10FFFF};
    static const int lens[] = {1, 1, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4};
    for (size_t i = 0; i < sizeof cps / sizeof cps[0]; i++) {
        char buf[4];
        int n = tui_utf8_encode(cps[i], buf);
        assert_int_equal(n, lens[i]);
        uint32_t back;
        assert_int_equal(tui_utf8_decode(buf, (size_t)n, &back), n);
        assert_int_equal(back, cps[i]);
    }
    char buf[4];
    assert_int_equal(tui_utf8_encode(0xD800, buf), 3); /* surrogates cannot be encoded: U+FFFD */
    assert_memory_equal(buf, FFFD, 3);
}

static void test_valid(void **state)
{
    (void)state;
    const char *ok = "Zo\xC3\xAB \xE7\x8E\x8B \xF0\x9F\x98\x80 " FFFD;
    assert_true(tui_utf8_valid(ok, strlen(ok)));
    assert_true(tui_utf8_valid("", 0));
    assert_false(tui_utf8_valid("a\x80", 2));
    assert_false(tui_utf8_valid("\xC3", 1));
    assert_false(tui_utf8_valid("\xED\xA0\x80", 3));
    assert_false(tui_utf8_valid("\xC0\xAF", 2));
}

/* ---- width ---------------------------------------------------------------- */

static void test_cp_width(void **state)
{
    (void)state;
    assert_int_equal(tui_cp_width('A'), 1);
    assert_int_equal(tui_cp_width(0), -1);
    assert_int_equal(tui_cp_width(0x1B), -1);
    assert_int_equal(tui_cp_width(0x7F), -1);
    assert_int_equal(tui_cp_width(0x9B), -1);     /* C1 CSI */
    assert_int_equal(tui_cp_width(0xE9), 1);      /* é */
    assert_int_equal(tui_cp_width(0xAD), 1);      /* soft hyphen is drawn */
    assert_int_equal(tui_cp_width(0x301), 0);     /* combining acute */
    assert_int_equal(tui_cp_width(0x200B), 0);    /* zero width space */
    assert_int_equal(tui_cp_width(0x200D), 0);    /* zero width joiner */
    assert_int_equal(tui_cp_width(0xFE0F), 0);    /* variation selector */
    assert_int_equal(tui_cp_width(0x1160), 0);    /* Hangul medial vowel */
    assert_int_equal(tui_cp_width(0x1100), 2);    /* Hangul leading consonant */
    assert_int_equal(tui_cp_width(0xAC00), 2);    /* Hangul syllable */
    assert_int_equal(tui_cp_width(0x738B), 2);    /* 王 */
    assert_int_equal(tui_cp_width(0x3000), 2);    /* ideographic space */
    assert_int_equal(tui_cp_width(0xFF21), 2);    /* fullwidth A */
    assert_int_equal(tui_cp_width(0xFF61), 1);    /* halfwidth katakana stop */
    assert_int_equal(tui_cp_width(0x1F600), 2);   /* 😀 */
    assert_int_equal(tui_cp_width(0x1F468), 2);   /* 👨 */
    assert_int_equal(tui_cp_width(0x20000), 2);   /* CJK extension B */
    assert_int_equal(tui_cp_width(0x2A6DF), 2);
    assert_int_equal(tui_cp_width(0x2500), 1);    /* box drawing */
    assert_int_equal(tui_cp_width(0x2026), 1);    /* … */
    assert_int_equal(tui_cp_width(0xE000), 1);    /* private use */
}

static void test_text_width(void **state)
{
    (void)state;
    assert_int_equal(tui_text_width(""), 0);
    assert_int_equal(tui_text_width(NULL), 0);
    assert_int_equal(tui_text_width("Smith"), 5);
    assert_int_equal(tui_text_width("Ren\xC3\xA9" "e"), 5);           /* precomposed é */
    assert_int_equal(tui_text_width("Rene\xCC\x81" "e"), 5);          /* e + combining acute */
    assert_int_equal(tui_text_width("\xE7\x8E\x8B\xE5\xB0\x8F\xE6\x98\x8E"), 6); /* 王小明 */
    assert_int_equal(tui_text_width("Emoji \xF0\x9F\x98\x80!"), 9);
    /* 👨‍👩‍👧: three wide emoji joined by zero-width joiners */
    assert_int_equal(tui_text_width("\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7"), 6);
    assert_int_equal(tui_text_width("a\xE2\x80\x8D" "b"), 2);
    assert_int_equal(tui_text_width("a\x80" "b"), 3); /* invalid byte counts as U+FFFD */
}

/* ---- fitting -------------------------------------------------------------- */

static void fit_is(const char *s, int width, bool ascii, const char *want, int want_w)
{
    int w = -1;
    char *got = tui_text_fit(s, width, ascii, &w);
    assert_string_equal(got, want);
    assert_int_equal(w, want_w);
    assert_int_equal(tui_text_width(got), want_w);
    assert_true(w <= (width > 0 ? width : 0));
    free(got);
}

static void test_fit_ascii_names(void **state)
{
    (void)state;
    fit_is("Smith", 5, false, "Smith", 5);          /* exact fit: no marker */
    fit_is("Smith", 9, false, "Smith", 5);
    fit_is("Smithson", 5, false, "Smit" ELLIPSIS, 5);
    fit_is("Smithson", 5, true, "Smit~", 5);
    fit_is("Smithson", 1, false, ELLIPSIS, 1);
    fit_is("Smithson", 0, false, "", 0);
    fit_is("Smithson", -3, false, "", 0);
    fit_is("", 3, false, "", 0);
}

static void test_fit_accented(void **state)
{
    (void)state;
    fit_is("Zo\xC3\xAB \xC3\x85ngstr\xC3\xB6m", 12, false, "Zo\xC3\xAB \xC3\x85ngstr\xC3\xB6m", 12);
    fit_is("Zo\xC3\xAB \xC3\x85ngstr\xC3\xB6m", 11, false, "Zo\xC3\xAB \xC3\x85ngstr" ELLIPSIS, 11);
    fit_is("Zo\xC3\xAB \xC3\x85ngstr\xC3\xB6m", 4, false, "Zo\xC3\xAB" ELLIPSIS, 4);
    /* A base keeps its combining mark, or both go. */
    fit_is("Rene\xCC\x81" "e Dubois", 5, false, "Rene\xCC\x81" ELLIPSIS, 5);
    fit_is("Rene\xCC\x81" "e Dubois", 4, false, "Ren" ELLIPSIS, 4);
    fit_is("Rene\xCC\x81" "e", 5, false, "Rene\xCC\x81" "e", 5); /* exact fit counts the mark as 0 */
    fit_is("e\xCC\x81\xCC\xA3xyz", 2, false, "e\xCC\x81\xCC\xA3" ELLIPSIS, 2); /* two marks */
}

static void test_fit_wide(void **state)
{
    (void)state;
    const char *cjk = "\xE7\x8E\x8B\xE5\xB0\x8F\xE6\x98\x8E"; /* 王小明 */
    fit_is(cjk, 6, false, cjk, 6);
    fit_is(cjk, 5, false, "\xE7\x8E\x8B\xE5\xB0\x8F" ELLIPSIS, 5);
    fit_is(cjk, 4, false, "\xE7\x8E\x8B" ELLIPSIS, 3); /* never half a character */
    fit_is(cjk, 2, false, ELLIPSIS, 1);
    fit_is("Tanaka \xE7\x94\xB0\xE4\xB8\xAD", 9, false, "Tanaka " ELLIPSIS, 8);
    fit_is("Emoji \xF0\x9F\x98\x80 Smith", 8, false, "Emoji " ELLIPSIS, 7);
    fit_is("Emoji \xF0\x9F\x98\x80 Smith", 9, false, "Emoji \xF0\x9F\x98\x80" ELLIPSIS, 9);
    /* The joiner stays with the emoji before it. */
    fit_is("\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7", 3, false,
           "\xF0\x9F\x91\xA8\xE2\x80\x8D" ELLIPSIS, 3);
}

/* Whatever the text and width: valid UTF-8, never wider than asked, and a
 * marker exactly when something was cut. */
static void test_fit_properties(void **state)
{
    (void)state;
    static const char *const samples[] = {
        "Mary O'Neill",
        "Zo\xC3\xAB \xC3\x85ngstr\xC3\xB6m",
        "Rene\xCC\x81" "e De\xCC\x81sire\xCC\x81" "e",
        "\xE7\x8E\x8B\xE5\xB0\x8F\xE6\x98\x8E and \xE7\x94\xB0\xE4\xB8\xAD",
        "\xF0\x9F\x98\x80\xF0\x9F\x98\x80 x \xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9",
        "a\xEF\xBC\xA1" "b\xEF\xBC\xA2" "c",
    };
    for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
        int full = tui_text_width(samples[i]);
        for (int w = 1; w <= full + 2; w++) {
            for (int ascii = 0; ascii < 2; ascii++) {
                int got_w;
                char *got = tui_text_fit(samples[i], w, ascii, &got_w);
                assert_true(tui_utf8_valid(got, strlen(got)));
                assert_true(got_w <= w);
                assert_int_equal(tui_text_width(got), got_w);
                const char *marker = ascii ? "~" : ELLIPSIS;
                size_t gl = strlen(got), ml = strlen(marker);
                bool marked = gl >= ml && strcmp(got + gl - ml, marker) == 0;
                if (full <= w) {
                    assert_string_equal(got, samples[i]);
                } else {
                    assert_true(marked);
                    assert_true(got_w >= w - 1); /* at most one column lost to a wide character */
                    /* what is kept is a prefix of the original */
                    assert_memory_equal(got, samples[i], gl - ml);
                    /* and the cut is not followed by a combining mark */
                    uint32_t next;
                    tui_utf8_decode(samples[i] + gl - ml, strlen(samples[i] + gl - ml), &next);
                    assert_int_not_equal(tui_cp_width(next), 0);
                }
                free(got);
            }
        }
    }
}

/* ---- sanitising ------------------------------------------------------------- */

static void sanitize_is(const char *s, bool ascii, const char *want)
{
    char *got = tui_text_sanitize(s, ascii);
    assert_string_equal(got, want);
    free(got);
}

static void test_sanitize_escapes(void **state)
{
    (void)state;
    sanitize_is("\x1b[2J", false, "^[[2J");
    sanitize_is("A\x1b[2JB", false, "A^[[2JB");
    sanitize_is("\x1b]0;pwned\x07rest", false, "^[]0;pwned^Grest"); /* OSC title ... BEL */
    sanitize_is("\x1b]0;pwned\x1b\\rest", false, "^[]0;pwned^[\\rest"); /* ... ST */
    sanitize_is("\x1bP1$r\x1b\\", false, "^[P1$r^[\\");                 /* DCS */
    sanitize_is("\xC2\x9B" "31m red", false, "?31m red");                /* C1 CSI as U+009B */
    sanitize_is("\x9B" "31m red", false, FFFD "31m red");                /* C1 CSI as a raw byte */
    sanitize_is("\x9B" "31m red", true, "?31m red");
    sanitize_is("\xC2\x85" "next", false, "?next");                      /* NEL */
}

static void test_sanitize_controls(void **state)
{
    (void)state;
    sanitize_is("a\rb\nc\td", false, "a b c d");
    sanitize_is("line\r\n", false, "line  ");
    sanitize_is("\x01\x02\x7f", false, "^A^B^?");
    sanitize_is("bell\x07", false, "bell^G");
    sanitize_is("back\x08space", false, "back^Hspace");
    sanitize_is("", false, "");
    char *empty = tui_text_sanitize(NULL, false);
    assert_string_equal(empty, "");
    free(empty);
    /* bidirectional overrides would let text disguise itself: they vanish */
    sanitize_is("abc\xE2\x80\xAE" "fed", false, "abcfed");
    sanitize_is("x\xE2\x80\xA8y", false, "x y"); /* line separator */
}

static void test_sanitize_invalid(void **state)
{
    (void)state;
    sanitize_is("a\x80" "b", false, "a" FFFD "b");
    sanitize_is("\xC0\xAF", false, FFFD FFFD);
    sanitize_is("\xED\xA0\x80", false, FFFD FFFD FFFD);
    sanitize_is("ok\xE2\x82", false, "ok" FFFD FFFD);
    sanitize_is("Ren\xC3\xA9" "e", false, "Ren\xC3\xA9" "e"); /* valid text unchanged */
}

/* No byte of any single input byte or code point comes out as a control. */
static void test_sanitize_never_controls(void **state)
{
    (void)state;
    for (int b = 1; b < 256; b++) {
        char in[2] = {(char)b, 0};
        for (int ascii = 0; ascii < 2; ascii++) {
            char *out = tui_text_sanitize(in, ascii);
            for (const unsigned char *p = (const unsigned char *)out; *p; p++) {
                assert_true(*p >= 0x20 && *p != 0x7F);
                if (ascii)
                    assert_true(*p < 0x80);
            }
            free(out);
        }
    }
    for (uint32_t cp = 0x80; cp < 0xA0; cp++) {
        char in[5] = {0};
        tui_utf8_encode(cp, in);
        char *out = tui_text_sanitize(in, false);
        assert_string_equal(out, "?");
        free(out);
    }
}

static void test_sanitize_ascii(void **state)
{
    (void)state;
    sanitize_is("Zo\xC3\xAB", true, "Zo?");
    sanitize_is("Rene\xCC\x81" "e", true, "Renee");                  /* marks vanish */
    sanitize_is("\xE7\x8E\x8B\xE5\xB0\x8F", true, "????");           /* wide keeps its columns */
    sanitize_is("x\xF0\x9F\x98\x80y", true, "x??y");
    sanitize_is("\xE2\x80\xA6", true, "?");
    sanitize_is("plain ASCII 123", true, "plain ASCII 123");
    /* widths agree before and after, so layouts line up in both modes */
    const char *s = "Zo\xC3\xAB \xE7\x8E\x8B e\xCC\x81 \xF0\x9F\x98\x80";
    char *a = tui_text_sanitize(s, true);
    assert_int_equal(tui_text_width(a), tui_text_width(s));
    free(a);
}

static void test_words(void **state)
{
    (void)state;
    char a[] = "waiting_customer", b[] = "walk_in_", c[] = "", d[] = "phone";
    assert_string_equal(tui_text_words(a), "waiting customer");
    assert_string_equal(tui_text_words(b), "walk in ");
    assert_string_equal(tui_text_words(c), "");
    assert_ptr_equal(tui_text_words(d), d);
    assert_string_equal(d, "phone");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decode_valid),
        cmocka_unit_test(test_decode_invalid),
        cmocka_unit_test(test_encode_round_trip),
        cmocka_unit_test(test_valid),
        cmocka_unit_test(test_cp_width),
        cmocka_unit_test(test_text_width),
        cmocka_unit_test(test_fit_ascii_names),
        cmocka_unit_test(test_fit_accented),
        cmocka_unit_test(test_fit_wide),
        cmocka_unit_test(test_fit_properties),
        cmocka_unit_test(test_sanitize_escapes),
        cmocka_unit_test(test_sanitize_controls),
        cmocka_unit_test(test_sanitize_invalid),
        cmocka_unit_test(test_sanitize_never_controls),
        cmocka_unit_test(test_sanitize_ascii),
        cmocka_unit_test(test_words),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
