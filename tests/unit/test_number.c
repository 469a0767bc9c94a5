/* test_number.c — survey scores typed as digits (tui/number.c): "1" then "0" is ten, out of range is kept and explained, arrows still step. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <curses.h>

#include "careline/keymap.h"
#include "careline/tui.h"

#define FN(code) (TUI_KEY_FN + (code))
#define BS TUI_KEY_BACKSPACE

static void type(struct tui_number *n, const char *s)
{
    for (; *s; s++) {
        bool changed = false;
        assert_true(tui_number_key(n, *s, &changed));
    }
}

static int value(const struct tui_number *n, enum tui_number_state want)
{
    int v = -99;
    assert_int_equal(tui_number_value(n, &v), want);
    return v;
}

static void test_nps_ten_is_typed(void **state)
{
    (void)state;
    struct tui_number n;
    tui_number_init(&n, 0, 10, false);
    value(&n, TUI_NUMBER_EMPTY);
    type(&n, "1");
    assert_int_equal(value(&n, TUI_NUMBER_OK), 1);
    type(&n, "0");
    assert_int_equal(value(&n, TUI_NUMBER_OK), 10); /* a promoter, not a detractor */
    assert_string_equal(n.text, "10");
}

static void test_zero_and_single_digits(void **state)
{
    (void)state;
    struct tui_number n;
    tui_number_init(&n, 0, 10, false);
    type(&n, "0");
    assert_int_equal(value(&n, TUI_NUMBER_OK), 0); /* 0 is an answer, not "not asked" */
    tui_number_clear(&n);
    type(&n, "7");
    assert_int_equal(value(&n, TUI_NUMBER_OK), 7);
}

static void test_out_of_range_is_kept_and_explained(void **state)
{
    (void)state;
    struct tui_number n;
    char why[100];
    tui_number_init(&n, 1, 5, true);
    type(&n, "1");
    type(&n, "0");
    assert_int_equal(value(&n, TUI_NUMBER_OUT_OF_RANGE), 10);
    tui_number_problem(&n, why, sizeof why);
    assert_non_null(strstr(why, "1 to 5"));
    tui_number_init(&n, 0, 10, false);
    type(&n, "11");
    assert_int_equal(value(&n, TUI_NUMBER_OUT_OF_RANGE), 11);
    /* Backspace edits: the last digit goes. */
    bool changed = false;
    assert_true(tui_number_key(&n, BS, &changed));
    assert_true(changed);
    assert_int_equal(value(&n, TUI_NUMBER_OK), 1);
    tui_number_problem(&n, why, sizeof why);
    assert_string_equal(why, "");
    assert_true(tui_number_key(&n, BS, &changed));
    value(&n, TUI_NUMBER_EMPTY);
    assert_true(tui_number_key(&n, BS, &changed)); /* nothing left: used, unchanged */
    assert_false(changed);
}

static void test_long_numbers_refused_whole(void **state)
{
    (void)state;
    struct tui_number n;
    tui_number_init(&n, 0, 10, false);
    type(&n, "123");
    bool changed = true;
    assert_true(tui_number_key(&n, '4', &changed));
    assert_false(changed);
    assert_string_equal(n.text, "123");
    assert_int_equal(value(&n, TUI_NUMBER_OUT_OF_RANGE), 123);
}

static void test_declined(void **state)
{
    (void)state;
    struct tui_number n;
    bool changed;
    tui_number_init(&n, 1, 5, true);
    assert_true(tui_number_key(&n, 'd', &changed));
    value(&n, TUI_NUMBER_DECLINED);
    type(&n, "4"); /* a digit answers after all */
    assert_int_equal(value(&n, TUI_NUMBER_OK), 4);
    assert_true(tui_number_key(&n, 'd', &changed));
    assert_true(tui_number_key(&n, BS, &changed));
    value(&n, TUI_NUMBER_EMPTY);
    /* Without declining, 'd' and other letters are not the field's. */
    tui_number_init(&n, 0, 10, false);
    assert_false(tui_number_key(&n, 'd', &changed));
    assert_false(tui_number_key(&n, 'x', &changed));
    assert_false(tui_number_key(&n, FN(KEY_UP), &changed));
    value(&n, TUI_NUMBER_EMPTY);
}

static void test_clear_keys(void **state)
{
    (void)state;
    struct tui_number n;
    bool changed;
    tui_number_init(&n, 0, 10, false);
    type(&n, "9");
    assert_true(tui_number_key(&n, 21 /* C-u */, &changed));
    assert_true(changed);
    value(&n, TUI_NUMBER_EMPTY);
}

static void test_step(void **state)
{
    (void)state;
    struct tui_number n;
    tui_number_init(&n, 1, 5, true);
    tui_number_step(&n, 1);
    value(&n, TUI_NUMBER_DECLINED);
    tui_number_step(&n, 1);
    assert_int_equal(value(&n, TUI_NUMBER_OK), 1);
    tui_number_set(&n, 5);
    tui_number_step(&n, 1);
    value(&n, TUI_NUMBER_EMPTY); /* round */
    tui_number_step(&n, -1);
    assert_int_equal(value(&n, TUI_NUMBER_OK), 5);
    /* From a typed value out of range, to the nearest end. */
    tui_number_clear(&n);
    type(&n, "9");
    tui_number_step(&n, -1);
    assert_int_equal(value(&n, TUI_NUMBER_OK), 5);
    tui_number_clear(&n);
    type(&n, "0");
    tui_number_step(&n, 1);
    assert_int_equal(value(&n, TUI_NUMBER_OK), 1);

    tui_number_init(&n, 0, 10, false);
    tui_number_step(&n, 1);
    assert_int_equal(value(&n, TUI_NUMBER_OK), 0);
    tui_number_step(&n, -1);
    value(&n, TUI_NUMBER_EMPTY);
    tui_number_step(&n, -1);
    assert_int_equal(value(&n, TUI_NUMBER_OK), 10);
}

static void test_pasted_digits(void **state)
{
    (void)state;
    struct tui_number n;
    bool changed;
    tui_number_init(&n, 0, 10, false);
    assert_true(tui_number_key(&n, TUI_KEY_PASTE | '8', &changed));
    assert_int_equal(value(&n, TUI_NUMBER_OK), 8);
    /* A pasted letter is text, never the "declined" key. */
    tui_number_init(&n, 1, 5, true);
    assert_true(tui_number_key(&n, TUI_KEY_PASTE | 'd', &changed));
    assert_false(changed);
    value(&n, TUI_NUMBER_EMPTY);
    /* What is not a digit is left out and said beside the field, until a key is typed. */
    char buf[100];
    assert_true(tui_number_key(&n, TUI_KEY_PASTE | 0x1b, &changed));
    assert_true(tui_number_key(&n, TUI_KEY_PASTE | '4', &changed));
    assert_string_equal(tui_number_problem(&n, buf, sizeof buf), "digits only: 2 pasted characters left out");
    assert_int_equal(value(&n, TUI_NUMBER_OK), 4);
    assert_true(tui_number_key(&n, TUI_KEY_BACKSPACE, &changed));
    assert_string_equal(tui_number_problem(&n, buf, sizeof buf), "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nps_ten_is_typed),
        cmocka_unit_test(test_zero_and_single_digits),
        cmocka_unit_test(test_out_of_range_is_kept_and_explained),
        cmocka_unit_test(test_long_numbers_refused_whole),
        cmocka_unit_test(test_declined),
        cmocka_unit_test(test_clear_keys),
        cmocka_unit_test(test_step),
        cmocka_unit_test(test_pasted_digits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
