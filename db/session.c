/* session.c — the statements every session runs on a new connection: the utility's time zone, and the staff row of the login role. */
#include "careline/session.h"

#include <stdlib.h>

/* Times on screen are the utility's local time (app_setting 'timezone'),
 * whatever the server's default: set for every new session. */
static const char timezone_sql[] = "SELECT set_config('TimeZone', careline_timezone(), false)";
static const char staff_sql[] = "SELECT coalesce(current_staff_id(), 0) AS staff_id";

int db_session_start(struct db_conn *c, long long *staff_id)
{
    *staff_id = 0;
    /* One failing does not keep the other from being tried. */
    PGresult *r = db_exec(c, timezone_sql, 0, NULL);
    int rc = r ? 0 : -1;
    PQclear(r);
    r = db_exec(c, staff_sql, 0, NULL);
    if (r && PQntuples(r) == 1)
        *staff_id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    else
        rc = -1;
    PQclear(r);
    return rc;
}

void db_session_resume(struct db_conn *c)
{
    struct db_query q = {.sql = timezone_sql};
    db_send(c, &q);
}
