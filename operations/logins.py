"""The answer to a login refused for too many failures (django-axes' lockout).

The API's token endpoint answers JSON like the rest of the API; the admin's
login form answers a page. Both say when to try again (Retry-After).
"""

from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from django.contrib import admin
from django.http import JsonResponse
from django.shortcuts import render


def locked_out(request, original_response=None, credentials=None):
    wait = get_cool_off(request)
    seconds = int(wait.total_seconds())
    minutes = max(1, seconds // 60)
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {
                "detail": (
                    "Too many failed logins for this username from your address: "
                    f"try again in {minutes} minutes."
                )
            },
            status=429,
        )
    else:
        context = {
            **admin.site.each_context(request),
            "failure_limit": get_failure_limit(request, credentials),
            "username": get_client_username(request, credentials) or "",
            "minutes": minutes,
        }
        response = render(request, "registration/locked_out.html", context, status=429)
    response["Retry-After"] = str(seconds)
    return response
