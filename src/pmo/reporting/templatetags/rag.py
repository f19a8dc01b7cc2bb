"""RAG badges and cells for status reports and dashboards."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from pmo.reporting.choices import Rag

register = template.Library()

CLASSES = {Rag.GREEN: "rag-green", Rag.AMBER: "rag-amber", Rag.RED: "rag-red"}


@register.simple_tag
def rag_badge(value, title: str = ""):
    value = value or Rag.NONE
    return format_html(
        '<span class="badge {}" title="{}">{}</span>',
        CLASSES.get(value, "rag-none"),
        title,
        Rag(value).label,
    )


@register.filter
def rag_of(ratings: dict, dimension: str):
    """The (rag, measure, overridden) triple of ``dimension``, or "not rated"."""
    return ratings.get(dimension) or (Rag.NONE, "Not rated", False)


@register.filter
def rag_class(value) -> str:
    return CLASSES.get(value or Rag.NONE, "rag-none")


@register.filter
def rating_for(report, dimension: str):
    """The report's rating of ``dimension`` (from its prefetched ratings)."""
    return report.rating(dimension)


def _url_maker(name: str):
    """``reverse`` once, then fill in ids: the health grid has thousands of links."""
    from django.urls import reverse

    marker = 987654321
    pattern = reverse(name, args=[marker])
    return lambda pk: pattern.replace(str(marker), str(pk))


@register.simple_tag
def health_rows(board: dict, level: str = ""):
    """The rows of the health grid, built in one pass (rendering 200 projects x 15 cells
    through template tags took longer than reading all the data for them).
    """
    from django.utils.html import format_html_join

    from pmo.finance.templatetags.money import cents, index

    status_url = _url_maker("reporting:project-status")
    report_url = _url_maker("reporting:report-detail")
    money_url = _url_maker("finance:money")
    program_url = _url_maker("reporting:program-dashboard")
    dimensions = board["dimensions"]
    lines = []
    for row in board["rows"]:
        project, figures, report = row.project, row.figures, row.report
        target = report_url(report.pk) if report else money_url(project.pk)
        cells = [
            format_html(
                '<td class="name"><a href="{}">{}</a> {}</td>',
                status_url(project.pk),
                project.code,
                project.name,
            )
        ]
        if level != "program":
            cells.append(
                format_html(
                    '<td class="name"><a href="{}">{}</a></td>',
                    program_url(project.program_id),
                    project.program.name,
                )
                if project.program_id
                else mark_safe('<td class="name"><span class="muted">–</span></td>')
            )
        cells.append(format_html("<td>{}</td>", project.manager or "–"))
        for dimension in dimensions:
            rag, measure, overridden = row.ratings.get(dimension) or (Rag.NONE, "Not rated", False)
            cells.append(
                format_html(
                    '<td class="rag"><a class="{}{}" title="{}" href="{}" data-rag="{}" '
                    'data-dimension="{}">{}</a></td>',
                    CLASSES.get(rag, "rag-none"),
                    " overridden" if overridden else "",
                    measure,
                    target,
                    rag,
                    dimension,
                    "–" if rag == Rag.NONE else Rag(rag).label,
                )
            )
        vac = figures.get("vac")
        cells.append(
            format_html(
                '<td class="num"><a href="{}">{}</a></td><td class="num"><a href="{}">{}</a></td>'
                '<td class="num">{}</td><td class="num{}">{}</td>',
                money_url(project.pk),
                index(figures.get("spi_t")),
                money_url(project.pk),
                index(figures.get("cpi")),
                cents(figures.get("eac")),
                " neg" if vac is not None and vac < 0 else "",
                cents(vac),
            )
        )
        cells.append(
            format_html(
                '<td><a href="{}">{}</a></td>', report_url(report.pk), f"{report.period:%b %Y}"
            )
            if report
            else format_html('<td><a class="muted" href="{}">none</a></td>', status_url(project.pk))
        )
        lines.append((project.code, format_html_join("", "{}", ((c,) for c in cells))))
    if not lines:
        return format_html(
            '<tr><td colspan="15" class="muted">{}</td></tr>', "No project matches these filters."
        )
    return format_html_join("", '<tr data-project="{}">{}</tr>', lines)
