/* queue_rules.c — the queue's rules as pure functions: where a complaint stands against its deadline, the list's one order, merging rows fetched again, who may take, assign or escalate. */
#include "careline/queue.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careline/util.h"

/* ---- time left ----------------------------------------------------------------- */

enum db_queue_sla db_queue_sla(const struct db_queue_row *r, time_t local_now, int at_risk_percent, int64_t *left)
{
    int64_t l = 0;
    enum db_queue_sla s;
    if (r->no_deadline) {
        s = DB_QUEUE_NO_DEADLINE;
    } else {
        /* A paused clock keeps what was left when it stopped. */
        l = r->paused ? r->left_s : r->due_epoch - ((int64_t)local_now + r->clock_offset);
        if (l < 0)
            s = DB_QUEUE_BREACHED;   /* strictly after the deadline, as the SQL says */
        else if (r->paused)
            s = DB_QUEUE_PAUSED;
        else if (r->window_s <= 0 || l * 100 < r->window_s * (int64_t)at_risk_percent)
            s = DB_QUEUE_AT_RISK;
        else
            s = DB_QUEUE_ON_TIME;
    }
    if (left)
        *left = l;
    return s;
}

const char *db_queue_sla_word(enum db_queue_sla s)
{
    switch (s) {
    case DB_QUEUE_NO_DEADLINE: return "no deadline";
    case DB_QUEUE_ON_TIME: return "on time";
    case DB_QUEUE_AT_RISK: return "AT RISK";
    case DB_QUEUE_BREACHED: return "BREACHED";
    case DB_QUEUE_PAUSED: return "paused";
    }
    return "?";
}

/* ---- order and merging ------------------------------------------------------------ */

static int cmp64(int64_t a, int64_t b) { return a < b ? -1 : a > b; }

int db_queue_compare(const struct db_queue_row *a, const struct db_queue_row *b)
{
    if (a->paused != b->paused)
        return a->paused ? 1 : -1;
    if (a->no_deadline != b->no_deadline)
        return a->no_deadline ? 1 : -1;
    if (!a->no_deadline) {
        int c = a->paused ? cmp64(a->left_s, b->left_s) : cmp64(a->due_epoch, b->due_epoch);
        if (c)
            return c;
    }
    return strcmp(a->reference, b->reference);
}

int db_queue_find(const struct db_rows *list, const char *id)
{
    for (int i = 0; id && i < list->n; i++)
        if (strcmp(DB_ROW(list, const struct db_queue_row, i)->id, id) == 0)
            return i;
    return -1;
}

static void remove_at(struct db_rows *list, int i)
{
    size_t sz = sizeof(struct db_queue_row);
    char *base = list->v;
    db_queue_row_clear(DB_ROW(list, struct db_queue_row, i));
    memmove(base + (size_t)i * sz, base + (size_t)(i + 1) * sz, (size_t)(list->n - i - 1) * sz);
    list->n--;
}

static void insert_sorted(struct db_rows *list, const struct db_queue_row *r)
{
    size_t sz = sizeof *r;
    int at = 0;
    while (at < list->n && db_queue_compare(DB_ROW(list, const struct db_queue_row, at), r) <= 0)
        at++;
    list->v = util_realloc(list->v, (size_t)(list->n + 1) * sz);
    char *base = list->v;
    memmove(base + (size_t)(at + 1) * sz, base + (size_t)at * sz, (size_t)(list->n - at) * sz);
    memcpy(base + (size_t)at * sz, r, sz);
    list->n++;
}

int db_queue_merge(struct db_rows *list, struct db_rows *fresh, const char *const *ids, int nids, const char *keep)
{
    char kept[40] = "";
    if (keep && util_format_fits(kept, sizeof kept, "%s", keep) < 0)
        kept[0] = '\0';   /* no id of ours: no row to keep the cursor on */
    if (!list->shape)
        list->shape = fresh->shape;   /* an empty list takes the rows' shape, for db_rows_free */
    for (int k = 0; k < nids; k++) {
        int at = db_queue_find(list, ids[k]);
        if (at >= 0)
            remove_at(list, at);
    }
    for (int i = 0; i < fresh->n; i++) {
        struct db_queue_row *r = DB_ROW(fresh, struct db_queue_row, i);
        /* A row that is already there (asked for twice): the fresh one wins. */
        int at = db_queue_find(list, r->id);
        if (at >= 0)
            remove_at(list, at);
        insert_sorted(list, r);
    }
    /* The records now belong to list: only the array goes. */
    free(fresh->v);
    fresh->v = NULL;
    fresh->n = 0;
    return kept[0] ? db_queue_find(list, kept) : -1;
}

bool db_queue_notice_id(const char *payload, char out[37])
{
    out[0] = '\0';
    const char *p = payload ? strstr(payload, "\"id\"") : NULL;
    if (!p)
        return false;
    p += 4;
    while (*p == ' ')
        p++;
    if (*p++ != ':')
        return false;
    while (*p == ' ')
        p++;
    if (*p++ != '"')
        return false;
    size_t n = strspn(p, "0123456789abcdefABCDEF-");
    if (n != 36 || p[36] != '"')
        return false;
    memcpy(out, p, 36);
    out[36] = '\0';
    return true;
}

/* ---- who may do what ---------------------------------------------------------------- */

const char *db_queue_next_severity(const char *severity)
{
    static const char *const steps[] = {"low", "medium", "high", "critical"};
    for (int i = 0; severity && i < 3; i++)
        if (strcmp(severity, steps[i]) == 0)
            return steps[i + 1];
    return NULL;
}

__attribute__((format(printf, 3, 4)))
static bool refuse(char *why, size_t len, const char *fmt, ...)
{
    if (why && len) {
        va_list ap;
        va_start(ap, fmt);
        util_vformat(why, len, fmt, ap);
        va_end(ap);
    }
    return false;
}

bool db_queue_allowed(enum db_queue_action a, enum db_lifecycle_role role, long long me,
                      const struct db_queue_row *r, char *why, size_t len)
{
    if (why && len)
        why[0] = '\0';
    if (!r)
        return refuse(why, len, "No complaint is selected.");
    if (role == DB_LC_FIELD)
        return refuse(why, len, "Field staff do not take or move complaints: a supervisor does.");
    bool super = role == DB_LC_SUPERVISOR;
    switch (a) {
    case DB_QUEUE_TAKE:
        if (me <= 0)
            return refuse(why, len, "Only staff with a Careline staff record take complaints.");
        if (r->owner_id == me)
            return refuse(why, len, "%s is already yours.", r->reference);
        if (r->owner_id != 0 && !super)
            return refuse(why, len, "%s is %s's: only a supervisor reassigns it.", r->reference, r->owner);
        return true;
    case DB_QUEUE_ASSIGN:
        if (!super)
            return refuse(why, len, "Only a supervisor assigns complaints; you may take an unassigned one yourself.");
        return true;
    case DB_QUEUE_ESCALATE:
        if (!db_queue_next_severity(r->severity))
            return refuse(why, len, "%s is already critical: assign it to someone who can act on it.", r->reference);
        return true;
    }
    return refuse(why, len, "That cannot be done here.");
}

/* ---- words ----------------------------------------------------------------------------- */

static void change(struct util_buf *b, const char *what, const char *was, const char *is, const char *none)
{
    if (strcmp(was, is) == 0)
        return;
    util_buf_printf(b, "%s%s: %s -> %s", b->len ? "; " : "", what, *was ? was : none, *is ? is : none);
}

char *db_queue_changes(const struct db_queue_row *before, const struct db_queue_row *after)
{
    struct util_buf b = {0};
    if (!after) {
        util_buf_puts(&b, before ? "it is no longer in this list (resolved, closed, merged or moved away)" : "");
    } else if (before) {
        change(&b, "owner", before->owner, after->owner, "unassigned");
        change(&b, "team", before->team, after->team, "no team");
        change(&b, "status", before->status, after->status, "-");
        change(&b, "severity", before->severity, after->severity, "-");
        change(&b, "category", before->category, after->category, "-");
        change(&b, "event", before->event, after->event, "none");
        if (!b.len && before->version != after->version)
            util_buf_puts(&b, "saved again with nothing shown here changed");
    }
    char *out = util_strdup(b.data ? b.data : "");
    util_buf_free(&b);
    return out;
}
