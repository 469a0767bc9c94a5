/* fuzz_script.c — fuzzes the recovery-script parser and validator (script_parse, screens/app/script_parse.c), then walks what it accepts with the engine. */
#include <string.h>

#include "careline/script.h"
#include "careline/script_parse.h"
#include "careline/text.h"
#include "fuzz.h"

/* A script is valid only when no problem was found, and a valid script
 * keeps the promises the runner relies on. */
static void check_valid(const struct script *s)
{
    FUZZ_CHECK(s->nsteps >= 1 && s->code && s->name, "a valid script without steps, code or name");
    const struct script_step *last = &s->steps[s->nsteps - 1];
    FUZZ_CHECK(last->kind == SCRIPT_END || last->next, "the last step neither ends nor goes on");
    for (int i = 0; i < s->nsteps; i++) {
        const struct script_step *st = &s->steps[i];
        FUZZ_CHECK(st->key && st->text, "step %d without key or text", i);
        FUZZ_CHECK(script_find(s, st->key) == i, "step key '%s' is not unique", st->key);
        FUZZ_CHECK(!st->next || script_find(s, st->next) >= 0, "next '%s' leads nowhere", st->next);
        for (int j = 0; j < st->noptions; j++)
            FUZZ_CHECK(!st->options[j].next || script_find(s, st->options[j].next) >= 0, "answer leads nowhere");
        char *shown = script_expand(st->text, NULL);
        FUZZ_CHECK(tui_utf8_valid(shown, strlen(shown)), "expanded text of step %d is not UTF-8", i);
        free(shown);
    }
}

/* Walk a run, answering by the bytes given, Back now and then: the
 * current step stays a step of the script. */
static void walk(const struct script *s, const uint8_t *b, size_t n)
{
    struct script_situation sit = {.vulnerable = n & 1, .event = n & 2, .language = "cy"};
    struct script_run r;
    script_run_start(&r, s, &sit);
    for (size_t i = 0; i < 200 && !script_run_finished(&r); i++) {
        const struct script_step *st = script_run_step(&r);
        FUZZ_CHECK(st && st >= s->steps && st < s->steps + s->nsteps, "the run shows no step of its script");
        uint8_t c = n ? b[i % n] : 0;
        if (c % 7 == 0)
            script_run_back(&r);
        else if (c % 7 == 1 && st->kind != SCRIPT_END)
            FUZZ_CHECK(script_run_skip(&r, "no time") == SCRIPT_OK, "a skip with a reason was refused");
        else if (st->noptions)
            FUZZ_CHECK(script_run_answer(&r, st->options[c % st->noptions].value) == SCRIPT_OK,
                       "an option's own value was refused");
        else
            script_run_answer(&r, "the customer's words");
    }
    script_run_free(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* The whole input is the file's text (cut at a NUL, as a C string). */
    if (size > 65536)
        return 0;
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    static const char *const categories[] = {"billing", "billing.high_bill", "water_quality", "supply", NULL};
    struct script s;
    struct script_errors errs = {0};
    /* Odd sizes check category codes against a list, as `scripts load` does. */
    int rc = script_parse("fuzz.conf", text, size & 1 ? categories : NULL, &s, &errs);
    FUZZ_CHECK((rc == 0) == (errs.count == 0), "returned %d with %d problems", rc, errs.count);
    for (int i = 0; i < errs.count; i++)
        FUZZ_CHECK(strncmp(errs.msg[i], "fuzz.conf:", 10) == 0, "a problem without its file: %s", errs.msg[i]);
    if (rc == 0) {
        check_valid(&s);
        walk(&s, data, size);
    }
    script_errors_free(&errs);
    script_free(&s);
    free(text);
    return 0;
}
