"""Custom admin pages of the ladder: the score sheet and the ranking. Each
parses the POST, calls one service, and shows its refusal as a message."""

import re
from decimal import Decimal
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from committees.permissions import committees_for
from communities.models import Province
from core.exports import FORMATS, export_response
from core.numbers import is_whole_number
from core.workflow import REFUSALS, refusal_messages, refusal_text
from selection.models import Part, Ranking, RankingEntry, Round
from selection.resources import NominationEventResource, RankingResource
from selection.selectors import (
    award_preview,
    criteria_for,
    lower_tier_results,
    ranking_events,
    ranking_lines,
    ranking_page,
    ranking_quota,
)
from selection.services import (
    available_actions,
    nomination_return,
    ranking_actions,
    ranking_approve,
    ranking_award_all,
    ranking_finalize,
    ranking_move_entry,
    ranking_reopen,
    sheet_for,
    sheet_save,
)

# Score sheet ---------------------------------------------------------------------


class ScoreForm(forms.Form):
    comment = forms.CharField(
        label=gettext_lazy("comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
    )

    def __init__(self, criteria, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[f"c{criterion.pk}"] = forms.DecimalField(
                label=str(criterion),
                required=False,
                min_value=0,
                max_value=criterion.max_points,
                max_digits=5,
                decimal_places=2,
                widget=forms.NumberInput(
                    attrs={"step": "0.01", "min": 0, "max": criterion.max_points}
                ),
            )

    def points(self) -> dict[int, Decimal | None]:
        return {c.pk: self.cleaned_data.get(f"c{c.pk}") for c in self.criteria}

    def parts(self):
        """The criteria grouped by part ก/ข/ค, with each part's maximum."""
        groups = []
        for part in Part:
            rows = [
                (criterion, self[f"c{criterion.pk}"])
                for criterion in self.criteria
                if criterion.part == part
            ]
            if rows:
                groups.append(
                    {
                        "label": part.label,
                        "rows": rows,
                        "max": sum((c.max_points for c, _f in rows), Decimal(0)),
                    }
                )
        return groups


def score_view(model_admin, request, object_id):
    # get_object answers None to an id that is not a number, and the
    # NotFoundOutsideQuerysetMixin turns None into a 404.
    nomination = model_admin.get_object(request, object_id)
    queue_url = reverse("admin:selection_queuenomination_changelist")
    here = reverse("admin:selection_queuenomination_score", args=[nomination.pk])

    if request.method == "POST" and request.POST.get("do") == "return":
        try:
            nomination_return(
                actor=request.user,
                nomination=nomination,
                reason=request.POST.get("reason", ""),
            )
        except REFUSALS as error:
            messages.error(request, refusal_text(error))
            return redirect(here)
        messages.success(
            request,
            _("%(product)s went back to the officer.")
            % {"product": nomination.product},
        )
        return redirect(queue_url)

    try:
        # Opening the page creates nothing: an unsaved blank sheet until saved.
        sheet = sheet_for(actor=request.user, nomination=nomination)
    except REFUSALS as error:
        messages.error(request, refusal_text(error))
        return redirect(queue_url)

    criteria = list(
        criteria_for(nomination.round, nomination.tier, nomination.category)
    )
    saved = sheet.scores.all() if sheet.pk else []
    initial = {f"c{s.criterion_id}": s.points for s in saved}
    initial["comment"] = sheet.comment
    if request.method == "POST":
        form = ScoreForm(criteria, request.POST, initial=initial)
        if form.is_valid():
            submit = "submit" in request.POST
            try:
                sheet_save(
                    actor=request.user,
                    nomination=nomination,
                    points=form.points(),
                    comment=form.cleaned_data["comment"],
                    submit=submit,
                )
            except REFUSALS as error:
                for message in refusal_messages(error):
                    messages.error(request, message)
            else:
                if submit:
                    messages.success(request, _("Your score sheet is submitted."))
                    return redirect(queue_url)
                messages.success(request, _("Your draft is saved."))
                return redirect(here)
    else:
        form = ScoreForm(criteria, initial=initial)

    product = nomination.product
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": _("Score %(product)s") % {"product": product},
        "nomination": nomination,
        "product": product,
        "images": product.images.all(),
        "certificates": product.certifications.select_related("standard"),
        "forum": nomination.forum,
        "lower_tiers": lower_tier_results(nomination),
        "sheet": sheet,
        "form": form,
        "can_return": "return" in available_actions(request.user, nomination),
        "queue_url": queue_url,
    }
    return TemplateResponse(request, "admin/selection/score_sheet.html", context)


# Rankings ------------------------------------------------------------------------


def ranking_urls(ranking: Ranking) -> dict:
    """The ranking's page, print view and exports: by id once it is stored,
    by round and committee while nobody has moved it (unsaved)."""
    if ranking.pk is None:
        args = [ranking.round_id, ranking.committee_id]
        names = {"page": "of", "print": "of_print", "export": "of_export"}
    else:
        args = [ranking.pk]
        names = {"page": "change", "print": "print", "export": "export"}

    def url(view: str, *extra) -> str:
        return reverse(f"admin:selection_ranking_{names[view]}", args=[*args, *extra])

    return {
        "page": url("page"),
        "print": url("print"),
        "exports": [(fmt, url("export", fmt)) for fmt in FORMATS],
    }


def _ranking_post(request, ranking: Ranking) -> None:
    do = request.POST.get("do")
    user = request.user
    if do == "finalize":
        ranking_finalize(actor=user, ranking=ranking)
        messages.success(request, _("The ranking is finalized."))
    elif do == "approve":
        ranking_approve(actor=user, ranking=ranking)
        messages.success(request, _("The ranking is approved."))
    elif do == "reopen":
        ranking_reopen(actor=user, ranking=ranking, reason=request.POST.get("reason"))
        messages.success(request, _("The ranking is open again."))
    elif do == "move":
        entry_id = request.POST.get("entry", "")
        entry = (
            RankingEntry.objects.filter(ranking=ranking, pk=int(entry_id)).first()
            if is_whole_number(entry_id) and ranking.pk is not None
            else None
        )
        try:
            position = int(request.POST.get("position", ""))
        except ValueError:
            position = 0
        if entry is None or position < 1:
            raise ValidationError(_("Choose an entry and a position from 1."))
        ranking_move_entry(
            actor=user,
            entry=entry,
            position=position,
            justification=request.POST.get("justification", ""),
        )
        messages.success(request, _("The entry is moved."))
    else:
        raise Http404


def ranking_view(model_admin, request, ranking: Ranking):
    """The ranking's page; an unsaved one (nobody has moved it yet) is shown
    live and open, and the first move accepted stores it."""
    if request.method == "POST":
        try:
            _ranking_post(request, ranking)
        except REFUSALS as error:
            messages.error(request, refusal_text(error))
        if ranking.pk is None:
            ranking = (
                Ranking.objects.filter(
                    round=ranking.round_id, committee=ranking.committee_id
                ).first()
                or ranking
            )
        return redirect(ranking_urls(ranking)["page"])
    actions = ranking_actions(request.user, ranking)
    overall, type_quotas = ranking_quota(ranking)
    page, lines = ranking_page(ranking, request.GET.get("p"))
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": str(ranking),
        "ranking": ranking,
        "lines": lines,
        "page": page,
        "quota": overall,
        "type_quotas": type_quotas,
        "actions": actions,
        "preview": award_preview(ranking) if "award_all" in actions else None,
        "events": ranking_events(ranking),
        "urls": ranking_urls(ranking),
    }
    return TemplateResponse(request, "admin/selection/ranking.html", context)


def ranking_award_view(model_admin, request, ranking: Ranking):
    """Award all, confirmed: the page shows how many nominations each star
    band takes and awards on its POST (it cannot be undone)."""
    page = ranking_urls(ranking)["page"]
    if "award_all" not in ranking_actions(request.user, ranking):
        messages.error(request, _("Stars cannot be awarded from this ranking now."))
        return redirect(page)
    if request.method == "POST":
        try:
            count = ranking_award_all(actor=request.user, ranking=ranking)
        except REFUSALS as error:
            messages.error(request, refusal_text(error))
            return redirect(request.path)
        messages.success(request, _("%(n)s nominations awarded.") % {"n": count})
        return redirect(page)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": _("Award stars to every nomination of this ranking?"),
        "ranking": ranking,
        "preview": award_preview(ranking),
        "urls": ranking_urls(ranking),
    }
    return TemplateResponse(request, "admin/selection/award_confirm.html", context)


def ranking_export(ranking: Ranking, fmt: str):
    if fmt not in FORMATS:
        raise Http404
    return export_response(
        RankingResource(),
        ranking_lines(ranking),
        name=f"ranking-{ranking.round.year}-{ranking.committee_id}",
        fmt=fmt,
    )


def ranking_print(model_admin, request, ranking: Ranking):
    overall, type_quotas = ranking_quota(ranking)
    context = {
        "ranking": ranking,
        "lines": ranking_lines(ranking),
        "quota": overall,
        "type_quotas": type_quotas,
        "today": timezone.localdate(),
        "urls": ranking_urls(ranking),
    }
    return TemplateResponse(request, "admin/selection/ranking_print.html", context)


def events_export(queryset):
    return export_response(
        NominationEventResource(), queryset, name="ladder-events", fmt="csv"
    )


# Scoring a whole queue at once ------------------------------------------------------

GRID_PER_PAGE = (25, 50)
# The queue's filters the grid keeps: parameter → (field, the shape of a value).
GRID_FILTERS = {
    "category": ("category_id", r"\d{1,9}"),
    "province": ("province_code", r"\d{2}"),
    "amphoe": ("amphoe_code", r"\d{4}"),
}


def grid_query(params) -> str:
    """The grid's filters out of a query string (the queue's links carry them)."""
    return urlencode(
        {name: params[name] for name in (*GRID_FILTERS, "per_page") if params.get(name)}
    )


def _grid_filter(queryset, params):
    for name, (field, pattern) in GRID_FILTERS.items():
        value = params.get(name)
        if not value:
            continue
        if not re.fullmatch(pattern, value):
            return queryset.none()
        queryset = queryset.filter(**{field: value})
    return queryset


def score_all_view(model_admin, request):
    """One table per sheet of criteria: a member enters the scores of one page
    of their committee's queue (filtered by type, province or amphoe, as the
    queue is) and submits them together through sheets_fill (all or
    nothing). A page costs the same queries whatever the queue's length."""
    from collections import defaultdict

    from committees.selectors import conflicts_for
    from products.models import Category
    from selection.models import Criterion, ScoreSheet
    from selection.selectors import queue_for
    from selection.services import sheets_fill

    queue_url = reverse("admin:selection_queuenomination_changelist")
    committees = list(
        committees_for(request.user, "score_in").select_related("amphoe", "province")
    )
    round_ = Round.objects.filter(status=Round.Status.OPEN).order_by("-year").first()
    if not committees or round_ is None:
        messages.error(request, _("You have no committee queue to score."))
        return redirect(queue_url)
    params = request.POST if request.method == "POST" else request.GET
    chosen = request.GET.get("committee") or request.POST.get("committee")
    committee = next((c for c in committees if str(c.pk) == chosen), committees[0])
    # The member's conflicts are read once (usually none): the queue's own
    # queries then need no pass over every producer.
    conflicted = list(conflicts_for(request.user).values_list("pk", flat=True))
    whole_queue = queue_for(committee, round_)
    if conflicted:
        whole_queue = whole_queue.exclude(product__producer__in=conflicted)
    per_page = next(
        (n for n in GRID_PER_PAGE if str(n) == params.get("per_page")),
        GRID_PER_PAGE[0],
    )
    paginator = Paginator(
        _grid_filter(whole_queue, params)
        .select_related("product__producer", "category")
        .order_by("province_code", "amphoe_code", "tambon_code", "pk"),
        per_page,
    )
    page = paginator.get_page(params.get("p"))
    queue = list(page.object_list)
    criteria = list(Criterion.objects.filter(round=round_, tier=committee.tier))
    existing = {
        (score.sheet.nomination_id, score.criterion_id): score.points
        for sheet in ScoreSheet.objects.filter(
            nomination__in=queue, tier=committee.tier, member=request.user
        ).prefetch_related("scores__sheet")
        for score in sheet.scores.all()
    }
    tables: dict[tuple, dict] = defaultdict(lambda: {"rows": []})
    for nomination in queue:
        own = [c for c in criteria if c.category_id == nomination.category_id]
        columns = own or [c for c in criteria if c.category_id is None]
        table = tables[tuple(c.pk for c in columns)]
        table["columns"] = columns
        table["rows"].append(
            {
                "nomination": nomination,
                "cells": [
                    (
                        f"n{nomination.pk}_c{c.pk}",
                        # What the member typed wins over what is saved.
                        request.POST.get(f"n{nomination.pk}_c{c.pk}")
                        if request.method == "POST"
                        else existing.get((nomination.pk, c.pk)),
                        c,
                    )
                    for c in columns
                ],
            }
        )

    filters = grid_query(params)
    here = reverse("admin:selection_queuenomination_score_all")
    if request.method == "POST":
        entries, incomplete = {}, []
        for table in tables.values():
            for row in table["rows"]:
                values = {}
                for name, _value, criterion in row["cells"]:
                    raw = request.POST.get(name, "").strip()
                    try:
                        values[criterion.pk] = Decimal(raw) if raw else None
                    except ArithmeticError:
                        values[criterion.pk] = Decimal(-1)  # refused with the rules
                if all(v is None for v in values.values()):
                    continue  # a row left blank is not scored now
                if any(v is None for v in values.values()):
                    incomplete.append(str(row["nomination"].product))
                entries[row["nomination"].pk] = values
        if incomplete:
            messages.error(
                request,
                _("Score every criterion of: %(list)s.")
                % {"list": ", ".join(incomplete)},
            )
        elif not entries:
            messages.error(request, _("Enter the scores of at least one product."))
        else:
            try:
                sheets_fill(actor=request.user, committee=committee, entries=entries)
            except REFUSALS as error:
                for message in refusal_messages(error):
                    messages.error(request, message)
            else:
                messages.success(
                    request,
                    _("%(count)s score sheets submitted.") % {"count": len(entries)},
                )
                if not page.has_next():
                    return redirect(queue_url)
                following = urlencode(
                    {"committee": committee.pk, "p": page.next_page_number()}
                )
                return redirect(f"{here}?{filters}&{following}")

    choices = whole_queue.order_by()
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": _("Score several products at once"),
        "committee": committee,
        "committees": committees,
        "round": round_,
        "tables": list(tables.values()),
        "page": page,
        "per_page": per_page,
        "per_page_choices": GRID_PER_PAGE,
        "filters": filters,
        "chosen": {name: params.get(name, "") for name in GRID_FILTERS},
        "categories": Category.objects.filter(
            pk__in=choices.values("category")
        ).order_by("order", "code"),
        "provinces": Province.objects.filter(
            code__in=choices.values("province_code")
        ).order_by("code"),
        "queue_url": queue_url,
    }
    return TemplateResponse(request, "admin/selection/score_all.html", context)
