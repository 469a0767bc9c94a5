/* text.h — UTF-8 decoding, display width, truncation and sanitising of untrusted text for drawing. */
#ifndef CARELINE_TEXT_H
#define CARELINE_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Decode one UTF-8 sequence from s (n bytes available, n >= 1). Returns the
 * bytes consumed (>= 1). Invalid or truncated sequences, overlongs and
 * surrogates consume one byte and yield U+FFFD. */
int tui_utf8_decode(const char *s, size_t n, uint32_t *cp);
/* Encode cp into out (at least 4 bytes); returns the length. */
int tui_utf8_encode(uint32_t cp, char *out);
/* True when s is entirely valid UTF-8. */
bool tui_utf8_valid(const char *s, size_t n);

/* Display columns of one code point, independent of the locale:
 * 0 for combining marks and zero-width characters, 2 for East Asian wide
 * and fullwidth characters and most emoji, -1 for control characters, else 1. */
int tui_cp_width(uint32_t cp);

/* Display width of already-sanitised UTF-8 text. */
int tui_text_width(const char *s);

/* Make untrusted text (from the database, user input) safe to draw.
 * Returns a new heap string (caller frees) in which:
 *  - ESC and a following CSI/OSC/DCS/other escape sequence becomes "^[" once
 *    (the rest of the sequence is kept as visible plain text),
 *  - TAB, CR and LF become a single space; every other C0 control and DEL
 *    becomes caret notation ("^A", "^?"); C1 controls (U+0080..U+009F)
 *    become "?",
 *  - invalid UTF-8 bytes become U+FFFD,
 *  - when `ascii` is true every non-ASCII character becomes '?' (a wide one
 *    becomes "??" so columns still line up) and combining marks vanish.
 * The result never contains a byte < 0x20 or 0x7f. */
char *tui_text_sanitize(const char *s, bool ascii);

/* Fit sanitised text into `width` columns: when it is wider, cut at a
 * character boundary (never splitting a wide character or separating a base
 * from its combining marks) and end with a marker ("…" or "~" when ascii) so
 * the result is at most `width` columns. Returns a new heap string; stores
 * its display width in *outw when outw is not NULL. width <= 0 gives "". */
char *tui_text_fit(const char *s, int width, bool ascii, int *outw);

/* Word-wrap sanitised one-line text into lines of at most width columns
 * (breaking at spaces, cutting words longer than a line). Returns the
 * number of lines (at least 1) and a heap array of heap strings in *out;
 * free each and the array. */
int tui_text_wrap(const char *s, int width, char ***out);

/* Stored words as people read them: every '_' in s becomes a space
 * (waiting_customer, walk_in). Changes s in place and returns it. */
char *tui_text_words(char *s);

#endif
