/* event.h — critical events: the kinds, the customer message (templates, SMS length), one check shared by the event screens and `careline event`, the CAP 1.2 alert, and the queries and writes of db/event.c. */
#ifndef CARELINE_EVENT_H
#define CARELINE_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "careline/db.h"
#include "careline/record.h"
#include "careline/util.h"

/* ---- kinds ------------------------------------------------------------------------------ */

/* The seven kinds the schema allows, with how a CAP alert describes each. */
struct db_event_kind {
    const char *code;           /* "boil_water" */
    const char *label;          /* "Boil-water notice" */
    const char *cap_category;   /* Health, Infra, Env */
    const char *cap_urgency;    /* Immediate, Expected */
    const char *cap_severity;   /* Extreme, Severe, Moderate, Minor */
    const char *cap_certainty;  /* Observed, Likely */
};
#define DB_EVENT_KINDS 7
const struct db_event_kind *db_event_kind_at(int i);        /* NULL out of range */
const struct db_event_kind *db_event_kind_find(const char *code);   /* NULL when unknown */

/* ---- SMS length ------------------------------------------------------------------------- */

enum db_sms_encoding { DB_SMS_GSM7, DB_SMS_UCS2 };
/* How a text goes out as SMS: GSM-7 when every character is in the GSM
 * 03.38 alphabet (the extension characters ^{}\[~]|€ and form feed count
 * two), else UCS-2 (UTF-16 units). One segment holds 160 GSM-7 or 70 UCS-2
 * units; a longer text is split into segments of 153 or 67, never splitting
 * an escape pair or a surrogate pair. */
struct db_sms_length {
    enum db_sms_encoding encoding;
    int chars;          /* characters */
    int units;          /* septets (GSM-7) or UTF-16 units (UCS-2) */
    int segments;       /* 0 for an empty text */
    int per_segment;    /* 160/153 or 70/67, as used */
    int left;           /* units still free in the last segment */
    uint32_t first_ucs2;   /* the first character that forced UCS-2 (0: none) */
    bool bad_utf8;
};
void db_sms_measure(const char *text, struct db_sms_length *out);
/* "2 SMS (GSM-7, 201 characters, 105 left)" and the like, for people. */
const char *db_sms_text(const struct db_sms_length *l, char *buf, size_t len);
/* At most this many segments per message: longer ones cost too much, and
 * phones show them badly. */
#define DB_EVENT_SMS_MAX_SEGMENTS 3

/* ---- templates ---------------------------------------------------------------------------- */

struct db_event_template {
    char *code;
    char *kind;
    char *stage;        /* "active" or "closed" */
    char *name;
    char *body;         /* with {fields} */
};
/* The distinct field names of a template, in order of first use, that a
 * person fills in: {restore} and {start} come from the times and are not
 * listed. Returns the count (at most max); names are at most 31 bytes. */
int db_event_template_fields(const char *body, char names[][32], int max);
struct db_event_field {
    const char *name;
    const char *value;
};
/* Fill {name} with its value. Braces not around a known-looking name
 * ([a-z_]{1,31}) are kept as they are. Returns a heap string, or NULL with
 * a sentence in err naming the first field without a value. */
char *db_event_fill(const char *body, const struct db_event_field *fields, int n, char *err, size_t errlen);

/* ---- times as typed -------------------------------------------------------------------- */

/* A time as typed at the screen or on the command line:
 *   "" none; "now"; "+90m", "+4h", "+2d" from now; "HH:MM" the next such
 *   time at or after `after` in zone tz; "YYYY-MM-DD HH:MM" in zone tz;
 *   "YYYY-MM-DDTHH:MM[:SS](Z|+HH:MM|-HH:MM)" with its own offset.
 * Returns 1 with *out set, 0 for none, -1 with a sentence in err. */
int db_event_time_parse(const char *text, time_t now, time_t after, const char *tz, time_t *out, char *err,
                        size_t errlen);
/* The broken-down local time of t in zone tz (whatever the process's zone). */
void db_event_local_tm(int64_t t, const char *tz, struct tm *out);
/* A time as a customer message says it: "18:00" on the day of `now`, else
 * "18:00 Tue 3 Mar" (English names, whatever the locale), in zone tz. */
const char *db_event_time_words(time_t t, time_t now, const char *tz, char *buf, size_t len);

/* ---- the one check ------------------------------------------------------------------------ */

enum db_event_op { DB_EVENT_DECLARE, DB_EVENT_UPDATE, DB_EVENT_CLOSE };

/* What was typed or passed, as text. Update: zones and sectors are those
 * added, empty times leave them as they are; close: `restore` is the
 * actual restore time ("" = now). */
struct db_event_input {
    enum db_event_op op;
    const char *kind;
    const char *title;
    const char *zones;       /* zone codes, separated by commas or spaces */
    const char *sectors;     /* postcode sectors ("LS6 2"), separated by commas */
    const char *start;       /* declare only; "" = now */
    const char *restore;
    const char *read_out;
    const struct db_event_template *tmpl;   /* NULL: none chosen */
    const struct db_event_field *fields;    /* values for the template's fields */
    int nfields;
    /* context */
    time_t now;
    time_t started;          /* update and close: when the event started */
    time_t restore_was;      /* update: the estimate so far (0: none) */
    const char *title_was;   /* update: the event as it is, so an update */
    const char *read_out_was;/*   that changes nothing is refused */
    const char *message_was;
    bool has_area;           /* update: the event already has zones or sectors */
    const char *tz;          /* the utility's zone: careline_timezone() */
    const struct db_rows *known_zones;   /* struct db_zone: codes not among them are refused (NULL: not checked) */
};

/* Which part of the input a problem is about (a field of the screen, an
 * option of the command). */
enum db_event_part {
    DB_EVP_KIND, DB_EVP_TITLE, DB_EVP_ZONES, DB_EVP_SECTORS, DB_EVP_START, DB_EVP_RESTORE, DB_EVP_READ_OUT,
    DB_EVP_TEMPLATE, DB_EVP_FIELD, DB_EVP_MESSAGE, DB_EVP__COUNT
};
struct db_event_problem {
    enum db_event_part part;
    char field[32];          /* DB_EVP_FIELD: which template field */
    char text[256];
};

/* The input checked and made ready to send. Owns everything. */
struct db_event_checked {
    char **zones;            /* upper case */
    int nzones;
    char **sectors;          /* "LS6 2" */
    int nsectors;
    time_t start;            /* 0: now (declare) */
    time_t restore;          /* 0: none / unchanged */
    char *message;           /* the template filled; NULL when no template */
    struct db_sms_length sms;
    char *fields_json;       /* {"area": "..."}; "{}" when none */
};

/* One validation for the screen and the command line. Returns 0 with out
 * filled, or -1 with the first problem (out left empty). */
int db_event_check(const struct db_event_input *in, struct db_event_checked *out, struct db_event_problem *p);
void db_event_checked_free(struct db_event_checked *c);
/* Update and close: the event as it is, into the input's kind and context
 * (start, estimate, area, and what it says now). */
struct db_event;
void db_event_input_from(struct db_event_input *in, const struct db_event *e);
/* The message as it stands while the form is being filled: missing fields
 * and times that do not parse yet show as {name}. Heap string (NULL when
 * no template is chosen) and its SMS length in *sms. */
char *db_event_preview_message(const struct db_event_input *in, struct db_sms_length *sms);
/* A comma/space separated list split, trimmed and (sectors) normalised:
 * "ls6  2, LS7 1" -> "LS6 2", "LS7 1". Returns the count, or -1 with a
 * sentence naming the bad item. *out is a heap array of heap strings. */
int db_event_split_zones(const char *text, char ***out, char *err, size_t errlen);
int db_event_split_sectors(const char *text, char ***out, char *err, size_t errlen);
void db_event_strv_free(char **v, int n);
/* Label of a part for messages: "title", "estimated restore", ... */
const char *db_event_part_name(enum db_event_part p);

/* ---- records ------------------------------------------------------------------------------ */

/* One line of the event list. */
struct db_event_row {
    char *id;
    char *kind;
    char *title;
    char *status;            /* active, ended */
    char *area;              /* zone names and sectors, for people */
    char *started_text;      /* "Tue 03 Mar 14:05" in the utility's zone */
    char *restore_text;      /* estimated (active) or actual (ended) restore; "" none */
    char *updated_text;      /* "HH:MM" */
    int complaints_open;
    int version;
};

/* One event with what its screen shows. */
struct db_event {
    char *id;
    char *kind;
    char *title;
    char *description;
    char *status;
    int64_t started;         /* epoch seconds */
    int64_t restore;         /* estimated restore; 0 none */
    int64_t ended;           /* 0 while active */
    char *started_text;
    char *restore_text;
    char *ended_text;
    char *updated_text;      /* "HH:MM" */
    char *updated_day;       /* "Tue 03 Mar HH:MM" */
    char *declared_by;
    char *agent_message;
    char *customer_message;
    char *template_code;
    char *root_cause;        /* code, "" none */
    char *zones;             /* codes, "ZA, ZB" */
    char *zone_names;        /* "Alpha, Beta" */
    char *sectors;           /* "LS6 2, LS6 3" */
    int version;
    int complaints_open;
    int complaints_resolved;
    int complaints_total;
    int payments;            /* guaranteed payments owed or paid */
    int64_t payments_total;  /* pence */
    char *tz;                /* the utility's zone */
    int64_t now;             /* the database's clock, epoch */
    bool supervisor;         /* the person looking may update and close it */
};

/* Customers reached, by preferred channel. */
struct db_event_reach {
    char *preferred_channel;
    int64_t customers;
    int64_t priority_services;
    int64_t vulnerable;
    int64_t non_digital;
};
/* Totals over the channels. */
void db_event_reach_total(const struct db_rows *reach, struct db_event_reach *total);

struct db_event_field_value {
    char *name;
    char *value;
};

struct db_event_revision {
    int version;
    char *action;            /* declare, update, close */
    char *at_text;           /* "HH:MM" or "Tue 03 Mar HH:MM" */
    char *staff;
};

struct db_zone {
    char *code;
    char *name;
    char *region;
};

/* A screen's whole event, in one round trip. */
struct db_event_view {
    struct db_rows event;       /* struct db_event, one row */
    struct db_rows reach;       /* struct db_event_reach */
    struct db_rows fields;      /* struct db_event_field_value */
    struct db_rows revisions;   /* struct db_event_revision, newest first */
    struct db_rows progress;    /* struct db_notify_progress: 0 or 1 row */
};
void db_event_view_free(struct db_event_view *v);

/* What the declare form needs: templates, zones, root causes, the zone and clock. */
struct db_root_cause {
    char *code;
    char *name;
};
struct db_event_setup {
    struct db_rows templates;   /* struct db_event_template, active ones */
    struct db_rows zones;       /* struct db_zone */
    struct db_rows causes;      /* struct db_root_cause */
    char *tz;
    int64_t now;
};
void db_event_setup_free(struct db_event_setup *s);

/* What every terminal is told when an event changes. */
struct db_event_notice {
    char *title;
    char *kind;
    char *status;
    char *action;            /* declare, update, close: the latest revision's */
    char *updated_text;      /* "HH:MM" */
    int active;              /* active events now, all of them */
};

/* ---- asynchronous (the screens) ----------------------------------------------------------- */

typedef void (*db_event_rows_fn)(void *ctx, struct db_rows *rows, const char *err);
/* Active events first (newest first), then the 50 latest ended ones;
 * supervisor: whether the person asking may declare. */
unsigned db_event_list(struct db_conn *c, void (*done)(void *ctx, struct db_rows *rows, bool supervisor,
                                                       const char *err), void *ctx);
/* The notice for one event (struct db_event_notice, one row); the newest
 * request wins when several events change at once. */
unsigned db_event_notice_load(struct db_conn *c, const char *id, db_event_rows_fn done, void *ctx);
/* One event, its reach, fields and revisions. The callback may keep *v by
 * moving it out and zeroing it. */
unsigned db_event_load(struct db_conn *c, const char *id,
                       void (*done)(void *ctx, struct db_event_view *v, const char *err), void *ctx);
unsigned db_event_setup_load(struct db_conn *c, void (*done)(void *ctx, struct db_event_setup *s, const char *err),
                             void *ctx);
/* Who the event would reach: event id (NULL for a new one) plus zones and
 * sectors added. */
unsigned db_event_reach_load(struct db_conn *c, const char *event_id, char *const *zones, int nzones,
                             char *const *sectors, int nsectors, db_event_rows_fn done, void *ctx);

/* A write's answer: the version it made (0 when stale: someone else
 * changed the event first and nothing was written), payments made and the
 * total owed in pence (close), or err. */
struct db_event_written {
    int version;
    bool created;            /* declare: false when the id existed (a replay) */
    int payments;
    int64_t owed;
    int count;               /* complaints noted or resolved */
};
typedef void (*db_event_write_fn)(void *ctx, const struct db_event_written *w, const char *err);

/* The write itself, made from a checked input: one call each for the
 * screen (async) and the command line (sync, db_wait). id: the event's
 * (declare: made by the caller); request: a fresh UUID per attempt kept
 * for retries of the same change. */
struct db_event_write {
    enum db_event_op op;
    const char *id;
    const char *request;
    int version;             /* update and close */
    const char *kind;
    const char *title;
    const char *read_out;
    const char *template_code;
    const char *root_cause;  /* close: code, "" keeps the event's */
    const struct db_event_checked *checked;
};
unsigned db_event_send(struct db_conn *c, const struct db_event_write *w, db_event_write_fn done, void *ctx);
/* The event's complaints: a note on every one not closed (request: UUID
 * of this note, so a retry adds nothing), or resolve every open one with
 * the root cause (code, "" = the event's) and a summary. */
unsigned db_event_note_complaints(struct db_conn *c, const char *id, const char *request, const char *note,
                                  db_event_write_fn done, void *ctx);
unsigned db_event_resolve_complaints(struct db_conn *c, const char *id, const char *cause, const char *summary,
                                     db_event_write_fn done, void *ctx);

/* ---- CAP 1.2 ------------------------------------------------------------------------------ */

/* Everything an alert says, for one event at its current version. */
struct db_event_cap_info {
    char *id;
    char *kind;
    char *title;
    char *description;
    char *status;            /* active, ended */
    char *customer_message;
    char *agent_message;
    int64_t sent;            /* when the current version was made (epoch) */
    int64_t effective;       /* the start */
    int64_t expires;         /* estimated restore, or the end; 0 none */
    char *area_desc;         /* zone names and sectors */
    char *zones;             /* codes, space separated */
    char *sectors;           /* comma separated: "LS6 2,LS6 3" */
    int version;
    char *earlier;           /* earlier versions "1:epoch 2:epoch", "" none */
};
/* Who sends the alerts (app_setting cap_sender), the utility's zone and the clock. */
struct db_event_cap_meta {
    char *sender;
    char *tz;
    int64_t now;
};
/* A CAP time: "2026-03-03T14:05:00+01:00" in zone tz; UTC itself is
 * "-00:00" (CAP 1.2 forbids "Z"). */
const char *db_event_cap_time(int64_t t, const char *tz, char *buf, size_t len);
/* Write one <alert> (no XML declaration when `embedded`): msgType Alert for
 * the first version, Update referencing every earlier one, Cancel once the
 * event has ended. Every text is XML-escaped. */
void db_event_cap_write(struct util_buf *out, const struct db_event_cap_info *e, const struct db_event_cap_meta *m,
                        bool embedded);
/* An Atom feed of CAP alerts for the events given (the usual way CAP
 * alerts are published). */
void db_event_cap_feed(struct util_buf *out, const struct db_rows *events, const struct db_event_cap_meta *m);
/* Escape text for XML element content and attribute values; control
 * characters XML cannot carry and invalid UTF-8 become U+FFFD. */
void db_event_xml_escape(struct util_buf *out, const char *s);
/* Load for `careline event cap`: one event (id) or every active one (id
 * NULL) into struct db_event_cap_info rows. Sync. Returns 0 or -1 with err. */
int db_event_cap_load(struct db_conn *c, const char *id, struct db_rows *out, struct db_event_cap_meta *meta,
                      char *err, size_t errlen);
void db_event_cap_meta_free(struct db_event_cap_meta *m);

/* ---- for `careline event` (synchronous) --------------------------------------------------- */

/* The full id of the event whose id is `text` or starts with it (at least
 * 6 characters): 0, or -1 with err (none, several, too short). */
int db_event_find_sync(struct db_conn *c, const char *text, char out[37], char *err, size_t errlen);
/* The version a write with this request id made (0: none yet), so a
 * script's retry reports the first outcome instead of checking again. */
int db_event_request_sync(struct db_conn *c, const char *id, const char *request, int *version, char *err,
                          size_t errlen);
/* Run an async request to its end (db_wait): 0, or -1 with err. */
int db_event_list_sync(struct db_conn *c, bool all, struct db_rows *out, char *err, size_t errlen);
int db_event_load_sync(struct db_conn *c, const char *id, struct db_event_view *v, char *err, size_t errlen);
int db_event_setup_sync(struct db_conn *c, struct db_event_setup *s, char *err, size_t errlen);
int db_event_reach_sync(struct db_conn *c, const char *event_id, char *const *zones, int nzones,
                        char *const *sectors, int nsectors, struct db_rows *out, char *err, size_t errlen);
int db_event_send_sync(struct db_conn *c, const struct db_event_write *w, struct db_event_written *out, char *err,
                       size_t errlen);

/* Every decoded statement, with parameters that run it on the demo data
 * (tests/db/statements.c): the screens' and the CAP feed's. */
const struct db_statement *db_event_statements(int *n);
const struct db_statement *db_event_cap_statements(int *n);

#endif
