/* logcontact_screen.h — what the contact form (screens/logcontact.c) opens on: the customer, and the view below it to bring up to date in the save's own round trip. */
#ifndef CARELINE_LOGCONTACT_SCREEN_H
#define CARELINE_LOGCONTACT_SCREEN_H

#include "careline/customer.h"

/* Copied by the screen. The parts are read right behind the save, in the
 * same round trip, and handed to refreshed() once the contact is stored,
 * before the form closes (on a far database a second round trip for the
 * timeline is as long as the save). */
struct scr_logcontact_arg {
    long long customer_id;
    const enum db_cv_part *parts;   /* NULL: nothing to read back */
    int nparts;
    void (*refreshed)(void *ctx, struct db_customer_view *v);   /* takes v over */
    void *ctx;                      /* the screen below, alive while the form is over it */
};

#endif
