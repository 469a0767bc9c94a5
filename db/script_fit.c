/* script_fit.c — the recovery script that fits a complaint best, with the customer's situation and the placeholder values, read in one round trip; numbers from the database checked, never guessed. */
#include "careline/script.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careline/record.h"
#include "careline/util.h"

/* $1 complaint id; $2 a script id, or NULL for the best fit.
 * k      the complaint;  cu its customer;
 * ev     the active critical event that affects it: the one the complaint is
 *        linked to, else the newest covering the zone of its premise (or of
 *        any current premise of the customer when it has none);
 * anc    the complaint's category and its ancestors, d = how far up;
 * pick   the active scripts whose conditions hold, nearest category first
 *        ("*" / no categories = every category, the farthest), then the
 *        most conditions set, then the newest load. */
#define FIT_WITH                                                                                               \
    "WITH RECURSIVE k AS (SELECT * FROM complaint WHERE id = $1::uuid),"                                       \
    " cu AS (SELECT c.id, c.account_no, c.title, c.first_name, c.last_name, c.name, c.segment,"                \
    "   c.customer_type, c.language, c.preferred_channel, c.priority_services, c.non_digital, c.vulnerable"    \
    "   FROM customer c JOIN k ON c.id = k.customer_id),"                                                      \
    " ev AS (SELECT e.* FROM critical_event e CROSS JOIN k"                                                    \
    "   WHERE e.status = 'active' AND (e.id = k.critical_event_id OR e.id IN ("                                \
    "     SELECT ec.event_id FROM critical_event_customer ec"  /* by zone or by sector (018) */                \
    "      WHERE ec.customer_id = k.customer_id AND (k.premise_id IS NULL OR ec.premise_id = k.premise_id)))"  \
    "   ORDER BY (e.id = k.critical_event_id) IS TRUE DESC, e.started_at DESC LIMIT 1),"                        \
    " anc(id, code, parent_id, d) AS ("                                                                        \
    "   SELECT c.id, c.code, c.parent_id, 0 FROM complaint_category c JOIN k ON c.id = k.category_id"           \
    "   UNION ALL SELECT p.id, p.code, p.parent_id, anc.d + 1"                                                 \
    "   FROM anc JOIN complaint_category p ON p.id = anc.parent_id WHERE anc.d < 50),"                          \
    " pick AS (SELECT s.id FROM recovery_script s CROSS JOIN cu"                                               \
    "   CROSS JOIN LATERAL (SELECT min(coalesce(anc.d, 1000)) AS dist"                                         \
    "     FROM unnest(CASE WHEN cardinality(s.categories) = 0 THEN ARRAY['*'] ELSE s.categories END) sc(code)" \
    "     LEFT JOIN anc ON anc.code = sc.code WHERE sc.code = '*' OR anc.code IS NOT NULL) m"                  \
    "  WHERE CASE WHEN $2::integer IS NOT NULL THEN s.id = $2::integer"                                        \
    "   ELSE s.active AND m.dist IS NOT NULL"                                                                  \
    "    AND (s.segment IS NULL OR s.segment IN (cu.segment, cu.customer_type))"                               \
    "    AND (s.language IS NULL OR s.language = cu.language)"                                                 \
    "    AND (s.requires_vulnerability IS NULL"                                                                \
    "         OR s.requires_vulnerability = (cu.vulnerable OR cu.priority_services))"                          \
    "    AND (s.requires_event IS NULL OR s.requires_event = EXISTS (SELECT 1 FROM ev)) END"                   \
    "  ORDER BY m.dist, (s.segment IS NOT NULL)::int + (s.language IS NOT NULL)::int"                          \
    "   + (s.requires_vulnerability IS NOT NULL)::int + (s.requires_event IS NOT NULL)::int DESC,"             \
    "   s.loaded_at DESC, s.id DESC LIMIT 1) "

enum { FIT_HEADER, FIT_STEPS, FIT_OPTIONS, FIT_VARS, FIT__COUNT };

/* Options written by `scripts load` are an object; older rows (the demo
 * seed) hold the answers array itself. */
#define FIT_OBJ "CASE WHEN jsonb_typeof(t.options) = 'object' THEN t.options END"

/* Each part's columns are named, and decoded by name into its record. */
static const char header_sql[] = FIT_WITH
    "SELECT s.id, s.code, s.name, s.version, s.active, array_to_string(s.categories, ' ') AS categories,"
    " s.segment, s.language, s.requires_vulnerability, s.requires_event"
    " FROM pick JOIN recovery_script s ON s.id = pick.id";
static const char steps_sql[] = FIT_WITH
    "SELECT t.id, t.step_key, t.kind, t.text, t.action_kind, o ->> 'next' AS next,"
    " coalesce(o ->> 'free_text' = 'true', false) AS free_text,"
    " CASE WHEN jsonb_typeof(o -> 'amount') = 'number' THEN round((o ->> 'amount')::numeric * 100)::bigint END"
    "  AS amount_pence,"
    " CASE WHEN jsonb_typeof(o -> 'days') = 'number' THEN (o ->> 'days')::numeric::integer END AS days,"
    " o ->> 'channel' AS channel,"
    " CASE WHEN jsonb_typeof(o -> 'hours') = 'number' THEN (o ->> 'hours')::numeric::integer END AS hours,"
    " o ->> 'priority' AS priority, w ->> 'vulnerable' AS when_vulnerable,"
    " w ->> 'priority_services' AS when_priority_services, w ->> 'non_digital' AS when_non_digital,"
    " w ->> 'event' AS when_event, w ->> 'compensation' AS when_compensation, w ->> 'language' AS when_language"
    " FROM pick JOIN script_step t ON t.script_id = pick.id"
    " CROSS JOIN LATERAL (SELECT " FIT_OBJ " AS o,"
    "   CASE WHEN jsonb_typeof(t.condition) = 'object' THEN t.condition END AS w) x"
    " ORDER BY t.step_no";
static const char options_sql[] = FIT_WITH
    "SELECT t.id AS step_id, coalesce(a ->> 'answer', a ->> 'value', '') AS value,"
    " coalesce(a ->> 'label', a ->> 'answer', '') AS label, a ->> 'next' AS next"
    " FROM pick JOIN script_step t ON t.script_id = pick.id"
    " CROSS JOIN LATERAL jsonb_array_elements(CASE jsonb_typeof(t.options) WHEN 'array' THEN t.options"
    "   WHEN 'object' THEN CASE WHEN jsonb_typeof(t.options -> 'answers') = 'array' THEN t.options -> 'answers'"
    "   ELSE '[]'::jsonb END ELSE '[]'::jsonb END) WITH ORDINALITY AS x(a, n)"
    " WHERE jsonb_typeof(a) = 'object'"
    " ORDER BY t.step_no, x.n";
/* Each placeholder's value under the placeholder's name. */
static const char vars_sql[] = FIT_WITH
    "SELECT coalesce(nullif(btrim(cu.first_name), ''),"
    "   CASE WHEN cu.title <> '' AND cu.last_name <> '' THEN cu.title || ' ' || cu.last_name END) AS first_name,"
    " cu.name AS customer_name, cu.account_no,"
    " (SELECT concat_ws(', ', p.address_line1, p.address_line2, p.town, p.postcode) FROM premise p"
    "   WHERE p.id = coalesce(k.premise_id, (SELECT cp.premise_id FROM customer_premise cp"
    "     WHERE cp.customer_id = cu.id AND cp.end_date IS NULL ORDER BY cp.role, cp.premise_id LIMIT 1)))"
    "  AS address,"
    " k.reference,"
    " (SELECT st.display_name FROM staff st WHERE st.id = current_staff_id()) AS agent_name,"
    " to_char(k.ack_due_at AT TIME ZONE careline_timezone(), 'HH24:MI \"on\" FMDay FMDD FMMonth') AS deadline_ack,"
    " to_char(k.response_due_at AT TIME ZONE careline_timezone(), 'FMDay FMDD FMMonth') AS deadline_response,"
    " to_char(k.resolution_due_at AT TIME ZONE careline_timezone(), 'FMDay FMDD FMMonth') AS deadline_resolution,"
    " ev.title AS event_title, ev.agent_message AS event_message,"
    " to_char(ev.estimated_restore_at AT TIME ZONE careline_timezone(), 'HH24:MI \"on\" FMDay FMDD FMMonth')"
    "  AS restore_estimate,"
    " nullif(concat_ws(', ', nullif(array_to_string(ARRAY(SELECT replace(v, '_', ' ')"
    "   FROM unnest(customer_vulnerability(cu.id, 'recovery script')) v), ', '), ''),"
    "   CASE WHEN cu.priority_services THEN 'Priority Services Register' END), '') AS vulnerability,"
    " cu.preferred_channel, cat.name AS category,"
    " cu.vulnerable OR cu.priority_services AS vulnerable, cu.priority_services, cu.non_digital,"
    " ev.id IS NOT NULL AS event, compensation_scheme() <> 'none' AS compensation, cu.language, cu.segment, cu.customer_type, cat.code AS category_code,"
    " cu.id AS customer_id"
    " FROM k JOIN cu ON true JOIN complaint_category cat ON cat.id = k.category_id LEFT JOIN ev ON true";

/* The script: a NULL condition does not matter (SCRIPT_EITHER). */
struct fit_header {
    int id;
    bool vulnerability_any, event_any;   /* requires_* is NULL */
    char *code, *name;
    int version;
    bool active;
    char *categories;                    /* space-separated; "" = every category */
    char *segment, *language;            /* "" = any */
    bool requires_vulnerability, requires_event;
};
static const struct db_col header_cols[] = {
    DB_COL(DB_INT, struct fit_header, id),
    DB_COL(DB_TEXT, struct fit_header, code),
    DB_COL(DB_TEXT, struct fit_header, name),
    DB_COL(DB_INT, struct fit_header, version),
    DB_COL(DB_BOOL, struct fit_header, active),
    DB_COL(DB_TEXT, struct fit_header, categories),
    DB_COL(DB_TEXT, struct fit_header, segment),
    DB_COL(DB_TEXT, struct fit_header, language),
    DB_COL_NULL(DB_BOOL, struct fit_header, requires_vulnerability, vulnerability_any),
    DB_COL_NULL(DB_BOOL, struct fit_header, requires_event, event_any),
};

/* A step: "" is not set; the when parts are JSON's words ("true", "false"). */
struct fit_step {
    int id;
    bool days_unset;
    char *step_key, *kind, *text, *action_kind, *next;
    bool free_text;
    int64_t amount_pence;
    int days, hours;
    char *channel, *priority;
    char *when_vulnerable, *when_priority_services, *when_non_digital, *when_event, *when_compensation, *when_language;
};
static const struct db_col step_cols[] = {
    DB_COL(DB_INT, struct fit_step, id),
    DB_COL(DB_TEXT, struct fit_step, step_key),
    DB_COL(DB_TEXT, struct fit_step, kind),
    DB_COL(DB_TEXT, struct fit_step, text),
    DB_COL(DB_TEXT, struct fit_step, action_kind),
    DB_COL(DB_TEXT, struct fit_step, next),
    DB_COL(DB_BOOL, struct fit_step, free_text),
    DB_COL(DB_INT64, struct fit_step, amount_pence),
    DB_COL_NULL(DB_INT, struct fit_step, days, days_unset),
    DB_COL(DB_TEXT, struct fit_step, channel),
    DB_COL(DB_INT, struct fit_step, hours),
    DB_COL(DB_TEXT, struct fit_step, priority),
    DB_COL(DB_TEXT, struct fit_step, when_vulnerable),
    DB_COL(DB_TEXT, struct fit_step, when_priority_services),
    DB_COL(DB_TEXT, struct fit_step, when_non_digital),
    DB_COL(DB_TEXT, struct fit_step, when_event),
    DB_COL(DB_TEXT, struct fit_step, when_compensation),
    DB_COL(DB_TEXT, struct fit_step, when_language),
};

/* One fixed answer, in step order. */
struct fit_option {
    int step_id;
    char *value, *label, *next;
};
static const struct db_col option_cols[] = {
    DB_COL(DB_INT, struct fit_option, step_id),
    DB_COL(DB_TEXT, struct fit_option, value),
    DB_COL(DB_TEXT, struct fit_option, label),
    DB_COL(DB_TEXT, struct fit_option, next),
};

/* The placeholder values (in enum script_var order) and the situation. */
struct fit_vars {
    char *v[SV__COUNT];
    bool vulnerable, priority_services, non_digital, event, compensation;
    char *language, *segment, *customer_type, *category_code;
    int64_t customer_id;
};
/* A placeholder's column: named as the placeholder (script_var_name). */
#define VAR_COL(var, name) {name, DB_TEXT, offsetof(struct fit_vars, v) + (size_t)(var) * sizeof(char *), 0}
static const struct db_col var_cols[] = {
    VAR_COL(SV_FIRST_NAME, "first_name"),
    VAR_COL(SV_CUSTOMER_NAME, "customer_name"),
    VAR_COL(SV_ACCOUNT_NO, "account_no"),
    VAR_COL(SV_ADDRESS, "address"),
    VAR_COL(SV_REFERENCE, "reference"),
    VAR_COL(SV_AGENT_NAME, "agent_name"),
    VAR_COL(SV_DEADLINE_ACK, "deadline_ack"),
    VAR_COL(SV_DEADLINE_RESPONSE, "deadline_response"),
    VAR_COL(SV_DEADLINE_RESOLUTION, "deadline_resolution"),
    VAR_COL(SV_EVENT_TITLE, "event_title"),
    VAR_COL(SV_EVENT_MESSAGE, "event_message"),
    VAR_COL(SV_RESTORE_ESTIMATE, "restore_estimate"),
    VAR_COL(SV_VULNERABILITY, "vulnerability"),
    VAR_COL(SV_PREFERRED_CHANNEL, "preferred_channel"),
    VAR_COL(SV_CATEGORY, "category"),
    DB_COL(DB_BOOL, struct fit_vars, vulnerable),
    DB_COL(DB_BOOL, struct fit_vars, priority_services),
    DB_COL(DB_BOOL, struct fit_vars, non_digital),
    DB_COL(DB_BOOL, struct fit_vars, event),
    DB_COL(DB_BOOL, struct fit_vars, compensation),
    DB_COL(DB_TEXT, struct fit_vars, language),
    DB_COL(DB_TEXT, struct fit_vars, segment),
    DB_COL(DB_TEXT, struct fit_vars, customer_type),
    DB_COL(DB_TEXT, struct fit_vars, category_code),
    DB_COL(DB_INT64, struct fit_vars, customer_id),
};
_Static_assert(SV__COUNT == 15, "a new placeholder needs its column in var_cols and vars_sql");

static const struct db_shape fit_shapes[FIT__COUNT] = {
    [FIT_HEADER] = DB_SHAPE("recovery script", struct fit_header, header_cols),
    [FIT_STEPS] = DB_SHAPE("recovery script steps", struct fit_step, step_cols),
    [FIT_OPTIONS] = DB_SHAPE("recovery script answers", struct fit_option, option_cols),
    [FIT_VARS] = DB_SHAPE("recovery script customer", struct fit_vars, var_cols),
};

/* The four parts, for the seeded demo data's first complaint (seed.sql:
 * md5('complaint:1')) and its best fit, for tests/db/statements.c. */
static const char *const demo_fit_params[] = {"25ea022e-793d-fab0-3e8b-b29e247ca9f5", NULL};
static const struct db_statement fit_statements[FIT__COUNT] = {
    [FIT_HEADER] = {header_sql, 2, demo_fit_params, &fit_shapes[FIT_HEADER], false},
    [FIT_STEPS] = {steps_sql, 2, demo_fit_params, &fit_shapes[FIT_STEPS], false},
    [FIT_OPTIONS] = {options_sql, 2, demo_fit_params, &fit_shapes[FIT_OPTIONS], false},
    [FIT_VARS] = {vars_sql, 2, demo_fit_params, &fit_shapes[FIT_VARS], false},
};

const struct db_statement *db_script_fit_statements(int *n)
{
    *n = FIT__COUNT;
    return fit_statements;
}

static char *text_or_null(const char *v)
{
    return *v ? util_strdup(v) : NULL;
}

/* A condition as JSON words: none, true or anything else. */
static int tri_of(const char *v)
{
    return !*v ? SCRIPT_EITHER : (strcmp(v, "t") == 0 || strcmp(v, "true") == 0) ? SCRIPT_YES : SCRIPT_NO;
}

static void fill_header(const struct fit_header *h, struct script *s)
{
    s->id = h->id;
    s->code = util_strdup(h->code);
    s->name = util_strdup(h->name);
    s->version = h->version;
    s->active = h->active;
    char *cats = util_strdup(h->categories);
    int n = 1;
    for (const char *q = cats; *q; q++)
        n += *q == ' ';
    s->categories = util_calloc((size_t)n, sizeof *s->categories);
    for (char *save = NULL, *tok = strtok_r(cats, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
        s->categories[s->ncategories++] = util_strdup(tok);
    if (s->ncategories == 0)
        s->categories[s->ncategories++] = util_strdup("*");
    free(cats);
    s->segment = text_or_null(h->segment);
    s->language = text_or_null(h->language);
    s->requires_vulnerability = h->vulnerability_any ? SCRIPT_EITHER : h->requires_vulnerability;
    s->requires_event = h->event_any ? SCRIPT_EITHER : h->requires_event;
}

static void fill_step(const struct fit_step *r, struct script_step *st)
{
    st->id = r->id;
    st->key = util_strdup(r->step_key);
    int k = script_kind_lookup(r->kind);
    st->kind = k < 0 ? SCRIPT_SAY : (enum script_kind)k;
    st->text = util_strdup(r->text);
    st->action_name = text_or_null(r->action_kind);
    if (st->action_name) {
        int a = script_action_lookup(st->action_name);
        st->action = a < 0 ? SCRIPT_ACT_OTHER : (enum script_action)a;
    }
    st->next = text_or_null(r->next);
    st->free_text = r->free_text;
    st->amount_pence = r->amount_pence;
    st->days = r->days_unset ? -1 : r->days;
    st->channel = text_or_null(r->channel);
    st->hours = r->hours;
    st->priority = text_or_null(r->priority);
    st->when.vulnerable = tri_of(r->when_vulnerable);
    st->when.priority_services = tri_of(r->when_priority_services);
    st->when.non_digital = tri_of(r->when_non_digital);
    st->when.event = tri_of(r->when_event);
    st->when.compensation = tri_of(r->when_compensation);
    st->when.language = text_or_null(r->when_language);
}

/* Answers come in step order: count them per step, then fill. */
static void fill_options(const struct db_rows *rows, struct script *s)
{
    for (int pass = 0; pass < 2; pass++) {
        for (int r = 0, i = 0; r < rows->n; r++) {
            const struct fit_option *o = DB_ROW(rows, struct fit_option, r);
            while (i < s->nsteps && s->steps[i].id != o->step_id)
                i++;
            if (i == s->nsteps)
                break;
            struct script_step *st = &s->steps[i];
            if (pass == 0) {
                st->noptions++;
                continue;
            }
            struct script_option *op = &st->options[st->noptions++];
            op->value = util_strdup(o->value);
            op->label = util_strdup(o->label);
            op->next = text_or_null(o->next);
        }
        for (int i = 0; pass == 0 && i < s->nsteps; i++) {
            s->steps[i].options = util_calloc((size_t)(s->steps[i].noptions ? s->steps[i].noptions : 1),
                                              sizeof *s->steps[i].options);
            s->steps[i].noptions = 0;
        }
    }
}

static void fill_script(const struct db_rows *part, struct script *s)
{
    s->requires_vulnerability = s->requires_event = SCRIPT_EITHER;
    fill_header(DB_ROW(&part[FIT_HEADER], struct fit_header, 0), s);
    int rows = part[FIT_STEPS].n;
    s->nsteps = rows;
    s->steps = util_calloc((size_t)(rows > 0 ? rows : 1), sizeof *s->steps);
    for (int i = 0; i < rows; i++)
        fill_step(DB_ROW(&part[FIT_STEPS], struct fit_step, i), &s->steps[i]);
    fill_options(&part[FIT_OPTIONS], s);
}

/* The customer's situation and the placeholder values. */
static void fill_vars(const struct fit_vars *v, struct db_script_fit *f)
{
    for (int i = 0; i < SV__COUNT; i++) {
        f->own[i] = util_strdup(v->v[i]);
        f->vars.v[i] = f->own[i];
    }
    f->sit.vulnerable = v->vulnerable;
    f->sit.priority_services = v->priority_services;
    f->sit.non_digital = v->non_digital;
    f->sit.event = v->event;
    f->sit.compensation = v->compensation;
    f->sit.language = f->own[SV__COUNT] = util_strdup(v->language);
    f->sit.segment = f->own[SV__COUNT + 1] = util_strdup(v->segment);
    f->sit.customer_type = f->own[SV__COUNT + 2] = util_strdup(v->customer_type);
    f->category = util_strdup(v->category_code);
    f->customer_id = v->customer_id;
}

struct fit_pending {
    void (*done)(void *ctx, struct db_script_fit *f);
    void *ctx;
    char complaint_id[37];
};

/* A fit that could not be read is an error with nothing found, never a
 * half-read script: a value that is not what its column holds (a step id
 * of 0, a credit of nothing) must not reach an agent as if it were right. */
static void read_fit(struct db_script_fit *f, const PGresult *const *res, int n)
{
    struct db_rows part[FIT__COUNT] = {{0}};
    struct db_rows *parts[FIT__COUNT];
    const struct db_shape *shapes[FIT__COUNT];
    for (int i = 0; i < FIT__COUNT; i++) {
        parts[i] = &part[i];
        shapes[i] = &fit_shapes[i];
    }
    char why[256];
    if (db_parts_decode(parts, shapes, FIT__COUNT, res, n, why, sizeof why) < 0) {
        f->error = util_asprintf("the recovery script could not be read: %s", why);
    } else if (part[FIT_VARS].n == 0) {
        f->error = util_strdup("no complaint with this id");
    } else {
        fill_vars(DB_ROW(&part[FIT_VARS], struct fit_vars, 0), f);
        if (part[FIT_HEADER].n == 1) {
            f->found = true;
            fill_script(part, &f->script);
        }
    }
    for (int i = 0; i < FIT__COUNT; i++)
        db_rows_free(&part[i]);
}

static void on_fit(void *ctx, const PGresult *const *res, int n, const char *err, double ms)
{
    (void)ms;
    struct fit_pending *p = ctx;
    struct db_script_fit *f = util_calloc(1, sizeof *f);
    memcpy(f->complaint_id, p->complaint_id, sizeof f->complaint_id);
    if (err)
        f->error = util_strdup(err);
    else
        read_fit(f, res, n);
    void (*done)(void *, struct db_script_fit *) = p->done;
    void *dctx = p->ctx;
    free(p);
    done(dctx, f);
}

void db_script_fit_free(struct db_script_fit *f)
{
    if (!f)
        return;
    script_free(&f->script);
    for (int i = 0; i < SV__COUNT + 3; i++)
        free(f->own[i]);
    free(f->category);
    free(f->error);
    free(f);
}

static unsigned send_fit(struct db_conn *c, const char *script_id, const char *complaint_id,
                         void (*done)(void *ctx, struct db_script_fit *f), void *ctx)
{
    const char *params[2] = {complaint_id, script_id};
    struct db_stmt stmts[FIT__COUNT];
    for (int i = 0; i < FIT__COUNT; i++)
        stmts[i] = (struct db_stmt){fit_statements[i].sql, 2, params};
    struct fit_pending *p = util_calloc(1, sizeof *p);
    p->done = done;
    p->ctx = ctx;
    /* Cut only if it is no UUID, which the database refuses anyway. */
    util_format(p->complaint_id, sizeof p->complaint_id, "%s", complaint_id ? complaint_id : "");
    struct db_batch b = {.stmts = stmts, .n = FIT__COUNT, .done = on_fit, .ctx = p, .owner = ctx, .cleanup = free};
    return db_send_batch(c, &b);
}

unsigned db_script_for_complaint(struct db_conn *c, const char *complaint_id,
                                 void (*done)(void *ctx, struct db_script_fit *f), void *ctx)
{
    return send_fit(c, NULL, complaint_id, done, ctx);
}

unsigned db_script_by_id(struct db_conn *c, int script_id, const char *complaint_id,
                         void (*done)(void *ctx, struct db_script_fit *f), void *ctx)
{
    char id[16];
    util_format(id, sizeof id, "%d", script_id);
    return send_fit(c, id, complaint_id, done, ctx);
}

