/* event_rules.c — the pure rules of critical events: kinds, SMS length, template filling, times as typed, and the one check the event screens and `careline event` share. */
#include "careline/event.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careline/region.h"
#include "careline/text.h"
#include "careline/validate.h"
#include "careline/util.h"

/* ---- kinds ------------------------------------------------------------------------------ */

static const struct db_event_kind kinds[DB_EVENT_KINDS] = {
    {"supply_interruption", "Supply interruption", "Infra", "Immediate", "Moderate", "Observed"},
    {"boil_water", "Boil-water notice", "Health", "Immediate", "Severe", "Observed"},
    {"do_not_drink", "Do-not-drink notice", "Health", "Immediate", "Extreme", "Observed"},
    {"low_pressure", "Low pressure", "Infra", "Expected", "Minor", "Observed"},
    {"planned_works", "Planned works", "Infra", "Expected", "Minor", "Likely"},
    {"sewer_flooding", "Sewer incident", "Env", "Immediate", "Moderate", "Observed"},
    {"discolouration", "Discoloured water", "Health", "Expected", "Minor", "Observed"},
};

const struct db_event_kind *db_event_kind_at(int i)
{
    return i >= 0 && i < DB_EVENT_KINDS ? &kinds[i] : NULL;
}

const struct db_event_kind *db_event_kind_find(const char *code)
{
    for (int i = 0; code && i < DB_EVENT_KINDS; i++)
        if (strcmp(kinds[i].code, code) == 0)
            return &kinds[i];
    return NULL;
}

/* ---- SMS length ------------------------------------------------------------------------- */

/* GSM 03.38: the basic alphabet (one septet) and its extension table (two). */
static const uint32_t gsm_basic[] = {
    '@', 0xA3, '$', 0xA5, 0xE8, 0xE9, 0xF9, 0xEC, 0xF2, 0xC7, '\n', 0xD8, 0xF8, '\r', 0xC5, 0xE5,
    0x394, '_', 0x3A6, 0x393, 0x39B, 0x3A9, 0x3A0, 0x3A8, 0x3A3, 0x398, 0x39E, 0xC6, 0xE6, 0xDF, 0xC9,
    ' ', '!', '"', '#', 0xA4, '%', '&', '\'', '(', ')', '*', '+', ',', '-', '.', '/',
    ':', ';', '<', '=', '>', '?', 0xA1, 0xC4, 0xD6, 0xD1, 0xDC, 0xA7, 0xBF, 0xE4, 0xF6, 0xF1, 0xFC, 0xE0,
};
static const uint32_t gsm_extension[] = {'\f', '^', '{', '}', '\\', '[', '~', ']', '|', 0x20AC};

/* Septets for cp in GSM-7, 0 when it is not in the alphabet. */
static int gsm_septets(uint32_t cp)
{
    if ((cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9'))
        return 1;
    for (size_t i = 0; i < sizeof gsm_basic / sizeof gsm_basic[0]; i++)
        if (gsm_basic[i] == cp)
            return 1;
    for (size_t i = 0; i < sizeof gsm_extension / sizeof gsm_extension[0]; i++)
        if (gsm_extension[i] == cp)
            return 2;
    return 0;
}

void db_sms_measure(const char *text, struct db_sms_length *out)
{
    memset(out, 0, sizeof *out);
    const char *s = text ? text : "";
    size_t n = strlen(s);
    out->bad_utf8 = !tui_utf8_valid(s, n);
    /* First pass: the encoding. */
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        i += (size_t)tui_utf8_decode(s + i, n - i, &cp);
        if (!out->first_ucs2 && gsm_septets(cp) == 0)
            out->first_ucs2 = cp;
    }
    out->encoding = out->first_ucs2 ? DB_SMS_UCS2 : DB_SMS_GSM7;
    bool gsm = out->encoding == DB_SMS_GSM7;
    int single = gsm ? 160 : 70, multi = gsm ? 153 : 67;
    /* Second pass: units, and how they pack into multi-part segments
     * (a character's units never straddle two segments). */
    int segs = 0, used = 0;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        i += (size_t)tui_utf8_decode(s + i, n - i, &cp);
        int u = gsm ? gsm_septets(cp) : (cp > 0xFFFF ? 2 : 1);
        out->chars++;
        out->units += u;
        if (segs == 0 || used + u > multi) {
            segs++;
            used = 0;
        }
        used += u;
    }
    if (out->units == 0) {
        out->per_segment = single;
        out->left = single;
    } else if (out->units <= single) {
        out->segments = 1;
        out->per_segment = single;
        out->left = single - out->units;
    } else {
        out->segments = segs;
        out->per_segment = multi;
        out->left = multi - used;
    }
}

const char *db_sms_text(const struct db_sms_length *l, char *buf, size_t len)
{
    if (l->segments == 0)
        util_format(buf, len, "empty");
    else
        util_format(buf, len, "%d SMS (%s, %d character%s, %d left)", l->segments,
                    l->encoding == DB_SMS_GSM7 ? "GSM-7" : "UCS-2", l->chars, l->chars == 1 ? "" : "s", l->left);
    return buf;
}

/* ---- templates ------------------------------------------------------------------------- */

/* Length of a field name at s (after '{' up to '}'), 0 when it is not one. */
static size_t field_at(const char *s)
{
    size_t n = 0;
    while ((s[n] >= 'a' && s[n] <= 'z') || s[n] == '_')
        n++;
    return n >= 1 && n <= 31 && s[n] == '}' ? n : 0;
}

static bool is_time_field(const char *name, size_t n)
{
    return (n == 7 && strncmp(name, "restore", 7) == 0) || (n == 5 && strncmp(name, "start", 5) == 0);
}

int db_event_template_fields(const char *body, char names[][32], int max)
{
    int count = 0;
    for (const char *p = body ? body : ""; *p; p++) {
        size_t n = *p == '{' ? field_at(p + 1) : 0;
        if (!n || is_time_field(p + 1, n))
            continue;
        bool seen = false;
        for (int i = 0; i < count && !seen; i++)
            seen = strlen(names[i]) == n && strncmp(names[i], p + 1, n) == 0;
        if (!seen && count < max) {
            memcpy(names[count], p + 1, n);
            names[count][n] = '\0';
            count++;
        }
        p += n + 1;
    }
    return count;
}

/* The value of the field named by the len bytes at name, or NULL. */
static const char *field_value(const struct db_event_field *fields, int n, const char *name, size_t len)
{
    for (int i = 0; i < n; i++)
        if (fields[i].name && strlen(fields[i].name) == len && strncmp(fields[i].name, name, len) == 0)
            return fields[i].value;
    return NULL;
}

/* The first {name} of body that fields give no value for: its name (*len
 * bytes), or NULL when every field has one. */
static const char *first_missing(const char *body, const struct db_event_field *fields, int n, size_t *len)
{
    for (const char *p = body ? body : ""; *p; p++) {
        size_t k = *p == '{' ? field_at(p + 1) : 0;
        if (!k)
            continue;
        const char *value = field_value(fields, n, p + 1, k);
        if (!value || !*value) {
            *len = k;
            return p + 1;
        }
        p += k + 1;
    }
    return NULL;
}

char *db_event_fill(const char *body, const struct db_event_field *fields, int n, char *err, size_t errlen)
{
    size_t len;
    const char *missing = first_missing(body, fields, n, &len);
    if (missing) {
        util_format(err, errlen, "the message needs a value for {%.*s}", (int)len, missing);
        return NULL;
    }
    struct util_buf b = {0};
    util_buf_puts(&b, "");
    for (const char *p = body ? body : ""; *p; p++) {
        len = *p == '{' ? field_at(p + 1) : 0;
        if (!len) {
            util_buf_add(&b, p, 1);
            continue;
        }
        util_buf_puts(&b, field_value(fields, n, p + 1, len));
        p += len + 1;
    }
    return util_buf_steal(&b);
}

/* ---- times ---------------------------------------------------------------------------- */

/* Local-time conversions in the utility's zone, whatever the process's. */
struct zone_switch {
    char *saved;
    bool had;
};

static void zone_enter(struct zone_switch *z, const char *tz)
{
    const char *old = getenv("TZ");
    z->had = old != NULL;
    z->saved = old ? util_strdup(old) : NULL;
    if (tz && *tz)
        setenv("TZ", tz, 1);
    tzset();
}

static void zone_leave(struct zone_switch *z)
{
    if (z->had)
        setenv("TZ", z->saved, 1);
    else
        unsetenv("TZ");
    tzset();
    free(z->saved);
}

static bool all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return false;
    return n > 0;
}

/* The value of n digits (all_digits checked them; n is at most 9). */
static int digits_value(const char *s, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

static const char time_forms[] = "now, +90m, +4h, +2d, HH:MM or YYYY-MM-DD HH:MM";

/* "YYYY-MM-DD", "HH:MM" parts checked for range; -1 when not a date/time. */
static int parse_date(const char *s, struct tm *tm)
{
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' || !all_digits(s, 4) || !all_digits(s + 5, 2) ||
        !all_digits(s + 8, 2))
        return -1;
    int y = digits_value(s, 4), mo = digits_value(s + 5, 2), d = digits_value(s + 8, 2);
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 2000 || y > 2200 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1])
        return -1;
    if (mo == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
        return -1;
    tm->tm_year = y - 1900;
    tm->tm_mon = mo - 1;
    tm->tm_mday = d;
    return 0;
}

static int parse_clock(const char *s, size_t n, struct tm *tm)
{
    const char *colon = memchr(s, ':', n);
    if (!colon || colon - s < 1 || colon - s > 2 || !all_digits(s, (size_t)(colon - s)))
        return -1;
    size_t rest = n - (size_t)(colon - s) - 1;
    if (rest != 2 && !(rest == 5 && colon[3] == ':' && all_digits(colon + 4, 2)))
        return -1;
    if (!all_digits(colon + 1, 2))
        return -1;
    int h = digits_value(s, (size_t)(colon - s)), m = digits_value(colon + 1, 2);
    int sec = rest == 5 ? digits_value(colon + 4, 2) : 0;
    if (h > 23 || m > 59 || sec > 59)
        return -1;
    tm->tm_hour = h;
    tm->tm_min = m;
    tm->tm_sec = sec;
    return 0;
}

/* "Z", "+01:00", "-0530": seconds east of UTC; -1 when not an offset. */
static int parse_offset(const char *s, long *off)
{
    if (strcmp(s, "Z") == 0) {
        *off = 0;
        return 0;
    }
    if ((s[0] != '+' && s[0] != '-') || !all_digits(s + 1, 2))
        return -1;
    const char *m = s[3] == ':' ? s + 4 : s + 3;
    int h = (s[1] - '0') * 10 + (s[2] - '0');
    if (!all_digits(m, 2) || m[2] || h > 14 || (m[0] - '0') * 10 + (m[1] - '0') > 59)
        return -1;
    *off = (h * 3600L + ((m[0] - '0') * 10 + (m[1] - '0')) * 60L) * (s[0] == '-' ? -1 : 1);
    return 0;
}

static int bad_time(const char *text, char *err, size_t errlen)
{
    util_format(err, errlen, "not a time: \"%.60s\" (%s)", text, time_forms);
    return -1;
}

/* The absolute forms: local date and time, or ISO with an offset. */
static int parse_absolute(const char *t, const char *tz, time_t *out, char *err, size_t errlen)
{
    struct tm tm = {0};
    char date[11];
    if (strlen(t) < 16 || (t[10] != ' ' && t[10] != 'T'))
        return bad_time(t, err, errlen);
    memcpy(date, t, 10);
    date[10] = '\0';
    if (parse_date(date, &tm) < 0)
        return bad_time(t, err, errlen);
    const char *clock = t + 11;
    size_t clen = strcspn(clock, "Z+-");
    long off = 0;
    bool has_off = clock[clen] != '\0';
    if (parse_clock(clock, clen, &tm) < 0 || (has_off && parse_offset(clock + clen, &off) < 0))
        return bad_time(t, err, errlen);
    if (has_off) {
        *out = timegm(&tm) - off;
        return 1;
    }
    struct zone_switch z;
    zone_enter(&z, tz);
    tm.tm_isdst = -1;
    *out = mktime(&tm);
    zone_leave(&z);
    return 1;
}

int db_event_time_parse(const char *text, time_t now, time_t after, const char *tz, time_t *out, char *err,
                        size_t errlen)
{
    char t[64];
    const char *s = text ? text : "";
    while (*s == ' ')
        s++;
    size_t n = strlen(s);
    while (n && s[n - 1] == ' ')
        n--;
    if (n == 0)
        return 0;
    if (n >= sizeof t)
        return bad_time(s, err, errlen);
    memcpy(t, s, n);
    t[n] = '\0';
    if (strcmp(t, "now") == 0 || strcmp(t, "NOW") == 0) {
        *out = now;
        return 1;
    }
    if (t[0] == '+') {
        char unit = t[n - 1];
        if (n < 3 || n > 7 || !all_digits(t + 1, n - 2) || (unit != 'm' && unit != 'h' && unit != 'd'))
            return bad_time(t, err, errlen);
        long v = digits_value(t + 1, n - 2);
        *out = now + v * (unit == 'm' ? 60 : unit == 'h' ? 3600 : 86400);
        return 1;
    }
    if (n <= 5) {
        struct tm clock = {0}, tm;
        if (parse_clock(t, n, &clock) < 0)
            return bad_time(t, err, errlen);
        struct zone_switch z;
        zone_enter(&z, tz);
        localtime_r(&after, &tm);
        for (int day = 0; day < 2; day++) {
            struct tm try = tm;
            try.tm_mday += day;
            try.tm_hour = clock.tm_hour;
            try.tm_min = clock.tm_min;
            try.tm_sec = 0;
            try.tm_isdst = -1;
            *out = mktime(&try);
            if (*out >= after)
                break;
        }
        zone_leave(&z);
        return 1;
    }
    return parse_absolute(t, tz, out, err, errlen);
}

void db_event_local_tm(int64_t t, const char *tz, struct tm *out)
{
    struct zone_switch z;
    time_t tt = (time_t)t;
    zone_enter(&z, tz);
    localtime_r(&tt, out);
    zone_leave(&z);
}

const char *db_event_time_words(time_t t, time_t now, const char *tz, char *buf, size_t len)
{
    static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    struct tm a, b;
    db_event_local_tm(t, tz, &a);
    db_event_local_tm(now, tz, &b);
    if (a.tm_year == b.tm_year && a.tm_yday == b.tm_yday)
        util_format(buf, len, "%02d:%02d", a.tm_hour, a.tm_min);
    else
        util_format(buf, len, "%02d:%02d %s %d %s", a.tm_hour, a.tm_min, days[a.tm_wday], a.tm_mday, months[a.tm_mon]);
    return buf;
}

/* ---- lists of zones and sectors ------------------------------------------------------------ */

void db_event_strv_free(char **v, int n)
{
    for (int i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

static void strv_add(char ***v, int *n, const char *s, size_t len)
{
    for (int i = 0; i < *n; i++)
        if (strlen((*v)[i]) == len && strncmp((*v)[i], s, len) == 0)
            return;   /* given twice: once is enough */
    *v = util_realloc(*v, sizeof **v * (size_t)(*n + 1));
    (*v)[(*n)++] = util_strndup(s, len);
}

int db_event_split_zones(const char *text, char ***out, char *err, size_t errlen)
{
    *out = NULL;
    int n = 0;
    for (const char *p = text ? text : ""; *p;) {
        p += strspn(p, ", \t");
        size_t len = strcspn(p, ", \t");
        if (!len)
            break;
        char code[17];
        bool ok = len < sizeof code;
        for (size_t i = 0; ok && i < len; i++) {
            unsigned char c = (unsigned char)p[i];
            ok = isalnum(c) || c == '_' || c == '-';
            code[i] = (char)toupper(c);
        }
        if (!ok) {
            util_format(err, errlen, "\"%.*s\" is not a zone code (letters, digits, - and _, at most 16)",
                        (int)(len > 40 ? 40 : len), p);
            db_event_strv_free(*out, n);
            *out = NULL;
            return -1;
        }
        strv_add(out, &n, code, len);
        p += len;
    }
    return n;
}

/* "ls6  2" -> "LS6 2": capitals, runs of spaces as one, then the sector
 * pattern of the utility's country (careline.conf: "LS6 2" in Britain, a
 * ZIP code or its first three digits in the United States). */
static int sector_normalise(const char *s, size_t len, char out[16])
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == ' ' && (n == 0 || out[n - 1] == ' '))
            continue;
        if (n + 1 >= 16)
            return -1;
        out[n++] = (char)toupper((unsigned char)s[i]);
    }
    while (n && out[n - 1] == ' ')
        n--;
    out[n] = '\0';
    return n && valid_match(VALID_SECTOR, out, n) ? 0 : -1;
}

int db_event_split_sectors(const char *text, char ***out, char *err, size_t errlen)
{
    *out = NULL;
    int n = 0;
    for (const char *p = text ? text : ""; *p;) {
        p += strspn(p, ", \t");
        size_t len = strcspn(p, ",\t");
        while (len && p[len - 1] == ' ')
            len--;
        if (!len)
            break;
        char sector[16];
        if (sector_normalise(p, len, sector) < 0) {
            util_format(err, errlen, "\"%.*s\" is not a %s sector: write it as %s", (int)(len > 40 ? 40 : len), p,
                     db_region_postcode_word(), db_region()->sector_hint);
            db_event_strv_free(*out, n);
            *out = NULL;
            return -1;
        }
        strv_add(out, &n, sector, strlen(sector));
        p += len;
    }
    return n;
}

/* ---- the one check --------------------------------------------------------------------------- */

const char *db_event_part_name(enum db_event_part p)
{
    static const char *const names[DB_EVP__COUNT] = {"kind", "title", "zones", "postcode sectors", "start",
                                                     "restore time", "read-out", "template", "field", "message"};
    return (unsigned)p < DB_EVP__COUNT ? names[p] : "?";
}

/* The form field to put the cursor on: none when the name is too long to
 * be one of the form's (field names are at most 31 bytes). */
static void problem_field(struct db_event_problem *p, const char *name, size_t len)
{
    if (len >= sizeof p->field || util_format_fits(p->field, sizeof p->field, "%.*s", (int)len, name) < 0)
        p->field[0] = '\0';
}

__attribute__((format(printf, 3, 4)))
static int problem(struct db_event_problem *p, enum db_event_part part, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    p->part = part;
    util_vformat(p->text, sizeof p->text, fmt, ap);
    va_end(ap);
    return -1;
}

/* Text a person typed: not too long, no control characters except new lines where allowed. */
static int text_problem(const char *s, size_t max, bool lines, const char *what, char *out, size_t len)
{
    size_t n = strlen(s);
    if (!tui_utf8_valid(s, n)) {
        util_format(out, len, "the %s is not valid UTF-8 text", what);
        return -1;
    }
    if (n > max) {
        util_format(out, len, "the %s is too long (%zu bytes, at most %zu)", what, n, max);
        return -1;
    }
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if ((*p < 0x20 && !(lines && (*p == '\n' || *p == '\t'))) || *p == 0x7f) {
            util_format(out, len, "the %s has a control character", what);
            return -1;
        }
    return 0;
}

static bool blank(const char *s)
{
    for (; s && *s; s++)
        if (!isspace((unsigned char)*s))
            return false;
    return true;
}

static void json_string(struct util_buf *b, const char *s)
{
    util_buf_puts(b, "\"");
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            util_buf_printf(b, "\\%c", c);
        else if (c < 0x20)
            util_buf_printf(b, "\\u%04x", c);
        else
            util_buf_add(b, s, 1);
    }
    util_buf_puts(b, "\"");
}

static int check_texts(const struct db_event_input *in, struct db_event_problem *p)
{
    bool declare = in->op == DB_EVENT_DECLARE;
    if (declare && !db_event_kind_find(in->kind))
        return problem(p, DB_EVP_KIND, "choose the kind of event (%s, ...)", kinds[0].code);
    char why[200];
    const char *title = in->title ? in->title : "";
    if (declare && blank(title))
        return problem(p, DB_EVP_TITLE, "give the event a title, e.g. \"Burst main, Otley Road\"");
    if (text_problem(title, 120, false, "title", why, sizeof why) < 0)
        return problem(p, DB_EVP_TITLE, "%s", why);
    const char *read_out = in->read_out ? in->read_out : "";
    if (declare && blank(read_out))
        return problem(p, DB_EVP_READ_OUT, "write what agents read out to callers");
    if (text_problem(read_out, 2000, true, "read-out", why, sizeof why) < 0)
        return problem(p, DB_EVP_READ_OUT, "%s", why);
    return 0;
}

static int check_area(const struct db_event_input *in, struct db_event_checked *out, struct db_event_problem *p)
{
    char why[200];
    out->nzones = db_event_split_zones(in->zones, &out->zones, why, sizeof why);
    if (out->nzones < 0) {
        out->nzones = 0;
        return problem(p, DB_EVP_ZONES, "%s", why);
    }
    out->nsectors = db_event_split_sectors(in->sectors, &out->sectors, why, sizeof why);
    if (out->nsectors < 0) {
        out->nsectors = 0;
        return problem(p, DB_EVP_SECTORS, "%s", why);
    }
    for (int i = 0; in->known_zones && i < out->nzones; i++) {
        bool known = false;
        for (int z = 0; z < in->known_zones->n && !known; z++)
            known = strcmp(DB_ROW(in->known_zones, const struct db_zone, z)->code, out->zones[i]) == 0;
        if (!known)
            return problem(p, DB_EVP_ZONES, "no zone has the code \"%s\"", out->zones[i]);
    }
    if (in->op == DB_EVENT_DECLARE && out->nzones + out->nsectors == 0)
        return problem(p, DB_EVP_ZONES, "name at least one zone or postcode sector");
    if (in->op == DB_EVENT_CLOSE && out->nzones + out->nsectors > 0)
        return problem(p, DB_EVP_ZONES, "an event is not widened as it closes: update it first");
    return 0;
}

static int check_times(const struct db_event_input *in, struct db_event_checked *out, struct db_event_problem *p)
{
    char why[200];
    time_t start = in->started;
    if (in->op == DB_EVENT_DECLARE) {
        int r = db_event_time_parse(in->start, in->now, in->now, in->tz, &out->start, why, sizeof why);
        if (r < 0)
            return problem(p, DB_EVP_START, "%s", why);
        start = r ? out->start : in->now;
        if (start < in->now - 30L * 86400)
            return problem(p, DB_EVP_START, "the start is more than 30 days ago");
        if (start > in->now + 90L * 86400)
            return problem(p, DB_EVP_START, "the start is more than 90 days ahead");
    }
    int r = db_event_time_parse(in->restore, in->now, start > in->now ? start : in->now, in->tz, &out->restore, why,
                                sizeof why);
    if (r < 0)
        return problem(p, DB_EVP_RESTORE, "%s", why);
    if (in->op == DB_EVENT_CLOSE) {
        if (r == 0)
            out->restore = in->now;
        if (out->restore < start)
            return problem(p, DB_EVP_RESTORE, "supply cannot be back before the event started");
        if (out->restore > in->now + 300)
            return problem(p, DB_EVP_RESTORE, "that is in the future: close the event once supply is back");
        return 0;
    }
    if (r && out->restore <= start)
        return problem(p, DB_EVP_RESTORE, "the estimated restore time must be after the start");
    if (r && out->restore > start + 366L * 86400)
        return problem(p, DB_EVP_RESTORE, "the estimated restore time is more than a year after the start");
    return 0;
}

/* {restore} and {start} in words, from the times checked (0: none given, so
 * the event's own or now). Returns the entries added to out (1 or 2). */
static int time_fields(const struct db_event_input *in, time_t start, time_t restore, char words[2][40],
                       struct db_event_field *out)
{
    int n = 0;
    time_t r = restore ? restore : in->op == DB_EVENT_UPDATE ? in->restore_was : 0;
    time_t s = in->op == DB_EVENT_DECLARE ? (start ? start : in->now) : in->started;
    if (r)
        out[n++] = (struct db_event_field){"restore", db_event_time_words(r, in->now, in->tz, words[0], 40)};
    out[n++] = (struct db_event_field){"start", db_event_time_words(s, in->now, in->tz, words[1], 40)};
    return n;
}

char *db_event_preview_message(const struct db_event_input *in, struct db_sms_length *sms)
{
    memset(sms, 0, sizeof *sms);
    if (!in->tmpl)
        return NULL;
    char names[16][32], words[2][40], err[200];
    int nn = db_event_template_fields(in->tmpl->body, names, 16), n = 0;
    struct db_event_field all[20];
    char marks[16][36];
    for (int k = 0; k < nn; k++) {
        const char *value = NULL;
        for (int i = 0; i < in->nfields && !value; i++)
            if (strcmp(in->fields[i].name, names[k]) == 0 && !blank(in->fields[i].value))
                value = in->fields[i].value;
        util_format(marks[k], sizeof marks[k], "{%.31s}", names[k]);
        all[n++] = (struct db_event_field){names[k], value ? value : marks[k]};
    }
    time_t start = 0, restore = 0;
    if (in->op == DB_EVENT_DECLARE && db_event_time_parse(in->start, in->now, in->now, in->tz, &start, err,
                                                          sizeof err) != 1)
        start = 0;
    time_t after = start > in->now ? start : in->now;
    int r = db_event_time_parse(in->restore, in->now, after, in->tz, &restore, err, sizeof err);
    if (r != 1)
        restore = in->op == DB_EVENT_CLOSE ? in->now : 0;
    n += time_fields(in, start, restore, words, all + n);
    all[n++] = (struct db_event_field){"restore", "{restore}"};   /* used only when no time was found */
    char *text = db_event_fill(in->tmpl->body, all, n, err, sizeof err);
    db_sms_measure(text, sms);
    return text;
}

/* The template and its fields: every field filled, none unknown, the times from the times. */
static int check_message(const struct db_event_input *in, struct db_event_checked *out, struct db_event_problem *p)
{
    const struct db_event_template *t = in->tmpl;
    if (!t)
        return problem(p, DB_EVP_TEMPLATE, "choose the customer message");
    const char *kind = in->kind ? in->kind : "";
    const char *stage = in->op == DB_EVENT_CLOSE ? "closed" : "active";
    if (strcmp(t->kind, kind) != 0 || strcmp(t->stage, stage) != 0)
        return problem(p, DB_EVP_TEMPLATE, "the message \"%s\" is not for %s %s event", t->code,
                       in->op == DB_EVENT_CLOSE ? "closing a" : "an active", kind);
    char names[16][32];
    int nnames = db_event_template_fields(t->body, names, 16);
    struct db_event_field all[20];
    int n = 0;
    struct util_buf json = {0};
    util_buf_puts(&json, "{");
    for (int i = 0; i < in->nfields; i++) {
        const struct db_event_field *f = &in->fields[i];
        bool known = false;
        for (int k = 0; k < nnames && !known; k++)
            known = strcmp(names[k], f->name) == 0;
        int bad = !known ? problem(p, DB_EVP_FIELD, "the message \"%s\" has no field {%s}", t->code, f->name) : 0;
        if (!bad && blank(f->value))
            bad = problem(p, DB_EVP_FIELD, "fill in {%s}", f->name);
        char why[200];
        if (!bad && text_problem(f->value, 80, false, "value", why, sizeof why) < 0)
            bad = problem(p, DB_EVP_FIELD, "{%s}: %s", f->name, why);
        if (!bad && strpbrk(f->value, "{}"))
            bad = problem(p, DB_EVP_FIELD, "{%s}: braces are not allowed in a value", f->name);
        if (bad) {
            problem_field(p, f->name, strlen(f->name));
            util_buf_free(&json);
            return -1;
        }
        if (n < 16)
            all[n++] = *f;
        util_buf_puts(&json, json.len > 1 ? ", " : "");
        json_string(&json, f->name);
        util_buf_puts(&json, ": ");
        json_string(&json, f->value);
    }
    util_buf_puts(&json, "}");
    out->fields_json = util_buf_steal(&json);
    char words[2][40];
    n += time_fields(in, out->start, out->restore, words, all + n);
    char why[200];
    size_t len;
    const char *missing = first_missing(t->body, all, n, &len);
    if (missing && len == 7 && strncmp(missing, "restore", 7) == 0)
        return problem(p, DB_EVP_RESTORE, "the message says when supply is back: give the estimated restore time");
    if (missing) {
        problem_field(p, missing, len);
        return problem(p, DB_EVP_FIELD, "fill in {%.*s}", (int)len, missing);
    }
    out->message = db_event_fill(t->body, all, n, why, sizeof why);
    db_sms_measure(out->message, &out->sms);
    if (out->sms.segments > DB_EVENT_SMS_MAX_SEGMENTS) {
        char l[96];
        return problem(p, DB_EVP_MESSAGE, "the message is %s: at most %d SMS; shorten the fields",
                       db_sms_text(&out->sms, l, sizeof l), DB_EVENT_SMS_MAX_SEGMENTS);
    }
    return 0;
}

static bool differs(const char *now, const char *was)
{
    return !blank(now) && strcmp(now, was ? was : "") != 0;
}

/* An update that changes nothing would only send everybody the same message again. */
static int check_changed(const struct db_event_input *in, const struct db_event_checked *out,
                         struct db_event_problem *p)
{
    if (in->op != DB_EVENT_UPDATE || differs(in->title, in->title_was) || differs(in->read_out, in->read_out_was) ||
        out->nzones || out->nsectors || (out->restore && out->restore != in->restore_was) ||
        strcmp(out->message, in->message_was ? in->message_was : "") != 0)
        return 0;
    return problem(p, DB_EVP_RESTORE, "nothing to update: change the estimate, the message, the read-out or the area");
}

int db_event_check(const struct db_event_input *in, struct db_event_checked *out, struct db_event_problem *p)
{
    memset(out, 0, sizeof *out);
    memset(p, 0, sizeof *p);
    if (check_texts(in, p) < 0 || check_area(in, out, p) < 0 || check_times(in, out, p) < 0 ||
        check_message(in, out, p) < 0 || check_changed(in, out, p) < 0) {
        db_event_checked_free(out);
        return -1;
    }
    return 0;
}

void db_event_input_from(struct db_event_input *in, const struct db_event *e)
{
    in->kind = e->kind;
    in->started = (time_t)e->started;
    in->restore_was = (time_t)e->restore;
    in->has_area = *e->zones || *e->sectors;
    in->title_was = e->title;
    in->read_out_was = e->agent_message;
    in->message_was = e->customer_message;
}

void db_event_checked_free(struct db_event_checked *c)
{
    db_event_strv_free(c->zones, c->nzones);
    db_event_strv_free(c->sectors, c->nsectors);
    free(c->message);
    free(c->fields_json);
    memset(c, 0, sizeof *c);
}
