/* pgbase.c — the database's own time for what the screens ask, without any UI: SELECT 1, Careline's search and customer view through libcareline, timed. */
/*
 * Reads tasks from standard input, one per line, runs each once, and prints
 * one line per task:
 *
 *   select1 LABEL            ->  LABEL WALL_MS WALL_MS
 *   search LABEL TEXT...     ->  LABEL WALL_MS DB_MS HITS  (or LABEL refused:
 *                                text the screen would not search, e.g. 1 letter)
 *   open LABEL CUSTOMER_ID   ->  LABEL WALL_MS DB_MS ROWS
 *
 * WALL_MS is the whole call (classifying the text, sending, waiting, copying
 * the rows out); DB_MS is what the library itself reports (from sending to
 * the last result). SELECT 1 is the bare round trip to the server. The
 * connection is made as the screens make it (db_new/db_connect, the PG*
 * environment, the configuration's patterns and timeouts), so the server
 * sees exactly what the screens send. Usage: pgbase [CONFIG_FILE] < TASKS
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "careline/config.h"
#include "careline/customer.h"
#include "careline/db.h"
#include "careline/search.h"

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
    struct conf conf;
    char err[1024];
    /* The search classifies text with the configured patterns: load them. */
    if (conf_load(&conf, argc > 1 ? argv[1] : NULL, err, sizeof err) < 0) {
        fprintf(stderr, "pgbase: %s\n", err);
        return 2;
    }
    int limit = conf.search_limit;
    struct db_params p = {
        .conninfo = conf.conninfo,
        .service = conf.service,
        .connect_timeout = conf.connect_timeout,
        .statement_timeout_ms = conf.statement_timeout_ms,
        .application_name = "careline-bench-pgbase",
    };
    struct db_conn *c = db_new(&p);
    if (db_connect(c, NULL) < 0) {
        fprintf(stderr, "pgbase: %s\n", db_error(c));
        db_free(c);
        return 3;
    }
    char line[1024];
    int rc = 0;
    while (fgets(line, sizeof line, stdin)) {
        line[strcspn(line, "\n")] = '\0';
        char *kind = strtok(line, " ");
        char *label = strtok(NULL, " ");
        char *rest = strtok(NULL, "");
        if (!kind || !label)
            continue;
        double t0 = now_ms();
        if (strcmp(kind, "select1") == 0) {
            PGresult *r = db_exec(c, "SELECT 1", 0, NULL);
            double ms = now_ms() - t0;
            if (!r) {
                fprintf(stderr, "pgbase: SELECT 1: %s\n", db_error(c));
                rc = 1;
                continue;
            }
            PQclear(r);
            printf("%s %.3f %.3f\n", label, ms, ms);
        } else if (strcmp(kind, "search") == 0 && rest) {
            char hint[256];
            if (db_search_check(rest, hint, sizeof hint) < 0) {
                printf("%s refused\n", label);   /* the screen would not search this either */
                continue;
            }
            struct db_search_result r;
            int ok = db_search_run(c, rest, limit, &r);
            double ms = now_ms() - t0;
            if (ok < 0 || r.error) {
                fprintf(stderr, "pgbase: search %s: %s\n", rest, r.error ? r.error : db_error(c));
                rc = 1;
            } else {
                printf("%s %.3f %.3f %d\n", label, ms, r.elapsed_ms, r.count);
            }
            db_search_result_free(&r);
        } else if (strcmp(kind, "open") == 0 && rest) {
            struct db_customer_view v;
            int ok = db_customer_open_sync(c, atoll(rest), &v);
            double ms = now_ms() - t0;
            if (ok < 0) {
                fprintf(stderr, "pgbase: open %s: %s\n", rest, v.error ? v.error : "failed");
                rc = 1;
            } else {
                int rows = 0;
                for (int i = 0; i < CV__COUNT; i++)
                    rows += v.part[i].n;
                printf("%s %.3f %.3f %d\n", label, ms, v.ms, rows);
            }
            db_customer_view_free(&v);
        } else {
            fprintf(stderr, "pgbase: cannot read the task \"%s\"\n", kind);
            rc = 2;
        }
        fflush(stdout);
    }
    db_free(c);
    conf_free(&conf);
    return rc;
}
