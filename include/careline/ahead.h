/* ahead.h — the statements every session of the screens prepares before their first use. */
#ifndef CARELINE_AHEAD_H
#define CARELINE_AHEAD_H

#include "careline/db.h"

/* Register, once per connection handle, the statements an agent's call
 * comes to next (the customer view, the contact and complaint forms and
 * every outbox write) with db_prepare_ahead(): prepared whenever the
 * connection opens and is quiet, so even their first use sends only
 * parameters. Every other statement is prepared at its first use. */
void db_ahead_prepare(struct db_conn *c);

#endif
