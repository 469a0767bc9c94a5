/* ahead.c — the statements every session of the screens prepares before their first use: each module's list, in the order a call reaches them. */
#include "careline/ahead.h"

#include "careline/complaint.h"
#include "careline/contact.h"
#include "careline/customer.h"
#include "careline/outbox.h"

void db_ahead_prepare(struct db_conn *c)
{
    db_customer_prepare(c);   /* Enter on a search result */
    db_contact_prepare(c);    /* c: log the contact */
    db_outbox_prepare(c);     /* its save, a complaint's, a credit's */
    db_intake_prepare(c);     /* n: a new complaint */
}
