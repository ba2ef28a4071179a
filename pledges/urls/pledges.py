from django.urls import path

from pledges.views import pledges as views

urlpatterns = [
    path("to-chuc/<int:pk>/nam/<int:year>/", views.roster, name="roster"),
    path("to-chuc/<int:pk>/nam/<int:year>/danh-gia-cuoi-nam/", views.cell_evaluation, name="cell_evaluation"),
    path("to-chuc/<int:pk>/nam/<int:year>/tap-the/", views.collective_pledge, name="collective_pledge"),
    path("ca-nhan/<int:person_pk>/nam/<int:year>/ke-hoach/", views.pledge_entry, name="pledge_entry"),
    path("ke-hoach/dong-moi/", views.item_row, name="item_row"),
    path("ke-hoach/<int:pk>/", views.pledge_detail, name="pledge_detail"),
    path("ke-hoach/<int:pk>/nop/", views.pledge_submit, name="pledge_submit"),
    path("ke-hoach/<int:pk>/duyet/", views.pledge_accept, name="pledge_accept"),
    path("ke-hoach/<int:pk>/tra-lai/", views.pledge_return, name="pledge_return"),
    path("ke-hoach/<int:pk>/tu-danh-gia/", views.pledge_self_assess, name="pledge_self_assess"),
    path("ke-hoach/<int:pk>/danh-gia/", views.pledge_evaluate, name="pledge_evaluate"),
]
