/* customer_draw.c — the customer view's frame: header with the flags that change how a call is handled, the critical-event banner with its words to read out, the panel tabs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careline/customer_screen.h"
#include "careline/keymap.h"
#include "careline/region.h"
#include "careline/sla.h"
#include "careline/text.h"
#include "careline/util.h"

static const char *const panel_names[SCR_CUST__PANELS] = {"Overview", "Usage", "Billing", "Contacts", "Complaints",
                                                          "Programmes"};

/* ---- words and figures ------------------------------------------------------ */

struct code_word {
    const char *code, *word;
};

/* The word for a code the database stores; the code itself when it is new. */
static const char *word_for(const struct code_word *w, size_t n, const char *code)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(w[i].code, code) == 0)
            return w[i].word;
    return code;
}
#define WORD_FOR(table, code) word_for((table), sizeof(table) / sizeof (table)[0], (code))

static const char *segment_word(const char *code)
{
    static const struct code_word w[] = {
        {"residential_single", "Household"}, {"residential_multi", "Household (flat)"}, {"senior", "Senior"},
        {"small_business", "Small business"}, {"commercial", "Commercial"},          {"industrial", "Industrial"},
        {"key_account", "Key account"},     {"public_sector", "Public sector"},
    };
    return WORD_FOR(w, code);
}

const char *scr_cust_event_word(const char *kind)
{
    static const struct code_word w[] = {
        {"supply_interruption", "SUPPLY INTERRUPTION"}, {"boil_water", "BOIL WATER NOTICE"},
        {"do_not_drink", "DO NOT DRINK NOTICE"},        {"low_pressure", "LOW PRESSURE"},
        {"planned_works", "PLANNED WORKS"},             {"sewer_flooding", "SEWER FLOODING"},
        {"discolouration", "DISCOLOURED WATER"},
    };
    return WORD_FOR(w, kind);
}

const char *scr_cust_time_left(bool met, int64_t seconds, char *buf, size_t len)
{
    if (met) {
        util_format(buf, len, "met");
        return buf;
    }
    char span[32];
    sla_span_text((long long)seconds, span, sizeof span);
    util_format(buf, len, seconds < 0 ? "OVERDUE %s" : "in %s", span);
    return buf;
}

enum tui_role scr_cust_deadline_role(enum db_deadline_state d)
{
    return d == DB_DEADLINE_OVERDUE ? TUI_ROLE_WARN : TUI_ROLE_NORMAL;
}

const char *scr_cust_money(int64_t pence, char *buf, size_t len)
{
    /* The currency's symbol only where it can be drawn. */
    return db_money_text(pence, tui_ascii(), buf, len);
}

/* Vulnerability codes as an agent says them. */
static void vulnerability_words(const char *codes, struct util_buf *out)
{
    static const struct code_word w[] = {
        {"medical_water", "medical dependency on water"}, {"dialysis", "home dialysis"},
        {"hearing", "hearing impaired"},                  {"sight", "sight impaired"},
        {"mobility", "limited mobility"},                 {"language", "needs language support"},
        {"mental_health", "mental health"},               {"young_children", "young children"},
        {"chronic_illness", "chronic illness"},           {"temporary_illness", "temporary illness"},
    };
    const char *p = codes;
    while (*p) {
        size_t n = strcspn(p, ",");
        char code[64];
        util_format(code, sizeof code, "%.*s", (int)(n < sizeof code ? n : sizeof code - 1), p);
        util_buf_printf(out, "%s%s", out->len && out->data[out->len - 1] != ' ' ? ", " : "", WORD_FOR(w, code));
        p += n;
        while (*p == ',' || *p == ' ')
            p++;
    }
}

/* Words for the flags: monochrome and ASCII terminals see them too. */
static void flag_line(const struct db_cv_header *h, struct util_buf *out)
{
    struct util_buf b = {0};
    if (h->priority_services)
        util_buf_puts(&b, "[PRIORITY SERVICES] ");
    if (*h->vulnerability) {
        util_buf_puts(&b, "[VULNERABLE: ");
        vulnerability_words(h->vulnerability, &b);
        util_buf_puts(&b, "] ");
    }
    if (h->non_digital)
        util_buf_puts(&b, "[NON-DIGITAL] ");
    if (h->key_account)
        util_buf_puts(&b, "[KEY ACCOUNT] ");
    if (h->arrangement)
        util_buf_puts(&b, "[PAYMENT ARRANGEMENT] ");
    if (h->complaint_overdue)
        util_buf_puts(&b, "[COMPLAINT OVERDUE] ");
    if (*h->repeat_subject)
        util_buf_printf(&b, "[REPEAT CONTACT: %s] ", h->repeat_subject);
    /* Trailing blank off: the wrapped text must not end on an empty line. */
    while (b.len && b.data[b.len - 1] == ' ')
        b.data[--b.len] = '\0';
    *out = b;
}

/* ---- drawing -------------------------------------------------------------- */

static int draw_header(const struct scr_customer *c, struct tui_rect b)
{
    const struct db_cv_header *h = DB_CV_HEADER(c->v);
    char line[512], bal[48], arr[48];
    int x = b.x + 1 + tui_put(b.y, b.x + 1, b.w - 1, TUI_ROLE_TITLE, h->name);
    util_format(line, sizeof line, "Acct %s  %s  lang %s  prefers %s", h->account_no, segment_word(h->segment),
                h->language, h->preferred_channel);
    /* A long name (a company's) leaves the account and language a row of
     * their own rather than cutting them (the line is ASCII: codes and digits). */
    int top = 1;
    if (x + 2 + (int)strlen(line) > b.x + b.w && b.h >= 6)
        tui_put(b.y + top++, b.x + 1, b.w - 1, TUI_ROLE_NORMAL, line);
    else
        tui_put(b.y, x + 2, b.x + b.w - x - 2, TUI_ROLE_NORMAL, line);
    if (b.h < top + 1)
        return top;
    char phone[40];
    util_format(line, sizeof line, "Balance %s  Arrears %s  Phone %s  %s", scr_cust_money(h->balance, bal, sizeof bal),
                scr_cust_money(h->arrears, arr, sizeof arr), db_phone_text(h->phone, phone, sizeof phone), h->email);
    /* A long e-mail address takes a second row rather than being cut. */
    int rows = tui_wrap_count(line, b.w - 1) > 1 && b.h >= 5 ? 2 : 1;
    tui_put_wrapped((struct tui_rect){b.y + top, b.x + 1, rows, b.w - 1},
                    h->arrears > 0 ? TUI_ROLE_WARN : TUI_ROLE_NORMAL, line, 0, false);
    top += rows;
    struct util_buf flags = {0};
    flag_line(h, &flags);
    if (!flags.len || b.h < top + 1) {
        util_buf_free(&flags);
        return top;
    }
    /* Flags wrap onto more lines rather than being cut: each one changes
     * how the agent must handle the call. Up to a third of the screen. */
    int room = b.h / 3 < 1 ? 1 : b.h / 3;
    struct tui_rect fr = {b.y + top, b.x + 1, room, b.w - 1};
    int n = tui_put_wrapped(fr, TUI_ROLE_WARN, flags.data, 0, false);
    util_buf_free(&flags);
    return top + (n < room ? n : room);
}

char *scr_cust_readout(const struct db_cv_event *e)
{
    return util_asprintf("Read out: \"%s\"", e->message);
}

/* The words to read out matter most: every word of them is on screen, or
 * the last row names the key that shows them all, scrolling. Returns the
 * rows used under the banner's first rows (tr_h). */
static int draw_readout(const struct db_cv_event *e, struct tui_rect b, int tr_h)
{
    int room = (b.h - tr_h - 6) / 2;
    if (room < 2)
        room = b.h - tr_h - 1 < 2 ? b.h - tr_h - 1 : 2;
    if (room < 1)
        return 0;
    char keys[32], more[96];
    tui_keymap_keys_for("customer", TUI_ACT_READ_OUT, keys, sizeof keys);
    util_format(more, sizeof more, "... %s reads the whole message", keys[0] ? keys : "F1: the key that");
    char *text = scr_cust_readout(e);
    int need = tui_wrap_count(text, b.w - 2);
    int used = need < room ? need : room;
    for (int i = 0; i < used; i++)
        tui_fill(b.y + tr_h + i, b.x, b.w, TUI_ROLE_BANNER);
    struct tui_rect mr = {b.y + tr_h, b.x + 1, used, b.w - 2};
    tui_put_excerpt(mr, TUI_ROLE_BANNER, text, more, false);
    free(text);
    return used;
}

static int draw_banner(const struct scr_customer *c, struct tui_rect b)
{
    const struct db_cv_event *e = SCR_CUST_ROW(c, CV_EVENTS, struct db_cv_event, 0);
    if (!e || b.h < 2)
        return 0;
    char line[1024];
    /* The newest event leads; more are counted so none is hidden. Times
     * first: the restore estimate is what the customer asks. */
    util_format(line, sizeof line, "%s %s since %s, restore est. %s, updated %s: %s%s", tui_glyph("warn"),
                scr_cust_event_word(e->kind), e->started, e->restore, e->updated, e->title,
                scr_cust_rows(c, CV_EVENTS) > 1 ? " (more: see Overview)" : "");
    struct tui_rect tr = {b.y, b.x + 1, b.h >= 12 ? 2 : 1, b.w - 2};
    tui_fill(b.y, b.x, b.w, TUI_ROLE_BANNER);
    if (tui_wrap_count(line, tr.w) > 1 && tr.h > 1)
        tui_fill(b.y + 1, b.x, b.w, TUI_ROLE_BANNER);
    else
        tr.h = 1;
    tui_put_wrapped(tr, TUI_ROLE_BANNER, line, 0, false);
    return tr.h + draw_readout(e, b, tr.h);
}

static void draw_tabs(const struct scr_customer *c, int y, int x, int w)
{
    tui_fill(y, x, w, TUI_ROLE_HEADER);
    int at = x + 1;
    for (int p = 0; p < SCR_CUST__PANELS && at < x + w; p++) {
        char tab[48];
        /* Brackets mark the current panel without colour. */
        util_format(tab, sizeof tab, p == (int)c->panel ? "[%d %s]" : " %d %s ", p + 1, panel_names[p]);
        at += tui_put(y, at, x + w - at, p == (int)c->panel ? TUI_ROLE_SELECTED : TUI_ROLE_HEADER, tab) + 1;
    }
}

void scr_cust_draw(void *st, struct tui_rect b)
{
    struct scr_customer *c = st;
    if (b.h < 1 || b.w < 1)
        return;
    if (!c->v) {
        char line[300];
        util_format(line, sizeof line, c->error ? "%s: %s" : "Opening %s...", c->title_name,
                    c->error ? c->error : "");
        tui_put(b.y, b.x + 1, b.w - 1, c->error ? TUI_ROLE_ERROR : TUI_ROLE_DIM, line);
        return;
    }
    if (!DB_CV_HEADER(c->v)) {
        tui_put(b.y, b.x + 1, b.w - 1, TUI_ROLE_ERROR, c->error ? c->error : "This customer no longer exists.");
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
    case SCR_CUST_OVERVIEW: scr_cust_overview(c, body); break;
    case SCR_CUST_USAGE: scr_cust_usage(c, body); break;
    case SCR_CUST_BILLING: scr_cust_billing(c, body); break;
    case SCR_CUST_CONTACTS: scr_cust_contacts(c, body); break;
    case SCR_CUST_COMPLAINTS: scr_cust_complaints(c, body); break;
    case SCR_CUST_PROGRAMMES: scr_cust_programmes(c, body); break;
    case SCR_CUST__PANELS: break;
    }
}
