/* admin.c — `careline migrate`, `careline seed` and `careline maintain`: ordered, transactional migrations, set-based demo data, and stored state brought up to today. */
#include "careline/admin.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

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

int db_migrate(struct db_conn *c, FILE *out, char *err, size_t errlen)
{
    struct migration *m = NULL;
    int n = list_migrations(&m, err, errlen);
    if (n < 0)
        return -1;
    int rc = -1, applied = 0;
    run(c, "SET statement_timeout = 0", 0, NULL);   /* a migration may rebuild a big index */
    /* Two administrators migrating at once must not interleave. */
    if (!run(c, "SELECT pg_advisory_lock(hashtext('careline.migrate'))", 0, NULL) ||
        !run(c,
             "CREATE TABLE IF NOT EXISTS schema_migrations ("
             " version text PRIMARY KEY,"
             " checksum text NOT NULL,"
             " applied_at timestamptz NOT NULL DEFAULT now(),"
             " applied_by text NOT NULL DEFAULT current_user)",
             0, NULL)) {
        util_format(err, errlen, "cannot prepare schema_migrations: %s", db_error(c));
        goto out;
    }
    for (int i = 0; i < n; i++) {
        const char *p[2] = {m[i].version, m[i].sql};
        PGresult *r = db_exec(c, "SELECT checksum = md5($2) FROM schema_migrations WHERE version = $1", 2, p);
        if (!r) {
            util_format(err, errlen, "%s: %s", m[i].label, db_error(c));
            goto out;
        }
        bool done = PQntuples(r) > 0;
        bool same = done && strcmp(PQgetvalue(r, 0, 0), "t") == 0;
        PQclear(r);
        if (done) {
            if (!same && out)
                fprintf(out, "warning: %s changed since it was applied; not applied again\n", m[i].label);
            continue;
        }
        if (!run(c, "BEGIN", 0, NULL)) {
            util_format(err, errlen, "%s: %s", m[i].label, db_error(c));
            goto out;
        }
        if (db_exec_script(c, m[i].sql) < 0 ||
            !run(c, "INSERT INTO schema_migrations (version, checksum) VALUES ($1, md5($2))", 2, p) ||
            !run(c, "COMMIT", 0, NULL)) {
            util_format(err, errlen, "%s: %s", m[i].label, db_error(c));
            run(c, "ROLLBACK", 0, NULL);
            goto out;
        }
        applied++;
        if (out)
            fprintf(out, "applied %s\n", m[i].label);
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
    run(c, "SELECT pg_advisory_unlock(hashtext('careline.migrate'))", 0, NULL);
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
    run(c, "SET statement_timeout = 0", 0, NULL);
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

int db_maintain(struct db_conn *c, FILE *out, char *err, size_t errlen)
{
    /* At a million customers this is a few seconds' work, once a night. */
    run(c, "SET statement_timeout = 0", 0, NULL);
    PGresult *r = db_exec(c, "SELECT what, changed FROM careline_maintain()", 0, NULL);
    if (!r) {
        util_format(err, errlen, "maintain: %s", db_error(c));
        return -1;
    }
    int fw = PQfnumber(r, "what"), fc = PQfnumber(r, "changed");
    if (fw < 0 || fc < 0) {
        PQclear(r);
        util_format(err, errlen, "maintain: careline_maintain() answered with unexpected columns");
        return -1;
    }
    long long total = 0;
    for (int i = 0; i < PQntuples(r); i++) {
        int64_t n;
        if (util_parse_int64(PQgetvalue(r, i, fc), &n) < 0) {
            util_format(err, errlen, "maintain: careline_maintain() counted '%s' for %s, not a whole number",
                        PQgetvalue(r, i, fc), PQgetvalue(r, i, fw));
            PQclear(r);
            return -1;
        }
        total += n;
        if (out)
            fprintf(out, "%s: %lld\n", PQgetvalue(r, i, fw), (long long)n);
    }
    PQclear(r);
    if (out && total == 0)
        fputs("nothing was out of date\n", out);
    return 0;
}
