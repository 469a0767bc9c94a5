/* test_keymap.c — key names, actions, binding triples and looking them up (tui/keymap.c, tui/actions.c), and reading them from careline.conf (screens/app/config_keys.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <curses.h>
#include <libconfig.h>

#include "careline/actions.h"
#include "careline/config.h"
#include "careline/keymap.h"
#include "careline/util.h"

#define FN(code) (TUI_KEY_FN + (code))

/* ---- actions ------------------------------------------------------------- */

static void test_actions(void **state)
{
    (void)state;
    assert_string_equal(tui_action_name(TUI_ACT_UP), "move-up");
    assert_string_equal(tui_action_help(TUI_ACT_UP), "Move up one row");
    assert_int_equal(tui_action_lookup("move-up"), TUI_ACT_UP);
    assert_int_equal(tui_action_lookup("quit"), TUI_ACT_QUIT);
    assert_int_equal(tui_action_lookup("none"), TUI_ACT_NONE);
    assert_int_equal(tui_action_lookup("frobnicate"), -1);
    assert_int_equal(tui_action_lookup(""), -1);
    assert_int_equal(tui_action_lookup(NULL), -1);
    for (int a = 0; a < TUI_ACT__COUNT; a++) {
        assert_int_equal(tui_action_lookup(tui_action_name((enum tui_action)a)), a);
        assert_true(strlen(tui_action_help((enum tui_action)a)) > 0);
    }
}

/* ---- key names ------------------------------------------------------------ */

static void test_key_parse(void **state)
{
    (void)state;
    assert_int_equal(tui_key_parse("q"), 'q');
    assert_int_equal(tui_key_parse("G"), 'G');
    assert_int_equal(tui_key_parse("?"), '?');
    assert_int_equal(tui_key_parse("\xC3\xA9"), 0xE9);        /* é */
    assert_int_equal(tui_key_parse("\xE7\x8E\x8B"), 0x738B);  /* 王 */
    assert_int_equal(tui_key_parse("Space"), ' ');
    assert_int_equal(tui_key_parse("C-a"), 1);
    assert_int_equal(tui_key_parse("C-A"), 1);
    assert_int_equal(tui_key_parse("C-z"), 26);
    assert_int_equal(tui_key_parse("Esc"), 27);
    assert_int_equal(tui_key_parse("C-["), 27);
    assert_int_equal(tui_key_parse("Tab"), '\t');
    assert_int_equal(tui_key_parse("C-i"), '\t');
    assert_int_equal(tui_key_parse("Enter"), TUI_KEY_ENTER);
    assert_int_equal(tui_key_parse("C-m"), TUI_KEY_ENTER);
    assert_int_equal(tui_key_parse("C-j"), TUI_KEY_ENTER);
    assert_int_equal(tui_key_parse("Backspace"), TUI_KEY_BACKSPACE);
    assert_int_equal(tui_key_parse("C-h"), TUI_KEY_BACKSPACE);
    assert_int_equal(tui_key_parse("F1"), FN(KEY_F(1)));
    assert_int_equal(tui_key_parse("F12"), FN(KEY_F(12)));
    assert_int_equal(tui_key_parse("PgDn"), FN(KEY_NPAGE));
    assert_int_equal(tui_key_parse("pgdn"), FN(KEY_NPAGE));
    assert_int_equal(tui_key_parse("PageDown"), FN(KEY_NPAGE));
    assert_int_equal(tui_key_parse("PgUp"), FN(KEY_PPAGE));
    assert_int_equal(tui_key_parse("Up"), FN(KEY_UP));
    assert_int_equal(tui_key_parse("BackTab"), FN(KEY_BTAB));
    assert_int_equal(tui_key_parse("Delete"), FN(KEY_DC));
    assert_int_equal(tui_key_parse("Home"), FN(KEY_HOME));
    assert_int_equal(tui_key_parse("End"), FN(KEY_END));
}

static void test_key_parse_unknown(void **state)
{
    (void)state;
    static const char *const bad[] = {"", "Foo", "F0", "F13", "F01", "C-", "C-1", "C-ab", "ab", "Ctrl-a",
                                      "\x80", "\xC3", "Up2"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (tui_key_parse(bad[i]) != -1)
            fail_msg("\"%s\" parsed as a key", bad[i]);
    }
    assert_int_equal(tui_key_parse(NULL), -1);
}

static void test_key_name_round_trip(void **state)
{
    (void)state;
    static const char *const names[] = {"C-a", "C-x", "F1", "F10", "PgDn", "PgUp", "Space", "?", "\xC3\xA9",
                                        "\xE7\x8E\x8B", "Enter", "Esc", "Tab", "BackTab", "Backspace", "Delete",
                                        "Insert", "Up", "Down", "Left", "Right", "Home", "End", "q", "G", "/"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char buf[32];
        int k = tui_key_parse(names[i]);
        assert_true(k > 0);
        assert_string_equal(tui_key_name(k, buf, sizeof buf), names[i]);
    }
    char buf[32];
    /* raw forms terminals send come out under one name */
    assert_string_equal(tui_key_name('\n', buf, sizeof buf), "Enter");
    assert_string_equal(tui_key_name(FN(KEY_ENTER), buf, sizeof buf), "Enter");
    assert_string_equal(tui_key_name(8, buf, sizeof buf), "Backspace");
    assert_string_equal(tui_key_name(FN(KEY_BACKSPACE), buf, sizeof buf), "Backspace");
    assert_string_equal(tui_key_name(28, buf, sizeof buf), "C-\\");
    assert_int_equal(tui_key_parse("C-\\"), 28);
    assert_string_equal(tui_key_name(FN(KEY_SLEFT), buf, sizeof buf), "Key-393");
}

static void test_key_printable(void **state)
{
    (void)state;
    assert_true(tui_key_printable('a'));
    assert_true(tui_key_printable(' '));
    assert_true(tui_key_printable(0xE9));
    assert_true(tui_key_printable(0x738B));
    assert_true(tui_key_printable(0x1F600));
    assert_true(tui_key_printable(0x301)); /* a combining mark joins the character before it */
    assert_false(tui_key_printable(1));
    assert_false(tui_key_printable(27));
    assert_false(tui_key_printable(TUI_KEY_ENTER));
    assert_false(tui_key_printable(TUI_KEY_BACKSPACE));
    assert_false(tui_key_printable(0x9B));
    assert_false(tui_key_printable(0xD800));
    assert_false(tui_key_printable(FN(KEY_UP)));
}

/* ---- loading ------------------------------------------------------------------ */

static config_t cfg;
static char err[512];

/* Parse libconfig text and load its `keys` group; returns the load's result. */
static int load_text(const char *text, const char *file)
{
    config_destroy(&cfg);
    config_init(&cfg);
    if (!config_read_string(&cfg, text))
        fail_msg("bad test config: %s at %d", config_error_text(&cfg), config_error_line(&cfg));
    err[0] = '\0';
    return conf_keys_load(config_lookup(&cfg, "keys"), file, err, sizeof err);
}

static int setup(void **state)
{
    (void)state;
    config_init(&cfg);
    tui_keymap_reset();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    config_destroy(&cfg);
    tui_keymap_reset();
    return 0;
}

static void test_load_and_lookup(void **state)
{
    (void)state;
    assert_int_equal(load_text("keys = {\n"
                               "  global = [ \"F1 help\", \"? help\", \"Up move-up\", \"j move-down\", \"C-c quit\" ];\n"
                               "  search = [ \"q quit\", \"Enter open\", \"C-u clear\" ];\n"
                               "};\n",
                               "test.conf"),
                     0);
    assert_string_equal(err, "");
    assert_int_equal(tui_keymap_lookup("global", tui_key_parse("F1")), TUI_ACT_HELP);
    assert_int_equal(tui_keymap_lookup("search", 'q'), TUI_ACT_QUIT);
    /* fallback to global */
    assert_int_equal(tui_keymap_lookup("search", tui_key_parse("Up")), TUI_ACT_UP);
    assert_int_equal(tui_keymap_lookup("search", '?'), TUI_ACT_HELP);
    /* a screen's keys do not leak into global or other screens */
    assert_int_equal(tui_keymap_lookup("global", 'q'), TUI_ACT_NONE);
    assert_int_equal(tui_keymap_lookup(NULL, 'q'), TUI_ACT_NONE);
    assert_int_equal(tui_keymap_lookup("nosuch", 'q'), TUI_ACT_NONE);
    assert_int_equal(tui_keymap_lookup("nosuch", 'j'), TUI_ACT_DOWN);
    /* raw forms of Enter find the binding */
    assert_int_equal(tui_keymap_lookup("search", '\n'), TUI_ACT_OPEN);
    assert_int_equal(tui_keymap_lookup("search", '\r'), TUI_ACT_OPEN);
    assert_int_equal(tui_keymap_lookup("search", FN(KEY_ENTER)), TUI_ACT_OPEN);
    assert_int_equal(tui_keymap_lookup("search", 'x'), TUI_ACT_NONE);
    assert_true(tui_keymap_bound("search", 'q'));
    assert_true(tui_keymap_bound("search", 3));
    assert_false(tui_keymap_bound("search", 'x'));
}

struct seen {
    int n;
    int keys[8];
    enum tui_action acts[8];
};

static void collect(void *ctx, int key, enum tui_action a)
{
    struct seen *s = ctx;
    if (s->n < 8) {
        s->keys[s->n] = key;
        s->acts[s->n] = a;
    }
    s->n++;
}

static void test_keys_for_and_each(void **state)
{
    (void)state;
    assert_int_equal(load_text("keys = { global = [ \"F1 help\", \"? help\", \"PgDn page-down\", \"Space page-down\","
                               " \"C-f page-down\", \"x none\" ]; };",
                               "t.conf"),
                     0);
    char buf[64];
    assert_string_equal(tui_keymap_keys_for("global", TUI_ACT_HELP, buf, sizeof buf), "F1/?");
    assert_string_equal(tui_keymap_keys_for("global", TUI_ACT_PAGE_DOWN, buf, sizeof buf), "PgDn/Space/C-f");
    assert_string_equal(tui_keymap_keys_for("global", TUI_ACT_QUIT, buf, sizeof buf), "");
    assert_string_equal(tui_keymap_keys_for("search", TUI_ACT_HELP, buf, sizeof buf), ""); /* no fallback */
    char small[8];
    assert_string_equal(tui_keymap_keys_for("global", TUI_ACT_PAGE_DOWN, small, sizeof small), "PgDn"); /* whole names */

    struct seen seen = {0};
    tui_keymap_each("global", collect, &seen);
    assert_int_equal(seen.n, 5); /* "x none" is not listed */
    assert_int_equal(seen.keys[0], tui_key_parse("F1"));
    assert_int_equal(seen.keys[1], '?');
    assert_int_equal(seen.keys[4], 6);
    assert_int_equal(seen.acts[2], TUI_ACT_PAGE_DOWN);
}

static void test_unknown_action(void **state)
{
    (void)state;
    assert_int_equal(load_text("keys = {\n"
                               "  global = [\n"
                               "    \"F1 help\",\n"
                               "    \"x frobnicate\",\n"
                               "    \"F10 quit\"\n"
                               "  ];\n"
                               "};\n",
                               "user.conf"),
                     -1);
    assert_string_equal(err, "user.conf:4: unknown action \"frobnicate\"");
}

static void test_unknown_key_name(void **state)
{
    (void)state;
    assert_int_equal(load_text("keys = {\n  global = [ \"Hyper-x quit\" ];\n};\n", "user.conf"), -1);
    assert_string_equal(err, "user.conf:2: unknown key name \"Hyper-x\"");
    assert_int_equal(load_text("keys = {\n  global = [ \"quit\" ];\n};\n", "user.conf"), -1);
    assert_non_null(strstr(err, "user.conf:2: "));
    assert_int_equal(load_text("keys = {\n  global = [ \"q quit now\" ];\n};\n", "user.conf"), -1);
    assert_non_null(strstr(err, "user.conf:2: "));
}

static void test_duplicate_key(void **state)
{
    (void)state;
    assert_int_equal(load_text("keys = {\n"
                               "  global = [ \"q quit\" ];\n"
                               "  search = [\n"
                               "    \"q quit\",\n"
                               "    \"/ focus-input\",\n"
                               "    \"q help\",\n"
                               "    \"F1 help\"\n"
                               "  ];\n"
                               "};\n",
                               "dup.conf"),
                     -1);
    assert_string_equal(err, "dup.conf:6: key \"q\" is bound twice in search (first on line 4)");
    /* Names that mean the same key are the same key. */
    assert_int_equal(load_text("keys = { global = [ \"Enter open\", \"C-m quit\" ]; };", "dup.conf"), -1);
    assert_non_null(strstr(err, "bound twice"));
    /* The same key in two sections is fine. */
    assert_int_equal(load_text("keys = { global = [ \"q quit\" ]; search = [ \"q none\" ]; };", "ok.conf"), 0);
}

static void test_unknown_section(void **state)
{
    (void)state;
    assert_int_equal(load_text("keys = {\n  global = [ \"q quit\" ];\n  nosuch = [ \"q quit\" ];\n};\n", "s.conf"),
                     -1);
    assert_string_equal(err, "s.conf:3: unknown key section \"nosuch\"");
    /* a registered section is accepted */
    tui_keymap_add_section("nosuch");
    assert_int_equal(load_text("keys = {\n  nosuch = [ \"q quit\" ];\n};\n", "s.conf"), 0);
    assert_int_equal(tui_keymap_lookup("nosuch", 'q'), TUI_ACT_QUIT);
    /* "search" is known from screens.h without registering it */
    assert_int_equal(load_text("keys = { search = [ \"q quit\" ]; };", "s.conf"), 0);
    /* not a list */
    assert_int_equal(load_text("keys = {\n  global = \"q quit\";\n};\n", "s.conf"), -1);
    assert_non_null(strstr(err, "s.conf:2: "));
}

static void test_override_across_loads(void **state)
{
    (void)state;
    assert_int_equal(load_text("keys = { global = [ \"q quit\", \"F1 help\", \"j move-down\" ];"
                               " search = [ \"Enter open\" ]; };",
                               "<built-in defaults>"),
                     0);
    assert_int_equal(load_text("keys = { global = [ \"q help\", \"F2 quit\", \"j none\" ]; };", "user.conf"), 0);
    assert_int_equal(tui_keymap_lookup("global", 'q'), TUI_ACT_HELP);   /* overridden */
    assert_int_equal(tui_keymap_lookup("global", tui_key_parse("F1")), TUI_ACT_HELP); /* kept */
    assert_int_equal(tui_keymap_lookup("global", tui_key_parse("F2")), TUI_ACT_QUIT); /* added */
    assert_int_equal(tui_keymap_lookup("global", 'j'), TUI_ACT_NONE);   /* unbound */
    assert_int_equal(tui_keymap_lookup("search", TUI_KEY_ENTER), TUI_ACT_OPEN); /* other sections kept */
    char buf[64];
    /* the override keeps the key's place */
    assert_string_equal(tui_keymap_keys_for("global", TUI_ACT_HELP, buf, sizeof buf), "q/F1");
    assert_string_equal(tui_keymap_keys_for("global", TUI_ACT_QUIT, buf, sizeof buf), "F2");
}

static void test_failed_load_changes_nothing(void **state)
{
    (void)state;
    assert_int_equal(load_text("keys = { global = [ \"q quit\" ]; };", "a.conf"), 0);
    assert_int_equal(load_text("keys = { global = [ \"q help\", \"z frobnicate\" ]; };", "b.conf"), -1);
    assert_int_equal(tui_keymap_lookup("global", 'q'), TUI_ACT_QUIT);
}

static void test_screen_none_hides_global(void **state)
{
    (void)state;
    assert_int_equal(load_text("keys = { global = [ \"j move-down\", \"q quit\" ]; search = [ \"j none\" ]; };",
                               "n.conf"),
                     0);
    assert_int_equal(tui_keymap_lookup("search", 'j'), TUI_ACT_NONE);
    assert_true(tui_keymap_bound("search", 'j'));
    assert_int_equal(tui_keymap_lookup("global", 'j'), TUI_ACT_DOWN);
    assert_int_equal(tui_keymap_lookup("search", 'q'), TUI_ACT_QUIT);
}

/* The toolkit's own interface: triples, all or nothing, sections the
 * application registered; and the first key that does an action. */
static void test_triples(void **state)
{
    (void)state;
    tui_keymap_add_section("search");
    const struct tui_binding ok[] = {
        {"global", 'q', TUI_ACT_QUIT}, {"global", 'j', TUI_ACT_DOWN}, {"global", '?', TUI_ACT_HELP},
        {"search", 'x', TUI_ACT_CLEAR}, {"search", 'j', TUI_ACT_NONE}, {"global", 'q', TUI_ACT_HELP},
    };
    assert_int_equal(tui_keymap_bind(ok, sizeof ok / sizeof ok[0]), 0);
    assert_int_equal(tui_keymap_lookup("search", 'x'), TUI_ACT_CLEAR);
    assert_int_equal(tui_keymap_lookup("search", 'j'), TUI_ACT_NONE); /* hidden here */
    assert_int_equal(tui_keymap_lookup("global", 'q'), TUI_ACT_HELP); /* the later triple wins */
    const struct tui_binding bad[] = {{"global", 'z', TUI_ACT_QUIT}, {"unregistered", 'y', TUI_ACT_QUIT}};
    assert_false(tui_keymap_has_section("unregistered"));
    assert_int_equal(tui_keymap_bind(bad, 2), -1);
    assert_int_equal(tui_keymap_lookup("global", 'z'), TUI_ACT_NONE); /* nothing applied */
    tui_keymap_add_section("unregistered");
    assert_int_equal(tui_keymap_bind(bad, 2), 0);
    assert_int_equal(tui_keymap_lookup("unregistered", 'y'), TUI_ACT_QUIT);
    /* the first key for an action: the screen's own, then global ones it
     * does not take over; printable ones skipped while typing */
    assert_int_equal(tui_keymap_first_key("search", TUI_ACT_HELP, false), 'q'); /* q kept its place */
    assert_int_equal(tui_keymap_first_key("search", TUI_ACT_HELP, true), -1);
    assert_int_equal(tui_keymap_first_key("search", TUI_ACT_DOWN, false), -1); /* j is hidden on search */
    assert_int_equal(tui_keymap_first_key("global", TUI_ACT_DOWN, false), 'j');
}

/* libconfig reports a list element's line only after reading the next token,
 * so the last element of a multi-line list would point at the closing
 * bracket; from a file the loader finds the element's own line. */
static void test_line_of_last_element(void **state)
{
    (void)state;
    char path[] = "/tmp/careline-keymap-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char *text = "# user keys\n"
                       "keys = {\n"
                       "  global = [\n"
                       "    \"F1 help\",\n"
                       "    \"x frobnicate\"\n"
                       "\n"
                       "  ];\n"
                       "};\n";
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    config_destroy(&cfg);
    config_init(&cfg);
    assert_true(config_read_file(&cfg, path));
    int rc = conf_keys_load(config_lookup(&cfg, "keys"), path, err, sizeof err);
    unlink(path);
    assert_int_equal(rc, -1);
    char want[128];
    assert_int_equal(util_format_fits(want, sizeof want, "%s:5: unknown action \"frobnicate\"", path), 0);
    assert_string_equal(err, want);
}

/* The shipped defaults must load (run from the top of the tree). */
static void test_shipped_defaults(void **state)
{
    (void)state;
    config_destroy(&cfg);
    config_init(&cfg);
    if (access("conf/careline.conf", R_OK) != 0)
        skip();
    assert_true(config_read_file(&cfg, "conf/careline.conf"));
    assert_int_equal(conf_keys_load(config_lookup(&cfg, "keys"), "conf/careline.conf", err, sizeof err), 0);
    assert_int_equal(tui_keymap_lookup("search", tui_key_parse("F1")), TUI_ACT_HELP);
    assert_int_equal(tui_keymap_lookup("search", 3), TUI_ACT_QUIT);
    /* flow control keys are never bound */
    assert_false(tui_keymap_bound("global", tui_key_parse("C-s")));
    assert_false(tui_keymap_bound("global", tui_key_parse("C-q")));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_actions),
        cmocka_unit_test(test_key_parse),
        cmocka_unit_test(test_key_parse_unknown),
        cmocka_unit_test(test_key_name_round_trip),
        cmocka_unit_test(test_key_printable),
        cmocka_unit_test_setup_teardown(test_load_and_lookup, setup, teardown),
        cmocka_unit_test_setup_teardown(test_keys_for_and_each, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_action, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_key_name, setup, teardown),
        cmocka_unit_test_setup_teardown(test_duplicate_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_section, setup, teardown),
        cmocka_unit_test_setup_teardown(test_override_across_loads, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failed_load_changes_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_screen_none_hides_global, setup, teardown),
        cmocka_unit_test_setup_teardown(test_triples, setup, teardown),
        cmocka_unit_test_setup_teardown(test_line_of_last_element, setup, teardown),
        cmocka_unit_test_setup_teardown(test_shipped_defaults, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
