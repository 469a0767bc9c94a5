/* region.h — the utility's region (utility_region): currency, phone plan, time zone, holidays and compensation scheme, read once per session, and the rules that draw money in its currency. */
#ifndef CARELINE_REGION_H
#define CARELINE_REGION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "careline/db.h"
#include "careline/record.h"
#include "careline/validate.h"

struct db_region {
    char *code;                 /* 'gb-eng', 'us-nyc' */
    char *name;
    char *country;              /* ISO 3166-1 alpha-2: picks careline.conf's patterns.XX */
    char *currency_code;        /* ISO 4217: 'GBP', 'USD' */
    char *currency_symbol;      /* '£', '$' */
    int currency_decimals;      /* 0..2 of the hundredths amounts are kept in */
    char *calling_code, *trunk_prefix, *international_prefix;
    int national_digits;
    char *timezone;
    char *holiday_rules;        /* 'none', 'us_federal' */
    char *compensation_scheme;  /* 'uk_gss', 'own', 'none' */
    char *postcode_label;       /* 'Postcode', 'ZIP code' */
    char *sector_hint;          /* how to write an event's sector: 'outward code, space, digit (LS6 2)' */
};

/* The session's region: the British default until db_region_load() read
 * the database's. Never NULL. */
const struct db_region *db_region(void);

/* Read the utility's region (one round trip, once per session), make it the
 * session's and set the phone plan search uses (valid_set_phone_plan).
 * A database without the row keeps the British default. Returns 0, or -1
 * with the reason in err (the previous region stays). */
int db_region_load(struct db_conn *c, char *err, size_t len);

/* The phone plan of a region: -1 when a field does not fit the plan. */
int db_region_phone_plan(const struct db_region *r, struct valid_phone_plan *out);

/* An amount in hundredths of the currency ("12.30" stored) as people read
 * it in region r: "£12.30", "-$4.05", "¥1234" (no decimals); with ascii (the
 * terminal cannot draw the symbol) a symbol outside ASCII becomes the
 * currency code, "GBP 12.30". Returns buf. */
char *db_region_money_text(const struct db_region *r, int64_t hundredths, bool ascii, char *buf, size_t len);
/* The same in the session's region. */
char *db_money_text(int64_t hundredths, bool ascii, char *buf, size_t len);
/* An amount as the database writes it ("40.00") in the session's currency;
 * text that is not an amount is copied as it is. Returns buf. */
char *db_money_text_of(const char *amount, bool ascii, char *buf, size_t len);
/* What the session's region calls a postcode inside a sentence: "postcode",
 * "ZIP code" (a capital that begins a word is kept when the next letter is
 * one too). Static storage. */
const char *db_region_postcode_word(void);
/* "Amount (USD)": a form label naming the session's currency. */
const char *db_money_label(const char *what, char *buf, size_t len);
/* Whether the session's region has a compensation scheme at all: under
 * 'none' nothing is ever paid, so nothing about payments is shown. */
bool db_region_pays(void);
/* A phone number stored in E.164 as people of region r write it: a number
 * of the North American plan (calling code 1) in a +1 region as
 * "(212) 555-0100"; any other number, or a region whose national form
 * depends on the area code's length (Britain), stays E.164. Returns buf. */
char *db_region_phone_text(const struct db_region *r, const char *e164, char *buf, size_t len);
/* The same in the session's region. */
char *db_phone_text(const char *e164, char *buf, size_t len);

/* Parse an amount as typed ("20", "20.5", "$20.50", "£20"): digits with one
 * point, optionally after the region's symbol or currency code; decimals
 * beyond the currency's are rounded half up ("20.505" is 20.51, as the
 * database's numeric(…,2) would store it). Returns 0 with hundredths set,
 * or -1. */
int db_region_money_parse(const struct db_region *r, const char *s, int64_t *hundredths);

/* The statement db_region_load runs, for the statements test. */
const struct db_statement *db_region_statements(int *n);

#endif
