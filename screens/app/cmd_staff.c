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
#include "careline/util.h"

/* The sub-commands. */
enum staff_sub { STAFF_ADD, STAFF_DISABLE, STAFF_ENABLE, STAFF_ROLE, STAFF_TEAM, STAFF_LIST, STAFF__COUNT };
static const char *const sub_names[STAFF__COUNT] = {
    [STAFF_ADD] = "add",   [STAFF_DISABLE] = "disable", [STAFF_ENABLE] = "enable",
    [STAFF_ROLE] = "role", [STAFF_TEAM] = "team",       [STAFF_LIST] = "list",
};

/* How many positional arguments follow the sub-command. */
static int positional(enum staff_sub sub)
{
    switch (sub) {
    case STAFF_LIST: return 0;
    case STAFF_ROLE:
    case STAFF_TEAM: return 2;
    default: return 1;
    }
}

struct opts {
    enum staff_sub sub;
    const char *name_of_sub;   /* as typed, for messages */
    const char *login, *name, *group, *team;
    bool csv;
};

/* The sub-command called name, or -1. */
static int sub_lookup(const char *name)
{
    for (int i = 0; i < STAFF__COUNT; i++)
        if (strcmp(sub_names[i], name) == 0)
            return i;
    return -1;
}

static int parse_args(int argc, char **argv, struct opts *o, const char *pos[2], int need)
{
    const struct cli_command *c = &cli_cmd_staff;
    int npos = 0;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        const char **slot = NULL;
        if (o->sub == STAFF_ADD && strcmp(a, "--name") == 0)
            slot = &o->name;
        else if (o->sub == STAFF_ADD && strcmp(a, "--group") == 0)
            slot = &o->group;
        else if (o->sub == STAFF_ADD && strcmp(a, "--team") == 0)
            slot = &o->team;
        if (slot) {
            if (i + 1 >= argc)
                return cli_usage_error(c, "%s needs a value", a);
            *slot = argv[++i];
        } else if (o->sub == STAFF_LIST && strcmp(a, "--csv") == 0) {
            o->csv = true;
        } else if (a[0] == '-' && a[1]) {
            return cli_usage_error(c, "unknown option '%s' for %s", a, o->name_of_sub);
        } else if (npos < need) {
            pos[npos++] = a;
        } else {
            return cli_usage_error(c, "%s takes %d argument(s), got also '%s'", o->name_of_sub, need, a);
        }
    }
    if (npos < need)
        return cli_usage_error(c, "%s needs %s", o->name_of_sub,
                               need == 1 ? "a LOGIN" : o->sub == STAFF_ROLE ? "LOGIN GROUP" : "LOGIN TEAM");
    return 0;
}

static int parse(int argc, char **argv, struct opts *o)
{
    const struct cli_command *c = &cli_cmd_staff;
    memset(o, 0, sizeof *o);
    if (argc < 2)
        return cli_usage_error(c, "%s", "needs what to do: add, disable, enable, role, team or list");
    o->name_of_sub = argv[1];
    int sub = sub_lookup(argv[1]);
    if (sub < 0)
        return cli_usage_error(c, "unknown sub-command '%s'", argv[1]);
    o->sub = (enum staff_sub)sub;
    int need = positional(o->sub);
    const char *pos[2] = {NULL, NULL};
    int rc = parse_args(argc, argv, o, pos, need);
    if (rc)
        return rc;
    o->login = pos[0];
    if (o->sub == STAFF_ROLE)
        o->group = pos[1];
    if (o->sub == STAFF_TEAM)
        o->team = pos[1];
    if (o->login && !db_staff_login_valid(o->login))
        return cli_usage_error(c,
                               "'%s' is not a login name Careline accepts: lower-case letters, digits and _, "
                               "at most 63, not starting with a digit or pg_, not a group role",
                               o->login);
    if (o->sub == STAFF_ADD) {
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
    switch (o->sub) {
    case STAFF_ADD: {
        bool created = false;
        if (db_staff_add(db, o->login, o->name, o->group, o->team, &created, err, errlen) < 0)
            return -1;
        printf("%s: %s, group %s\n", o->login, created ? "role created" : "existing role linked", o->group);
        return 0;
    }
    case STAFF_DISABLE: {
        int ended = 0;
        if (db_staff_disable(db, o->login, &ended, err, errlen) < 0)
            return -1;
        printf("%s: disabled, %d session(s) ended\n", o->login, ended);
        return 0;
    }
    case STAFF_ENABLE:
        if (db_staff_enable(db, o->login, err, errlen) < 0)
            return -1;
        printf("%s: enabled\n", o->login);
        return 0;
    case STAFF_ROLE:
        if (db_staff_set_group(db, o->login, o->group, err, errlen) < 0)
            return -1;
        printf("%s: group %s\n", o->login, o->group);
        return 0;
    case STAFF_TEAM:
        if (db_staff_set_team(db, o->login, o->team, err, errlen) < 0)
            return -1;
        printf("%s: team %s\n", o->login, *o->team ? o->team : "(none)");
        return 0;
    case STAFF_LIST:
    case STAFF__COUNT:
        break;
    }
    util_format(err, errlen, "%s changes nothing", o->name_of_sub);
    return -1;
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
    if (o.sub == STAFF_LIST)
        return list(db, o.csv);
    char err[1024];
    if (apply(db, &o, err, sizeof err) < 0) {
        fprintf(stderr, "careline staff %s: %s\n", o.name_of_sub, err);
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
