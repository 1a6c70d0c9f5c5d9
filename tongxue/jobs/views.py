"""A job's page (``/jobs/<uuid>/``, polled while it runs) and "my jobs" (``/jobs/``).

Only the person who started a job, or a superuser, sees it; anyone else gets 404 (not
403: a job's id says nothing about whether it exists). The live part of the page is a
partial polled every second by htmx while the job is queued or running; it stops
polling once the job is finished. A change of state is announced to screen readers
through a live region that stays on the page (``#job-announce``, updated out of band),
not the progress of every second.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from tongxue.core.view_helpers import paginate
from tongxue.jobs import selectors
from tongxue.jobs.models import Job, JobStatus


def _job_or_404(request: HttpRequest, job_id: uuid.UUID) -> Job:
    job = selectors.job_for(request.user, job_id)
    if job is None:
        raise Http404
    return job


def _context(request: HttpRequest, job: Job) -> dict[str, Any]:
    url = job.result_url
    safe = url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return {"job": job, "result_url": url if safe else ""}


@login_required
@require_GET
def detail(request: HttpRequest, job_id: uuid.UUID) -> HttpResponse:
    job = _job_or_404(request, job_id)
    return render(request, "jobs/detail.html", _context(request, job))


@require_GET
def live(request: HttpRequest, job_id: uuid.UUID) -> HttpResponse:
    """The polled part of the page; announces a new state out of band."""
    if not request.user.is_authenticated:
        if request.htmx:  # signed out while polling: reload, and sign in
            return HttpResponse(headers={"HX-Refresh": "true"})
        return redirect_to_login(request.get_full_path())
    job = _job_or_404(request, job_id)
    context = _context(request, job)
    seen = request.GET.get("seen", "")
    if seen and seen != job.status:
        context["announce"] = _announcement(job)
    return render(request, "jobs/partials/_live.html", context)


def _announcement(job: Job) -> str:
    if job.status == JobStatus.DONE:
        return _("Done.") + (f" {job.message}" if job.message else "")
    if job.status == JobStatus.FAILED:
        return _("The job could not finish: %(error)s") % {"error": job.error}
    return str(job.get_status_display())


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    page = paginate(request, selectors.my_jobs(request.user))
    return render(request, "jobs/list.html", {"page": page, "page_url": "?"})
