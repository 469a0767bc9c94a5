/* screens.h — the registry of screens: add one line here for a new screen in screens/. */
#ifndef CARELINE_SCREENS_H
#define CARELINE_SCREENS_H

#include "careline/screen.h"

/* X(name): screens/name.c defines `const struct screen_ops scr_name_ops`. */
#define SCR_SCREENS(X) \
    X(search) \
    X(customer) \
    X(logcontact) \
    X(textview) \
    X(login) \
    X(intake) \
    X(drafts) \
    X(prompt) \
    X(complaint) \
    X(approvals) \
    X(followups) \
    X(runner) \
    X(calllist) \
    X(dashboard) \
    X(figlist) \
    X(improve) \
    X(actionform)

#define SCR_DECLARE(name) extern const struct screen_ops scr_##name##_ops;
SCR_SCREENS(SCR_DECLARE)
#undef SCR_DECLARE

#endif
