/* textout.h — what the commands print: aligned tables for people, CSV (RFC 4180) for tools, Markdown for publishing; single fields are print.h's. */
#ifndef CARELINE_TEXTOUT_H
#define CARELINE_TEXTOUT_H

#include <stdbool.h>
#include <stdio.h>

enum textout_format { TEXTOUT_TABLE, TEXTOUT_CSV, TEXTOUT_MD };

struct textout_col {
    const char *title;   /* table and Markdown header */
    const char *csv;     /* CSV header: a name for tools */
    bool right;          /* numbers: aligned right in a table */
    int max;             /* widest a table cell may be (cut beyond); 0: no limit */
};

/* A table collected row by row, then printed with column widths from its
 * content. Owns copies of every cell. */
struct textout_table {
    const struct textout_col *cols;
    int ncols;
    char **cells;        /* nrows * ncols */
    int nrows, cap;
};
void textout_init(struct textout_table *t, const struct textout_col *cols, int ncols);
/* Add a row of ncols values (NULL counts as ""). */
void textout_add(struct textout_table *t, const char *const *vals);
/* A table for people (header, one blank column between columns, numbers
 * right-aligned, sanitised), CSV (header of csv names, data verbatim), or
 * a Markdown table (sanitised, '|' escaped). */
void textout_print(FILE *f, const struct textout_table *t, enum textout_format fmt);
void textout_free(struct textout_table *t);

#endif
