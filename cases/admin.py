from django.contrib import admin

from cases.models import Category, DeadlinePolicy, Organisation


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["code", "name_th", "name_en", "type", "parent", "headcount", "is_active"]
    list_filter = ["type", "is_active"]
    search_fields = ["code", "name_th", "name_en"]
    raw_id_fields = ["parent"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "kind", "label_th", "label_en", "is_corruption", "is_active"]
    list_filter = ["kind", "is_corruption", "is_active"]


@admin.register(DeadlinePolicy)
class DeadlinePolicyAdmin(admin.ModelAdmin):
    list_display = [
        "organisation",
        "acknowledge_days",
        "feedback_days",
        "answer_days",
        "retention_years",
    ]
    raw_id_fields = ["organisation"]
