/*
 * code.h: appeal tracking codes, e.g. H07-A3K9V.
 *
 * A code is the hall code (H01..H99), a dash, the minting device's slot
 * character, a per-device counter in base 31 (at least three characters)
 * and a check character. The alphabet has 31 characters with no 0/O, 1/I
 * and no Z (2-like):  23456789ABCDEFGHJKLMNPQRSTUVWXY.
 *
 * Check: every character before the check gets a value (hall: 'H' = 17 and
 * digits their value; the rest: their index in the alphabet) and a weight
 * (2, 3, 4... from the left); the check character's value makes
 * sum(weight * value) + check = 0 (mod 31). 31 is prime and the weights are
 * distinct and non-zero mod 31, so every single wrong character and every
 * swap of two neighbours changes the sum: none is taken for another appeal.
 *
 * Slots: hall devices use letters (A..Y without I and O), office devices use
 * digits 2..9, and the office gives every device of a hall a slot of its
 * own, so two devices can never mint the same code.
 */
#ifndef EW_CODE_H
#define EW_CODE_H

#include <stdint.h>

#include "ew.h"

#define CODE_MAX 24
#define CODE_ALPHABET "23456789ABCDEFGHJKLMNPQRSTUVWXY"

/* Writes the code for (hall, slot, counter) into out. -1 when the hall code
 * or slot is invalid or the counter negative. */
int code_make(const char *hall, char slot, int64_t counter, char out[CODE_MAX]);
/* Reads a typed code: trims spaces, upper-cases, checks the shape and the
 * check character. On success writes the canonical code into out; on
 * failure returns EW_EINPUT with a message that says what is wrong. */
int code_normalize(const char *in, char out[CODE_MAX], EwErr *err);
/* Splits a canonical code; returns -1 when it is not one. */
int code_parse(const char *code, char hall[4], char *slot, int64_t *counter);

/* True for a well-formed hall code "H01".."H99". */
int code_hall_valid(const char *hall);
/* True for a slot character the given role may hold. */
int code_slot_valid(const char *role, char slot);

#endif
