/* session.c — the statements every session runs on a new connection: the utility's time zone, and the staff row of the login role. */
#include "careline/session.h"

#include <stdint.h>
#include <stdlib.h>

#include "careline/util.h"

/* Times on screen are the utility's local time (utility_region.timezone),
 * whatever the server's default: set for every new session. */
static const char timezone_sql[] = "SELECT set_config('TimeZone', careline_timezone(), false)";
static const char staff_sql[] =
    "SELECT coalesce(current_staff_id(), 0) AS staff_id, coalesce((SELECT group_role FROM staff"
    " WHERE id = current_staff_id()), CASE WHEN pg_has_role('careline_supervisor', 'member')"
    " THEN 'supervisor' ELSE 'agent' END) AS group_role";

int db_session_zone(struct db_conn *c)
{
    PGresult *r = db_exec(c, timezone_sql, 0, NULL);
    PQclear(r);
    return r ? 0 : -1;
}

int db_session_start(struct db_conn *c, long long *staff_id, char *role, size_t rolelen)
{
    *staff_id = 0;
    util_format(role, rolelen, "%s", "agent");
    /* One failing does not keep the other from being tried. */
    int rc = db_session_zone(c);
    PGresult *r = db_exec(c, staff_sql, 0, NULL);
    int64_t id;
    if (r && PQntuples(r) == 1 && util_parse_int64(PQgetvalue(r, 0, 0), &id) == 0) {
        *staff_id = id;
        util_format(role, rolelen, "%s", PQgetvalue(r, 0, 1));
    }
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
