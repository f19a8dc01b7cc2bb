from pathlib import Path

from django.conf import settings


def result_path(job) -> Path | None:
    """The file a finished job wrote under MEDIA_ROOT, refusing paths that leave it."""
    relative = (job.result or {}).get("file")
    if not relative:
        return None
    root = Path(settings.MEDIA_ROOT).resolve()
    path = (root / relative).resolve()
    if root not in path.parents:
        return None
    return path
