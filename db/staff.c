/* staff.c — staff login roles and their staff rows, through the database's staff_* functions, and the staff list (the model of `careline staff`). */
#include "careline/staff.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careline/util.h"

static const char *const groups[] = {"agent", "supervisor", "field", "admin", NULL};

bool db_staff_login_valid(const char *login)
{
    size_t n = login ? strlen(login) : 0;
    if (n == 0 || n > 63 || (login[0] >= '0' && login[0] <= '9') || strncmp(login, "pg_", 3) == 0 ||
        strcmp(login, "public") == 0)
        return false;
    if (strncmp(login, "careline_", 9) == 0 && db_staff_group_valid(login + 9))
        return false;   /* a group role is not a person */
    for (size_t i = 0; i < n; i++) {
        char ch = login[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_'))
            return false;
    }
    return true;
}

bool db_staff_group_valid(const char *group)
{
    for (int i = 0; group && groups[i]; i++)
        if (strcmp(group, groups[i]) == 0)
            return true;
    return false;
}

/* One call of a staff_* function; the first value of the answer, if any,
 * goes to out. */
static int call(struct db_conn *c, const char *sql, int n, const char *const *p, char *out, size_t outlen,
                char *err, size_t errlen)
{
    PGresult *r = db_exec(c, sql, n, p);
    if (!r) {
        util_format(err, errlen, "%s", db_error(c));
        return -1;
    }
    if (out && outlen)
        util_format(out, outlen, "%s", PQntuples(r) > 0 && PQnfields(r) > 0 ? PQgetvalue(r, 0, 0) : "");
    PQclear(r);
    return 0;
}

int db_staff_add(struct db_conn *c, const char *login, const char *name, const char *group, const char *team,
                 bool *created, char *err, size_t errlen)
{
    const char *p[4] = {login, name, group, team};
    char what[16];
    if (call(c, "SELECT staff_add($1, $2, $3, $4)", 4, p, what, sizeof what, err, errlen) < 0)
        return -1;
    *created = strcmp(what, "created") == 0;
    return 0;
}

int db_staff_disable(struct db_conn *c, const char *login, int *ended, char *err, size_t errlen)
{
    const char *p[1] = {login};
    char n[16];
    *ended = 0;
    /* Two statements, two transactions: once LOGIN is gone and committed,
     * an ended session cannot come straight back. */
    if (call(c, "SELECT staff_disable($1)", 1, p, NULL, 0, err, errlen) < 0 ||
        call(c, "SELECT staff_end_sessions($1)", 1, p, n, sizeof n, err, errlen) < 0)
        return -1;
    if (util_parse_int(n, ended) < 0) {
        util_format(err, errlen, "staff_end_sessions answered '%s', not a count of sessions", n);
        return -1;
    }
    return 0;
}

int db_staff_enable(struct db_conn *c, const char *login, char *err, size_t errlen)
{
    const char *p[1] = {login};
    return call(c, "SELECT staff_enable($1)", 1, p, NULL, 0, err, errlen);
}

int db_staff_set_group(struct db_conn *c, const char *login, const char *group, char *err, size_t errlen)
{
    const char *p[2] = {login, group};
    return call(c, "SELECT staff_set_role($1, $2)", 2, p, NULL, 0, err, errlen);
}

int db_staff_set_team(struct db_conn *c, const char *login, const char *team, char *err, size_t errlen)
{
    const char *p[2] = {login, team};
    return call(c, "SELECT staff_set_team($1, $2)", 2, p, NULL, 0, err, errlen);
}

/* ---- the list ------------------------------------------------------------ */

static const struct db_col staff_cols[] = {
    DB_COL(DB_TEXT, struct db_staff_member, login_role),
    DB_COL(DB_TEXT, struct db_staff_member, display_name),
    DB_COL(DB_TEXT, struct db_staff_member, team),
    DB_COL(DB_TEXT, struct db_staff_member, group_role),
    DB_COL(DB_BOOL, struct db_staff_member, active),
    DB_COL(DB_BOOL, struct db_staff_member, can_login),
};
static const struct db_shape staff_shape = DB_SHAPE("staff list", struct db_staff_member, staff_cols);

int db_staff_list(struct db_conn *c, struct db_rows *out, char *err, size_t errlen)
{
    PGresult *r = db_exec(c,
                          "SELECT s.login_role, s.display_name, coalesce(s.team, '') AS team, s.group_role,"
                          " s.active, coalesce(r.rolcanlogin, false) AS can_login"
                          " FROM staff s LEFT JOIN pg_roles r ON r.rolname = s.login_role ORDER BY s.login_role",
                          0, NULL);
    if (!r) {
        util_format(err, errlen, "%s", db_error(c));
        return -1;
    }
    int rc = db_rows_decode(out, &staff_shape, r, err, errlen);
    PQclear(r);
    return rc;
}
