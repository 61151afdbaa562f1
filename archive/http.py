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
