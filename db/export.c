/* export.c — `careline customer export ACCOUNT [--json|--text]`: a subject access request written from the database's customer_export(). */
#include "careline/export.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "careline/app.h"
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

struct opts {
    const char *account;
    bool text;
};

__attribute__((format(printf, 1, 2)))
static int usage(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("careline customer: ", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs("\nUsage: careline customer export ACCOUNT [--json|--text]\nSee careline(1).\n", stderr);
    return APP_EXIT_USAGE;
}

static int parse(int argc, char **argv, struct opts *o)
{
    memset(o, 0, sizeof *o);
    if (argc < 2)
        return usage("%s", "needs what to do: export");
    if (strcmp(argv[1], "export") != 0)
        return usage("unknown sub-command '%s'", argv[1]);
    bool format_given = false;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--json") == 0 || strcmp(a, "--text") == 0) {
            if (format_given)
                return usage("%s", "give one of --json and --text");
            format_given = true;
            o->text = strcmp(a, "--text") == 0;
        } else if (a[0] == '-') {
            return usage("unknown option '%s'", a);
        } else if (o->account) {
            return usage("takes one ACCOUNT, got also '%s'", a);
        } else {
            o->account = a;
        }
    }
    if (!o->account)
        return usage("%s", "export needs an ACCOUNT number");
    size_t n = strlen(o->account);
    if (n != 10 || strspn(o->account, "0123456789") != n)
        return usage("'%s' is not an account number (10 digits)", o->account);
    return 0;
}

int db_export_cli_parse(int argc, char **argv)
{
    struct opts o;
    return parse(argc, argv, &o);
}

int db_export_cli_run(int argc, char **argv, struct db_conn *db)
{
    struct opts o;
    int rc = parse(argc, argv, &o);
    if (rc)
        return rc;
    char err[1024];
    if (db_export_customer(db, o.account, o.text, stdout, err, sizeof err) < 0) {
        fprintf(stderr, "careline customer export: %s\n", err);
        return APP_EXIT_FAILED;
    }
    return APP_EXIT_OK;
}
