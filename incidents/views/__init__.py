"""HTML pages of field work, one module per sub-domain: `incidents`, `change_requests`, `visits`, `cases`,
`coverage` and `assignments`.

Views parse input, check one named permission, call one service or selector, render. Everything starts from
`visible_to(user)` (through `selectors`): an id outside the user's scope answers 404 like a missing one;
something in scope that the user may read but not change answers 403. Lists filter with the API's
FilterSets, so the export buttons pass the same query string and get the same rows. An HTMX request gets
only the rows fragment (core.htmx.render_page); every page works without JavaScript.
"""
