/* customer.c — the unified customer view: header, event banner and six panels, all from one round trip. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careline/app.h"
#include "careline/customer.h"
#include "careline/intake.h"
#include "careline/keymap.h"
#include "careline/screens.h"
#include "careline/search.h"
#include "careline/sla.h"
#include "careline/text.h"
#include "careline/textview.h"
#include "careline/tui.h"
#include "careline/util.h"

enum panel { P_OVERVIEW, P_USAGE, P_BILLING, P_CONTACTS, P_COMPLAINTS, P_PROGRAMMES, P__COUNT };

static const char *const panel_names[P__COUNT] = {"Overview", "Usage", "Billing", "Contacts", "Complaints",
                                                  "Programmes"};

struct customer {
    long long id;
    char *title_name;               /* from the search hit, shown until the view arrives */
    struct db_customer_view *v;     /* NULL until the first answer */
    char *error;
    bool loading;
    enum panel panel;
    struct tui_list list[P__COUNT];
    struct db_usage_month usage[24];
    int nusage;
    int usage_flags;
    char usage_reason[320];
    int high_bill;                  /* row of the bill that explains a high-bill call, or -1 */
    char high_reason[200];
    bool more_contacts_pending;
};

/* ---- data arriving ------------------------------------------------------ */

static void derive(struct customer *c)
{
    const struct db_table *u = &c->v->part[CV_USAGE];
    c->nusage = u->rows < 24 ? u->rows : 24;
    for (int i = 0; i < c->nusage; i++) {
        struct db_usage_month *m = &c->usage[i];
        m->m3 = db_cell_num(u, i, US_M3);
        m->read_type = db_cell(u, i, US_READ_TYPE)[0];
        m->night_flow = db_cell_num(u, i, US_NIGHT_FLOW);
    }
    c->usage_flags = db_usage_flags(c->usage, c->nusage, c->usage_reason, sizeof c->usage_reason);

    /* The bill behind a "why is my bill so high?" call: the newest bill
     * well above the customer's usual amount. */
    const struct db_table *b = &c->v->part[CV_BILLS];
    c->high_bill = -1;
    c->high_reason[0] = '\0';
    for (int i = 0; i < b->rows && i < 6 && c->high_bill < 0; i++) {
        double amount = db_cell_num(b, i, BI_AMOUNT), sum = 0;
        int n = 0;
        for (int k = i + 1; k < b->rows && k <= i + 4; k++)
            if (!isnan(db_cell_num(b, k, BI_AMOUNT))) {
                sum += db_cell_num(b, k, BI_AMOUNT);
                n++;
            }
        if (n >= 2 && amount > 1.3 * (sum / n) && amount - sum / n >= 10) {
            c->high_bill = i;
            snprintf(c->high_reason, sizeof c->high_reason, "%.0f%% above the %d bills before (%.2f on average)%s",
                     (amount / (sum / n) - 1) * 100, n, sum / n,
                     db_cell_true(b, i, BI_ESTIMATED) ? "; estimated" : "");
        }
    }
    for (int p = 0; p < P__COUNT; p++)
        tui_list_set_count(&c->list[p], 0);
    tui_list_set_count(&c->list[P_USAGE], c->nusage);
    tui_list_set_count(&c->list[P_BILLING], b->rows);
    tui_list_set_count(&c->list[P_CONTACTS], c->v->part[CV_CONTACTS].rows);
    tui_list_set_count(&c->list[P_COMPLAINTS], c->v->part[CV_COMPLAINTS].rows);
    tui_list_set_count(&c->list[P_PROGRAMMES], c->v->part[CV_PROGRAMMES].rows);
    /* Usage reads newest first, like every other list. */
    c->list[P_USAGE].sel = c->nusage ? 0 : -1;
}

static void on_view(void *ctx, struct db_customer_view *v)
{
    struct customer *c = ctx;
    c->loading = false;
    free(c->error);
    c->error = NULL;
    if (v->error) {
        c->error = util_strdup(v->error);
        db_customer_view_free(v);
        free(v);
        tui_invalidate();
        return;
    }
    if (c->v) {
        db_customer_view_free(c->v);
        free(c->v);
    }
    c->v = v;
    if (c->v->part[CV_HEADER].rows == 0) {
        free(c->error);
        c->error = util_strdup("This customer no longer exists.");
    }
    derive(c);
    tui_invalidate();
}

/* A partial refresh (banner after NOTIFY, next page of contacts, a new
 * contact): replace only the parts that came back. */
static void on_refresh(void *ctx, struct db_customer_view *v)
{
    struct customer *c = ctx;
    c->more_contacts_pending = false;
    if (v->error || !c->v) {
        if (v->error)
            tui_message(TUI_ROLE_ERROR, "%s", v->error);
        db_customer_view_free(v);
        free(v);
        tui_invalidate();
        return;
    }
    for (int i = 0; i < CV__COUNT; i++)
        if (v->part[i].v) {   /* a part that came back, even with no rows */
            db_table_free(&c->v->part[i]);
            c->v->part[i] = v->part[i];
            memset(&v->part[i], 0, sizeof v->part[i]);
        }
    if (v->part[CV_CONTACTS].v)
        c->v->contacts_offset = v->contacts_offset;
    int sel[P__COUNT];
    for (int p = 0; p < P__COUNT; p++)
        sel[p] = c->list[p].sel;
    derive(c);
    for (int p = 0; p < P__COUNT; p++)
        if (sel[p] >= 0 && sel[p] < c->list[p].count)
            c->list[p].sel = sel[p];
    db_customer_view_free(v);
    free(v);
    tui_invalidate();
}

static void refresh_parts(struct customer *c, const enum db_cv_part *parts, int n, int offset)
{
    db_customer_refresh(app_db(), c->id, parts, n, offset, on_refresh, c);
}

/* A critical event was declared, changed or ended somewhere: fetch this
 * customer's banner again (one statement, one round trip). */
static void on_event_notify(void *ctx, const char *channel, const char *payload)
{
    (void)channel;
    (void)payload;
    struct customer *c = ctx;
    static const enum db_cv_part parts[] = {CV_EVENTS};
    refresh_parts(c, parts, 1, c->v ? c->v->contacts_offset : 0);
}

/* The screens share one LISTEN; the top customer view gets the news. */
static struct customer *listening;
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
    struct customer *c = util_calloc(1, sizeof *c);
    c->id = h->customer_id;
    c->title_name = util_strdup(h->name);
    c->loading = true;
    c->high_bill = -1;
    for (int p = 0; p < P__COUNT; p++)
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
    struct customer *c = st;
    db_forget_owner(app_db(), c);
    if (listening == c)
        listening = NULL;
    if (c->v) {
        db_customer_view_free(c->v);
        free(c->v);
    }
    free(c->error);
    free(c->title_name);
    free(c);
}

static void customer_resume(void *st)
{
    struct customer *c = st;
    listening = c;
    /* Back from logging a contact: the header (repeat contact) and the
     * timeline change. */
    static const enum db_cv_part parts[] = {CV_HEADER, CV_CONTACTS, CV_CONTACT_COUNT, CV_COMPLAINTS};
    c->list[P_CONTACTS].sel = 0;
    c->list[P_CONTACTS].top = 0;
    refresh_parts(c, parts, 4, 0);
}

/* ---- formatting helpers -------------------------------------------------- */

static const char *segment_word(const char *code)
{
    static const struct {
        const char *code, *word;
    } w[] = {
        {"residential_single", "Household"}, {"residential_multi", "Household (flat)"}, {"senior", "Senior"},
        {"small_business", "Small business"}, {"commercial", "Commercial"},          {"industrial", "Industrial"},
        {"key_account", "Key account"},     {"public_sector", "Public sector"},
    };
    for (size_t i = 0; i < sizeof w / sizeof w[0]; i++)
        if (strcmp(w[i].code, code) == 0)
            return w[i].word;
    return code;
}

static const char *event_word(const char *kind)
{
    static const struct {
        const char *kind, *word;
    } w[] = {
        {"supply_interruption", "SUPPLY INTERRUPTION"}, {"boil_water", "BOIL WATER NOTICE"},
        {"do_not_drink", "DO NOT DRINK NOTICE"},        {"low_pressure", "LOW PRESSURE"},
        {"planned_works", "PLANNED WORKS"},             {"sewer_flooding", "SEWER FLOODING"},
        {"discolouration", "DISCOLOURED WATER"},
    };
    for (size_t i = 0; i < sizeof w / sizeof w[0]; i++)
        if (strcmp(w[i].kind, kind) == 0)
            return w[i].word;
    return kind;
}

/* "due in 3 h", "OVERDUE 2 d", from seconds left. */
static void time_left(const char *secs, char *buf, size_t len)
{
    if (!*secs) {
        snprintf(buf, len, "met");
        return;
    }
    long long s = strtoll(secs, NULL, 10);
    char span[32];
    sla_span_text(s, span, sizeof span);
    snprintf(buf, len, s < 0 ? "OVERDUE %s" : "in %s", span);
}

static void money(const char *amount, char *buf, size_t len)
{
    /* Pound sign only where it can be drawn. */
    snprintf(buf, len, "%s%s", tui_ascii() ? "GBP " : "\u00a3", *amount ? amount : "0.00");
}

/* Vulnerability codes as an agent says them. */
static void vulnerability_words(const char *codes, struct util_buf *out)
{
    static const struct {
        const char *code, *words;
    } w[] = {
        {"medical_water", "medical dependency on water"}, {"dialysis", "home dialysis"},
        {"hearing", "hearing impaired"},                  {"sight", "sight impaired"},
        {"mobility", "limited mobility"},                 {"language", "needs language support"},
        {"mental_health", "mental health"},               {"young_children", "young children"},
        {"chronic_illness", "chronic illness"},           {"temporary_illness", "temporary illness"},
    };
    const char *p = codes;
    while (*p) {
        size_t n = strcspn(p, ",");
        const char *word = NULL;
        char code[64];
        snprintf(code, sizeof code, "%.*s", (int)(n < sizeof code ? n : sizeof code - 1), p);
        for (size_t i = 0; i < sizeof w / sizeof w[0]; i++)
            if (strcmp(w[i].code, code) == 0)
                word = w[i].words;
        util_buf_printf(out, "%s%s", out->len && out->data[out->len - 1] != ' ' ? ", " : "", word ? word : code);
        p += n;
        while (*p == ',' || *p == ' ')
            p++;
    }
}

/* Words for the flags: monochrome and ASCII terminals see them too. */
static void flag_line(const struct db_table *h, struct util_buf *out)
{
    struct util_buf b = {0};
    if (db_cell_true(h, 0, H_PSR))
        util_buf_puts(&b, "[PRIORITY SERVICES] ");
    if (*db_cell(h, 0, H_VULNERABILITY)) {
        util_buf_puts(&b, "[VULNERABLE: ");
        vulnerability_words(db_cell(h, 0, H_VULNERABILITY), &b);
        util_buf_puts(&b, "] ");
    }
    if (db_cell_true(h, 0, H_NON_DIGITAL))
        util_buf_puts(&b, "[NON-DIGITAL] ");
    if (db_cell_true(h, 0, H_KEY_ACCOUNT))
        util_buf_puts(&b, "[KEY ACCOUNT] ");
    if (db_cell_true(h, 0, H_ARRANGEMENT))
        util_buf_puts(&b, "[PAYMENT ARRANGEMENT] ");
    if (db_cell_true(h, 0, H_OVERDUE))
        util_buf_puts(&b, "[COMPLAINT OVERDUE] ");
    if (*db_cell(h, 0, H_REPEAT_SUBJECT))
        util_buf_printf(&b, "[REPEAT CONTACT: %s] ", db_cell(h, 0, H_REPEAT_SUBJECT));
    /* Trailing blank off: the wrapped text must not end on an empty line. */
    while (b.len && b.data[b.len - 1] == ' ')
        b.data[--b.len] = '\0';
    *out = b;
}

/* ---- drawing -------------------------------------------------------------- */

static int draw_header(struct customer *c, struct tui_rect b)
{
    const struct db_table *h = &c->v->part[CV_HEADER];
    char line[512], bal[48], arr[48];
    int x = b.x + 1 + tui_put(b.y, b.x + 1, b.w - 1, TUI_ROLE_TITLE, db_cell(h, 0, H_NAME));
    snprintf(line, sizeof line, "  Acct %s  %s  lang %s  prefers %s", db_cell(h, 0, H_ACCOUNT),
             segment_word(db_cell(h, 0, H_SEGMENT)), db_cell(h, 0, H_LANGUAGE), db_cell(h, 0, H_CHANNEL));
    tui_put(b.y, x, b.x + b.w - x, TUI_ROLE_NORMAL, line);
    if (b.h < 2)
        return 1;
    money(db_cell(h, 0, H_BALANCE), bal, sizeof bal);
    money(db_cell(h, 0, H_ARREARS), arr, sizeof arr);
    snprintf(line, sizeof line, "Balance %s  Arrears %s  Phone %s  %s", bal, arr, db_cell(h, 0, H_PHONE),
             db_cell(h, 0, H_EMAIL));
    bool owes = db_cell_num(h, 0, H_ARREARS) > 0;
    tui_put(b.y + 1, b.x + 1, b.w - 1, owes ? TUI_ROLE_WARN : TUI_ROLE_NORMAL, line);
    struct util_buf flags = {0};
    flag_line(h, &flags);
    if (!flags.len || b.h < 3) {
        util_buf_free(&flags);
        return 2;
    }
    /* Flags wrap onto more lines rather than being cut: each one changes
     * how the agent must handle the call. Up to a third of the screen. */
    int room = b.h / 3 < 1 ? 1 : b.h / 3;
    struct tui_rect fr = {b.y + 2, b.x + 1, room, b.w - 1};
    int n = tui_put_wrapped(fr, TUI_ROLE_WARN, flags.data, 0, false);
    util_buf_free(&flags);
    return 2 + (n < room ? n : room);
}

/* The read-out text of the newest event, for the banner and the full view. */
static char *readout_text(const struct db_table *e)
{
    return util_asprintf("Read out: \"%s\"", db_cell(e, 0, EV_MESSAGE));
}

static int draw_banner(struct customer *c, struct tui_rect b)
{
    const struct db_table *e = &c->v->part[CV_EVENTS];
    if (e->rows == 0 || b.h < 2)
        return 0;
    char line[1024];
    /* The newest event leads; more are counted so none is hidden. */
    /* Times first: the restore estimate is what the customer asks. */
    snprintf(line, sizeof line, "%s %s since %s, restore est. %s: %s%s", tui_glyph("warn"),
             event_word(db_cell(e, 0, EV_KIND)), db_cell(e, 0, EV_STARTED), db_cell(e, 0, EV_RESTORE),
             db_cell(e, 0, EV_TITLE), e->rows > 1 ? " (more: see Overview)" : "");
    struct tui_rect tr = {b.y, b.x + 1, b.h >= 12 ? 2 : 1, b.w - 2};
    tui_fill(b.y, b.x, b.w, TUI_ROLE_BANNER);
    if (tui_wrap_count(line, tr.w) > 1 && tr.h > 1)
        tui_fill(b.y + 1, b.x, b.w, TUI_ROLE_BANNER);
    else
        tr.h = 1;
    tui_put_wrapped(tr, TUI_ROLE_BANNER, line, 0, false);
    /* The words to read out matter most: every word of them is on screen,
     * or the last row names the key that shows them all, scrolling. */
    int room = (b.h - tr.h - 6) / 2;
    if (room < 2)
        room = b.h - tr.h - 1 < 2 ? b.h - tr.h - 1 : 2;
    if (room < 1)
        return tr.h;
    char keys[32], more[96];
    tui_keymap_keys_for("customer", TUI_ACT_READ_OUT, keys, sizeof keys);
    snprintf(more, sizeof more, "... %s reads the whole message", keys[0] ? keys : "F1: the key that");
    char *text = readout_text(e);
    int need = tui_wrap_count(text, b.w - 2);
    int used = need < room ? need : room;
    for (int i = 0; i < used; i++)
        tui_fill(b.y + tr.h + i, b.x, b.w, TUI_ROLE_BANNER);
    struct tui_rect mr = {b.y + tr.h, b.x + 1, used, b.w - 2};
    tui_put_excerpt(mr, TUI_ROLE_BANNER, text, more, false);
    free(text);
    return tr.h + used;
}

static void draw_tabs(struct customer *c, int y, int x, int w)
{
    tui_fill(y, x, w, TUI_ROLE_HEADER);
    int at = x + 1;
    for (int p = 0; p < P__COUNT && at < x + w; p++) {
        char tab[48];
        /* Brackets mark the current panel without colour. */
        snprintf(tab, sizeof tab, p == (int)c->panel ? "[%d %s]" : " %d %s ", p + 1, panel_names[p]);
        at += tui_put(y, at, x + w - at, p == (int)c->panel ? TUI_ROLE_SELECTED : TUI_ROLE_HEADER, tab) + 1;
    }
}

/* label: value lines for the overview. */
static int kv(int y, struct tui_rect b, const char *label, enum tui_role role, const char *value)
{
    if (y >= b.y + b.h)
        return y;
    tui_put(y, b.x + 1, 15, TUI_ROLE_LABEL, label);
    /* A value that does not fit takes a second line rather than lose its end. */
    int rows = tui_wrap_count(value, b.w - 17) > 1 && y + 1 < b.y + b.h ? 2 : 1;
    struct tui_rect r = {y, b.x + 17, rows, b.w - 17};
    tui_put_wrapped(r, role, value, 0, false);
    return y + rows;
}

static void draw_overview(struct customer *c, struct tui_rect b)
{
    const struct db_customer_view *v = c->v;
    char line[1024];
    int y = b.y;
    const struct db_table *pr = &v->part[CV_PREMISES];
    int shown = 0;
    for (int i = 0; i < pr->rows && shown < 3; i++) {
        if (i > 0 && strcmp(db_cell(pr, i, PR_ID), db_cell(pr, i - 1, PR_ID)) == 0)
            continue;   /* one line per premise; meters follow */
        struct util_buf meters = {0};
        for (int k = i; k < pr->rows && strcmp(db_cell(pr, k, PR_ID), db_cell(pr, i, PR_ID)) == 0; k++)
            if (*db_cell(pr, k, PR_SERIAL))
                util_buf_printf(&meters, "%s%s %s", meters.len ? ", " : "", db_cell(pr, k, PR_SERIAL),
                                db_cell(pr, k, PR_METER_TYPE));
        snprintf(line, sizeof line, "%s %s (%s, %s); meter %s", db_cell(pr, i, PR_ADDRESS),
                 db_cell(pr, i, PR_POSTCODE), db_cell(pr, i, PR_ZONE), db_cell(pr, i, PR_TYPE),
                 meters.len ? meters.data : "none");
        util_buf_free(&meters);
        y = kv(y, b, shown ? "" : "Supplied at", TUI_ROLE_NORMAL, line);
        shown++;
    }
    if (!pr->rows)
        y = kv(y, b, "Supplied at", TUI_ROLE_DIM, "no current premises");
    else if (pr->rows > shown) {
        int premises = 0;
        for (int i = 0; i < pr->rows; i++)
            premises += i == 0 || strcmp(db_cell(pr, i, PR_ID), db_cell(pr, i - 1, PR_ID)) != 0;
        if (premises > shown) {
            snprintf(line, sizeof line, "and %d more premises", premises - shown);
            y = kv(y, b, "", TUI_ROLE_DIM, line);
        }
    }
    const struct db_table *e = &v->part[CV_EVENTS];
    for (int i = 1; i < e->rows; i++) {
        snprintf(line, sizeof line, "%s: %s (since %s)", event_word(db_cell(e, i, EV_KIND)), db_cell(e, i, EV_TITLE),
                 db_cell(e, i, EV_STARTED));
        y = kv(y, b, "Also affected", TUI_ROLE_BANNER, line);
    }
    const struct db_table *co = &v->part[CV_CONTACTS];
    if (co->rows) {
        snprintf(line, sizeof line, "%s %s %s: %s; %s", db_cell(co, 0, CO_AT), db_cell(co, 0, CO_CHANNEL),
                 db_cell(co, 0, CO_AGENT), db_cell(co, 0, CO_WRAPUP), db_cell(co, 0, CO_SUMMARY));
        y = kv(y, b, "Last contact", TUI_ROLE_NORMAL, line);
    } else {
        y = kv(y, b, "Last contact", TUI_ROLE_DIM, "none recorded");
    }
    const struct db_table *k = &v->part[CV_COMPLAINTS];
    int open = 0;
    for (int i = 0; i < k->rows; i++) {
        if (db_cell_true(k, i, CP_DONE))
            continue;
        if (open < 3) {
            char left[32];
            time_left(db_cell(k, i, CP_RESOLUTION_LEFT), left, sizeof left);
            snprintf(line, sizeof line, "%s %s, %s, resolution %s", db_cell(k, i, CP_REFERENCE),
                     db_cell(k, i, CP_CATEGORY), db_cell(k, i, CP_STATUS), left);
            y = kv(y, b, open ? "" : "Open complaints", strstr(left, "OVERDUE") ? TUI_ROLE_WARN : TUI_ROLE_NORMAL,
                   line);
        }
        open++;
    }
    if (!open)
        y = kv(y, b, "Open complaints", TUI_ROLE_DIM, "none");
    else if (open > 3) {
        snprintf(line, sizeof line, "and %d more (panel 5)", open - 3);
        y = kv(y, b, "", TUI_ROLE_DIM, line);
    }
    const struct db_table *f = &v->part[CV_FOLLOWUPS];
    for (int i = 0; i < f->rows && i < 2; i++) {
        snprintf(line, sizeof line, "%s by %s: %s%s", db_cell(f, i, FU_DUE), db_cell(f, i, FU_CHANNEL),
                 db_cell(f, i, FU_WHAT), db_cell_true(f, i, FU_OVERDUE) ? " (OVERDUE)" : "");
        y = kv(y, b, i ? "" : "Follow-ups due", db_cell_true(f, i, FU_OVERDUE) ? TUI_ROLE_WARN : TUI_ROLE_NORMAL,
               line);
    }
    const struct db_table *pg = &v->part[CV_PROGRAMMES];
    struct util_buf progs = {0};
    for (int i = 0; i < pg->rows; i++)
        if (strcmp(db_cell(pg, i, PG_STATUS), "ended") != 0)
            util_buf_printf(&progs, "%s%s (%s)", progs.len ? ", " : "", db_cell(pg, i, PG_NAME),
                            db_cell(pg, i, PG_STATUS));
    y = kv(y, b, "Programmes", progs.len ? TUI_ROLE_NORMAL : TUI_ROLE_DIM, progs.len ? progs.data : "none");
    util_buf_free(&progs);

    double vals[24];
    for (int i = 0; i < c->nusage; i++)
        vals[i] = c->usage[i].m3;
    char *spark = tui_sparkline(vals, c->nusage, 0, tui_ascii());
    double last = c->nusage ? c->usage[c->nusage - 1].m3 : NAN;
    double ly = c->nusage ? db_cell_num(&v->part[CV_USAGE], c->nusage - 1, US_LAST_YEAR) : NAN;
    if (isnan(last))
        snprintf(line, sizeof line, "%s no reads", spark);
    else if (!isnan(ly) && ly > 0)
        snprintf(line, sizeof line, "%s %.1f m3 last month (%+.0f%% on a year ago)%s%s", spark, last,
                 (last / ly - 1) * 100, c->usage_flags ? "  " : "", c->usage_reason);
    else
        snprintf(line, sizeof line, "%s %.1f m3 last month%s%s", spark, last, c->usage_flags ? "  " : "",
                 c->usage_reason);
    free(spark);
    y = kv(y, b, "Usage (24 mo)", c->usage_flags ? TUI_ROLE_WARN : TUI_ROLE_NORMAL, line);

    const struct db_table *bi = &v->part[CV_BILLS];
    if (bi->rows) {
        char amt[48];
        money(db_cell(bi, 0, BI_AMOUNT), amt, sizeof amt);
        snprintf(line, sizeof line, "last %s issued %s, due %s, %s%s%s", amt, db_cell(bi, 0, BI_ISSUED),
                 db_cell(bi, 0, BI_DUE), db_cell(bi, 0, BI_STATUS),
                 db_cell_true(bi, 0, BI_ESTIMATED) ? ", estimated" : "",
                 c->high_bill >= 0 ? "; HIGH BILL: press h" : "");
        y = kv(y, b, "Bills", strcmp(db_cell(bi, 0, BI_STATUS), "overdue") == 0 || c->high_bill >= 0
                                  ? TUI_ROLE_WARN
                                  : TUI_ROLE_NORMAL,
               line);
    } else {
        y = kv(y, b, "Bills", TUI_ROLE_DIM, "none");
    }
}

/* Cells of the list panels. */
static const char *usage_cell(void *ctx, int row, int col, enum tui_role *role)
{
    struct customer *c = ctx;
    static char buf[128];
    int i = c->nusage - 1 - row;   /* newest first */
    const struct db_table *u = &c->v->part[CV_USAGE];
    double max = 0;
    for (int k = 0; k < c->nusage; k++) {
        double m = c->usage[k].m3, s = db_cell_num(u, k, US_SIMILAR);
        if (!isnan(m) && m > max)
            max = m;
        if (!isnan(s) && s > max)
            max = s;
    }
    switch (col) {
    case 0:
        return db_cell(u, i, US_MONTH);
    case 1:
        if (isnan(c->usage[i].m3))
            return "-";
        snprintf(buf, sizeof buf, "%.1f", c->usage[i].m3);
        return buf;
    case 2: {
        char *bar = tui_bar(c->usage[i].m3, max, 20, tui_ascii());
        snprintf(buf, sizeof buf, "%s", bar);
        free(bar);
        return buf;
    }
    case 3:
        if (isnan(db_cell_num(u, i, US_LAST_YEAR)))
            return "-";
        snprintf(buf, sizeof buf, "%.1f", db_cell_num(u, i, US_LAST_YEAR));
        return buf;
    case 4:
        if (isnan(db_cell_num(u, i, US_SIMILAR)))
            return "-";
        snprintf(buf, sizeof buf, "%.1f", db_cell_num(u, i, US_SIMILAR));
        return buf;
    case 5:
        switch (c->usage[i].read_type) {
        case 'a': return "actual";
        case 's':
            if (!isnan(c->usage[i].night_flow) && c->usage[i].night_flow >= 0.5) {
                *role = TUI_ROLE_WARN;
                snprintf(buf, sizeof buf, "smart, night %.1f l/h", c->usage[i].night_flow);
                return buf;
            }
            return "smart";
        case 'c': return "customer";
        case 'e':
            *role = TUI_ROLE_WARN;
            return "ESTIMATED";
        }
        return "no read";
    }
    return NULL;
}

static const char *bill_cell(void *ctx, int row, int col, enum tui_role *role)
{
    struct customer *c = ctx;
    const struct db_table *b = &c->v->part[CV_BILLS];
    static char buf[64];
    if (row == c->high_bill)
        *role = TUI_ROLE_WARN;
    switch (col) {
    case 0: return db_cell(b, row, BI_ISSUED);
    case 1: return db_cell(b, row, BI_PERIOD);
    case 2: money(db_cell(b, row, BI_AMOUNT), buf, sizeof buf); return buf;
    case 3: return db_cell(b, row, BI_DUE);
    case 4:
        if (strcmp(db_cell(b, row, BI_STATUS), "overdue") == 0)
            *role = TUI_ROLE_WARN;
        return db_cell(b, row, BI_STATUS);
    case 5:
        snprintf(buf, sizeof buf, "%s%s", db_cell_true(b, row, BI_ESTIMATED) ? "ESTIMATED " : "",
                 row == c->high_bill ? "HIGH" : "");
        return buf;
    }
    return NULL;
}

static const char *contact_cell(void *ctx, int row, int col, enum tui_role *role)
{
    (void)role;
    struct customer *c = ctx;
    const struct db_table *t = &c->v->part[CV_CONTACTS];
    static const int map[] = {CO_AT, CO_CHANNEL, CO_AGENT, CO_WRAPUP, CO_SUMMARY};
    return db_cell(t, row, map[col]);
}

static const char *complaint_cell(void *ctx, int row, int col, enum tui_role *role)
{
    struct customer *c = ctx;
    const struct db_table *t = &c->v->part[CV_COMPLAINTS];
    static char buf[64];
    bool done = db_cell_true(t, row, CP_DONE);
    if (done)
        *role = TUI_ROLE_DIM;
    switch (col) {
    case 0: return db_cell(t, row, CP_REFERENCE);
    case 1: return db_cell(t, row, CP_CATEGORY);
    case 2:
        if (db_cell_true(t, row, CP_PAUSED))
            return "waiting on customer (clock paused)";
        return db_cell(t, row, CP_STATUS);
    case 3: return db_cell(t, row, CP_OPENED);
    case 4:
        if (done)
            return "met";
        time_left(db_cell(t, row, CP_ACK_LEFT), buf, sizeof buf);
        if (strstr(buf, "OVERDUE"))
            *role = TUI_ROLE_WARN;
        return buf;
    case 5:
        if (done)
            return db_cell(t, row, CP_ROOT_CAUSE);
        time_left(db_cell(t, row, CP_RESOLUTION_LEFT), buf, sizeof buf);
        if (strstr(buf, "OVERDUE"))
            *role = TUI_ROLE_WARN;
        return buf;
    }
    return NULL;
}

static const char *programme_cell(void *ctx, int row, int col, enum tui_role *role)
{
    (void)role;
    struct customer *c = ctx;
    const struct db_table *t = &c->v->part[CV_PROGRAMMES];
    static const int map[] = {PG_NAME, PG_KIND, PG_STATUS, PG_ENROLLED, PG_REBATE};
    return db_cell(t, row, map[col]);
}

static void draw_usage(struct customer *c, struct tui_rect b)
{
    double vals[24];
    for (int i = 0; i < c->nusage; i++)
        vals[i] = c->usage[i].m3;
    char *spark = tui_sparkline(vals, c->nusage, 0, tui_ascii());
    char line[512];
    snprintf(line, sizeof line, "24 months, oldest to newest: %s", spark);
    free(spark);
    tui_put(b.y, b.x + 1, b.w - 1, TUI_ROLE_NORMAL, line);
    if (b.h < 2)
        return;
    tui_put(b.y + 1, b.x + 1, b.w - 1, c->usage_flags ? TUI_ROLE_WARN : TUI_ROLE_DIM,
            c->usage_flags ? c->usage_reason : "No sign of a leak or of a catch-up bill in these reads.");
    static const struct tui_column cols[] = {
        {"Month", 7, 0, false},   {"m3", 6, 0, true},      {"", 20, 0, false},
        {"Last yr", 7, 0, true}, {"Similar", 7, 0, true}, {"Read", 0, 1, false},
    };
    struct tui_rect lr = {b.y + 2, b.x, b.h - 2, b.w};
    tui_list_draw(&c->list[P_USAGE], lr, cols, 6, true, true, usage_cell, c);
}

static void draw_billing(struct customer *c, struct tui_rect b)
{
    const struct db_customer_view *v = c->v;
    static const struct tui_column cols[] = {
        {"Issued", 11, 0, false}, {"Period", 21, 0, false}, {"Amount", 11, 0, true},
        {"Due", 11, 0, false},    {"Status", 9, 0, false},  {"", 0, 1, false},
    };
    int foot = b.h >= 10 ? 4 : 0;
    struct tui_rect lr = {b.y, b.x, b.h - foot, b.w};
    if (v->part[CV_BILLS].rows == 0)
        tui_put(b.y, b.x + 1, b.w - 1, TUI_ROLE_DIM, "No bills.");
    else
        tui_list_draw(&c->list[P_BILLING], lr, cols, 6, true, true, bill_cell, c);
    if (!foot)
        return;
    int y = b.y + b.h - foot;
    char line[512], amt[48];
    tui_hline(y++, b.x, b.w, TUI_ROLE_BORDER);
    int sel = c->list[P_BILLING].sel;
    if (sel >= 0 && sel == c->high_bill)
        snprintf(line, sizeof line, "High bill: %s", c->high_reason);
    else if (c->high_bill >= 0)
        snprintf(line, sizeof line, "Press h for the bill that explains a high-bill call (%s).",
                 db_cell(&v->part[CV_BILLS], c->high_bill, BI_ISSUED));
    else
        snprintf(line, sizeof line, "No bill stands out from the ones before it.");
    if (c->usage_flags & USAGE_CATCH_UP) {
        size_t n = strlen(line);
        snprintf(line + n, sizeof line - n, " %s.", c->usage_reason);
    }
    tui_put(y++, b.x + 1, b.w - 1, c->high_bill >= 0 ? TUI_ROLE_WARN : TUI_ROLE_DIM, line);
    const struct db_table *p = &v->part[CV_PAYMENTS];
    struct util_buf pays = {0};
    for (int i = 0; i < p->rows && i < 3; i++) {
        money(db_cell(p, i, PA_AMOUNT), amt, sizeof amt);
        util_buf_printf(&pays, "%s%s %s %s", pays.len ? "; " : "", db_cell(p, i, PA_PAID), amt,
                        db_cell(p, i, PA_METHOD));
    }
    snprintf(line, sizeof line, "Payments: %s", pays.len ? pays.data : "none");
    util_buf_free(&pays);
    tui_put(y++, b.x + 1, b.w - 1, TUI_ROLE_NORMAL, line);
    const struct db_table *a = &v->part[CV_ARRANGEMENTS];
    const struct db_table *bal = &v->part[CV_BALANCE];
    double vals[24];
    int nb = bal->rows < 24 ? bal->rows : 24;
    for (int i = 0; i < nb; i++)
        vals[i] = db_cell_num(bal, i, BA_BALANCE);
    char *spark = tui_sparkline(vals, nb, 0, tui_ascii());
    if (a->rows && strcmp(db_cell(a, 0, AR_STATUS), "active") == 0) {
        money(db_cell(a, 0, AR_INSTALMENT), amt, sizeof amt);
        snprintf(line, sizeof line, "Arrangement: %s %s from %s to %s.  Balance, 24 months: %s", amt,
                 db_cell(a, 0, AR_FREQUENCY), db_cell(a, 0, AR_START), db_cell(a, 0, AR_END), spark);
    } else {
        snprintf(line, sizeof line, "No active arrangement.  Balance, 24 months: %s", spark);
    }
    free(spark);
    tui_put(y, b.x + 1, b.w - 1, TUI_ROLE_NORMAL, line);
}

static void draw_contacts(struct customer *c, struct tui_rect b)
{
    const struct db_customer_view *v = c->v;
    long long total = (long long)db_cell_num(&v->part[CV_CONTACT_COUNT], 0, CC_COUNT);
    int rows = v->part[CV_CONTACTS].rows;
    char line[160];
    if (rows == 0)
        snprintf(line, sizeof line, "No contacts recorded. Press c to record this one.");
    else
        snprintf(line, sizeof line, "Contacts %d-%d of %lld, newest first. Enter shows the full text.",
                 v->contacts_offset + 1, v->contacts_offset + rows, total);
    tui_put(b.y, b.x + 1, b.w - 1, TUI_ROLE_DIM, line);
    static const struct tui_column cols[] = {
        {"When", 15, 0, false}, {"Channel", 11, 0, false}, {"Agent", 0, 2, false},
        {"Wrap-up", 0, 2, false}, {"Summary", 0, 5, false},
    };
    struct tui_rect lr = {b.y + 1, b.x, b.h - 1, b.w};
    if (rows)
        tui_list_draw(&c->list[P_CONTACTS], lr, cols, 5, true, true, contact_cell, c);
}

static void draw_complaints(struct customer *c, struct tui_rect b)
{
    static const struct tui_column cols[] = {
        {"Reference", 13, 0, false}, {"Category", 0, 3, false}, {"Status", 0, 2, false},
        {"Opened", 9, 0, false},     {"Acknowledge", 12, 0, false}, {"Resolution", 12, 0, false},
    };
    if (c->v->part[CV_COMPLAINTS].rows == 0) {
        tui_put(b.y, b.x + 1, b.w - 1, TUI_ROLE_DIM, "No complaints.");
        return;
    }
    tui_list_draw(&c->list[P_COMPLAINTS], b, cols, 6, true, true, complaint_cell, c);
}

static void draw_programmes(struct customer *c, struct tui_rect b)
{
    static const struct tui_column cols[] = {
        {"Programme", 0, 3, false}, {"Kind", 0, 2, false}, {"Status", 8, 0, false},
        {"Enrolled", 11, 0, false}, {"Rebate", 8, 0, true},
    };
    if (c->v->part[CV_PROGRAMMES].rows == 0) {
        tui_put(b.y, b.x + 1, b.w - 1, TUI_ROLE_DIM, "Not enrolled in any programme.");
        return;
    }
    tui_list_draw(&c->list[P_PROGRAMMES], b, cols, 5, true, true, programme_cell, c);
}

static void customer_draw(void *st, struct tui_rect b)
{
    struct customer *c = st;
    if (b.h < 1 || b.w < 1)
        return;
    if (!c->v) {
        char line[300];
        snprintf(line, sizeof line, c->error ? "%s: %s" : "Opening %s...", c->title_name,
                 c->error ? c->error : "");
        tui_put(b.y, b.x + 1, b.w - 1, c->error ? TUI_ROLE_ERROR : TUI_ROLE_DIM, line);
        return;
    }
    if (c->error && c->v->part[CV_HEADER].rows == 0) {
        tui_put(b.y, b.x + 1, b.w - 1, TUI_ROLE_ERROR, c->error);
        return;
    }
    int used = draw_header(c, b);
    struct tui_rect r = {b.y + used, b.x, b.h - used, b.w};
    used = draw_banner(c, r);
    r.y += used;
    r.h -= used;
    if (r.h < 2)
        return;
    draw_tabs(c, r.y, r.x, r.w);
    struct tui_rect body = {r.y + 1, r.x, r.h - 1, r.w};
    switch (c->panel) {
    case P_OVERVIEW: draw_overview(c, body); break;
    case P_USAGE: draw_usage(c, body); break;
    case P_BILLING: draw_billing(c, body); break;
    case P_CONTACTS: draw_contacts(c, body); break;
    case P_COMPLAINTS: draw_complaints(c, body); break;
    case P_PROGRAMMES: draw_programmes(c, body); break;
    case P__COUNT: break;
    }
}

/* ---- actions ----------------------------------------------------------------- */

static void show_contact(struct customer *c, int row)
{
    const struct db_table *t = &c->v->part[CV_CONTACTS];
    char *title = util_asprintf("Contact %s", db_cell(t, row, CO_AT));
    char *text = util_asprintf("When:     %s\nChannel:  %s (%s)\nAgent:    %s\nWrap-up:  %s\nSubject:  %s\n"
                               "Summary:  %s\n\n%s",
                               db_cell(t, row, CO_AT), db_cell(t, row, CO_CHANNEL), db_cell(t, row, CO_DIRECTION),
                               db_cell(t, row, CO_AGENT), db_cell(t, row, CO_WRAPUP), db_cell(t, row, CO_SUBJECT),
                               db_cell(t, row, CO_SUMMARY), db_cell(t, row, CO_BODY));
    scr_textview_push(title, text);
    free(title);
    free(text);
}

static enum scr_result page_contacts(struct customer *c, bool forward)
{
    long long total = (long long)db_cell_num(&c->v->part[CV_CONTACT_COUNT], 0, CC_COUNT);
    int offset = c->v->contacts_offset + (forward ? DB_CV_CONTACT_PAGE : -DB_CV_CONTACT_PAGE);
    if (offset < 0 || offset >= total || c->more_contacts_pending)
        return SCR_HANDLED;
    static const enum db_cv_part parts[] = {CV_CONTACTS, CV_CONTACT_COUNT};
    c->more_contacts_pending = true;
    c->list[P_CONTACTS].sel = forward ? 0 : DB_CV_CONTACT_PAGE - 1;
    c->list[P_CONTACTS].top = forward ? 0 : DB_CV_CONTACT_PAGE - 1;
    refresh_parts(c, parts, 2, offset);
    return SCR_REDRAW;
}

static enum scr_result customer_action(void *st, enum tui_action a)
{
    struct customer *c = st;
    switch (a) {
    case TUI_ACT_BACK:
        return SCR_CLOSE;
    case TUI_ACT_PANEL_1: case TUI_ACT_PANEL_2: case TUI_ACT_PANEL_3:
    case TUI_ACT_PANEL_4: case TUI_ACT_PANEL_5: case TUI_ACT_PANEL_6:
        c->panel = (enum panel)(a - TUI_ACT_PANEL_1);
        return SCR_REDRAW;
    case TUI_ACT_NEXT_PANEL:
        c->panel = (enum panel)((c->panel + 1) % P__COUNT);
        return SCR_REDRAW;
    case TUI_ACT_PREV_PANEL:
        c->panel = (enum panel)((c->panel + P__COUNT - 1) % P__COUNT);
        return SCR_REDRAW;
    case TUI_ACT_RELOAD:
        if (c->id)
            db_customer_open(app_db(), c->id, on_view, c);
        tui_message(TUI_ROLE_NORMAL, "Reloading...");
        return SCR_REDRAW;
    default:
        break;
    }
    if (!c->v || c->v->part[CV_HEADER].rows == 0)
        return SCR_UNHANDLED;
    switch (a) {
    case TUI_ACT_LOG_CONTACT:
        scr_open_logcontact(&c->id);
        return SCR_REDRAW;
    case TUI_ACT_NEW_COMPLAINT: {
        struct intake_arg arg = {.customer_id = c->id, .channel = "phone"};
        scr_open_intake(&arg);
        return SCR_REDRAW;
    }
    case TUI_ACT_READ_OUT: {
        const struct db_table *e = &c->v->part[CV_EVENTS];
        if (e->rows == 0) {
            tui_message(TUI_ROLE_NORMAL, "No critical event affects this customer.");
            return SCR_REDRAW;
        }
        char *text = readout_text(e);
        scr_textview_push(db_cell(e, 0, EV_TITLE), text);
        free(text);
        return SCR_REDRAW;
    }
    case TUI_ACT_HIGH_BILL:
        if (c->high_bill < 0) {
            tui_message(TUI_ROLE_NORMAL, "No recent bill stands out from the ones before it.");
            return SCR_REDRAW;
        }
        c->panel = P_BILLING;
        c->list[P_BILLING].sel = c->high_bill;
        return SCR_REDRAW;
    case TUI_ACT_OPEN:
        if (c->panel == P_CONTACTS && c->list[P_CONTACTS].sel >= 0)
            show_contact(c, c->list[P_CONTACTS].sel);
        else if (c->panel == P_COMPLAINTS && c->list[P_COMPLAINTS].sel >= 0)
            scr_open_complaint(db_cell(&c->v->part[CV_COMPLAINTS], c->list[P_COMPLAINTS].sel, CP_ID));
        else
            return SCR_HANDLED;
        return SCR_REDRAW;
    default:
        break;
    }
    if (c->panel == P_OVERVIEW)
        return SCR_UNHANDLED;
    struct tui_list *l = &c->list[c->panel];
    /* Past either end of the loaded contacts, fetch the next page. */
    if (c->panel == P_CONTACTS && l->count > 0) {
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
    struct customer *c = st;
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
    const enum tui_action *base = c->panel == P_OVERVIEW ? overview : c->panel == P_BILLING ? billing : lists;
    if (!c->v || c->v->part[CV_EVENTS].rows == 0)
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
    .draw = customer_draw,
    .action = customer_action,
    .status_keys = customer_status,
    .resume = customer_resume,
};
