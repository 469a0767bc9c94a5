/* script.c — service-recovery scripts: files parsed and validated with file:line, the pure run engine, versions stored in the database, the script that fits a complaint, runs recorded idempotently, and `careline scripts`. */
#include "careline/script.h"

#include <errno.h>
#include <libconfig.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careline/app.h"
#include "careline/text.h"
#include "careline/util.h"
#include "embedded.h"

/* ---- names ------------------------------------------------------------------ */

/* NULL-terminated (the extra element), for messages that list them. */
static const char *const kind_names[SCRIPT_KIND__COUNT + 1] = {
    [SCRIPT_SAY] = "say", [SCRIPT_ASK] = "ask", [SCRIPT_CHECK] = "check",
    [SCRIPT_ACTION] = "action", [SCRIPT_END] = "end",
};

static const char *const action_names[SCRIPT_ACT__COUNT] = {
    [SCRIPT_ACT_NONE] = "",
    [SCRIPT_ACT_GOODWILL_CREDIT] = "goodwill_credit",
    [SCRIPT_ACT_FOLLOW_UP] = "follow_up",
    [SCRIPT_ACT_CALLBACK] = "callback",
    [SCRIPT_ACT_NOTIFY] = "notify",
    [SCRIPT_ACT_FIELD_VISIT] = "field_visit",
    [SCRIPT_ACT_REBILL] = "rebill",
    [SCRIPT_ACT_BOTTLED_WATER] = "bottled_water",
    [SCRIPT_ACT_COMPENSATION] = "compensation",
    [SCRIPT_ACT_ESCALATE] = "escalate",
    [SCRIPT_ACT_PSR_REGISTER] = "psr_register",
    [SCRIPT_ACT_OTHER] = "other",
};

static const struct {
    const char *name, *missing;
} var_table[SV__COUNT] = {
    [SV_FIRST_NAME] = {"first_name", "[no first name]"},
    [SV_CUSTOMER_NAME] = {"customer_name", "[no customer name]"},
    [SV_ACCOUNT_NO] = {"account_no", "[no account number]"},
    [SV_ADDRESS] = {"address", "[no address]"},
    [SV_REFERENCE] = {"reference", "[no reference yet]"},
    /* The agent says their own name: tell them so rather than "[no agent]". */
    [SV_AGENT_NAME] = {"agent_name", "[your name]"},
    [SV_DEADLINE_ACK] = {"deadline_ack", "[no acknowledgement deadline]"},
    [SV_DEADLINE_RESPONSE] = {"deadline_response", "[no response deadline]"},
    [SV_DEADLINE_RESOLUTION] = {"deadline_resolution", "[no resolution deadline]"},
    [SV_EVENT_TITLE] = {"event_title", "[no incident recorded]"},
    [SV_EVENT_MESSAGE] = {"event_message", "[no approved incident message]"},
    [SV_RESTORE_ESTIMATE] = {"restore_estimate", "[no restore estimate]"},
    [SV_VULNERABILITY] = {"vulnerability", "[no support needs recorded]"},
    [SV_PREFERRED_CHANNEL] = {"preferred_channel", "[no preferred channel]"},
    [SV_CATEGORY] = {"category", "[no category]"},
};

const char *script_kind_name(enum script_kind k)
{
    return (unsigned)k < SCRIPT_KIND__COUNT ? kind_names[k] : "?";
}

int script_kind_lookup(const char *name)
{
    for (int k = 0; name && k < SCRIPT_KIND__COUNT; k++)
        if (strcmp(kind_names[k], name) == 0)
            return k;
    return -1;
}

const char *script_action_name(enum script_action a)
{
    return (unsigned)a < SCRIPT_ACT__COUNT ? action_names[a] : "";
}

int script_action_lookup(const char *name)
{
    for (int a = SCRIPT_ACT_NONE + 1; name && a < SCRIPT_ACT_OTHER; a++)
        if (strcmp(action_names[a], name) == 0)
            return a;
    return -1;
}

const char *script_var_name(enum script_var v)
{
    return (unsigned)v < SV__COUNT ? var_table[v].name : "";
}

const char *script_var_missing(enum script_var v)
{
    return (unsigned)v < SV__COUNT ? var_table[v].missing : "";
}

int script_var_lookup(const char *name, size_t len)
{
    for (int v = 0; name && v < SV__COUNT; v++)
        if (strlen(var_table[v].name) == len && memcmp(var_table[v].name, name, len) == 0)
            return v;
    return -1;
}

static bool blank(const char *s)
{
    if (!s)
        return true;
    for (; *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
            return false;
    return true;
}

static bool in_list(const char *s, const char *const *list)
{
    for (int i = 0; s && list && list[i]; i++)
        if (strcmp(list[i], s) == 0)
            return true;
    return false;
}

static void join_list(const char *const *list, char *out, size_t n)
{
    out[0] = '\0';
    for (int i = 0; list[i]; i++) {
        strncat(out, i ? ", " : "", n - strlen(out) - 1);
        strncat(out, list[i], n - strlen(out) - 1);
    }
}

/* ---- placeholders ------------------------------------------------------------- */

/* Append n bytes as valid UTF-8: an invalid sequence becomes U+FFFD. */
static void add_utf8(struct util_buf *b, const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        uint32_t cp;
        int len = tui_utf8_decode(s + i, n - i, &cp);
        if (cp == 0xFFFD)
            util_buf_puts(b, "\xEF\xBF\xBD");
        else
            util_buf_add(b, s + i, (size_t)len);
        i += (size_t)len;
    }
}

/* The length of the name of a placeholder starting at p ("{name}"), or -1
 * when p does not start one: names are [a-z0-9_], 1 to 40 of them. */
static int placeholder_len(const char *p)
{
    if (*p != '{')
        return -1;
    int n = 0;
    while ((p[1 + n] >= 'a' && p[1 + n] <= 'z') || (p[1 + n] >= '0' && p[1 + n] <= '9') || p[1 + n] == '_')
        n++;
    return n > 0 && n <= 40 && p[1 + n] == '}' ? n : -1;
}

char *script_expand(const char *text, const struct script_vars *v)
{
    struct util_buf b = {0};
    const char *p = text ? text : "";
    while (*p) {
        if (p[0] == '{' && p[1] == '{') {
            util_buf_add(&b, "{", 1);
            p += 2;
            continue;
        }
        int n = placeholder_len(p);
        int var = n > 0 ? script_var_lookup(p + 1, (size_t)n) : -1;
        if (var >= 0) {
            const char *val = v ? v->v[var] : NULL;
            if (blank(val))
                util_buf_puts(&b, var_table[var].missing);
            else
                add_utf8(&b, val, strlen(val));
            p += n + 2;
            continue;
        }
        /* Plain text up to the next brace, in one piece (a multi-byte
         * character never contains '{'). */
        const char *q = strchr(p + 1, '{');
        size_t len = q ? (size_t)(q - p) : strlen(p);
        add_utf8(&b, p, len);
        p += len;
    }
    return util_buf_steal(&b);
}

/* ---- the engine -------------------------------------------------------------- */

void script_free(struct script *s)
{
    if (!s)
        return;
    for (int i = 0; i < s->nsteps; i++) {
        struct script_step *st = &s->steps[i];
        for (int j = 0; j < st->noptions; j++) {
            free(st->options[j].value);
            free(st->options[j].label);
            free(st->options[j].next);
        }
        free(st->options);
        free(st->key);
        free(st->text);
        free(st->next);
        free(st->when.language);
        free(st->action_name);
        free(st->channel);
        free(st->priority);
    }
    free(s->steps);
    for (int i = 0; i < s->ncategories; i++)
        free(s->categories[i]);
    free(s->categories);
    free(s->code);
    free(s->name);
    free(s->segment);
    free(s->language);
    free(s->file);
    free(s->source);
    memset(s, 0, sizeof *s);
}

int script_find(const struct script *s, const char *key)
{
    for (int i = 0; key && i < s->nsteps; i++)
        if (s->steps[i].key && strcmp(s->steps[i].key, key) == 0)
            return i;
    return -1;
}

static bool tri_holds(int want, bool have)
{
    return want == SCRIPT_EITHER || (want == SCRIPT_YES) == have;
}

bool script_step_applies(const struct script_step *st, const struct script_situation *sit)
{
    static const struct script_situation none = {0};
    if (!sit)
        sit = &none;
    const struct script_when *w = &st->when;
    return tri_holds(w->vulnerable, sit->vulnerable) && tri_holds(w->priority_services, sit->priority_services) &&
           tri_holds(w->non_digital, sit->non_digital) && tri_holds(w->event, sit->event) &&
           (!w->language || (sit->language && strcmp(w->language, sit->language) == 0));
}

bool script_step_needs_answer(const struct script_step *st)
{
    return st->noptions > 0 || st->free_text;
}

const char *script_option_label(const struct script_step *st, const char *value)
{
    for (int j = 0; value && j < st->noptions; j++)
        if (strcmp(st->options[j].value, value) == 0)
            return st->options[j].label;
    return NULL;
}

/* Where a step goes when no answer says otherwise: its next, else the
 * following step. End steps go nowhere; so does a next naming no step. */
static int default_next(const struct script *s, int i)
{
    const struct script_step *st = &s->steps[i];
    if (st->kind == SCRIPT_END)
        return -1;
    if (st->next)
        return script_find(s, st->next);
    return i + 1 < s->nsteps ? i + 1 : -1;
}

/* From step i on, the first step that applies, passing over the others
 * along their default nexts (bounded, in case they go round in a loop). */
static int pass_over(const struct script *s, int i, const struct script_situation *sit)
{
    for (int hops = 0; i >= 0 && hops <= s->nsteps; hops++) {
        if (script_step_applies(&s->steps[i], sit))
            return i;
        i = default_next(s, i);
    }
    return -1;
}

int script_first(const struct script *s, const struct script_situation *sit)
{
    return s->nsteps > 0 ? pass_over(s, 0, sit) : -1;
}

int script_next(const struct script *s, int from, const char *answer, const struct script_situation *sit)
{
    if (from < 0 || from >= s->nsteps || s->steps[from].kind == SCRIPT_END)
        return -1;
    const struct script_step *st = &s->steps[from];
    int to = -2;
    for (int j = 0; answer && j < st->noptions; j++)
        if (strcmp(st->options[j].value, answer) == 0 && st->options[j].next)
            to = script_find(s, st->options[j].next);
    if (to == -2)
        to = default_next(s, from);
    return to < 0 ? -1 : pass_over(s, to, sit);
}

const char *script_channel(const struct script_step *st, const char *preferred, bool non_digital)
{
    static const char *const known[] = {"phone", "email", "sms", "letter", "field_visit", NULL};
    const char *ch = st->channel && strcmp(st->channel, "preferred") != 0 ? st->channel : preferred;
    if (ch && strcmp(ch, "web") == 0)
        ch = "email";
    if (!ch || !in_list(ch, known))
        ch = "phone";
    if (non_digital && (strcmp(ch, "email") == 0 || strcmp(ch, "sms") == 0))
        ch = st->action == SCRIPT_ACT_NOTIFY ? "letter" : "phone";
    for (int i = 0; known[i]; i++)
        if (strcmp(known[i], ch) == 0)
            return known[i];
    return "phone";
}

const char *script_result_text(enum script_result r)
{
    switch (r) {
    case SCRIPT_OK:
        return "ok";
    case SCRIPT_E_FINISHED:
        return "The script is finished";
    case SCRIPT_E_OPTION:
        return "Choose one of the answers listed";
    case SCRIPT_E_EMPTY:
        return "Type the customer's answer (or the reason for skipping) first";
    case SCRIPT_E_START:
        return "This is the first step: there is nothing to go back to";
    case SCRIPT_E_END:
        return "The last step cannot be skipped: finish the script instead";
    case SCRIPT_E_TEXT:
        return "The text has characters that are not valid";
    }
    return "?";
}

void script_run_start(struct script_run *r, const struct script *s, const struct script_situation *sit)
{
    memset(r, 0, sizeof *r);
    r->script = s;
    if (sit)
        r->sit = *sit;
    r->given = util_calloc((size_t)(s->nsteps > 0 ? s->nsteps : 1), sizeof *r->given);
    r->current = script_first(s, &r->sit);
}

void script_run_free(struct script_run *r)
{
    if (!r->script)
        return;
    for (int i = 0; i < r->script->nsteps; i++) {
        free(r->given[i].answer);
        free(r->given[i].skipped);
    }
    free(r->given);
    free(r->path);
    memset(r, 0, sizeof *r);
}

const struct script_step *script_run_step(const struct script_run *r)
{
    return r->current >= 0 && r->current < r->script->nsteps ? &r->script->steps[r->current] : NULL;
}

bool script_run_finished(const struct script_run *r)
{
    return r->current < 0;
}

const struct script_given *script_run_given(const struct script_run *r, int i)
{
    if (i < 0 || i >= r->script->nsteps || (!r->given[i].answer && !r->given[i].skipped))
        return NULL;
    return &r->given[i];
}

static void move_on(struct script_run *r, char *answer, char *skipped, const char *branch)
{
    int cur = r->current;
    free(r->given[cur].answer);
    free(r->given[cur].skipped);
    r->given[cur].answer = answer;
    r->given[cur].skipped = skipped;
    if (r->depth == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 16;
        r->path = util_realloc(r->path, (size_t)r->cap * sizeof *r->path);
    }
    r->path[r->depth++] = cur;
    r->current = script_next(r->script, cur, branch, &r->sit);
}

int script_run_answer(struct script_run *r, const char *value)
{
    const struct script_step *st = script_run_step(r);
    if (!st)
        return SCRIPT_E_FINISHED;
    if (st->noptions > 0) {
        bool found = false;
        for (int j = 0; value && j < st->noptions; j++)
            found |= strcmp(st->options[j].value, value) == 0;
        if (!found)
            return SCRIPT_E_OPTION;
        move_on(r, util_strdup(value), NULL, value);
    } else if (st->free_text) {
        if (blank(value))
            return SCRIPT_E_EMPTY;
        if (!tui_utf8_valid(value, strlen(value)))
            return SCRIPT_E_TEXT;
        move_on(r, util_strdup(value), NULL, NULL);
    } else {
        move_on(r, util_strdup("done"), NULL, NULL);
    }
    return SCRIPT_OK;
}

int script_run_skip(struct script_run *r, const char *reason)
{
    const struct script_step *st = script_run_step(r);
    if (!st)
        return SCRIPT_E_FINISHED;
    if (st->kind == SCRIPT_END)
        return SCRIPT_E_END;
    if (blank(reason))
        return SCRIPT_E_EMPTY;
    if (!tui_utf8_valid(reason, strlen(reason)))
        return SCRIPT_E_TEXT;
    move_on(r, NULL, util_strdup(reason), NULL);
    return SCRIPT_OK;
}

int script_run_back(struct script_run *r)
{
    if (r->depth == 0)
        return SCRIPT_E_START;
    r->current = r->path[--r->depth];
    return SCRIPT_OK;
}

/* ---- errors ------------------------------------------------------------------ */

static void errors_add(struct script_errors *e, char *msg)
{
    if (e->count == e->cap) {
        e->cap = e->cap ? e->cap * 2 : 16;
        e->msg = util_realloc(e->msg, (size_t)e->cap * sizeof *e->msg);
    }
    e->msg[e->count++] = msg;
}

void script_errors_free(struct script_errors *e)
{
    for (int i = 0; i < e->count; i++)
        free(e->msg[i]);
    free(e->msg);
    memset(e, 0, sizeof *e);
}

void script_strv_free(char **v)
{
    for (int i = 0; v && v[i]; i++)
        free(v[i]);
    free(v);
}

/* ---- the file format ----------------------------------------------------------- */

static const char *const top_settings[] = {"code", "name", "categories", "applies_when", "steps", NULL};
static const char *const applies_settings[] = {"segment", "language", "requires_vulnerability", "requires_event",
                                               NULL};
static const char *const step_settings[] = {"key",    "kind",   "text", "next",    "when",     "answers", "free_text",
                                            "action", "amount", "days", "channel", "hours", "priority", NULL};
static const char *const answer_settings[] = {"label", "value", "next", NULL};
static const char *const when_settings[] = {"vulnerable", "priority_services", "non_digital", "event", "language",
                                            NULL};
/* customer.segment values and the two customer types. */
static const char *const segments[] = {"residential_single", "residential_multi", "senior", "small_business",
                                       "commercial", "industrial", "key_account", "public_sector",
                                       "household", "business", NULL};
/* follow_up.channel, plus the customer's own preference. */
static const char *const follow_up_channels[] = {"preferred", "phone", "email", "sms", "letter", "field_visit", NULL};
static const char *const notify_channels[] = {"preferred", "phone", "email", "sms", "letter", NULL};
static const char *const priorities[] = {"emergency", "urgent", "routine", NULL};

/* Action settings and the actions they belong to. */
static const struct {
    const char *name;
    enum script_action a, b;
    const char *for_what;
} action_params[] = {
    {"amount", SCRIPT_ACT_GOODWILL_CREDIT, SCRIPT_ACT_GOODWILL_CREDIT, "goodwill_credit actions"},
    {"days", SCRIPT_ACT_FOLLOW_UP, SCRIPT_ACT_FOLLOW_UP, "follow_up actions"},
    {"channel", SCRIPT_ACT_FOLLOW_UP, SCRIPT_ACT_NOTIFY, "follow_up and notify actions"},
    {"hours", SCRIPT_ACT_CALLBACK, SCRIPT_ACT_CALLBACK, "callback actions"},
    {"priority", SCRIPT_ACT_FIELD_VISIT, SCRIPT_ACT_FIELD_VISIT, "field_visit actions"},
};

struct perr {
    int line;
    char *msg;
};

struct parser {
    const char *file;
    const char *const *categories;   /* NULL: not checked */
    struct perr *e;
    int n, cap;
};

__attribute__((format(printf, 3, 4)))
static void perr(struct parser *p, int line, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 16;
        p->e = util_realloc(p->e, (size_t)p->cap * sizeof *p->e);
    }
    p->e[p->n++] = (struct perr){line, util_strdup(msg)};
}

/* Hand the problems over in line order (stable: same line, found order). */
static void flush(struct parser *p, struct script_errors *errs)
{
    for (int i = 1; i < p->n; i++)
        for (int j = i; j > 0 && p->e[j - 1].line > p->e[j].line; j--) {
            struct perr t = p->e[j];
            p->e[j] = p->e[j - 1];
            p->e[j - 1] = t;
        }
    for (int i = 0; i < p->n; i++) {
        if (errs)
            errors_add(errs, util_asprintf("%s:%d: %s", p->file, p->e[i].line, p->e[i].msg));
        free(p->e[i].msg);
    }
    free(p->e);
    p->e = NULL;
    p->n = p->cap = 0;
}

static int line_of(const config_setting_t *s)
{
    int l = s ? (int)config_setting_source_line(s) : 0;
    return l > 0 ? l : 1;
}

/* lower-case letters, digits and _, starting with a letter */
static bool is_ident(const char *s)
{
    if (!s || !(*s >= 'a' && *s <= 'z') || strlen(s) > 40)
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
            return false;
    return true;
}

static bool is_value(const char *s)
{
    if (!s || !*s || strlen(s) > 40)
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
            return false;
    return true;
}

/* billing, billing.high_bill: dotted identifiers */
static bool is_category_code(const char *s)
{
    if (!s || !(*s >= 'a' && *s <= 'z') || strlen(s) > 100)
        return false;
    for (const char *q = s; *q; q++) {
        if (*q == '.') {
            if (q[1] == '\0' || q[1] == '.')
                return false;
        } else if (!((*q >= 'a' && *q <= 'z') || (*q >= '0' && *q <= '9') || *q == '_')) {
            return false;
        }
    }
    return true;
}

static bool is_language(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n < 2 || n > 3)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!(s[i] >= 'a' && s[i] <= 'z'))
            return false;
    return true;
}

/* Report members of group g not in known. */
static void check_members(struct parser *p, const config_setting_t *g, const char *const *known, const char *where)
{
    char list[400];
    join_list(known, list, sizeof list);
    for (int i = 0; i < config_setting_length(g); i++) {
        const config_setting_t *s = config_setting_get_elem(g, (unsigned)i);
        const char *name = config_setting_name(s);
        if (name && !in_list(name, known))
            perr(p, line_of(s), "unknown setting '%s'%s (known: %s)", name, where, list);
    }
}

/* A text setting: NULL when absent (reported when required) or not text (reported). */
static const char *get_str(struct parser *p, const config_setting_t *g, const char *name, bool required,
                           const char *where)
{
    const config_setting_t *s = config_setting_get_member(g, name);
    if (!s) {
        if (required)
            perr(p, line_of(g), "missing setting '%s'%s", name, where);
        return NULL;
    }
    if (config_setting_type(s) != CONFIG_TYPE_STRING) {
        perr(p, line_of(s), "'%s'%s must be text in double quotes", name, where);
        return NULL;
    }
    return config_setting_get_string(s);
}

/* A true/false setting: SCRIPT_EITHER when absent or mistyped (reported). */
static int get_tri(struct parser *p, const config_setting_t *g, const char *name, const char *where)
{
    const config_setting_t *s = config_setting_get_member(g, name);
    if (!s)
        return SCRIPT_EITHER;
    if (config_setting_type(s) != CONFIG_TYPE_BOOL) {
        perr(p, line_of(s), "'%s'%s must be true or false", name, where);
        return SCRIPT_EITHER;
    }
    return config_setting_get_bool(s) ? SCRIPT_YES : SCRIPT_NO;
}

/* A whole number in [min, max]; def when absent, def and a report when wrong. */
static int get_int(struct parser *p, const config_setting_t *s, const char *name, const char *where, int min,
                   int max, int def)
{
    if (!s)
        return def;
    int t = config_setting_type(s);
    long long v = t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64 ? config_setting_get_int64(s) : min - 1LL;
    if (v < min || v > max) {
        perr(p, line_of(s), "'%s'%s must be a whole number from %d to %d", name, where, min, max);
        return def;
    }
    return (int)v;
}

static void check_text(struct parser *p, const char *text, int line, const char *what, const char *where)
{
    char list[400];
    const char *names[SV__COUNT + 1];
    for (int v = 0; v < SV__COUNT; v++)
        names[v] = var_table[v].name;
    names[SV__COUNT] = NULL;
    for (const char *q = text; (q = strchr(q, '{')) != NULL;) {
        if (q[1] == '{') {
            q += 2;
            continue;
        }
        int n = placeholder_len(q);
        if (n < 0) {
            perr(p, line, "'{' in the %s%s starts no placeholder: write {name}, or {{ for a brace", what, where);
            q++;
            continue;
        }
        if (script_var_lookup(q + 1, (size_t)n) < 0) {
            join_list(names, list, sizeof list);
            perr(p, line, "unknown placeholder {%.*s} in the %s%s (known: %s)", n, q + 1, what, where, list);
        }
        q += n + 2;
    }
}

static void parse_when(struct parser *p, const config_setting_t *w, struct script_when *out, const char *where,
                       const char *label)
{
    char in[200];
    snprintf(in, sizeof in, " in the when of %s", label);
    if (!config_setting_is_group(w)) {
        perr(p, line_of(w), "'when'%s must be a group, e.g. when = { vulnerable = true; };", where);
        return;
    }
    check_members(p, w, when_settings, in);
    if (config_setting_length(w) == 0)
        perr(p, line_of(w), "'when'%s is empty: leave it out, or say when the step applies", where);
    out->vulnerable = get_tri(p, w, "vulnerable", in);
    out->priority_services = get_tri(p, w, "priority_services", in);
    out->non_digital = get_tri(p, w, "non_digital", in);
    out->event = get_tri(p, w, "event", in);
    const char *lang = get_str(p, w, "language", false, in);
    if (lang && !is_language(lang))
        perr(p, line_of(config_setting_get_member(w, "language")),
             "'language'%s must be a language code of 2 or 3 lower-case letters, e.g. \"cy\"", in);
    else if (lang)
        out->language = util_strdup(lang);
}

static void parse_answers(struct parser *p, const config_setting_t *ans, struct script_step *st, const char *where,
                          const char *label)
{
    if (!config_setting_is_list(ans)) {
        perr(p, line_of(ans),
             "'answers'%s must be a list: answers = ( { label = \"Yes\"; value = \"yes\"; }, ... );", where);
        return;
    }
    int n = config_setting_length(ans);
    if (n == 0) {
        perr(p, line_of(ans), "'answers'%s is empty: give at least one answer, or leave it out", where);
        return;
    }
    st->options = util_calloc((size_t)n, sizeof *st->options);
    for (int i = 0; i < n; i++) {
        const config_setting_t *a = config_setting_get_elem(ans, (unsigned)i);
        char in[200];
        snprintf(in, sizeof in, " in answer %d of %s", i + 1, label);
        if (!config_setting_is_group(a)) {
            perr(p, line_of(a), "answer %d%s must be a group: { label = \"...\"; value = \"...\"; }", i + 1, where);
            continue;
        }
        check_members(p, a, answer_settings, in);
        struct script_option *o = &st->options[st->noptions];
        o->line = line_of(a);
        const char *text = get_str(p, a, "label", true, in);
        const char *value = get_str(p, a, "value", true, in);
        const char *next = get_str(p, a, "next", false, in);
        if (text && blank(text))
            perr(p, o->line, "'label'%s is empty", in);
        if (text)
            check_text(p, text, line_of(config_setting_get_member(a, "label")), "label", in);
        if (value && !is_value(value)) {
            perr(p, line_of(config_setting_get_member(a, "value")),
                 "'value'%s must be 1 to 40 lower-case letters, digits or _, e.g. \"yes\"", in);
            value = NULL;
        }
        for (int j = 0; value && j < st->noptions; j++)
            if (strcmp(st->options[j].value, value) == 0) {
                perr(p, o->line, "answer value '%s' is given twice%s (first at line %d)", value, where,
                     st->options[j].line);
                value = NULL;
            }
        if (!text || !value)
            continue;
        o->label = util_strdup(text);
        o->value = util_strdup(value);
        o->next = util_strdup(next);
        st->noptions++;
    }
}

static void parse_action(struct parser *p, const config_setting_t *g, struct script_step *st, const char *where,
                         const char *label)
{
    char list[400];
    const char *act = get_str(p, g, "action", st->kind == SCRIPT_ACTION, where);
    bool known_action = false;
    if (act && st->kind != SCRIPT_ACTION) {
        perr(p, line_of(config_setting_get_member(g, "action")), "'action'%s is only for action steps", where);
    } else if (act) {
        int a = script_action_lookup(act);
        st->action_name = util_strdup(act);
        if (a < 0) {
            /* NONE and OTHER are not for files. */
            const char *names[SCRIPT_ACT__COUNT];
            int k = 0;
            for (int i = SCRIPT_ACT_NONE + 1; i < SCRIPT_ACT_OTHER; i++)
                names[k++] = action_names[i];
            names[k] = NULL;
            join_list(names, list, sizeof list);
            perr(p, line_of(config_setting_get_member(g, "action")), "%s: unknown action '%s' (known: %s)", label,
                 act, list);
        } else {
            st->action = (enum script_action)a;
            known_action = true;
        }
    }
    for (size_t k = 0; k < sizeof action_params / sizeof action_params[0]; k++) {
        const config_setting_t *s = config_setting_get_member(g, action_params[k].name);
        if (!s)
            continue;
        if (st->kind != SCRIPT_ACTION || (known_action && st->action != action_params[k].a &&
                                          st->action != action_params[k].b)) {
            perr(p, line_of(s), "'%s'%s is only for %s", action_params[k].name, where, action_params[k].for_what);
            continue;
        }
        if (!known_action)
            continue;
        const char *name = action_params[k].name;
        if (strcmp(name, "amount") == 0) {
            int t = config_setting_type(s);
            double v = t == CONFIG_TYPE_FLOAT                           ? config_setting_get_float(s)
                       : t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64 ? (double)config_setting_get_int64(s)
                                                                        : -1;
            if (!(v >= 0.01 && v <= 10000))
                perr(p, line_of(s), "'amount'%s must be a sum in pounds from 0.01 to 10000, e.g. 25 or 25.50",
                     where);
            else
                st->amount_pence = llround(v * 100);
        } else if (strcmp(name, "days") == 0) {
            st->days = get_int(p, s, name, where, 0, 365, -1);
        } else if (strcmp(name, "hours") == 0) {
            st->hours = get_int(p, s, name, where, 1, 720, 0);
        } else {
            const char *const *allowed = strcmp(name, "priority") == 0  ? priorities
                                         : st->action == SCRIPT_ACT_NOTIFY ? notify_channels
                                                                           : follow_up_channels;
            const char *v = get_str(p, g, name, false, where);
            if (v && !in_list(v, allowed)) {
                join_list(allowed, list, sizeof list);
                perr(p, line_of(s), "'%s'%s must be one of %s, not '%s'", name, where, list, v);
            } else if (v) {
                *(strcmp(name, "priority") == 0 ? &st->priority : &st->channel) = util_strdup(v);
            }
        }
    }
    /* Answering a credit step is making the credit: an answer such as
     * "Credit offered" would record words and move no money. */
    const config_setting_t *ans = config_setting_get_member(g, "answers");
    if (known_action && st->action == SCRIPT_ACT_GOODWILL_CREDIT && ans)
        perr(p, line_of(ans),
             "%s: a goodwill_credit step takes no answers: it is answered by making the credit, or skipped "
             "with a reason when none is due",
             label);
    if (known_action && st->action == SCRIPT_ACT_FOLLOW_UP && !config_setting_get_member(g, "days"))
        perr(p, st->line, "%s: a follow_up action needs days = N (the follow-up is due N days from today)", label);
}

static void parse_step(struct parser *p, const config_setting_t *g, int index, struct script_step *st)
{
    st->days = -1;
    st->when.vulnerable = st->when.priority_services = st->when.non_digital = st->when.event = SCRIPT_EITHER;
    st->line = line_of(g);
    char where[160], label[160];
    snprintf(where, sizeof where, " in step %d", index + 1);
    snprintf(label, sizeof label, "step %d", index + 1);
    if (!config_setting_is_group(g)) {
        perr(p, st->line, "step %d must be a group: { key = \"...\"; kind = \"say\"; text = \"...\"; }", index + 1);
        return;
    }
    const char *key = get_str(p, g, "key", true, where);
    if (key && !is_ident(key)) {
        perr(p, line_of(config_setting_get_member(g, "key")),
             "step key '%s' must be lower-case letters, digits and _, starting with a letter (at most 40)", key);
        key = NULL;
    }
    if (key) {
        st->key = util_strdup(key);
        snprintf(where, sizeof where, " in step '%s'", key);
        snprintf(label, sizeof label, "step '%s'", key);
    }
    check_members(p, g, step_settings, where);

    char kinds[100];
    join_list(kind_names, kinds, sizeof kinds);
    const char *kind = get_str(p, g, "kind", true, where);
    int k = kind ? script_kind_lookup(kind) : -1;
    if (kind && k < 0)
        perr(p, line_of(config_setting_get_member(g, "kind")), "%s: unknown step kind '%s' (known: %s)", label, kind,
             kinds);
    /* An unknown kind is read as a say step, so the checks that follow
     * (and the branches through it) still make sense. */
    st->kind = k < 0 ? SCRIPT_SAY : (enum script_kind)k;

    const char *text = get_str(p, g, "text", true, where);
    if (text && blank(text))
        perr(p, line_of(config_setting_get_member(g, "text")), "'text'%s is empty", where);
    if (text) {
        check_text(p, text, line_of(config_setting_get_member(g, "text")), "text", where);
        st->text = util_strdup(text);
    } else {
        st->text = util_strdup("");
    }

    const char *next = get_str(p, g, "next", false, where);
    if (next && st->kind == SCRIPT_END)
        perr(p, line_of(config_setting_get_member(g, "next")), "%s: an end step has no next: the run finishes there",
             label);
    else
        st->next = util_strdup(next);

    const config_setting_t *w = config_setting_get_member(g, "when");
    if (w && st->kind == SCRIPT_END)
        perr(p, line_of(w), "%s: an end step cannot have a when: every run must be able to finish", label);
    else if (w)
        parse_when(p, w, &st->when, where, label);

    const config_setting_t *ans = config_setting_get_member(g, "answers");
    if (ans && (st->kind == SCRIPT_SAY || st->kind == SCRIPT_END) && k >= 0)
        perr(p, line_of(ans), "%s: %s %s step has no answers (use an ask step)", label,
             st->kind == SCRIPT_END ? "an" : "a", kind);
    else if (ans)
        parse_answers(p, ans, st, where, label);

    const config_setting_t *ft = config_setting_get_member(g, "free_text");
    int free_text = get_tri(p, g, "free_text", where);
    if (ft && st->kind != SCRIPT_ASK)
        perr(p, line_of(ft), "'free_text'%s is only for ask steps", where);
    else
        st->free_text = free_text == SCRIPT_YES;
    if (st->kind == SCRIPT_ASK && k >= 0) {
        if (st->free_text && ans)
            perr(p, line_of(ft), "%s: an ask step has either answers or free_text = true, not both", label);
        else if (!st->free_text && !ans)
            perr(p, st->line, "%s: an ask step needs answers = ( ... ) or free_text = true", label);
    }
    parse_action(p, g, st, where, label);
}

static void parse_categories(struct parser *p, const config_setting_t *c, struct script *s)
{
    if (!config_setting_is_array(c) && !config_setting_is_list(c)) {
        perr(p, line_of(c), "'categories' must be a list of category codes, e.g. [ \"billing.high_bill\" ]");
        return;
    }
    int n = config_setting_length(c);
    if (n == 0) {
        perr(p, line_of(c), "'categories' is empty: list category codes, or [ \"*\" ] for every category");
        return;
    }
    s->categories = util_calloc((size_t)n, sizeof *s->categories);
    for (int i = 0; i < n; i++) {
        const config_setting_t *e = config_setting_get_elem(c, (unsigned)i);
        /* libconfig dates a scalar by the token after it, which may be on
         * the next line: the list's own line is the one to trust. */
        int line = line_of(c);
        if (config_setting_type(e) != CONFIG_TYPE_STRING) {
            perr(p, line, "'categories' must hold category codes in double quotes");
            continue;
        }
        const char *code = config_setting_get_string(e);
        if (strcmp(code, "*") == 0) {
            if (n > 1)
                perr(p, line, "\"*\" in 'categories' means every category: list nothing else with it");
        } else if (!is_category_code(code)) {
            perr(p, line, "'%s' is not a category code (e.g. \"billing.high_bill\")", code);
            continue;
        } else if (p->categories && !in_list(code, p->categories)) {
            perr(p, line, "unknown category '%s' (not in complaint_category)", code);
            continue;
        }
        bool dup = false;
        for (int j = 0; j < s->ncategories; j++)
            dup |= strcmp(s->categories[j], code) == 0;
        if (dup) {
            perr(p, line, "category '%s' is listed twice", code);
            continue;
        }
        s->categories[s->ncategories++] = util_strdup(code);
    }
}

static void parse_applies(struct parser *p, const config_setting_t *a, struct script *s)
{
    const char *where = " in applies_when";
    if (!config_setting_is_group(a)) {
        perr(p, line_of(a), "'applies_when' must be a group, e.g. applies_when = { requires_event = true; };");
        return;
    }
    check_members(p, a, applies_settings, where);
    const char *seg = get_str(p, a, "segment", false, where);
    if (seg && !in_list(seg, segments)) {
        char list[400];
        join_list(segments, list, sizeof list);
        perr(p, line_of(config_setting_get_member(a, "segment")), "'segment'%s must be one of %s, not '%s'", where,
             list, seg);
    } else if (seg) {
        s->segment = util_strdup(seg);
    }
    const char *lang = get_str(p, a, "language", false, where);
    if (lang && !is_language(lang))
        perr(p, line_of(config_setting_get_member(a, "language")),
             "'language'%s must be a language code of 2 or 3 lower-case letters, e.g. \"cy\"", where);
    else if (lang)
        s->language = util_strdup(lang);
    s->requires_vulnerability = get_tri(p, a, "requires_vulnerability", where);
    s->requires_event = get_tri(p, a, "requires_event", where);
}

/* The steps a step can lead to: its default next and its answers' nexts. */
static int edges(const struct script *s, int i, int *out)
{
    int n = 0;
    const struct script_step *st = &s->steps[i];
    if (st->kind == SCRIPT_END)
        return 0;
    int d = default_next(s, i);
    if (d >= 0)
        out[n++] = d;
    for (int j = 0; j < st->noptions; j++) {
        int t = st->options[j].next ? script_find(s, st->options[j].next) : d;
        if (t >= 0)
            out[n++] = t;
    }
    return n;
}

static void check_graph(struct parser *p, const struct script *s)
{
    int n = s->nsteps;
    if (n == 0)
        return;
    for (int i = 0; i < n; i++) {
        const struct script_step *st = &s->steps[i];
        for (int j = 0; st->key && j < i; j++)
            if (s->steps[j].key && strcmp(s->steps[j].key, st->key) == 0) {
                perr(p, st->line, "duplicate step key '%s' (first at line %d)", st->key, s->steps[j].line);
                break;
            }
        if (st->next && script_find(s, st->next) < 0)
            perr(p, st->line, "step '%s': next = \"%s\" but no step has that key", st->key ? st->key : "?",
                 st->next);
        for (int j = 0; j < st->noptions; j++)
            if (st->options[j].next && script_find(s, st->options[j].next) < 0)
                perr(p, st->options[j].line, "answer '%s' of step '%s' goes to \"%s\" but no step has that key",
                     st->options[j].value, st->key ? st->key : "?", st->options[j].next);
    }
    const struct script_step *last = &s->steps[n - 1];
    if (last->kind != SCRIPT_END && !last->next)
        perr(p, last->line,
             "step '%s' is the last step but not an end step: give it next = \"...\" or end with an end step",
             last->key ? last->key : "?");

    bool *seen = util_calloc((size_t)n, sizeof *seen);
    bool *good = util_calloc((size_t)n, sizeof *good);
    int *queue = util_calloc((size_t)n, sizeof *queue);
    /* A step leads to its default next and to one step per answer. */
    int most = 1;
    for (int i = 0; i < n; i++)
        most = s->steps[i].noptions + 1 > most ? s->steps[i].noptions + 1 : most;
    int *to = util_calloc((size_t)most, sizeof *to);
    int head = 0, tail = 0;
    seen[0] = true;
    queue[tail++] = 0;
    while (head < tail) {
        int u = queue[head++];
        int m = edges(s, u, to);
        for (int j = 0; j < m; j++)
            if (!seen[to[j]]) {
                seen[to[j]] = true;
                queue[tail++] = to[j];
            }
    }
    bool any_end = false, end_seen = false;
    for (int i = 0; i < n; i++) {
        any_end |= s->steps[i].kind == SCRIPT_END;
        end_seen |= seen[i] && s->steps[i].kind == SCRIPT_END;
        if (!seen[i])
            perr(p, s->steps[i].line, "step '%s' cannot be reached from the first step through nexts and answers",
                 s->steps[i].key ? s->steps[i].key : "?");
    }
    if (!any_end) {
        perr(p, s->steps[0].line, "the script has no end step: finish it with kind = \"end\"");
    } else if (!end_seen) {
        perr(p, s->steps[0].line, "no end step can be reached from the first step");
    } else {
        /* Steps from which an end can be reached, to a fixed point. */
        for (bool changed = true; changed;) {
            changed = false;
            for (int i = 0; i < n; i++) {
                if (good[i])
                    continue;
                int m = edges(s, i, to);
                bool g = s->steps[i].kind == SCRIPT_END;
                for (int j = 0; !g && j < m; j++)
                    g = good[to[j]];
                if (g)
                    good[i] = changed = true;
            }
        }
        for (int i = 0; i < n; i++)
            if (seen[i] && !good[i])
                perr(p, s->steps[i].line,
                     "from step '%s' no end step can be reached: its nexts and answers go round in a loop",
                     s->steps[i].key ? s->steps[i].key : "?");
    }
    free(seen);
    free(good);
    free(queue);
    free(to);
}

static void parse_root(struct parser *p, const config_setting_t *root, struct script *s)
{
    check_members(p, root, top_settings, "");
    const char *code = get_str(p, root, "code", true, "");
    s->line = line_of(config_setting_get_member(root, "code"));
    if (code && !is_ident(code))
        perr(p, s->line, "'code' must be lower-case letters, digits and _, starting with a letter, e.g. \"high_bill\"");
    else if (code)
        s->code = util_strdup(code);
    const char *name = get_str(p, root, "name", true, "");
    if (name && blank(name))
        perr(p, line_of(config_setting_get_member(root, "name")), "'name' is empty");
    else if (name)
        s->name = util_strdup(name);
    const config_setting_t *c = config_setting_get_member(root, "categories");
    if (!c)
        perr(p, 1, "missing setting 'categories' (the complaint categories the script is for)");
    else
        parse_categories(p, c, s);
    const config_setting_t *a = config_setting_get_member(root, "applies_when");
    if (a)
        parse_applies(p, a, s);
    const config_setting_t *steps = config_setting_get_member(root, "steps");
    if (!steps) {
        perr(p, 1, "missing setting 'steps'");
        return;
    }
    if (!config_setting_is_list(steps)) {
        perr(p, line_of(steps), "'steps' must be a list of groups: steps = ( { ... }, { ... } );");
        return;
    }
    int n = config_setting_length(steps);
    if (n == 0 || n > 500) {
        perr(p, line_of(steps), "'steps' must hold from 1 to 500 steps");
        return;
    }
    s->steps = util_calloc((size_t)n, sizeof *s->steps);
    s->nsteps = n;
    for (int i = 0; i < n; i++)
        parse_step(p, config_setting_get_elem(steps, (unsigned)i), i, &s->steps[i]);
    check_graph(p, s);
}

/* Problems libconfig would not see or that make reading pointless. */
static bool precheck(struct parser *p, const char *text)
{
    int line = 1;
    bool utf8_reported = false, ok = true;
    const char *bol = text;
    for (const char *q = text;; q++) {
        if (*q == '\n' || *q == '\0') {
            size_t len = (size_t)(q - bol);
            if (!utf8_reported && !tui_utf8_valid(bol, len)) {
                perr(p, line, "not valid UTF-8 text: save the file as UTF-8");
                utf8_reported = true;
            }
            const char *t = bol;
            while (t < q && (*t == ' ' || *t == '\t'))
                t++;
            if ((size_t)(q - t) >= 8 && strncmp(t, "@include", 8) == 0) {
                perr(p, line, "@include is not allowed: a script is stored as one whole file");
                ok = false;
            }
            if (*q == '\0')
                break;
            line++;
            bol = q + 1;
        }
    }
    return ok;
}

int script_parse(const char *file, const char *text, const char *const *categories, struct script *out,
                 struct script_errors *errs)
{
    memset(out, 0, sizeof *out);
    out->requires_vulnerability = out->requires_event = SCRIPT_EITHER;
    out->file = util_strdup(file ? file : "<script>");
    out->source = util_strdup(text ? text : "");
    struct parser p = {.file = out->file, .categories = categories};
    if (precheck(&p, out->source)) {
        config_t cfg;
        config_init(&cfg);
        if (config_read_string(&cfg, out->source))
            parse_root(&p, config_root_setting(&cfg), out);
        else
            perr(&p, config_error_line(&cfg) > 0 ? config_error_line(&cfg) : 1, "%s",
                 config_error_text(&cfg) ? config_error_text(&cfg) : "cannot read");
        config_destroy(&cfg);
    }
    int bad = p.n > 0;
    flush(&p, errs);
    return bad ? -1 : 0;
}

int script_parse_file(const char *path, const char *const *categories, struct script *out,
                      struct script_errors *errs)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        memset(out, 0, sizeof *out);
        errors_add(errs, util_asprintf("%s:0: cannot read: %s", path, strerror(errno)));
        return -1;
    }
    struct util_buf b = {0};
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 && b.len <= 1024 * 1024)
        util_buf_add(&b, chunk, n);
    bool failed = ferror(f) != 0;
    fclose(f);
    if (failed || b.len > 1024 * 1024 || memchr(b.data ? b.data : "", '\0', b.len)) {
        memset(out, 0, sizeof *out);
        const char *why = failed                ? "cannot read"
                          : b.len > 1024 * 1024 ? "too large for a script (over 1 MB)"
                                                : "not a text file (NUL bytes)";
        errors_add(errs, util_asprintf("%s:0: %s", path, why));
        util_buf_free(&b);
        return -1;
    }
    char *text = util_buf_steal(&b);
    int rc = script_parse(path, text, categories, out, errs);
    free(text);
    return rc;
}

/* ---- storing versions ------------------------------------------------------------ */

static void json_str(struct util_buf *b, const char *s)
{
    util_buf_add(b, "\"", 1);
    for (const unsigned char *q = (const unsigned char *)s; *q; q++) {
        if (*q == '"' || *q == '\\') {
            util_buf_add(b, "\\", 1);
            util_buf_add(b, (const char *)q, 1);
        } else if (*q == '\n') {
            util_buf_puts(b, "\\n");
        } else if (*q == '\t') {
            util_buf_puts(b, "\\t");
        } else if (*q < 0x20) {
            util_buf_printf(b, "\\u%04x", *q);
        } else {
            util_buf_add(b, (const char *)q, 1);
        }
    }
    util_buf_add(b, "\"", 1);
}

static void json_key(struct util_buf *b, bool *first, const char *key)
{
    util_buf_puts(b, *first ? "" : ",");
    *first = false;
    json_str(b, key);
    util_buf_add(b, ":", 1);
}

static void json_tri(struct util_buf *b, bool *first, const char *key, int v)
{
    if (v == SCRIPT_EITHER)
        return;
    json_key(b, first, key);
    util_buf_puts(b, v == SCRIPT_YES ? "true" : "false");
}

/* The steps as a JSON array for jsonb_to_recordset: what script_step holds.
 * options is an object: {"answers": [{"answer", "label", "next"}], "next",
 * "free_text", "amount", "days", "channel", "hours", "priority"};
 * condition is {"vulnerable", "priority_services", "non_digital", "event",
 * "language"}. Absent parts are left out (NULL when nothing is left). */
static char *steps_json(const struct script *s)
{
    struct util_buf b = {0};
    util_buf_add(&b, "[", 1);
    for (int i = 0; i < s->nsteps; i++) {
        const struct script_step *st = &s->steps[i];
        util_buf_printf(&b, "%s{\"step_no\":%d,\"step_key\":", i ? "," : "", i + 1);
        json_str(&b, st->key);
        util_buf_puts(&b, ",\"kind\":");
        json_str(&b, kind_names[st->kind]);
        util_buf_puts(&b, ",\"text\":");
        json_str(&b, st->text);
        if (st->action != SCRIPT_ACT_NONE) {
            util_buf_puts(&b, ",\"action_kind\":");
            json_str(&b, st->action_name ? st->action_name : action_names[st->action]);
        }
        struct util_buf o = {0};
        bool first = true;
        if (st->noptions > 0) {
            json_key(&o, &first, "answers");
            util_buf_add(&o, "[", 1);
            for (int j = 0; j < st->noptions; j++) {
                util_buf_puts(&o, j ? ",{\"answer\":" : "{\"answer\":");
                json_str(&o, st->options[j].value);
                util_buf_puts(&o, ",\"label\":");
                json_str(&o, st->options[j].label);
                if (st->options[j].next) {
                    util_buf_puts(&o, ",\"next\":");
                    json_str(&o, st->options[j].next);
                }
                util_buf_add(&o, "}", 1);
            }
            util_buf_add(&o, "]", 1);
        }
        if (st->next) {
            json_key(&o, &first, "next");
            json_str(&o, st->next);
        }
        if (st->free_text) {
            json_key(&o, &first, "free_text");
            util_buf_puts(&o, "true");
        }
        if (st->amount_pence > 0) {
            json_key(&o, &first, "amount");
            util_buf_printf(&o, "%lld.%02lld", st->amount_pence / 100, st->amount_pence % 100);
        }
        if (st->days >= 0) {
            json_key(&o, &first, "days");
            util_buf_printf(&o, "%d", st->days);
        }
        if (st->channel) {
            json_key(&o, &first, "channel");
            json_str(&o, st->channel);
        }
        if (st->hours > 0) {
            json_key(&o, &first, "hours");
            util_buf_printf(&o, "%d", st->hours);
        }
        if (st->priority) {
            json_key(&o, &first, "priority");
            json_str(&o, st->priority);
        }
        if (o.len)
            util_buf_printf(&b, ",\"options\":{%s}", o.data);
        util_buf_free(&o);
        struct util_buf w = {0};
        first = true;
        json_tri(&w, &first, "vulnerable", st->when.vulnerable);
        json_tri(&w, &first, "priority_services", st->when.priority_services);
        json_tri(&w, &first, "non_digital", st->when.non_digital);
        json_tri(&w, &first, "event", st->when.event);
        if (st->when.language) {
            json_key(&w, &first, "language");
            json_str(&w, st->when.language);
        }
        if (w.len)
            util_buf_printf(&b, ",\"condition\":{%s}", w.data);
        util_buf_free(&w);
        util_buf_add(&b, "}", 1);
    }
    util_buf_add(&b, "]", 1);
    return util_buf_steal(&b);
}

static const char *tri_param(int v)
{
    return v == SCRIPT_EITHER ? NULL : v == SCRIPT_YES ? "true" : "false";
}

static const char store_insert_sql[] =
    "INSERT INTO recovery_script (code, name, version, categories, segment, language, requires_vulnerability,"
    " requires_event, active, source)"
    " VALUES ($1, $2, (SELECT coalesce(max(version), 0) + 1 FROM recovery_script WHERE code = $1),"
    " CASE WHEN $3 = '*' THEN '{}'::text[] ELSE string_to_array($3, ' ') END, $4, $5, $6::boolean, $7::boolean,"
    " true, $8)"
    " RETURNING id, version";

static const char store_steps_sql[] =
    "INSERT INTO script_step (script_id, step_no, step_key, kind, text, options, condition, action_kind)"
    " SELECT $1::integer, x.step_no, x.step_key, x.kind, x.text, x.options, x.condition, x.action_kind"
    " FROM jsonb_to_recordset($2::jsonb) AS x(step_no integer, step_key text, kind text, text text,"
    " options jsonb, condition jsonb, action_kind text)";

/* db_exec that keeps the reason; NULL on failure. */
static PGresult *exec_or(struct db_conn *c, const char *sql, int n, const char *const *params, const char *what,
                         char *err, size_t errlen)
{
    PGresult *r = db_exec(c, sql, n, params);
    if (!r)
        snprintf(err, errlen, "%s: %s", what, db_error(c));
    return r;
}

int db_script_store(struct db_conn *c, const struct script *const *scripts, int n, struct db_script_stored *out,
                    char *err, size_t errlen)
{
    PGresult *r = exec_or(c, "BEGIN", 0, NULL, "begin", err, errlen);
    if (!r)
        return -1;
    PQclear(r);
    /* Two administrators loading at once take turns, so version numbers
     * and the one active version per code stay right. */
    r = exec_or(c, "SELECT pg_advisory_xact_lock(hashtext('careline.recovery_script'))", 0, NULL, "lock", err,
                errlen);
    if (!r)
        goto fail;
    PQclear(r);
    for (int i = 0; i < n; i++) {
        const struct script *s = scripts[i];
        char what[200];
        snprintf(what, sizeof what, "storing %s", s->code);
        const char *p1[1] = {s->code};
        r = exec_or(c, "SELECT version, source FROM recovery_script WHERE code = $1 AND active"
                       " ORDER BY version DESC LIMIT 1",
                    1, p1, what, err, errlen);
        if (!r)
            goto fail;
        bool same = PQntuples(r) == 1 && strcmp(PQgetvalue(r, 0, 1), s->source) == 0;
        out[i].unchanged = same;
        out[i].version = same ? atoi(PQgetvalue(r, 0, 0)) : 0;
        PQclear(r);
        if (same)
            continue;
        r = exec_or(c, "UPDATE recovery_script SET active = false WHERE code = $1 AND active", 1, p1, what, err,
                    errlen);
        if (!r)
            goto fail;
        PQclear(r);
        struct util_buf cats = {0};
        for (int j = 0; j < s->ncategories; j++) {
            if (j)
                util_buf_add(&cats, " ", 1);
            util_buf_puts(&cats, s->categories[j]);
        }
        const char *params[8] = {s->code, s->name, cats.data ? cats.data : "*", s->segment, s->language,
                                 tri_param(s->requires_vulnerability), tri_param(s->requires_event), s->source};
        r = exec_or(c, store_insert_sql, 8, params, what, err, errlen);
        util_buf_free(&cats);
        if (!r)
            goto fail;
        char id[24];
        snprintf(id, sizeof id, "%s", PQgetvalue(r, 0, 0));
        out[i].version = atoi(PQgetvalue(r, 0, 1));
        PQclear(r);
        char *json = steps_json(s);
        const char *sp[2] = {id, json};
        r = exec_or(c, store_steps_sql, 2, sp, what, err, errlen);
        free(json);
        if (!r)
            goto fail;
        PQclear(r);
    }
    r = exec_or(c, "COMMIT", 0, NULL, "commit", err, errlen);
    if (!r)
        goto fail;
    PQclear(r);
    return 0;
fail:
    r = db_exec(c, "ROLLBACK", 0, NULL);
    if (r)
        PQclear(r);
    return -1;
}

char **db_script_categories(struct db_conn *c, char *err, size_t errlen)
{
    PGresult *r = exec_or(c, "SELECT code FROM complaint_category ORDER BY code", 0, NULL, "categories", err,
                          errlen);
    if (!r)
        return NULL;
    int n = PQntuples(r);
    char **v = util_calloc((size_t)n + 1, sizeof *v);
    for (int i = 0; i < n; i++)
        v[i] = util_strdup(PQgetvalue(r, i, 0));
    PQclear(r);
    return v;
}

/* ---- the script that fits a complaint ------------------------------------------------ */

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
    "     SELECT z.event_id FROM customer_premise cp JOIN premise p ON p.id = cp.premise_id"                   \
    "       JOIN critical_event_zone z ON z.zone_id = p.zone_id"                                               \
    "      WHERE cp.customer_id = k.customer_id AND cp.end_date IS NULL"                                       \
    "        AND (k.premise_id IS NULL OR p.id = k.premise_id)))"                                              \
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

static char *cell_or_null(const struct db_table *t, int row, int col)
{
    const char *v = db_cell(t, row, col);
    return *v ? util_strdup(v) : NULL;
}

static int cell_tri(const struct db_table *t, int row, int col)
{
    const char *v = db_cell(t, row, col);
    return !*v ? SCRIPT_EITHER : (strcmp(v, "t") == 0 || strcmp(v, "true") == 0) ? SCRIPT_YES : SCRIPT_NO;
}

static void fill_script(struct script *s, const struct db_table part[FIT__COUNT])
{
    const struct db_table *h = &part[FIT_HEADER], *t = &part[FIT_STEPS], *o = &part[FIT_OPTIONS];
    s->requires_vulnerability = s->requires_event = SCRIPT_EITHER;
    s->id = atoi(db_cell(h, 0, FH_ID));
    s->code = util_strdup(db_cell(h, 0, FH_CODE));
    s->name = util_strdup(db_cell(h, 0, FH_NAME));
    s->version = atoi(db_cell(h, 0, FH_VERSION));
    s->active = db_cell_true(h, 0, FH_ACTIVE);
    char *cats = util_strdup(db_cell(h, 0, FH_CATEGORIES));
    int n = 1;
    for (const char *q = cats; *q; q++)
        n += *q == ' ';
    s->categories = util_calloc((size_t)n, sizeof *s->categories);
    for (char *save = NULL, *tok = strtok_r(cats, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
        s->categories[s->ncategories++] = util_strdup(tok);
    if (s->ncategories == 0)
        s->categories[s->ncategories++] = util_strdup("*");
    free(cats);
    s->segment = cell_or_null(h, 0, FH_SEGMENT);
    s->language = cell_or_null(h, 0, FH_LANGUAGE);
    s->requires_vulnerability = cell_tri(h, 0, FH_VULN);
    s->requires_event = cell_tri(h, 0, FH_EVENT);

    s->nsteps = t->rows;
    s->steps = util_calloc((size_t)(t->rows > 0 ? t->rows : 1), sizeof *s->steps);
    for (int i = 0; i < t->rows; i++) {
        struct script_step *st = &s->steps[i];
        st->id = atoi(db_cell(t, i, FS_ID));
        st->key = util_strdup(db_cell(t, i, FS_KEY));
        int k = script_kind_lookup(db_cell(t, i, FS_KIND));
        st->kind = k < 0 ? SCRIPT_SAY : (enum script_kind)k;
        st->text = util_strdup(db_cell(t, i, FS_TEXT));
        st->action_name = cell_or_null(t, i, FS_ACTION);
        if (st->action_name) {
            int a = script_action_lookup(st->action_name);
            st->action = a < 0 ? SCRIPT_ACT_OTHER : (enum script_action)a;
        }
        st->next = cell_or_null(t, i, FS_NEXT);
        st->free_text = strcmp(db_cell(t, i, FS_FREE_TEXT), "true") == 0;
        st->amount_pence = atoll(db_cell(t, i, FS_AMOUNT));
        st->days = *db_cell(t, i, FS_DAYS) ? atoi(db_cell(t, i, FS_DAYS)) : -1;
        st->channel = cell_or_null(t, i, FS_CHANNEL);
        st->hours = atoi(db_cell(t, i, FS_HOURS));
        st->priority = cell_or_null(t, i, FS_PRIORITY);
        st->when.vulnerable = cell_tri(t, i, FS_W_VULN);
        st->when.priority_services = cell_tri(t, i, FS_W_PSR);
        st->when.non_digital = cell_tri(t, i, FS_W_NON_DIGITAL);
        st->when.event = cell_tri(t, i, FS_W_EVENT);
        st->when.language = cell_or_null(t, i, FS_W_LANGUAGE);
    }
    /* Answers come in step order: count them per step, then fill. */
    for (int pass = 0; pass < 2; pass++) {
        for (int r = 0, i = 0; r < o->rows; r++) {
            int id = atoi(db_cell(o, r, FO_STEP_ID));
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
            op->value = util_strdup(db_cell(o, r, FO_VALUE));
            op->label = util_strdup(db_cell(o, r, FO_LABEL));
            op->next = cell_or_null(o, r, FO_NEXT);
        }
        for (int i = 0; pass == 0 && i < s->nsteps; i++) {
            s->steps[i].options = util_calloc((size_t)(s->steps[i].noptions ? s->steps[i].noptions : 1),
                                              sizeof *s->steps[i].options);
            s->steps[i].noptions = 0;
        }
    }
}

struct fit_pending {
    void (*done)(void *ctx, struct db_script_fit *f);
    void *ctx;
    char complaint_id[37];
};

static void on_fit(void *ctx, const PGresult *const *res, int n, const char *err, double ms)
{
    (void)ms;
    struct fit_pending *p = ctx;
    struct db_script_fit *f = util_calloc(1, sizeof *f);
    snprintf(f->complaint_id, sizeof f->complaint_id, "%s", p->complaint_id);
    struct db_table part[FIT__COUNT] = {{0}};
    if (err) {
        f->error = util_strdup(err);
    } else {
        for (int i = 0; i < n && i < FIT__COUNT; i++)
            db_table_copy(&part[i], res[i]);
        const struct db_table *v = &part[FIT_VARS];
        if (v->rows == 0) {
            f->error = util_strdup("no complaint with this id");
        } else {
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
            f->customer_id = atoll(db_cell(v, 0, FV_CUSTOMER));
            if (part[FIT_HEADER].rows == 1) {
                f->found = true;
                fill_script(&f->script, part);
            }
        }
    }
    for (int i = 0; i < FIT__COUNT; i++)
        db_table_free(&part[i]);
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
    snprintf(p->complaint_id, sizeof p->complaint_id, "%s", complaint_id ? complaint_id : "");
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
    char id[24];
    snprintf(id, sizeof id, "%d", script_id);
    return send_fit(c, id, complaint_id, done, ctx);
}

/* ---- recording runs ---------------------------------------------------------------- */

static const char run_start_sql[] =
    "WITH ins AS (INSERT INTO complaint_script_run (id, complaint_id, script_id, staff_id)"
    "  VALUES ($1::uuid, $2::uuid, $3::integer, current_staff_id())"
    "  ON CONFLICT (id) DO NOTHING RETURNING id, complaint_id, script_id)"
    " INSERT INTO complaint_history (complaint_id, staff_id, kind, note, details)"
    " SELECT ins.complaint_id, current_staff_id(), 'script',"
    "  'Recovery script ' || s.name || ' (' || s.code || ' version ' || s.version || ') started',"
    "  jsonb_build_object('run_id', ins.id, 'script_id', s.id, 'code', s.code, 'version', s.version)"
    " FROM ins JOIN recovery_script s ON s.id = ins.script_id";

/* Only a step of the run's own script can be answered; a second answer to
 * the same step replaces the first. */
static const char answer_sql[] =
    "INSERT INTO script_answer (id, run_id, step_id, answer, skipped_reason)"
    " SELECT $1::uuid, r.id, t.id, $4::text, $5::text FROM complaint_script_run r"
    "  JOIN script_step t ON t.script_id = r.script_id AND t.id = $3::integer"
    " WHERE r.id = $2::uuid"
    " ON CONFLICT (run_id, step_id) DO UPDATE SET answer = EXCLUDED.answer,"
    "  skipped_reason = EXCLUDED.skipped_reason, at = now()"
    " RETURNING 1";

static const char run_finish_sql[] =
    "WITH upd AS (UPDATE complaint_script_run SET finished_at = now(), outcome = $2::text"
    "  WHERE id = $1::uuid AND finished_at IS NULL RETURNING id, complaint_id, script_id)"
    " INSERT INTO complaint_history (complaint_id, staff_id, kind, note, details)"
    " SELECT upd.complaint_id, current_staff_id(), 'script',"
    "  'Recovery script ' || s.code || ' version ' || s.version || ' finished: ' || $2::text,"
    "  jsonb_build_object('run_id', upd.id, 'outcome', $2::text)"
    " FROM upd JOIN recovery_script s ON s.id = upd.script_id";

/* The credit's id comes from the run and the step: one credit per step of
 * a run, however often it is sent. The reason names the script and step,
 * so a supervisor deciding it knows where it came from. */
static const char credit_sql[] =
    "WITH r AS (SELECT md5('script-credit:' || r.id || ':' || t.id)::uuid AS credit_id, k.id AS complaint_id,"
    "   k.customer_id, 'Recovery script ' || s.code || ' version ' || s.version || ', step ' || t.step_key AS reason"
    "  FROM complaint_script_run r JOIN complaint k ON k.id = r.complaint_id"
    "  JOIN recovery_script s ON s.id = r.script_id"
    "  JOIN script_step t ON t.script_id = r.script_id AND t.id = $2::integer AND t.action_kind = 'goodwill_credit'"
    "  WHERE r.id = $1::uuid),"
    " ins AS (INSERT INTO goodwill_credit (id, customer_id, complaint_id, amount, reason)"
    "  SELECT credit_id, customer_id, complaint_id, $3::numeric, reason FROM r"
    "  ON CONFLICT (id) DO NOTHING RETURNING status)"
    " SELECT status FROM ins UNION ALL SELECT g.status FROM goodwill_credit g JOIN r ON g.id = r.credit_id LIMIT 1";

struct credit_pending {
    void (*done)(void *ctx, const char *status, const char *err);
    void *ctx;
};

static void on_credit(void *ctx, const PGresult *res, const char *err, double ms)
{
    (void)ms;
    struct credit_pending p = *(struct credit_pending *)ctx;
    free(ctx);
    const char *status = !err && res && PQntuples(res) ? PQgetvalue(res, 0, 0) : NULL;
    if (!err && !status)
        err = "the step is not a credit step of this run's script, or the run is not recorded";
    if (p.done)
        p.done(p.ctx, status, err);
}

unsigned db_script_credit(struct db_conn *c, const char *run_id, int step_id, const char *amount,
                          void (*done)(void *ctx, const char *status, const char *err), void *ctx)
{
    char step[24], slot[100];
    snprintf(step, sizeof step, "%d", step_id);
    snprintf(slot, sizeof slot, "script-credit-%s-%d", run_id, step_id);
    struct credit_pending *p = util_calloc(1, sizeof *p);
    p->done = done;
    p->ctx = ctx;
    const char *params[3] = {run_id, step, amount};
    struct db_query q = {.sql = credit_sql, .nparams = 3, .params = params, .slot = slot, .done = on_credit,
                         .ctx = p, .owner = ctx, .cleanup = free};
    return db_send(c, &q);
}

struct write_pending {
    void (*done)(void *ctx, const char *err);
    void *ctx;
    bool want_row;     /* no row back is an error */
};

static void on_write(void *ctx, const PGresult *res, const char *err, double ms)
{
    (void)ms;
    struct write_pending *p = ctx;
    void (*done)(void *, const char *) = p->done;
    void *dctx = p->ctx;
    bool want_row = p->want_row;
    free(p);
    if (!err && want_row && (!res || PQntuples(res) == 0))
        err = "the step is not part of this run's script, or the run is not recorded";
    if (done)
        done(dctx, err);
}

static unsigned send_write(struct db_conn *c, const char *sql, int n, const char *const *params, const char *slot,
                           bool want_row, void (*done)(void *ctx, const char *err), void *ctx)
{
    struct write_pending *p = util_calloc(1, sizeof *p);
    p->done = done;
    p->ctx = ctx;
    p->want_row = want_row;
    /* A slot: offline, the write waits for the connection instead of failing. */
    struct db_query q = {.sql = sql, .nparams = n, .params = params, .slot = slot, .done = on_write, .ctx = p,
                         .owner = ctx, .cleanup = free};
    return db_send(c, &q);
}

unsigned db_script_run_start(struct db_conn *c, const char *run_id, const char *complaint_id, int script_id,
                             void (*done)(void *ctx, const char *err), void *ctx)
{
    char id[24], slot[80];
    snprintf(id, sizeof id, "%d", script_id);
    snprintf(slot, sizeof slot, "script-run-%s", run_id);
    const char *params[3] = {run_id, complaint_id, id};
    return send_write(c, run_start_sql, 3, params, slot, false, done, ctx);
}

unsigned db_script_answer(struct db_conn *c, const char *run_id, int step_id, const char *answer,
                          const char *skipped_reason, void (*done)(void *ctx, const char *err), void *ctx)
{
    char uuid[37], step[24], slot[100];
    util_uuid(uuid);
    snprintf(step, sizeof step, "%d", step_id);
    snprintf(slot, sizeof slot, "script-answer-%s-%d", run_id, step_id);
    const char *params[5] = {uuid, run_id, step, answer, skipped_reason};
    return send_write(c, answer_sql, 5, params, slot, true, done, ctx);
}

unsigned db_script_run_finish(struct db_conn *c, const char *run_id, const char *outcome,
                              void (*done)(void *ctx, const char *err), void *ctx)
{
    char slot[80];
    snprintf(slot, sizeof slot, "script-finish-%s", run_id);
    const char *params[2] = {run_id, outcome && *outcome ? outcome : "completed"};
    return send_write(c, run_finish_sql, 2, params, slot, false, done, ctx);
}

/* ---- the command line ------------------------------------------------------------------ */

__attribute__((format(printf, 1, 2)))
static int cli_usage(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("careline scripts: ", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs("\nTry 'careline --help'.\n", stderr);
    return APP_EXIT_USAGE;
}

static bool is_uuid(const char *s)
{
    if (strlen(s) != 36)
        return false;
    for (int i = 0; i < 36; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        char ch = s[i];
        if (dash ? ch != '-' : !((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F')))
            return false;
    }
    return true;
}

struct try_opts {
    const char *reference;
    const char *record;     /* run UUID or NULL */
    char **answers;
    int nanswers;
};

static int parse_try(int argc, char **argv, struct try_opts *o)
{
    memset(o, 0, sizeof *o);
    int i = 2;
    for (; i < argc; i++) {
        if (strcmp(argv[i], "--record") == 0) {
            if (i + 1 >= argc)
                return cli_usage("--record needs a run id (a UUID)");
            o->record = argv[++i];
            if (!is_uuid(o->record))
                return cli_usage("--record wants a UUID such as 1b4e28ba-2fa1-11d2-883f-0016d3cca427, not '%s'",
                                 o->record);
        } else if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return cli_usage("unknown option '%s'", argv[i]);
        } else if (!o->reference) {
            o->reference = argv[i];
        } else {
            break;
        }
    }
    if (!o->reference && i < argc)
        o->reference = argv[i++];
    if (!o->reference)
        return cli_usage("try needs a complaint REFERENCE");
    o->answers = argv + i;
    o->nanswers = argc - i;
    return 0;
}

int script_cli_parse(int argc, char **argv)
{
    if (argc < 2)
        return cli_usage("needs what to do: check FILE..., load FILE..., list, or try REFERENCE");
    const char *sub = argv[1];
    if (strcmp(sub, "check") == 0 || strcmp(sub, "load") == 0) {
        if (argc < 3)
            return cli_usage("%s needs one or more script FILEs (e.g. conf/scripts/*.conf)", sub);
        for (int i = 2; i < argc; i++)
            if (argv[i][0] == '-' && argv[i][1])
                return cli_usage("%s takes FILEs, not the option '%s'", sub, argv[i]);
        return 0;
    }
    if (strcmp(sub, "list") == 0)
        return argc > 2 ? cli_usage("list takes no arguments, got '%s'", argv[2]) : 0;
    if (strcmp(sub, "try") == 0) {
        struct try_opts o;
        return parse_try(argc, argv, &o);
    }
    return cli_usage("unknown subcommand '%s' (check, load, list or try)", sub);
}

bool script_cli_needs_db(int argc, char **argv)
{
    return !(argc >= 2 && strcmp(argv[1], "check") == 0);
}

/* Parse every file (its text from texts[i], or read from disk when texts
 * is NULL); also refuse two files with one code (in one load the second
 * would silently replace the first). Returns the number of bad files. */
static int parse_all(int nfiles, const char *const *files, const char *const *texts, const char *const *categories,
                     struct script *scripts, struct script_errors *errs)
{
    int bad = 0;
    for (int i = 0; i < nfiles; i++) {
        bool ok = (texts ? script_parse(files[i], texts[i], categories, &scripts[i], errs)
                         : script_parse_file(files[i], categories, &scripts[i], errs)) == 0;
        for (int j = 0; ok && j < i; j++)
            if (scripts[j].code && scripts[i].code && strcmp(scripts[j].code, scripts[i].code) == 0) {
                errors_add(errs, util_asprintf("%s:%d: script code '%s' is also the code of %s", files[i],
                                               scripts[i].line, scripts[i].code, files[j]));
                ok = false;
            }
        bad += !ok;
    }
    return bad;
}

static void print_errors(const struct script_errors *errs)
{
    for (int i = 0; i < errs->count; i++) {
        char *clean = tui_text_sanitize(errs->msg[i], false);
        fprintf(stderr, "%s\n", clean);
        free(clean);
    }
}

/* Check, and for a load store, scripts given as files or texts: the one
 * path of `scripts check`, `scripts load` and the seed. Reasons go to
 * stderr, what was stored to out. Returns an exit code. */
static int check_or_load(int n, const char *const *files, const char *const *texts, struct db_conn *db, bool load,
                         FILE *out)
{
    char **cats = NULL;
    if (load) {
        char err[1024];
        cats = db_script_categories(db, err, sizeof err);
        if (!cats) {
            fprintf(stderr, "careline scripts load: %s\n", err);
            return APP_EXIT_FAILED;
        }
    }
    struct script *scripts = util_calloc((size_t)n, sizeof *scripts);
    struct script_errors errs = {0};
    int bad = parse_all(n, files, texts, (const char *const *)cats, scripts, &errs);
    int rc = APP_EXIT_OK;
    print_errors(&errs);
    if (bad) {
        fprintf(stderr, "careline scripts %s: %d of %d file(s) not valid%s\n", load ? "load" : "check", bad, n,
                load ? ": nothing stored" : "");
        rc = APP_EXIT_USAGE;
    } else if (!load) {
        for (int i = 0; i < n; i++)
            fprintf(out, "%s: ok: %s, %d steps\n", files[i], scripts[i].code, scripts[i].nsteps);
    } else {
        const struct script **list = util_calloc((size_t)n, sizeof *list);
        struct db_script_stored *stored = util_calloc((size_t)n, sizeof *stored);
        for (int i = 0; i < n; i++)
            list[i] = &scripts[i];
        char err[2048];
        if (db_script_store(db, list, n, stored, err, sizeof err) < 0) {
            fprintf(stderr, "careline scripts load: %s (nothing stored)\n", err);
            rc = APP_EXIT_FAILED;
        } else if (out) {
            for (int i = 0; i < n; i++)
                if (stored[i].unchanged)
                    fprintf(out, "%s: unchanged (version %d) from %s\n", scripts[i].code, stored[i].version,
                            files[i]);
                else
                    fprintf(out, "%s: version %d loaded from %s (%d steps)\n", scripts[i].code, stored[i].version,
                            files[i], scripts[i].nsteps);
        }
        free(list);
        free(stored);
    }
    for (int i = 0; i < n; i++)
        script_free(&scripts[i]);
    free(scripts);
    script_errors_free(&errs);
    script_strv_free(cats);
    return rc;
}

int db_script_load_shipped(struct db_conn *c, FILE *out)
{
    static const char prefix[] = "conf/scripts/";
    int n = 0;
    for (const struct embedded_file *f = embedded_files; f->path; f++)
        n += strncmp(f->path, prefix, sizeof prefix - 1) == 0;
    if (n == 0) {
        fputs("careline scripts load: no recovery scripts are compiled into this program\n", stderr);
        return -1;
    }
    const char **files = util_calloc((size_t)n, sizeof *files);
    const char **texts = util_calloc((size_t)n, sizeof *texts);
    int k = 0;
    for (const struct embedded_file *f = embedded_files; f->path; f++)
        if (strncmp(f->path, prefix, sizeof prefix - 1) == 0) {
            files[k] = f->path;
            texts[k++] = f->data;
        }
    int rc = check_or_load(n, files, texts, c, true, out);
    free(files);
    free(texts);
    return rc == APP_EXIT_OK ? 0 : -1;
}

static void put_clean(const char *s, int width)
{
    char *clean = tui_text_sanitize(s ? s : "", false);
    if (width > 0) {
        int w = 0;
        char *fit = tui_text_fit(clean, width, false, &w);
        fputs(fit, stdout);
        for (; w < width; w++)
            putchar(' ');
        free(fit);
    } else {
        fputs(clean, stdout);
    }
    free(clean);
}

static int run_list(struct db_conn *db)
{
    PGresult *r = db_exec(db,
                          "SELECT code, version, CASE WHEN active THEN 'yes' ELSE 'no' END, name,"
                          " CASE WHEN cardinality(categories) = 0 THEN '*' ELSE array_to_string(categories, ' ') END"
                          " FROM recovery_script ORDER BY code, version",
                          0, NULL);
    if (!r) {
        fprintf(stderr, "careline scripts list: %s\n", db_error(db));
        return APP_EXIT_FAILED;
    }
    printf("%-24s  %7s  %-6s  %-36s  %s\n", "CODE", "VERSION", "ACTIVE", "NAME", "CATEGORIES");
    for (int i = 0; i < PQntuples(r); i++) {
        put_clean(PQgetvalue(r, i, 0), 24);
        printf("  %7s  %-6s  ", PQgetvalue(r, i, 1), PQgetvalue(r, i, 2));
        put_clean(PQgetvalue(r, i, 3), 36);
        fputs("  ", stdout);
        put_clean(PQgetvalue(r, i, 4), 0);
        putchar('\n');
    }
    PQclear(r);
    return APP_EXIT_OK;
}

/* ---- scripts try: walk a script for a complaint as the runner would ---- */

struct try_state {
    struct db_script_fit *fit;
    char *err;
    bool got;
    char status[16];       /* of the credit made at a credit step */
};

static void try_credit(void *ctx, const char *status, const char *err)
{
    struct try_state *t = ctx;
    t->got = true;
    if (err && !t->err)
        t->err = util_strdup(err);
    snprintf(t->status, sizeof t->status, "%s", status ? status : "");
}

/* The amount offered at a credit step: "credit:AMOUNT" when that is the
 * next answer (*used set), else the script's suggestion. 0 with amount
 * empty when there is neither; -1 when the answer is not an amount. */
static int try_amount(const struct script_step *st, const char *a, char *amount, size_t len, bool *used)
{
    *used = false;
    amount[0] = '\0';
    if (a && strncmp(a, "credit:", 7) == 0) {
        *used = true;
        char *end;
        double v = strtod(a + 7, &end);
        if (end == a + 7 || *end || !(v >= 0.01 && v <= 10000))
            return -1;
        snprintf(amount, len, "%.2f", v);
    } else if (st->amount_pence > 0) {
        snprintf(amount, len, "%lld.%02lld", st->amount_pence / 100, st->amount_pence % 100);
    }
    return 0;
}

static void try_fit(void *ctx, struct db_script_fit *f)
{
    struct try_state *t = ctx;
    t->fit = f;
}

static void try_write(void *ctx, const char *err)
{
    struct try_state *t = ctx;
    t->got = true;
    if (err && !t->err)
        t->err = util_strdup(err);
}

/* Send, wait, and say what went wrong. */
static int try_wait(struct db_conn *db, struct try_state *t, const char *what)
{
    if (db_wait(db, 30000) < 0 && !t->err)
        t->err = util_strdup("no answer from the database within 30 s");
    if (t->err) {
        fprintf(stderr, "careline scripts try: %s: %s\n", what, t->err);
        return -1;
    }
    return 0;
}

/* Everything printed comes from the database: sanitised. */
static void print_step(const struct script_step *st, const struct script_vars *vars)
{
    put_clean(st->key, 0);
    printf(" [%s%s", script_kind_name(st->kind), st->action ? " " : "");
    put_clean(st->action == SCRIPT_ACT_OTHER ? st->action_name : script_action_name(st->action), 0);
    fputs("] ", stdout);
    char *text = script_expand(st->text, vars);
    put_clean(text, 0);
    free(text);
    putchar('\n');
    for (int j = 0; j < st->noptions; j++) {
        char *label = script_expand(st->options[j].label, vars);
        fputs("    - ", stdout);
        put_clean(st->options[j].value, 0);
        fputs(": ", stdout);
        put_clean(label, 0);
        if (st->options[j].next) {
            fputs(" -> ", stdout);
            put_clean(st->options[j].next, 0);
        }
        putchar('\n');
        free(label);
    }
    if (st->free_text)
        puts("    (free text)");
}

static int run_try(int argc, char **argv, struct db_conn *db)
{
    struct try_opts o;
    if (parse_try(argc, argv, &o))
        return APP_EXIT_USAGE;
    const char *p[1] = {o.reference};
    PGresult *r = db_exec(db, "SELECT id FROM complaint WHERE reference = $1", 1, p);
    if (!r) {
        fprintf(stderr, "careline scripts try: %s\n", db_error(db));
        return APP_EXIT_FAILED;
    }
    if (PQntuples(r) != 1) {
        PQclear(r);
        fprintf(stderr, "careline scripts try: no complaint with reference %s\n", o.reference);
        return APP_EXIT_FAILED;
    }
    char complaint_id[37];
    snprintf(complaint_id, sizeof complaint_id, "%s", PQgetvalue(r, 0, 0));
    PQclear(r);

    struct try_state t = {0};
    db_script_for_complaint(db, complaint_id, try_fit, &t);
    if (db_wait(db, 30000) < 0 || !t.fit) {
        fprintf(stderr, "careline scripts try: no answer from the database within 30 s\n");
        db_script_fit_free(t.fit);
        return APP_EXIT_FAILED;
    }
    struct db_script_fit *f = t.fit;
    int rc = APP_EXIT_OK;
    if (f->error) {
        fprintf(stderr, "careline scripts try: %s\n", f->error);
        db_script_fit_free(f);
        return APP_EXIT_FAILED;
    }
    if (!f->found) {
        char *cat = tui_text_sanitize(f->category, false);
        fprintf(stderr, "careline scripts try: no active script fits %s (category %s)\n", o.reference, cat);
        free(cat);
        db_script_fit_free(f);
        return APP_EXIT_FAILED;
    }
    fputs("script ", stdout);
    put_clean(f->script.code, 0);
    printf(" version %d: ", f->script.version);
    put_clean(f->script.name, 0);
    printf("\ncomplaint %s, category ", o.reference);
    put_clean(f->category, 0);
    printf("; customer: vulnerable %s, priority services %s, non-digital %s, incident %s, language %s\n",
           f->sit.vulnerable ? "yes" : "no", f->sit.priority_services ? "yes" : "no",
           f->sit.non_digital ? "yes" : "no", f->sit.event ? "yes" : "no", f->sit.language);
    if (o.record) {
        db_script_run_start(db, o.record, complaint_id, f->script.id, try_write, &t);
        if (try_wait(db, &t, "recording the run") < 0) {
            free(t.err);
            db_script_fit_free(f);
            return APP_EXIT_FAILED;
        }
    }
    struct script_run run;
    script_run_start(&run, &f->script, &f->sit);
    int next_answer = 0;
    while (!script_run_finished(&run)) {
        const struct script_step *st = script_run_step(&run);
        int at = run.current;
        print_step(st, &f->vars);
        const char *a = next_answer < o.nanswers ? o.answers[next_answer] : NULL;
        int res;
        if (a && strncmp(a, "skip:", 5) == 0) {
            next_answer++;
            res = script_run_skip(&run, a + 5);
        } else if (st->action == SCRIPT_ACT_GOODWILL_CREDIT) {
            /* As on the screen: answering a credit step makes the credit. */
            char amount[32];
            bool used;
            if (try_amount(st, a, amount, sizeof amount, &used) < 0) {
                fprintf(stderr, "careline scripts try: answer '%s': not an amount (e.g. credit:25 or credit:25.50)\n",
                        a);
                rc = APP_EXIT_FAILED;
                break;
            }
            if (!amount[0]) {
                fputs("waiting for an answer at step '", stdout);
                put_clean(st->key, 0);
                fputs("' (credit:AMOUNT)\n", stdout);
                break;
            }
            next_answer += used;
            if (o.record) {
                db_script_credit(db, o.record, st->id, amount, try_credit, &t);
                if (try_wait(db, &t, "making the credit") < 0) {
                    rc = APP_EXIT_FAILED;
                    break;
                }
                printf("    credit %s: %s\n", amount, t.status);
            } else {
                printf("    credit %s offered (not recorded: no --record)\n", amount);
            }
            res = script_run_answer(&run, NULL);
        } else if (script_step_needs_answer(st)) {
            if (!a) {
                fputs("waiting for an answer at step '", stdout);
                put_clean(st->key, 0);
                fputs("'\n", stdout);
                break;
            }
            next_answer++;
            res = script_run_answer(&run, a);
        } else {
            res = script_run_answer(&run, NULL);
        }
        if (res != SCRIPT_OK) {
            char *key = tui_text_sanitize(st->key, false);
            fprintf(stderr, "careline scripts try: step '%s', answer '%s': %s\n", key, a ? a : "",
                    script_result_text((enum script_result)res));
            free(key);
            rc = APP_EXIT_FAILED;
            break;
        }
        const struct script_given *g = script_run_given(&run, at);
        if (g->skipped) {
            fputs("    => skipped: ", stdout);
            put_clean(g->skipped, 0);
            putchar('\n');
        } else {
            fputs("    => ", stdout);
            put_clean(g->answer, 0);
            putchar('\n');
        }
        if (o.record) {
            db_script_answer(db, o.record, st->id, g->answer, g->skipped, try_write, &t);
            if (try_wait(db, &t, "recording an answer") < 0) {
                rc = APP_EXIT_FAILED;
                break;
            }
        }
    }
    if (rc == APP_EXIT_OK && script_run_finished(&run)) {
        puts("finished");
        if (o.record) {
            db_script_run_finish(db, o.record, "completed", try_write, &t);
            if (try_wait(db, &t, "recording the end of the run") < 0)
                rc = APP_EXIT_FAILED;
        }
        if (rc == APP_EXIT_OK && next_answer < o.nanswers) {
            fprintf(stderr, "careline scripts try: %d answer(s) left over after the script finished\n",
                    o.nanswers - next_answer);
            rc = APP_EXIT_FAILED;
        }
    }
    script_run_free(&run);
    free(t.err);
    db_script_fit_free(f);
    return rc;
}

int script_cli_run(int argc, char **argv, struct db_conn *db)
{
    int rc = script_cli_parse(argc, argv);
    if (rc)
        return rc;
    const char *sub = argv[1];
    if (strcmp(sub, "check") == 0)
        return check_or_load(argc - 2, (const char *const *)argv + 2, NULL, NULL, false, stdout);
    if (!db) {
        fprintf(stderr, "careline scripts %s: needs the database\n", sub);
        return APP_EXIT_FAILED;
    }
    if (strcmp(sub, "load") == 0)
        return check_or_load(argc - 2, (const char *const *)argv + 2, NULL, db, true, stdout);
    if (strcmp(sub, "list") == 0)
        return run_list(db);
    return run_try(argc, argv, db);
}
