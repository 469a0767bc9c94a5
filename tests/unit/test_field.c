/* test_field.c — editing a one-line UTF-8 text field (tui/field.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <curses.h>

#include "careline/keymap.h"
#include "careline/text.h"
#include "careline/tui.h"

#define FN(code) (TUI_KEY_FN + (code))
#define CTRL(c) ((c) - 'a' + 1)
#define LEFT FN(KEY_LEFT)
#define RIGHT FN(KEY_RIGHT)
#define BS TUI_KEY_BACKSPACE
#define DEL FN(KEY_DC)

static struct tui_field f;

static int setup(void **state)
{
    (void)state;
    tui_field_init(&f, 0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    tui_field_free(&f);
    return 0;
}

/* Feed every character of UTF-8 text as a key. */
static void type(const char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        i += (size_t)tui_utf8_decode(s + i, n - i, &cp);
        bool changed = false;
        assert_true(tui_field_key(&f, (int)cp, &changed));
        assert_true(changed);
    }
}

static bool key(int k)
{
    bool changed = false;
    assert_true(tui_field_key(&f, k, &changed));
    return changed;
}

static void text_is(const char *want, size_t cursor)
{
    assert_string_equal(f.text, want);
    assert_int_equal(f.len, strlen(want));
    assert_int_equal(f.cursor, cursor);
}

static void test_init(void **state)
{
    (void)state;
    text_is("", 0);
    assert_int_equal(f.max_bytes, 4096);
    assert_false(f.secret);
}

static void test_insert_multibyte(void **state)
{
    (void)state;
    type("a\xC3\xA9" "b"); /* aéb */
    text_is("a\xC3\xA9" "b", 4);
    type("\xE7\x8E\x8B"); /* 王 */
    text_is("a\xC3\xA9" "b\xE7\x8E\x8B", 7);
    /* insert in the middle */
    assert_false(key(LEFT));
    assert_false(key(LEFT));
    text_is("a\xC3\xA9" "b\xE7\x8E\x8B", 3);
    type("x");
    text_is("a\xC3\xA9x" "b\xE7\x8E\x8B", 4);
}

static void test_cursor_moves_by_character(void **state)
{
    (void)state;
    type("a\xC3\xA9\xE7\x8E\x8B" "b"); /* a é 王 b: 1+2+3+1 bytes */
    assert_int_equal(f.cursor, 7);
    key(LEFT);
    assert_int_equal(f.cursor, 6);
    key(LEFT);
    assert_int_equal(f.cursor, 3); /* over the 3 bytes of 王 */
    key(LEFT);
    assert_int_equal(f.cursor, 1); /* over the 2 bytes of é */
    key(LEFT);
    assert_int_equal(f.cursor, 0);
    key(LEFT);
    assert_int_equal(f.cursor, 0);
    key(RIGHT);
    assert_int_equal(f.cursor, 1);
    key(RIGHT);
    assert_int_equal(f.cursor, 3);
    key(FN(KEY_END));
    assert_int_equal(f.cursor, 7);
    key(RIGHT);
    assert_int_equal(f.cursor, 7);
    key(CTRL('a'));
    assert_int_equal(f.cursor, 0);
    key(CTRL('e'));
    assert_int_equal(f.cursor, 7);
    key(FN(KEY_HOME));
    assert_int_equal(f.cursor, 0);
}

static void test_backspace_multibyte(void **state)
{
    (void)state;
    type("Ren\xC3\xA9");
    assert_true(key(BS));
    text_is("Ren", 3);
    tui_field_set(&f, "\xE7\x8E\x8B\xE5\xB0\x8F"); /* 王小 */
    text_is("\xE7\x8E\x8B\xE5\xB0\x8F", 6);
    assert_true(key(BS));
    text_is("\xE7\x8E\x8B", 3);
    assert_true(key(BS));
    text_is("", 0);
    assert_false(key(BS)); /* nothing left: used, unchanged */
    /* raw forms of backspace do the same */
    type("ab");
    assert_true(key(8));
    text_is("a", 1);
    assert_true(key(FN(KEY_BACKSPACE)));
    text_is("", 0);
}

static void test_combining_marks_stay_together(void **state)
{
    (void)state;
    tui_field_set(&f, "e\xCC\x81x"); /* e + combining acute, x */
    text_is("e\xCC\x81x", 4);
    key(LEFT);
    assert_int_equal(f.cursor, 3);
    key(LEFT);
    assert_int_equal(f.cursor, 0); /* never between e and its accent */
    key(RIGHT);
    assert_int_equal(f.cursor, 3);
    assert_true(key(BS));
    text_is("x", 0);
    tui_field_set(&f, "e\xCC\x81x");
    key(CTRL('a'));
    assert_true(key(DEL));
    text_is("x", 0);
}

static void test_delete(void **state)
{
    (void)state;
    tui_field_set(&f, "\xC3\xA9" "a");
    key(CTRL('a'));
    assert_true(key(DEL));
    text_is("a", 0);
    key(CTRL('e'));
    assert_false(key(DEL));
    text_is("a", 1);
}

static void test_ctrl_w(void **state)
{
    (void)state;
    type("foo b\xC3\xA1r  b\xC3\xA1z");
    assert_true(key(CTRL('w')));
    text_is("foo b\xC3\xA1r  ", 10);
    assert_true(key(CTRL('w')));
    text_is("foo ", 4);
    assert_true(key(CTRL('w')));
    text_is("", 0);
    /* from the middle: only what is before the cursor goes */
    tui_field_set(&f, "alpha beta gamma");
    for (int i = 0; i < 6; i++)
        key(LEFT);
    assert_true(key(CTRL('w')));
    text_is("alpha  gamma", 6);
}

static void test_ctrl_u_ctrl_k(void **state)
{
    (void)state;
    tui_field_set(&f, "hello w\xC3\xB6rld");
    for (int i = 0; i < 6; i++)
        key(LEFT);
    assert_int_equal(f.cursor, 5);
    assert_true(key(CTRL('u')));
    text_is(" w\xC3\xB6rld", 0);
    key(RIGHT);
    key(RIGHT);
    assert_true(key(CTRL('k')));
    text_is(" w", 2);
    assert_false(key(CTRL('k')));
}

static void test_max_bytes(void **state)
{
    (void)state;
    tui_field_free(&f);
    tui_field_init(&f, 5);
    type("abcd");
    bool changed = true;
    /* é is 2 bytes: it would make 6, so it is refused whole */
    assert_true(tui_field_key(&f, 0xE9, &changed));
    assert_false(changed);
    text_is("abcd", 4);
    assert_true(tui_utf8_valid(f.text, f.len));
    type("e");
    text_is("abcde", 5);
    assert_true(tui_field_key(&f, 'x', &changed));
    assert_false(changed);
    text_is("abcde", 5);
    /* a 3-byte character into 2 free bytes */
    tui_field_set(&f, "abc");
    assert_true(tui_field_key(&f, 0x738B, &changed));
    assert_false(changed);
    text_is("abc", 3);
    type("\xC3\xA9"); /* 2 bytes still fit */
    text_is("abc\xC3\xA9", 5);
    /* set cuts at a character boundary */
    tui_field_set(&f, "abc\xE7\x8E\x8B");
    text_is("abc", 3);
    tui_field_set(&f, "ab\xC3\xA9\xC3\xA9");
    text_is("ab\xC3\xA9", 4);
    tui_field_set(&f, NULL);
    text_is("", 0);
}

static void test_keys_not_for_fields(void **state)
{
    (void)state;
    type("ab");
    bool changed = true;
    assert_false(tui_field_key(&f, 27, &changed)); /* Esc */
    assert_false(changed);
    assert_false(tui_field_key(&f, TUI_KEY_ENTER, &changed));
    assert_false(tui_field_key(&f, '\t', &changed));
    assert_false(tui_field_key(&f, FN(KEY_UP), &changed));
    assert_false(tui_field_key(&f, FN(KEY_F(1)), &changed));
    assert_false(tui_field_key(&f, 3, &changed)); /* C-c */
    assert_true(tui_field_key(&f, FN(KEY_LEFT), NULL)); /* changed may be NULL */
    text_is("ab", 1);
}

static void test_invalid_bytes(void **state)
{
    (void)state;
    tui_field_set(&f, "a\xFF" "b");
    key(LEFT);
    assert_int_equal(f.cursor, 2);
    key(LEFT);
    assert_int_equal(f.cursor, 1); /* an invalid byte is one step */
    key(RIGHT);
    assert_true(key(BS));
    text_is("ab", 1);
}

/* Hostile paste: control characters (ESC included) are left out and
 * counted, a bidi override is text and kept verbatim (drawing neutralises
 * it), what does not fit is counted; the next key typed clears the notice. */
static void test_paste_notice(void **state)
{
    (void)state;
    char buf[200];
    tui_field_free(&f);
    tui_field_init(&f, 12);
    assert_null(tui_field_notice(&f, buf, sizeof buf));
    const int paste[] = {'a', 0x1b, '[', '2', 'J', 0x01, 0x202E, 'b', '\t', 'c'};
    for (size_t i = 0; i < sizeof paste / sizeof paste[0]; i++)
        assert_true(tui_field_key(&f, TUI_KEY_PASTE | paste[i], NULL));
    text_is("a[2J\xe2\x80\xae" "b c", 10);
    assert_string_equal(tui_field_notice(&f, buf, sizeof buf),
                        "2 control characters in the pasted text left out (not text).");
    for (int i = 0; i < 5; i++)
        tui_field_key(&f, TUI_KEY_PASTE | 'x', NULL);
    text_is("a[2J\xe2\x80\xae" "b cxx", 12);
    assert_string_equal(tui_field_notice(&f, buf, sizeof buf),
                        "Full: 12 bytes at most; 3 characters were left out. "
                        "2 control characters in the pasted text left out (not text).");
    key(TUI_KEY_BACKSPACE);
    assert_null(tui_field_notice(&f, buf, sizeof buf));
    /* Typing into a full field counts the keys refused, one after another. */
    key('y');
    assert_false(key('z'));
    assert_false(key('z'));
    assert_string_equal(tui_field_notice(&f, buf, sizeof buf), "Full: 12 bytes at most; 2 characters were left out.");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_init, setup, teardown),
        cmocka_unit_test_setup_teardown(test_insert_multibyte, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cursor_moves_by_character, setup, teardown),
        cmocka_unit_test_setup_teardown(test_backspace_multibyte, setup, teardown),
        cmocka_unit_test_setup_teardown(test_combining_marks_stay_together, setup, teardown),
        cmocka_unit_test_setup_teardown(test_delete, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ctrl_w, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ctrl_u_ctrl_k, setup, teardown),
        cmocka_unit_test_setup_teardown(test_max_bytes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_keys_not_for_fields, setup, teardown),
        cmocka_unit_test_setup_teardown(test_invalid_bytes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_paste_notice, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
