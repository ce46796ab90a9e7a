from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from django.views.i18n import set_language

from questionnaire.api.main import api
from questionnaire.api.reference import docs as api_docs

# The admin has no sign-in of its own: everyone signs in through allauth (with the second factor), so the
# admin's password-only form cannot be used to skip it.
admin.site.login = login_required(admin.site.login)

handler400 = "compliance_checker.faults.bad_request"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/setlang/", set_language, name="set_language"),  # contract §6: POST language, next
    path("accounts/", include("accounts.urls")),
    path("api/v1/docs", api_docs, name="api_docs"),
    path("api/v1/", api.urls),
    path("", include("questionnaire.urls")),
]
