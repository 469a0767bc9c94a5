/* session.c — the statements every session runs on a new connection: the utility's time zone, and the staff row of the login role. */
#include "careline/session.h"

#include <stdint.h>
#include <stdlib.h>

#include "careline/util.h"

/* Times on screen are the utility's local time (utility_region.timezone),
 * whatever the server's default: a setting of the connection (db_setting),
 * so that every session has it, and every transaction behind a pooler. */
static const char timezone_sql[] = "SELECT careline_timezone() AS zone";
static const char staff_sql[] =
    "SELECT coalesce(current_staff_id(), 0) AS staff_id, coalesce((SELECT group_role FROM staff"
    " WHERE id = current_staff_id()), CASE WHEN pg_has_role('careline_supervisor', 'member')"
    " THEN 'supervisor' ELSE 'agent' END) AS group_role";

int db_session_zone(struct db_conn *c)
{
    PGresult *r = db_exec(c, timezone_sql, 0, NULL);
    int rc = r && PQntuples(r) == 1 ? 0 : -1;
    if (rc == 0)
        db_setting(c, "TimeZone", PQgetvalue(r, 0, 0));
    PQclear(r);
    return rc;
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

/* The zone may have changed while the connection was away. */
static void zone_read(void *ctx, const PGresult *res, const char *err, double ms)
{
    (void)ms;
    if (!err && res && PQntuples(res) == 1)
        db_setting(ctx, "TimeZone", PQgetvalue(res, 0, 0));
}

void db_session_resume(struct db_conn *c)
{
    struct db_query q = {.sql = timezone_sql, .done = zone_read, .ctx = c};
    db_send(c, &q);
}
