/* runner.c — walks the agent through the recovery script that fits a complaint, one step at a time, recording every answer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careline/app.h"
#include "careline/keymap.h"
#include "careline/prompt.h"
#include "careline/recovery.h"
#include "careline/region.h"
#include "careline/screens.h"
#include "careline/script.h"
#include "careline/text.h"
#include "careline/textview.h"
#include "careline/tui.h"
#include "careline/util.h"

struct runner {
    char complaint_id[37];
    char amount_label[32];   /* the credit dialog's label, in the region's currency */
    struct db_script_fit *fit;
    struct script_run run;
    bool started;
    char run_id[37];
    struct tui_list options;
    struct tui_field text;          /* free-text answers */
    char action_id[37];             /* the follow-up this action step makes, kept for retries */
    char notice[300];
    bool busy;
};

static void recorded(void *ctx, const char *err)
{
    struct runner *r = ctx;
    if (err) {
        util_format(r->notice, sizeof r->notice, "Not recorded yet (%.*s); it is sent again when you answer.",
                    (int)strcspn(err, "\n"), err);
        tui_invalidate();
    }
}

static void fitted(void *ctx, struct db_script_fit *f)
{
    struct runner *r = ctx;
    r->fit = f;
    if (f->found) {
        util_uuid(r->run_id);
        db_script_run_start(app_db(), r->run_id, r->complaint_id, f->script.id, recorded, r);
        script_run_start(&r->run, &f->script, &f->sit);
        r->started = true;
        const struct script_step *st = script_run_step(&r->run);
        tui_list_set_count(&r->options, st ? st->noptions : 0);
    }
    tui_invalidate();
}

static void *runner_open(void *arg)
{
    const char *id = arg;
    if (!id || strlen(id) != 36)
        return NULL;
    struct runner *r = util_calloc(1, sizeof *r);
    memcpy(r->complaint_id, id, sizeof r->complaint_id);   /* 36 characters and the end, checked above */
    tui_field_init(&r->text, 1000);
    tui_list_set_count(&r->options, 0);
    db_script_for_complaint(app_db(), r->complaint_id, fitted, r);
    return r;
}

static void runner_close(void *st)
{
    struct runner *r = st;
    db_forget_owner(app_db(), r);
    if (r->started)
        script_run_free(&r->run);
    db_script_fit_free(r->fit);
    tui_field_free(&r->text);
    free(r);
}

static const char *kind_word(enum script_kind k)
{
    static const char *const w[] = {"SAY", "ASK", "CHECK", "ACTION", "END"};
    return k < SCRIPT_KIND__COUNT ? w[k] : "?";
}

/* Wrapped, sanitised text: it holds database values (names, addresses).
 * Every word shows, or the last row names the key that shows them all. */
static int draw_text(int y, struct tui_rect b, int x, enum tui_role role, const char *raw, int max_lines)
{
    if (max_lines > b.y + b.h - y)
        max_lines = b.y + b.h - y;
    char keys[32], more[96];
    tui_keymap_keys_for("runner", TUI_ACT_READ_OUT, keys, sizeof keys);
    util_format(more, sizeof more, "... %s shows the whole text", keys);
    struct tui_rect r = {y, x, max_lines, b.x + b.w - x - 1};
    return y + tui_put_excerpt(r, role, raw, more, false);
}

static const char *option_cell(void *ctx, int row, int col, enum tui_role *role)
{
    (void)col;
    (void)role;
    struct runner *r = ctx;
    const struct script_step *st = script_run_step(&r->run);
    static char buf[400];
    char *label = script_expand(st->options[row].label, &r->fit->vars);
    util_format(buf, sizeof buf, "%d  %s", row + 1, label);
    free(label);
    return buf;
}

/* What to do at a step without answers, naming the keys in effect. */
static void step_hint(const struct script_step *st, char *out, size_t len)
{
    char ok[32], skip[32];
    tui_key_hint("runner", TUI_ACT_OPEN, ok, sizeof ok);
    if (st->kind == SCRIPT_END)
        util_format(out, len, "%s finishes the script.", ok);
    else if (st->action == SCRIPT_ACT_GOODWILL_CREDIT)
        util_format(out, len, "%s offers the credit.", ok);
    else if (st->action == SCRIPT_ACT_FOLLOW_UP)
        util_format(out, len, "%s books the follow-up.", ok);
    else if (st->kind == SCRIPT_ACTION)
        util_format(out, len, "Do it, then %s confirms it is done.", ok);
    else if (st->kind == SCRIPT_CHECK)
        util_format(out, len, "%s confirms; %s skips with a reason.", ok,
                    tui_key_hint("runner", TUI_ACT_SKIP, skip, sizeof skip));
    else
        util_format(out, len, "Read it out, then %s.", ok);
}

static void runner_draw(void *st_, struct tui_rect b)
{
    struct runner *r = st_;
    if (!r->fit) {
        tui_put(b.y, b.x + 1, b.w - 1, TUI_ROLE_DIM, "Finding the script for this complaint...");
        return;
    }
    if (!r->fit->found) {
        char back[32], msg[120];
        util_format(msg, sizeof msg, "No recovery script fits this complaint. %s goes back.",
                    tui_key_hint("runner", TUI_ACT_BACK, back, sizeof back));
        tui_put(b.y, b.x + 1, b.w - 1, TUI_ROLE_WARN, r->fit->error ? r->fit->error : msg);
        return;
    }
    char line[600];
    int y = b.y;
    util_format(line, sizeof line, "%s (version %d) for %s", r->fit->script.name, r->fit->script.version,
                r->fit->vars.v[SV_REFERENCE] ? r->fit->vars.v[SV_REFERENCE] : "");
    tui_put(y++, b.x + 1, b.w - 1, TUI_ROLE_TITLE, line);
    /* The customer's situation stays in view while running. */
    util_format(line, sizeof line, "%s%s%s%slanguage %s", r->fit->sit.vulnerable ? "[VULNERABLE] " : "",
                r->fit->sit.priority_services ? "[PRIORITY SERVICES] " : "",
                r->fit->sit.non_digital ? "[NON-DIGITAL] " : "", r->fit->sit.event ? "[ACTIVE EVENT] " : "",
                r->fit->sit.language ? r->fit->sit.language : "?");
    tui_put(y++, b.x + 1, b.w - 1, r->fit->sit.vulnerable || r->fit->sit.event ? TUI_ROLE_WARN : TUI_ROLE_DIM,
            line);
    y++;
    const struct script_step *st = script_run_step(&r->run);
    if (!st) {
        char back[32];
        util_format(line, sizeof line, "The script is finished. %s goes back to the complaint.",
                    tui_key_hint("runner", TUI_ACT_BACK, back, sizeof back));
        tui_put(y, b.x + 1, b.w - 1, TUI_ROLE_OK, line);
        return;
    }
    int x = b.x + 1 + tui_put(y, b.x + 1, 8, TUI_ROLE_LABEL, kind_word(st->kind)) + 1;
    char *text = script_expand(st->text, &r->fit->vars);
    /* The step's words get the room the answers do not need. */
    int reserve = st->noptions > 0 ? (st->noptions < 6 ? st->noptions : 6) + 1 : 2;
    int room = b.y + b.h - y - reserve - 1;
    y = draw_text(y, b, x, TUI_ROLE_NORMAL, text, room < 3 ? 3 : room);
    free(text);
    y++;
    if (st->noptions > 0) {
        static const struct tui_column cols[] = {{"", 0, 1, false}};
        int h = st->noptions < 6 ? st->noptions : 6;
        struct tui_rect lr = {y, x, h, b.x + b.w - x};
        tui_list_draw(&r->options, lr, cols, 1, false, true, option_cell, r);
        y += h + 1;
    } else if (st->free_text) {
        tui_put(y, x, 9, TUI_ROLE_LABEL, "Answer: ");
        tui_field_draw(&r->text, y, x + 9, b.x + b.w - x - 10, true);
        char note[200];
        if (tui_field_notice(&r->text, note, sizeof note))
            tui_put(y + 1, x + 9, b.x + b.w - x - 10, TUI_ROLE_WARN, note);
        y += 2;
    } else {
        step_hint(st, line, sizeof line);
        tui_put(y, x, b.x + b.w - x - 1, TUI_ROLE_HINT, line);
        y += 2;
    }
    if (r->notice[0] && y < b.y + b.h)
        tui_put(y++, b.x + 1, b.w - 1, TUI_ROLE_WARN, r->notice);
    /* The answers so far, newest last. */
    if (r->run.depth && y < b.y + b.h - 1) {
        tui_put(y++, b.x + 1, b.w - 1, TUI_ROLE_HEADER, "So far");
        int first = r->run.depth - (b.y + b.h - y);
        for (int i = first < 0 ? 0 : first; i < r->run.depth && y < b.y + b.h; i++) {
            const struct script_step *s = &r->fit->script.steps[r->run.path[i]];
            const struct script_given *g = script_run_given(&r->run, r->run.path[i]);
            const char *label = g && g->answer ? script_option_label(s, g->answer) : NULL;
            util_format(line, sizeof line, "%-6s %s: %s%s", kind_word(s->kind), s->key,
                        g && g->skipped ? "skipped - " : "",
                        g && g->skipped ? g->skipped : label ? label : g && g->answer ? g->answer : "");
            tui_put(y++, b.x + 1, b.w - 1, TUI_ROLE_DIM, line);
        }
    }
}

/* ---- answering ------------------------------------------------------------- */

static void after_step(struct runner *r, int index)
{
    const struct script_given *g = script_run_given(&r->run, index);
    db_script_answer(app_db(), r->run_id, r->fit->script.steps[index].id, g ? g->answer : NULL,
                     g ? g->skipped : NULL, recorded, r);
    r->action_id[0] = '\0';
    tui_field_set(&r->text, "");
    const struct script_step *st = script_run_step(&r->run);
    tui_list_set_count(&r->options, st ? st->noptions : 0);
    r->options.sel = st && st->noptions ? 0 : -1;
    if (script_run_finished(&r->run)) {
        db_script_run_finish(app_db(), r->run_id, "completed", recorded, r);
        tui_message(TUI_ROLE_OK, "Script finished and recorded.");
    }
}

static void answer(struct runner *r, const char *value)
{
    int index = r->run.current;
    int rc = script_run_answer(&r->run, value);
    if (rc != SCRIPT_OK) {
        util_format(r->notice, sizeof r->notice, "%s", script_result_text(rc));
        return;
    }
    r->notice[0] = '\0';
    after_step(r, index);
}

static void credit_done(void *ctx, const char *status, const char *err)
{
    struct runner *r = ctx;
    r->busy = false;
    if (err) {
        util_format(r->notice, sizeof r->notice, "Credit not made: %.*s", (int)strcspn(err, "\n"), err);
        tui_invalidate();
        return;
    }
    tui_message(strcmp(status, "applied") == 0 ? TUI_ROLE_OK : TUI_ROLE_WARN,
                strcmp(status, "applied") == 0  ? "Credit applied to the account."
                : strcmp(status, "pending") == 0 ? "Above your authority: sent to a supervisor."
                                                 : "This step's credit was already made.");
    const struct script_step *st = script_run_step(&r->run);
    answer(r, st && st->noptions > 0 && r->options.sel >= 0 && r->options.sel < st->noptions
                  ? st->options[r->options.sel].value
                  : NULL);
    tui_invalidate();
}

static void on_credit_amount(void *ctx, int choice, const char *text)
{
    (void)choice;
    struct runner *r = ctx;
    int64_t v;
    if (db_region_money_parse(db_region(), text, &v) < 0 || v <= 0) {
        util_format(r->notice, sizeof r->notice, "\"%s\" is not an amount (e.g. 25 or 25.50)", text);
        return;
    }
    char amount[32];
    util_format(amount, sizeof amount, "%lld.%02lld", (long long)(v / 100), (long long)(v % 100));
    const struct script_step *st = script_run_step(&r->run);
    if (!st)
        return;
    r->busy = true;
    /* Keyed by the run and the step: Back and Enter again, or a retry,
     * never makes a second credit. */
    db_script_credit(app_db(), r->run_id, st->id, amount, credit_done, r);
}

static void follow_up_done(void *ctx, const char *err)
{
    struct runner *r = ctx;
    r->busy = false;
    if (err) {
        util_format(r->notice, sizeof r->notice, "Follow-up not booked: %.*s", (int)strcspn(err, "\n"), err);
        tui_invalidate();
        return;
    }
    tui_message(TUI_ROLE_OK, "Follow-up booked.");
    answer(r, NULL);
    tui_invalidate();
}

static void on_skip_reason(void *ctx, int choice, const char *text)
{
    (void)choice;
    struct runner *r = ctx;
    int index = r->run.current;
    int rc = script_run_skip(&r->run, text);
    if (rc != SCRIPT_OK) {
        util_format(r->notice, sizeof r->notice, "%s", script_result_text(rc));
        return;
    }
    r->notice[0] = '\0';
    after_step(r, index);
}

static void on_end_reason(void *ctx, int choice, const char *text)
{
    (void)choice;
    struct runner *r = ctx;
    char outcome[600];
    util_format(outcome, sizeof outcome, "ended early: %s", text);
    db_script_run_finish(app_db(), r->run_id, outcome, recorded, r);
    tui_message(TUI_ROLE_NORMAL, "Script ended early; the reason is recorded.");
    tui_pop();   /* r is freed; the finish is already queued */
}

static enum scr_result offer_credit(struct runner *r, const struct script_step *st)
{
    char suggested[32] = "";
    if (st->amount_pence > 0)
        util_format(suggested, sizeof suggested, "%lld.%02lld", st->amount_pence / 100, st->amount_pence % 100);
    /* The script's suggestion is filled in for the agent to accept or change. */
    struct prompt_spec p = {.title = "Goodwill credit",
                            .question = "Within your authority it is applied at once; above it a supervisor decides.",
                            .text_label = db_money_label("Amount", r->amount_label, sizeof r->amount_label),
                            .text_required = true, .text_max = 12,
                            .text_initial = suggested, .done = on_credit_amount, .ctx = r};
    scr_open_prompt(&p);
    return SCR_REDRAW;
}

static enum scr_result act(struct runner *r, const struct script_step *st)
{
    /* First, even when a script stored by an older loader gives a credit
     * step answers ("Credit offered"): offering a credit makes it. */
    if (st->action == SCRIPT_ACT_GOODWILL_CREDIT)
        return offer_credit(r, st);
    if (st->noptions > 0) {
        if (r->options.sel >= 0 && r->options.sel < st->noptions)
            answer(r, st->options[r->options.sel].value);
        return SCR_REDRAW;
    }
    if (st->free_text) {
        answer(r, r->text.text);
        return SCR_REDRAW;
    }
    if (st->action == SCRIPT_ACT_FOLLOW_UP) {
        if (!r->action_id[0])
            util_uuid(r->action_id);
        r->busy = true;
        char *what = script_expand(st->text, &r->fit->vars);
        db_follow_up_add(app_db(), r->action_id, r->complaint_id, st->days > 0 ? st->days : 7,
                         script_channel(st, r->fit->vars.v[SV_PREFERRED_CHANNEL], r->fit->sit.non_digital),
                         what, follow_up_done, r);
        free(what);
        return SCR_REDRAW;
    }
    answer(r, NULL);
    return SCR_REDRAW;
}

static enum scr_result runner_action(void *st_, enum tui_action a)
{
    struct runner *r = st_;
    if (a == TUI_ACT_BACK || a == TUI_ACT_CANCEL)
        return SCR_CLOSE;
    if (!r->started || r->busy)
        return SCR_HANDLED;
    const struct script_step *st = script_run_step(&r->run);
    switch (a) {
    case TUI_ACT_OPEN:
    case TUI_ACT_SUBMIT:
        return st ? act(r, st) : SCR_CLOSE;
    case TUI_ACT_STEP_BACK: {
        int rc = script_run_back(&r->run);
        util_format(r->notice, sizeof r->notice, "%s", rc == SCRIPT_OK ? "" : script_result_text(rc));
        st = script_run_step(&r->run);
        tui_list_set_count(&r->options, st ? st->noptions : 0);
        return SCR_REDRAW;
    }
    case TUI_ACT_SKIP: {
        if (!st)
            return SCR_HANDLED;
        struct prompt_spec p = {.title = "Skip this step", .question = "Say why: it is recorded with the run.",
                                .text_label = "Reason", .text_required = true, .text_max = 300,
                                .done = on_skip_reason, .ctx = r};
        scr_open_prompt(&p);
        return SCR_REDRAW;
    }
    case TUI_ACT_READ_OUT: {
        /* The step as the agent reads it, and the event's own words. */
        const char *msg = r->fit->sit.event ? r->fit->vars.v[SV_EVENT_MESSAGE] : NULL;
        char *text = st ? script_expand(st->text, &r->fit->vars) : util_strdup("");
        char *all = util_asprintf("%s%s%s%s", text, msg && *msg ? "\n\nThe event's message to read out:\n\"" : "",
                                  msg && *msg ? msg : "", msg && *msg ? "\"" : "");
        scr_textview_push(st ? st->key : "Recovery script", all);
        free(all);
        free(text);
        return SCR_REDRAW;
    }
    case TUI_ACT_END_SCRIPT: {
        struct prompt_spec p = {.title = "End the script now",
                                .question = "What happened? It is recorded as the outcome.",
                                .text_label = "Reason", .text_required = true, .text_max = 300,
                                .done = on_end_reason, .ctx = r};
        scr_open_prompt(&p);
        return SCR_REDRAW;
    }
    default:
        if (st && st->noptions > 0 && tui_list_action(&r->options, a))
            return SCR_REDRAW;
        return SCR_UNHANDLED;
    }
}

static enum scr_result runner_key(void *st_, int key)
{
    struct runner *r = st_;
    if (!r->started)
        return SCR_UNHANDLED;
    const struct script_step *st = script_run_step(&r->run);
    if (st && st->free_text) {
        bool changed;
        return tui_field_key(&r->text, key, &changed) ? SCR_REDRAW : SCR_UNHANDLED;
    }
    /* A digit answers with that option straight away. */
    if (st && st->noptions > 0 && key >= '1' && key <= '9' && key - '1' < st->noptions) {
        r->options.sel = key - '1';
        return act(r, st);
    }
    return SCR_UNHANDLED;
}

static bool runner_wants_text(void *st_)
{
    struct runner *r = st_;
    const struct script_step *st = r->started ? script_run_step(&r->run) : NULL;
    return st && st->free_text;
}

static const enum tui_action *runner_status(void *st_)
{
    struct runner *r = st_;
    static const enum tui_action keys[] = {TUI_ACT_OPEN,  TUI_ACT_STEP_BACK, TUI_ACT_SKIP, TUI_ACT_END_SCRIPT,
                                           TUI_ACT_HELP, TUI_ACT_BACK,      TUI_ACT_NONE};
    static const enum tui_action event_keys[] = {TUI_ACT_OPEN, TUI_ACT_READ_OUT, TUI_ACT_STEP_BACK, TUI_ACT_SKIP,
                                                 TUI_ACT_END_SCRIPT, TUI_ACT_HELP, TUI_ACT_BACK, TUI_ACT_NONE};
    return r->fit && r->fit->found && r->fit->sit.event ? event_keys : keys;
}

const struct screen_ops scr_runner_ops = {
    SCR_HEAD(runner),
    .open = runner_open,
    .close = runner_close,
    .draw = runner_draw,
    .action = runner_action,
    .key = runner_key,
    .wants_text = runner_wants_text,
    .status_keys = runner_status,
};
