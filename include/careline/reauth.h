/* reauth.h — checking that the person at a locked terminal is the one logged in: a fresh connection attempt as the same role to the same server, the password checked by PostgreSQL, on a thread so the screen never waits. */
#ifndef CARELINE_REAUTH_H
#define CARELINE_REAUTH_H

#include <stdbool.h>
#include <stddef.h>

#include "careline/db.h"

/* Whether the session's connection was made with a password (scram or md5
 * in pg_hba.conf): then unlocking needs it typed again. False for peer,
 * certificate and trust logins, which have no password to ask. */
bool db_reauth_needs_password(struct db_conn *c);

/* The login role of the session, "" when not connected. */
const char *db_reauth_user(struct db_conn *c);

enum db_reauth_result {
    DB_REAUTH_PENDING,      /* still asking the server */
    DB_REAUTH_OK,           /* the server let the role in */
    DB_REAUTH_REFUSED,      /* the server said no: wrong password, login taken away */
    DB_REAUTH_UNREACHABLE   /* no answer to the question: nothing is known */
};

struct db_reauth;
/* Start a check: the session's connection parameters with password (NULL:
 * none, for logins without one) and never a password file, so .pgpass can
 * never unlock by itself; libpq writes nothing to the terminal. The password is copied and wiped after use.
 * Never NULL. */
struct db_reauth *db_reauth_start(struct db_conn *c, const char *password);
/* The answer so far; a sentence for people in why (the server's first line
 * when refused). Never blocks. */
enum db_reauth_result db_reauth_poll(struct db_reauth *r, char *why, size_t len);
/* Lets go of the check: freed now, or by its thread when the server has
 * answered (never waits). */
void db_reauth_free(struct db_reauth *r);

#endif
