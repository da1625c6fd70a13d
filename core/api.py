"""The base every domain API view stands on: DomainError as 400, a missing object as 404, one paging."""

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import CursorPagination, PageNumberPagination

from .errors import DomainError


class PagePagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class KeysetPagination(CursorPagination):
    """Keyset pagination: a late page costs what the first costs, and no COUNT(*) runs over a large table.
    Subclasses name `ordering`."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


def as_api_exception(exc):
    """The DRF exception a domain refusal or a missing object is answered with (anything else unchanged)."""
    if isinstance(exc, DomainError):
        return ValidationError({exc.field: [str(exc.message)]})
    if isinstance(exc, ObjectDoesNotExist | Http404):
        return NotFound()
    return exc


# An API view whose writes go through a service: `valid()` checks the body, the service decides. (A comment, not a
# docstring: drf-spectacular would show a docstring as the description of every operation that has none.)
class ServiceApi(GenericAPIView):

    pagination_class = PagePagination

    def valid(self, serializer_class, *, partial: bool = False, **context) -> dict:
        serializer = serializer_class(data=self.request.data, partial=partial,
                                      context={"request": self.request, **context})
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)
