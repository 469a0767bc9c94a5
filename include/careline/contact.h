/* contact.h — recording a contact (interaction) idempotently, and the wrap-up codes to choose from. */
#ifndef CARELINE_CONTACT_H
#define CARELINE_CONTACT_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "careline/db.h"
#include "careline/outbox.h"

struct db_choice {
    char *code;
    char *label;
};
void db_choices_free(struct db_choice *list, int n);

/* The active wrap-up codes, in their order; done owns list (free with
 * db_choices_free). ctx is the owner for db_forget_owner. */
/* The contact form's statements prepared ahead of their first use. */
void db_contact_prepare(struct db_conn *c);
unsigned db_wrapup_codes(struct db_conn *c, void (*done)(void *ctx, struct db_choice *list, int n, const char *err),
                         void *ctx);

struct db_contact_draft {
    char id[37];              /* made once by db_contact_draft_init */
    long long customer_id;
    double started;           /* when the agent began (the form opened), Unix seconds */
    const char *channel;      /* phone, email, web, sms, walk_in, field_visit, social */
    const char *direction;    /* inbound, outbound */
    const char *wrap_up_code; /* may be NULL */
    const char *subject;      /* may be "" */
    const char *summary;
    /* The short survey at wrap-up (stored when asked or declined). */
    int csat;                 /* 1..5, 0 = not asked */
    int nps;                  /* 0..10, -1 = not asked */
    bool survey_declined;
    const char *comment;
    const char *customer;     /* who, for the list of unsent work; may be NULL */
};
void db_contact_draft_init(struct db_contact_draft *d, long long customer_id);

enum db_contact_field { DB_CONTACT_SUMMARY, DB_CONTACT_SUBJECT, DB_CONTACT_WRAPUP };
/* Check a draft before saving: -1 when fine, else the field at fault with
 * a message for the agent in why. */
int db_contact_check(const struct db_contact_draft *d, char *why, size_t len);

/* Save through the outbox (kept under dir until the database has it; sent
 * again after a lost connection): INSERT .. ON CONFLICT (id) DO NOTHING,
 * so saving the same draft twice leaves one row; the survey, when asked,
 * goes in the same round trip (one per interaction). err: why it is not
 * kept on disk, "" when it is. */
extern const struct db_outbox_kind db_contact_outbox;
unsigned db_contact_save(struct db_conn *c, const char *dir, const struct db_contact_draft *d,
                         const struct db_outbox_reply *r, char *err, size_t errlen);
/* The same, waiting (tests). Returns 0 or -1 with db_error(). */
int db_contact_save_sync(struct db_conn *c, const struct db_contact_draft *d);

#endif
