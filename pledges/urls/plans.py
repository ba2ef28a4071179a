from django.urls import path

from pledges.views import plans as views

urlpatterns = [
    path("to-chuc/<int:pk>/nam/<int:year>/ke-hoach-nam/", views.plan_detail, name="plan_detail"),
    path("to-chuc/<int:pk>/nam/<int:year>/khoa-so/", views.plan_close, name="plan_close"),
    path("to-chuc/<int:pk>/nam/<int:year>/mo-lai/", views.plan_reopen, name="plan_reopen"),
    path("van-ban/", views.directive_list, name="directive_list"),
    path("to-chuc/<int:pk>/van-ban/them/", views.directive_create, name="directive_create"),
]
