/* check.c — the load driver's end-of-run check, against the database, of every kind of write the terminals were told was done: each acknowledged UUID there exactly once (contacts and their surveys, complaints, credits, script runs, answers and credits, follow-ups), every version-checked change either won once or was refused (decisions, reassignments, follow-ups recorded, e-mail edits), no deadlock; and how soon an agent heard a supervisor's decision. */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "load.h"

void load_child_path(char *path, size_t len, bool supervisor, int n, const char *suffix)
{
    if (util_format_fits(path, len, "%s/%c%d.%s", load_world.dir, supervisor ? 's' : 'a', n, suffix) < 0) {
        fprintf(stderr, "load: path too long in %s\n", load_world.dir);
        exit(1);
    }
}

/* Append every line of the children's files with this suffix to out. */
void load_gather(const char *suffix, struct util_buf *out)
{
    char path[512], line[512];
    for (int s = 0; s < 2; s++)
        for (int i = 0; i < (s ? load_opt.supervisors : load_opt.agents); i++) {
            load_child_path(path, sizeof path, s, i, suffix);
            FILE *f = fopen(path, "r");
            if (!f)
                continue;
            while (fgets(line, sizeof line, f))
                util_buf_puts(out, line);
            (void)fclose(f);   /* only read */
        }
}

long long load_number(struct db_conn *c, const char *sql, int n, const char *const *p)
{
    PGresult *r = db_exec(c, sql, n, p);
    int64_t v = -1;
    if (!r || PQntuples(r) < 1 || util_parse_int64(PQgetvalue(r, 0, 0), &v) < 0)
        fprintf(stderr, "load: %s: %s\n", sql, r ? "not a whole number" : db_error(c));
    PQclear(r);
    return v;
}

/* ---- the children's lines, split into words --------------------------------- */

#define WORDS 5
struct line {
    const char *w[WORDS];   /* kind, ok|failed|conflict|..., key, more... ("" past the end) */
};
static struct line *lines;
static int nlines;
static struct util_buf text;

static void split_lines(void)
{
    load_gather("writes", &text);
    for (char *l = text.data, *e; l && *l; l = e + 1) {
        e = strchr(l, '\n');
        if (!e)
            break;
        *e = '\0';
        lines = util_realloc(lines, sizeof *lines * (size_t)(nlines + 1));
        struct line *x = &lines[nlines++];
        char *save = NULL, *w = strtok_r(l, " ", &save);
        for (int k = 0; k < WORDS; k++, w = w ? strtok_r(NULL, " ", &save) : NULL)
            x->w[k] = w ? w : "";
    }
}

static bool is(const struct line *l, const char *kind, const char *state)
{
    return strcmp(l->w[0], kind) == 0 && (!state || strcmp(l->w[1], state) == 0);
}

/* An array literal of word k (and j, when j > 0) of the lines of kind and
 * state: "{a,b,...}" with each element quoted. Returns how many. */
static long array_of(const char *kind, const char *state, int k, struct util_buf *out, int j, struct util_buf *out2)
{
    long n = 0;
    util_buf_puts(out, "{");
    if (out2)
        util_buf_puts(out2, "{");
    for (int i = 0; i < nlines; i++)
        if (is(&lines[i], kind, state)) {
            util_buf_printf(out, "%s\"%s\"", n ? "," : "", lines[i].w[k]);
            if (out2)
                util_buf_printf(out2, "%s\"%s\"", n ? "," : "", lines[i].w[j]);
            n++;
        }
    util_buf_puts(out, "}");
    if (out2)
        util_buf_puts(out2, "}");
    return n;
}

static long count_of(const char *kind, const char *state)
{
    long n = 0;
    for (int i = 0; i < nlines; i++)
        n += is(&lines[i], kind, state);
    return n;
}

static int problems;
static FILE *md;

/* One line of the verdict, on stdout and in the Markdown. */
static void verdict(bool good, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void verdict(bool good, const char *fmt, ...)
{
    char buf[600];
    va_list ap;
    va_start(ap, fmt);
    if (vsnprintf(buf, sizeof buf, fmt, ap) < 0)
        buf[0] = '\0';
    va_end(ap);
    printf("  %s: %s\n", buf, good ? "ok" : "PROBLEM");
    if (md)
        fprintf(md, "| %s | %s |\n", buf, good ? "ok" : "**PROBLEM**");
    problems += !good;
}

/* Acknowledged keys of kind found once each; with like (a LIKE pattern on
 * the run's rows), no row beyond the acknowledged and the failed-but-stored. */
static void exactly_once(struct db_conn *c, const char *what, const char *kind, const char *table,
                         const char *tagged_sql)
{
    struct util_buf ok = {0}, bad = {0};
    long nok = array_of(kind, "ok", 2, &ok, 0, NULL);
    array_of(kind, "failed", 2, &bad, 0, NULL);
    char *sql = util_asprintf("SELECT count(*) FROM %s WHERE id = ANY($1::uuid[])", table);
    const char *p1[1] = {ok.data}, *pf[1] = {bad.data};
    long long found = load_number(c, sql, 1, p1), distinct = load_number(c, "SELECT count(DISTINCT u) FROM unnest($1::uuid[]) u", 1, p1);
    long long failed_present = load_number(c, sql, 1, pf);
    free(sql);
    if (tagged_sql) {
        const char *pt[1] = {load_world.run_tag};
        long long tagged = load_number(c, tagged_sql, 1, pt);
        verdict(found == nok && distinct == nok && tagged == found + failed_present,
                "%s: %ld acknowledged, %lld found once each; rows of the run %lld = acknowledged + %lld stored though "
                "their answer was lost",
                what, nok, found, tagged, failed_present);
    } else {
        verdict(found == nok && distinct == nok, "%s: %ld acknowledged, %lld found once each", what, nok, found);
    }
    util_buf_free(&ok);
    util_buf_free(&bad);
}

/* Pairs (word 2, word 3) of kind acknowledged, each matching one row of sql. */
static void pairs_once(struct db_conn *c, const char *what, const char *kind, const char *sql)
{
    struct util_buf a = {0}, b = {0};
    array_of(kind, "ok", 2, &a, 3, &b);
    const char *p[2] = {a.data, b.data};
    /* A step answered again (a script that loops back) is one row. */
    long long n = load_number(c, "SELECT count(*) FROM (SELECT DISTINCT * FROM unnest($1::text[], $2::text[])) u", 2, p);
    long long found = load_number(c, sql, 2, p);
    verdict(found == n, "%s: %lld acknowledged, %lld found as acknowledged", what, n, found);
    util_buf_free(&a);
    util_buf_free(&b);
}

static void check_writes(struct db_conn *c)
{
    exactly_once(c, "contacts", "contact", "interaction",
                 "SELECT count(*) FROM interaction WHERE summary LIKE $1 || ' agent %'");
    long replays = count_of("contact", "replay"), retried = count_of("contact", "retried");
    struct util_buf s = {0}, st = {0};
    long nsurvey = 0;
    array_of("contact", "ok", 2, &s, 3, &st);
    for (int i = 0; i < nlines; i++)
        nsurvey += is(&lines[i], "contact", "ok") && strcmp(lines[i].w[3], "survey") == 0;
    const char *ps[2] = {s.data, st.data};
    long long surveys = load_number(c,
                                    "SELECT count(*) FROM satisfaction_survey v JOIN unnest($1::uuid[], $2::text[]) u(id, s)"
                                    " ON v.interaction_id = u.id AND u.s = 'survey'",
                                    2, ps);
    verdict(surveys == nsurvey, "surveys at wrap-up: %ld acknowledged with their contact, %lld stored (one per contact)",
            nsurvey, surveys);
    printf("  (contacts sent again with the same UUID: %ld; saves whose first attempt failed: %ld)\n", replays, retried);
    util_buf_free(&s);
    util_buf_free(&st);
    exactly_once(c, "complaints", "complaint", "complaint",
                 "SELECT count(*) FROM complaint WHERE description LIKE $1 || ':%'");
    pairs_once(c, "complaint references", "complaint",
               "SELECT count(*) FROM complaint k JOIN (SELECT DISTINCT * FROM unnest($1::uuid[], $2::text[])) u(id, ref) ON k.id = u.id"
               " AND k.reference = u.ref");
    exactly_once(c, "goodwill credits offered", "credit", "goodwill_credit",
                 "SELECT count(*) FROM goodwill_credit WHERE reason = $1");
    pairs_once(c, "credits: applied within authority, pending above it (or decided since)", "credit",
               "SELECT count(*) FROM goodwill_credit g JOIN (SELECT DISTINCT * FROM unnest($1::uuid[], $2::text[])) u(id, st)"
               " ON g.id = u.id AND (g.status = u.st OR (u.st = 'pending' AND g.status IN ('approved', 'rejected')))");
    exactly_once(c, "recovery script runs", "run", "complaint_script_run", NULL);
    pairs_once(c, "script answers (one per run and step)", "answer",
               "SELECT count(*) FROM script_answer a JOIN (SELECT DISTINCT * FROM unnest($1::uuid[], $2::int[])) u(r, s)"
               " ON a.run_id = u.r AND a.step_id = u.s");
    pairs_once(c, "script credits (one per run and credit step)", "scredit",
               "SELECT count(*) FROM goodwill_credit g JOIN (SELECT DISTINCT * FROM unnest($1::uuid[], $2::int[])) u(r, s)"
               " ON g.id = md5('script-credit:' || u.r || ':' || u.s)::uuid");
    struct util_buf fin = {0};
    long nfin = array_of("finish", "ok", 2, &fin, 0, NULL);
    const char *pfin[1] = {fin.data};
    long long finished = load_number(
        c, "SELECT count(*) FROM complaint_script_run WHERE id = ANY($1::uuid[]) AND finished_at IS NOT NULL", 1, pfin);
    verdict(finished == nfin, "script runs finished: %ld acknowledged, %lld recorded finished", nfin, finished);
    util_buf_free(&fin);
    exactly_once(c, "follow-ups booked", "followup", "follow_up", NULL);
}

/* A key acknowledged twice as the winner of a version check would be a
 * lost update; the winner's change must be what is stored. */
static long twice(const char *kind)
{
    long n = 0;
    for (int i = 0; i < nlines; i++)
        for (int j = i + 1; is(&lines[i], kind, "ok") && j < nlines; j++)
            n += is(&lines[j], kind, "ok") && strcmp(lines[i].w[2], lines[j].w[2]) == 0 &&
                 (strcmp(kind, "assign") != 0 || strcmp(lines[i].w[3], lines[j].w[3]) == 0);
    return n;
}

static void check_versioned(struct db_conn *c)
{
    long fwon = count_of("fdone", "ok"), flost = count_of("fdone", "conflict");
    long long fgood = -1;
    {
        struct util_buf a = {0}, b = {0};
        array_of("fdone", "ok", 2, &a, 3, &b);
        const char *p[2] = {a.data, b.data};
        fgood = load_number(c,
                            "SELECT count(*) FROM follow_up f JOIN unnest($1::uuid[], $2::int[]) u(id, v) ON f.id = u.id"
                            " AND f.status = 'done' AND f.version = u.v + 1",
                            2, p);
        util_buf_free(&a);
        util_buf_free(&b);
    }
    verdict(fgood == fwon && twice("fdone") == 0,
            "follow-ups recorded: %ld won (each done once, at the version it was seen + 1: %lld), %ld refused as stale",
            fwon, fgood, flost);
    long dwon = count_of("decide", "ok"), dlost = count_of("decide", "conflict");
    struct util_buf a = {0}, b = {0};
    array_of("decide", "ok", 2, &a, 3, &b);
    const char *p[2] = {a.data, b.data};
    long long dgood = load_number(
        c, "SELECT count(*) FROM goodwill_credit g JOIN unnest($1::uuid[], $2::text[]) u(id, st) ON g.id = u.id AND g.status = u.st",
        2, p);
    verdict(dgood == dwon && twice("decide") == 0,
            "credits decided by supervisors: %ld won (stored as decided: %lld), %ld refused as already decided", dwon,
            dgood, dlost);
    util_buf_free(&a);
    util_buf_free(&b);
}

/* Reassignments: per complaint, the owner stored is the one of the
 * acknowledged change made at the highest version. */
static void check_reassign(struct db_conn *c)
{
    long won = count_of("assign", "ok"), lost = count_of("assign", "conflict"), wrong = 0;
    for (int r = 0; r < load_world.nreassign; r++) {
        const char *id = load_world.reassign[r];
        /* Two supervisors who saw the same version and chose the same
         * person both hear "done" (the second changes nothing): the owner
         * stored is that of one change at the highest version. */
        int best = -1;
        for (int i = 0; i < nlines; i++) {
            int v;
            if (is(&lines[i], "assign", "ok") && strcmp(lines[i].w[2], id) == 0 &&
                util_parse_int(lines[i].w[3], &v) == 0 && v > best)
                best = v;
        }
        if (best < 0)
            continue;
        struct util_buf owners = {0};
        util_buf_puts(&owners, "{");
        for (int i = 0, n = 0; i < nlines; i++) {
            int v;
            if (is(&lines[i], "assign", "ok") && strcmp(lines[i].w[2], id) == 0 &&
                util_parse_int(lines[i].w[3], &v) == 0 && v == best)
                util_buf_printf(&owners, "%s%s", n++ ? "," : "", lines[i].w[4]);
        }
        util_buf_puts(&owners, "}");
        const char *p[2] = {id, owners.data};
        wrong += load_number(c,
                             "SELECT count(*) FROM complaint WHERE id = $1::uuid AND coalesce(owner_staff_id, 0) ="
                             " ANY($2::int[])",
                             2, p) != 1;
        util_buf_free(&owners);
    }
    verdict(wrong == 0, "complaints reassigned: %ld changes won, %ld refused as stale; complaints whose last winning "
            "change is not what is stored: %ld", won, lost, wrong);
}

/* E-mail edits: each hot customer's version moved by exactly the edits
 * told they won, and holds the e-mail of the last. */
static void check_edits(struct db_conn *c)
{
    long wins[LOAD_HOT] = {0}, total = 0, lost = 0, moved = 0;
    int best_v[LOAD_HOT] = {0};
    const char *best_email[LOAD_HOT] = {0};
    for (int i = 0; i < nlines; i++) {
        int64_t id;
        int v;
        if (!is(&lines[i], "edit", "ok") || util_parse_int64(lines[i].w[2], &id) < 0 ||
            util_parse_int(lines[i].w[3], &v) < 0)
            continue;
        for (int h = 0; h < LOAD_HOT; h++)
            if (load_world.hot[h] == id) {
                wins[h]++;
                total++;
                if (v > best_v[h]) {
                    best_v[h] = v;
                    best_email[h] = lines[i].w[4];
                }
            }
    }
    for (int h = 0; h < LOAD_HOT; h++) {
        char ids[24];
        util_format(ids, sizeof ids, "%lld", load_world.hot[h]);
        const char *p[1] = {ids};
        PGresult *r = db_exec(c, "SELECT version, coalesce(email, '') FROM customer WHERE id = $1", 1, p);
        int v = 0;
        if (!r || PQntuples(r) != 1 || util_parse_int(PQgetvalue(r, 0, 0), &v) < 0) {
            lost++;
        } else {
            moved += v - load_world.version0[h];
            lost += v - load_world.version0[h] != wins[h] || (wins[h] && strcmp(PQgetvalue(r, 0, 1), best_email[h]) != 0);
        }
        PQclear(r);
    }
    verdict(lost == 0 && moved == total, "e-mail edits: %ld won, %ld refused as stale; versions moved %ld; customers "
            "whose last winning edit is not what is stored: %ld", total, count_of("edit", "conflict"), moved, lost);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* How soon the agent who asked heard a decision: the first time it was
 * heard against the server's decided_at (one machine, one clock). */
static void check_heard(struct db_conn *c)
{
    struct util_buf ids = {0}, at = {0};
    long n = array_of("heard", NULL, 1, &ids, 2, &at);
    const char *p[2] = {ids.data, at.data};
    PGresult *r = db_exec(c,
                          "SELECT min(u.at - extract(epoch FROM g.decided_at) * 1000) FROM unnest($1::uuid[], $2::float8[])"
                          " u(id, at) JOIN goodwill_credit g ON g.id = u.id GROUP BY g.id",
                          2, p);
    int rows = r ? PQntuples(r) : 0;
    double *ms = util_calloc((size_t)rows + 1, sizeof *ms);
    for (int i = 0; i < rows; i++)
        ms[i] = strtod(PQgetvalue(r, i, 0), NULL);
    PQclear(r);
    qsort(ms, (size_t)rows, sizeof *ms, cmp_double);
    if (rows)
        printf("  decisions heard by the agent who asked (LISTEN): %d credits, p50 %.0f ms, p95 %.0f ms, max %.0f ms"
               " after the decision was committed (%ld notices heard)\n",
               rows, ms[(rows - 1) / 2], ms[(int)ceil(rows * .95) - 1], ms[rows - 1], n);
    if (md && rows)
        fprintf(md, "| decisions heard by the agent who asked (LISTEN): %d, p50 %.0f ms, p95 %.0f ms, max %.0f ms | %s |\n",
                rows, ms[(rows - 1) / 2], ms[(int)ceil(rows * .95) - 1], ms[rows - 1], ms[rows - 1] < 1000 ? "ok" : "slow");
    free(ms);
    util_buf_free(&ids);
    util_buf_free(&at);
}

int load_check(struct db_conn *admin, long long deadlocks0, FILE *markdown)
{
    md = markdown;
    problems = 0;
    split_lines();
    printf("\nconsistency (%s):\n", load_opt.label);
    if (md)
        fprintf(md, "\n| End-of-run check (%s) | |\n| --- | --- |\n", load_opt.label);
    /* A run in which no terminal wrote anything (none connected, say)
     * would pass every check below: that is a problem of its own. */
    long contacts = count_of("contact", "ok");
    verdict(contacts > 0, "contacts acknowledged during the run: %ld (none would leave every check below empty)",
            contacts);
    check_writes(admin);
    check_versioned(admin);
    check_reassign(admin);
    check_edits(admin);
    long long deadlocks =
        load_number(admin, "SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()", 0, NULL) -
        deadlocks0;
    verdict(deadlocks == 0, "deadlocks during the run (pg_stat_database): %lld", deadlocks);
    check_heard(admin);
    free(lines);
    lines = NULL;
    nlines = 0;
    util_buf_free(&text);
    return problems;
}
