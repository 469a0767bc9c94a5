/* statements.c — every listed db/ statement run against the real schema and decoded with its record: a renamed, added or dropped column fails here; a reordered one still decodes the same. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careline/admin.h"
#include "careline/audit.h"
#include "careline/customer.h"
#include "careline/db.h"
#include "careline/event.h"
#include "careline/export.h"
#include "careline/feedback.h"
#include "careline/figures.h"
#include "careline/import.h"
#include "careline/record.h"
#include "careline/merge.h"
#include "careline/notify.h"
#include "careline/queue.h"
#include "careline/recovery.h"
#include "careline/region.h"
#include "careline/report.h"
#include "careline/script.h"
#include "careline/search.h"
#include "careline/session.h"
#include "careline/sla.h"
#include "careline/staff.h"
#include "careline/util.h"
#include "dbtap.h"

/* The modules whose statements are listed; a module converted to typed
 * records adds its line here. */
static const struct {
    const char *module;
    const struct db_statement *(*list)(int *n);
} modules[] = {
    {"admin", db_admin_statements},
    {"recovery", db_recovery_statements},
    {"queue", db_queue_statements},
    {"merge", db_merge_statements},
    {"notify", db_notify_statements},
    {"customer", db_customer_statements},
    {"search", db_search_statements},
    {"script", db_script_statements},
    {"script fit", db_script_fit_statements},
    {"event", db_event_statements},
    {"event CAP", db_event_cap_statements},
    {"audit", db_audit_statements},
    {"figures", db_figures_statements},
    {"feedback", db_feedback_statements},
    {"region", db_region_statements},
    {"unmatched 311 requests", db_unmatched_statements},
    {"311 import", db_import_statements},
    {"311 import mapping", db_import_map_statements},
    {"overdue report", report_statements},
    {"working calendar", sla_statements},
    {"staff", db_staff_statements},
    {"export", db_export_statements},
    {"session", db_session_statements},
};

/* Runs sql with the statement's parameters and decodes it with its shape.
 * Returns the decoder's result; err gets the database's or the decoder's
 * sentence. */
static int run(struct db_conn *c, const struct db_statement *s, const char *sql, struct db_rows *rows, char *err,
               size_t errlen)
{
    PGresult *r = db_exec(c, sql, s->nparams, s->params);
    if (!r) {
        util_format(err, errlen, "the database refused it: %s", db_error(c));
        return -2;
    }
    int rc = db_rows_decode(rows, s->shape, r, err, errlen);
    PQclear(r);
    return rc;
}

static bool same_field(const struct db_col *col, const char *x, const char *y)
{
    x += col->offset;
    y += col->offset;
    switch (col->type) {
    case DB_TEXT: return strcmp(*(char *const *)x, *(char *const *)y) == 0;
    case DB_INT: return *(const int *)x == *(const int *)y;
    case DB_BOOL: return *(const bool *)x == *(const bool *)y;
    case DB_REAL: {
        double a, b;   /* copied: the record's bytes are only known to hold a double */
        memcpy(&a, x, sizeof a);
        memcpy(&b, y, sizeof b);
        return a == b;
    }
    case DB_INT64:
    case DB_MONEY:
    case DB_EPOCH: return *(const int64_t *)x == *(const int64_t *)y;
    }
    return false;
}

/* Whether two decodes of the same rows hold the same records, field by field. */
static bool same_rows(const struct db_rows *a, const struct db_rows *b)
{
    const struct db_shape *sh = a->shape;
    if (a->n != b->n)
        return false;
    for (int i = 0; i < a->n; i++)
        for (int c = 0; c < sh->ncols; c++)
            if (!same_field(&sh->cols[c], (const char *)a->v + (size_t)i * sh->size,
                            (const char *)b->v + (size_t)i * sh->size))
                return false;
    return true;
}

/* The statement wrapped so that its columns come back in reverse order,
 * under their own names. */
static char *reversed(const struct db_statement *s)
{
    struct util_buf q = {0};
    util_buf_puts(&q, "SELECT ");
    for (int c = s->shape->ncols - 1; c >= 0; c--)
        util_buf_printf(&q, "%s%s", s->shape->cols[c].name, c ? ", " : " ");
    util_buf_printf(&q, "FROM (%s) AS s", s->sql);
    return util_buf_steal(&q);
}

/* A changed SELECT: the decoder must refuse it with a sentence naming the
 * statement and what is wrong. */
static void refused(struct db_conn *c, const struct db_statement *s, const char *how, const char *before,
                    const char *after, const char *want)
{
    char *q = util_asprintf("%s%s%s", before, s->sql, after);
    struct db_rows rows = {0};
    char err[256] = "";
    int rc = run(c, s, q, &rows, err, sizeof err);
    bool pass = rc == -1 && rows.n == 0 && strstr(err, s->shape->what) && strstr(err, want);
    tap(pass, "%s: %s is refused (\"%s\")", s->shape->what, how, err);
    db_rows_free(&rows);
    free(q);
}

static void check_read(struct db_conn *c, const struct db_statement *s, const struct db_rows *rows,
                       const char *first)
{
    char *q = reversed(s);
    struct db_rows again = {0};
    char err[256] = "";
    int rc = run(c, s, q, &again, err, sizeof err);
    tap(rc == 0 && same_rows(rows, &again), "%s: its columns in reverse order decode to the same records%s%s",
        s->shape->what, *err ? ": " : "", err);
    db_rows_free(&again);
    free(q);
    char want[96];
    util_format(want, sizeof want, "no column %s", first);
    /* A column alias list renames the first column, whatever it is. */
    refused(c, s, "its first column renamed", "SELECT * FROM (", ") AS s(renamed_column)", want);
    refused(c, s, "an added column", "SELECT s.*, 1 AS extra FROM (", ") AS s", "columns, the record");
}

static void check(struct db_conn *c, const char *module, const struct db_statement *s)
{
    /* Writes are tried and undone; reads run in the same transaction. */
    PQclear(db_exec(c, "BEGIN", 0, NULL));
    struct db_rows rows = {0};
    char err[256] = "";
    int rc = run(c, s, s->sql, &rows, err, sizeof err);
    tap(rc == 0 && rows.n > 0, "%s: %s runs on the schema and decodes into its record (%d rows)%s%s", module,
        s->shape->what, rows.n, *err ? ": " : "", err);
    if (rc == 0 && !s->writes) {
        PGresult *r = db_exec(c, s->sql, s->nparams, s->params);
        char first[64];
        util_format(first, sizeof first, "%s", r ? PQfname(r, 0) : "?");
        PQclear(r);
        check_read(c, s, &rows, first);
    }
    db_rows_free(&rows);
    PQclear(db_exec(c, "ROLLBACK", 0, NULL));
}

int main(void)
{
    struct db_params p = {.conninfo = "", .connect_timeout = 10, .application_name = "careline statements test"};
    struct db_conn *c = db_new(&p);
    if (db_connect(c, NULL) < 0) {
        printf("not ok 1 - connect: %s\n1..1\n", db_error(c));
        db_free(c);
        return 1;
    }
    for (size_t m = 0; m < sizeof modules / sizeof modules[0]; m++) {
        int n = 0;
        const struct db_statement *list = modules[m].list(&n);
        for (int i = 0; i < n; i++)
            check(c, modules[m].module, &list[i]);
    }
    printf("1..%d\n", tap_n);
    db_free(c);
    return tap_failed ? 1 : 0;
}
