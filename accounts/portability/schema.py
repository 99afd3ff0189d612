"""The held.json format's name, version and the limits an import holds a file to (see SCHEMA.md)."""

from django.conf import settings

FORMAT = "held-export"
# Raise when a change would make an older Held misread a file; older files must still import.
SCHEMA_VERSION = 1


def max_upload_bytes() -> int:
    """The largest file Settings accepts for import. Bigger uploads stop at this size, before any parsing.

    Uploads above FILE_UPLOAD_MAX_MEMORY_SIZE (Django's 2.5 MB) are spooled to a temporary file for the
    length of the request and removed after it; only the parsed, sealed plan outlives the request.
    """
    return getattr(settings, "HELD_IMPORT_MAX_BYTES", 100 * 1024 * 1024)


# Unpacked JSON or CSV we are willing to parse in one import: about 30,000 long entries. A zip member
# that unpacks past this is refused as it is read, whatever its header claims (zip bombs).
MAX_UNPACKED_BYTES = 64 * 1024 * 1024
# Declared sizes in a zip are checked before anything is unpacked.
MAX_ZIP_MEMBERS = 100_000
MAX_DECLARED_UNPACKED_BYTES = 4 * 1024 * 1024 * 1024  # photos in a Day One zip are never unpacked
MAX_COMPRESSION_RATIO = 200  # text compresses about 3-10x; bombs a thousandfold
