"""zh-Hans input formats with ISO dates first: Django renders a DateInput's value in the first input format, and
an ``<input type="date">`` shows nothing unless that value is YYYY-MM-DD (Django's zh_Hans starts with
YYYY/MM/DD). Display formats stay Django's."""

from django.conf.locale.zh_Hans import formats as _django

DATE_INPUT_FORMATS = ["%Y-%m-%d", *[f for f in _django.DATE_INPUT_FORMATS if f != "%Y-%m-%d"]]
DATETIME_INPUT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M",
                          *[f for f in _django.DATETIME_INPUT_FORMATS
                            if f not in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M")]]
