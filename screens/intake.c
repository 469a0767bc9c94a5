/* intake.c — taking a complaint: category (type to filter), deadlines, duplicates, description, journalled as typed. */
#include "careline/intake.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careline/app.h"
#include "careline/complaint.h"
#include "careline/journal.h"
#include "careline/keymap.h"
#include "careline/outbox.h"
#include "careline/region.h"
#include "careline/screens.h"
#include "careline/text.h"
#include "careline/textview.h"
#include "careline/tui.h"
#include "careline/util.h"

#define DESCRIPTION_MAX 16000

enum focus { F_CATEGORY, F_DESCRIPTION, F_SEVERITY, F_CHANNEL, F_PREFERENCE, F_CALLBACK, F__COUNT };

static const char *const severities[] = {"low", "medium", "high", "critical"};
static const char *const channels[] = {"phone", "email", "web", "sms", "walk_in", "field_visit", "social", "letter"};
static const char *const preferences[] = {"phone", "email", "sms", "letter", "web", "walk_in"};
#define N(a) ((int)(sizeof(a) / sizeof (a)[0]))

struct intake {
    char id[37];
    long long customer_id;
    long long premise_id;
    char customer[200];
    struct db_intake *in;
    char *load_error;
    struct tui_field filter;
    int *visible;                 /* rows of in->categories matching the filter */
    int nvisible;
    struct tui_list cats;
    long long category_id;
    char category[200];
    char event_id[37];
    struct db_deadlines *due;
    struct tui_textarea desc;
    int severity, channel, preference;
    bool callback;
    enum focus focus;
    char error[300];
    enum focus error_field;
    char journal_error[300];
    bool saving, offline_wait;
    bool discard_armed;
    bool journal_dirty;           /* typed text not yet in the journal */
    long long restore_category;   /* category id from a restored draft, chosen once loaded; 0 none */
};

static int find(const char *const *list, int n, const char *v)
{
    for (int i = 0; v && i < n; i++)
        if (strcmp(list[i], v) == 0)
            return i;
    return -1;
}

/* ---- the journal: every change is on disk before the next key ----------
 * Typed text is written after the screen that shows it has been painted
 * (intake_painted) and before the shell reads another key: the echo never
 * waits for the disk, and nothing on screen is missing from the journal
 * when the next key arrives. */

/* The form as the outbox keeps and sends it (pointers into s and bufs). */
struct form_write {
    char cust[24], prem[24], cat[24];
    struct journal_field f[11];
    struct db_outbox_write w;
};

static const struct db_outbox_write *form_write(const struct intake *s, struct form_write *fw)
{
    util_format(fw->cust, sizeof fw->cust, "%lld", s->customer_id);
    util_format(fw->prem, sizeof fw->prem, "%lld", s->premise_id);
    util_format(fw->cat, sizeof fw->cat, "%lld", s->category_id);
    const struct journal_field f[] = {
        {"customer_id", fw->cust},
        {"customer", s->customer},
        {"premise_id", fw->prem},
        {"category_id", fw->cat},
        {"category", s->category},
        {"event_id", s->event_id},
        {"channel", channels[s->channel]},
        {"severity", severities[s->severity]},
        {"preference", preferences[s->preference]},
        {"callback", s->callback ? "yes" : "no"},
        {"description", s->desc.f.text},
    };
    memcpy(fw->f, f, sizeof f);
    fw->w = (struct db_outbox_write){&db_complaint_outbox, s->id, fw->f, N(f), app_conf()->journal_dir};
    return &fw->w;
}

static void journal_result(struct intake *s, const char *err)
{
    if (err[0])
        util_format(s->journal_error, sizeof s->journal_error, "Not kept on this terminal: %s", err);
    else
        s->journal_error[0] = '\0';
}

static void journal(struct intake *s, const char *state)
{
    struct form_write fw;
    char err[256] = "";
    db_outbox_keep(form_write(s, &fw), state, err, sizeof err);
    journal_result(s, err);
}

/* ---- categories ------------------------------------------------------------ */

static bool matches(const char *name, const char *filter)
{
    /* Every word typed must appear somewhere in the name, any case. */
    char *hay = util_strdup(name), *words = util_strdup(filter);
    for (char *p = hay; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    for (char *p = words; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    bool ok = true;
    char *save = NULL;
    for (char *w = strtok_r(words, " ", &save); w && ok; w = strtok_r(NULL, " ", &save))
        ok = strstr(hay, w) != NULL;
    free(hay);
    free(words);
    return ok;
}

static void deadlines_done(void *ctx, struct db_deadlines *d)
{
    struct intake *s = ctx;
    db_deadlines_free(s->due);
    s->due = d;
    tui_invalidate();
}

static const struct db_intake_category *category(const struct intake *s, int row)
{
    return DB_ROW(&s->in->categories, const struct db_intake_category, row);
}

static void choose(struct intake *s)
{
    int row = s->in && s->cats.sel >= 0 && s->cats.sel < s->nvisible ? s->visible[s->cats.sel] : -1;
    const struct db_intake_category *c = row >= 0 ? category(s, row) : NULL;
    long long id = c ? (long long)c->id : 0;
    if (id == s->category_id)
        return;
    s->category_id = id;
    util_format(s->category, sizeof s->category, "%s", c ? c->name : "");
    /* The event's own category links the complaint to the event. */
    if (util_format_fits(s->event_id, sizeof s->event_id, "%s", c ? c->event_id : "") < 0)
        tui_message(TUI_ROLE_WARN, "The event's id came from the database in a form Careline cannot use: "
                                   "the complaint is not linked to it.");
    db_deadlines_free(s->due);
    s->due = NULL;
    if (id)
        db_deadlines_load(app_db(), s->customer_id, id, deadlines_done, s);
    if (s->error_field == F_CATEGORY)
        s->error[0] = '\0';
    s->journal_dirty = true;
}

static void refilter(struct intake *s)
{
    int rows = s->in ? s->in->categories.n : 0;
    free(s->visible);
    s->visible = util_calloc((size_t)(rows ? rows : 1), sizeof *s->visible);
    s->nvisible = 0;
    for (int i = 0; i < rows; i++)
        if (matches(category(s, i)->name, s->filter.text) || matches(category(s, i)->code, s->filter.text))
            s->visible[s->nvisible++] = i;
    tui_list_set_count(&s->cats, s->nvisible);
    s->cats.sel = s->nvisible ? 0 : -1;
    s->cats.top = 0;
    choose(s);
}

static void loaded(void *ctx, struct db_intake *in)
{
    struct intake *s = ctx;
    if (in->error) {
        free(s->load_error);
        s->load_error = util_strdup(in->error);
        db_intake_free(in);
        tui_invalidate();
        return;
    }
    s->in = in;
    /* A customer gone since the search shows as empty text, as before. */
    static const struct db_intake_customer nobody = {"", "", "", false, 0, ""};
    const struct db_intake_customer *u =
        in->customer.n > 0 ? DB_ROW(&in->customer, const struct db_intake_customer, 0) : &nobody;
    util_format(s->customer, sizeof s->customer, "%s (Acct %s) %s", u->name, u->account_no, u->flags);
    if (!s->premise_id)
        s->premise_id = (long long)u->premise_id;
    /* Reply the way they asked to be contacted; a non-digital customer by phone. */
    if (!s->restore_category) {
        int p = find(preferences, N(preferences), u->preferred_channel);
        s->preference = u->non_digital || p < 0 ? 0 : p;
    }
    refilter(s);
    if (s->restore_category) {
        for (int i = 0; i < s->nvisible; i++)
            if ((long long)category(s, s->visible[i])->id == s->restore_category)
                s->cats.sel = i;
        s->category_id = 0;   /* force choose() to take it */
        choose(s);
    }
    tui_invalidate();
}

/* ---- open and close ---------------------------------------------------------- */

static void *intake_open(void *arg)
{
    const struct intake_arg *a = arg;
    if (!a)
        return NULL;
    struct intake *s = util_calloc(1, sizeof *s);
    s->customer_id = a->customer_id;
    tui_field_init(&s->filter, 80);
    tui_textarea_init(&s->desc, DESCRIPTION_MAX);
    tui_list_set_count(&s->cats, 0);
    s->severity = 1;
    s->focus = F_CATEGORY;
    const struct journal_draft *d = a->restore;
    if (d) {
        /* A draft from the journal: same id, so sending it again can never
         * make a second complaint. */
        memcpy(s->id, d->id, sizeof s->id);   /* both a UUID's 36 characters and the end */
        const char *v;
        if ((v = db_journal_get(d, "premise_id")))
            s->premise_id = strtoll(v, NULL, 10);
        if ((v = db_journal_get(d, "category_id")))
            s->restore_category = strtoll(v, NULL, 10);
        if ((v = db_journal_get(d, "description")))
            tui_textarea_set(&s->desc, v);
        s->severity = find(severities, N(severities), db_journal_get(d, "severity"));
        s->channel = find(channels, N(channels), db_journal_get(d, "channel"));
        s->preference = find(preferences, N(preferences), db_journal_get(d, "preference"));
        if (s->severity < 0)
            s->severity = 1;
        if (s->channel < 0)
            s->channel = 0;
        if (s->preference < 0)
            s->preference = 0;
        s->callback = (v = db_journal_get(d, "callback")) && strcmp(v, "yes") == 0;
        if ((v = db_journal_get(d, "customer")))
            util_format(s->customer, sizeof s->customer, "%s", v);
        s->focus = F_DESCRIPTION;
    } else {
        util_uuid(s->id);
        int ch = find(channels, N(channels), a->channel);
        s->channel = ch < 0 ? 0 : ch;
    }
    db_intake_load(app_db(), s->customer_id, loaded, s);
    return s;
}

/* Keys typed in the same batch as the one that closes the program (C-c,
 * a signal) were never painted: keep them too. */
static void intake_close(void *st)
{
    struct intake *s = st;
    if (s->journal_dirty)
        journal(s, "draft");
    db_forget_owner(app_db(), s);
    db_intake_free(s->in);
    db_deadlines_free(s->due);
    free(s->load_error);
    free(s->visible);
    tui_field_free(&s->filter);
    tui_textarea_free(&s->desc);
    free(s);
}

/* ---- drawing ------------------------------------------------------------------ */

static const char *category_cell(void *ctx, int row, int col, enum tui_role *role)
{
    struct intake *s = ctx;
    const struct db_intake_category *c = category(s, s->visible[row]);
    static char buf[64];
    if (col == 0)
        return c->name;
    if (*c->event_id) {
        *role = TUI_ROLE_WARN;
        return "ACTIVE EVENT";
    }
    long long n = (long long)c->recent;
    if (!n)
        return "";
    util_format(buf, sizeof buf, "%lld in 30 days", n);
    return buf;
}

static int label(int y, struct tui_rect b, struct intake *s, enum focus f, const char *text)
{
    tui_put(y, b.x + 1, 12, s->focus == f ? TUI_ROLE_SELECTED : TUI_ROLE_LABEL, text);
    return b.x + 14;
}

static void choice(int y, int x, int w, bool focused, const char *value)
{
    char v[80];
    util_format(v, sizeof v, focused ? "< %s >" : "  %s  ", value);
    tui_put(y, x, w, focused ? TUI_ROLE_INPUT : TUI_ROLE_NORMAL, v);
}

/* An active event over the customer's premises: its words to read out
 * come first, whole or with the key that shows them whole. */
static int draw_event(const struct intake *s, int y, struct tui_rect b)
{
    const struct db_intake_event *e = DB_ROW(&s->in->events, const struct db_intake_event, 0);
    char keys[32], more[96];
    tui_keymap_keys_for("intake", TUI_ACT_READ_OUT, keys, sizeof keys);
    util_format(more, sizeof more, "... %s reads the whole message", keys);
    int room = b.h >= 20 ? 3 : 2;
    struct tui_rect er = {y, b.x + 1, room, b.w - 2};
    char *text = util_asprintf("Read out: \"%s\"", e->message);
    y += tui_put_excerpt(er, TUI_ROLE_BANNER, text, more, false);
    free(text);
    return y;
}

/* The deadlines that will apply, separately, as the agent chooses. */
static int draw_deadlines(const struct intake *s, int y, struct tui_rect b)
{
    char line[600];
    if (s->category_id && s->due && !s->due->error) {
        /* At 80 columns the guaranteed payment no longer fits on the
         * line: it wraps onto the next rather than falling off the end. */
        const struct db_deadline *due = db_deadlines_get(s->due);
        char pay[48] = "";
        if (*due->compensation)
            db_money_text_of(due->compensation, tui_ascii(), pay, sizeof pay);
        util_format(line, sizeof line, "Acknowledge by %s; respond by %s; resolve by %s%s%s",
                    *due->ack ? due->ack : "-", *due->response ? due->response : "-",
                    *due->resolution ? due->resolution : "-", *pay ? "; payment if missed " : "", pay);
        struct tui_rect dl = {y, b.x + 1, tui_wrap_count(line, b.w - 1) > 1 ? 2 : 1, b.w - 1};
        tui_put_wrapped(dl, TUI_ROLE_NORMAL, line, 0, false);
        return y + dl.h;
    }
    if (s->category_id)
        tui_put(y, b.x + 1, b.w - 1, TUI_ROLE_DIM, s->due && s->due->error ? s->due->error : "Working out the deadlines...");
    return y + 1;
}

/* Possible duplicates: this customer's open complaints in the category,
 * and other complaints about the same event. */
static int draw_duplicates(const struct intake *s, int y, struct tui_rect b)
{
    char line[600], attach_key[32];
    const struct db_intake_open *dup = db_intake_duplicate(s->in, s->category_id, s->event_id);
    if (dup) {
        util_format(line, sizeof line, "Open already: %s %s (%s, %s). %s adds this call to it.", dup->reference,
                    dup->category, dup->status, dup->opened,
                    tui_key_hint("intake", TUI_ACT_ATTACH, attach_key, sizeof attach_key));
        tui_put(y++, b.x + 1, b.w - 1, TUI_ROLE_WARN, line);
    }
    if (*s->event_id && s->in->events.n) {
        const struct db_intake_event *e = DB_ROW(&s->in->events, const struct db_intake_event, 0);
        util_format(line, sizeof line, "Linked to the active event, with %lld other open complaint(s)%s%s",
                    (long long)e->others, *e->refs ? ": " : "", e->refs);
        tui_put(y++, b.x + 1, b.w - 1, TUI_ROLE_BANNER, line);
    }
    return y;
}

/* Severity, channel, reply-by and call-back on one row. */
static void draw_options(const struct intake *s, int y, struct tui_rect b)
{
    int x = b.x + 1, right = b.x + b.w;
    static const struct {
        enum focus f;
        const char *label;
    } opts[] = {{F_SEVERITY, "Severity"}, {F_CHANNEL, "Channel"}, {F_PREFERENCE, "Reply by"}, {F_CALLBACK, "Call-back"}};
    for (int i = 0; i < 4 && x < right; i++) {
        x += tui_put(y, x, right - x, s->focus == opts[i].f ? TUI_ROLE_SELECTED : TUI_ROLE_LABEL, opts[i].label) + 1;
        const char *v = opts[i].f == F_SEVERITY ? severities[s->severity]
                        : opts[i].f == F_CHANNEL ? channels[s->channel]
                        : opts[i].f == F_PREFERENCE ? preferences[s->preference]
                                                    : s->callback ? "yes" : "no";
        choice(y, x, right - x, s->focus == opts[i].f, v);
        x += (int)strlen(v) + 5;
    }
}

/* The last row: what became of the complaint (kept, offline, saving, refused). */
static void draw_state(const struct intake *s, int y, struct tui_rect b)
{
    if (s->journal_error[0])
        tui_put(y, b.x + 1, b.w - 1, TUI_ROLE_ERROR, s->journal_error);
    else if (s->offline_wait || (s->saving && db_state(app_db()) != DB_ONLINE))
        tui_put(y, b.x + 1, b.w - 1, TUI_ROLE_WARN,
                "Offline: the complaint is kept on this terminal and goes as soon as the connection is back.");
    else if (s->saving)
        tui_put(y, b.x + 1, b.w - 1, TUI_ROLE_DIM, "Saving...");
    else if (s->error[0] && s->error_field >= F_SEVERITY)
        tui_put(y, b.x + 1, b.w - 1, TUI_ROLE_ERROR, s->error);
}

static void intake_draw(void *st, struct tui_rect b)
{
    struct intake *s = st;
    if (b.h < 4 || b.w < 20)
        return;
    char line[600];
    int y = b.y, right = b.x + b.w;
    /* The customer's flags wrap rather than fall off the end. */
    const char *who = s->customer[0] ? s->customer : "Loading the customer...";
    struct tui_rect wr = {y, b.x + 1, tui_wrap_count(who, b.w - 1) > 1 ? 2 : 1, b.w - 1};
    tui_put_wrapped(wr, TUI_ROLE_TITLE, who, 0, false);
    y += wr.h;
    if (s->load_error) {
        tui_put(y, b.x + 1, b.w - 1, TUI_ROLE_ERROR, s->load_error);
        return;
    }
    if (s->in && s->in->events.n)
        y = draw_event(s, y, b);
    int x = label(y, b, s, F_CATEGORY, "Category");
    int fw = 24;
    tui_field_draw(&s->filter, y, x, fw, s->focus == F_CATEGORY);
    tui_put(y, x + fw + 1, right - x - fw - 1, s->category_id ? TUI_ROLE_NORMAL : TUI_ROLE_HINT,
            s->category_id ? s->category : "type to filter, Up/Down to pick");
    y++;
    int list_h = b.h >= 20 ? 5 : 3;
    if (s->in && s->focus == F_CATEGORY) {
        static const struct tui_column cols[] = {{"", 0, 1, false}, {"", 16, 0, false}};
        struct tui_rect lr = {y, x, list_h, right - x};
        tui_list_draw(&s->cats, lr, cols, 2, false, true, category_cell, s);
        if (!s->nvisible)
            tui_put(y, x, right - x, TUI_ROLE_WARN, "No category matches; clear the filter with C-u");
        y += list_h;
    }
    if (s->error[0] && s->error_field == F_CATEGORY)
        tui_put(y++, x, right - x, TUI_ROLE_ERROR, s->error);

    y = draw_deadlines(s, y, b);
    if (s->in)
        y = draw_duplicates(s, y, b);
    int x2 = label(y, b, s, F_DESCRIPTION, "Description");
    char note[200];
    if (s->desc.full)
        util_format(line, sizeof line, "At the limit of %d bytes: nothing more was taken", DESCRIPTION_MAX);
    else if (tui_field_notice(&s->desc.f, note, sizeof note))
        util_format(line, sizeof line, "%s", note);
    else if (s->error[0] && s->error_field == F_DESCRIPTION)
        util_format(line, sizeof line, "%s", s->error);
    else
        util_format(line, sizeof line, "the customer's words; Enter starts a new line");
    tui_put(y++, x2, right - x2,
            s->desc.full || s->error_field == F_DESCRIPTION || s->desc.f.left_out_controls ? TUI_ROLE_ERROR
                                                                                           : TUI_ROLE_HINT,
            line);
    int rows_left = b.y + b.h - y - 2;
    int desc_h = rows_left > 8 ? 8 : rows_left < 1 ? 1 : rows_left;
    struct tui_rect dr = {y, b.x + 1, desc_h, b.w - 2};
    tui_textarea_draw(&s->desc, dr, s->focus == F_DESCRIPTION);
    y += desc_h;
    if (y >= b.y + b.h)
        return;
    draw_options(s, y, b);
    if (y + 1 < b.y + b.h)
        draw_state(s, y + 1, b);
}

/* ---- actions --------------------------------------------------------------- */

/* What the form holds, as the database takes it (pointers into s). */
static void fill_draft(const struct intake *s, struct db_complaint_draft *d)
{
    memset(d, 0, sizeof *d);
    memcpy(d->id, s->id, sizeof d->id);
    d->customer_id = s->customer_id;
    d->premise_id = s->premise_id;
    d->category_id = s->category_id;
    memcpy(d->event_id, s->event_id, sizeof d->event_id);
    d->channel = channels[s->channel];
    d->severity = severities[s->severity];
    d->contact_preference = preferences[s->preference];
    d->callback = s->callback;
    d->description = s->desc.f.text;
}

/* Lost on the way: the outbox sends it again under the same id when the
 * connection is back; the journal has it if the program dies meanwhile. */
static void waiting(void *ctx)
{
    struct intake *s = ctx;
    s->offline_wait = true;
    tui_invalidate();
}

static void saved(void *ctx, const char *reference, const char *err)
{
    struct intake *s = ctx;
    s->saving = false;
    s->offline_wait = false;
    if (err) {
        /* Kept on this terminal as a draft (the outbox did), to put right. */
        util_format(s->error, sizeof s->error, "Not saved: %s", err);
        s->error_field = F_SEVERITY;
        tui_invalidate();
        return;
    }
    s->journal_dirty = false;
    tui_message(TUI_ROLE_OK, "Complaint %s saved.", reference);
    /* Straight on to putting it right: the recovery script that fits, over
     * the new complaint, so that leaving the script (Esc) goes back to the
     * complaint as the runner says, not to where the intake began. */
    char id[37];
    memcpy(id, s->id, sizeof id);
    tui_pop();   /* s is freed: touch nothing after */
    scr_open_complaint(id);
    scr_open_runner(id);
}

static enum scr_result submit(struct intake *s)
{
    if (s->saving)
        return SCR_HANDLED;
    if (!s->in) {
        /* The categories are still on their way: nothing is lost, the
         * draft is in the journal; say so rather than blame a field. */
        char key[32];
        tui_message(TUI_ROLE_NORMAL, "Still loading the categories; press %s again in a moment.",
                    tui_key_hint("intake", TUI_ACT_SUBMIT, key, sizeof key));
        return SCR_REDRAW;
    }
    struct db_complaint_draft d;
    fill_draft(s, &d);
    int bad = db_complaint_check(&d, s->error, sizeof s->error);
    if (bad >= 0) {
        s->error_field = bad == CF_CATEGORY ? F_CATEGORY : bad == CF_DESCRIPTION ? F_DESCRIPTION : F_SEVERITY;
        s->focus = s->error_field;
        return SCR_REDRAW;
    }
    s->error[0] = '\0';
    s->saving = true;
    s->journal_dirty = false;
    struct form_write fw;
    char err[256];
    const struct db_outbox_reply reply = {.done = saved, .waiting = waiting, .ctx = s};
    db_outbox_send(app_db(), form_write(s, &fw), &reply, err, sizeof err);
    journal_result(s, err);
    return SCR_REDRAW;
}

static void cycle(struct intake *s, int step)
{
    switch (s->focus) {
    case F_SEVERITY: s->severity = (s->severity + step + N(severities)) % N(severities); break;
    case F_CHANNEL: s->channel = (s->channel + step + N(channels)) % N(channels); break;
    case F_PREFERENCE: s->preference = (s->preference + step + N(preferences)) % N(preferences); break;
    case F_CALLBACK: s->callback = !s->callback; break;
    default: return;
    }
    s->journal_dirty = true;
}

static void attached(void *ctx, const char *answer, const char *err)
{
    (void)answer;
    struct intake *s = ctx;
    s->saving = false;
    s->offline_wait = false;
    if (err) {
        util_format(s->error, sizeof s->error, "Not added: %s", err);
        s->error_field = F_SEVERITY;
        tui_invalidate();
        return;
    }
    s->journal_dirty = false;
    db_outbox_discard(app_conf()->journal_dir, s->id);
    tui_message(TUI_ROLE_OK, "This call was added to the open complaint.");
    tui_pop();
}

/* Add this call to the customer's open complaint instead of a second one. */
static enum scr_result attach(struct intake *s)
{
    if (!s->in || s->saving)
        return SCR_HANDLED;
    const struct db_intake_open *o = db_intake_duplicate(s->in, s->category_id, s->event_id);
    if (o) {
        /* The call's own id keys the history row; the draft stays in the
         * journal until the database has the call. */
        const struct journal_field f[] = {
            {"complaint_id", o->id}, {"channel", channels[s->channel]}, {"text", s->desc.f.text}};
        const struct db_outbox_write w = {&db_complaint_contact_outbox, s->id, f, N(f), NULL};
        const struct db_outbox_reply reply = {.done = attached, .waiting = waiting, .ctx = s};
        char err[8];
        s->saving = true;
        db_outbox_send(app_db(), &w, &reply, err, sizeof err);
        return SCR_REDRAW;
    }
    tui_message(TUI_ROLE_NORMAL, "No open complaint of this customer matches this category.");
    return SCR_REDRAW;
}

static enum scr_result intake_action(void *st, enum tui_action a)
{
    struct intake *s = st;
    if (a != TUI_ACT_CANCEL && a != TUI_ACT_BACK)
        s->discard_armed = false;
    switch (a) {
    case TUI_ACT_SUBMIT:
        return submit(s);
    case TUI_ACT_ATTACH:
        return attach(s);
    case TUI_ACT_READ_OUT:
        if (!s->in || !s->in->events.n) {
            tui_message(TUI_ROLE_NORMAL, "No critical event affects this customer.");
            return SCR_REDRAW;
        } else {
            const struct db_intake_event *e = DB_ROW(&s->in->events, const struct db_intake_event, 0);
            char *text = util_asprintf("Restore estimate: %s\n\nRead out: \"%s\"", e->restore, e->message);
            scr_textview_push(e->title, text);
            free(text);
        }
        return SCR_REDRAW;
    case TUI_ACT_CANCEL:
    case TUI_ACT_BACK:
        if (s->desc.f.len && !s->discard_armed) {
            s->discard_armed = true;
            char key[32];
            tui_message(TUI_ROLE_WARN, "Press %s again to throw this complaint away (it is kept until then).",
                        tui_key_hint("intake", a, key, sizeof key));
            return SCR_REDRAW;
        }
        s->journal_dirty = false;
        db_outbox_discard(app_conf()->journal_dir, s->id);
        return SCR_CLOSE;
    case TUI_ACT_NEXT_FIELD:
        s->focus = (enum focus)((s->focus + 1) % F__COUNT);
        return SCR_REDRAW;
    case TUI_ACT_PREV_FIELD:
        s->focus = (enum focus)((s->focus + F__COUNT - 1) % F__COUNT);
        return SCR_REDRAW;
    case TUI_ACT_OPEN:   /* Enter on the category list: take it and go on */
        if (s->focus == F_CATEGORY) {
            choose(s);
            s->focus = F_DESCRIPTION;
            return SCR_REDRAW;
        }
        return SCR_HANDLED;
    case TUI_ACT_UP:
    case TUI_ACT_DOWN:
    case TUI_ACT_PAGE_UP:
    case TUI_ACT_PAGE_DOWN:
    case TUI_ACT_FIRST:
    case TUI_ACT_LAST:
        if (s->focus == F_CATEGORY) {
            if (tui_list_action(&s->cats, a))
                choose(s);
            return SCR_REDRAW;
        }
        if (a == TUI_ACT_UP || a == TUI_ACT_DOWN) {
            s->focus = (enum focus)((s->focus + (a == TUI_ACT_UP ? F__COUNT - 1 : 1)) % F__COUNT);
            return SCR_REDRAW;
        }
        return SCR_HANDLED;
    default:
        return SCR_UNHANDLED;
    }
}

static enum scr_result form_key(struct intake *s, int key)
{
    bool changed = false;
    static int left = -1, right = -1;
    if (left < 0) {
        left = tui_key_parse("Left");
        right = tui_key_parse("Right");
    }
    switch (s->focus) {
    case F_CATEGORY:
        if (!tui_field_key(&s->filter, key, &changed))
            return SCR_UNHANDLED;
        if (changed)
            refilter(s);
        return SCR_REDRAW;
    case F_DESCRIPTION:
        if (!tui_textarea_key(&s->desc, key, &changed))
            return SCR_UNHANDLED;
        if (changed) {
            if (s->error_field == F_DESCRIPTION)
                s->error[0] = '\0';
            /* Written once the screen showing it has been painted: once
             * per batch of keys (a 20 kB paste is one write, not 20,000),
             * and before the next key is read. */
            s->journal_dirty = true;
        }
        return SCR_REDRAW;
    default:
        if (key == right || key == ' ') {
            cycle(s, 1);
            return SCR_REDRAW;
        }
        if (key == left) {
            cycle(s, -1);
            return SCR_REDRAW;
        }
        return tui_key_printable(key) ? SCR_HANDLED : SCR_UNHANDLED;
    }
}

static enum scr_result intake_key(void *st, int key)
{
    struct intake *s = st;
    enum scr_result r = form_key(s, key);
    /* Only a key the form used disarms "Esc again": Esc itself comes here
     * first (unused) and must reach the cancel action still armed. */
    if (r != SCR_UNHANDLED)
        s->discard_armed = false;
    return r;
}

static void intake_painted(void *st)
{
    struct intake *s = st;
    if (s->journal_dirty) {
        s->journal_dirty = false;
        journal(s, "draft");
        if (s->journal_error[0])
            tui_invalidate(); /* the agent must see that it is not kept */
    }
}

static bool intake_wants_text(void *st)
{
    (void)st;
    return true;   /* every field takes letters: the filter, the text, or a choice */
}

static const enum tui_action *intake_status(void *st)
{
    struct intake *s = st;
    static const enum tui_action keys[] = {TUI_ACT_SUBMIT, TUI_ACT_NEXT_FIELD, TUI_ACT_ATTACH, TUI_ACT_CANCEL,
                                           TUI_ACT_HELP, TUI_ACT_NONE};
    static const enum tui_action event_keys[] = {TUI_ACT_SUBMIT, TUI_ACT_READ_OUT, TUI_ACT_NEXT_FIELD,
                                                 TUI_ACT_ATTACH, TUI_ACT_CANCEL, TUI_ACT_HELP, TUI_ACT_NONE};
    return s->in && s->in->events.n ? event_keys : keys;
}

const struct screen_ops scr_intake_ops = {
    SCR_HEAD(intake),
    .open = intake_open,
    .close = intake_close,
    .draw = intake_draw,
    .action = intake_action,
    .key = intake_key,
    .wants_text = intake_wants_text,
    .status_keys = intake_status,
    .painted = intake_painted,
};
