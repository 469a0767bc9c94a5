/* test_input.c — the key decoder (tui/input.c): every common encoding of Home/End/Insert/Delete/PgUp/PgDn and F-keys, never Esc plus text, a lone Esc after the delay, bracketed paste. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <curses.h>

#include "careline/input.h"
#include "careline/keymap.h"
#include "careline/util.h"

#define FN(code) (TUI_KEY_FN + (code))
#define DELAY 25

static struct tui_input *in;

static int setup(void **state)
{
    (void)state;
    in = tui_input_new(DELAY);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    tui_input_free(in);
    return 0;
}

/* Feed s at time t and collect every key decided by t + later. */
static int keys_of(const char *s, long long later, int *out, int max)
{
    static long long t = 1000;
    t += 10000;
    tui_input_feed(in, s, strlen(s), t);
    int n = 0, k;
    while (n < max && (k = tui_input_next(in, t)) >= 0)
        out[n++] = k;
    if (later) {
        while (n < max && (k = tui_input_next(in, t + later)) >= 0)
            out[n++] = k;
    }
    return n;
}

static void one_key(const char *seq, int want)
{
    int k[8];
    int n = keys_of(seq, 0, k, 8);
    if (n != 1 || k[0] != want)
        fail_msg("sequence \\e%s: %d keys, first %d, wanted %d", seq + 1, n, n ? k[0] : -1, want);
    assert_int_equal(tui_input_timeout(in, 0), -1); /* nothing held back */
}

static void test_home_end_every_encoding(void **state)
{
    (void)state;
    /* xterm, vt220/screen/tmux/linux/PuTTY, rxvt, application mode */
    const char *home[] = {"\x1b[H", "\x1b[1~", "\x1b[7~", "\x1bOH", "\x1b[1;5H", "\x1b[1;2H"};
    const char *end[] = {"\x1b[F", "\x1b[4~", "\x1b[8~", "\x1bOF", "\x1b[1;5F", "\x1b[4;2~"};
    for (size_t i = 0; i < sizeof home / sizeof home[0]; i++)
        one_key(home[i], FN(KEY_HOME));
    for (size_t i = 0; i < sizeof end / sizeof end[0]; i++)
        one_key(end[i], FN(KEY_END));
}

static void test_editing_and_paging(void **state)
{
    (void)state;
    one_key("\x1b[2~", FN(KEY_IC));
    one_key("\x1b[3~", FN(KEY_DC));
    one_key("\x1b[5~", FN(KEY_PPAGE));
    one_key("\x1b[6~", FN(KEY_NPAGE));
    one_key("\x1b[A", FN(KEY_UP));
    one_key("\x1bOB", FN(KEY_DOWN));
    one_key("\x1b[1;5C", FN(KEY_RIGHT));
    one_key("\x1b[d", FN(KEY_LEFT)); /* rxvt shift-left */
    one_key("\x1b[Z", FN(KEY_BTAB));
}

static void test_function_keys(void **state)
{
    (void)state;
    const int tilde[] = {11, 12, 13, 14, 15, 17, 18, 19, 20, 21, 23, 24};
    for (int f = 1; f <= 12; f++) {
        char seq[16];
        assert_int_equal(util_format_fits(seq, sizeof seq, "\x1b[%d~", tilde[f - 1]), 0);
        one_key(seq, FN(KEY_F(f)));
    }
    one_key("\x1bOP", FN(KEY_F(1)));
    one_key("\x1bOS", FN(KEY_F(4)));
    one_key("\x1b[1;2P", FN(KEY_F(1)));
    /* PuTTY and the Linux console */
    one_key("\x1b[[A", FN(KEY_F(1)));
    one_key("\x1b[[E", FN(KEY_F(5)));
}

/* Control strings (OSC, DCS, APC) are never keys, ended by BEL or ST; an
 * Esc, P typed by hand (no end in time) is Esc then P. */
static void test_control_strings_are_not_keys(void **state)
{
    (void)state;
    int k[64];
    int n = keys_of("\x1b]0;PWNED\x07" "a", 0, k, 64);
    assert_int_equal(n, 1);
    assert_int_equal(k[0], 'a');   /* the BEL (C-g) that ended it is not a key */
    n = keys_of("\x1bP1$r0m\x1b\\b", 0, k, 64);
    assert_int_equal(n, 1);
    assert_int_equal(k[0], 'b');
    n = keys_of("\x1b_hidden\x1b\\", 0, k, 64);
    assert_int_equal(n, 0);
    assert_int_equal(tui_input_timeout(in, 0), -1);
    n = keys_of("\x1bPq", DELAY + 1, k, 64);   /* Alt-P, then q: no end came */
    assert_int_equal(n, 3);
    assert_int_equal(k[0], 0x1b);
    assert_int_equal(k[1], 'P');
    assert_int_equal(k[2], 'q');
}

static void test_keypad_application_mode(void **state)
{
    (void)state;
    one_key("\x1bOp", '0');
    one_key("\x1bOy", '9');
    one_key("\x1bOM", '\r');
    one_key("\x1bOk", '+');
}

static void test_never_esc_plus_text(void **state)
{
    (void)state;
    int k[16];
    /* End then y (the Approvals bug): End, then y, and nothing else. */
    int n = keys_of("\x1b[4~y", 0, k, 16);
    assert_int_equal(n, 2);
    assert_int_equal(k[0], FN(KEY_END));
    assert_int_equal(k[1], 'y');
    /* Unknown sequences, reports and focus events vanish whole. */
    n = keys_of("\x1b[99~\x1b[I\x1b[?1;2c\x1b[<0;3;4M\x1b[1;5Xq", 0, k, 16);
    assert_int_equal(n, 1);
    assert_int_equal(k[0], 'q');
}

static void test_alt_with_a_key(void **state)
{
    (void)state;
    /* Alt-Up and Alt-End as xterm and PuTTY send them: the key, no Esc. */
    one_key("\x1b\x1b[A", FN(KEY_UP));
    one_key("\x1b\x1b[4~", FN(KEY_END));
    one_key("\x1b\x1bOF", FN(KEY_END));
}

static void test_split_sequence_waits(void **state)
{
    (void)state;
    /* Over a slow link the bytes may come in two reads within the delay. */
    tui_input_feed(in, "\x1b[", 2, 100);
    assert_int_equal(tui_input_next(in, 110), -1);
    assert_true(tui_input_timeout(in, 110) > 0);
    tui_input_feed(in, "4~", 2, 115);
    assert_int_equal(tui_input_next(in, 115), FN(KEY_END));
    assert_int_equal(tui_input_next(in, 115), -1);
    /* Half a sequence and then nothing: dropped after the delay, never text. */
    tui_input_feed(in, "\x1b[1", 3, 200);
    assert_int_equal(tui_input_next(in, 200 + DELAY), -1);
    assert_int_equal(tui_input_timeout(in, 300), -1);
}

static void test_lone_esc(void **state)
{
    (void)state;
    tui_input_feed(in, "\x1b", 1, 100);
    assert_int_equal(tui_input_next(in, 100), -1);
    assert_int_equal(tui_input_timeout(in, 110), DELAY - 10);
    assert_int_equal(tui_input_next(in, 100 + DELAY), 27);
    /* Esc Esc: two Escs. */
    int k[4];
    int n = keys_of("\x1b\x1b", DELAY, k, 4);
    assert_int_equal(n, 2);
    assert_int_equal(k[0], 27);
    assert_int_equal(k[1], 27);
}

static void test_utf8(void **state)
{
    (void)state;
    int k[4];
    int n = keys_of("\xC3\xA9\xE7\x8E\x8B", 0, k, 4);
    assert_int_equal(n, 2);
    assert_int_equal(k[0], 0xE9);
    assert_int_equal(k[1], 0x738B);
    /* A character split between two reads. */
    tui_input_feed(in, "\xE7\x8E", 2, 100);
    assert_int_equal(tui_input_next(in, 100), -1);
    tui_input_feed(in, "\x8B", 1, 101);
    assert_int_equal(tui_input_next(in, 101), 0x738B);
}

static void test_bracketed_paste(void **state)
{
    (void)state;
    int k[64];
    int n = keys_of("a\x1b[200~q\x1b[4~\r\nx\ry\x1b[201~b", 0, k, 64);
    /* a, then the pasted q ESC [ 4 ~ LF x LF y as text (the ESC a pasted
     * character, never a key), then b */
    int want[] = {'a', TUI_KEY_PASTE | 'q', TUI_KEY_PASTE | 0x1b, TUI_KEY_PASTE | '[', TUI_KEY_PASTE | '4', TUI_KEY_PASTE | '~',
                  TUI_KEY_PASTE | '\n', TUI_KEY_PASTE | 'x', TUI_KEY_PASTE | '\n', TUI_KEY_PASTE | 'y', 'b'};
    assert_int_equal(n, (int)(sizeof want / sizeof want[0]));
    for (int i = 0; i < n; i++)
        assert_int_equal(k[i], want[i]);
    assert_false(tui_input_pasting(in));
    /* The end marker split between reads. */
    tui_input_feed(in, "\x1b[200~z\x1b[20", 11, 100);
    assert_int_equal(tui_input_next(in, 100), TUI_KEY_PASTE | 'z');
    assert_int_equal(tui_input_next(in, 100), -1);
    assert_true(tui_input_pasting(in));
    tui_input_feed(in, "1~\x1b[A", 5, 150);
    assert_int_equal(tui_input_next(in, 150), FN(KEY_UP));
    assert_false(tui_input_pasting(in));
}

static void test_paste_without_end_times_out(void **state)
{
    (void)state;
    tui_input_feed(in, "\x1b[200~p", 7, 100);
    assert_int_equal(tui_input_next(in, 100), TUI_KEY_PASTE | 'p');
    assert_true(tui_input_pasting(in));
    /* Seconds later the agent types: keys act again. */
    tui_input_feed(in, "q", 1, 100 + 5000);
    assert_int_equal(tui_input_next(in, 100 + 5000), 'q');
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_home_end_every_encoding, setup, teardown),
        cmocka_unit_test_setup_teardown(test_editing_and_paging, setup, teardown),
        cmocka_unit_test_setup_teardown(test_function_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_keypad_application_mode, setup, teardown),
        cmocka_unit_test_setup_teardown(test_never_esc_plus_text, setup, teardown),
        cmocka_unit_test_setup_teardown(test_alt_with_a_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_split_sequence_waits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lone_esc, setup, teardown),
        cmocka_unit_test_setup_teardown(test_utf8, setup, teardown),
        cmocka_unit_test_setup_teardown(test_control_strings_are_not_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bracketed_paste, setup, teardown),
        cmocka_unit_test_setup_teardown(test_paste_without_end_times_out, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
