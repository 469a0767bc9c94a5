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

int valid_set(enum valid_kind k, const char *pattern, char *err, size_t errlen)
{
    int code;
    PCRE2_SIZE off;
    /* PCRE2_UCP so \w, \d and \p{L} mean what an agent typing names in any
     * language expects; DOLLAR_ENDONLY so "^[0-9]{10}$" does not accept a
     * trailing newline pasted with the number. */
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
                                   PCRE2_UTF | PCRE2_UCP | PCRE2_DOLLAR_ENDONLY,
                                   &code, &off, NULL);
    if (!re) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(code, msg, sizeof msg);
        util_format(err, errlen, "%s at offset %zu", (const char *)msg, (size_t)off);
        return -1;
    }
    pcre2_code_free(patterns[k]);
    patterns[k] = re;
    return 0;
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

size_t valid_phone_digits(const char *s, char *out, size_t outlen)
{
    char digits[64];
    size_t n = 0;
    bool plus = false;
    for (const char *p = s; *p; p++) {
        if (isdigit((unsigned char)*p)) {
            if (n + 1 >= sizeof digits)
                return 0;
            digits[n++] = *p;
        } else if (*p == '+' && n == 0) {
            plus = true;
        } else if (!strchr(" -()./", *p)) {
            return 0;
        }
    }
    digits[n] = '\0';
    const char *d = digits;
    /* International forms: +44..., 0044..., or a full 12-digit 44... */
    if (n >= 4 && strncmp(d, "0044", 4) == 0)
        d += 4;
    else if (n >= 2 && strncmp(d, "44", 2) == 0 && (plus || n == 12))
        d += 2;
    /* The trunk prefix 0 (also the "(0)" some write after +44) is never part
     * of the national significant number. */
    if (*d == '0')
        d++;
    size_t len = strlen(d);
    if (len + 1 > outlen)
        return 0;
    memcpy(out, d, len + 1);
    return len;
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
