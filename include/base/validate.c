/* validate.c — PCRE2 patterns from the configuration, and normalising of phone numbers and postcodes. */
#include "careline/validate.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <ctype.h>
#include <pcre2.h>
#include <stdio.h>
#include <string.h>

#include "careline/util.h"

static const char *const kind_names[] = {
#define VALID_NAME(id, name) name,
    VALID_KINDS(VALID_NAME)
#undef VALID_NAME
};

static pcre2_code *patterns[VALID__COUNT];

const char *valid_kind_name(enum valid_kind k)
{
    return (unsigned)k < VALID__COUNT ? kind_names[k] : "?";
}

int valid_kind_lookup(const char *name)
{
    for (int i = 0; i < VALID__COUNT; i++)
        if (strcmp(kind_names[i], name) == 0)
            return i;
    return -1;
}

/* PCRE2_UCP so \w, \d and \p{L} mean what an agent typing names in any
 * language expects; DOLLAR_ENDONLY so "^[0-9]{10}$" does not accept a
 * trailing newline pasted with the number. */
static pcre2_code *compile(const char *pattern, char *err, size_t errlen)
{
    int code;
    PCRE2_SIZE off;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
                                   PCRE2_UTF | PCRE2_UCP | PCRE2_DOLLAR_ENDONLY, &code, &off, NULL);
    if (!re) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(code, msg, sizeof msg);
        util_format(err, errlen, "%s at offset %zu", (const char *)msg, (size_t)off);
    }
    return re;
}

int valid_set(enum valid_kind k, const char *pattern, char *err, size_t errlen)
{
    pcre2_code *re = compile(pattern, err, errlen);
    if (!re)
        return -1;
    pcre2_code_free(patterns[k]);
    patterns[k] = re;
    return 0;
}

int valid_check(const char *pattern, char *err, size_t errlen)
{
    pcre2_code *re = compile(pattern, err, errlen);
    pcre2_code_free(re);
    return re ? 0 : -1;
}

bool valid_match(enum valid_kind k, const char *s, size_t len)
{
    if ((unsigned)k >= VALID__COUNT || !patterns[k])
        return false;
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(patterns[k], NULL);
    /* Without PCRE2_NO_UTF_CHECK, invalid UTF-8 is reported as an error
     * (negative rc) rather than matched: exactly what we want. */
    int rc = pcre2_match(patterns[k], (PCRE2_SPTR)s, len, 0, 0, md, NULL);
    pcre2_match_data_free(md);
    return rc >= 0;
}

void valid_free_all(void)
{
    for (int i = 0; i < VALID__COUNT; i++) {
        pcre2_code_free(patterns[i]);
        patterns[i] = NULL;
    }
}

/* The British plan until the session reads the utility's region. */
static struct valid_phone_plan plan = {"44", "0", "00", 10};

void valid_set_phone_plan(const struct valid_phone_plan *p)
{
    static const struct valid_phone_plan british = {"44", "0", "00", 10};
    plan = p ? *p : british;
}

const struct valid_phone_plan *valid_phone_plan(void) { return &plan; }

int valid_country_code_len(const char *d)
{
    if (!d[0] || d[0] < '1' || d[0] > '9')
        return 0;
    if (d[0] == '1' || d[0] == '7')
        return 1;
    /* Two-digit codes (ITU-T E.164), by first digit: which second digits. */
    static const char *const two[10] = {"", "", "07", "0123469", "013456789", "12345678", "0123456", "", "1246",
                                        "0123458"};
    return d[1] && strchr(two[d[0] - '0'], d[1]) ? 2 : 3;
}

static bool starts(const char *s, const char *prefix)
{
    return *prefix && strncmp(s, prefix, strlen(prefix)) == 0;
}

/* The digits after an international country code; the "(0)" some write
 * after it is never part of the national number. */
static const char *after_country_code(const char *d)
{
    int cc = valid_country_code_len(d);
    if (!cc || strlen(d) < (size_t)cc)
        return d + strlen(d);
    d += cc;
    return *d == '0' ? d + 1 : d;
}

size_t valid_phone_nsn(const struct valid_phone_plan *pl, const char *s, char *out, size_t outlen)
{
    char digits[64] = "";   /* zeroed: the analyzer cannot follow strncmp past the digits */
    size_t n = 0;
    bool plus = false;
    for (const char *p = s; *p; p++) {
        if (isdigit((unsigned char)*p)) {
            if (n + 1 >= sizeof digits)
                return 0;
            digits[n++] = *p;
        } else if (*p == '+' && n == 0 && !plus) {
            plus = true;
        } else if (!strchr(" -()./", *p)) {
            return 0;
        }
    }
    digits[n] = '\0';
    const char *d = digits;
    size_t cc = strlen(pl->calling_code), trunk = strlen(pl->trunk_prefix);
    if (plus)                                           /* +44 7700 900123, +1 212 555 0134 */
        d = after_country_code(d);
    else if (starts(d, pl->international_prefix))       /* 0044 ..., 011 44 ... */
        d = after_country_code(d + strlen(pl->international_prefix));
    else if (starts(d, pl->calling_code) && n == cc + (size_t)pl->national_digits)
        d += cc;                                        /* 447700900123, 12125550134 */
    else if (starts(d, pl->trunk_prefix) && n >= trunk + 4)
        d += trunk;                                     /* 07700 900123, 1 212 555; not 1555 */
    size_t len = strlen(d);
    if (len + 1 > outlen)
        return 0;
    memcpy(out, d, len + 1);
    return len;
}

size_t valid_phone_digits(const char *s, char *out, size_t outlen)
{
    return valid_phone_nsn(&plan, s, out, outlen);
}

void valid_postcode_compact(const char *s, char *out, size_t outlen)
{
    size_t n = 0;
    for (; *s && n + 1 < outlen; s++)
        if (!isspace((unsigned char)*s))
            out[n++] = (char)toupper((unsigned char)*s);
    if (outlen)
        out[n] = '\0';
}
