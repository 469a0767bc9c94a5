/* script_parse.c — recovery scripts from their files: read with libconfig like careline.conf, every setting checked, the steps' graph walked, each problem reported as file:line: reason. */
#include "careline/script_parse.h"

#include <errno.h>
#include <libconfig.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careline/text.h"
#include "careline/util.h"

/* ---- the file format ----------------------------------------------------------- */

static const char *const top_settings[] = {"code", "name", "categories", "applies_when", "steps", NULL};
static const char *const applies_settings[] = {"segment", "language", "requires_vulnerability", "requires_event",
                                               NULL};
static const char *const step_settings[] = {"key",    "kind",   "text", "next",    "when",     "answers", "free_text",
                                            "action", "amount", "days", "channel", "hours", "priority", NULL};
static const char *const answer_settings[] = {"label", "value", "next", NULL};
static const char *const when_settings[] = {"vulnerable", "priority_services", "non_digital", "event",
                                            "compensation", "language", NULL};
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

/* A script file is read whole; more than this is not a script. */
#define SCRIPT_MAX_BYTES ((size_t)1024 * 1024)

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
    util_vformat(msg, sizeof msg, fmt, ap);
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
            script_errors_add(errs, util_asprintf("%s:%d: %s", p->file, p->e[i].line, p->e[i].msg));
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
    script_join_list(known, list, sizeof list);
    for (int i = 0; i < config_setting_length(g); i++) {
        const config_setting_t *s = config_setting_get_elem(g, (unsigned)i);
        const char *name = config_setting_name(s);
        if (name && !script_in_list(name, known))
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
        names[v] = script_var_name((enum script_var)v);
    names[SV__COUNT] = NULL;
    for (const char *q = text; (q = strchr(q, '{')) != NULL;) {
        if (q[1] == '{') {
            q += 2;
            continue;
        }
        int n = script_placeholder_len(q);
        if (n < 0) {
            perr(p, line, "'{' in the %s%s starts no placeholder: write {name}, or {{ for a brace", what, where);
            q++;
            continue;
        }
        if (script_var_lookup(q + 1, (size_t)n) < 0) {
            script_join_list(names, list, sizeof list);
            perr(p, line, "unknown placeholder {%.*s} in the %s%s (known: %s)", n, q + 1, what, where, list);
        }
        q += n + 2;
    }
}

static void parse_when(struct parser *p, const config_setting_t *w, struct script_when *out, const char *where,
                       const char *label)
{
    char in[200];
    util_format(in, sizeof in, " in the when of %s", label);
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
    out->compensation = get_tri(p, w, "compensation", in);
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
        util_format(in, sizeof in, " in answer %d of %s", i + 1, label);
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
        if (text && script_blank(text))
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
                names[k++] = script_action_name((enum script_action)i);
            names[k] = NULL;
            script_join_list(names, list, sizeof list);
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
                perr(p, line_of(s), "'amount'%s must be a sum of money from 0.01 to 10000, e.g. 25 or 25.50",
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
            if (v && !script_in_list(v, allowed)) {
                script_join_list(allowed, list, sizeof list);
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

/* "say, ask, check, action, end", for messages. */
static void join_kinds(char *out, size_t n)
{
    const char *names[SCRIPT_KIND__COUNT + 1] = {0};
    for (int k = 0; k < SCRIPT_KIND__COUNT; k++)
        names[k] = script_kind_name((enum script_kind)k);
    script_join_list(names, out, n);
}

static void parse_step(struct parser *p, const config_setting_t *g, int index, struct script_step *st)
{
    st->days = -1;
    st->when.vulnerable = st->when.priority_services = st->when.non_digital = st->when.event = SCRIPT_EITHER;
    st->when.compensation = SCRIPT_EITHER;
    st->line = line_of(g);
    char where[160], label[160];
    util_format(where, sizeof where, " in step %d", index + 1);
    util_format(label, sizeof label, "step %d", index + 1);
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
        util_format(where, sizeof where, " in step '%s'", key);
        util_format(label, sizeof label, "step '%s'", key);
    }
    check_members(p, g, step_settings, where);

    char kinds[100];
    join_kinds(kinds, sizeof kinds);
    const char *kind = get_str(p, g, "kind", true, where);
    int k = kind ? script_kind_lookup(kind) : -1;
    if (kind && k < 0)
        perr(p, line_of(config_setting_get_member(g, "kind")), "%s: unknown step kind '%s' (known: %s)", label, kind,
             kinds);
    /* An unknown kind is read as a say step, so the checks that follow
     * (and the branches through it) still make sense. */
    st->kind = k < 0 ? SCRIPT_SAY : (enum script_kind)k;

    const char *text = get_str(p, g, "text", true, where);
    if (text && script_blank(text))
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
        } else if (p->categories && !script_in_list(code, p->categories)) {
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
    if (seg && !script_in_list(seg, segments)) {
        char list[400];
        script_join_list(segments, list, sizeof list);
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
    int d = script_default_next(s, i);
    if (d >= 0)
        out[n++] = d;
    for (int j = 0; j < st->noptions; j++) {
        int t = st->options[j].next ? script_find(s, st->options[j].next) : d;
        if (t >= 0)
            out[n++] = t;
    }
    return n;
}

/* Keys given twice, nexts naming no step, and a last step that is no end. */
static void check_keys(struct parser *p, const struct script *s)
{
    int n = s->nsteps;
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
}

/* seen[i]: step i can be reached from the first step (breadth first). to
 * has room for any step's edges. */
static void reach(const struct script *s, bool *seen, int *to)
{
    int *queue = util_calloc((size_t)s->nsteps, sizeof *queue);
    int head = 0, tail = 0;
    seen[0] = true;
    queue[tail++] = 0;
    while (head < tail) {
        int m = edges(s, queue[head++], to);
        for (int j = 0; j < m; j++)
            if (!seen[to[j]]) {
                seen[to[j]] = true;
                queue[tail++] = to[j];
            }
    }
    free(queue);
}

/* good[i]: an end step can be reached from step i (to a fixed point). */
static void reach_end(const struct script *s, bool *good, int *to)
{
    for (bool changed = true; changed;) {
        changed = false;
        for (int i = 0; i < s->nsteps; i++) {
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
}

static void check_graph(struct parser *p, const struct script *s)
{
    int n = s->nsteps;
    if (n == 0)
        return;
    check_keys(p, s);
    bool *seen = util_calloc((size_t)n, sizeof *seen);
    bool *good = util_calloc((size_t)n, sizeof *good);
    /* A step leads to its default next and to one step per answer. */
    int most = 1;
    for (int i = 0; i < n; i++)
        most = s->steps[i].noptions + 1 > most ? s->steps[i].noptions + 1 : most;
    int *to = util_calloc((size_t)most, sizeof *to);
    reach(s, seen, to);
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
        reach_end(s, good, to);
        for (int i = 0; i < n; i++)
            if (seen[i] && !good[i])
                perr(p, s->steps[i].line,
                     "from step '%s' no end step can be reached: its nexts and answers go round in a loop",
                     s->steps[i].key ? s->steps[i].key : "?");
    }
    free(seen);
    free(good);
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
    if (name && script_blank(name))
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
    bool utf8_reported = false, ok = true;
    for (int line = 1;; line++) {
        size_t len = strcspn(text, "\n");
        if (!utf8_reported && !tui_utf8_valid(text, len)) {
            perr(p, line, "not valid UTF-8 text: save the file as UTF-8");
            utf8_reported = true;
        }
        size_t lead = strspn(text, " \t");   /* stops at the line's end */
        if (len - lead >= 8 && strncmp(text + lead, "@include", 8) == 0) {
            perr(p, line, "@include is not allowed: a script is stored as one whole file");
            ok = false;
        }
        if (text[len] == '\0')
            break;
        text += len + 1;
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
        script_errors_add(errs, util_asprintf("%s:0: cannot read: %s", path, strerror(errno)));
        return -1;
    }
    struct util_buf b = {0};
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 && b.len <= SCRIPT_MAX_BYTES)
        util_buf_add(&b, chunk, n);
    bool failed = ferror(f) != 0;
    if (fclose(f) != 0)
        failed = true;
    if (failed || b.len > SCRIPT_MAX_BYTES || memchr(b.data ? b.data : "", '\0', b.len)) {
        memset(out, 0, sizeof *out);
        const char *why = failed                ? "cannot read"
                          : b.len > SCRIPT_MAX_BYTES ? "too large for a script (over 1 MB)"
                                                : "not a text file (NUL bytes)";
        script_errors_add(errs, util_asprintf("%s:0: %s", path, why));
        util_buf_free(&b);
        return -1;
    }
    char *text = util_buf_steal(&b);
    int rc = script_parse(path, text, categories, out, errs);
    free(text);
    return rc;
}

int script_parse_all(int n, const char *const *files, const char *const *texts, const char *const *categories,
                     struct script *scripts, struct script_errors *errs)
{
    int bad = 0;
    for (int i = 0; i < n; i++) {
        bool ok = (texts ? script_parse(files[i], texts[i], categories, &scripts[i], errs)
                         : script_parse_file(files[i], categories, &scripts[i], errs)) == 0;
        for (int j = 0; ok && j < i; j++)
            if (scripts[j].code && scripts[i].code && strcmp(scripts[j].code, scripts[i].code) == 0) {
                script_errors_add(errs, util_asprintf("%s:%d: script code '%s' is also the code of %s", files[i],
                                                      scripts[i].line, scripts[i].code, files[j]));
                ok = false;
            }
        bad += !ok;
    }
    return bad;
}
