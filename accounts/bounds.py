"""The range of an integer column, for the serializer and form fields that write to it.

A value outside the column's range passes a bare IntegerField and fails in PostgreSQL ("integer out of range"),
a 500 instead of a 400 naming the field. tests/core/services/test_integer_bounds.py walks every serializer and form.
"""

from django.db import connection

from mahallas.serializers import MAX_ID  # the largest bigint: every primary key of this project

__all__ = ["MAX_ID", "column_bounds"]


def column_bounds(model, field_name: str, *, min_value: int | None = None) -> dict:
    """{"min_value": ..., "max_value": ...} of the model field's column; `min_value` narrows the lower end."""
    field = model._meta.get_field(field_name)
    low, high = connection.ops.integer_field_range(field.get_internal_type())
    if min_value is not None:
        low = min_value if low is None else max(low, min_value)
    return {"min_value": low, "max_value": high}
