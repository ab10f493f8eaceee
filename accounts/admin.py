from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import Cohort, JoinCode, TrainingCenter, User


@admin.register(User)
class AppUserAdmin(UserAdmin):
    list_display = ["username", "full_name", "role", "center", "is_active", "last_login"]
    list_filter = ["role", "center", "is_active", "is_superuser"]
    search_fields = ["username", "full_name", "email"]
    fieldsets = UserAdmin.fieldsets + (
        (
            _("Training"),
            {
                "fields": [
                    "full_name",
                    "role",
                    "center",
                    "target_level",
                    "planned_exam_date",
                    "weekly_goal_minutes",
                    "preferred_language",
                ]
            },
        ),
    )


@admin.register(TrainingCenter)
class TrainingCenterAdmin(admin.ModelAdmin):
    list_display = ["name", "city", "created"]
    search_fields = ["name", "city"]


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ["name", "center", "level", "starts_on", "ends_on"]
    list_filter = ["center", "level"]
    search_fields = ["name"]
    filter_horizontal = ["instructors", "learners"]


@admin.register(JoinCode)
class JoinCodeAdmin(admin.ModelAdmin):
    list_display = ["code", "center", "cohort", "is_active", "uses", "created"]
    list_filter = ["center", "is_active"]
