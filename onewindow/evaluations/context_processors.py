def nav(request):
    """Whether the staff menu shows 评估: lazily, so only pages that render the staff menu ask (one query)."""
    user = getattr(request, "user", None)
    if not getattr(user, "is_staff_member", False):
        return {"evaluations_nav": False}
    from .selectors import involved

    return {"evaluations_nav": lambda: involved(user)}
