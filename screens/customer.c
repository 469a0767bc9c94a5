/* customer.c — the unified customer view: header, event banner and six panels, all from one round trip; its data and its keys (drawing in customer_draw.c and the panels' files). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careline/app.h"
#include "careline/audit_screen.h"
#include "careline/customer_screen.h"
#include "careline/intake.h"
#include "careline/keymap.h"
#include "careline/logcontact_screen.h"
#include "careline/screens.h"
#include "careline/search.h"
#include "careline/textview.h"
#include "careline/util.h"

/* ---- data arriving ------------------------------------------------------ */

/* What the rules make of the rows, and the lists' lengths. */
static void derive(struct scr_customer *c)
{
    const struct db_customer_view *v = c->v;
    c->nusage = db_cv_usage_months(v, c->usage, SCR_CUST_MONTHS);
    c->usage_flags = db_usage_flags(c->usage, c->nusage, c->usage_reason, sizeof c->usage_reason);
    const struct db_rows *b = &v->part[CV_BILLS];
    c->high_bill = b->n ? db_high_bill(DB_ROW(b, const struct db_cv_bill, 0), b->n, c->high_reason,
                                       sizeof c->high_reason)
                        : -1;
    if (c->high_bill < 0)
        c->high_reason[0] = '\0';
    for (int p = 0; p < SCR_CUST__PANELS; p++)
        tui_list_set_count(&c->list[p], 0);
    tui_list_set_count(&c->list[SCR_CUST_USAGE], c->nusage);
    tui_list_set_count(&c->list[SCR_CUST_BILLING], b->n);
    tui_list_set_count(&c->list[SCR_CUST_CONTACTS], v->part[CV_CONTACTS].n);
    tui_list_set_count(&c->list[SCR_CUST_COMPLAINTS], v->part[CV_COMPLAINTS].n);
    tui_list_set_count(&c->list[SCR_CUST_PROGRAMMES], v->part[CV_PROGRAMMES].n);
    /* Usage reads newest first, like every other list. */
    c->list[SCR_CUST_USAGE].sel = c->nusage ? 0 : -1;
}

static void view_free(struct db_customer_view *v)
{
    db_customer_view_free(v);
    free(v);
}

static void on_view(void *ctx, struct db_customer_view *v)
{
    struct scr_customer *c = ctx;
    c->loading = false;
    free(c->error);
    c->error = NULL;
    if (v->error) {
        c->error = util_strdup(v->error);
        view_free(v);
        tui_invalidate();
        return;
    }
    if (c->v)
        view_free(c->v);
    c->v = v;
    if (!DB_CV_HEADER(c->v))
        c->error = util_strdup("This customer no longer exists.");
    derive(c);
    tui_invalidate();
}

/* A partial refresh (banner after NOTIFY, next page of contacts, a new
 * contact): replace only the parts that came back. */
static void on_refresh(void *ctx, struct db_customer_view *v)
{
    struct scr_customer *c = ctx;
    c->more_contacts_pending = false;
    if (v->error || !c->v) {
        if (v->error)
            tui_message(TUI_ROLE_ERROR, "%s", v->error);
        view_free(v);
        tui_invalidate();
        return;
    }
    db_customer_view_merge(c->v, v);
    int sel[SCR_CUST__PANELS];
    for (int p = 0; p < SCR_CUST__PANELS; p++)
        sel[p] = c->list[p].sel;
    derive(c);
    for (int p = 0; p < SCR_CUST__PANELS; p++)
        if (sel[p] >= 0 && sel[p] < c->list[p].count)
            c->list[p].sel = sel[p];
    view_free(v);
    tui_invalidate();
}

static void refresh_parts(struct scr_customer *c, const enum db_cv_part *parts, int n, int offset)
{
    db_customer_refresh(app_db(), c->id, parts, n, offset, on_refresh, c);
}

/* A critical event was declared, changed or ended somewhere: fetch this
 * customer's banner again (one statement, one round trip). */
static void on_event_notify(void *ctx, const char *channel, const char *payload)
{
    (void)channel;
    (void)payload;
    struct scr_customer *c = ctx;
    static const enum db_cv_part parts[] = {CV_EVENTS};
    refresh_parts(c, parts, 1, c->v ? c->v->contacts_offset : 0);
}

/* The screens share one LISTEN; the top customer view gets the news. */
static struct scr_customer *listening;
static bool listen_registered;

static void event_relay(void *ctx, const char *channel, const char *payload)
{
    (void)ctx;
    if (listening)
        on_event_notify(listening, channel, payload);
}

static void *customer_open(void *arg)
{
    const struct db_search_hit *h = arg;
    if (!h)
        return NULL;
    struct scr_customer *c = util_calloc(1, sizeof *c);
    c->id = h->customer_id;
    c->title_name = util_strdup(h->name);
    c->loading = true;
    c->high_bill = -1;
    for (int p = 0; p < SCR_CUST__PANELS; p++)
        tui_list_set_count(&c->list[p], 0);
    if (!listen_registered) {
        db_listen(app_db(), "careline_event", event_relay, NULL);
        listen_registered = true;
    }
    listening = c;
    db_customer_open(app_db(), c->id, on_view, c);
    return c;
}

static void customer_close(void *st)
{
    struct scr_customer *c = st;
    db_forget_owner(app_db(), c);
    if (listening == c)
        listening = NULL;
    if (c->v)
        view_free(c->v);
    free(c->error);
    free(c->title_name);
    free(c);
}

/* What a contact changes: the header (repeat contact) and the timeline; a
 * complaint also its list. Only those travel: on a far database each part
 * costs its rows and its description. */
static const enum db_cv_part changed_parts[] = {CV_HEADER, CV_CONTACTS, CV_CONTACT_COUNT, CV_COMPLAINTS};
#define CONTACT_PARTS 3

/* The contact form's save came back with the parts it changed. */
static void on_saved_refresh(void *ctx, struct db_customer_view *v)
{
    struct scr_customer *c = ctx;
    c->refreshed_by_save = !v->error;
    on_refresh(c, v);
}

static void customer_resume(void *st)
{
    struct scr_customer *c = st;
    listening = c;
    c->list[SCR_CUST_CONTACTS].sel = 0;
    c->list[SCR_CUST_CONTACTS].top = 0;
    /* Back from a saved contact, the parts came with the save. */
    if (!(c->contact_only && c->refreshed_by_save))
        refresh_parts(c, changed_parts, c->contact_only ? CONTACT_PARTS : 4, 0);
    c->contact_only = false;
    c->refreshed_by_save = false;
}

/* ---- actions ----------------------------------------------------------------- */

/* The list holds each contact's summary; its whole text (a long e-mail,
 * say) comes when it is opened, one statement away. */
static void on_contact_body(void *ctx, const struct db_cv_contact_more *more, const char *err)
{
    struct scr_customer *c = ctx;
    const struct db_cv_contact *t = NULL;
    for (int i = 0; c->v && i < scr_cust_rows(c, CV_CONTACTS) && !t; i++) {
        t = SCR_CUST_ROW(c, CV_CONTACTS, struct db_cv_contact, i);
        t = strcmp(t->id, c->body_of) == 0 ? t : NULL;   /* the list may have moved on meanwhile */
    }
    c->body_of[0] = '\0';
    if (err || !t) {
        tui_message(TUI_ROLE_ERROR, "%s", err ? err : "This contact is no longer on the list.");
        tui_invalidate();
        return;
    }
    char *title = util_asprintf("Contact %s", t->started);
    char *text = util_asprintf("When:     %s\nChannel:  %s (%s)\nAgent:    %s\nWrap-up:  %s\nSubject:  %s\n"
                               "Summary:  %s\n\n%s",
                               t->started, t->channel, more->direction, t->agent, t->wrap_up, more->subject,
                               t->summary, more->body);
    scr_textview_push(title, text);
    free(title);
    free(text);
    tui_invalidate();
}

static void show_contact(struct scr_customer *c, int row)
{
    const struct db_cv_contact *t = SCR_CUST_ROW(c, CV_CONTACTS, struct db_cv_contact, row);
    if (!t || c->body_of[0])
        return;
    util_format(c->body_of, sizeof c->body_of, "%s", t->id);
    db_customer_contact_body(app_db(), t->id, on_contact_body, c);
}

static enum scr_result page_contacts(struct scr_customer *c, bool forward)
{
    long long total = scr_cust_contact_total(c);
    int offset = c->v->contacts_offset + (forward ? DB_CV_CONTACT_PAGE : -DB_CV_CONTACT_PAGE);
    if (offset < 0 || offset >= total || c->more_contacts_pending)
        return SCR_HANDLED;
    static const enum db_cv_part parts[] = {CV_CONTACTS, CV_CONTACT_COUNT};
    c->more_contacts_pending = true;
    c->list[SCR_CUST_CONTACTS].sel = forward ? 0 : DB_CV_CONTACT_PAGE - 1;
    c->list[SCR_CUST_CONTACTS].top = forward ? 0 : DB_CV_CONTACT_PAGE - 1;
    refresh_parts(c, parts, 2, offset);
    return SCR_REDRAW;
}

/* Keys that work before the view has arrived: panels, back, reload. */
static enum scr_result frame_action(struct scr_customer *c, enum tui_action a)
{
    switch (a) {
    case TUI_ACT_BACK:
        return SCR_CLOSE;
    case TUI_ACT_PANEL_1: case TUI_ACT_PANEL_2: case TUI_ACT_PANEL_3:
    case TUI_ACT_PANEL_4: case TUI_ACT_PANEL_5: case TUI_ACT_PANEL_6:
        c->panel = (enum scr_cust_panel)(a - TUI_ACT_PANEL_1);
        return SCR_REDRAW;
    case TUI_ACT_NEXT_PANEL:
        c->panel = (enum scr_cust_panel)((c->panel + 1) % SCR_CUST__PANELS);
        return SCR_REDRAW;
    case TUI_ACT_PREV_PANEL:
        c->panel = (enum scr_cust_panel)((c->panel + SCR_CUST__PANELS - 1) % SCR_CUST__PANELS);
        return SCR_REDRAW;
    case TUI_ACT_WHO_HAS_SEEN: {
        const struct db_cv_header *h = c->v ? SCR_CUST_ROW(c, CV_HEADER, struct db_cv_header, 0) : NULL;
        scr_open_audit(&(struct scr_audit_arg){.customer_id = c->id, .customer = h ? h->name : c->title_name,
                                               .account_no = h ? h->account_no : NULL});
        return SCR_REDRAW;
    }
    case TUI_ACT_RELOAD:
        if (c->id)
            db_customer_open(app_db(), c->id, on_view, c);
        tui_message(TUI_ROLE_NORMAL, "Reloading...");
        return SCR_REDRAW;
    default:
        return SCR_UNHANDLED;
    }
}

static enum scr_result read_out(const struct scr_customer *c)
{
    const struct db_cv_event *e = SCR_CUST_ROW(c, CV_EVENTS, struct db_cv_event, 0);
    if (!e) {
        tui_message(TUI_ROLE_NORMAL, "No critical event affects this customer.");
        return SCR_REDRAW;
    }
    char *text = scr_cust_readout(e);
    scr_textview_push(e->title, text);
    free(text);
    return SCR_REDRAW;
}

/* Keys on a customer that is there. */
static enum scr_result customer_key_action(struct scr_customer *c, enum tui_action a)
{
    switch (a) {
    case TUI_ACT_LOG_CONTACT:
        scr_open_logcontact(&(struct scr_logcontact_arg){.customer_id = c->id, .parts = changed_parts,
                                                         .nparts = CONTACT_PARTS, .refreshed = on_saved_refresh,
                                                         .ctx = c});
        c->contact_only = true;
        c->refreshed_by_save = false;
        return SCR_REDRAW;
    case TUI_ACT_NEW_COMPLAINT: {
        struct intake_arg arg = {.customer_id = c->id, .channel = "phone"};
        scr_open_intake(&arg);
        return SCR_REDRAW;
    }
    case TUI_ACT_READ_OUT:
        return read_out(c);
    case TUI_ACT_HIGH_BILL:
        if (c->high_bill < 0) {
            tui_message(TUI_ROLE_NORMAL, "No recent bill stands out from the ones before it.");
            return SCR_REDRAW;
        }
        c->panel = SCR_CUST_BILLING;
        c->list[SCR_CUST_BILLING].sel = c->high_bill;
        return SCR_REDRAW;
    case TUI_ACT_OPEN: {
        int sel = c->list[c->panel].sel;
        const struct db_cv_complaint *k = SCR_CUST_ROW(c, CV_COMPLAINTS, struct db_cv_complaint, sel);
        if (c->panel == SCR_CUST_CONTACTS && sel >= 0)
            show_contact(c, sel);
        else if (c->panel == SCR_CUST_COMPLAINTS && k)
            scr_open_complaint(k->id);
        else
            return SCR_HANDLED;
        return SCR_REDRAW;
    }
    default:
        return SCR_UNHANDLED;
    }
}

static enum scr_result customer_action(void *st, enum tui_action a)
{
    struct scr_customer *c = st;
    enum scr_result r = frame_action(c, a);
    if (r != SCR_UNHANDLED)
        return r;
    if (!c->v || !DB_CV_HEADER(c->v))
        return SCR_UNHANDLED;
    r = customer_key_action(c, a);
    if (r != SCR_UNHANDLED || c->panel == SCR_CUST_OVERVIEW)
        return r;
    struct tui_list *l = &c->list[c->panel];
    /* Past either end of the loaded contacts, fetch the next page. */
    if (c->panel == SCR_CUST_CONTACTS && l->count > 0) {
        bool at_end = l->sel == l->count - 1, at_start = l->sel == 0;
        if ((a == TUI_ACT_DOWN || a == TUI_ACT_PAGE_DOWN) && at_end)
            return page_contacts(c, true);
        if ((a == TUI_ACT_UP || a == TUI_ACT_PAGE_UP) && at_start && c->v->contacts_offset > 0)
            return page_contacts(c, false);
    }
    return tui_list_action(l, a) ? SCR_REDRAW : SCR_UNHANDLED;
}

static const enum tui_action *customer_status(void *st)
{
    struct scr_customer *c = st;
    /* Most important first: what does not fit at 80 columns is dropped
     * from the end, and F1 lists everything anyway. */
    static const enum tui_action overview[] = {TUI_ACT_NEXT_PANEL, TUI_ACT_NEW_COMPLAINT, TUI_ACT_LOG_CONTACT,
                                               TUI_ACT_HELP, TUI_ACT_BACK, TUI_ACT_HIGH_BILL, TUI_ACT_NONE};
    static const enum tui_action lists[] = {TUI_ACT_NEXT_PANEL, TUI_ACT_OPEN, TUI_ACT_NEW_COMPLAINT,
                                            TUI_ACT_LOG_CONTACT, TUI_ACT_HELP, TUI_ACT_BACK, TUI_ACT_UP,
                                            TUI_ACT_DOWN, TUI_ACT_NONE};
    static const enum tui_action billing[] = {TUI_ACT_NEXT_PANEL, TUI_ACT_HIGH_BILL, TUI_ACT_NEW_COMPLAINT,
                                              TUI_ACT_LOG_CONTACT, TUI_ACT_HELP, TUI_ACT_BACK, TUI_ACT_NONE};
    /* With an event the read-out key leads: the words must be read out. */
    static enum tui_action with_event[16];
    const enum tui_action *base = c->panel == SCR_CUST_OVERVIEW  ? overview
                                  : c->panel == SCR_CUST_BILLING ? billing
                                                                 : lists;
    if (!c->v || c->v->part[CV_EVENTS].n == 0)
        return base;
    int n = 0;
    with_event[n++] = TUI_ACT_READ_OUT;
    for (int i = 0; base[i] != TUI_ACT_NONE && n < 15; i++)
        with_event[n++] = base[i];
    with_event[n] = TUI_ACT_NONE;
    return with_event;
}

const struct screen_ops scr_customer_ops = {
    SCR_HEAD(customer),
    .open = customer_open,
    .close = customer_close,
    .draw = scr_cust_draw,
    .action = customer_action,
    .status_keys = customer_status,
    .resume = customer_resume,
};
