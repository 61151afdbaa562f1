"""JSON responses of the read-only APIs (archive and search), one shape for data and errors."""

from django.http import JsonResponse


def json_response(data: dict, *, status: int = 200) -> JsonResponse:
    # Vietnamese stays readable in the payload ("Hòa Bình", not "H\u00f2a B\u00ecnh").
    return JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})


def json_error(status: int, message: str) -> JsonResponse:
    """{"error": reason, "status": code}: the reason names the parameter or resource at fault."""
    return json_response({"error": message, "status": status}, status=status)


API_PREFIX = "/api/"
API_METHODS = ("GET", "HEAD")


class ApiMethodMiddleware:
    """The read-only APIs answer any other method with 405 JSON (before CSRF answers 403 HTML)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(API_PREFIX) and request.method not in API_METHODS:
            response = json_error(405, f"method {request.method} not allowed: this API is read-only (GET)")
            response["Allow"] = ", ".join(API_METHODS)
            return response
        return self.get_response(request)


API_PAGE_SIZE = 20  # results per page of every API list unless page_size says otherwise
API_MAX_PAGE_SIZE = 100  # page_size's cap (README, "JSON API"): a bigger list is an export's job


def api_page_size(request) -> tuple[int, JsonResponse | None]:
    """`page_size=` of an API list: (size, None), or (0, a 400 naming the parameter)."""
    text = request.GET.get("page_size", "").strip()
    if not text:
        return API_PAGE_SIZE, None
    if not (text.isascii() and text.isdigit() and len(text) <= 4 and 1 <= int(text) <= API_MAX_PAGE_SIZE):
        return 0, json_error(
            400, f"page_size: expected a whole number from 1 to {API_MAX_PAGE_SIZE}, got {text!r}"
        )
    return int(text), None
