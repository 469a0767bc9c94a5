/* intake.h — opening the complaint intake form, fresh or from a journalled draft. */
#ifndef CARELINE_INTAKE_H
#define CARELINE_INTAKE_H

#include "careline/journal.h"

struct intake_arg {
    long long customer_id;
    const char *channel;                     /* of the current contact, e.g. "phone" */
    const struct journal_draft *restore;     /* NULL for a new complaint */
};

#endif
