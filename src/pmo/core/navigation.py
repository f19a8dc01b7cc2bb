"""Where apps put their entries in the shared navigation, without editing each other.

Each app registers, in its ``AppConfig.ready()``, the links it contributes: top-level
menu entries and tabs on the project, program and portfolio pages. Templates read them
through ``pmo.core.context_processors.navigation`` and the ``object_tabs`` tag.
"""

from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["NavEntry", "menu_entries", "register_menu", "register_tab", "tabs_for"]


@dataclass(frozen=True)
class NavEntry:
    key: str
    label: str
    url_name: str
    order: int
    # (user, obj) -> bool; tabs without one show to everyone who can see the page.
    visible: Callable | None = None


_MENU: dict[str, NavEntry] = {}
_TABS: dict[str, dict[str, NavEntry]] = {"portfolio": {}, "program": {}, "project": {}}


def register_menu(key: str, label: str, url_name: str, order: int) -> None:
    """A top-bar entry; ``url_name`` takes no arguments."""
    _MENU[key] = NavEntry(key, label, url_name, order)


def register_tab(
    level: str, key: str, label: str, url_name: str, order: int, visible: Callable | None = None
) -> None:
    """A tab on the ``level`` ("portfolio", "program" or "project") page; the URL takes
    the object's ``pk``. ``visible(user, obj)`` hides it from those it would refuse.
    """
    _TABS[level][key] = NavEntry(key, label, url_name, order, visible)


def menu_entries() -> list[NavEntry]:
    return sorted(_MENU.values(), key=lambda e: e.order)


def tabs_for(level: str) -> list[NavEntry]:
    return sorted(_TABS[level].values(), key=lambda e: e.order)
