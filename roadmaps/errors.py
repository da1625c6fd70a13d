from core.errors import DomainError


class RoadmapError(DomainError):
    """A broken rule of this app; `field` names the input at fault (core.errors.DomainError)."""
