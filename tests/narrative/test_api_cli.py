"""The checker through the API and the ``minga check-language`` command."""

import io
import json
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

pytestmark = pytest.mark.django_db


def post(client, body):
    return client.post("/api/v1/narrative/check", json.dumps(body), content_type="application/json",
                       headers={"accept-language": "en"})


def test_api_check_gives_each_finding_with_offsets_line_column_entry_and_suggestions(client):
    text = "Police arrested an illegal immigrant.\r\nIllegal fishing too. A wave of migrants."
    response = post(client, {"text": text, "language": "auto"})
    assert response.status_code == 200
    body = response.json()
    assert body["language"] == "en"
    assert [(f["start"], f["end"], f["line"], f["column"], f["text"], f["entry"]["slug"]) for f in body["findings"]] == [
        (19, 36, 1, 20, "illegal immigrant", "illegal-immigrant"), (61, 77, 2, 24, "wave of migrants", "wave")]
    first = body["findings"][0]
    assert first["suggestions"] == ["undocumented immigrant", "person living in the country without legal permission",
                                    "irregular migrant"]
    assert first["entry"]["source_url"] == "https://blog.ap.org/announcements/illegal-immigrant-no-more"
    assert first["explanation"].startswith("Presents people as offenders for their migration status")


def test_api_check_explains_in_the_readers_language(client):
    response = client.post("/api/v1/narrative/check", json.dumps({"text": "Os ilegais chegaram.", "language": "pt"}),
                           content_type="application/json", headers={"accept-language": "es"})
    finding = response.json()["findings"][0]
    assert finding["entry"]["category_label"] == "Criminalizante"
    assert finding["explanation"].startswith("Presenta a las personas como infractoras")


@pytest.mark.parametrize(("body", "field"), [
    ({"text": "hola", "language": "fr"}, "language"),
    ({"language": "es"}, "text"),
    ({"text": "x" * 500_001}, "text"),
    ({"text": "hola", "extra": 1}, "extra"),
])
def test_api_check_refuses_a_bad_body_naming_the_field(client, body, field):
    response = post(client, body)
    assert response.status_code == 422
    assert list(response.json()["detail"]) == [field]


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    code = 0
    try:
        call_command("check_language", *args, stdout=out, stderr=err)
    except SystemExit as exit_:
        code = exit_.code
    except CommandError as error:
        code = error.returncode
        err.write(str(error))
    return code, out.getvalue(), err.getvalue()


def test_cli_prints_file_line_column_and_message_and_exits_1_when_something_is_found(tmp_path, english):
    spanish = tmp_path / "nota.md"
    spanish.write_text("# Nota\n\nLos migrantes llegaron en una ola migratoria.\n", encoding="utf-8")
    clean = tmp_path / "clean.txt"
    clean.write_text("The families arrived on Monday.", encoding="utf-8")
    code, out, _ = run(str(spanish), str(clean))
    assert code == 1
    assert out.splitlines() == [
        f"{spanish}:3:31: «ola migratoria» (Dehumanising or catastrophic metaphor): write instead: "
        "aumento de la llegada de personas / llegada de X personas (con la cifra)"]


def docx(path, text: str):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", '<w:document xmlns:w="http://schemas.openxmlformats.org/'
                         f'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>{text}</w:t>'
                         '</w:r></w:p></w:body></w:document>')
    path.write_bytes(buffer.getvalue())
    return path


def test_cli_exits_0_on_clean_files_and_reads_docx(tmp_path, english):
    assert run(str(docx(tmp_path / "nota.docx", "Bienvenidas las familias.")), "--lang", "es") == (0, "", "")
    # Read, not skipped: the same document with a term to replace is found wanting.
    flagged = docx(tmp_path / "ola.docx", "Llegaron en una ola migratoria.")
    code, out, _ = run(str(flagged), "--lang", "es")
    assert (code, out.splitlines()) == (1, [
        f"{flagged}:1:17: «ola migratoria» (Dehumanising or catastrophic metaphor): write instead: "
        "aumento de la llegada de personas / llegada de X personas (con la cifra)"])


def test_cli_json_reports_each_file_with_its_detected_language(tmp_path):
    portuguese = tmp_path / "a.txt"
    portuguese.write_text("Os imigrantes ilegais não são criminosos.", encoding="utf-8")
    code, out, _ = run(str(portuguese), "--format", "json")
    assert code == 1
    report = json.loads(out)
    assert [(r["file"], r["language"], [(f["line"], f["column"], f["text"]) for f in r["findings"]]) for r in report] == [
        (str(portuguese), "pt", [(1, 4, "imigrantes ilegais")])]


def test_cli_forced_language_wins_over_detection(tmp_path):
    text = tmp_path / "a.txt"
    text.write_text("The illegal immigrant and the ola migratoria.", encoding="utf-8")
    _code, out, _ = run(str(text), "--lang", "es", "--format", "json")
    assert [f["text"] for f in json.loads(out)[0]["findings"]] == ["ola migratoria"]


def test_cli_says_which_file_it_could_not_read_and_exits_2(tmp_path, english):
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"not a zip")
    code, _, err = run(str(broken), str(tmp_path / "missing.txt"))
    assert code == 2
    assert f"{broken}: The .docx file is damaged or is not a Word document." in err
    assert f"{tmp_path / 'missing.txt'}: [Errno 2] No such file or directory" in err
    assert "2 file(s) could not be read." in err


def test_minga_console_script_accepts_the_documented_hyphenated_name(tmp_path, monkeypatch):
    from minga import cli

    text = tmp_path / "a.txt"
    text.write_text("Bienvenidos.", encoding="utf-8")
    assert cli.main(["minga", "check-language", str(text), "--lang", "es"]) == 0
