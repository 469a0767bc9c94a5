/* script_fit.c — the recovery script that fits a complaint best, with the customer's situation and the placeholder values, read in one round trip; numbers from the database checked, never guessed. */
#include "careline/script.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
enum { FH_ID, FH_CODE, FH_NAME, FH_VERSION, FH_ACTIVE, FH_CATEGORIES, FH_SEGMENT, FH_LANGUAGE, FH_VULN, FH_EVENT };
enum { FS_ID, FS_KEY, FS_KIND, FS_TEXT, FS_ACTION, FS_NEXT, FS_FREE_TEXT, FS_AMOUNT, FS_DAYS, FS_CHANNEL, FS_HOURS,
       FS_PRIORITY, FS_W_VULN, FS_W_PSR, FS_W_NON_DIGITAL, FS_W_EVENT, FS_W_LANGUAGE };
enum { FO_STEP_ID, FO_VALUE, FO_LABEL, FO_NEXT };
/* FIT_VARS: the SV__COUNT values in enum order, then these. */
enum { FV_VULNERABLE = SV__COUNT, FV_PSR, FV_NON_DIGITAL, FV_EVENT, FV_LANGUAGE, FV_SEGMENT, FV_TYPE, FV_CATEGORY,
       FV_CUSTOMER };

/* Options written by `scripts load` are an object; older rows (the demo
 * seed) hold the answers array itself. */
#define FIT_OBJ "CASE WHEN jsonb_typeof(t.options) = 'object' THEN t.options END"

static const char *const fit_sql[FIT__COUNT] = {
    [FIT_HEADER] = FIT_WITH
    "SELECT s.id, s.code, s.name, s.version, s.active, array_to_string(s.categories, ' '), s.segment, s.language,"
    " s.requires_vulnerability, s.requires_event FROM pick JOIN recovery_script s ON s.id = pick.id",
    [FIT_STEPS] = FIT_WITH
    "SELECT t.id, t.step_key, t.kind, t.text, t.action_kind, o ->> 'next', o ->> 'free_text',"
    " CASE WHEN jsonb_typeof(o -> 'amount') = 'number' THEN round((o ->> 'amount')::numeric * 100)::bigint END,"
    " CASE WHEN jsonb_typeof(o -> 'days') = 'number' THEN (o ->> 'days')::numeric::integer END,"
    " o ->> 'channel',"
    " CASE WHEN jsonb_typeof(o -> 'hours') = 'number' THEN (o ->> 'hours')::numeric::integer END,"
    " o ->> 'priority', w ->> 'vulnerable', w ->> 'priority_services', w ->> 'non_digital', w ->> 'event',"
    " w ->> 'language'"
    " FROM pick JOIN script_step t ON t.script_id = pick.id"
    " CROSS JOIN LATERAL (SELECT " FIT_OBJ " AS o,"
    "   CASE WHEN jsonb_typeof(t.condition) = 'object' THEN t.condition END AS w) x"
    " ORDER BY t.step_no",
    [FIT_OPTIONS] = FIT_WITH
    "SELECT t.id, coalesce(a ->> 'answer', a ->> 'value', ''), coalesce(a ->> 'label', a ->> 'answer', ''),"
    " a ->> 'next'"
    " FROM pick JOIN script_step t ON t.script_id = pick.id"
    " CROSS JOIN LATERAL jsonb_array_elements(CASE jsonb_typeof(t.options) WHEN 'array' THEN t.options"
    "   WHEN 'object' THEN CASE WHEN jsonb_typeof(t.options -> 'answers') = 'array' THEN t.options -> 'answers'"
    "   ELSE '[]'::jsonb END ELSE '[]'::jsonb END) WITH ORDINALITY AS x(a, n)"
    " WHERE jsonb_typeof(a) = 'object'"
    " ORDER BY t.step_no, x.n",
    [FIT_VARS] = FIT_WITH
    "SELECT coalesce(nullif(btrim(cu.first_name), ''),"
    "   CASE WHEN cu.title <> '' AND cu.last_name <> '' THEN cu.title || ' ' || cu.last_name END),"
    " cu.name, cu.account_no,"
    " (SELECT concat_ws(', ', p.address_line1, p.address_line2, p.town, p.postcode) FROM premise p"
    "   WHERE p.id = coalesce(k.premise_id, (SELECT cp.premise_id FROM customer_premise cp"
    "     WHERE cp.customer_id = cu.id AND cp.end_date IS NULL ORDER BY cp.role, cp.premise_id LIMIT 1))),"
    " k.reference,"
    " (SELECT st.display_name FROM staff st WHERE st.id = current_staff_id()),"
    " to_char(k.ack_due_at AT TIME ZONE careline_timezone(), 'HH24:MI \"on\" FMDay FMDD FMMonth'),"
    " to_char(k.response_due_at AT TIME ZONE careline_timezone(), 'FMDay FMDD FMMonth'),"
    " to_char(k.resolution_due_at AT TIME ZONE careline_timezone(), 'FMDay FMDD FMMonth'),"
    " ev.title, ev.agent_message,"
    " to_char(ev.estimated_restore_at AT TIME ZONE careline_timezone(), 'HH24:MI \"on\" FMDay FMDD FMMonth'),"
    " nullif(concat_ws(', ', nullif(array_to_string(ARRAY(SELECT replace(v, '_', ' ')"
    "   FROM unnest(customer_vulnerability(cu.id, 'recovery script')) v), ', '), ''),"
    "   CASE WHEN cu.priority_services THEN 'Priority Services Register' END), ''),"
    " cu.preferred_channel, cat.name,"
    " cu.vulnerable OR cu.priority_services, cu.priority_services, cu.non_digital,"
    " ev.id IS NOT NULL, cu.language, cu.segment, cu.customer_type, cat.code, cu.id"
    " FROM k JOIN cu ON true JOIN complaint_category cat ON cat.id = k.category_id LEFT JOIN ev ON true",
};

/* Reading the four parts of a fit. The first value that is not what its
 * column holds is kept as the fit's error: a script read wrong (a step id
 * of 0, a credit of nothing) must not reach an agent as if it were right. */
struct reader {
    const struct db_table *part;
    char err[300];
};
static const char *const part_names[FIT__COUNT] = {"script", "steps", "answers", "customer"};

static const char *cell(const struct reader *rd, int part, int row, int col)
{
    return db_cell(&rd->part[part], row, col);
}

static char *cell_or_null(const struct reader *rd, int part, int row, int col)
{
    const char *v = cell(rd, part, row, col);
    return *v ? util_strdup(v) : NULL;
}

static int cell_tri(const struct reader *rd, int part, int row, int col)
{
    const char *v = cell(rd, part, row, col);
    return !*v ? SCRIPT_EITHER : (strcmp(v, "t") == 0 || strcmp(v, "true") == 0) ? SCRIPT_YES : SCRIPT_NO;
}

static void bad_number(struct reader *rd, int part, int row, int col, const char *v)
{
    if (!rd->err[0])
        util_format(rd->err, sizeof rd->err,
                    "the recovery script could not be read: %s row %d, column %d holds '%s', not a whole number",
                    part_names[part], row + 1, col + 1, v);
}

/* A whole number; def when the cell is NULL (empty). */
static int cell_int(struct reader *rd, int part, int row, int col, int def)
{
    const char *v = cell(rd, part, row, col);
    int x = def;
    if (*v && util_parse_int(v, &x) < 0)
        bad_number(rd, part, row, col, v);
    return x;
}

static long long cell_int64(struct reader *rd, int part, int row, int col, long long def)
{
    const char *v = cell(rd, part, row, col);
    int64_t x = def;
    if (*v && util_parse_int64(v, &x) < 0)
        bad_number(rd, part, row, col, v);
    return (long long)x;
}

static void fill_header(struct reader *rd, struct script *s)
{
    s->id = cell_int(rd, FIT_HEADER, 0, FH_ID, 0);
    s->code = util_strdup(cell(rd, FIT_HEADER, 0, FH_CODE));
    s->name = util_strdup(cell(rd, FIT_HEADER, 0, FH_NAME));
    s->version = cell_int(rd, FIT_HEADER, 0, FH_VERSION, 0);
    s->active = db_cell_true(&rd->part[FIT_HEADER], 0, FH_ACTIVE);
    char *cats = util_strdup(cell(rd, FIT_HEADER, 0, FH_CATEGORIES));
    int n = 1;
    for (const char *q = cats; *q; q++)
        n += *q == ' ';
    s->categories = util_calloc((size_t)n, sizeof *s->categories);
    for (char *save = NULL, *tok = strtok_r(cats, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
        s->categories[s->ncategories++] = util_strdup(tok);
    if (s->ncategories == 0)
        s->categories[s->ncategories++] = util_strdup("*");
    free(cats);
    s->segment = cell_or_null(rd, FIT_HEADER, 0, FH_SEGMENT);
    s->language = cell_or_null(rd, FIT_HEADER, 0, FH_LANGUAGE);
    s->requires_vulnerability = cell_tri(rd, FIT_HEADER, 0, FH_VULN);
    s->requires_event = cell_tri(rd, FIT_HEADER, 0, FH_EVENT);
}

static void fill_step(struct reader *rd, int i, struct script_step *st)
{
    st->id = cell_int(rd, FIT_STEPS, i, FS_ID, 0);
    st->key = util_strdup(cell(rd, FIT_STEPS, i, FS_KEY));
    int k = script_kind_lookup(cell(rd, FIT_STEPS, i, FS_KIND));
    st->kind = k < 0 ? SCRIPT_SAY : (enum script_kind)k;
    st->text = util_strdup(cell(rd, FIT_STEPS, i, FS_TEXT));
    st->action_name = cell_or_null(rd, FIT_STEPS, i, FS_ACTION);
    if (st->action_name) {
        int a = script_action_lookup(st->action_name);
        st->action = a < 0 ? SCRIPT_ACT_OTHER : (enum script_action)a;
    }
    st->next = cell_or_null(rd, FIT_STEPS, i, FS_NEXT);
    st->free_text = strcmp(cell(rd, FIT_STEPS, i, FS_FREE_TEXT), "true") == 0;
    st->amount_pence = cell_int64(rd, FIT_STEPS, i, FS_AMOUNT, 0);
    st->days = cell_int(rd, FIT_STEPS, i, FS_DAYS, -1);
    st->channel = cell_or_null(rd, FIT_STEPS, i, FS_CHANNEL);
    st->hours = cell_int(rd, FIT_STEPS, i, FS_HOURS, 0);
    st->priority = cell_or_null(rd, FIT_STEPS, i, FS_PRIORITY);
    st->when.vulnerable = cell_tri(rd, FIT_STEPS, i, FS_W_VULN);
    st->when.priority_services = cell_tri(rd, FIT_STEPS, i, FS_W_PSR);
    st->when.non_digital = cell_tri(rd, FIT_STEPS, i, FS_W_NON_DIGITAL);
    st->when.event = cell_tri(rd, FIT_STEPS, i, FS_W_EVENT);
    st->when.language = cell_or_null(rd, FIT_STEPS, i, FS_W_LANGUAGE);
}

/* Answers come in step order: count them per step, then fill. */
static void fill_options(struct reader *rd, struct script *s)
{
    int rows = rd->part[FIT_OPTIONS].rows;
    for (int pass = 0; pass < 2; pass++) {
        for (int r = 0, i = 0; r < rows; r++) {
            int id = cell_int(rd, FIT_OPTIONS, r, FO_STEP_ID, 0);
            while (i < s->nsteps && s->steps[i].id != id)
                i++;
            if (i == s->nsteps)
                break;
            struct script_step *st = &s->steps[i];
            if (pass == 0) {
                st->noptions++;
                continue;
            }
            struct script_option *op = &st->options[st->noptions++];
            op->value = util_strdup(cell(rd, FIT_OPTIONS, r, FO_VALUE));
            op->label = util_strdup(cell(rd, FIT_OPTIONS, r, FO_LABEL));
            op->next = cell_or_null(rd, FIT_OPTIONS, r, FO_NEXT);
        }
        for (int i = 0; pass == 0 && i < s->nsteps; i++) {
            s->steps[i].options = util_calloc((size_t)(s->steps[i].noptions ? s->steps[i].noptions : 1),
                                              sizeof *s->steps[i].options);
            s->steps[i].noptions = 0;
        }
    }
}

static void fill_script(struct reader *rd, struct script *s)
{
    s->requires_vulnerability = s->requires_event = SCRIPT_EITHER;
    fill_header(rd, s);
    int rows = rd->part[FIT_STEPS].rows;
    s->nsteps = rows;
    s->steps = util_calloc((size_t)(rows > 0 ? rows : 1), sizeof *s->steps);
    for (int i = 0; i < rows; i++)
        fill_step(rd, i, &s->steps[i]);
    fill_options(rd, s);
}

/* The customer's situation and the placeholder values. */
static void fill_vars(struct reader *rd, struct db_script_fit *f)
{
    const struct db_table *v = &rd->part[FIT_VARS];
    for (int i = 0; i < SV__COUNT; i++) {
        f->own[i] = util_strdup(db_cell(v, 0, i));
        f->vars.v[i] = f->own[i];
    }
    f->sit.vulnerable = db_cell_true(v, 0, FV_VULNERABLE);
    f->sit.priority_services = db_cell_true(v, 0, FV_PSR);
    f->sit.non_digital = db_cell_true(v, 0, FV_NON_DIGITAL);
    f->sit.event = db_cell_true(v, 0, FV_EVENT);
    f->sit.language = f->own[SV__COUNT] = util_strdup(db_cell(v, 0, FV_LANGUAGE));
    f->sit.segment = f->own[SV__COUNT + 1] = util_strdup(db_cell(v, 0, FV_SEGMENT));
    f->sit.customer_type = f->own[SV__COUNT + 2] = util_strdup(db_cell(v, 0, FV_TYPE));
    f->category = util_strdup(db_cell(v, 0, FV_CATEGORY));
    f->customer_id = cell_int64(rd, FIT_VARS, 0, FV_CUSTOMER, 0);
}

struct fit_pending {
    void (*done)(void *ctx, struct db_script_fit *f);
    void *ctx;
    char complaint_id[37];
};

/* A fit that could not be read is an error with nothing found, never a
 * half-read script. */
static void read_fit(struct db_script_fit *f, const PGresult *const *res, int n)
{
    struct db_table part[FIT__COUNT] = {{0}};
    for (int i = 0; i < n && i < FIT__COUNT; i++)
        db_table_copy(&part[i], res[i]);
    struct reader rd = {.part = part};
    if (part[FIT_VARS].rows == 0) {
        f->error = util_strdup("no complaint with this id");
    } else {
        fill_vars(&rd, f);
        if (part[FIT_HEADER].rows == 1) {
            f->found = true;
            fill_script(&rd, &f->script);
        }
        if (rd.err[0]) {
            f->found = false;
            script_free(&f->script);
            f->error = util_strdup(rd.err);
        }
    }
    for (int i = 0; i < FIT__COUNT; i++)
        db_table_free(&part[i]);
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
        stmts[i] = (struct db_stmt){fit_sql[i], 2, params};
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
