/* fuzz_number.c — fuzzes the typed-number field (tui/number.c) with any keys and steps, checking its state after each. */
#include <curses.h>
#include <string.h>

#include "careline/keymap.h"
#include "careline/tui.h"
#include "fuzz.h"

/* The keys the field knows, and a few it must leave alone. */
static int key_of(uint8_t b)
{
    static const int special[] = {TUI_KEY_BACKSPACE, TUI_KEY_FN + KEY_DC, TUI_KEY_FN + KEY_BACKSPACE, 'u' - 'a' + 1,
                                  'k' - 'a' + 1,     'd',                 'D',                        'x',
                                  TUI_KEY_FN + KEY_UP, 8,                 TUI_KEY_PASTE | 'd',        0x1b};
    if (b < 0x80)
        return '0' + b % 10;
    if (b < 0xA0)
        return TUI_KEY_PASTE | ('0' + b % 10);
    return special[b % (sizeof special / sizeof special[0])];
}

static void check(const struct tui_number *n)
{
    size_t len = strlen(n->text);
    FUZZ_CHECK(len <= 3, "%zu digits", len);
    for (size_t i = 0; i < len; i++)
        FUZZ_CHECK(n->text[i] >= '0' && n->text[i] <= '9', "'%c' in the number", n->text[i]);
    FUZZ_CHECK(!n->declined || (n->can_decline && len == 0), "declined with digits, or when it cannot be");
    int v = -1;
    enum tui_number_state st = tui_number_value(n, &v);
    char buf[128];
    const char *problem = tui_number_problem(n, buf, sizeof buf);
    FUZZ_CHECK((st == TUI_NUMBER_OUT_OF_RANGE || n->left_out) == (problem[0] != '\0'),
               "a problem shown iff out of range or pasted characters were left out");
    if (st == TUI_NUMBER_OK)
        FUZZ_CHECK(v >= n->min && v <= n->max, "%d OK outside %d..%d", v, n->min, n->max);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* Two bytes of range (min 0..20, max min..min+127), one of can_decline,
     * then one action a byte: 0xF0.. are steps, the rest keys. */
    if (size < 3 || size > 1024)
        return 0;
    struct tui_number n;
    int min = data[0] % 21, max = min + data[1] % 128;
    tui_number_init(&n, min, max, data[2] & 1);
    check(&n);
    for (size_t i = 3; i < size; i++) {
        if (data[i] >= 0xF0) {
            static const int steps[] = {1, -1, 10, -10};
            tui_number_step(&n, steps[data[i] % 4]);
            check(&n);
            enum tui_number_state st = tui_number_value(&n, NULL);
            FUZZ_CHECK(st != TUI_NUMBER_OUT_OF_RANGE, "stepping left the number out of range");
            FUZZ_CHECK(st != TUI_NUMBER_DECLINED || n.can_decline, "stepped to declined");
            continue;
        }
        char before[4];
        memcpy(before, n.text, sizeof before);
        bool was_declined = n.declined, changed = true;
        bool used = tui_number_key(&n, key_of(data[i]), &changed);
        check(&n);
        FUZZ_CHECK(used || !changed, "a key not used changed the number");
        FUZZ_CHECK(changed == (strcmp(before, n.text) != 0 || was_declined != n.declined),
                   "changed says %d but the number %s", changed, changed ? "stayed" : "changed");
    }
    return 0;
}
