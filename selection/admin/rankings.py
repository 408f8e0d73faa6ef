"""Rankings in the admin: a committee's ordered list and its moves."""

from django.contrib import admin
from django.contrib.admin.views.main import IGNORED_PARAMS, ChangeList
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path

from core.admin import NotFoundOutsideQuerysetMixin, ReadOnlyAdminMixin, era_column
from selection import admin_views
from selection.admin.access import sees_committee_work
from selection.models import (
    Ranking,
    Round,
)
from selection.selectors import (
    ranking_of,
    rankings_not_started,
    rankings_visible_to,
)

# Rankings ----------------------------------------------------------------------------


class RankingChangeList(ChangeList):
    """The stored rankings and, on the first page, each of the user's
    committees' rankings in an open round that nobody has moved yet: unsaved
    and open, linked by round and committee (the first move stores one)."""

    def get_results(self, request):
        super().get_results(request)
        if self.page_num != 1:
            return
        unsaved = [r for r in rankings_not_started(request.user) if self._kept(r)]
        if unsaved:
            self.result_list = [*unsaved, *self.result_list]
            self.result_count += len(unsaved)
            if self.full_result_count is not None:
                self.full_result_count += len(unsaved)

    def _kept(self, ranking: Ranking) -> bool:
        """Whether the list's filters (status, tier, round) keep ``ranking``."""
        values = {
            "status__exact": ranking.status,
            "tier__exact": ranking.tier,
            "round__id__exact": str(ranking.round_id),
        }
        return all(
            name in IGNORED_PARAMS or values.get(name) in wanted
            for name, wanted in self.filter_params.items()
        )

    def url_for_result(self, result):
        if result.pk is None:
            return admin_views.ranking_urls(result)["page"]
        return super().url_for_result(result)


class RoundFilter(admin.RelatedFieldListFilter):
    """By round, titled with the round's own name (the foreign key has none)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = Round._meta.verbose_name


@admin.register(Ranking)
class RankingAdmin(NotFoundOutsideQuerysetMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("__str__", "tier", "status", "finalized", "approved")
    list_filter = ("status", "tier", ("round", RoundFilter))
    actions = None

    # The times in the reader's era (B.E. on a Thai page), as on the ranking page.

    finalized = era_column(
        "finalized_at", Ranking._meta.get_field("finalized_at").verbose_name
    )
    approved = era_column(
        "approved_at", Ranking._meta.get_field("approved_at").verbose_name
    )

    def get_queryset(self, request):
        return rankings_visible_to(request.user)

    def get_changelist(self, request, **kwargs):
        return RankingChangeList

    def has_module_permission(self, request):
        return sees_committee_work(request)

    def has_view_permission(self, request, obj=None):
        return sees_committee_work(request)

    def get_urls(self):
        view = self.admin_site.admin_view
        of = "round/<int:round_id>/committee/<int:committee_id>/"
        return [
            path(of, view(self.of_view), name="selection_ranking_of"),
            path(
                f"{of}export.<str:fmt>",
                view(self.of_export_view),
                name="selection_ranking_of_export",
            ),
            path(
                f"{of}print/",
                view(self.of_print_view),
                name="selection_ranking_of_print",
            ),
            path(
                "<path:object_id>/export.<str:fmt>",
                view(self.export_view),
                name="selection_ranking_export",
            ),
            path(
                "<path:object_id>/award/",
                view(self.award_view),
                name="selection_ranking_award",
            ),
            path(
                "<path:object_id>/print/",
                view(self.print_view),
                name="selection_ranking_print",
            ),
            *super().get_urls(),
        ]

    def _get(self, request, object_id) -> Ranking:
        # get_object answers None to an id that is not a number, and the
        # NotFoundOutsideQuerysetMixin turns None into a 404.
        return self.get_object(request, object_id)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return admin_views.ranking_view(self, request, self._get(request, object_id))

    def export_view(self, request, object_id, fmt):
        return admin_views.ranking_export(self._get(request, object_id), fmt)

    def award_view(self, request, object_id):
        return admin_views.ranking_award_view(
            self, request, self._get(request, object_id)
        )

    def print_view(self, request, object_id):
        return admin_views.ranking_print(self, request, self._get(request, object_id))

    # A committee's ranking by round and committee, stored or not (the list
    # links here to those nobody has moved yet; looking stores nothing).

    def _of(self, request, round_id, committee_id) -> Ranking:
        ranking = ranking_of(
            user=request.user, round_id=round_id, committee_id=committee_id
        )
        if ranking is None or not self.has_view_permission(request):
            raise Http404
        return ranking

    def of_view(self, request, round_id, committee_id):
        ranking = self._of(request, round_id, committee_id)
        if ranking.pk is not None and request.method != "POST":
            return redirect("admin:selection_ranking_change", ranking.pk)
        return admin_views.ranking_view(self, request, ranking)

    def of_export_view(self, request, round_id, committee_id, fmt):
        return admin_views.ranking_export(
            self._of(request, round_id, committee_id), fmt
        )

    def of_print_view(self, request, round_id, committee_id):
        return admin_views.ranking_print(
            self, request, self._of(request, round_id, committee_id)
        )
