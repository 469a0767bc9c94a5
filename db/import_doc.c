/* import_doc.c — the Open311 GeoReport v2 readers: a requests document in JSON or XML, streamed request by request (flat fields kept, nested ones skipped), every error with its line. */
#include <stdarg.h>
#include <string.h>

#include "careline/text.h"
#include "careline/util.h"
#include "import_int.h"

static const char *const open311_names[DB_IF__COUNT] = {
#define OPEN311_NAME(id, nyc, open311) [DB_IF_##id] = (open311),
    DB_IMPORT_FIELDS(OPEN311_NAME)
#undef OPEN311_NAME
};

void import_doc_value(struct db_import_reader *r, const char *name, size_t start)
{
    for (int f = 0; f < DB_IF__COUNT; f++) {
        if (open311_names[f] && strcmp(open311_names[f], name) == 0 && r->doc_off[f] == (size_t)-1) {
            import_text_byte(r, '\0');
            r->doc_off[f] = start;
            return;
        }
    }
    r->len = start;   /* a name GeoReport does not define, or given twice: dropped */
}

__attribute__((format(printf, 4, 5)))
static enum db_import_read fatal(struct db_import_reader *r, char *why, size_t whylen, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    util_vformat(msg, sizeof msg, fmt, ap);
    va_end(ap);
    util_format(why, whylen, "line %ld: %s: %s", r->src.line, r->fmt == IMPORT_JSON ? "JSON" : "XML", msg);
    return DB_READ_FATAL;
}

static bool blank(int c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static void skip_blank(struct import_src *s)
{
    while (blank(import_src_peek(s)))
        import_src_get(s);
}

/* A request's check once read: it has its number, or says why not (an
 * error a server sends instead of requests is shown as such). */
static enum db_import_read request_done(struct db_import_reader *r, char *why, size_t whylen, const char *kind)
{
    if (kind) {
        util_format(why, whylen, "%s", kind);
        return DB_READ_BAD;
    }
    if (r->doc_off[DB_IF_ID] == (size_t)-1 || r->text[r->doc_off[DB_IF_ID]] == '\0') {
        if (r->doc_off[DB_IF_DESCRIPTION] != (size_t)-1 && r->doc_off[DB_IF_TYPE] == (size_t)-1)
            util_format(why, whylen, "the server sent an error, not a request: %.200s", r->text + r->doc_off[DB_IF_DESCRIPTION]);
        else
            util_format(why, whylen, "the request has no service_request_id");
        return DB_READ_BAD;
    }
    return DB_READ_RECORD;
}

/* ---- JSON ---------------------------------------------------------------- */

static int hex4(struct import_src *s, uint32_t *out)
{
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
        int c = import_src_get(s);
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (d < 0)
            return -1;
        v = v * 16 + (uint32_t)d;
    }
    *out = v;
    return 0;
}

/* \uXXXX, with a surrogate pair when it is one; a lone surrogate is U+FFFD. */
static int json_unicode(struct import_src *s, uint32_t *cp)
{
    if (hex4(s, cp) < 0)
        return -1;
    if (*cp >= 0xD800 && *cp <= 0xDBFF && import_src_peek(s) == '\\') {
        import_src_get(s);
        uint32_t lo;
        if (import_src_get(s) != 'u' || hex4(s, &lo) < 0)
            return -1;
        *cp = lo >= 0xDC00 && lo <= 0xDFFF ? 0x10000 + ((*cp - 0xD800) << 10) + (lo - 0xDC00) : 0xFFFD;
    } else if (*cp >= 0xD800 && *cp <= 0xDFFF) {
        *cp = 0xFFFD;
    }
    return 0;
}

/* A string, its opening quote read: to the request's text when keep, else
 * to key (cut to keylen). NULL, or what is wrong. */
static const char *json_string(struct db_import_reader *r, bool keep, char *key, size_t keylen)
{
    struct import_src *s = &r->src;
    size_t k = 0;
    for (;;) {
        int c = import_src_get(s);
        char enc[4];
        int n = 1;
        if (c < 0)
            return "a string never ends";
        if (c == '"')
            break;
        enc[0] = (char)c;
        if (c == '\\') {
            int e = import_src_get(s);
            const char *map = strchr("\"\"\\\\//b\bf\fn\nr\rt\t", e > 0 ? e : 1);
            uint32_t cp;
            if (e == 'u') {
                if (json_unicode(s, &cp) < 0)
                    return "a \\u escape needs four hexadecimal digits";
                if (cp == 0) {
                    r->bad = "has a NUL character";
                    continue;
                }
                n = tui_utf8_encode(cp, enc);
            } else if (map && (map - "\"\"\\\\//b\bf\fn\nr\rt\t") % 2 == 0) {
                enc[0] = map[1];
            } else {
                return "an unknown escape after a backslash";
            }
        }
        for (int i = 0; i < n; i++) {
            if (keep)
                import_text_byte(r, (unsigned char)enc[i]);
            else if (k + 1 < keylen)
                key[k++] = enc[i];
        }
    }
    if (!keep && keylen)
        key[k] = '\0';
    return NULL;
}

/* A number, true, false or null, its first character c read: its text to
 * the request (null: nothing). */
static const char *json_scalar(struct db_import_reader *r, int c)
{
    struct import_src *s = &r->src;
    char word[8];
    size_t n = 0;
    if (c == '-' || (c >= '0' && c <= '9')) {
        import_text_byte(r, c);
        while ((c = import_src_peek(s)) >= 0 && strchr("0123456789+-.eE", c))
            import_text_byte(r, import_src_get(s));
        return NULL;
    }
    word[n++] = (char)c;
    while ((c = import_src_peek(s)) >= 'a' && c <= 'z' && n < sizeof word - 1)
        word[n++] = (char)import_src_get(s);
    word[n] = '\0';
    if (strcmp(word, "null") == 0)
        return NULL;
    if (strcmp(word, "true") == 0 || strcmp(word, "false") == 0) {
        for (size_t i = 0; i < n; i++)
            import_text_byte(r, word[i]);
        return NULL;
    }
    return "expected a value";
}

/* Skip one value of any kind: objects and arrays by counting brackets
 * (no recursion, so no depth can exhaust the stack). */
static const char *json_skip(struct db_import_reader *r)
{
    struct import_src *s = &r->src;
    long depth = 0;
    do {
        skip_blank(s);
        int c = import_src_get(s);
        const char *err = NULL;
        if (c < 0)
            return "the document ends inside a value";
        if (c == '{' || c == '[') {
            depth++;
        } else if (c == '}' || c == ']') {
            depth--;
        } else if (c == '"') {
            err = json_string(r, false, NULL, 0);
        } else if (c == ',' || c == ':') {
            if (depth == 0)
                return "expected a value";
        } else {
            size_t keep = r->len;
            err = json_scalar(r, c);
            r->len = keep;
        }
        if (err)
            return err;
    } while (depth > 0);
    return depth < 0 ? "a bracket closes what was never opened" : NULL;
}

/* A request object, its '{' read: each member whose value is a string, a
 * number or true/false is kept under its name. */
static const char *json_object(struct db_import_reader *r)
{
    struct import_src *s = &r->src;
    skip_blank(s);
    if (import_src_peek(s) == '}') {
        import_src_get(s);
        return NULL;
    }
    for (;;) {
        char key[64];
        skip_blank(s);
        if (import_src_get(s) != '"')
            return "expected a member's name in quotes";
        const char *err = json_string(r, false, key, sizeof key);
        if (err)
            return err;
        skip_blank(s);
        if (import_src_get(s) != ':')
            return "expected ':' after a member's name";
        skip_blank(s);
        int c = import_src_peek(s);
        size_t start = r->len;
        if (c == '{' || c == '[') {
            err = json_skip(r);
        } else {
            import_src_get(s);
            err = c == '"' ? json_string(r, true, NULL, 0) : json_scalar(r, c);
            if (!err)
                import_doc_value(r, key, start);
        }
        if (err)
            return err;
        skip_blank(s);
        c = import_src_get(s);
        if (c == '}')
            return NULL;
        if (c != ',')
            return "expected ',' or '}' after a member";
    }
}

/* Up to the array of requests: the document itself, or the member of an
 * object that holds it ("service_requests", "requests"). */
static const char *json_open(struct db_import_reader *r)
{
    struct import_src *s = &r->src;
    skip_blank(s);
    int c = import_src_get(s);
    if (c == '[')
        return NULL;
    for (;;) {
        char key[64];
        skip_blank(s);
        if (import_src_get(s) != '"')
            return "expected an array of requests, or an object holding one";
        const char *err = json_string(r, false, key, sizeof key);
        if (err)
            return err;
        skip_blank(s);
        if (import_src_get(s) != ':')
            return "expected ':' after a member's name";
        skip_blank(s);
        if ((strcmp(key, "service_requests") == 0 || strcmp(key, "requests") == 0) && import_src_peek(s) == '[') {
            import_src_get(s);
            return NULL;
        }
        if ((err = json_skip(r)) != NULL)
            return err;
        skip_blank(s);
        c = import_src_get(s);
        if (c == '}')
            return "the object holds no \"service_requests\" array";
        if (c != ',')
            return "expected ',' or '}' after a member";
    }
}

enum db_import_read import_json_next(struct db_import_reader *r, char *why, size_t whylen)
{
    struct import_src *s = &r->src;
    const char *err;
    if (!r->opened) {
        if ((err = json_open(r)) != NULL)
            return fatal(r, why, whylen, "%s", err);
        r->opened = true;
    }
    skip_blank(s);
    int c = import_src_get(s);
    if (c == ']')
        return DB_READ_END;
    if (r->item > 0) {
        if (c != ',')
            return fatal(r, why, whylen, "expected ',' or ']' after a request");
        skip_blank(s);
        c = import_src_get(s);
    }
    if (c < 0)
        return fatal(r, why, whylen, "the document ends inside the array of requests");
    r->item++;
    import_text_clear(r);
    r->line = s->line;
    if (c != '{') {
        r->src.pos--;   /* the value's first byte again: peeked, never a newline */
        r->src.bytes--;
        if ((err = json_skip(r)) != NULL)
            return fatal(r, why, whylen, "%s", err);
        return request_done(r, why, whylen, "the item is not a request object");
    }
    if ((err = json_object(r)) != NULL)
        return fatal(r, why, whylen, "%s", err);
    return request_done(r, why, whylen, NULL);
}

/* ---- XML ----------------------------------------------------------------- */

/* A name after '<' or '</' into buf (cut to len; the cut is compared the
 * same way at both ends). Its length, 0 when there is none. */
static size_t xml_name(struct import_src *s, char *buf, size_t len)
{
    size_t n = 0, k = 0;
    int c;
    while ((c = import_src_peek(s)) >= 0 &&
           (c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr("-_.:", c))) {
        import_src_get(s);
        if (k + 1 < len)
            buf[k++] = (char)c;
        n++;
    }
    buf[k] = '\0';
    return n;
}

/* The rest of a start tag, its attributes skipped: 1 when it closes itself
 * ("/>"), 0 for ">", -1 when the document ends first. */
static int xml_tag_rest(struct import_src *s)
{
    for (;;) {
        int c = import_src_get(s);
        if (c < 0)
            return -1;
        if (c == '>')
            return 0;
        if (c == '/' && import_src_peek(s) == '>') {
            import_src_get(s);
            return 1;
        }
        if (c == '"' || c == '\'') {
            int q = c;
            while ((c = import_src_get(s)) >= 0 && c != q)
                ;
            if (c < 0)
                return -1;
        }
    }
}

/* Skip up to and past the text `end` ("-->", "?>", "]]>"), appending what
 * comes before it to the request when keep. */
static const char *xml_until(struct db_import_reader *r, const char *end, bool keep)
{
    size_t n = strlen(end), matched = 0;
    while (matched < n) {
        int c = import_src_get(&r->src);
        if (c < 0)
            return "the document ends inside a comment, CDATA section or declaration";
        if (c == end[matched]) {
            matched++;
            continue;
        }
        if (keep)
            for (size_t i = 0; i < matched; i++)
                import_text_byte(r, end[i]);
        /* "]]]>": the first ']' was text, the match starts again. */
        matched = c == end[0] ? 1 : 0;
        if (keep && matched == 0)
            import_text_byte(r, c);
    }
    return NULL;
}

/* After "<!": a comment, a CDATA section (its text kept when keep) or a
 * declaration such as DOCTYPE (skipped with its internal subset; its
 * entities are never expanded, so a use of one fails as unknown). */
static const char *xml_bang(struct db_import_reader *r, bool keep)
{
    struct import_src *s = &r->src;
    int c = import_src_peek(s);
    if (c == '-') {
        import_src_get(s);
        if (import_src_get(s) != '-')
            return "expected a comment after \"<!-\"";
        return xml_until(r, "-->", false);
    }
    if (c == '[') {
        const char *cdata = "[CDATA[";
        for (const char *p = cdata; *p; p++)
            if (import_src_get(s) != *p)
                return "expected \"<![CDATA[\"";
        return xml_until(r, "]]>", keep);
    }
    int depth = 0;
    while ((c = import_src_get(s)) >= 0) {
        if (c == '[')
            depth++;
        else if (c == ']')
            depth--;
        else if (c == '>' && depth <= 0)
            return NULL;
        else if (c == '"' || c == '\'')
            while (import_src_get(s) != c && !s->eof)
                ;
    }
    return "the document ends inside a declaration";
}

/* An entity or character reference after '&', appended when keep. */
static const char *xml_entity(struct db_import_reader *r, bool keep)
{
    static const struct {
        const char *name;
        char c;
    } named[] = {{"lt", '<'}, {"gt", '>'}, {"amp", '&'}, {"quot", '"'}, {"apos", '\''}};
    char name[16];
    size_t n = 0;
    int c;
    while ((c = import_src_get(&r->src)) >= 0 && c != ';' && n < sizeof name - 1)
        name[n++] = (char)c;
    name[n] = '\0';
    if (c != ';')
        return "an entity reference without its ';'";
    uint32_t cp = 0;
    if (name[0] == '#') {
        bool hex = name[1] == 'x';
        const char *p = name + 1 + hex;
        if (!*p)
            return "an empty character reference";
        for (; *p; p++) {
            int d = *p >= '0' && *p <= '9' ? *p - '0'
                    : hex && ((*p | 0x20) >= 'a' && (*p | 0x20) <= 'f') ? (*p | 0x20) - 'a' + 10
                                                                         : -1;
            if (d < 0 || cp > 0x10FFFF)
                return "a character reference that is not a number";
            cp = cp * (hex ? 16 : 10) + (uint32_t)d;
        }
        if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return "a character reference to no character";
    } else {
        for (size_t i = 0; i < sizeof named / sizeof named[0] && !cp; i++)
            if (strcmp(named[i].name, name) == 0)
                cp = (unsigned char)named[i].c;
        if (!cp)
            return "an unknown entity (only &lt; &gt; &amp; &quot; &apos; and numbers are XML's own)";
    }
    if (keep) {
        char enc[4];
        int k = tui_utf8_encode(cp, enc);
        for (int i = 0; i < k; i++)
            import_text_byte(r, (unsigned char)enc[i]);
    }
    return NULL;
}

/* Text up to the next '<' (which is read): appended when keep. */
static const char *xml_text(struct db_import_reader *r, bool keep)
{
    struct import_src *s = &r->src;
    for (;;) {
        int c = import_src_get(s);
        if (c < 0)
            return "the document ends before its root element closes";
        if (c == '<')
            return NULL;
        if (c == '&') {
            const char *err = xml_entity(r, keep);
            if (err)
                return err;
        } else if (keep) {
            import_text_byte(r, c);
        }
    }
}

/* After '<' where content may continue: '/' ends the element (its name is
 * checked against open), '!' and '?' are skipped (CDATA kept when keep).
 * Returns 1 at the end tag, 0 after a skipped item, 2 when a start tag
 * follows (nothing of it read), or -1 with *err. */
static int xml_markup(struct db_import_reader *r, const char *open, bool keep, const char **err)
{
    struct import_src *s = &r->src;
    int c = import_src_peek(s);
    *err = NULL;
    if (c == '/') {
        char name[128];
        import_src_get(s);
        xml_name(s, name, sizeof name);
        skip_blank(s);
        if (strcmp(name, open) != 0 || import_src_get(s) != '>') {
            *err = "an end tag that does not match the element it closes";
            return -1;
        }
        return 1;
    }
    if (c == '!') {
        import_src_get(s);
        *err = xml_bang(r, keep);
        return *err ? -1 : 0;
    }
    if (c == '?') {
        import_src_get(s);
        *err = xml_until(r, "?>", false);
        return *err ? -1 : 0;
    }
    return 2;
}

/* The content of a field element, its start tag read: text and CDATA kept,
 * elements inside it skipped. */
static const char *xml_field(struct db_import_reader *r, const char *open)
{
    struct import_src *s = &r->src;
    for (;;) {
        const char *err = xml_text(r, true);
        if (err)
            return err;
        int m = xml_markup(r, open, true, &err);
        if (m < 0)
            return err;
        if (m == 1)
            return NULL;
        if (m == 2) {
            /* An element inside the field: skipped whole, by counting tags. */
            int depth = 0;
            do {
                char name[128];
                if (!xml_name(s, name, sizeof name))
                    return "expected an element's name after '<'";
                int self = xml_tag_rest(s);
                if (self < 0)
                    return "the document ends inside a tag";
                depth += self ? 0 : 1;
                if (depth > IMPORT_MAX_DEPTH)
                    return "elements nested too deep";
                while (depth > 0) {
                    if ((err = xml_text(r, false)) != NULL)
                        return err;
                    if (import_src_peek(s) == '/') {
                        import_src_get(s);
                        xml_name(s, name, sizeof name);
                        if (xml_tag_rest(s) < 0)
                            return "the document ends inside a tag";
                        depth--;
                    } else if (import_src_peek(s) == '!' || import_src_peek(s) == '?') {
                        if (xml_markup(r, "", false, &err) < 0)
                            return err;
                    } else {
                        break;   /* another nested start tag */
                    }
                }
            } while (depth > 0);
        }
    }
}

/* A request element, its start tag read: each child element a field. */
static const char *xml_request(struct db_import_reader *r, const char *open)
{
    struct import_src *s = &r->src;
    for (;;) {
        const char *err = xml_text(r, false);
        if (err)
            return err;
        int m = xml_markup(r, open, false, &err);
        if (m < 0)
            return err;
        if (m == 1)
            return NULL;
        if (m == 0)
            continue;
        char name[128];
        if (!xml_name(s, name, sizeof name))
            return "expected an element's name after '<'";
        int self = xml_tag_rest(s);
        if (self < 0)
            return "the document ends inside a tag";
        size_t start = r->len;
        if (!self && (err = xml_field(r, name)) != NULL)
            return err;
        import_doc_value(r, name, start);
    }
}

/* The prolog (declaration, comments, DOCTYPE) and the root's start tag. */
static const char *xml_open(struct db_import_reader *r, bool *empty)
{
    struct import_src *s = &r->src;
    for (;;) {
        skip_blank(s);
        if (import_src_get(s) != '<')
            return "expected the root element";
        const char *err;
        int m = xml_markup(r, "", false, &err);
        if (m < 0)
            return err;
        if (m == 1)
            return "an end tag before the root element";
        if (m == 2)
            break;
    }
    if (!xml_name(s, r->xml_root, sizeof r->xml_root))
        return "expected an element's name after '<'";
    int self = xml_tag_rest(s);
    if (self < 0)
        return "the document ends inside a tag";
    *empty = self == 1;
    return NULL;
}

enum db_import_read import_xml_next(struct db_import_reader *r, char *why, size_t whylen)
{
    struct import_src *s = &r->src;
    const char *err;
    if (!r->opened) {
        bool empty = false;
        if ((err = xml_open(r, &empty)) != NULL)
            return fatal(r, why, whylen, "%s", err);
        if (empty)
            return DB_READ_END;
        r->opened = true;
    }
    for (;;) {
        if ((err = xml_text(r, false)) != NULL)
            return fatal(r, why, whylen, "%s", err);
        int m = xml_markup(r, r->xml_root, false, &err);
        if (m < 0)
            return fatal(r, why, whylen, "%s", err);
        if (m == 1)
            return DB_READ_END;
        if (m == 2)
            break;
    }
    char name[128];
    import_text_clear(r);
    r->line = s->line;
    r->item++;
    if (!xml_name(s, name, sizeof name))
        return fatal(r, why, whylen, "expected an element's name after '<'");
    int self = xml_tag_rest(s);
    if (self < 0)
        return fatal(r, why, whylen, "the document ends inside a tag");
    if (!self && (err = xml_request(r, name)) != NULL)
        return fatal(r, why, whylen, "%s", err);
    if (strcmp(name, "request") != 0) {
        char what[200];
        util_format(what, sizeof what, "<%.60s> is not a <request>%s%.100s", name,
                 r->doc_off[DB_IF_DESCRIPTION] != (size_t)-1 ? ": " : "",
                 r->doc_off[DB_IF_DESCRIPTION] != (size_t)-1 ? r->text + r->doc_off[DB_IF_DESCRIPTION] : "");
        return request_done(r, why, whylen, what);
    }
    return request_done(r, why, whylen, NULL);
}
