"""Stop an import upload at the size limit while it arrives, not after it has been spooled to disk."""

from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest


class ImportSizeLimit(FileUploadHandler):
    """First in the chain: counts the file's bytes and stops the upload once there are too many.

    The rest of the request body is read and dropped (connection_reset=False), so the browser gets the
    page with the message instead of a reset connection.
    """

    def __init__(self, request: HttpRequest, *, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
        request.import_too_large = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > self.limit:
            self.request.import_too_large = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None
