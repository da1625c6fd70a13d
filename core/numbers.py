def rounded(value, digits: int = 2) -> float | None:
    """`round(value, digits)`, None staying None (a figure with nothing to divide by)."""
    return None if value is None else round(value, digits)
