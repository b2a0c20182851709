/*
 * strings.c: the kiosk's words, Simplified Chinese and English.
 */
#include "strings.h"

#include <string.h>

static const char *const ZH[S_COUNT] = {
    [S_APP_TITLE] = "回音壁",
    [S_TILE_WALL] = "看回音壁",
    [S_TILE_EVAL] = "我要评议",
    [S_TILE_APPEAL] = "我要反映",
    [S_TILE_TRACK] = "查询进度",
    [S_TILE_WALL_SUB] = "看看大家反映的事办得怎么样",
    [S_TILE_EVAL_SUB] = "给支部和干部打分，不记名",
    [S_TILE_APPEAL_SUB] = "有困难、有意见，在这里说",
    [S_TILE_TRACK_SUB] = "凭回执查询办理进度",
    [S_BACK] = "返回",
    [S_CONFIRM] = "确认",
    [S_SUBMIT] = "提交",
    [S_CANCEL] = "取消",
    [S_FIG_MEETINGS] = "场活动",
    [S_FIG_APPEALS] = "条诉求",
    [S_FIG_SOLVED] = "件已解决",
    [S_FIG_OVERDUE] = "件已超期",
    [S_TOWN_WALL_FMT] = "%s · 群众诉求公开墙",
    [S_LAST_SYNC_FMT] = "上次与镇里同步：%s",
    [S_NEVER_SYNCED] = "尚未与镇里同步",
    [S_SCOPE_HALL] = "本村",
    [S_SCOPE_TOWN] = "全镇",
    [S_FILTER_GRADE] = "颜色",
    [S_FILTER_STATUS] = "状态",
    [S_ALL] = "全部",
    [S_OVERDUE] = "已超期",
    [S_COUNT_FMT] = "共 %d 条",
    [S_EMPTY_WALL] = "这里还没有符合条件的诉求",
    [S_GRADE_NONE] = "未分级",
    [S_GRADE_GREEN] = "绿色",
    [S_GRADE_BLUE] = "蓝色",
    [S_GRADE_ORANGE] = "橙色",
    [S_PENDING_TEXT] = "内容待审核",
    [S_MEMBER] = "包联：",
    [S_UNIT] = "责任单位：",
    [S_NONE_YET] = "待分派",
    [S_LIMIT_DAYS_FMT] = "时限 %d 天",
    [S_DUE_FMT] = "时限 %s",
    [S_DAYS_LEFT_FMT] = "还剩 %d 天",
    [S_DUE_TODAY] = "今天到期",
    [S_OVERDUE_FMT] = "已超期 %d 天",
    [S_SOLVED_ON_TIME] = "已按期办结",
    [S_SOLVED_LATE] = "超期办结",
    [S_NOT_GRADED_YET] = "等待镇里分级",
    [S_ANSWER] = "答复：",
    [S_TIMELINE] = "办理经过",
    [S_BY_OFFICE] = "镇里",
    [S_BY_HALL] = "村里",
    [S_GRID] = "网格：",
    [S_STEP_NEW] = "收到诉求",
    [S_STEP_GRADE] = "分级",
    [S_STEP_ASSIGN] = "分派",
    [S_STEP_PROGRESS] = "办理进展",
    [S_STEP_ESCALATE] = "提交镇党政联席会",
    [S_STEP_SOLVE] = "办结答复",
    [S_STEP_REOPEN] = "重新办理",
    [S_STEP_PUBLISH] = "内容审核通过，公开上墙",
    [S_STEP_REDACT] = "内容已撤下",
    [S_STEP_RATE] = "群众评价",
    [S_STEP_OTHER] = "其他记录",
    [S_SOON_TITLE] = "即将开放",
    [S_SOON_BODY] = "这项功能正在准备中，很快就能使用。\n有事请先找村里的工作人员。",
    [S_IDLE_ASK] = "还在使用吗？",
    [S_IDLE_COUNT_FMT] = "%d 秒后回到首页",
    [S_IDLE_KEEP] = "继续使用",
    [S_STAFF_PIN] = "请输入工作人员密码",
    [S_STAFF_WRONG] = "密码不对，请再试一次",
    [S_STAFF_LOCKED_FMT] = "密码错误次数过多，请 %d 秒后再试",
    [S_STAFF_NO_PIN] = "还没有设置工作人员密码（echowallctl staff set-pin）",
    [S_STAFF_TITLE] = "工作人员",
    [S_STAFF_EXIT] = "退出程序",
    [S_DELETE] = "删除",
    [S_LOAD_FAILED] = "暂时无法读取数据，请联系村里的工作人员",
    [S_RECENT_SOLVED] = "最近办结",
    [S_TODAY_FMT] = "%s",
    [S_PICK_GRADE] = "按颜色筛选",
    [S_PICK_STATUS] = "按状态筛选",
    [S_DISABLED_HINT] = "已经是当前的选择",
    [S_GO_HOME] = "回到首页",
};

static const char *const EN[S_COUNT] = {
    [S_APP_TITLE] = "Echo Wall",
    [S_TILE_WALL] = "The wall",
    [S_TILE_EVAL] = "Evaluate",
    [S_TILE_APPEAL] = "Raise an appeal",
    [S_TILE_TRACK] = "Track an appeal",
    [S_TILE_WALL_SUB] = "See how everyone's appeals are handled",
    [S_TILE_EVAL_SUB] = "Rate the branch and officials, anonymously",
    [S_TILE_APPEAL_SUB] = "A problem or an idea? Tell us here",
    [S_TILE_TRACK_SUB] = "Follow your appeal with its slip",
    [S_BACK] = "Back",
    [S_CONFIRM] = "OK",
    [S_SUBMIT] = "Submit",
    [S_CANCEL] = "Cancel",
    [S_FIG_MEETINGS] = "meetings",
    [S_FIG_APPEALS] = "appeals",
    [S_FIG_SOLVED] = "solved",
    [S_FIG_OVERDUE] = "overdue",
    [S_TOWN_WALL_FMT] = "%s · public wall of appeals",
    [S_LAST_SYNC_FMT] = "Last synced with the office: %s",
    [S_NEVER_SYNCED] = "Not synced with the office yet",
    [S_SCOPE_HALL] = "Village",
    [S_SCOPE_TOWN] = "Town",
    [S_FILTER_GRADE] = "Colour",
    [S_FILTER_STATUS] = "Status",
    [S_ALL] = "All",
    [S_OVERDUE] = "Overdue",
    [S_COUNT_FMT] = "%d appeals",
    [S_EMPTY_WALL] = "No appeals match yet",
    [S_GRADE_NONE] = "Ungraded",
    [S_GRADE_GREEN] = "Green",
    [S_GRADE_BLUE] = "Blue",
    [S_GRADE_ORANGE] = "Orange",
    [S_PENDING_TEXT] = "Text awaiting review",
    [S_MEMBER] = "Member: ",
    [S_UNIT] = "Unit: ",
    [S_NONE_YET] = "not assigned yet",
    [S_LIMIT_DAYS_FMT] = "Limit %d days",
    [S_DUE_FMT] = "Due %s",
    [S_DAYS_LEFT_FMT] = "%d days left",
    [S_DUE_TODAY] = "due today",
    [S_OVERDUE_FMT] = "%d days overdue",
    [S_SOLVED_ON_TIME] = "solved on time",
    [S_SOLVED_LATE] = "solved late",
    [S_NOT_GRADED_YET] = "awaiting grading",
    [S_ANSWER] = "Answer: ",
    [S_TIMELINE] = "How it was handled",
    [S_BY_OFFICE] = "town office",
    [S_BY_HALL] = "village",
    [S_GRID] = "Grid: ",
    [S_STEP_NEW] = "Appeal received",
    [S_STEP_GRADE] = "Graded",
    [S_STEP_ASSIGN] = "Assigned",
    [S_STEP_PROGRESS] = "Progress",
    [S_STEP_ESCALATE] = "Sent to the joint meeting",
    [S_STEP_SOLVE] = "Solved and answered",
    [S_STEP_REOPEN] = "Reopened",
    [S_STEP_PUBLISH] = "Text approved for the wall",
    [S_STEP_REDACT] = "Text removed",
    [S_STEP_RATE] = "Rated by the villager",
    [S_STEP_OTHER] = "Other entry",
    [S_SOON_TITLE] = "Coming soon",
    [S_SOON_BODY] = "This part is being prepared and opens soon.\nPlease ask the village staff meanwhile.",
    [S_IDLE_ASK] = "Still there?",
    [S_IDLE_COUNT_FMT] = "Back to the start in %d s",
    [S_IDLE_KEEP] = "Keep using",
    [S_STAFF_PIN] = "Staff PIN",
    [S_STAFF_WRONG] = "Wrong PIN, please try again",
    [S_STAFF_LOCKED_FMT] = "Too many wrong tries: wait %d s",
    [S_STAFF_NO_PIN] = "No staff PIN set (echowallctl staff set-pin)",
    [S_STAFF_TITLE] = "Staff",
    [S_STAFF_EXIT] = "Quit the program",
    [S_DELETE] = "Delete",
    [S_LOAD_FAILED] = "The data cannot be read just now: please tell the staff",
    [S_RECENT_SOLVED] = "Recently solved",
    [S_TODAY_FMT] = "%s",
    [S_PICK_GRADE] = "Filter by colour",
    [S_PICK_STATUS] = "Filter by status",
    [S_DISABLED_HINT] = "Already selected",
    [S_GO_HOME] = "Back to the start",
};

static const char *const *const TABLES[LANG_COUNT] = {ZH, EN};

const char *tr(Lang lang, StrId id)
{
    if ((unsigned)lang >= LANG_COUNT || (unsigned)id >= S_COUNT)
        return "?";
    const char *s = TABLES[lang][id];
    return s && *s ? s : ZH[id] ? ZH[id] : "?";
}

int lang_parse(const char *s)
{
    if (s && strcmp(s, "zh") == 0)
        return LANG_ZH;
    if (s && strcmp(s, "en") == 0)
        return LANG_EN;
    return -1;
}

int strings_missing(Lang lang)
{
    int n = 0;
    for (int i = 0; i < S_COUNT; i++)
        if (!TABLES[lang][i] || !*TABLES[lang][i])
            n++;
    return n;
}
