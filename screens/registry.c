/* registry.c — what the list of screens in screens.h generates: the key-map section of each screen. */
#include "careline/screens.h"

#include "careline/keymap.h"

void scr_key_sections(void)
{
#define SCR_SECTION(name) tui_keymap_add_section(#name);
    SCR_SCREENS(SCR_SECTION)
#undef SCR_SECTION
}
