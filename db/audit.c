/* audit.c — reading the audit trail for the audit screen (per customer, per staff member, everyone), the staff picker, entries in words, and the entries a session writes about itself. */
#include "careline/audit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careline/util.h"

/* $1 customer id (0: any), $2 login ('': anyone), $3 days (0: today), $4
 * vulnerability reads only. Unnamed statements are planned with the values,
 * so the unused conditions fold away and the matching index is used: (at)
 * for everyone, (customer_id, at), (actor, at), the vulnerability reads'
 * own. Entries are client-written too (in the writer's own name), so
 * details are read defensively: any JSON shape gives text, never an error. */
#define STR_(x) #x
#define STR(x) STR_(x)

#define AUDIT_WHERE                                                                                             \
    " WHERE ($1::bigint = 0 OR a.customer_id = $1::bigint)"                                                    \
    "  AND ($2::text = '' OR a.actor = $2::text)"                                                              \
    "  AND a.at >= CASE WHEN $3::integer <= 0 THEN date_trunc('day', now())"                                   \
    "   ELSE now() - make_interval(days => $3::integer) END"                                                   \
    "  AND (NOT $4::boolean OR a.action = 'customer.vulnerability')"

/* Which part of the details holds the row: the change, the new or the old row. */
#define AUDIT_ROW                                                                                               \
    "CASE WHEN jsonb_typeof(a.details -> 'changed') = 'object' THEN a.details -> 'changed'"                    \
    " WHEN jsonb_typeof(a.details -> 'new') = 'object' THEN a.details -> 'new'"                                \
    " WHEN jsonb_typeof(a.details -> 'old') = 'object' THEN a.details -> 'old' ELSE '{}'::jsonb END"

/* $5 / $6: the (at, id) of the last entry held; NULL for the newest. */
static const char page_sql[] =
    "SELECT a.id, to_char(a.at, 'Dy DD Mon HH24:MI') AS at,"
    " to_char(a.at, 'FMDay FMDD FMMonth YYYY HH24:MI:SS') AS at_long, a.at::text AS at_key,"
    " a.actor, coalesce(s.display_name, '') AS actor_name, a.action, coalesce(a.entity, '') AS entity,"
    " coalesce(a.entity_id, '') AS entity_id, coalesce(a.customer_id, 0) AS customer_id,"
    " coalesce(c.name, '') AS customer, coalesce(c.account_no, '') AS account_no,"
    " coalesce(c.vulnerable, false) AS customer_vulnerable,"
    " coalesce(a.details ->> 'purpose', '') AS purpose, coalesce(a.details ->> 'reference', '') AS reference,"
    " CASE WHEN jsonb_typeof(a.details -> 'changed') = 'object' THEN"
    "  (SELECT string_agg(k, ', ' ORDER BY k) FROM jsonb_object_keys(a.details -> 'changed') k) ELSE '' END"
    "  AS fields,"
    " coalesce((SELECT string_agg(CASE WHEN jsonb_typeof(a.details -> 'changed') = 'object'"
    "    AND jsonb_typeof(x.v) = 'array'"
    "   THEN x.k || ': ' || coalesce(x.v ->> 0, '(empty)') || ' -> ' || coalesce(x.v ->> 1, '(empty)')"
    "   ELSE x.k || ': ' || coalesce(x.v #>> '{}', '(empty)') END, E'\\n' ORDER BY x.k)"
    "  FROM jsonb_each(" AUDIT_ROW ") x(k, v) WHERE jsonb_typeof(x.v) <> 'null'), '') AS changes,"
    " coalesce(CASE WHEN jsonb_typeof(a.details) = 'object'"
    "  THEN nullif((a.details - '{changed,new,old,purpose,reference}'::text[])::text, '{}')"
    "  ELSE a.details::text END, '') AS extra"
    " FROM audit_log a LEFT JOIN staff s ON s.login_role = a.actor LEFT JOIN customer c ON c.id = a.customer_id"
    AUDIT_WHERE
    "  AND ($5::timestamptz IS NULL OR a.at < $5::timestamptz OR (a.at = $5::timestamptz AND a.id < $6::bigint))"
    " ORDER BY a.at DESC, a.id DESC LIMIT " STR(DB_AUDIT_PAGE);

static const char count_sql[] =
    "SELECT count(*) AS count FROM (SELECT 1 FROM audit_log a" AUDIT_WHERE " LIMIT " STR(DB_AUDIT_COUNT_CAP) " + 1) x";

/* Looking is opening, exporting or reading the details; changing is the
 * triggers' insert, update and delete. Asked per customer or per person
 * only: for everyone it would group the whole period. */
static const char people_sql[] =
    "SELECT a.actor, coalesce(s.display_name, '') AS name, count(*) AS entries,"
    " count(DISTINCT a.customer_id) FILTER (WHERE a.action IN ('customer.open', 'complaint.open', 'customer.export'))"
    "  AS customers,"
    " count(*) FILTER (WHERE a.action IN ('customer.open', 'complaint.open')) AS opens,"
    " count(*) FILTER (WHERE a.action = 'customer.vulnerability') AS vulnerability_reads,"
    " count(*) FILTER (WHERE a.action IN ('insert', 'update', 'delete')) AS changes,"
    " to_char(max(a.at), 'Dy DD Mon HH24:MI') AS last"
    " FROM audit_log a LEFT JOIN staff s ON s.login_role = a.actor" AUDIT_WHERE
    " GROUP BY a.actor, s.display_name ORDER BY max(a.at) DESC LIMIT 50";

static const char staff_sql[] =
    "SELECT s.login_role AS login, s.display_name AS name, coalesce(s.team, '') AS team, s.group_role, s.active"
    " FROM staff s WHERE $1::text = '' OR strpos(lower(s.display_name), lower($1::text)) > 0"
    "  OR strpos(s.login_role, lower($1::text)) > 0"
    " ORDER BY s.active DESC, s.display_name, s.login_role LIMIT 200";

/* In the session's own name: the policy lets anyone append only as themselves. */
static const char session_sql[] =
    "INSERT INTO audit_log (action, entity, entity_id, details)"
    " VALUES ($1::text, 'session', pg_backend_pid()::text, $2::jsonb)";

/* ---- records ------------------------------------------------------------------ */

#define E(type, field) DB_COL(type, struct db_audit_entry, field)
static const struct db_col entry_cols[] = {
    E(DB_INT64, id), E(DB_TEXT, at), E(DB_TEXT, at_long), E(DB_TEXT, at_key),
    E(DB_TEXT, actor), E(DB_TEXT, actor_name), E(DB_TEXT, action), E(DB_TEXT, entity), E(DB_TEXT, entity_id),
    E(DB_INT64, customer_id), E(DB_TEXT, customer), E(DB_TEXT, account_no), E(DB_BOOL, customer_vulnerable),
    E(DB_TEXT, purpose), E(DB_TEXT, reference), E(DB_TEXT, fields), E(DB_TEXT, changes), E(DB_TEXT, extra),
};
#undef E
static const struct db_shape entry_shape = DB_SHAPE("audit entries", struct db_audit_entry, entry_cols);

struct count_row {
    int64_t count;
};
static const struct db_col count_cols[] = {DB_COL(DB_INT64, struct count_row, count)};
static const struct db_shape count_shape = DB_SHAPE("audit count", struct count_row, count_cols);

#define P(type, field) DB_COL(type, struct db_audit_person_total, field)
static const struct db_col people_cols[] = {
    P(DB_TEXT, actor), P(DB_TEXT, name), P(DB_INT64, entries), P(DB_INT64, customers), P(DB_INT64, opens),
    P(DB_INT64, vulnerability_reads), P(DB_INT64, changes), P(DB_TEXT, last),
};
#undef P
static const struct db_shape people_shape = DB_SHAPE("audit by person", struct db_audit_person_total, people_cols);

#define S(type, field) DB_COL(type, struct db_audit_staff, field)
static const struct db_col staff_cols[] = {
    S(DB_TEXT, login), S(DB_TEXT, name), S(DB_TEXT, team), S(DB_TEXT, group_role), S(DB_BOOL, active),
};
#undef S
static const struct db_shape staff_shape = DB_SHAPE("staff", struct db_audit_staff, staff_cols);

/* ---- loading ------------------------------------------------------------------ */

void db_audit_page_free(struct db_audit_page *p)
{
    if (!p)
        return;
    db_rows_free(&p->entries);
    db_rows_free(&p->people);
    free(p->error);
    free(p);
}

struct pending {
    struct db_conn *conn;
    bool first;
    bool people;    /* the first page brings the totals by person */
    void (*done)(void *ctx, struct db_audit_page *p);
    void (*staff_done)(void *ctx, struct db_rows *rows, bool refused, const char *err);
    void *ctx;
};

/* Refused is the database's "permission denied" or a row-level policy:
 * the screen says who may read the log instead of a generic failure. */
static bool refused(const struct pending *p)
{
    return strcmp(db_sqlstate(p->conn), "42501") == 0;
}

static void on_page(void *arg, const PGresult *const *res, int n, const char *err, double ms)
{
    (void)ms;
    struct pending *p = arg;
    struct db_audit_page *page = util_calloc(1, sizeof *page);
    page->count = -1;
    page->entries.shape = &entry_shape;
    char why[300];
    if (err) {
        page->refused = refused(p);
        page->error = util_strdup(err);
    } else if (p->first) {
        struct db_rows count = {0};
        struct db_rows *const parts[] = {&count, &page->entries, &page->people};
        const struct db_shape *const shapes[] = {&count_shape, &entry_shape, &people_shape};
        if (db_parts_decode(parts, shapes, p->people ? 3 : 2, res, n, why, sizeof why) < 0)
            page->error = util_strdup(why);
        else
            page->count = count.n ? DB_ROW(&count, struct count_row, 0)->count : 0;
        db_rows_free(&count);
    } else if (db_rows_decode(&page->entries, &entry_shape, n ? res[0] : NULL, why, sizeof why) < 0) {
        page->error = util_strdup(why);
    }
    page->more = page->entries.n >= DB_AUDIT_PAGE;
    p->done(p->ctx, page);
    free(p);
}

unsigned db_audit_load(struct db_conn *c, const struct db_audit_filter *f, const struct db_audit_entry *last,
                       void (*done)(void *ctx, struct db_audit_page *p), void *ctx, const void *owner)
{
    char cust[24], days[16], before[24];
    util_format(cust, sizeof cust, "%lld", f->customer_id > 0 ? f->customer_id : 0);
    util_format(days, sizeof days, "%d", f->days > 0 ? f->days : 0);
    util_format(before, sizeof before, "%lld", last ? (long long)last->id : 0LL);
    const char *params[6] = {cust, f->login ? f->login : "", days, f->vulnerability_only ? "true" : "false",
                             last ? last->at_key : NULL, before};
    struct pending *p = util_calloc(1, sizeof *p);
    p->conn = c;
    p->first = !last;
    p->people = !last && (f->customer_id > 0 || (f->login && *f->login));
    p->done = done;
    p->ctx = ctx;
    /* A later page is the middle statement alone. */
    const struct db_stmt stmts[3] = {
        {count_sql, 4, params},
        {page_sql, 6, params},
        {people_sql, 4, params},
    };
    struct db_batch b = {.stmts = last ? stmts + 1 : stmts, .n = last ? 1 : p->people ? 3 : 2, .done = on_page,
                         .ctx = p, .owner = owner, .cleanup = free};
    return db_send_batch(c, &b);
}

static void on_staff(void *arg, const PGresult *res, const char *err, double ms)
{
    (void)ms;
    struct pending *p = arg;
    struct db_rows rows = {.shape = &staff_shape};
    char why[300];
    bool no = err && refused(p);
    if (!err && db_rows_decode(&rows, &staff_shape, res, why, sizeof why) < 0)
        err = why;
    p->staff_done(p->ctx, &rows, no, err);
    db_rows_free(&rows);
    free(p);
}

unsigned db_audit_staff_find(struct db_conn *c, const char *typed,
                             void (*done)(void *ctx, struct db_rows *rows, bool refused, const char *err), void *ctx,
                             const void *owner)
{
    const char *params[1] = {typed ? typed : ""};
    struct pending *p = util_calloc(1, sizeof *p);
    p->conn = c;
    p->staff_done = done;
    p->ctx = ctx;
    /* Typing replaces the search in flight: the newest text wins. */
    struct db_query q = {.sql = staff_sql, .nparams = 1, .params = params, .slot = "audit-staff", .delay_ms = 60,
                         .done = on_staff, .ctx = p, .owner = owner, .cleanup = free};
    return db_send(c, &q);
}

void db_audit_session_event(struct db_conn *c, const char *action, const char *details)
{
    const char *params[2] = {action, details && *details ? details : "{}"};
    struct db_query q = {.sql = session_sql, .nparams = 2, .params = params};
    db_send(c, &q);
}

/* ---- in words ---------------------------------------------------------------- */

/* Tables as the people who use them call them, with their article. */
static const char *entity_word(const char *entity, char *buf, size_t len)
{
    static const struct {
        const char *table, *word;
    } words[] = {
        {"customer", "a customer record"},       {"interaction", "a contact"},
        {"complaint", "a complaint"},            {"goodwill_credit", "a goodwill credit"},
        {"follow_up", "a follow-up"},            {"customer_premise", "a premise link"},
        {"staff", "a staff record"},             {"office_zone", "the zones of an office"},
        {"payment_arrangement", "a payment arrangement"}, {"programme_enrolment", "a programme enrolment"},
        {"compensation_payment", "a compensation payment"}, {"critical_event", "a critical event"},
        {"critical_event_zone", "the zones of a critical event"},
        {"critical_event_sector", "the postcode sectors of a critical event"},
        {"critical_event_template", "an event template"}, {"authority_limit", "an authority limit"},
        {"response_standard", "a response standard"}, {"complaint_category", "a complaint category"},
        {"root_cause", "a root cause"},          {"recovery_script", "a recovery script"},
        {"holiday", "a holiday"},                {"working_hours", "the working hours"},
        {"wrap_up_code", "a wrap-up code"},      {"app_setting", "a setting"},
        {"notify_call", "a call-list entry"},
    };
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strcmp(entity, words[i].table) == 0)
            return words[i].word;
    util_format(buf, len, "a record of %s", *entity ? entity : "some table");
    return buf;
}

bool db_audit_is_vulnerability_read(const struct db_audit_entry *e)
{
    return strcmp(e->action, "customer.vulnerability") == 0;
}

const char *db_audit_what(const struct db_audit_entry *e, char *out, size_t len)
{
    const char *a = e->action;
    char word[96];
    if (strcmp(a, "customer.open") == 0)
        util_format(out, len, "opened the customer view");
    else if (db_audit_is_vulnerability_read(e))
        util_format(out, len, "READ VULNERABILITY DETAILS (%s)", *e->purpose ? e->purpose : "purpose not given");
    else if (strcmp(a, "customer.export") == 0)
        util_format(out, len, "exported everything held (subject access request)");
    else if (strcmp(a, "complaint.open") == 0)
        util_format(out, len, "opened complaint %s", *e->reference ? e->reference : e->entity_id);
    else if (strcmp(a, "staff.sessions_ended") == 0)
        util_format(out, len, "ended the open sessions of %s", e->entity_id);
    else if (strcmp(a, "session.locked") == 0)
        util_format(out, len, "left the terminal idle: screen locked");
    else if (strcmp(a, "session.unlocked") == 0)
        util_format(out, len, "unlocked the screen");
    else if (strcmp(a, "session.unlock_failed") == 0)
        util_format(out, len, "WRONG PASSWORD at the locked screen");
    else if (strcmp(a, "session.lock_ended") == 0)
        util_format(out, len, "session ended at the locked screen after wrong passwords");
    else if (strcmp(a, "insert") == 0)
        util_format(out, len, "added %s", entity_word(e->entity, word, sizeof word));
    else if (strcmp(a, "update") == 0)
        util_format(out, len, "changed %s%s%s", entity_word(e->entity, word, sizeof word), *e->fields ? ": " : "",
                 e->fields);
    else if (strcmp(a, "delete") == 0)
        util_format(out, len, "removed %s", entity_word(e->entity, word, sizeof word));
    else
        util_format(out, len, "%s%s%s", a, *e->entity ? " " : "", e->entity);
    return out;
}

char *db_audit_describe(const struct db_audit_entry *e)
{
    struct util_buf b = {0};
    char what[512];
    util_buf_printf(&b, "When:      %s\n", e->at_long);
    if (*e->actor_name)
        util_buf_printf(&b, "Who:       %s (login %s)\n", e->actor_name, e->actor);
    else
        util_buf_printf(&b, "Who:       login %s (no staff record)\n", e->actor);
    if (e->customer_id > 0)
        util_buf_printf(&b, "Customer:  %s, account %s%s\n", *e->customer ? e->customer : "(no longer on file)",
                        *e->account_no ? e->account_no : "-",
                        e->customer_vulnerable ? " (vulnerability details on file)" : "");
    util_buf_printf(&b, "What:      %s\n", db_audit_what(e, what, sizeof what));
    if (*e->entity && strcmp(e->entity, "customer") != 0)
        util_buf_printf(&b, "Record:    %s %s\n", e->entity, e->entity_id);
    if (*e->changes) {
        const char *title = strcmp(e->action, "update") == 0 ? "Before -> after:" :
                            strcmp(e->action, "delete") == 0 ? "What was removed:" : "What was recorded:";
        util_buf_printf(&b, "\n%s\n", title);
        for (const char *l = e->changes; *l;) {
            size_t n = strcspn(l, "\n");
            util_buf_printf(&b, "  %.*s\n", (int)n, l);
            l += n + (l[n] == '\n');
        }
    }
    if (*e->extra)
        util_buf_printf(&b, "\nDetails:   %s\n", e->extra);
    util_buf_printf(&b, "\nAudit entry %lld.\n", (long long)e->id);
    return util_buf_steal(&b);
}

/* ---- statements, for the database test --------------------------------------- */

static const char *const filter_all[] = {"0", "", "30", "false", NULL, "0"};
static const char *const filter_older[] = {"0", "", "30", "false", "2100-01-01 00:00:00+00", "1"};
static const char *const staff_any[] = {""};
static const struct db_statement statements[] = {
    {page_sql, 6, filter_all, &entry_shape, false},
    {page_sql, 6, filter_older, &entry_shape, false},
    {count_sql, 4, filter_all, &count_shape, false},
    {people_sql, 4, filter_all, &people_shape, false},
    {staff_sql, 1, staff_any, &staff_shape, false},
};

const struct db_statement *db_audit_statements(int *n)
{
    *n = (int)(sizeof statements / sizeof statements[0]);
    return statements;
}
