/*
 * draw.h: the few shapes the kiosk draws, on any SDL renderer.
 *
 * Rounded rectangles are filled scanline by scanline with an anti-aliased
 * edge pixel, which the software renderer does quickly and every renderer
 * draws the same, so screenshots compare across machines.
 */
#ifndef EW_DRAW_H
#define EW_DRAW_H

#include <SDL.h>
#include <stdint.h>

/* 0xRRGGBB colours as in UI.md, with an alpha. */
SDL_Color rgb(uint32_t hex);
SDL_Color rgba(uint32_t hex, uint8_t a);

void draw_fill(SDL_Renderer *r, SDL_Rect rc, SDL_Color c);
/* A filled rectangle with corners of radius rad (clamped to fit). */
void draw_round(SDL_Renderer *r, SDL_Rect rc, int rad, SDL_Color c);
/* A soft shadow under a rounded rectangle: a few faint rings. */
void draw_shadow(SDL_Renderer *r, SDL_Rect rc, int rad, int spread);
/* An outline of width w. */
void draw_round_outline(SDL_Renderer *r, SDL_Rect rc, int rad, int w, SDL_Color c);
/* A card: a rounded rectangle of colour bg with a bar of width bar and
 * colour barc along its left edge (each pixel filled once). */
void draw_barred(SDL_Renderer *r, SDL_Rect rc, int rad, int bar, SDL_Color barc, SDL_Color bg);
/* A filled circle. */
void draw_circle(SDL_Renderer *r, int cx, int cy, int rad, SDL_Color c);

#endif
