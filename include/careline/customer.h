/* customer.h — everything about one customer for the unified view, fetched in one round trip. */
#ifndef CARELINE_CUSTOMER_H
#define CARELINE_CUSTOMER_H

#include <stdbool.h>
#include <stddef.h>

#include "careline/db.h"

/* The parts of the view, one statement each, sent together. */
enum db_cv_part {
    CV_HEADER, CV_EVENTS, CV_PREMISES, CV_USAGE, CV_BILLS, CV_PAYMENTS, CV_ARRANGEMENTS, CV_BALANCE,
    CV_CONTACTS, CV_CONTACT_COUNT, CV_COMPLAINTS, CV_PROGRAMMES, CV_FOLLOWUPS, CV_AUDIT,
    CV__COUNT
};

/* Columns of each part. */
enum { H_ID, H_ACCOUNT, H_NAME, H_SEGMENT, H_LANGUAGE, H_CHANNEL, H_PHONE, H_EMAIL, H_BALANCE, H_ARREARS,
       H_VULNERABILITY, H_PSR, H_NON_DIGITAL, H_KEY_ACCOUNT, H_ARRANGEMENT, H_OVERDUE, H_REPEAT_SUBJECT,
       H_VERSION, H_FIRST_NAME, H_CUSTOMER_TYPE };
enum { EV_ID, EV_KIND, EV_TITLE, EV_STARTED, EV_RESTORE, EV_MESSAGE, EV_PREMISES };
enum { PR_ID, PR_ADDRESS, PR_POSTCODE, PR_ZONE, PR_TYPE, PR_SERIAL, PR_METER_TYPE, PR_METER_STATUS, PR_ROLE,
       PR_SINCE };
enum { US_MONTH, US_M3, US_LAST_YEAR, US_SIMILAR, US_READ_TYPE, US_NIGHT_FLOW };
enum { BI_ID, BI_ISSUED, BI_PERIOD, BI_AMOUNT, BI_DUE, BI_STATUS, BI_ESTIMATED, BI_PERIOD_START, BI_PERIOD_END };
enum { PA_PAID, PA_AMOUNT, PA_METHOD };
enum { AR_START, AR_END, AR_INSTALMENT, AR_FREQUENCY, AR_STATUS, AR_TOTAL };
enum { BA_MONTH, BA_BALANCE };
enum { CO_ID, CO_AT, CO_CHANNEL, CO_DIRECTION, CO_AGENT, CO_WRAPUP, CO_SUBJECT, CO_SUMMARY, CO_BODY };
enum { CC_COUNT };
enum { CP_ID, CP_REFERENCE, CP_CATEGORY, CP_STATUS, CP_OPENED, CP_SEVERITY, CP_ACK_LEFT, CP_RESPONSE_LEFT,
       CP_RESOLUTION_LEFT, CP_ACKNOWLEDGED, CP_RESPONDED, CP_DONE, CP_ROOT_CAUSE, CP_DESCRIPTION, CP_PAUSED,
       CP_RESOLUTION };
enum { PG_NAME, PG_KIND, PG_STATUS, PG_ENROLLED, PG_REBATE, PG_ENDED, PG_DESCRIPTION };
enum { FU_DUE, FU_CHANNEL, FU_WHAT, FU_OVERDUE };

#define DB_CV_CONTACT_PAGE 50

struct db_customer_view {
    struct db_table part[CV__COUNT];
    char *error;          /* NULL on success */
    double ms;            /* from sending to the result */
    int contacts_offset;  /* first contact row held */
};

/* Fetch the whole view of customer_id in one round trip (pipeline), also
 * writing the audit row "customer.open". done gets a view the callee owns
 * (db_customer_view_free). ctx is the owner for db_forget_owner. */
unsigned db_customer_open(struct db_conn *c, long long customer_id,
                          void (*done)(void *ctx, struct db_customer_view *v), void *ctx);
/* Fetch only the parts given (e.g. the event banner after a NOTIFY, or
 * contacts from an offset), in one round trip; parts not asked for are
 * empty in the result. */
unsigned db_customer_refresh(struct db_conn *c, long long customer_id, const enum db_cv_part *parts, int n,
                             int contacts_offset, void (*done)(void *ctx, struct db_customer_view *v), void *ctx);
/* The same, waiting (tests, bench). Returns 0 or -1 with v->error set. */
int db_customer_open_sync(struct db_conn *c, long long customer_id, struct db_customer_view *v);
/* The customer with that account number, synchronously: 1 with *id set, 0
 * when there is none, -1 with db_error() set when the query failed. */
int db_customer_find_account(struct db_conn *c, const char *account_no, long long *id);
void db_customer_view_free(struct db_customer_view *v);

/* ---- rules on the data (pure, unit-tested) --------------------------- */

struct db_usage_month {
    double m3;          /* NAN when no read that month */
    char read_type;     /* 'a' actual, 's' smart, 'c' customer, 'e' estimated, 0 none */
    double night_flow;  /* litres/hour, NAN when not a smart meter */
};

enum db_usage_flag {
    USAGE_OK = 0,
    USAGE_LEAK_JUMP = 1,        /* sustained jump over the customer's own baseline */
    USAGE_LEAK_NIGHT = 2,       /* continuous night flow on a smart meter */
    USAGE_CATCH_UP = 4          /* an actual read after estimates: a catch-up bill */
};

/* Look at months (oldest first) and say what an agent should know: the
 * flags found and one sentence with the reason in reason (may be NULL). */
int db_usage_flags(const struct db_usage_month *m, int n, char *reason, size_t len);

#endif
