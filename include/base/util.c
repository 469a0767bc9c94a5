/* util.c — allocation helpers that abort on out-of-memory, string buffer, clock. */
#include "careline/util.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>


static void *check(void *p, size_t n)
{
    if (!p && n) {
        fputs("careline: out of memory\n", stderr);
        abort();
    }
    return p;
}

void *util_malloc(size_t n) { return check(malloc(n ? n : 1), 1); }
void *util_calloc(size_t count, size_t size) { return check(calloc(count ? count : 1, size ? size : 1), 1); }
void *util_realloc(void *p, size_t n) { return check(realloc(p, n ? n : 1), 1); }

char *util_strdup(const char *s)
{
    return s ? util_strndup(s, strlen(s)) : NULL;
}

char *util_strndup(const char *s, size_t n)
{
    size_t len = strnlen(s, n);
    char *d = util_malloc(len + 1);
    memcpy(d, s, len);
    d[len] = '\0';
    return d;
}

/* Marked as printf-like so callers' formats are checked (clang warns otherwise). */
__attribute__((format(printf, 1, 0)))
static char *vformat(const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        n = 0;
    char *s = util_malloc((size_t)n + 1);
    if (vsnprintf(s, (size_t)n + 1, fmt, ap) < 0)
        s[0] = '\0';
    return s;
}

char *util_asprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = vformat(fmt, ap);
    va_end(ap);
    return s;
}

void util_buf_add(struct util_buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->len + n + 1)
            cap *= 2;
        b->data = util_realloc(b->data, cap);
        b->cap = cap;
    }
    if (n)
        memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void util_buf_puts(struct util_buf *b, const char *s) { util_buf_add(b, s, strlen(s)); }

void util_buf_printf(struct util_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = vformat(fmt, ap);
    va_end(ap);
    util_buf_puts(b, s);
    free(s);
}

void util_buf_clear(struct util_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

void util_buf_free(struct util_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

char *util_buf_steal(struct util_buf *b)
{
    char *d = b->data ? b->data : util_strdup("");
    b->data = NULL;
    b->len = b->cap = 0;
    return d;
}

long long util_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void util_uuid(char out[37])
{
    unsigned char b[16];
    FILE *f = fopen("/dev/urandom", "rb");
    size_t got = f ? fread(b, 1, sizeof b, f) : 0;
    if (f)
        (void)fclose(f);   /* only read: nothing to lose */
    if (got != sizeof b) {
        /* No /dev/urandom (a chroot): mix the clock, the pid and a counter.
         * Unique per terminal, which is all idempotency needs. */
        static unsigned long counter;
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        unsigned long long x = (unsigned long long)ts.tv_sec * 1000000007ULL ^ (unsigned long long)ts.tv_nsec ^
                               ((unsigned long long)getpid() << 32) ^ ++counter;
        for (size_t i = 0; i < sizeof b; i++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            b[i] = (unsigned char)x;
        }
    }
    b[6] = (unsigned char)((b[6] & 0x0F) | 0x40);   /* version 4 */
    b[8] = (unsigned char)((b[8] & 0x3F) | 0x80);   /* RFC 4122 variant */
    util_format(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2],
                b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

static FILE *trace_file;

void util_trace_to(void *file) { trace_file = file; }

void util_trace(const char *what, const char *fmt, ...)
{
    if (!trace_file)
        return;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    fprintf(trace_file, "%s %.3f ", what, (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(trace_file, fmt, ap);
    va_end(ap);
    fputc('\n', trace_file);
    (void)fflush(trace_file);   /* a trace line lost is no reason to stop */
}

int util_parse_int64(const char *s, int64_t *out)
{
    if (!s || !*s || (*s != '-' && *s != '+' && (*s < '0' || *s > '9')))
        return -1;
    char *end;
    errno = 0;
    long long x = strtoll(s, &end, 10);
    if (errno || *end || end == s)
        return -1;
    *out = (int64_t)x;
    return 0;
}

int util_parse_int(const char *s, int *out)
{
    int64_t v;
    if (util_parse_int64(s, &v) < 0 || v < INT_MIN || v > INT_MAX)
        return -1;
    *out = (int)v;
    return 0;
}

/* vsnprintf's result: the length it wanted, or -1 (an encoding error: an
 * empty buffer then). */
__attribute__((format(printf, 3, 0)))
static int vformat_into(char *buf, size_t len, const char *fmt, va_list ap)
{
    int n = vsnprintf(buf, len, fmt, ap);
    if (n < 0 && len > 0)
        buf[0] = '\0';
    return n;
}

void util_vformat(char *buf, size_t len, const char *fmt, va_list ap)
{
    if (len == 0)
        return;
    int n = vformat_into(buf, len, fmt, ap);
    if (n < 0 || (size_t)n < len)
        return;
    /* Cut after the last whole character that leaves room for the marker. */
    static const char mark[] = "...";
    size_t limit = len > sizeof mark ? len - sizeof mark : len - 1, keep = 0;
    while (keep < limit && buf[keep]) {
        unsigned char c = (unsigned char)buf[keep];
        size_t step = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
        if (keep + step > limit)
            break;
        keep += step;
    }
    if (len > sizeof mark)
        memcpy(buf + keep, mark, sizeof mark);
    else
        buf[keep] = '\0';
}

void util_format(char *buf, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    util_vformat(buf, len, fmt, ap);
    va_end(ap);
}

int util_format_fits(char *buf, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vformat_into(buf, len, fmt, ap);
    va_end(ap);
    if (n >= 0 && (size_t)n < len)
        return 0;
    if (len > 0)
        buf[0] = '\0';
    return -1;
}

int util_mkdirs(const char *dir)
{
    char *p = util_strdup(dir);
    for (char *s = *p ? p + 1 : p; *s; s++)   /* "" has no byte after its first */
        if (*s == '/') {
            *s = '\0';
            (void)mkdir(p, 0700);   /* an existing parent is fine; the last mkdir says */
            *s = '/';
        }
    int rc = mkdir(p, 0700);
    free(p);
    return rc == 0 || errno == EEXIST ? 0 : -1;
}
