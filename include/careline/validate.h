/* validate.h — the PCRE2 patterns from the configuration that decide what input means. */
#ifndef CARELINE_VALIDATE_H
#define CARELINE_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>

#define VALID_KINDS(X) \
    X(ACCOUNT_NO,       "account_no") \
    X(PHONE,            "phone") \
    X(PHONE_PARTIAL,    "phone_partial") \
    X(POSTCODE,         "postcode") \
    X(POSTCODE_PARTIAL, "postcode_partial") \
    X(METER_SERIAL,     "meter_serial") \
    X(EMAIL,            "email") \
    X(SEARCH,           "search")

enum valid_kind {
#define VALID_ENUM(id, name) VALID_##id,
    VALID_KINDS(VALID_ENUM)
#undef VALID_ENUM
    VALID__COUNT
};

const char *valid_kind_name(enum valid_kind k);
int valid_kind_lookup(const char *name);   /* -1 when unknown */

/* Compile `pattern` (UTF mode) for kind k, replacing the previous one.
 * On error writes "reason at offset N" to err and returns -1, keeping the
 * previous pattern. */
int valid_set(enum valid_kind k, const char *pattern, char *err, size_t errlen);
/* True when s (UTF-8, len bytes) matches kind k's pattern. Invalid UTF-8 or
 * no pattern set never matches. */
bool valid_match(enum valid_kind k, const char *s, size_t len);
void valid_free_all(void);

/* Normalise a phone number as typed ("+44 7700 900123", "07700-900123",
 * "(0)7700 900123") to the national significant number's digits
 * ("7700900123") in out (at least 32 bytes). Returns the digit count, or 0
 * when s holds anything but digits, spaces, + - ( ). */
size_t valid_phone_digits(const char *s, char *out, size_t outlen);
/* Normalise a postcode: upper case, spaces removed ("sw1a 1aa" -> "SW1A1AA"). */
void valid_postcode_compact(const char *s, char *out, size_t outlen);

#endif
