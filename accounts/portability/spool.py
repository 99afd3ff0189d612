"""A temporary file for export data that must wait its turn, sealed under a key that exists only in memory.

The export writes each entry once into the zip (its Markdown file) and once into held.json, which can only
start after the last Markdown file. Rather than read and open every entry twice, the held.json records wait
here: on disk, so memory stays flat however long the journal, and sealed with a throwaway AES-GCM key, so the
writer's words never reach the disk in the clear. The file has no name (unlinked at once) and goes when closed.
"""

import struct
import tempfile
from collections.abc import Iterator
from types import TracebackType

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

CHUNK_BYTES = 256 * 1024
_LENGTH = struct.Struct("<I")


class SealedSpool:
    def __init__(self) -> None:
        self._aead = AESGCM(AESGCM.generate_key(bit_length=256))
        self._file = tempfile.TemporaryFile()  # noqa: SIM115 (closed by __exit__)
        self._buffer: list[bytes] = []
        self._buffered = 0
        self._chunks = 0

    def __enter__(self) -> "SealedSpool":
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self._file.close()

    def write(self, data: bytes) -> None:
        self._buffer.append(data)
        self._buffered += len(data)
        if self._buffered >= CHUNK_BYTES:
            self._seal_buffer()

    def _seal_buffer(self) -> None:
        if not self._buffer:
            return
        self._chunks += 1
        # A counter nonce: each chunk under this one-off key gets its own, and their order is authenticated.
        sealed = self._aead.encrypt(self._chunks.to_bytes(12, "big"), b"".join(self._buffer), None)
        self._file.write(_LENGTH.pack(len(sealed)) + sealed)
        self._buffer.clear()
        self._buffered = 0

    def chunks(self) -> Iterator[bytes]:
        """Everything written, in order, a chunk at a time."""
        self._seal_buffer()
        self._file.flush()
        self._file.seek(0)
        for number in range(1, self._chunks + 1):
            (length,) = _LENGTH.unpack(self._file.read(_LENGTH.size))
            yield self._aead.decrypt(number.to_bytes(12, "big"), self._file.read(length), None)
