from django.urls import path

from question_bank import views

app_name = "question_bank"

urlpatterns = [
    path("", views.bank, name="bank"),
    path("bulk/", views.bulk_action, name="bulk"),
    path("new/", views.question_create, name="create"),
    path("<int:pk>/", views.question, name="question"),
    path("<int:pk>/edit/", views.question_edit, name="edit"),
    path("<int:pk>/status/", views.question_status, name="status"),
    path("import/", views.import_bank, name="import"),
    path("import/<int:pk>/", views.import_check, name="import_check"),
    path("import/template/", views.import_template, name="import_template"),
    path("export/", views.export, name="export"),
    path("images/<str:sha1>/", views.asset, name="asset"),
]
