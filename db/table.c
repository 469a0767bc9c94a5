/* table.c — results copied out of libpq into plain string tables that screens can keep and draw. */
#include "careline/db.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "careline/util.h"

const char *db_cell(const struct db_table *t, int row, int col)
{
    if (!t || row < 0 || col < 0 || row >= t->rows || col >= t->cols)
        return "";
    return t->v[(size_t)row * (size_t)t->cols + (size_t)col];
}

bool db_cell_true(const struct db_table *t, int row, int col)
{
    return strcmp(db_cell(t, row, col), "t") == 0;
}

double db_cell_num(const struct db_table *t, int row, int col)
{
    const char *s = db_cell(t, row, col);
    char *end;
    double v = strtod(s, &end);
    return *s && end != s ? v : NAN;
}

void db_table_free(struct db_table *t)
{
    if (!t->v)
        return;
    for (int i = 0; i < t->rows * t->cols; i++)
        free(t->v[i]);
    free(t->v);
    memset(t, 0, sizeof *t);
}

void db_table_copy(struct db_table *t, const PGresult *r)
{
    db_table_free(t);
    if (!r || PQresultStatus(r) != PGRES_TUPLES_OK)
        return;
    t->rows = PQntuples(r);
    t->cols = PQnfields(r);
    t->v = util_calloc((size_t)(t->rows * t->cols) + 1, sizeof *t->v);
    for (int i = 0; i < t->rows; i++)
        for (int j = 0; j < t->cols; j++)
            t->v[(size_t)i * (size_t)t->cols + (size_t)j] = util_strdup(PQgetvalue(r, i, j));
}
