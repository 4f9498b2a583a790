"""The quarterly funder report, for site administrators: a printable page with charts, and a CSV."""

import csv

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from portal.access import admin_required
from portal.audit import audit_record

from .charts import horizontal_bars
from .closure_feedback import SCORES
from .funder_report import Published, funder_report, last_complete_quarter, publish, quarter_parse


def _published(request) -> tuple[Published | None, str, str]:
    """The report for ?quarter= (the last complete quarter without one), or the reason it cannot be shown."""
    today = timezone.localdate()
    asked = request.GET.get("quarter", "")
    if not asked:
        return publish(funder_report(quarter=last_complete_quarter(today))), "", ""
    try:
        quarter = quarter_parse(asked, today=today)
    except ValueError as problem:
        return None, str(problem), asked
    return publish(funder_report(quarter=quarter)), "", asked


@require_safe
@admin_required
@never_cache
def funder_report_page(request):
    published, error, asked = _published(request)
    charts = []
    if published is not None:
        audit_record(action="helpline.funder_report_viewed", request=request, quarter=published.quarter.code)
        for breakdown in published.breakdowns:
            chart = horizontal_bars(
                title=breakdown.title,
                description=_(
                    "Counts for %(quarter)s; counts under 5 are not shown. The table after the chart has each figure."
                )
                % {"quarter": published.quarter.code},
                items=[(label, cell.chart_value) for label, cell in breakdown.rows],
                texts=[cell.text for _label, cell in breakdown.rows],
            )
            charts.append((breakdown, chart))
    today = timezone.localdate()
    context = {
        "report": published,
        "charts": charts,
        "error": error,
        "asked": asked,
        "default_quarter": last_complete_quarter(today).code,
    }
    return render(request, "helpline/funder_report.html", context, status=400 if error else 200)


@require_safe
@admin_required
@never_cache
def funder_report_csv(request):
    """Counts only, through the same disclosure rule as the page."""
    published, error, _asked = _published(request)
    if published is None:
        return render(
            request,
            "helpline/funder_report.html",
            {"report": None, "error": error, "asked": _asked, "charts": []},
            status=400,
        )
    code = published.quarter.code
    audit_record(action="helpline.funder_report_exported", request=request, quarter=code)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="funder-report-{code}.csv"'
    writer = csv.writer(response)
    writer.writerow(["quarter", "measure", "category", "figure"])
    writer.writerow([code, "enquiries_received", "", published.received.text])
    for breakdown in published.breakdowns:
        for label, cell in breakdown.rows:
            writer.writerow([code, breakdown.key, label, cell.text])
        if breakdown.total is not None:
            writer.writerow([code, breakdown.key, "total", breakdown.total.text])
    for row in published.targets:
        for measure, cell in zip(
            ("target_due", "target_answered_within", "target_share_within"), row.cells, strict=True
        ):
            writer.writerow([code, measure, row.label, cell.text])
    for label, cell in published.peers:
        writer.writerow([code, "peer_support", label, cell.text])
    names = ["feedback_sent", "feedback_answered", *[f"feedback_score_{n}" for n in SCORES], "feedback_mean"]
    for measure, cell in zip(names, published.feedback.cells, strict=True):
        writer.writerow([code, measure, "", cell.text])
    for row in published.pages:
        for measure, cell in zip(("page_answers", "page_yes", "page_no", "page_share_yes"), row.cells, strict=True):
            writer.writerow([code, measure, row.label, cell.text])
    return response
