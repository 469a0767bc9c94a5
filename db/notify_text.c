/* notify_text.c — RFC 5322 mail text, GSM-7 versus UCS-2, address checks, backoff, and the meaning of MTA and gateway answers: pure functions, unit-tested. */
#include "careline/notify_text.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "careline/event.h"
#include "careline/text.h"

const char *notify_text_outcome_name(enum notify_outcome o)
{
    switch (o) {
    case NOTIFY_SENT: return "sent";
    case NOTIFY_RETRY: return "retry";
    case NOTIFY_FAILED: return "failed";
    }
    return "retry";
}

static bool atext(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c && strchr("!#$%&'*+-/=?^_`{|}~", c));
}

bool notify_text_addr_ok(const char *addr)
{
    if (!addr || strlen(addr) > 254)
        return false;
    const char *at = strchr(addr, '@');
    if (!at || at == addr || strchr(at + 1, '@') || at - addr > 64)
        return false;
    /* Local part: dot-atom, no leading, trailing or double dot. */
    for (const char *p = addr; p < at; p++) {
        if (*p == '.') {
            if (p == addr || p + 1 == at || p[1] == '.')
                return false;
        } else if (!atext((unsigned char)*p)) {
            return false;
        }
    }
    /* Domain: labels of letters, digits and inner hyphens. */
    const char *d = at + 1;
    size_t label = 0;
    if (!*d)
        return false;
    for (const char *p = d; ; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == '.' || c == '\0') {
            if (label == 0 || label > 63 || p[-1] == '-')
                return false;
            if (c == '\0')
                return true;
            label = 0;
        } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                   (c == '-' && label > 0)) {
            label++;
        } else {
            return false;
        }
    }
}

bool notify_text_from_addr(const char *from, char *out, size_t len)
{
    if (!from || !len)
        return false;
    for (const unsigned char *p = (const unsigned char *)from; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return false;
    const char *lt = strrchr(from, '<');
    const char *start = from, *end = from + strlen(from);
    if (lt) {
        const char *gt = strchr(lt, '>');
        if (!gt || gt[1])
            return false;
        start = lt + 1;
        end = gt;
    }
    size_t n = (size_t)(end - start);
    if (n + 1 > len)
        return false;
    memcpy(out, start, n);
    out[n] = '\0';
    return notify_text_addr_ok(out);
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void base64(struct util_buf *out, const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)s[i] << 16;
        if (i + 1 < n)
            v |= (unsigned)s[i + 1] << 8;
        if (i + 2 < n)
            v |= s[i + 2];
        char q[4] = {b64[(v >> 18) & 63], b64[(v >> 12) & 63], b64[(v >> 6) & 63], b64[v & 63]};
        if (i + 1 >= n)
            q[2] = '=';
        if (i + 2 >= n)
            q[3] = '=';
        util_buf_add(out, q, 4);
    }
}

/* Bytes of the UTF-8 character at s (1 for a stray byte). */
static size_t char_len(const char *s, size_t left)
{
    uint32_t cp;
    int n = tui_utf8_decode(s, left, &cp);
    return n > 0 ? (size_t)n : 1;
}

void notify_text_header(struct util_buf *out, const char *value, size_t name_len)
{
    /* Control characters (a line break above all) never reach a header. */
    struct util_buf clean = {0};
    bool ascii = true;
    for (const unsigned char *p = (const unsigned char *)(value ? value : ""); *p; p++) {
        char c = (char)(*p < 0x20 || *p == 0x7f ? ' ' : *p);
        ascii &= *p < 0x80;
        util_buf_add(&clean, &c, 1);
    }
    const char *s = clean.data ? clean.data : "";
    size_t n = clean.len, col = name_len + 2;   /* "Name: " */
    /* Plain text that happens to look like an encoded-word is encoded too. */
    if (ascii && !strstr(s, "=?")) {
        /* Fold at spaces so no line passes 78 columns (a word longer
         * than that stays whole: RFC 5322 allows up to 998). */
        const char *p = s;
        while (*p) {
            const char *sp = strchr(p + 1, ' ');
            size_t w = sp ? (size_t)(sp - p) : strlen(p);
            if (col + w > 78 && p != s && *p == ' ') {
                util_buf_puts(out, "\n");
                col = 0;
            }
            util_buf_add(out, p, w);
            col += w;
            p += w;
        }
    } else {
        /* Encoded-words of at most 75 characters: 45 bytes of text each,
         * cut at character boundaries, one per line after the first. */
        size_t i = 0;
        bool first = true;
        while (i < n) {
            size_t take = 0;
            while (i + take < n) {
                size_t c = char_len(s + i + take, n - i - take);
                if (take + c > 45)
                    break;
                take += c;
            }
            if (take == 0)
                take = 1;
            if (!first)
                util_buf_puts(out, "\n ");
            util_buf_puts(out, "=?UTF-8?B?");
            base64(out, (const unsigned char *)s + i, take);
            util_buf_puts(out, "?=");
            i += take;
            first = false;
        }
    }
    util_buf_free(&clean);
}

void notify_text_qp(struct util_buf *out, const char *text)
{
    static const char hex[] = "0123456789ABCDEF";
    int col = 0;
    for (const unsigned char *p = (const unsigned char *)(text ? text : ""); *p; p++) {
        if (*p == '\r' && p[1] == '\n')
            continue;
        if (*p == '\n') {
            util_buf_puts(out, "\n");
            col = 0;
            continue;
        }
        /* Trailing blanks would be lost in transit: encode them. */
        bool trailing = (*p == ' ' || *p == '\t') && (p[1] == '\n' || p[1] == '\0' || (p[1] == '\r' && p[2] == '\n'));
        bool plain = *p >= 33 && *p <= 126 && *p != '=';
        plain |= (*p == ' ' || *p == '\t') && !trailing;
        /* A dot alone at the start of a line would end some SMTP hops. */
        plain &= !(col == 0 && *p == '.');
        char enc[3] = {'=', hex[*p >> 4], hex[*p & 15]};
        int w = plain ? 1 : 3;
        if (col + w > 75) {
            util_buf_puts(out, "=\n");
            col = 0;
        }
        if (plain)
            util_buf_add(out, (const char *)p, 1);
        else
            util_buf_add(out, enc, 3);
        col += w;
    }
}

static void rfc5322_date(struct util_buf *out, time_t t)
{
    static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    struct tm tm;
    localtime_r(&t, &tm);
    long off = tm.tm_gmtoff / 60;
    char sign = off < 0 ? '-' : '+';
    if (off < 0)
        off = -off;
    util_buf_printf(out, "%s, %02d %s %04d %02d:%02d:%02d %c%02ld%02ld", days[tm.tm_wday % 7], tm.tm_mday,
                    months[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec, sign, off / 60,
                    off % 60);
}

void notify_text_mail(struct util_buf *out, const struct notify_mail *m)
{
    char addr[256] = "";
    notify_text_from_addr(m->from, addr, sizeof addr);
    const char *domain = strchr(addr, '@');
    util_buf_puts(out, "From: ");
    notify_text_header(out, m->from, 4);
    util_buf_printf(out, "\nTo: %s\nSubject: ", m->to);
    notify_text_header(out, m->subject, 7);
    util_buf_puts(out, "\nDate: ");
    rfc5322_date(out, m->date);
    util_buf_printf(out, "\nMessage-ID: <%s@%s>\n", m->message_id, domain ? domain + 1 : "careline.invalid");
    /* RFC 3834: no auto-replies to a notice. */
    util_buf_puts(out, "Auto-Submitted: auto-generated\n"
                       "MIME-Version: 1.0\n"
                       "Content-Type: text/plain; charset=UTF-8\n"
                       "Content-Transfer-Encoding: quoted-printable\n");
    util_buf_printf(out, "X-Careline-Message: %s\n\n", m->message_id);
    notify_text_qp(out, m->body);
    util_buf_puts(out, "\n");
}

/* One definition of the GSM 03.38 alphabet: the event screen's SMS length. */
bool notify_text_sms_ucs2(const char *text)
{
    struct db_sms_length l;
    db_sms_measure(text, &l);
    return l.encoding == DB_SMS_UCS2 || l.bad_utf8;
}

int notify_text_backoff(int first_seconds, int attempts)
{
    long s = first_seconds > 0 ? first_seconds : 1;
    for (int i = 1; i < attempts && s < 3600; i++)
        s *= 2;
    return (int)(s > 3600 ? 3600 : s);
}

enum notify_outcome notify_text_sendmail_outcome(int exit_status)
{
    switch (exit_status) {
    case 0: return NOTIFY_SENT;
    case 65:   /* EX_DATAERR */
    case 67:   /* EX_NOUSER */
    case 68:   /* EX_NOHOST */
        return NOTIFY_FAILED;
    default: return NOTIFY_RETRY;
    }
}

enum notify_outcome notify_text_sms_outcome(long http, const char *body)
{
    body = body ? body : "";
    while (*body == ' ' || *body == '\n' || *body == '\r')
        body++;
    if (http >= 200 && http < 300 && (strncmp(body, "0:", 2) == 0 || strncmp(body, "3:", 2) == 0))
        return NOTIFY_SENT;
    if (strstr(body, "Not routable") || strstr(body, "denied by white"))
        return NOTIFY_FAILED;
    /* A 400 names a bad number, unless it is our own set-up's fault. */
    if (http == 400 && !strstr(body, "Sender") && !strstr(body, "sername") && !strstr(body, "assword"))
        return NOTIFY_FAILED;
    return NOTIFY_RETRY;
}
