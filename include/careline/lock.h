/* lock.h — the idle lock: after a time without a key the screen hides everything and asks for the password again (checked by PostgreSQL); drafts, the screen stack and the journal carry on beneath. */
#ifndef CARELINE_LOCK_H
#define CARELINE_LOCK_H

/* Lock after idle_seconds without a key (0: never); after `attempts`
 * passwords the database refuses, the session ends (drafts kept). Counted
 * from now: call when the session starts. */
void scr_lock_setup(int idle_seconds, int attempts);
/* For the event loop: milliseconds until the lock is due, or until a
 * password check needs looking at again; -1 when nothing is due. */
int scr_lock_timeout_ms(void);
/* After every poll: lock when the time has come, take a check's answer. */
void scr_lock_tick(void);

#endif
