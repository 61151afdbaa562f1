"""The archive's URLs plus /slow/ (holds its request slot until a file appears), /sleep/?s=N and
/fast/."""

import os
import time
from pathlib import Path

from django.http import HttpResponse
from django.urls import include, path


def slow(request):
    started, release = Path(os.environ["SLOW_STARTED"]), Path(os.environ["SLOW_RELEASE"])
    started.touch()
    deadline = time.monotonic() + 60
    while not release.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    return HttpResponse("slow done")


def sleep(request):
    """Holds its slot the given seconds: teaches the worker how long a request takes."""
    time.sleep(float(request.GET.get("s", "1")))
    return HttpResponse("slept")


def fast(request):
    return HttpResponse("fast")


urlpatterns = [
    path("slow/", slow),
    path("sleep/", sleep),
    path("fast/", fast),
    path("", include("config.urls")),
]
