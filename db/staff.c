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

/* What staff_add() did, and how many sessions staff_end_sessions() ended. */
static const char add_sql[] = "SELECT staff_add($1, $2, $3, $4) AS outcome";
static const char end_sessions_sql[] = "SELECT staff_end_sessions($1) AS ended";
struct staff_added {
    char *outcome;   /* "created" or "updated" */
};
struct staff_ended {
    int ended;
};
static const struct db_col added_cols[] = {DB_COL(DB_TEXT, struct staff_added, outcome)};
static const struct db_shape added_shape = DB_SHAPE("staff_add()", struct staff_added, added_cols);
static const struct db_col ended_cols[] = {DB_COL(DB_INT, struct staff_ended, ended)};
static const struct db_shape ended_shape = DB_SHAPE("staff_end_sessions()", struct staff_ended, ended_cols);

/* One call of a staff_* function that answers nothing. */
static int call(struct db_conn *c, const char *sql, int n, const char *const *p, char *err, size_t errlen)
{
    PGresult *r = db_exec(c, sql, n, p);
    if (!r) {
        util_format(err, errlen, "%s", db_error(c));
        return -1;
    }
    PQclear(r);
    return 0;
}

int db_staff_add(struct db_conn *c, const char *login, const char *name, const char *group, const char *team,
                 bool *created, char *err, size_t errlen)
{
    const char *p[4] = {login, name, group, team};
    struct db_rows rows = {0};
    if (db_exec_one(c, add_sql, 4, p, &added_shape, &rows, err, errlen) < 0)
        return -1;
    *created = strcmp(DB_ROW(&rows, struct staff_added, 0)->outcome, "created") == 0;
    db_rows_free(&rows);
    return 0;
}

int db_staff_disable(struct db_conn *c, const char *login, int *ended, char *err, size_t errlen)
{
    const char *p[1] = {login};
    struct db_rows rows = {0};
    *ended = 0;
    /* Two statements, two transactions: once LOGIN is gone and committed,
     * an ended session cannot come straight back. */
    if (call(c, "SELECT staff_disable($1)", 1, p, err, errlen) < 0 ||
        db_exec_one(c, end_sessions_sql, 1, p, &ended_shape, &rows, err, errlen) < 0)
        return -1;
    *ended = DB_ROW(&rows, struct staff_ended, 0)->ended;
    db_rows_free(&rows);
    return 0;
}

int db_staff_enable(struct db_conn *c, const char *login, char *err, size_t errlen)
{
    const char *p[1] = {login};
    return call(c, "SELECT staff_enable($1)", 1, p, err, errlen);
}

int db_staff_set_group(struct db_conn *c, const char *login, const char *group, char *err, size_t errlen)
{
    const char *p[2] = {login, group};
    return call(c, "SELECT staff_set_role($1, $2)", 2, p, err, errlen);
}

int db_staff_set_team(struct db_conn *c, const char *login, const char *team, char *err, size_t errlen)
{
    const char *p[2] = {login, team};
    return call(c, "SELECT staff_set_team($1, $2)", 2, p, err, errlen);
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
static const char list_sql[] =
    "SELECT s.login_role, s.display_name, coalesce(s.team, '') AS team, s.group_role,"
    " s.active, coalesce(r.rolcanlogin, false) AS can_login"
    " FROM staff s LEFT JOIN pg_roles r ON r.rolname = s.login_role ORDER BY s.login_role";

int db_staff_list(struct db_conn *c, struct db_rows *out, char *err, size_t errlen)
{
    return db_exec_rows(c, list_sql, 0, NULL, &staff_shape, out, err, errlen);
}

static const char *const add_params[] = {"statements_probe", "Statements Probe", "agent", NULL};
static const char *const login_params[] = {"agent01"};
static const struct db_statement statements[] = {
    {list_sql, 0, NULL, &staff_shape, false},
    {add_sql, 4, add_params, &added_shape, true},
    {end_sessions_sql, 1, login_params, &ended_shape, true},
};

const struct db_statement *db_staff_statements(int *n)
{
    *n = (int)(sizeof statements / sizeof statements[0]);
    return statements;
}
