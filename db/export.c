/* export.c — a subject access request: everything held about one customer, written from the database's customer_export(). */
#include "careline/export.h"

#include <stdlib.h>
#include <string.h>

#include "careline/text.h"
#include "careline/util.h"

int db_export_customer(struct db_conn *c, const char *account, bool text, FILE *out, char *err, size_t errlen)
{
    const char *p[1] = {account};
    /* One statement: the document and its audit row stand or fall together. */
    PGresult *r = db_exec(c,
                          text ? "SELECT export_text(customer_export($1)) AS doc"
                               : "SELECT jsonb_pretty(customer_export($1)) AS doc",
                          1, p);
    if (!r) {
        util_format(err, errlen, "%s", db_error(c));
        return -1;
    }
    int col = PQfnumber(r, "doc");
    if (col < 0 || PQntuples(r) != 1) {
        PQclear(r);
        util_format(err, errlen, "customer_export() answered with an unexpected shape");
        return -1;
    }
    const char *doc = PQgetvalue(r, 0, col);
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
    PQclear(r);
    return 0;
}
