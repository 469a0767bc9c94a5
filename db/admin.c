/* admin.c — `careline migrate`, `careline seed` and `careline maintain`: ordered, transactional migrations, set-based demo data, and stored state brought up to today. */
#include "careline/admin.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "careline/record.h"
#include "careline/util.h"
#include "embedded.h"

struct migration {
    char *version;   /* file name without ".sql" */
    char *label;     /* where it came from, for messages */
    char *sql;
};

const char *db_embedded(const char *path)
{
    for (const struct embedded_file *f = embedded_files; f->path; f++)
        if (strcmp(f->path, path) == 0)
            return f->data;
    return NULL;
}

static int by_version(const void *a, const void *b)
{
    return strcmp(((const struct migration *)a)->version, ((const struct migration *)b)->version);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    struct util_buf b = {0};
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        util_buf_add(&b, chunk, n);
    int bad = ferror(f);
    if (fclose(f) != 0)
        bad = 1;
    if (bad) {
        util_buf_free(&b);
        return NULL;
    }
    return util_buf_steal(&b);
}

static bool is_sql(const char *name)
{
    size_t n = strlen(name);
    return n > 4 && strcmp(name + n - 4, ".sql") == 0 && name[0] != '.';
}

/* Returns the count, or -1 with err set. */
static int list_migrations(struct migration **out, char *err, size_t errlen)
{
    const char *dir = getenv("CARELINE_MIGRATIONS_DIR");
    /* Never NULL, even with no migration: qsort and the callers' loops
     * then need no special case. */
    struct migration *m = util_calloc(1, sizeof *m);
    int n = 0;
    if (dir && *dir) {
        DIR *d = opendir(dir);
        if (!d) {
            util_format(err, errlen, "%s: cannot open migrations folder: %s", dir, strerror(errno));
            return -1;
        }
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (!is_sql(e->d_name))
                continue;
            char *path = util_asprintf("%s/%s", dir, e->d_name);
            char *sql = slurp(path);
            if (!sql) {
                util_format(err, errlen, "%s: cannot read: %s", path, strerror(errno));
                free(path);
                closedir(d);
                for (int i = 0; i < n; i++) {
                    free(m[i].version);
                    free(m[i].label);
                    free(m[i].sql);
                }
                free(m);
                return -1;
            }
            m = util_realloc(m, sizeof *m * (size_t)(n + 1));
            m[n].version = util_strndup(e->d_name, strlen(e->d_name) - 4);
            m[n].label = path;
            m[n].sql = sql;
            n++;
        }
        closedir(d);
    } else {
        for (const struct embedded_file *f = embedded_files; f->path; f++) {
            if (strncmp(f->path, "db/migrations/", 14) != 0 || !is_sql(f->path + 14))
                continue;
            m = util_realloc(m, sizeof *m * (size_t)(n + 1));
            m[n].version = util_strndup(f->path + 14, strlen(f->path + 14) - 4);
            m[n].label = util_strdup(f->path);
            m[n].sql = util_strdup(f->data);
            n++;
        }
    }
    qsort(m, (size_t)n, sizeof *m, by_version);
    *out = m;
    return n;
}

static bool run(struct db_conn *c, const char *sql, int n, const char *const *p)
{
    PGresult *r = db_exec(c, sql, n, p);
    PQclear(r);
    return r != NULL;
}

/* Two administrators migrating at once must not interleave: each
 * transaction takes the lock first (a transaction's lock, never the
 * session's: behind a transaction-mode pooler the session is not ours). */
static const char lock_sql[] = "SELECT pg_advisory_xact_lock(hashtext('careline.migrate'))";

/* Whether a migration is recorded, and with the same text. */
static const char applied_sql[] = "SELECT checksum = md5($2) AS same FROM schema_migrations WHERE version = $1";
struct applied {
    bool same;
};
static const struct db_col applied_cols[] = {DB_COL(DB_BOOL, struct applied, same)};
static const struct db_shape applied_shape = DB_SHAPE("schema_migrations", struct applied, applied_cols);

/* A migration's failure as db_error() has it; -1. */
static int migrate_failed(struct db_conn *c, const struct migration *m, char *err, size_t errlen)
{
    util_format(err, errlen, "%s: %s", m->label, db_error(c));
    return -1;
}

/* One migration in a transaction of its own, checked under the lock: 1
 * applied, 0 there already, -1 failed (rolled back; err says why). */
static int migrate_one(struct db_conn *c, const struct migration *m, FILE *out, char *err, size_t errlen)
{
    const char *p[2] = {m->version, m->sql};
    if (!run(c, "BEGIN", 0, NULL))
        return migrate_failed(c, m, err, errlen);
    PGresult *r = run(c, lock_sql, 0, NULL) ? db_exec(c, applied_sql, 2, p) : NULL;
    struct db_rows rows = {0};
    bool odd = r && db_rows_decode(&rows, &applied_shape, r, err, errlen) < 0;
    bool done = rows.n > 0, same = done && DB_ROW(&rows, struct applied, 0)->same;
    bool failed = !r;
    PQclear(r);
    db_rows_free(&rows);
    if (odd) {
        run(c, "ROLLBACK", 0, NULL);
        return -1;
    }
    if (!failed && done) {
        if (!same && out)
            fprintf(out, "warning: %s changed since it was applied; not applied again\n", m->label);
        return run(c, "COMMIT", 0, NULL) ? 0 : migrate_failed(c, m, err, errlen);
    }
    if (failed || db_exec_script(c, m->sql) < 0 ||
        !run(c, "INSERT INTO schema_migrations (version, checksum) VALUES ($1, md5($2))", 2, p) ||
        !run(c, "COMMIT", 0, NULL)) {
        run(c, "ROLLBACK", 0, NULL);   /* a success leaves db_error() the failure's */
        return migrate_failed(c, m, err, errlen);
    }
    if (out)
        fprintf(out, "applied %s\n", m->label);
    return 1;
}

int db_migrate(struct db_conn *c, FILE *out, char *err, size_t errlen)
{
    struct migration *m = NULL;
    int n = list_migrations(&m, err, errlen);
    if (n < 0)
        return -1;
    int rc = -1, applied = 0;
    db_setting(c, "statement_timeout", "0");   /* a migration may rebuild a big index */
    if (!run(c, "BEGIN", 0, NULL) || !run(c, lock_sql, 0, NULL) ||
        !run(c,
             "CREATE TABLE IF NOT EXISTS schema_migrations ("
             " version text PRIMARY KEY,"
             " checksum text NOT NULL,"
             " applied_at timestamptz NOT NULL DEFAULT now(),"
             " applied_by text NOT NULL DEFAULT current_user)",
             0, NULL) ||
        !run(c, "COMMIT", 0, NULL)) {
        util_format(err, errlen, "cannot prepare schema_migrations: %s", db_error(c));
        run(c, "ROLLBACK", 0, NULL);
        goto out;
    }
    for (int i = 0; i < n; i++) {
        int one = migrate_one(c, &m[i], out, err, errlen);
        if (one < 0)
            goto out;
        applied += one;
    }
    if (out)
    {
        if (applied)
            fprintf(out, "%d migration(s) applied\n", applied);
        else
            fprintf(out, "schema is up to date (%d migrations)\n", n);
    }
    rc = 0;
out:
    for (int i = 0; i < n; i++) {
        free(m[i].version);
        free(m[i].label);
        free(m[i].sql);
    }
    free(m);
    return rc;
}

/* The region file of a demo region, or NULL. */
static const char *seed_region_sql(const char *region)
{
    char path[96];
    if (util_format_fits(path, sizeof path, "db/seed/%s.sql", region) < 0 || strchr(region, '/'))
        return NULL;
    return db_embedded(path);
}

bool db_seed_region_known(const char *region, char *err, size_t errlen)
{
    if (seed_region_sql(region))
        return true;
    struct util_buf names = {0};
    for (const struct embedded_file *f = embedded_files; f->path; f++)
        if (strncmp(f->path, "db/seed/", 8) == 0 && is_sql(f->path + 8))
            util_buf_printf(&names, "%s%.*s", names.len ? ", " : "", (int)strlen(f->path + 8) - 4, f->path + 8);
    util_format(err, errlen, "no demo region '%s' (there are: %s)", region, names.data ? names.data : "none");
    util_buf_free(&names);
    return false;
}

int db_seed(struct db_conn *c, long n, const char *region, FILE *out, char *err, size_t errlen)
{
    const char *sql = db_embedded("db/seed.sql");
    if (!sql) {
        util_format(err, errlen, "db/seed.sql is not compiled into this program");
        return -1;
    }
    if (!region)
        region = "gb-eng";
    if (!db_seed_region_known(region, err, errlen))
        return -1;
    const char *region_sql = seed_region_sql(region);
    char count[32];
    util_format(count, sizeof count, "%ld", n);
    const char *p[1] = {count};
    long long t0 = util_now_ms();
    /* A million customers take minutes: no statement timeout here. */
    db_setting(c, "statement_timeout", "0");
    if (!run(c, "BEGIN", 0, NULL) ||
        !run(c, "SELECT set_config('careline.seed_customers', $1, true)", 1, p) ||
        db_exec_script(c, region_sql) < 0 || db_exec_script(c, sql) < 0 || !run(c, "COMMIT", 0, NULL)) {
        util_format(err, errlen, "seed: %s", db_error(c));
        run(c, "ROLLBACK", 0, NULL);
        return -1;
    }
    /* The seed wrote bill statuses and arrears as of the day it ran, with
     * triggers off: the same job as every night makes them today's and
     * says how long they hold. */
    if (db_maintain(c, NULL, err, errlen) < 0)
        return -1;
    /* Derived data the screens read: the word index for search (the
     * seed loads with triggers off) and usage of similar premises. */
    if (!run(c, "SELECT search_rebuild()", 0, NULL)) {
        util_format(err, errlen, "seed: building the search words: %s", db_error(c));
        return -1;
    }
    if (!run(c, "REFRESH MATERIALIZED VIEW usage_benchmark", 0, NULL)) {
        util_format(err, errlen, "seed: refreshing usage_benchmark: %s", db_error(c));
        return -1;
    }
    /* Statistics matter for the search plans; ANALYZE cannot run inside
     * the seed's transaction block for the whole database cheaply. */
    run(c, "ANALYZE", 0, NULL);
    if (out)
        fprintf(out, "seeded %ld customers (%s) in %.1f s\n", n, region, (double)(util_now_ms() - t0) / 1000.0);
    return 0;
}

/* What the nightly job brought up to date: one row per kind of stored state. */
static const char maintain_sql[] = "SELECT what, changed FROM careline_maintain()";
struct maintained {
    char *what;
    int64_t changed;
};
static const struct db_col maintained_cols[] = {
    DB_COL(DB_TEXT, struct maintained, what),
    DB_COL(DB_INT64, struct maintained, changed),
};
static const struct db_shape maintained_shape = DB_SHAPE("careline_maintain()", struct maintained, maintained_cols);

int db_maintain(struct db_conn *c, FILE *out, char *err, size_t errlen)
{
    /* At a million customers this is a few seconds' work, once a night. */
    db_setting(c, "statement_timeout", "0");
    PGresult *r = db_exec(c, maintain_sql, 0, NULL);
    if (!r) {
        util_format(err, errlen, "maintain: %s", db_error(c));
        return -1;
    }
    struct db_rows rows = {0};
    char why[256];
    int rc = db_rows_decode(&rows, &maintained_shape, r, why, sizeof why);
    PQclear(r);
    if (rc < 0) {
        util_format(err, errlen, "maintain: %s", why);
        return -1;
    }
    long long total = 0;
    for (int i = 0; i < rows.n; i++) {
        const struct maintained *m = DB_ROW(&rows, struct maintained, i);
        total += m->changed;
        if (out)
            fprintf(out, "%s: %lld\n", m->what, (long long)m->changed);
    }
    db_rows_free(&rows);
    if (out && total == 0)
        fputs("nothing was out of date\n", out);
    return 0;
}

static const char *const applied_params[] = {"001_extensions", ""};
static const struct db_statement statements[] = {
    {applied_sql, 2, applied_params, &applied_shape, false},
    {maintain_sql, 0, NULL, &maintained_shape, true},
};

const struct db_statement *db_admin_statements(int *n)
{
    *n = (int)(sizeof statements / sizeof statements[0]);
    return statements;
}
