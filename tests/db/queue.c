/* queue.c — database-test driver: loads the queue through db/queue.c as the connected role and prints each row with the state the screen would show; sends take/assign/escalate and prints what became of them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "careline/db.h"
#include "careline/queue.h"
#include "careline/util.h"

static int percent = 25;
static const char *outcome;
static char sentence[512];

static void print_row(const struct db_queue_row *r)
{
    char word[32];
    util_format(word, sizeof word, "%s", db_queue_sla_word(db_queue_sla(r, time(NULL), percent, NULL)));
    for (char *p = word; *p; p++)
        if (*p == ' ')
            *p = '_';   /* one word a column */
    printf("%s %s %s %s %s v%d\n", r->reference, word, *r->owner ? r->owner : "-", *r->team ? r->team : "-",
           r->status, r->version);
}

static void loaded(void *ctx, struct db_queue *q)
{
    (void)ctx;
    if (q->error) {
        printf("error %s\n", q->error);
    } else {
        const struct db_queue_me *me = DB_ROW(&q->me, const struct db_queue_me, 0);
        printf("me %lld %s [%s] total %lld choices %d\n", (long long)me->staff_id, me->role, me->teams,
               q->rows.n ? (long long)DB_ROW(&q->rows, struct db_queue_row, 0)->total : 0LL, q->choices.n);
        for (int i = 0; i < q->rows.n; i++)
            print_row(DB_ROW(&q->rows, const struct db_queue_row, i));
    }
    db_queue_free(q);
    outcome = "loaded";
}

static void refreshed(void *ctx, struct db_rows *rows, const char *err)
{
    (void)ctx;
    if (err)
        printf("error %s\n", err);
    for (int i = 0; !err && i < rows->n; i++)
        print_row(DB_ROW(rows, const struct db_queue_row, i));
    outcome = "refreshed";
}

static void written(void *ctx, bool conflict, const char *err)
{
    (void)ctx;
    util_format(sentence, sizeof sentence, "%s", err ? err : "");
    outcome = conflict ? "conflict" : err ? "refused" : "saved";
}

/* The filters' options. */
static const struct {
    const char *name;
    enum db_queue_filter_kind kind;
} filters[] = {
    {"--team", DB_QF_TEAM},     {"--owner", DB_QF_AGENT},     {"--category", DB_QF_CATEGORY},
    {"--status", DB_QF_STATUS}, {"--channel", DB_QF_CHANNEL}, {"--event", DB_QF_EVENT},
};

/* --team T, --owner O, ... into f; the rest of argv (ids, values) into rest. */
static int options(int argc, char **argv, struct db_queue_filter *f, char **rest, int *nrest)
{
    for (int i = 0; i < argc; i++) {
        const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        int k = -1;
        for (size_t j = 0; j < sizeof filters / sizeof filters[0] && k < 0; j++)
            if (strcmp(o, filters[j].name) == 0)
                k = (int)j;
        if (strcmp(o, "--mine") == 0) {
            f->mine = true;
        } else if (strcmp(o, "--percent") == 0) {
            if (!v || util_parse_int(v, &percent) < 0)
                return -1;
            i++;
        } else if (k >= 0) {
            if (!v || !db_queue_filter_set(f, filters[k].kind, v))
                return -1;
            i++;
        } else {
            rest[(*nrest)++] = argv[i];
        }
    }
    return 0;
}

/* The writes: assign ID VERSION OWNER TEAM, escalate ID VERSION TO WHY. */
static int send_write(struct db_conn *c, const char *cmd, char **rest, int nrest)
{
    int version;
    int64_t owner;
    if (nrest != 4 || util_parse_int(rest[1], &version) < 0)
        return -1;
    if (strcmp(cmd, "assign") == 0 && util_parse_int64(rest[2], &owner) == 0)
        db_queue_assign(c, rest[0], version, owner, rest[3], written, NULL);
    else if (strcmp(cmd, "escalate") == 0)
        db_queue_escalate(c, rest[0], version, rest[2], rest[3], written, NULL);
    else
        return -1;
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs("usage: queue list|refresh|assign|escalate [--mine] [--team T] [--owner O] [--category C]"
              " [--status S] [--channel C] [--event E] [--percent P] [ARG]...\n", stderr);
        return 2;
    }
    struct db_queue_filter f = {0};
    char **rest = util_calloc((size_t)argc, sizeof *rest);
    int nrest = 0;
    if (options(argc - 2, argv + 2, &f, rest, &nrest) < 0) {
        fprintf(stderr, "queue: bad command line\n");
        free(rest);
        return 2;
    }
    struct db_params p = {.conninfo = "", .connect_timeout = 10, .application_name = "careline queue test"};
    struct db_conn *c = db_new(&p);
    if (db_connect(c, NULL) < 0) {
        printf("error cannot connect: %s\n", db_error(c));
        free(rest);
        return 1;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "list") == 0)
        db_queue_load(c, &f, 500, true, loaded, NULL);
    else if (strcmp(cmd, "refresh") == 0)
        db_queue_refresh(c, &f, (const char *const *)rest, nrest, refreshed, NULL);
    else if (send_write(c, cmd, rest, nrest) < 0) {
        fprintf(stderr, "queue: bad command line\n");
        db_free(c);
        free(rest);
        return 2;
    }
    int rc = db_wait(c, 20000);
    if (rc < 0 || !outcome)
        printf("error no answer\n");
    else if (strcmp(outcome, "loaded") != 0 && strcmp(outcome, "refreshed") != 0)
        printf("%s%s%s\n", outcome, *sentence ? " " : "", sentence);
    db_free(c);
    free(rest);
    return rc < 0 ? 1 : 0;
}
