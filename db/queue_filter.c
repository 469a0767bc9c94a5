/* queue_filter.c — the queue's filters as pure functions: their values from the choices the database sent, reading and setting them, and the filter in words. */
#include "careline/queue.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careline/text.h"
#include "careline/util.h"

const char *db_queue_choice_label(const struct db_rows *choices, const char *kind, const char *key)
{
    for (int i = 0; choices && i < choices->n; i++) {
        const struct db_queue_choice *c = DB_ROW(choices, const struct db_queue_choice, i);
        if (strcmp(c->kind, kind) == 0 && strcmp(c->key, key) == 0)
            return c->label;
    }
    return NULL;
}

static void part(struct util_buf *b, const char *what, const char *shown)
{
    util_buf_printf(b, "%s%s %s", b->len ? "; " : "", what, shown);
}

/* A key's label, or the key itself when the choices do not (yet) know it. */
static const char *label(const struct db_rows *choices, const char *kind, const char *key)
{
    const char *l = db_queue_choice_label(choices, kind, key);
    return l ? l : key;
}

char *db_queue_filter_text(const struct db_queue_filter *f, const struct db_rows *choices)
{
    struct util_buf b = {0};
    if (!f->mine && strcmp(f->team, "*") == 0)
        part(&b, "team", "any");
    else if (!f->mine && strcmp(f->team, "-") == 0)
        part(&b, "team", "none yet");
    else if (!f->mine && f->team[0])
        part(&b, "team", f->team);
    if (!f->mine && strcmp(f->owner, "-") == 0)
        part(&b, "agent", "nobody yet");
    else if (!f->mine && f->owner[0])
        part(&b, "agent", label(choices, "staff", f->owner));
    if (f->category[0])
        part(&b, "category", label(choices, "category", f->category));
    if (f->status[0]) {
        char st[sizeof f->status];
        util_format(st, sizeof st, "%s", f->status);
        part(&b, "status", tui_text_words(st));   /* waiting_customer reads as words */
    }
    if (f->channel[0])
        part(&b, "channel", f->channel);
    if (f->event[0])
        part(&b, "event", label(choices, "event", f->event));
    char *out = util_strdup(b.data ? b.data : "");
    util_buf_free(&b);
    return out;
}

const char *db_queue_filter_name(enum db_queue_filter_kind kind)
{
    static const char *const names[DB_QF__COUNT] = {"Team", "Agent", "Category", "Status", "Channel", "Event"};
    return (unsigned)kind < DB_QF__COUNT ? names[kind] : "?";
}

/* Where each filter keeps its key, and how big it may be. */
static char *field(struct db_queue_filter *f, enum db_queue_filter_kind kind, size_t *len)
{
    switch (kind) {
    case DB_QF_TEAM: *len = sizeof f->team; return f->team;
    case DB_QF_AGENT: *len = sizeof f->owner; return f->owner;
    case DB_QF_CATEGORY: *len = sizeof f->category; return f->category;
    case DB_QF_STATUS: *len = sizeof f->status; return f->status;
    case DB_QF_CHANNEL: *len = sizeof f->channel; return f->channel;
    case DB_QF_EVENT: *len = sizeof f->event; return f->event;
    case DB_QF__COUNT: break;
    }
    *len = 0;
    return NULL;
}

const char *db_queue_filter_get(const struct db_queue_filter *f, enum db_queue_filter_kind kind)
{
    size_t len;
    const char *v = field((struct db_queue_filter *)f, kind, &len);
    return v ? v : "";
}

bool db_queue_filter_set(struct db_queue_filter *f, enum db_queue_filter_kind kind, const char *key)
{
    size_t len;
    char *v = field(f, kind, &len);
    if (!v || !key || strlen(key) >= len)
        return false;
    memcpy(v, key, strlen(key) + 1);
    return true;
}

/* The kind of choice (from the database) that holds a filter's values. */
static const char *choice_kind(enum db_queue_filter_kind kind)
{
    switch (kind) {
    case DB_QF_TEAM: return "team";
    case DB_QF_AGENT: return "staff";
    case DB_QF_CATEGORY: return "category";
    case DB_QF_EVENT: return "event";
    default: return NULL;
    }
}

static int add(struct db_queue_option *out, int n, int max, const char *key, const char *label, const char *detail)
{
    if (n < max)
        out[n] = (struct db_queue_option){key, label, detail};
    return n + 1;
}

int db_queue_filter_options(enum db_queue_filter_kind kind, const struct db_rows *choices, const char *teams,
                            struct db_queue_option *out, int max)
{
    static const char *const statuses[] = {"new", "acknowledged", "investigating", "waiting_customer"};
    static const char *const channels[] = {"phone", "email", "web", "sms", "walk_in", "field_visit", "social",
                                           "letter", "311"};
    int n = 0;
    if (kind == DB_QF_TEAM) {
        n = add(out, n, max, "", "Your teams", teams && *teams ? teams : "every team, as you have none");
        n = add(out, n, max, "*", "Every team", "");
        n = add(out, n, max, "-", "No team yet", "routed nowhere");
    } else {
        n = add(out, n, max, "", kind == DB_QF_AGENT ? "Anyone" : "Any", "");
    }
    if (kind == DB_QF_AGENT)
        n = add(out, n, max, "-", "Nobody yet", "unassigned complaints");
    for (size_t i = 0; kind == DB_QF_STATUS && i < sizeof statuses / sizeof statuses[0]; i++)
        n = add(out, n, max, statuses[i], statuses[i], "");
    for (size_t i = 0; kind == DB_QF_CHANNEL && i < sizeof channels / sizeof channels[0]; i++)
        n = add(out, n, max, channels[i], channels[i], "");
    const char *ck = choice_kind(kind);
    for (int i = 0; ck && choices && i < choices->n; i++) {
        const struct db_queue_choice *c = DB_ROW(choices, const struct db_queue_choice, i);
        if (strcmp(c->kind, ck) == 0)
            n = add(out, n, max, c->key, c->label, c->detail);
    }
    return n < max ? n : max;
}


const char *db_queue_filter_shown(const struct db_queue_filter *f, enum db_queue_filter_kind kind,
                                  const struct db_rows *choices, const char *teams)
{
    const char *now = db_queue_filter_get(f, kind);
    int max = (choices ? choices->n : 0) + 16;
    struct db_queue_option *opts = util_calloc((size_t)max, sizeof *opts);
    int n = db_queue_filter_options(kind, choices, teams, opts, max);
    const char *shown = now;
    for (int i = 0; i < n; i++)
        if (strcmp(opts[i].key, now) == 0)
            shown = opts[i].label;
    free(opts);
    return shown;
}
