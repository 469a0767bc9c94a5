/* dashlines.h — the dashboard's figures as lines to draw: a label, a value, a bar, a detail, and the list each one opens. */
#ifndef CARELINE_DASHLINES_H
#define CARELINE_DASHLINES_H

#include <stdbool.h>

#include "careline/figures.h"

struct dash_line {
    bool section;            /* a heading, not a figure: never selected */
    bool note;               /* a remark under a heading: never selected */
    char *label;             /* heap; raw text (names come from the database) */
    char *value;             /* heap; shown right-aligned */
    char *detail;            /* heap */
    double bar;              /* 0..1 of the longest in its group; NAN: no bar */
    bool drill;              /* opens the rows behind it */
    enum db_drill_kind kind;
    char *key[3];            /* heap or NULL (any) */
    char *title;             /* heap: the list's title */
    int cause_id;            /* a root-cause line: its id, else 0 */
};

struct dash_lines {
    struct dash_line *v;
    int n, cap;
};

/* Every figure of a load, in groups: the summary, contacts by channel and
 * by wrap-up code, complaints by category, the root-cause Pareto, deadlines
 * met by category, team and agent, satisfaction, guaranteed payments.
 * ascii: money as "GBP" rather than the pound sign. */
void scr_dash_lines_build(struct dash_lines *out, const struct db_figures *f, bool ascii);
void scr_dash_lines_free(struct dash_lines *l);

#endif
