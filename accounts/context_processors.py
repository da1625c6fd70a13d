def navigation(request):
    """Menu entries for the signed-in user's role; filled in by accounts.navigation."""
    from .navigation import menu_for
    from .notifications import unread_count

    user = getattr(request, "user", None)
    return {"nav_items": menu_for(user), "unread_notifications": unread_count(user) if user else 0}
