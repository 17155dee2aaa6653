"""Opening hours of service stations: a weekly schedule as plain data, China's holiday calendar, open-now.

Plain Python, no Django. The stored form (JSON) is::

    {"mon": [["07:00", "20:00"]], "tue": [...], ..., "sun": [],     # a missing day = closed
     "24h": false,                                                    # true: every day 00:00-24:00
     "holidays": "open" | "closed" | "as_sunday",                    # statutory holidays
     "exceptions": {"2024-03-13": [["08:00", "12:00"]], "2024-03-14": []}}   # [] or "closed" = closed

An interval whose end is not after its start crosses midnight (``["22:00", "06:00"]`` is 22:00 to 06:00
the next morning); ``"24:00"`` may end an interval. Which schedule applies on a date, first match wins:

1. a dated exception for that date;
2. ``holidays: "open"`` — the weekly schedule, and the holiday calendar is never consulted (so such a
   station also works in years the calendar has no data for);
3. a statutory holiday (法定节假日, the whole block including the weekend days inside it):
   ``closed`` → closed, ``as_sunday`` → Sunday's intervals;
4. a make-up working day (调休上班, a Saturday or Sunday that is an official working day): **Monday's
   intervals** — the station keeps working-day hours, as the offices and banks hosting it do; officers'
   Monday–Friday schedules are almost always the same, and Monday is the one we pick when they differ;
5. otherwise the weekly schedule for the weekday.

A ``"24h"`` station uses 00:00-24:00 as its weekly schedule; exceptions and the holiday rule still apply.
The compact text format for Excel (``parse_hours`` / ``format_hours``) is documented in data/README.md.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import chinese_calendar

SHANGHAI = ZoneInfo("Asia/Shanghai")

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_LABELS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
HOLIDAY_POLICIES = ("open", "closed", "as_sunday")
FULL_DAY = (("00:00", "24:00"),)

# Kinds of calendar day (day_kind).
WORKDAY = "workday"                  # Monday–Friday working day
REST_DAY = "rest_day"                # ordinary Saturday/Sunday
HOLIDAY = "holiday"                  # a day of a statutory holiday block (法定节假日, incl. its 调休 rest days)
MAKEUP_WORKDAY = "makeup_workday"    # a Saturday/Sunday made a working day (调休上班)
DAY_KINDS = (WORKDAY, REST_DAY, HOLIDAY, MAKEUP_WORKDAY)

Interval = tuple[str, str]


class HoursError(ValueError):
    """Opening hours are malformed; ``str(error)`` is a zh-Hans message for the officer."""


class HolidayDataMissing(HoursError):
    """No holiday calendar for the year: refuse rather than guess Monday–Friday (research §2)."""

    def __init__(self, year: int):
        super().__init__(
            f"没有 {year} 年的法定节假日和调休安排数据(内置日历不含该年);"
            f"请管理员录入 {year} 年的节假日安排后再试")
        self.year = year


# --- Holiday calendar --------------------------------------------------------------------------------

@dataclass(frozen=True)
class HolidayTable:
    """Admin-entered calendar overrides, consulted before chinese_calendar (research/libraries-domain.md §2).

    ``days`` maps a date to one of DAY_KINDS. For a year listed in ``complete_years`` the admin has entered
    every holiday and make-up day, so dates not in ``days`` are ordinary (Mon–Fri working, Sat/Sun rest)
    and the library is not asked — this is how a year after the library's data (2027 onwards) is enabled.
    """

    days: Mapping[date, str] = field(default_factory=dict)
    complete_years: frozenset[int] = frozenset()

    def __post_init__(self):
        bad = sorted(str(d) for d, kind in self.days.items() if kind not in DAY_KINDS)
        if bad:
            raise HoursError(f"节假日覆盖表中的日期类型无效:{', '.join(bad)}")

    @classmethod
    def from_workday_flags(cls, flags: Mapping[date, bool], complete_years=()) -> "HolidayTable":
        """Build from ``{date: is_workday}`` rows (a ``WorkdayOverride`` table).

        A working Saturday/Sunday is a make-up working day; a non-working Monday–Friday is a holiday.
        """
        days = {}
        for d, working in flags.items():
            weekend = d.weekday() >= 5
            if working:
                days[d] = MAKEUP_WORKDAY if weekend else WORKDAY
            else:
                days[d] = REST_DAY if weekend else HOLIDAY
        return cls(days=days, complete_years=frozenset(complete_years))


def day_kind(d: date, table: HolidayTable | None = None) -> str:
    """What kind of day ``d`` is in mainland China's official calendar: one of DAY_KINDS.

    Overrides first, then chinese_calendar (data 2004–2026 in 1.11.0); a year without data raises
    HolidayDataMissing instead of silently falling back to Monday–Friday.
    """
    if table is not None:
        kind = table.days.get(d)
        if kind is not None:
            return kind
        if d.year in table.complete_years:
            return REST_DAY if d.weekday() >= 5 else WORKDAY
    return _calendar_day_kind(d)


@lru_cache(maxsize=1024)
def _calendar_day_kind(d: date) -> str:
    """chinese_calendar's verdict (≈40 µs a call; the nearest search asks it for the same day many times)."""
    try:
        on_holiday, name = chinese_calendar.get_holiday_detail(d)
    except NotImplementedError:  # the library's way of saying "no data for this year"
        raise HolidayDataMissing(d.year) from None
    if on_holiday:
        return HOLIDAY if name else REST_DAY
    return MAKEUP_WORKDAY if name else WORKDAY


def is_holiday(d: date, table: HolidayTable | None = None) -> bool:
    """Whether ``d`` is a day of a statutory holiday block (not an ordinary weekend).

    Unlike ``chinese_calendar.is_holiday`` this is False for an ordinary Saturday or Sunday.
    """
    return day_kind(d, table) == HOLIDAY


def is_workday(d: date, table: HolidayTable | None = None) -> bool:
    """Whether ``d`` is an official working day, make-up working days (2024-09-29, a Sunday) included."""
    return day_kind(d, table) in (WORKDAY, MAKEUP_WORKDAY)


# --- Validation of the stored form ---------------------------------------------------------------------

_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")


@lru_cache(maxsize=4096)
def _minutes(value: str) -> int:
    match = _TIME.match(value) if isinstance(value, str) else None
    if not match:
        raise HoursError(f"时间“{value}”格式无效,应为 HH:MM,如 08:30")
    hours, minutes = int(match[1]), int(match[2])
    if minutes > 59 or hours > 24 or (hours == 24 and minutes):
        raise HoursError(f"时间“{value}”无效,小时应为 0–24,分钟应为 0–59")
    return hours * 60 + minutes


def _fmt(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _check_intervals(value, where: str) -> list[list[str]]:
    if value == "closed":
        return []
    if not isinstance(value, list | tuple):
        raise HoursError(f"{where}的时段应为列表,如 [[\"08:00\", \"18:00\"]]")
    spans = []
    for item in value:
        if not isinstance(item, list | tuple) or len(item) != 2:
            raise HoursError(f"{where}的时段应为 [开始, 结束] 两个时间")
        start, end = _minutes(item[0]), _minutes(item[1])
        if start == 1440:
            raise HoursError(f"{where}:24:00 只能作为结束时间")
        if start == end:
            raise HoursError(f"{where}:时段 {item[0]}-{item[1]} 开始与结束相同;全天开放请写 00:00-24:00")
        spans.append((start, end))
    spans.sort()
    # Within one day, a midnight-crossing interval occupies start..24:00.
    for (s1, e1), (s2, e2) in zip(spans, spans[1:], strict=False):
        if s2 < (e1 if e1 > s1 else 1440):
            raise HoursError(f"{where}:时段 {_fmt(s1)}-{_fmt(e1)} 与 {_fmt(s2)}-{_fmt(e2)} 重叠")
    crossing = [s for s, e in spans if e <= s]
    if len(crossing) > 1:
        raise HoursError(f"{where}:只能有一个跨午夜的时段")
    return [[_fmt(s), _fmt(e)] for s, e in spans]


def normalize_hours(hours: Mapping) -> dict:
    """Validate stored/API hours and return the canonical form (all keys present, intervals sorted).

    Raises HoursError with a zh-Hans message. A ``"24h": true`` schedule keeps empty day lists.
    """
    if not isinstance(hours, Mapping):
        raise HoursError("营业时间应为一个对象(字典)")
    known = {*DAYS, "24h", "holidays", "exceptions"}
    unknown = sorted(str(k) for k in hours if k not in known)
    if unknown:
        raise HoursError(f"营业时间中有无法识别的项:{', '.join(unknown)}")
    all_day = hours.get("24h", False)
    if not isinstance(all_day, bool):
        raise HoursError("“24h”应为 true 或 false")
    out: dict = {}
    for day, label in zip(DAYS, DAY_LABELS, strict=True):
        out[day] = _check_intervals(hours.get(day, []), label)
        if all_day and out[day]:
            raise HoursError(f"24 小时站点不应再填写{label}的时段")
    out["24h"] = all_day
    policy = hours.get("holidays", "open")
    if policy not in HOLIDAY_POLICIES:
        raise HoursError(f"节假日规则“{policy}”无效,应为 open(照常)、closed(休息)或 as_sunday(同周日)")
    out["holidays"] = policy
    exceptions = hours.get("exceptions", {}) or {}
    if not isinstance(exceptions, Mapping):
        raise HoursError("特殊日期应为 {\"YYYY-MM-DD\": 时段列表} 形式")
    out_exc = {}
    for key, value in exceptions.items():
        try:
            day = date.fromisoformat(str(key))
        except ValueError:
            raise HoursError(f"特殊日期“{key}”无效,应为 YYYY-MM-DD") from None
        out_exc[day.isoformat()] = _check_intervals(value, f"{day.isoformat()} ")
    out["exceptions"] = dict(sorted(out_exc.items()))
    return out


# --- Schedules and open-now ----------------------------------------------------------------------------

def _weekly(hours: Mapping, weekday: int) -> list[Interval]:
    if hours.get("24h"):
        return list(FULL_DAY)
    return [(s, e) for s, e in hours.get(DAYS[weekday], ())]


def hours_on(hours: Mapping, day: date, table: HolidayTable | None = None) -> list[Interval]:
    """The intervals that start on ``day`` (for "opening hours today"), after exceptions and holidays.

    A midnight-crossing interval is returned as written (``("22:00", "06:00")``); the early-morning part
    that spills over from the previous day is not repeated here (``is_open`` accounts for it).
    Raises HolidayDataMissing when the day's rule needs a calendar year we have no data for.
    """
    exceptions = hours.get("exceptions") or {}
    if exceptions:
        special = exceptions.get(day.isoformat())
        if special is not None:
            return [] if special == "closed" else [(s, e) for s, e in special]
    policy = hours.get("holidays", "open")
    if policy == "open":
        return _weekly(hours, day.weekday())
    kind = day_kind(day, table)
    if kind == HOLIDAY:
        return [] if policy == "closed" else _weekly(hours, 6)
    if kind == MAKEUP_WORKDAY:
        return _weekly(hours, 0)
    return _weekly(hours, day.weekday())


def to_shanghai(moment: datetime) -> datetime:
    """``moment`` in Asia/Shanghai; a naive datetime is taken to be Shanghai wall-clock time already."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        return moment.replace(tzinfo=SHANGHAI)
    return moment.astimezone(SHANGHAI)


def is_open(hours: Mapping, at: datetime, table: HolidayTable | None = None) -> bool:
    """Whether the schedule is open at the aware datetime ``at`` (converted to Asia/Shanghai).

    Open means start ≤ t < end. The previous day's midnight-crossing interval counts until its end this
    morning. Station status (temporarily closed …) is not part of hours: check it separately.
    """
    if at.tzinfo is None or at.utcoffset() is None:
        raise HoursError("判断是否营业需要带时区的时间;请用 to_shanghai() 指明北京时间")
    local = at.astimezone(SHANGHAI)
    today = local.date()
    now = local.hour * 60 + local.minute + (local.second + local.microsecond / 1e6) / 60
    for start, end in hours_on(hours, today, table):
        s, e = _minutes(start), _minutes(end)
        if (s <= now < e) if e > s else now >= s:
            return True
    for start, end in hours_on(hours, today - timedelta(days=1), table):
        s, e = _minutes(start), _minutes(end)
        if e <= s and now < e:
            return True
    return False


# --- Compact text format (Excel import/export) ---------------------------------------------------------

_CLOSED_WORDS = ("休息", "闭站", "关闭", "不开放", "停止开放", "closed")
_ALL_DAY_WORDS = ("24小时", "全天24小时", "全天", "24h")
_HOLIDAY_HEADS = ("法定节假日", "节假日", "holidays", "holiday")
_HOLIDAY_WORDS = {
    **dict.fromkeys(("休息", "闭站", "关闭", "不开放", "closed"), "closed"),
    **dict.fromkeys(("照常", "照常开放", "正常", "正常开放", "开放", "open"), "open"),
    **dict.fromkeys(("同周日", "按周日", "同周日时间", "按周日时间", "as_sunday"), "as_sunday"),
}
_DAY_WORDS = {}
for _i, _en in enumerate(DAYS):
    _cn = "一二三四五六日"[_i]
    for _prefix in ("周", "星期", "礼拜"):
        _DAY_WORDS[_prefix + _cn] = _i
    _DAY_WORDS[_en] = _i
for _prefix in ("周", "星期", "礼拜"):
    _DAY_WORDS[_prefix + "天"] = 6
_DAY_GROUPS = {
    "每天": range(7), "每日": range(7), "daily": range(7),
    "工作日": range(5), "weekdays": range(5), "周末": range(5, 7), "weekends": range(5, 7),
}
_FULL_WIDTH = str.maketrans({"：": ":", "，": ",", "；": ";", "～": "~", "－": "-", "　": " ", "–": "-", "—": "-",
                             "、": ","})
_TIME_START = re.compile(r"\d{1,2}:\d{2}")
_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
_INTERVAL = re.compile(r"(\d{1,2}:\d{2})\s*(?:-|~|至|到)\s*(次日)?\s*(\d{1,2}:\d{2})")


def _parse_days(head: str, where: str) -> list[int]:
    days: list[int] = []
    for part in (p.strip() for p in head.replace("/", ",").split(",")):
        if not part:
            continue
        if part.lower() in _DAY_GROUPS:
            days.extend(_DAY_GROUPS[part.lower()])
            continue
        pieces = [p.strip() for p in re.split(r"至|到|~|-", part)]
        if len(pieces) == 1 and pieces[0].lower() in _DAY_WORDS:
            days.append(_DAY_WORDS[pieces[0].lower()])
        elif len(pieces) == 2 and all(p.lower() in _DAY_WORDS for p in pieces):
            first, last = (_DAY_WORDS[p.lower()] for p in pieces)
            if last < first:
                raise HoursError(f"{where}:星期范围“{part}”应从前往后,如 周一至周五")
            days.extend(range(first, last + 1))
        else:
            raise HoursError(f"{where}:无法识别的星期“{part}”,应为 周一…周日、周一至周五、每天、工作日或周末")
    if not days:
        raise HoursError(f"{where}:缺少星期或日期")
    return days


def _parse_times(body: str, where: str) -> list[list[str]] | None:
    """Intervals; [] for closed; None for 24 hours."""
    text = body.strip()
    if text.lower() in _CLOSED_WORDS:
        return []
    if text.lower() in _ALL_DAY_WORDS:
        return None
    intervals = []
    position = 0
    for match in _INTERVAL.finditer(text):
        if text[position:match.start()].strip(", "):
            break
        start, next_day, end = match[1], match[2], match[3]
        try:
            s, e = _minutes(start), _minutes(end)
        except HoursError as exc:
            raise HoursError(f"{where}:{exc}") from None
        if next_day and e > s:
            raise HoursError(f"{where}:“{match[0]}”超过 24 小时")
        intervals.append([_fmt(s), _fmt(e)])
        position = match.end()
    if not intervals or text[position:].strip(", "):
        raise HoursError(f"{where}:无法识别的时段“{text}”,应为 08:00-18:00,多个时段用逗号分隔,"
                         "跨午夜写 22:00-次日06:00")
    return _check_intervals(intervals, where)


def parse_hours(text: str) -> dict:
    """Parse the compact format officers type in Excel (data/README.md) into canonical hours.

    ``周一至周五 08:00-18:00; 周六 09:00-12:00; 节假日休息`` — segments separated by ``;``/``；``/newline;
    days not named are closed; a later segment overrides an earlier one for the days it names
    (``每天 08:00-20:00; 周日 休息``). Errors are HoursError with a zh-Hans message naming the segment.
    """
    if text is None or not str(text).strip():
        raise HoursError("营业时间不能为空;全天开放请写“24小时”,停止开放请写“每天 休息”")
    weekly: dict[int, list[list[str]]] = {}
    all_day = False
    policy = None
    exceptions: dict[str, list[list[str]]] = {}
    segments = [s.strip() for s in re.split(r"[;\n]", str(text).translate(_FULL_WIDTH)) if s.strip()]
    for number, segment in enumerate(segments, start=1):
        where = f"第{number}段“{segment}”"
        compact = segment.replace(" ", "")
        lowered = compact.lower()
        head_word = next((h for h in _HOLIDAY_HEADS if lowered.startswith(h)), None)
        if head_word is not None:
            word = lowered[len(head_word):].lstrip(":")
            if word not in _HOLIDAY_WORDS:
                raise HoursError(f"{where}:节假日只能写 节假日休息、节假日照常 或 节假日同周日")
            if policy is not None:
                raise HoursError(f"{where}:节假日规则重复")
            policy = _HOLIDAY_WORDS[word]
            continue
        if lowered in _ALL_DAY_WORDS:
            if all_day:
                raise HoursError(f"{where}:“24小时”重复")
            all_day = True
            continue
        match = _TIME_START.search(segment)
        closed_at = min((segment.lower().find(w) for w in _CLOSED_WORDS + _ALL_DAY_WORDS
                         if segment.lower().find(w) > 0), default=-1)
        cut = match.start() if match else -1
        if closed_at > 0 and (cut < 0 or closed_at < cut):
            cut = closed_at
        if cut <= 0:
            raise HoursError(f"{where}:应写成“星期 时段”,如 周一至周五 08:00-18:00")
        head, body = segment[:cut].strip().rstrip(":"), segment[cut:]
        date_match = _DATE.match(head.replace(" ", ""))
        if date_match:
            try:
                day = date(int(date_match[1]), int(date_match[2]), int(date_match[3]))
            except ValueError:
                raise HoursError(f"{where}:日期“{head}”不存在") from None
            key = day.isoformat()
            if key in exceptions:
                raise HoursError(f"{where}:日期 {key} 重复")
            times = _parse_times(body, where)
            exceptions[key] = [["00:00", "24:00"]] if times is None else times
            continue
        times = _parse_times(body, where)
        for weekday in _parse_days(head, where):
            weekly[weekday] = [["00:00", "24:00"]] if times is None else times
    if all_day and weekly:
        raise HoursError("已写“24小时”,不应再按星期填写时段")
    hours = {day: ([] if all_day else weekly.get(i, [])) for i, day in enumerate(DAYS)}
    hours.update({"24h": all_day, "holidays": policy or "open", "exceptions": exceptions})
    return normalize_hours(hours)


def format_intervals(intervals) -> str:
    """``08:00-12:00, 14:00-18:00``; ``22:00-次日06:00``; ``00:00-24:00``; ``休息`` when empty."""
    if not intervals:
        return "休息"
    parts = []
    for start, end in intervals:
        crossing = _minutes(end) <= _minutes(start)
        parts.append(f"{start}-{'次日' if crossing else ''}{end}")
    return ", ".join(parts)


def format_hours(hours: Mapping) -> str:
    """The compact text for canonical hours; ``parse_hours(format_hours(h)) == normalize_hours(h)``."""
    hours = normalize_hours(hours)
    segments = []
    if hours["24h"]:
        segments.append("24小时")
    else:
        runs: list[tuple[int, int]] = []
        for i in range(7):
            if runs and hours[DAYS[i]] == hours[DAYS[runs[-1][1]]]:
                runs[-1] = (runs[-1][0], i)
            else:
                runs.append((i, i))
        for first, last in runs:
            intervals = hours[DAYS[first]]
            if not intervals:
                continue
            if first == 0 and last == 6:
                label = "每天"
            elif last - first >= 2:
                label = f"{DAY_LABELS[first]}至{DAY_LABELS[last]}"
            else:
                label = "、".join(DAY_LABELS[first:last + 1])
            segments.append(f"{label} {format_intervals(intervals)}")
        if not segments:
            segments.append("每天 休息")
    if hours["holidays"] == "closed":
        segments.append("节假日休息")
    elif hours["holidays"] == "as_sunday":
        segments.append("节假日同周日")
    for key, intervals in hours["exceptions"].items():
        segments.append(f"{key} {format_intervals(intervals)}")
    return "; ".join(segments)
