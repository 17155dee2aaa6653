"""Working days on the Chinese official calendar (core/workdays.py; data: the chinesecalendar package 1.11, which
transcribes the State Council's yearly notices).

Expected values are worked out by hand from 国务院办公厅关于2024年部分节假日安排的通知 (国办发明电〔2023〕7号):
- 春节 2月10日至17日放假调休,共8天;2月4日(星期日)、2月18日(星期日)上班。
- 劳动节 5月1日至5日放假调休,共5天;4月28日(星期日)、5月11日(星期六)上班。
- 国庆节 10月1日至7日放假调休,共7天;9月29日(星期日)、10月12日(星期六)上班。
"""

from datetime import date

import pytest

from workerhub.core import workdays


def test_make_up_weekend_days_are_working_days_and_holidays_are_not():
    assert workdays.is_workday(date(2024, 2, 4))  # Sunday, make-up day before the Spring Festival
    assert workdays.is_workday(date(2024, 9, 29))  # Sunday, make-up day before National Day
    assert workdays.is_workday(date(2024, 10, 12))  # Saturday, make-up day after National Day
    assert not workdays.is_workday(date(2024, 2, 12))  # Monday inside the Spring Festival
    assert not workdays.is_workday(date(2024, 10, 7))  # Monday, last day of National Day
    assert not workdays.is_workday(date(2024, 3, 16))  # an ordinary Saturday


def test_publicity_from_the_national_day_make_up_sunday_lasts_until_10_october():
    # 9-29 (Sun, make-up) 1, 9-30 2, 10-01..10-07 holiday, 10-08 3, 10-09 4, 10-10 5.
    assert workdays.add_workdays(date(2024, 9, 29), 5) == date(2024, 10, 10)
    assert workdays.workdays_between(date(2024, 9, 29), date(2024, 10, 10)) == 5
    assert workdays.workdays_between(date(2024, 9, 29), date(2024, 10, 9)) == 4


def test_publicity_across_the_spring_festival():
    # 2-08 (Thu) 1, 2-09 (Fri) 2, 2-10..2-17 holiday, 2-18 (Sun, make-up) 3, 2-19 4, 2-20 5.
    assert workdays.add_workdays(date(2024, 2, 8), 5) == date(2024, 2, 20)
    assert workdays.workdays_between(date(2024, 2, 8), date(2024, 2, 19)) == 4
    # The whole holiday has no working day; the make-up Sunday before it has one.
    assert workdays.workdays_between(date(2024, 2, 10), date(2024, 2, 17)) == 0
    assert workdays.workdays_between(date(2024, 2, 3), date(2024, 2, 4)) == 1


def test_publicity_across_may_day():
    # 4-28 (Sun, make-up) 1, 4-29 2, 4-30 3, 5-01..5-05 holiday, 5-06 4, 5-07 5.
    assert workdays.add_workdays(date(2024, 4, 28), 5) == date(2024, 5, 7)


def test_an_ordinary_week_and_a_start_on_a_weekend():
    assert workdays.add_workdays(date(2024, 3, 11), 5) == date(2024, 3, 15)  # Monday → Friday
    assert workdays.add_workdays(date(2024, 3, 16), 5) == date(2024, 3, 22)  # Saturday: counting starts Monday
    assert workdays.workdays_between(date(2024, 3, 15), date(2024, 3, 11)) == 0  # end before start


def test_years_without_calendar_data_are_refused_with_a_clear_message():
    first, last = workdays.calendar_years()
    assert (first, last) == (2004, 2026)  # chinesecalendar 1.11
    with pytest.raises(workdays.WorkdayError, match="2027 年的法定节假日安排尚无数据"):
        workdays.workdays_between(date(2026, 12, 28), date(2027, 1, 8))
    with pytest.raises(workdays.WorkdayError, match="2003"):
        workdays.add_workdays(date(2003, 6, 2), 5)
