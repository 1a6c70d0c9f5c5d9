"""Send the link to the school mailbox in the background (django-tasks).

The page that asks for a link only enqueues this task, whatever the student number:
its answer and its time are the same whether or not the number is on the roll (no
enumeration). The task looks the student up and mails the link
(:func:`tongxue.accounts.activation.send_mail_link`); a worker runs it (``tongxue
worker``, started by ``tongxue up``).
"""

from __future__ import annotations

from django_tasks import task

from tongxue.accounts import activation


@task()
def send_activation_mail(student_number: str, link_base: str, language: str) -> bool:
    """Mail a one-time sign-in link if the number names a student who may have one."""
    return activation.send_mail_link(
        student_number=student_number, link_base=link_base, language=language
    )
