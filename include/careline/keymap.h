/* keymap.h — key names, and key bindings per section: (section, key, action) triples, looked up by the shell. */
#ifndef CARELINE_KEYMAP_H
#define CARELINE_KEYMAP_H

#include <stdbool.h>
#include <stddef.h>

#include "careline/actions.h"

/* A key is an int: a Unicode code point for characters (control characters
 * are 1..31 and 127), or TUI_KEY_FN + a curses KEY_* code for function and
 * cursor keys. */
#define TUI_KEY_FN 0x200000
#define TUI_KEY_IS_FN(k) ((k) >= TUI_KEY_FN)
/* Keys terminals send in several ways arrive as one value: Enter is '\r'
 * (also '\n' and the keypad's KEY_ENTER; so "C-m" and "C-j" are Enter) and
 * Backspace is 127 (also ^H and KEY_BACKSPACE; so "C-h" is Backspace). */
#define TUI_KEY_ENTER 13
#define TUI_KEY_BACKSPACE 127
/* A character that arrived inside a bracketed paste: text, never a
 * command. Text fields insert it (a one-line field turns a line break into
 * a space); the shell offers it to nothing else, so pasted text can never
 * act as keys. Line breaks arrive as '\n'. */
#define TUI_KEY_PASTE 0x40000000
#define TUI_KEY_IS_PASTE(k) (((k) & TUI_KEY_PASTE) != 0)
#define TUI_KEY_PASTE_CP(k) ((k) & ~TUI_KEY_PASTE)
/* Map a raw key (code point, or TUI_KEY_FN + curses code) to its canonical value. */
int tui_key_normalize(int key);

/* Parse a key name: "q", "?", "Space", "Enter", "Esc", "Tab", "BackTab",
 * "Backspace", "Delete", "Insert", "Up", "Down", "Left", "Right", "PgUp",
 * "PgDn", "Home", "End", "F1".."F12", "C-a".."C-z" (control), and any single
 * UTF-8 character. Multi-letter names are case-insensitive ("pgdn"); single
 * characters are not ("g" and "G" differ). Aliases: Return, Escape, Del,
 * Ins, PageUp, PageDown, S-Tab; also C-[ C-\ C-] C-^ C-_ (C-[ is Esc).
 * Returns the normalised key or -1 when the name is unknown. */
int tui_key_parse(const char *name);
/* Write the canonical name of key into buf (e.g. "C-x", "PgDn", "é");
 * keys without a name come out as "Key-N". Returns buf. */
const char *tui_key_name(int key, char *buf, size_t len);
/* True for keys that insert text into a field (printable characters). */
bool tui_key_printable(int key);

/* Sections: "global" always exists; the application registers one per
 * screen (tui_keymap_add_section) before it binds, so a binding for a
 * section nobody registered is refused. Reset drops every binding, keeps
 * the sections. */
void tui_keymap_reset(void);
void tui_keymap_add_section(const char *section);
bool tui_keymap_has_section(const char *section);

/* One binding: in `section`, `key` (as tui_key_parse returns it) does
 * `action`. TUI_ACT_NONE hides a key: in a screen's section the global
 * binding no longer applies there (the screen's key() gets it), in
 * "global" it is simply unbound. */
struct tui_binding {
    const char *section;
    int key;
    enum tui_action action;
};
/* Apply n bindings in order: a later binding of the same key in the same
 * section replaces the earlier one and keeps its place in the order (so a
 * user's file overrides the built-in defaults). All or nothing: when a
 * section is not registered or an action is out of range, nothing changes
 * and it returns -1; else 0. Reading them from careline.conf is the
 * application's (conf_keys_load). */
int tui_keymap_bind(const struct tui_binding *b, size_t n);
/* The action bound to key on screen `section` (falling back to "global"),
 * or TUI_ACT_NONE. section may be NULL: global only. */
enum tui_action tui_keymap_lookup(const char *section, int key);
/* True when key has a binding (even "none") in section or in global. */
bool tui_keymap_bound(const char *section, int key);
/* All keys bound to action in section (not global), as "k/Up"-style text
 * for the status line and help, in the order they were first bound; writes
 * "" when unbound; names that do not fit in buf are left out whole. */
const char *tui_keymap_keys_for(const char *section, enum tui_action a, char *buf, size_t len);
/* Iterate bindings of a section (exact section only, no fallback), for help
 * and docs: call fn for each (key, action) pair, in a stable order (the
 * order keys were first bound); keys bound to "none" are skipped. */
void tui_keymap_each(const char *section, void (*fn)(void *ctx, int key, enum tui_action a), void *ctx);
/* The first key that does action a on screen `section`: its own keys
 * first, then the global keys the screen does not take over; printable
 * keys are skipped when skip_printable (a text field has focus and they
 * type). Returns the key, or -1 when no key does it. */
int tui_keymap_first_key(const char *section, enum tui_action a, bool skip_printable);

#endif
