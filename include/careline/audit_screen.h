/* audit_screen.h — what the audit screen (screens/audit.c) opens on: one customer, one staff member, or everyone; and the staff picker (screens/auditstaff.c) that leads to it. */
#ifndef CARELINE_AUDIT_SCREEN_H
#define CARELINE_AUDIT_SCREEN_H

/* Copied by the screen. Neither customer_id nor login: everyone's entries. */
struct scr_audit_arg {
    long long customer_id;      /* "who has seen this customer" */
    const char *customer;       /* the customer's name, for the heading */
    const char *account_no;
    const char *login;          /* "what this staff member opened and changed" */
    const char *staff_name;     /* "" or NULL when not known */
};

#endif
