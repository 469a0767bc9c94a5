/* login.c — asks for the database password when the server wants one and none was supplied (.pgpass, PGPASSWORD). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careline/app.h"
#include "careline/screens.h"
#include "careline/tui.h"
#include "careline/util.h"

struct login {
    struct tui_field password;
    char who[256];      /* user@host, what libpq will connect as */
    char error[512];
    int tries;
};

static void *login_open(void *arg)
{
    const char *who = arg;
    struct login *l = util_calloc(1, sizeof *l);
    tui_field_init(&l->password, 256);
    l->password.secret = true;
    util_format(l->who, sizeof l->who, "%s", who ? who : "the database");
    return l;
}

static void login_close(void *st)
{
    struct login *l = st;
    /* Leave no copy of the password in freed memory. */
    if (l->password.text)
        memset(l->password.text, 0, l->password.len);
    tui_field_free(&l->password);
    free(l);
}

static void login_draw(void *st, struct tui_rect b)
{
    struct login *l = st;
    int y = b.y + (b.h > 10 ? 2 : 0);
    char line[400];
    util_format(line, sizeof line, "Careline needs your database password to connect as %s.", l->who);
    tui_put(y++, b.x + 2, b.w - 3, TUI_ROLE_NORMAL, line);
    y++;
    int x = b.x + 2 + tui_put(y, b.x + 2, b.w - 3, TUI_ROLE_LABEL, "Password: ");
    tui_field_draw(&l->password, y, x, b.x + b.w - x - 1 > 30 ? 30 : b.x + b.w - x - 1, true);
    y++;
    if (l->error[0])
        tui_put(y++, x, b.x + b.w - x - 1, TUI_ROLE_ERROR, l->error);
    y++;
    char ok[32], cancel[32], quit[32];
    util_format(line, sizeof line, "What you type is not shown. %s connects; %s or %s quits.",
                tui_key_hint("login", TUI_ACT_SUBMIT, ok, sizeof ok),
                tui_key_hint("login", TUI_ACT_CANCEL, cancel, sizeof cancel),
                tui_key_hint("login", TUI_ACT_QUIT, quit, sizeof quit));
    tui_put(y++, b.x + 2, b.w - 3, TUI_ROLE_HINT, line);
    tui_put(y, b.x + 2, b.w - 3, TUI_ROLE_HINT, "To skip this step, keep the password in ~/.pgpass.");
}

static enum scr_result login_action(void *st, enum tui_action a)
{
    struct login *l = st;
    switch (a) {
    case TUI_ACT_SUBMIT:
    case TUI_ACT_OPEN:
        if (l->password.len == 0) {
            util_format(l->error, sizeof l->error, "Type your password first.");
            return SCR_REDRAW;
        }
        /* Connecting waits at most connect_timeout seconds: there is
         * nothing else on screen to keep alive while logging in. */
        if (db_connect(app_db(), l->password.text) == 0) {
            tui_pop();   /* l is gone */
            app_session_start();
            scr_open_search();
            scr_open_drafts();
            return SCR_REDRAW;
        }
        l->tries++;
        /* libpq's first line says why (wrong password, locked role...);
         * the reason follows "failed: " after where it tried. */
        const char *why = db_error(app_db());
        const char *after = strstr(why, "failed: ");
        if (after && after < why + strcspn(why, "\n"))
            why = after + 8;
        util_format(l->error, sizeof l->error, "%.*s", (int)strcspn(why, "\n"), why);
        memset(l->password.text, 0, l->password.len);
        tui_field_set(&l->password, "");
        return SCR_REDRAW;
    case TUI_ACT_BACK:
    case TUI_ACT_CANCEL:
        return SCR_QUIT;
    default:
        return SCR_UNHANDLED;
    }
}

static enum scr_result login_key(void *st, int key)
{
    struct login *l = st;
    bool changed = false;
    if (!tui_field_key(&l->password, key, &changed))
        return SCR_UNHANDLED;
    if (changed)
        l->error[0] = '\0';
    return SCR_REDRAW;
}

static bool login_wants_text(void *st)
{
    (void)st;
    return true;
}

static const enum tui_action *login_status(void *st)
{
    (void)st;
    static const enum tui_action keys[] = {TUI_ACT_SUBMIT, TUI_ACT_QUIT, TUI_ACT_NONE};
    return keys;
}

const struct screen_ops scr_login_ops = {
    SCR_HEAD(login),
    .open = login_open,
    .close = login_close,
    .draw = login_draw,
    .action = login_action,
    .key = login_key,
    .wants_text = login_wants_text,
    .status_keys = login_status,
};
