"""Who may change a campaign's data: the admin role, asked by views, forms, services and
the admin. (Who reports is reports.rules' to say: the permission is that app's.)

The roles themselves (groups and their permissions) are made by migration 0003_roles.
"""


def is_admin(user) -> bool:
    """Admins (Dukcapil head office) may correct locked data, with a reason."""
    return user.has_perm("campaigns.change_campaign")
