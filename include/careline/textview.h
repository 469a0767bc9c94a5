/* textview.h — a read-only, scrollable page of text (a contact's full text, a complaint). */
#ifndef CARELINE_TEXTVIEW_H
#define CARELINE_TEXTVIEW_H

/* What scr_open_textview() takes; both strings are copied. */
struct textview_arg {
    const char *title, *text;
};

/* Push a text page (scr_open_textview with these two); both strings are copied. The text is untrusted: it is
 * sanitised line by line and word-wrapped to the screen's width. */
void scr_textview_push(const char *title, const char *text);

#endif
