/* notify_text.h — the pure rules of telling customers: RFC 5322 mail text, GSM-7 or UCS-2 for SMS, address checks, retry backoff, and what an MTA's or SMS gateway's answer means. */
#ifndef CARELINE_NOTIFY_TEXT_H
#define CARELINE_NOTIFY_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "careline/util.h"

/* What a hand-off attempt came to. */
enum notify_outcome {
    NOTIFY_SENT,      /* the MTA or gateway took it */
    NOTIFY_RETRY,     /* a temporary failure: try again later */
    NOTIFY_FAILED,    /* permanent: the customer goes on the call list */
};
const char *notify_text_outcome_name(enum notify_outcome o);   /* "sent", "retry", "failed" */

/* An e-mail address we hand to sendmail: a dot-atom local part (letters,
 * digits and !#$%&'*+-/=?^_`{|}~), '@', a domain of letters, digits and
 * hyphens in dot-separated labels; at most 254 bytes. Anything else (a
 * comma, a quote, a space, a control character) is refused, so no address
 * can add a recipient or a header. */
bool notify_text_addr_ok(const char *addr);
/* The bare address in a From setting ("Careline <care@water.example>" or
 * "care@water.example") copied into out; false when there is none or it is
 * not acceptable by notify_text_addr_ok, or the display name holds a line
 * break or a control character. */
bool notify_text_from_addr(const char *from, char *out, size_t len);

/* The mail sendmail reads on its standard input: From, To, Subject
 * (RFC 2047 encoded-words when not plain ASCII, folded under 78 columns),
 * Date, Message-ID (<message_id@the From domain>), MIME headers, and the
 * body in quoted-printable UTF-8. Lines end in LF, as sendmail(8) expects. */
struct notify_mail {
    const char *from;          /* the From header as configured */
    const char *to;            /* checked by notify_text_addr_ok */
    const char *subject;
    const char *body;
    const char *message_id;    /* the outbox message's uuid */
    time_t date;
};
void notify_text_mail(struct util_buf *out, const struct notify_mail *m);
/* A header value as RFC 2047 encoded-words (UTF-8, base64), or the text
 * itself when it is printable ASCII; control characters become spaces;
 * folded so no line passes 78 columns after a header name of name_len. */
void notify_text_header(struct util_buf *out, const char *value, size_t name_len);
/* Quoted-printable (RFC 2045) with LF line ends, lines at most 76 columns. */
void notify_text_qp(struct util_buf *out, const char *text);

/* True when text cannot go in the GSM 03.38 alphabet (basic set and its
 * extension table) and must be sent as UCS-2. Invalid UTF-8 counts as
 * needing UCS-2 (the gateway gets charset=UTF-8 either way). */
bool notify_text_sms_ucs2(const char *text);

/* Seconds before attempt number `attempts` + 1, after a temporary failure:
 * first_seconds doubled for each attempt made, at most an hour. */
int notify_text_backoff(int first_seconds, int attempts);

/* What sendmail's exit status means (sysexits.h): 0 sent; the address or
 * message refused for good (EX_DATAERR, EX_NOUSER, EX_NOHOST) failed;
 * everything else (a queue problem, a missing program, a signal) retry. */
enum notify_outcome notify_text_sendmail_outcome(int exit_status);
/* What a Kannel sendsms answer means: 2xx with "0:" (accepted) or "3:"
 * (queued for later delivery) sent; 400 or "Not routable" failed (the
 * number is wrong); everything else, including refused credentials (the
 * gateway's or our set-up's fault, not the customer's), retry. http 0:
 * no answer at all. */
enum notify_outcome notify_text_sms_outcome(long http, const char *body);

#endif
