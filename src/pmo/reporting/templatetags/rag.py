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
    """The rows of the health grid, built in one pass with the standard library's escaping
    (rendering 200 projects x 15 cells through template tags, or even ``format_html``,
    took longer than reading all the data for them).
    """
    from html import escape

    from pmo.finance.formatting import cents, index

    status_url = _url_maker("reporting:project-status")
    report_url = _url_maker("reporting:report-detail")
    money_url = _url_maker("finance:money")
    program_url = _url_maker("reporting:program-dashboard")
    labels = {value: label for value, label in Rag.choices}
    out = []
    for row in board["rows"]:
        project, figures, report = row.project, row.figures, row.report
        target = report_url(report.pk) if report else money_url(project.pk)
        money = money_url(project.pk)
        cells = [
            f'<tr data-project="{escape(project.code)}"><td class="name">'
            f'<a href="{status_url(project.pk)}">{escape(project.code)}</a> '
            f"{escape(project.name)}</td>"
        ]
        if level != "program":
            if project.program_id:
                cells.append(
                    f'<td class="name"><a href="{program_url(project.program_id)}">'
                    f"{escape(project.program.name)}</a></td>"
                )
            else:
                cells.append('<td class="name"><span class="muted">–</span></td>')
        cells.append(f"<td>{escape(str(project.manager or '–'))}</td>")
        for dimension in board["dimensions"]:
            rag, measure, overridden = row.ratings.get(dimension) or (Rag.NONE, "Not rated", False)
            css = CLASSES.get(rag, "rag-none") + (" overridden" if overridden else "")
            text = "–" if rag == Rag.NONE else labels[rag]
            cells.append(
                f'<td class="rag"><a class="{css}" title="{escape(measure)}" href="{target}" '
                f'data-rag="{rag}" data-dimension="{dimension}">{text}</a></td>'
            )
        vac = figures.get("vac")
        negative = " neg" if vac is not None and vac < 0 else ""
        cells.append(
            f'<td class="num"><a href="{money}">{index(figures.get("spi_t"))}</a></td>'
            f'<td class="num"><a href="{money}">{index(figures.get("cpi"))}</a></td>'
            f'<td class="num">{cents(figures.get("eac"))}</td>'
            f'<td class="num{negative}">{cents(vac)}</td>'
        )
        if report:
            cells.append(f'<td><a href="{report_url(report.pk)}">{report.period:%b %Y}</a></td>')
        else:
            cells.append(f'<td><a class="muted" href="{status_url(project.pk)}">none</a></td>')
        out.append("".join(cells) + "</tr>")
    if not out:
        out.append('<tr><td colspan="15" class="muted">No project matches these filters.</td></tr>')
    # Every value above is escaped or generated here (urls, numbers, choice values).
    return mark_safe("".join(out))
