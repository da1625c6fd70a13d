def navigation(request):
    """Menu entries for the signed-in user's role; filled in by accounts.navigation."""
    from .navigation import menu_for

    return {"nav_items": menu_for(getattr(request, "user", None))}
