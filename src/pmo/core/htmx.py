"""htmx helpers: one view renders either its full page or the fragment htmx asked for."""


class HtmxPartialMixin:
    """Render ``partial_template_name`` instead of the page when htmx requests an update.

    Sorting, filtering and paging links carry ``hx-get`` so only the table is swapped; a
    plain request (bookmark, reload, no JavaScript) still gets the whole page.
    """

    partial_template_name: str | None = None

    def get_template_names(self):
        htmx = getattr(self.request, "htmx", None)
        if self.partial_template_name and htmx and not htmx.boosted:
            return [self.partial_template_name]
        return super().get_template_names()
