"""The reform plan as pure Python: no Django, no I/O (docs/adr/0002)."""
