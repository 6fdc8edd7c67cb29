from django.urls import path

from . import views

app_name = "contacts"

urlpatterns = [
    path("", views.contact_list, name="list"),
    path("new/", views.contact_create, name="create"),
    path("validate/", views.validate_field, name="validate"),
    path("pick/<slug:kind>/", views.picker_options, name="picker"),
    path("tiers/", views.tiers, name="tiers"),
    path("import/", views.contact_import, name="import"),
    path("import/confirm/", views.contact_import_confirm, name="import_confirm"),
    path("export.csv", views.contact_export_csv, name="export_csv"),
    path("export.vcf", views.contact_export_vcard, name="export_vcard"),
    path("export-google.csv", views.contact_export_google_csv, name="export_google_csv"),
    path("<int:pk>/", views.contact_detail, name="detail"),
    path("<int:pk>/edit/", views.contact_edit, name="edit"),
    path("<int:pk>/status/", views.contact_status, name="status"),
    path("<int:pk>/delete/", views.contact_delete, name="delete"),
]
