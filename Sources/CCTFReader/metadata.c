// Reads a CTF 1.8 `metadata` file (plain or packetized TSDL, CTF 1.8 §7) into the layouts the
// native reader decodes with. It parses the TSDL grammar's declarations generically (type
// aliases, named structures, integer/string/struct/enum/variant/array types, the trace, clock,
// stream and event blocks), then accepts only what ctf_native.c can decode; see ctf_native.h.
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ctf_native.h"

// ---- allocation: everything hangs off one list, freed by nat_metadata_free -----------------

typedef struct chunk { struct chunk *next; } chunk;

static void *alloc(void **arena, size_t n) {
    chunk *b = calloc(1, sizeof(chunk) + n);
    if (!b) return NULL;
    b->next = *arena;
    *arena = b;
    return b + 1;
}

static char *dup_text(void **arena, const char *s) {
    char *d = alloc(arena, strlen(s) + 1);
    if (d) strcpy(d, s);
    return d;
}

// ---- types -----------------------------------------------------------------------------------

enum { T_INT, T_STRING, T_STRUCT, T_ENUM, T_VARIANT, T_ARRAY, T_OTHER };

struct type;
typedef struct { char *name; struct type *type; } member;

typedef struct type {
    int t;
    unsigned size, align;  // integer: bits; struct: align() in bits (0 = none)
    int is_signed, big_endian;
    member *members;       // struct, variant
    size_t nmembers;
    struct type *inner;    // enum container, array element
    uint64_t len;          // array length
} type;

typedef struct { char *name; type *type; } named;

enum { TK_EOF, TK_ID, TK_NUM, TK_STR, TK_PUNCT, TK_BAD };

/// Types nest at most this deep (lttng-ust: 4); deeper is declined, not a stack overflow.
enum { MAX_DEPTH = 32 };
/// Alignments above 4 KiB (in bits) are declined: lttng-ust aligns to at most 64 bits, and the
/// bound keeps every layout offset (computed in 32 bits) far from overflowing.
enum { MAX_ALIGN_BITS = 8 * 4096 };

typedef struct {
    const char *p, *end;
    int kind;
    int depth;             // parse_type's recursion
    char tok[512];
    void **arena;
    named *names;
    size_t nnames, capnames;
    const char *error;
} parser;

// ---- lexer ------------------------------------------------------------------------------------

static void lex(parser *P) {
    for (;;) {
        while (P->p < P->end && isspace((unsigned char)*P->p)) P->p++;
        if (P->end - P->p >= 2 && P->p[0] == '/' && P->p[1] == '*') {
            const char *e = P->p + 2;
            while (e + 1 < P->end && !(e[0] == '*' && e[1] == '/')) e++;
            P->p = e + 1 < P->end ? e + 2 : P->end;
            continue;
        }
        if (P->end - P->p >= 2 && P->p[0] == '/' && P->p[1] == '/') {
            while (P->p < P->end && *P->p != '\n') P->p++;
            continue;
        }
        break;
    }
    P->tok[0] = 0;
    if (P->p >= P->end) { P->kind = TK_EOF; return; }
    const char *s = P->p;
    size_t n = 0;
    if (isalpha((unsigned char)*s) || *s == '_') {
        while (s + n < P->end && (isalnum((unsigned char)s[n]) || s[n] == '_')) n++;
        P->kind = TK_ID;
    } else if (isdigit((unsigned char)*s) || (*s == '-' && s + 1 < P->end && isdigit((unsigned char)s[1]))) {
        n = 1;
        while (s + n < P->end && (isalnum((unsigned char)s[n]))) n++;
        P->kind = TK_NUM;
    } else if (*s == '"') {
        n = 1;
        while (s + n < P->end && s[n] != '"') n += (s[n] == '\\') ? 2 : 1;
        if (s + n >= P->end) { P->kind = TK_BAD; return; }
        n++;
        P->kind = TK_STR;
    } else if (P->end - s >= 3 && !memcmp(s, "...", 3)) {
        n = 3;
        P->kind = TK_PUNCT;
    } else if (P->end - s >= 2 && !memcmp(s, ":=", 2)) {
        n = 2;
        P->kind = TK_PUNCT;
    } else if (strchr("{}[]<>();=:,.+*", *s)) {
        n = 1;
        P->kind = TK_PUNCT;
    } else {
        P->kind = TK_BAD;
        return;
    }
    if (n >= sizeof P->tok) { P->kind = TK_BAD; return; }
    memcpy(P->tok, s, n);
    P->tok[n] = 0;
    P->p = s + n;
}

static int is(parser *P, const char *t) { return (P->kind == TK_PUNCT || P->kind == TK_ID) && !strcmp(P->tok, t); }

static int expect(parser *P, const char *t) {
    if (!is(P, t)) { P->error = "unexpected token"; return -1; }
    lex(P);
    return 0;
}

static int number(const char *s, int64_t *out) {
    char *e;
    long long v = strtoll(s, &e, 0);
    if (*e) {
        unsigned long long u = strtoull(s, &e, 0);
        if (*e) return -1;
        v = (long long)u;
    }
    *out = v;
    return 0;
}

// ---- names ------------------------------------------------------------------------------------

static type *lookup(parser *P, const char *name) {
    for (size_t i = P->nnames; i-- > 0;)
        if (!strcmp(P->names[i].name, name)) return P->names[i].type;
    return NULL;
}

static int define(parser *P, const char *name, type *t) {
    if (P->nnames == P->capnames) {
        size_t cap = P->capnames ? 2 * P->capnames : 32;
        named *n = alloc(P->arena, cap * sizeof *n);
        if (!n) return -1;
        if (P->nnames) memcpy(n, P->names, P->nnames * sizeof *n);
        P->names = n;
        P->capnames = cap;
    }
    P->names[P->nnames].name = dup_text(P->arena, name);
    P->names[P->nnames++].type = t;
    return 0;
}

/// Identifiers joined by single spaces ("unsigned long"); with `last`, the final identifier goes
/// there instead (a member's name after its type's words).
static int words(parser *P, char *out, size_t outlen, char *last, size_t lastlen) {
    int keep_last = last != NULL;
    char buf[16][128];
    int n = 0;
    while (P->kind == TK_ID && n < 16) {
        snprintf(buf[n++], sizeof buf[0], "%s", P->tok);
        lex(P);
    }
    if (n - keep_last <= 0) return -1;
    out[0] = 0;
    for (int i = 0; i < n - keep_last; i++) {
        if (i) strncat(out, " ", outlen - strlen(out) - 1);
        strncat(out, buf[i], outlen - strlen(out) - 1);
    }
    if (keep_last) snprintf(last, lastlen, "%s", buf[n - 1]);
    return n;
}

// ---- types ------------------------------------------------------------------------------------

static type *parse_type(parser *P);

static type *new_type(parser *P, int t) {
    type *ty = alloc(P->arena, sizeof *ty);
    if (ty) ty->t = t;
    return ty;
}

/// { key = value; ... } of an integer (or string, floating point) declaration.
static int int_attributes(parser *P, type *t) {
    if (expect(P, "{")) return -1;
    while (!is(P, "}")) {
        if (P->kind != TK_ID) { P->error = "attribute name expected"; return -1; }
        char key[64];
        snprintf(key, sizeof key, "%s", P->tok);
        lex(P);
        if (expect(P, "=")) return -1;
        char value[256] = "";
        while (!is(P, ";") && P->kind != TK_EOF && P->kind != TK_BAD) {
            strncat(value, P->tok, sizeof value - strlen(value) - 1);
            lex(P);
        }
        if (expect(P, ";")) return -1;
        int64_t v = 0;
        if (!strcmp(key, "size")) { if (number(value, &v) || v <= 0 || v > 64) return -1; t->size = (unsigned)v; }
        else if (!strcmp(key, "align")) { if (number(value, &v) || v <= 0 || v > MAX_ALIGN_BITS) return -1; t->align = (unsigned)v; }
        else if (!strcmp(key, "signed")) t->is_signed = !strcmp(value, "true") || !strcmp(value, "1") || !strcmp(value, "TRUE");
        else if (!strcmp(key, "byte_order")) t->big_endian = !strcmp(value, "be") || !strcmp(value, "network");
    }
    lex(P);
    return 0;
}

/// Members of a struct or variant body, up to the closing brace.
static int members(parser *P, type *t) {
    if (expect(P, "{")) return -1;
    size_t cap = 0;
    while (!is(P, "}")) {
        if (P->kind == TK_EOF || P->kind == TK_BAD) { P->error = "unterminated structure"; return -1; }
        type *mt;
        char name[128];
        if (P->kind == TK_ID && strcmp(P->tok, "integer") && strcmp(P->tok, "string")
            && strcmp(P->tok, "struct") && strcmp(P->tok, "enum") && strcmp(P->tok, "variant")
            && strcmp(P->tok, "floating_point")) {
            // `unsigned long name;`: an alias of several words, then the member name.
            char alias[256];
            if (words(P, alias, sizeof alias, name, sizeof name) < 2 || !(mt = lookup(P, alias))) { P->error = "unknown type"; return -1; }
        } else {
            if (!(mt = parse_type(P))) return -1;
            if (P->kind != TK_ID) { P->error = "member name expected"; return -1; }
            snprintf(name, sizeof name, "%s", P->tok);
            lex(P);
        }
        while (is(P, "[")) {  // fixed-length arrays (sequences name a length field: unsupported)
            lex(P);
            int64_t len;
            if (P->kind != TK_NUM || number(P->tok, &len) || len < 0) {
                mt = new_type(P, T_OTHER);
                // A bad token does not advance the lexer: stop there (expect fails below).
                while (!is(P, "]") && P->kind != TK_EOF && P->kind != TK_BAD) lex(P);
            } else {
                type *a = new_type(P, T_ARRAY);
                if (!a) return -1;
                a->inner = mt;
                a->len = (uint64_t)len;
                mt = a;
                lex(P);
            }
            if (expect(P, "]")) return -1;
        }
        if (expect(P, ";")) return -1;
        if (t->nmembers == cap) {
            cap = cap ? 2 * cap : 8;
            member *m = alloc(P->arena, cap * sizeof *m);
            if (!m) return -1;
            if (t->nmembers) memcpy(m, t->members, t->nmembers * sizeof *m);
            t->members = m;
        }
        t->members[t->nmembers].name = dup_text(P->arena, name);
        t->members[t->nmembers++].type = mt;
    }
    lex(P);
    return 0;
}

static type *parse_type_at(parser *P);

static type *parse_type(parser *P) {
    if (P->depth >= MAX_DEPTH) { P->error = "types nested too deep"; return NULL; }
    P->depth++;
    type *t = parse_type_at(P);
    P->depth--;
    return t;
}

static type *parse_type_at(parser *P) {
    char name[256];
    if (is(P, "integer") || is(P, "floating_point")) {
        type *t = new_type(P, is(P, "integer") ? T_INT : T_OTHER);
        if (!t) return NULL;
        lex(P);
        if (int_attributes(P, t)) return NULL;
        if (t->t == T_INT && !t->size) { P->error = "integer without size"; return NULL; }
        if (!t->align) t->align = t->size % 8 ? 1 : 8;
        return t;
    }
    if (is(P, "string")) {
        type *t = new_type(P, T_STRING);
        if (!t) return NULL;
        lex(P);
        if (is(P, "{") && int_attributes(P, t)) return NULL;
        return t;
    }
    if (is(P, "struct") || is(P, "variant") || is(P, "enum")) {
        int kind = is(P, "struct") ? T_STRUCT : is(P, "variant") ? T_VARIANT : T_ENUM;
        const char *word = kind == T_STRUCT ? "struct" : kind == T_VARIANT ? "variant" : "enum";
        lex(P);
        name[0] = 0;
        if (P->kind == TK_ID) {
            snprintf(name, sizeof name, "%s %s", word, P->tok);
            lex(P);
        }
        if (kind == T_VARIANT && is(P, "<")) {  // the tag: decoded by shape, see ctf_native.c
            while (!is(P, ">") && P->kind != TK_EOF && P->kind != TK_BAD) lex(P);
            if (expect(P, ">")) return NULL;
        }
        type *container = NULL;
        if (kind == T_ENUM && is(P, ":")) {
            lex(P);
            if (is(P, "integer")) {
                container = parse_type(P);
            } else {
                char alias[256];
                if (words(P, alias, sizeof alias, NULL, 0) < 1) { P->error = "enum container expected"; return NULL; }
                container = lookup(P, alias);
            }
            if (!container || container->t != T_INT) { P->error = "enum container is not an integer"; return NULL; }
        }
        if (!is(P, "{")) {  // a reference to a named declaration
            type *t = name[0] ? lookup(P, name) : NULL;
            if (!t) P->error = "unknown structure, variant or enum";
            return t;
        }
        type *t = new_type(P, kind);
        if (!t) return NULL;
        if (kind == T_ENUM) {
            t->inner = container;
            lex(P);
            while (!is(P, "}")) {
                if (P->kind == TK_EOF || P->kind == TK_BAD) { P->error = "unterminated enum"; return NULL; }
                lex(P);
            }
            lex(P);
        } else if (members(P, t)) {
            return NULL;
        }
        if (kind == T_STRUCT && is(P, "align")) {
            lex(P);
            int64_t a;
            if (expect(P, "(") || P->kind != TK_NUM || number(P->tok, &a) || a <= 0 || a > MAX_ALIGN_BITS) { P->error = "bad align()"; return NULL; }
            lex(P);
            if (expect(P, ")")) return NULL;
            t->align = (unsigned)a;
        }
        if (name[0] && define(P, name, t)) return NULL;
        return t;
    }
    if (P->kind == TK_ID) {
        if (words(P, name, sizeof name, NULL, 0) < 1) return NULL;
        type *t = lookup(P, name);
        if (!t) P->error = "unknown type name";
        return t;
    }
    P->error = "type expected";
    return NULL;
}

// ---- blocks: trace, clock, stream, event ------------------------------------------------------

typedef struct { char key[64]; char value[256]; type *type; } entry;
enum { MAX_ENTRIES = 32 };

/// `{ key = value; key := type; ... };` into entries (values as their tokens, joined).
static int block(parser *P, entry *e, size_t *n) {
    if (expect(P, "{")) return -1;
    *n = 0;
    while (!is(P, "}")) {
        if (P->kind != TK_ID || *n == MAX_ENTRIES) { P->error = "bad block entry"; return -1; }
        entry *x = &e[(*n)++];
        x->key[0] = x->value[0] = 0;
        x->type = NULL;
        while (P->kind == TK_ID || is(P, ".")) {
            strncat(x->key, P->tok, sizeof x->key - strlen(x->key) - 1);
            lex(P);
        }
        if (is(P, ":=")) {
            lex(P);
            if (!(x->type = parse_type(P))) return -1;
        } else if (is(P, "=")) {
            lex(P);
            while (!is(P, ";") && P->kind != TK_EOF && P->kind != TK_BAD) {
                strncat(x->value, P->tok, sizeof x->value - strlen(x->value) - 1);
                lex(P);
            }
        } else {
            P->error = "= or := expected";
            return -1;
        }
        if (expect(P, ";")) return -1;
    }
    lex(P);
    if (is(P, ";")) lex(P);
    return 0;
}

static const entry *find(const entry *e, size_t n, const char *key) {
    for (size_t i = 0; i < n; i++)
        if (!strcmp(e[i].key, key)) return &e[i];
    return NULL;
}

/// A quoted value without its quotes (escapes are not expected in names and uuids).
static void unquote(const char *v, char *out, size_t outlen) {
    size_t n = strlen(v);
    if (n >= 2 && v[0] == '"' && v[n - 1] == '"') snprintf(out, outlen, "%.*s", (int)(n - 2), v + 1);
    else snprintf(out, outlen, "%s", v);
}

static uint32_t align_up(uint32_t v, uint32_t a) { return (v + a - 1) / a * a; }

static int byte_integer(const type *t) {
    return t->t == T_INT && !t->big_endian && t->align % 8 == 0 && t->align <= 64
        && (t->size == 8 || t->size == 16 || t->size == 32 || t->size == 64);
}

/// Lays out a structure of byte-aligned integers and byte arrays (packet header and context)
/// from byte offset `start`; the members named in `names` get their slots.
static int slots(const type *t, uint32_t start, uint32_t *end, const char *const *names, nat_slot *out, size_t n) {
    if (!t || t->t != T_STRUCT || t->align % 8) return -1;
    uint32_t align = t->align ? t->align / 8 : 1;
    for (size_t i = 0; i < t->nmembers; i++) {
        const type *m = t->members[i].type;
        uint32_t a = m->t == T_ARRAY ? (m->inner ? m->inner->align / 8 : 0) : m->align / 8;
        if (a > align) align = a;
    }
    uint32_t pos = align_up(start, align);
    for (size_t i = 0; i < t->nmembers; i++) {
        const type *m = t->members[i].type;
        uint32_t off, bytes;
        if (byte_integer(m)) {
            off = align_up(pos, m->align / 8);
            bytes = m->size / 8;
        } else if (m->t == T_ARRAY && m->inner && byte_integer(m->inner) && m->inner->size == 8 && m->len <= 4096) {
            off = align_up(pos, m->inner->align / 8);
            bytes = (uint32_t)m->len;
        } else {
            return -1;
        }
        for (size_t k = 0; k < n; k++)
            if (!strcmp(t->members[i].name, names[k])) out[k] = (nat_slot){off, bytes};
        pos = off + bytes;
    }
    *end = pos;
    return 0;
}

/// ctf_native.c reads slots as integers of 1, 2, 4 or 8 bytes (0: absent); a byte array of
/// another length in their place would be read past its end.
static int integer_slot(nat_slot s) { return s.bytes == 0 || s.bytes == 1 || s.bytes == 2 || s.bytes == 4 || s.bytes == 8; }

static const type *member_type(const type *t, const char *name) {
    for (size_t i = 0; t && i < t->nmembers; i++)
        if (!strcmp(t->members[i].name, name)) return t->members[i].type;
    return NULL;
}

/// lttng-ust's event_header_large (16-bit id, 32-bit timestamp) or event_header_compact (5-bit
/// id, 27-bit timestamp), both with the extended form (32-bit id, 64-bit timestamp).
static int event_header(const type *t, int *large) {
    if (!t || t->t != T_STRUCT || t->nmembers != 2 || t->align % 8) return -1;
    const type *id = member_type(t, "id"), *v = member_type(t, "v");
    if (!id || id->t != T_ENUM || !id->inner || id->inner->is_signed || id->inner->big_endian) return -1;
    if (!v || v->t != T_VARIANT || v->nmembers != 2) return -1;
    const type *compact = member_type(v, "compact"), *extended = member_type(v, "extended");
    if (!compact || compact->nmembers != 1 || !extended || extended->nmembers != 2) return -1;
    const type *cts = member_type(compact, "timestamp");
    const type *eid = member_type(extended, "id"), *ets = member_type(extended, "timestamp");
    if (!cts || !eid || !ets || !byte_integer(eid) || eid->size != 32 || !byte_integer(ets) || ets->size != 64) return -1;
    if (id->inner->size == 16 && byte_integer(id->inner) && byte_integer(cts) && cts->size == 32) { *large = 1; return 0; }
    if (id->inner->size == 5 && cts->t == T_INT && cts->size == 27 && !cts->big_endian) { *large = 0; return 0; }
    return -1;
}

static nat_stream_class *stream_class(nat_metadata *m, uint64_t id) {
    for (size_t i = 0; i < m->nstreams; i++)
        if (m->streams[i].id == id) return &m->streams[i];
    return NULL;
}

static int parse_uuid(const char *text, uint8_t out[16]) {
    int n = 0;
    for (const char *p = text; *p && n < 32; p++) {
        if (*p == '-') continue;
        int d = isdigit((unsigned char)*p) ? *p - '0' : isxdigit((unsigned char)*p) ? (tolower((unsigned char)*p) - 'a' + 10) : -1;
        if (d < 0) return -1;
        if (n % 2 == 0) out[n / 2] = (uint8_t)(d << 4); else out[n / 2] |= (uint8_t)d;
        n++;
    }
    return n == 32 ? 0 : -1;
}

// ---- the whole file ---------------------------------------------------------------------------

/// The TSDL text of `path`, unpacked from metadata packets when it is packetized (CTF §7.1).
static char *metadata_text(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 1 << 16, n = 0;
    uint8_t *raw = malloc(cap);
    size_t got;
    while (raw && (got = fread(raw + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) { uint8_t *r = realloc(raw, cap *= 2); if (!r) { free(raw); raw = NULL; } else raw = r; }
    }
    fclose(f);
    if (!raw) return NULL;
    uint32_t magic = n >= 4 ? (uint32_t)raw[0] | (uint32_t)raw[1] << 8 | (uint32_t)raw[2] << 16 | (uint32_t)raw[3] << 24 : 0;
    if (magic != 0x75D11D57u) { *len = n; return (char *)raw; }
    char *text = malloc(n + 1);
    size_t out = 0;
    for (size_t at = 0; text && at + 37 <= n;) {
        uint32_t content, packet;
        memcpy(&content, raw + at + 24, 4);
        memcpy(&packet, raw + at + 28, 4);
        if (content % 8 || packet % 8 || content / 8 < 37 || content > packet || at + packet / 8 > n
            || raw[at + 32] || raw[at + 33] || raw[at + 34]) {  // compressed, encrypted or checksummed
            free(text);
            text = NULL;
            break;
        }
        memcpy(text + out, raw + at + 37, content / 8 - 37);
        out += content / 8 - 37;
        at += packet / 8;
    }
    free(raw);
    *len = out;
    return text;
}

static int fail(char *why, size_t whylen, const char *what) {
    snprintf(why, whylen, "%s", what);
    return -1;
}

static int event_block(nat_metadata *m, const entry *e, size_t n, char *why, size_t whylen) {
    const entry *name = find(e, n, "name"), *fields = find(e, n, "fields"), *id = find(e, n, "id"), *sid = find(e, n, "stream_id");
    if (!name || find(e, n, "context")) return fail(why, whylen, "event without name, or with a context");
    nat_class *c = &m->classes[m->nclasses];
    char text[256];
    unquote(name->value, text, sizeof text);
    c->name = dup_text(&m->arena, text);
    int64_t v = 0;
    if (id && (number(id->value, &v) || v < 0 || v > 65535)) return fail(why, whylen, "event id out of range");
    c->id = (uint64_t)v;
    v = 0;
    if (sid && (number(sid->value, &v) || v < 0)) return fail(why, whylen, "bad stream_id");
    nat_stream_class *s = stream_class(m, (uint64_t)v);
    if (!s) return fail(why, whylen, "event of an undeclared stream");
    c->align = 1;
    const type *t = fields ? fields->type : NULL;
    if (t && (t->t != T_STRUCT || t->nmembers > NAT_MAX_FIELDS)) return fail(why, whylen, "unsupported payload");
    for (size_t i = 0; t && i < t->nmembers; i++) {
        const type *f = t->members[i].type;
        nat_field *nf = &c->fields[c->nfields++];
        const char *fname = t->members[i].name;
        nf->name = dup_text(&m->arena, fname[0] == '_' ? fname + 1 : fname);
        if (f->t == T_STRING) {
            nf->kind = NAT_STRING;
            nf->align = 1;
        } else if (byte_integer(f)) {
            nf->kind = f->is_signed ? NAT_SINT : NAT_UINT;
            nf->bytes = (uint8_t)(f->size / 8);
            nf->align = (uint8_t)(f->align / 8);
        } else {
            return fail(why, whylen, "payload field of an unsupported type");
        }
        if (nf->align > c->align) c->align = nf->align;
    }
    if (t && t->align / 8 > c->align) c->align = t->align / 8;
    if (c->id >= s->nids) {
        // Doubling: growing by one id per event would allocate quadratically (the arena keeps
        // every old table), gigabytes for a few thousand events of rising ids near 65535.
        size_t nids = (size_t)c->id + 1;
        if (nids < 2 * s->nids) nids = 2 * s->nids;
        nat_class **b = alloc(&m->arena, nids * sizeof *b);
        if (!b) return fail(why, whylen, "out of memory");
        if (s->nids) memcpy(b, s->by_id, s->nids * sizeof *b);
        s->by_id = b;
        s->nids = nids;
    }
    if (s->by_id[c->id]) return fail(why, whylen, "two events with one id");
    s->by_id[c->id] = c;
    c->kind = FT_CTF_UNREGISTERED;
    m->nclasses++;
    return 0;
}

static int stream_block(nat_metadata *m, const entry *e, size_t n, char *why, size_t whylen) {
    for (size_t i = 0; i < n; i++)
        if (strcmp(e[i].key, "id") && strcmp(e[i].key, "event.header") && strcmp(e[i].key, "packet.context"))
            return fail(why, whylen, "stream with an event context or other extras");
    const entry *id = find(e, n, "id");
    int64_t v = 0;
    if (id && (number(id->value, &v) || v < 0)) return fail(why, whylen, "bad stream id");
    if (stream_class(m, (uint64_t)v) || m->nstreams == 16) return fail(why, whylen, "too many or duplicate streams");
    nat_stream_class *s = &m->streams[m->nstreams];
    memset(s, 0, sizeof *s);
    s->id = (uint64_t)v;
    const entry *ctx = find(e, n, "packet.context"), *eh = find(e, n, "event.header");
    static const char *const names[] = {"timestamp_begin", "timestamp_end", "content_size", "packet_size", "events_discarded"};
    nat_slot got[5] = {{0, 0}};
    uint32_t end = 0;
    if (!ctx || slots(ctx->type, m->header_size, &end, names, got, 5)) return fail(why, whylen, "unsupported packet context");
    s->ts_begin = got[0]; s->ts_end = got[1]; s->content_size = got[2]; s->packet_size = got[3]; s->discarded = got[4];
    if (!s->content_size.bytes || !s->packet_size.bytes || !s->ts_begin.bytes || !s->ts_end.bytes)
        return fail(why, whylen, "packet context without sizes or timestamps");
    for (int k = 0; k < 5; k++)
        if (!integer_slot(got[k])) return fail(why, whylen, "packet context field of an unsupported width");
    if (!eh || event_header(eh->type, &s->large_header)) return fail(why, whylen, "unsupported event header");
    s->events_start = align_up(end, eh->type->align / 8 ? eh->type->align / 8 : 1);
    m->nstreams++;
    return 0;
}

int nat_metadata_read(const char *dir, nat_metadata *m, char *why, size_t whylen) {
    memset(m, 0, sizeof *m);
    char path[4096];
    snprintf(path, sizeof path, "%s/metadata", dir);
    size_t len = 0;
    char *text = metadata_text(path, &len);
    if (!text) return fail(why, whylen, "metadata unreadable, or packetized in an unsupported way");
    parser P = {.p = text, .end = text + len, .arena = &m->arena};
    m->streams = alloc(&m->arena, 16 * sizeof *m->streams);
    size_t capclasses = 4096;
    m->classes = alloc(&m->arena, capclasses * sizeof *m->classes);
    int clocks = 0, traces = 0, rc = 0;
    entry *e = malloc(MAX_ENTRIES * sizeof *e);
    if (!m->streams || !m->classes || !e) { rc = fail(why, whylen, "out of memory"); goto out; }
    lex(&P);
    while (rc == 0 && P.kind != TK_EOF) {
        size_t n = 0;
        if (is(&P, "typealias")) {
            lex(&P);
            type *t = parse_type(&P);
            char alias[256];
            if (!t || expect(&P, ":=") || words(&P, alias, sizeof alias, NULL, 0) < 1 || expect(&P, ";") || define(&P, alias, t))
                rc = fail(why, whylen, "bad typealias");
        } else if (is(&P, "struct") || is(&P, "enum") || is(&P, "variant")) {
            if (!parse_type(&P) || expect(&P, ";")) rc = fail(why, whylen, "bad declaration");
        } else if (is(&P, "env") || is(&P, "callsite")) {
            lex(&P);
            if (block(&P, e, &n)) rc = fail(why, whylen, "bad env block");
        } else if (is(&P, "clock")) {
            lex(&P);
            if (block(&P, e, &n) || ++clocks > 1) { rc = fail(why, whylen, "several clocks"); break; }
            const entry *freq = find(e, n, "freq"), *os = find(e, n, "offset_s"), *o = find(e, n, "offset");
            int64_t f = 1000000000, s = 0, c = 0;
            if ((freq && number(freq->value, &f)) || f != 1000000000 || (os && number(os->value, &s)) || (o && number(o->value, &c)))
                rc = fail(why, whylen, "clock not at 1 GHz");
            else if (__builtin_mul_overflow(s, (int64_t)1000000000, &s) || __builtin_add_overflow(s, c, &m->clock_offset_ns))
                rc = fail(why, whylen, "clock offset out of range");
        } else if (is(&P, "trace")) {
            lex(&P);
            if (block(&P, e, &n) || ++traces > 1) { rc = fail(why, whylen, "bad trace block"); break; }
            const entry *bo = find(e, n, "byte_order"), *uuid = find(e, n, "uuid"), *ph = find(e, n, "packet.header");
            if (!bo || strcmp(bo->value, "le")) { rc = fail(why, whylen, "not little-endian"); break; }
            if (uuid) {
                char u[64];
                unquote(uuid->value, u, sizeof u);
                if (parse_uuid(u, m->uuid)) { rc = fail(why, whylen, "bad uuid"); break; }
                m->has_uuid = 1;
            }
            static const char *const names[] = {"magic", "uuid", "stream_id", "stream_instance_id"};
            nat_slot got[4] = {{0, 0}};
            if (!ph || slots(ph->type, 0, &m->header_size, names, got, 4) || got[0].bytes != 4
                || (got[1].bytes && got[1].bytes != 16) || got[2].bytes == 0 || !integer_slot(got[2]) || !integer_slot(got[3]))
                rc = fail(why, whylen, "unsupported packet header");
            m->magic = got[0]; m->uuid_slot = got[1]; m->stream_id = got[2]; m->instance = got[3];
        } else if (is(&P, "stream")) {
            lex(&P);
            if (!traces) { rc = fail(why, whylen, "stream before trace"); break; }
            if (block(&P, e, &n)) rc = fail(why, whylen, "bad stream block");
            else rc = stream_block(m, e, n, why, whylen);
        } else if (is(&P, "event")) {
            lex(&P);
            if (m->nclasses == capclasses) { rc = fail(why, whylen, "too many event classes"); break; }
            if (block(&P, e, &n)) rc = fail(why, whylen, "bad event block");
            else rc = event_block(m, e, n, why, whylen);
        } else {
            rc = fail(why, whylen, "unsupported TSDL declaration");
        }
        if (rc == 0 && P.error) rc = fail(why, whylen, P.error);
    }
    if (rc == 0 && (!traces || !m->nstreams)) rc = fail(why, whylen, "no trace or stream declared");
out:
    free(e);
    free(text);
    if (rc) nat_metadata_free(m);
    return rc;
}

void nat_metadata_free(nat_metadata *m) {
    for (chunk *b = m->arena; b;) {
        chunk *next = b->next;
        free(b);
        b = next;
    }
    m->arena = NULL;
}
