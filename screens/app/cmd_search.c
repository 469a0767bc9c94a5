/* cmd_search.c — `careline search [--csv] TEXT`: what the search screen would list, as a table or CSV. */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "careline/app.h"
#include "careline/cli.h"
#include "careline/print.h"
#include "careline/region.h"
#include "careline/search.h"

static void print_hits(const struct db_search_result *r, bool csv)
{
    if (csv)
        fputs("account_no,name,address,postcode,segment,phone,flags,matched\n", stdout);
    else {
        /* What the region calls a postcode ("ZIP CODE"), as a heading. */
        char label[16];
        size_t n = 0;
        for (const char *p = db_region()->postcode_label; *p && n + 1 < sizeof label; p++)
            label[n++] = (char)toupper((unsigned char)*p);
        label[n] = '\0';
        printf("%-10s  %-24s  %-30s  %-8s  %-18s  %s\n", "ACCOUNT", "NAME", "ADDRESS", label, "SEGMENT", "MATCHED");
    }
    for (int i = 0; i < r->count; i++) {
        const struct db_search_hit *h = &r->hits[i];
        if (csv) {
            print_csv(stdout, h->account_no, false);
            print_csv(stdout, h->name, false);
            print_csv(stdout, h->address, false);
            print_csv(stdout, h->postcode, false);
            print_csv(stdout, h->segment, false);
            print_csv(stdout, h->phone, false);
            print_csv(stdout, h->flags, false);
            print_csv(stdout, h->matched, true);
        } else {
            print_cell(stdout, h->account_no, 10, false);
            print_cell(stdout, h->name, 24, false);
            print_cell(stdout, h->address, 30, false);
            print_cell(stdout, h->postcode, 8, false);
            print_cell(stdout, h->segment, 18, false);
            print_cell(stdout, h->matched, 10, true);
        }
    }
}

static int search_run(int argc, char **argv)
{
    const struct cli_command *c = &cli_cmd_search;
    const char *text = NULL;
    bool csv = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--csv") == 0)
            csv = true;
        else if (strcmp(argv[i], "--") == 0 && i + 1 < argc && !text)
            text = argv[++i];
        else if (argv[i][0] == '-' && argv[i][1] && !text)
            return cli_usage_error(c, "unknown option '%s'", argv[i]);
        else if (!text)
            text = argv[i];
        else
            return cli_usage_error(c, "takes one TEXT argument (quote it), got also '%s'", argv[i]);
    }
    if (!text)
        return cli_usage_error(c, "%s", "needs the TEXT to search for");
    struct db_conn *db = cli_db();
    if (!db)
        return APP_EXIT_NODB;
    char hint[256];
    if (db_search_check(text, hint, sizeof hint) < 0) {
        fprintf(stderr, "careline search: %s\n", hint);
        return APP_EXIT_FAILED;
    }
    struct db_search_result r;
    if (db_search_run(db, text, app_conf()->search_limit, &r) < 0) {
        fprintf(stderr, "careline search: %s\n", r.error ? r.error : db_error(db));
        db_search_result_free(&r);
        return APP_EXIT_FAILED;
    }
    print_hits(&r, csv);
    if (!csv)
        /* The total counts every customer with all the words; rows past it
         * (near matches) have all but one. */
        fprintf(stderr, "%s%d customer(s), %d shown, %.1f ms\n", r.total_capped ? "more than " : "", r.total,
                r.count, r.elapsed_ms);
    db_search_result_free(&r);
    return APP_EXIT_OK;
}

const struct cli_command cli_cmd_search = {
    "search", "search [--csv] TEXT\tsearch customers and print what the screen would list", true, search_run, false,
};
