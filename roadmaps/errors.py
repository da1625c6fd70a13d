class RoadmapError(Exception):
    """The one domain error of roadmaps: a rule was broken; `field` names the input at fault.

    API views answer it with 400 and `{"errors": {field: [message]}}`; HTML forms attach it to the field.
    """

    def __init__(self, field: str, message):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
