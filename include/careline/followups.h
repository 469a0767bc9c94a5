/* followups.h — recording a follow-up's outcome, the one way both the follow-ups screen and the complaint screen do it. */
#ifndef CARELINE_FOLLOWUPS_H
#define CARELINE_FOLLOWUPS_H

#include <stdbool.h>

/* What is being recorded, kept by the calling screen (its state outlives
 * the dialog). */
struct scr_followup_doing {
    char id[37];
    int version;
    /* After the database answered; ctx is the screen (the request's owner,
     * so a closed screen is never called). */
    void (*done)(void *ctx, bool conflict, const char *err);
    void *ctx;
};

/* Ask whether the fix held and what was said, then record it (due or not
 * yet due). d must stay valid until done is called or the screen closes. */
void scr_followup_record(struct scr_followup_doing *d, const char *what_to_confirm);
/* The status-line message for how recording went. */
void scr_followup_report(bool conflict, const char *err);

#endif
