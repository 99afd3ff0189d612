"""Everything a writer owns, out as open files and back in: export (zip of Markdown + held.json) and import.

The held.json format is documented in SCHEMA.md beside this file and versioned by SCHEMA_VERSION.
"""
