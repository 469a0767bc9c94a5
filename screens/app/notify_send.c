/* notify_send.c — one message out: e-mail through sendmail(8) of whichever MTA is installed, SMS through the gateway's HTTP interface (Kannel sendsms) with libcurl. */
#include "careline/notify_send.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "careline/util.h"

struct notify_sender {
    const struct conf_notify *cfg;
    char from_addr[256];
    CURL *curl;               /* kept: one connection to the gateway for many messages */
};

struct notify_sender *notify_send_new(const struct conf_notify *cfg, char *err, size_t len)
{
    struct notify_sender *s = util_calloc(1, sizeof *s);
    s->cfg = cfg;
    if (!notify_text_from_addr(cfg->mail_from, s->from_addr, sizeof s->from_addr)) {
        util_format(err, len, "notify.mail_from: \"%s\" is not a mail address (e.g. \"Careline <care@water.example>\")",
                    cfg->mail_from);
        free(s);
        return NULL;
    }
    if (cfg->sendmail[0] != '/' || access(cfg->sendmail, X_OK) != 0) {
        util_format(err, len, "notify.sendmail: \"%s\" is not an executable program given by its full path",
                    cfg->sendmail);
        free(s);
        return NULL;
    }
    if (cfg->sms_url[0] && strncmp(cfg->sms_url, "http://", 7) != 0 && strncmp(cfg->sms_url, "https://", 8) != 0) {
        util_format(err, len, "notify.sms_url: \"%s\" must start with http:// or https://", cfg->sms_url);
        free(s);
        return NULL;
    }
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0 || !(s->curl = curl_easy_init())) {
        util_format(err, len, "notify: the HTTP client (libcurl) could not start");
        free(s);
        return NULL;
    }
    return s;
}

void notify_send_free(struct notify_sender *s)
{
    if (!s)
        return;
    curl_easy_cleanup(s->curl);
    curl_global_cleanup();
    free(s);
}

/* ---- e-mail --------------------------------------------------------------- */

/* Write all of buf to fd, giving up at the deadline. */
static int write_all(int fd, const char *buf, size_t n, long long deadline)
{
    while (n) {
        struct pollfd p = {.fd = fd, .events = POLLOUT};
        long long left = deadline - util_now_ms();
        if (left <= 0 || poll(&p, 1, (int)left) <= 0)
            return -1;
        ssize_t w = write(fd, buf, n);
        if (w < 0 && errno != EINTR && errno != EAGAIN)
            return -1;
        if (w > 0) {
            buf += w;
            n -= (size_t)w;
        }
    }
    return 0;
}

/* What the MTA printed, kept short, until it closes its output or the deadline. */
static void read_some(int fd, char *out, size_t len, long long deadline)
{
    size_t used = 0;
    out[0] = '\0';
    for (;;) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        long long left = deadline - util_now_ms();
        if (left <= 0 || poll(&p, 1, (int)left) <= 0)
            return;
        char buf[512];
        ssize_t r = read(fd, buf, sizeof buf);
        if (r <= 0)
            return;
        for (ssize_t i = 0; i < r && used + 1 < len; i++) {
            out[used] = buf[i];
            if (buf[i] == '\n' || buf[i] == '\r')
                out[used] = ' ';   /* what the program said, on one line */
            used++;
        }
        out[used] = '\0';
    }
}

/* The exit status, or -1 after killing it at the deadline. */
static int reap(pid_t pid, long long deadline)
{
    int st;
    for (;;) {
        pid_t r = waitpid(pid, &st, WNOHANG);
        if (r == pid)
            return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
        if (r < 0 && errno != EINTR)
            return -1;
        if (util_now_ms() >= deadline) {
            kill(pid, SIGKILL);
            waitpid(pid, &st, 0);
            return -1;
        }
        struct timespec ts = {0, 5L * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
}

static pid_t spawn_sendmail(const struct notify_sender *s, const char *to, int *in, int *out)
{
    int pin[2], pout[2];
    if (pipe(pin) < 0)
        return -1;
    if (pipe(pout) < 0) {
        close(pin[0]);
        close(pin[1]);
        return -1;
    }
    pid_t pid = fork();
    if (pid == 0) {
        /* Its own process group: a Ctrl-C meant for the worker does not
         * cut a hand-off short. */
        setpgid(0, 0);
        dup2(pin[0], STDIN_FILENO);
        dup2(pout[1], STDOUT_FILENO);
        dup2(pout[1], STDERR_FILENO);
        close(pin[0]);
        close(pin[1]);
        close(pout[0]);
        close(pout[1]);
        /* -i: a line of one dot is text; -f: the envelope sender; the
         * recipient after "--", already checked, so never an option. */
        execl(s->cfg->sendmail, "sendmail", "-i", "-f", s->from_addr, "--", to, (char *)NULL);
        _exit(127);
    }
    close(pin[0]);
    close(pout[1]);
    if (pid < 0) {
        close(pin[1]);
        close(pout[0]);
        return -1;
    }
    *in = pin[1];
    *out = pout[0];
    fcntl(*in, F_SETFL, O_NONBLOCK);
    return pid;
}

static enum notify_outcome send_mail(struct notify_sender *s, const struct db_notify_msg *m, char *detail,
                                     size_t len)
{
    if (!notify_text_addr_ok(m->address)) {
        util_format(detail, len, "not a mail address that can be used: %s", m->address);
        return NOTIFY_FAILED;
    }
    struct util_buf mail = {0};
    struct notify_mail nm = {.from = s->cfg->mail_from, .to = m->address, .subject = m->subject, .body = m->body,
                             .message_id = m->id, .date = time(NULL)};
    notify_text_mail(&mail, &nm);
    int in, out;
    pid_t pid = spawn_sendmail(s, m->address, &in, &out);
    if (pid < 0) {
        util_format(detail, len, "could not start %s: %s", s->cfg->sendmail, strerror(errno));
        util_buf_free(&mail);
        return NOTIFY_RETRY;
    }
    long long deadline = util_now_ms() + 1000LL * s->cfg->timeout_seconds;
    int wrote = write_all(in, mail.data, mail.len, deadline);
    close(in);
    util_buf_free(&mail);
    char said[400];
    read_some(out, said, sizeof said, deadline);
    close(out);
    int status = reap(pid, deadline);
    enum notify_outcome o = status < 0 ? NOTIFY_RETRY : notify_text_sendmail_outcome(status);
    if (wrote < 0 && o == NOTIFY_SENT)
        o = NOTIFY_RETRY;   /* it did not read the whole message */
    if (status < 0)
        util_format(detail, len, "sendmail did not finish within %d s", s->cfg->timeout_seconds);
    else if (status == 127)
        util_format(detail, len, "sendmail could not be run (%s)", s->cfg->sendmail);
    else
        util_format(detail, len, "sendmail exit %d%s%s", status, said[0] ? ": " : "", said);
    return o;
}

/* ---- SMS ---------------------------------------------------------------- */

static size_t collect(char *data, size_t size, size_t n, void *ctx)
{
    struct util_buf *b = ctx;
    if (b->len < 2000)
        util_buf_add(b, data, size * n);
    return size * n;
}

static void param(struct util_buf *url, CURL *curl, const char *name, const char *value)
{
    char *esc = curl_easy_escape(curl, value, 0);
    util_buf_printf(url, "&%s=%s", name, esc ? esc : "");
    curl_free(esc);
}

static enum notify_outcome send_sms(struct notify_sender *s, const struct db_notify_msg *m, char *detail, size_t len)
{
    const struct conf_notify *cfg = s->cfg;
    if (!cfg->sms_url[0]) {
        util_format(detail, len, "no SMS gateway is set up (notify.sms_url)");
        return NOTIFY_RETRY;
    }
    /* Kannel wants the number without its '+'. */
    const char *to = m->address[0] == '+' ? m->address + 1 : m->address;
    struct util_buf url = {0}, body = {0};
    util_buf_printf(&url, "%s%s", cfg->sms_url, strchr(cfg->sms_url, '?') ? "" : "?");
    param(&url, s->curl, "username", cfg->sms_username);
    param(&url, s->curl, "password", cfg->sms_password);
    param(&url, s->curl, "from", cfg->sms_from);
    param(&url, s->curl, "to", to);
    param(&url, s->curl, "text", m->body);
    /* The gateway turns UTF-8 into GSM-7, or into UCS-2 when the text
     * needs it (else those characters would be lost on the phone). */
    util_buf_printf(&url, "&charset=UTF-8&coding=%d", notify_text_sms_ucs2(m->body) ? 2 : 0);
    char curl_err[CURL_ERROR_SIZE] = "";
    curl_easy_reset(s->curl);
    curl_easy_setopt(s->curl, CURLOPT_URL, url.data);
    curl_easy_setopt(s->curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(s->curl, CURLOPT_TIMEOUT, (long)cfg->timeout_seconds);
    curl_easy_setopt(s->curl, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(s->curl, CURLOPT_WRITEDATA, &body);
    curl_easy_setopt(s->curl, CURLOPT_ERRORBUFFER, curl_err);
    curl_easy_setopt(s->curl, CURLOPT_PROTOCOLS_STR, "http,https");
    CURLcode rc = curl_easy_perform(s->curl);
    long http = 0;
    if (rc == CURLE_OK)
        curl_easy_getinfo(s->curl, CURLINFO_RESPONSE_CODE, &http);
    /* The URL holds the password: never in the detail. */
    memset(url.data, 0, url.len);
    util_buf_free(&url);
    enum notify_outcome o;
    if (rc != CURLE_OK) {
        util_format(detail, len, "SMS gateway: %s", curl_err[0] ? curl_err : curl_easy_strerror(rc));
        o = NOTIFY_RETRY;
    } else {
        const char *said = body.data ? body.data : "";
        util_format(detail, len, "SMS gateway HTTP %ld: %.*s", http, (int)strcspn(said, "\r\n"), said);
        o = notify_text_sms_outcome(http, said);
    }
    util_buf_free(&body);
    return o;
}

enum notify_outcome notify_send(struct notify_sender *s, const struct db_notify_msg *m, char *detail, size_t len)
{
    if (strcmp(m->channel, "email") == 0)
        return send_mail(s, m, detail, len);
    if (strcmp(m->channel, "sms") == 0)
        return send_sms(s, m, detail, len);
    util_format(detail, len, "no way to send on channel '%s'", m->channel);
    return NOTIFY_FAILED;
}
