"""Error reports that never carry what a writer typed or searched for.

Django's error reports (emailed to ADMINS, or read by any handler built on its ExceptionReporter) include
POST values, the query string and every local variable of every frame. In Held those hold entry text,
notes and search words, so all of them are replaced by a placeholder; names, types and the traceback stay.
Selected in config/settings.py by DEFAULT_EXCEPTION_REPORTER_FILTER and DEFAULT_EXCEPTION_REPORTER.
"""

from typing import Any

from django.http import HttpRequest
from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter


class BlindExceptionReporterFilter(SafeExceptionReporterFilter):
    def is_active(self, request: HttpRequest | None) -> bool:
        return True  # with DEBUG on as well: a developer's own journal is private too

    def get_post_parameters(self, request: HttpRequest | None) -> dict[str, str]:
        if request is None:
            return {}
        return dict.fromkeys(request.POST, self.cleansed_substitute)

    def get_traceback_frame_variables(self, request: HttpRequest | None, tb_frame: Any) -> list[tuple[str, str]]:
        return [(name, self.cleansed_substitute) for name in tb_frame.f_locals]

    def get_safe_cookies(self, request: HttpRequest) -> dict[str, str]:
        # The session cookie would let whoever reads the report sign in as the writer.
        return dict.fromkeys(request.COOKIES, self.cleansed_substitute)

    def get_safe_request_meta(self, request: HttpRequest) -> dict[str, Any]:
        meta = super().get_safe_request_meta(request)
        for key in ("QUERY_STRING", "REQUEST_URI", "RAW_URI", "HTTP_REFERER"):
            if key in meta:
                meta[key] = self.cleansed_substitute
        return meta


class BlindExceptionReporter(ExceptionReporter):
    """The report without GET values and without the query string in the URL (search words live there)."""

    def get_traceback_data(self) -> dict[str, Any]:
        data = super().get_traceback_data()
        if self.request is not None:
            substitute = self.filter.cleansed_substitute
            data["request_GET_items"] = [(key, substitute) for key in self.request.GET]
            data["request_insecure_uri"] = self.request.build_absolute_uri(self.request.path)
            data["request_FILES_items"] = [(key, substitute) for key in self.request.FILES]
            # The templates (and anything that logs the context) see this stand-in, not the request itself.
            data["request"] = _ReportedRequest(self.request, substitute)
        return data


class _ReportedRequest:
    """What an error report may say about a request: its method and path, and which fields it had."""

    def __init__(self, request: HttpRequest, substitute: str) -> None:
        self.META = {"REQUEST_METHOD": request.META.get("REQUEST_METHOD", "")}
        self.path_info = request.path_info
        self.GET = dict.fromkeys(request.GET, substitute)
        self.FILES = dict.fromkeys(request.FILES, substitute)
        self.COOKIES = dict.fromkeys(request.COOKIES, substitute)

    def __repr__(self) -> str:
        return f"<request {self.META['REQUEST_METHOD']} {self.path_info}>"
