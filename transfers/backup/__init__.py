"""Backup and restore of one year of an organization's subtree, as one JSON document.

`export_year` writes it, `read_document` and `import_year` read it back; the format is in
`format.py`, the rules of each side in `export.py` and `restore.py` (with `reading.py` and `checks.py`), the operator's guide
in docs/backups.md.
"""

from transfers.backup.export import export_year
from transfers.backup.format import FORMAT, FORMAT_VERSION, BackupRejected
from transfers.backup.reading import read_document
from transfers.backup.restore import import_year

__all__ = ["FORMAT", "FORMAT_VERSION", "BackupRejected", "export_year", "import_year", "read_document"]
