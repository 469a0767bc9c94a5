/* reauth.c — the idle lock's check of a password: a fresh connection as the session's role to the session's server, on a thread, closed at once. */
#include "careline/reauth.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careline/util.h"

bool db_reauth_needs_password(struct db_conn *c)
{
    PGconn *pg = c ? db_pg(c) : NULL;
    return pg && PQconnectionUsedPassword(pg);
}

const char *db_reauth_user(struct db_conn *c)
{
    PGconn *pg = c ? db_pg(c) : NULL;
    const char *u = pg ? PQuser(pg) : NULL;
    return u ? u : "";
}

/* Shared by the screen and the thread; whoever lets go last frees it. */
struct db_reauth {
    pthread_mutex_t mu;
    int refs;
    enum db_reauth_result result;
    char why[300];
    /* The connection parameters, NULL-terminated arrays owned here. */
    char **kw, **val;
};

static void unref(struct db_reauth *r)
{
    pthread_mutex_lock(&r->mu);
    int left = --r->refs;
    pthread_mutex_unlock(&r->mu);
    if (left > 0)
        return;
    for (int i = 0; r->kw && r->kw[i]; i++) {
        free(r->kw[i]);
        if (r->val[i])
            memset(r->val[i], 0, strlen(r->val[i]));   /* a password among them */
        free(r->val[i]);
    }
    free(r->kw);
    free(r->val);
    pthread_mutex_destroy(&r->mu);
    free(r);
}

static void finish(struct db_reauth *r, enum db_reauth_result res, const char *why)
{
    pthread_mutex_lock(&r->mu);
    r->result = res;
    util_format(r->why, sizeof r->why, "%.*s", (int)strcspn(why, "\n"), why);
    pthread_mutex_unlock(&r->mu);
}

/* The server answered and said no, as opposed to a server nobody reached. */
static bool refused(const char *msg)
{
    static const char *const words[] = {"authentication failed", "not permitted to log in", "does not exist",
                                        "no password supplied", "pg_hba.conf", "password is required"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strstr(msg, words[i]))
            return true;
    return false;
}

static void *check(void *arg)
{
    struct db_reauth *r = arg;
    PGconn *pg = PQconnectdbParams((const char *const *)r->kw, (const char *const *)r->val, 0);
    if (PQstatus(pg) == CONNECTION_OK) {
        finish(r, DB_REAUTH_OK, "");
    } else {
        const char *msg = PQerrorMessage(pg);
        /* libpq's "connection to server ... failed: FATAL:  reason": the reason. */
        const char *fatal = strstr(msg, "FATAL:");
        const char *why = fatal ? fatal + 6 : msg;
        while (*why == ' ')
            why++;
        finish(r, refused(msg) ? DB_REAUTH_REFUSED : DB_REAUTH_UNREACHABLE, why);
    }
    PQfinish(pg);
    unref(r);
    return NULL;
}

/* The session's own parameters (host, port, database, user, TLS...), with
 * ours for password, password file, name and timeout. */
static void params(struct db_reauth *r, PGconn *pg, const char *password)
{
    PQconninfoOption *opts = pg ? PQconninfo(pg) : NULL;
    int n = 0;
    for (PQconninfoOption *o = opts; o && o->keyword; o++)
        n++;
    r->kw = util_calloc((size_t)n + 5, sizeof *r->kw);
    r->val = util_calloc((size_t)n + 5, sizeof *r->val);
    int k = 0;
    static const char *const ours[] = {"password", "passfile", "application_name", "connect_timeout", "options"};
    for (PQconninfoOption *o = opts; o && o->keyword; o++) {
        bool skip = !o->val || !*o->val;
        for (size_t i = 0; i < sizeof ours / sizeof ours[0] && !skip; i++)
            skip = strcmp(o->keyword, ours[i]) == 0;
        if (skip)
            continue;
        r->kw[k] = util_strdup(o->keyword);
        r->val[k++] = util_strdup(o->val);
    }
    if (opts)
        PQconninfoFree(opts);
    /* A password file that cannot exist: libpq skips a missing one quietly
     * (a special file such as /dev/null it warns about, on the terminal). */
    const char *const add[][2] = {{"passfile", "/nonexistent/careline/no-password-file"}, {"application_name", "careline unlock check"},
                                  {"connect_timeout", "10"}, {"password", password}};
    for (size_t i = 0; i < sizeof add / sizeof add[0]; i++) {
        if (!add[i][1])
            continue;
        r->kw[k] = util_strdup(add[i][0]);
        r->val[k++] = util_strdup(add[i][1]);
    }
}

struct db_reauth *db_reauth_start(struct db_conn *c, const char *password)
{
    struct db_reauth *r = util_calloc(1, sizeof *r);
    pthread_mutex_init(&r->mu, NULL);
    r->result = DB_REAUTH_PENDING;
    r->refs = 1;
    PGconn *pg = c ? db_pg(c) : NULL;
    if (!pg || PQstatus(pg) != CONNECTION_OK) {
        finish(r, DB_REAUTH_UNREACHABLE, "the database connection is down");
        return r;
    }
    params(r, pg, password && *password ? password : NULL);
    pthread_t t;
    r->refs = 2;
    if (pthread_create(&t, NULL, check, r) != 0) {
        r->refs = 1;
        finish(r, DB_REAUTH_UNREACHABLE, "no thread to ask the database with");
        return r;
    }
    pthread_detach(t);
    return r;
}

enum db_reauth_result db_reauth_poll(struct db_reauth *r, char *why, size_t len)
{
    pthread_mutex_lock(&r->mu);
    enum db_reauth_result res = r->result;
    if (why && len)
        util_format(why, len, "%s", r->why);
    pthread_mutex_unlock(&r->mu);
    return res;
}

void db_reauth_free(struct db_reauth *r)
{
    if (r)
        unref(r);
}
