from django.urls import path

from .assessments import quick_check, views
from .assessments.wizard import quick_check_wizard_view, wizard_view
from .code_of_practice import gap_views
from .code_of_practice import model_documentation_views as documentation_views
from .core import views as core_views
from .deadlines import views as deadline_views
from .legal_documents import views as document_views
from .rendering import views as rendering_views
from .reports import views as report_views

urlpatterns = [
    path("", views.start, name="start"),
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("quick-check/", quick_check.start, name="quick_check"),
    path("quick-check/result/", quick_check.result, name="quick_check_result"),
    path("quick-check/keep/", quick_check.keep, name="quick_check_keep"),
    path("quick-check/restart/", quick_check.restart, name="quick_check_restart"),
    path("quick-check/<str:step>/", quick_check_wizard_view(), name="quick_check_step"),
    path("assessments/", views.dashboard, name="dashboard"),
    path("assessments/new/", views.new_assessment, name="new_assessment"),
    path("models/<uuid:model_id>/", views.model_detail, name="model_detail"),
    path("assessments/<uuid:assessment_id>/", views.resume, name="resume"),
    path("assessments/<uuid:assessment_id>/step/<str:step>/", wizard_view(), name="wizard_step"),
    path("assessments/<uuid:assessment_id>/check/", views.check_answers, name="check_answers"),
    path("assessments/<uuid:assessment_id>/complete/", views.complete_assessment, name="complete"),
    path("assessments/<uuid:assessment_id>/result/", views.result, name="result"),
    path("assessments/<uuid:assessment_id>/export.json", views.export_json, name="export_json"),
    path("assessments/<uuid:assessment_id>/export.csv", views.export_csv, name="export_csv"),
    path("assessments/<uuid:assessment_id>/history/", views.history, name="history"),
    path("assessments/<uuid:assessment_id>/copy/", views.copy, name="copy"),
    path("assessments/<uuid:assessment_id>/amend/", views.amend_assessment, name="amend"),
    path("assessments/<uuid:assessment_id>/compare/<uuid:other_id>/", views.compare, name="compare"),
    path("assessments/<uuid:assessment_id>/report.pdf", report_views.report_pdf, name="report_pdf"),
    path("assessments/<uuid:assessment_id>/report/status", report_views.report_status, name="report_status"),
    path("assessments/<uuid:assessment_id>/report/retry", report_views.report_retry, name="report_retry"),
    path("assessments/<uuid:assessment_id>/rendered/<uuid:render_id>/status", rendering_views.render_status,
         name="render_status"),
    path("assessments/<uuid:assessment_id>/rendered/<uuid:render_id>/retry", rendering_views.render_retry,
         name="render_retry"),
    path("assessments/<uuid:assessment_id>/verify/", report_views.verify, name="verify"),
    path("assessments/<uuid:assessment_id>/gap/", gap_views.gap_overview, name="gap_overview"),
    path("assessments/<uuid:assessment_id>/gap/signatory/", gap_views.gap_signatory, name="gap_signatory"),
    path("assessments/<uuid:assessment_id>/gap/chapters/<str:chapter>/", gap_views.gap_chapter, name="gap_chapter"),
    path("assessments/<uuid:assessment_id>/gap/<str:measure>/", gap_views.gap_item, name="gap_item"),
    path("assessments/<uuid:assessment_id>/evidence/<uuid:file_id>/", gap_views.evidence_file, name="evidence_file"),
    path("action-plan/", deadline_views.action_plan, name="action_plan"),
    path("action-plan/calendar/reset/", deadline_views.calendar_reset, name="calendar_reset"),
    path("action-plan/reminders/", deadline_views.reminder_settings, name="reminder_settings"),
    path("calendar/<str:token>.ics", deadline_views.calendar_feed, name="calendar_feed"),
    path("reminders/unsubscribe/<str:token>/", deadline_views.unsubscribe, name="reminders_unsubscribe"),
    path("assessments/<uuid:assessment_id>/documentation/", documentation_views.documentation_edit,
         name="model_documentation"),
    path("assessments/<uuid:assessment_id>/documentation/<str:audience>.<str:fmt>",
         documentation_views.documentation_export, name="model_documentation_export"),
    path("assessments/<uuid:assessment_id>/documents/<str:kind>/", document_views.document_edit, name="legal_document"),
    path("assessments/<uuid:assessment_id>/documents/<str:kind>/<int:number>/", document_views.document_edit,
         name="legal_document_entry"),
    path("assessments/<uuid:assessment_id>/documents/<str:kind>/issues/<uuid:issue_id>.<str:fmt>",
         document_views.document_download, name="legal_document_download"),
    path("assessments/<uuid:assessment_id>/documents/<str:kind>/issues/<uuid:issue_id>/retry",
         document_views.document_retry, name="legal_document_retry"),
]
