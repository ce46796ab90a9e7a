"""Code of Practice gap analysis and the action plan."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from questionnaire.models import EvidenceFile, GapItem, GapRevision, MeasureStatus

from .factories import completed, make_member

pytestmark = pytest.mark.django_db



def item_url(assessment, measure):
    return reverse("gap_item", kwargs={"assessment_id": assessment.pk, "measure": measure})


def post_item(client, assessment, measure, **data):
    item = GapItem.objects.filter(assessment=assessment, measure=measure).first()
    payload = {"status": "planned", "seen_revision": item.revision if item else 0, **data}
    return client.post(item_url(assessment, measure), payload)


def test_only_applicable_measures_are_offered(client, organisation, owner):
    client.force_login(owner)
    gpai = completed(organisation, owner, "T01")
    page = client.get(reverse("gap_overview", kwargs={"assessment_id": gpai.pk})).content.decode()
    assert page.count('data-measure="') == 8
    assert 'data-measure="SS-1.1"' not in page
    assert client.get(item_url(gpai, "SS-1.1")).status_code == 404
    systemic = completed(organisation, owner, "T06", name="Frontier")
    page = client.get(reverse("gap_overview", kwargs={"assessment_id": systemic.pk})).content.decode()
    assert page.count('data-measure="') == 40
    exempt = completed(organisation, owner, "T08", name="Open")
    page = client.get(reverse("gap_overview", kwargs={"assessment_id": exempt.pk})).content.decode()
    assert page.count('data-measure="') == 5 and 'data-measure="TR-1.1"' not in page


def test_recording_a_measure_keeps_history(client, organisation, owner, editor):
    client.force_login(editor)
    assessment = completed(organisation, owner, "T01")
    client.get(reverse("gap_overview", kwargs={"assessment_id": assessment.pk}))
    response = post_item(client, assessment, "CR-1.3", status="partially_implemented", owner=str(owner.pk),
                         due_date="2027-03-31", evidence="robots.txt crawler policy v2")
    assert response.status_code == 302
    item = GapItem.objects.get(assessment=assessment, measure="CR-1.3")
    assert (item.status, item.owner, item.due_date) == ("partially_implemented", owner, dt.date(2027, 3, 31))
    changes = {r.field: (r.old_value, r.new_value, r.user) for r in GapRevision.objects.filter(item=item)}
    assert changes["status"] == (None, "partially_implemented", editor)  # None: not recorded before
    assert changes["owner"] == (None, "olivia", editor)
    assert changes["due_date"] == (None, "2027-03-31", editor)


def test_not_applicable_needs_a_reason(client, organisation, owner):
    client.force_login(owner)
    assessment = completed(organisation, owner, "T01")
    client.get(reverse("gap_overview", kwargs={"assessment_id": assessment.pk}))
    response = post_item(client, assessment, "CR-1.2", status="not_applicable")
    assert response.status_code == 400 and "Say why the measure does not apply" in response.content.decode()
    response = post_item(client, assessment, "CR-1.2", status="not_applicable",
                         not_applicable_reason="We do not crawl the web; all training data is licensed.")
    assert response.status_code == 302


def test_viewer_cannot_edit_and_outsider_owner_is_refused(client, organisation, owner, viewer, django_user_model):
    assessment = completed(organisation, owner, "T01")
    client.force_login(viewer)
    assert client.get(item_url(assessment, "TR-1.1")).status_code == 200
    assert post_item(client, assessment, "TR-1.1").status_code == 403
    stranger, _ = make_member(django_user_model, "sam")
    client.force_login(owner)
    response = post_item(client, assessment, "TR-1.1", owner=str(stranger.pk))
    assert response.status_code == 400
    assert "Choose a member of your organisation as owner" in response.content.decode()
    client.force_login(stranger)
    assert client.get(reverse("gap_overview", kwargs={"assessment_id": assessment.pk})).status_code == 404
    assert client.get(item_url(assessment, "TR-1.1")).status_code == 404


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("big.pdf", b"%PDF-1.7\n" + b"0" * (10 * 1024 * 1024 + 1), "the limit is 10 MB"),
        ("tool.exe", b"MZ\x90\x00", "is not an accepted type"),
        ("fake.pdf", b"<html>not a pdf</html>", "does not look like a .pdf file"),
        ("empty.txt", b"", "is empty"),
    ],
)
def test_bad_evidence_uploads_get_a_clear_message(client, organisation, owner, name, content, message):
    client.force_login(owner)
    assessment = completed(organisation, owner, "T01")
    client.get(reverse("gap_overview", kwargs={"assessment_id": assessment.pk}))
    response = post_item(client, assessment, "CR-1.1", upload=SimpleUploadedFile(name, content))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not EvidenceFile.objects.exists()
    assert GapItem.objects.get(assessment=assessment, measure="CR-1.1").status == "not_started"


def tiny_pdf() -> bytes:
    from pypdf import PdfWriter

    writer, buffer = PdfWriter(), io.BytesIO()
    writer.add_blank_page(72, 72)
    writer.write(buffer)
    return buffer.getvalue()


def test_evidence_upload_and_download(client, organisation, owner, django_user_model):
    client.force_login(owner)
    assessment = completed(organisation, owner, "T01")
    client.get(reverse("gap_overview", kwargs={"assessment_id": assessment.pk}))
    pdf = tiny_pdf()  # a real PDF: uploads are checked by what they are (issue 12)
    response = post_item(client, assessment, "CR-1.1", upload=SimpleUploadedFile("../../policy.pdf", pdf))
    assert response.status_code == 302
    evidence = EvidenceFile.objects.get()
    assert evidence.name == "policy.pdf" and evidence.size == len(pdf) and ".." not in evidence.file.name
    url = reverse("evidence_file", kwargs={"assessment_id": assessment.pk, "file_id": evidence.pk})
    download = client.get(url)
    assert b"".join(download.streaming_content) == pdf
    assert download["X-Content-Type-Options"] == "nosniff" and "attachment" in download["Content-Disposition"]
    stranger, _ = make_member(django_user_model, "sam")
    client.force_login(stranger)
    assert client.get(url).status_code == 404


def test_action_plan_orders_filters_and_exports(client, organisation, owner, editor):
    client.force_login(owner)
    first = completed(organisation, owner, "T01", name="Alpha")
    second = completed(organisation, owner, "T23", name="Legacy")
    for assessment in (first, second):
        client.get(reverse("gap_overview", kwargs={"assessment_id": assessment.pk}))
    yesterday = dt.date.today() - dt.timedelta(days=1)
    post_item(client, first, "CR-1.1", status="planned", due_date="2030-01-01")
    post_item(client, first, "CR-1.2", status="not_started", due_date=yesterday.isoformat())
    post_item(client, first, "CR-1.3", status="implemented")
    post_item(client, second, "TR-1.1", status="partially_implemented", due_date="2029-06-30", owner=str(editor.pk))
    page = client.get(reverse("action_plan")).content.decode()
    import re

    order = re.findall(r'data-measure="([\w.-]+)"', page)
    # legal deadline first (Alpha's obligations apply since 2025-10-01, Legacy's from 2027-08-02), then due date,
    # dated before undated; never-recorded measures are listed too ("Not recorded"), implemented ones are not
    assert order[:8] == ["CR-1.2", "CR-1.1", "TR-1.1", "TR-1.2", "TR-1.3", "CR-1.4", "CR-1.5", "TR-1.1"]
    assert len(order) == 7 + 8 and order.count("CR-1.3") == 1  # Alpha's is implemented, so only Legacy's
    assert page.count("data-due-passed") == 1
    assert page.count("data-legal-passed") == 7  # Alpha's legal deadline has passed, Legacy's has not
    assert page.count("status-not_recorded\">Not recorded") == 5 + 7
    models = re.findall(r'data-model="([\w-]+)"', page)
    assert models == [str(first.ai_model_id)] * 7 + [str(second.ai_model_id)] * 8
    only_partial = client.get(reverse("action_plan"), {"status": "partially_implemented"}).content.decode()
    assert re.findall(r'data-measure="([\w.-]+)"', only_partial) == ["TR-1.1"]
    legacy = client.get(reverse("action_plan"), {"model": str(second.ai_model_id)}).content.decode()
    assert all(m in ("TR-1.1", "TR-1.2", "TR-1.3", "CR-1.1", "CR-1.2", "CR-1.3", "CR-1.4", "CR-1.5")
               for m in re.findall(r'data-measure="([\w.-]+)"', legacy))
    assert "Alpha" not in legacy.split("<tbody>")[1]
    csv_text = client.get(reverse("action_plan"), {"format": "csv"}).content.decode()
    note, *lines = csv_text.strip().splitlines()
    assert "not legal advice" in note and "code_date" in note  # the first line says what the columns mean (M14)
    assert lines[0].startswith("model,measure,title,status,owner,due_date,overdue,act_date,act_date_passed,code_date")
    # the page opens with the deadlines overdue and due in the next 30 days (#28); the CSV too, in the same order
    opening = re.findall(r'data-deadline="(\w+)"', page)
    deadline_lines, lines = lines[1:1 + len(opening)], [lines[0], *lines[1 + len(opening):]]
    assert opening and all(line.split(",")[-1].startswith("deadline_") for line in deadline_lines)
    assert lines[1].startswith("Alpha,CR-1.2,") and ",yes," in lines[1]
    documents = re.findall(r'data-document="(\w+)"', page.split("data-document-rows")[1])
    assert documents  # the documents due are rows of the plan too (#13)
    # the CSV has the page's rows in its order: the measures, then the documents due
    assert [line.split(",")[1] for line in lines[1:]] == order + documents
    assert [line.split(",")[-1] for line in lines[1:]] == ["measure"] * len(order) + ["document"] * len(documents)


def test_gap_analysis_appears_in_a_new_report(client, organisation, owner):
    client.force_login(owner)
    assessment = completed(organisation, owner, "T06")
    first = client.get(reverse("report_pdf", kwargs={"assessment_id": assessment.pk}))
    first_pdf = b"".join(first.streaming_content)
    client.get(reverse("gap_overview", kwargs={"assessment_id": assessment.pk}))
    post_item(client, assessment, "SS-9.3", status="implemented", evidence="Incident runbook v4")
    second = client.get(reverse("report_pdf", kwargs={"assessment_id": assessment.pk}))
    second_pdf = b"".join(second.streaming_content)
    assert first_pdf != second_pdf
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(second_pdf)).pages)
    assert "Incident runbook v4" in text and "Implemented" in text
    from questionnaire.models import RenderedDocument

    hashes = set(RenderedDocument.objects.filter(assessment=assessment).values_list("document_hash", flat=True))
    assert len(hashes) == 2 and assessment.snapshot_hash in hashes
    assert MeasureStatus.IMPLEMENTED == "implemented"


def test_signatory_status_changes_the_wording_never_a_presumption(client, organisation, owner, viewer):
    client.force_login(owner)
    assessment = completed(organisation, owner, "T01")
    result_url = reverse("result", kwargs={"assessment_id": assessment.pk})
    page = client.get(result_url).content.decode()
    assert page.count('data-demonstration="not_signing"') == 2 and "other adequate means" in page
    response = client.post(reverse("gap_signatory", kwargs={"assessment_id": assessment.pk}),
                           {"signatory-TRANSPARENCY": "signed", "signatory-COPYRIGHT": "intends_to_sign"})
    assert response.status_code == 302
    page = client.get(result_url).content.decode()
    assert 'data-demonstration="signed"' in page and 'data-demonstration="intends_to_sign"' in page
    assert "to the extent you adhere to its measures (Art. 53(4))" in page
    assert "not a presumption of conformity" in page
    import re

    claims = re.sub(r"(not|never|no)( create)? a presumption of conformity", "", page)
    assert "presumption of conformity" not in claims
    report = client.get(reverse("report_pdf", kwargs={"assessment_id": assessment.pk}))
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(b"".join(report.streaming_content))).pages)
    text = " ".join(text.split())
    assert "Signed: you can rely on the Transparency chapter" in text
    assert "You intend to sign the Copyright chapter" in text
    client.force_login(viewer)
    assert client.post(reverse("gap_signatory", kwargs={"assessment_id": assessment.pk}),
                       {"signatory-COPYRIGHT": "signed"}).status_code == 403


def test_a_signatory_s_partly_implemented_measure_is_shown_with_the_good_faith_note(client, organisation, owner):
    """gpai-reference.md 2026-12-05 item 12: the Commission's FAQ on signing, beside such measures."""
    client.force_login(owner)
    assessment = completed(organisation, owner, "T01")
    client.post(reverse("gap_signatory", kwargs={"assessment_id": assessment.pk}),
                {"signatory-TRANSPARENCY": "signed", "signatory-COPYRIGHT": "not_signing"})
    for measure in ("TR-1.1", "CR-1.1"):
        assert post_item(client, assessment, measure, status="partially_implemented").status_code == 302
    assert post_item(client, assessment, "TR-1.2", status="planned").status_code == 302
    page = client.get(reverse("gap_overview", kwargs={"assessment_id": assessment.pk})).content.decode()
    rows = {m: page.split(f'data-measure="{m}"', 1)[1].split("</tr>", 1)[0] for m in ("TR-1.1", "TR-1.2", "CR-1.1")}
    assert "data-good-faith" in rows["TR-1.1"] and "not necessarily a breach" in rows["TR-1.1"]
    assert "data-good-faith" not in rows["TR-1.2"] and "data-good-faith" not in rows["CR-1.1"]
    assert 'data-signing-status="signed"' in page and 'data-signing-status="not_signing"' in page
    assert "Signatory Form" in page and "at least every two years" in page
    assert "data-good-faith" in client.get(item_url(assessment, "TR-1.1")).content.decode()
    assert "data-good-faith" not in client.get(item_url(assessment, "CR-1.1")).content.decode()
