/* customer_screen.h — the customer view's state and drawing, shared by its files: screens/customer.c (data and keys), customer_draw.c (header, banner, tabs), customer_overview.c and customer_panels.c. */
#ifndef CARELINE_CUSTOMER_SCREEN_H
#define CARELINE_CUSTOMER_SCREEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "careline/customer.h"
#include "careline/tui.h"

enum scr_cust_panel {
    SCR_CUST_OVERVIEW, SCR_CUST_USAGE, SCR_CUST_BILLING, SCR_CUST_CONTACTS, SCR_CUST_COMPLAINTS,
    SCR_CUST_PROGRAMMES, SCR_CUST__PANELS
};

#define SCR_CUST_MONTHS 24

struct scr_customer {
    long long id;
    char *title_name;               /* from the search hit, shown until the view arrives */
    struct db_customer_view *v;     /* NULL until the first answer */
    char *error;
    bool loading;
    enum scr_cust_panel panel;
    struct tui_list list[SCR_CUST__PANELS];
    /* What the rules make of the view (customer_rules.c). */
    struct db_usage_month usage[SCR_CUST_MONTHS];
    int nusage;
    int usage_flags;
    char usage_reason[320];
    int high_bill;                  /* row of the bill that explains a high-bill call, or -1 */
    char high_reason[200];
    bool more_contacts_pending;
    char body_of[40];               /* the contact whose whole text is on its way, "" when none */
    bool contact_only;              /* the screen over this one logs a contact: no complaint changes */
    bool refreshed_by_save;         /* its save brought the changed parts back: nothing to fetch */
};

/* Typed rows of the view the screen holds. */
#define SCR_CUST_ROW(c, part, type, i) DB_CV_ROW((c)->v, part, type, i)
static inline int scr_cust_rows(const struct scr_customer *c, enum db_cv_part p) { return c->v->part[p].n; }

/* customer_draw.c */
void scr_cust_draw(void *st, struct tui_rect b);
/* "£12.30" ("GBP 12.30" where the pound sign cannot be drawn) into buf. */
const char *scr_cust_money(int64_t pence, char *buf, size_t len);
/* "SUPPLY INTERRUPTION" for an event's kind. */
const char *scr_cust_event_word(const char *kind);
/* "met", "in 3d 04h", "OVERDUE 2d 01h". */
const char *scr_cust_time_left(bool met, int64_t seconds, char *buf, size_t len);
/* The words of the newest event to read out, for the banner and the full view (heap). */
char *scr_cust_readout(const struct db_cv_event *e);
/* A role for how a deadline stands. */
enum tui_role scr_cust_deadline_role(enum db_deadline_state d);

/* customer_overview.c */
void scr_cust_overview(const struct scr_customer *c, struct tui_rect b);

/* customer_panels.c */
void scr_cust_usage(struct scr_customer *c, struct tui_rect b);
void scr_cust_billing(struct scr_customer *c, struct tui_rect b);
void scr_cust_contacts(struct scr_customer *c, struct tui_rect b);
void scr_cust_complaints(struct scr_customer *c, struct tui_rect b);
void scr_cust_programmes(struct scr_customer *c, struct tui_rect b);
/* The contacts recorded in all (the view holds one page of them). */
long long scr_cust_contact_total(const struct scr_customer *c);

#endif
