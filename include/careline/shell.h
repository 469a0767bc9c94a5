/* shell.h — between the files of the toolkit's shell (tui/): terminal, stack and dispatch, status line, help screen, scripted mode. Screens and the application never include it. */
#ifndef CARELINE_SHELL_H
#define CARELINE_SHELL_H

#include <poll.h>
#include <stdbool.h>
#include <stdio.h>

#include "careline/screen.h"
#include "careline/tui.h"

/* ---- term.c: the terminal (or the in-memory screen of scripted mode) ---- */

__attribute__((format(printf, 1, 2))) void tui_term_error(const char *fmt, ...);
bool tui_term_active(void);
bool tui_term_scripted(void);
FILE *tui_term_script(void);              /* scripted mode: the key script */
const char *tui_term_script_path(void);
int tui_term_fd(void);                    /* the terminal's input; -1 in scripted mode */
int tui_term_wake_fd(void);               /* readable when a signal arrived */
void tui_term_drain_wake(void);
int tui_term_stop_signal(void);           /* the signal that asks to stop, 0 if none */
void tui_term_set_stop(int sig);
void tui_term_check_resize(void);         /* after SIGWINCH: take the terminal's new size */
void tui_term_resize(int rows, int cols); /* curses resized, the next paint repaints all */
/* Read what the terminal has sent into the decoder; false when it has gone away. */
bool tui_term_read(void);
/* The next key, normalised (pasted characters keep TUI_KEY_PASTE); -1 when none is waiting. */
int tui_term_next_key(void);
/* Milliseconds until a held Esc or half a sequence is decided, -1 if none. */
int tui_term_input_timeout(void);
/* Send the frame drawn into stdscr to the terminal, the cursor shown at
 * (y, x) when cursor is true; counts the bytes and writes the trace. */
void tui_term_update(bool cursor, int y, int x);
void tui_term_trace_key(int key);
/* Give the terminal back: curses ended, signals and streams restored. */
void tui_term_close(void);

/* ---- shell.c: the stack of screens and key dispatch ---------------------- */

struct tui_entry {
    const struct screen_ops *ops;
    void *st;
};
/* The screen that owns the title and status lines: the top one that is not
 * an overlay; NULL when the stack is empty. */
const struct tui_entry *tui_shell_base(void);
void tui_shell_key(int key);       /* one key, as the user typed it */
void tui_shell_paint(void);        /* draw and send the frame when something changed */
bool tui_shell_running(void);      /* no quit asked, a screen open, no stop signal */
void tui_shell_quit(void);
void tui_shell_dirty(void);        /* repaint everything at the next paint */
/* The database hooks' descriptors (count clamped to max), and the hooks. */
int tui_shell_hook_fds(struct pollfd *fds, int max);
const struct tui_loop_hooks *tui_shell_hooks(void);
/* Take what tui_invalidate() marked (from database callbacks) as a redraw. */
void tui_shell_settle(void);

/* ---- status.c: title and status lines, messages --------------------------- */

void tui_status_draw_title(int cols);
void tui_status_draw(int row, int cols);
/* Drop the message (the next key was typed); true when there was one. */
bool tui_status_clear_message(void);
void tui_status_free(void);
/* A key as people read it: arrows as arrow glyphs (not in ASCII mode). */
const char *tui_key_show(int key, char *buf, size_t len);

/* ---- help.c: the help screen (an overlay) ----------------------------------- */

extern const struct screen_ops tui_help_ops;
/* Open help for the screen `below` (its keys, then the global ones, then
 * its note). */
void tui_help_open(const struct screen_ops *below);

/* ---- script.c: scripted mode ------------------------------------------------ */

/* Run the key script to its end; tui_run's result. */
int tui_script_run(void);

/* ---- draw.c ----------------------------------------------------------------- */

/* After the terminal is set up (or torn down, active false): pick ASCII or
 * UTF-8 drawing, and the colour or monochrome theme. */
void tui_draw_setup(bool active, bool ascii, bool color);
/* The cursor position a draw asked for with tui_set_cursor; clears it. */
bool tui_draw_take_cursor(int *y, int *x);

#endif
