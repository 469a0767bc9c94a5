/* test_textarea.c — the multi-line text area: word wrap by display width, line breaks, moving by screen line, the size limit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "careline/keymap.h"
#include "careline/tui.h"

static int layout(const char *s, int width, size_t *starts)
{
    return tui_textarea_layout(s, strlen(s), width, starts, 64);
}

static void test_wrap_at_spaces(void **state)
{
    (void)state;
    size_t st[64];
    assert_int_equal(layout("hello world", 5, st), 2);
    assert_int_equal(st[1], 6);          /* "world" starts the second line */
    assert_int_equal(layout("hello world", 8, st), 2);
    assert_int_equal(st[1], 6);
    assert_int_equal(layout("hello world", 11, st), 1);
    assert_int_equal(layout("one two three four", 9, st), 3);   /* "one two " "three " "four" */
    assert_int_equal(st[1], 8);
    assert_int_equal(st[2], 14);
}

static void test_long_words_and_newlines(void **state)
{
    (void)state;
    size_t st[64];
    assert_int_equal(layout("abcdefghij", 4, st), 3);
    assert_int_equal(st[1], 4);
    assert_int_equal(st[2], 8);
    assert_int_equal(layout("ab\ncd", 10, st), 2);
    assert_int_equal(st[1], 3);
    assert_int_equal(layout("ab\n", 10, st), 2);   /* the cursor may sit on the empty last line */
    assert_int_equal(layout("", 10, st), 1);
}

static void test_wide_characters(void **state)
{
    (void)state;
    size_t st[64];
    /* Each of these is two columns and three bytes: two fit in five columns. */
    assert_int_equal(layout("\xE6\xB8\xA1\xE8\xBE\xBA\xE6\xB8\xA1\xE8\xBE\xBA", 5, st), 2);
    assert_int_equal(st[1], 6);
    /* A combining accent stays with its letter. */
    assert_int_equal(layout("ae\xCC\x81" "b", 2, st), 2);
    assert_int_equal(st[1], 4);
}

static void type(struct tui_textarea *t, const char *s)
{
    for (; *s; s++)
        assert_true(tui_textarea_key(t, *s == '\n' ? TUI_KEY_ENTER : (unsigned char)*s, NULL));
}

static void test_keys(void **state)
{
    (void)state;
    struct tui_textarea t;
    tui_textarea_init(&t, 64);
    t.width = 10;
    type(&t, "first line\nsecond");
    assert_string_equal(t.f.text, "first line\nsecond");
    int up = tui_key_parse("Up"), down = tui_key_parse("Down");
    assert_true(tui_textarea_key(&t, up, NULL));          /* to the first line, same column */
    assert_int_equal(t.f.cursor, 6);
    assert_false(tui_textarea_key(&t, up, NULL));         /* nothing above: the form's turn */
    assert_true(tui_textarea_key(&t, down, NULL));
    assert_int_equal(t.f.cursor, 17);
    assert_false(tui_textarea_key(&t, down, NULL));
    bool changed = false;
    assert_true(tui_textarea_key(&t, TUI_KEY_BACKSPACE, &changed));
    assert_true(changed);
    assert_string_equal(t.f.text, "first line\nsecon");
    tui_textarea_free(&t);
}

static void test_limit(void **state)
{
    (void)state;
    struct tui_textarea t;
    tui_textarea_init(&t, 8);
    type(&t, "12345678");
    assert_false(t.full);
    assert_true(tui_textarea_key(&t, 'x', NULL));
    assert_true(t.full);                                   /* refused, and said so */
    assert_string_equal(t.f.text, "12345678");
    tui_textarea_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wrap_at_spaces), cmocka_unit_test(test_long_words_and_newlines),
        cmocka_unit_test(test_wide_characters), cmocka_unit_test(test_keys), cmocka_unit_test(test_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
