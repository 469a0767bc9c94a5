/* errtext.c — turns what PostgreSQL says when it refuses into a sentence an agent can act on. */
#include "careline/errtext.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "careline/util.h"

/* Messages our own rules raise are already written for people (004, 011,
 * 014): they are kept, tidied. Everything else is known by SQLSTATE class
 * or by the constraint it names. */
static const struct {
    const char *match;      /* substring of the message */
    const char *sentence;
} known[] = {
    {"complaint_resolution_needs_cause", "A root cause and what was done are needed to resolve or close it."},
    {"complaint_pause_only_when_waiting", "The complaint's pause does not match its status; reload and try again."},
    {"canceling statement due to statement timeout", "The database took too long to answer; try again."},
    {"canceling statement due to user request", "The request was cancelled; try again."},
    {"permission denied", "Your role may not do that; a supervisor can."},
    {"violates row-level security", "Your role may not do that; a supervisor can."},
};

static const struct {
    const char *prefix;     /* SQLSTATE or its class */
    const char *sentence;
} by_state[] = {
    {"40001", "Someone else was saving at the same moment; try again."},
    {"40P01", "Someone else was saving at the same moment; try again."},
    {"57014", "The database took too long to answer; try again."},
    {"53", "The database is overloaded just now; try again in a moment."},
    {"08", "The connection to the database was lost; try again."},
    {"57P", "The database is restarting; try again in a moment."},
    {"23505", "That was saved already."},
    {"23503", "Something this refers to no longer exists; reload and try again."},
    {"23502", "A required value is missing."},
    {"22", "A value is not in the form expected."},
    {"42501", "Your role may not do that; a supervisor can."},
};

/* Our own exceptions: plain text already, keep it. */
static bool ours(const char *sqlstate)
{
    static const char *const states[] = {"P0001", "23514", "42501", "P0002", "02000"};
    for (size_t i = 0; sqlstate && i < sizeof states / sizeof states[0]; i++)
        if (strcmp(sqlstate, states[i]) == 0)
            return true;
    return false;
}

char *db_errtext(const char *sqlstate, const char *message, char *out, size_t len)
{
    if (!out || !len)
        return out;
    const char *msg = message ? message : "";
    /* A full message as libpq prints it: drop the severity and keep the first line. */
    if (strncmp(msg, "ERROR:", 6) == 0 || strncmp(msg, "FATAL:", 6) == 0)
        msg += 6;
    while (*msg == ' ')
        msg++;
    size_t n = strcspn(msg, "\n");
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
        const char *at = strstr(msg, known[i].match);
        if (at && (size_t)(at - msg) < n) {
            util_format(out, len, "%s", known[i].sentence);
            return out;
        }
    }
    if (n && ours(sqlstate) && strncmp(msg, "new row", 7) != 0) {
        /* "complaint C-1 cannot go from a to b" -> "Complaint C-1 cannot go from a to b." */
        util_format(out, len, "%.*s", (int)n, msg);
        if (out[0] >= 'a' && out[0] <= 'z')
            out[0] = (char)(out[0] - 'a' + 'A');
        size_t k = strlen(out);
        if (k && k + 1 < len && out[k - 1] != '.' && out[k - 1] != '?' && out[k - 1] != '!') {
            out[k] = '.';
            out[k + 1] = '\0';
        }
        /* Underscores in state names read badly: waiting_customer. */
        for (char *p = out; *p; p++)
            if (*p == '_')
                *p = ' ';
        return out;
    }
    for (size_t i = 0; sqlstate && i < sizeof by_state / sizeof by_state[0]; i++)
        if (strncmp(sqlstate, by_state[i].prefix, strlen(by_state[i].prefix)) == 0) {
            util_format(out, len, "%s", by_state[i].sentence);
            return out;
        }
    util_format(out, len, "The database could not do that; nothing was changed.");
    return out;
}
