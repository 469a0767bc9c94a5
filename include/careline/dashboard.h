/* dashboard.h — what the dashboard hands the screens it opens: the list behind a figure, a root cause's improvement actions, and the form that records one. */
#ifndef CARELINE_DASHBOARD_H
#define CARELINE_DASHBOARD_H

#include "careline/figures.h"

/* scr_figlist_ops: the rows behind one figure (copied on open). */
struct scr_figlist_arg {
    const char *title;
    const char *period_label;
    struct db_period period;
    const char *team;            /* NULL: every team */
    struct db_drill drill;
};

/* scr_improve_ops: the improvement actions of one root cause. */
struct scr_improve_arg {
    int cause_id;
    const char *cause;
    const char *why;             /* e.g. "12 resolved complaints in November 2026" */
};

/* scr_actionform_ops: record a new action (id NULL) or change one. */
struct scr_actionform_arg {
    int cause_id;
    const char *cause;
    const char *id;              /* NULL: a new action */
    int version;
    const char *what;            /* its text now (NULL for a new one) */
    long changed_on;             /* its day; a new one: today */
};

#endif
