# Django's own conventions for this language (decimal comma, dates day first) apply; only the grouping mark
# is the platform's: a narrow no-break space, in every language, as its tables and tiles have always written it.
THOUSAND_SEPARATOR = "\u202f"
