from core.errors import DomainError


class ZoneError(DomainError):
    """A broken rule of this app; `field` names the input at fault (core.errors.DomainError)."""
