/* screens.h — the list of screens: one line each (name, title, what it opens with) makes its typed open function, its title and its key-map section. */
#ifndef CARELINE_SCREENS_H
#define CARELINE_SCREENS_H

#include "careline/screen.h"

/* What screens open with (pointers only, so declarations are enough). */
struct db_search_hit;
struct intake_arg;
struct scr_logcontact_arg;
struct picker_spec;
struct prompt_spec;
struct scr_actionform_arg;
struct scr_audit_arg;
struct scr_eventform_arg;
struct scr_figlist_arg;
struct scr_improve_arg;
struct textview_arg;

/* X(name, "title", argument): screens/name.c defines
 *   const struct screen_ops scr_name_ops = { SCR_HEAD(name), .open = ..., };
 * and this line makes
 *   void scr_open_name(argument)   push it (SCR_NOARG: no argument;
 *                                  SCR_ARG(type): one argument of that type,
 *                                  which open() receives as its void *)
 *   scr_name_title                 the title bar text
 * and the key-map section "name" (its default keys: the `name` group of
 * conf/careline.conf when it has one; "global" applies either way). */
#define SCR_SCREENS(X) \
    X(search,     "Find a customer",             SCR_NOARG) \
    X(customer,   "Customer",                    SCR_ARG(const struct db_search_hit *)) \
    X(logcontact, "Log this contact",            SCR_ARG(const struct scr_logcontact_arg *)) \
    X(textview,   "Details",                     SCR_ARG(const struct textview_arg *)) \
    X(login,      "Log in",                      SCR_ARG(const char *)) \
    X(intake,     "New complaint",               SCR_ARG(const struct intake_arg *)) \
    X(drafts,     "Unsent complaints",           SCR_NOARG) \
    X(prompt,     "Question",                    SCR_ARG(const struct prompt_spec *)) \
    X(complaint,  "Complaint",                   SCR_ARG(const char *)) \
    X(approvals,  "Approvals",                   SCR_NOARG) \
    X(followups,  "Follow-ups due and upcoming", SCR_NOARG) \
    X(runner,     "Recovery script",             SCR_ARG(const char *)) \
    X(calllist,   "Call list",                   SCR_NOARG) \
    X(events,     "Critical events",             SCR_NOARG) \
    X(event,      "Critical event",              SCR_ARG(const char *)) \
    X(eventform,  "Critical event",              SCR_ARG(const struct scr_eventform_arg *)) \
    X(queue,      "Queue",                       SCR_ARG(const char *)) \
    X(picker,     "Choose",                      SCR_ARG(const struct picker_spec *)) \
    X(duplicates, "Duplicate customers",         SCR_NOARG) \
    X(audit,      "Audit: who opened and changed what", SCR_ARG(const struct scr_audit_arg *)) \
    X(auditstaff, "Audit: choose a staff member", SCR_NOARG) \
    X(lock,       "Locked",                      SCR_NOARG) \
    X(dashboard,  "Dashboard",                   SCR_NOARG) \
    X(figlist,    "Behind the figure",           SCR_ARG(const struct scr_figlist_arg *)) \
    X(improve,    "Improvement actions",         SCR_ARG(const struct scr_improve_arg *)) \
    X(actionform, "Improvement action",          SCR_ARG(const struct scr_actionform_arg *)) \
    X(unmatched,  "Unmatched 311 requests",      SCR_NOARG)

/* The parameter list and the pushed pointer of each kind of argument
 * (pasted onto SCR_NOARG / SCR_ARG, which are never macros themselves). */
#define SCR_PARAM_SCR_NOARG void
#define SCR_PARAM_SCR_ARG(type) type arg
#define SCR_PASS_SCR_NOARG NULL
#define SCR_PASS_SCR_ARG(type) (void *)arg

#define SCR_DECLARE(name, title, argument) \
    extern const struct screen_ops scr_##name##_ops; \
    extern const char scr_##name##_title[]; \
    void scr_open_##name(SCR_PARAM_##argument);
SCR_SCREENS(SCR_DECLARE)
#undef SCR_DECLARE

/* The start of a screen's ops: its key-map section and title, from its line above. */
#define SCR_HEAD(screen) .name = #screen, .title = scr_##screen##_title

/* Register every screen's key-map section (idempotent). */
void scr_key_sections(void);

#endif
