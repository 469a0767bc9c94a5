/* test_config.c — careline.conf loading: defaults, overrides, and every kind of bad file with file:line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "careline/config.h"
#include "careline/db.h"
#include "careline/keymap.h"
#include "careline/util.h"
#include "careline/validate.h"

#include "fixture.h"

static char dir[] = "/tmp/careline-conf-XXXXXX";

static const char *write_conf(const char *name, const char *text)
{
    static char path[256];
    assert_int_equal(util_format_fits(path, sizeof path, "%s/%s", dir, name), 0);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
    return path;
}

static int setup(void **state)
{
    (void)state;
    assert_non_null(mkdtemp(dir));
    /* No user file anywhere: the lookup must fall back to the defaults. */
    setenv("XDG_CONFIG_HOME", dir, 1);
    setenv("HOME", dir, 1);
    unsetenv("XDG_STATE_HOME");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return fixture_remove_tree(dir);
}

static void expect_error(const char *text, const char *want)
{
    struct conf c;
    char err[1024] = "";
    const char *path = write_conf("bad.conf", text);
    assert_int_equal(conf_load(&c, path, err, sizeof err), -1);
    if (!strstr(err, want))
        fail_msg("error \"%s\" does not contain \"%s\"", err, want);
    conf_free(&c);
}

static void test_defaults(void **state)
{
    (void)state;
    struct conf c;
    char err[512] = "";
    assert_int_equal(conf_load(&c, NULL, err, sizeof err), 0);
    assert_null(c.path);
    assert_string_equal(c.conninfo, "");
    assert_int_equal(c.theme, TUI_THEME_AUTO);
    assert_int_equal(c.search_limit, 50);
    assert_int_equal(c.prepared_statements, 1);
    assert_int_equal(c.queue_at_risk_percent, 25);
    assert_int_equal(c.queue_limit, 500);
    assert_int_equal(c.pooler, DB_POOLER_AUTO);   /* found out, no switch */
    assert_string_equal(c.listen_conninfo, "");
    assert_string_equal(c.search_conninfo, "");
    assert_int_equal(c.stale_after_seconds, 5);
    char want[300];
    assert_int_equal(util_format_fits(want, sizeof want, "%s/.local/state/careline", dir), 0);
    assert_string_equal(c.journal_dir, want);
    conf_free(&c);
}

static void test_found_in_xdg(void **state)
{
    (void)state;
    char sub[300];
    assert_int_equal(util_format_fits(sub, sizeof sub, "%s/careline", dir), 0);
    mkdir(sub, 0700);
    write_conf("careline/careline.conf", "ui = { theme = \"mono\"; };\n");
    char *found = conf_find();
    assert_non_null(found);
    struct conf c;
    char err[512] = "";
    assert_int_equal(conf_load(&c, NULL, err, sizeof err), 0);
    assert_int_equal(c.theme, TUI_THEME_MONO);
    assert_string_equal(c.path, found);
    free(found);
    conf_free(&c);
    assert_int_equal(util_format_fits(sub, sizeof sub, "%s/careline/careline.conf", dir), 0);
    unlink(sub);
}

static void test_override(void **state)
{
    (void)state;
    struct conf c;
    char err[512] = "";
    const char *path = write_conf("good.conf",
                                  "# a comment\n"
                                  "connection = { conninfo = \"dbname=careline host=db1\"; prepared_statements = \"no\";\n"
                                  "  pooler = \"transaction\"; listen_conninfo = \"host=db1 port=5432\"; };\n"
                                  "database = { search_conninfo = \"host=standby1 dbname=careline\"; stale_after_seconds = 10; };\n"
                                  "ui = { ascii = \"yes\"; search_limit = 20; };\n"
                                  "patterns = { account_no = \"^A[0-9]{6}$\"; };\n"
                                  "paths = { journal_dir = \"/var/tmp/j\"; };\n");
    assert_int_equal(conf_load(&c, path, err, sizeof err), 0);
    assert_string_equal(c.conninfo, "dbname=careline host=db1");
    assert_int_equal(c.prepared_statements, 0);
    assert_int_equal(c.pooler, DB_POOLER_TRANSACTION);
    assert_string_equal(c.listen_conninfo, "host=db1 port=5432");
    assert_string_equal(c.search_conninfo, "host=standby1 dbname=careline");
    assert_int_equal(c.stale_after_seconds, 10);
    assert_int_equal(c.ascii, TUI_ASCII_YES);
    assert_int_equal(c.search_limit, 20);
    assert_int_equal(c.connect_timeout, 5);   /* from the defaults */
    assert_string_equal(c.journal_dir, "/var/tmp/j");
    assert_true(valid_match(VALID_ACCOUNT_NO, "A123456", 7));
    assert_false(valid_match(VALID_ACCOUNT_NO, "1234567890", 10));
    conf_free(&c);
    /* Loading the defaults again restores the default pattern. */
    assert_int_equal(conf_load(&c, NULL, err, sizeof err), 0);
    assert_true(valid_match(VALID_ACCOUNT_NO, "1234567890", 10));
    conf_free(&c);
}

static void test_syntax_error(void **state)
{
    (void)state;
    char want[300];
    assert_int_equal(util_format_fits(want, sizeof want, "%s/bad.conf:3: syntax error", dir), 0);
    expect_error("ui = {\n  theme = \"mono\";\n  ascii = ;\n};\n", want);
}

static void test_unknown_setting(void **state)
{
    (void)state;
    char want[300];
    assert_int_equal(util_format_fits(want, sizeof want, "%s/bad.conf:2: unknown setting 'ui.colour'", dir), 0);
    expect_error("ui = {\n  colour = \"red\";\n};\n", want);
    assert_int_equal(util_format_fits(want, sizeof want, "%s/bad.conf:1: unknown setting 'display'", dir), 0);
    expect_error("display = { a = 1; };\n", want);
}

static void test_wrong_types(void **state)
{
    (void)state;
    expect_error("ui = {\n search_limit = \"ten\";\n};\n", "bad.conf:2: ui.search_limit: expected a whole number");
    expect_error("ui = {\n\n search_limit = 0;\n};\n", "bad.conf:3: ui.search_limit: must be in 1..500");
    expect_error("ui = { theme = \"pink\"; };\n", "bad.conf:1: ui.theme: must be one of auto, color, mono");
    expect_error("connection = { conninfo = 5; };\n", "bad.conf:1: connection.conninfo: expected a string");
    expect_error("queue = {\n at_risk_percent = 100;\n};\n", "bad.conf:2: queue.at_risk_percent: must be in 1..99");
    expect_error("queue = { at_risk_percent = 0.25; };\n", "bad.conf:1: queue.at_risk_percent: expected a whole number");
    expect_error("queue = { limit = 3; };\n", "bad.conf:1: queue.limit: must be in 10..5000");
    expect_error("queue = { at_risk = 20; };\n", "bad.conf:1: unknown setting 'queue.at_risk'");
    expect_error("connection = {\n pooler = \"session\";\n};\n",
                 "bad.conf:2: connection.pooler: must be one of auto, none, transaction");
    expect_error("database = { stale_after_seconds = 0; };\n", "bad.conf:1: database.stale_after_seconds: must be in 1..3600");
    expect_error("database = { search_conninfo = 1; };\n", "bad.conf:1: database.search_conninfo: expected a string");
}

static void test_bad_pattern(void **state)
{
    (void)state;
    expect_error("patterns = {\n  phone = \"^(0[0-9\";\n};\n",
                 "bad.conf:2: patterns.phone: pattern does not compile: missing terminating ] for character class");
}

static void test_bad_keys(void **state)
{
    (void)state;
    expect_error("keys = {\n  search = [\n    \"q quit\",\n    \"x frobnicate\",\n    \"z help\"\n  ];\n};\n",
                 "bad.conf:4: unknown action");
    expect_error("keys = {\n  search = [\n    \"x quit\",\n    \"x help\",\n    \"z help\"\n  ];\n};\n", "bad.conf:4:");
    expect_error("keys = {\n  nosuchscreen = [ \"x quit\" ];\n};\n", "bad.conf:2:");
    expect_error("keys = {\n  search = [ \"Hyper-x quit\" ];\n};\n", "bad.conf:2:");
}

static void test_missing_file(void **state)
{
    (void)state;
    struct conf c;
    char err[512] = "";
    assert_int_equal(conf_load(&c, "/nonexistent/careline.conf", err, sizeof err), -1);
    assert_non_null(strstr(err, "/nonexistent/careline.conf:0: cannot read: No such file"));
    conf_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),     cmocka_unit_test(test_found_in_xdg),
        cmocka_unit_test(test_override),     cmocka_unit_test(test_syntax_error),
        cmocka_unit_test(test_unknown_setting), cmocka_unit_test(test_wrong_types),
        cmocka_unit_test(test_bad_pattern),  cmocka_unit_test(test_bad_keys),
        cmocka_unit_test(test_missing_file),
    };
    int rc = cmocka_run_group_tests(tests, setup, teardown);
    valid_free_all();
    return rc;
}
