/* export.c — a subject access request: everything held about one customer, written from the database's customer_export(). */
#include "careline/export.h"

#include <stdlib.h>
#include <string.h>

#include "careline/record.h"
#include "careline/text.h"
#include "careline/util.h"

/* One statement: the document and its audit row stand or fall together. */
static const char json_sql[] = "SELECT jsonb_pretty(customer_export($1)) AS doc";
static const char text_sql[] = "SELECT export_text(customer_export($1)) AS doc";
struct export_doc {
    char *doc;
};
static const struct db_col doc_cols[] = {DB_COL(DB_TEXT, struct export_doc, doc)};
static const struct db_shape doc_shape = DB_SHAPE("customer_export()", struct export_doc, doc_cols);

int db_export_customer(struct db_conn *c, const char *account, bool text, FILE *out, char *err, size_t errlen)
{
    const char *p[1] = {account};
    struct db_rows rows = {0};
    if (db_exec_one(c, text ? text_sql : json_sql, 1, p, &doc_shape, &rows, err, errlen) < 0)
        return -1;
    const char *doc = DB_ROW(&rows, struct export_doc, 0)->doc;
    if (!text) {
        /* JSON escapes every control character itself. */
        fputs(doc, out);
        fputc('\n', out);
    } else {
        /* Line by line: the sanitiser would turn the newlines into marks. */
        for (const char *s = doc; *s;) {
            const char *nl = strchr(s, '\n');
            size_t n = nl ? (size_t)(nl - s) : strlen(s);
            char *line = util_strndup(s, n);
            char *clean = tui_text_sanitize(line, false);
            fputs(clean, out);
            fputc('\n', out);
            free(clean);
            free(line);
            s += n + (nl != NULL);
        }
    }
    db_rows_free(&rows);
    return 0;
}

static const char *const account_params[] = {"4874732004"};   /* customer 1 of the demo data */
static const struct db_statement statements[] = {
    {json_sql, 1, account_params, &doc_shape, true},
    {text_sql, 1, account_params, &doc_shape, true},
};

const struct db_statement *db_export_statements(int *n)
{
    *n = (int)(sizeof statements / sizeof statements[0]);
    return statements;
}
