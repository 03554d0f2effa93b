"""What the site floor keeps of its own: the background workers' heartbeats (``minga.site.queue``)."""

from django.db import models


class TaskWorker(models.Model):
    """One running ``minga worker``: it writes ``last_seen`` every few seconds while it lives and removes its
    row when it stops. The health probe reads it, and a starting worker takes the jobs of a worker that is
    gone (no heartbeat for a while, or its process no longer exists on this machine) and queues them again."""

    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    last_seen = models.DateTimeField()

    class Meta:
        ordering = ["-last_seen"]

    def __str__(self):
        return f"{self.worker_id} ({self.hostname}, pid {self.pid})"
