/* staff.h — `careline staff`: each staff member's own PostgreSQL login role, in one Careline group, linked to their staff row. */
#ifndef CARELINE_STAFF_H
#define CARELINE_STAFF_H

#include <stdbool.h>
#include <stddef.h>

#include "careline/db.h"
#include "careline/record.h"

/* A login name Careline will turn into a role: lower-case letters, digits
 * and _, starting with a letter or _, at most 63 bytes, not pg_* and not a
 * group role. The database checks the same (staff_check_login). */
bool db_staff_login_valid(const char *login);
/* agent, supervisor, field or admin. */
bool db_staff_group_valid(const char *group);

/* Each returns 0, or -1 with the server's reason in err. All are
 * idempotent: running one twice leaves the same state as running it once. */

/* Create the role (LOGIN, no password: the administrator sets one with
 * psql's \password, or the server authenticates by peer or certificate) or
 * adopt an existing one, put it in exactly the group, and add or update the
 * staff row. *created says whether the role is new. team may be NULL. */
int db_staff_add(struct db_conn *c, const char *login, const char *name, const char *group, const char *team,
                 bool *created, char *err, size_t errlen);
/* Mark the staff row inactive and take LOGIN away, then end the role's open
 * sessions; *ended counts them. A failure to end them (the administrator
 * lacks pg_signal_backend) is reported after the disable is committed. */
int db_staff_disable(struct db_conn *c, const char *login, int *ended, char *err, size_t errlen);
int db_staff_enable(struct db_conn *c, const char *login, char *err, size_t errlen);
int db_staff_set_group(struct db_conn *c, const char *login, const char *group, char *err, size_t errlen);
/* team "" clears it. A field worker's team is their office (office_zone). */
int db_staff_set_team(struct db_conn *c, const char *login, const char *team, char *err, size_t errlen);

/* Every staff row, by login, with whether its role can log in now. */
struct db_staff_member {
    char *login_role, *display_name, *team, *group_role; /* team "" when none */
    bool active, can_login;
};
/* Rows of struct db_staff_member into out (db_rows_free). Returns 0, or -1
 * with the reason in err. */
int db_staff_list(struct db_conn *c, struct db_rows *out, char *err, size_t errlen);

/* The statements whose answers are decoded, for the database test that runs
 * every listed statement against the schema (tests/db/statements.c). */
const struct db_statement *db_staff_statements(int *n);

#endif
