/* audit.h — the audit trail as people read it: who opened and changed what, per customer, per staff member or everyone, page by page; and the entries a session writes about itself (idle lock). */
#ifndef CARELINE_AUDIT_H
#define CARELINE_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "careline/db.h"
#include "careline/record.h"

/* Entries of one request, newest first. */
#define DB_AUDIT_PAGE 100
/* Counted up to this many; more shows as "10000+". */
#define DB_AUDIT_COUNT_CAP 10000

/* What to list. Only supervisors and administrators may read the audit
 * log: the database refuses everyone else (row-level security). */
struct db_audit_filter {
    long long customer_id;      /* 0: every customer (and entries about none) */
    const char *login;          /* NULL or "": everyone */
    int days;                   /* 0: today (since midnight, the utility's time), else the last N days */
    bool vulnerability_only;    /* only reads of vulnerability details */
};

/* One entry of audit_log, as the screen shows it. */
struct db_audit_entry {
    int64_t id;
    char *at;                   /* "Mon 12 May 14:02" */
    char *at_long;              /* "Monday 12 May 2026 14:02:09" */
    char *at_key;               /* the exact time, where the next page starts */
    char *actor;                /* the login that did it */
    char *actor_name;           /* the staff member's name, "" without a staff row */
    char *action;               /* customer.open, customer.vulnerability, complaint.open, insert, update, ... */
    char *entity;               /* the table changed, or what was opened */
    char *entity_id;
    int64_t customer_id;        /* 0: about no customer */
    char *customer;             /* the customer's name, "" */
    char *account_no;
    bool customer_vulnerable;   /* the customer has vulnerability details recorded now */
    char *purpose;              /* for a vulnerability read: which screen read them */
    char *reference;            /* a complaint's reference, when the entry names one */
    char *fields;               /* changed fields, ", "-separated */
    char *changes;              /* one line each: "field: before -> after" (update) or "field: value" */
    char *extra;                /* the rest of the details as JSON, "" */
};

/* Per person, over the same filter: who has seen a customer, or what one
 * staff member did. */
struct db_audit_person_total {
    char *actor;
    char *name;                 /* "" without a staff row */
    int64_t entries;
    int64_t customers;          /* distinct customers opened or exported */
    int64_t opens;              /* customer views and complaints opened */
    int64_t vulnerability_reads;
    int64_t changes;
    char *last;                 /* "Mon 12 May 14:02" */
};

/* One load: the count and the people (first page only) and a page. */
struct db_audit_page {
    struct db_rows entries;     /* struct db_audit_entry */
    struct db_rows people;      /* struct db_audit_person_total; empty for later pages and for everyone */
    int64_t count;              /* entries matching, up to DB_AUDIT_COUNT_CAP + 1; -1 for later pages */
    bool more;                  /* a full page came: there may be more before it */
    bool refused;               /* the database refused: not a supervisor or administrator */
    char *error;                /* the sentence to show, or NULL */
};
void db_audit_page_free(struct db_audit_page *p);

/* A page of the entries after `last` (the last one held, newest first;
 * NULL: from the newest), asynchronously; done gets a page it owns. With
 * last NULL the same round trip also brings the count and, per customer or
 * per person, the totals by person. owner: for db_forget_owner. */
unsigned db_audit_load(struct db_conn *c, const struct db_audit_filter *f, const struct db_audit_entry *last,
                       void (*done)(void *ctx, struct db_audit_page *p), void *ctx, const void *owner);

/* Staff whose name or login contains typed (case-insensitive; "" lists
 * everyone), for the staff picker. */
struct db_audit_staff {
    char *login;
    char *name;
    char *team;                 /* "" */
    char *group_role;
    bool active;
};
unsigned db_audit_staff_find(struct db_conn *c, const char *typed,
                             void (*done)(void *ctx, struct db_rows *rows, bool refused, const char *err), void *ctx,
                             const void *owner);

/* What an entry records, in words: "opened the customer view", "read
 * vulnerability details (call list)", "changed the contact: summary".
 * Pure. Returns out. */
const char *db_audit_what(const struct db_audit_entry *e, char *out, size_t len);
/* Whether the entry is a read of vulnerability details. */
bool db_audit_is_vulnerability_read(const struct db_audit_entry *e);
/* The whole entry as lines of text for a detail page (heap). */
char *db_audit_describe(const struct db_audit_entry *e);

/* An entry the session writes about itself, in its own name
 * (session.locked, session.unlocked, session.unlock_failed,
 * session.lock_ended); details is a JSON object or NULL. Fire and forget:
 * an entry that cannot be written (offline) is lost, which the lock
 * screen says. */
void db_audit_session_event(struct db_conn *c, const char *action, const char *details);

/* The statements above with parameters that run on the demo data. */
const struct db_statement *db_audit_statements(int *n);

#endif
