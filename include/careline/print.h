/* print.h — fields of command-line output: CSV (RFC 4180) for other programs, sanitised fitted cells for people. */
#ifndef CARELINE_PRINT_H
#define CARELINE_PRINT_H

#include <stdbool.h>
#include <stdio.h>

/* One CSV field: quoted when it holds a comma, a quote or a line break,
 * quotes doubled; then ',' or, for the last field, '\n'. NULL is "".
 * Verbatim into files and pipes; sanitised (tui_text_sanitize) when f is
 * a terminal, so stored text never drives it. */
void print_csv(FILE *f, const char *s, bool last);
/* One cell of a plain table: control characters and escape sequences made
 * visible (a hostile name cannot drive the terminal), cut to width columns
 * and padded with two blanks after; the last cell ends the line instead.
 * width <= 0: the whole text. NULL is "". */
void print_cell(FILE *f, const char *s, int width, bool last);

#endif
