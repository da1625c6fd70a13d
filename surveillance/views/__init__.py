"""HTML pages of surveillance: the review queue of operators and inspectors (`queue`), an alert's page with its
review actions (`alerts`), false-positive rates (`rates`), the camera registry (`cameras`) and the territory
pages' panel (`territory`).

Every read starts from `visible_to(request.user)` (through selectors), so something outside the user's scope
answers 404 like something that does not exist. Writes go through services; a SurveillanceError is shown next
to the field it names. Pictures are never linked directly: pages point at the API's access-checked, audited
picture view. An HTMX request gets only the fragment it swaps (rows, one row, the review panel).
"""
