from django.contrib import admin

from anju.core.admin_site import ADMIN_PERM
from anju.core.scoping import holds_top_level
from anju.disputes.admin import CountyConfigAdmin

from .models import INDICATORS, AssessmentScheme


@admin.register(AssessmentScheme)
class AssessmentSchemeAdmin(CountyConfigAdmin):
    """One scheme: added once, then only changed, each change audited."""

    list_display = ["__str__", *INDICATORS, "minimum_cases", "updated_at"]
    audit_name = "assessment_scheme"
    audited = [*INDICATORS, "minimum_cases"]

    def has_add_permission(self, request) -> bool:
        return holds_top_level(request.user, ADMIN_PERM) and not AssessmentScheme.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
