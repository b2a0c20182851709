/*
 * demo_data.h — fictional demo town 青石镇 (Qingshi town): pure constant data.
 *
 * Plausible Simplified Chinese names and texts used to seed a demo or test
 * database: 38 village branches with their micro-grids, name parts for
 * generating people, the town's responsible units and leaders, villagers'
 * appeal texts per category with public answers and progress notes, evening
 * report meeting topics and escalation notes. Everything here is invented;
 * no entry refers to a real place or person.
 *
 * All strings are UTF-8. This module has no code, state or dependencies.
 * Some given names use characters outside GB2312 (e.g. 堃 喆 珺 玥 祎 晞 彧 瑄)
 * so that input, fonts, printing and search can be exercised on them.
 */
#ifndef ECHOWALL_CORE_DEMO_DATA_H
#define ECHOWALL_CORE_DEMO_DATA_H

enum {
    DEMO_N_VILLAGES = 38,
    DEMO_MAX_GRIDS = 4,       /* per village; each village has 2 to 4 */
    DEMO_N_SURNAMES = 40,
    DEMO_N_GIVEN = 120,
    DEMO_N_UNITS = 23,
    DEMO_N_LEADERS = 11,
    DEMO_N_CATEGORIES = 8,
    DEMO_N_APPEAL_TEXTS = 10, /* per category */
    DEMO_N_ANSWERS = 6,       /* per category */
    DEMO_N_PROGRESS = 4,      /* per category */
    DEMO_N_MEETING_TOPICS = 12,
    DEMO_N_ESCALATION_NOTES = 5
};

/* Village / branch names, all distinct; index i is hall H01 + i. */
extern const char *const DEMO_VILLAGES[DEMO_N_VILLAGES];

/* Micro-grids of DEMO_VILLAGES[i]: 2 to 4 names, then NULL. */
extern const char *const DEMO_GRIDS[DEMO_N_VILLAGES][DEMO_MAX_GRIDS];

/* Surnames, common ones repeated so that a uniform pick is naturally weighted. */
extern const char *const DEMO_SURNAMES[DEMO_N_SURNAMES];

/* Given names of one or two characters, old and young generations mixed. */
extern const char *const DEMO_GIVEN[DEMO_N_GIVEN];

/* Responsible units of the town. */
extern const char *const DEMO_UNITS[DEMO_N_UNITS];

/* Responsible town leaders; DEMO_LEADER_TITLES[i] is the post of DEMO_LEADERS[i]. */
extern const char *const DEMO_LEADERS[DEMO_N_LEADERS];
extern const char *const DEMO_LEADER_TITLES[DEMO_N_LEADERS];

/*
 * Per-category texts. The first index is the appeal category, in this order:
 *   0 street_light 路灯        1 garbage 垃圾          2 road_bridge 道路桥梁
 *   3 water 水利               4 housing_site 宅基地   5 insurance 两险
 *   6 traffic_safety 交通安全  7 other 其他
 */
extern const char *const DEMO_APPEAL_TEXTS[DEMO_N_CATEGORIES][DEMO_N_APPEAL_TEXTS];
extern const char *const DEMO_ANSWERS[DEMO_N_CATEGORIES][DEMO_N_ANSWERS];
extern const char *const DEMO_PROGRESS[DEMO_N_CATEGORIES][DEMO_N_PROGRESS];

/* Topics of evening report and evaluation meetings. */
extern const char *const DEMO_MEETING_TOPICS[DEMO_N_MEETING_TOPICS];

/* Notes recorded when an orange appeal goes to the joint party–government meeting. */
extern const char *const DEMO_ESCALATION_NOTES[DEMO_N_ESCALATION_NOTES];

#endif /* ECHOWALL_CORE_DEMO_DATA_H */
