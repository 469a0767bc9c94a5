/* staff.c — `careline staff add|disable|enable|role|team|list`: staff login roles and their staff rows, through the database's staff_* functions. */
#include "careline/staff.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careline/app.h"
#include "careline/print.h"
#include "careline/text.h"

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
        snprintf(err, errlen, "%s", db_error(c));
        return -1;
    }
    if (out && outlen)
        snprintf(out, outlen, "%s", PQntuples(r) > 0 && PQnfields(r) > 0 ? PQgetvalue(r, 0, 0) : "");
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
    *ended = atoi(n);
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

/* ---- the command line ---------------------------------------------------- */

struct opts {
    const char *sub, *login, *name, *group, *team;
    bool csv;
};

__attribute__((format(printf, 1, 2)))
static int usage(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("careline staff: ", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs("\nUsage: careline staff add LOGIN --name NAME --group GROUP [--team TEAM]\n"
          "       careline staff disable|enable LOGIN\n"
          "       careline staff role LOGIN GROUP\n"
          "       careline staff team LOGIN TEAM\n"
          "       careline staff list [--csv]\n"
          "GROUP is agent, supervisor, field or admin. See careline(1).\n",
          stderr);
    return APP_EXIT_USAGE;
}

static int parse(int argc, char **argv, struct opts *o)
{
    memset(o, 0, sizeof *o);
    if (argc < 2)
        return usage("%s", "needs what to do: add, disable, enable, role, team or list");
    o->sub = argv[1];
    int need;   /* positional arguments after the sub-command */
    if (strcmp(o->sub, "list") == 0)
        need = 0;
    else if (strcmp(o->sub, "add") == 0 || strcmp(o->sub, "disable") == 0 || strcmp(o->sub, "enable") == 0)
        need = 1;
    else if (strcmp(o->sub, "role") == 0 || strcmp(o->sub, "team") == 0)
        need = 2;
    else
        return usage("unknown sub-command '%s'", o->sub);
    const char *pos[2] = {NULL, NULL};
    int npos = 0;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        const char **slot = NULL;
        if (strcmp(o->sub, "add") == 0 && strcmp(a, "--name") == 0)
            slot = &o->name;
        else if (strcmp(o->sub, "add") == 0 && strcmp(a, "--group") == 0)
            slot = &o->group;
        else if (strcmp(o->sub, "add") == 0 && strcmp(a, "--team") == 0)
            slot = &o->team;
        if (slot) {
            if (i + 1 >= argc)
                return usage("%s needs a value", a);
            *slot = argv[++i];
        } else if (strcmp(o->sub, "list") == 0 && strcmp(a, "--csv") == 0) {
            o->csv = true;
        } else if (a[0] == '-' && a[1]) {
            return usage("unknown option '%s' for %s", a, o->sub);
        } else if (npos < need) {
            pos[npos++] = a;
        } else {
            return usage("%s takes %d argument(s), got also '%s'", o->sub, need, a);
        }
    }
    if (npos < need)
        return usage("%s needs %s", o->sub, need == 1 ? "a LOGIN" : strcmp(o->sub, "role") == 0 ? "LOGIN GROUP"
                                                                                             : "LOGIN TEAM");
    o->login = pos[0];
    if (strcmp(o->sub, "role") == 0)
        o->group = pos[1];
    if (strcmp(o->sub, "team") == 0)
        o->team = pos[1];
    if (o->login && !db_staff_login_valid(o->login))
        return usage("'%s' is not a login name Careline accepts: lower-case letters, digits and _, "
                     "at most 63, not starting with a digit or pg_, not a group role",
                     o->login);
    if (strcmp(o->sub, "add") == 0) {
        if (!o->name || !*o->name)
            return usage("%s", "add needs --name NAME");
        if (!o->group)
            return usage("%s", "add needs --group GROUP");
    }
    if (o->group && !db_staff_group_valid(o->group))
        return usage("unknown group '%s' (agent, supervisor, field or admin)", o->group);
    return 0;
}

int db_staff_cli_parse(int argc, char **argv)
{
    struct opts o;
    return parse(argc, argv, &o);
}

enum { L_LOGIN, L_NAME, L_TEAM, L_GROUP, L_ACTIVE, L_LOGIN_OK, L__COUNT };
static const char *const list_cols[L__COUNT] = {"login_role", "display_name", "team", "group_role", "active",
                                                "can_login"};

static int list(struct db_conn *db, bool csv)
{
    PGresult *r = db_exec(db,
                          "SELECT s.login_role, s.display_name, coalesce(s.team, '') AS team, s.group_role,"
                          " s.active, coalesce(r.rolcanlogin, false) AS can_login"
                          " FROM staff s LEFT JOIN pg_roles r ON r.rolname = s.login_role ORDER BY s.login_role",
                          0, NULL);
    if (!r) {
        fprintf(stderr, "careline staff list: %s\n", db_error(db));
        return APP_EXIT_FAILED;
    }
    int col[L__COUNT];
    for (int i = 0; i < L__COUNT; i++)
        if ((col[i] = PQfnumber(r, list_cols[i])) < 0) {
            fprintf(stderr, "careline staff list: no column %s in the answer\n", list_cols[i]);
            PQclear(r);
            return APP_EXIT_FAILED;
        }
    if (csv)
        puts("login,name,team,group,active,can_login");
    else
        printf("%-20s %-28s %-14s %-10s %s\n", "LOGIN", "NAME", "TEAM", "GROUP", "STATE");
    for (int i = 0; i < PQntuples(r); i++) {
        bool active = strcmp(PQgetvalue(r, i, col[L_ACTIVE]), "t") == 0;
        bool can = strcmp(PQgetvalue(r, i, col[L_LOGIN_OK]), "t") == 0;
        /* A row whose role cannot log in while active (or the reverse) is
         * worth an administrator's eye: say so rather than hide it. */
        const char *state = active && can ? "active" : !active && !can ? "disabled"
                          : active ? "active, role cannot log in" : "disabled, role can log in";
        if (csv) {
            for (int k = 0; k < L_ACTIVE; k++)
                print_csv(stdout, PQgetvalue(r, i, col[k]), false);
            print_csv(stdout, active ? "true" : "false", false);
            print_csv(stdout, can ? "true" : "false", true);
            continue;
        }
        char *cell[4];
        for (int k = 0; k < 4; k++)
            cell[k] = tui_text_sanitize(PQgetvalue(r, i, col[k]), false);
        printf("%-20s %-28s %-14s %-10s %s\n", cell[0], cell[1], cell[2], cell[3], state);
        for (int k = 0; k < 4; k++)
            free(cell[k]);
    }
    PQclear(r);
    return APP_EXIT_OK;
}

int db_staff_cli_run(int argc, char **argv, struct db_conn *db)
{
    struct opts o;
    int rc = parse(argc, argv, &o);
    if (rc)
        return rc;
    if (strcmp(o.sub, "list") == 0)
        return list(db, o.csv);
    char err[1024];
    int res;
    if (strcmp(o.sub, "add") == 0) {
        bool created = false;
        res = db_staff_add(db, o.login, o.name, o.group, o.team, &created, err, sizeof err);
        if (res == 0)
            printf("%s: %s, group %s\n", o.login, created ? "role created" : "existing role linked", o.group);
    } else if (strcmp(o.sub, "disable") == 0) {
        int ended = 0;
        res = db_staff_disable(db, o.login, &ended, err, sizeof err);
        if (res == 0)
            printf("%s: disabled, %d session(s) ended\n", o.login, ended);
    } else if (strcmp(o.sub, "enable") == 0) {
        res = db_staff_enable(db, o.login, err, sizeof err);
        if (res == 0)
            printf("%s: enabled\n", o.login);
    } else if (strcmp(o.sub, "role") == 0) {
        res = db_staff_set_group(db, o.login, o.group, err, sizeof err);
        if (res == 0)
            printf("%s: group %s\n", o.login, o.group);
    } else {
        res = db_staff_set_team(db, o.login, o.team, err, sizeof err);
        if (res == 0)
            printf("%s: team %s\n", o.login, *o.team ? o.team : "(none)");
    }
    if (res < 0) {
        fprintf(stderr, "careline staff %s: %s\n", o.sub, err);
        return APP_EXIT_FAILED;
    }
    return APP_EXIT_OK;
}
