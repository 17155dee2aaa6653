"""Opening hours: weekly schedules, midnight, 24-hour stations, China's holidays and make-up days, open-now."""

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workerhub.stations import hours as H
from workerhub.stations.hours import SHANGHAI


def at(text: str) -> datetime:
    """A Beijing-time moment, e.g. at("2024-03-13 12:00")."""
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


NIGHT = H.parse_hours("每天 22:00-次日06:00")
BANK = H.parse_hours("周一至周五 09:00-17:00; 节假日休息")  # a Zheshang Bank warm station: branch hours only
ALL_DAY = H.parse_hours("24小时")


# --- Across midnight -----------------------------------------------------------------------------------

def test_a_night_station_is_open_at_half_past_eleven():
    assert H.is_open(NIGHT, at("2024-03-13 23:30"))


def test_the_previous_evenings_interval_spills_into_the_next_morning():
    assert H.is_open(NIGHT, at("2024-03-14 05:59"))
    assert not H.is_open(NIGHT, at("2024-03-14 06:00"))  # closes at 06:00 sharp
    assert not H.is_open(NIGHT, at("2024-03-14 12:00"))


def test_only_yesterdays_interval_spills_over():
    # Open Monday night only: Tuesday 05:00 is open (Monday's interval), Wednesday 05:00 is not.
    monday_night = {"mon": [["22:00", "06:00"]]}
    assert H.is_open(monday_night, at("2024-03-11 23:00"))      # Monday
    assert H.is_open(monday_night, at("2024-03-12 05:00"))      # Tuesday morning
    assert not H.is_open(monday_night, at("2024-03-13 05:00"))  # Wednesday morning
    assert not H.is_open(monday_night, at("2024-03-11 05:00"))  # Monday morning: Sunday was closed


def test_a_closed_day_exception_cuts_the_nights_spill_too():
    hours = H.normalize_hours({**NIGHT, "exceptions": {"2024-03-13": "closed"}})
    assert not H.is_open(hours, at("2024-03-13 23:30"))
    assert not H.is_open(hours, at("2024-03-14 03:00"))   # the 13th's night never started
    assert H.is_open(hours, at("2024-03-13 03:00"))       # the 12th's night still runs into the 13th


# --- 24 hours, holidays, make-up days, exceptions --------------------------------------------------------

def test_a_24_hour_station_is_always_open_even_on_national_day():
    for moment in ("2024-03-13 00:00", "2024-03-13 03:17", "2024-03-13 23:59:59", "2024-10-01 12:00"):
        assert H.is_open(ALL_DAY, at(moment))
    assert H.hours_on(ALL_DAY, date(2024, 10, 1)) == [("00:00", "24:00")]


def test_a_holiday_closed_station_is_closed_on_national_day():
    assert H.is_holiday(date(2024, 10, 1))
    assert not H.is_open(BANK, at("2024-10-01 10:00"))   # a Tuesday, but National Day
    assert H.is_open(BANK, at("2024-10-08 10:00"))       # back to work
    assert H.hours_on(BANK, date(2024, 10, 1)) == []


def test_holidays_as_sunday_use_sundays_hours():
    hours = H.parse_hours("周一至周五 08:30-17:00; 周六、周日 09:00-16:00; 节假日同周日")
    assert H.hours_on(hours, date(2024, 10, 2)) == [("09:00", "16:00")]   # Wednesday in the National Day block
    assert not H.is_open(hours, at("2024-10-02 08:45"))


def test_a_make_up_working_day_uses_the_working_day_schedule():
    # State Council 2024 notice: Sunday 2024-09-29 and Saturday 2024-10-12 are working days (调休上班).
    assert H.is_workday(date(2024, 9, 29))
    assert H.day_kind(date(2024, 9, 29)) == H.MAKEUP_WORKDAY
    assert H.is_workday(date(2024, 10, 12))
    assert H.hours_on(BANK, date(2024, 9, 29)) == [("09:00", "17:00")]
    assert H.is_open(BANK, at("2024-09-29 10:00"))
    assert not H.is_open(BANK, at("2024-09-22 10:00"))   # an ordinary Sunday


def test_spring_festival_2024_and_its_make_up_days():
    assert H.day_kind(date(2024, 2, 4)) == H.MAKEUP_WORKDAY     # Sunday before
    assert H.day_kind(date(2024, 2, 10)) == H.HOLIDAY
    assert H.day_kind(date(2024, 2, 17)) == H.HOLIDAY
    assert H.day_kind(date(2024, 2, 18)) == H.MAKEUP_WORKDAY    # Sunday after
    assert H.day_kind(date(2024, 3, 16)) == H.REST_DAY          # an ordinary Saturday is not a "holiday"
    assert not H.is_holiday(date(2024, 3, 16))
    assert H.day_kind(date(2024, 3, 13)) == H.WORKDAY


def test_holidays_open_ignores_the_calendar():
    weekly = H.parse_hours("周一至周五 07:00-19:00")
    assert H.hours_on(weekly, date(2024, 10, 1)) == [("07:00", "19:00")]   # a Tuesday
    assert H.hours_on(weekly, date(2024, 9, 29)) == []                     # its own Sunday, make-up day or not


def test_a_dated_exception_wins_over_everything():
    # The Xianju 兴和门 station on the day of the March birthday party (seed: 2024-03-13 front page).
    hours = H.parse_hours("每天 05:30-20:30; 2024-03-13 08:00-12:00; 2024-10-01 09:00-11:00; 节假日休息")
    assert H.hours_on(hours, date(2024, 3, 13)) == [("08:00", "12:00")]
    assert not H.is_open(hours, at("2024-03-13 06:00"))
    assert H.is_open(hours, at("2024-03-13 11:59"))
    assert H.is_open(hours, at("2024-10-01 10:00"))   # the exception beats "节假日休息"
    assert not H.is_open(hours, at("2024-10-02 10:00"))


def test_utc_moments_are_converted_to_beijing_time():
    # 2024-03-13 15:30 UTC is 23:30 in Shanghai (UTC+8, no daylight saving).
    moment = datetime(2024, 3, 13, 15, 30, tzinfo=UTC)
    assert H.to_shanghai(moment).hour == 23
    assert H.is_open(NIGHT, moment)
    assert not H.is_open(BANK, moment)
    assert H.is_open(BANK, datetime(2024, 3, 13, 2, 0, tzinfo=UTC))   # 10:00 in Shanghai


def test_a_naive_moment_is_refused_by_is_open_but_localised_by_to_shanghai():
    with pytest.raises(H.HoursError, match="带时区"):
        H.is_open(BANK, datetime(2024, 3, 13, 10, 0))
    assert H.is_open(BANK, H.to_shanghai(datetime(2024, 3, 13, 10, 0)))


def test_a_year_without_holiday_data_is_refused_clearly():
    with pytest.raises(H.HolidayDataMissing, match="2027 年") as caught:
        H.is_open(BANK, at("2027-03-10 10:00"))
    assert caught.value.year == 2027
    with pytest.raises(H.HolidayDataMissing):
        H.is_workday(date(2027, 1, 4))
    # a station that ignores holidays needs no calendar at all
    assert H.is_open(ALL_DAY, at("2027-03-10 10:00"))


def test_admin_overrides_come_first_and_can_enable_a_new_year():
    table = H.HolidayTable.from_workday_flags(
        {date(2027, 10, 1): False, date(2027, 9, 26): True}, complete_years={2027})
    assert H.day_kind(date(2027, 10, 1), table) == H.HOLIDAY          # a Friday off
    assert H.day_kind(date(2027, 9, 26), table) == H.MAKEUP_WORKDAY   # a Sunday on
    assert H.day_kind(date(2027, 3, 10), table) == H.WORKDAY          # not listed: ordinary Wednesday
    assert H.is_open(BANK, at("2027-03-10 10:00"), table)
    assert not H.is_open(BANK, at("2027-10-01 10:00"), table)
    # an override also beats the library inside its range
    table_2024 = H.HolidayTable({date(2024, 3, 13): H.HOLIDAY})
    assert not H.is_open(BANK, at("2024-03-13 10:00"), table_2024)
    with pytest.raises(H.HoursError):
        H.HolidayTable({date(2024, 3, 13): "party"})


# --- The compact text format ---------------------------------------------------------------------------

def test_officers_text_is_parsed():
    hours = H.parse_hours("周一至周五 08:00-12:00，14:00-18:00；周六 09:00-12:00；节假日休息")
    assert hours["mon"] == [["08:00", "12:00"], ["14:00", "18:00"]]
    assert hours["fri"] == hours["mon"]
    assert hours["sat"] == [["09:00", "12:00"]]
    assert hours["sun"] == []
    assert hours["holidays"] == "closed"


def test_machine_spellings_and_overrides_by_later_segments():
    hours = H.parse_hours("daily 08:00-20:00; sun closed; holidays as_sunday")
    assert hours["sat"] == [["08:00", "20:00"]] and hours["sun"] == [] and hours["holidays"] == "as_sunday"
    assert H.parse_hours("工作日 07:00 - 19:00\n周末 休息") == H.parse_hours("周一至周五 07:00-19:00")


@pytest.mark.parametrize(("text", "message"), [
    ("", "不能为空"),
    ("周八 08:00-18:00", "无法识别的星期“周八”"),
    ("周一 08:00-25:00", "25:00"),
    ("08:00-18:00", "应写成“星期 时段”"),
    ("周一 08:00-12:00, 11:00-13:00", "重叠"),
    ("周一 08:00-08:00", "开始与结束相同"),
    ("节假日 09:00-12:00", "节假日只能写"),
    ("2024-02-30 休息", "不存在"),
    ("周五至周一 08:00-18:00", "应从前往后"),
    ("24小时; 周一 08:00-18:00", "不应再按星期"),
    ("周一 08:00-12:00 下午14:00-18:00", "无法识别的时段"),
])
def test_bad_text_gives_a_chinese_message_naming_the_problem(text, message):
    with pytest.raises(H.HoursError, match=message):
        H.parse_hours(text)


def test_24_hours_on_some_days_only():
    hours = H.parse_hours("周一至周五 24小时; 周六 08:00-12:00")
    assert not hours["24h"]
    assert H.is_open(hours, at("2024-03-13 03:00"))        # Wednesday night
    assert not H.is_open(hours, at("2024-03-17 03:00"))    # Sunday
    assert H.format_hours(hours) == "周一至周五 00:00-24:00; 周六 08:00-12:00"


def test_stored_form_is_validated():
    with pytest.raises(H.HoursError, match="无法识别的项"):
        H.normalize_hours({"monday": [["08:00", "18:00"]]})
    with pytest.raises(H.HoursError, match="节假日规则"):
        H.normalize_hours({"holidays": "sometimes"})
    with pytest.raises(H.HoursError, match="HH:MM"):
        H.normalize_hours({"mon": [["8am", "18:00"]]})
    with pytest.raises(H.HoursError, match="特殊日期"):
        H.normalize_hours({"exceptions": {"13/03/2024": []}})


def test_format_for_display():
    assert H.format_hours(BANK) == "周一至周五 09:00-17:00; 节假日休息"
    assert H.format_hours(NIGHT) == "每天 22:00-次日06:00"
    assert H.format_hours(ALL_DAY) == "24小时"
    assert H.format_hours({}) == "每天 休息"
    assert H.format_intervals(H.hours_on(BANK, date(2024, 3, 13))) == "09:00-17:00"
    assert H.format_intervals([]) == "休息"


_times = st.integers(0, 23 * 60 + 59).map(lambda m: f"{m // 60:02d}:{m % 60:02d}")
_interval = st.tuples(_times, _times).filter(lambda t: t[0] != t[1]).map(list)
_day = st.one_of(st.just([]), st.lists(_interval, max_size=1), st.just([["08:00", "12:00"], ["14:00", "18:00"]]))


@given(days=st.lists(_day, min_size=7, max_size=7), all_day=st.booleans(),
       policy=st.sampled_from(H.HOLIDAY_POLICIES),
       exceptions=st.dictionaries(st.dates(date(2024, 1, 1), date(2026, 12, 31)).map(date.isoformat), _day,
                                  max_size=3))
def test_format_then_parse_gives_back_the_same_hours(days, all_day, policy, exceptions):
    hours = {"24h": all_day, "holidays": policy, "exceptions": exceptions}
    if not all_day:
        hours.update(zip(H.DAYS, days, strict=True))
    canonical = H.normalize_hours(hours)
    assert H.parse_hours(H.format_hours(canonical)) == canonical


@given(start=st.integers(0, 1439), length=st.integers(1, 1439), probe=st.integers(0, 2 * 1440 - 1))
def test_is_open_agrees_with_a_minute_by_minute_oracle(start, length, probe):
    # One interval every day; the oracle marks each minute of a two-day window and reads the probe minute.
    end = (start + length) % 1440
    fmt = "{:02d}:{:02d}".format
    hours = {"holidays": "open", **{d: [[fmt(*divmod(start, 60)), fmt(*divmod(end, 60)) if end else "24:00"]]
                                    for d in H.DAYS}}
    open_minutes = set()
    for day in (-1, 0, 1):
        open_minutes.update(day * 1440 + start + k for k in range(length))
    moment = at("2024-03-13 00:00") + timedelta(minutes=probe)
    assert H.is_open(hours, moment) == (probe in open_minutes)
