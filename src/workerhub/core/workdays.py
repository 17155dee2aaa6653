"""Working days on the Chinese official calendar: weekends, public holidays and the make-up working days (调休上班)
that the State Council's yearly notice (国务院办公厅关于部分节假日安排的通知) sets.

Pure Python, no Django. The calendar data come from the ``chinesecalendar`` package (import name
``chinese_calendar``), which transcribes those notices year by year; version 1.11 covers 2004–2026. A date in a year
the package has no data for is refused with ``WorkdayError`` rather than guessed: guessing "Monday to Friday" would
silently shorten a publicity period that crosses the Spring Festival.
"""

from datetime import date, timedelta

import chinese_calendar


class WorkdayError(ValueError):
    """A date outside the years the calendar data cover; ``str(error)`` is a message for the user (zh-Hans)."""


def calendar_years() -> tuple[int, int]:
    """The first and last year the installed calendar data cover (e.g. 2004, 2026)."""
    days = list(chinese_calendar.holidays) + list(chinese_calendar.workdays)
    return min(days).year, max(days).year


def is_workday(day: date) -> bool:
    """Whether ``day`` is a working day: Monday–Friday unless a public holiday, plus make-up weekend days."""
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError as exc:
        first, last = calendar_years()
        raise WorkdayError(f"{day.year} 年的法定节假日安排尚无数据(现有 {first}–{last} 年),"
                           f"无法计算工作日;请更新 chinesecalendar 数据包") from exc


def workdays_between(start: date, end: date) -> int:
    """Working days from ``start`` to ``end``, both included (0 when ``end`` is before ``start``).

    A 公示 from 2024-09-29 (a make-up Sunday) to 2024-10-10 has 5: 9-29, 9-30, 10-08, 10-09, 10-10.
    """
    count, day = 0, start
    while day <= end:
        count += is_workday(day)
        day += timedelta(days=1)
    return count


def add_workdays(start: date, n: int) -> date:
    """The last day of a period of ``n`` working days that begins on ``start`` (``start`` counts when it is a
    working day). ``add_workdays(d, 5)`` is the earliest end of a 5-working-day 公示 starting on ``d``."""
    if n < 1:
        raise ValueError("n must be at least 1")
    day, count = start, 0
    while True:
        if is_workday(day):
            count += 1
            if count == n:
                return day
        day += timedelta(days=1)
