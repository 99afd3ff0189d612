"""Where export data waits its turn: in memory up to a fixed bound, then in a sealed temporary file.

The export writes each entry once into the zip (its Markdown file) and once into held.json, which can only
start after the last Markdown file. Rather than read and open every entry twice, the held.json records wait
here. Up to MEMORY_BYTES they stay in memory (a journal of several thousand entries never leaves it); past
that they go to a temporary file, so memory stays bounded however long the journal, sealed with a throwaway
AES-GCM key that exists only in this object, so the writer's words never reach the disk in the clear. The
file has no name (unlinked at once) and goes when the spool is closed.
"""

import struct
import tempfile
from collections.abc import Iterator
from types import TracebackType
from typing import IO

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MEMORY_BYTES = 16 * 1024 * 1024
CHUNK_BYTES = 256 * 1024
_LENGTH = struct.Struct("<I")


class SealedSpool:
    def __init__(self, *, memory_bytes: int = MEMORY_BYTES) -> None:
        self._memory_bytes = memory_bytes
        self._in_memory: list[bytes] = []
        self._in_memory_size = 0
        self._buffer: list[bytes] = []
        self._buffered = 0
        self._aead: AESGCM | None = None
        self._file: IO[bytes] | None = None
        self._sealed_chunks = 0

    def __enter__(self) -> "SealedSpool":
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        if self._file is not None:
            self._file.close()
        self._in_memory.clear()

    @property
    def on_disk(self) -> bool:
        return self._file is not None

    def write(self, data: bytes) -> None:
        if self._file is None and self._in_memory_size + len(data) <= self._memory_bytes:
            self._in_memory.append(data)
            self._in_memory_size += len(data)
            return
        self._buffer.append(data)
        self._buffered += len(data)
        if self._buffered >= CHUNK_BYTES:
            self._seal_buffer()

    def _seal_buffer(self) -> None:
        if not self._buffer:
            return
        if self._file is None:
            self._aead = AESGCM(AESGCM.generate_key(bit_length=256))
            self._file = tempfile.TemporaryFile()  # noqa: SIM115 (closed by __exit__)
        self._sealed_chunks += 1
        # A counter nonce: each chunk under this one-off key gets its own, and their order is authenticated.
        sealed = self._aead.encrypt(self._sealed_chunks.to_bytes(12, "big"), b"".join(self._buffer), None)
        self._file.write(_LENGTH.pack(len(sealed)) + sealed)
        self._buffer.clear()
        self._buffered = 0

    def chunks(self) -> Iterator[bytes]:
        """Everything written, in order: what waited in memory, then the file, a chunk at a time."""
        self._seal_buffer()
        for start in range(0, len(self._in_memory), 256):
            yield b"".join(self._in_memory[start : start + 256])
        if self._file is None:
            return
        self._file.flush()
        self._file.seek(0)
        for number in range(1, self._sealed_chunks + 1):
            (length,) = _LENGTH.unpack(self._file.read(_LENGTH.size))
            yield self._aead.decrypt(number.to_bytes(12, "big"), self._file.read(length), None)
