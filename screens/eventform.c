/* eventform.c — declare, update or close a critical event: the fields, the customer message filled from a pre-approved template with its SMS length as it is typed, then a preview of who it reaches before it is confirmed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "careline/app.h"
#include "careline/event.h"
#include "careline/event_screens.h"
#include "careline/keymap.h"
#include "careline/region.h"
#include "careline/screens.h"
#include "careline/tui.h"
#include "careline/text.h"
#include "careline/util.h"

#define MAX_VALUES 8

enum field { F_KIND, F_TITLE, F_ZONES, F_SECTORS, F_START, F_RESTORE, F_CAUSE, F_TEMPLATE, F_VALUE, F_READ_OUT = F_VALUE + MAX_VALUES, F__COUNT };

struct form {
    enum db_event_op op;
    char event_id[37];        /* update, close */
    char new_id[37];          /* declare: made once, so a retried declare is one event */
    char request[37];         /* this change, kept for retries until it is written */
    struct db_event_setup setup;
    struct db_event_view view;
    bool have_setup, have_view;
    char *load_error;
    time_t loaded_at;         /* our clock when the database said setup.now */
    int kind, tmpl, cause;    /* kind: index of db_event_kind_at; tmpl: of setup.templates (-1 none); cause -1 keep */
    struct tui_field text[F__COUNT];   /* F_TITLE..F_RESTORE and F_VALUE.. */
    char names[MAX_VALUES][32];
    int nvalues;
    struct tui_textarea read_out;
    enum field order[F__COUNT];        /* the fields this form shows, in order */
    int nfields, focus;
    char error[256];
    enum field error_field;
    bool previewing, reach_loading, saving, discard_armed;
    struct db_rows reach;
    char *reach_error;
    struct db_event_checked checked;
    int top;
};

static const struct db_event *event_of(const struct form *f)
{
    return f->have_view && f->view.event.n == 1 ? DB_ROW(&f->view.event, const struct db_event, 0) : NULL;
}

static const struct db_event_template *template_at(const struct form *f, int i)
{
    return i >= 0 && i < f->setup.templates.n ? DB_ROW(&f->setup.templates, const struct db_event_template, i) : NULL;
}

static const char *kind_code(const struct form *f)
{
    const struct db_event *e = event_of(f);
    return f->op == DB_EVENT_DECLARE ? db_event_kind_at(f->kind)->code : e ? e->kind : "";
}

static const char *stage(const struct form *f)
{
    return f->op == DB_EVENT_CLOSE ? "closed" : "active";
}

/* The next (step +1) or previous template for the kind and stage, from i; -1 when none. */
static int template_step(const struct form *f, int i, int step)
{
    int n = f->setup.templates.n;
    for (int k = 1; k <= n; k++) {
        int j = ((i < 0 ? (step > 0 ? -1 : 0) : i) + step * k + n * k) % n;
        const struct db_event_template *t = template_at(f, j);
        if (strcmp(t->kind, kind_code(f)) == 0 && strcmp(t->stage, stage(f)) == 0)
            return j;
    }
    return -1;
}

/* The template's fields, keeping what was typed into a field of the same name. */
static void set_template(struct form *f, int i)
{
    char old_names[MAX_VALUES][32];
    char *old_values[MAX_VALUES];
    int old_n = f->nvalues;
    for (int k = 0; k < old_n; k++) {
        memcpy(old_names[k], f->names[k], 32);
        old_values[k] = util_strdup(f->text[F_VALUE + k].text);
    }
    f->tmpl = i;
    const struct db_event_template *t = template_at(f, i);
    f->nvalues = t ? db_event_template_fields(t->body, f->names, MAX_VALUES) : 0;
    for (int k = 0; k < MAX_VALUES; k++) {
        const char *keep = "";
        for (int o = 0; k < f->nvalues && o < old_n; o++)
            if (strcmp(old_names[o], f->names[k]) == 0)
                keep = old_values[o];
        tui_field_set(&f->text[F_VALUE + k], keep);
    }
    for (int k = 0; k < old_n; k++)
        free(old_values[k]);
}

static void build_order(struct form *f)
{
    int n = 0;
    if (f->op == DB_EVENT_DECLARE)
        f->order[n++] = F_KIND;
    if (f->op != DB_EVENT_CLOSE) {
        f->order[n++] = F_TITLE;
        f->order[n++] = F_ZONES;
        f->order[n++] = F_SECTORS;
    }
    if (f->op == DB_EVENT_DECLARE)
        f->order[n++] = F_START;
    f->order[n++] = F_RESTORE;
    if (f->op == DB_EVENT_CLOSE)
        f->order[n++] = F_CAUSE;
    f->order[n++] = F_TEMPLATE;
    for (int k = 0; k < f->nvalues; k++)
        f->order[n++] = (enum field)(F_VALUE + k);
    if (f->op != DB_EVENT_CLOSE)
        f->order[n++] = F_READ_OUT;
    f->nfields = n;
    if (f->focus >= n)
        f->focus = n - 1;
}

static enum field focused(const struct form *f)
{
    return f->order[f->focus];
}

/* Update and close start from the event as it is: its template, its field values. */
static void prefill(struct form *f)
{
    const struct db_event *e = event_of(f);
    int t = -1;
    for (int i = 0; e && f->op == DB_EVENT_UPDATE && i < f->setup.templates.n; i++)
        if (strcmp(template_at(f, i)->code, e->template_code) == 0)
            t = i;
    set_template(f, t >= 0 ? t : template_step(f, -1, 1));
    for (int i = 0; e && i < f->view.fields.n; i++) {
        const struct db_event_field_value *v = DB_ROW(&f->view.fields, const struct db_event_field_value, i);
        for (int k = 0; k < f->nvalues; k++)
            if (strcmp(f->names[k], v->name) == 0)
                tui_field_set(&f->text[F_VALUE + k], v->value);
    }
    if (e && f->op == DB_EVENT_UPDATE) {
        tui_field_set(&f->text[F_TITLE], e->title);
        tui_textarea_set(&f->read_out, e->agent_message);
    }
    build_order(f);
}

static void ready(struct form *f)
{
    if (f->have_setup && (f->op == DB_EVENT_DECLARE || f->have_view))
        prefill(f);
    tui_invalidate();
}

static void got_setup(void *ctx, struct db_event_setup *s, const char *err)
{
    struct form *f = ctx;
    if (!s) {
        free(f->load_error);
        f->load_error = util_asprintf("Cannot start: %s", err);
        tui_invalidate();
        return;
    }
    f->setup = *s;
    memset(s, 0, sizeof *s);
    f->loaded_at = time(NULL);
    f->have_setup = true;
    ready(f);
}

static void got_view(void *ctx, struct db_event_view *v, const char *err)
{
    struct form *f = ctx;
    if (!v) {
        free(f->load_error);
        f->load_error = util_asprintf("Cannot load the event: %s", err);
        tui_invalidate();
        return;
    }
    bool again = f->have_view;
    db_event_view_free(&f->view);
    f->view = *v;
    memset(v, 0, sizeof *v);
    f->have_view = true;
    if (!again)
        ready(f);   /* a reload after a conflict keeps what was typed */
    tui_invalidate();
}

static void *eventform_open(void *arg)
{
    const struct scr_eventform_arg *a = arg;
    if (!a || (a->op != DB_EVENT_DECLARE && !a->event_id))
        return NULL;
    if (a->event_id && strlen(a->event_id) != 36)
        return NULL;   /* no event id of ours */
    struct form *f = util_calloc(1, sizeof *f);
    f->op = a->op;
    f->cause = -1;
    f->tmpl = -1;
    if (a->event_id)
        memcpy(f->event_id, a->event_id, sizeof f->event_id);   /* 36 characters and the end, checked above */
    util_uuid(f->new_id);
    for (int i = 0; i < F__COUNT; i++)
        tui_field_init(&f->text[i], i == F_TITLE ? 120 : i >= F_VALUE ? 80 : 200);
    tui_textarea_init(&f->read_out, 2000);
    build_order(f);
    db_event_setup_load(app_db(), got_setup, f);
    if (f->op != DB_EVENT_DECLARE)
        db_event_load(app_db(), f->event_id, got_view, f);
    return f;
}

static void eventform_close(void *st)
{
    struct form *f = st;
    db_forget_owner(app_db(), f);
    db_event_setup_free(&f->setup);
    db_event_view_free(&f->view);
    db_rows_free(&f->reach);
    db_event_checked_free(&f->checked);
    for (int i = 0; i < F__COUNT; i++)
        tui_field_free(&f->text[i]);
    tui_textarea_free(&f->read_out);
    free(f->reach_error);
    free(f->load_error);
    free(f);
}

/* ---- the input and its check ------------------------------------------------------------------ */

static time_t now_of(const struct form *f)
{
    return (time_t)f->setup.now + (time(NULL) - f->loaded_at);
}

/* The form as the one check takes it; values points into the form. */
static void input_of(const struct form *f, struct db_event_input *in, struct db_event_field *values)
{
    const struct db_event *e = event_of(f);
    memset(in, 0, sizeof *in);
    in->op = f->op;
    in->kind = kind_code(f);
    in->title = f->text[F_TITLE].text;
    in->zones = f->text[F_ZONES].text;
    in->sectors = f->text[F_SECTORS].text;
    in->start = f->text[F_START].text;
    in->restore = f->text[F_RESTORE].text;
    in->read_out = f->op == DB_EVENT_CLOSE ? "" : f->read_out.f.text;
    in->tmpl = template_at(f, f->tmpl);
    for (int k = 0; k < f->nvalues; k++)
        values[k] = (struct db_event_field){f->names[k], f->text[F_VALUE + k].text};
    in->fields = values;
    in->nfields = f->nvalues;
    in->now = now_of(f);
    in->tz = f->setup.tz;
    in->known_zones = &f->setup.zones;
    if (e)
        db_event_input_from(in, e);
}

static enum field field_of(const struct form *f, const struct db_event_problem *p)
{
    static const enum field parts[DB_EVP__COUNT] = {F_KIND, F_TITLE, F_ZONES, F_SECTORS, F_START, F_RESTORE,
                                                    F_READ_OUT, F_TEMPLATE, F_VALUE, F_TEMPLATE};
    if (p->part == DB_EVP_FIELD || p->part == DB_EVP_MESSAGE)
        for (int k = 0; k < f->nvalues; k++)
            if (p->part == DB_EVP_MESSAGE || strcmp(f->names[k], p->field) == 0)
                return (enum field)(F_VALUE + k);
    return parts[p->part];
}

static void reached(void *ctx, struct db_rows *rows, const char *err)
{
    struct form *f = ctx;
    f->reach_loading = false;
    free(f->reach_error);
    f->reach_error = err ? util_strdup(err) : NULL;
    db_rows_free(&f->reach);
    if (!err) {
        f->reach = *rows;
        *rows = (struct db_rows){0};
    }
    tui_invalidate();
}

/* F2 on the form: the one check, then who it reaches (one round trip). */
static enum scr_result check_and_preview(struct form *f)
{
    struct db_event_input in;
    struct db_event_field values[MAX_VALUES];
    struct db_event_problem p;
    input_of(f, &in, values);
    db_event_checked_free(&f->checked);
    if (db_event_check(&in, &f->checked, &p) < 0) {
        util_format(f->error, sizeof f->error, "%s", p.text);
        f->error_field = field_of(f, &p);
        for (int i = 0; i < f->nfields; i++)
            if (f->order[i] == f->error_field)
                f->focus = i;
        return SCR_REDRAW;
    }
    f->error[0] = '\0';
    f->previewing = true;
    f->reach_loading = true;
    db_event_reach_load(app_db(), f->op == DB_EVENT_DECLARE ? NULL : f->event_id, f->checked.zones,
                        f->checked.nzones, f->checked.sectors, f->checked.nsectors, reached, f);
    return SCR_REDRAW;
}

static void saved(void *ctx, const struct db_event_written *w, const char *err)
{
    struct form *f = ctx;
    f->saving = false;
    if (err) {
        /* Everything is kept, the request id too: F2 again is the same change. */
        util_format(f->error, sizeof f->error, "Not saved: %.*s", (int)strcspn(err, "\n"), err);
        tui_invalidate();
        return;
    }
    if (w->version == 0) {
        char save[32];
        util_format(f->error, sizeof f->error, "Someone changed this event while you worked: it is loaded again and "
                    "what you typed is kept. Check and press %s again.",
                    tui_key_hint("eventform", TUI_ACT_SUBMIT, save, sizeof save));
        f->previewing = false;
        f->request[0] = '\0';
        db_event_load(app_db(), f->event_id, got_view, f);
        tui_invalidate();
        return;
    }
    char id[37];
    memcpy(id, f->op == DB_EVENT_DECLARE ? f->new_id : f->event_id, sizeof id);   /* both 37 bytes */
    enum db_event_op op = f->op;
    if (op == DB_EVENT_CLOSE && db_region_pays())
        tui_message(TUI_ROLE_OK, "Event closed (version %d): %d guaranteed payment%s credited to accounts.", w->version, w->payments,
                    w->payments == 1 ? "" : "s");
    else if (op == DB_EVENT_CLOSE)
        tui_message(TUI_ROLE_OK, "Event closed (version %d): every terminal sees it, customers are being told.", w->version);
    else
        tui_message(TUI_ROLE_OK, "Event %s (version %d): every terminal sees it, customers are being told.",
                    op == DB_EVENT_DECLARE ? "declared" : "updated", w->version);
    tui_pop();   /* f is freed here */
    if (op == DB_EVENT_DECLARE)
        scr_open_event(id);
}

static enum scr_result confirm(struct form *f)
{
    if (f->saving || f->reach_loading)
        return SCR_HANDLED;
    if (f->reach_error) {
        char cancel[32];
        tui_message(TUI_ROLE_WARN, "Who it reaches is not known yet: go back with %s and check again.",
                    tui_key_hint("eventform", TUI_ACT_CANCEL, cancel, sizeof cancel));
        return SCR_REDRAW;
    }
    const struct db_event *e = event_of(f);
    const struct db_event_template *t = template_at(f, f->tmpl);
    const struct db_root_cause *c = f->cause >= 0 && f->cause < f->setup.causes.n
                                        ? DB_ROW(&f->setup.causes, const struct db_root_cause, f->cause)
                                        : NULL;
    if (!f->request[0])
        util_uuid(f->request);
    struct db_event_write w = {
        .op = f->op, .id = f->op == DB_EVENT_DECLARE ? f->new_id : f->event_id, .request = f->request,
        .version = e ? e->version : 0, .kind = kind_code(f), .title = f->text[F_TITLE].text,
        .read_out = f->op == DB_EVENT_CLOSE ? "" : f->read_out.f.text, .template_code = t ? t->code : "",
        .root_cause = c ? c->code : "", .checked = &f->checked,
    };
    f->saving = true;
    f->error[0] = '\0';
    db_event_send(app_db(), &w, saved, f);
    return SCR_REDRAW;
}

/* ---- drawing ---------------------------------------------------------------------------------- */

static const char *label_of(const struct form *f, enum field fl)
{
    switch (fl) {
    case F_KIND: return "Kind";
    case F_TITLE: return "Title";
    case F_ZONES: return f->op == DB_EVENT_UPDATE ? "Add zones" : "Zones";
    case F_SECTORS: return f->op == DB_EVENT_UPDATE ? "Add sectors" : "Sectors";
    case F_START: return "Starts";
    case F_RESTORE: return f->op == DB_EVENT_CLOSE ? "Supply back" : "Restore by";
    case F_CAUSE: return "Root cause";
    case F_TEMPLATE: return "Message";
    case F_READ_OUT: return "Read-out";
    default: break;
    }
    /* A template's field, for people: "bottled_water_point" -> "Bottled water point". */
    static char pretty[32];
    util_format(pretty, sizeof pretty, "%s", fl >= F_VALUE && fl < F_VALUE + MAX_VALUES ? f->names[fl - F_VALUE] : "");
    tui_text_words(pretty);
    if (pretty[0] >= 'a' && pretty[0] <= 'z')
        pretty[0] = (char)(pretty[0] - 'a' + 'A');
    return pretty;
}

/* The zones typed, named: "Oxford, Bath" or what is not a zone. */
static void zone_names(const struct form *f, char *buf, size_t len)
{
    char **codes = NULL, why[160];
    int n = db_event_split_zones(f->text[F_ZONES].text, &codes, why, sizeof why);
    struct util_buf b = {0};
    util_buf_puts(&b, "");
    for (int i = 0; i < n; i++) {
        const char *name = NULL;
        for (int z = 0; z < f->setup.zones.n && !name; z++)
            if (strcmp(DB_ROW(&f->setup.zones, const struct db_zone, z)->code, codes[i]) == 0)
                name = DB_ROW(&f->setup.zones, const struct db_zone, z)->name;
        util_buf_printf(&b, "%s%s%s", b.len ? ", " : "", name ? name : codes[i], name ? "" : " (not a zone)");
    }
    if (n < 0)
        util_format(buf, len, "%s", why);
    else if (n == 0)
        util_format(buf, len, "zone codes, comma separated, e.g. %s",
                    f->setup.zones.n ? DB_ROW(&f->setup.zones, const struct db_zone, 0)->code : "OXF");
    else
        util_format(buf, len, "%s", b.data);
    util_buf_free(&b);
    db_event_strv_free(codes, n > 0 ? n : 0);
}

static const char *hint_of(const struct form *f, enum field fl, char *buf, size_t len)
{
    const struct db_event *e = event_of(f);
    switch (fl) {
    case F_KIND: return "Left/Right or its first letter chooses the kind";
    case F_TITLE: return "what everybody sees first, e.g. Burst main, Otley Road";
    case F_ZONES: zone_names(f, buf, len); return buf;
    case F_SECTORS: return db_region()->sector_hint;
    case F_START: return "empty is now; or +30m, HH:MM, YYYY-MM-DD HH:MM";
    case F_RESTORE:
        if (f->op == DB_EVENT_CLOSE)
            return "when supply came back: empty is now; or HH:MM, YYYY-MM-DD HH:MM";
        if (f->op == DB_EVENT_UPDATE)
            util_format(buf, len, "now %s; empty keeps it; or +4h, HH:MM", e && *e->restore_text ? e->restore_text
                                                                                               : "not known");
        else
            util_format(buf, len, "the estimate: +4h, 18:00, YYYY-MM-DD HH:MM");
        return buf;
    case F_CAUSE: return "Left/Right: why it happened (the event's complaints get it)";
    case F_TEMPLATE: return "Left/Right: the pre-approved messages for this kind";
    case F_READ_OUT: return "what agents read to callers; Enter starts a new line";
    default: util_format(buf, len, "fills {%s} in the message", f->names[fl - F_VALUE]); return buf;
    }
}

static const char *choice_of(const struct form *f, enum field fl, char *buf, size_t len)
{
    if (fl == F_KIND)
        return db_event_kind_at(f->kind)->label;
    if (fl == F_TEMPLATE) {
        const struct db_event_template *t = template_at(f, f->tmpl);
        if (!t)
            return "(no message for this kind)";
        util_format(buf, len, "%s (%s)", t->name, t->code);
        return buf;
    }
    if (f->cause >= 0 && f->cause < f->setup.causes.n)
        return DB_ROW(&f->setup.causes, const struct db_root_cause, f->cause)->name;
    const struct db_event *e = event_of(f);
    util_format(buf, len, e && *e->root_cause ? "(keep: %s)" : "(none yet)", e ? e->root_cause : "");
    return buf;
}

static int height_of(enum field fl)
{
    return fl == F_READ_OUT ? 3 : 1;
}

static void draw_field(struct form *f, int i, int y, int x, int w, int label_w)
{
    enum field fl = f->order[i];
    bool on = i == f->focus;
    char buf[200];
    tui_put(y, x, label_w, on ? TUI_ROLE_SELECTED : TUI_ROLE_LABEL, label_of(f, fl));
    int vx = x + label_w + 1, vw = w - label_w - 1;
    if (fl == F_KIND || fl == F_TEMPLATE || fl == F_CAUSE) {
        char v[240];
        util_format(v, sizeof v, on ? "< %s >" : "  %s  ", choice_of(f, fl, buf, sizeof buf));
        tui_fill(y, vx, vw, TUI_ROLE_NORMAL);
        tui_put(y, vx, vw, on ? TUI_ROLE_INPUT : TUI_ROLE_NORMAL, v);
    } else if (fl == F_READ_OUT) {
        tui_textarea_draw(&f->read_out, (struct tui_rect){y, vx, 3, vw}, on);
    } else {
        tui_field_draw(&f->text[fl], y, vx, vw, on);
    }
}

/* The message as it stands, with its SMS length, at the foot of the form. */
static int draw_message(const struct form *f, struct tui_rect r)
{
    struct db_event_input in;
    struct db_event_field values[MAX_VALUES];
    struct db_sms_length l;
    input_of(f, &in, values);
    char *text = db_event_preview_message(&in, &l), words[96], *head;
    head = util_asprintf("Customers get, %s:", text ? db_sms_text(&l, words, sizeof words) : "no message");
    bool too_long = l.segments > DB_EVENT_SMS_MAX_SEGMENTS;
    tui_hline(r.y, r.x, r.w, TUI_ROLE_BORDER);
    tui_put(r.y + 1, r.x + 1, r.w - 2, too_long ? TUI_ROLE_ERROR : TUI_ROLE_LABEL, head);
    struct tui_rect tr = {r.y + 2, r.x + 1, r.h - 2, r.w - 2};
    if (text && tr.h > 0)
        tui_put_wrapped(tr, TUI_ROLE_NORMAL, text, 0, false);
    free(head);
    free(text);
    return r.h;
}

static void draw_form(struct form *f, struct tui_rect b)
{
    char save[32], line[200];
    tui_key_hint("eventform", TUI_ACT_SUBMIT, save, sizeof save);
    if (f->op == DB_EVENT_DECLARE)
        util_format(line, sizeof line,
                    "Declare a critical event. %s checks it and shows who it reaches before anything is sent.", save);
    else if (f->op == DB_EVENT_UPDATE)
        util_format(line, sizeof line, "Update the event: change what changed. %s checks it and shows who it reaches.",
                    save);
    else if (db_region_pays())
        util_format(line, sizeof line,
                    "Close the event: supply is back. %s checks it; guaranteed payments are settled as it closes.", save);
    else   /* no compensation scheme */
        util_format(line, sizeof line, "Close the event: supply is back. %s checks it and shows who is told.", save);
    int used = tui_put_wrapped((struct tui_rect){b.y, b.x + 1, 2, b.w - 2}, TUI_ROLE_DIM, line, 0, false);
    used = used > 2 ? 2 : used;   /* the rest of a long sentence scrolls in its two rows */
    int msg_h = b.h >= 18 ? 5 : b.h >= 12 ? 3 : 0;
    int y0 = b.y + used + 1, visible = b.h - used - 1 - msg_h;
    if (visible < 2)
        return;
    /* Keep the focused field and the line under it in view. */
    int at = 0, focus_at = 0;
    for (int i = 0; i < f->nfields; i++) {
        if (i == f->focus)
            focus_at = at;
        at += height_of(f->order[i]) + (i == f->focus);
    }
    int fh = height_of(focused(f)) + 1;
    if (focus_at < f->top)
        f->top = focus_at;
    if (focus_at + fh > f->top + visible)
        f->top = focus_at + fh - visible;
    int label_w = 12, row = 0;
    for (int i = 0; i < f->nfields; i++) {
        int w = (int)strlen(label_of(f, f->order[i]));
        label_w = w > label_w ? (w > 20 ? 20 : w) : label_w;
    }
    char buf[200];
    for (int i = 0; i < f->nfields; i++) {
        int h = height_of(f->order[i]);
        int y = y0 + row - f->top;
        if (row >= f->top && row + h <= f->top + visible)
            draw_field(f, i, y, b.x + 1, b.w - 2, label_w);
        row += h;
        if (i != f->focus)
            continue;
        y = y0 + row - f->top;
        bool err = f->error[0] && f->error_field == f->order[i];
        if (row >= f->top && row < f->top + visible)
            tui_put(y, b.x + 2 + label_w, b.w - label_w - 3, err ? TUI_ROLE_ERROR : TUI_ROLE_HINT,
                    err ? f->error : hint_of(f, f->order[i], buf, sizeof buf));
        row++;
    }
    if (f->error[0] && !f->nfields)
        tui_put(y0, b.x + 1, b.w - 2, TUI_ROLE_ERROR, f->error);
    if (msg_h)
        draw_message(f, (struct tui_rect){b.y + b.h - msg_h, b.x, msg_h, b.w});
}

static void reach_text(const struct form *f, struct util_buf *b)
{
    if (f->reach_loading) {
        util_buf_puts(b, "Counting who it reaches...\n");
        return;
    }
    if (f->reach_error) {
        util_buf_printf(b, "Who it reaches is not known: %s\nIt cannot be confirmed until it is known.\n",
                        f->reach_error);
        return;
    }
    struct db_event_reach t;
    db_event_reach_total(&f->reach, &t);
    util_buf_printf(b, "It reaches %lld customer%s: %lld on the Priority Services Register, %lld vulnerable, %lld "
                       "non-digital (these are phoned).\n", (long long)t.customers, t.customers == 1 ? "" : "s",
                    (long long)t.priority_services, (long long)t.vulnerable, (long long)t.non_digital);
    util_buf_puts(b, "By preferred channel:");
    for (int i = 0; i < f->reach.n; i++) {
        const struct db_event_reach *r = DB_ROW(&f->reach, const struct db_event_reach, i);
        util_buf_printf(b, "%s %s %lld", i ? "," : "", r->preferred_channel, (long long)r->customers);
    }
    util_buf_puts(b, f->reach.n ? ".\n" : " nobody.\n");
}

static void draw_preview(struct form *f, struct tui_rect b)
{
    static const char *const ask[] = {"Declare this event?", "Update the event?", "Close the event?"};
    struct util_buf t = {0};
    char words[96], open[32], save[32], cancel[32];
    util_buf_printf(&t, "%s\n\n", ask[f->op]);
    reach_text(f, &t);
    util_buf_printf(&t, "\nCustomers get, %s:\n%s\n\n", db_sms_text(&f->checked.sms, words, sizeof words),
                    f->checked.message);
    if (f->op == DB_EVENT_CLOSE && db_region_pays())
        util_buf_puts(&t, "Guaranteed payments owed for the time without supply are credited to the customers' accounts as it closes.\n");
    util_buf_printf(&t, "%s", f->saving ? "Saving..." : "");
    if (!f->saving)
        util_buf_printf(&t, "%s or %s confirms; %s goes back to the form.",
                        tui_key_hint("eventform", TUI_ACT_OPEN, open, sizeof open),
                        tui_key_hint("eventform", TUI_ACT_SUBMIT, save, sizeof save),
                        tui_key_hint("eventform", TUI_ACT_CANCEL, cancel, sizeof cancel));
    int used = tui_put_wrapped((struct tui_rect){b.y, b.x + 1, b.h - (f->error[0] ? 2 : 0), b.w - 2},
                               TUI_ROLE_NORMAL, t.data, 0, false);
    (void)used;
    if (f->error[0])
        tui_put_wrapped((struct tui_rect){b.y + b.h - 2, b.x + 1, 2, b.w - 2}, TUI_ROLE_ERROR, f->error, 0, false);
    util_buf_free(&t);
}

static void eventform_draw(void *st, struct tui_rect b)
{
    struct form *f = st;
    if (f->load_error || !f->have_setup || (f->op != DB_EVENT_DECLARE && !f->have_view)) {
        tui_put(b.y, b.x + 1, b.w - 2, f->load_error ? TUI_ROLE_ERROR : TUI_ROLE_DIM,
                f->load_error ? f->load_error : "Loading...");
        return;
    }
    if (f->previewing)
        draw_preview(f, b);
    else
        draw_form(f, b);
}

/* ---- keys -------------------------------------------------------------------------------------- */

static void cycle(struct form *f, int step)
{
    switch (focused(f)) {
    case F_KIND:
        f->kind = (f->kind + step + DB_EVENT_KINDS) % DB_EVENT_KINDS;
        set_template(f, template_step(f, -1, 1));
        break;
    case F_TEMPLATE:
        set_template(f, template_step(f, f->tmpl, step));
        break;
    case F_CAUSE: {
        int n = f->setup.causes.n + 1;   /* and "keep" */
        f->cause = (f->cause + 1 + step + n) % n - 1;
        break;
    }
    default:
        return;
    }
    build_order(f);
}

/* A letter picks the next kind or message starting with it. */
static bool pick_letter(struct form *f, int key)
{
    if (key <= ' ' || key >= 127 || (focused(f) != F_KIND && focused(f) != F_TEMPLATE))
        return false;
    int n = focused(f) == F_KIND ? DB_EVENT_KINDS : f->setup.templates.n;
    for (int step = 1; step <= n; step++) {
        int i = ((focused(f) == F_KIND ? f->kind : f->tmpl) + step + n) % n;
        const char *name = focused(f) == F_KIND ? db_event_kind_at(i)->label : template_at(f, i)->name;
        bool fits = focused(f) == F_KIND || (strcmp(template_at(f, i)->kind, kind_code(f)) == 0 &&
                                             strcmp(template_at(f, i)->stage, stage(f)) == 0);
        if (fits && (name[0] | 0x20) == (key | 0x20)) {
            if (focused(f) == F_KIND) {
                f->kind = i;
                set_template(f, template_step(f, -1, 1));
            } else {
                set_template(f, i);
            }
            build_order(f);
            return true;
        }
    }
    return true;   /* a letter never falls through to a key binding here */
}

static enum scr_result form_key(struct form *f, int key)
{
    enum field fl = focused(f);
    bool changed = false, used;
    if (fl == F_READ_OUT)
        used = tui_textarea_key(&f->read_out, key, &changed);
    else if (fl != F_KIND && fl != F_TEMPLATE && fl != F_CAUSE)
        used = tui_field_key(&f->text[fl], key, &changed);
    else if (key == tui_key_parse("Right") || key == ' ' || key == tui_key_parse("Left"))
        cycle(f, key == tui_key_parse("Left") ? -1 : 1), used = changed = true;
    else
        used = changed = pick_letter(f, key);
    if (changed && f->error_field == fl)
        f->error[0] = '\0';
    return used ? SCR_REDRAW : SCR_UNHANDLED;
}

static enum scr_result eventform_key(void *st, int key)
{
    struct form *f = st;
    if (f->previewing || !f->have_setup || (f->op != DB_EVENT_DECLARE && !f->have_view))
        return SCR_UNHANDLED;
    enum scr_result r = form_key(f, key);
    if (r != SCR_UNHANDLED)
        f->discard_armed = false;
    return r;
}

static bool typed(const struct form *f)
{
    for (int i = 0; i < F__COUNT; i++)
        if (f->text[i].len)
            return true;
    return f->read_out.f.len > 0;
}

static enum scr_result back(struct form *f)
{
    if (f->previewing) {
        if (!f->saving)
            f->previewing = false;
        return SCR_REDRAW;
    }
    if (typed(f) && !f->discard_armed) {
        f->discard_armed = true;
        char cancel[32];
        tui_message(TUI_ROLE_WARN, "Press %s again to throw away what you typed.",
                    tui_key_hint("eventform", TUI_ACT_CANCEL, cancel, sizeof cancel));
        return SCR_REDRAW;
    }
    return SCR_CLOSE;
}

static enum scr_result eventform_action(void *st, enum tui_action a)
{
    struct form *f = st;
    if (a != TUI_ACT_CANCEL && a != TUI_ACT_BACK)
        f->discard_armed = false;
    bool loaded = f->have_setup && (f->op == DB_EVENT_DECLARE || f->have_view);
    switch (a) {
    case TUI_ACT_CANCEL:
    case TUI_ACT_BACK:
        return back(f);
    case TUI_ACT_SUBMIT:
        return !loaded ? SCR_HANDLED : f->previewing ? confirm(f) : check_and_preview(f);
    case TUI_ACT_OPEN:   /* Enter confirms the preview; in a one-line field it goes to the next one */
        if (f->previewing)
            return confirm(f);
        __attribute__((fallthrough));
    case TUI_ACT_NEXT_FIELD:
    case TUI_ACT_DOWN:
        if (!f->previewing && f->nfields)
            f->focus = (f->focus + 1) % f->nfields;
        return SCR_REDRAW;
    case TUI_ACT_PREV_FIELD:
    case TUI_ACT_UP:
        if (!f->previewing && f->nfields)
            f->focus = (f->focus + f->nfields - 1) % f->nfields;
        return SCR_REDRAW;
    case TUI_ACT_PAGE_DOWN:
    case TUI_ACT_PAGE_UP:
        if (!f->previewing && loaded)
            cycle(f, a == TUI_ACT_PAGE_DOWN ? 1 : -1);
        return SCR_REDRAW;
    default:
        return SCR_UNHANDLED;
    }
}

static bool eventform_wants_text(void *st)
{
    return !((struct form *)st)->previewing;
}

static const enum tui_action *eventform_status(void *st)
{
    static const enum tui_action form[] = {TUI_ACT_SUBMIT, TUI_ACT_NEXT_FIELD, TUI_ACT_CANCEL, TUI_ACT_HELP,
                                           TUI_ACT_NONE};
    static const enum tui_action preview[] = {TUI_ACT_SUBMIT, TUI_ACT_CANCEL, TUI_ACT_HELP, TUI_ACT_NONE};
    return ((struct form *)st)->previewing ? preview : form;
}

const struct screen_ops scr_eventform_ops = {
    SCR_HEAD(eventform),
    .open = eventform_open,
    .close = eventform_close,
    .draw = eventform_draw,
    .action = eventform_action,
    .key = eventform_key,
    .wants_text = eventform_wants_text,
    .status_keys = eventform_status,
};
