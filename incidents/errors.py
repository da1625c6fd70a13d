from core.errors import DomainError


class FieldWorkError(DomainError):
    """A broken rule of this app; `field` names the input at fault (core.errors.DomainError)."""
