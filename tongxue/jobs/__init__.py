"""Background jobs (#14): long work runs in a worker, with progress, once.

An app starts a job with :func:`tongxue.jobs.services.start_job`; the job's function
``func(job, **kwargs)`` reports with ``job.progress(done, total, message)`` and raises
:class:`JobFailed` with a message for the person who started it. Periodic work:
:func:`tongxue.jobs.periodic.register`. Workers: ``tongxue worker``. docs/jobs.md.
"""

from tongxue.jobs.errors import JobFailed

__all__ = ["JobFailed"]
