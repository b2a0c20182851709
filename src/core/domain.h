/*
 * domain.h: the fixed vocabularies of the domain, as data tables
 * (DESIGN.md §2): appeal categories, grades, statuses, sources, people's
 * roles and evaluation ratings, each with its key (used in records, JSON and
 * the command line) and its Chinese name (used on screens and in ledgers).
 */
#ifndef EW_DOMAIN_H
#define EW_DOMAIN_H

typedef struct Term {
    const char *key; /* stable key in records and JSON */
    const char *zh;  /* Simplified Chinese name */
    const char *en;  /* English name */
} Term;

extern const Term DOMAIN_CATEGORIES[];   /* street_light 路灯 ... other 其他 */
extern const Term DOMAIN_GRADES[];       /* green 绿, blue 蓝, orange 橙 */
extern const Term DOMAIN_STATUSES[];     /* received ... solved */
extern const Term DOMAIN_SOURCES[];      /* kiosk, meeting, staff, ledger */
extern const Term DOMAIN_ROLES[];        /* secretary ... leader */
extern const Term DOMAIN_RATINGS[];      /* excellent ... unknown */

/* Finds a term by key or by any of its names (exact); NULL when none.
 * Tables end with a {NULL} entry. */
const Term *domain_find(const Term *table, const char *key_or_name);
/* Index of a key in its table, -1 when absent. */
int domain_index(const Term *table, const char *key);
/* Number of entries. */
int domain_count(const Term *table);

#endif
