from django import forms

from .errors import DomainError


def add_domain_error(form: forms.Form, error: DomainError, *, aliases: dict | None = None) -> None:
    """Show a service's DomainError next to the field it names (through `aliases` when the form calls it
    otherwise), or above the form."""
    name = (aliases or {}).get(error.field, error.field)
    form.add_error(name if name in form.fields else None, str(error.message))


class DomainErrorFormMixin:
    """Forms whose cleaned data goes to a service: `form.add_domain_error(exc)` shows the service's refusal."""

    field_aliases: dict = {}

    def add_domain_error(self, error: DomainError) -> None:
        add_domain_error(self, error, aliases=self.field_aliases)
