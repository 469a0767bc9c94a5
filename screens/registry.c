/* registry.c — what the list of screens in screens.h generates: each screen's typed open function, its title and its key-map section. */
#include "careline/screens.h"

#include <stddef.h>

#include "careline/keymap.h"
#include "careline/tui.h"

#define SCR_DEFINE(name, title, argument) \
    const char scr_##name##_title[] = title; \
    void scr_open_##name(SCR_PARAM_##argument) { tui_push(&scr_##name##_ops, SCR_PASS_##argument); }
SCR_SCREENS(SCR_DEFINE)
#undef SCR_DEFINE

void scr_key_sections(void)
{
#define SCR_SECTION(name, title, argument) tui_keymap_add_section(#name);
    SCR_SCREENS(SCR_SECTION)
#undef SCR_SECTION
}
