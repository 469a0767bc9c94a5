/* errtext.h — database errors as plain sentences for the people at the terminals: the one place SQLSTATEs and known messages are mapped. */
#ifndef CARELINE_ERRTEXT_H
#define CARELINE_ERRTEXT_H

#include <stddef.h>

/* A sentence for an error the server reported: sqlstate (may be NULL or "")
 * and its primary message (PG_DIAG_MESSAGE_PRIMARY, may be NULL). Never
 * "ERROR:", never a SQLSTATE; starts with a capital and ends with a full
 * stop. Writes into out (len bytes) and returns out. */
char *db_errtext(const char *sqlstate, const char *message, char *out, size_t len);

#endif
