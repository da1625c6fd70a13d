"""HTML forms of field work, by sub-domain: `filters` of the lists, `incidents`, `visits`, `cases` and
`assignments`; `common` holds the base form, widgets and choices they share."""
