/*
 * matcher.c — Aho–Corasick over UTF-8 bytes plus PCRE2 patterns, one pass.
 *
 * Representation.  While terms are added they go into a plain trie (first
 * child / next sibling lists kept sorted by byte, with a 256-entry child
 * table for the root).  ca_matcher_build turns it into an automaton whose
 * states are of two kinds:
 *
 *   - dense: the root, and any state with more than 8 children, gets a
 *     256-entry row of the complete DFA (missing edges resolved through
 *     the fail links at build time, so a dense state never fails);
 *   - sparse: every other state is a small record: its children's bytes
 *     packed in one 64-bit word (padded with the last byte), its fail
 *     link, and its children, 16 + 4 × children bytes.  The child on byte
 *     c is found with a few ALU operations on the word (no loop), and sits
 *     in the same cache line.
 *
 * A state is named by a tagged 32-bit value: a flag for "dense" and the
 * row number, or the record's offset; and a flag for "a term ends on this
 * state's suffix chain".  Rows, records and fail links all hold tagged
 * values, so a byte costs one memory access on a dense state (the row
 * entry is the next state, flags included) and one on a sparse state that
 * has the byte; only a miss on a sparse state costs a fail hop, and the
 * hops end at the latest at the root, whose row answers every byte.
 * Whether to report anything is a test of the tag, not a load.
 *
 * Why this split: in UTF-8 Chinese text the fan-out sits in the first bytes
 * of a character.  The root sees every lead byte, and the states one or two
 * bytes into a character have up to 64 children (the continuation bytes);
 * those few states get rows (1 KiB each, a few hundred for 10 000 terms).
 * Past the first character fan-out collapses to one or two children, where
 * a row would waste 1 KiB per state on ~100 000 states while a record of
 * 24 bytes answers as fast.  A double-array trie would be smaller but
 * needs two dependent accesses per byte (base, then check), and a full DFA
 * over all states would need ~100 000 rows, far beyond the caches.
 *
 * The output link of a state is the nearest state on its suffix chain
 * (itself included) where a term ends; term length is the depth of that
 * state, so every occurrence, overlapping ones too, is reported with its
 * start without storing the term.  Byte matching is exact on UTF-8: a term
 * starts with a lead byte, which never equals a continuation byte, so a
 * valid term only ever matches on character boundaries of valid text.
 *
 * Three-byte characters in one step.  Byte by byte, a Chinese character
 * costs three dependent lookups (the root's row, the row of the state one
 * byte in, then that state's child), and whether each lands on a row or a
 * record is a branch the CPU guesses wrong about once a character.  When
 * every term is valid UTF-8, most characters are taken whole instead:
 * the state after character X = b0 b1 b2 is the longest suffix of the text
 * so far that is a prefix of a term; no such suffix begins at b1 or b2
 * (no valid term begins with a continuation byte), so it is either X
 * itself from the root, or s·X for a suffix s that the current state's
 * suffix chain lists.  Each state keeps a 64-bit filter ("follow") with
 * bit b2 & 63 set for every character X such that s·X is a term prefix for
 * some s on its chain (the root excepted).  When X's bit is clear, the
 * next state is the one X leads to from the root, looked up by code point
 * in a table that depends on the text only (chars_at) — so the lookup does
 * not wait for the previous state, and no term can end inside X (a valid
 * term ends on a character boundary).  When the bit is set (a term goes
 * on, or a collision), the three bytes go the byte way.  Terms that are
 * not valid UTF-8 turn the shortcut off for the whole matcher.
 *
 * Patterns are scanned one after the other, each lazily: a cursor per
 * pattern holds its next match, and a small heap keyed by end offset
 * interleaves them with the automaton's hits, so the callback sees one
 * stream ordered by end offset and no memory is allocated during a scan.
 */
#include <stdio.h>
#include <string.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include "matcher.h"

#define AC_NONE UINT32_MAX
#define AC_MAX_STATES (1u << 28)
#define SPARSE_MAX 8 /* children that fit the label word */

/* Tagged state values. */
#define T_DENSE 0x80000000u /* the value is a row number */
#define T_OUT 0x40000000u   /* a term ends on the state's suffix chain */
#define T_VAL 0x3FFFFFFFu   /* row number, or record offset in 8-byte units */
#define T_ROOT T_DENSE      /* row 0 */

#define ONES 0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

/* Build-time trie node. */
typedef struct trie_node {
    uint32_t child;   /* first child, AC_NONE if none (root: see root_child) */
    uint32_t sibling; /* next sibling, larger label; AC_NONE at the end */
    uint32_t id;      /* term id, valid when term is set */
    uint32_t dups;    /* further ids of the term: a list in dups, newest first */
    uint8_t label;    /* byte on the edge from the parent */
    uint8_t term;     /* a term ends here */
} trie_node;

/* A further id of a term added more than once with different ids. */
typedef struct dup_id {
    uint32_t id, next; /* next: older entry of the same term, or AC_NONE */
} dup_id;

/* A sparse state, 8-byte aligned inside the record area. */
typedef struct ac_rec {
    uint64_t labels;   /* children's bytes in order, padded with the last */
    uint64_t follow;   /* characters that may go on from the state: see follows */
    uint32_t fail;     /* tagged */
    uint32_t info;     /* state number | children << 28 */
    uint32_t child[];  /* tagged, in label order */
} ac_rec;

#define REC_STATE 0x0FFFFFFFu

/* What every match of a pattern needs somewhere in the text: see
 * rx_prefilter_parse. */
enum { PRE_NONE, PRE_LITERALS, PRE_DIGITS };

typedef struct rx_pat {
    pcre2_code *code;
    uint32_t id;
    int jit; /* JIT-compiled: matched with pcre2_jit_match (no per-call checks) */
    int pre; /* PRE_*: the text is tested before the pattern is run */
    char *lits;     /* PRE_LITERALS: the literals, each NUL-terminated, then a NUL */
    size_t digits;  /* PRE_DIGITS: that many \d in a row */
} rx_pat;

struct ca_matcher {
    /* build time */
    trie_node *trie;
    size_t n_trie, cap_trie;
    uint32_t root_child[256];
    /* scan time */
    int built;
    uint32_t *rows;      /* dense rows, 256 tagged values each; row 0 = root */
    size_t n_rows;
    uint64_t *recs;      /* sparse records */
    size_t n_recs;       /* in 8-byte units */
    uint32_t *row_state; /* per row: its state number */
    uint64_t *row_follow; /* per row: as ac_rec.follow */
    /* three-byte characters from the root (chars_at); NULL when some term
     * is not valid UTF-8 */
    uint16_t *char_block; /* 256 entries: code point >> 8 -> block number */
    uint32_t *char_state; /* blocks of 256 tagged states; block 0 all root */
    size_t n_char_blocks;
    int all_valid;        /* every term added so far is valid UTF-8 */
    /* per state number (breadth-first order), for reporting only */
    size_t n_states;
    uint32_t *out;       /* first state of the output chain, or AC_NONE */
    uint32_t *out_next;  /* next state of the output chain, or AC_NONE */
    uint32_t *term_id;
    uint32_t *depth;     /* = length of the term ending there */
    uint32_t *more;      /* per state: offset in ids of its further ids, or
                          * AC_NONE; NULL when no term has more than one id */
    uint32_t *ids;       /* at an offset: count, then the ids in order added */
    size_t n_ids;
    dup_id *dups;        /* build time */
    size_t n_dups, cap_dups;
    /* both */
    size_t n_terms, max_len;
    rx_pat *pats;
    size_t n_pats, cap_pats;
    pcre2_general_context *gctx;
};

/* PCRE2 allocates through the choke point too (except JIT code pages,
 * which it maps itself). */
static void *pcre_alloc(size_t n, void *ud)
{
    (void)ud;
    return ca_malloc(n);
}

static void pcre_free(void *p, void *ud)
{
    (void)ud;
    ca_free(p);
}

ca_matcher *ca_matcher_new(void)
{
    ca_matcher *m = ca_calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->gctx = pcre2_general_context_create(pcre_alloc, pcre_free, NULL);
    m->trie = ca_malloc(64 * sizeof *m->trie);
    if (!m->gctx || !m->trie) {
        pcre2_general_context_free(m->gctx);
        ca_free(m->trie);
        ca_free(m);
        return NULL;
    }
    m->cap_trie = 64;
    m->n_trie = 1;
    m->all_valid = 1;
    m->trie[0] = (trie_node){AC_NONE, AC_NONE, 0, AC_NONE, 0, 0};
    for (int c = 0; c < 256; c++)
        m->root_child[c] = AC_NONE;
    return m;
}

static void free_scan_tables(ca_matcher *m)
{
    ca_free(m->rows);
    ca_free(m->recs);
    ca_free(m->row_state);
    ca_free(m->row_follow);
    ca_free(m->char_block);
    ca_free(m->char_state);
    m->row_follow = NULL;
    m->char_block = NULL;
    m->char_state = NULL;
    m->n_char_blocks = 0;
    ca_free(m->out);
    ca_free(m->out_next);
    ca_free(m->term_id);
    ca_free(m->depth);
    ca_free(m->more);
    ca_free(m->ids);
    m->more = m->ids = NULL;
    m->n_ids = 0;
    m->rows = NULL;
    m->recs = NULL;
    m->row_state = m->out = m->out_next = m->term_id = m->depth = NULL;
    m->n_rows = m->n_recs = m->n_states = 0;
}

void ca_matcher_free(ca_matcher *m)
{
    if (!m)
        return;
    free_scan_tables(m);
    ca_free(m->trie);
    ca_free(m->dups);
    for (size_t i = 0; i < m->n_pats; i++) {
        pcre2_code_free(m->pats[i].code);
        ca_free(m->pats[i].lits);
    }
    ca_free(m->pats);
    pcre2_general_context_free(m->gctx);
    ca_free(m);
}

static size_t utf8_valid_prefix(const unsigned char *p, size_t n);

/* Makes room for n more trie nodes; 0 or -1. */
static int trie_reserve(ca_matcher *m, size_t n)
{
    if (n >= AC_MAX_STATES - m->n_trie)
        return -1; /* more states than a tagged value can name */
    if (m->n_trie + n <= m->cap_trie)
        return 0;
    size_t cap = m->cap_trie * 2;
    while (cap < m->n_trie + n)
        cap *= 2;
    trie_node *t = ca_realloc(m->trie, cap * sizeof *t);
    if (!t)
        return -1;
    m->trie = t;
    m->cap_trie = cap;
    return 0;
}

static uint32_t trie_new_node(ca_matcher *m, uint8_t label, uint32_t sibling)
{
    uint32_t k = (uint32_t)m->n_trie++;
    m->trie[k] = (trie_node){AC_NONE, sibling, 0, AC_NONE, label, 0};
    return k;
}

/* Child of node cur on byte b, created if missing (room is reserved). */
static uint32_t trie_child(ca_matcher *m, uint32_t cur, uint8_t b)
{
    if (cur == 0) {
        if (m->root_child[b] == AC_NONE)
            m->root_child[b] = trie_new_node(m, b, AC_NONE);
        return m->root_child[b];
    }
    uint32_t *link = &m->trie[cur].child;
    while (*link != AC_NONE && m->trie[*link].label < b)
        link = &m->trie[*link].sibling;
    if (*link != AC_NONE && m->trie[*link].label == b)
        return *link;
    uint32_t k = trie_new_node(m, b, *link);
    /* trie_new_node cannot move the array: room was reserved, so link is
     * still valid */
    *link = k;
    return k;
}

int ca_matcher_add(ca_matcher *m, const char *term, size_t len, uint32_t id)
{
    if (!m || m->built)
        return -1;
    if (len == 0)
        return 0;
    if (trie_reserve(m, len) != 0)
        return -1;
    const unsigned char *p = (const unsigned char *)term;
    uint32_t cur = 0;
    for (size_t i = 0; i < len; i++)
        cur = trie_child(m, cur, p[i]);
    if (m->all_valid && utf8_valid_prefix(p, len) != len)
        m->all_valid = 0;
    trie_node *t = &m->trie[cur];
    if (!t->term) {
        t->term = 1;
        t->id = id;
        m->n_terms++;
        if (len > m->max_len)
            m->max_len = len;
        return 0;
    }
    /* the term again: a further id, unless it has that one already */
    if (t->id == id)
        return 0;
    for (uint32_t d = t->dups; d != AC_NONE; d = m->dups[d].next)
        if (m->dups[d].id == id)
            return 0;
    if (m->n_dups >= AC_MAX_STATES)
        return -1;
    if (m->n_dups == m->cap_dups) {
        size_t cap = m->cap_dups ? m->cap_dups * 2 : 16;
        dup_id *nd = ca_realloc(m->dups, cap * sizeof *nd);
        if (!nd)
            return -1;
        m->dups = nd;
        m->cap_dups = cap;
    }
    m->dups[m->n_dups] = (dup_id){id, t->dups};
    t->dups = (uint32_t)m->n_dups++;
    return 0;
}

static void set_err(char *err, size_t errlen, const char *msg)
{
    if (err && errlen) {
        strncpy(err, msg, errlen - 1);
        err[errlen - 1] = '\0';
    }
}

/* Whether p[0..) after a leading lookahead holds no alternation at its
 * top level, so that every match passes the lookahead; 0 when unsure
 * (\Q, option settings, a class or group left open). */
static int rx_one_branch(const char *p)
{
    int depth = 0;
    for (; *p; p++) {
        if (*p == '\\') {
            if (p[1] == 'Q' || p[1] == '\0')
                return 0;
            p++;
        } else if (*p == '[') {
            p++;
            if (*p == '^')
                p++;
            if (*p == ']')
                p++;
            for (; *p != ']'; p++) {
                if (*p == '\0' || (*p == '[' && p[1] == ':'))
                    return 0;
                if (*p == '\\' && !*++p)
                    return 0;
            }
        } else if (*p == '(') {
            if (p[1] == '?' && !strchr(":=!<", p[2]))
                return 0; /* (?i), (?x), (?|, (?(, ... */
            if (p[1] == '?' && p[2] == '<' && p[3] != '=' && p[3] != '!')
                return 0;
            if (p[1] == '*')
                return 0;
            depth++;
        } else if (*p == ')') {
            if (--depth < 0)
                return 0;
        } else if (*p == '|' && depth == 0) {
            return 0;
        }
    }
    return depth == 0;
}

/* Recognizes a pattern that begins ^(?=.*?(?:L1|L2|...)) or ^(?=.*?\d{N})
 * with literals L of letters, digits and non-ASCII characters and no
 * alternation after the lookahead.  ^ holds only at the start of the
 * searched stretch, so every match needs the lookahead to succeed there:
 * one of the literals, or N characters of \d, in the text.  A text that
 * has none cannot match, and the pattern is not run on it
 * (rx_prefilter_pass).  Anything else gets no prefilter. */
static void rx_prefilter_parse(rx_pat *pt, const char *pattern)
{
    static const char head[] = "^(?=.*?";
    pt->pre = PRE_NONE;
    if (strncmp(pattern, head, sizeof head - 1) != 0)
        return;
    const char *p = pattern + sizeof head - 1;
    if (strncmp(p, "\\d{", 3) == 0) {
        size_t n = 0;
        for (p += 3; *p >= '0' && *p <= '9' && n < 1000; p++)
            n = n * 10 + (size_t)(*p - '0');
        if (n == 0 || strncmp(p, "})", 2) != 0 || !rx_one_branch(p + 2))
            return;
        pt->pre = PRE_DIGITS;
        pt->digits = n;
        return;
    }
    int group = strncmp(p, "(?:", 3) == 0;
    if (group)
        p += 3;
    const char *start = p;
    for (; *p && *p != ')'; p++) {
        unsigned char c = (unsigned char)*p;
        int plain = c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    (c >= '0' && c <= '9');
        if (!plain && !(group && c == '|'))
            return;
        if (c == '|' && (p == start || p[-1] == '|'))
            return; /* an empty alternative matches anywhere */
    }
    if (p == start || p[-1] == '|' || *p != ')' || (group && p[1] != ')'))
        return;
    const char *end = p;
    if (!rx_one_branch(end + 1 + group))
        return;
    size_t n = (size_t)(end - start);
    char *lits = ca_malloc(n + 2);
    if (!lits)
        return; /* no prefilter: slower, same matches */
    for (size_t i = 0; i < n; i++)
        lits[i] = start[i] == '|' ? '\0' : start[i];
    lits[n] = lits[n + 1] = '\0';
    pt->lits = lits;
    pt->pre = PRE_LITERALS;
}

int ca_matcher_add_regex(ca_matcher *m, const char *pattern, uint32_t id, char *err,
                         size_t errlen)
{
    if (!m || m->built) {
        set_err(err, errlen, "matcher already built");
        return -1;
    }
    if (m->n_pats == m->cap_pats) {
        size_t cap = m->cap_pats ? m->cap_pats * 2 : 8;
        rx_pat *np = ca_realloc(m->pats, cap * sizeof *np);
        if (!np) {
            set_err(err, errlen, "out of memory");
            return -1;
        }
        m->pats = np;
        m->cap_pats = cap;
    }
    pcre2_compile_context *cctx = pcre2_compile_context_create(m->gctx);
    if (!cctx) {
        set_err(err, errlen, "out of memory");
        return -1;
    }
    int code_err = 0;
    PCRE2_SIZE off = 0;
    pcre2_code *code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
                                     PCRE2_UTF | PCRE2_UCP, &code_err, &off, cctx);
    pcre2_compile_context_free(cctx);
    if (!code) {
        if (code_err == PCRE2_ERROR_HEAP_FAILED) {
            set_err(err, errlen, "out of memory");
            return -1;
        }
        PCRE2_UCHAR msg[256];
        if (pcre2_get_error_message(code_err, msg, sizeof msg) < 0)
            strcpy((char *)msg, "unknown error");
        if (err && errlen)
            snprintf(err, errlen, "offset %zu: %s", (size_t)off, (const char *)msg);
        return -1;
    }
    /* Without JIT (unsupported CPU, no memory for code pages) the pattern
     * still works through the interpreter, only slower. */
    size_t jit_size = 0;
    int jit = pcre2_jit_compile(code, PCRE2_JIT_COMPLETE) == 0 &&
              pcre2_pattern_info(code, PCRE2_INFO_JITSIZE, &jit_size) == 0 && jit_size > 0;
    m->pats[m->n_pats] = (rx_pat){code, id, jit, PRE_NONE, NULL, 0};
    rx_prefilter_parse(&m->pats[m->n_pats++], pattern);
    return 0;
}

static inline const ac_rec *rec_at(const uint64_t *recs, uint32_t q)
{
    return (const ac_rec *)(const void *)(recs + (q & T_VAL));
}

/* The next state from tagged state q on byte c.  The label word holds the
 * children's bytes padded with the last one, so the first byte equal to c
 * is the child; the zero-byte test flags it exactly (its false positives
 * only ever sit above a true zero byte).  A leaf's word never matches. */
static inline uint32_t ac_next(const uint32_t *rows, const uint64_t *recs, uint32_t q,
                               unsigned char c)
{
    for (;;) {
        if (q & T_DENSE)
            return rows[(size_t)(q & T_VAL) * 256 + c];
        const ac_rec *r = rec_at(recs, q);
        uint64_t x = r->labels ^ (ONES * c);
        uint64_t t = (x - ONES) & ~x & HIGHS & -(uint64_t)(r->info > REC_STATE);
        if (t)
            return r->child[__builtin_ctzll(t) >> 3];
        q = r->fail;
    }
}

/* State number of tagged state q. */
static inline uint32_t state_of(const ca_matcher *m, uint32_t q)
{
    return q & T_DENSE ? m->row_state[q & T_VAL] : rec_at(m->recs, q)->info & REC_STATE;
}

static uint32_t trie_count_children(const ca_matcher *m, uint32_t k)
{
    uint32_t n = 0;
    if (k == 0) {
        for (int c = 0; c < 256; c++)
            n += m->root_child[c] != AC_NONE;
        return n;
    }
    for (uint32_t c = m->trie[k].child; c != AC_NONE; c = m->trie[c].sibling)
        n++;
    return n;
}

/* Build-time view of the automaton by state number (breadth-first). */
typedef struct build {
    uint32_t *order;  /* state -> trie node */
    uint32_t *parent; /* state -> parent state */
    uint8_t *label;   /* state -> byte on the edge into it */
    uint32_t *first;  /* state -> first child state (children are consecutive) */
    uint32_t *nkids;  /* state -> number of children */
    uint32_t *fail;   /* state -> fail state */
    uint32_t *row;    /* state -> row number, or AC_NONE when sparse */
    uint32_t *tag;    /* state -> tagged value */
    uint32_t *srow;   /* dense rows by state number, before tagging */
    uint64_t *follow; /* state -> follow filter (ac_rec.follow) */
} build;

static void build_free(build *b)
{
    ca_free(b->order);
    ca_free(b->parent);
    ca_free(b->label);
    ca_free(b->first);
    ca_free(b->nkids);
    ca_free(b->fail);
    ca_free(b->row);
    ca_free(b->tag);
    ca_free(b->srow);
    ca_free(b->follow);
}

/* The complete transition from state s on byte c, by state numbers; the
 * rows of every state visited must be complete. */
static uint32_t build_step(const build *b, uint32_t s, unsigned char c)
{
    for (;;) {
        if (b->row[s] != AC_NONE)
            return b->srow[(size_t)b->row[s] * 256 + c];
        for (uint32_t j = 0; j < b->nkids[s]; j++)
            if (b->label[b->first[s] + j] == c)
                return b->first[s] + j;
        s = b->fail[s];
    }
}

/* Whether child state d of the build has a label that is a continuation
 * byte. */
static inline int cont_label(const build *b, uint32_t d) { return (b->label[d] & 0xC0) == 0x80; }

/* Calls fn for every three-byte character (a lead byte 0xE0-0xEF and two
 * continuation bytes) that goes from state k to a state: d1, d2 and d3
 * are the states after each of its bytes. */
static void each_char(const build *b, uint32_t k,
                      void (*fn)(void *ud, const build *b, uint32_t d1, uint32_t d2, uint32_t d3),
                      void *ud)
{
    for (uint32_t j = 0; j < b->nkids[k]; j++) {
        uint32_t d1 = b->first[k] + j;
        if ((b->label[d1] & 0xF0) != 0xE0)
            continue;
        for (uint32_t j2 = 0; j2 < b->nkids[d1]; j2++) {
            uint32_t d2 = b->first[d1] + j2;
            if (!cont_label(b, d2))
                continue;
            for (uint32_t j3 = 0; j3 < b->nkids[d2]; j3++) {
                uint32_t d3 = b->first[d2] + j3;
                if (cont_label(b, d3))
                    fn(ud, b, d1, d2, d3);
            }
        }
    }
}

/* The character's code point. */
static uint32_t char_of(const build *b, uint32_t d1, uint32_t d2, uint32_t d3)
{
    return (b->label[d1] & 0x0Fu) << 12 | (b->label[d2] & 0x3Fu) << 6 | (b->label[d3] & 0x3Fu);
}

/* each_char callbacks: a follow filter's bit; the block of a character
 * the root goes on with; the state it leads the root to. */
static void note_follow(void *ud, const build *b, uint32_t d1, uint32_t d2, uint32_t d3)
{
    (void)d1;
    (void)d2;
    *(uint64_t *)ud |= 1ULL << (b->label[d3] & 63);
}

static void note_block(void *ud, const build *b, uint32_t d1, uint32_t d2, uint32_t d3)
{
    ca_matcher *m = ud;
    uint32_t hi = char_of(b, d1, d2, d3) >> 8;
    if (m->char_block[hi] == 0)
        m->char_block[hi] = (uint16_t)m->n_char_blocks++;
}

static void note_state(void *ud, const build *b, uint32_t d1, uint32_t d2, uint32_t d3)
{
    ca_matcher *m = ud;
    uint32_t cp = char_of(b, d1, d2, d3);
    m->char_state[(size_t)m->char_block[cp >> 8] * 256 + (cp & 255)] = b->tag[d3];
}

/* The three-byte character shortcut (see the top of the file): each
 * state's follow filter, and the states the root reaches by one character
 * (char_block, char_state).  Needs the fail links, and tags without T_OUT
 * yet to be or'ed in later (the tables are filled after the tags are
 * final: see fill_chars).  Leaves the shortcut off (every filter all ones,
 * no tables) when some term is not valid UTF-8.  0, or -1 on out of
 * memory. */
static int build_follow(ca_matcher *m, const build *b)
{
    size_t n = m->n_states;
    if (!m->all_valid) {
        for (size_t k = 0; k < n; k++)
            b->follow[k] = ~0ULL;
        return 0;
    }
    /* own characters first, then or'ed along the suffix chain: in
     * breadth-first order a state's fail state is done before it */
    b->follow[0] = 0;
    for (size_t k = 1; k < n; k++) {
        uint64_t own = 0;
        each_char(b, (uint32_t)k, note_follow, &own);
        b->follow[k] = own | (b->fail[k] ? b->follow[b->fail[k]] : 0);
    }
    /* the blocks of 256 code points where a term begins with a
     * three-byte character */
    m->char_block = ca_calloc(256, sizeof *m->char_block);
    if (!m->char_block)
        return -1;
    m->n_char_blocks = 1;
    each_char(b, 0, note_block, m);
    m->char_state = ca_malloc(m->n_char_blocks * 256 * sizeof *m->char_state);
    if (!m->char_state)
        return -1;
    return 0;
}

/* Fills char_state with the final tags: the state the root reaches by
 * each three-byte character, the root itself where no term begins with it. */
static void fill_chars(ca_matcher *m, const build *b)
{
    if (!m->char_state)
        return;
    for (size_t i = 0; i < m->n_char_blocks * 256; i++)
        m->char_state[i] = T_ROOT;
    each_char(b, 0, note_state, m);
}

int ca_matcher_build(ca_matcher *m)
{
    if (!m)
        return -1;
    if (m->built)
        return 0;
    size_t n = m->n_trie;
    build b = {0};
    b.order = ca_malloc(n * sizeof *b.order);
    b.parent = ca_malloc(n * sizeof *b.parent);
    b.label = ca_malloc(n);
    b.first = ca_malloc(n * sizeof *b.first);
    b.nkids = ca_malloc(n * sizeof *b.nkids);
    b.fail = ca_malloc(n * sizeof *b.fail);
    b.row = ca_malloc(n * sizeof *b.row);
    b.tag = ca_malloc(n * sizeof *b.tag);
    b.follow = ca_malloc(n * sizeof *b.follow);
    m->out = ca_malloc(n * sizeof *m->out);
    m->out_next = ca_malloc(n * sizeof *m->out_next);
    m->term_id = ca_malloc(n * sizeof *m->term_id);
    m->depth = ca_malloc(n * sizeof *m->depth);
    if (!b.order || !b.parent || !b.label || !b.first || !b.nkids || !b.fail || !b.row ||
        !b.tag || !b.follow || !m->out || !m->out_next || !m->term_id || !m->depth)
        goto oom;
    m->n_states = n;

    /* Breadth-first numbering: children of a state become consecutive,
     * and every state a link can point to comes before the state. */
    size_t head = 0, tail = 1, n_rows = 0, n_recs = 0;
    b.order[0] = b.parent[0] = 0;
    b.label[0] = 0;
    m->depth[0] = 0;
    while (head < tail) {
        uint32_t k = (uint32_t)head++;
        uint32_t old = b.order[k];
        b.first[k] = (uint32_t)tail;
        b.nkids[k] = trie_count_children(m, old);
        m->term_id[k] = m->trie[old].id;
        m->out[k] = m->trie[old].term ? k : AC_NONE;
        for (uint32_t ch = old == 0 ? AC_NONE : m->trie[old].child, c = 0;;) {
            if (old == 0) { /* the root's children come from its table */
                while (c < 256 && m->root_child[c] == AC_NONE)
                    c++;
                if (c == 256)
                    break;
                ch = m->root_child[c++];
            } else if (ch == AC_NONE) {
                break;
            }
            b.order[tail] = ch;
            b.parent[tail] = k;
            b.label[tail] = m->trie[ch].label;
            m->depth[tail] = m->depth[k] + 1;
            tail++;
            if (old != 0)
                ch = m->trie[ch].sibling;
        }
        if (k == 0 || b.nkids[k] > SPARSE_MAX) {
            b.row[k] = (uint32_t)n_rows++;
            b.tag[k] = T_DENSE | b.row[k];
        } else {
            b.row[k] = AC_NONE;
        }
    }
    for (size_t k = 0; k < n; k++)
        if (b.row[k] == AC_NONE) {
            b.tag[k] = (uint32_t)n_recs;
            n_recs += 3 + (b.nkids[k] + 1) / 2;
        }
    if (n_recs > T_VAL || n_rows > T_VAL)
        goto oom;
    b.srow = ca_malloc(n_rows * 256 * sizeof *b.srow);
    m->rows = ca_malloc(n_rows * 256 * sizeof *m->rows);
    m->row_state = ca_malloc(n_rows * sizeof *m->row_state);
    m->row_follow = ca_malloc(n_rows * sizeof *m->row_follow);
    m->recs = ca_calloc(n_recs ? n_recs : 1, sizeof *m->recs);
    if (!b.srow || !m->rows || !m->row_state || !m->row_follow || !m->recs)
        goto oom;
    if (m->n_dups) { /* further ids: per state an offset into ids */
        m->more = ca_malloc(n * sizeof *m->more);
        m->ids = ca_malloc((m->n_dups * 2) * sizeof *m->ids);
        if (!m->more || !m->ids)
            goto oom;
        for (size_t k = 0; k < n; k++) {
            uint32_t d = m->trie[b.order[k]].dups;
            m->more[k] = AC_NONE;
            if (d == AC_NONE || !m->trie[b.order[k]].term)
                continue;
            size_t at = m->n_ids++, cnt = 0;
            for (; d != AC_NONE; d = m->dups[d].next)
                m->ids[m->n_ids + cnt++] = m->dups[d].id;
            /* the list is newest first: reverse it into the order added */
            for (size_t i = 0; i < cnt / 2; i++) {
                uint32_t x = m->ids[m->n_ids + i];
                m->ids[m->n_ids + i] = m->ids[m->n_ids + cnt - 1 - i];
                m->ids[m->n_ids + cnt - 1 - i] = x;
            }
            m->ids[at] = (uint32_t)cnt;
            m->more[k] = (uint32_t)at;
            m->n_ids += cnt;
        }
    }
    m->n_rows = n_rows;
    m->n_recs = n_recs;

    /* Fail links, output links and complete rows, in breadth-first order:
     * whatever a state's links depend on is shallower, hence done. */
    b.fail[0] = 0;
    for (int c = 0; c < 256; c++)
        b.srow[c] = 0;
    for (uint32_t j = 0; j < b.nkids[0]; j++)
        b.srow[b.label[b.first[0] + j]] = b.first[0] + j;
    for (size_t k = 1; k < n; k++) {
        uint32_t p = b.parent[k];
        uint32_t f = p == 0 ? 0 : build_step(&b, b.fail[p], b.label[k]);
        b.fail[k] = f;
        if (m->out[k] == AC_NONE)
            m->out[k] = m->out[f];
        if (b.row[k] != AC_NONE) {
            uint32_t *row = b.srow + (size_t)b.row[k] * 256;
            for (int c = 0; c < 256; c++)
                row[c] = build_step(&b, f, (unsigned char)c);
            for (uint32_t j = 0; j < b.nkids[k]; j++)
                row[b.label[b.first[k] + j]] = b.first[k] + j;
        }
    }
    if (build_follow(m, &b) != 0)
        goto oom;
    for (size_t k = 0; k < n; k++) {
        m->out_next[k] = m->out[b.fail[k]];
        if (k == 0)
            m->out_next[k] = AC_NONE;
        if (m->out[k] != AC_NONE)
            b.tag[k] |= T_OUT;
    }
    /* The scan-time tables, in tagged values. */
    for (size_t i = 0; i < n_rows * 256; i++)
        m->rows[i] = b.tag[b.srow[i]];
    for (size_t k = 0; k < n; k++) {
        if (b.row[k] != AC_NONE) {
            m->row_state[b.row[k]] = (uint32_t)k;
            m->row_follow[b.row[k]] = b.follow[k];
            continue;
        }
        ac_rec *r = (ac_rec *)(void *)(m->recs + (b.tag[k] & T_VAL));
        uint32_t nk = b.nkids[k];
        r->fail = b.tag[b.fail[k]];
        r->follow = b.follow[k];
        r->info = (uint32_t)k | nk << 28;
        r->labels = 0;
        for (uint32_t j = 0; j < SPARSE_MAX && nk; j++)
            r->labels |= (uint64_t)b.label[b.first[k] + (j < nk ? j : nk - 1)] << (8 * j);
        for (uint32_t j = 0; j < nk; j++)
            r->child[j] = b.tag[b.first[k] + j];
    }
    fill_chars(m, &b);
    build_free(&b);
    ca_free(m->trie);
    m->trie = NULL;
    m->n_trie = m->cap_trie = 0;
    ca_free(m->dups);
    m->dups = NULL;
    m->n_dups = m->cap_dups = 0;
    m->built = 1;
    return 0;
oom:
    build_free(&b);
    free_scan_tables(m);
    return -1;
}

size_t ca_matcher_count(const ca_matcher *m) { return m ? m->n_terms + m->n_pats : 0; }
size_t ca_matcher_max_term_len(const ca_matcher *m) { return m ? m->max_len : 0; }
size_t ca_matcher_pattern_count(const ca_matcher *m) { return m ? m->n_pats : 0; }

size_t ca_matcher_memory(const ca_matcher *m)
{
    if (!m)
        return 0;
    size_t bytes = sizeof *m + m->cap_trie * sizeof *m->trie + m->cap_pats * sizeof *m->pats;
    bytes += m->n_rows * (256 * sizeof *m->rows + sizeof *m->row_state + sizeof *m->row_follow);
    if (m->char_block)
        bytes += 256 * sizeof *m->char_block + m->n_char_blocks * 256 * sizeof *m->char_state;
    bytes += m->n_recs * sizeof *m->recs;
    bytes += m->n_states * 4 * sizeof(uint32_t); /* out, out_next, term_id, depth */
    bytes += (m->more ? m->n_states : 0) * sizeof *m->more + m->n_ids * sizeof *m->ids;
    bytes += m->cap_dups * sizeof *m->dups;
    for (size_t i = 0; i < m->n_pats; i++) {
        size_t sz = 0;
        if (pcre2_pattern_info(m->pats[i].code, PCRE2_INFO_SIZE, &sz) == 0)
            bytes += sz;
        if (pcre2_pattern_info(m->pats[i].code, PCRE2_INFO_JITSIZE, &sz) == 0)
            bytes += sz;
    }
    return bytes;
}

/* ---- patterns ---------------------------------------------------------- */

typedef struct rx_cursor {
    size_t start, end;         /* the pending match */
    size_t off;                /* where the next search starts */
    size_t seg_start, seg_end; /* the valid UTF-8 stretch being searched */
} rx_cursor;

struct ca_match_scratch {
    const ca_matcher *m;
    pcre2_match_data *md;
    pcre2_match_context *mctx;
    pcre2_jit_stack *jit;
    rx_cursor *cur;
    uint32_t *heap; /* pattern numbers with a pending match, min end first */
    size_t n_heap;
    size_t failures;
};

ca_match_scratch *ca_match_scratch_new(const ca_matcher *m)
{
    if (!m || !m->built)
        return NULL;
    ca_match_scratch *s = ca_calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->m = m;
    if (m->n_pats == 0)
        return s;
    s->md = pcre2_match_data_create(1, m->gctx);
    s->mctx = pcre2_match_context_create(m->gctx);
    s->jit = pcre2_jit_stack_create(32 * 1024, 1024 * 1024, m->gctx);
    s->cur = ca_malloc(m->n_pats * sizeof *s->cur);
    s->heap = ca_malloc(m->n_pats * sizeof *s->heap);
    if (!s->md || !s->mctx || !s->cur || !s->heap) {
        ca_match_scratch_free(s);
        return NULL;
    }
    /* without a JIT stack of its own PCRE2 uses 32 KiB on the machine
     * stack, which still works for ordinary patterns */
    if (s->jit)
        pcre2_jit_stack_assign(s->mctx, NULL, s->jit);
    return s;
}

void ca_match_scratch_free(ca_match_scratch *s)
{
    if (!s)
        return;
    pcre2_match_data_free(s->md);
    pcre2_match_context_free(s->mctx);
    pcre2_jit_stack_free(s->jit);
    ca_free(s->cur);
    ca_free(s->heap);
    ca_free(s);
}

size_t ca_match_scratch_failures(const ca_match_scratch *s) { return s ? s->failures : 0; }

/* Length of the longest prefix of p[0..n) that is valid UTF-8 by the rules
 * PCRE2 checks (no overlongs, surrogates or code points past U+10FFFF), so
 * that searching it with PCRE2_NO_UTF_CHECK is safe. */
static size_t utf8_valid_prefix(const unsigned char *p, size_t n)
{
    size_t i = 0;
    while (i < n) {
        while (i + 8 <= n) {
            uint64_t w;
            memcpy(&w, p + i, 8);
            if (w & 0x8080808080808080ULL)
                break;
            i += 8;
        }
        if (i >= n)
            break;
        unsigned c = p[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        /* the common case in Chinese text: a three-byte character from
         * U+1000 up, not a surrogate (E1..EC, EE, EF lead bytes) */
        if (c >= 0xE1 && c != 0xED && c <= 0xEF && i + 2 < n && (p[i + 1] & 0xC0) == 0x80 &&
            (p[i + 2] & 0xC0) == 0x80) {
            i += 3;
            continue;
        }
        size_t need;
        unsigned lo = 0x80, hi = 0xBF;
        if (c >= 0xC2 && c <= 0xDF)
            need = 1;
        else if (c >= 0xE0 && c <= 0xEF) {
            need = 2;
            if (c == 0xE0)
                lo = 0xA0;
            else if (c == 0xED)
                hi = 0x9F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            need = 3;
            if (c == 0xF0)
                lo = 0x90;
            else if (c == 0xF4)
                hi = 0x8F;
        } else
            return i;
        if (i + need >= n)
            return i;
        if (p[i + 1] < lo || p[i + 1] > hi)
            return i;
        for (size_t k = 2; k <= need; k++)
            if ((p[i + k] & 0xC0) != 0x80)
                return i;
        i += need + 1;
    }
    return n;
}

/* Moves cursor c to the next valid stretch at or after c->seg_end; 0 when
 * the text is exhausted. */
static int rx_next_segment(rx_cursor *c, const unsigned char *text, size_t len)
{
    size_t pos = c->seg_end;
    while (pos < len) {
        size_t v = utf8_valid_prefix(text + pos, len - pos);
        if (v) {
            c->seg_start = c->off = pos;
            c->seg_end = pos + v;
            return 1;
        }
        pos++;
    }
    return 0;
}

/* Finds the next non-empty match of pattern k at or after its cursor's
 * offset.  Returns 1 with the match in the cursor, or 0 when there is none
 * (or the search failed, which is counted). */
static int rx_seek(const ca_matcher *m, ca_match_scratch *s, size_t k, const char *text,
                   size_t len)
{
    rx_cursor *c = &s->cur[k];
    const unsigned char *u = (const unsigned char *)text;
    for (;;) {
        if (c->off >= c->seg_end && !rx_next_segment(c, u, len))
            return 0;
        int rc = m->pats[k].jit
                     ? pcre2_jit_match(m->pats[k].code, u + c->seg_start, c->seg_end - c->seg_start,
                                       c->off - c->seg_start, PCRE2_NOTEMPTY, s->md, s->mctx)
                     : pcre2_match(m->pats[k].code, u + c->seg_start, c->seg_end - c->seg_start,
                                   c->off - c->seg_start, PCRE2_NOTEMPTY | PCRE2_NO_UTF_CHECK,
                                   s->md, s->mctx);
        if (rc == PCRE2_ERROR_NOMATCH) {
            c->off = c->seg_end;
            continue;
        }
        if (rc < 0) {
            s->failures++;
            return 0;
        }
        const PCRE2_SIZE *ov = pcre2_get_ovector_pointer(s->md);
        size_t a = c->seg_start + ov[0], b = c->seg_start + ov[1];
        if (a > b) /* \K in a lookahead can put the start past the end */
            a = b;
        if (b > c->off) {
            c->start = a;
            c->end = b;
            c->off = b;
            if (b > a)
                return 1;
            continue;
        }
        /* no progress (only possible with \K tricks): step one character */
        c->off++;
        while (c->off < c->seg_end && (u[c->off] & 0xC0) == 0x80)
            c->off++;
    }
}

static inline int rx_less(const ca_match_scratch *s, uint32_t a, uint32_t b)
{
    const rx_cursor *x = &s->cur[a], *y = &s->cur[b];
    return x->end < y->end || (x->end == y->end && a < b);
}

static void heap_down(ca_match_scratch *s, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, best = i;
        if (l < s->n_heap && rx_less(s, s->heap[l], s->heap[best]))
            best = l;
        if (r < s->n_heap && rx_less(s, s->heap[r], s->heap[best]))
            best = r;
        if (best == i)
            return;
        uint32_t t = s->heap[i];
        s->heap[i] = s->heap[best];
        s->heap[best] = t;
        i = best;
    }
}

/* The decimal digits (\d in UCP mode, general category Nd) beyond ASCII:
 * Unicode 14 (what Python's unicodedata gave) plus the digits Unicode 15
 * and 16 added, so that a newer PCRE2 finds no digit missing here (a
 * range too many only lets a text through to the pattern).
 * test_matcher.digit_table_covers_pcre2 checks every code point. */
static const uint32_t nd_ranges[][2] = {
    {0x660, 0x669},     {0x6F0, 0x6F9},     {0x7C0, 0x7C9},     {0x966, 0x96F},
    {0x9E6, 0x9EF},     {0xA66, 0xA6F},     {0xAE6, 0xAEF},     {0xB66, 0xB6F},
    {0xBE6, 0xBEF},     {0xC66, 0xC6F},     {0xCE6, 0xCEF},     {0xD66, 0xD6F},
    {0xDE6, 0xDEF},     {0xE50, 0xE59},     {0xED0, 0xED9},     {0xF20, 0xF29},
    {0x1040, 0x1049},   {0x1090, 0x1099},   {0x17E0, 0x17E9},   {0x1810, 0x1819},
    {0x1946, 0x194F},   {0x19D0, 0x19D9},   {0x1A80, 0x1A89},   {0x1A90, 0x1A99},
    {0x1B50, 0x1B59},   {0x1BB0, 0x1BB9},   {0x1C40, 0x1C49},   {0x1C50, 0x1C59},
    {0xA620, 0xA629},   {0xA8D0, 0xA8D9},   {0xA900, 0xA909},   {0xA9D0, 0xA9D9},
    {0xA9F0, 0xA9F9},   {0xAA50, 0xAA59},   {0xABF0, 0xABF9},   {0xFF10, 0xFF19},
    {0x104A0, 0x104A9}, {0x10D30, 0x10D39}, {0x10D40, 0x10D49}, {0x11066, 0x1106F},
    {0x110F0, 0x110F9}, {0x11136, 0x1113F}, {0x111D0, 0x111D9}, {0x112F0, 0x112F9},
    {0x11450, 0x11459}, {0x114D0, 0x114D9}, {0x11650, 0x11659}, {0x116C0, 0x116C9},
    {0x116D0, 0x116E3}, {0x11730, 0x11739}, {0x118E0, 0x118E9}, {0x11950, 0x11959},
    {0x11BF0, 0x11BF9}, {0x11C50, 0x11C59}, {0x11D50, 0x11D59}, {0x11DA0, 0x11DA9},
    {0x11F50, 0x11F59}, {0x16130, 0x16139}, {0x16A60, 0x16A69}, {0x16AC0, 0x16AC9},
    {0x16B50, 0x16B59}, {0x16D70, 0x16D79}, {0x1CCF0, 0x1CCF9}, {0x1D7CE, 0x1D7FF},
    {0x1E140, 0x1E149}, {0x1E2F0, 0x1E2F9}, {0x1E4F0, 0x1E4F9}, {0x1E5F1, 0x1E5FA},
    {0x1E950, 0x1E959}, {0x1FBF0, 0x1FBF9},
};

int ca_matcher_is_digit(uint32_t cp)
{
    if (cp >= '0' && cp <= '9')
        return 1;
    size_t lo = 0, hi = CA_ARRAY_LEN(nd_ranges);
    while (lo < hi) { /* the first range that ends at or after cp */
        size_t mid = (lo + hi) / 2;
        if (nd_ranges[mid][1] < cp)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < CA_ARRAY_LEN(nd_ranges) && nd_ranges[lo][0] <= cp;
}

/* Bytes that need a closer look in a search for \d: ASCII digits, and
 * every byte that may begin a multi-byte digit or is not valid UTF-8 at
 * all — every byte from C0 up but the lead bytes E2..E9 and EB..EE
 * (U+2000..U+9FFF, U+B000..U+EFFF hold no decimal digit). */
static const uint8_t digit_look[256] = {
    ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1,
    ['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1,
    [0xC0] = 1, [0xC1] = 1, [0xC2] = 1, [0xC3] = 1, [0xC4] = 1, [0xC5] = 1, [0xC6] = 1,
    [0xC7] = 1, [0xC8] = 1, [0xC9] = 1, [0xCA] = 1, [0xCB] = 1, [0xCC] = 1, [0xCD] = 1,
    [0xCE] = 1, [0xCF] = 1, [0xD0] = 1, [0xD1] = 1, [0xD2] = 1, [0xD3] = 1, [0xD4] = 1,
    [0xD5] = 1, [0xD6] = 1, [0xD7] = 1, [0xD8] = 1, [0xD9] = 1, [0xDA] = 1, [0xDB] = 1,
    [0xDC] = 1, [0xDD] = 1, [0xDE] = 1, [0xDF] = 1, [0xE0] = 1, [0xE1] = 1, [0xEA] = 1,
    [0xEF] = 1, [0xF0] = 1, [0xF1] = 1, [0xF2] = 1, [0xF3] = 1, [0xF4] = 1, [0xF5] = 1,
    [0xF6] = 1, [0xF7] = 1, [0xF8] = 1, [0xF9] = 1, [0xFA] = 1, [0xFB] = 1, [0xFC] = 1,
    [0xFD] = 1, [0xFE] = 1, [0xFF] = 1,
};

/* Length of the digit at text[i..len) (a character \d matches), or 0 if
 * none begins there.  A malformed sequence is no digit: PCRE2 runs on
 * valid stretches only, so no run of digits goes across one. */
static size_t digit_at(const unsigned char *text, size_t i, size_t len)
{
    unsigned c = text[i];
    if (c < 0x80)
        return c >= '0' && c <= '9';
    size_t need = c >= 0xC2 && c <= 0xDF ? 1 : c >= 0xE0 && c <= 0xEF ? 2 : c >= 0xF0 && c <= 0xF4 ? 3 : 0;
    if (need == 0 || i + need >= len)
        return 0;
    uint32_t cp = c & (0x3Fu >> need);
    for (size_t k = 1; k <= need; k++) {
        if ((text[i + k] & 0xC0) != 0x80)
            return 0;
        cp = cp << 6 | (text[i + k] & 0x3Fu);
    }
    return ca_matcher_is_digit(cp) ? need + 1 : 0;
}

/* Whether text[0..len) holds n characters of \d in a row.  Eight bytes
 * without a byte worth a look (digit_look) hold no digit, nor the middle
 * of a run (a digit is at most four bytes long), and are skipped. */
static int has_digit_run(const unsigned char *text, size_t len, size_t n)
{
    size_t run = 0, i = 0;
    while (i < len) {
        if (i + 8 <= len) {
            const unsigned char *w = text + i;
            if (!(digit_look[w[0]] | digit_look[w[1]] | digit_look[w[2]] | digit_look[w[3]] |
                  digit_look[w[4]] | digit_look[w[5]] | digit_look[w[6]] | digit_look[w[7]])) {
                run = 0;
                i += 8;
                continue;
            }
        }
        /* byte by byte to the end of this block of eight (a digit may run
         * past it) */
        for (size_t end = i + 8 < len ? i + 8 : len; i < end;) {
            size_t d = digit_look[text[i]] ? digit_at(text, i, len) : 0;
            if (!d) {
                run = 0;
                i++;
                continue;
            }
            if (++run >= n)
                return 1;
            i += d;
        }
    }
    return 0;
}

/* Whether text[0..len) may hold what pattern pt needs (rx_prefilter_parse);
 * 0 only when it certainly does not. */
static int rx_prefilter_pass(const rx_pat *pt, const unsigned char *text, size_t len)
{
    if (pt->pre == PRE_LITERALS) {
        for (const char *l = pt->lits; *l; l += strlen(l) + 1)
            if (memmem(text, len, l, strlen(l)))
                return 1;
        return 0;
    }
    if (pt->pre == PRE_DIGITS)
        return has_digit_run(text, len, pt->digits);
    return 1;
}

/* Starts every pattern on text; the heap holds those with a match. */
static void rx_begin(const ca_matcher *m, ca_match_scratch *s, const char *text, size_t len,
                     int valid)
{
    const unsigned char *u = (const unsigned char *)text;
    size_t first = valid ? len : utf8_valid_prefix(u, len);
    s->n_heap = 0;
    for (size_t k = 0; k < m->n_pats; k++) {
        rx_cursor *c = &s->cur[k];
        c->seg_start = c->off = 0;
        c->seg_end = first;
        if (rx_prefilter_pass(&m->pats[k], u, len) && rx_seek(m, s, k, text, len))
            s->heap[s->n_heap++] = (uint32_t)k;
    }
    for (size_t i = s->n_heap / 2; i-- > 0;)
        heap_down(s, i);
}

/* Reports pattern matches ending at or before limit.  Returns 1 when the
 * callback asked to stop. */
static int rx_emit(const ca_matcher *m, ca_match_scratch *s, const char *text, size_t len,
                   size_t limit, ca_match_fn fn, void *ud, size_t *reported)
{
    while (s->n_heap && s->cur[s->heap[0]].end <= limit) {
        uint32_t k = s->heap[0];
        ca_match mt = {s->cur[k].start, s->cur[k].end, m->pats[k].id};
        ++*reported;
        if (fn(ud, &mt))
            return 1;
        if (!rx_seek(m, s, k, text, len))
            s->heap[0] = s->heap[--s->n_heap];
        heap_down(s, 0);
    }
    return 0;
}

static inline size_t rx_next_end(const ca_match_scratch *s)
{
    return s && s->n_heap ? s->cur[s->heap[0]].end : SIZE_MAX;
}

/* Whether the character whose last byte is b2 may go on from tagged
 * state q (its follow filter has the bit): then the character is taken
 * byte by byte.  The pointer is chosen without a branch. */
static inline int follows(const ca_matcher *m, uint32_t q, unsigned b2)
{
    const uint64_t *f = q & T_DENSE ? &m->row_follow[q & T_VAL] : &rec_at(m->recs, q)->follow;
    return (int)(*f >> (b2 & 63) & 1);
}

/* The state the root reaches by the three-byte character b0 b1 b2. */
static inline uint32_t chars_at(const ca_matcher *m, unsigned b0, unsigned b1, unsigned b2)
{
    uint32_t cp = (b0 & 0x0Fu) << 12 | (b1 & 0x3Fu) << 6 | (b2 & 0x3Fu);
    return m->char_state[(size_t)m->char_block[cp >> 8] * 256 + (cp & 255)];
}

static size_t scan(const ca_matcher *m, ca_match_scratch *s, const char *text, size_t len,
                   ca_match_fn fn, void *ud, int valid)
{
    if (!m || !m->built)
        return 0;
    size_t reported = 0;
    if (s && s->m != m) {
        s->failures += m->n_pats; /* wrong scratch: patterns not run */
        s = NULL;
    }
    if (s && m->n_pats == 0)
        s = NULL;
    if (s)
        rx_begin(m, s, text, len, valid);
    size_t rx_end = rx_next_end(s);
    const unsigned char *p = (const unsigned char *)text;
    const uint32_t *rows = m->rows;
    const uint64_t *recs = m->recs;
    const int whole_chars = m->char_state != NULL;
    uint32_t q = T_ROOT;
    for (size_t i = 0; i < len;) {
        if (rx_end <= i) {
            if (rx_emit(m, s, text, len, i, fn, ud, &reported))
                return reported;
            rx_end = rx_next_end(s);
        }
        unsigned c = p[i];
        /* a three-byte character no term goes on with: one lookup (see the
         * top of the file); anything else, a byte */
        if (whole_chars && (c & 0xF0) == 0xE0 && i + 2 < len && (p[i + 1] & 0xC0) == 0x80 &&
            (p[i + 2] & 0xC0) == 0x80 && !follows(m, q, p[i + 2])) {
            q = chars_at(m, c, p[i + 1], p[i + 2]);
            i += 3;
        } else {
            q = ac_next(rows, recs, q, (unsigned char)c);
            i++;
        }
        if (!(q & T_OUT))
            continue;
        for (uint32_t o = m->out[state_of(m, q)]; o != AC_NONE; o = m->out_next[o]) {
            ca_match mt = {i - m->depth[o], i, m->term_id[o]};
            reported++;
            if (fn(ud, &mt))
                return reported;
            if (m->more && m->more[o] != AC_NONE) { /* the term's further ids */
                const uint32_t *l = m->ids + m->more[o];
                for (uint32_t j = 1; j <= l[0]; j++) {
                    mt.id = l[j];
                    reported++;
                    if (fn(ud, &mt))
                        return reported;
                }
            }
        }
    }
    if (s)
        rx_emit(m, s, text, len, SIZE_MAX, fn, ud, &reported);
    return reported;
}

size_t ca_matcher_scan(const ca_matcher *m, ca_match_scratch *s, const char *text, size_t len,
                       ca_match_fn fn, void *ud)
{
    return scan(m, s, text, len, fn, ud, 0);
}

size_t ca_matcher_scan_valid(const ca_matcher *m, ca_match_scratch *s, const char *text,
                             size_t len, ca_match_fn fn, void *ud)
{
    return scan(m, s, text, len, fn, ud, 1);
}
