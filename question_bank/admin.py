from django.contrib import admin

from question_bank.models import (
    ProblemReport,
    Question,
    QuestionAsset,
    QuestionVersion,
    Tag,
    VocationalFunction,
    WorkContent,
)


class WorkContentInline(admin.TabularInline):
    model = WorkContent
    extra = 0


@admin.register(VocationalFunction)
class VocationalFunctionAdmin(admin.ModelAdmin):
    list_display = ["code", "level", "name_zh", "name_en", "theory_weight", "skill_weight"]
    list_editable = ["theory_weight", "skill_weight"]
    list_filter = ["level", "is_extension"]
    inlines = [WorkContentInline]


class QuestionVersionInline(admin.StackedInline):
    model = QuestionVersion
    extra = 0
    readonly_fields = ["number", "frozen", "created", "created_by"]


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["key", "language", "type", "levels", "function", "status", "center"]
    list_filter = ["status", "type", "language", "function", "center"]
    search_fields = ["key", "latest_version__stem"]
    raw_id_fields = ["latest_version", "published_version", "author"]
    filter_horizontal = ["tags"]
    inlines = [QuestionVersionInline]


@admin.register(ProblemReport)
class ProblemReportAdmin(admin.ModelAdmin):
    list_display = ["question", "reporter", "created", "resolved"]
    list_filter = ["resolved"]
    raw_id_fields = ["question", "version", "reporter"]


admin.site.register(Tag)
admin.site.register(QuestionAsset, list_display=["name", "center", "width", "height", "sha1"])
