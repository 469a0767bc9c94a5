/* search.h — finding customers by account, name, address, postcode, phone or meter serial. */
#ifndef CARELINE_SEARCH_H
#define CARELINE_SEARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "careline/db.h"
#include "careline/record.h"

/* Bytes a search field accepts; db_search_check refuses more than half of it
 * with a hint, so a long paste is seen and explained, not silently cut. */
#define DB_SEARCH_INPUT_MAX 512
#define SEARCH_SQL_PARAM_MAX 256

/* One customer found, decoded by column name (record.h). */
struct db_search_hit {
    int64_t customer_id;
    char *account_no;
    char *name;
    char *address;      /* first service address, one line */
    char *postcode;
    char *segment;
    char *phone;        /* E.164 */
    char *flags;        /* words: "PSR VULN NON-DIGITAL KEY EVENT ARREARS" */
    char *matched;      /* what matched: account, phone, postcode, meter, name, address */
    int64_t total;      /* the same on every row: see db_search_result */
    bool capped;
};

struct db_search_result {
    struct db_rows rows;        /* struct db_search_hit: owns what hits points at */
    struct db_search_hit *hits;
    int count;          /* rows here: the best ones, at most the limit asked for */
    int total;          /* customers matching in all, of which hits are the best */
    bool total_capped;  /* total stopped counting: "more than total" (partial phone, postcode area) */
    char *error;        /* NULL on success: the database's or the decoder's sentence */
    double elapsed_ms;  /* from sending to the result */
    int offset;         /* rows of the same search before these (db_search_page) */
    bool more;          /* a full page came back: there may be rows after it */
};

/* Check search text before it goes anywhere near the database. Returns 0
 * when it can be searched, or -1 with a hint for the agent ("type at least
 * 2 characters", "that is not valid text") in hint. */
int db_search_check(const char *text, char *hint, size_t hintlen);

/* Start a search as you type: replaces any earlier search of this
 * connection (the newest keystroke wins), waits delay_ms first, and calls
 * done with a result the callee owns (free with db_search_result_free).
 * ctx is also the request's owner: db_forget_owner(c, ctx) drops it.
 * Returns the request id. */
unsigned db_search_start(struct db_conn *c, const char *text, int limit, int delay_ms,
                         void (*done)(void *ctx, struct db_search_result *r), void *ctx);
/* The rows of the same search after the first offset: scrolling past
 * what was fetched. Same slot as db_search_start (the newest wins); the
 * result's total is the true one whatever the page. */
unsigned db_search_page(struct db_conn *c, const char *text, int offset, int limit, int delay_ms,
                        void (*done)(void *ctx, struct db_search_result *r), void *ctx);
/* Add a page (from db_search_page) to the rows before it; a page that does
 * not follow on (its offset is not into's count) is left out. from keeps
 * nothing; free it as usual. */
void db_search_result_append(struct db_search_result *into, struct db_search_result *from);
/* The same search, waiting for the answer (command line, tests). */
int db_search_run(struct db_conn *c, const char *text, int limit, struct db_search_result *out);
void db_search_result_free(struct db_search_result *r);
/* Prepare every kind's statement whenever c connects (now, when already
 * connected, and after each reconnect), and run each once, so the agent's
 * first search costs what the tenth does. */
void db_search_prepare(struct db_conn *c);
/* One statement of each kind, with values that match the seeded demo data,
 * for the database test that runs each and decodes it (tests/db/
 * statements.c). Sets *n. */
const struct db_statement *db_search_statements(int *n);
/* What db_search_run() sends for text: its statement's name, SQL and
 * parameters, for the bench to send the same with libpq alone. Returns 0,
 * or -1 with a hint in out->hint when the text cannot be searched. */
struct db_search_sql {
    const char *name, *sql;
    int nparams;
    const char *params[4];
    char bufs[4][SEARCH_SQL_PARAM_MAX];   /* what params point at */
    char hint[256];
};
int db_search_sql(const char *text, int limit, struct db_search_sql *out);

#endif
