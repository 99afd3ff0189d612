"""A zip written as a stream of byte chunks, with the standard library only.

zipfile can write to a file object that cannot seek: it then puts each member's sizes and checksum in
a data descriptor after the member. Pointing it at a buffer that the response drains after every few
records gives a zip that is never held whole in memory.
"""

import io
import time
import zipfile
from collections.abc import Iterator

# Small enough to keep memory flat, large enough that the response is not a storm of tiny writes.
CHUNK_BYTES = 64 * 1024
# Deflate level 1: about four times faster than the default level for text, and still about 3x smaller.
COMPRESS_LEVEL = 1


class _Drain(io.RawIOBase):
    """Collects what zipfile writes until the generator hands it on. Not seekable on purpose."""

    def __init__(self) -> None:
        super().__init__()
        self._chunks: list[bytes] = []
        self.pending = 0

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self._chunks.append(bytes(data))
        self.pending += len(data)
        return len(data)

    def take(self) -> bytes:
        data = b"".join(self._chunks)
        self._chunks.clear()
        self.pending = 0
        return data


class ZipStream:
    """`with ZipStream() as archive:` add members, `yield from archive.ready()` between them."""

    def __init__(self) -> None:
        self._drain = _Drain()
        self._zip = zipfile.ZipFile(
            self._drain, mode="w", compression=zipfile.ZIP_DEFLATED, compresslevel=COMPRESS_LEVEL
        )
        self._stamp = time.gmtime()[:6]

    def __enter__(self) -> "ZipStream":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._zip.close()

    def _info(self, name: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=self._stamp)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o600 << 16  # readable by the writer only, once unpacked
        return info

    def add(self, name: str, data: bytes) -> None:
        self._zip.writestr(self._info(name), data, compresslevel=COMPRESS_LEVEL)

    def open(self, name: str) -> io.BufferedIOBase:
        """A member written piece by piece (held.json); close it before adding the next member."""
        return self._zip.open(self._info(name), mode="w")

    def ready(self, *, force: bool = False) -> Iterator[bytes]:
        if self._drain.pending and (force or self._drain.pending >= CHUNK_BYTES):
            yield self._drain.take()

    def finish(self) -> bytes:
        """Close the archive (writing its central directory) and return the last bytes."""
        self._zip.close()
        return self._drain.take()
