"""Signals for bulk writes, which send no model signal of their own.

Whoever keeps derived data (the tally store of reports/tallies.py) listens to these as well
as to the model signals; a service doing a bulk write sends the matching one.
"""

from django.dispatch import Signal

# A year's tree changed in bulk. Argument: years (a list, or None for every year).
tree_changed = Signal()
# A subtree of a year's tree moved: its rows' paths now start with new_path instead of
# old_path. Arguments: year, organization_id (the subtree's root), old_path, new_path.
subtree_moved = Signal()
# Counted records of these organizations changed in bulk. Arguments: organization_ids, and
# years (a list, or None for every year the records may count in).
records_changed = Signal()
