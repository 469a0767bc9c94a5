/* input.h — decoding the bytes a terminal sends into keys: UTF-8, escape sequences of every common terminal, bracketed paste. */
#ifndef CARELINE_INPUT_H
#define CARELINE_INPUT_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Terminals disagree on what Home, End, the function keys and the rest
 * send, and TERM often names a different terminal than the one in use
 * (PuTTY says xterm, tmux says screen). So the decoder knows them all,
 * whatever TERM says: CSI ~ codes (ESC[1~ .. ESC[24~: xterm, vt220, the
 * Linux console, PuTTY, screen, tmux, rxvt's ESC[7~ ESC[8~), CSI and SS3
 * letters (ESC[H ESC[F ESCOH ESCOF, arrows in both cursor modes, with
 * modifiers as in ESC[1;5C), PuTTY/Linux ESC[[A..E, the application keypad.
 * An escape sequence is never read as Esc plus text: an unknown or
 * incomplete one is dropped whole; an Alt-modified key (ESC before the
 * sequence) is the key. A lone Esc is Esc once no further byte arrived
 * within the Esc delay; Esc then a character is Esc, then that character. Between ESC[200~ and ESC[201~ (bracketed
 * paste) every character comes out as TUI_KEY_PASTE | code point, a line
 * break as '\n' (CR LF and CR alike).
 * Keys are as in keymap.h (code points, TUI_KEY_FN + curses codes), not
 * normalised.
 */

struct tui_input;

/* esc_delay_ms: how long a lone Esc waits for the rest of a sequence. */
struct tui_input *tui_input_new(int esc_delay_ms);
void tui_input_free(struct tui_input *in);
/* Bytes read from the terminal at now_ms (a monotonic clock in ms). */
void tui_input_feed(struct tui_input *in, const void *bytes, size_t n, long long now_ms);
/* The next whole key, or -1 when none is complete yet (more bytes, or the
 * Esc delay, are needed). */
int tui_input_next(struct tui_input *in, long long now_ms);
/* Milliseconds until tui_input_next can decide about bytes held back (a
 * lone Esc, half a sequence); -1 when nothing is held. */
int tui_input_timeout(const struct tui_input *in, long long now_ms);
/* Inside a bracketed paste. */
bool tui_input_pasting(const struct tui_input *in);

#endif
