"""Background tasks of the reinstall workflow (django-tasks).

With the default ImmediateBackend they run as soon as they are enqueued; with
TASKS_BACKEND=database they wait for ``manage.py db_worker``. Arguments are
primary keys, never objects, and never a password.
"""

from django_tasks import task

from cpsadmin.reinstalls import notifications, services
from cpsadmin.reinstalls.models import ReinstallRequest


@task()
def send_reinstall_mail(kind: str, pk: int) -> int:
    return notifications.send(kind, pk)


@task()
def submit_reinstall(pk: int) -> str:
    req = ReinstallRequest.objects.filter(pk=pk).first()
    if req is None:
        return "missing"
    return services.submit(req).status


@task()
def process_reinstalls() -> dict:
    """One pass of the sweeper; see the process_reinstalls command."""
    return services.process_once()
