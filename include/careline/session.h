/* session.h — what every Careline session sets on a new connection: the utility's time zone, and who is logged in. */
#ifndef CARELINE_SESSION_H
#define CARELINE_SESSION_H

#include "careline/db.h"

/* Once connected (at start or after the login screen), synchronously:
 * times are shown in the utility's time zone (utility_region.timezone)
 * whatever the server's default, and *staff_id is the staff row of the
 * login role, 0 when it has none; role is its group ("agent",
 * "supervisor", "field", "admin"; a login without a staff row counts as
 * a supervisor when it is a member of careline_supervisor). Returns 0, or
 * -1 with db_error() set. */
/* Times the database formats in this session are the utility's
 * (careline_timezone()): run by db_session_start, and by the commands.
 * Returns 0 or -1. */
int db_session_zone(struct db_conn *c);
int db_session_start(struct db_conn *c, long long *staff_id, char *role, size_t rolelen);
/* After the connection was made again: the time zone once more, sent
 * asynchronously (the screen never waits on it). */
void db_session_resume(struct db_conn *c);

/* The statements above and their records, for the database test that runs
 * every listed statement against the schema (tests/db/statements.c). */
struct db_statement;
const struct db_statement *db_session_statements(int *n);

#endif
