/* merge.h — duplicate customers: the likely pairs the database finds, two records side by side, merging into a survivor and undoing it within a day. */
#ifndef CARELINE_MERGE_H
#define CARELINE_MERGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "careline/db.h"
#include "careline/record.h"

/* A likely duplicate pair (a_id < b_id) and why the database thinks so. */
struct db_merge_pair {
    int64_t a_id, b_id;
    char *reasons;               /* "same phone, similar name at the same premise" */
    char *a_name, *a_account, *b_name, *b_account;
};

/* One record of a pair as a supervisor compares them. */
struct db_merge_side {
    int64_t id;
    int version;                 /* what a merge must name (optimistic locking) */
    char *name, *account_no, *segment;
    char *phone, *email;         /* "" when none */
    char *address;               /* current premise, "" when none */
    char *flags;                 /* "priority services, vulnerable: medical_water" or "" */
    char *created;               /* "05 Jan 2024" */
    int64_t balance;             /* pence, positive: owes */
    int64_t contacts, complaints, open_complaints, bills, payments, credits, programmes, premises;
    char *last_contact;          /* "12 Nov 2026" or "" */
};

/* A merge of the last day, most recent first. */
struct db_merge_recent {
    char *id;                    /* uuid */
    char *at;                    /* "30 Nov 14:05" */
    char *by;                    /* who merged, "" unknown */
    char *survivor, *survivor_account, *merged, *merged_account;
    bool undone;                 /* undone already */
};

/* Rows delivered by the loads below (struct db_merge_pair, side, recent).
 * The callback may keep them by moving *rows out; err is a sentence and
 * rows then empty. */
typedef void (*db_merge_rows_fn)(void *ctx, struct db_rows *rows, const char *err);

/* The likely pairs, most reasons first (at most limit). */
unsigned db_merge_pairs_load(struct db_conn *c, int limit, db_merge_rows_fn done, void *ctx);
/* The two records, a first. */
unsigned db_merge_compare_load(struct db_conn *c, long long a, long long b, db_merge_rows_fn done, void *ctx);
/* Merges of the last day. */
unsigned db_merge_recent_load(struct db_conn *c, db_merge_rows_fn done, void *ctx);

/* Merge `merged` into `survivor`, seen at those versions; id is made by
 * the caller (a retry is the same merge). conflict: either record changed
 * since, nothing written. Supervisors only (the database says so). */
unsigned db_merge_customers(struct db_conn *c, const char *id, const struct db_merge_side *survivor,
                            const struct db_merge_side *merged,
                            void (*done)(void *ctx, bool conflict, const char *err), void *ctx);
/* Undo a merge of the last day (undoing it again is fine). */
unsigned db_merge_undo(struct db_conn *c, const char *id, void (*done)(void *ctx, const char *err), void *ctx);
/* The two are different people: the pair leaves the list. */
unsigned db_merge_dismiss(struct db_conn *c, long long a, long long b, void (*done)(void *ctx, const char *err),
                          void *ctx);

/* The statements decoded into records (tests/db/statements.c). */
const struct db_statement *db_merge_statements(int *n);

/* ---- rules (pure) ---------------------------------------------------------- */

/* Which of the two to keep: the one with more history (contacts,
 * complaints, bills, premises), else the older record. 0 or 1. */
int db_merge_survivor(const struct db_merge_side *a, const struct db_merge_side *b);
/* What a merge will do, in one sentence: "Everything of 4999999992 (3
 * contacts, 1 complaint, ...) moves to 4999999991; 4999999992 stays as a
 * pointer to it." Heap string. */
char *db_merge_summary(const struct db_merge_side *survivor, const struct db_merge_side *merged);

#endif
