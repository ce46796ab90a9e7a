"""Admin for organisations, their members and invitations. Accounts themselves are Django's user admin."""

from django.contrib import admin

from .models import AuditEvent, Invitation, Membership, Organisation
from .services import new_token
from .tasks import queue_invitation


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["user"]
    fields = ["user", "role", "created_at"]
    readonly_fields = ["created_at"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "member_count", "require_mfa", "created_at"]
    search_fields = ["name", "memberships__user__username", "memberships__user__email"]
    list_filter = ["require_mfa", "created_at"]
    readonly_fields = ["id", "created_at"]
    inlines = [MembershipInline]

    @admin.display(description="members")
    def member_count(self, obj: Organisation) -> int:
        return obj.memberships.count()


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__email", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]
    list_select_related = ["user", "organisation"]
    exclude = ["calendar_token"]  # the member's private feed address: theirs alone (they reset it themselves)


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organisation", "role", "invited_by", "created_at", "expires_at", "accepted_at"]
    list_filter = ["role", ("accepted_at", admin.EmptyFieldListFilter), "created_at"]
    search_fields = ["email", "organisation__name", "invited_by__username"]
    autocomplete_fields = ["organisation", "invited_by", "accepted_by"]
    readonly_fields = ["token_hash", "expires_at", "created_at"]
    list_select_related = ["organisation", "invited_by"]

    def save_model(self, request, obj: Invitation, form, change) -> None:
        """A new invitation gets a token and expiry here and its mail is queued (the mail gets its own token;
        only hashes are stored)."""
        if not change:
            new_token(obj)
            if obj.invited_by_id is None:
                obj.invited_by = request.user
        super().save_model(request, obj, form, change)
        if not change:
            queue_invitation(obj, request.build_absolute_uri("/"))


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit log is written by the application, never edited."""

    list_display = ["created_at", "action", "user", "organisation", "target", "ip"]
    list_filter = ["action", "created_at"]
    search_fields = ["target", "user__username", "organisation__name", "request_id"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
