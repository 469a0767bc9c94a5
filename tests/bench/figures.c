/* figures.c — `make bench`: the dashboard's load (every figure, one pipeline) timed through libcareline as the screen sends it, for today, this week and this month, and the longest list behind a figure. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careline/figures.h"
#include "careline/util.h"

static double took;
static int failed;

static void on_load(void *ctx, struct db_figures *f, const char *err)
{
    (void)ctx;
    if (err) {
        fprintf(stderr, "figures: %s\n", err);
        failed = 1;
        return;
    }
    took = f->ms;
}

/* Usage: figures REPS. Prints "KIND MS" lines: open (this month, counting
 * the connections), today, week, month, last-month (live updates: the
 * round trip of one load) and list (the contacts behind last month's total). */
int main(int argc, char **argv)
{
    int reps = 10;
    if (argc > 1 && (util_parse_int(argv[1], &reps) < 0 || reps < 1)) {
        fprintf(stderr, "figures: REPS is a whole number from 1, not '%s'\n", argv[1]);
        return 2;
    }
    struct db_params p = {.conninfo = "", .connect_timeout = 10, .statement_timeout_ms = 0,
                          .application_name = "careline bench figures"};
    struct db_conn *c = db_new(&p);
    if (db_connect(c, NULL) < 0) {
        fprintf(stderr, "figures: %s\n", db_error(c));
        db_free(c);
        return 1;
    }
    long today;
    char err[512];
    if (db_figures_today(c, &today, err, sizeof err) < 0) {
        fprintf(stderr, "figures: %s\n", err);
        db_free(c);
        return 1;
    }
    /* A live update reuses the connections counted when the screen opened;
     * "open" is the first load, which counts them. */
    static const struct {
        const char *name;
        enum db_period_kind kind;
        bool connections;
    } kinds[] = {{"open", DB_PERIOD_MONTH, true},
                 {"today", DB_PERIOD_TODAY, false},
                 {"week", DB_PERIOD_WEEK, false},
                 {"month", DB_PERIOD_MONTH, false},
                 {"last-month", DB_PERIOD_MONTH, false}};
    for (int r = -1; r < reps && !failed; r++) {   /* r = -1: warm-up, not printed */
        for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
            struct db_period per = db_period_of(kinds[k].kind, today);
            if (strcmp(kinds[k].name, "last-month") == 0)
                per = db_period_step(&per, -1);
            db_figures_load(c, &per, NULL, kinds[k].connections, 0, on_load, NULL);
            if (db_wait(c, 120000) < 0) {
                fprintf(stderr, "figures: no answer in 120 s\n");
                failed = 1;
                break;
            }
            if (r >= 0 && !failed)
                printf("%s %.3f\n", kinds[k].name, took);
        }
        struct db_period month = db_period_of(DB_PERIOD_MONTH, today);
        month = db_period_step(&month, -1);   /* a whole month */
        struct db_drill d = {DB_DRILL_CONTACTS, {NULL, NULL, NULL}};
        struct db_rows rows = {0};
        long long t0 = util_now_ms();
        if (db_figures_drill_fetch(c, &month, NULL, &d, &rows, err, sizeof err) < 0) {
            fprintf(stderr, "figures: %s\n", err);
            failed = 1;
        } else if (r >= 0) {
            printf("list %lld\n", util_now_ms() - t0);
        }
        db_rows_free(&rows);
    }
    db_free(c);
    return failed;
}
