/* notify_send.h — handing one message to the outside world: e-mail to sendmail(8), SMS to the gateway's HTTP interface (Kannel sendsms, libcurl). */
#ifndef CARELINE_NOTIFY_SEND_H
#define CARELINE_NOTIFY_SEND_H

#include <stddef.h>

#include "careline/config.h"
#include "careline/notify.h"
#include "careline/notify_text.h"

struct notify_sender;

/* Check the settings (the From address, the sendmail path, the SMS URL)
 * and set up the HTTP client. Returns NULL with a sentence naming the
 * setting in err. */
struct notify_sender *notify_send_new(const struct conf_notify *cfg, char *err, size_t len);
void notify_send_free(struct notify_sender *s);

/* Hand one message off and say what came of it; detail gets what the MTA
 * or gateway said (or why it was not tried), never the gateway password. */
enum notify_outcome notify_send(struct notify_sender *s, const struct db_notify_msg *m, char *detail, size_t len);

#endif
