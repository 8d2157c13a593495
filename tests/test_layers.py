"""The floors of README.md's "Layers" hold for the migrations too: a migration depends only on
migrations of its own app and of the apps below it.

The modules' imports are checked by import-linter (make lint). The migrations written before
the floors existed keep the dependencies they were applied with in every database: they are
listed here, closed, and any new upward dependency fails.
"""

from django.db.migrations.loader import MigrationLoader

FLOORS = ["regions", "devices", "campaigns", "residents", "reports"]

# (migration, the migration of a higher app it depends on), from before the floors.
HISTORICAL = {
    # The roles' groups needed every app's permissions.
    (("campaigns", "0003_roles"), ("residents", "0001_initial")),
    (("campaigns", "0003_roles"), ("reports", "0001_initial")),
    # The region models lived in campaigns: a set's home kecamatan pointed there.
    (("devices", "0001_initial"), ("campaigns", "0001_initial")),
    # The region tables were made by campaigns' migrations before they moved to regions.
    (("regions", "0001_initial"), ("campaigns", "0007_audit_log")),
    # The move: residents' foreign keys leave campaigns' region models first (run_before).
    (("campaigns", "0008_regions_moved"), ("residents", "0009_regions_moved")),
}


def upward_dependencies():
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    found = set()
    for key in graph.nodes:
        if key[0] not in FLOORS:
            continue
        for parent in graph.node_map[key].parents:
            app = parent.key[0]
            if app in FLOORS and FLOORS.index(app) > FLOORS.index(key[0]):
                found.add((key, parent.key))
    return found


def test_migrations_depend_only_on_lower_floors_but_for_the_historical_ones():
    assert upward_dependencies() == HISTORICAL


def test_no_module_imports_one_that_imports_it_back():
    """No circle between modules, even through a function-level import (import-linter
    checks the apps; this the modules within them)."""
    import grimp

    graph = grimp.build_graph(*FLOORS, "config")
    modules = {m for m in graph.modules if ".migrations" not in m}
    circles = {
        tuple(sorted((module, imported)))
        for module in modules
        for imported in graph.find_modules_directly_imported_by(module) & modules
        if imported != module and graph.chain_exists(importer=imported, imported=module)
    }
    assert circles == set()


def test_no_app_names_a_higher_apps_permission_or_page():
    """What import-linter cannot see: a permission ("reports.add_dailyreport") or a URL name
    ("visits:today") of a higher app, written as a string in a lower app's code."""
    from pathlib import Path

    from django.urls import get_resolver

    root = Path(__file__).resolve().parent.parent
    owner = {  # each URL namespace and the app whose URLconf defines it
        namespace: getattr(resolver.urlconf_name, "__name__", "").split(".")[0]
        for namespace, (_, resolver) in get_resolver().namespace_dict.items()
    }
    assert {"visits", "campaigns", "residents", "backlog"} <= set(owner)
    found = []
    for low, app in enumerate(FLOORS):
        higher = FLOORS[low + 1 :]
        names = [f'"{h}.' for h in higher] + [f'"{ns}:' for ns, o in owner.items() if o in higher]
        for path in (root / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            text = path.read_text()
            found += [(str(path.relative_to(root)), name) for name in names if name in text]
    assert found == []
