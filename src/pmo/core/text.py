"""Words in messages people read."""


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """``counted(1, "task")`` is "1 task", ``counted(3, "task")`` "3 tasks"."""
    return f"{n} {noun if n == 1 else plural or noun + 's'}"
