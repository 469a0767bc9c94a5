/* outbox.c — client-keyed writes: on disk before they are sent, sent under their own key in one round trip, sent again when a lost connection comes back, off the disk once the database has them. */
#include "careline/outbox.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careline/complaint.h"
#include "careline/contact.h"
#include "careline/record.h"
#include "careline/recovery.h"
#include "careline/util.h"

/* The kinds the journal may hold, each defined beside its SQL. */
static const struct db_outbox_kind *const kinds[] = {&db_complaint_outbox, &db_complaint_contact_outbox,
                                                     &db_contact_outbox, &db_credit_outbox};

const struct db_outbox_kind *db_outbox_kind(const char *kind)
{
    for (size_t i = 0; kind && i < sizeof kinds / sizeof kinds[0]; i++)
        if (strcmp(kinds[i]->kind, kind) == 0)
            return kinds[i];
    return NULL;
}

void db_outbox_prepare(struct db_conn *c)
{
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        for (int k = 0; k < kinds[i]->nstmts; k++) {
            const struct db_outbox_stmt *s = &kinds[i]->stmts[k];
            int n = 0;
            while (n < (int)(sizeof s->params / sizeof s->params[0]) && s->params[n])
                n++;
            db_prepare_ahead(c, s->sql, n);
        }
}

static const char *field(const struct db_outbox_write *w, const char *name)
{
    if (strcmp(name, "id") == 0)
        return w->key;
    for (int i = 0; i < w->nfields; i++)
        if (strcmp(w->fields[i].key, name) == 0)
            return w->fields[i].value;
    return NULL;
}

int db_outbox_params(const struct db_outbox_write *w, int stmt, const char **values, bool *run)
{
    const struct db_outbox_stmt *s = &w->kind->stmts[stmt];
    const char *gate = s->only_if ? field(w, s->only_if) : "yes";
    *run = gate && strcmp(gate, "yes") == 0;
    int n = 0;
    while (n < (int)(sizeof s->params / sizeof s->params[0]) && s->params[n]) {
        values[n] = field(w, s->params[n]);
        n++;
    }
    return n;
}

int db_outbox_keep(const struct db_outbox_write *w, const char *state, char *err, size_t errlen)
{
    /* The state first, then the fields: the journal's format since the
     * first drafts (older terminals read the same files). */
    struct journal_field *f = util_calloc((size_t)w->nfields + 1, sizeof *f);
    f[0] = (struct journal_field){"state", state};
    memcpy(f + 1, w->fields, sizeof *f * (size_t)w->nfields);
    int rc = db_journal_save(w->dir, w->key, w->kind->kind, f, w->nfields + 1, err, errlen);
    free(f);
    return rc;
}

int db_outbox_discard(const char *dir, const char *key)
{
    return dir ? db_journal_remove(dir, key) : 0;
}

/* A write on its way: a copy of everything, owned by the request. */
struct pending {
    struct db_conn *conn;
    struct db_outbox_write w;
    struct journal_field *fields;
    char *key;                 /* the write's key, whole: it is what makes the write idempotent */
    char *dir;
    struct db_outbox_reply reply;
    struct db_outbox_follow follow;   /* n == 0: none */
    int nwrite;                       /* the write's statements in the batch sent last */
};

static struct pending *pending_new(struct db_conn *c, const struct db_outbox_write *w, const struct db_outbox_reply *r)
{
    struct pending *p = util_calloc(1, sizeof *p);
    p->conn = c;
    p->reply = *r;
    if (r->follow)
        p->follow = *r->follow;
    p->reply.follow = NULL;
    p->key = util_strdup(w->key);
    p->dir = w->dir ? util_strdup(w->dir) : NULL;
    p->fields = util_calloc((size_t)(w->nfields ? w->nfields : 1), sizeof *p->fields);
    for (int i = 0; i < w->nfields; i++) {
        p->fields[i].key = util_strdup(w->fields[i].key);
        p->fields[i].value = util_strdup(w->fields[i].value ? w->fields[i].value : "");
    }
    p->w = (struct db_outbox_write){w->kind, p->key, p->fields, w->nfields, p->dir};
    return p;
}

static void pending_free(void *arg)
{
    struct pending *p = arg;
    for (int i = 0; i < p->w.nfields; i++) {
        free((char *)p->fields[i].key);
        free((char *)p->fields[i].value);
    }
    free(p->fields);
    free(p->key);
    free(p->dir);
    if (p->follow.cleanup)
        p->follow.cleanup(p->follow.ctx);
    free(p);
}

static void on_answer(void *ctx, const PGresult *const *res, int n, const char *err, double ms);

/* One round trip under a slot of its own: while the connection is down
 * the request waits for it instead of failing, and pressing save twice
 * sends it once. */
static unsigned send_now(struct pending *p)
{
    const struct db_outbox_kind *k = p->w.kind;
    const char *values[2][12];
    struct db_stmt *stmts = util_calloc(2 + (size_t)p->follow.n, sizeof *stmts);
    int n = 0;
    for (int i = 0; i < k->nstmts && i < 2; i++) {
        bool run;
        int np = db_outbox_params(&p->w, i, values[n], &run);
        if (run) {
            stmts[n] = (struct db_stmt){k->stmts[i].sql, np, values[n]};
            n++;
        }
    }
    p->nwrite = n;
    for (int i = 0; i < p->follow.n; i++)
        stmts[n++] = p->follow.stmts[i];
    char *slot = util_asprintf("outbox-%s", p->key);   /* the key whole: a cut could join two writes' slots */
    struct db_batch b = {.stmts = stmts, .n = n, .slot = slot, .done = on_answer, .ctx = p,
                         .owner = p->reply.ctx, .cleanup = pending_free};
    unsigned id = db_send_batch(p->conn, &b);
    free(slot);
    free(stmts);
    return id;
}

/* The answer column of the first statement, read by name. */
struct answer {
    char *value;
};

static const char *answer_of(const struct pending *p, const PGresult *res, struct db_rows *rows, char *why, size_t len)
{
    const struct db_outbox_kind *k = p->w.kind;
    if (!k->answer)
        return "";
    const struct db_col col = {k->answer, DB_TEXT, offsetof(struct answer, value), 0};
    const struct db_shape shape = {k->what, &col, 1, sizeof(struct answer)};
    if (db_rows_decode(rows, &shape, res, why, len) < 0)
        return NULL;
    rows->shape = NULL;   /* the shape lives on this stack: freed below by hand */
    if (rows->n == 0) {
        util_format(why, len, "the database did not return the %s", k->what);
        return NULL;
    }
    return DB_ROW(rows, struct answer, 0)->value;
}

static void answer_free(struct db_rows *rows)
{
    for (int i = 0; i < rows->n; i++)
        free(DB_ROW(rows, struct answer, i)->value);
    free(rows->v);
}

static void on_answer(void *ctx, const PGresult *const *res, int n, const char *err, double ms)
{
    (void)ms;
    struct pending *p = ctx;
    if (err && db_state(p->conn) != DB_ONLINE) {
        /* Lost on the way: it may or may not have arrived. The same key
         * goes again once the connection is back; the database keeps one. */
        if (p->reply.waiting)
            p->reply.waiting(p->reply.ctx);
        send_now(p);
        return;
    }
    struct db_rows rows = {0};
    char why[300];
    const char *answer = NULL;
    if (!err && !(answer = answer_of(p, n > 0 ? res[0] : NULL, &rows, why, sizeof why)))
        err = why;
    if (p->dir) {
        char jerr[256];
        if (err)
            db_outbox_keep(&p->w, "draft", jerr, sizeof jerr);   /* refused: kept, to be put right */
        else
            db_journal_remove(p->dir, p->key);
    }
    struct db_outbox_reply r = p->reply;
    if (!err && p->follow.n) {
        p->follow.done(p->follow.ctx, res + p->nwrite, n - p->nwrite);
        p->follow.cleanup = NULL;   /* done() owned ctx */
    }
    r.done(r.ctx, err ? NULL : answer, err);
    answer_free(&rows);
    pending_free(p);
}

unsigned db_outbox_send(struct db_conn *c, const struct db_outbox_write *w, const struct db_outbox_reply *r, char *err,
                        size_t errlen)
{
    if (errlen)
        err[0] = '\0';
    if (w->dir)
        db_outbox_keep(w, "submitting", err, errlen);
    return send_now(pending_new(c, w, r));
}

unsigned db_outbox_send_kept(struct db_conn *c, const char *dir, const struct journal_draft *d,
                             const struct db_outbox_reply *r, char *err, size_t errlen)
{
    const struct db_outbox_kind *k = db_outbox_kind(d->kind);
    if (!k) {
        util_format(err, errlen, "this terminal's Careline does not know how to send a \"%s\"", d->kind);
        return 0;
    }
    /* Everything but the state, as kept. */
    struct journal_field *f = util_calloc((size_t)(d->n ? d->n : 1), sizeof *f);
    int n = 0;
    for (int i = 0; i < d->n; i++)
        if (strcmp(d->keys[i], "state") != 0)
            f[n++] = (struct journal_field){d->keys[i], d->values[i]};
    struct db_outbox_write w = {k, d->id, f, n, dir};
    unsigned id = db_outbox_send(c, &w, r, err, errlen);
    free(f);
    return id;
}
