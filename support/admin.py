"""The support plan's admin page hangs off the ranking it is for
(``admin/selection/ranking/<id>/plan/``, named ``admin:selection_ranking_plan``).
Selection registers the ranking's admin and knows nothing of plans; this app,
above it, registers the same admin again with the plan page added."""

from django.contrib import admin
from django.urls import path

from selection.admin import RankingAdmin as LadderRankingAdmin
from selection.models import Ranking
from support import admin_views

admin.site.unregister(Ranking)


@admin.register(Ranking)
class RankingAdmin(LadderRankingAdmin):
    def get_urls(self):
        return [
            path(
                "<path:object_id>/plan/",
                self.admin_site.admin_view(self.plan_view),
                name="selection_ranking_plan",
            ),
            *super().get_urls(),
        ]

    def plan_view(self, request, object_id):
        return admin_views.plan_view(self, request, self._get(request, object_id))
