/* logcontact.c — record the current contact (channel, direction, wrap-up code, subject, summary) so every call leaves a trace. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "careline/app.h"
#include "careline/contact.h"
#include "careline/keymap.h"
#include "careline/logcontact_screen.h"
#include "careline/screens.h"
#include "careline/text.h"
#include "careline/tui.h"
#include "careline/util.h"

enum field { F_CHANNEL, F_DIRECTION, F_WRAPUP, F_SUBJECT, F_SUMMARY, F_CSAT, F_NPS, F_COMMENT, F__COUNT };


static const char *const channels[] = {"phone", "email", "web", "sms", "walk_in", "field_visit", "social"};
static const char *const directions[] = {"inbound", "outbound"};

struct logcontact {
    long long customer_id;
    struct scr_logcontact_arg below;   /* the view to bring up to date with the save */
    struct db_contact_draft draft;   /* id made once: a retried save never duplicates */
    int channel, direction, wrapup;
    struct db_choice *wrapups;       /* from the database */
    int nwrapups;
    bool wrapups_loading;
    struct tui_field subject, summary, comment;
    /* The short survey at wrap-up, typed as digits: empty = not asked. */
    struct tui_number csat, nps;
    enum field focus;
    char error[256];                 /* beside the field it concerns */
    enum field error_field;
    bool saving;
    bool offline_wait;               /* the connection went: it is on disk and goes by itself */
    bool discard_armed;              /* Esc once more throws the typing away */
};

static void on_wrapups(void *ctx, struct db_choice *list, int n, const char *err)
{
    struct logcontact *l = ctx;
    l->wrapups_loading = false;
    if (err) {
        util_format(l->error, sizeof l->error, "Wrap-up codes could not be loaded: %s", err);
        l->error_field = F_WRAPUP;
    } else {
        l->wrapups = list;
        l->nwrapups = n;
        /* Most calls end with information given: start there when present. */
        for (int i = 0; i < n; i++)
            if (strcmp(list[i].code, "info_given") == 0)
                l->wrapup = i;
    }
    tui_invalidate();
}

static void *logcontact_open(void *arg)
{
    const struct scr_logcontact_arg *a = arg;
    if (!a)
        return NULL;
    struct logcontact *l = util_calloc(1, sizeof *l);
    l->customer_id = a->customer_id;
    l->below = *a;
    db_contact_draft_init(&l->draft, a->customer_id);
    tui_field_init(&l->subject, 64);
    tui_field_init(&l->summary, 2000);
    tui_field_init(&l->comment, 500);
    tui_number_init(&l->csat, 1, 5, true);
    tui_number_init(&l->nps, 0, 10, false);
    l->focus = F_SUMMARY;   /* what needs typing; the choices start on the usual values */
    l->wrapups_loading = true;
    db_wrapup_codes(app_db(), on_wrapups, l);
    return l;
}

static void logcontact_close(void *st)
{
    struct logcontact *l = st;
    db_forget_owner(app_db(), l);
    db_choices_free(l->wrapups, l->nwrapups);
    tui_field_free(&l->subject);
    tui_field_free(&l->summary);
    tui_field_free(&l->comment);
    free(l);
}

static const char *choice_text(const struct logcontact *l, enum field f)
{
    switch (f) {
    case F_CHANNEL: return channels[l->channel];
    case F_DIRECTION: return directions[l->direction];
    case F_WRAPUP:
        if (l->wrapups_loading)
            return "loading...";
        return l->nwrapups ? l->wrapups[l->wrapup].label : "(none available)";
    default: return "";
    }
}

/* What a text field could not take of what was typed or pasted, or NULL. */
static const char *field_notice(const struct logcontact *l, enum field f)
{
    static char note[200];
    const struct tui_field *t = f == F_SUBJECT ? &l->subject : f == F_SUMMARY ? &l->summary
                                : f == F_COMMENT ? &l->comment : NULL;
    return t ? tui_field_notice(t, note, sizeof note) : NULL;
}

/* A survey answer: the digits typed in a small box with the cursor, what
 * the number means, and when it is out of range the reason right beside it. */
static void draw_number(struct logcontact *l, enum field f, int y, int x, int w, bool focused)
{
    const struct tui_number *n = f == F_CSAT ? &l->csat : &l->nps;
    int v = 0;
    enum tui_number_state s = tui_number_value(n, &v);
    const char *shown = s == TUI_NUMBER_DECLINED ? "declined" : n->text;
    char box[16];
    util_format(box, sizeof box, "%-3s", shown);
    tui_fill(y, x, w, TUI_ROLE_NORMAL);
    x += 2; /* under the other values, which leave room for "< " */
    w -= 2;
    int bw = (int)strlen(box);
    tui_put(y, x, w, focused ? TUI_ROLE_INPUT : TUI_ROLE_NORMAL, box);
    if (focused)
        tui_set_cursor(y, x + (s == TUI_NUMBER_DECLINED ? bw : (int)strlen(n->text)));
    char note[160];
    enum tui_role role = TUI_ROLE_DIM;
    if (s == TUI_NUMBER_OUT_OF_RANGE || *tui_number_problem(n, note, sizeof note)) {
        tui_number_problem(n, note, sizeof note);
        role = TUI_ROLE_ERROR;
    } else if (s == TUI_NUMBER_EMPTY) {
        util_format(note, sizeof note, "%s", "not asked");
    } else if (s == TUI_NUMBER_OK && f == F_CSAT) {
        util_format(note, sizeof note, "%s", v == 1 ? "very unhappy" : v == 5 ? "very happy" : "");
    } else if (s == TUI_NUMBER_OK) {
        util_format(note, sizeof note, "%s", v >= 9 ? "promoter" : v >= 7 ? "passive" : "detractor");
    } else {
        note[0] = '\0';
    }
    if (note[0] && w > bw + 2)
        tui_put(y, x + bw + 2, w - bw - 2, role, note);
}

static void logcontact_draw(void *st, struct tui_rect b)
{
    struct logcontact *l = st;
    static const char *const labels[F__COUNT] = {"Channel", "Direction", "Wrap-up", "Subject", "Summary",
                                                 "Satisfied?", "Recommend", "Comment"};
    static const char *const hints[F__COUNT] = {
        "Left/Right to change", "Left/Right to change", "Left/Right, or type the first letter",
        "optional: a short topic, e.g. high_bill", "what the customer wanted and what you did",
        "\"How satisfied are you with how we handled this?\" 1-5, d declined",
        "\"How likely are you to recommend us, 0 to 10?\" Type the number", "optional: in the customer's words",
    };
    int y = b.y;
    char save[32], cancel[32], intro[120];
    util_format(intro, sizeof intro, "Record this contact. %s saves, %s cancels.",
                tui_key_hint("logcontact", TUI_ACT_SUBMIT, save, sizeof save),
                tui_key_hint("logcontact", TUI_ACT_CANCEL, cancel, sizeof cancel));
    tui_put(y++, b.x + 1, b.w - 1, TUI_ROLE_DIM, intro);
    y++;
    int label_w = 11, value_x = b.x + 1 + label_w, value_w = b.w - label_w - 2;
    for (int f = 0; f < F__COUNT && y < b.y + b.h; f++) {
        bool focused = (int)l->focus == f;
        tui_put(y, b.x + 1, label_w, focused ? TUI_ROLE_SELECTED : TUI_ROLE_LABEL, labels[f]);
        if (f == F_CSAT || f == F_NPS) {
            draw_number(l, (enum field)f, y, value_x, value_w, focused);
        } else if (f == F_SUBJECT || f == F_SUMMARY || f == F_COMMENT) {
            tui_field_draw(f == F_SUBJECT ? &l->subject : f == F_SUMMARY ? &l->summary : &l->comment, y, value_x,
                           value_w, focused);
        } else {
            char v[160];
            util_format(v, sizeof v, focused ? "< %s >" : "  %s  ", choice_text(l, (enum field)f));
            tui_fill(y, value_x, value_w, TUI_ROLE_NORMAL);
            tui_put(y, value_x, value_w, focused ? TUI_ROLE_INPUT : TUI_ROLE_NORMAL, v);
        }
        y++;
        /* The message for a field sits right under it. */
        if (l->error[0] && (int)l->error_field == f && y < b.y + b.h) {
            /* Wrapped, never cut: the end says what to do. */
            int rows = b.y + b.h - y < 3 ? b.y + b.h - y : 3;
            int used = tui_put_wrapped((struct tui_rect){.y = y, .x = value_x, .w = value_w, .h = rows},
                                       TUI_ROLE_ERROR, l->error, 0, false);
            y += used < rows ? used : rows;
        }
        else if (focused && y < b.y + b.h && field_notice(l, (enum field)f))
            y += tui_put_wrapped((struct tui_rect){.y = y, .x = value_x, .w = value_w, .h = 1}, TUI_ROLE_WARN,
                                 field_notice(l, (enum field)f), 0, false);
        else if (focused && y < b.y + b.h)
            tui_put(y++, value_x, value_w, TUI_ROLE_HINT, hints[f]);
        else
            y++;
    }
    if (l->saving && y < b.y + b.h && (l->offline_wait || db_state(app_db()) != DB_ONLINE))
        tui_put(y, b.x + 1, b.w - 1, TUI_ROLE_WARN,
                "Offline: the contact is kept on this terminal and goes as soon as the connection is back.");
    else if (l->saving && y < b.y + b.h)
        tui_put(y, b.x + 1, b.w - 1, TUI_ROLE_DIM, "Saving...");
}

/* The connection went with the contact: it is on disk and goes again by itself. */
static void on_waiting(void *ctx)
{
    struct logcontact *l = ctx;
    l->offline_wait = true;
    tui_invalidate();
}

static void on_saved(void *ctx, const char *answer, const char *err)
{
    (void)answer;
    struct logcontact *l = ctx;
    l->saving = false;
    l->offline_wait = false;
    if (err) {
        /* Keep everything typed; the same id makes the retry safe. libpq's
         * messages run on over several lines: the first says what happened. */
        int first = (int)strcspn(err, "\n");
        while (first > 0 && (err[first - 1] == ' ' || err[first - 1] == '.'))
            first--;
        char key[32];
        util_format(l->error, sizeof l->error, "Not saved: %.*s. Press %s to try again.", first, err,
                    tui_key_hint("logcontact", TUI_ACT_SUBMIT, key, sizeof key));
        l->error_field = F_SUMMARY;
        tui_invalidate();
        return;
    }
    tui_message(TUI_ROLE_OK, "Contact recorded.");
    tui_pop();   /* l is freed here: touch nothing after */
}

static enum scr_result submit(struct logcontact *l)
{
    if (l->saving)
        return SCR_HANDLED;
    l->error[0] = '\0';
    char why[200];
    l->draft.channel = channels[l->channel];
    l->draft.direction = directions[l->direction];
    l->draft.wrap_up_code = l->nwrapups ? l->wrapups[l->wrapup].code : NULL;
    l->draft.subject = l->subject.text;
    l->draft.summary = l->summary.text;
    /* A number out of range is never saved as something else. */
    static const enum field numbers[] = {F_CSAT, F_NPS};
    for (int i = 0; i < 2; i++) {
        const struct tui_number *n = numbers[i] == F_CSAT ? &l->csat : &l->nps;
        if (tui_number_value(n, NULL) == TUI_NUMBER_OUT_OF_RANGE) {
            tui_number_problem(n, l->error, sizeof l->error);
            l->error_field = l->focus = numbers[i];
            return SCR_REDRAW;
        }
    }
    int v = 0;
    enum tui_number_state cs = tui_number_value(&l->csat, &v);
    l->draft.csat = cs == TUI_NUMBER_OK ? v : 0;
    l->draft.survey_declined = cs == TUI_NUMBER_DECLINED;
    l->draft.nps = tui_number_value(&l->nps, &v) == TUI_NUMBER_OK ? v : -1;
    l->draft.comment = l->comment.text;
    int bad = db_contact_check(&l->draft, why, sizeof why);
    if (bad >= 0) {
        util_format(l->error, sizeof l->error, "%s", why);
        l->error_field = bad == DB_CONTACT_SUBJECT ? F_SUBJECT : bad == DB_CONTACT_WRAPUP ? F_WRAPUP : F_SUMMARY;
        l->focus = l->error_field;
        return SCR_REDRAW;
    }
    l->saving = true;
    /* The view below reads what changed in the save's round trip. */
    struct db_outbox_follow follow;
    if (l->below.nparts)
        db_customer_follow(&follow, l->customer_id, l->below.parts, l->below.nparts, l->below.refreshed,
                           l->below.ctx);
    const struct db_outbox_reply reply = {.done = on_saved, .waiting = on_waiting, .ctx = l,
                                         .follow = l->below.nparts ? &follow : NULL};
    char err[200];
    db_contact_save(app_db(), app_conf()->journal_dir, &l->draft, &reply, err, sizeof err);
    if (err[0])
        util_format(l->error, sizeof l->error, "Not kept on this terminal: %s", err);
    return SCR_REDRAW;
}

static void cycle(struct logcontact *l, int step)
{
    int *v = NULL, n = 0;
    switch (l->focus) {
    case F_CHANNEL: v = &l->channel; n = (int)(sizeof channels / sizeof channels[0]); break;
    case F_DIRECTION: v = &l->direction; n = 2; break;
    case F_WRAPUP: v = &l->wrapup; n = l->nwrapups; break;
    case F_CSAT: tui_number_step(&l->csat, step); return;
    case F_NPS: tui_number_step(&l->nps, step); return;
    default: return;
    }
    if (n > 0)
        *v = (*v + step + n) % n;
}

static enum scr_result logcontact_action(void *st, enum tui_action a)
{
    struct logcontact *l = st;
    if (a != TUI_ACT_CANCEL && a != TUI_ACT_BACK)
        l->discard_armed = false;
    switch (a) {
    case TUI_ACT_SUBMIT:
    case TUI_ACT_OPEN:
        return submit(l);
    case TUI_ACT_CANCEL:
    case TUI_ACT_BACK:
        if ((l->summary.len || l->subject.len || l->comment.len) && !l->discard_armed) {
            l->discard_armed = true;
            char key[32];
            tui_message(TUI_ROLE_WARN, "Press %s again to throw away what you typed.",
                        tui_key_hint("logcontact", a, key, sizeof key));
            return SCR_REDRAW;
        }
        /* A refused save is kept on this terminal: thrown away with the rest. */
        db_outbox_discard(app_conf()->journal_dir, l->draft.id);
        return SCR_CLOSE;
    case TUI_ACT_NEXT_FIELD:
    case TUI_ACT_DOWN:
        l->focus = (enum field)((l->focus + 1) % F__COUNT);
        return SCR_REDRAW;
    case TUI_ACT_PREV_FIELD:
    case TUI_ACT_UP:
        l->focus = (enum field)((l->focus + F__COUNT - 1) % F__COUNT);
        return SCR_REDRAW;
    case TUI_ACT_PAGE_DOWN:
        cycle(l, 1);
        return SCR_REDRAW;
    case TUI_ACT_PAGE_UP:
        cycle(l, -1);
        return SCR_REDRAW;
    default:
        return SCR_UNHANDLED;
    }
}

static bool text_focus(const struct logcontact *l)
{
    return l->focus == F_SUBJECT || l->focus == F_SUMMARY || l->focus == F_COMMENT;
}

static enum scr_result form_key(struct logcontact *l, int key)
{
    if (text_focus(l)) {
        bool changed = false;
        struct tui_field *f = l->focus == F_SUBJECT ? &l->subject : l->focus == F_SUMMARY ? &l->summary : &l->comment;
        if (!tui_field_key(f, key, &changed))
            return SCR_UNHANDLED;
        if (changed && l->error_field == l->focus)
            l->error[0] = '\0';
        return SCR_REDRAW;
    }
    if (l->focus == F_CSAT || l->focus == F_NPS) {
        bool changed = false;
        if (tui_number_key(l->focus == F_CSAT ? &l->csat : &l->nps, key, &changed)) {
            if (changed && l->error_field == l->focus)
                l->error[0] = '\0';
            return SCR_REDRAW;
        }
    }
    static int right = -1, left = -1;
    if (right < 0) {
        right = tui_key_parse("Right");
        left = tui_key_parse("Left");
    }
    if (key == right || key == ' ') {
        cycle(l, 1);
        return SCR_REDRAW;
    }
    if (key == left) {
        cycle(l, -1);
        return SCR_REDRAW;
    }
    /* A letter picks the next choice starting with it. */
    if (key > ' ' && key < 127) {
        int n, *v;
        const char *const *names = NULL;
        switch (l->focus) {
        case F_WRAPUP: n = l->nwrapups; v = &l->wrapup; break;
        case F_CHANNEL: n = 7; v = &l->channel; names = channels; break;
        case F_DIRECTION: n = 2; v = &l->direction; names = directions; break;
        default: return SCR_HANDLED;   /* a survey answer takes digits only */
        }
        for (int step = 1; step <= n; step++) {
            int i = (*v + step) % n;
            const char *t = names ? names[i] : l->wrapups[i].label;
            if ((t[0] | 0x20) == (key | 0x20)) {
                *v = i;
                return SCR_REDRAW;
            }
        }
        return SCR_HANDLED;
    }
    return SCR_UNHANDLED;
}

static enum scr_result logcontact_key(void *st, int key)
{
    struct logcontact *l = st;
    enum scr_result r = form_key(l, key);
    /* Only a key the form used disarms "Esc again": Esc itself comes here
     * first (unused) and must reach the cancel action still armed. */
    if (r != SCR_UNHANDLED)
        l->discard_armed = false;
    return r;
}

static bool logcontact_wants_text(void *st)
{
    struct logcontact *l = st;
    (void)l;
    return true;   /* text fields, and letters that pick a choice */
}

static const enum tui_action *logcontact_status(void *st)
{
    (void)st;
    static const enum tui_action keys[] = {TUI_ACT_SUBMIT, TUI_ACT_NEXT_FIELD, TUI_ACT_CANCEL, TUI_ACT_HELP,
                                           TUI_ACT_NONE};
    return keys;
}

const struct screen_ops scr_logcontact_ops = {
    SCR_HEAD(logcontact),
    .open = logcontact_open,
    .close = logcontact_close,
    .draw = logcontact_draw,
    .action = logcontact_action,
    .key = logcontact_key,
    .wants_text = logcontact_wants_text,
    .status_keys = logcontact_status,
};
