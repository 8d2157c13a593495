"""Signals for the apps above residents, which residents may not import (STYLE.md, floors)."""

from django.dispatch import Signal

# Sent by residents.services.residents_purge with campaign=, names= (the residents' names,
# as residents.services.scrub_names takes them) and dry_run=, before the residents go.
# A receiver cleans the free text of its own app (residents.services.scrub_notes) and returns
# how many rows it changed (or would change, on a dry run).
residents_purging = Signal()
