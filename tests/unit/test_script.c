/* test_script.c — recovery scripts without a database: every validation error with its file:line, placeholder expansion, branching, back and skip, conditional steps. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careline/script.h"
#include "careline/script_parse.h"
#include "careline/text.h"
#include "careline/util.h"

static const char *const known_categories[] = {"billing", "billing.high_bill", "supply", "supply.interruption",
                                               NULL};

/* A valid script to start from: line numbers matter to the tests below. */
static const char good[] =
    "code = \"t_script\";\n"                                                            /* 1 */
    "name = \"Test script\";\n"                                                         /* 2 */
    "categories = [ \"billing.high_bill\" ];\n"                                         /* 3 */
    "applies_when = { segment = \"household\"; requires_event = false; };\n"            /* 4 */
    "steps = (\n"                                                                       /* 5 */
    "  { key = \"hello\"; kind = \"say\"; text = \"Hello {first_name}, I'm {agent_name}.\"; },\n" /* 6 */
    "  { key = \"psr\"; kind = \"check\"; when = { vulnerable = true; };\n"            /* 7 */
    "    text = \"Offer bottled water ({vulnerability}).\"; },\n"                       /* 8 */
    "  { key = \"reading\"; kind = \"ask\"; text = \"Can you read the meter?\";\n"     /* 9 */
    "    answers = ( { label = \"Lower than billed\"; value = \"lower\"; next = \"credit\"; },\n" /* 10 */
    "                { label = \"Cannot\"; value = \"cannot\"; } ); },\n"               /* 11 */
    "  { key = \"usage\"; kind = \"ask\"; free_text = true; text = \"What changed?\"; next = \"follow\"; },\n" /* 12 */
    "  { key = \"credit\"; kind = \"action\"; action = \"goodwill_credit\"; amount = 25.5;\n" /* 13 */
    "    text = \"Offer a credit.\"; },\n"                                              /* 14 */
    "  { key = \"letter\"; kind = \"say\"; when = { non_digital = true; language = \"cy\"; };\n" /* 15 */
    "    text = \"Send a letter in Welsh.\"; },\n"                                      /* 16 */
    "  { key = \"follow\"; kind = \"action\"; action = \"follow_up\"; days = 7; channel = \"preferred\";\n" /* 17 */
    "    text = \"Book a follow-up.\"; },\n"                                            /* 18 */
    "  { key = \"close\"; kind = \"end\"; text = \"Your reference is {reference}.\"; }\n" /* 19 */
    ");\n";                                                                             /* 20 */

static int parse(const char *text, const char *const *cats, struct script *s, struct script_errors *e)
{
    memset(e, 0, sizeof *e);
    return script_parse("t.conf", text, cats, s, e);
}

static void dump_errors(const struct script_errors *e)
{
    for (int i = 0; i < e->count; i++)
        print_message("  %s\n", e->msg[i]);
}

/* The text must fail with an error "t.conf:LINE: ...FRAGMENT...". */
static void expect_error_in(const char *text, const char *const *cats, int line, const char *fragment)
{
    struct script s;
    struct script_errors e;
    assert_int_equal(parse(text, cats, &s, &e), -1);
    char prefix[32];
    assert_int_equal(util_format_fits(prefix, sizeof prefix, "t.conf:%d: ", line), 0);
    bool found = false;
    for (int i = 0; i < e.count && !found; i++)
        found = strncmp(e.msg[i], prefix, strlen(prefix)) == 0 && strstr(e.msg[i], fragment);
    if (!found) {
        dump_errors(&e);
        fail_msg("no error \"%s...%s\"", prefix, fragment);
    }
    script_errors_free(&e);
    script_free(&s);
}

static void expect_error(const char *text, int line, const char *fragment)
{
    expect_error_in(text, known_categories, line, fragment);
}

/* good with one occurrence of `from` replaced by `to`. */
static char *edit(const char *from, const char *to)
{
    const char *at = strstr(good, from);
    assert_non_null(at);
    size_t n = strlen(good) - strlen(from) + strlen(to) + 1;
    char *out = malloc(n);
    assert_non_null(out);
    assert_int_equal(util_format_fits(out, n, "%.*s%s%s", (int)(at - good), good, to, at + strlen(from)), 0);
    return out;
}

static void expect_edit_error(const char *from, const char *to, int line, const char *fragment)
{
    char *text = edit(from, to);
    expect_error(text, line, fragment);
    free(text);
}

/* ---- a valid script ------------------------------------------------------------ */

static void test_good_script(void **state)
{
    (void)state;
    struct script s;
    struct script_errors e;
    int rc = parse(good, known_categories, &s, &e);
    dump_errors(&e);
    assert_int_equal(rc, 0);
    assert_int_equal(e.count, 0);
    assert_string_equal(s.code, "t_script");
    assert_string_equal(s.name, "Test script");
    assert_int_equal(s.line, 1);
    assert_int_equal(s.ncategories, 1);
    assert_string_equal(s.categories[0], "billing.high_bill");
    assert_string_equal(s.segment, "household");
    assert_null(s.language);
    assert_int_equal(s.requires_event, SCRIPT_NO);
    assert_int_equal(s.requires_vulnerability, SCRIPT_EITHER);
    assert_string_equal(s.source, good);
    assert_int_equal(s.nsteps, 8);
    assert_string_equal(s.steps[0].key, "hello");
    assert_int_equal(s.steps[0].line, 6);
    assert_int_equal(s.steps[1].when.vulnerable, SCRIPT_YES);
    assert_int_equal(s.steps[1].when.non_digital, SCRIPT_EITHER);
    assert_int_equal(s.steps[2].kind, SCRIPT_ASK);
    assert_int_equal(s.steps[2].noptions, 2);
    assert_string_equal(s.steps[2].options[0].value, "lower");
    assert_string_equal(s.steps[2].options[0].label, "Lower than billed");
    assert_string_equal(s.steps[2].options[0].next, "credit");
    assert_int_equal(s.steps[2].options[0].line, 10);
    assert_null(s.steps[2].options[1].next);
    assert_true(s.steps[3].free_text);
    assert_string_equal(s.steps[3].next, "follow");
    assert_int_equal(s.steps[4].action, SCRIPT_ACT_GOODWILL_CREDIT);
    assert_int_equal(s.steps[4].amount_pence, 2550);
    assert_string_equal(s.steps[5].when.language, "cy");
    assert_int_equal(s.steps[6].action, SCRIPT_ACT_FOLLOW_UP);
    assert_int_equal(s.steps[6].days, 7);
    assert_string_equal(s.steps[6].channel, "preferred");
    assert_int_equal(s.steps[7].kind, SCRIPT_END);
    assert_int_equal(script_find(&s, "close"), 7);
    assert_int_equal(script_find(&s, "nope"), -1);
    script_free(&s);
    script_errors_free(&e);
    /* Categories are only checked for their form without a list. */
    char *text = edit("billing.high_bill", "billing.not_in_db");
    assert_int_equal(parse(text, NULL, &s, &e), 0);
    script_free(&s);
    script_errors_free(&e);
    free(text);
}

static void test_names(void **state)
{
    (void)state;
    for (int k = 0; k < SCRIPT_KIND__COUNT; k++)
        assert_int_equal(script_kind_lookup(script_kind_name((enum script_kind)k)), k);
    assert_int_equal(script_kind_lookup("sing"), -1);
    for (int a = SCRIPT_ACT_GOODWILL_CREDIT; a < SCRIPT_ACT_OTHER; a++)
        assert_int_equal(script_action_lookup(script_action_name((enum script_action)a)), a);
    assert_int_equal(script_action_lookup("other"), -1);
    assert_int_equal(script_action_lookup(""), -1);
    for (int v = 0; v < SV__COUNT; v++) {
        const char *n = script_var_name((enum script_var)v);
        assert_int_equal(script_var_lookup(n, strlen(n)), v);
        assert_true(script_var_missing((enum script_var)v)[0] == '[');
    }
    assert_int_equal(script_var_lookup("first_namex", 10), SV_FIRST_NAME);
    assert_int_equal(script_var_lookup("first", 5), -1);
}

/* ---- every validation error, with its line --------------------------------------- */

static void test_syntax_error(void **state)
{
    (void)state;
    expect_edit_error("  { key = \"usage\"; kind", "  { key = \"usage\" kind = ; kind", 12, "syntax error");
    expect_error("code = \"x\";\nname = \"y\";\nsteps = (\n  { key = \"a\"; \n", 5, "syntax error");
    /* The same setting twice is libconfig's error, with its line. */
    expect_edit_error("name = \"Test script\";\n", "name = \"Test script\";\nname = \"Again\";\n", 3,
                      "duplicate setting");
}

/* What libconfig itself refuses reaches the administrator as file:line:
 * reason too, with the line libconfig saw it on. */
static void test_libconfig_errors(void **state)
{
    (void)state;
    /* a string without its end runs into the next line */
    expect_edit_error("name = \"Test script\";", "name = \"Test script;", 3, "syntax error");
    expect_edit_error("name = \"Test script\";", "name = 'Test script';", 2, "syntax error");
    expect_edit_error("[ \"billing.high_bill\" ]", "[ \"billing.high_bill\", 1 ]", 3,
                      "mismatched element type in array");
    expect_edit_error("steps = (\n", "}\nsteps = (\n", 5, "syntax error");
    /* steps are a list ( ... ) of groups; [ ... ] holds only scalars */
    expect_edit_error("steps = (\n", "steps = [\n", 6, "syntax error");
    expect_edit_error("requires_event = false;", "requires_event = flase;", 4, "syntax error");
    expect_edit_error("requires_event = false;", "requires_event = 0x;", 4, "syntax error");
    /* a byte order mark is no setting */
    expect_edit_error("code = ", "\xef\xbb\xbf" "code = ", 1, "syntax error");
}

static void test_unknown_settings(void **state)
{
    (void)state;
    expect_edit_error("name = \"Test script\";\n", "name = \"Test script\";\ncolour = \"red\";\n", 3,
                      "unknown setting 'colour'");
    expect_edit_error("kind = \"say\"; text = \"Hello", "kind = \"say\"; txet = \"x\"; text = \"Hello", 6,
                      "unknown setting 'txet' in step 'hello'");
    expect_edit_error("value = \"cannot\";", "value = \"cannot\"; nxet = \"x\";", 11,
                      "unknown setting 'nxet' in answer 2 of step 'reading'");
    expect_edit_error("{ vulnerable = true; }", "{ vulnerabel = true; }", 7,
                      "unknown setting 'vulnerabel' in the when of step 'psr'");
    expect_edit_error("segment = \"household\";", "segmnet = \"household\";", 4,
                      "unknown setting 'segmnet' in applies_when");
}

static void test_missing_settings(void **state)
{
    (void)state;
    expect_edit_error("code = \"t_script\";\n", "\n", 1, "missing setting 'code'");
    expect_edit_error("name = \"Test script\";\n", "\n", 1, "missing setting 'name'");
    expect_edit_error("categories = [ \"billing.high_bill\" ];\n", "\n", 1, "missing setting 'categories'");
    expect_error("code = \"x\";\nname = \"X\";\ncategories = [\"*\"];\n", 1, "missing setting 'steps'");
    expect_edit_error("key = \"hello\"; ", "", 6, "missing setting 'key' in step 1");
    expect_edit_error("key = \"hello\"; kind = \"say\"; ", "key = \"hello\"; ", 6,
                      "missing setting 'kind' in step 'hello'");
    expect_edit_error("text = \"Offer a credit.\";", "", 13, "missing setting 'text' in step 'credit'");
    expect_edit_error("{ label = \"Cannot\"; value = \"cannot\"; }", "{ label = \"Cannot\"; }", 11,
                      "missing setting 'value' in answer 2 of step 'reading'");
    expect_edit_error("label = \"Cannot\"; ", "", 11, "missing setting 'label' in answer 2 of step 'reading'");
    expect_edit_error("action = \"goodwill_credit\"; amount = 25.5;", "", 13,
                      "missing setting 'action' in step 'credit'");
    expect_edit_error("days = 7; ", "", 17, "step 'follow': a follow_up action needs days = N");
}

static void test_wrong_values(void **state)
{
    (void)state;
    expect_edit_error("text = \"Offer a credit.\";", "text = 12;", 14,
                      "'text' in step 'credit' must be text in double quotes");
    expect_edit_error("free_text = true;", "free_text = \"yes\";", 12,
                      "'free_text' in step 'usage' must be true or false");
    expect_edit_error("code = \"t_script\";", "code = \"T Script\";", 1, "'code' must be lower-case");
    expect_edit_error("key = \"psr\";", "key = \"PSR step\";", 7, "step key 'PSR step' must be lower-case");
    expect_edit_error("value = \"cannot\";", "value = \"Can't\";", 11, "'value' in answer 2 of step 'reading'");
    expect_edit_error("value = \"cannot\";", "value = \"lower\";", 11,
                      "answer value 'lower' is given twice in step 'reading' (first at line 10)");
    expect_edit_error("amount = 25.5;", "amount = -3;", 13, "'amount' in step 'credit' must be a sum of money");
    expect_edit_error("days = 7;", "days = 400;", 17, "'days' in step 'follow' must be a whole number from 0 to 365");
    expect_edit_error("channel = \"preferred\";", "channel = \"pigeon\";", 17,
                      "'channel' in step 'follow' must be one of");
    expect_edit_error("language = \"cy\";", "language = \"Welsh\";", 15, "'language' in the when of step 'letter'");
    expect_edit_error("segment = \"household\";", "segment = \"vip\";", 4, "'segment' in applies_when must be one of");
    expect_edit_error("{ vulnerable = true; }", "{ }", 7, "'when' in step 'psr' is empty");
    expect_edit_error("text = \"Send a letter in Welsh.\";", "text = \"  \";", 16, "'text' in step 'letter' is empty");
    expect_edit_error("answers = ( { label = \"Lower than billed\"; value = \"lower\"; next = \"credit\"; },\n"
                      "                { label = \"Cannot\"; value = \"cannot\"; } );",
                      "answers = ( );\n", 10, "'answers' in step 'reading' is empty");
}

static void test_unknown_kind(void **state)
{
    (void)state;
    expect_edit_error("kind = \"check\"; when", "kind = \"confirm\"; when", 7,
                      "step 'psr': unknown step kind 'confirm' (known: say, ask, check, action, end)");
}

static void test_unknown_action(void **state)
{
    (void)state;
    expect_edit_error("action = \"goodwill_credit\"", "action = \"free_money\"", 13,
                      "step 'credit': unknown action 'free_money' (known: goodwill_credit, follow_up");
    expect_edit_error("kind = \"say\"; text = \"Hello", "kind = \"say\"; action = \"rebill\"; text = \"Hello", 6,
                      "'action' in step 'hello' is only for action steps");
    expect_edit_error("amount = 25.5;", "amount = 25.5; days = 3;", 13,
                      "'days' in step 'credit' is only for follow_up actions");
    expect_edit_error("kind = \"say\"; text = \"Hello", "kind = \"say\"; amount = 5; text = \"Hello", 6,
                      "'amount' in step 'hello' is only for goodwill_credit actions");
}

static void test_duplicate_key(void **state)
{
    (void)state;
    expect_edit_error("key = \"letter\";", "key = \"psr\";", 15, "duplicate step key 'psr' (first at line 7)");
}

static void test_dangling(void **state)
{
    (void)state;
    expect_edit_error("next = \"follow\";", "next = \"folow\";", 12,
                      "step 'usage': next = \"folow\" but no step has that key");
    expect_edit_error("next = \"credit\";", "next = \"credits\";", 10,
                      "answer 'lower' of step 'reading' goes to \"credits\" but no step has that key");
}

static void test_unreachable(void **state)
{
    (void)state;
    /* "credit" was reached only through the answer "lower". */
    expect_edit_error("next = \"credit\";", "next = \"follow\";", 13,
                      "step 'credit' cannot be reached from the first step");
    /* "usage" only as the step after "reading", whose default now goes elsewhere. */
    expect_edit_error("text = \"Can you read the meter?\";", "next = \"credit\"; text = \"Can you read the meter?\";",
                      12, "step 'usage' cannot be reached from the first step");
}

static void test_placeholders(void **state)
{
    (void)state;
    expect_edit_error("{first_name}", "{frist_name}", 6,
                      "unknown placeholder {frist_name} in the text in step 'hello' (known: first_name,");
    expect_edit_error("label = \"Cannot\";", "label = \"Cannot, {nme}\";", 11,
                      "unknown placeholder {nme} in the label in answer 2 of step 'reading'");
    expect_edit_error("Offer a credit.", "Offer a {credit.", 14,
                      "'{' in the text in step 'credit' starts no placeholder");
    expect_edit_error("Offer a credit.", "Offer a {Reference}.", 14, "starts no placeholder");
    /* {{ is a literal brace: fine */
    char *text = edit("Offer a credit.", "Offer a {{credit}.");
    struct script s;
    struct script_errors e;
    assert_int_equal(parse(text, known_categories, &s, &e), 0);
    script_free(&s);
    script_errors_free(&e);
    free(text);
}

static void test_end_steps(void **state)
{
    (void)state;
    /* No end step at all. */
    expect_edit_error("{ key = \"close\"; kind = \"end\";", "{ key = \"close\"; kind = \"say\"; next = \"hello\";", 6,
                      "the script has no end step");
    /* An end exists but cannot be reached: everything loops back. */
    expect_edit_error("channel = \"preferred\";", "channel = \"preferred\"; next = \"hello\";", 6,
                      "no end step can be reached from the first step");
    /* A loop that some paths cannot leave. */
    expect_edit_error("next = \"follow\"; },", "next = \"usage\"; },", 12,
                      "from step 'usage' no end step can be reached");
    /* The last step must end the script or say where to go. */
    char *text = edit("  { key = \"close\"; kind = \"end\"; text = \"Your reference is {reference}.\"; }\n",
                      "  { key = \"close\"; kind = \"end\"; text = \"Bye.\"; },\n"
                      "  { key = \"extra\"; kind = \"say\"; text = \"More.\"; }\n");
    expect_error(text, 20, "step 'extra' is the last step but not an end step");
    free(text);
    expect_edit_error("kind = \"end\";", "kind = \"end\"; next = \"hello\";", 19,
                      "step 'close': an end step has no next");
    expect_edit_error("kind = \"end\";", "kind = \"end\"; when = { event = true; };", 19,
                      "step 'close': an end step cannot have a when");
    expect_edit_error("kind = \"end\";", "kind = \"end\"; answers = ( { label = \"x\"; value = \"x\"; } );", 19,
                      "step 'close': an end step has no answers");
}

static void test_ask_needs_answers(void **state)
{
    (void)state;
    expect_edit_error("free_text = true; ", "", 12,
                      "step 'usage': an ask step needs answers = ( ... ) or free_text = true");
    expect_edit_error("free_text = true; ", "free_text = false; ", 12, "an ask step needs answers");
    expect_edit_error("kind = \"ask\"; text = \"Can you read the meter?\";",
                      "kind = \"ask\"; free_text = true; text = \"Can you read the meter?\";", 9,
                      "step 'reading': an ask step has either answers or free_text = true, not both");
    expect_edit_error("kind = \"say\"; text = \"Hello", "kind = \"say\"; free_text = true; text = \"Hello", 6,
                      "'free_text' in step 'hello' is only for ask steps");
}

static void test_categories(void **state)
{
    (void)state;
    expect_edit_error("[ \"billing.high_bill\" ]", "[ \"billing.high_bill\", \"billing.nonsense\" ]", 3,
                      "unknown category 'billing.nonsense' (not in complaint_category)");
    expect_edit_error("[ \"billing.high_bill\" ]", "[ \"billing.high_bill\", \"*\" ]", 3,
                      "\"*\" in 'categories' means every category");
    expect_edit_error("[ \"billing.high_bill\" ]", "[ ]", 3, "'categories' is empty");
    expect_edit_error("[ \"billing.high_bill\" ]", "[ \"Billing High\" ]", 3, "'Billing High' is not a category code");
    expect_edit_error("[ \"billing.high_bill\" ]", "[ \"billing\", \"billing\" ]", 3,
                      "category 'billing' is listed twice");
    expect_edit_error("[ \"billing.high_bill\" ]", "\"billing.high_bill\"", 3, "'categories' must be a list");
    /* Categories over several lines are reported on the line of 'categories'. */
    expect_edit_error("[ \"billing.high_bill\" ]", "[\n  \"billing\",\n  \"nope.nope\"\n]", 3,
                      "unknown category 'nope.nope'");
    /* A parent code and "*" are fine. */
    struct script s;
    struct script_errors e;
    char *text = edit("[ \"billing.high_bill\" ]", "[ \"*\" ]");
    assert_int_equal(parse(text, known_categories, &s, &e), 0);
    assert_string_equal(s.categories[0], "*");
    script_free(&s);
    script_errors_free(&e);
    free(text);
}

static void test_file_level(void **state)
{
    (void)state;
    char *text = edit("Book a follow-up.", "Book a follow-up \xff\xfe.");
    expect_error(text, 18, "not valid UTF-8");
    free(text);
    text = edit("steps = (\n", "@include \"other.conf\"\nsteps = (\n");
    expect_error(text, 5, "@include is not allowed");
    free(text);
    expect_error("", 1, "missing setting 'code'");
}

static void test_all_errors_in_line_order(void **state)
{
    (void)state;
    /* Every problem is reported, not just the first, in line order. */
    const char *text =
        "code = \"x\";\n"                                                            /* 1 */
        "name = \"X\";\n"                                                            /* 2 */
        "categories = [ \"billing\" ];\n"                                            /* 3 */
        "steps = (\n"                                                                 /* 4 */
        "  { key = \"a\"; kind = \"say\"; text = \"Hi {nam}\"; },\n"                  /* 5 */
        "  { key = \"b\"; kind = \"tell\"; text = \"x\"; },\n"                         /* 6 */
        "  { key = \"c\"; kind = \"ask\"; text = \"?\";\n"                             /* 7 */
        "    answers = ( { label = \"Y\"; value = \"y\"; next = \"zz\"; } ); },\n"      /* 8 */
        "  { key = \"d\"; kind = \"end\"; text = \"Bye\"; colour = \"red\"; }\n"        /* 9 */
        ");\n";
    struct script s;
    struct script_errors e;
    assert_int_equal(parse(text, known_categories, &s, &e), -1);
    if (e.count != 4)
        dump_errors(&e);
    assert_int_equal(e.count, 4);
    assert_non_null(strstr(e.msg[0], "t.conf:5: unknown placeholder {nam}"));
    assert_non_null(strstr(e.msg[1], "t.conf:6: step 'b': unknown step kind 'tell'"));
    assert_non_null(strstr(e.msg[2], "t.conf:8: answer 'y' of step 'c' goes to \"zz\""));
    assert_non_null(strstr(e.msg[3], "t.conf:9: unknown setting 'colour' in step 'd'"));
    script_free(&s);
    script_errors_free(&e);
}

static void test_parse_file(void **state)
{
    (void)state;
    struct script s;
    struct script_errors e = {0};
    assert_int_equal(script_parse_file("/nonexistent/x.conf", NULL, &s, &e), -1);
    assert_int_equal(e.count, 1);
    assert_non_null(strstr(e.msg[0], "/nonexistent/x.conf:0: cannot read"));
    script_errors_free(&e);
    char path[] = "/tmp/careline-script-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs(good, f);
    assert_int_equal(fclose(f), 0);
    assert_int_equal(script_parse_file(path, known_categories, &s, &e), 0);
    assert_string_equal(s.file, path);
    assert_string_equal(s.source, good);
    script_free(&s);
    script_errors_free(&e);
    assert_int_equal(remove(path), 0);
}

/* ---- placeholders ------------------------------------------------------------------- */

static void test_expand(void **state)
{
    (void)state;
    struct script_vars v = {0};
    v.v[SV_FIRST_NAME] = "Ada";
    v.v[SV_REFERENCE] = "C-2026-000123";
    v.v[SV_RESTORE_ESTIMATE] = "18:00 on Tuesday 24 November";
    char *out = script_expand("Hello {first_name}, ref {reference}; back by {restore_estimate}.", &v);
    assert_string_equal(out, "Hello Ada, ref C-2026-000123; back by 18:00 on Tuesday 24 November.");
    free(out);
    out = script_expand("{first_name}{first_name}", &v);
    assert_string_equal(out, "AdaAda");
    free(out);
    out = script_expand(NULL, &v);
    assert_string_equal(out, "");
    free(out);
    out = script_expand("no placeholders at all", NULL);
    assert_string_equal(out, "no placeholders at all");
    free(out);
}

static void test_expand_missing(void **state)
{
    (void)state;
    struct script_vars v = {0};
    v.v[SV_EVENT_TITLE] = "";
    v.v[SV_ADDRESS] = "  \t ";
    char *out = script_expand("Back by {restore_estimate}. {event_title} at {address}. I'm {agent_name}.", &v);
    assert_string_equal(out, "Back by [no restore estimate]. [no incident recorded] at [no address]. I'm [your name].");
    free(out);
    out = script_expand("{deadline_ack}", NULL);
    assert_string_equal(out, "[no acknowledgement deadline]");
    free(out);
}

static void test_expand_braces(void **state)
{
    (void)state;
    struct script_vars v = {0};
    v.v[SV_FIRST_NAME] = "Ada";
    char *out = script_expand("{{first_name}} is {first_name}; {unknown} { x } {A} {", &v);
    /* "{{" is a brace; what is not a known placeholder stays as written. */
    assert_string_equal(out, "{first_name}} is Ada; {unknown} { x } {A} {");
    free(out);
}

static void test_expand_utf8(void **state)
{
    (void)state;
    struct script_vars v = {0};
    v.v[SV_CUSTOMER_NAME] = "渡辺 Żółć-Ünïcödé";
    v.v[SV_FIRST_NAME] = "Bad\xff\xc3";            /* invalid and truncated */
    char *out = script_expand("Diolch, {customer_name}! Croeso {first_name}…", &v);
    assert_string_equal(out, "Diolch, 渡辺 Żółć-Ünïcödé! Croeso Bad\xEF\xBF\xBD\xEF\xBF\xBD…");
    assert_true(tui_utf8_valid(out, strlen(out)));
    free(out);
    /* Invalid bytes in the text itself (a row not written by the loader). */
    out = script_expand("caf\xe9 {first_name}", &v);
    assert_true(tui_utf8_valid(out, strlen(out)));
    free(out);
}

static void test_expand_long(void **state)
{
    (void)state;
    size_t n = 200000;
    char *big = malloc(n + 1);
    assert_non_null(big);
    for (size_t i = 0; i < n; i++)
        big[i] = (char)('a' + i % 26);
    big[n] = '\0';
    struct script_vars v = {0};
    v.v[SV_EVENT_MESSAGE] = big;
    char *out = script_expand("[{event_message}]", &v);
    assert_int_equal(strlen(out), n + 2);
    assert_int_equal(out[0], '[');
    assert_int_equal(out[n + 1], ']');
    assert_memory_equal(out + 1, big, n);
    free(out);
    /* A long multi-byte value is not cut either. */
    struct util_wide {
        char s[4 * 3000 + 1];
    } w;
    for (size_t i = 0; i < 3000; i++)
        memcpy(w.s + 3 * i, "渡", 3);
    w.s[(size_t)3 * 3000] = '\0';
    v.v[SV_EVENT_MESSAGE] = w.s;
    out = script_expand("{event_message}", &v);
    assert_string_equal(out, w.s);
    free(out);
    free(big);
}

/* ---- the engine ----------------------------------------------------------------------- */

static struct script good_script;

static int setup_good(void **state)
{
    (void)state;
    struct script_errors e;
    int rc = parse(good, known_categories, &good_script, &e);
    script_errors_free(&e);
    return rc;
}

static int teardown_good(void **state)
{
    (void)state;
    script_free(&good_script);
    return 0;
}

static const char *key_at(const struct script *s, int i)
{
    return i >= 0 ? s->steps[i].key : "(end)";
}

static void test_applies(void **state)
{
    (void)state;
    const struct script *s = &good_script;
    struct script_situation plain = {.language = "en"};
    struct script_situation vulnerable = {.vulnerable = true, .language = "en"};
    struct script_situation welsh_offline = {.non_digital = true, .language = "cy"};
    struct script_situation offline_en = {.non_digital = true, .language = "en"};
    assert_true(script_step_applies(&s->steps[0], &plain));
    assert_false(script_step_applies(&s->steps[1], &plain));
    assert_true(script_step_applies(&s->steps[1], &vulnerable));
    assert_false(script_step_applies(&s->steps[1], NULL));
    assert_true(script_step_applies(&s->steps[0], NULL));
    assert_true(script_step_applies(&s->steps[5], &welsh_offline));
    assert_false(script_step_applies(&s->steps[5], &offline_en));
    assert_false(script_step_applies(&s->steps[5], &plain));
    /* "when = { event = false; }" means only without an event. */
    struct script_step st = {.when = {.vulnerable = SCRIPT_EITHER, .priority_services = SCRIPT_EITHER,
                                      .non_digital = SCRIPT_EITHER, .event = SCRIPT_NO,
                                      .compensation = SCRIPT_EITHER}};
    struct script_situation ev = {.event = true};
    assert_false(script_step_applies(&st, &ev));
    assert_true(script_step_applies(&st, &plain));
    /* "when = { compensation = true; }": only where the region pays (not the scheme 'none'). */
    st.when.event = SCRIPT_EITHER;
    st.when.compensation = SCRIPT_YES;
    struct script_situation pays = {.compensation = true};
    assert_true(script_step_applies(&st, &pays));
    assert_false(script_step_applies(&st, &plain));
    assert_false(script_step_needs_answer(&s->steps[0]));
    assert_true(script_step_needs_answer(&s->steps[2]));
    assert_true(script_step_needs_answer(&s->steps[3]));
    assert_false(script_step_needs_answer(&s->steps[7]));
    assert_string_equal(script_option_label(&s->steps[2], "cannot"), "Cannot");
    assert_null(script_option_label(&s->steps[2], "maybe"));
    assert_null(script_option_label(&s->steps[0], "done"));
}

static void test_next(void **state)
{
    (void)state;
    const struct script *s = &good_script;
    struct script_situation plain = {.language = "en"};
    struct script_situation vulnerable = {.vulnerable = true};
    struct script_situation welsh_offline = {.non_digital = true, .language = "cy"};
    assert_int_equal(script_first(s, &plain), 0);
    /* hello -> psr only for the vulnerable */
    assert_string_equal(key_at(s, script_next(s, 0, NULL, &plain)), "reading");
    assert_string_equal(key_at(s, script_next(s, 0, NULL, &vulnerable)), "psr");
    /* answers branch; one without next takes the default */
    assert_string_equal(key_at(s, script_next(s, 2, "lower", &plain)), "credit");
    assert_string_equal(key_at(s, script_next(s, 2, "cannot", &plain)), "usage");
    assert_string_equal(key_at(s, script_next(s, 2, NULL, &plain)), "usage");
    assert_string_equal(key_at(s, script_next(s, 2, "no such answer", &plain)), "usage");
    /* free text goes to its next */
    assert_string_equal(key_at(s, script_next(s, 3, "We had guests", &plain)), "follow");
    /* credit -> letter (Welsh, offline only) -> follow */
    assert_string_equal(key_at(s, script_next(s, 4, NULL, &plain)), "follow");
    assert_string_equal(key_at(s, script_next(s, 4, NULL, &welsh_offline)), "letter");
    assert_string_equal(key_at(s, script_next(s, 6, NULL, &plain)), "close");
    /* the end goes nowhere */
    assert_int_equal(script_next(s, 7, NULL, &plain), -1);
    assert_int_equal(script_next(s, 99, NULL, &plain), -1);
    assert_int_equal(script_next(s, -1, NULL, &plain), -1);
}

static void test_first_step_conditional(void **state)
{
    (void)state;
    char *text = edit("{ key = \"hello\"; kind = \"say\";",
                      "{ key = \"hello\"; kind = \"say\"; when = { event = true; };");
    struct script s;
    struct script_errors e;
    assert_int_equal(parse(text, known_categories, &s, &e), 0);
    struct script_situation plain = {0}, ev = {.event = true};
    assert_string_equal(key_at(&s, script_first(&s, &plain)), "reading");
    assert_string_equal(key_at(&s, script_first(&s, &ev)), "hello");
    script_free(&s);
    script_errors_free(&e);
    free(text);
}

static void test_run_walk(void **state)
{
    (void)state;
    struct script_situation plain = {.language = "en"};
    struct script_run r;
    script_run_start(&r, &good_script, &plain);
    assert_false(script_run_finished(&r));
    assert_string_equal(script_run_step(&r)->key, "hello");
    assert_int_equal(script_run_answer(&r, NULL), SCRIPT_OK);
    assert_string_equal(script_run_given(&r, 0)->answer, "done");
    assert_null(script_run_given(&r, 0)->skipped);
    assert_string_equal(script_run_step(&r)->key, "reading");
    /* a value that is not an option changes nothing */
    assert_int_equal(script_run_answer(&r, "maybe"), SCRIPT_E_OPTION);
    assert_int_equal(script_run_answer(&r, NULL), SCRIPT_E_OPTION);
    assert_string_equal(script_run_step(&r)->key, "reading");
    assert_null(script_run_given(&r, 2));
    assert_int_equal(script_run_answer(&r, "lower"), SCRIPT_OK);
    assert_string_equal(script_run_step(&r)->key, "credit");
    assert_int_equal(script_run_answer(&r, NULL), SCRIPT_OK);
    assert_string_equal(script_run_step(&r)->key, "follow");
    assert_int_equal(script_run_answer(&r, NULL), SCRIPT_OK);
    assert_string_equal(script_run_step(&r)->key, "close");
    assert_int_equal(r.depth, 4);
    assert_int_equal(script_run_skip(&r, "customer hung up"), SCRIPT_E_END);
    assert_int_equal(script_run_answer(&r, NULL), SCRIPT_OK);
    assert_true(script_run_finished(&r));
    assert_null(script_run_step(&r));
    assert_int_equal(script_run_answer(&r, NULL), SCRIPT_E_FINISHED);
    assert_int_equal(script_run_skip(&r, "x"), SCRIPT_E_FINISHED);
    /* the path, in order */
    int want[] = {0, 2, 4, 6, 7};
    assert_int_equal(r.depth, 5);
    for (int i = 0; i < 5; i++)
        assert_int_equal(r.path[i], want[i]);
    script_run_free(&r);
}

static void test_run_back_and_change(void **state)
{
    (void)state;
    struct script_situation plain = {0};
    struct script_run r;
    script_run_start(&r, &good_script, &plain);
    assert_int_equal(script_run_back(&r), SCRIPT_E_START);
    assert_int_equal(script_run_answer(&r, NULL), SCRIPT_OK);
    assert_int_equal(script_run_answer(&r, "lower"), SCRIPT_OK);
    assert_string_equal(script_run_step(&r)->key, "credit");
    /* back to the question: its answer is still shown */
    assert_int_equal(script_run_back(&r), SCRIPT_OK);
    assert_string_equal(script_run_step(&r)->key, "reading");
    assert_string_equal(script_run_given(&r, 2)->answer, "lower");
    assert_int_equal(r.depth, 1);
    /* a different answer takes the other branch and replaces the first */
    assert_int_equal(script_run_answer(&r, "cannot"), SCRIPT_OK);
    assert_string_equal(script_run_step(&r)->key, "usage");
    assert_string_equal(script_run_given(&r, 2)->answer, "cannot");
    /* free text: empty and invalid refused */
    assert_int_equal(script_run_answer(&r, "   "), SCRIPT_E_EMPTY);
    assert_int_equal(script_run_answer(&r, NULL), SCRIPT_E_EMPTY);
    assert_int_equal(script_run_answer(&r, "bad \xff"), SCRIPT_E_TEXT);
    assert_int_equal(script_run_answer(&r, "Guests stayed for a month"), SCRIPT_OK);
    assert_string_equal(script_run_given(&r, 3)->answer, "Guests stayed for a month");
    assert_string_equal(script_run_step(&r)->key, "follow");
    /* back twice, then forward again */
    assert_int_equal(script_run_back(&r), SCRIPT_OK);
    assert_int_equal(script_run_back(&r), SCRIPT_OK);
    assert_string_equal(script_run_step(&r)->key, "reading");
    assert_int_equal(script_run_back(&r), SCRIPT_OK);
    assert_string_equal(script_run_step(&r)->key, "hello");
    assert_int_equal(script_run_back(&r), SCRIPT_E_START);
    script_run_free(&r);
}

static void test_run_skip(void **state)
{
    (void)state;
    struct script_situation vulnerable = {.vulnerable = true};
    struct script_run r;
    script_run_start(&r, &good_script, &vulnerable);
    assert_int_equal(script_run_answer(&r, NULL), SCRIPT_OK);
    assert_string_equal(script_run_step(&r)->key, "psr");
    assert_int_equal(script_run_skip(&r, ""), SCRIPT_E_EMPTY);
    assert_int_equal(script_run_skip(&r, NULL), SCRIPT_E_EMPTY);
    assert_int_equal(script_run_skip(&r, "Customer has water stored"), SCRIPT_OK);
    const struct script_given *g = script_run_given(&r, 1);
    assert_null(g->answer);
    assert_string_equal(g->skipped, "Customer has water stored");
    /* skipping a question takes its default next */
    assert_string_equal(script_run_step(&r)->key, "reading");
    assert_int_equal(script_run_skip(&r, "Customer did not know"), SCRIPT_OK);
    assert_string_equal(script_run_step(&r)->key, "usage");
    /* back and answer replaces the skip */
    assert_int_equal(script_run_back(&r), SCRIPT_OK);
    assert_int_equal(script_run_answer(&r, "lower"), SCRIPT_OK);
    assert_string_equal(script_run_given(&r, 2)->answer, "lower");
    assert_null(script_run_given(&r, 2)->skipped);
    script_run_free(&r);
}

static void test_run_back_after_finish(void **state)
{
    (void)state;
    struct script_run r;
    struct script_situation plain = {0};
    script_run_start(&r, &good_script, &plain);
    const char *answers[] = {NULL, "cannot", "We had guests", NULL, NULL};
    for (int i = 0; i < 5; i++)
        assert_int_equal(script_run_answer(&r, answers[i]), SCRIPT_OK);
    assert_true(script_run_finished(&r));
    assert_int_equal(script_run_back(&r), SCRIPT_OK);
    assert_string_equal(script_run_step(&r)->key, "close");
    script_run_free(&r);
}

static void test_channel(void **state)
{
    (void)state;
    struct script_step st = {.action = SCRIPT_ACT_FOLLOW_UP};
    assert_string_equal(script_channel(&st, "email", false), "email");
    assert_string_equal(script_channel(&st, "web", false), "email");
    assert_string_equal(script_channel(&st, "walk_in", false), "phone");
    assert_string_equal(script_channel(&st, NULL, false), "phone");
    assert_string_equal(script_channel(&st, "sms", true), "phone");
    st.channel = "preferred";
    assert_string_equal(script_channel(&st, "letter", false), "letter");
    st.channel = "field_visit";
    assert_string_equal(script_channel(&st, "email", false), "field_visit");
    struct script_step notify = {.action = SCRIPT_ACT_NOTIFY, .channel = "email"};
    assert_string_equal(script_channel(&notify, "phone", false), "email");
    assert_string_equal(script_channel(&notify, "phone", true), "letter");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_script),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_syntax_error),
        cmocka_unit_test(test_libconfig_errors),
        cmocka_unit_test(test_unknown_settings),
        cmocka_unit_test(test_missing_settings),
        cmocka_unit_test(test_wrong_values),
        cmocka_unit_test(test_unknown_kind),
        cmocka_unit_test(test_unknown_action),
        cmocka_unit_test(test_duplicate_key),
        cmocka_unit_test(test_dangling),
        cmocka_unit_test(test_unreachable),
        cmocka_unit_test(test_placeholders),
        cmocka_unit_test(test_end_steps),
        cmocka_unit_test(test_ask_needs_answers),
        cmocka_unit_test(test_categories),
        cmocka_unit_test(test_file_level),
        cmocka_unit_test(test_all_errors_in_line_order),
        cmocka_unit_test(test_parse_file),
        cmocka_unit_test(test_expand),
        cmocka_unit_test(test_expand_missing),
        cmocka_unit_test(test_expand_braces),
        cmocka_unit_test(test_expand_utf8),
        cmocka_unit_test(test_expand_long),
        cmocka_unit_test(test_applies),
        cmocka_unit_test(test_next),
        cmocka_unit_test(test_first_step_conditional),
        cmocka_unit_test(test_run_walk),
        cmocka_unit_test(test_run_back_and_change),
        cmocka_unit_test(test_run_skip),
        cmocka_unit_test(test_run_back_after_finish),
        cmocka_unit_test(test_channel),
    };
    return cmocka_run_group_tests(tests, setup_good, teardown_good);
}
