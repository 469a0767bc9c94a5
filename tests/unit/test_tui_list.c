/* test_tui_list.c — moving the selection of a list widget (tui/list.c), without drawing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "careline/tui.h"

static void test_empty(void **state)
{
    (void)state;
    struct tui_list l = {0};
    tui_list_set_count(&l, 0);
    assert_int_equal(l.sel, -1);
    assert_int_equal(l.top, 0);
    assert_false(tui_list_action(&l, TUI_ACT_DOWN));
    assert_false(tui_list_action(&l, TUI_ACT_LAST));
    assert_int_equal(l.sel, -1);
}

static void test_set_count_keeps_selection_in_range(void **state)
{
    (void)state;
    struct tui_list l = {.sel = -1, .page = 5};
    tui_list_set_count(&l, 3);
    assert_int_equal(l.sel, 0); /* rows arrived: the first is selected */
    l.sel = 2;
    tui_list_set_count(&l, 10);
    assert_int_equal(l.sel, 2); /* kept */
    l.sel = 9;
    l.top = 5;
    tui_list_set_count(&l, 4);
    assert_int_equal(l.sel, 3);
    assert_true(l.top <= l.sel && l.sel < l.top + l.page);
    assert_int_equal(l.top, 0); /* no empty rows while rows are hidden above */
    tui_list_set_count(&l, 0);
    assert_int_equal(l.sel, -1);
}

static void test_moves(void **state)
{
    (void)state;
    struct tui_list l = {.sel = -1, .page = 5};
    tui_list_set_count(&l, 12);
    assert_false(tui_list_action(&l, TUI_ACT_UP)); /* already first */
    assert_true(tui_list_action(&l, TUI_ACT_DOWN));
    assert_int_equal(l.sel, 1);
    assert_false(tui_list_action(&l, TUI_ACT_OPEN)); /* not a move */
    assert_true(tui_list_action(&l, TUI_ACT_LAST));
    assert_int_equal(l.sel, 11);
    assert_int_equal(l.top, 7); /* the selection is visible: 7..11 */
    assert_false(tui_list_action(&l, TUI_ACT_DOWN));
    assert_true(tui_list_action(&l, TUI_ACT_FIRST));
    assert_int_equal(l.sel, 0);
    assert_int_equal(l.top, 0);
    for (int i = 0; i < 5; i++)
        tui_list_action(&l, TUI_ACT_DOWN);
    assert_int_equal(l.sel, 5);
    assert_int_equal(l.top, 1); /* scrolled just enough */
}

static void test_pages(void **state)
{
    (void)state;
    struct tui_list l = {.sel = -1, .page = 5};
    tui_list_set_count(&l, 12);
    assert_true(tui_list_action(&l, TUI_ACT_PAGE_DOWN));
    assert_int_equal(l.sel, 5);
    assert_int_equal(l.top, 5);
    assert_true(tui_list_action(&l, TUI_ACT_PAGE_DOWN));
    assert_int_equal(l.sel, 10);
    assert_int_equal(l.top, 7); /* the last page is full, not 10..11 and blanks */
    assert_true(tui_list_action(&l, TUI_ACT_PAGE_DOWN));
    assert_int_equal(l.sel, 11);
    assert_false(tui_list_action(&l, TUI_ACT_PAGE_DOWN));
    assert_true(tui_list_action(&l, TUI_ACT_PAGE_UP));
    assert_int_equal(l.sel, 6);
    assert_true(l.top <= 6 && 6 < l.top + 5);
    assert_true(tui_list_action(&l, TUI_ACT_PAGE_UP));
    assert_true(tui_list_action(&l, TUI_ACT_PAGE_UP));
    assert_int_equal(l.sel, 0);
    assert_int_equal(l.top, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_set_count_keeps_selection_in_range),
        cmocka_unit_test(test_moves),
        cmocka_unit_test(test_pages),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
