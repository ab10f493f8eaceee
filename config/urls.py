from django.contrib import admin
from django.urls import include, path

from accounts import views as account_views
from exams import views as exam_views

urlpatterns = [
    path("", exam_views.home, name="home"),
    path("accounts/", include("accounts.urls")),
    path("bank/", include("question_bank.urls")),
    path("", include("exams.urls")),
    path("center/", include("exams.center_urls")),
    path("analysis/", include("exams.analysis_urls")),
    path("i18n/setlang/", account_views.set_language, name="set_language"),
    path("admin/", admin.site.urls),
]
