/* import.h — service requests from cities' 311 systems: reading NYC 311 CSV and Open311 JSON/XML, the mapping to categories, the staged import, the unmatched requests and the Open311 export. */
#ifndef CARELINE_IMPORT_H
#define CARELINE_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "careline/db.h"
#include "careline/record.h"

/* ---- reading a file (no database) -------------------------------------- */

enum db_import_source { DB_IMPORT_NYC311, DB_IMPORT_OPEN311 };

/* What a request says, whatever the file called it: NYC's column names in
 * any of their spellings ("Unique Key", "unique_key"), Open311's element
 * names. TYPE and DESCRIPTOR are NYC's Complaint Type and Descriptor, or
 * Open311's service_name and service_code. */
#define DB_IMPORT_FIELDS(X)                                                                                  \
    X(ID, "unique_key", "service_request_id")                                                                \
    X(CREATED, "created_date", "requested_datetime")                                                         \
    X(CLOSED, "closed_date", NULL)                                                                           \
    X(UPDATED, "resolution_action_updated_date", "updated_datetime")                                         \
    X(DUE, "due_date", NULL)                                                                                 \
    X(EXPECTED, NULL, "expected_datetime")                                                                   \
    X(AGENCY, "agency", "agency_responsible")                                                                \
    X(AGENCY_NAME, "agency_name", NULL)                                                                      \
    X(TYPE, "complaint_type", "service_name")                                                                \
    X(DESCRIPTOR, "descriptor", "service_code")                                                              \
    X(LOCATION_TYPE, "location_type", NULL)                                                                  \
    X(ZIP, "incident_zip", "zipcode")                                                                        \
    X(ADDRESS, "incident_address", "address")                                                                \
    X(STREET, "street_name", NULL)                                                                           \
    X(CROSS1, "cross_street_1", NULL)                                                                        \
    X(CROSS2, "cross_street_2", NULL)                                                                        \
    X(INTER1, "intersection_street_1", NULL)                                                                 \
    X(INTER2, "intersection_street_2", NULL)                                                                 \
    X(ADDRESS_TYPE, "address_type", NULL)                                                                    \
    X(CITY, "city", NULL)                                                                                    \
    X(BOROUGH, "borough", NULL)                                                                              \
    X(STATUS, "status", "status")                                                                            \
    X(RESOLUTION, "resolution_description", "status_notes")                                                  \
    X(LAT, "latitude", "lat")                                                                                \
    X(LON, "longitude", "long")                                                                              \
    X(DESCRIPTION, NULL, "description")                                                                      \
    X(MEDIA_URL, NULL, "media_url")

enum db_import_field {
#define DB_IF_ENUM(id, nyc, open311) DB_IF_##id,
    DB_IMPORT_FIELDS(DB_IF_ENUM)
#undef DB_IF_ENUM
    DB_IF__COUNT
};

/* One request as read: every field ("" when the file has none), valid
 * until the next read. line: where it starts in the file. */
struct db_import_record {
    long line;
    const char *v[DB_IF__COUNT];
};

/* A reader of one file: NYC 311 CSV (columns found by their header, in any
 * order, 23, 41 or any other number of them), or an Open311 GeoReport v2
 * requests document (JSON or XML, told apart by its first character). */
struct db_import_reader;
struct db_import_reader *db_import_reader_new(FILE *in, enum db_import_source source);
void db_import_reader_free(struct db_import_reader *r);

enum db_import_read {
    DB_READ_END = 0,      /* no more requests */
    DB_READ_RECORD = 1,   /* a request in rec */
    DB_READ_BAD = 2,      /* this request cannot be read (rec->line, why); go on */
    DB_READ_FATAL = 3,    /* the file cannot be read further: why is "line N: reason" */
};
/* Longest single field or request kept: a row past it is bad, not cut. */
#define DB_IMPORT_MAX_RECORD (4 * 1024 * 1024)
enum db_import_read db_import_reader_next(struct db_import_reader *r, struct db_import_record *rec, char *why,
                                          size_t whylen);
/* Bytes read so far (for a progress bar), and what the file is: "CSV, 41
 * columns", "Open311 JSON". */
long long db_import_reader_bytes(const struct db_import_reader *r);
const char *db_import_reader_layout(const struct db_import_reader *r);

/* ---- rules (pure) ----------------------------------------------------- */

/* Text as the mapping compares it: lower case, letters and digits, one
 * space between words ("NO WATER - WNW" and "No Water (WNW)" are both "no
 * water wnw"). Always terminated; a cut keeps whole characters. */
void db_import_norm(const char *s, char *out, size_t len);
/* A descriptor's trailing code, upper case ("No Water (WNW)", "NO WATER -
 * WNW" -> "WNW"): 1 to 8 letters and digits with a digit or in capitals,
 * in brackets or after " - " at the end. false (out "") when it has none. */
bool db_import_code(const char *s, char *out, size_t len);
/* A date and time as 311 files write them: "MM/DD/YYYY hh:mm:ss AM" (the
 * NYC portal), "MM/DD/YYYY HH:MM[:SS]", "YYYY-MM-DD[THH:MM[:SS[.fff]]]"
 * with an optional "Z" or "+hh:mm" (ISO 8601). Written to out as
 * "YYYY-MM-DD HH:MM:SS" with "+hh:mm" when the text had a zone (without,
 * it is the source's local time). "" -> "" and 0. -1 when it is not a
 * real date and time (why says what is wrong). */
int db_import_time(const char *s, char *out, size_t len, char *why, size_t whylen);
/* A latitude or longitude: "" or a number in [lo, hi]; out is the number
 * as written (trimmed). -1 otherwise. */
int db_import_coord(const char *s, double lo, double hi, char *out, size_t len);
/* A header as the readers match it: "Unique Key", "X Coordinate (State
 * Plane)" -> "unique_key", "x_coordinate_state_plane". */
void db_import_header_name(const char *s, char *out, size_t len);

/* ---- the mapping (conf/import/SOURCE.conf, read by the application) --- */

struct db_import_rule {
    char *agency, *type, *descriptor;   /* normalised (db_import_norm); "" = any (Open311 only) */
    char *code;                         /* the descriptor's trailing code, "" when none */
    char *category;                     /* a Careline category code (a leaf) */
    int line;                           /* in the mapping file */
};
struct db_import_status {
    char *from;   /* normalised */
    char *to;     /* new, acknowledged, investigating, resolved or closed */
    int line;
};
struct db_import_map {
    char *file;                        /* for messages: "conf/import/nyc311.conf" */
    enum db_import_source source;
    char **agencies;                   /* normalised; requests of other agencies are skipped */
    int *agency_lines;
    int nagencies;                     /* 0: every agency */
    struct db_import_rule *rules;
    int nrules;
    struct db_import_status *statuses;
    int nstatuses;
    char *timezone;                    /* of dates without a zone; "" = the utility's */
    int timezone_line;
    char *root_cause;                  /* recorded on requests the city closed */
    int root_cause_line;
    double min_score;                  /* of a match through the words, 0..1 */
    bool careline_codes;               /* a service_code that is a Careline category code maps to it */
    char **leaves;                     /* the database's leaf categories (db_import_map_check) */
    int nleaves;
};
void db_import_map_free(struct db_import_map *m);

enum db_import_verdict { DB_IMPORT_MAPPED, DB_IMPORT_SKIPPED, DB_IMPORT_UNMAPPED };
/* The category of agency + type + descriptor: the rule whose three texts
 * are the same once normalised, else the only rule of that agency and
 * type with the same trailing code. SKIPPED when the agency is not one the
 * map takes. With careline_codes, a descriptor that is one of the leaf
 * categories the map was checked against maps to it. */
enum db_import_verdict db_import_map_find(const struct db_import_map *m, const char *agency, const char *type,
                                          const char *descriptor, const char **category);
/* The complaint status of a city's status, or NULL when the map has none. */
const char *db_import_status_find(const struct db_import_map *m, const char *status);
/* Check the map against the database: every category a leaf that exists,
 * the root cause, the time zone; the leaves are kept in the map (for
 * careline_codes). 0, or -1 with "FILE:LINE: reason". */
int db_import_map_check(struct db_conn *c, struct db_import_map *m, char *err, size_t errlen);

/* ---- the import ------------------------------------------------------- */

struct db_import_tally {
    char *what;   /* an agency; or "agency / type / descriptor" */
    long rows;
};

struct db_import_summary {
    int64_t run_id;
    long rows;          /* requests read (bad ones included) */
    long imported;      /* new complaints opened */
    long updated;       /* requests already known whose extract changed */
    long unchanged;
    long skipped;       /* other agencies */
    long unmapped;      /* no category for the descriptor */
    long unmatched;     /* new requests that found no premise: on the unmatched requests screen */
    long fresh;         /* new requests: imported + unmatched */
    long known;         /* requests seen before: updated + unchanged */
    long bad;           /* could not be read: reported as FILE:LINE: reason */
    long duplicates;    /* the same request again, later in the file (the later one counts) */
    long matched_later; /* known requests, unmatched until now, that found their premise */
    long moved;         /* complaints whose status the extract moved on */
    long kept_open;     /* closed by the city, resolved here: a follow-up is still open */
    long waiting;       /* every request of every run still waiting for an agent */
    struct db_import_tally *skipped_by;   /* by agency, most first */
    int nskipped_by;
    struct db_import_tally *unmapped_by;  /* by agency / type / descriptor, most first */
    int nunmapped_by;
    double seconds;
};
void db_import_summary_free(struct db_import_summary *s);

struct db_import_hooks {
    /* A bad request: reported at once (the application prints FILE:LINE: why). */
    void (*bad)(void *ctx, long line, const char *why);
    /* Now and then: the phase ("reading", "matching", ...), bytes read of
     * total (0 when unknown), requests read. */
    void (*progress)(void *ctx, const char *phase, long long done, long long total, long rows);
    void *ctx;
    /* Do everything, report it, then roll it all back (the run is not recorded). */
    bool dry_run;
};

/* Import one file in one transaction: its requests COPYed into a staging
 * table, then set-based: new requests stored, matched to premises and
 * opened as complaints; known ones updated when their extract changed;
 * the run recorded with its counts. name: the file's name for the record;
 * size: its bytes (0 when unknown). Returns 0, or -1 with a sentence in err
 * (nothing written): the database refused, or the file cannot be read as a
 * whole ("FILE:LINE: reason"). */
int db_import_run(struct db_conn *c, const struct db_import_map *m, const char *name, FILE *in, long long size,
                  const struct db_import_hooks *h, struct db_import_summary *out, char *err, size_t errlen);

/* The last import runs, newest first (rows: struct db_import_run_row). 0, or -1 with err. */
struct db_import_run_row {
    int64_t id;
    char *source;
    char *file;
    char *started;      /* in the utility's time zone */
    char *run_by;
    int64_t rows, imported, updated, unchanged, skipped, unmapped, unmatched, bad;
    double seconds;
};
int db_import_runs(struct db_conn *c, int limit, struct db_rows *out, char *err, size_t errlen);

/* ---- the unmatched requests (the agent's screen) ---------------------- */

struct db_unmatched {
    int64_t id;
    int version;
    char *source;        /* "NYC 311", "Open311" */
    char *number;        /* the city's number */
    char *requested;     /* in the utility's time zone: "2026-03-04 09:15" */
    char *category;
    char *request;       /* "Water System: No Water (WNW)" */
    char *address;       /* as the city wrote it, or the intersection */
    char *zip;
    char *note;          /* why it found no premise */
    char *detail;        /* everything else, one line each */
    char *search;        /* words to search for the premise with */
    int64_t total;       /* the same on every row: requests waiting in all */
};

/* A premise and who holds it, found by the words of its address, its
 * postcode, or its customer's account number or name. */
struct db_premise_hit {
    int64_t premise_id;
    int64_t customer_id;
    char *address;
    char *postcode;
    char *customer;
    char *account_no;
    char *held;          /* "since 2019-04-01", "2015-2019" */
};

/* The requests waiting for an agent, newest first (rows: struct
 * db_unmatched). done gets them or err. Returns the request id. */
unsigned db_unmatched_load(struct db_conn *c, int limit, void (*done)(void *ctx, struct db_rows *rows, const char *err),
                           void *ctx);
/* Premises for the text, search as you type (the newest wins). */
unsigned db_unmatched_premises(struct db_conn *c, const char *text, int limit, int delay_ms,
                               void (*done)(void *ctx, struct db_rows *rows, const char *err), void *ctx);
/* Link the request (id, version) to the premise and customer: its
 * complaint is opened. done gets the complaint's reference, or stale
 * (someone changed the request first: load again), or err. */
unsigned db_unmatched_link(struct db_conn *c, int64_t id, int version, int64_t premise, int64_t customer,
                           void (*done)(void *ctx, const char *reference, bool stale, const char *err), void *ctx);
/* Set the request aside (not a customer's premise), with why. */
unsigned db_unmatched_dismiss(struct db_conn *c, int64_t id, int version, const char *why,
                              void (*done)(void *ctx, const char *reference, bool stale, const char *err), void *ctx);
/* Statements for the database test (tests/db/statements.c): the unmatched
 * requests, a run's own statements (import.c) and those of the mapping's
 * check and the runs list (import_apply.c). */
const struct db_statement *db_unmatched_statements(int *n);
const struct db_statement *db_import_statements(int *n);
const struct db_statement *db_import_map_statements(int *n);

/* ---- the export -------------------------------------------------------- */

/* Complaints as a GeoReport v2 requests document (JSON, or XML with xml)
 * to out: those changed at or after since ("" = all; "YYYY-MM-DD[ HH:MM]"
 * in the utility's time zone, or ISO 8601 with a zone). Returns the number
 * written, or -1 with the reason in err. */
long db_import_export(struct db_conn *c, const char *since, bool xml, FILE *out, char *err, size_t errlen);

#endif
