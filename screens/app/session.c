/* session.c — one Careline session: its configuration and connection, who is logged in, notifications relayed to screens, and the screens' event loop over the database. */
#include "careline/app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "careline/ahead.h"
#include "careline/event_screens.h"
#include "careline/lock.h"
#include "careline/recovery.h"
#include "careline/region.h"
#include "careline/screens.h"
#include "careline/search.h"
#include "careline/session.h"
#include "careline/sla.h"
#include "careline/tui.h"
#include "careline/util.h"
#include "careline/validate.h"

static struct conf conf;
static struct db_conn *db;
static struct db_conn *report_db;   /* database.report_conninfo, made on first use */
static struct db_conn *search_db;   /* database.search_conninfo, made on first use */
static long long staff_id;
static char staff_role[16] = "agent";

const struct conf *app_conf(void) { return &conf; }
struct db_conn *app_db(void) { return db; }
long long app_staff_id(void) { return staff_id; }
const char *app_staff_role(void) { return staff_role; }

int app_load_config(const char *path)
{
    char err[1024];
    if (conf_load(&conf, path, err, sizeof err) < 0) {
        fprintf(stderr, "%s\n", err);
        return APP_EXIT_USAGE;
    }
    return APP_EXIT_OK;
}

void app_end(void)
{
    db_free(report_db);
    report_db = NULL;
    db_free(search_db);
    search_db = NULL;
    db_free(db);
    db = NULL;
    conf_free(&conf);
    valid_free_all();
}

int app_use_region(struct db_conn *c, char *err, size_t len)
{
    if (db_region_load(c, err, len) < 0 || conf_use_country(&conf, db_region()->country, err, len) < 0) {
        size_t n = strlen(err);
        util_format(err + n, len - n, "%s", ": money, phone numbers and postcodes are read as in Britain");
        return -1;
    }
    /* The times the program writes itself (the dashboard's clock, a draft's
     * age, the working calendar's deadlines) are the utility's, as those
     * the database writes are (db_session_zone), whatever the machine's. */
    if (sla_use_timezone(db_region()->timezone, err, len) < 0) {
        size_t n = strlen(err);
        util_format(err + n, len - n, "%s", ": times are the machine's");
        return -1;
    }
    return 0;
}

/* ---- notifications relayed to screens ---------------------------------- */

struct handler {
    char *channel;   /* whole: a cut name would match another channel, or none */
    void (*fn)(void *ctx, const char *payload);
    void *ctx;
};
static struct handler handlers[32];

void app_on_notify(const char *channel, void (*fn)(void *ctx, const char *payload), void *ctx)
{
    for (size_t i = 0; i < sizeof handlers / sizeof handlers[0]; i++)
        if (!handlers[i].fn) {
            free(handlers[i].channel);
            handlers[i].channel = util_strdup(channel);
            handlers[i].fn = fn;
            handlers[i].ctx = ctx;
            return;
        }
}

/* Ticks ride in the same table under a name no database channel has. */
#define TICK_CHANNEL " tick"

void app_on_tick(void (*fn)(void *ctx, const char *payload), void *ctx)
{
    app_on_notify(TICK_CHANNEL, fn, ctx);
}

static bool want_ticks(void)
{
    for (size_t i = 0; i < sizeof handlers / sizeof handlers[0]; i++)
        if (handlers[i].fn && handlers[i].channel && strcmp(handlers[i].channel, TICK_CHANNEL) == 0)
            return true;
    return false;
}

/* About once a second while someone wants ticks. */
static void tick(void)
{
    static long long last;
    long long now = util_now_ms();
    if (now - last < 1000 || !want_ticks())
        return;
    last = now;
    for (size_t i = 0; i < sizeof handlers / sizeof handlers[0]; i++)
        if (handlers[i].fn && handlers[i].channel && strcmp(handlers[i].channel, TICK_CHANNEL) == 0)
            handlers[i].fn(handlers[i].ctx, "");
}

void app_off_notify(const void *ctx)
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
        if (handlers[i].fn && handlers[i].channel && strcmp(handlers[i].channel, channel) == 0)
            handlers[i].fn(handlers[i].ctx, payload);
    tui_invalidate();
}

void app_listen(const char *channel)
{
    static char *heard[8];   /* for the whole session */
    for (size_t i = 0; i < sizeof heard / sizeof heard[0]; i++) {
        if (heard[i] && strcmp(heard[i], channel) == 0)
            return;
        if (!heard[i]) {
            heard[i] = util_strdup(channel);
            db_listen(db, channel, relay, NULL);
            return;
        }
    }
}

void app_session_start(void)
{
    db_session_start(db, &staff_id, staff_role, sizeof staff_role);
    char err[300];
    if (app_use_region(db, err, sizeof err) < 0)
        tui_message(TUI_ROLE_WARN, "%s", err);
    db_listen(db, "careline_approval", relay, NULL);
    db_listen(db, "careline_event", relay, NULL);
    scr_event_notice_start();
    db_listen(db, "careline_queue", relay, NULL);
    scr_lock_setup(conf.idle_lock_seconds ? conf.idle_lock_seconds : conf.idle_lock_minutes * 60, conf.unlock_attempts);
}

/* ---- connecting ---------------------------------------------------------- */

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
    char buf[512];
    /* Nobody types a password they were not asked for: no prompt, no read
     * (the flush is also what an update stream needs between writing and
     * reading). */
    char *ok = fflush(tty) == 0 ? fgets(buf, sizeof buf, tty) : NULL;
    if (restore)
        tcsetattr(fd, TCSAFLUSH, &old);
    /* The Enter was not echoed: end the line. Input then output on one
     * stream needs a positioning call between them, which a terminal has
     * not got: write to the descriptor instead. */
    bool newline = write(fd, "\n", 1) == 1;
    (void)newline;   /* the password was read; a missing newline loses nothing */
    (void)fclose(tty);   /* flushed and read already: nothing left to lose */
    if (!ok)
        return NULL;
    buf[strcspn(buf, "\r\n")] = '\0';
    char *pw = util_strdup(buf);
    memset(buf, 0, sizeof buf);
    return pw;
}

static struct db_params params_for(const char *conninfo, const char *name)
{
    return (struct db_params){
        .conninfo = conninfo,
        .service = conninfo == conf.conninfo ? conf.service : "",
        .connect_timeout = conf.connect_timeout,
        .statement_timeout_ms = conf.statement_timeout_ms,
        .application_name = name,
        .no_prepared = !conf.prepared_statements,
        .pooler = (enum db_pooler)conf.pooler,
        .listen_conninfo = conf.listen_conninfo,
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

struct db_conn *app_search_db(void)
{
    if (!conf.search_conninfo || !*conf.search_conninfo)
        return db;
    if (!search_db) {
        struct db_params p = params_for(conf.search_conninfo, "careline-search");
        search_db = db_new(&p);
        db_search_prepare(search_db);   /* its statements prepared and warmed there */
        db_connect_start(search_db);
    }
    return search_db;
}

/* Connect, asking for a password when the server wants one and nobody gave
 * it (libpq already tried PGPASSWORD, .pgpass and PGPASSFILE). */
int app_connect(bool interactive, bool reports)
{
    /* Reports read from database.report_conninfo when it is set, and then
     * never from the primary. */
    bool elsewhere = reports && conf.report_conninfo && *conf.report_conninfo;
    struct db_params p = params_for(elsewhere ? conf.report_conninfo : conf.conninfo,
                                    elsewhere ? "careline-report" : "careline");
    if (!db)
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

/* The session's connection and the reading ones made so far. */
static int conns(struct db_conn **out)
{
    int n = 0;
    out[n++] = db;
    if (report_db)
        out[n++] = report_db;
    if (search_db)
        out[n++] = search_db;
    return n;
}

static int hook_fds(struct pollfd *out, int max)
{
    struct db_conn *c[3];
    int k = conns(c), n = 0;
    for (int i = 0; i < k; i++)
        n += db_pollfds(c[i], out + n, max - n);
    return n;
}
static int hook_timeout(void)
{
    struct db_conn *c[3];
    int k = conns(c), t = -1;
    bool away = false;
    for (int i = 0; i < k; i++) {
        int ti = db_timeout_ms(c[i]);
        if (ti >= 0 && (t < 0 || ti < t))
            t = ti;
        away |= db_state(c[i]) != DB_ONLINE;
    }
    if (want_ticks() && (t < 0 || t > 1000))
        t = 1000;
    /* While offline the status line (or the dashboard) counts down the retry. */
    if (away && (t < 0 || t > 1000))
        t = 1000;
    int lock = scr_lock_timeout_ms();
    return lock >= 0 && (t < 0 || lock < t) ? lock : t;
}
static void show_state(void)
{
    char buf[64];
    db_state_text(db, buf, sizeof buf);
    tui_set_conn_status(buf, db_answering(db) ? TUI_ROLE_OK : TUI_ROLE_ERROR);
}
static void hook_ready(const struct pollfd *fds, int n)
{
    struct db_conn *c[3];
    int k = conns(c);
    bool away = false;
    for (int i = 0; i < k; i++) {
        db_ready(c[i], fds, n);
        away |= db_state(c[i]) != DB_ONLINE;
    }
    scr_lock_tick();
    tick();
    if (away)
        tui_invalidate();
    show_state();
}
static bool hook_busy(void)
{
    struct db_conn *c[3];
    int k = conns(c);
    bool busy = false;
    for (int i = 0; i < k; i++)
        busy |= db_busy(c[i]);
    return busy;
}
static void on_state(void *ctx, enum db_state s)
{
    (void)ctx;
    if (s == DB_ONLINE)
        db_session_resume(db);
    show_state();
    tui_invalidate();
}

/* Keys that work on every screen: the queue (supervisors; the screen
 * itself says no to others) and my work. */
static enum scr_result global_action(enum tui_action a)
{
    if (a != TUI_ACT_QUEUE && a != TUI_ACT_MY_WORK)
        return SCR_UNHANDLED;
    scr_open_queue(a == TUI_ACT_QUEUE ? "team-anywhere" : "mine");
    return SCR_REDRAW;
}

/* Connect before the screen is taken over: a missing password is asked on
 * the login screen, anything else that fails ends here. Returns 0 (with
 * *login set when the login screen must ask) or the exit code. */
static int connect_for_screens(const char *script, bool *login)
{
    *login = false;
    if (app_connect(false, false) == 0)
        return 0;
    if (!db_needs_password(db))
        return APP_EXIT_NODB;
    if (!script && !isatty(STDIN_FILENO)) {
        fprintf(stderr, "careline: cannot connect to the database: %s\n", db_error(db));
        return APP_EXIT_NODB;
    }
    *login = true;
    return 0;
}

int app_run_screens(const char *script, int rows, int cols)
{
    bool login;
    int rc = connect_for_screens(script, &login);
    if (rc)
        return rc;
    /* Beside the journal: what libraries print while the screen is up. */
    char *log = util_mkdirs(conf.journal_dir) == 0 ? util_asprintf("%s/careline.log", conf.journal_dir) : NULL;
    struct tui_options o = {
        .theme = conf.theme,
        .ascii = conf.ascii,
        .script_file = script,
        .script_rows = rows,
        .script_cols = cols,
        .trace_file = getenv("CARELINE_TRACE"),
        .stderr_log = log,
    };
    if (!script && (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))) {
        fputs("careline: the screens need a terminal (use a command, or --script for tests)\n", stderr);
        free(log);
        return APP_EXIT_TERMINAL;
    }
    int up = tui_init(&o);
    free(log);   /* the toolkit keeps its own copy */
    if (up < 0) {
        fprintf(stderr, "careline: %s\n", tui_error());
        return APP_EXIT_TERMINAL;
    }
    static const struct tui_loop_hooks hooks = {hook_fds, hook_timeout, hook_ready, hook_busy};
    tui_set_loop_hooks(&hooks);
    tui_set_global_action(global_action);
    db_on_state(db, on_state, NULL);
    /* Search statements prepared and warmed on every connection, login's too;
     * the statements every call comes to next prepared when the line is
     * quiet, so their first use sends no SQL text (a far database). */
    db_search_prepare(db);
    db_ahead_prepare(db);
    if (!login)
        app_session_start();
    show_state();
    if (login) {
        scr_open_login(db_target(db));
    } else {
        scr_open_search();
        /* Complaints a killed or disconnected session left on this
         * terminal come first; the screen does not open when there are none. */
        scr_open_drafts();
    }
    rc = tui_run();
    tui_end();
    return rc;
}
