/* lifecycle.c — the complaint actions a role can take in each status: the database's transition table and guards, as a pure function the screens ask; how a deadline stands. */
#include "careline/lifecycle.h"

#include <stdio.h>
#include <string.h>

static const char *const status_names[DB_LC_STATUS__COUNT] = {
    [DB_LC_NEW] = "new",           [DB_LC_ACKNOWLEDGED] = "acknowledged", [DB_LC_INVESTIGATING] = "investigating",
    [DB_LC_WAITING] = "waiting_customer", [DB_LC_RESOLVED] = "resolved", [DB_LC_CLOSED] = "closed",
};

/* How the states read in a sentence. */
static const char *const status_words[DB_LC_STATUS__COUNT] = {
    [DB_LC_NEW] = "new",           [DB_LC_ACKNOWLEDGED] = "acknowledged", [DB_LC_INVESTIGATING] = "being investigated",
    [DB_LC_WAITING] = "waiting on the customer", [DB_LC_RESOLVED] = "resolved", [DB_LC_CLOSED] = "closed",
};

static const char *const action_names[DB_LC_ACTION__COUNT] = {
    [DB_LC_ACKNOWLEDGE] = "acknowledge", [DB_LC_INVESTIGATE] = "investigate", [DB_LC_WAIT] = "wait",
    [DB_LC_RESOLVE] = "resolve",         [DB_LC_CLOSE] = "close",             [DB_LC_REOPEN] = "reopen",
    [DB_LC_MERGE] = "merge",             [DB_LC_NOTE] = "note",               [DB_LC_CREDIT] = "credit",
    [DB_LC_FOLLOW_UP] = "follow-up",     [DB_LC_SCRIPT] = "script",
};

static const char *const role_names[DB_LC_ROLE__COUNT] = {
    [DB_LC_AGENT] = "agent", [DB_LC_SUPERVISOR] = "supervisor", [DB_LC_FIELD] = "field",
};

/* The moves complaint_transition_allowed() in 004_rules.sql permits, as
 * from -> to. An action is offered from a status exactly when its target
 * is reachable from there. Keep the two tables in step: the database test
 * (tests/db/test_lifecycle.sh) walks every pair against the real rule. */
static const bool moves[DB_LC_STATUS__COUNT][DB_LC_STATUS__COUNT] = {
    [DB_LC_NEW] = {[DB_LC_ACKNOWLEDGED] = true},
    [DB_LC_ACKNOWLEDGED] = {[DB_LC_INVESTIGATING] = true, [DB_LC_WAITING] = true},
    [DB_LC_INVESTIGATING] = {[DB_LC_RESOLVED] = true, [DB_LC_WAITING] = true},
    [DB_LC_WAITING] = {[DB_LC_ACKNOWLEDGED] = true, [DB_LC_INVESTIGATING] = true},
    [DB_LC_RESOLVED] = {[DB_LC_CLOSED] = true, [DB_LC_INVESTIGATING] = true},
    [DB_LC_CLOSED] = {[DB_LC_INVESTIGATING] = true},
};

int db_lifecycle_status_parse(const char *status)
{
    for (int i = 0; status && i < DB_LC_STATUS__COUNT; i++)
        if (strcmp(status, status_names[i]) == 0)
            return i;
    return -1;
}

const char *db_lifecycle_status_name(enum db_lifecycle_status s)
{
    return (unsigned)s < DB_LC_STATUS__COUNT ? status_names[s] : "?";
}

const char *db_lifecycle_action_name(enum db_lifecycle_action a)
{
    return (unsigned)a < DB_LC_ACTION__COUNT ? action_names[a] : "?";
}

enum db_lifecycle_role db_lifecycle_role_parse(const char *group_role)
{
    if (group_role && (strcmp(group_role, "supervisor") == 0 || strcmp(group_role, "admin") == 0))
        return DB_LC_SUPERVISOR;
    if (group_role && strcmp(group_role, "field") == 0)
        return DB_LC_FIELD;
    return DB_LC_AGENT;
}

const char *db_lifecycle_role_name(enum db_lifecycle_role r)
{
    return (unsigned)r < DB_LC_ROLE__COUNT ? role_names[r] : "?";
}

int db_lifecycle_target(enum db_lifecycle_action a)
{
    switch (a) {
    case DB_LC_ACKNOWLEDGE: return DB_LC_ACKNOWLEDGED;
    case DB_LC_INVESTIGATE: return DB_LC_INVESTIGATING;
    case DB_LC_WAIT: return DB_LC_WAITING;
    case DB_LC_RESOLVE: return DB_LC_RESOLVED;
    case DB_LC_CLOSE: return DB_LC_CLOSED;
    case DB_LC_REOPEN: return DB_LC_INVESTIGATING;
    case DB_LC_MERGE: return DB_LC_CLOSED;
    default: return -1;
    }
}

/* What to do instead, for a status change that is not possible now. */
static const char *next_step(int s)
{
    switch (s) {
    case DB_LC_NEW: return "acknowledge it first (a)";
    case DB_LC_ACKNOWLEDGED: return "start investigating first (i)";
    case DB_LC_INVESTIGATING: return "resolve it first (v)";
    case DB_LC_WAITING: return "go back to investigating first (i)";
    case DB_LC_RESOLVED: return "close it (x) or reopen it (o)";
    default: return "reopen it first (o)";
    }
}

/* Say why (when asked) and refuse. */
#define REFUSE(...)                                                                                            \
    do {                                                                                                       \
        if (why && len)                                                                                        \
            snprintf(why, len, __VA_ARGS__);                                                                   \
        return false;                                                                                          \
    } while (0)

bool db_lifecycle_allowed(int s, int a, int r, char *why, size_t len)
{
    if (s < 0 || s >= DB_LC_STATUS__COUNT || a < 0 || a >= DB_LC_ACTION__COUNT || r < 0 || r >= DB_LC_ROLE__COUNT)
        REFUSE("That is not possible here.");
    bool closed = s == DB_LC_CLOSED;
    if (r == DB_LC_FIELD && a != DB_LC_NOTE && a != DB_LC_CREDIT)
        REFUSE("Field staff add notes and credits to complaints; an agent does the rest.");
    switch (a) {
    case DB_LC_NOTE:
        return true;
    case DB_LC_CREDIT:
    case DB_LC_FOLLOW_UP:
    case DB_LC_SCRIPT:
        if (closed)
            REFUSE("The complaint is closed: reopen it first (o) to %s.",
                   a == DB_LC_CREDIT ? "offer a credit" : a == DB_LC_FOLLOW_UP ? "book a follow-up" : "run a script");
        return true;
    case DB_LC_MERGE:
        if (r != DB_LC_SUPERVISOR)
            REFUSE("Merging complaints needs a supervisor.");
        if (closed)
            REFUSE("A closed complaint cannot be merged: reopen it first (o).");
        return true;
    default:
        break;
    }
    int to = db_lifecycle_target((enum db_lifecycle_action)a);
    if (to == s)
        REFUSE("The complaint is already %s.", status_words[s]);
    if (!moves[s][to]) {
        if (a == DB_LC_REOPEN)
            REFUSE("The complaint is %s, not resolved or closed: there is nothing to reopen.", status_words[s]);
        REFUSE("The complaint is %s: %s.", status_words[s], next_step(s));
    }
    /* Reopening and investigating both lead to investigating; from resolved
     * or closed it is a reopen, and both keys do it. */
    return true;
}

enum db_deadline_state db_deadline_state_of(bool met, int64_t seconds_left)
{
    if (met)
        return DB_DEADLINE_MET;
    return seconds_left < 0 ? DB_DEADLINE_OVERDUE : DB_DEADLINE_RUNNING;
}
