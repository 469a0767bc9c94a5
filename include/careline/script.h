/* script.h — service-recovery scripts: what a script is, the pure engine a runner screen drives, and the database (store, fit, record); the file format is read by the application (script_parse.h, script_load.h). */
#ifndef CARELINE_SCRIPT_H
#define CARELINE_SCRIPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "careline/db.h"

/* A recovery script is a list of steps an agent follows with the customer
 * on the line. Administrators write one script per libconfig file
 * (conf/scripts/NAME.conf, the format is in docs/scripts.md), check them
 * with `careline scripts check`, and store them with `careline scripts
 * load`: each load of a changed file becomes a new version of the script
 * in recovery_script/script_step, and a run of a script records the exact
 * version (complaint_script_run) and every answer (script_answer).
 *
 * How a runner screen uses this module:
 *
 *   1. db_script_for_complaint(db, complaint_id, on_fit, me): the active
 *      script that fits the complaint best, the customer's situation and
 *      the placeholder values, in one round trip.
 *   2. In on_fit: when fit->found, util_uuid(run_id), then
 *      db_script_run_start(db, run_id, complaint_id, fit->script.id, ...)
 *      and script_run_start(&run, &fit->script, &fit->sit).
 *   3. Draw script_run_step(&run): script_expand(step->text, &fit->vars),
 *      and for each option script_expand(option->label, &fit->vars);
 *      sanitise both (tui_text_sanitize) before drawing: they contain data
 *      from the database. The answers so far are run.path[0..depth-1] with
 *      script_run_given().
 *   4. On a key: script_run_answer(&run, value) / script_run_skip(&run,
 *      reason) / script_run_back(&run). After a successful answer or skip,
 *      record it with db_script_answer(db, run_id, step->id, ...) using
 *      the step that was current before the call (the recorded value is
 *      script_run_given() of that step). When script_run_finished(&run),
 *      db_script_run_finish(db, run_id, "completed", ...). Ending early is
 *      db_script_run_finish() with another outcome ("ended early: ...").
 *      A goodwill_credit step is answered only once its credit is made
 *      (db_script_credit), so the run never records a credit that is not.
 *   5. db_script_fit_free(fit) when the screen closes (after
 *      script_run_free(&run), which points into it).
 *
 * Every write is idempotent (client UUIDs, ON CONFLICT), so a write
 * replayed after a lost connection never duplicates. */

/* ---- what a script is made of --------------------------------------------- */

enum script_kind {
    SCRIPT_SAY,      /* text the agent reads out */
    SCRIPT_ASK,      /* a question: fixed answers (each may branch) or free text */
    SCRIPT_CHECK,    /* something the agent confirms they did (or skips with a reason) */
    SCRIPT_ACTION,   /* something the agent does in the system: a credit, a follow-up, ... */
    SCRIPT_END,      /* what happens next; answering it finishes the run */
    SCRIPT_KIND__COUNT
};
const char *script_kind_name(enum script_kind k);     /* "say", "ask", ... */
int script_kind_lookup(const char *name);             /* enum value, or -1 */

/* What an ACTION step asks the agent to do. The runner screen turns these
 * into the matching dialogs (the parameters are in struct script_step). */
enum script_action {
    SCRIPT_ACT_NONE,            /* not an action step */
    SCRIPT_ACT_GOODWILL_CREDIT, /* offer a credit: amount_pence is the suggestion (0: agent decides) */
    SCRIPT_ACT_FOLLOW_UP,       /* book a follow-up in `days` days by `channel` */
    SCRIPT_ACT_CALLBACK,        /* book a call back within `hours` hours (0: agent agrees a time) */
    SCRIPT_ACT_NOTIFY,          /* send a written summary by `channel` */
    SCRIPT_ACT_FIELD_VISIT,     /* raise a job for a crew or inspector, `priority` */
    SCRIPT_ACT_REBILL,          /* re-issue a bill on a new reading */
    SCRIPT_ACT_BOTTLED_WATER,   /* arrange a bottled water delivery */
    SCRIPT_ACT_COMPENSATION,    /* record a Guaranteed Standards payment as owed */
    SCRIPT_ACT_ESCALATE,        /* hand to a supervisor */
    SCRIPT_ACT_PSR_REGISTER,    /* offer to add the customer to the Priority Services Register */
    SCRIPT_ACT_OTHER,           /* stored by an older loader with a name this program does not know */
    SCRIPT_ACT__COUNT
};
const char *script_action_name(enum script_action a); /* "goodwill_credit", ...; "" for NONE */
int script_action_lookup(const char *name);           /* enum value (never NONE/OTHER), or -1 */

/* Placeholders a step's text and an answer's label may contain, written
 * {name}. "{{" is a literal "{". Unknown names are refused when a script
 * is loaded. */
enum script_var {
    SV_FIRST_NAME,          /* first name, else "Mrs Smith" (title and last name) */
    SV_CUSTOMER_NAME,       /* full display name (a company for businesses) */
    SV_ACCOUNT_NO,
    SV_ADDRESS,             /* the complaint's premise, else the billing premise */
    SV_REFERENCE,           /* the complaint reference, e.g. C-2026-000123 */
    SV_AGENT_NAME,          /* display name of the staff member running the script */
    SV_DEADLINE_ACK,        /* "12:00 on Tuesday 24 November" */
    SV_DEADLINE_RESPONSE,   /* "Tuesday 1 December" */
    SV_DEADLINE_RESOLUTION, /* "Tuesday 8 December" */
    SV_EVENT_TITLE,         /* the active critical event affecting the customer */
    SV_EVENT_MESSAGE,       /* its pre-approved words for agents */
    SV_RESTORE_ESTIMATE,    /* "18:00 on Tuesday 24 November" */
    SV_VULNERABILITY,       /* "medical water, Priority Services Register" */
    SV_PREFERRED_CHANNEL,   /* "phone", "email", ... */
    SV_CATEGORY,            /* the complaint's category name */
    SV__COUNT
};
const char *script_var_name(enum script_var v);       /* "first_name", ... */
/* The variable named by the len bytes at name, or -1. */
int script_var_lookup(const char *name, size_t len);
/* What a missing value shows instead, e.g. "[no restore estimate]". */
const char *script_var_missing(enum script_var v);

/* Values for the placeholders. NULL, "" or only spaces = not known. */
struct script_vars {
    const char *v[SV__COUNT];
};

/* Fill the placeholders of text. A missing value becomes its visible
 * marker (script_var_missing), so the agent sees that it is missing and
 * never reads out an empty gap. Values are copied whole, however long
 * (the screen wraps or cuts them); invalid UTF-8 in a value becomes
 * U+FFFD, so valid text gives valid UTF-8. A placeholder this program
 * does not know (only possible in rows written by something other than
 * `scripts load`) is kept as written. The result is NOT sanitised: it
 * holds database text, so pass it through tui_text_sanitize() before
 * drawing. Returns a new heap string (caller frees); text NULL gives "". */
char *script_expand(const char *text, const struct script_vars *v);

/* Yes / no / does not matter, for conditions. */
enum script_tri { SCRIPT_EITHER = -1, SCRIPT_NO = 0, SCRIPT_YES = 1 };

/* When a step applies (all given parts must hold). A step whose condition
 * does not hold is passed over as if it were not there: the run goes on
 * along the step's default next. */
struct script_when {
    int vulnerable;          /* enum script_tri */
    int priority_services;
    int non_digital;
    int event;
    int compensation;        /* the region has a compensation scheme (uk_gss, own): not 'none' */
    char *language;          /* NULL = any; else the customer's language code ("cy") */
};

/* The customer's situation, which decides the conditional steps. */
struct script_situation {
    bool vulnerable;          /* any vulnerability flag, or on the Priority Services Register */
    bool priority_services;   /* on the Priority Services Register */
    bool non_digital;         /* no internet: phone or letter only */
    bool event;               /* an active critical event affects the customer's premises */
    bool compensation;        /* the utility's region pays compensation (its scheme is not 'none') */
    const char *language;     /* "en", "cy", ...; NULL = not known */
    const char *segment;      /* customer segment ("senior", ...); NULL = not known */
    const char *customer_type;/* "household" or "business"; NULL = not known */
};

/* One fixed answer of a step. */
struct script_option {
    char *value;     /* what is recorded, e.g. "yes"; [a-z0-9_] */
    char *label;     /* what the agent sees (may hold placeholders) */
    char *next;      /* key of the step it leads to; NULL = the step's default next */
    int line;        /* where it is written (0 when read from the database) */
};

struct script_step {
    int id;                     /* script_step.id; 0 when read from a file */
    char *key;                  /* unique in the script */
    enum script_kind kind;
    char *text;                 /* with placeholders */
    struct script_option *options;  /* fixed answers; may be NULL */
    int noptions;
    bool free_text;             /* ask: the agent types the customer's answer */
    char *next;                 /* default next step's key; NULL = the following step */
    struct script_when when;    /* all EITHER and language NULL = always */
    enum script_action action;  /* SCRIPT_ACT_NONE unless kind is ACTION (or an older row) */
    char *action_name;          /* the action as written or stored; NULL when none */
    long long amount_pence;     /* goodwill_credit: suggested amount in pence; 0 = none */
    int days;                   /* follow_up: due in this many days; -1 = not set */
    char *channel;              /* follow_up, notify: "preferred" or a channel; NULL = preferred */
    int hours;                  /* callback: within this many hours; 0 = not set */
    char *priority;             /* field_visit: "emergency", "urgent" or "routine"; NULL = routine */
    int line;                   /* where the step starts in its file (0 from the database) */
};

struct script {
    int id;                     /* recovery_script.id; 0 when read from a file */
    int version;                /* 0 when read from a file */
    bool active;
    char *code;                 /* [a-z][a-z0-9_]*; versions share it */
    char *name;
    char **categories;          /* complaint_category codes; "*" = every category */
    int ncategories;
    char *segment;              /* applies_when: NULL = any */
    char *language;             /* applies_when: NULL = any */
    int requires_vulnerability; /* enum script_tri */
    int requires_event;         /* enum script_tri */
    struct script_step *steps;  /* in file order; steps[0] is where a run starts */
    int nsteps;
    char *file;                 /* the file it was read from; NULL from the database */
    int line;                   /* line of its code setting in that file */
    char *source;               /* the file's text */
};
/* Free what the script owns and zero it. Safe on a zeroed struct. */
void script_free(struct script *s);
/* Index of the step with this key, or -1. */
int script_find(const struct script *s, const char *key);

/* ---- what reading a script's file needs (the file format is the
 * application's: script_parse.h) -------------------------------------------- */

/* Problems found, each "file:line: reason", in file order. Zero-initialise;
 * script_errors_free() empties it. */
struct script_errors {
    char **msg;
    int count;
    int cap;
};
void script_errors_free(struct script_errors *e);
/* Append msg (heap; e takes it). */
void script_errors_add(struct script_errors *e, char *msg);

/* NULL, "" or only spaces, tabs and line ends. */
bool script_blank(const char *s);
/* s is one of the NULL-terminated list. */
bool script_in_list(const char *s, const char *const *list);
/* The list as "a, b, c" in out (n bytes; cut at n - 1). */
void script_join_list(const char *const *list, char *out, size_t n);
/* The length of the name of a placeholder starting at p ("{name}"), or -1
 * when p does not start one: names are [a-z0-9_], 1 to 40 of them. */
int script_placeholder_len(const char *p);
/* Where step i goes when no answer says otherwise: its next, else the
 * following step; -1 for an end step or a next naming no step. */
int script_default_next(const struct script *s, int i);

/* ---- the engine (pure) ------------------------------------------------------ */

/* Whether the step's `when` holds for this customer. */
bool script_step_applies(const struct script_step *st, const struct script_situation *sit);
/* Whether the agent must choose an option or type text at this step.
 * Steps that do not (say, and check/action/end without options) are
 * answered with "done". */
bool script_step_needs_answer(const struct script_step *st);
/* The label of the option with this value (unexpanded), or NULL: to show
 * an earlier answer in the "answers so far". */
const char *script_option_label(const struct script_step *st, const char *value);

/* The channel a follow_up or notify step uses for this customer: the
 * step's own channel, or for "preferred" (or none) the customer's
 * preferred channel (web counts as email, walk_in as phone). A
 * non-digital customer never gets email or sms: a notify step writes a
 * letter instead and a follow_up phones. Returns a static string, one of
 * follow_up.channel's values: phone, email, sms, letter, field_visit. */
const char *script_channel(const struct script_step *st, const char *preferred, bool non_digital);

/* Index of the step a run starts at: the first step, or, when it does not
 * apply, the first that does along the default nexts. -1: none applies. */
int script_first(const struct script *s, const struct script_situation *sit);
/* Index of the step that follows step `from` when it was answered with
 * `answer` (an option's value; anything else, e.g. free text or NULL for
 * a skip, takes the step's default next), passing over steps that do not
 * apply. -1 when the run is over (after an end step, or past the last
 * step). */
int script_next(const struct script *s, int from, const char *answer, const struct script_situation *sit);

/* What was given at a step. */
struct script_given {
    char *answer;      /* option value, typed text, or "done"; NULL when none */
    char *skipped;     /* the reason, when the step was skipped; NULL otherwise */
};

/* A run in progress: which step is shown, how we got there (for Back),
 * and what was answered. The fields are read-only for the screen. */
struct script_run {
    const struct script *script;   /* not owned: must outlive the run */
    struct script_situation sit;   /* copied; its strings are not owned */
    int current;                   /* index of the step shown; -1 when finished */
    int *path;                     /* indexes of the steps answered or skipped, in order */
    int depth;                     /* entries in path */
    int cap;
    struct script_given *given;    /* one per step of the script */
};

/* Results of the run functions. */
enum script_result {
    SCRIPT_OK = 0,
    SCRIPT_E_FINISHED = -1,   /* the run is over: nothing to answer */
    SCRIPT_E_OPTION = -2,     /* not one of the step's option values */
    SCRIPT_E_EMPTY = -3,      /* free text or skip reason empty (or only spaces) */
    SCRIPT_E_START = -4,      /* Back at the first step */
    SCRIPT_E_END = -5,        /* an end step cannot be skipped: answer it to finish */
    SCRIPT_E_TEXT = -6        /* free text or reason not valid UTF-8 */
};
/* Human text for a result, for the status line. */
const char *script_result_text(enum script_result r);

/* Start at script_first(). The run must be freed with script_run_free. */
void script_run_start(struct script_run *r, const struct script *s, const struct script_situation *sit);
void script_run_free(struct script_run *r);
/* The step shown, or NULL when the run is finished. */
const struct script_step *script_run_step(const struct script_run *r);
bool script_run_finished(const struct script_run *r);
/* Answer the current step and move on. value: an option's value when the
 * step has options; the customer's words for free text; ignored (NULL is
 * fine) for steps that need no answer, which record "done". Answering an
 * end step finishes the run. Returns SCRIPT_OK or an error (nothing changed). */
int script_run_answer(struct script_run *r, const char *value);
/* Skip the current step with a reason (required) and move on along its
 * default next. End steps cannot be skipped. */
int script_run_skip(struct script_run *r, const char *reason);
/* Go back to the step answered before; its earlier answer is kept so the
 * screen can show it, and answering again replaces it. Also works on a
 * finished run (back to its end step). */
int script_run_back(struct script_run *r);
/* What was given at step index i (NULL when nothing yet). */
const struct script_given *script_run_given(const struct script_run *r, int i);

/* ---- the database ------------------------------------------------------------ */

/* The script that fits one complaint, the customer's situation and the
 * placeholder values, fetched in one round trip. */
struct db_script_fit {
    bool found;                    /* false: no active script fits (script empty) */
    struct script script;          /* with step ids, for db_script_answer */
    struct script_situation sit;   /* strings owned by this struct */
    struct script_vars vars;       /* strings owned by this struct */
    char complaint_id[37];
    long long customer_id;         /* the complaint's customer (for credits) */
    char *category;                /* the complaint's category code */
    char *error;                   /* set when the query failed (found false) */
    char *own[SV__COUNT + 3];      /* storage behind vars and sit */
};
void db_script_fit_free(struct db_script_fit *f);   /* frees f itself too; NULL is fine */

/* The active script that fits a complaint best: its category or an
 * ancestor of it must be among the script's categories ("*" / an empty
 * list = every category), and the script's segment, language,
 * requires_vulnerability and requires_event must match the customer (an
 * active critical event counts when the complaint is linked to one or one
 * covers the zone of the customer's premise). The most specific wins: the
 * nearest category first (the category itself, then its parent, ..., then
 * "*"), then the most conditions set, then the newest load. done() gets a
 * heap struct it owns (free with db_script_fit_free), also on error. The
 * owner for db_forget_owner() is ctx. */
unsigned db_script_for_complaint(struct db_conn *c, const char *complaint_id,
                                 void (*done)(void *ctx, struct db_script_fit *f), void *ctx);
/* The same for one given script version (recovery_script.id), active or
 * not: to resume or review a run, which points at the version used. */
unsigned db_script_by_id(struct db_conn *c, int script_id, const char *complaint_id,
                         void (*done)(void *ctx, struct db_script_fit *f), void *ctx);

/* Record that a run of script version script_id started on a complaint,
 * under the client-made run_id (canonical UUID text): a replay adds
 * nothing. The first time, a 'script' row goes into the complaint's
 * history. Offline, the write waits for the connection. */
unsigned db_script_run_start(struct db_conn *c, const char *run_id, const char *complaint_id, int script_id,
                             void (*done)(void *ctx, const char *err), void *ctx);
/* Record the answer to one step (script_step.id) of a run: answer and/or
 * skipped_reason (NULL for none). One row per run and step: answering a
 * step again (after Back, or a replay) replaces the earlier answer. A
 * newer answer to the same step replaces an older one still queued or in
 * flight (whose done() is then not called: its ctx gets no cleanup call
 * either, so ctx should not be heap memory owned by the request). Only a
 * step of the run's own script version is accepted (err otherwise). */
unsigned db_script_answer(struct db_conn *c, const char *run_id, int step_id, const char *answer,
                          const char *skipped_reason, void (*done)(void *ctx, const char *err), void *ctx);
/* Mark the run finished with an outcome ("completed", "ended early: ...").
 * Only the first finish counts (a replay changes nothing); it adds a
 * 'script' row to the complaint's history. */
unsigned db_script_run_finish(struct db_conn *c, const char *run_id, const char *outcome,
                              void (*done)(void *ctx, const char *err), void *ctx);

/* Make the goodwill credit of a goodwill_credit step (script_step.id) of a
 * recorded run: amount in pounds ("25.00"), for the run's complaint and
 * customer. The credit's id is made from the run and the step, so a
 * replay, a retry or answering the step again after Back never makes a
 * second credit (done then gets the first credit's status). The database
 * decides as for any credit: "applied" within the agent's authority,
 * "pending" above it. err when the step is not a credit step of the run's
 * script or the run is not recorded. Offline, the write waits for the
 * connection. */
unsigned db_script_credit(struct db_conn *c, const char *run_id, int step_id, const char *amount,
                          void (*done)(void *ctx, const char *status, const char *err), void *ctx);

/* What storing one script did. */
struct db_script_stored {
    int version;       /* the version now active for the code */
    bool unchanged;    /* the active version already had exactly this text */
};
/* Store validated scripts in ONE transaction (all or nothing), as
 * `scripts load` does: a script whose text differs from its code's active
 * version becomes version max+1, active, and the older versions inactive;
 * an identical text changes nothing. out has n entries. Needs the
 * careline_admin role. Returns 0, or -1 with the server's reason in err
 * (nothing stored). */
int db_script_store(struct db_conn *c, const struct script *const *scripts, int n, struct db_script_stored *out,
                    char *err, size_t errlen);
/* One stored version of a script, for `scripts list`. */
struct db_script_version {
    char *code;
    int version;
    bool active;
    char *name;
    char *categories;   /* complaint_category codes, space-separated; "*" = every category */
};
struct db_rows;
/* Every stored version, by code then version, as rows of struct
 * db_script_version (free with db_rows_free). 0, or -1 with the reason. */
int db_script_versions(struct db_conn *c, struct db_rows *out, char *err, size_t errlen);
/* The id (UUID text) of the complaint with this reference: 1 when found,
 * 0 when there is none, -1 with the reason in err. */
int db_script_complaint_id(struct db_conn *c, const char *reference, char id[37], char *err, size_t errlen);
/* The statements above that decode into records, for tests/db/statements.c. */
struct db_statement;
const struct db_statement *db_script_statements(int *n);
/* The four parts of db_script_for_complaint(), each with its record. */
const struct db_statement *db_script_fit_statements(int *n);
/* Every complaint_category code, NULL-terminated (free each and the array
 * with script_strv_free), or NULL with err set. */
char **db_script_categories(struct db_conn *c, char *err, size_t errlen);
void script_strv_free(char **v);

#endif
