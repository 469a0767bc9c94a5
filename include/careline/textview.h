/* textview.h — a read-only, scrollable page of text (a contact's full text, a complaint). */
#ifndef CARELINE_TEXTVIEW_H
#define CARELINE_TEXTVIEW_H

/* Push a text page; both strings are copied. The text is untrusted: it is
 * sanitised line by line and word-wrapped to the screen's width. */
void scr_textview_push(const char *title, const char *text);

#endif
