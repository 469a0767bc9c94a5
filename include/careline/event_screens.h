/* event_screens.h — what the critical-event screens pass each other, and the notice every terminal shows when an event changes. */
#ifndef CARELINE_EVENT_SCREENS_H
#define CARELINE_EVENT_SCREENS_H

#include "careline/event.h"

/* The declare, update and close form: event_id NULL for a declare. The
 * strings are copied when the form opens. */
struct scr_eventform_arg {
    enum db_event_op op;
    const char *event_id;
};

/* Called once a session is connected: from then on every declare, update
 * and close anywhere is told in this terminal's status line within a
 * second ("Event updated 14:05: ..."), whatever screen is open, and the
 * status line keeps a short note of the active events. */
void scr_event_notice_start(void);

#endif
