/* cmd_scripts.c — `careline scripts`: check and load script files, list the stored versions, and try a script on a complaint as the runner screen would. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careline/app.h"
#include "careline/cli.h"
#include "careline/record.h"
#include "careline/script.h"
#include "careline/script_load.h"
#include "careline/text.h"
#include "careline/util.h"

#define cli_usage(...) cli_usage_error(&cli_cmd_scripts, __VA_ARGS__)

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

static int script_cli_parse(int argc, char **argv)
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

static bool script_cli_needs_db(int argc, char **argv)
{
    return !(argc >= 2 && strcmp(argv[1], "check") == 0);
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
    struct db_rows rows = {0};
    char err[1024];
    if (db_script_versions(db, &rows, err, sizeof err) < 0) {
        fprintf(stderr, "careline scripts list: %s\n", err);
        return APP_EXIT_FAILED;
    }
    printf("%-24s  %7s  %-6s  %-36s  %s\n", "CODE", "VERSION", "ACTIVE", "NAME", "CATEGORIES");
    for (int i = 0; i < rows.n; i++) {
        const struct db_script_version *v = DB_ROW(&rows, struct db_script_version, i);
        put_clean(v->code, 24);
        printf("  %7d  %-6s  ", v->version, v->active ? "yes" : "no");
        put_clean(v->name, 36);
        fputs("  ", stdout);
        put_clean(v->categories, 0);
        putchar('\n');
    }
    db_rows_free(&rows);
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
    util_format(t->status, sizeof t->status, "%s", status ? status : "");
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
        util_format(amount, len, "%.2f", v);
    } else if (st->amount_pence > 0) {
        util_format(amount, len, "%lld.%02lld", st->amount_pence / 100, st->amount_pence % 100);
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

/* The script that fits the complaint with this reference, or NULL (said
 * why on stderr). complaint_id gets the complaint's id. */
static struct db_script_fit *try_fit_for(struct db_conn *db, const char *reference, char complaint_id[37])
{
    char err[1024];
    int found = db_script_complaint_id(db, reference, complaint_id, err, sizeof err);
    if (found < 0) {
        fprintf(stderr, "careline scripts try: %s\n", err);
        return NULL;
    }
    if (found == 0) {
        fprintf(stderr, "careline scripts try: no complaint with reference %s\n", reference);
        return NULL;
    }
    struct try_state t = {0};
    db_script_for_complaint(db, complaint_id, try_fit, &t);
    if (db_wait(db, 30000) < 0 || !t.fit) {
        fprintf(stderr, "careline scripts try: no answer from the database within 30 s\n");
        db_script_fit_free(t.fit);
        return NULL;
    }
    struct db_script_fit *f = t.fit;
    if (f->error) {
        fprintf(stderr, "careline scripts try: %s\n", f->error);
    } else if (!f->found) {
        char *cat = tui_text_sanitize(f->category, false);
        fprintf(stderr, "careline scripts try: no active script fits %s (category %s)\n", reference, cat);
        free(cat);
    } else {
        return f;
    }
    db_script_fit_free(f);
    return NULL;
}

static void print_fit(const struct db_script_fit *f, const char *reference)
{
    fputs("script ", stdout);
    put_clean(f->script.code, 0);
    printf(" version %d: ", f->script.version);
    put_clean(f->script.name, 0);
    printf("\ncomplaint %s, category ", reference);
    put_clean(f->category, 0);
    printf("; customer: vulnerable %s, priority services %s, non-digital %s, incident %s, language %s\n",
           f->sit.vulnerable ? "yes" : "no", f->sit.priority_services ? "yes" : "no",
           f->sit.non_digital ? "yes" : "no", f->sit.event ? "yes" : "no", f->sit.language);
}

/* A walk in progress: the options, what was recorded, the next answer. */
struct walk {
    struct db_conn *db;
    const struct try_opts *o;
    struct try_state t;
    struct script_run run;
    int next_answer;
};

enum { WALK_ON, WALK_WAIT, WALK_FAILED };   /* what one step came to */

static int wait_for_answer(const struct script_step *st, const char *what)
{
    fputs("waiting for an answer at step '", stdout);
    put_clean(st->key, 0);
    printf("'%s\n", what);
    return WALK_WAIT;
}

/* As on the screen: answering a credit step makes the credit. */
static int credit_step(struct walk *w, const struct script_step *st, const char *a, int *res)
{
    char amount[32];
    bool used;
    if (try_amount(st, a, amount, sizeof amount, &used) < 0) {
        fprintf(stderr, "careline scripts try: answer '%s': not an amount (e.g. credit:25 or credit:25.50)\n", a);
        return WALK_FAILED;
    }
    if (!amount[0])
        return wait_for_answer(st, " (credit:AMOUNT)");
    w->next_answer += used;
    if (w->o->record) {
        db_script_credit(w->db, w->o->record, st->id, amount, try_credit, &w->t);
        if (try_wait(w->db, &w->t, "making the credit") < 0)
            return WALK_FAILED;
        printf("    credit %s: %s\n", amount, w->t.status);
    } else {
        printf("    credit %s offered (not recorded: no --record)\n", amount);
    }
    *res = script_run_answer(&w->run, NULL);
    return WALK_ON;
}

/* Show the current step, answer it with the next ANSWER, say what was
 * given and record it. */
static int walk_step(struct walk *w, const struct script_vars *vars)
{
    const struct script_step *st = script_run_step(&w->run);
    int at = w->run.current, res, how = WALK_ON;
    print_step(st, vars);
    const char *a = w->next_answer < w->o->nanswers ? w->o->answers[w->next_answer] : NULL;
    if (a && strncmp(a, "skip:", 5) == 0) {
        w->next_answer++;
        res = script_run_skip(&w->run, a + 5);
    } else if (st->action == SCRIPT_ACT_GOODWILL_CREDIT) {
        how = credit_step(w, st, a, &res);
    } else if (script_step_needs_answer(st)) {
        if (!a)
            return wait_for_answer(st, "");
        w->next_answer++;
        res = script_run_answer(&w->run, a);
    } else {
        res = script_run_answer(&w->run, NULL);
    }
    if (how != WALK_ON)
        return how;
    if (res != SCRIPT_OK) {
        char *key = tui_text_sanitize(st->key, false);
        fprintf(stderr, "careline scripts try: step '%s', answer '%s': %s\n", key, a ? a : "",
                script_result_text((enum script_result)res));
        free(key);
        return WALK_FAILED;
    }
    const struct script_given *g = script_run_given(&w->run, at);
    fputs(g->skipped ? "    => skipped: " : "    => ", stdout);
    put_clean(g->skipped ? g->skipped : g->answer, 0);
    putchar('\n');
    if (w->o->record) {
        db_script_answer(w->db, w->o->record, st->id, g->answer, g->skipped, try_write, &w->t);
        if (try_wait(w->db, &w->t, "recording an answer") < 0)
            return WALK_FAILED;
    }
    return WALK_ON;
}

/* The end of a finished walk: recorded, and no answer left over. */
static int walk_end(struct walk *w)
{
    puts("finished");
    if (w->o->record) {
        db_script_run_finish(w->db, w->o->record, "completed", try_write, &w->t);
        if (try_wait(w->db, &w->t, "recording the end of the run") < 0)
            return APP_EXIT_FAILED;
    }
    if (w->next_answer < w->o->nanswers) {
        fprintf(stderr, "careline scripts try: %d answer(s) left over after the script finished\n",
                w->o->nanswers - w->next_answer);
        return APP_EXIT_FAILED;
    }
    return APP_EXIT_OK;
}

static int run_try(int argc, char **argv, struct db_conn *db)
{
    struct try_opts o;
    if (parse_try(argc, argv, &o))
        return APP_EXIT_USAGE;
    char complaint_id[37];
    struct db_script_fit *f = try_fit_for(db, o.reference, complaint_id);
    if (!f)
        return APP_EXIT_FAILED;
    print_fit(f, o.reference);
    struct walk w = {.db = db, .o = &o};
    if (o.record) {
        db_script_run_start(db, o.record, complaint_id, f->script.id, try_write, &w.t);
        if (try_wait(db, &w.t, "recording the run") < 0) {
            free(w.t.err);
            db_script_fit_free(f);
            return APP_EXIT_FAILED;
        }
    }
    script_run_start(&w.run, &f->script, &f->sit);
    int how = WALK_ON;
    while (how == WALK_ON && !script_run_finished(&w.run))
        how = walk_step(&w, &f->vars);
    int rc = how == WALK_FAILED ? APP_EXIT_FAILED : APP_EXIT_OK;
    if (how == WALK_ON)
        rc = walk_end(&w);
    script_run_free(&w.run);
    free(w.t.err);
    db_script_fit_free(f);
    return rc;
}

static int check_or_load(int argc, char **argv, struct db_conn *db)
{
    switch (script_load_files(db, argc - 2, (const char *const *)argv + 2, NULL, stdout, stderr)) {
    case SCRIPT_LOAD_OK:
        return APP_EXIT_OK;
    case SCRIPT_LOAD_INVALID:
        return APP_EXIT_USAGE;
    case SCRIPT_LOAD_FAILED:
        break;
    }
    return APP_EXIT_FAILED;
}

static int script_cli_run(int argc, char **argv, struct db_conn *db)
{
    int rc = script_cli_parse(argc, argv);
    if (rc)
        return rc;
    const char *sub = argv[1];
    if (strcmp(sub, "check") == 0)
        return check_or_load(argc, argv, NULL);
    if (!db) {
        fprintf(stderr, "careline scripts %s: needs the database\n", sub);
        return APP_EXIT_FAILED;
    }
    if (strcmp(sub, "load") == 0)
        return check_or_load(argc, argv, db);
    if (strcmp(sub, "list") == 0)
        return run_list(db);
    return run_try(argc, argv, db);
}

static int scripts_run(int argc, char **argv)
{
    int rc = script_cli_parse(argc, argv);
    if (rc)
        return rc;
    if (!script_cli_needs_db(argc, argv))
        return script_cli_run(argc, argv, NULL);   /* scripts check: no database */
    struct db_conn *db = cli_db();
    return db ? script_cli_run(argc, argv, db) : APP_EXIT_NODB;
}

const struct cli_command cli_cmd_scripts = {
    "scripts",
    "scripts check FILE...\tcheck recovery scripts (conf/scripts/*.conf), no database\n"
    "scripts load FILE...\tcheck them and store each changed one as a new version\n"
    "scripts list\tlist the stored recovery scripts and their versions\n"
    "scripts try REF [--record RUN_UUID] [ANSWER]...\twalk the script that fits complaint REF",
    true, scripts_run, false,
};
