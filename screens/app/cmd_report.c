/* cmd_report.c — `careline report`: the command line of every report, printed as a table for people or CSV for tools. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careline/app.h"
#include "careline/cli.h"
#include "careline/feedback.h"
#include "careline/figout.h"
#include "careline/figures.h"
#include "careline/print.h"
#include "careline/report.h"
#include "careline/sla.h"
#include "careline/textout.h"
#include "careline/util.h"

/* ---- the overdue report, printed ------------------------------------------ */

static const char *const kind_csv[SLA__KINDS] = {"acknowledge", "first_response", "resolution"};

static void overdue_print(FILE *f, const struct report_overdue *r, bool csv)
{
    static const struct {
        const char *title;
        int width;
    } cols[] = {{"REFERENCE", 13}, {"ACCOUNT", 10}, {"CUSTOMER", 22}, {"CATEGORY", 22}, {"STATUS", 16},
                {"OWNER", 18},     {"DEADLINE", 14}, {"DUE", 16},     {"TIME LEFT", 13}, {"PAYMENT", 0}};
    enum { NCOLS = sizeof cols / sizeof cols[0] };
    if (csv)
        fputs("reference,account_no,customer,category,status,owner,team,deadline,due_at,seconds_left,state,"
              "payment_owed,payment_unrecorded\n",
              f);
    else
        for (int c = 0; c < NCOLS; c++)
            print_cell(f, cols[c].title, cols[c].width, c == NCOLS - 1);
    for (int i = 0; i < r->count; i++) {
        const struct report_overdue_row *row = &r->rows[i];
        char due[64], left[64], pay[64], owed[32], unrec[32], secs[32];
        struct tm tm;
        localtime_r(&row->due, &tm);
        if (csv) {
            long off = tm.tm_gmtoff < 0 ? -tm.tm_gmtoff : tm.tm_gmtoff;
            util_format(due, sizeof due, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
                        tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, tm.tm_gmtoff < 0 ? '-' : '+',
                        (int)(off / 3600 % 100), (int)(off % 3600 / 60));
            util_format(secs, sizeof secs, "%lld", row->seconds_left);
            print_csv(f, row->reference, false);
            print_csv(f, row->account_no, false);
            print_csv(f, row->customer, false);
            print_csv(f, row->category, false);
            print_csv(f, row->status, false);
            print_csv(f, row->owner, false);
            print_csv(f, row->team, false);
            print_csv(f, kind_csv[row->kind], false);
            print_csv(f, due, false);
            print_csv(f, secs, false);
            print_csv(f, row->state == SLA_BREACHED ? "breached" : "due_soon", false);
            print_csv(f, row->payment_owed ? sla_money_text(row->payment_owed, owed, sizeof owed) : "", false);
            print_csv(f, row->payment_unrecorded ? sla_money_text(row->payment_unrecorded, unrec, sizeof unrec) : "",
                    true);
            continue;
        }
        util_format(due, sizeof due, "%04d-%02d-%02d %02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                    tm.tm_hour, tm.tm_min);
        char span[32];
        sla_span_text(row->seconds_left, span, sizeof span);
        util_format(left, sizeof left, "%s %s", row->state == SLA_BREACHED ? "late" : "left", span);
        if (row->payment_owed)
            util_format(pay, sizeof pay, "%s owed", sla_money_text(row->payment_owed, owed, sizeof owed));
        else if (row->payment_paid)
            util_format(pay, sizeof pay, "%s paid", sla_money_text(row->payment_paid, owed, sizeof owed));
        else
            util_format(pay, sizeof pay, "-");
        const char *owner = *row->owner ? row->owner : "(unassigned)";
        const char *vals[NCOLS] = {row->reference, row->account_no, row->customer, row->category, row->status,
                                   owner,          sla_kind_name(row->kind), due,    left,          pay};
        for (int c = 0; c < NCOLS; c++)
            print_cell(f, vals[c], cols[c].width, c == NCOLS - 1);
    }
}

/* ---- the command line ------------------------------------------------------ */

struct opts {
    enum { SUB_OVERDUE, SUB_DUE, SUB_FIGURES } sub;
    bool csv;
    /* the figure reports */
    enum figout_report report;
    const struct figout_spec *spec;
    enum textout_format format;
    const char *first, *last, *month, *by;
    double within;
    const char *team;
    const char *from;
    const char *region;
    bool have_hours, have_days;
    double hours;
    int days;
};

#define usage(...) cli_usage_error(&cli_cmd_report, __VA_ARGS__)

/* Whether argv[*i] is the option name, given as "--name VALUE" (*i then
 * moves on to the value) or "--name=VALUE"; its value in *value, NULL
 * when it is missing. */
static bool option(int argc, char **argv, int *i, const char *name, const char **value)
{
    size_t n = strlen(name);
    const char *a = argv[*i];
    if (strncmp(a, name, n) != 0 || (a[n] != '=' && a[n] != '\0'))
        return false;
    *value = a[n] == '=' ? a + n + 1 : *i + 1 < argc ? argv[++*i] : NULL;
    return true;
}

static bool number(const char *s, double lo, double hi, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !isfinite(v) || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

/* overdue and due. */
static int parse_classic(int argc, char **argv, struct opts *o)
{
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i], *v;
        if (o->sub == SUB_OVERDUE && strcmp(a, "--csv") == 0) {
            o->csv = true;
        } else if (o->sub == SUB_OVERDUE && option(argc, argv, &i, "--within", &v)) {
            if (!v || !number(v, 0, 87600, &o->within))
                return usage("--within wants working hours from 0 to 87600, not '%s'", v ? v : "");
        } else if (o->sub == SUB_OVERDUE && option(argc, argv, &i, "--team", &v)) {
            if (!v || !*v)
                return usage("%s", "--team needs a team name");
            o->team = v;
        } else if (o->sub == SUB_DUE && option(argc, argv, &i, "--from", &v)) {
            time_t t;
            if (!v || (strcmp(v, "-") != 0 && sla_parse_time(v, &t) < 0))
                return usage("--from wants YYYY-MM-DD HH:MM[:SS][+HH[:MM]], @SECONDS or -, not '%s'",
                             v ? v : "");
            o->from = v;
        } else if (o->sub == SUB_DUE && option(argc, argv, &i, "--hours", &v)) {
            if (!v || !number(v, -87600, 87600, &o->hours))
                return usage("--hours wants a number of working hours, not '%s'", v ? v : "");
            o->have_hours = true;
        } else if (o->sub == SUB_DUE && option(argc, argv, &i, "--days", &v)) {
            double d;
            if (!v || !number(v, -3650, 3650, &d) || d != floor(d))
                return usage("--days wants a whole number of working days, not '%s'", v ? v : "");
            o->days = (int)d;
            o->have_days = true;
        } else if (o->sub == SUB_DUE && option(argc, argv, &i, "--region", &v)) {
            if (!v || !*v)
                return usage("%s", "--region needs a region name");
            o->region = v;
        } else {
            return usage("%s: unknown argument '%s'", argv[1], a);
        }
    }
    if (o->sub == SUB_DUE) {
        if (!o->from)
            return usage("%s", "due needs --from TIMESTAMP (or - to read them from standard input)");
        if (o->have_hours == o->have_days)
            return usage("%s", "due needs one of --hours N or --days N");
    }
    return 0;
}

/* A day given as YYYY-MM-DD. */
static int day_option(const char *name, const char *v, const char **out)
{
    long d;
    if (!v || db_date_parse(v, &d) < 0)
        return usage("%s wants a date YYYY-MM-DD, not '%s'", name, v ? v : "");
    *out = v;
    return 0;
}

/* One option of a figure report; 1 when a is not one of them. */
static int figure_option(int argc, char **argv, int *i, struct opts *o)
{
    const char *a = argv[*i], *v;
    struct db_period m;
    if (strcmp(a, "--csv") == 0) {
        o->format = TEXTOUT_CSV;
    } else if (option(argc, argv, i, "--from", &v)) {
        return day_option("--from", v, &o->first);
    } else if (option(argc, argv, i, "--to", &v)) {
        return day_option("--to", v, &o->last);
    } else if (option(argc, argv, i, "--month", &v)) {
        if (!v || db_period_month(v, &m) < 0)
            return usage("--month wants a month YYYY-MM, not '%s'", v ? v : "");
        o->month = v;
    } else if (option(argc, argv, i, "--team", &v)) {
        if (!v || !*v)
            return usage("%s", "--team needs a team name");
        if (!o->spec->team)
            return usage("%s counts the whole company: --team does not apply", o->spec->name);
        o->team = v;
    } else if (option(argc, argv, i, "--by", &v)) {
        if (o->report != FIGOUT_SLA)
            return usage("--by is for the sla report, not %s", o->spec->name);
        if (!v || (strcmp(v, "category") != 0 && strcmp(v, "team") != 0))
            return usage("--by wants category or team, not '%s'", v ? v : "");
        o->by = v;
    } else if (option(argc, argv, i, "--format", &v)) {
        bool fb = o->report == FIGOUT_FEEDBACK;
        if (v && strcmp(v, "csv") == 0)
            o->format = TEXTOUT_CSV;
        else if (v && strcmp(v, "md") == 0)
            o->format = TEXTOUT_MD;
        else if (v && !fb && strcmp(v, "table") == 0)
            o->format = TEXTOUT_TABLE;
        else
            return usage("--format wants %s, not '%s'", fb ? "md or csv" : "table, csv or md", v ? v : "");
    } else {
        return 1;
    }
    return 0;
}

static int parse_figures(int argc, char **argv, struct opts *o)
{
    o->format = o->report == FIGOUT_FEEDBACK ? TEXTOUT_MD : TEXTOUT_TABLE;
    for (int i = 2; i < argc; i++) {
        int rc = figure_option(argc, argv, &i, o);
        if (rc == 1)
            return usage("%s: unknown argument '%s'", argv[1], argv[i]);
        if (rc)
            return rc;
    }
    if (o->month && (o->first || o->last))
        return usage("%s", "--month or --from/--to, not both");
    if (o->report == FIGOUT_FEEDBACK && (o->first || o->last))
        return usage("%s", "feedback covers a calendar month: use --month YYYY-MM");
    long first, last;
    struct db_period p;
    const char *why;
    if (o->first && o->last && db_date_parse(o->first, &first) == 0 && db_date_parse(o->last, &last) == 0 &&
        (why = db_period_range(first, last, &p)))
        return usage("--from %s --to %s: %s", o->first, o->last, why);
    return 0;
}

static int parse(int argc, char **argv, struct opts *o)
{
    memset(o, 0, sizeof *o);
    o->within = 24;
    if (argc < 2)
        return usage("needs a report: overdue, due, %s", figout_names());
    if (strcmp(argv[1], "overdue") == 0)
        o->sub = SUB_OVERDUE;
    else if (strcmp(argv[1], "due") == 0)
        o->sub = SUB_DUE;
    else if ((o->spec = figout_find(argv[1], &o->report)))
        o->sub = SUB_FIGURES;
    else
        return usage("unknown report '%s' (there are: overdue, due, %s)", argv[1], figout_names());
    return o->sub == SUB_FIGURES ? parse_figures(argc, argv, o) : parse_classic(argc, argv, o);
}

static int run_overdue(const struct opts *o, struct db_conn *db)
{
    struct report_overdue r;
    struct report_overdue_opts ro = {.within_hours = o->within, .team = o->team};
    char err[1024];
    if (report_overdue_fetch(db, &ro, &r, err, sizeof err) < 0) {
        fprintf(stderr, "careline report overdue: %s\n", err);
        report_overdue_free(&r);
        return APP_EXIT_FAILED;
    }
    overdue_print(stdout, &r, o->csv);
    if (!o->csv) {
        int late = 0;
        for (int i = 0; i < r.count; i++)
            late += r.rows[i].state == SLA_BREACHED;
        fprintf(stderr, "%d deadline(s): %d overdue, %d due within %g working hours\n", r.count, late, r.count - late,
                o->within);
    }
    report_overdue_free(&r);
    return APP_EXIT_OK;
}

/* One due time by the C rules, printed as PostgreSQL prints a timestamptz
 * in the utility's zone, so it can be compared with working_add_hours. */
static int due_line(const struct opts *o, const struct sla_calendar *cal, const char *text)
{
    time_t from, out;
    char buf[64];
    if (sla_parse_time(text, &from) < 0) {
        fprintf(stderr, "careline report due: cannot read the time '%s'\n", text);
        puts("-");
        return -1;
    }
    int rc = o->have_hours ? sla_add_working_hours(cal, from, o->hours, &out)
                           : sla_add_working_days(cal, from, o->days, &out);
    if (rc < 0) {
        fprintf(stderr, "careline report due: the calendar has no working time after %s\n", text);
        puts("-");
        return -1;
    }
    puts(sla_time_text(out, buf, sizeof buf));
    return 0;
}

static int run_due(const struct opts *o, struct db_conn *db)
{
    struct sla_calendar cal;
    char err[1024];
    if (sla_calendar_load(db, o->region, &cal, err, sizeof err) < 0 ||
        sla_use_timezone(cal.timezone, err, sizeof err) < 0) {
        fprintf(stderr, "careline report due: %s\n", err);
        sla_calendar_free(&cal);
        return APP_EXIT_FAILED;
    }
    int failed = 0;
    if (strcmp(o->from, "-") != 0) {
        failed = due_line(o, &cal, o->from) < 0;
    } else {
        char line[256];
        while (fgets(line, sizeof line, stdin)) {
            line[strcspn(line, "\r\n")] = '\0';
            if (*line)
                failed |= due_line(o, &cal, line) < 0;
        }
    }
    sla_calendar_free(&cal);
    return failed ? APP_EXIT_FAILED : APP_EXIT_OK;
}

/* The period asked for; by default this month (feedback: last month),
 * in the database's calendar. Returns NULL or why it is not a period. */
static const char *period_of(const struct opts *o, long today, struct db_period *p)
{
    *p = db_period_of(DB_PERIOD_MONTH, today);
    long first, last = today;
    if (o->month) {
        db_period_month(o->month, p);
    } else if (o->first || o->last) {
        if (o->last)
            db_date_parse(o->last, &last);
        if (!o->first || db_date_parse(o->first, &first) < 0)
            first = db_period_of(DB_PERIOD_MONTH, last).from;
        return db_period_range(first, last, p);
    } else if (o->report == FIGOUT_FEEDBACK) {
        *p = db_period_step(p, -1);
    }
    return NULL;
}

static int run_figures(const struct opts *o, struct db_conn *db)
{
    char err[1024];
    long today;
    const char *name = o->spec->name;
    if (db_figures_today(db, &today, err, sizeof err) < 0) {
        fprintf(stderr, "careline report %s: %s\n", name, err);
        return APP_EXIT_FAILED;
    }
    struct db_period p;
    const char *why = period_of(o, today, &p);
    if (why) {
        fprintf(stderr, "careline report %s: %s (today is %s)\nTry 'careline --help'.\n", name, why,
                db_date_text(today, err, sizeof err));
        return APP_EXIT_USAGE;
    }
    struct db_figures fig;
    struct db_rows actions = {0};
    int rc = db_figures_fetch(db, &p, o->team, o->spec->parts | (1u << DB_FIG_CLOCK), &fig, err, sizeof err);
    if (rc == 0 && o->report == FIGOUT_FEEDBACK)
        rc = db_actions_fetch_period(db, &p, &actions, err, sizeof err);
    if (rc < 0) {
        fprintf(stderr, "careline report %s: %s\n", name, err);
    } else if (o->report == FIGOUT_FEEDBACK) {
        figout_feedback(stdout, &fig, &actions, o->format);
    } else {
        figout_print(stdout, o->report, &fig, o->by, o->format);
        if (o->format == TEXTOUT_TABLE) {
            char label[80], first[16], last[16];
            fprintf(stderr, "%s: %s to %s%s%s\n", db_period_label(&p, today, label, sizeof label),
                    db_date_text(p.from, first, sizeof first), db_date_text(p.to - 1, last, sizeof last),
                    o->team ? ", team " : "", o->team ? o->team : "");
        }
    }
    db_rows_free(&actions);
    db_figures_free(&fig);
    return rc < 0 ? APP_EXIT_FAILED : APP_EXIT_OK;
}

static int report_cmd_run(int argc, char **argv)
{
    struct opts o;
    int rc = parse(argc, argv, &o);
    if (rc)
        return rc;
    struct db_conn *db = cli_db();   /* database.report_conninfo when it is set */
    if (!db)
        return APP_EXIT_NODB;
    if (o.sub == SUB_FIGURES)
        return run_figures(&o, db);
    return o.sub == SUB_OVERDUE ? run_overdue(&o, db) : run_due(&o, db);
}

const struct cli_command cli_cmd_report = {
    "report",
    "report overdue [--csv] [--within HOURS] [--team TEAM]\tlist complaints past or near a deadline\n"
    "report due --from TIMESTAMP|- (--hours N|--days N) [--region R]\t"
    "the due time N working hours or days later, by the calendar\n"
    "report sla|agents|categories|root-causes|per-10k|csat-nps|compensation|fcr [--from DAY] [--to DAY]"
    " [--month YYYY-MM] [--team TEAM] [--by category|team] [--csv | --format table|csv|md]\t"
    "the dashboard's figures as a table, CSV or Markdown\n"
    "report feedback [--month YYYY-MM] [--format md|csv]\ta month's feedback and what was changed, to publish",
    true, report_cmd_run, true,
};
