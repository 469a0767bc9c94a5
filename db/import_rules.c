/* import_rules.c — the pure rules of the 311 import: text as the mapping compares it, a descriptor's trailing code, the dates and coordinates 311 files write, header names, and finding a request's category and status in the map. */
#include "careline/import.h"
#include "careline/util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Lower case ASCII, other bytes (UTF-8 letters) kept; every run of marks
 * and spaces one space. Cut at a character boundary. */
void db_import_norm(const char *s, char *out, size_t len)
{
    size_t n = 0;
    bool space = false;
    if (len == 0)
        return;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        bool word = *p >= 0x80 || isalnum(*p);
        if (!word) {
            space = n > 0;
            continue;
        }
        size_t need = (space ? 1 : 0) + 1;
        if (n + need >= len)
            break;
        if (space)
            out[n++] = ' ';
        space = false;
        out[n++] = (char)(*p < 0x80 ? tolower(*p) : *p);
    }
    /* Never end inside a UTF-8 sequence. */
    size_t k = n;
    while (k > 0 && ((unsigned char)out[k - 1] & 0xC0) == 0x80)
        k--;
    if (k > 0 && ((unsigned char)out[k - 1] & 0x80)) {
        unsigned char lead = (unsigned char)out[k - 1];
        size_t want = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
        if (n - (k - 1) < want)
            n = k - 1;
    }
    while (n > 0 && out[n - 1] == ' ')
        n--;
    out[n] = '\0';
}

static bool code_like(const char *s, size_t n)
{
    if (n < 1 || n > 6)
        return false;
    bool letter = false;
    for (size_t i = 0; i < n; i++) {
        if (!(isupper((unsigned char)s[i]) || isdigit((unsigned char)s[i])))
            return false;
        letter = letter || isupper((unsigned char)s[i]);
    }
    return letter;
}

bool db_import_code(const char *s, char *out, size_t len)
{
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        n--;
    const char *code = NULL;
    size_t clen = 0;
    if (n >= 3 && s[n - 1] == ')') {
        size_t open = n - 1;
        while (open > 0 && s[open - 1] != '(')
            open--;
        if (open > 0) {
            code = s + open;
            clen = n - 1 - open;
        }
    } else {
        for (size_t i = n; i >= 3; i--) {
            if (s[i - 3] == ' ' && s[i - 2] == '-' && s[i - 1] == ' ') {
                code = s + i;
                clen = n - i;
                break;
            }
        }
    }
    if (!code || !code_like(code, clen) || clen + 1 > len) {
        if (len)
            out[0] = '\0';
        return false;
    }
    memcpy(out, code, clen);
    out[clen] = '\0';
    return true;
}

/* Digits at *p, at least min and at most max of them, as a number. */
static int digits(const char **p, int min, int max, int *out)
{
    int n = 0, v = 0;
    while (n < max && isdigit((unsigned char)(*p)[n])) {
        v = v * 10 + ((*p)[n] - '0');
        n++;
    }
    if (n < min)
        return -1;
    *p += n;
    *out = v;
    return 0;
}

static int days_in(int y, int m)
{
    static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : d[m - 1];
}

struct when {
    int y, mo, d, h, mi, s;
    char zone[16];  /* "" or "+hh:mm" */
};

/* hh:mm[:ss[.fff]] */
static int clock_part(const char **p, struct when *w)
{
    if (digits(p, 1, 2, &w->h) < 0 || **p != ':')
        return -1;
    (*p)++;
    if (digits(p, 2, 2, &w->mi) < 0)
        return -1;
    if (**p == ':') {
        (*p)++;
        if (digits(p, 2, 2, &w->s) < 0)
            return -1;
        if (**p == '.' || **p == ',') {
            int frac;
            (*p)++;
            if (digits(p, 1, 9, &frac) < 0)
                return -1;
        }
    }
    return 0;
}

/* MM/DD/YYYY [hh:mm[:ss] [AM|PM]] */
static const char *portal(const char *p, struct when *w)
{
    if (digits(&p, 1, 2, &w->mo) < 0 || *p++ != '/' || digits(&p, 1, 2, &w->d) < 0 || *p++ != '/' ||
        digits(&p, 4, 4, &w->y) < 0)
        return "is not MM/DD/YYYY";
    if (!*p)
        return NULL;
    if (*p++ != ' ')
        return "has something after the year";
    while (*p == ' ')
        p++;
    if (clock_part(&p, w) < 0)
        return "has a time that is not hh:mm:ss";
    while (*p == ' ')
        p++;
    if (*p) {
        bool pm = (p[0] == 'P' || p[0] == 'p');
        if (!(pm || p[0] == 'A' || p[0] == 'a') || (p[1] != 'M' && p[1] != 'm') || p[2])
            return "has something after the time that is not AM or PM";
        if (w->h < 1 || w->h > 12)
            return "has an hour outside 1-12 before AM or PM";
        w->h = w->h % 12 + (pm ? 12 : 0);
    }
    return NULL;
}

/* YYYY-MM-DD[(T| )hh:mm[:ss[.fff]][Z|+hh[:]mm|-hh[:]mm]] */
static const char *iso(const char *p, struct when *w)
{
    if (digits(&p, 4, 4, &w->y) < 0 || *p++ != '-' || digits(&p, 2, 2, &w->mo) < 0 || *p++ != '-' ||
        digits(&p, 2, 2, &w->d) < 0)
        return "is not YYYY-MM-DD";
    if (!*p)
        return NULL;
    if (*p != 'T' && *p != 't' && *p != ' ')
        return "has something after the day";
    p++;
    if (clock_part(&p, w) < 0)
        return "has a time that is not hh:mm:ss";
    if (*p == 'Z' || *p == 'z') {
        util_format(w->zone, sizeof w->zone, "+00:00");
        p++;
    } else if (*p == '+' || *p == '-') {
        char sign = *p++;
        int zh, zm = 0;
        if (digits(&p, 2, 2, &zh) < 0)
            return "has a time zone that is not +hh:mm";
        if (*p == ':')
            p++;
        if (*p && digits(&p, 2, 2, &zm) < 0)
            return "has a time zone that is not +hh:mm";
        if (zh > 14 || zm > 59)
            return "has a time zone offset past 14 hours";
        util_format(w->zone, sizeof w->zone, "%c%02d:%02d", sign, zh, zm);
    }
    return *p ? "has something after the time" : NULL;
}

int db_import_time(const char *s, char *out, size_t len, char *why, size_t whylen)
{
    while (*s == ' ' || *s == '\t')
        s++;
    char t[48];
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    if (len)
        out[0] = '\0';
    if (n == 0)
        return 0;
    if (n >= sizeof t) {
        util_format(why, whylen, "is too long to be a date");
        return -1;
    }
    memcpy(t, s, n);
    t[n] = '\0';
    struct when w = {0};
    const char *err = strchr(t, '/') ? portal(t, &w) : iso(t, &w);
    if (!err && (w.y < 1900 || w.y > 2999))
        err = "has a year outside 1900-2999";
    else if (!err && (w.mo < 1 || w.mo > 12))
        err = "has no such month";
    else if (!err && (w.d < 1 || w.d > days_in(w.y, w.mo)))
        err = "has no such day in that month";
    else if (!err && (w.h > 23 || w.mi > 59 || w.s > 59))
        err = "has no such time of day";
    if (err) {
        util_format(why, whylen, "\"%s\" %s", t, err);
        return -1;
    }
    if (util_format_fits(out, len, "%04d-%02d-%02d %02d:%02d:%02d%s", w.y, w.mo, w.d, w.h, w.mi, w.s, w.zone) < 0) {
        util_format(why, whylen, "does not fit");
        return -1;
    }
    return 0;
}

int db_import_coord(const char *s, double lo, double hi, char *out, size_t len)
{
    while (*s == ' ')
        s++;
    size_t n = strlen(s);
    while (n && s[n - 1] == ' ')
        n--;
    if (len)
        out[0] = '\0';
    if (n == 0)
        return 0;
    char t[40];
    if (n >= sizeof t || n >= len)
        return -1;
    memcpy(t, s, n);
    t[n] = '\0';
    /* Plain decimal numbers only: no "nan", "inf" or hexadecimal. */
    for (size_t i = 0; i < n; i++)
        if (!(isdigit((unsigned char)t[i]) || t[i] == '.' || (i == 0 && (t[i] == '-' || t[i] == '+'))))
            return -1;
    char *end;
    double v = strtod(t, &end);
    if (end == t || *end || !(v >= lo && v <= hi))
        return -1;
    memcpy(out, t, n + 1);
    return 0;
}

void db_import_header_name(const char *s, char *out, size_t len)
{
    size_t n = 0;
    bool sep = false;
    if (len == 0)
        return;
    for (const unsigned char *p = (const unsigned char *)s; *p && n + 2 < len; p++) {
        if (isalnum(*p)) {
            if (sep && n)
                out[n++] = '_';
            sep = false;
            out[n++] = (char)tolower(*p);
        } else {
            sep = true;
        }
    }
    out[n] = '\0';
}

static bool same(const char *rule, const char *v)
{
    return !*rule || strcmp(rule, v) == 0;
}

/* A Careline category code: "supply.interruption". */
static bool category_like(const char *s)
{
    const char *dot = strchr(s, '.');
    if (!dot || dot == s || !dot[1] || strlen(s) > 64)
        return false;
    for (const char *p = s; *p; p++)
        if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '_' || *p == '.'))
            return false;
    return true;
}

enum db_import_verdict db_import_map_find(const struct db_import_map *m, const char *agency, const char *type,
                                          const char *descriptor, const char **category)
{
    char a[256], t[256], d[512], code[16];
    *category = NULL;
    db_import_norm(agency, a, sizeof a);
    bool taken = m->nagencies == 0;
    for (int i = 0; i < m->nagencies && !taken; i++)
        taken = strcmp(m->agencies[i], a) == 0;
    if (!taken)
        return DB_IMPORT_SKIPPED;
    db_import_norm(type, t, sizeof t);
    db_import_norm(descriptor, d, sizeof d);
    for (int i = 0; i < m->nrules; i++) {
        const struct db_import_rule *r = &m->rules[i];
        if (same(r->agency, a) && same(r->type, t) && same(r->descriptor, d)) {
            *category = r->category;
            return DB_IMPORT_MAPPED;
        }
    }
    if (db_import_code(descriptor, code, sizeof code)) {
        const char *found = NULL;
        for (int i = 0; i < m->nrules; i++) {
            const struct db_import_rule *r = &m->rules[i];
            if (same(r->agency, a) && same(r->type, t) && strcmp(r->code, code) == 0) {
                if (found && strcmp(found, r->category) != 0)
                    return DB_IMPORT_UNMAPPED;   /* one code, two categories: not guessed */
                found = r->category;
            }
        }
        if (found) {
            *category = found;
            return DB_IMPORT_MAPPED;
        }
    }
    if (m->careline_codes && category_like(descriptor)) {
        for (int i = 0; i < m->nleaves; i++) {
            if (strcmp(m->leaves[i], descriptor) == 0) {
                *category = m->leaves[i];
                return DB_IMPORT_MAPPED;
            }
        }
    }
    return DB_IMPORT_UNMAPPED;
}

const char *db_import_status_find(const struct db_import_map *m, const char *status)
{
    char s[128];
    db_import_norm(status, s, sizeof s);
    for (int i = 0; i < m->nstatuses; i++)
        if (strcmp(m->statuses[i].from, s) == 0)
            return m->statuses[i].to;
    return NULL;
}

void db_import_map_free(struct db_import_map *m)
{
    if (!m)
        return;
    free(m->file);
    for (int i = 0; i < m->nagencies; i++)
        free(m->agencies[i]);
    free(m->agencies);
    free(m->agency_lines);
    for (int i = 0; i < m->nrules; i++) {
        struct db_import_rule *r = &m->rules[i];
        free(r->agency);
        free(r->type);
        free(r->descriptor);
        free(r->code);
        free(r->category);
    }
    free(m->rules);
    for (int i = 0; i < m->nstatuses; i++) {
        free(m->statuses[i].from);
        free(m->statuses[i].to);
    }
    free(m->statuses);
    free(m->timezone);
    free(m->root_cause);
    for (int i = 0; i < m->nleaves; i++)
        free(m->leaves[i]);
    free(m->leaves);
    memset(m, 0, sizeof *m);
}
