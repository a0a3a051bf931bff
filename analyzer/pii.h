/*
 * pii.h — the personal data of rule content.privacy (SPEC §6.3): resident
 * ID numbers, mainland mobile numbers and bank card numbers, found in the
 * ORIGINAL message text (normalization would merge digit runs that the
 * sender kept apart).  ASCII and full-width digits (０-９) both count.
 *
 * What is recognized (the exact rules, decoys included, are in pii.c):
 *   - ID card: 17 digits and a check digit (0-9, X, x, Ｘ, ｘ) valid by
 *     GB 11643, a province code, a real birth date from 1900 to today;
 *     contiguous, or written 6-8-4 with one separator.
 *   - Mobile: 1[3-9] and 9 more digits, contiguous or 3-4-4 with one kind
 *     of separator; optionally after +86 / ＋86 / 0086 (attached or with one
 *     separator), which the reported span includes.
 *   - Bank card: 16-19 digits with a card-scheme prefix (IIN) and a valid
 *     Luhn digit; contiguous or in groups of 4 with one kind of separator.
 * Separators: space, '-', U+00A0, U+3000, '－'.  Contiguous numbers must be
 * a whole digit run (a phone number inside a 15-digit run is not one);
 * grouped numbers must be the whole chain of groups joined by that
 * separator.
 */
#ifndef CA_PII_H
#define CA_PII_H

#include "ca.h"

typedef enum { CA_PII_ID_CARD, CA_PII_MOBILE, CA_PII_BANK_CARD } ca_pii_kind;

typedef struct ca_pii {
    ca_pii_kind kind;
    size_t start, end; /* byte offsets in the scanned text */
    /* The number as ASCII, NUL-terminated, separators and +86 prefix left
     * out, check letter as 'X': for masking in reports. */
    char digits[20];
} ca_pii;

/* Called once per number found; p is valid for the call only.  Returns
 * nonzero to stop the scan. */
typedef int (*ca_pii_fn)(void *ud, const ca_pii *p);

/* Scans text[0..len) (UTF-8; invalid bytes are simply not digits) and
 * calls fn for every number found, in order of start offset; found numbers
 * never overlap.  Allocates nothing; thread-safe.  Returns the number
 * reported, including the one whose callback stopped the scan. */
size_t ca_pii_scan(const char *text, size_t len, ca_pii_fn fn, void *ud);

/*
 * Masks every number ca_pii_scan finds in text[0..len), in place: each
 * ASCII digit of a number but its first 3 and last 4 becomes '*'
 * (110105198806150032 → 110***********0032, 13911086523 → 139****6523), so
 * reports that are emailed around do not republish what the finding is
 * about.  The length and every other byte stay as they were (offsets into
 * the text stay valid).  Returns how many numbers were masked.
 */
size_t ca_pii_mask(char *text, size_t len);

/* "id_card", "mobile", "bank_card"; "unknown" for other values.  Static
 * strings. */
const char *ca_pii_kind_name(ca_pii_kind kind);

/* Returns 1 when digits18 (17 ASCII digits and a digit, 'X' or 'x') is a
 * valid resident ID number: province code, birth date between 1900-01-01
 * and today, GB 11643 check digit; 0 otherwise. */
int ca_pii_id_valid(const char digits18[18]);

/* Returns 1 when the n ASCII digits pass the Luhn check (n >= 2), 0
 * otherwise (also for any non-digit). */
int ca_luhn_valid(const char *digits, size_t n);

#endif
