/*
 * hand.h: handwriting recognition through zinnia, for the kiosk's
 * handwriting pad. No SDL here: the UI passes the finger's points in pad
 * pixels and draws the candidates it reads back.
 *
 * One character at a time: ime_hand_begin gives the pad's size, then each
 * stroke is a run of ime_hand_stroke_point calls closed by
 * ime_hand_stroke_end (or one ime_hand_add_stroke). After every stroke, and
 * after ime_hand_undo, the candidates are worked out again, best first;
 * ime_hand_candidates reads them. The UI commits the one tapped and calls
 * ime_hand_clear (or ime_hand_begin) for the next character.
 *
 * The model is Debian's Simplified Chinese one (tegaki-zinnia-simplified-
 * chinese, IME_HAND_MODEL, 6763 characters). It is read from a read-only
 * mapping of the file, checked whole before zinnia sees it, so a truncated
 * or damaged file is refused with a message rather than crashing the
 * kiosk. Zinnia models are little-endian; so are x86 and arm64.
 *
 * Each finished stroke is reduced to the points zinnia's own feature
 * extraction would pick (its recursive split at the farthest point, kept to
 * the depth its features use), so a long scribble costs no more than a
 * neat stroke and cannot make zinnia's recursion run away.
 */
#ifndef EW_IME_HAND_H
#define EW_IME_HAND_H

#include <stddef.h>

#include "ew.h"

#define IME_HAND_MODEL "/usr/share/tegaki/models/zinnia/handwriting-zh_CN.model"
#define IME_HAND_NBEST 20       /* candidates kept after each stroke */
#define IME_HAND_STROKES_MAX 64 /* strokes one character may have */
#define IME_HAND_CHAR_MAX 8     /* bytes for one candidate (UTF-8), NUL included */

/* A recognizer with the character being written. */
typedef struct ImeHand ImeHand;

/* Loads the zinnia model at model_path (NULL: IME_HAND_MODEL). NULL with
 * err set when it is missing (EW_ENOTFOUND, naming the Debian package) or
 * not a zinnia model / damaged (EW_ECORRUPT). Free with ime_hand_close. */
ImeHand *ime_hand_open(const char *model_path, EwErr *err);
/* Frees the recognizer (NULL is fine). */
void ime_hand_close(ImeHand *hand);

/* Starts a new character on a pad width x height pixels (each 1..100000;
 * EW_EINPUT otherwise), dropping any strokes and candidates. */
int ime_hand_begin(ImeHand *hand, int width, int height);
/* Adds a point to the stroke being drawn (starting one if none is).
 * Points off the pad are moved to its edge. EW_ESTATE before
 * ime_hand_begin or when the character already has IME_HAND_STROKES_MAX
 * strokes. */
int ime_hand_stroke_point(ImeHand *hand, int x, int y);
/* Ends the stroke being drawn and recognises again: the number of
 * candidates (>= 0). EW_ESTATE when no stroke was being drawn. */
int ime_hand_stroke_end(ImeHand *hand);
/* A whole stroke at once: n points as x, y pairs. As stroke_point calls
 * followed by stroke_end. */
int ime_hand_add_stroke(ImeHand *hand, const int (*points)[2], size_t n);
/* Removes the last stroke (or the one being drawn) and recognises again:
 * the number of candidates, as they were before that stroke. EW_ESTATE
 * when there is no stroke. */
int ime_hand_undo(ImeHand *hand);
/* Drops all strokes and candidates (the pad size stays). */
void ime_hand_clear(ImeHand *hand);

/* Finished strokes of the current character. */
int ime_hand_strokes(const ImeHand *hand);
/* Copies up to n candidates, best first, into out (NUL-terminated UTF-8)
 * and their scores (higher is better; may be NULL) into scores. Returns how
 * many were copied. */
int ime_hand_candidates(const ImeHand *hand, int n, char out[][IME_HAND_CHAR_MAX],
                        float *scores);

#endif
