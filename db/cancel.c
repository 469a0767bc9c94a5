/* cancel.c — cancel requests sent on a short-lived thread each, so the event loop never waits for one. */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "careline/util.h"
#include "conn_int.h"

/* PQcancel opens a connection of its own and waits for the server to close
 * it: in libpq 15 (no PQcancelStart yet) the only way to keep the terminal
 * responsive is to run it on a detached thread, which owns the PGcancel and
 * touches nothing else (PQcancel is safe to call from any thread). The
 * connection's side only reads `done`. If the server is unreachable the
 * thread ends when the connect fails, or with the process. */
struct db_cancel {
    PGcancel *pg;
    atomic_bool done;
    atomic_int refs;     /* the thread and the connection */
};

/* A server frozen whole keeps every cancel thread waiting; a few are
 * enough, more would only pile up. */
#define MAX_CANCEL_THREADS 4
static atomic_int cancel_threads;

static void release(struct db_cancel *k)
{
    if (atomic_fetch_sub(&k->refs, 1) == 1) {
        PQfreeCancel(k->pg);
        free(k);
    }
}

static void *cancel_thread(void *arg)
{
    struct db_cancel *k = arg;
    char err[256];
    (void)PQcancel(k->pg, err, sizeof err);
    atomic_store(&k->done, true);
    atomic_fetch_sub(&cancel_threads, 1);
    release(k);
    return NULL;
}

struct db_cancel *db_cancel_start(PGconn *pg)
{
    if (!pg || atomic_load(&cancel_threads) >= MAX_CANCEL_THREADS)
        return NULL;
    PGcancel *pc = PQgetCancel(pg);
    if (!pc)
        return NULL;
    struct db_cancel *k = util_calloc(1, sizeof *k);
    k->pg = pc;
    atomic_init(&k->done, false);
    atomic_init(&k->refs, 2);
    pthread_attr_t attr;
    pthread_t t;
    sigset_t all, old;
    sigfillset(&all);
    /* Signals stay with the main thread, whose handlers wake the loop. */
    pthread_sigmask(SIG_SETMASK, &all, &old);
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    atomic_fetch_add(&cancel_threads, 1);
    bool started = pthread_create(&t, &attr, cancel_thread, k) == 0;
    pthread_attr_destroy(&attr);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (!started) {
        atomic_fetch_sub(&cancel_threads, 1);
        PQfreeCancel(pc);
        free(k);
        return NULL;
    }
    return k;
}

bool db_cancel_done(const struct db_cancel *k) { return atomic_load(&k->done); }

void db_cancel_release(struct db_cancel *k)
{
    if (k)
        release(k);
}
