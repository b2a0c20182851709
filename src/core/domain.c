/*
 * domain.c: the domain's vocabularies (see domain.h).
 */
#include "domain.h"

#include <string.h>

const Term DOMAIN_CATEGORIES[] = {
    {"street_light", "路灯", "Street lights"},
    {"garbage", "垃圾", "Garbage"},
    {"road_bridge", "道路桥梁", "Roads and bridges"},
    {"water", "水利", "Water"},
    {"housing_site", "宅基地", "Housing sites"},
    {"insurance", "两险", "Medical and pension insurance"},
    {"traffic_safety", "交通安全", "Traffic safety"},
    {"other", "其他", "Other"},
    {NULL, NULL, NULL},
};

const Term DOMAIN_GRADES[] = {
    {"green", "绿", "green"},
    {"blue", "蓝", "blue"},
    {"orange", "橙", "orange"},
    {NULL, NULL, NULL},
};

const Term DOMAIN_STATUSES[] = {
    {"received", "已受理", "received"},
    {"assigned", "已分派", "assigned"},
    {"in_progress", "办理中", "in progress"},
    {"escalated", "已上报", "escalated"},
    {"solved", "已办结", "solved"},
    {NULL, NULL, NULL},
};

const Term DOMAIN_SOURCES[] = {
    {"kiosk", "触摸屏", "kiosk"},
    {"meeting", "评议会", "meeting"},
    {"staff", "工作人员", "staff"},
    {"ledger", "台账导入", "ledger"},
    {NULL, NULL, NULL},
};

const Term DOMAIN_ROLES[] = {
    {"secretary", "支部书记", "branch secretary"},
    {"first_secretary", "第一书记", "first secretary"},
    {"grid_leader", "微网格长", "micro-grid leader"},
    {"member", "党员", "party member"},
    {"leader", "包联领导", "responsible leader"},
    {NULL, NULL, NULL},
};

const Term DOMAIN_RATINGS[] = {
    {"excellent", "优秀", "excellent"},
    {"good", "良好", "good"},
    {"fair", "一般", "fair"},
    {"poor", "差", "poor"},
    {"unknown", "不了解", "don't know"},
    {NULL, NULL, NULL},
};

const Term *domain_find(const Term *table, const char *s)
{
    if (!s)
        return NULL;
    for (const Term *t = table; t->key; t++)
        if (strcmp(t->key, s) == 0 || strcmp(t->zh, s) == 0 || strcmp(t->en, s) == 0)
            return t;
    return NULL;
}

int domain_index(const Term *table, const char *key)
{
    for (int i = 0; key && table[i].key; i++)
        if (strcmp(table[i].key, key) == 0)
            return i;
    return -1;
}

int domain_count(const Term *table)
{
    int n = 0;
    while (table[n].key)
        n++;
    return n;
}
