# The platform's English pages write dates as its Uzbek and Russian pages do (day first, 24-hour clock):
# its readers are in Uzbekistan, and one table must not read 06.12.2026 in one language and 12/06/2026 in another.
# The "." decimal mark is Django's own English; the grouping mark is the platform's narrow no-break space (as
# in uz and ru), so "1,234" is never read as a decimal by a reader used to "1,5".
THOUSAND_SEPARATOR = "\u202f"
SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
TIME_FORMAT = "H:i"
FIRST_DAY_OF_WEEK = 1  # Monday
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d.%m.%Y"]
DATETIME_INPUT_FORMATS = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M"]
