/* region.c — the utility's region (utility_region, 024_region.sql): read once per session; money drawn and read in its currency; its phone plan for search. */
#include "careline/region.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "careline/util.h"

static const char region_sql[] =
    "SELECT code, name, country, currency_code, currency_symbol, currency_decimals, calling_code, trunk_prefix,"
    " international_prefix, national_digits, timezone, holiday_rules, compensation_scheme, postcode_label,"
    " sector_hint"
    " FROM utility_region";

static const struct db_col region_cols[] = {
    DB_COL(DB_TEXT, struct db_region, code),
    DB_COL(DB_TEXT, struct db_region, name),
    DB_COL(DB_TEXT, struct db_region, country),
    DB_COL(DB_TEXT, struct db_region, currency_code),
    DB_COL(DB_TEXT, struct db_region, currency_symbol),
    DB_COL(DB_INT, struct db_region, currency_decimals),
    DB_COL(DB_TEXT, struct db_region, calling_code),
    DB_COL(DB_TEXT, struct db_region, trunk_prefix),
    DB_COL(DB_TEXT, struct db_region, international_prefix),
    DB_COL(DB_INT, struct db_region, national_digits),
    DB_COL(DB_TEXT, struct db_region, timezone),
    DB_COL(DB_TEXT, struct db_region, holiday_rules),
    DB_COL(DB_TEXT, struct db_region, compensation_scheme),
    DB_COL(DB_TEXT, struct db_region, postcode_label),
    DB_COL(DB_TEXT, struct db_region, sector_hint),
};
static const struct db_shape region_shape = DB_SHAPE("utility region", struct db_region, region_cols);

static const char unmigrated_sql[] = "SELECT to_regclass('utility_region') IS NULL AS unmigrated";
struct unmigrated {
    bool unmigrated;
};
static const struct db_col unmigrated_cols[] = {DB_COL(DB_BOOL, struct unmigrated, unmigrated)};
static const struct db_shape unmigrated_shape = DB_SHAPE("migrated?", struct unmigrated, unmigrated_cols);

/* What 024_region.sql writes for an existing installation. */
static const struct db_region british = {
    .code = (char *)"gb-eng", .name = (char *)"England and Wales", .country = (char *)"GB",
    .currency_code = (char *)"GBP", .currency_symbol = (char *)"\u00a3", .currency_decimals = 2,
    .calling_code = (char *)"44", .trunk_prefix = (char *)"0", .international_prefix = (char *)"00",
    .national_digits = 10, .timezone = (char *)"Europe/London", .holiday_rules = (char *)"none",
    .compensation_scheme = (char *)"uk_gss", .postcode_label = (char *)"Postcode",
    .sector_hint = (char *)"outward code, space, digit (LS6 2)",
};

static struct db_rows loaded;
static const struct db_region *current = &british;

const struct db_region *db_region(void) { return current; }

int db_region_phone_plan(const struct db_region *r, struct valid_phone_plan *out)
{
    memset(out, 0, sizeof *out);
    out->national_digits = r->national_digits;
    return util_format_fits(out->calling_code, sizeof out->calling_code, "%s", r->calling_code) < 0 ||
                   util_format_fits(out->trunk_prefix, sizeof out->trunk_prefix, "%s", r->trunk_prefix) < 0 ||
                   util_format_fits(out->international_prefix, sizeof out->international_prefix, "%s",
                                    r->international_prefix) < 0
               ? -1
               : 0;
}

int db_region_load(struct db_conn *c, char *err, size_t len)
{
    PGresult *res = db_exec(c, region_sql, 0, NULL);
    if (!res) {
        util_format(err, len, "cannot read the utility's region: %s", db_error(c));
        /* A database not migrated yet (careline migrate connects too). */
        struct db_rows q = {0};
        char why[200];
        bool unmigrated = db_exec_one(c, unmigrated_sql, 0, NULL, &unmigrated_shape, &q, why, sizeof why) == 0 &&
                          DB_ROW(&q, struct unmigrated, 0)->unmigrated;
        db_rows_free(&q);
        return unmigrated ? 0 : -1;
    }
    struct db_rows rows = {0};
    int rc = db_rows_decode(&rows, &region_shape, res, err, len);
    PQclear(res);
    if (rc < 0)
        return -1;
    /* No row (removed): what the database's functions fall back on too. */
    struct valid_phone_plan plan;
    const struct db_region *r = rows.n ? DB_ROW(&rows, struct db_region, 0) : &british;
    if (db_region_phone_plan(r, &plan) < 0) {
        util_format(err, len, "the utility's region has a phone plan this program cannot hold (%s, %s, %s)",
                    r->calling_code, r->trunk_prefix, r->international_prefix);
        db_rows_free(&rows);
        return -1;
    }
    valid_set_phone_plan(&plan);
    current = &british;   /* never pointing into rows being freed */
    db_rows_free(&loaded);
    loaded = rows;
    current = r;
    return 0;
}

/* The symbol is drawn when the terminal can draw it. */
static bool ascii_only(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s >= 0x80)
            return false;
    return true;
}

char *db_region_money_text(const struct db_region *r, int64_t hundredths, bool ascii, char *buf, size_t len)
{
    uint64_t a = hundredths < 0 ? 0ULL - (uint64_t)hundredths : (uint64_t)hundredths;
    int dec = r->currency_decimals < 0 || r->currency_decimals > 2 ? 2 : r->currency_decimals;
    char number[32];
    if (dec == 2)
        util_format(number, sizeof number, "%llu.%02llu", (unsigned long long)(a / 100), (unsigned long long)(a % 100));
    else if (dec == 1)   /* rounded half up, as the database's round() */
        util_format(number, sizeof number, "%llu.%llu", (unsigned long long)((a + 5) / 100),
                    (unsigned long long)((a + 5) / 10 % 10));
    else
        util_format(number, sizeof number, "%llu", (unsigned long long)((a + 50) / 100));
    bool symbol = !ascii || ascii_only(r->currency_symbol);
    util_format(buf, len, "%s%s%s%s", hundredths < 0 ? "-" : "", symbol ? r->currency_symbol : r->currency_code,
                symbol ? "" : " ", number);
    return buf;
}

char *db_money_text(int64_t hundredths, bool ascii, char *buf, size_t len)
{
    return db_region_money_text(current, hundredths, ascii, buf, len);
}

char *db_money_text_of(const char *amount, bool ascii, char *buf, size_t len)
{
    int64_t v;
    if (db_value_parse(DB_MONEY, amount, &v) < 0) {
        util_format(buf, len, "%s", amount);
        return buf;
    }
    return db_money_text(v, ascii, buf, len);
}

const char *db_region_postcode_word(void)
{
    static char word[32];
    const char *l = current->postcode_label;
    util_format(word, sizeof word, "%s", l);
    if (word[0] && word[1] >= 'a' && word[1] <= 'z')
        word[0] = (char)tolower((unsigned char)word[0]);
    return word;
}

const char *db_money_label(const char *what, char *buf, size_t len)
{
    util_format(buf, len, "%s (%s)", what, current->currency_code);
    return buf;
}

bool db_region_pays(void)
{
    return strcmp(current->compensation_scheme, "none") != 0;
}

char *db_region_phone_text(const struct db_region *r, const char *e164, char *buf, size_t len)
{
    /* Only "+1" and ten digits, checked before anything past "+1" is read. */
    bool nanp = strcmp(r->calling_code, "1") == 0 && strncmp(e164, "+1", 2) == 0 && strlen(e164) == 12 &&
                strspn(e164 + 2, "0123456789") == 10;
    if (nanp)
        util_format(buf, len, "(%.3s) %.3s-%.4s", e164 + 2, e164 + 5, e164 + 8);
    else
        util_format(buf, len, "%s", e164);
    return buf;
}

char *db_phone_text(const char *e164, char *buf, size_t len)
{
    return db_region_phone_text(current, e164, buf, len);
}

int db_region_money_parse(const struct db_region *r, const char *s, int64_t *hundredths)
{
    while (*s == ' ')
        s++;
    size_t sym = strlen(r->currency_symbol);
    if (sym && strncmp(s, r->currency_symbol, sym) == 0)
        s += sym;
    else if (strncmp(s, r->currency_code, strlen(r->currency_code)) == 0)
        s += strlen(r->currency_code);
    while (*s == ' ')
        s++;
    int dec = r->currency_decimals < 0 || r->currency_decimals > 2 ? 2 : r->currency_decimals;
    int64_t whole = 0, frac = 0;   /* frac: the kept decimals, in units of the last kept place */
    int digits = 0, decimals = 0, next = 0;
    for (; *s >= '0' && *s <= '9'; s++, digits++) {
        if (whole > INT64_MAX / 1000)
            return -1;
        whole = whole * 10 + (*s - '0');
    }
    if (*s == '.')
        for (s++; *s >= '0' && *s <= '9'; s++, decimals++) {
            if (decimals < dec)
                frac = frac * 10 + (*s - '0');
            else if (decimals == dec)
                next = *s - '0';   /* more decimals than the currency has: rounded half up */
        }
    while (*s == ' ')
        s++;
    if (*s || digits + decimals == 0)
        return -1;
    for (int i = decimals; i < dec; i++)
        frac *= 10;
    int64_t unit = dec == 2 ? 1 : dec == 1 ? 10 : 100;   /* hundredths in one unit of the last place */
    *hundredths = whole * 100 + frac * unit + (next >= 5 ? unit : 0);
    return 0;
}

static const struct db_statement statements[] = {
    {region_sql, 0, NULL, &region_shape, false},
    {unmigrated_sql, 0, NULL, &unmigrated_shape, false},
};

const struct db_statement *db_region_statements(int *n)
{
    *n = (int)(sizeof statements / sizeof statements[0]);
    return statements;
}
