"""Held's URLs plus the journal list over a plaintext column, for bench/bench_privacy.py only.

/bench/journal-plaintext/ is journal.views.entry_list itself, unchanged: same query, same rows, same
template. The only difference is the cipher it finds on the writer (cipher_for caches one on the user
object): one that reads a column holding the text itself. The writer signed in there owns the same entries
stored in plain bytes. So the comparison with /journal/ measures exactly what encryption costs a request:
loading and unwrapping the data key, and opening each title and body on the page.
"""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from accounts.crypto import WriterCipher
from config.urls import urlpatterns as held_urlpatterns
from journal.views import entry_list


class PlaintextCipher(WriterCipher):
    def open(self, sealed: bytes | memoryview | None, *, field: str) -> str:
        return bytes(sealed).decode() if sealed else ""


def plaintext_journal_list(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        request.user._held_cipher = PlaintextCipher(user_id=request.user.pk, data_key=bytes(32))
    return entry_list(request)


urlpatterns = [path("bench/journal-plaintext/", plaintext_journal_list), *held_urlpatterns]
