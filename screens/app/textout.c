/* textout.c — tables for people, CSV for tools and Markdown for publishing, from the same rows (single fields: print.h). */
#include "careline/textout.h"

#include <stdlib.h>
#include <string.h>

#include "careline/print.h"
#include "careline/text.h"
#include "careline/util.h"

void textout_init(struct textout_table *t, const struct textout_col *cols, int ncols)
{
    memset(t, 0, sizeof *t);
    t->cols = cols;
    t->ncols = ncols;
}

void textout_add(struct textout_table *t, const char *const *vals)
{
    if (t->nrows == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 16;
        t->cells = util_realloc(t->cells, (size_t)t->cap * (size_t)t->ncols * sizeof *t->cells);
    }
    for (int c = 0; c < t->ncols; c++)
        t->cells[(size_t)t->nrows * (size_t)t->ncols + (size_t)c] = util_strdup(vals[c] ? vals[c] : "");
    t->nrows++;
}

void textout_free(struct textout_table *t)
{
    for (int i = 0; i < t->nrows * t->ncols; i++)
        free(t->cells[i]);
    free(t->cells);
    memset(t, 0, sizeof *t);
}

/* Sanitised and cut to the column's limit: what a table cell shows. */
static char *shown(const struct textout_col *col, const char *s, int *w)
{
    char *clean = tui_text_sanitize(s, false);
    char *fit = tui_text_fit(clean, col->max > 0 ? col->max : 100000, false, w);
    free(clean);
    return fit;
}

static void print_table(FILE *f, const struct textout_table *t)
{
    int *width = util_calloc((size_t)t->ncols, sizeof *width);
    for (int c = 0; c < t->ncols; c++) {
        int w;
        free(shown(&t->cols[c], t->cols[c].title, &w));
        width[c] = w;
        for (int r = 0; r < t->nrows; r++) {
            free(shown(&t->cols[c], t->cells[(size_t)r * (size_t)t->ncols + (size_t)c], &w));
            if (w > width[c])
                width[c] = w;
        }
    }
    for (int r = -1; r < t->nrows; r++) {
        struct util_buf line = {0};
        for (int c = 0; c < t->ncols; c++) {
            int w;
            const char *v = r < 0 ? t->cols[c].title : t->cells[(size_t)r * (size_t)t->ncols + (size_t)c];
            char *s = shown(&t->cols[c], v, &w);
            int pad = width[c] - w;
            if (c)
                util_buf_puts(&line, "  ");
            for (int i = 0; t->cols[c].right && i < pad; i++)
                util_buf_puts(&line, " ");
            util_buf_puts(&line, s);
            for (int i = 0; !t->cols[c].right && c + 1 < t->ncols && i < pad; i++)
                util_buf_puts(&line, " ");
            free(s);
        }
        while (line.len && line.data[line.len - 1] == ' ')
            line.data[--line.len] = '\0';
        fprintf(f, "%s\n", line.data ? line.data : "");
        util_buf_free(&line);
    }
    free(width);
}

/* Markdown cell: sanitised, '|' escaped so it cannot end the cell. */
static void md_cell(FILE *f, const char *s)
{
    char *clean = tui_text_sanitize(s, false);
    fputs(" ", f);
    for (const char *p = clean; *p; p++) {
        if (*p == '|' || *p == '\\')
            fputc('\\', f);
        fputc(*p, f);
    }
    fputs(" |", f);
    free(clean);
}

static void print_md(FILE *f, const struct textout_table *t)
{
    fputs("|", f);
    for (int c = 0; c < t->ncols; c++)
        md_cell(f, t->cols[c].title);
    fputs("\n|", f);
    for (int c = 0; c < t->ncols; c++)
        fputs(t->cols[c].right ? " ---: |" : " --- |", f);
    fputs("\n", f);
    for (int r = 0; r < t->nrows; r++) {
        fputs("|", f);
        for (int c = 0; c < t->ncols; c++)
            md_cell(f, t->cells[(size_t)r * (size_t)t->ncols + (size_t)c]);
        fputs("\n", f);
    }
}

void textout_print(FILE *f, const struct textout_table *t, enum textout_format fmt)
{
    if (fmt == TEXTOUT_TABLE) {
        print_table(f, t);
    } else if (fmt == TEXTOUT_MD) {
        print_md(f, t);
    } else {
        for (int c = 0; c < t->ncols; c++)
            print_csv(f, t->cols[c].csv, c == t->ncols - 1);
        for (int r = 0; r < t->nrows; r++)
            for (int c = 0; c < t->ncols; c++)
                print_csv(f, t->cells[(size_t)r * (size_t)t->ncols + (size_t)c], c == t->ncols - 1);
    }
}
