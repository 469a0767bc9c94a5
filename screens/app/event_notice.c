/* event_notice.c — every terminal hears of a declared, updated or closed critical event in its status line, whatever screen is open. */
#include "careline/event_screens.h"

#include <stdio.h>
#include <string.h>

#include "careline/app.h"
#include "careline/keymap.h"
#include "careline/tui.h"
#include "careline/util.h"

static int token;   /* our handlers' owner for app_on_notify */

static const char *verb(const char *action)
{
    return strcmp(action, "close") == 0 ? "closed" : strcmp(action, "update") == 0 ? "updated" : "declared";
}

static void shown(void *ctx, struct db_rows *rows, const char *err)
{
    (void)ctx;
    if (err || rows->n != 1)
        return;   /* a deleted event, or a connection lost: the next change tells again */
    const struct db_event_notice *n = DB_ROW(rows, const struct db_event_notice, 0);
    const struct db_event_kind *k = db_event_kind_find(n->kind);
    char keys[32] = "", note[64];
    tui_keymap_keys_for("search", TUI_ACT_EVENTS, keys, sizeof keys);
    tui_message(TUI_ROLE_WARN, "%s %s %s: %s.%s%s", k ? k->label : n->kind, verb(n->action), n->updated_text,
                n->title, keys[0] ? " Events: " : "", keys);
    if (n->active > 0)
        util_format(note, sizeof note, "%s %d event%s %s", tui_glyph("warn"), n->active, n->active == 1 ? "" : "s",
                    n->updated_text);
    else
        util_format(note, sizeof note, "no event %s", n->updated_text);
    tui_set_status_note(note, n->active > 0 ? TUI_ROLE_WARN : TUI_ROLE_DIM);
}

/* The payload is the event's id; anything else is not ours to look up. */
static void on_event(void *ctx, const char *payload)
{
    (void)ctx;
    if (!payload || strlen(payload) != 36 || strspn(payload, "0123456789abcdef-") != 36)
        return;
    db_event_notice_load(app_db(), payload, shown, NULL);
}

void scr_event_notice_start(void)
{
    app_off_notify(&token);   /* a second login in the same process listens once */
    app_on_notify("careline_event", on_event, &token);
}
