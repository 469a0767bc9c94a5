/* outbox.h — every client-keyed write (a complaint, a contact, a goodwill credit): kept on this terminal until the database confirms it, sent again under the same key after a lost connection, so it lands exactly once. */
#ifndef CARELINE_OUTBOX_H
#define CARELINE_OUTBOX_H

#include <stdbool.h>
#include <stddef.h>

#include "careline/db.h"
#include "careline/journal.h"

/* One statement of a write: each $n takes the write's field of that name
 * ("id" is the client key). A field the write lacks is sent as NULL. */
struct db_outbox_stmt {
    const char *sql;
    const char *params[12];     /* field names for $1, $2, ...; NULL ends the list */
    const char *only_if;        /* runs only when this field is "yes"; NULL: always */
};

/* A kind of write. Its statements go in one round trip, each inserting
 * under the client-made key and doing nothing when the key is there
 * already (ON CONFLICT DO NOTHING), so a write sent twice lands once. */
struct db_outbox_kind {
    const char *kind;           /* in the journal: "complaint", "contact", "credit" */
    const char *what;           /* for people: "complaint", "contact", "goodwill credit" */
    const char *answer;         /* the one column the first statement returns, or NULL: none */
    int nstmts;
    struct db_outbox_stmt stmts[2];
};

/* A write: its kind, its key and its fields. The fields are what the
 * statements take and what the journal keeps (besides them, a form may
 * keep what it shows, e.g. the customer's name); they are copied. */
struct db_outbox_write {
    const struct db_outbox_kind *kind;
    const char *key;                        /* the client-made UUID */
    const struct journal_field *fields;
    int nfields;
    const char *dir;                        /* the journal folder; NULL: not kept on disk */
};

/* Reads sent right behind a write, in its round trip (a screen's refresh
 * of what the write changes, so a far database costs one round trip, not
 * two). They run after the write in the same transaction, so they see it;
 * a failure of either fails both, and the write is then not stored: the
 * form keeps what was typed, as for any refusal. */
struct db_outbox_follow {
    const struct db_stmt *stmts;   /* live until done() or cleanup() is called */
    int n;
    /* The reads' results, called just before the reply's done() says the
     * write is stored. */
    void (*done)(void *ctx, const PGresult *const *res, int n);
    void *ctx;
    void (*cleanup)(void *ctx);    /* when done() will not be called (refused, forgotten) */
};

/* What becomes of a write sent. */
struct db_outbox_reply {
    /* The database has it (answer: the answer column's value, "" when the
     * kind has none), or refused it (answer NULL, err a sentence). */
    void (*done)(void *ctx, const char *answer, const char *err);
    /* The connection was lost before the answer came: the write waits on
     * this terminal and goes again under the same key once the connection
     * is back. May be NULL. */
    void (*waiting)(void *ctx);
    /* Also the owner: db_forget_owner(c, ctx) stops the sending (a screen
     * closing); what is on disk stays there and is offered at the next start. */
    void *ctx;
    /* Reads to send behind the write; NULL: none. Taken over by the send
     * (its cleanup is called when they are not delivered). */
    const struct db_outbox_follow *follow;
};

/* Keep a write on disk without sending it: a form as typed, in state
 * ("draft"). Returns 0, or -1 with the reason in err. */
int db_outbox_keep(const struct db_outbox_write *w, const char *state, char *err, size_t errlen);

/* Keep the write on disk as "submitting" (when it has a dir), then send
 * it. The database's answer removes it from disk; a refusal leaves it
 * there as "draft". Not kept (a full disk): it is sent all the same and
 * err says why it is not on disk, else err is "". Returns the request id. */
unsigned db_outbox_send(struct db_conn *c, const struct db_outbox_write *w, const struct db_outbox_reply *r, char *err,
                        size_t errlen);

/* Send a write kept on disk as it is (found by db_journal_list), under its
 * own key. Returns the request id, or 0 with err when its kind is not one
 * db_outbox_kind() knows. */
unsigned db_outbox_send_kept(struct db_conn *c, const char *dir, const struct journal_draft *d,
                             const struct db_outbox_reply *r, char *err, size_t errlen);

/* Throw a kept write away. Missing is not an error. */
int db_outbox_discard(const char *dir, const char *key);

/* The kinds the journal may hold: NULL for one this version does not know. */
const struct db_outbox_kind *db_outbox_kind(const char *kind);
/* Every kind's statements prepared ahead of the first write of a session
 * (db_prepare_ahead): a save then sends only its fields. */
void db_outbox_prepare(struct db_conn *c);

/* The statements' parameters for a write, by name, in $n order (pure, for
 * the unit tests): values point into w's fields, NULL for a field it
 * lacks; *run is false when the statement's only_if field is not "yes".
 * Returns the number of parameters. */
int db_outbox_params(const struct db_outbox_write *w, int stmt, const char **values, bool *run);

#endif
