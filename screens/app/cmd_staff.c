/* cmd_staff.c — `careline staff add|disable|enable|role|team|list`: staff login roles and their staff rows. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careline/app.h"
#include "careline/cli.h"
#include "careline/print.h"
#include "careline/staff.h"
#include "careline/text.h"

struct opts {
    const char *sub, *login, *name, *group, *team;
    bool csv;
};

/* Positional arguments after the sub-command, or -1 when it is unknown. */
static int positional(const char *sub)
{
    if (strcmp(sub, "list") == 0)
        return 0;
    if (strcmp(sub, "add") == 0 || strcmp(sub, "disable") == 0 || strcmp(sub, "enable") == 0)
        return 1;
    if (strcmp(sub, "role") == 0 || strcmp(sub, "team") == 0)
        return 2;
    return -1;
}

static int parse_args(int argc, char **argv, struct opts *o, const char *pos[2], int need)
{
    const struct cli_command *c = &cli_cmd_staff;
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
                return cli_usage_error(c, "%s needs a value", a);
            *slot = argv[++i];
        } else if (strcmp(o->sub, "list") == 0 && strcmp(a, "--csv") == 0) {
            o->csv = true;
        } else if (a[0] == '-' && a[1]) {
            return cli_usage_error(c, "unknown option '%s' for %s", a, o->sub);
        } else if (npos < need) {
            pos[npos++] = a;
        } else {
            return cli_usage_error(c, "%s takes %d argument(s), got also '%s'", o->sub, need, a);
        }
    }
    if (npos < need)
        return cli_usage_error(c, "%s needs %s", o->sub,
                               need == 1 ? "a LOGIN" : strcmp(o->sub, "role") == 0 ? "LOGIN GROUP" : "LOGIN TEAM");
    return 0;
}

static int parse(int argc, char **argv, struct opts *o)
{
    const struct cli_command *c = &cli_cmd_staff;
    memset(o, 0, sizeof *o);
    if (argc < 2)
        return cli_usage_error(c, "%s", "needs what to do: add, disable, enable, role, team or list");
    o->sub = argv[1];
    int need = positional(o->sub);
    if (need < 0)
        return cli_usage_error(c, "unknown sub-command '%s'", o->sub);
    const char *pos[2] = {NULL, NULL};
    int rc = parse_args(argc, argv, o, pos, need);
    if (rc)
        return rc;
    o->login = pos[0];
    if (strcmp(o->sub, "role") == 0)
        o->group = pos[1];
    if (strcmp(o->sub, "team") == 0)
        o->team = pos[1];
    if (o->login && !db_staff_login_valid(o->login))
        return cli_usage_error(c,
                               "'%s' is not a login name Careline accepts: lower-case letters, digits and _, "
                               "at most 63, not starting with a digit or pg_, not a group role",
                               o->login);
    if (strcmp(o->sub, "add") == 0) {
        if (!o->name || !*o->name)
            return cli_usage_error(c, "%s", "add needs --name NAME");
        if (!o->group)
            return cli_usage_error(c, "%s", "add needs --group GROUP");
    }
    if (o->group && !db_staff_group_valid(o->group))
        return cli_usage_error(c, "unknown group '%s' (agent, supervisor, field or admin)", o->group);
    return 0;
}

static int list(struct db_conn *db, bool csv)
{
    struct db_rows rows = {0};
    char err[1024];
    if (db_staff_list(db, &rows, err, sizeof err) < 0) {
        fprintf(stderr, "careline staff list: %s\n", err);
        return APP_EXIT_FAILED;
    }
    if (csv)
        puts("login,name,team,group,active,can_login");
    else
        printf("%-20s %-28s %-14s %-10s %s\n", "LOGIN", "NAME", "TEAM", "GROUP", "STATE");
    for (int i = 0; i < rows.n; i++) {
        const struct db_staff_member *m = DB_ROW(&rows, struct db_staff_member, i);
        const char *const text[4] = {m->login_role, m->display_name, m->team, m->group_role};
        if (csv) {
            for (int k = 0; k < 4; k++)
                print_csv(stdout, text[k], false);
            print_csv(stdout, m->active ? "true" : "false", false);
            print_csv(stdout, m->can_login ? "true" : "false", true);
            continue;
        }
        /* A row whose role cannot log in while active (or the reverse) is
         * worth an administrator's eye: say so rather than hide it. */
        const char *state = m->active && m->can_login     ? "active"
                            : !m->active && !m->can_login ? "disabled"
                            : m->active                   ? "active, role cannot log in"
                                                          : "disabled, role can log in";
        char *cell[4];
        for (int k = 0; k < 4; k++)
            cell[k] = tui_text_sanitize(text[k], false);
        printf("%-20s %-28s %-14s %-10s %s\n", cell[0], cell[1], cell[2], cell[3], state);
        for (int k = 0; k < 4; k++)
            free(cell[k]);
    }
    db_rows_free(&rows);
    return APP_EXIT_OK;
}

/* Each sub-command and what it prints when it worked. */
static int apply(struct db_conn *db, const struct opts *o, char *err, size_t errlen)
{
    if (strcmp(o->sub, "add") == 0) {
        bool created = false;
        if (db_staff_add(db, o->login, o->name, o->group, o->team, &created, err, errlen) < 0)
            return -1;
        printf("%s: %s, group %s\n", o->login, created ? "role created" : "existing role linked", o->group);
    } else if (strcmp(o->sub, "disable") == 0) {
        int ended = 0;
        if (db_staff_disable(db, o->login, &ended, err, errlen) < 0)
            return -1;
        printf("%s: disabled, %d session(s) ended\n", o->login, ended);
    } else if (strcmp(o->sub, "enable") == 0) {
        if (db_staff_enable(db, o->login, err, errlen) < 0)
            return -1;
        printf("%s: enabled\n", o->login);
    } else if (strcmp(o->sub, "role") == 0) {
        if (db_staff_set_group(db, o->login, o->group, err, errlen) < 0)
            return -1;
        printf("%s: group %s\n", o->login, o->group);
    } else {
        if (db_staff_set_team(db, o->login, o->team, err, errlen) < 0)
            return -1;
        printf("%s: team %s\n", o->login, *o->team ? o->team : "(none)");
    }
    return 0;
}

static int staff_run(int argc, char **argv)
{
    struct opts o;
    int rc = parse(argc, argv, &o);
    if (rc)
        return rc;
    struct db_conn *db = cli_db();
    if (!db)
        return APP_EXIT_NODB;
    if (strcmp(o.sub, "list") == 0)
        return list(db, o.csv);
    char err[1024];
    if (apply(db, &o, err, sizeof err) < 0) {
        fprintf(stderr, "careline staff %s: %s\n", o.sub, err);
        return APP_EXIT_FAILED;
    }
    return APP_EXIT_OK;
}

const struct cli_command cli_cmd_staff = {
    "staff",
    "staff add LOGIN --name NAME --group GROUP [--team TEAM]\tcreate a staff member's login role and staff row\n"
    "staff disable|enable LOGIN\ttake away (and end sessions) or give back the login\n"
    "staff role LOGIN GROUP\tmove to agent, supervisor, field or admin\n"
    "staff team LOGIN TEAM\tchange team (a field worker's team is their office)\n"
    "staff list [--csv]\tlist staff, their groups and whether they can log in",
    true, staff_run, false,
};
