/* cmd_customer.c — `careline customer export ACCOUNT [--json|--text]`: everything held about one customer (a subject access request). */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "careline/app.h"
#include "careline/cli.h"
#include "careline/export.h"

struct opts {
    const char *account;
    bool text;
};

static int parse(int argc, char **argv, struct opts *o)
{
    const struct cli_command *c = &cli_cmd_customer;
    memset(o, 0, sizeof *o);
    if (argc < 2)
        return cli_usage_error(c, "%s", "needs what to do: export");
    if (strcmp(argv[1], "export") != 0)
        return cli_usage_error(c, "unknown sub-command '%s'", argv[1]);
    bool format_given = false;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--json") == 0 || strcmp(a, "--text") == 0) {
            if (format_given)
                return cli_usage_error(c, "%s", "give one of --json and --text");
            format_given = true;
            o->text = strcmp(a, "--text") == 0;
        } else if (a[0] == '-') {
            return cli_usage_error(c, "unknown option '%s'", a);
        } else if (o->account) {
            return cli_usage_error(c, "takes one ACCOUNT, got also '%s'", a);
        } else {
            o->account = a;
        }
    }
    if (!o->account)
        return cli_usage_error(c, "%s", "export needs an ACCOUNT number");
    size_t n = strlen(o->account);
    if (n != 10 || strspn(o->account, "0123456789") != n)
        return cli_usage_error(c, "'%s' is not an account number (10 digits)", o->account);
    return 0;
}

static int customer_run(int argc, char **argv)
{
    struct opts o;
    int rc = parse(argc, argv, &o);
    if (rc)
        return rc;
    struct db_conn *db = cli_db();
    if (!db)
        return APP_EXIT_NODB;
    char err[1024];
    if (db_export_customer(db, o.account, o.text, stdout, err, sizeof err) < 0) {
        fprintf(stderr, "careline customer export: %s\n", err);
        return APP_EXIT_FAILED;
    }
    return APP_EXIT_OK;
}

const struct cli_command cli_cmd_customer = {
    "customer", "customer export ACCOUNT [--json|--text]\teverything held about one customer (subject access)",
    true, customer_run, false,
};
