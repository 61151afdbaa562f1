"""JSON responses of the read-only APIs (archive and search), one shape for data and errors."""

from django.http import JsonResponse


def json_response(data: dict, *, status: int = 200) -> JsonResponse:
    # Vietnamese stays readable in the payload ("Hòa Bình", not "H\u00f2a B\u00ecnh").
    return JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})


def json_error(status: int, message: str) -> JsonResponse:
    """{"error": reason, "status": code}: the reason names the parameter or resource at fault."""
    return json_response({"error": message, "status": status}, status=status)
