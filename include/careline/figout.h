/* figout.h — the supervisor's figures printed by `careline report`: one table per report from the records the dashboard draws, and the monthly feedback summary fit to publish. */
#ifndef CARELINE_FIGOUT_H
#define CARELINE_FIGOUT_H

#include <stdbool.h>
#include <stdio.h>

#include "careline/figures.h"
#include "careline/record.h"
#include "careline/textout.h"

enum figout_report {
    FIGOUT_SLA,            /* deadlines met per category (or team: by "team") */
    FIGOUT_AGENTS,         /* deadlines met per agent */
    FIGOUT_CATEGORIES,     /* complaints opened, resolved, closed per category */
    FIGOUT_CAUSES,         /* root-cause Pareto of resolved complaints */
    FIGOUT_PER_10K,        /* complaints per 10,000 connections */
    FIGOUT_CSAT_NPS,       /* satisfaction */
    FIGOUT_COMPENSATION,   /* guaranteed payments paid and owed */
    FIGOUT_FCR,            /* resolved without a repeat contact */
    FIGOUT_FEEDBACK,       /* the month's published summary */
    FIGOUT__COUNT
};

struct figout_spec {
    const char *name;      /* the report's name on the command line */
    unsigned parts;        /* the figures it needs (1u << DB_FIG_...) */
    bool team;             /* --team applies */
};
/* The report of that name, or NULL. */
const struct figout_spec *figout_find(const char *name, enum figout_report *which);
/* "sla|categories|..." for usage messages. */
const char *figout_names(void);

/* Print one report (not feedback). by: "category" or "team" (sla only). */
void figout_print(FILE *f, enum figout_report r, const struct db_figures *fig, const char *by,
                  enum textout_format fmt);
/* The published summary of a month (Markdown or CSV): volumes, satisfaction,
 * the top root causes and the actions taken against each (actions: struct
 * db_action rows). No customer or staff appears in it. */
void figout_feedback(FILE *f, const struct db_figures *fig, const struct db_rows *actions, enum textout_format fmt);

#endif
