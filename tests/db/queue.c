/* queue.c — database-test driver: loads the queue through db/queue.c as the connected role and prints each row with the state the screen would show; sends take/assign/escalate and prints what became of them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "careline/db.h"
#include "careline/queue.h"

static int percent = 25;
static const char *outcome;
static char sentence[512];

static void print_row(const struct db_queue_row *r)
{
    char word[32];
    snprintf(word, sizeof word, "%s", db_queue_sla_word(db_queue_sla(r, time(NULL), percent, NULL)));
    for (char *p = word; *p; p++)
        *p = *p == ' ' ? '_' : *p;
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
    snprintf(sentence, sizeof sentence, "%s", err ? err : "");
    outcome = conflict ? "conflict" : err ? "refused" : "saved";
}

/* --team T, --owner O, ... into f; the rest of argv (ids, values) into rest. */
static int options(int argc, char **argv, struct db_queue_filter *f, char **rest, int *nrest)
{
    for (int i = 0; i < argc; i++) {
        const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        char *field = NULL;
        size_t len = 0;
        if (strcmp(o, "--mine") == 0) {
            f->mine = true;
            continue;
        }
        if (strcmp(o, "--team") == 0) field = f->team, len = sizeof f->team;
        else if (strcmp(o, "--owner") == 0) field = f->owner, len = sizeof f->owner;
        else if (strcmp(o, "--category") == 0) field = f->category, len = sizeof f->category;
        else if (strcmp(o, "--status") == 0) field = f->status, len = sizeof f->status;
        else if (strcmp(o, "--channel") == 0) field = f->channel, len = sizeof f->channel;
        else if (strcmp(o, "--event") == 0) field = f->event, len = sizeof f->event;
        else if (strcmp(o, "--percent") == 0 && v) {
            percent = atoi(v);
            i++;
            continue;
        } else {
            rest[(*nrest)++] = argv[i];
            continue;
        }
        if (!v)
            return -1;
        snprintf(field, len, "%s", v);
        i++;
    }
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
    char **rest = calloc((size_t)argc, sizeof *rest);
    int nrest = 0;
    if (!rest || options(argc - 2, argv + 2, &f, rest, &nrest) < 0)
        return 2;
    struct db_params p = {.conninfo = "", .connect_timeout = 10, .application_name = "careline queue test"};
    struct db_conn *c = db_new(&p);
    if (db_connect(c, NULL) < 0) {
        printf("error cannot connect: %s\n", db_error(c));
        return 1;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "list") == 0)
        db_queue_load(c, &f, 500, true, loaded, NULL);
    else if (strcmp(cmd, "refresh") == 0)
        db_queue_refresh(c, &f, (const char *const *)rest, nrest, refreshed, NULL);
    else if (strcmp(cmd, "assign") == 0 && nrest == 4)
        db_queue_assign(c, rest[0], atoi(rest[1]), atoll(rest[2]), rest[3], written, NULL);
    else if (strcmp(cmd, "escalate") == 0 && nrest == 4)
        db_queue_escalate(c, rest[0], atoi(rest[1]), rest[2], rest[3], written, NULL);
    else {
        fprintf(stderr, "queue: bad command line\n");
        return 2;
    }
    int rc = db_wait(c, 20000);
    if (rc < 0 || !outcome)
        printf("error no answer\n");
    else if (strcmp(outcome, "loaded") && strcmp(outcome, "refreshed"))
        printf("%s%s%s\n", outcome, *sentence ? " " : "", sentence);
    db_free(c);
    free(rest);
    return rc < 0 ? 1 : 0;
}
