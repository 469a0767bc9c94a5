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
    X(SECTOR,           "sector") \
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
/* Whether pattern compiles as valid_set would compile it (err as there). */
int valid_check(const char *pattern, char *err, size_t errlen);
/* True when s (UTF-8, len bytes) matches kind k's pattern. Invalid UTF-8 or
 * no pattern set never matches. */
bool valid_match(enum valid_kind k, const char *s, size_t len);
void valid_free_all(void);

/* How the utility's country writes phone numbers: its E.164 country code,
 * the trunk prefix dialled before a national number ("0" in the UK, "1" in
 * North America), the international prefix ("00", "011") and the digits of
 * a whole national significant number. */
struct valid_phone_plan {
    char calling_code[4];
    char trunk_prefix[3];
    char international_prefix[5];
    int national_digits;
};
/* The plan valid_phone_digits() uses: p, or the British one when NULL. */
void valid_set_phone_plan(const struct valid_phone_plan *p);
const struct valid_phone_plan *valid_phone_plan(void);

/* Digits of the E.164 country code at the start of d (1, 2 or 3: codes are
 * prefix-free), 0 when d does not begin with 1-9. The database's
 * phone_nsn() (024_region.sql) strips the same. */
int valid_country_code_len(const char *d);

/* Normalise a phone number as typed ("+44 7700 900123", "07700-900123",
 * "(0)7700 900123"; "(212) 555-0134", "1-212-555-0134" in North America) to
 * the national significant number's digits ("7700900123") in out (at least
 * 32 bytes), by plan: an international number ("+33 1 ...", or after the
 * international prefix) loses its country code, whatever the country; a
 * national one its trunk prefix when at least four digits follow. Returns
 * the digit count, or 0 when s holds anything but digits, spaces, + - ( ) . /. */
size_t valid_phone_nsn(const struct valid_phone_plan *plan, const char *s, char *out, size_t outlen);
/* The same with the plan in effect. */
size_t valid_phone_digits(const char *s, char *out, size_t outlen);
/* Normalise a postcode: upper case, spaces removed ("sw1a 1aa" -> "SW1A1AA"). */
void valid_postcode_compact(const char *s, char *out, size_t outlen);

#endif
