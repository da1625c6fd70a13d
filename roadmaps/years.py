"""The year of a roadmap as clients write it in a query string or a form."""

from django.utils.translation import gettext as _

from .errors import RoadmapError

FIRST_YEAR, LAST_YEAR = 2000, 2100


def clean_year(value) -> int:
    """A whole year in FIRST_YEAR..LAST_YEAR, else RoadmapError naming "year".

    Checked as text first: `str.isdigit` also accepts digits like "²" that int() refuses, and a thousand-digit
    number must not reach int() or the database.
    """
    text = str(value if value is not None else "").strip()
    if not (text.isascii() and text.isdigit() and len(text) == 4 and FIRST_YEAR <= int(text) <= LAST_YEAR):
        raise RoadmapError("year", _("Enter a year between 2000 and 2100."))  # FIRST_YEAR, LAST_YEAR
    return int(text)
