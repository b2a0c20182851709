/*
 * draw.c: rectangles, rounded rectangles, shadows and circles.
 */
#include "draw.h"

#include <math.h>

SDL_Color rgb(uint32_t hex)
{
    return rgba(hex, 255);
}

SDL_Color rgba(uint32_t hex, uint8_t a)
{
    SDL_Color c = {(uint8_t)(hex >> 16), (uint8_t)(hex >> 8), (uint8_t)hex, a};
    return c;
}

static void set(SDL_Renderer *r, SDL_Color c)
{
    SDL_SetRenderDrawColor(r, c.r, c.g, c.b, c.a);
    SDL_SetRenderDrawBlendMode(r, c.a == 255 ? SDL_BLENDMODE_NONE : SDL_BLENDMODE_BLEND);
}

void draw_fill(SDL_Renderer *r, SDL_Rect rc, SDL_Color c)
{
    if (rc.w <= 0 || rc.h <= 0)
        return;
    set(r, c);
    SDL_RenderFillRect(r, &rc);
}

/* Inset of the corner arc at scanline dy (0 = the top row) and the
 * coverage of the pixel at the arc's edge. */
static void arc(int rad, int dy, int *inset, uint8_t *edge)
{
    double y = rad - dy - 0.5;
    double x = sqrt((double)rad * rad - y * y);
    double in = rad - x;
    *inset = (int)ceil(in);
    double cover = *inset - in;
    *edge = (uint8_t)(cover * 255.0 + 0.5);
}

void draw_round(SDL_Renderer *r, SDL_Rect rc, int rad, SDL_Color c)
{
    if (rc.w <= 0 || rc.h <= 0)
        return;
    if (rad > rc.w / 2)
        rad = rc.w / 2;
    if (rad > rc.h / 2)
        rad = rc.h / 2;
    if (rad <= 0) {
        draw_fill(r, rc, c);
        return;
    }
    SDL_Rect mid = {rc.x, rc.y + rad, rc.w, rc.h - 2 * rad};
    draw_fill(r, mid, c);
    for (int dy = 0; dy < rad; dy++) {
        int inset;
        uint8_t edge;
        arc(rad, dy, &inset, &edge);
        SDL_Rect top = {rc.x + inset, rc.y + dy, rc.w - 2 * inset, 1};
        SDL_Rect bot = {rc.x + inset, rc.y + rc.h - 1 - dy, rc.w - 2 * inset, 1};
        draw_fill(r, top, c);
        draw_fill(r, bot, c);
        if (inset > 0 && edge > 0) {
            SDL_Color e = c;
            e.a = (uint8_t)(c.a * edge / 255);
            set(r, e);
            SDL_RenderDrawPoint(r, rc.x + inset - 1, rc.y + dy);
            SDL_RenderDrawPoint(r, rc.x + rc.w - inset, rc.y + dy);
            SDL_RenderDrawPoint(r, rc.x + inset - 1, rc.y + rc.h - 1 - dy);
            SDL_RenderDrawPoint(r, rc.x + rc.w - inset, rc.y + rc.h - 1 - dy);
        }
    }
}

void draw_shadow(SDL_Renderer *r, SDL_Rect rc, int rad, int spread)
{
    /* Only the rings outside the shape: the shape itself covers the inside,
     * so blending under it would be wasted work on every frame. The shadow
     * falls a little downwards. */
    for (int i = 1; i <= spread; i++) {
        SDL_Color c = rgba(0x000000, (uint8_t)(16 / i + 2));
        int y0 = rc.y + rad, y1 = rc.y + rc.h - rad + i; /* the straight sides */
        SDL_Rect left = {rc.x - i, y0, 1, y1 - y0};
        SDL_Rect right = {rc.x + rc.w + i - 1, y0, 1, y1 - y0};
        SDL_Rect bottom = {rc.x + rad, rc.y + rc.h + i, rc.w - 2 * rad, 1};
        draw_fill(r, left, c);
        draw_fill(r, right, c);
        draw_fill(r, bottom, c);
        if (i == 1) { /* the lower corners, roughly */
            for (int k = 0; k < rad; k++) {
                int inset;
                uint8_t e;
                arc(rad, k, &inset, &e);
                SDL_Rect bl = {rc.x + inset - 1, rc.y + rc.h - k, 1, 1};
                SDL_Rect br = {rc.x + rc.w - inset, rc.y + rc.h - k, 1, 1};
                draw_fill(r, bl, c);
                draw_fill(r, br, c);
            }
        }
    }
}

void draw_round_outline(SDL_Renderer *r, SDL_Rect rc, int rad, int w, SDL_Color c)
{
    SDL_Rect t = {rc.x + rad, rc.y, rc.w - 2 * rad, w};
    SDL_Rect b = {rc.x + rad, rc.y + rc.h - w, rc.w - 2 * rad, w};
    SDL_Rect l = {rc.x, rc.y + rad, w, rc.h - 2 * rad};
    SDL_Rect rr = {rc.x + rc.w - w, rc.y + rad, w, rc.h - 2 * rad};
    draw_fill(r, t, c);
    draw_fill(r, b, c);
    draw_fill(r, l, c);
    draw_fill(r, rr, c);
    /* Corners: thin arcs drawn as points. */
    set(r, c);
    for (int a = 0; a < 90; a += 2) {
        double rad_a = a * 3.14159265358979 / 180.0;
        for (int k = 0; k < w; k++) {
            double rr2 = rad - k - 0.5;
            int dx = (int)lround(rr2 * cos(rad_a)), dy = (int)lround(rr2 * sin(rad_a));
            SDL_RenderDrawPoint(r, rc.x + rad - dx, rc.y + rad - dy);
            SDL_RenderDrawPoint(r, rc.x + rc.w - 1 - rad + dx, rc.y + rad - dy);
            SDL_RenderDrawPoint(r, rc.x + rad - dx, rc.y + rc.h - 1 - rad + dy);
            SDL_RenderDrawPoint(r, rc.x + rc.w - 1 - rad + dx, rc.y + rc.h - 1 - rad + dy);
        }
    }
}

void draw_barred(SDL_Renderer *r, SDL_Rect rc, int rad, int bar, SDL_Color barc, SDL_Color bg)
{
    SDL_Rect left = {rc.x, rc.y, bar + 2 * rad, rc.h};
    draw_round(r, left, rad, barc);
    SDL_Rect in = {rc.x + bar, rc.y, rc.w - bar, rc.h};
    draw_round(r, in, rad, bg);
    SDL_Rect square = {in.x, in.y, rad, in.h}; /* square where it meets the bar */
    draw_fill(r, square, bg);
}

void draw_circle(SDL_Renderer *r, int cx, int cy, int rad, SDL_Color c)
{
    SDL_Rect rc = {cx - rad, cy - rad, 2 * rad, 2 * rad};
    draw_round(r, rc, rad, c);
}
