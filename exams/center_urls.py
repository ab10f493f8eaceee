from django.urls import path

from exams import center_views

app_name = "center"

urlpatterns = [
    path("pass-rates/", center_views.pass_rates, name="pass_rates"),
    path(
        "pass-rates/export.<str:file_format>",
        center_views.pass_rates_export,
        name="pass_rates_export",
    ),
    path("results/", center_views.real_results, name="real_results"),
    path("results/<int:pk>/delete/", center_views.real_result_delete, name="real_result_delete"),
]
