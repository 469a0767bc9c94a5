/* customer.c — the chosen customer's record: who, where, how to reach them and the flags not to miss. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careline/screens.h"
#include "careline/search.h"
#include "careline/tui.h"
#include "careline/util.h"

struct customer {
    struct db_search_hit hit;   /* a private copy: the search list may change underneath */
};

static void *customer_open(void *arg)
{
    const struct db_search_hit *h = arg;
    if (!h)
        return NULL;
    struct customer *c = util_calloc(1, sizeof *c);
    c->hit.customer_id = h->customer_id;
    c->hit.account_no = util_strdup(h->account_no);
    c->hit.name = util_strdup(h->name);
    c->hit.address = util_strdup(h->address);
    c->hit.postcode = util_strdup(h->postcode);
    c->hit.segment = util_strdup(h->segment);
    c->hit.phone = util_strdup(h->phone);
    c->hit.flags = util_strdup(h->flags);
    c->hit.matched = util_strdup(h->matched);
    return c;
}

static void customer_close(void *st)
{
    struct customer *c = st;
    struct db_search_result r = {.hits = util_calloc(1, sizeof c->hit), .count = 1};
    r.hits[0] = c->hit;
    db_search_result_free(&r);
    free(c);
}

/* Flags spelled out: a word on screen survives monochrome and ASCII. */
static const char *flag_words(const char *flags, char *buf, size_t len)
{
    static const struct {
        const char *code, *text;
    } words[] = {
        {"EVENT", "SUPPLY EVENT in this area"},
        {"PSR", "Priority services"},
        {"VULN", "Vulnerable"},
        {"NODIGI", "Non-digital"},
        {"KEY", "Key account"},
        {"ARREARS", "In arrears"},
    };
    buf[0] = '\0';
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        const char *p = strstr(flags, words[i].code);
        size_t n = strlen(words[i].code);
        if (p && (p == flags || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0')) {
            size_t used = strlen(buf);
            snprintf(buf + used, len - used, "%s%s", used ? " | " : "", words[i].text);
        }
    }
    return buf;
}

static void customer_draw(void *st, struct tui_rect b)
{
    struct customer *c = st;
    const struct db_search_hit *h = &c->hit;
    char flags[256];
    flag_words(h->flags, flags, sizeof flags);
    const struct {
        const char *label, *value;
        enum tui_role role;
    } rows[] = {
        {"Name", h->name, TUI_ROLE_TITLE},
        {"Account", h->account_no, TUI_ROLE_NORMAL},
        {"Service address", h->address, TUI_ROLE_NORMAL},
        {"Postcode", h->postcode, TUI_ROLE_NORMAL},
        {"Phone", h->phone, TUI_ROLE_NORMAL},
        {"Segment", h->segment, TUI_ROLE_NORMAL},
        {"Flags", *flags ? flags : "none", *flags ? TUI_ROLE_WARN : TUI_ROLE_DIM},
        {"Found by", h->matched, TUI_ROLE_DIM},
    };
    int label_w = 17;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0] && (int)i < b.h; i++) {
        tui_put(b.y + (int)i, b.x + 1, label_w, TUI_ROLE_LABEL, rows[i].label);
        tui_put(b.y + (int)i, b.x + 1 + label_w, b.w - 1 - label_w, rows[i].role, rows[i].value);
    }
}

static enum scr_result customer_action(void *st, enum tui_action a)
{
    (void)st;
    if (a == TUI_ACT_BACK)
        return SCR_CLOSE;
    return SCR_UNHANDLED;
}

static const enum tui_action *customer_status(void *st)
{
    (void)st;
    static const enum tui_action keys[] = {TUI_ACT_BACK, TUI_ACT_HELP, TUI_ACT_QUIT, TUI_ACT_NONE};
    return keys;
}

const struct screen_ops scr_customer_ops = {
    .name = "customer",
    .title = "Customer",
    .open = customer_open,
    .close = customer_close,
    .draw = customer_draw,
    .action = customer_action,
    .status_keys = customer_status,
};
