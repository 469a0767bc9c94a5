/* fuzz_input.c — fuzzes the key-sequence decoder (tui/input.c): bytes fed whole or in pieces must give the same keys, never an Esc read as text. */
#include <curses.h>
#include <stdbool.h>
#include <string.h>

#include "careline/input.h"
#include "careline/keymap.h"
#include "fuzz.h"

#define MAX_KEYS 4096

/* Feed the bytes `piece` at a time (0: all at once), every piece within
 * the Esc delay of the one before, taking keys as they are decided; then
 * let the delay pass and take the rest. Returns the number of keys. */
static int decode(const uint8_t *b, size_t n, int delay, size_t piece, int *keys, bool *pasting)
{
    struct tui_input *in = tui_input_new(delay);
    long long t = 1000000;
    int nk = 0, k;
    if (!piece)
        piece = n ? n : 1;
    for (size_t at = 0; at < n; at += piece) {
        size_t m = n - at < piece ? n - at : piece;
        tui_input_feed(in, b + at, m, t);
        while ((k = tui_input_next(in, t)) >= 0)
            if (nk < MAX_KEYS)
                keys[nk++] = k;
        t += delay > 1 ? delay - 1 : 0;
    }
    /* Long enough for a lone Esc, half a sequence and half a paste marker. */
    t += 100000;
    while ((k = tui_input_next(in, t)) >= 0)
        if (nk < MAX_KEYS)
            keys[nk++] = k;
    FUZZ_CHECK(tui_input_timeout(in, t) == -1, "bytes still held back after every delay passed");
    if (pasting)
        *pasting = tui_input_pasting(in);
    tui_input_free(in);
    return nk;
}

static void check_key(int k)
{
    if (TUI_KEY_IS_PASTE(k)) {
        int cp = TUI_KEY_PASTE_CP(k);
        /* An Esc inside a paste comes out as a pasted character (which
         * fields leave out and count), never as the Esc key. */
        FUZZ_CHECK(cp >= 0 && cp <= 0x10FFFF, "pasted key %#x is no character", k);
    } else if (TUI_KEY_IS_FN(k)) {
        FUZZ_CHECK(k - TUI_KEY_FN > 0 && k - TUI_KEY_FN <= KEY_MAX, "function key %#x is no curses key", k);
    } else {
        FUZZ_CHECK(k >= 0 && k <= 0x10FFFF && !(k >= 0xD800 && k <= 0xDFFF), "key %#x is no character", k);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* First byte: the Esc delay and the size of the pieces; the rest is
     * what the terminal sent. */
    if (size < 1 || size > 4096)
        return 0;
    int delay = 10 + (data[0] >> 4) * 10;
    size_t piece = data[0] & 0x0f;
    const uint8_t *b = data + 1;
    size_t n = size - 1;
    static int whole[MAX_KEYS], pieces[MAX_KEYS];

    int nw = decode(b, n, delay, 0, whole, NULL);
    for (int i = 0; i < nw; i++)
        check_key(whole[i]);
    /* Text without Esc and in ASCII is exactly its bytes. */
    bool plain = true;
    for (size_t i = 0; i < n; i++)
        plain = plain && b[i] != 0x1b && b[i] < 0x80;
    if (plain) {
        FUZZ_CHECK((size_t)nw == n, "%zu plain bytes gave %d keys", n, nw);
        for (size_t i = 0; i < n; i++)
            FUZZ_CHECK(whole[i] == b[i], "plain byte %zu changed to %#x", i, whole[i]);
    }
    /* A slow link splits what the terminal sent anywhere: the keys must
     * not depend on where. */
    if (piece) {
        int np = decode(b, n, delay, piece, pieces, NULL);
        FUZZ_CHECK(np == nw, "%d keys in pieces of %zu, %d whole", np, piece, nw);
        for (int i = 0; i < nw; i++)
            FUZZ_CHECK(pieces[i] == whole[i], "key %d: %#x in pieces of %zu, %#x whole", i, pieces[i], piece,
                       whole[i]);
    }
    /* Whatever came before, a whole known sequence after it is its key,
     * never Esc and text (unless a paste is still open). */
    static const struct {
        const char *seq;
        int key;
    } known[] = {
        {"\x1b[A", TUI_KEY_FN + KEY_UP},    {"\x1bOB", TUI_KEY_FN + KEY_DOWN},   {"\x1b[1;5C", TUI_KEY_FN + KEY_RIGHT},
        {"\x1b[3~", TUI_KEY_FN + KEY_DC},   {"\x1b[H", TUI_KEY_FN + KEY_HOME},   {"\x1bOF", TUI_KEY_FN + KEY_END},
        {"\x1b[[A", TUI_KEY_FN + KEY_F(1)}, {"\x1bOP", TUI_KEY_FN + KEY_F(1)},   {"\x1b[24~", TUI_KEY_FN + KEY_F(12)},
        {"\x1b[Z", TUI_KEY_FN + KEY_BTAB},  {"\x1bOp", '0'},                     {"\x1bOM", '\r'},
    };
    size_t which = n % (sizeof known / sizeof known[0]);
    size_t kl = strlen(known[which].seq);
    uint8_t *then = malloc(n + kl);
    memcpy(then, b, n);
    memcpy(then + n, known[which].seq, kl);
    bool pasting;
    int nt = decode(then, n + kl, delay, piece, pieces, &pasting);
    if (!pasting)
        FUZZ_CHECK(nt > 0 && pieces[nt - 1] == known[which].key, "\\e%s after the input is not its key %#x but %#x",
                   known[which].seq + 1, known[which].key, nt ? pieces[nt - 1] : -1);
    free(then);
    return 0;
}
