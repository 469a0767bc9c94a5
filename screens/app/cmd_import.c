/* cmd_import.c — `careline import nyc311|open311 FILE` and `careline import runs`: a city's 311 requests into complaints, with a progress bar on a terminal, bad rows as FILE:LINE: reason and a summary that accounts for every row. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "careline/app.h"
#include "careline/cli.h"
#include "careline/import.h"
#include "careline/import_conf.h"
#include "careline/text.h"
#include "careline/textout.h"
#include "careline/util.h"

struct opts {
    enum db_import_source source;
    bool runs, dry_run, csv;
    const char *map, *file;
    int limit;
};

static int parse(int argc, char **argv, struct opts *o)
{
    const struct cli_command *c = &cli_cmd_import;
    memset(o, 0, sizeof *o);
    o->limit = 20;
    if (argc < 2)
        return cli_usage_error(c, "%s", "needs nyc311, open311 or runs");
    if (strcmp(argv[1], "nyc311") == 0)
        o->source = DB_IMPORT_NYC311;
    else if (strcmp(argv[1], "open311") == 0)
        o->source = DB_IMPORT_OPEN311;
    else if (strcmp(argv[1], "runs") == 0)
        o->runs = true;
    else
        return cli_usage_error(c, "unknown kind of file '%s': nyc311, open311 or runs", argv[1]);
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        if (!o->runs && strcmp(a, "--map") == 0) {
            if (i + 1 >= argc)
                return cli_usage_error(c, "%s", "--map needs the mapping file");
            o->map = argv[++i];
        } else if (!o->runs && strcmp(a, "--dry-run") == 0) {
            o->dry_run = true;
        } else if (o->runs && strcmp(a, "--csv") == 0) {
            o->csv = true;
        } else if (o->runs && strcmp(a, "--limit") == 0) {
            if (i + 1 >= argc || util_parse_int(argv[i + 1], &o->limit) < 0 || o->limit < 1 || o->limit > 10000)
                return cli_usage_error(c, "%s", "--limit wants a number from 1 to 10000");
            i++;
        } else if (strcmp(a, "--") == 0 && i + 1 < argc && !o->file && !o->runs) {
            o->file = argv[++i];
        } else if (a[0] == '-' && a[1]) {
            return cli_usage_error(c, "%s does not take '%s'", argv[1], a);
        } else if (!o->file && !o->runs) {
            o->file = a;
        } else {
            return cli_usage_error(c, "%s takes %s, got also '%s'", argv[1], o->runs ? "no file" : "one FILE", a);
        }
    }
    if (!o->runs && !o->file)
        return cli_usage_error(c, "%s needs the FILE to import", argv[1]);
    return 0;
}

/* ---- what a person at a terminal sees while it runs ------------------- */

struct view {
    const char *file;
    bool tty;           /* stderr is a terminal: a progress bar */
    bool drawn;         /* the bar is on the line now */
    long long last_ms;
};

static void clear_bar(struct view *v)
{
    if (v->drawn)
        fputs("\r\033[K", stderr);
    v->drawn = false;
}

static void on_bad(void *ctx, long line, const char *why)
{
    struct view *v = ctx;
    clear_bar(v);
    char *safe = tui_text_sanitize(why, false);
    fprintf(stderr, "%s:%ld: %s\n", v->file, line, safe);
    free(safe);
}

static void on_progress(void *ctx, const char *phase, long long done, long long total, long rows)
{
    struct view *v = ctx;
    long long now = util_now_ms();
    bool reading = strcmp(phase, "reading") == 0;
    if (!v->tty || (reading && now - v->last_ms < 100 && done < total))
        return;
    v->last_ms = now;
    if (reading && total > 0) {
        int pct = (int)(done * 100 / total);
        int fill = pct / 5;
        fprintf(stderr, "\r[%.*s%.*s] %3d%%  %ld requests read\033[K", fill, "####################", 20 - fill,
                "....................", pct > 100 ? 100 : pct, rows);
    } else {
        fprintf(stderr, "\r%s: %ld requests read, %s...\033[K", v->file, rows, phase);
    }
    (void)fflush(stderr);
    v->drawn = true;
}

/* ---- the summary -------------------------------------------------------- */

static void line(const char *what, long n, const char *note)
{
    printf("  %-28s %9ld%s%s\n", what, n, note && *note ? "  " : "", note ? note : "");
}

static void print_summary(const struct opts *o, const struct db_import_summary *s, const char *layout)
{
    printf("%s%s (%s): %ld requests read in %.1f s", o->dry_run ? "dry run, nothing written: " : "", o->file, layout,
           s->rows, s->seconds);
    if (s->seconds > 0.05)
        printf(", %.0f a second", (double)s->rows / s->seconds);
    printf(s->run_id && !o->dry_run ? "; run %lld\n" : "\n", (long long)s->run_id);
    struct util_buf by = {0};
    for (int i = 0; i < s->nskipped_by; i++) {
        char *safe = tui_text_sanitize(s->skipped_by[i].what, false);
        util_buf_printf(&by, "%s%s %ld", i ? ", " : "", safe, s->skipped_by[i].rows);
        free(safe);
    }
    line("skipped (other agencies)", s->skipped, by.data);
    util_buf_free(&by);
    line("unmapped (no category)", s->unmapped, s->unmapped ? "listed below: add them to the mapping file" : "");
    line("bad (not read)", s->bad, s->bad ? "each reported above as FILE:LINE" : "");
    line("repeated later in the file", s->duplicates, s->duplicates ? "the later row counts" : "");
    line("new requests", s->fresh, "");
    line("  complaints opened", s->imported, "");
    line("  unmatched", s->unmatched, s->unmatched ? "on the unmatched requests screen" : "");
    line("known requests", s->known, "");
    line("  updated", s->updated, "");
    line("  unchanged", s->unchanged, "");
    if (s->matched_later)
        line("earlier unmatched, opened now", s->matched_later, "");
    if (s->moved)
        line("complaints moved on", s->moved, "status, closing time or resolution");
    if (s->kept_open)
        line("closed by the city, kept", s->kept_open, "resolved here: a follow-up is still open");
    line("waiting for an agent, in all", s->waiting, s->waiting ? "on the unmatched requests screen" : "");
    if (s->nunmapped_by) {
        printf("Unmapped (agency / type / descriptor, rows):\n");
        for (int i = 0; i < s->nunmapped_by; i++) {
            char *safe = tui_text_sanitize(s->unmapped_by[i].what, false);
            printf("  %s  %ld\n", safe, s->unmapped_by[i].rows);
            free(safe);
        }
    }
}

static int import_file(const struct opts *o)
{
    const struct cli_command *c = &cli_cmd_import;
    struct db_import_map m;
    char err[1024];
    if (app_import_map_load(o->source, o->map, &m, err, sizeof err) < 0) {
        fprintf(stderr, "careline import: %s\n", err);
        return APP_EXIT_USAGE;
    }
    FILE *in = !o->file ? NULL : strcmp(o->file, "-") == 0 ? stdin : fopen(o->file, "rb");
    if (!in) {
        db_import_map_free(&m);
        return cli_usage_error(c, "cannot read %s: %s", o->file ? o->file : "", strerror(errno));
    }
    struct stat st;
    long long size = fstat(fileno(in), &st) == 0 && S_ISREG(st.st_mode) ? (long long)st.st_size : 0;
    int rc = APP_EXIT_OK;
    struct db_conn *db = cli_db();
    if (!db) {
        rc = APP_EXIT_NODB;
    } else if (db_import_map_check(db, &m, err, sizeof err) < 0) {
        fprintf(stderr, "careline import: %s\n", err);
        rc = APP_EXIT_USAGE;
    } else {
        struct view v = {.file = o->file, .tty = isatty(STDERR_FILENO) == 1};
        struct db_import_hooks h = {on_bad, on_progress, &v, o->dry_run};
        struct db_import_summary s;
        const char *name = strrchr(o->file, '/') ? strrchr(o->file, '/') + 1 : o->file;
        int got = db_import_run(db, &m, name, in, size, &h, &s, err, sizeof err);
        clear_bar(&v);
        if (got < 0) {
            /* A reader's "line N: ..." becomes FILE:N: ...; the database's words stay its own. */
            if (strncmp(err, "line ", 5) == 0)
                fprintf(stderr, "%s:%s\n", o->file, err + 5);
            else
                fprintf(stderr, "careline import: nothing was imported: %s\n", err);
            rc = APP_EXIT_FAILED;
        } else {
            print_summary(o, &s, o->source == DB_IMPORT_NYC311 ? "NYC 311" : "Open311");
            rc = s.bad ? APP_EXIT_PARTIAL : APP_EXIT_OK;
        }
        db_import_summary_free(&s);
    }
    if (in != stdin)
        (void)fclose(in);   /* only read */
    db_import_map_free(&m);
    return rc;
}

static int list_runs(const struct opts *o)
{
    static const struct textout_col cols[] = {
        {"RUN", "run", true, 0},          {"STARTED", "started", false, 0},  {"SOURCE", "source", false, 0},
        {"FILE", "file", false, 30},      {"BY", "run_by", false, 16},       {"ROWS", "rows", true, 0},
        {"OPENED", "imported", true, 0},  {"UPDATED", "updated", true, 0},   {"SAME", "unchanged", true, 0},
        {"SKIPPED", "skipped", true, 0},  {"UNMAPPED", "unmapped", true, 0}, {"UNMATCHED", "unmatched", true, 0},
        {"BAD", "bad", true, 0},          {"SECONDS", "seconds", true, 0},
    };
    struct db_conn *db = cli_db();
    if (!db)
        return APP_EXIT_NODB;
    struct db_rows rows = {0};
    char err[512];
    if (db_import_runs(db, o->limit, &rows, err, sizeof err) < 0) {
        fprintf(stderr, "careline import runs: %s\n", err);
        return APP_EXIT_FAILED;
    }
    struct textout_table t;
    textout_init(&t, cols, (int)(sizeof cols / sizeof cols[0]));
    for (int i = 0; i < rows.n; i++) {
        const struct db_import_run_row *r = DB_ROW(&rows, const struct db_import_run_row, i);
        char n[10][24];
        int64_t v[] = {r->id, r->rows, r->imported, r->updated, r->unchanged, r->skipped, r->unmapped, r->unmatched, r->bad};
        for (int k = 0; k < 9; k++)
            util_format(n[k], sizeof n[k], "%lld", (long long)v[k]);
        util_format(n[9], sizeof n[9], "%.1f", r->seconds);
        const char *vals[] = {n[0], r->started, r->source, r->file, r->run_by, n[1], n[2], n[3], n[4], n[5], n[6], n[7],
                              n[8], n[9]};
        textout_add(&t, vals);
    }
    textout_print(stdout, &t, o->csv ? TEXTOUT_CSV : TEXTOUT_TABLE);
    textout_free(&t);
    db_rows_free(&rows);
    return APP_EXIT_OK;
}

static int import_run(int argc, char **argv)
{
    struct opts o;
    int rc = parse(argc, argv, &o);
    if (rc)
        return rc;
    return o.runs ? list_runs(&o) : import_file(&o);
}

const struct cli_command cli_cmd_import = {
    "import",
    "import nyc311 [--map FILE] [--dry-run] FILE.csv\timport an NYC Open Data 311 export (CSV) as complaints\n"
    "import open311 [--map FILE] [--dry-run] FILE\timport an Open311 GeoReport v2 requests document (JSON or XML)\n"
    "import runs [--limit N] [--csv]\tthe last import runs and what each did",
    true, import_run, false,
};
