"""A zip written as a stream of byte chunks, with the standard library only (struct and zlib.crc32).

Members are stored, not compressed: deflating costs several times more than reading, opening and formatting
the rows together, and the export's target is to stay within a few times a raw COPY of them. The writer keeps
one small central-directory record per member (as any zip writer must) and nothing else.

Format: PKWARE APPNOTE 6.3. A member whose bytes are all known is written with its sizes and CRC in the local
header; a member written piece by piece (held.json) gets a data descriptor after its data. Zip64 end records
are added when there are more than 65,535 members or the central directory starts past 4 GiB.
"""

import struct
import time
import zlib
from collections.abc import Iterator

CHUNK_BYTES = 64 * 1024
_LOCAL = struct.Struct("<IHHHHHIIIHH")
_CENTRAL = struct.Struct("<IHHHHHHIIIHHHHHII")
_DESCRIPTOR = struct.Struct("<IIII")
_END = struct.Struct("<IHHHHIIH")
_END64 = struct.Struct("<IQHHIIQQQQ")
_LOCATOR64 = struct.Struct("<IIQI")
_ZIP64_EXTRA = struct.Struct("<HHQ")  # only the local-header offset ever needs 64 bits here

_UTF8 = 0x0800  # names are UTF-8
_DATA_DESCRIPTOR = 0x0008  # sizes and CRC follow the data
_VERSION = 45  # 4.5: zip64 may be used
_MADE_BY = (3 << 8) | _VERSION  # Unix, so the file mode below is honoured
_FILE_MODE = (0o100600 << 16) & 0xFFFFFFFF  # a regular file readable by its owner only, once unpacked
_MAX32 = 0xFFFFFFFF


def _dos_stamp(moment: time.struct_time) -> tuple[int, int]:
    date = ((moment.tm_year - 1980) << 9) | (moment.tm_mon << 5) | moment.tm_mday
    clock = (moment.tm_hour << 11) | (moment.tm_min << 5) | (moment.tm_sec // 2)
    return clock, date


class ZipStream:
    """Add members, take the bytes with `ready()` as they accumulate, and `finish()` once at the end."""

    def __init__(self) -> None:
        self._pending: list[bytes] = []
        self._pending_size = 0
        self._offset = 0
        self._central: list[bytes] = []
        self._clock, self._date = _dos_stamp(time.gmtime())
        self._open_member: _MemberWriter | None = None

    def _emit(self, data: bytes) -> None:
        self._pending.append(data)
        self._pending_size += len(data)
        self._offset += len(data)

    def _record(self, name: bytes, flags: int, crc: int, size: int, offset: int) -> None:
        if size > _MAX32:
            raise ValueError("a single member of 4 GiB or more is not supported")
        extra = _ZIP64_EXTRA.pack(1, 8, offset) if offset >= _MAX32 else b""
        header = _CENTRAL.pack(
            0x02014B50, _MADE_BY, _VERSION, flags, 0, self._clock, self._date, crc, size, size,
            len(name), len(extra), 0, 0, 0, _FILE_MODE, min(offset, _MAX32),
        )  # fmt: skip
        self._central.append(header + name + extra)

    def add(self, name: str, data: bytes) -> None:
        """A member whose bytes are all here."""
        assert self._open_member is None, "close the open member first"
        encoded = name.encode()
        crc = zlib.crc32(data)
        offset = self._offset
        local = _LOCAL.pack(
            0x04034B50, _VERSION, _UTF8, 0, self._clock, self._date, crc, len(data), len(data), len(encoded), 0
        )
        self._emit(local + encoded)
        self._emit(data)
        self._record(encoded, _UTF8, crc, len(data), offset)

    def open(self, name: str) -> "_MemberWriter":
        """A member written piece by piece; `close()` it before adding the next one."""
        assert self._open_member is None, "close the open member first"
        self._open_member = _MemberWriter(self, name.encode(), self._offset)
        return self._open_member

    def ready(self, *, force: bool = False) -> Iterator[bytes]:
        """The bytes written so far, once there are enough of them to be worth a write to the socket."""
        if self._pending_size and (force or self._pending_size >= CHUNK_BYTES):
            data = b"".join(self._pending)
            self._pending.clear()
            self._pending_size = 0
            yield data

    def finish(self) -> bytes:
        """The central directory and the end records, with whatever was still pending before them."""
        assert self._open_member is None, "close the open member first"
        start = self._offset
        directory = b"".join(self._central)
        self._emit(directory)
        count = len(self._central)
        if count > 0xFFFF or start >= _MAX32:
            end64_at = self._offset
            self._emit(_END64.pack(0x06064B50, 44, _MADE_BY, _VERSION, 0, 0, count, count, len(directory), start))
            self._emit(_LOCATOR64.pack(0x07064B50, 0, end64_at, 1))
        self._emit(
            _END.pack(0x06054B50, 0, 0, min(count, 0xFFFF), min(count, 0xFFFF), len(directory), min(start, _MAX32), 0)
        )
        return b"".join(self.ready(force=True))


class _MemberWriter:
    def __init__(self, archive: ZipStream, name: bytes, offset: int) -> None:
        self.archive = archive
        self.name = name
        self.offset = offset
        self.crc = 0
        self.size = 0
        flags = _UTF8 | _DATA_DESCRIPTOR
        local = _LOCAL.pack(0x04034B50, _VERSION, flags, 0, archive._clock, archive._date, 0, 0, 0, len(name), 0)
        archive._emit(local + name)

    def write(self, data: bytes) -> None:
        self.crc = zlib.crc32(data, self.crc)
        self.size += len(data)
        self.archive._emit(data)

    def close(self) -> None:
        self.archive._emit(_DESCRIPTOR.pack(0x08074B50, self.crc, self.size, self.size))
        self.archive._record(self.name, _UTF8 | _DATA_DESCRIPTOR, self.crc, self.size, self.offset)
        self.archive._open_member = None
