/* util.h — allocation helpers that abort on out-of-memory, and a growable string buffer. */
#ifndef CARELINE_UTIL_H
#define CARELINE_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* These never return NULL: running out of memory in a terminal program is
 * not recoverable in any useful way, so they print a message and abort. */
void *util_malloc(size_t n);
void *util_calloc(size_t count, size_t size);
void *util_realloc(void *p, size_t n);
char *util_strdup(const char *s);            /* heap copy; NULL stays NULL */
char *util_strndup(const char *s, size_t n); /* heap copy of at most n bytes */
char *util_asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Growable NUL-terminated byte buffer; owns its memory. Zero-initialise. */
struct util_buf {
    char *data;
    size_t len;
    size_t cap;
};
void util_buf_add(struct util_buf *b, const char *s, size_t n);
void util_buf_puts(struct util_buf *b, const char *s);
void util_buf_printf(struct util_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void util_buf_clear(struct util_buf *b);
void util_buf_free(struct util_buf *b);
char *util_buf_steal(struct util_buf *b);    /* returns data (caller frees), buffer emptied */

/* A random (version 4) UUID in canonical text form; out holds 37 bytes.
 * Made at the terminal so that a write replayed after a lost connection
 * is recognised by the database as the same row. */
void util_uuid(char out[37]);

/* Milliseconds from a monotonic clock. */
long long util_now_ms(void);

/* The timing trace (CARELINE_TRACE): the shell names the file, any floor
 * may add a line "WHAT <monotonic ms> DETAIL", so the order of events
 * (key, paint, journal write) can be checked from outside. NULL: off. */
void util_trace_to(void *file);
void util_trace(const char *what, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Text to a whole number, for text from the database, files and the
 * command line: an optional sign and decimal digits, nothing before or
 * after, in range. 0, or -1 with *out unchanged: bad data is refused,
 * never read as 0 (as atoi would). */
int util_parse_int(const char *s, int *out);
int util_parse_int64(const char *s, int64_t *out);

/* snprintf into a fixed buffer for text people read (messages, labels):
 * never fails, and text that does not fit is cut at a UTF-8 character
 * boundary and ends in "..." so the cut shows. */
void util_format(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void util_vformat(char *buf, size_t len, const char *fmt, va_list ap) __attribute__((format(printf, 3, 0)));
/* snprintf where a cut would change the meaning (an id, a path, a name
 * looked up later): 0 when it fit, -1 when it did not (buf then ""). */
int util_format_fits(char *buf, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4), warn_unused_result));

/* mkdir -p with mode 0700: 0, or -1 with errno set. */
int util_mkdirs(const char *dir);

#endif
