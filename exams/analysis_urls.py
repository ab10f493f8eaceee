from django.urls import path

from exams import analysis_views

app_name = "analysis"

urlpatterns = [
    path("questions/<int:pk>/", analysis_views.question, name="question"),
    path("blueprints/<int:pk>/", analysis_views.blueprint, name="blueprint"),
]
