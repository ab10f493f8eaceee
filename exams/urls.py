from django.urls import path

from exams import exam_views, views

app_name = "exams"

urlpatterns = [
    path("practice/", views.practice_start, name="practice_start"),
    path("practice/continue/", views.practice_continue, name="practice_continue"),
    path("practice/review/", views.practice_review, name="practice_review"),
    path("practice/<int:pk>/<int:position>/", views.practice_item, name="practice_item"),
    path("practice/<int:pk>/<int:position>/answer/", views.practice_answer, name="practice_answer"),
    path("practice/<int:pk>/<int:position>/time/", views.practice_time, name="practice_time"),
    path("practice/<int:pk>/<int:position>/mark/", views.practice_mark, name="practice_mark"),
    path("practice/<int:pk>/finish/", views.practice_finish, name="practice_finish"),
    path("practice/<int:pk>/summary/", views.practice_summary, name="practice_summary"),
    path("notebook/", views.notebook, name="notebook"),
    path("notebook/<int:question_id>/remove/", views.notebook_remove, name="notebook_remove"),
]

urlpatterns += [
    path("learners/<int:pk>/", views.learner_dashboard, name="learner_dashboard"),
    path("cohorts/<int:pk>/progress/", views.cohort_progress, name="cohort_progress"),
    path("exams/", exam_views.paper_list, name="papers"),
    path("exams/<int:pk>/start/", exam_views.paper_start, name="paper_start"),
    path("exams/attempts/<int:pk>/", exam_views.attempt, name="attempt"),
    path("exams/attempts/<int:pk>/save/", exam_views.attempt_save, name="attempt_save"),
    path("exams/attempts/<int:pk>/submit/", exam_views.attempt_submit, name="attempt_submit"),
    path("exams/blueprints/", exam_views.blueprint_list, name="blueprints"),
    path("exams/blueprints/new/", exam_views.blueprint_create, name="blueprint_create"),
    path("exams/blueprints/<int:pk>/", exam_views.blueprint, name="blueprint"),
    path("exams/blueprints/<int:pk>/edit/", exam_views.blueprint_edit, name="blueprint_edit"),
    path("exams/grading/", exam_views.grading_queue, name="grading"),
    path("exams/grading/<int:pk>/", exam_views.grade_item, name="grade_item"),
    path("exams/regrade/<int:question_pk>/<int:version_pk>/", exam_views.regrade, name="regrade"),
]
