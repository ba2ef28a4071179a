from django.urls import path

from reports import views, views_dashboard, views_forms

app_name = "reports"

urlpatterns = [
    path("to-chuc/<int:pk>/nam/<int:year>/tong-quan/", views_dashboard.dashboard_page, name="dashboard"),
    path("to-chuc/<int:pk>/nam/<int:year>/tong-quan.xlsx", views_dashboard.dashboard_xlsx, name="dashboard_xlsx"),
    path("to-chuc/<int:pk>/nam/<int:year>/bao-cao/", views.report_page, name="report_page"),
    path("to-chuc/<int:pk>/nam/<int:year>/bao-cao/mo/", views.report_open, name="report_open"),
    path("to-chuc/<int:pk>/nam/<int:year>/bao-cao/giai-doan/mo/", views.span_report_open, name="span_report_open"),
    path("to-chuc/<int:pk>/nam/<int:year>/bao-cao/xuat-hang-loat/", views.batch_request, name="batch_request"),
    path("bao-cao/<int:pk>/sua/", views.report_edit, name="report_edit"),
    path("bao-cao/<int:pk>/xuat/", views.render_request, name="render_request"),
    path("bao-cao/<int:pk>/hoan-thanh/", views.report_finalize, name="report_finalize"),
    path("ban-xuat/<int:pk>/trang-thai/", views.render_status, name="render_status"),
    path("ban-xuat/<int:pk>/tai-ve/", views.render_download, name="render_download"),
    path("xuat-hang-loat/<int:pk>/", views.batch_detail, name="batch_detail"),
    path("xuat-hang-loat/<int:pk>/zip/", views.batch_zip, name="batch_zip"),
    path("xuat-hang-loat/<int:pk>/tao-zip/", views.batch_zip_request, name="batch_zip_request"),
    # Printable pledge forms (mẫu 01 / 2A / 2B)
    path("ke-hoach/<int:pk>/pdf/", views_forms.pledge_pdf, name="pledge_pdf"),
    path("to-chuc/<int:pk>/nam/<int:year>/ke-hoach-pdf/", views_forms.cell_pledges_pdf, name="cell_pledges_pdf"),
]
