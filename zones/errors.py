class ZoneError(Exception):
    """A broken rule of the zones app, naming the field it is about (views turn it into a 400 / form error)."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message
