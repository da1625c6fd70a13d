"""HTML pages of roadmaps. Views parse input, check one named permission, call one service or selector, render.

An HTMX request gets a fragment (`_item_row.html`, `_item_form.html`, `_item_rows.html`); a plain request the whole
page, so every action also works without JavaScript. Anything outside the user's scope answers 404; something in
scope that the user may read but not change answers 403.

lists.py: the list, creation, approvals, roll-up and territory panel; roadmap.py: one roadmap's page and its
workflow; items.py: inline editing of its measures; item_page.py: one measure's KPIs and evidence; bulk.py: a
measure for many mahallas, a roadmap from a template; import_export.py: Excel and print.
"""
