"""Envelope encryption for what writers write.

Each writer has a random 256-bit data key (AES-256-GCM). It is stored only wrapped (encrypted) by a
key-encryption key (KEK) that comes from the environment (`HELD_KEYS`), never from the database. Several
KEKs may be configured: the first wraps new data keys, the others still unwrap old ones until
`manage.py rotate_keys` has re-wrapped everything. Without the right KEK nothing decrypts, and that is
an error, never ciphertext shown as text.

Search over encrypted text uses a blind index: each word becomes an HMAC under a key derived from the
writer's data key, so the database can match words without holding them.
"""

import base64
import binascii
import hashlib
import hmac
import os
import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property, lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

FORMAT_VERSION = b"\x01"
NONCE_BYTES = 12


class KeyUnavailableError(RuntimeError):
    """The key-encryption key that wrapped a data key is not configured."""


class DecryptionError(RuntimeError):
    """Ciphertext did not authenticate: wrong key, wrong owner or a damaged value."""


def parse_key_encryption_keys(value: str) -> dict[str, bytes]:
    """`id:base64key,id2:base64key2` -> {id: key}, first one current. Raises on anything malformed."""
    keys: dict[str, bytes] = {}
    for item in filter(None, (part.strip() for part in value.split(","))):
        key_id, separator, encoded = item.partition(":")
        if not separator or not key_id or not re.fullmatch(r"[A-Za-z0-9_.-]{1,32}", key_id):
            raise ImproperlyConfigured("HELD_KEYS entries look like id:base64key (see README, Privacy).")
        try:
            # validate=True: a stray character is an error, never silently dropped from the key.
            key = base64.b64decode(encoded + "=" * (-len(encoded) % 4), altchars=b"-_", validate=True)
        except (ValueError, binascii.Error) as error:
            raise ImproperlyConfigured(f"HELD_KEYS key {key_id!r} is not base64.") from error
        if len(key) != 32:
            raise ImproperlyConfigured(f"HELD_KEYS key {key_id!r} must be 32 bytes, not {len(key)}.")
        keys[key_id] = key
    if not keys:
        raise ImproperlyConfigured("HELD_KEYS is empty: set at least one key-encryption key.")
    return keys


def new_key_encryption_key_text(key_id: str) -> str:
    return f"{key_id}:{base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip('=')}"


def _keys() -> dict[str, bytes]:
    return parse_key_encryption_keys(settings.HELD_KEYS)


def current_key_id() -> str:
    return next(iter(_keys()))


def wrap_data_key(data_key: bytes, *, user_id: int) -> tuple[str, bytes]:
    key_id = current_key_id()
    nonce = os.urandom(NONCE_BYTES)
    wrapped = AESGCM(_keys()[key_id]).encrypt(nonce, data_key, f"datakey:{user_id}".encode())
    return key_id, nonce + wrapped


def unwrap_data_key(key_id: str, wrapped: bytes, *, user_id: int) -> bytes:
    return _unwrap_cached(settings.HELD_KEYS, key_id, bytes(wrapped), user_id)


@lru_cache(maxsize=4096)
def _unwrap_cached(configured: str, key_id: str, wrapped: bytes, user_id: int) -> bytes:
    # Keyed by the configured KEKs and the wrapped bytes, so a rotation or a removed KEK is never hidden.
    kek = parse_key_encryption_keys(configured).get(key_id)
    if kek is None:
        raise KeyUnavailableError(f"Key-encryption key {key_id!r} is not configured in HELD_KEYS.")
    try:
        return AESGCM(kek).decrypt(wrapped[:NONCE_BYTES], wrapped[NONCE_BYTES:], f"datakey:{user_id}".encode())
    except InvalidTag as error:
        raise KeyUnavailableError(f"Key-encryption key {key_id!r} does not open this data key.") from error


def rewrap_data_key(key_id: str, wrapped: bytes, *, user_id: int) -> tuple[str, bytes]:
    """Unwrap with whichever configured KEK wrapped it and wrap again with the current one.

    Uncached on purpose: rotation walks every account once, and must not fill the request-time cache.
    """
    kek = _keys().get(key_id)
    if kek is None:
        raise KeyUnavailableError(f"Key-encryption key {key_id!r} is not configured in HELD_KEYS.")
    wrapped = bytes(wrapped)
    try:
        data_key = AESGCM(kek).decrypt(wrapped[:NONCE_BYTES], wrapped[NONCE_BYTES:], f"datakey:{user_id}".encode())
    except InvalidTag as error:
        raise KeyUnavailableError(f"Key-encryption key {key_id!r} does not open this data key.") from error
    return wrap_data_key(data_key, user_id=user_id)


def forget_cached_keys() -> None:
    _unwrap_cached.cache_clear()


@dataclass(frozen=True)
class WriterCipher:
    """Seals and opens one writer's text; `context` binds a value to its owner and field."""

    user_id: int
    data_key: bytes

    def seal(self, plaintext: str, *, field: str) -> bytes:
        return self.seal_bytes(plaintext.encode(), field=field)

    def open(self, sealed: bytes | memoryview | None, *, field: str) -> str:
        if not sealed:
            return ""
        return self.open_bytes(sealed, field=field).decode()

    @cached_property
    def _aead(self) -> AESGCM:
        # One AES key schedule per cipher (a request, an export), not one per value opened.
        return AESGCM(self.data_key)

    def seal_bytes(self, plaintext: bytes, *, field: str) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        return FORMAT_VERSION + nonce + self._aead.encrypt(nonce, plaintext, self._aad(field))

    def open_bytes(self, sealed: bytes | memoryview, *, field: str) -> bytes:
        sealed = bytes(sealed)
        if sealed[:1] != FORMAT_VERSION:
            raise DecryptionError(f"Unknown ciphertext format in {field}.")
        try:
            return self._aead.decrypt(sealed[1:13], sealed[13:], self._aad(field))
        except InvalidTag as error:
            raise DecryptionError(f"{field} did not decrypt for this writer.") from error

    def search_tokens(self, text: str) -> set[str]:
        """Blind-index tokens for every distinct word in `text`."""
        return {self.search_token(word) for word in words_of(text)}

    def search_token(self, word: str) -> str:
        return hmac.new(self._search_key(), word.encode(), hashlib.sha256).hexdigest()[:24]

    def _search_key(self) -> bytes:
        return _derive_search_key(self.data_key)

    def _aad(self, field: str) -> bytes:
        return _associated_data(self.user_id, field)


@lru_cache(maxsize=1024)
def _associated_data(user_id: int, field: str) -> bytes:
    # Binds each value to its owner and field; cached because a page or an export asks for the same few.
    return f"held:{user_id}:{field}".encode()


@lru_cache(maxsize=4096)
def _derive_search_key(data_key: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"held search index").derive(data_key)


_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?")


def words_of(text: str) -> list[str]:
    """Lower-cased, accent-folded words: 'Café' and 'cafe' match, as a writer would expect."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    folded = "".join(char for char in folded if not unicodedata.combining(char))
    return _WORD.findall(folded)
