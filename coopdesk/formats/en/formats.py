"""Dates and times in the English interface of a French cooperative: day before month, a
24-hour clock and Monday first, as its members read them in French. Django's US defaults
wrote 12/05/2026 (read as 12 May here) beside "Dec. 5, 2026", and "4:40 p.m." ended a
sentence with two full stops."""

from django.conf.locale.en.formats import *  # noqa: F403 (the input formats stay Django's)

DATE_FORMAT = "j F Y"  # 5 December 2026
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y, H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "j M Y"  # 5 Dec 2026
SHORT_DATETIME_FORMAT = "j M Y, H:i"
FIRST_DAY_OF_WEEK = 1  # Monday
