/*
 * event.c: SDL events to app events (see event.h).
 */
#include "event.h"

#include <stdio.h>
#include <string.h>

void event_map_point(const EventMap *m, int wx, int wy, int *lx, int *ly)
{
    /* On the glass: a finger at the far edge reports 1.0 (the pixel one
     * past the last), and a drag may carry on past the window's edge. */
    if (m->win_w > 0)
        wx = wx < 0 ? 0 : wx >= m->win_w ? m->win_w - 1 : wx;
    if (m->win_h > 0)
        wy = wy < 0 ? 0 : wy >= m->win_h ? m->win_h - 1 : wy;
    /* Undo the rotation: the panel's pixel grid is the logical one turned. */
    int pw = m->rotation % 180 ? m->log_h : m->log_w; /* the panel as drawn */
    int ph = m->rotation % 180 ? m->log_w : m->log_h;
    double sx = m->win_w > 0 ? (double)pw / m->win_w : 1, sy = m->win_h > 0 ? (double)ph / m->win_h : 1;
    int x = (int)(wx * sx), y = (int)(wy * sy);
    switch (m->rotation) {
    case 90:
        *lx = y;
        *ly = m->log_h - 1 - x;
        break;
    case 180:
        *lx = m->log_w - 1 - x;
        *ly = m->log_h - 1 - y;
        break;
    case 270:
        *lx = m->log_w - 1 - y;
        *ly = x;
        break;
    default:
        *lx = x;
        *ly = y;
    }
}

static int key_of(SDL_Keycode k)
{
    switch (k) {
    case SDLK_RETURN:
    case SDLK_KP_ENTER:
        return KEY_RETURN;
    case SDLK_BACKSPACE:
        return KEY_BACKSPACE;
    case SDLK_ESCAPE:
        return KEY_ESCAPE;
    case SDLK_TAB:
        return KEY_TAB;
    case SDLK_LEFT:
        return KEY_LEFT;
    case SDLK_RIGHT:
        return KEY_RIGHT;
    case SDLK_UP:
        return KEY_UP;
    case SDLK_DOWN:
        return KEY_DOWN;
    case SDLK_HOME:
        return KEY_HOME;
    case SDLK_END:
        return KEY_END;
    case SDLK_DELETE:
        return KEY_DELETE;
    case SDLK_SPACE:
        return KEY_SPACE;
    default:
        if (k >= SDLK_F1 && k <= SDLK_F12)
            return KEY_F1 + (int)(k - SDLK_F1);
        return KEY_NONE;
    }
}

int event_from_sdl(const SDL_Event *e, EventMap *m, AppEvent *out)
{
    memset(out, 0, sizeof *out);
    switch (e->type) {
    case SDL_QUIT:
        out->type = EV_QUIT;
        return 1;
    case SDL_MOUSEBUTTONDOWN:
    case SDL_MOUSEBUTTONUP:
        if (e->button.which == SDL_TOUCH_MOUSEID || e->button.button != SDL_BUTTON_LEFT)
            return 0;
        out->type = e->type == SDL_MOUSEBUTTONDOWN ? EV_DOWN : EV_UP;
        event_map_point(m, e->button.x, e->button.y, &out->x, &out->y);
        return 1;
    case SDL_MOUSEMOTION:
        if (e->motion.which == SDL_TOUCH_MOUSEID || !(e->motion.state & SDL_BUTTON_LMASK))
            return 0;
        out->type = EV_MOVE;
        event_map_point(m, e->motion.x, e->motion.y, &out->x, &out->y);
        return 1;
    case SDL_FINGERDOWN:
    case SDL_FINGERMOTION:
    case SDL_FINGERUP: {
        if (e->type == SDL_FINGERDOWN) {
            /* A second finger is ignored, unless the one followed is gone
             * without a lift (a touch controller that reset mid-touch):
             * then the new finger is followed instead. */
            if (m->finger_down &&
                (!m->count_fingers || m->count_fingers(e->tfinger.touchId) > 1))
                return 0;
            m->finger = e->tfinger.fingerId;
            m->finger_down = 1;
        } else if (!m->finger_down || e->tfinger.fingerId != m->finger) {
            return 0;
        }
        if (e->type == SDL_FINGERUP)
            m->finger_down = 0;
        out->type = e->type == SDL_FINGERDOWN ? EV_DOWN : e->type == SDL_FINGERUP ? EV_UP : EV_MOVE;
        int wx = (int)(e->tfinger.x * m->win_w), wy = (int)(e->tfinger.y * m->win_h);
        event_map_point(m, wx, wy, &out->x, &out->y);
        return 1;
    }
    case SDL_MOUSEWHEEL:
        if (e->wheel.which == SDL_TOUCH_MOUSEID || e->wheel.y == 0)
            return 0;
        out->type = EV_WHEEL;
        out->y = e->wheel.direction == SDL_MOUSEWHEEL_FLIPPED ? -e->wheel.y : e->wheel.y;
        return 1;
    case SDL_KEYDOWN:
        out->type = EV_KEY;
        out->key = key_of(e->key.keysym.sym);
        return out->key != KEY_NONE;
    case SDL_TEXTINPUT:
        out->type = EV_TEXT;
        snprintf(out->text, sizeof out->text, "%s", e->text.text);
        return 1;
    default:
        return 0;
    }
}

int event_key_from_name(const char *name)
{
    static const struct {
        const char *n;
        int k;
    } names[] = {{"Return", KEY_RETURN}, {"BackSpace", KEY_BACKSPACE}, {"Escape", KEY_ESCAPE},
                 {"Tab", KEY_TAB},       {"Left", KEY_LEFT},           {"Right", KEY_RIGHT},
                 {"Up", KEY_UP},         {"Down", KEY_DOWN},           {"Home", KEY_HOME},
                 {"End", KEY_END},       {"Delete", KEY_DELETE},       {"Space", KEY_SPACE}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(names[i].n, name) == 0)
            return names[i].k;
    if (name[0] == 'F' && name[1] >= '1' && name[1] <= '9') {
        int n = name[1] - '0';
        if (name[2] >= '0' && name[2] <= '9' && !name[3])
            n = n * 10 + name[2] - '0';
        else if (name[2])
            return KEY_NONE;
        if (n >= 1 && n <= 12)
            return KEY_F1 + n - 1;
    }
    return KEY_NONE;
}
