"""URLs of the records app, one module per kind of record."""

from pledges.urls import commendations, exemplars, plans, pledges, sessions

app_name = "pledges"

urlpatterns = [
    *pledges.urlpatterns,
    *sessions.urlpatterns,
    *exemplars.urlpatterns,
    *commendations.urlpatterns,
    *plans.urlpatterns,
]
