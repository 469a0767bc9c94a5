/* actions.c — names and help texts of the user actions, generated from the one list in actions.h. */
#include "careline/actions.h"

#include <string.h>

static const char *const names[] = {
#define TUI_ACTION_NAME(id, name, label, help) name,
    TUI_ACTIONS(TUI_ACTION_NAME)
#undef TUI_ACTION_NAME
};

static const char *const helps[] = {
#define TUI_ACTION_HELP(id, name, label, help) help,
    TUI_ACTIONS(TUI_ACTION_HELP)
#undef TUI_ACTION_HELP
};

static const char *const labels[] = {
#define TUI_ACTION_LABEL(id, name, label, help) label,
    TUI_ACTIONS(TUI_ACTION_LABEL)
#undef TUI_ACTION_LABEL
};

const char *tui_action_label(enum tui_action a)
{
    return (unsigned)a < TUI_ACT__COUNT ? labels[a] : "?";
}

const char *tui_action_name(enum tui_action a)
{
    return (unsigned)a < TUI_ACT__COUNT ? names[a] : "?";
}

const char *tui_action_help(enum tui_action a)
{
    return (unsigned)a < TUI_ACT__COUNT ? helps[a] : "";
}

int tui_action_lookup(const char *name)
{
    if (!name)
        return -1;
    for (int i = 0; i < TUI_ACT__COUNT; i++)
        if (strcmp(names[i], name) == 0)
            return i;
    return -1;
}
