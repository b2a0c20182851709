/*
 * strings.h: every word the kiosk shows, one table per language.
 *
 * Screens ask tr(lang, S_...) instead of writing literals, so Simplified
 * Chinese (the default) and English stay complete together: a test checks
 * that no entry of either table is missing. Strings with a %d or %s are
 * printf formats and say so in their name (_FMT).
 */
#ifndef EW_STRINGS_H
#define EW_STRINGS_H

typedef enum { LANG_ZH = 0, LANG_EN = 1, LANG_COUNT } Lang;

typedef enum {
    S_APP_TITLE,        /* 回音壁 */
    S_TILE_WALL,        /* 看回音壁 */
    S_TILE_EVAL,        /* 我要评议 */
    S_TILE_APPEAL,      /* 我要反映 */
    S_TILE_TRACK,       /* 查询进度 */
    S_TILE_WALL_SUB,
    S_TILE_EVAL_SUB,
    S_TILE_APPEAL_SUB,
    S_TILE_TRACK_SUB,
    S_BACK,             /* 返回 */
    S_CONFIRM,          /* 确认 */
    S_SUBMIT,           /* 提交 */
    S_CANCEL,           /* 取消 */
    S_FIG_MEETINGS,     /* 场活动 */
    S_FIG_APPEALS,      /* 条诉求 */
    S_FIG_SOLVED,       /* 件已解决 */
    S_FIG_OVERDUE,      /* 件已超期 */
    S_TOWN_WALL_FMT,    /* %s · 群众诉求公开墙 */
    S_LAST_SYNC_FMT,    /* 上次与镇里同步：%s */
    S_NEVER_SYNCED,
    S_DB_HELD,          /* 数据库已修复：请用U盘与镇里同步… */
    S_SCOPE_HALL,       /* 本村 */
    S_SCOPE_TOWN,       /* 全镇 */
    S_FILTER_GRADE,     /* 颜色 */
    S_FILTER_STATUS,    /* 状态 */
    S_FILTER_FMT,       /* %s：%s ▼ (a filter and its choice) */
    S_ALL,              /* 全部 */
    S_OVERDUE,          /* 已超期 */
    S_COUNT_FMT,        /* 共 %d 条 */
    S_EMPTY_WALL,
    S_GRADE_NONE,       /* 未分级 */
    S_GRADE_GREEN,
    S_GRADE_BLUE,
    S_GRADE_ORANGE,
    S_PENDING_TEXT,     /* 内容待审核 */
    S_MEMBER,           /* 包联： */
    S_UNIT,             /* 责任单位： */
    S_NONE_YET,         /* 待分派 */
    S_LIMIT_DAYS_FMT,   /* 时限 %d 天 */
    S_DUE_FMT,          /* 时限 %s */
    S_DAYS_LEFT_FMT,    /* 还剩 %d 天 */
    S_DUE_TODAY,        /* 今天到期 */
    S_OVERDUE_FMT,      /* 已超期 %d 天 */
    S_SOLVED_ON_TIME,   /* 已按期办结 */
    S_SOLVED_LATE,      /* 超期办结 */
    S_NOT_GRADED_YET,   /* 等待分级 */
    S_ANSWER,           /* 答复： */
    S_TIMELINE,         /* 办理经过 */
    S_BY_OFFICE,        /* 镇里 */
    S_BY_HALL,          /* 村里 */
    S_GRID,             /* 网格： */
    S_STEP_NEW,
    S_STEP_GRADE,
    S_STEP_ASSIGN,
    S_STEP_PROGRESS,
    S_STEP_ESCALATE,
    S_STEP_SOLVE,
    S_STEP_REOPEN,
    S_STEP_PUBLISH,
    S_STEP_REDACT,
    S_STEP_RATE,
    S_STEP_OTHER,
    S_SOON_TITLE,       /* 即将开放 */
    S_SOON_BODY,
    S_IDLE_ASK,         /* 还在使用吗？ */
    S_IDLE_COUNT_FMT,   /* %d 秒后回到首页 */
    S_IDLE_KEEP,        /* 继续使用 */
    S_STAFF_PIN,        /* 请输入工作人员密码 */
    S_STAFF_WRONG,
    S_STAFF_LOCKED_FMT, /* 密码错误次数过多，请 %d 秒后再试 */
    S_STAFF_NO_PIN,
    S_STAFF_TITLE,      /* 工作人员 */
    S_STAFF_EXIT,       /* 退出程序 */
    S_STAFF_POWEROFF,   /* 关机 */
    S_POWEROFF_CONFIRM, /* 现在关机？… */
    S_POWEROFF_GOING,   /* 正在关机… */
    S_POWEROFF_STUCK,   /* 还没有关机… */
    S_POWEROFF_FAILED_FMT, /* 没有关机：%s */
    S_DELETE,           /* 删除 */
    S_LOAD_FAILED,      /* 暂时无法读取数据，请联系工作人员 */
    S_RECENT_SOLVED,    /* 最近办结 */
    S_TODAY_FMT,        /* %s */
    S_PICK_GRADE,       /* 按颜色筛选 */
    S_PICK_STATUS,      /* 按状态筛选 */
    S_DISABLED_HINT,    /* 当前已选 */
    S_GO_HOME,          /* 回到首页 */
    S_STICK_RUNNING,    /* 正在与U盘交换数据 */
    S_STICK_DONT_PULL,  /* 请不要拔出U盘 */
    S_STICK_DONE,       /* 同步完成，可以拔出U盘 */
    S_STICK_IN_FMT,     /* 收到 %d 个文件，%d 条记录 */
    S_STICK_OUT_FMT,    /* 送出本机 %d 条记录 */
    S_STICK_REFUSED_FMT,/* %d 个文件未被接受： */
    S_STICK_FAILED,     /* 同步没有完成… */
    S_STICK_REQUESTED,  /* 已写入注册申请… */
    S_STICK_ENROLLED_FMT, /* 本机已注册为 %s */
    S_STICK_FP_FMT,     /* 镇里密钥指纹：%s */
    S_UPDATE_TITLE,     /* 软件升级 */
    S_UPDATE_REQUESTED_FMT,     /* 发现新版本 %s，正在安装 */
    S_UPDATE_REFUSED_FMT,       /* U盘上的新版本 %s 未被接受： */
    S_UPDATE_FAILED_BEFORE_FMT, /* 新版本 %s 以前在本机安装失败 */
    S_UPDATE_INSTALLED_FMT,     /* 已升级到新版本 %s */
    S_UPDATE_ROLLED_BACK_FMT,   /* 新版本 %s 没能正常启动，已退回 %s */
    S_UPDATE_NOT_INSTALLED_FMT, /* 新版本 %s 没有安装： */
    S_UPDATE_BROKEN_FMT,        /* 升级到 %s 失败… */
    S_NOT_ENROLLED,     /* 本机尚未注册：请插入镇里带来的U盘 */
    S_NO_MEETING,       /* 现在没有正在进行的评议会 */
    S_BALLOT_FULL,      /* 本场评议的票数已满 */
    S_BALLOT_WAIT,      /* 请稍等，上一张评议票刚刚提交 */
    S_BALLOT_PROGRESS_FMT, /* 第 %d / %d 位 */
    S_BALLOT_REVIEW,    /* 请核对您的评议 */
    S_BALLOT_NOT_RATED, /* 未评 */
    S_BALLOT_THANKS,    /* 谢谢您的评议！ */
    S_BALLOT_THANKS_SUB,/* 您的评议不记名… */
    S_BALLOT_FAILED,    /* 这张评议票没有记上，请找工作人员 */
    S_ROLE_BRANCH,      /* 村党支部 */
    S_RESULTS,          /* 评议结果 */
    S_NO_RESULTS,       /* 还没有评议结果 */
    S_RESULTS_SUB_FMT,  /* %s · %s · %d 张选票 */
    S_RATE,             /* 优秀率 */
    S_RANK_FMT,         /* 第 %d 名 */
    S_TOO_FEW,          /* 票数太少 */
    S_STAFF_OPEN_MEETING,
    S_STAFF_CLOSE_MEETING,
    S_MEET_TOPIC,
    S_MEET_SUBJECTS,
    S_MEET_CAP,
    S_MEET_NO_CAP,
    S_MEET_TOKENS,
    S_MEET_NO_TOKENS,
    S_MEET_TOKENS_FMT,
    S_MEET_START,
    S_MEET_NONE_CHOSEN,
    S_MEET_OPENED,
    S_MEET_OPEN_FAILED,
    S_MEET_ALREADY_OPEN,
    S_TOPIC_QUARTER_FMT,
    S_TOPIC_MONTH_FMT,
    S_TOPIC_YEAR_FMT,
    S_CLOSE_CONFIRM_FMT,
    S_MEET_CLOSE_FAILED,
    S_CAP_TITLE,
    S_TOKENS_TITLE,
    S_TOKENS_TOO_MANY,
    S_TOKEN_TITLE,
    S_TOKEN_BAD,
    S_NEW_PIN,
    S_NEW_PIN_AGAIN,
    S_NEW_PIN_BAD,
    S_NEW_PIN_MISMATCH,
    S_NEW_PIN_SET,
    S_FIRST_PIN,        /* 这台电脑还没有工作人员密码：请设置一个… */
    S_FIRST_PIN_TAKEN,  /* a PIN was set meanwhile: type it */
    S_CUR_PIN,          /* 请输入现在的工作人员密码 */
    S_CHANGE_PIN_NEW,   /* 请输入新的工作人员密码… */
    S_TRACK_HINT,
    S_TRACK_GO,
    S_TRACK_BAD,
    S_TRACK_NOT_FOUND,
    S_RATE_ASK,
    S_SATISFIED,
    S_UNSATISFIED,
    S_RATING_TITLE,
    S_RATE_WRONG,
    S_RATE_LOCKED,
    S_RATE_THANKS,
    S_RATE_CANNOT,
    S_RATED_FMT,
    S_STAFF_LOG_APPEAL,
    S_AP_STEP_FMT,
    S_AP_STEP_CATEGORY,
    S_AP_STEP_GRID,
    S_AP_STEP_TEXT,
    S_AP_STEP_PHONE,
    S_AP_STEP_REVIEW,
    S_AP_NEXT,
    S_AP_GRID_ASK,
    S_AP_GRID_UNSURE,
    S_AP_TEXT_HINT,
    S_AP_TEXT_EMPTY,
    S_AP_TEXT_FULL,
    S_AP_PHONE_ASK,
    S_AP_PHONE_PRIVATE,
    S_AP_PHONE_SHORT,
    S_AP_NO_PHONE,
    S_AP_NO_PHONE_GIVEN,
    S_AP_REVIEW_PHONE_FMT,
    S_AP_CHANGE,
    S_AP_FAILED,
    S_AP_RECEIVED,
    S_AP_YOUR_CODE,
    S_AP_PENDING_NOTE,
    S_PRINTING,
    S_PRINTED,
    S_PRINT_SENT,
    S_PRINT_NONE,
    S_PRINT_PAPER_OUT,
    S_PRINT_COVER_OPEN,
    S_PRINT_OFFLINE,
    S_PRINT_FAILED,
    S_AP_RATING_FMT,
    S_AP_FINISH,
    S_KB_PINYIN,
    S_KB_HAND,
    S_KB_DIGITS,
    S_KB_UNDO,
    S_KB_CLEAR,
    S_KB_HAND_HINT,
    S_STAFF_APPROVE,
    S_APPROVE_LEFT_FMT,
    S_APPROVE_NONE,
    S_APPROVE_NOTE,
    S_APPROVE_YES,
    S_APPROVE_LATER,
    S_APPROVED,
    S_MEET_NO_PRINTER,
    S_MEET_TOKENS_UNPRINTED,
    S_TOPIC_TYPE,
    S_TOPIC_TYPE_TITLE,
    S_PRINTED_PAPER_LOW,
    S_OFF_TITLE,
    S_OFF_LOGIN_TITLE_FMT,
    S_OFF_LOGIN,
    S_OFF_LOGIN_NOTE,
    S_OFF_LOGOUT,
    S_OL_INBOX,
    S_OL_OVERDUE,
    S_OL_WEEK,
    S_OL_ORANGE,
    S_OL_UNIT,
    S_OL_BRANCH,
    S_OL_ALL,
    S_OL_TAB_FMT,
    S_OL_EMPTY,
    S_OL_CHOOSE_FMT,
    S_TEXT_WAITING,
    S_TEXT_HIDDEN,
    S_OC_REDACT,
    S_OC_GRADE,
    S_OC_ASSIGN,
    S_OC_PROGRESS,
    S_OC_ESCALATE,
    S_OC_SOLVE,
    S_OC_REOPEN,
    S_OC_CONTACT_FMT,
    S_OC_NO_CONTACT,
    S_OC_LEADER,
    S_OC_LEAD_MEMBER,
    S_OC_DONE,
    S_OC_REFUSED,
    S_OC_TEXT,
    S_OG_TITLE,
    S_OG_DAYS_FMT,
    S_OG_LESS,
    S_OG_MORE,
    S_OT_REDACT,
    S_OT_PROGRESS,
    S_OT_ESCALATE,
    S_OT_SOLVE,
    S_OT_REOPEN,
    S_OA_CHOOSE,
    S_PK_MEMBER,
    S_PK_LEADER,
    S_PK_UNIT,
    S_PK_BRANCH,
    S_PK_HINT,
    S_PK_NONE,
    S_PK_CLEAR,
    S_OT_HINT,
    S_OX_BUTTON,
    S_OX_TITLE,
    S_OX_LEDGER,
    S_OX_AGENDA,
    S_OX_SITE,
    S_OX_DONE_FMT,
    S_OX_NO_STICK,
    S_OX_FAILED_FMT,
    S_CLOSE,
    S_CH_TITLE,
    S_CH_GRADES,
    S_CH_STATUS,
    S_CH_UNITS,
    S_CH_BRANCHES_FMT,
    S_CH_SOLVED,
    S_CH_OPEN,
    S_CH_OVERDUE,
    S_CH_NONE,
    S_OD_TITLE,
    S_OD_ENROL,
    S_OD_REVOKE,
    S_OD_ROW_FMT,
    S_OD_OFFICE,
    S_OD_SELF,
    S_OD_REVOKED,
    S_OD_UNCERT,
    S_OD_REVOKE_ASK_FMT,
    S_OD_ENROLLED_FMT,
    S_OD_NOT_DONE_FMT,
    S_OD_REVOKED_OK,
    S_OD_BACKUP,
    S_OI_TITLE,         /* 导入台账 */
    S_OI_NOTE,          /* how to put the ledger on the stick */
    S_OI_GO,            /* 从U盘导入 */
    S_OI_DONE_FMT,      /* 已从 %s 导入 %ld 条诉求 */
    S_OI_NO_CSV, S_OI_SEVERAL_FMT, S_OI_FAILED_FMT,
    S_OP_BUTTON,        /* 评议结果 */
    S_OP_MEETINGS,      /* 各次评议会 */
    S_OP_ROUNDS,        /* 各季度（全镇同类排名） */
    S_OP_ROW_FMT,       /* 优秀率 %d%% · 第 %d 名（共 %d） · %ld 票 */
    S_OP_UNRANKED_FMT,  /* 优秀率 %d%% · %ld 票 */
    S_OP_TOO_FEW_FMT,   /* 评价票不足，不计结果 · %ld 票 */
    S_OP_WARNING,       /* 预警 */
    S_OP_NONE,          /* 还没有参加过评议 */
    S_OR_BUTTON,        /* 季度结果 */
    S_OR_TITLE_FMT,     /* %s 季度评议结果 */
    S_OR_PREV, S_OR_NEXT,
    S_OR_NOTE,          /* how a quarter is ranked */
    S_OR_NONE,          /* 这个季度没有结束的评议会 */
    S_OM_TITLE,         /* 评议会 */
    S_OM_NOTE,          /* what 作废 does */
    S_OM_VOID,          /* 作废 */
    S_OM_VOID_TITLE,    /* 作废的原因 */
    S_OM_ROW_FMT,       /* %s · %s · %s */
    S_OM_OPEN, S_OM_VOIDED, S_OM_BALLOTS_FMT,
    S_OM_DONE_FMT,      /* 已作废：%s */
    S_OM_NONE,          /* 还没有评议会 */
    S_OS_TITLE,         /* 镇里设置 */
    S_OS_EDIT,          /* 修改 */
    S_OS_TOWN_NAME, S_OS_URL, S_OS_LIMIT_GREEN, S_OS_LIMIT_BLUE, S_OS_LIMIT_ORANGE,
    S_OS_SITE_RESULTS, S_OS_YES, S_OS_NO,
    S_OS_SAVED_FMT,     /* 已保存：%s。U盘会把它带到各村。 */
    S_OS_NOTE,          /* what the settings are and where they go */
    S_OD_SIGN,          /* 签发升级（U盘） */
    S_OD_SIGNED_FMT,    /* 已签发新版本 %s… */
    S_OD_NO_DEB, S_OD_SEVERAL_DEB_FMT,
    S_OD_PIN_RESET,     /* 重设密码 */
    S_OD_PIN_ASK_FMT,   /* 给%s重设工作人员密码？… */
    S_OD_PIN_DONE_FMT,  /* %s的临时密码：%s… */
    S_OD_CLOCK_CONFIRM, /* 确认时钟 */
    S_OD_MY_PIN,        /* 修改工作人员密码 (this station's own) */
    S_OD_MY_PIN_DONE,   /* 本机的工作人员密码已修改… */
    S_OD_CLOCK_OK_FMT,  /* 本机日期 %s，时钟已确认 */
    S_OD_CLOCK_ASK_FMT, /* 时钟跳变过：今天是 %s 吗？… */
    S_OD_CLOCK_DONE_FMT, /* 时钟已确认：今天是 %s */
    S_OT_BACKUP,
    S_OT_BACKUP_HINT,
    S_OD_BACKED_UP_FMT,
    S_OG_KEEP_FMT,
    S_RO_TITLE,
    S_RO_PEOPLE,
    S_RO_UNITS,
    S_RO_BRANCHES,
    S_RO_NEW,
    S_OF_NEW_PERSON,
    S_OF_EDIT_PERSON,
    S_OF_NEW_UNIT,
    S_OF_EDIT_UNIT,
    S_OF_EDIT_BRANCH,
    S_OF_NAME,
    S_OF_ROLE,
    S_OF_BRANCH,
    S_OF_GRIDS,
    S_OF_FILL,
    S_OF_SAVED,
    S_OT_NAME,
    S_OT_GRIDS,
    S_FR_TITLE,
    S_FR_HALL_HEAD,
    S_FR_HALL_TEXT,
    S_FR_OFFICE_HEAD,
    S_FR_OFFICE_TEXT,
    S_FR_RESTORE,
    S_RS_INTRO,
    S_RS_NO_STICK,
    S_RS_EMPTY,
    S_RS_LIST_FAILED_FMT,
    S_RS_SCAN,
    S_RS_FILE_FMT,
    S_RS_MORE,
    S_RS_PASS,
    S_RS_PASS_HINT,
    S_RS_ERR_NO_STICK,
    S_RS_ERR_PASS,
    S_RS_ERR_DAMAGED,
    S_RS_ERR_STICK,
    S_RS_ERR_NO_ROOM,
    S_RS_ERR_NOT_BLANK,
    S_RS_ERR_FAILED,
    S_RS_DETAIL_FMT,
    S_RS_DONE_FMT,
    S_RS_FP,
    S_RS_FP_NOTE,
    S_RS_CONTINUE,
    S_COUNT
} StrId;

/* The string for id in lang (never NULL). */
const char *tr(Lang lang, StrId id);
/* LANG_ZH for "zh", LANG_EN for "en", -1 otherwise. */
int lang_parse(const char *s);
/* Number of missing (NULL or empty) entries in lang's table, for tests. */
int strings_missing(Lang lang);

#endif
