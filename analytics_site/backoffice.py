"""Back-office health for staff: queue depth, dead-letter queue size, and a redrive button.

Served inside the admin (`/admin/queues/`, wrapped by `admin.site.admin_view`:
staff only, others are sent to the login). The redrive moves every message of
the dead-letter queue back to the hits queue (tracking.queues.redrive_dead_letters):
written hits are skipped by id, so each hit is still counted once; one that
fails again returns to the dead-letter queue.
"""

import logging

from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from common import metrics
from tracking.queues import queue_depths, redrive_dead_letters

logger = logging.getLogger(__name__)


@require_http_methods(["GET", "POST"])
def queues_page(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        if request.POST.get("action") != "redrive":
            return HttpResponse("unknown action: send action=redrive", status=400,
                                content_type="text/plain")  # fmt: skip
        try:
            moved = redrive_dead_letters()
        except Exception as exc:
            logger.warning("redrive failed: %s", type(exc).__name__)
            messages.error(request, f"The queue could not be reached ({type(exc).__name__}).")
        else:
            metrics.REDRIVEN.inc(moved)
            logger.info("staff user %s redrove %d dead-letter messages", request.user.pk, moved)
            messages.success(request, f"Moved {moved} message(s) back to the hits queue.")
        return HttpResponseRedirect(reverse("admin_queues"))
    try:
        depths, error = queue_depths(), ""
    except Exception as exc:
        depths, error = {}, type(exc).__name__
    context = {
        **admin.site.each_context(request),
        "title": "Queues",
        "depths": depths,
        "error": error,
    }
    return render(request, "admin/queues.html", context)
