/* actions.h — the one list of user actions: key maps, the help overlay and docs/keys.md come from it. */
#ifndef CARELINE_ACTIONS_H
#define CARELINE_ACTIONS_H

/* X(ID, "config-name", "status-line label", "help text") — add new actions here, nowhere else. */
#define TUI_ACTIONS(X) \
    X(NONE, "none", "", "Do nothing (unbinds a key)") \
    X(QUIT, "quit", "quit", "Quit Careline") \
    X(HELP, "help", "help", "Show every key of this screen") \
    X(BACK, "back", "back", "Close this screen and go back") \
    X(REFRESH, "refresh", "redraw", "Redraw the whole screen") \
    X(UP, "move-up", "up", "Move up one row") \
    X(DOWN, "move-down", "down", "Move down one row") \
    X(PAGE_UP, "page-up", "page up", "Move up one page") \
    X(PAGE_DOWN, "page-down", "page down", "Move down one page") \
    X(FIRST, "first", "first", "Go to the first row") \
    X(LAST, "last", "last", "Go to the last row") \
    X(OPEN, "open", "open", "Open the selected row") \
    X(FOCUS_INPUT, "focus-input", "search", "Go to the input field") \
    X(FOCUS_LIST, "focus-list", "results", "Go to the results and back") \
    X(NEXT_FIELD, "next-field", "next", "Go to the next field") \
    X(PREV_FIELD, "prev-field", "previous", "Go to the previous field") \
    X(CLEAR, "clear", "clear", "Clear the input field") \
    X(SUBMIT, "submit", "save", "Save / submit") \
    X(CANCEL, "cancel", "cancel", "Cancel") \
    X(NEXT_PANEL, "next-panel", "next panel", "Show the next panel") \
    X(PREV_PANEL, "prev-panel", "prev panel", "Show the previous panel") \
    X(PANEL_1, "panel-1", "panel 1", "Show panel 1") \
    X(PANEL_2, "panel-2", "panel 2", "Show panel 2") \
    X(PANEL_3, "panel-3", "panel 3", "Show panel 3") \
    X(PANEL_4, "panel-4", "panel 4", "Show panel 4") \
    X(PANEL_5, "panel-5", "panel 5", "Show panel 5") \
    X(PANEL_6, "panel-6", "panel 6", "Show panel 6") \
    X(LOG_CONTACT, "log-contact", "log contact", "Record this contact: channel, wrap-up code, summary") \
    X(HIGH_BILL, "high-bill", "high bill", "Show the bill that explains a high-bill call") \
    X(RELOAD, "reload", "reload", "Fetch everything on this screen again") \
    X(NEW_COMPLAINT, "new-complaint", "complaint", "Take a complaint from this customer") \
    X(ATTACH, "attach", "add to open", "Add this call to the customer's open complaint instead") \
    X(DISCARD, "discard", "discard", "Throw the selected draft away") \
    X(ACKNOWLEDGE, "acknowledge", "acknowledge", "Acknowledge the complaint") \
    X(INVESTIGATE, "investigate", "investigate", "Start (or go back to) investigating") \
    X(WAIT_CUSTOMER, "wait-customer", "wait", "Wait on the customer (the clock pauses); asks the reason") \
    X(RESOLVE, "resolve", "resolve", "Resolve: asks the root cause and what was done") \
    X(CLOSE_COMPLAINT, "close", "close", "Close a resolved complaint") \
    X(REOPEN, "reopen", "reopen", "Reopen a resolved or closed complaint") \
    X(NOTE, "note", "note", "Add a note to the complaint's history") \
    X(MERGE, "merge", "merge", "Merge this complaint into another (by reference)") \
    X(CREDIT, "credit", "credit", "Offer a goodwill credit (above your authority it goes for approval)") \
    X(FOLLOW_UP, "follow-up", "follow-up", "Book a follow-up to confirm the fix held") \
    X(APPROVALS, "approvals", "approvals", "Credits waiting for a supervisor's decision") \
    X(FOLLOW_UPS, "follow-ups", "follow-ups", "Follow-ups due today, overdue and upcoming") \
    X(QUEUE, "queue", "queue", "The team queue: your teams' open complaints") \
    X(MY_WORK, "my-work", "my work", "My work: the open complaints assigned to you") \
    X(TAKE, "take", "take", "Take the selected complaint: it becomes yours") \
    X(ASSIGN, "assign", "assign", "Assign the complaint to an agent or a team") \
    X(ESCALATE, "escalate", "escalate", "Escalate: severity one step up, with a reason") \
    X(FILTER, "filter", "filter", "Filter: team, agent, category, status, channel, event") \
    X(CLEAR_FILTERS, "clear-filters", "no filters", "Remove every filter") \
    X(DUPLICATES, "duplicates", "duplicates", "Duplicate customers: compare and merge them") \
    X(MERGE_CUSTOMERS, "merge-customers", "merge", "Merge the two records into the one kept") \
    X(SWAP, "swap", "swap", "Swap which of the two records is kept") \
    X(NOT_DUPLICATE, "not-duplicate", "not the same", "Different people: leave the pair out of the list") \
    X(RECENT_MERGES, "recent-merges", "recent merges", "Merges of the last day, to undo one") \
    X(UNDO, "undo", "undo", "Undo the selected merge (within a day of it)") \
    X(APPROVE, "approve", "approve", "Approve the selected credit") \
    X(REJECT, "reject", "reject", "Reject the selected credit (with a reason)") \
    X(COMPLETE, "complete", "done", "Record the follow-up's outcome") \
    X(TOGGLE_ALL, "toggle-all", "mine/all", "Show mine only, or everyone's") \
    X(RUN_SCRIPT, "run-script", "script", "Walk through the recovery script for this complaint") \
    X(STEP_BACK, "step-back", "back a step", "Go back to the previous step (its answer is kept until changed)") \
    X(SKIP, "skip", "skip", "Skip this step, with a reason") \
    X(END_SCRIPT, "end-script", "end", "End the script now, with what happened") \
    X(READ_OUT, "read-out", "read out", "Show the critical event's whole read-out message (scrolls)") \
    X(DESCRIPTION, "description", "description", "Read the complaint's whole description (scrolls)") \
    X(RETRY, "apply-again", "apply again", "Apply the refused change again, to the complaint as it is now") \
    X(UPCOMING, "upcoming", "upcoming/due", "Show the follow-ups not yet due (record one early), or those due") \
    X(CALL_LIST, "call-list", "calls", "The call list: customers to phone about an event") \
    X(RECORD_CALL, "record-call", "record call", "Record the call: reached, no answer or message left") \
    X(EVENTS, "events", "events", "Critical events: the active ones first; open or declare") \
    X(DECLARE, "declare", "declare", "Declare a critical event (supervisors)") \
    X(UPDATE_EVENT, "update-event", "update", "Update the event: estimate, message, area added") \
    X(CLOSE_EVENT, "close-event", "close", "Close the event: supply back, payments settled") \
    X(NOTE_ALL, "note-all", "note all", "Add one note to every open complaint about it") \
    X(RESOLVE_ALL, "resolve-all", "resolve all", "Resolve every open complaint about the event") \
    X(AUDIT, "audit", "audit", "Audit log: who opened and changed what (supervisors)") \
    X(WHO_HAS_SEEN, "who-has-seen", "who has seen", "Who has seen this customer, and when (supervisors)") \
    X(STAFF_AUDIT, "staff-audit", "their entries", "What this entry's staff member opened and changed") \
    X(PICK_STAFF, "pick-staff", "staff", "Pick a staff member by name and see their entries") \
    X(PERIOD_TODAY, "period-today", "today", "Show today's entries") \
    X(PERIOD_WEEK, "period-week", "7 days", "Show the last 7 days") \
    X(PERIOD_MONTH, "period-month", "30 days", "Show the last 30 days") \
    X(VULN_ONLY, "vulnerability-only", "vulnerability", "Only vulnerability-detail reads, or everything again") \
    X(UNLOCK, "unlock", "unlock", "Unlock the idle screen: the database checks the password") \
    X(DASHBOARD, "dashboard", "dashboard", "The floor's figures, live, and what each one counts") \
    X(FIG_TODAY, "today", "today", "Figures for today") \
    X(FIG_WEEK, "week", "week", "Figures for this week (Monday to Sunday)") \
    X(FIG_MONTH, "month", "month", "Figures for this month") \
    X(PERIOD_RANGE, "range", "days", "Figures for the days you choose") \
    X(EARLIER, "earlier", "earlier", "The period before this one") \
    X(LATER, "later", "later", "The period after this one") \
    X(TEAM_FILTER, "team", "team", "Figures of one team, or of every team") \
    X(NEXT_SECTION, "next-section", "next group", "Jump to the next group of figures") \
    X(PREV_SECTION, "prev-section", "prev group", "Jump to the previous group of figures") \
    X(IMPROVE, "improve", "actions", "Changes made because of this root cause (record one)") \
    X(ADD, "add", "add", "Record a new one") \
    X(EDIT, "edit", "edit", "Change the selected one") \
    X(WITHDRAW, "withdraw", "withdraw", "Take it out of the published record") \
    X(UNMATCHED, "unmatched", "311 unmatched", "311 requests waiting for a premise: find and link them") \
    X(LINK, "link", "link", "Link the request to the premise: its complaint opens") \
    X(SET_ASIDE, "set-aside", "set aside", "Set the request aside (no premise of ours), saying why") \
    X(REQUEST_DETAILS, "request-details", "details", "Read all the city sent about the request (scrolls)")

enum tui_action {
#define TUI_ACTION_ENUM(id, name, label, help) TUI_ACT_##id,
    TUI_ACTIONS(TUI_ACTION_ENUM)
#undef TUI_ACTION_ENUM
    TUI_ACT__COUNT
};

const char *tui_action_name(enum tui_action a);   /* "move-up" */
const char *tui_action_help(enum tui_action a);   /* "Move up one row" */
const char *tui_action_label(enum tui_action a);  /* "up": a word for the status line */
/* Returns the action for a config name, or -1 when unknown. */
int tui_action_lookup(const char *name);

#endif
