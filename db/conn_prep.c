/* conn_prep.c — statements prepared once per connection: the name each goes under, and a request sent as one pipeline that prepares what the session has not seen yet. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careline/util.h"
#include "conn_int.h"

/* A far database should cost the SQL text once per connection, then only
 * parameters: every statement the screens send goes prepared, under the
 * name its module gave it or one made from its text. A module that built
 * SQL per call (none should: parameters only) would still be bounded by
 * this many names per session; past it statements go unnamed. */
#define PREPARED_MAX 400

/* FNV-1a, 64 bits, and the length: two different texts with the same name
 * would run one as the other, so both must agree before that can happen. */
static void name_of(const char *sql, char *out, size_t len)
{
    uint64_t h = 14695981039346656037ULL;
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)sql; *p; p++, n++) {
        h ^= *p;
        h *= 1099511628211ULL;
    }
    util_format(out, len, "careline_%016llx_%zu", (unsigned long long)h, n);
}

const char *db_conn_stmt_name(struct db_conn *c, struct stmt *s)
{
    if (c->p.no_prepared)
        return NULL;
    if (!s->name) {
        char name[64];
        name_of(s->sql, name, sizeof name);
        s->name = util_strdup(name);
    }
    if (c->nprepared >= PREPARED_MAX && !db_conn_is_prepared(c, s->name))
        return NULL;
    return s->name;
}

bool db_conn_is_prepared(const struct db_conn *c, const char *name)
{
    for (int i = 0; i < c->nprepared; i++)
        if (strcmp(c->prepared[i], name) == 0)
            return true;
    return false;
}

void db_conn_add_prepared(struct db_conn *c, const char *name)
{
    c->prepared = util_realloc(c->prepared, sizeof *c->prepared * (size_t)(c->nprepared + 1));
    c->prepared[c->nprepared++] = util_strdup(name);
    c->stats.prepares++;
}

/* A prepare that did not happen (refused, or skipped after an error before
 * it in the pipeline): the next use prepares it again. */
static void unmark_prepared(struct db_conn *c, const char *name)
{
    for (int i = 0; i < c->nprepared; i++)
        if (strcmp(c->prepared[i], name) == 0) {
            free(c->prepared[i]);
            c->prepared[i] = c->prepared[--c->nprepared];
            return;
        }
}

void db_conn_forget_prepared(struct db_conn *c)
{
    for (int i = 0; i < c->nprepared; i++)
        free(c->prepared[i]);
    free(c->prepared);
    c->prepared = NULL;
    c->nprepared = 0;
    c->ahead_next = 0;
}

/* ---- prepared ahead of their first use ------------------------------------
 * Statements a screen will surely run (the customer view, a contact's
 * save) are prepared when nothing else is asked, so their first use sends
 * only parameters too: on a far database the SQL text is most of the
 * bytes. Only when the connection has been quiet for a moment (not while
 * the agent types a search), and a couple of KB of text at a time, so a
 * request asked meanwhile waits behind little. */
#define AHEAD_QUIET_MS 300
#define AHEAD_BYTES 2048

void db_prepare_ahead(struct db_conn *c, const char *sql, int nparams)
{
    for (int i = 0; i < c->nahead; i++)
        if (strcmp(c->ahead[i].st.sql, sql) == 0)
            return;
    c->ahead = util_realloc(c->ahead, sizeof *c->ahead * (size_t)(c->nahead + 1));
    struct warm *w = &c->ahead[c->nahead++];
    *w = (struct warm){0};
    w->st.sql = util_strdup(sql);
    w->st.nparams = nparams;
}

void db_conn_free_ahead(struct db_conn *c)
{
    for (int i = 0; i < c->nahead; i++) {
        free(c->ahead[i].st.sql);
        free(c->ahead[i].st.name);
    }
    free(c->ahead);
    c->ahead = NULL;
    c->nahead = c->ahead_next = 0;
}

long long db_conn_ahead_due(const struct db_conn *c)
{
    if (c->p.no_prepared || c->ahead_next >= c->nahead)
        return -1;
    return c->quiet_since + AHEAD_QUIET_MS;
}

struct req *db_conn_ahead(struct db_conn *c, long long now)
{
    long long due = db_conn_ahead_due(c);
    if (due < 0 || now < due)
        return NULL;
    int from = c->ahead_next, n = 0;
    size_t bytes = 0;
    for (int i = from; i < c->nahead && (n == 0 || bytes < AHEAD_BYTES); i++, c->ahead_next++) {
        const char *name = db_conn_stmt_name(c, &c->ahead[i].st);
        if (!name || db_conn_is_prepared(c, name))
            continue;   /* already used, or no room for more names */
        bytes += strlen(c->ahead[i].st.sql);
        n++;
    }
    if (!n)
        return NULL;
    struct req *r = db_conn_new_req(c, n);
    r->prepare_only = true;
    r->batch = true;
    for (int i = from, k = 0; i < c->ahead_next; i++) {
        struct stmt *st = &c->ahead[i].st;
        if (!db_conn_stmt_name(c, st) || db_conn_is_prepared(c, st->name))
            continue;
        r->stmts[k].sql = util_strdup(st->sql);
        r->stmts[k].nparams = st->nparams;
        /* Prepared, not run: no values (NULL each, for db_conn_req_free). */
        r->stmts[k].params = util_calloc((size_t)(st->nparams > 0 ? st->nparams : 1), sizeof *r->stmts[k].params);
        r->stmts[k++].name = util_strdup(st->name);
    }
    return r;
}

/* Each statement is Parse (only the first time on this connection), then
 * Bind/Describe/Execute; one Sync ends the request: one round trip whatever
 * it holds. A name counts as prepared from the moment its Parse is queued,
 * so a batch that runs the same statement twice prepares it once; a Parse
 * that fails takes it back (db_conn_take_result). */
bool db_conn_send_pipeline(struct db_conn *c, struct req *r)
{
    if (!PQenterPipelineMode(c->pg))
        return false;
    free(r->cmds);
    r->cmds = util_calloc((size_t)r->nstmts * 2 + 1, sizeof *r->cmds);
    r->ncmds = 0;
    r->cur = 0;
    for (int i = 0; i < r->nstmts; i++) {
        struct stmt *st = &r->stmts[i];
        const char *const *params = (const char *const *)st->params;
        const char *name = db_conn_stmt_name(c, st);
        if (name && !db_conn_is_prepared(c, name)) {
            if (!PQsendPrepare(c->pg, name, st->sql, st->nparams, NULL))
                return false;
            db_conn_add_prepared(c, name);
            r->cmds[r->ncmds++] = ~i;
        }
        if (r->prepare_only)
            continue;
        int ok = name ? PQsendQueryPrepared(c->pg, name, st->nparams, params, NULL, NULL, 0)
                      : PQsendQueryParams(c->pg, st->sql, st->nparams, NULL, params, NULL, NULL, 0);
        if (!ok)
            return false;
        r->cmds[r->ncmds++] = i;
    }
    return PQpipelineSync(c->pg) == 1;
}

void db_conn_take_result(struct db_conn *c, struct req *r, PGresult *res)
{
    int cmd = r->ncmds ? r->cmds[r->cur < r->ncmds ? r->cur : r->ncmds - 1] : 0;
    r->answered = true;
    if (cmd < 0) {
        if (PQresultStatus(res) != PGRES_COMMAND_OK)
            unmark_prepared(c, r->stmts[~cmd].name);
        PQclear(res);
        return;
    }
    PQclear(r->res[cmd]);
    r->res[cmd] = res;
}
