/* main.c — Careline's entry point: command line, configuration, connection, then the screens or a command. */
#include "careline/app.h"

#include <getopt.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "careline/admin.h"
#include "careline/cli.h"
#include "careline/recovery.h"
#include "careline/screens.h"
#include "careline/search.h"
#include "careline/script.h"
#include "careline/tui.h"
#include "careline/util.h"
#include "careline/validate.h"

static struct conf conf;
static struct db_conn *db;
static struct db_conn *report_db;   /* database.report_conninfo, made on first use */

const struct conf *app_conf(void) { return &conf; }
struct db_conn *app_db(void) { return db; }

static struct db_params params_for(const char *conninfo, const char *name)
{
    return (struct db_params){
        .conninfo = conninfo,
        .service = conninfo == conf.conninfo ? conf.service : "",
        .connect_timeout = conf.connect_timeout,
        .statement_timeout_ms = conf.statement_timeout_ms,
        .application_name = name,
        .no_prepared = !conf.prepared_statements,
    };
}

struct db_conn *app_report_db(void)
{
    if (!conf.report_conninfo || !*conf.report_conninfo)
        return db;
    if (!report_db) {
        struct db_params p = params_for(conf.report_conninfo, "careline-report");
        report_db = db_new(&p);
        db_connect_start(report_db);
    }
    return report_db;
}

/* Times on screen are the utility's local time (app_setting 'timezone'),
 * whatever the server's default: set for every new session. */
static const char timezone_sql[] = "SELECT set_config('TimeZone', careline_timezone(), false)";

/* ---- notifications relayed to screens ---------------------------------- */

struct handler {
    char channel[32];
    void (*fn)(void *ctx, const char *payload);
    void *ctx;
};
static struct handler handlers[32];
static long long staff_id;

long long app_staff_id(void) { return staff_id; }

void app_on_notify(const char *channel, void (*fn)(void *ctx, const char *payload), void *ctx)
{
    for (size_t i = 0; i < sizeof handlers / sizeof handlers[0]; i++)
        if (!handlers[i].fn) {
            snprintf(handlers[i].channel, sizeof handlers[i].channel, "%s", channel);
            handlers[i].fn = fn;
            handlers[i].ctx = ctx;
            return;
        }
}

void app_off_notify(void *ctx)
{
    for (size_t i = 0; i < sizeof handlers / sizeof handlers[0]; i++)
        if (handlers[i].ctx == ctx)
            handlers[i].fn = NULL;
}

static void relay(void *ctx, const char *channel, const char *payload)
{
    (void)ctx;
    /* The agent who asked for a credit hears the decision, wherever they are. */
    bool warn;
    const char *notice = strcmp(channel, "careline_approval") == 0 ? db_approval_notice(payload, staff_id, &warn) : NULL;
    if (notice)
        tui_message(warn ? TUI_ROLE_WARN : TUI_ROLE_OK, "%s", notice);
    for (size_t i = 0; i < sizeof handlers / sizeof handlers[0]; i++)
        if (handlers[i].fn && strcmp(handlers[i].channel, channel) == 0)
            handlers[i].fn(handlers[i].ctx, payload);
    tui_invalidate();
}

void app_listen(const char *channel)
{
    static char heard[8][32];
    for (size_t i = 0; i < sizeof heard / sizeof heard[0]; i++) {
        if (strcmp(heard[i], channel) == 0)
            return;
        if (!heard[i][0]) {
            snprintf(heard[i], sizeof heard[i], "%s", channel);
            db_listen(db, channel, relay, NULL);
            return;
        }
    }
}

void app_session_start(void)
{
    PQclear(db_exec(db, timezone_sql, 0, NULL));
    PGresult *r = db_exec(db, "SELECT coalesce(current_staff_id(), 0)", 0, NULL);
    if (r) {
        staff_id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
        PQclear(r);
    }
    db_listen(db, "careline_approval", relay, NULL);
}

static void usage(FILE *f)
{
    fputs("Usage: careline [OPTION]... [COMMAND [ARG]...]\n"
          "Careline: the customer-care terminal of a water utility.\n"
          "Without a command, opens the agent's search screen.\n"
          "\n"
          "Commands:\n"
          "  migrate                   apply the database migrations not yet applied\n"
          "  seed --customers N        generate demo data for N customers (empty database)\n"
          "  maintain                  bring bill statuses and arrears up to today (nightly)\n"
          "  check-config              check the configuration file and exit\n"
          "  search [--csv] TEXT       search customers and print what the screen would list\n"
          "  keys                      print the key reference of the key maps in effect\n"
          "  lifecycle                 print which complaint actions each role may take in each status\n"
          "  view ACCOUNT              print everything the customer view shows, one round trip\n"
          "  report overdue [--csv]    list complaints past or near a deadline (careline(1))\n"
          "  report sla|agents|categories|root-causes|per-10k|csat-nps|compensation|fcr\n"
          "         [--from DAY] [--to DAY] [--month YYYY-MM] [--team TEAM] [--csv]\n"
          "                            the dashboard's figures as a table or CSV\n"
          "  report feedback [--month YYYY-MM] [--format md|csv]\n"
          "                            a month's feedback and what was changed, to publish\n"
          "  scripts check FILE...     check recovery scripts (conf/scripts/*.conf), no database\n"
          "  scripts load FILE...      check them and store each changed one as a new version\n"
          "  scripts list              list the stored recovery scripts and their versions\n"
          "  scripts try REF [ANSWER]...\n"
          "                            walk the script that fits complaint REF\n"
          "  staff add LOGIN --name NAME --group GROUP [--team TEAM]\n"
          "                            create a staff member's login role and staff row\n"
          "  staff disable|enable LOGIN take away (and end sessions) or give back the login\n"
          "  staff role LOGIN GROUP     move to agent, supervisor, field or admin\n"
          "  staff team LOGIN TEAM      change team (a field worker's team is their office)\n"
          "  staff list [--csv]         list staff, their groups and whether they can log in\n"
          "  customer export ACCOUNT [--json|--text]\n"
          "                            everything held about one customer (subject access)\n"
          "  notify [--once] [--batch N] [--worker NAME] [--verbose]\n"
          "                            send queued event notifications (e-mail, SMS) until stopped\n"
          "\n"
          "Options:\n"
          "  -c, --config FILE         read FILE over the built-in defaults\n"
          "      --script FILE         run the screens from a key script without a terminal\n"
          "      --size ROWSxCOLS      screen size for --script (default 24x80)\n"
          "  -h, --help                show this help and exit\n"
          "  -V, --version             show the version and exit\n"
          "\n"
          "Exit status: 0 success, 1 the command failed, 2 bad usage or configuration,\n"
          "3 the database cannot be reached, 4 the terminal cannot be used.\n"
          "See careline(1).\n",
          f);
}

__attribute__((format(printf, 1, 2)))
static int usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("careline: ", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs("\n", stderr);
    usage(stderr);
    return APP_EXIT_USAGE;
}

/* Read a password from the terminal with echo off. */
static char *ask_password(const char *prompt)
{
    FILE *tty = fopen("/dev/tty", "r+");
    if (!tty)
        return NULL;
    struct termios old, noecho;
    int fd = fileno(tty);
    bool restore = tcgetattr(fd, &old) == 0;
    if (restore) {
        noecho = old;
        noecho.c_lflag &= (tcflag_t)~ECHO;
        tcsetattr(fd, TCSAFLUSH, &noecho);
    }
    fputs(prompt, tty);
    fflush(tty);
    char buf[512];
    char *ok = fgets(buf, sizeof buf, tty);
    if (restore)
        tcsetattr(fd, TCSAFLUSH, &old);
    fputs("\n", tty);
    fclose(tty);
    if (!ok)
        return NULL;
    buf[strcspn(buf, "\r\n")] = '\0';
    char *pw = util_strdup(buf);
    memset(buf, 0, sizeof buf);
    return pw;
}

/* Connect, asking for a password when the server wants one and nobody gave
 * it (libpq already tried PGPASSWORD, .pgpass and PGPASSFILE). */
static int connect_db(bool interactive, bool reports)
{
    /* Reports read from database.report_conninfo when it is set, and then
     * never from the primary. */
    bool elsewhere = reports && conf.report_conninfo && *conf.report_conninfo;
    struct db_params p = params_for(elsewhere ? conf.report_conninfo : conf.conninfo,
                                    elsewhere ? "careline-report" : "careline");
    db = db_new(&p);
    if (db_connect(db, NULL) == 0)
        return 0;
    for (int tries = 0; tries < 3 && interactive && db_needs_password(db); tries++) {
        char *pw = ask_password("Password for the Careline database: ");
        if (!pw)
            break;
        int rc = db_connect(db, pw);
        memset(pw, 0, strlen(pw));
        free(pw);
        if (rc == 0)
            return 0;
        fprintf(stderr, "careline: %s\n", db_error(db));
    }
    if (!interactive && db_needs_password(db))
        return -1;   /* the login screen asks */
    fprintf(stderr, "careline: cannot connect to the database: %s\n", db_error(db));
    return -1;
}

/* ---- the event loop's view of the database --------------------------- */

static int hook_fds(struct pollfd *out, int max)
{
    int n = db_pollfds(db, out, max);
    return report_db ? n + db_pollfds(report_db, out + n, max - n) : n;
}
static int hook_timeout(void)
{
    int t = db_timeout_ms(db);
    int r = report_db ? db_timeout_ms(report_db) : -1;
    if (r >= 0 && (t < 0 || r < t))
        t = r;
    /* While offline the status line (or the dashboard) counts down the retry. */
    if ((db_state(db) != DB_ONLINE || (report_db && db_state(report_db) != DB_ONLINE)) && (t < 0 || t > 1000))
        t = 1000;
    return t;
}
static void show_state(void)
{
    char buf[64];
    db_state_text(db, buf, sizeof buf);
    tui_set_conn_status(buf, db_answering(db) ? TUI_ROLE_OK : TUI_ROLE_ERROR);
}
static void hook_ready(const struct pollfd *fds, int n)
{
    db_ready(db, fds, n);
    if (report_db)
        db_ready(report_db, fds, n);
    if (db_state(db) != DB_ONLINE || (report_db && db_state(report_db) != DB_ONLINE))
        tui_invalidate();
    show_state();
}
static bool hook_busy(void) { return db_busy(db) || (report_db && db_busy(report_db)); }
static void on_state(void *ctx, enum db_state s)
{
    (void)ctx;
    if (s == DB_ONLINE) {
        struct db_query q = {.sql = timezone_sql};
        db_send(db, &q);
    }
    show_state();
    tui_invalidate();
}

static int run_ui(const char *script, int rows, int cols)
{
    /* A missing password is asked on the login screen, not on the
     * command line: anything else that fails ends here, before the
     * screen is taken over. */
    bool login = false;
    if (connect_db(false, false) < 0) {
        if (!db_needs_password(db))
            return APP_EXIT_NODB;
        if (!script && !isatty(STDIN_FILENO)) {
            fprintf(stderr, "careline: cannot connect to the database: %s\n", db_error(db));
            return APP_EXIT_NODB;
        }
        login = true;
    }
    struct tui_options o = {
        .theme = conf.theme,
        .ascii = conf.ascii,
        .script_file = script,
        .script_rows = rows,
        .script_cols = cols,
        .trace_file = getenv("CARELINE_TRACE"),
    };
    if (!script && (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))) {
        fputs("careline: the screens need a terminal (use a command, or --script for tests)\n", stderr);
        return APP_EXIT_TERMINAL;
    }
    if (tui_init(&o) < 0) {
        fprintf(stderr, "careline: %s\n", tui_error());
        return APP_EXIT_TERMINAL;
    }
    static const struct tui_loop_hooks hooks = {hook_fds, hook_timeout, hook_ready, hook_busy};
    tui_set_loop_hooks(&hooks);
    db_on_state(db, on_state, NULL);
    /* Search statements prepared and warmed on every connection, login's too. */
    db_search_prepare(db);
    if (!login)
        app_session_start();
    show_state();
    if (login) {
        tui_push(&scr_login_ops, (void *)db_target(db));
    } else {
        tui_push(&scr_search_ops, NULL);
        /* Complaints a killed or disconnected session left on this
         * terminal come first; the screen does not open when there are none. */
        tui_push(&scr_drafts_ops, NULL);
    }
    int rc = tui_run();
    tui_end();
    return rc;
}

static int parse_size(const char *s, int *rows, int *cols)
{
    char x;
    return sscanf(s, "%d%c%d", rows, &x, cols) == 3 && (x == 'x' || x == 'X') && *rows >= 1 &&
                   *cols >= 1 && *rows <= 500 && *cols <= 500
               ? 0
               : -1;
}

int main(int argc, char **argv)
{
    setlocale(LC_ALL, "");
    /* Numbers sent to the database and written to traces use '.'. */
    setlocale(LC_NUMERIC, "C");
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},
        {"script", required_argument, NULL, 's'},
        {"size", required_argument, NULL, 'z'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    const char *config_path = NULL, *script = NULL;
    int rows = 24, cols = 80, ch;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, "+c:hV", opts, NULL)) != -1) {
        switch (ch) {
        case 'c':
            config_path = optarg;
            break;
        case 's':
            script = optarg;
            break;
        case 'z':
            if (parse_size(optarg, &rows, &cols) < 0)
                return usage_error("--size wants ROWSxCOLS, e.g. 24x80, not '%s'", optarg);
            break;
        case 'h':
            usage(stdout);
            return APP_EXIT_OK;
        case 'V':
            printf("careline %s\n", CARELINE_VERSION);
            return APP_EXIT_OK;
        case ':':
            return usage_error("option '%s' needs an argument", argv[optind - 1]);
        default:
            return usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    const char *cmd = optind < argc ? argv[optind] : NULL;
    static const char *const commands[] = {"migrate", "seed", "maintain", "check-config", "search", "keys",
                                           "lifecycle", "view", "report", "scripts", "staff", "customer", "notify",
                                           NULL};
    bool known = cmd == NULL;
    for (int i = 0; cmd && commands[i]; i++)
        known |= strcmp(cmd, commands[i]) == 0;
    if (!known)
        return usage_error("unknown command '%s'", cmd);

    char err[1024];
    if (conf_load(&conf, config_path, err, sizeof err) < 0) {
        fprintf(stderr, "%s\n", err);
        return APP_EXIT_USAGE;
    }
    int rc;
    if (!cmd) {
        rc = run_ui(script, rows, cols);
    } else if (strcmp(cmd, "keys") == 0) {
        rc = optind + 1 < argc ? usage_error("keys takes no arguments, got '%s'", argv[optind + 1]) : cli_keys();
    } else if (strcmp(cmd, "lifecycle") == 0) {
        rc = optind + 1 < argc ? usage_error("lifecycle takes no arguments, got '%s'", argv[optind + 1])
                               : cli_lifecycle();
    } else if (strcmp(cmd, "check-config") == 0) {
        rc = optind + 1 < argc ? usage_error("check-config takes no arguments, got '%s'", argv[optind + 1])
                               : cli_check_config(&conf);
    } else {
        struct cli_cmd c = {.name = cmd, .argc = argc - optind, .argv = argv + optind};
        rc = cli_parse(&c);
        if (rc == 0 && strcmp(cmd, "scripts") == 0 && !script_cli_needs_db(c.argc, c.argv)) {
            rc = script_cli_run(c.argc, c.argv, NULL);   /* scripts check: no database */
        } else if (rc == 0) {
            if (connect_db(isatty(STDIN_FILENO), strcmp(cmd, "report") == 0) < 0)
                rc = APP_EXIT_NODB;
            else
                rc = cli_run(&c, db);
        }
    }
    db_free(report_db);
    db_free(db);
    conf_free(&conf);
    valid_free_all();
    return rc;
}
