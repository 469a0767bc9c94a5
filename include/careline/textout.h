/* textout.h — what the commands print: aligned tables for people, CSV (RFC 4180) for tools, Markdown for publishing. */
#ifndef CARELINE_TEXTOUT_H
#define CARELINE_TEXTOUT_H

#include <stdbool.h>
#include <stdio.h>

/* One field of CSV: quoted when it holds a comma, a quote or a line break,
 * quotes doubled; data verbatim. Ends with ',' or, when last, '\n'. */
void textout_csv(FILE *f, const char *s, bool last);
/* One cell for people: control characters and escape sequences made
 * visible, cut to width columns (width <= 0: whole) and padded with two
 * blanks after it; the last cell ends the line instead. */
void textout_cell(FILE *f, const char *s, int width, bool last);

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
