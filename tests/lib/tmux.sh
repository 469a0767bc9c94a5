# tmux.sh — drive the real binary in a real terminal (tmux on a private socket) and read the screen back.
TMUX_SOCK=
TMUX_N=0
tmux_start() {   # tmux_start COLS ROWS COMMAND...: a detached session running COMMAND
    local cols=$1 rows=$2; shift 2
    # A new socket each time: a server still shutting down must not be reused.
    TMUX_N=$((TMUX_N + 1))
    TMUX_SOCK=${T:-/tmp}/tmux.$TMUX_N.sock
    tmux -S "$TMUX_SOCK" -f /dev/null new-session -d -s t -x "$cols" -y "$rows" "$@" || return 1
    tmux -S "$TMUX_SOCK" set-option -t t remain-on-exit on >/dev/null
    tmux -S "$TMUX_SOCK" set-option -g status off >/dev/null
}
tmux_keys() { tmux -S "$TMUX_SOCK" send-keys -t t "$@"; }
tmux_text() { tmux -S "$TMUX_SOCK" send-keys -t t -l "$1"; }
tmux_screen() { tmux -S "$TMUX_SOCK" capture-pane -p -t t 2>/dev/null; }
tmux_resize() { tmux -S "$TMUX_SOCK" resize-window -t t -x "$1" -y "$2"; }
tmux_pid() { tmux -S "$TMUX_SOCK" display-message -p -t t '#{pane_pid}'; }
tmux_dead_status() { tmux -S "$TMUX_SOCK" display-message -p -t t '#{pane_dead}:#{pane_dead_status}'; }
tmux_stop() { [ -n "$TMUX_SOCK" ] && tmux -S "$TMUX_SOCK" kill-server 2>/dev/null; TMUX_SOCK=; }
# wait_screen NAME REGEX [SECONDS]: a real terminal has no "idle" signal, so
# poll the screen until REGEX shows (default 10 s), then ok/not_ok.
wait_screen() {
    local name=$1 re=$2 limit=${3:-10} i
    for ((i = 0; i < limit * 20; i++)); do
        if tmux_screen | grep -qE -- "$re"; then ok "$name"; return 0; fi
        tmux -S "$TMUX_SOCK" has-session -t t 2>/dev/null || break
        sleep 0.05
    done
    not_ok "$name" "waited ${limit}s for: $re" "$(tmux_screen)"
    return 1
}
# wait_dead NAME STATUS: the program ended with exit STATUS
wait_dead() {
    local i s
    for ((i = 0; i < 200; i++)); do
        s=$(tmux_dead_status)
        case $s in 1:*) break ;; esac
        sleep 0.05
    done
    is "$1" "$s" "1:$2"
}
# wait_quit NAME: the program ended by itself, not by a signal (tmux now and
# then reports a dead pane without its exit status: that counts, a signal not).
wait_quit() {
    local i s
    for ((i = 0; i < 200; i++)); do
        s=$(tmux -S "$TMUX_SOCK" display-message -p -t t '#{pane_dead}:#{pane_dead_status}:#{pane_dead_signal}')
        case $s in 1:?*) break ;; esac
        sleep 0.05
    done
    case $s in 1:0: | 1::) ok "$1" ;; *) not_ok "$1" "pane dead:status:signal = $s" ;; esac
}
