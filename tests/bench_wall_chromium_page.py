#!/usr/bin/env python3
"""bench_wall_chromium_page.py: the echo wall as a web page, for bench_wall_chromium.sh.

usage: bench_wall_chromium_page.py APPEALS_JSON STATS_JSON FONT_DIR OUT_HTML

APPEALS_JSON is `echowallctl appeal list --json`, STATS_JSON `echowallctl
stats --json`, FONT_DIR the repository's fonts/ (Noto Sans SC, and DejaVu Sans Mono Bold for
the codes when fonts/ has it, loaded with @font-face from file:// URLs so the
page and the kiosk draw the same fonts).
Writes one self-contained HTML page: the header band with the town's figures,
then every card in a 3-column grid (the look of
/work/shared/reference/wall-look-1280x800.png). The page is what a town would
otherwise deploy: Chromium in kiosk mode showing the same wall.
"""
import datetime
import html
import json
import os
import sys

GRADE = {  # key: (bar colour, words)
    "green": ("#2E9B4F", "一般"),
    "blue": ("#2F6FD1", "较急"),
    "orange": ("#E8862A", "紧急"),
    None: ("#9AA0A6", "未定级"),
}
STATUS = {  # key: (chip colour, words)
    "received": ("#9AA0A6", "已受理"),
    "assigned": ("#2F6FD1", "已分派"),
    "in_progress": ("#2F6FD1", "办理中"),
    "escalated": ("#E8862A", "已上报"),
    "solved": ("#2E9B4F", "已办结"),
}

CSS = """
@font-face { font-family: "EW Sans"; font-weight: 400;
  src: url("%(regular)s") format("opentype"); }
@font-face { font-family: "EW Sans"; font-weight: 700;
  src: url("%(bold)s") format("opentype"); }
* { box-sizing: border-box; }
html, body { margin: 0; background: #EEF0F3; }
body { font-family: "EW Sans", sans-serif; color: #1F2937; padding: 24px; }
.head { background: #B31B25; color: #fff; border-radius: 12px; padding: 26px 34px 22px;
  margin-bottom: 24px; }
.head .title { display: flex; align-items: baseline; gap: 44px; }
.head h1 { margin: 0; font-size: 48px; font-weight: 700; letter-spacing: 2px; }
.head .sub { font-size: 28px; }
.head .figs { text-align: right; font-size: 34px; font-weight: 700; margin-top: 6px; }
.head .figs b { color: #FFE08A; font-size: 48px; margin-right: 4px; }
.head .figs .dot { margin: 0 18px; }
.grid { display: grid; grid-template-columns: repeat(3, 1fr); gap: 24px 20px; }
.card { background: #fff; border-radius: 8px; box-shadow: 0 1px 4px rgba(0,0,0,.10);
  border-left: 14px solid #9AA0A6; padding: 16px 20px 18px 20px; font-size: 24px;
  line-height: 1.6; }
.top { display: flex; align-items: center; gap: 12px; line-height: 1.3; margin-bottom: 8px; }
.code { font-family: "EW Mono", "DejaVu Sans Mono", monospace; font-weight: 700; font-size: 23px; }
.cat { background: #E7ECF6; border-radius: 6px; padding: 1px 9px; font-size: 22px; }
.grade { font-weight: 700; font-size: 22px; }
.status { margin-left: auto; color: #fff; font-weight: 700; border-radius: 6px;
  padding: 1px 10px; font-size: 22px; }
.text { display: -webkit-box; -webkit-box-orient: vertical; -webkit-line-clamp: 3;
  overflow: hidden; margin-bottom: 4px; }
.text.pending { color: #9AA0A6; }
.meta { color: #6B7280; font-size: 21px; line-height: 1.9; }
.meta .gap { margin-left: 18px; }
.late { color: #D0101B; font-weight: 700; }
.answer { background: #EAF5EC; color: #1F5130; border-radius: 6px; padding: 4px 10px;
  margin-top: 6px; font-size: 21px; }
"""


def day(s):
    return datetime.date.fromisoformat(s) if s else None


def card(a):
    e = html.escape
    bar, gwords = GRADE.get(a.get("grade"), GRADE[None])
    scol, swords = STATUS.get(a.get("status"), ("#9AA0A6", a.get("status") or ""))
    out = ['<div class="card" style="border-left-color:%s">' % bar,
           '<div class="top"><span class="code">%s</span>' % e(a["code"]),
           '<span class="cat">%s</span>' % e(a.get("category_zh") or ""),
           '<span class="grade" style="color:%s">%s</span>' % (bar, gwords),
           '<span class="status" style="background:%s">%s</span></div>' % (scol, swords)]
    if a.get("published"):
        out.append('<div class="text">%s</div>' % e(a.get("text") or ""))
    else:
        out.append('<div class="text pending">内容待审核</div>')
    out.append('<div class="meta">包联：%s<span class="gap">责任单位：%s</span></div>'
               % (e(a.get("member") or "—"), e(a.get("unit") or "—")))
    due, graded, solved = day(a.get("due")), day(a.get("graded")), day(a.get("solved"))
    if due is None:
        limit = "时限 待定级"
    elif a.get("status") == "solved" and solved:
        n = (due - graded).days if graded else 0
        limit = "时限 %d 天 · %s" % (n, "已按期办结" if solved <= due else "逾期办结")
    else:
        limit = "时限 %s" % due.strftime("%m-%d")
        if a.get("overdue_days", 0) > 0:
            limit += ' · <span class="late">已超期 %d 天</span>' % a["overdue_days"]
    out.append('<div class="meta">%s</div>' % limit)
    if a.get("status") == "solved" and a.get("answer"):
        out.append('<div class="answer">答复：%s</div>' % e(a["answer"]))
    out.append("</div>")
    return "".join(out)


def main(argv):
    if len(argv) != 5:
        sys.stderr.write(__doc__.split("\n\n")[1] + "\n")
        return 2
    with open(argv[1], encoding="utf-8") as f:
        appeals = json.load(f)
    with open(argv[2], encoding="utf-8") as f:
        stats = json.load(f)
    fonts = os.path.abspath(argv[3])
    urls = {k: "file://" + os.path.join(fonts, "NotoSansSC-%s.otf" % k.capitalize())
            for k in ("regular", "bold")}
    for u in urls.values():
        if not os.path.exists(u[len("file://"):]):
            sys.stderr.write("font missing: %s\n" % u)
            return 1
    css = CSS % urls
    mono = os.path.join(fonts, "DejaVuSansMono-Bold.ttf")  # the codes' font, if fonts/ has it
    if os.path.exists(mono):
        css = ('@font-face { font-family: "EW Mono"; font-weight: 700;\n'
               '  src: url("file://%s") format("truetype"); }' % mono) + css
    e = html.escape
    page = ['<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">',
            "<title>回音壁 · %s</title>" % e(stats.get("town") or ""),
            "<style>%s</style></head><body>" % css,
            '<div class="head"><div class="title"><h1>回音壁</h1>',
            '<span class="sub">%s · 群众诉求公开墙</span></div>' % e(stats.get("town") or ""),
            '<div class="figs"><b>%d</b>场活动<span class="dot">·</span>'
            '<b>%d</b>条诉求<span class="dot">·</span><b>%d</b>件已解决</div></div>'
            % (stats["meetings"], stats["appeals"], stats["solved"]),
            '<div class="grid">']
    page += [card(a) for a in appeals]
    page.append("</div></body></html>\n")
    with open(argv[4], "w", encoding="utf-8") as f:
        f.write("\n".join(page))
    print("%d cards" % len(appeals))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
