"""Who may do what: the roles' rules, asked by views, forms, services and the admin.

The roles themselves (groups and their permissions) are made by migration 0003_roles.
"""


def is_admin(user) -> bool:
    """Admins (Dukcapil head office) may correct locked data, with a reason."""
    return user.has_perm("campaigns.change_campaign")


def may_report(user) -> bool:
    """Operators (and admins) send the daily reports of visits."""
    return user.has_perm("reports.add_dailyreport")


def is_operator(user) -> bool:
    """Someone who reports from the field and does not run the campaign: lands on today's
    visits rather than on a dashboard."""
    return may_report(user) and not is_admin(user)
