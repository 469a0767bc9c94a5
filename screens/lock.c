/* lock.c — the idle lock: after a time without a key it covers everything and asks for the password again, which PostgreSQL checks; every lock, unlock and refused password is audited. */
#include "careline/lock.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careline/app.h"
#include "careline/audit.h"
#include "careline/keymap.h"
#include "careline/reauth.h"
#include "careline/screens.h"
#include "careline/tui.h"
#include "careline/util.h"

/* The controller: when to lock. */
static struct {
    long long idle_ms;      /* 0: never */
    int attempts;           /* refused passwords before the session ends */
    long long since;        /* the session's start: idle counts from here before the first key */
    bool locked;
} L;

/* The lock screen while it stands (one at a time). */
struct lock {
    struct tui_field pw;
    bool needs_password;    /* peer, certificate and trust logins have none */
    char user[64];
    int failures;
    struct db_reauth *check;
    char msg[400];
    enum tui_role msg_role;
    const char *ended;      /* why the session ends at the lock, for its audit entry */
};
static struct lock *shown;

void scr_lock_setup(int idle_seconds, int attempts)
{
    L.idle_ms = idle_seconds > 0 ? idle_seconds * 1000LL : 0;
    L.attempts = attempts > 0 ? attempts : 3;
    L.since = util_now_ms();
}

static long long idle_for(void)
{
    long long last = tui_last_key_ms();
    return util_now_ms() - (last > L.since ? last : L.since);
}

int scr_lock_timeout_ms(void)
{
    if (shown && shown->check)
        return 50;   /* the answer comes from a thread: look again soon */
    if (!L.idle_ms || L.locked)
        return -1;
    long long left = L.idle_ms - idle_for();
    return left <= 0 ? 0 : left > 3600000 ? 3600000 : (int)left;
}

static void audit(const char *action, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void audit(const char *action, const char *fmt, ...)
{
    char details[200];
    va_list ap;
    va_start(ap, fmt);
    util_vformat(details, sizeof details, fmt, ap);
    va_end(ap);
    db_audit_session_event(app_db(), action, details);
}

/* Wipe what was typed: the password never outlives its check. */
static void wipe(struct lock *l)
{
    if (l->pw.text)
        memset(l->pw.text, 0, l->pw.len);
    tui_field_set(&l->pw, "");
}

/* A check's answer: unlock, count a refusal (and end the session after the
 * last), or say the database could not be asked (not counted). */
static void answered(struct lock *l, enum db_reauth_result res, const char *why)
{
    db_reauth_free(l->check);
    l->check = NULL;
    if (res == DB_REAUTH_OK) {
        audit("session.unlocked", "{\"failures\": %d}", l->failures);
        L.locked = false;
        L.since = util_now_ms();
        tui_unlock();   /* l is freed */
        return;
    }
    if (res == DB_REAUTH_UNREACHABLE) {
        util_format(l->msg, sizeof l->msg, "The database could not be asked (%s): try again in a moment.", why);
        l->msg_role = TUI_ROLE_WARN;
        return;
    }
    l->failures++;
    audit("session.unlock_failed", "{\"attempt\": %d, \"of\": %d}", l->failures, L.attempts);
    if (l->failures >= L.attempts) {
        util_format(l->msg, sizeof l->msg, "Refused %d times: the session ends now. Unsent complaints stay on this "
                    "terminal and are offered at the next start.", l->failures);
        l->ended = "wrong passwords";
        tui_quit();
    } else {
        util_format(l->msg, sizeof l->msg, "The database refused it (%s). Attempt %d of %d.", why, l->failures,
                    L.attempts);
    }
    l->msg_role = TUI_ROLE_ERROR;
}

void scr_lock_tick(void)
{
    if (shown && shown->check) {
        char why[300];
        enum db_reauth_result res = db_reauth_poll(shown->check, why, sizeof why);
        if (res != DB_REAUTH_PENDING) {
            answered(shown, res, why);
            tui_invalidate();
        }
        return;
    }
    if (!L.idle_ms || L.locked || idle_for() < L.idle_ms)
        return;
    L.locked = true;
    audit("session.locked", "{\"idle_seconds\": %lld}", L.idle_ms / 1000);
    tui_lock(&scr_lock_ops, NULL);
}

static void *lock_open(void *arg)
{
    (void)arg;
    struct lock *l = util_calloc(1, sizeof *l);
    tui_field_init(&l->pw, 256);
    l->pw.secret = true;
    l->needs_password = db_reauth_needs_password(app_db());
    util_format(l->user, sizeof l->user, "%s", db_reauth_user(app_db()));
    shown = l;
    return l;
}

/* Closed by an unlock, or by the session ending while locked (C-c, too many
 * refusals, the terminal gone): the end is audited and sent before exit. */
static void lock_close(void *st)
{
    struct lock *l = st;
    if (L.locked) {
        audit("session.lock_ended", "{\"reason\": \"%s\", \"failures\": %d}", l->ended ? l->ended : "quit",
              l->failures);
        db_wait(app_db(), 2000);
    }
    db_reauth_free(l->check);
    wipe(l);
    tui_field_free(&l->pw);
    shown = NULL;
    free(l);
}

static void lock_draw(void *st, struct tui_rect b)
{
    struct lock *l = st;
    struct util_buf t = {0};
    long long s = L.idle_ms / 1000;
    util_buf_printf(&t, "This terminal is locked: nobody pressed a key for %lld %s, so what was on the screen is "
                        "hidden. Everything typed is kept.",
                    s >= 60 ? s / 60 : s, s >= 120 ? "minutes" : s >= 60 ? "minute" : s == 1 ? "second" : "seconds");
    int y = b.y + (b.h > 14 ? 2 : 0);
    y += tui_put_wrapped((struct tui_rect){y, b.x + 2, 3, b.w - 4}, TUI_ROLE_NORMAL, t.data, 0, false) + 1;
    util_buf_clear(&t);
    util_buf_printf(&t, "Logged in as %s.", *l->user ? l->user : "(not connected)");
    tui_put(y++, b.x + 2, b.w - 4, TUI_ROLE_LABEL, t.data);
    if (l->needs_password) {
        int x = b.x + 2 + tui_put(y, b.x + 2, b.w - 4, TUI_ROLE_LABEL, "Password: ");
        tui_field_draw(&l->pw, y, x, b.x + b.w - x - 2 > 30 ? 30 : b.x + b.w - x - 2, !l->check);
    }
    y += 2;
    const char *msg = l->check ? "Checking with the database..." : l->msg;
    if (*msg)
        y += tui_put_wrapped((struct tui_rect){y, b.x + 2, 3, b.w - 4}, l->check ? TUI_ROLE_DIM : l->msg_role, msg,
                             0, false) + 1;
    util_buf_clear(&t);
    char enter[24];
    tui_keymap_keys_for("lock", TUI_ACT_UNLOCK, enter, sizeof enter);
    if (l->needs_password)
        util_buf_printf(&t, "Type your password and press %s: the database checks it. ", enter);
    else
        util_buf_printf(&t, "This login has no password (the database knows it by the operating system or a "
                            "certificate): %s asks the database to check the login again. ", enter);
    char quit[32];
    util_buf_printf(&t, "After %d refusals the session ends; unsent complaints stay on this terminal. %s ends it now.",
                    L.attempts, tui_key_hint("lock", TUI_ACT_QUIT, quit, sizeof quit));
    tui_put_wrapped((struct tui_rect){y, b.x + 2, b.y + b.h - y, b.w - 4}, TUI_ROLE_HINT, t.data, 0, false);
    util_buf_free(&t);
}

static enum scr_result lock_action(void *st, enum tui_action a)
{
    struct lock *l = st;
    if (a != TUI_ACT_UNLOCK && a != TUI_ACT_OPEN) {
        /* Nothing else reaches the screens below, the global keys neither. */
        char unlock[32];
        tui_key_hint("lock", TUI_ACT_UNLOCK, unlock, sizeof unlock);
        if (l->needs_password)
            util_format(l->msg, sizeof l->msg, "Locked: type your password and press %s.", unlock);
        else
            util_format(l->msg, sizeof l->msg, "Locked: press %s to check the login.", unlock);
        l->msg_role = TUI_ROLE_WARN;
        return SCR_REDRAW;
    }
    if (l->check || l->ended)
        return SCR_HANDLED;
    if (l->needs_password && l->pw.len == 0) {
        util_format(l->msg, sizeof l->msg, "Type your password first.");
        l->msg_role = TUI_ROLE_WARN;
        return SCR_REDRAW;
    }
    l->check = db_reauth_start(app_db(), l->needs_password ? l->pw.text : NULL);
    wipe(l);
    l->msg[0] = '\0';
    return SCR_REDRAW;
}

static enum scr_result lock_key(void *st, int key)
{
    struct lock *l = st;
    if (!l->needs_password || l->check)
        return SCR_UNHANDLED;
    return tui_field_key(&l->pw, key, NULL) ? SCR_REDRAW : SCR_UNHANDLED;
}

static bool lock_wants_text(void *st)
{
    const struct lock *l = st;
    return l->needs_password && !l->check;
}

static const enum tui_action *lock_status(void *st)
{
    (void)st;
    static const enum tui_action keys[] = {TUI_ACT_UNLOCK, TUI_ACT_QUIT, TUI_ACT_NONE};
    return keys;
}

const struct screen_ops scr_lock_ops = {
    SCR_HEAD(lock),
    .open = lock_open,
    .close = lock_close,
    .draw = lock_draw,
    .action = lock_action,
    .key = lock_key,
    .wants_text = lock_wants_text,
    .status_keys = lock_status,
};
