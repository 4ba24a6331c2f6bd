"""Download my data: my own records only, public timelines only, as JSON and HTML."""

import io
import json
import zipfile

from django.urls import reverse

from helpdesk import actions
from tests.accounts.conftest import NOTE, NOTE_FILE
from tests.helpdesk.flows import pdf

URL = "accounts:data-download"


def download(client, user) -> zipfile.ZipFile:
    client.force_login(user)
    response = client.get(reverse(URL))
    assert response.status_code == 200
    assert set(response["Cache-Control"].split(", ")) == {"private", "no-store"}
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def everything(archive: zipfile.ZipFile) -> str:
    return "\n".join(archive.read(name).decode(errors="replace") for name in archive.namelist())


def test_the_zip_holds_every_part_as_json_and_html(world, camille, client):
    archive = download(client, camille)
    names = set(archive.namelist())
    for part in ["account", "requests", "invoices", "path", "tutorials"]:
        assert {f"{part}.json", f"{part}.html"} <= names
        assert f'href="{part}.html"' in archive.read("index.html").decode()
    requests = json.loads(archive.read("requests.json"))
    assert [r["subject"] for r in requests] == [world["ticket"].subject]
    assert "Bonjour Camille" in json.dumps(requests, ensure_ascii=False)  # the team's reply
    files = {f["name"]: f["file"] for f in requests[0]["files"]}
    assert set(files) == {"devis-camille.pdf", "relance.pdf"}
    assert archive.read(files["devis-camille.pdf"]).startswith(b"%PDF")
    assert json.loads(archive.read("invoices.json"))[0]["invoice_number"] == "F-31"
    path = json.loads(archive.read("path.json"))[0]
    document = next(t["document"] for t in path["tasks"] if "document" in t)
    assert archive.read(document["file"]).startswith(b"%PDF")
    assert json.loads(archive.read("tutorials.json"))[0]["title"] == "Bien démarrer sa facturation"
    assert json.loads(archive.read("account.json"))[0]["phone"] == camille.phone


def test_no_internal_note_nor_its_file(world, camille, client):
    text = everything(download(client, camille))
    assert NOTE not in text and NOTE_FILE not in text
    assert "Note interne" not in text


def test_no_other_members_data(world, camille, other_member, client, category):
    actions.add_reply(world["lucas_ticket"], by=other_member, body="Réponse secrète de Lucas")
    text = everything(download(client, camille))
    assert "Lucas" not in text and "lucas.pdf" not in text
    # And Lucas' own download holds none of Camille's.
    text = everything(download(client, other_member))
    assert "Dupontel" not in text and "devis-camille" not in text
    assert "La demande de Lucas" in text


def test_html_is_escaped(camille, category, client):
    actions.create_ticket(requester=camille, category=category,
                          subject="<script>alert(1)</script>", body="x", files=[pdf()])
    page = download(client, camille).read("requests.html").decode()
    assert "<script>alert" not in page and "&lt;script&gt;" in page


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse(URL))
    assert response.status_code == 302


def test_post_is_refused(camille, client):
    client.force_login(camille)
    assert client.post(reverse(URL)).status_code == 405


def test_a_large_export_spills_to_disk_and_still_downloads(world, camille, client, monkeypatch):
    from coopdesk.accounts import export

    monkeypatch.setattr(export, "IN_MEMORY_BYTES", 100)
    archive = download(client, camille)
    assert archive.testzip() is None and "index.html" in archive.namelist()


def test_a_lost_file_is_named_not_a_500(world, camille, client):
    attachment = world["ticket"].attachments.filter(uploaded_by=camille).first()
    attachment.file.storage.delete(attachment.file.name)
    names = download(client, camille).namelist()
    assert any(name.endswith(".missing.txt") for name in names)
