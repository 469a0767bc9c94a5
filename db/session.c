/* session.c — the statements every session runs on a new connection: the utility's time zone, and the staff row of the login role. */
#include "careline/session.h"

#include <stdint.h>
#include <stdlib.h>

#include "careline/record.h"
#include "careline/util.h"

/* Times on screen are the utility's local time (utility_region.timezone),
 * whatever the server's default: a setting of the connection (db_setting),
 * so that every session has it, and every transaction behind a pooler. */
static const char timezone_sql[] = "SELECT careline_timezone() AS zone";
static const char staff_sql[] =
    "SELECT coalesce(current_staff_id(), 0) AS staff_id, coalesce((SELECT group_role FROM staff"
    " WHERE id = current_staff_id()), CASE WHEN pg_has_role('careline_supervisor', 'member')"
    " THEN 'supervisor' ELSE 'agent' END) AS group_role";

struct zone {
    char *zone;
};
static const struct db_col zone_cols[] = {DB_COL(DB_TEXT, struct zone, zone)};
static const struct db_shape zone_shape = DB_SHAPE("the utility's time zone", struct zone, zone_cols);

struct who {
    int64_t staff_id;
    char *group_role;
};
static const struct db_col who_cols[] = {
    DB_COL(DB_INT64, struct who, staff_id),
    DB_COL(DB_TEXT, struct who, group_role),
};
static const struct db_shape who_shape = DB_SHAPE("the session's staff row", struct who, who_cols);

/* The zone of a one-row answer made the connection's; -1 when it is not one. */
static int zone_set(struct db_conn *c, struct db_rows *rows)
{
    int rc = rows->n == 1 ? 0 : -1;
    if (rc == 0)
        db_setting(c, "TimeZone", DB_ROW(rows, struct zone, 0)->zone);
    db_rows_free(rows);
    return rc;
}

int db_session_zone(struct db_conn *c)
{
    struct db_rows rows = {0};
    char err[256];
    if (db_exec_one(c, timezone_sql, 0, NULL, &zone_shape, &rows, err, sizeof err) < 0)
        return -1;
    return zone_set(c, &rows);
}

int db_session_start(struct db_conn *c, long long *staff_id, char *role, size_t rolelen)
{
    *staff_id = 0;
    util_format(role, rolelen, "%s", "agent");
    /* One failing does not keep the other from being tried. */
    int rc = db_session_zone(c);
    struct db_rows rows = {0};
    char err[256];
    if (db_exec_one(c, staff_sql, 0, NULL, &who_shape, &rows, err, sizeof err) == 0) {
        const struct who *w = DB_ROW(&rows, struct who, 0);
        *staff_id = w->staff_id;
        util_format(role, rolelen, "%s", w->group_role);
        db_rows_free(&rows);
    } else {
        rc = -1;
    }
    return rc;
}

/* The zone may have changed while the connection was away. */
static void zone_read(void *ctx, const PGresult *res, const char *err, double ms)
{
    (void)ms;
    struct db_rows rows = {0};
    char why[256];
    if (!err && db_rows_decode(&rows, &zone_shape, res, why, sizeof why) == 0)
        zone_set(ctx, &rows);
}

void db_session_resume(struct db_conn *c)
{
    struct db_query q = {.sql = timezone_sql, .done = zone_read, .ctx = c};
    db_send(c, &q);
}

static const struct db_statement statements[] = {
    {timezone_sql, 0, NULL, &zone_shape, false},
    {staff_sql, 0, NULL, &who_shape, false},
};

const struct db_statement *db_session_statements(int *n)
{
    *n = (int)(sizeof statements / sizeof statements[0]);
    return statements;
}
