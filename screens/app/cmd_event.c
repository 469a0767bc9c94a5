/* cmd_event.c — `careline event list|show|templates|declare|update|close|cap`: critical events from an on-call engineer's script or a telemetry alarm, with the same check as the event screen. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "careline/app.h"
#include "careline/cli.h"
#include "careline/event.h"
#include "careline/notify.h"
#include "careline/print.h"
#include "careline/text.h"
#include "careline/util.h"

#define MAX_FIELDS 16

enum sub { SUB_LIST, SUB_SHOW, SUB_TEMPLATES, SUB_DECLARE, SUB_UPDATE, SUB_CLOSE, SUB_CAP };
static const char *const subs[] = {"list", "show", "templates", "declare", "update", "close", "cap"};

struct opts {
    enum sub sub;
    const char *id;                   /* show, update, close, cap */
    bool all, csv, active, preview;
    const char *kind, *title, *start, *restore, *read_out, *read_out_file, *tmpl, *cause, *request, *new_id;
    struct util_buf zones, sectors;   /* the --zone and --sector values, comma-joined */
    char names[MAX_FIELDS][32];
    struct db_event_field fields[MAX_FIELDS];
    int nfields;
    int version;                      /* 0: the event's current version */
};

static void vsay(const char *fmt, va_list ap)
{
    fputs("careline event: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputs("\n", stderr);
}

/* The command's forms and where to read more, after the reason; TIME is
 * explained once here rather than in every form. */
__attribute__((format(printf, 1, 2)))
static int usage_error(const char *fmt, ...)
{
    char why[512];
    va_list ap;
    va_start(ap, fmt);
    util_vformat(why, sizeof why, fmt, ap);
    va_end(ap);
    int rc = cli_usage_error(&cli_cmd_event, "%s", why);
    fputs("TIME: now, +90m, +4h, +2d, HH:MM, YYYY-MM-DD HH:MM (the utility's zone) or ISO 8601 with an offset.\n",
          stderr);
    return rc;
}

__attribute__((format(printf, 2, 3)))
static int failed(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsay(fmt, ap);
    va_end(ap);
    return code;
}

static bool uuid_ok(const char *s)
{
    if (strlen(s) != 36)
        return false;
    for (int i = 0; i < 36; i++)
        if ((i == 8 || i == 13 || i == 18 || i == 23) ? s[i] != '-' : !strchr("0123456789abcdef", s[i]))
            return false;
    return true;
}

static void opts_free(struct opts *o)
{
    util_buf_free(&o->zones);
    util_buf_free(&o->sectors);
}

/* --field NAME=VALUE: the name a template field's ([a-z_], at most 31). */
static int add_field(struct opts *o, const char *arg)
{
    const char *eq = strchr(arg, '=');
    size_t n = eq ? (size_t)(eq - arg) : 0;
    if (!eq || n == 0 || n > 31 || strspn(arg, "abcdefghijklmnopqrstuvwxyz_") != n)
        return usage_error("--field wants NAME=VALUE with a field name of a-z and _, not '%s'", arg);
    if (o->nfields >= MAX_FIELDS)
        return usage_error("at most %d --field options", MAX_FIELDS);
    for (int i = 0; i < o->nfields; i++)
        if (strlen(o->names[i]) == n && strncmp(o->names[i], arg, n) == 0)
            return usage_error("--field %.*s is given twice", (int)n, arg);
    memcpy(o->names[o->nfields], arg, n);
    o->names[o->nfields][n] = '\0';
    o->fields[o->nfields] = (struct db_event_field){o->names[o->nfields], eq + 1};
    o->nfields++;
    return 0;
}

/* Which options each subcommand takes (bit per subcommand). */
#define B(s) (1u << (s))
static const struct {
    const char *name;
    bool value;
    unsigned subs;
} options[] = {
    {"--all", false, B(SUB_LIST)},
    {"--csv", false, B(SUB_LIST)},
    {"--active", false, B(SUB_CAP)},
    {"--preview", false, B(SUB_DECLARE) | B(SUB_UPDATE)},
    {"--kind", true, B(SUB_DECLARE)},
    {"--title", true, B(SUB_DECLARE) | B(SUB_UPDATE)},
    {"--zone", true, B(SUB_DECLARE) | B(SUB_UPDATE)},
    {"--sector", true, B(SUB_DECLARE) | B(SUB_UPDATE)},
    {"--start", true, B(SUB_DECLARE)},
    {"--restore", true, B(SUB_DECLARE) | B(SUB_UPDATE)},
    {"--at", true, B(SUB_CLOSE)},
    {"--read-out", true, B(SUB_DECLARE) | B(SUB_UPDATE)},
    {"--read-out-file", true, B(SUB_DECLARE) | B(SUB_UPDATE)},
    {"--template", true, B(SUB_DECLARE) | B(SUB_UPDATE) | B(SUB_CLOSE)},
    {"--field", true, B(SUB_DECLARE) | B(SUB_UPDATE) | B(SUB_CLOSE)},
    {"--root-cause", true, B(SUB_CLOSE)},
    {"--version", true, B(SUB_UPDATE) | B(SUB_CLOSE)},
    {"--request", true, B(SUB_UPDATE) | B(SUB_CLOSE)},
    {"--id", true, B(SUB_DECLARE)},
};

static void join(struct util_buf *b, const char *v)
{
    if (b->len)
        util_buf_puts(b, ",");
    util_buf_puts(b, v);
}

static int take(struct opts *o, const char *name, const char *v)
{
    if (strcmp(name, "--all") == 0) o->all = true;
    else if (strcmp(name, "--csv") == 0) o->csv = true;
    else if (strcmp(name, "--active") == 0) o->active = true;
    else if (strcmp(name, "--preview") == 0) o->preview = true;
    else if (strcmp(name, "--kind") == 0) o->kind = v;
    else if (strcmp(name, "--title") == 0) o->title = v;
    else if (strcmp(name, "--zone") == 0) join(&o->zones, v);
    else if (strcmp(name, "--sector") == 0) join(&o->sectors, v);
    else if (strcmp(name, "--start") == 0) o->start = v;
    else if (strcmp(name, "--restore") == 0 || strcmp(name, "--at") == 0) o->restore = v;
    else if (strcmp(name, "--read-out") == 0) o->read_out = v;
    else if (strcmp(name, "--read-out-file") == 0) o->read_out_file = v;
    else if (strcmp(name, "--template") == 0) o->tmpl = v;
    else if (strcmp(name, "--field") == 0) return add_field(o, v);
    else if (strcmp(name, "--root-cause") == 0) o->cause = v;
    else if (strcmp(name, "--request") == 0 || strcmp(name, "--id") == 0) {
        if (!uuid_ok(v))
            return usage_error("%s wants a UUID (lower case, 8-4-4-4-12), not '%s'", name, v);
        *(name[2] == 'r' ? &o->request : &o->new_id) = v;
    } else if (strcmp(name, "--version") == 0) {
        char *end;
        errno = 0;
        long n = strtol(v, &end, 10);
        if (errno || *end || end == v || n < 1 || n > 1000000000)
            return usage_error("--version wants the version the event had when you looked (1 or more), not '%s'", v);
        o->version = (int)n;
    }
    return 0;
}

static int parse(int argc, char **argv, struct opts *o)
{
    memset(o, 0, sizeof *o);
    if (argc < 2)
        return usage_error("needs a subcommand: list, show, templates, declare, update, close or cap");
    int s = -1;
    for (int i = 0; i < (int)(sizeof subs / sizeof subs[0]); i++)
        if (strcmp(argv[1], subs[i]) == 0)
            s = i;
    if (s < 0)
        return usage_error("unknown subcommand '%s'", argv[1]);
    o->sub = (enum sub)s;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        if (a[0] != '-' || strcmp(a, "-") == 0) {
            if (o->id)
                return usage_error("%s takes one event ID, got also '%s'", subs[s], a);
            o->id = a;
            continue;
        }
        size_t k = 0, n = sizeof options / sizeof options[0];
        while (k < n && strcmp(options[k].name, a) != 0)
            k++;
        if (k == n)
            return usage_error("unknown option '%s'", a);
        if (!(options[k].subs & B(s)))
            return usage_error("%s does not take %s", subs[s], a);
        if (options[k].value && i + 1 >= argc)
            return usage_error("%s needs a value", a);
        int rc = take(o, a, options[k].value ? argv[++i] : NULL);
        if (rc)
            return rc;
    }
    bool wants_id = s == SUB_SHOW || s == SUB_UPDATE || s == SUB_CLOSE || (s == SUB_CAP && !o->active);
    if (wants_id && !o->id)
        return usage_error("%s needs the event ID (careline event list shows them)", subs[s]);
    if (!wants_id && o->id)
        return usage_error("%s takes no event ID, got '%s'", subs[s], o->id);
    if (s == SUB_DECLARE && !o->kind)
        return usage_error("declare needs --kind (supply_interruption, boil_water, ...)");
    if (o->read_out && o->read_out_file)
        return usage_error("give --read-out or --read-out-file, not both");
    return 0;
}

/* ---- reading ----------------------------------------------------------------------------------- */

static char *clean(const char *s)
{
    return tui_text_sanitize(s ? s : "", false);
}


static int run_list(struct db_conn *db, const struct opts *o)
{
    struct db_rows rows = {0};
    char err[512];
    if (db_event_list_sync(db, o->all, &rows, err, sizeof err) < 0)
        return failed(APP_EXIT_FAILED, "%s", err);
    if (o->csv)
        fputs("id,status,kind,title,area,started,restore,updated,open_complaints,version\n", stdout);
    for (int i = 0; i < rows.n; i++) {
        const struct db_event_row *r = DB_ROW(&rows, const struct db_event_row, i);
        if (o->csv) {
            char open[16], version[16];
            util_format(open, sizeof open, "%d", r->complaints_open);
            util_format(version, sizeof version, "%d", r->version);
            const char *cells[] = {r->id, r->status, r->kind, r->title, r->area, r->started_text, r->restore_text,
                                   r->updated_text, open, version};
            for (int c = 0; c < 10; c++)
                print_csv(stdout, cells[c], c == 9);
            continue;
        }
        char *title = clean(r->title), *area = clean(r->area);
        printf("%.8s  %-6s  %-19s  updated %s  v%-3d  %s  [%s]\n", r->id, r->status, r->kind, r->updated_text,
               r->version, title, area);
        free(title);
        free(area);
    }
    if (!o->csv)
        fprintf(stderr, "%d event(s)\n", rows.n);
    db_rows_free(&rows);
    return APP_EXIT_OK;
}

static void print_reach(const struct db_rows *reach)
{
    struct db_event_reach t;
    db_event_reach_total(reach, &t);
    printf("reach: %lld customers, %lld on the Priority Services Register, %lld vulnerable, %lld non-digital\n",
           (long long)t.customers, (long long)t.priority_services, (long long)t.vulnerable,
           (long long)t.non_digital);
    for (int i = 0; i < reach->n; i++) {
        const struct db_event_reach *r = DB_ROW(reach, const struct db_event_reach, i);
        printf("  by %s: %lld\n", r->preferred_channel, (long long)r->customers);
    }
}

static void print_line(const char *label, const char *value)
{
    char *v = clean(value);
    printf("%s: %s\n", label, *v ? v : "-");
    free(v);
}

static void print_event(const struct db_event_view *v)
{
    const struct db_event *e = DB_ROW(&v->event, const struct db_event, 0);
    printf("id: %s\nversion: %d\n", e->id, e->version);
    const char *lines[][2] = {
        {"status", e->status}, {"kind", e->kind}, {"title", e->title}, {"zones", e->zones},
        {"zone names", e->zone_names}, {"postcode sectors", e->sectors}, {"started", e->started_text},
        {"estimated restore", e->restore_text}, {"ended", e->ended_text}, {"updated", e->updated_day},
        {"declared by", e->declared_by}, {"root cause", e->root_cause}, {"template", e->template_code},
        {"customer message", e->customer_message}, {"read-out", e->agent_message},
    };
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
        print_line(lines[i][0], lines[i][1]);
    struct db_sms_length l;
    char words[96];
    db_sms_measure(e->customer_message, &l);
    printf("message length: %s\n", db_sms_text(&l, words, sizeof words));
    print_reach(&v->reach);
    printf("complaints: %d open, %d resolved, %d in all\n", e->complaints_open, e->complaints_resolved,
           e->complaints_total);
    printf("guaranteed payments: %d, %" PRId64 ".%02" PRId64 " in all\n", e->payments, e->payments_total / 100,
           e->payments_total % 100);
    if (v->progress.n == 1) {
        const struct db_notify_progress *p = DB_ROW(&v->progress, const struct db_notify_progress, 0);
        printf("notifications (version %d): %" PRId64 " queued, %" PRId64 " sent, %" PRId64 " failed, %" PRId64
               " to call, %" PRId64 " called\n",
               p->event_version, p->queued + p->sending, p->sent, p->failed, p->to_call, p->called);
    }
    for (int i = 0; i < v->revisions.n; i++) {
        const struct db_event_revision *r = DB_ROW(&v->revisions, const struct db_event_revision, i);
        char *who = clean(r->staff);
        printf("revision %d: %s at %s by %s\n", r->version, r->action, r->at_text, *who ? who : "-");
        free(who);
    }
}

static int run_show(struct db_conn *db, const char *id)
{
    struct db_event_view v = {0};
    char err[512];
    if (db_event_load_sync(db, id, &v, err, sizeof err) < 0) {
        db_event_view_free(&v);
        return failed(APP_EXIT_FAILED, "%s", err);
    }
    print_event(&v);
    db_event_view_free(&v);
    return APP_EXIT_OK;
}

static int run_templates(struct db_conn *db)
{
    struct db_event_setup s = {0};
    char err[512];
    if (db_event_setup_sync(db, &s, err, sizeof err) < 0) {
        db_event_setup_free(&s);
        return failed(APP_EXIT_FAILED, "%s", err);
    }
    for (int i = 0; i < s.templates.n; i++) {
        const struct db_event_template *t = DB_ROW(&s.templates, const struct db_event_template, i);
        char names[16][32];
        int n = db_event_template_fields(t->body, names, 16);
        char *body = clean(t->body);
        printf("%s (%s, %s): fields", t->code, t->kind, t->stage);
        for (int k = 0; k < n; k++)
            printf(" %s", names[k]);
        printf("%s\n  %s\n", n ? "" : " none", body);
        free(body);
    }
    db_event_setup_free(&s);
    return APP_EXIT_OK;
}

static int run_cap(struct db_conn *db, const struct opts *o, const char *id)
{
    struct db_rows rows = {0};
    struct db_event_cap_meta meta;
    char err[512];
    int rc = APP_EXIT_OK;
    if (db_event_cap_load(db, o->active ? NULL : id, &rows, &meta, err, sizeof err) < 0) {
        rc = failed(APP_EXIT_FAILED, "%s", err);
    } else if (!o->active && rows.n != 1) {
        rc = failed(APP_EXIT_FAILED, "no event has the id %s", id);
    } else {
        struct util_buf out = {0};
        if (o->active)
            db_event_cap_feed(&out, &rows, &meta);
        else
            db_event_cap_write(&out, DB_ROW(&rows, const struct db_event_cap_info, 0), &meta, false);
        bool written = fwrite(out.data, 1, out.len, stdout) == out.len;
        util_buf_free(&out);
        if (!written || fflush(stdout) != 0)
            rc = failed(APP_EXIT_FAILED, "cannot write the alert: %s", strerror(errno));
    }
    db_rows_free(&rows);
    db_event_cap_meta_free(&meta);
    return rc;
}

/* ---- writing ----------------------------------------------------------------------------------- */

/* --read-out-file: the whole file ("-": standard input), at most 2000 bytes. */
static char *read_file(const char *path, char *err, size_t len)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f) {
        util_format(err, len, "--read-out-file %s: %s", path, strerror(errno));
        return NULL;
    }
    char buf[2002];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    bool bad = ferror(f);
    if (f != stdin)
        (void)fclose(f);   /* only read: a read error is ferror's, above */
    if (bad || n > 2000) {
        util_format(err, len, "--read-out-file %s: %s", path, bad ? "cannot read it" : "longer than 2000 bytes");
        return NULL;
    }
    while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
        n--;
    return util_strndup(buf, n);
}

static const struct db_event_template *find_template(const struct db_event_setup *s, const char *code,
                                                     const char *kind, const char *stage)
{
    for (int i = 0; i < s->templates.n; i++) {
        const struct db_event_template *t = DB_ROW(&s->templates, const struct db_event_template, i);
        if (code && *code ? strcmp(t->code, code) == 0
                          : strcmp(t->kind, kind) == 0 && strcmp(t->stage, stage) == 0)
            return t;
    }
    return NULL;
}

/* The event's stored values for the template's own fields, then the --field options over them. */
static int merge_fields(const struct opts *o, const struct db_rows *stored, const struct db_event_template *t,
                        struct db_event_field *out)
{
    char names[MAX_FIELDS][32];
    int n = 0, nn = t ? db_event_template_fields(t->body, names, MAX_FIELDS) : 0;
    for (int i = 0; stored && i < stored->n; i++) {
        const struct db_event_field_value *f = DB_ROW(stored, const struct db_event_field_value, i);
        bool given = false, wanted = false;
        for (int k = 0; k < o->nfields; k++)
            given |= strcmp(o->fields[k].name, f->name) == 0;
        for (int k = 0; k < nn; k++)
            wanted |= strcmp(names[k], f->name) == 0;
        if (wanted && !given && n < MAX_FIELDS)
            out[n++] = (struct db_event_field){f->name, f->value};
    }
    for (int k = 0; k < o->nfields && n < MAX_FIELDS; k++)
        out[n++] = o->fields[k];
    return n;
}

static const char *option_of(enum db_event_part part, enum sub sub)
{
    static const char *const names[DB_EVP__COUNT] = {"--kind", "--title", "--zone", "--sector", "--start",
                                                     "--restore", "--read-out", "--template", "--field",
                                                     "--field"};
    return part == DB_EVP_RESTORE && sub == SUB_CLOSE ? "--at" : names[part];
}

/* What the check needs besides the options: the event as it is (update, close). */
struct target {
    struct db_event_setup setup;
    struct db_event_view view;
    const struct db_event *e;
    char *read_out;
};

static int load_target(struct db_conn *db, const struct opts *o, const char *id, struct target *t)
{
    char err[512];
    if (db_event_setup_sync(db, &t->setup, err, sizeof err) < 0)
        return failed(APP_EXIT_FAILED, "%s", err);
    if (o->sub != SUB_DECLARE) {
        if (db_event_load_sync(db, id, &t->view, err, sizeof err) < 0)
            return failed(APP_EXIT_FAILED, "%s", err);
        t->e = DB_ROW(&t->view.event, const struct db_event, 0);
        if (strcmp(t->e->status, "ended") == 0)
            return failed(APP_EXIT_FAILED, "the event \"%s\" has already ended", t->e->title);
    }
    if (o->read_out_file && !(t->read_out = read_file(o->read_out_file, err, sizeof err)))
        return failed(APP_EXIT_USAGE, "%s", err);
    return 0;
}

static void print_preview(struct db_conn *db, const struct opts *o, const char *id, const struct db_event_checked *k)
{
    struct db_rows reach = {0};
    char err[512], words[96];
    if (db_event_reach_sync(db, o->sub == SUB_DECLARE ? NULL : id, k->zones, k->nzones, k->sectors, k->nsectors,
                            &reach, err, sizeof err) < 0)
        printf("reach: not known (%s)\n", err);
    else
        print_reach(&reach);
    db_rows_free(&reach);
    print_line("customer message", k->message);
    printf("message length: %s\n", db_sms_text(&k->sms, words, sizeof words));
}

static int report(const struct opts *o, const char *id, const struct db_event_written *w)
{
    if (w->version == 0)
        return failed(APP_EXIT_CONFLICT, "the event was changed by someone else since version %d: nothing was"
                      " written; look again (careline event show %.8s) and repeat with its --version", o->version,
                      id);
    if (o->sub == SUB_DECLARE)
        printf("%s %s version %d\n", w->created ? "declared" : "already declared (nothing changed):", id,
               w->version);
    else if (o->sub == SUB_UPDATE)
        printf("updated %s to version %d\n", id, w->version);
    else
        printf("closed %s at version %d; %d guaranteed payment%s credited, %lld.%02lld in all\n", id, w->version,
               w->payments, w->payments == 1 ? "" : "s", (long long)(w->owed / 100), (long long)(w->owed % 100));
    return APP_EXIT_OK;
}

static void fill_input(const struct opts *o, const struct target *t, struct db_event_input *in)
{
    const struct db_event *e = t->e;
    in->op = o->sub == SUB_DECLARE ? DB_EVENT_DECLARE : o->sub == SUB_UPDATE ? DB_EVENT_UPDATE : DB_EVENT_CLOSE;
    in->kind = e ? e->kind : o->kind;
    in->title = o->title ? o->title : "";
    in->zones = o->zones.data ? o->zones.data : "";
    in->sectors = o->sectors.data ? o->sectors.data : "";
    in->start = o->start ? o->start : "";
    in->restore = o->restore ? o->restore : "";
    in->read_out = t->read_out ? t->read_out : o->read_out ? o->read_out : "";
    in->now = (time_t)t->setup.now;
    in->tz = t->setup.tz;
    in->known_zones = &t->setup.zones;
    if (e)
        db_event_input_from(in, e);
}

static int run_write(struct db_conn *db, struct opts *o, const char *id)
{
    /* A retry of a write that was made reports it, whatever the event is now. */
    int made = 0;
    char why[512];
    if (o->request && db_event_request_sync(db, id, o->request, &made, why, sizeof why) < 0)
        return failed(APP_EXIT_FAILED, "%s", why);
    if (made) {
        struct db_event_written w = {.version = made};
        return report(o, id, &w);
    }
    struct target t = {0};
    int rc = load_target(db, o, id, &t);
    const char *stage = o->sub == SUB_CLOSE ? "closed" : "active";
    struct db_event_input in = {0};
    struct db_event_field fields[MAX_FIELDS];
    struct db_event_checked k = {0};
    struct db_event_problem p;
    if (!rc) {
        fill_input(o, &t, &in);
        const char *code = o->tmpl ? o->tmpl : o->sub == SUB_UPDATE ? t.e->template_code : NULL;
        in.tmpl = find_template(&t.setup, code, in.kind ? in.kind : "", stage);
        if (o->tmpl && !in.tmpl)
            rc = failed(APP_EXIT_USAGE, "--template: no active message has the code \"%s\""
                        " (careline event templates lists them)", o->tmpl);
        in.fields = fields;
        in.nfields = merge_fields(o, t.e ? &t.view.fields : NULL, in.tmpl, fields);
    }
    if (!rc && db_event_check(&in, &k, &p) < 0)
        rc = failed(APP_EXIT_USAGE, "%s %s: %s", subs[o->sub], option_of(p.part, o->sub), p.text);
    if (!rc && o->preview) {
        print_preview(db, o, id, &k);
    } else if (!rc) {
        char fresh[37], request[37], err[512];
        util_uuid(fresh);
        util_uuid(request);
        if (!o->version && t.e)
            o->version = t.e->version;
        const char *event = o->sub == SUB_DECLARE ? (o->new_id ? o->new_id : fresh) : id;
        struct db_event_write w = {
            .op = in.op, .id = event, .request = o->request ? o->request : request, .version = o->version,
            .kind = in.kind, .title = in.title, .read_out = in.read_out, .template_code = in.tmpl->code,
            .root_cause = o->cause, .checked = &k,
        };
        struct db_event_written out = {0};
        if (db_event_send_sync(db, &w, &out, err, sizeof err) < 0)
            rc = failed(APP_EXIT_FAILED, "%s %s: %s", subs[o->sub], event, err);
        else
            rc = report(o, event, &out);
    }
    db_event_checked_free(&k);
    db_event_setup_free(&t.setup);
    db_event_view_free(&t.view);
    free(t.read_out);
    return rc;
}

static int event_run(int argc, char **argv)
{
    struct opts o;
    int rc = parse(argc, argv, &o);
    if (rc) {
        opts_free(&o);
        return rc;
    }
    struct db_conn *db = cli_db();
    if (!db) {
        opts_free(&o);
        return APP_EXIT_NODB;
    }
    char id[37] = "", err[512];
    if (o.id && db_event_find_sync(db, o.id, id, err, sizeof err) < 0) {
        opts_free(&o);
        return failed(strstr(err, "is not an event id") ? APP_EXIT_USAGE : APP_EXIT_FAILED, "%s", err);
    }
    switch (o.sub) {
    case SUB_LIST: rc = run_list(db, &o); break;
    case SUB_SHOW: rc = run_show(db, id); break;
    case SUB_TEMPLATES: rc = run_templates(db); break;
    case SUB_CAP: rc = run_cap(db, &o, id); break;
    default: rc = run_write(db, &o, id); break;
    }
    opts_free(&o);
    return rc;
}

const struct cli_command cli_cmd_event = {
    "event",
    "event list [--all] [--csv]\tcritical events, active first (--all: closed too)\n"
    "event show ID\tone event: area, times, reach, message, history\n"
    "event templates\tthe pre-approved customer messages per kind\n"
    "event declare --kind KIND --title TEXT (--zone CODE | --sector SECTOR)... --read-out TEXT"
    " [--start TIME] [--restore TIME] [--template CODE] [--field NAME=VALUE]... [--id UUID] [--preview]\t"
    "declare an event and queue its notifications\n"
    "event update ID [--version N] [--restore TIME] [--title TEXT] [--read-out TEXT] [--zone CODE]..."
    " [--sector SECTOR]... [--template CODE] [--field NAME=VALUE]... [--request UUID] [--preview]\t"
    "new estimate, message or area\n"
    "event close ID [--version N] [--at TIME] [--root-cause CODE] [--template CODE] [--field NAME=VALUE]..."
    " [--request UUID]\tclose it; guaranteed payments for a late restore\n"
    "event cap ID | --active\tCAP 1.2 alert, or an Atom feed of the active ones",
    true, event_run, false,
};
