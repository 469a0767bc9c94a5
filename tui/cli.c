/* cli.c — the non-interactive commands: migrate, seed, maintain, check-config, search, view, and the dispatch of report, scripts, staff and customer. */
#include "careline/cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careline/admin.h"
#include "careline/app.h"
#include "careline/cmd_notify.h"
#include "careline/customer.h"
#include "careline/export.h"
#include "careline/keymap.h"
#include "careline/lifecycle.h"
#include "careline/cmd_report.h"
#include "careline/screens.h"
#include "careline/script.h"
#include "careline/search.h"
#include "careline/staff.h"
#include "careline/text.h"
#include "careline/util.h"

__attribute__((format(printf, 2, 3)))
static int bad(const struct cli_cmd *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "careline %s: ", c->name);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'careline --help'.\n");
    return APP_EXIT_USAGE;
}

int cli_parse(struct cli_cmd *c)
{
    if (strcmp(c->name, "migrate") == 0 || strcmp(c->name, "maintain") == 0) {
        if (c->argc > 1)
            return bad(c, "takes no arguments, got '%s'", c->argv[1]);
        return 0;
    }
    if (strcmp(c->name, "seed") == 0) {
        c->customers = -1;
        for (int i = 1; i < c->argc; i++) {
            const char *a = c->argv[i], *v = NULL;
            if (strcmp(a, "--customers") == 0) {
                if (i + 1 >= c->argc)
                    return bad(c, "%s needs a number", a);
                v = c->argv[++i];
            } else if (strncmp(a, "--customers=", 12) == 0) {
                v = a + 12;
            } else {
                return bad(c, "unknown argument '%s'", a);
            }
            char *end;
            errno = 0;
            long n = strtol(v, &end, 10);
            if (errno || *end || end == v || n < 1 || n > 50000000)
                return bad(c, "--customers wants a whole number from 1 to 50000000, not '%s'", v);
            c->customers = n;
        }
        if (c->customers < 0)
            return bad(c, "%s", "needs --customers N");
        return 0;
    }
    if (strcmp(c->name, "search") == 0) {
        for (int i = 1; i < c->argc; i++) {
            if (strcmp(c->argv[i], "--csv") == 0)
                c->csv = true;
            else if (strcmp(c->argv[i], "--") == 0 && i + 1 < c->argc && !c->text)
                c->text = c->argv[++i];
            else if (c->argv[i][0] == '-' && c->argv[i][1] && !c->text)
                return bad(c, "unknown option '%s'", c->argv[i]);
            else if (!c->text)
                c->text = c->argv[i];
            else
                return bad(c, "takes one TEXT argument (quote it), got also '%s'", c->argv[i]);
        }
        if (!c->text)
            return bad(c, "%s", "needs the TEXT to search for");
        return 0;
    }
    if (strcmp(c->name, "view") == 0) {
        if (c->argc != 2 || c->argv[1][0] == '-')
            return bad(c, "%s", "needs one ACCOUNT number");
        c->text = c->argv[1];
        return 0;
    }
    if (strcmp(c->name, "report") == 0)
        return cmd_report_parse(c->argc, c->argv);
    if (strcmp(c->name, "scripts") == 0)
        return script_cli_parse(c->argc, c->argv);
    if (strcmp(c->name, "staff") == 0)
        return db_staff_cli_parse(c->argc, c->argv);
    if (strcmp(c->name, "customer") == 0)
        return db_export_cli_parse(c->argc, c->argv);
    if (strcmp(c->name, "notify") == 0)
        return cmd_notify_parse(c->argc, c->argv);
    return bad(c, "unknown command '%s'", c->name);
}

/* CSV field: quoted when needed, quotes doubled (RFC 4180). */
static void csv_field(const char *s, bool last)
{
    s = s ? s : "";
    if (strpbrk(s, ",\"\r\n")) {
        putchar('"');
        for (; *s; s++) {
            if (*s == '"')
                putchar('"');
            putchar(*s);
        }
        putchar('"');
    } else {
        fputs(s, stdout);
    }
    putchar(last ? '\n' : ',');
}

/* Plain table for people: sanitised so a hostile name cannot drive the
 * terminal, cut to fit. */
static void table_field(const char *s, int width, bool last)
{
    char *clean = tui_text_sanitize(s ? s : "", false);
    int w = 0;
    char *fit = tui_text_fit(clean, width, false, &w);
    fputs(fit, stdout);
    if (!last)
        for (int i = w; i < width + 2; i++)
            putchar(' ');
    else
        putchar('\n');
    free(fit);
    free(clean);
}

static int run_search(struct cli_cmd *c, struct db_conn *db)
{
    char hint[256];
    if (db_search_check(c->text, hint, sizeof hint) < 0) {
        fprintf(stderr, "careline search: %s\n", hint);
        return APP_EXIT_FAILED;
    }
    struct db_search_result r;
    if (db_search_run(db, c->text, app_conf()->search_limit, &r) < 0) {
        fprintf(stderr, "careline search: %s\n", r.error ? r.error : db_error(db));
        db_search_result_free(&r);
        return APP_EXIT_FAILED;
    }
    if (c->csv)
        fputs("account_no,name,address,postcode,segment,phone,flags,matched\n", stdout);
    else
        printf("%-10s  %-24s  %-30s  %-8s  %-18s  %s\n", "ACCOUNT", "NAME", "ADDRESS", "POSTCODE", "SEGMENT",
               "MATCHED");
    for (int i = 0; i < r.count; i++) {
        const struct db_search_hit *h = &r.hits[i];
        if (c->csv) {
            csv_field(h->account_no, false);
            csv_field(h->name, false);
            csv_field(h->address, false);
            csv_field(h->postcode, false);
            csv_field(h->segment, false);
            csv_field(h->phone, false);
            csv_field(h->flags, false);
            csv_field(h->matched, true);
        } else {
            table_field(h->account_no, 10, false);
            table_field(h->name, 24, false);
            table_field(h->address, 30, false);
            table_field(h->postcode, 8, false);
            table_field(h->segment, 18, false);
            table_field(h->matched, 10, true);
        }
    }
    if (!c->csv)
        /* The total counts every customer with all the words; rows past it
         * (near matches) have all but one. */
        fprintf(stderr, "%s%d customer(s), %d shown, %.1f ms\n", r.total_capped ? "more than " : "", r.total,
                r.count, r.elapsed_ms);
    db_search_result_free(&r);
    return APP_EXIT_OK;
}

struct keys_ctx {
    enum tui_action act;
    struct util_buf keys;
};

static void collect_keys(void *ctx, int key, enum tui_action a)
{
    struct keys_ctx *k = ctx;
    char name[32];
    if (a != k->act)
        return;
    if (k->keys.len)
        util_buf_puts(&k->keys, ", ");
    util_buf_printf(&k->keys, "`%s`", tui_key_name(key, name, sizeof name));
}

static void keys_section(const char *section, const char *title)
{
    printf("\n## %s\n\n| keys | action | what it does |\n| --- | --- | --- |\n", title);
    for (int a = 1; a < TUI_ACT__COUNT; a++) {
        struct keys_ctx k = {.act = (enum tui_action)a};
        tui_keymap_each(section, collect_keys, &k);
        if (k.keys.len)
            printf("| %s | %s | %s |\n", k.keys.data, tui_action_name(k.act), tui_action_help(k.act));
        util_buf_free(&k.keys);
    }
}

int cli_keys(void)
{
    /* Produced from the one list of actions and the loaded key maps, so the
     * reference never disagrees with the program (docs/keys.md). */
    puts("# Careline key reference");
    puts("");
    puts("Generated by `careline keys` from the key maps in effect (the built-in defaults");
    puts("unless a configuration file changes them). A screen's own keys come first;");
    puts("keys on every screen work wherever the screen does not use them itself.");
    puts("`C-x` means Ctrl and x together. Every action has a key that works on a plain");
    puts("vt100; F-keys are extra.");
    keys_section("global", "Keys on every screen");
#define CLI_KEYS_SECTION(name) keys_section(#name, "Screen: " #name);
    SCR_SCREENS(CLI_KEYS_SECTION)
#undef CLI_KEYS_SECTION
    return APP_EXIT_OK;
}

/* `careline view ACCOUNT`: the customer view as lines "part|cell|cell",
 * cells sanitised, for administrators checking what agents see, and tests. */
static int run_view(struct cli_cmd *c, struct db_conn *db)
{
    const char *p[1] = {c->text};
    PGresult *r = db_exec(db, "SELECT id FROM customer WHERE account_no = $1", 1, p);
    if (!r) {
        fprintf(stderr, "careline view: %s\n", db_error(db));
        return APP_EXIT_FAILED;
    }
    if (PQntuples(r) != 1) {
        PQclear(r);
        fprintf(stderr, "careline view: no customer with account number %s\n", c->text);
        return APP_EXIT_FAILED;
    }
    long long id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    struct db_customer_view v;
    if (db_customer_open_sync(db, id, &v) < 0) {
        fprintf(stderr, "careline view: %s\n", v.error ? v.error : db_error(db));
        db_customer_view_free(&v);
        return APP_EXIT_FAILED;
    }
    for (int part = 0; part < CV__COUNT; part++) {
        const struct db_rows *t = &v.part[part];
        for (int row = 0; row < t->n; row++) {
            fputs(db_cv_part_name((enum db_cv_part)part), stdout);
            for (int col = 0; col < t->shape->ncols; col++) {
                char *cell = db_rows_field_text(t, row, col);
                char *clean = tui_text_sanitize(cell, false);
                printf("|%s", clean);
                free(clean);
                free(cell);
            }
            putchar('\n');
        }
    }
    fprintf(stderr, "one round trip, %.1f ms\n", v.ms);
    db_customer_view_free(&v);
    return APP_EXIT_OK;
}

int cli_run(struct cli_cmd *c, struct db_conn *db)
{
    if (strcmp(c->name, "view") == 0)
        return run_view(c, db);
    if (strcmp(c->name, "report") == 0)
        return cmd_report_run(c->argc, c->argv, db);
    if (strcmp(c->name, "scripts") == 0)
        return script_cli_run(c->argc, c->argv, db);
    if (strcmp(c->name, "staff") == 0)
        return db_staff_cli_run(c->argc, c->argv, db);
    if (strcmp(c->name, "customer") == 0)
        return db_export_cli_run(c->argc, c->argv, db);
    if (strcmp(c->name, "notify") == 0)
        return cmd_notify_run(c->argc, c->argv, db, app_conf());
    char err[2048];
    if (strcmp(c->name, "migrate") == 0) {
        if (db_migrate(db, stdout, err, sizeof err) < 0) {
            fprintf(stderr, "careline migrate: %s\n", err);
            return APP_EXIT_FAILED;
        }
        return APP_EXIT_OK;
    }
    if (strcmp(c->name, "maintain") == 0) {
        if (db_maintain(db, stdout, err, sizeof err) < 0) {
            fprintf(stderr, "careline %s\n", err);
            return APP_EXIT_FAILED;
        }
        return APP_EXIT_OK;
    }
    if (strcmp(c->name, "seed") == 0) {
        if (db_seed(db, c->customers, stdout, err, sizeof err) < 0) {
            fprintf(stderr, "careline %s\n", err);
            return APP_EXIT_FAILED;
        }
        return APP_EXIT_OK;
    }
    if (strcmp(c->name, "search") == 0)
        return run_search(c, db);
    return APP_EXIT_USAGE;
}

int cli_check_config(const struct conf *c)
{
    static const char *const themes[] = {"auto", "color", "mono"};
    static const char *const ascii[] = {"auto", "yes", "no"};
    printf("configuration: %s\n", c->path ? c->path : "built-in defaults (no file found)");
    printf("connection: %s%s%s\n", *c->conninfo ? c->conninfo : "(PG* environment)",
           *c->service ? ", service " : "", c->service);
    printf("reports: %s\n", c->report_conninfo && *c->report_conninfo ? c->report_conninfo : "(the connection above)");
    printf("theme: %s, ascii: %s\n", themes[c->theme], ascii[c->ascii]);
    printf("journal: %s\n", c->journal_dir);
    printf("ok\n");
    return APP_EXIT_OK;
}

int cli_lifecycle(void)
{
    for (int s = 0; s < DB_LC_STATUS__COUNT; s++)
        for (int a = 0; a < DB_LC_ACTION__COUNT; a++)
            for (int r = 0; r < DB_LC_ROLE__COUNT; r++)
                printf("%s %s %s %s\n", db_lifecycle_status_name((enum db_lifecycle_status)s),
                       db_lifecycle_action_name((enum db_lifecycle_action)a),
                       db_lifecycle_role_name((enum db_lifecycle_role)r),
                       db_lifecycle_allowed(s, a, r, NULL, 0) ? "yes" : "no");
    return fflush(stdout) == 0 ? 0 : 1;
}
