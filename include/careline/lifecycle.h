/* lifecycle.h — which complaint actions can succeed, as one pure function of (status, action, role) that agrees with the database's rules; and how a deadline stands. */
#ifndef CARELINE_LIFECYCLE_H
#define CARELINE_LIFECYCLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The complaint's states (complaint.status in the database). */
enum db_lifecycle_status {
    DB_LC_NEW,
    DB_LC_ACKNOWLEDGED,
    DB_LC_INVESTIGATING,
    DB_LC_WAITING,          /* waiting_customer */
    DB_LC_RESOLVED,
    DB_LC_CLOSED,
    DB_LC_STATUS__COUNT
};

/* What the complaint screen offers. Status changes go through
 * complaint_transition_allowed() and the guards of 011/014 in the
 * database; the others insert rows the database refuses on a closed
 * complaint (014). */
enum db_lifecycle_action {
    DB_LC_ACKNOWLEDGE,
    DB_LC_INVESTIGATE,
    DB_LC_WAIT,
    DB_LC_RESOLVE,
    DB_LC_CLOSE,
    DB_LC_REOPEN,
    DB_LC_MERGE,
    DB_LC_NOTE,
    DB_LC_CREDIT,
    DB_LC_FOLLOW_UP,
    DB_LC_SCRIPT,
    DB_LC_ACTION__COUNT
};

/* Group roles: an admin is a supervisor here (careline_admin inherits it);
 * field staff may only add notes and credits to a complaint (006_roles.sql). */
enum db_lifecycle_role { DB_LC_AGENT, DB_LC_SUPERVISOR, DB_LC_FIELD, DB_LC_ROLE__COUNT };

/* "acknowledged" -> DB_LC_ACKNOWLEDGED; -1 for anything else. */
int db_lifecycle_status_parse(const char *status);
const char *db_lifecycle_status_name(enum db_lifecycle_status s);   /* as stored */
const char *db_lifecycle_action_name(enum db_lifecycle_action a);   /* "acknowledge", ... */
/* "agent" -> agent, "supervisor" and "admin" -> supervisor, "field" -> field;
 * anything else -> agent. */
enum db_lifecycle_role db_lifecycle_role_parse(const char *group_role);
const char *db_lifecycle_role_name(enum db_lifecycle_role r);

/* The status an action moves the complaint to, or -1 when it does not
 * change the status (note, credit, follow-up, script). */
int db_lifecycle_target(enum db_lifecycle_action a);

/* True when the database accepts the action on a complaint in status s
 * done by role r. When false and why is not NULL, a sentence for the agent
 * saying why and what to do instead is written there. Unknown values are
 * never allowed. (A close over an open follow-up is the one refusal that
 * depends on more than these three: the screen checks it before asking.) */
bool db_lifecycle_allowed(int s, int a, int r, char *why, size_t len);

/* How one deadline of a complaint stands, from what the database says is
 * left of it: screens colour this state, never their own words for it. */
enum db_deadline_state { DB_DEADLINE_MET, DB_DEADLINE_RUNNING, DB_DEADLINE_OVERDUE };
/* met: the deadline was met (or no longer counts); else seconds_left < 0 is overdue. */
enum db_deadline_state db_deadline_state_of(bool met, int64_t seconds_left);

#endif
