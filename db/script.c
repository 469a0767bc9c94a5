/* script.c — service-recovery scripts: names, placeholders and the pure run engine (the file format is read by the application: screens/app/script_parse.c; the database is script_store.c, script_fit.c and script_run.c). */
#include "careline/script.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careline/text.h"
#include "careline/util.h"

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

bool script_blank(const char *s)
{
    if (!s)
        return true;
    for (; *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
            return false;
    return true;
}

bool script_in_list(const char *s, const char *const *list)
{
    for (int i = 0; s && list && list[i]; i++)
        if (strcmp(list[i], s) == 0)
            return true;
    return false;
}

void script_join_list(const char *const *list, char *out, size_t n)
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
int script_placeholder_len(const char *p)
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
        int n = script_placeholder_len(p);
        int var = n > 0 ? script_var_lookup(p + 1, (size_t)n) : -1;
        if (var >= 0) {
            const char *val = v ? v->v[var] : NULL;
            if (!val || script_blank(val))
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
           tri_holds(w->compensation, sit->compensation) &&
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
int script_default_next(const struct script *s, int i)
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
        i = script_default_next(s, i);
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
        to = script_default_next(s, from);
    return to < 0 ? -1 : pass_over(s, to, sit);
}

const char *script_channel(const struct script_step *st, const char *preferred, bool non_digital)
{
    static const char *const known[] = {"phone", "email", "sms", "letter", "field_visit", NULL};
    const char *ch = st->channel && strcmp(st->channel, "preferred") != 0 ? st->channel : preferred;
    if (ch && strcmp(ch, "web") == 0)
        ch = "email";
    if (!ch || !script_in_list(ch, known))
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
        if (script_blank(value))
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
    if (script_blank(reason))
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

void script_errors_add(struct script_errors *e, char *msg)
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
